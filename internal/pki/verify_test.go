package pki_test

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
)

// selfSigned returns a self-signed certificate for key with the given
// extended key usage and extra extensions.
func selfSigned(t testing.TB, key *ecdsa.PrivateKey, isCA bool, eku []x509.ExtKeyUsage, extra ...pkix.Extension) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(42),
		Subject:               pkix.Name{CommonName: "self"},
		NotBefore:             t0.Add(-time.Hour),
		NotAfter:              t0.Add(24 * time.Hour),
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
		ExtraExtensions:       extra,
	}
	if isCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestVerifier(t *testing.T) {
	ca, clock := MustNewCA(t, t0)
	otherCA, _ := MustNewCA(t, t0)
	key := MustECKey(t)
	good := MustIssueClient(t, ca, key.Public(), 24*time.Hour)
	serverOnly, err := ca.IssueClient(pki.ClientRequest{
		Subject: pkix.Name{CommonName: "srv"}, PublicKey: key.Public(),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	noEKU, err := ca.IssueClient(pki.ClientRequest{
		Subject: pkix.Name{CommonName: "any"}, PublicKey: key.Public(),
		ExtKeyUsage: []x509.ExtKeyUsage{}, // no extension at all: "any purpose" in RFC 5280
	})
	if err != nil {
		t.Fatal(err)
	}
	foreign := MustIssueClient(t, otherCA, key.Public(), 24*time.Hour)
	self := selfSigned(t, key, false, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth})

	// A chain of our own whose leaf has an unknown critical extension.
	oddRoot := selfSigned(t, key, true, nil)
	oddLeaf := selfSigned(t, key, false, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}})
	oddPool := x509.NewCertPool()
	oddPool.AddCert(oddRoot)

	now := t0.Add(time.Hour)
	*clock = now
	clk := func() time.Time { return now }
	v := pki.NewVerifier(ca.Pool(), nil, clk)
	tests := []struct {
		name     string
		verifier *pki.Verifier
		chain    []*x509.Certificate
		at       time.Time
		wantErr  error
	}{
		{"valid with intermediate", v, []*x509.Certificate{good, ca.Intermediate}, now, nil},
		{"valid with full chain", v, []*x509.Certificate{good, ca.Intermediate, ca.Root}, now, nil},
		{"no certificate", v, nil, now, pki.ErrNoCertificate},
		{"nil leaf", v, []*x509.Certificate{nil}, now, pki.ErrNoCertificate},
		{"expired", v, []*x509.Certificate{good, ca.Intermediate}, good.NotAfter.Add(time.Second), pki.ErrCertificateExpired},
		{"not yet valid", v, []*x509.Certificate{good, ca.Intermediate}, good.NotBefore.Add(-time.Second), pki.ErrCertificateNotYetValid},
		{"missing intermediate", pki.NewVerifier(ca.Pool(), nil, clk), []*x509.Certificate{good}, now, pki.ErrUnknownAuthority},
		{"self-signed", v, []*x509.Certificate{self}, now, pki.ErrUnknownAuthority},
		{"other CA", v, []*x509.Certificate{foreign, otherCA.Intermediate}, now, pki.ErrUnknownAuthority},
		{"other CA presenting our intermediate", v, []*x509.Certificate{foreign, ca.Intermediate}, now, pki.ErrUnknownAuthority},
		{"expired from other CA reads as expired", v, []*x509.Certificate{foreign}, foreign.NotAfter.Add(time.Hour), pki.ErrCertificateExpired},
		{"server-only usage", v, []*x509.Certificate{serverOnly, ca.Intermediate}, now, pki.ErrWrongUsage},
		{"no extended key usage", v, []*x509.Certificate{noEKU, ca.Intermediate}, now, pki.ErrWrongUsage},
		{"CA certificate as leaf", v, []*x509.Certificate{ca.Intermediate}, now, pki.ErrWrongUsage},
		{"nil roots trust nothing", pki.NewVerifier(nil, ca.Intermediates(), clk), []*x509.Certificate{good}, now, pki.ErrUnknownAuthority},
		{"unknown critical extension", pki.NewVerifier(oddPool, nil, clk), []*x509.Certificate{oddLeaf}, now, pki.ErrInvalidCertificate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = tt.at
			t.Cleanup(func() { now = t0.Add(time.Hour) })
			leaf, err := tt.verifier.Verify(tt.chain)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if leaf != tt.chain[0] {
					t.Error("Verify does not return the leaf")
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify err = %v, want %v", err, tt.wantErr)
			}
			if leaf != nil {
				t.Error("Verify returned a leaf with an error")
			}
			if !strings.HasPrefix(err.Error(), "pki: ") {
				t.Errorf("error %q lacks the pki: prefix", err)
			}
			for _, other := range []error{pki.ErrNoCertificate, pki.ErrCertificateExpired, pki.ErrCertificateNotYetValid, pki.ErrUnknownAuthority, pki.ErrWrongUsage, pki.ErrInvalidCertificate} {
				if other != tt.wantErr && errors.Is(err, other) {
					t.Errorf("err = %v also matches %v", err, other)
				}
			}
		})
	}
}

