package bench_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/bench"
)

// testPKI is a throwaway CA with a server certificate and a client
// certificate, the client side written as PEM files.
type testPKI struct {
	Dir                       string
	CAFile, CertFile, KeyFile string
	Pool                      *x509.CertPool
	Server                    tls.Certificate
}

// MustPKI creates a CA (ECDSA P-256) and issues a server certificate for
// 127.0.0.1/localhost and a client certificate, under t.TempDir().
func MustPKI(tb testing.TB) *testPKI {
	tb.Helper()
	dir := tb.TempDir()
	now := time.Now()
	caKey := mustKey(tb)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "bench test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		tb.Fatal(err)
	}
	issue := func(serial int64, cn string, usage x509.ExtKeyUsage) ([]byte, *ecdsa.PrivateKey) {
		key := mustKey(tb)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.Add(time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		}
		if usage == x509.ExtKeyUsageServerAuth {
			tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
			tmpl.DNSNames = []string{"localhost"}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			tb.Fatal(err)
		}
		return der, key
	}
	srvDER, srvKey := issue(2, "127.0.0.1", x509.ExtKeyUsageServerAuth)
	cliDER, cliKey := issue(3, "bench client", x509.ExtKeyUsageClientAuth)

	p := &testPKI{
		Dir:      dir,
		CAFile:   filepath.Join(dir, "ca.pem"),
		CertFile: filepath.Join(dir, "client.pem"),
		KeyFile:  filepath.Join(dir, "client-key.pem"),
		Pool:     x509.NewCertPool(),
		Server:   tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey},
	}
	p.Pool.AddCert(caCert)
	mustWritePEM(tb, p.CAFile, "CERTIFICATE", caDER)
	mustWritePEM(tb, p.CertFile, "CERTIFICATE", cliDER)
	keyDER, err := x509.MarshalPKCS8PrivateKey(cliKey)
	if err != nil {
		tb.Fatal(err)
	}
	mustWritePEM(tb, p.KeyFile, "PRIVATE KEY", keyDER)
	return p
}

func mustKey(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

func mustWritePEM(tb testing.TB, path, typ string, der []byte) {
	tb.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// fakeAPI is a tiny OAuth2 + API server over mutual TLS. Its token endpoint
// issues "t1", "t2", ...; /api/v2/cob/{id} accepts any token it issued.
type fakeAPI struct {
	*httptest.Server
	PKI *testPKI

	ClientID, ClientSecret string
	ExpiresIn              int
	// RejectT1After, when positive, makes the API answer 401 to token "t1"
	// once it has been accepted that many times.
	RejectT1After int
	// Status, when set, chooses the status of an accepted API request.
	Status func(r *http.Request) int
	// Delay, when set, is waited (or until the request's context ends)
	// before an API request is answered.
	Delay time.Duration

	Conns, Handshakes, Resumed atomic.Int64

	mu         sync.Mutex
	tokenCalls int
	issued     map[string]bool
	scope      string
	uses       map[string]int
	api        []apiCall
}

// apiCall is what the fake API saw of one request.
type apiCall struct {
	Method, ID, Auth, ContentType, Extra, Body string
}

// MustFakeAPI starts a fakeAPI that requires client certificates from the
// PKI's CA.
func MustFakeAPI(tb testing.TB, p *testPKI) *fakeAPI {
	tb.Helper()
	f := &fakeAPI{PKI: p, ClientID: "bench-client", ClientSecret: "s3cret", ExpiresIn: 3600, uses: map[string]int{}, issued: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/token", f.token)
	mux.HandleFunc("/api/v2/cob/{id}", f.cob)
	srv := httptest.NewUnstartedServer(mux)
	srv.TLS = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{p.Server},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.Pool,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			f.Handshakes.Add(1)
			return nil, nil
		},
		VerifyConnection: func(cs tls.ConnectionState) error {
			if cs.DidResume {
				f.Resumed.Add(1)
			}
			return nil
		},
	}
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.Conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected in some tests
	srv.StartTLS()
	tb.Cleanup(srv.Close)
	f.Server = srv
	return f
}

func (f *fakeAPI) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	if !ok || id != f.ClientID || secret != f.ClientSecret || len(r.TLS.PeerCertificates) == 0 {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		http.Error(w, `{"error":"unsupported_grant_type"}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.tokenCalls++
	tok := fmt.Sprintf("t%d", f.tokenCalls)
	f.issued[tok] = true
	f.scope = r.PostForm.Get("scope")
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": f.ExpiresIn})
}

func (f *fakeAPI) cob(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	auth := r.Header.Get("Authorization")
	tok, isBearer := strings.CutPrefix(auth, "Bearer ")
	f.mu.Lock()
	ok := isBearer && f.issued[tok] && !(tok == "t1" && f.RejectT1After > 0 && f.uses[tok] >= f.RejectT1After)
	if ok {
		f.uses[tok]++
	}
	f.api = append(f.api, apiCall{
		Method: r.Method, ID: r.PathValue("id"), Auth: auth, ContentType: r.Header.Get("Content-Type"),
		Extra: r.Header.Get("X-Bench"), Body: string(body),
	})
	f.mu.Unlock()
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			// Never an implicit 200: when the server cancels a request
			// (e.g. its HTTP/2 connection is torn down by another stream's
			// timeout) the client may still read this response.
			http.Error(w, `{"title":"cancelled"}`, http.StatusServiceUnavailable)
			return
		}
	}
	if !ok {
		http.Error(w, `{"title":"Não autorizado"}`, http.StatusUnauthorized)
		return
	}
	status := http.StatusOK
	if f.Status != nil {
		status = f.Status(r)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"txid":%q,"padding":%q}`, r.PathValue("id"), strings.Repeat("x", 2048))
}

// TokenCalls returns how many tokens the fake API issued.
func (f *fakeAPI) TokenCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenCalls
}

// Scope returns the scope parameter of the last token request.
func (f *fakeAPI) Scope() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.scope
}

// Calls returns the API requests seen so far.
func (f *fakeAPI) Calls() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.api...)
}

// Options returns options that reach f with valid credentials.
func (f *fakeAPI) Options() bench.Options {
	return bench.Options{
		URL:          f.URL,
		CAFile:       f.PKI.CAFile,
		CertFile:     f.PKI.CertFile,
		KeyFile:      f.PKI.KeyFile,
		ClientID:     f.ClientID,
		ClientSecret: f.ClientSecret,
		Concurrency:  4,
	}
}

// MustRun runs the benchmark and fails the test on error.
func MustRun(tb testing.TB, opts bench.Options) *bench.Report {
	tb.Helper()
	rep, err := bench.Run(tb.Context(), opts)
	if err != nil {
		tb.Fatalf("Run: %v", err)
	}
	return rep
}

// checkLatency checks that the latency statistics are consistent.
func checkLatency(tb testing.TB, rep *bench.Report) {
	tb.Helper()
	l := rep.Latency
	if rep.Requests > 0 && (l.P50 <= 0 || l.P50 > l.P90 || l.P90 > l.P99 || l.P99 > l.Max || l.Mean > l.Max) {
		tb.Errorf("latency out of order: %+v", l)
	}
}
