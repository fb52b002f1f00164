package auth_test

import (
	"context"
	"crypto"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/bench"
	"github.com/brasa-dev/brasa/internal/pki"
)

// BenchmarkToken measures POST /oauth/token through the real listener with
// brasa's own load generator, client and server in one process (so they share
// the machine, as docs/BENCHMARKS.md requires). b.N is the number of tokens.
//
// Client profiles: "rsa" is the demo tenant's RSA-2048 certificate with Go's
// default key exchanges (X25519MLKEM768 hybrid); "ecdsa-x25519" is an ECDSA
// P-256 client certificate bound to the same credential, offering classic
// X25519 only (OpenSSL 3.0 clients). On a new connection per token the
// generator's own RSA signature costs more than the whole server handshake.
func BenchmarkToken(b *testing.B) {
	for _, sc := range []string{bench.ScenarioToken, bench.ScenarioTokenNewConn} {
		for _, profile := range []string{"rsa", "ecdsa-x25519"} {
			b.Run(sc+"/"+profile, func(b *testing.B) {
				h := apptest.Boot(b, apptest.Options{})
				o := bench.Options{Sandbox: h.Dir, Scenario: sc, Concurrency: 16, Count: b.N, Timeout: 30 * time.Second}
				if profile == "ecdsa-x25519" {
					o.CertFile, o.KeyFile = ecdsaClientFiles(b, h)
					o.KeyExchange = "x25519"
				}
				b.ResetTimer()
				rep, err := bench.Run(context.Background(), o)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Errors > 0 {
					b.Fatalf("%d errors: %v %s", rep.Errors, rep.Status, rep.FirstError)
				}
				b.ReportMetric(rep.RPS, "tokens/s")
				b.ReportMetric(float64(rep.Latency.P99.Microseconds())/1000, "p99-ms")
			})
		}
	}
}

// ecdsaClientFiles issues an ECDSA P-256 client certificate, binds it to the
// demo credential and writes it as PEM files.
func ecdsaClientFiles(b *testing.B, h *apptest.Harness) (certFile, keyFile string) {
	b.Helper()
	c := h.IssueClientCertificate("bench-ecdsa", time.Hour)
	ctx := context.Background()
	if err := h.App.Store.CreateCertificate(ctx, pki.NewCertificateRecord(c.Leaf, pki.CertClient, h.Sandbox.Pix.CNPJ, time.Now())); err != nil {
		b.Fatal(err)
	}
	if err := h.App.Store.BindCertificate(ctx, h.Sandbox.Pix.ClientID, pki.Thumbprint(c.Leaf)); err != nil {
		b.Fatal(err)
	}
	keyPEM, err := pki.MarshalPrivateKeyPEM(c.PrivateKey.(crypto.Signer))
	if err != nil {
		b.Fatal(err)
	}
	certFile, keyFile = filepath.Join(b.TempDir(), "ecdsa.pem"), filepath.Join(b.TempDir(), "ecdsa.key")
	if err := os.WriteFile(certFile, pki.EncodeCertificatesPEM(c.Leaf), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		b.Fatal(err)
	}
	return certFile, keyFile
}