func TestVerifierCache(t *testing.T) {
	ca, caClock := MustNewCA(t, t0)
	leaf := MustIssueClient(t, ca, MustECKey(t).Public(), 24*time.Hour)
	now := t0.Add(time.Hour)
	// No intermediates: the leaf verifies only when presented with its
	// intermediate, or from the cache.
	v := pki.NewVerifier(ca.Pool(), nil, func() time.Time { return now })

	if _, err := v.Verify([]*x509.Certificate{leaf}); !errors.Is(err, pki.ErrUnknownAuthority) {
		t.Fatalf("before caching, leaf alone: err = %v, want ErrUnknownAuthority", err)
	}
	if got, want := pki.VerifierCacheLen(v), 0; got != want {
		t.Errorf("failures are cached: %d entries", got)
	}
	if _, err := v.Verify([]*x509.Certificate{leaf, ca.Intermediate}); err != nil {
		t.Fatal(err)
	}
	if got, want := pki.VerifierCacheLen(v), 1; got != want {
		t.Fatalf("cache has %d entries, want %d", got, want)
	}
	if _, err := v.Verify([]*x509.Certificate{leaf}); err != nil {
		t.Errorf("cache hit: leaf alone: %v", err)
	}

	t.Run("expiry is checked on a hit", func(t *testing.T) {
		now = leaf.NotAfter.Add(time.Nanosecond)
		if _, err := v.Verify([]*x509.Certificate{leaf}); !errors.Is(err, pki.ErrCertificateExpired) {
			t.Errorf("err = %v, want ErrCertificateExpired", err)
		}
		now = leaf.NotBefore.Add(-time.Nanosecond)
		if _, err := v.Verify([]*x509.Certificate{leaf}); !errors.Is(err, pki.ErrCertificateNotYetValid) {
			t.Errorf("err = %v, want ErrCertificateNotYetValid", err)
		}
		now = leaf.NotAfter // the last valid instant
		if _, err := v.Verify([]*x509.Certificate{leaf}); err != nil {
			t.Errorf("at NotAfter: %v", err)
		}
	})

	t.Run("bounded", func(t *testing.T) {
		now = t0.Add(time.Hour)
		v := pki.NewVerifier(ca.Pool(), ca.Intermediates(), func() time.Time { return now })
		pki.SetVerifierCacheSize(v, 4)
		pub := MustECKey(t).Public()
		for i := range 10 {
			if _, err := v.Verify([]*x509.Certificate{MustIssueClient(t, ca, pub, time.Duration(i+1)*time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if n := pki.VerifierCacheLen(v); n > 4 {
				t.Fatalf("cache grew to %d entries, bound is 4", n)
			}
		}
		// Expired entries are dropped first: with four entries, two of
		// them expired, the next insert keeps the two live ones.
		v = pki.NewVerifier(ca.Pool(), ca.Intermediates(), func() time.Time { return now })
		pki.SetVerifierCacheSize(v, 4)
		for _, validity := range []time.Duration{time.Hour, time.Hour, 10 * time.Hour, 10 * time.Hour} {
			if _, err := v.Verify([]*x509.Certificate{MustIssueClient(t, ca, pub, validity)}); err != nil {
				t.Fatal(err)
			}
		}
		now = t0.Add(3 * time.Hour)
		*caClock = now
		if _, err := v.Verify([]*x509.Certificate{MustIssueClient(t, ca, pub, time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if got, want := pki.VerifierCacheLen(v), 3; got != want {
			t.Errorf("cache has %d entries after purging expired ones, want %d", got, want)
		}
	})
}

func TestVerifierConcurrent(t *testing.T) {
	ca, _ := MustNewCA(t, time.Time{})
	leaf := MustIssueClient(t, ca, MustECKey(t).Public(), time.Hour)
	v := pki.NewVerifier(ca.Pool(), ca.Intermediates(), nil)
	done := make(chan error)
	for range 8 {
		go func() {
			var err error
			for range 50 {
				if _, err = v.Verify([]*x509.Certificate{leaf}); err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func benchmarkChain(b *testing.B) (*pki.CA, []*x509.Certificate) {
	ca, _ := MustNewCA(b, time.Time{})
	leaf := MustIssueClient(b, ca, MustRSAKey(b).Public(), time.Hour)
	return ca, []*x509.Certificate{leaf, ca.Intermediate}
}

// BenchmarkVerifierCached is the hot path: the same leaf on every request.
func BenchmarkVerifierCached(b *testing.B) {
	ca, chain := benchmarkChain(b)
	v := pki.NewVerifier(ca.Pool(), nil, nil)
	if _, err := v.Verify(chain); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(chain); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifierCachedParallel is the hot path under concurrent
// requests.
func BenchmarkVerifierCachedParallel(b *testing.B) {
	ca, chain := benchmarkChain(b)
	v := pki.NewVerifier(ca.Pool(), nil, nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(chain); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkVerifierUncached is a first sighting: full chain building and
// signature checks (a fresh Verifier each time).
func BenchmarkVerifierUncached(b *testing.B) {
	ca, chain := benchmarkChain(b)
	roots := ca.Pool()
	b.ReportAllocs()
	for b.Loop() {
		v := pki.NewVerifier(roots, nil, nil)
		if _, err := v.Verify(chain); err != nil {
			b.Fatal(err)
		}
	}
}

func TestVerifyDigest(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	leaf := MustIssueClient(t, ca, MustECKey(t).Public(), 24*time.Hour)
	v := pki.NewVerifier(ca.Pool(), nil, func() time.Time { return t0.Add(time.Hour) })
	for _, call := range []string{"verified", "cache hit"} {
		got, digest, err := v.VerifyDigest([]*x509.Certificate{leaf, ca.Intermediate})
		if err != nil || got != leaf {
			t.Fatalf("%s: %v, %v", call, got, err)
		}
		if digest != sha256.Sum256(leaf.Raw) {
			t.Errorf("%s: digest is not the leaf's SHA-256", call)
		}
		if pki.DigestThumbprint(digest) != pki.Thumbprint(leaf) {
			t.Errorf("%s: DigestThumbprint %s, Thumbprint %s", call, pki.DigestThumbprint(digest), pki.Thumbprint(leaf))
		}
	}
}

// TestCAVerifierTamperedSignature: a leaf naming brasa's issuing CA whose
// signature does not verify is invalid, not unknown; a leaf of another CA
// sharing brasa's names stays unknown.
func TestCAVerifierTamperedSignature(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	otherCA, _ := MustNewCA(t, t0) // same default names, other keys
	key := MustECKey(t)
	good := MustIssueClient(t, ca, key.Public(), 24*time.Hour)
	der := append([]byte(nil), good.Raw...)
	der[len(der)-1] ^= 0x01 // the last byte of the signature value
	tampered, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	foreign := MustIssueClient(t, otherCA, key.Public(), 24*time.Hour)
	now := func() time.Time { return t0.Add(time.Hour) }
	for _, tt := range []struct {
		name     string
		verifier *pki.Verifier
		chain    []*x509.Certificate
		want     error
	}{
		{"good", pki.NewCAVerifier(ca, now), []*x509.Certificate{good}, nil},
		{"tampered", pki.NewCAVerifier(ca, now), []*x509.Certificate{tampered}, pki.ErrInvalidCertificate},
		{"tampered with its chain", pki.NewCAVerifier(ca, now), []*x509.Certificate{tampered, ca.Intermediate, ca.Root}, pki.ErrInvalidCertificate},
		{"tampered, pool verifier", pki.NewVerifier(ca.Pool(), ca.Intermediates(), now), []*x509.Certificate{tampered}, pki.ErrUnknownAuthority},
		{"other CA with the same names", pki.NewCAVerifier(ca, now), []*x509.Certificate{foreign, otherCA.Intermediate}, pki.ErrUnknownAuthority},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.verifier.Verify(tt.chain)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if tt.want == pki.ErrInvalidCertificate && errors.Is(err, pki.ErrUnknownAuthority) {
				t.Errorf("Verify = %v, also reads as unknown authority", err)
			}
		})
	}
}
