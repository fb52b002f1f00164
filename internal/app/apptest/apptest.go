// Package apptest boots a real brasa (sandbox mode, SQLite in a temporary
// directory, listeners on 127.0.0.1:0) for end-to-end tests, and builds the
// HTTP clients those tests talk through: with the demo client certificate,
// with another certificate, or with none.
package apptest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/pixapi"
)

// Harness is a running app and what tests need to reach it.
type Harness struct {
	T       testing.TB
	App     *app.App
	Sandbox *pixapi.Sandbox
	Dir     string
	Roots   *x509.CertPool
	// Logs holds everything the app logged (JSON lines). The app writes
	// to it concurrently: read it with [Harness.LogText] while it runs.
	Logs *strings.Builder
	logw *lockedWriter
}

// LogText returns what the app has logged so far (JSON lines), safe to call
// while the app runs.
func (h *Harness) LogText() string {
	h.logw.mu.Lock()
	defer h.logw.mu.Unlock()
	return h.Logs.String()
}

// Options tune [Boot].
type Options struct {
	// Dir reuses a data directory (restart tests); default t.TempDir(),
	// filled with a copy of a sandbox seeded once per test binary (see
	// [Main]) so that each test does not pay for the demo tenants' keys.
	Dir string
	// Fresh seeds the sandbox on first start in the test's own directory
	// instead of copying the template: for tests of what the first start
	// writes, or of certificates that embed the listeners' URLs (the PSC
	// holders' CRL distribution points).
	Fresh bool
	// DB overrides the database (e.g. a postgres:// DSN).
	DB string
	// Configure may change the config before the app is built.
	Configure func(*config.Config)
}

// Boot starts a sandbox app and stops it when the test ends. Tests get the
// default rate limit; benchmarks run without one.
func Boot(t testing.TB, o Options) *Harness {
	t.Helper()
	dir := o.Dir
	if dir == "" {
		dir = t.TempDir()
		if o.DB == "" && !o.Fresh {
			copyTemplate(t, dir)
		}
	}
	args := []string{"--data", dir, "--api", "127.0.0.1:0", "--web", "127.0.0.1:0"}
	if o.DB != "" {
		args = append(args, "--db", o.DB)
	}
	cfg, err := config.Load(config.ModeSandbox, args, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := t.(*testing.B); ok {
		cfg.RateLimit = 0 // benchmarks measure the server, not its rate limit
	}
	if o.Configure != nil {
		o.Configure(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logs := &strings.Builder{}
	lw := &lockedWriter{w: logs}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, app.Options{Logger: slog.New(slog.NewJSONHandler(lw, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("app.Run: %v", err)
		}
		a.Close()
		if t.Failed() {
			lw.mu.Lock()
			t.Logf("app logs:\n%s", logs.String())
			lw.mu.Unlock()
		}
	})
	h := &Harness{T: t, App: a, Sandbox: a.Sandbox, Dir: cfg.DataDir, Roots: x509.NewCertPool(), Logs: logs, logw: lw}
	h.Roots.AddCert(a.CA.Root)
	return h
}

// DemoCertificate returns the demo Pix tenant's client certificate.
func (h *Harness) DemoCertificate() tls.Certificate {
	h.T.Helper()
	c, err := tls.LoadX509KeyPair(h.Sandbox.Pix.CertFile, h.Sandbox.Pix.KeyFile)
	if err != nil {
		h.T.Fatal(err)
	}
	return c
}

// IssueClientCertificate issues a fresh ECDSA client certificate from the
// app's CA, valid for validity from the app clock's now (minus the CA's
// 5-minute backdating).
func (h *Harness) IssueClientCertificate(cn string, validity time.Duration) tls.Certificate {
	h.T.Helper()
	key, err := pki.GenerateKey(rand.Reader, pki.ECDSAP256)
	if err != nil {
		h.T.Fatal(err)
	}
	cert, err := h.App.CA.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: cn, Organization: []string{"apptest"}}, PublicKey: key.Public(), Validity: validity})
	if err != nil {
		h.T.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw, h.App.CA.Intermediate.Raw}, PrivateKey: key, Leaf: cert}
}

// Client returns an HTTPS client trusting the sandbox CA and presenting cert
// (none when cert is nil). Connections are not shared with other clients.
func (h *Harness) Client(cert *tls.Certificate) *http.Client {
	tc := &tls.Config{RootCAs: h.Roots, MinVersion: tls.VersionTLS12}
	if cert != nil {
		c := *cert
		tc.Certificates = []tls.Certificate{c}
	}
	tr := &http.Transport{TLSClientConfig: tc, ForceAttemptHTTP2: true}
	h.T.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// PixClient returns the SDK client of the demo tenant.
func (h *Harness) PixClient(opts ...pixapi.Option) *pixapi.Client {
	h.T.Helper()
	c, err := pixapi.NewFromSandbox(h.Dir, opts...)
	if err != nil {
		h.T.Fatal(err)
	}
	return c
}

// APIURL returns the API listener's base URL.
func (h *Harness) APIURL() string { return h.Sandbox.APIURL }

// Do sends req and returns the status and body.
func Do(t testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return resp, b
}

// MustRemoveAll removes path.
func MustRemoveAll(t testing.TB, path string) {
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
}

// BootServe starts `brasa serve` (production mode: no demo data, no
// /sandbox routes) on SQLite in a temporary directory with a fresh master
// key, and stops it when the test ends. It returns the app and its
// directory.
func BootServe(t testing.TB) (*app.App, string) {
	t.Helper()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "master.key")
	key, err := pki.GenerateMasterKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := pki.WriteMasterKey(keyFile, key); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.ModeServe, []string{"--db", filepath.Join(dir, "brasa.db"), "--master-key-file", keyFile,
		"--api", "127.0.0.1:0", "--web", "127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, app.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; a.Close() })
	return a, dir
}
