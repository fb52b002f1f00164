package pki_test

import (
	"crypto"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/brasa-dev/brasa/internal/pki"
)

func TestPKCS12RoundTrip(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	for _, k := range []struct {
		name string
		key  crypto.Signer
	}{{"RSA", MustRSAKey(t)}, {"ECDSA", MustECKey(t)}} {
		t.Run(k.name, func(t *testing.T) {
			cert := MustIssueClient(t, ca, k.key.Public(), 0)
			pfx, err := pki.EncodePKCS12(k.key, cert, ca.Chain(), "senha-pfx")
			if err != nil {
				t.Fatal(err)
			}
			key, gotCert, chain, err := pki.DecodePKCS12(pfx, "senha-pfx")
			if err != nil {
				t.Fatal(err)
			}
			if !keyEqual(key, k.key) {
				t.Error("key differs")
			}
			if !gotCert.Equal(cert) {
				t.Error("certificate differs")
			}
			if got, want := len(chain), 2; got != want {
				t.Fatalf("chain has %d certificates, want %d", got, want)
			}
			if !chain[0].Equal(ca.Intermediate) || !chain[1].Equal(ca.Root) {
				t.Error("chain differs from intermediate, root")
			}
			if _, _, _, err := pki.DecodePKCS12(pfx, "errada"); !errors.Is(err, pki.ErrBadPassphrase) {
				t.Errorf("wrong password: err = %v, want ErrBadPassphrase", err)
			}
		})
	}
}

func TestEncodePKCS12KeyMismatch(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	cert := MustIssueClient(t, ca, MustECKey(t).Public(), 0)
	if _, err := pki.EncodePKCS12(MustRSAKey(t), cert, nil, "x"); err == nil {
		t.Error("EncodePKCS12 with another certificate's key succeeded")
	}
}

// TestPKCS12OpenSSL checks both directions: openssl reads our PKCS#12, and
// we read one openssl writes.
func TestPKCS12OpenSSL(t *testing.T) {
	RequireOpenSSL(t)
	dir := t.TempDir()
	ca, _ := MustNewCA(t, t0)
	key := MustRSAKey(t)
	cert := MustIssueClient(t, ca, key.Public(), 0)

	t.Run("openssl reads ours", func(t *testing.T) {
		pfx, err := pki.EncodePKCS12(key, cert, ca.Chain(), "pfx pass")
		if err != nil {
			t.Fatal(err)
		}
		WriteFile(t, dir, "ours.pfx", pfx)
		out := OpenSSL(t, dir, "pkcs12", "-in", "ours.pfx", "-passin", "pass:pfx pass", "-nodes")
		gotKey, err := pki.ParsePrivateKeyPEM(out)
		if err != nil {
			t.Fatal(err)
		}
		if !keyEqual(gotKey, key) {
			t.Error("openssl extracts another key")
		}
		certs, err := pki.ParseCertificates(out)
		if err != nil {
			t.Fatal(err)
		}
		want := []*x509.Certificate{cert, ca.Intermediate, ca.Root}
		if got := len(certs); got != len(want) {
			t.Fatalf("openssl extracts %d certificates, want %d", got, len(want))
		}
		for _, w := range want {
			found := false
			for _, c := range certs {
				found = found || c.Equal(w)
			}
			if !found {
				t.Errorf("certificate %q missing from openssl output", w.Subject.CommonName)
			}
		}
	})

	t.Run("we read openssl's", func(t *testing.T) {
		keyPEM, _ := pki.MarshalPrivateKeyPEM(key)
		WriteFile(t, dir, "k.pem", keyPEM)
		WriteFile(t, dir, "c.pem", pki.EncodeCertificatesPEM(cert))
		WriteFile(t, dir, "chain.pem", ca.ChainPEM())
		OpenSSL(t, dir, "pkcs12", "-export", "-inkey", "k.pem", "-in", "c.pem", "-certfile", "chain.pem", "-passout", "pass:theirs", "-out", "theirs.pfx")
		pfx, err := os.ReadFile(filepath.Join(dir, "theirs.pfx"))
		if err != nil {
			t.Fatal(err)
		}
		gotKey, gotCert, chain, err := pki.DecodePKCS12(pfx, "theirs")
		if err != nil {
			t.Fatal(err)
		}
		if !keyEqual(gotKey, key) || !gotCert.Equal(cert) {
			t.Error("key or certificate differs")
		}
		if got, want := len(chain), 2; got != want {
			t.Errorf("chain has %d certificates, want %d", got, want)
		}
	})
}
