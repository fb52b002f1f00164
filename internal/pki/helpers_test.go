package pki_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
)

// opensslPath is where the interoperability tests expect OpenSSL.
const opensslPath = "/usr/bin/openssl"

// fixturePass is the passphrase of every encrypted file in testdata.
const fixturePass = "brasa-test"

// t0 is the fixed "now" of tests that move the clock.
var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	// OpenSSL 3's own count; the default 100,000 is exercised once in
	// TestEncryptPKCS8DefaultIterations.
	pki.PBKDF2Iterations = 2048
	os.Exit(m.Run())
}

// MustReadFile returns the contents of testdata/name.
func MustReadFile(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// MustRSAKey returns the fixture RSA 2048 key (testdata/rsa.pem), so tests
// need not spend time generating one.
func MustRSAKey(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	key, err := pki.ParsePrivateKeyPEM(MustReadFile(tb, "rsa.pem"))
	if err != nil {
		tb.Fatal(err)
	}
	return key.(*rsa.PrivateKey)
}

// MustECKey returns the fixture P-256 key (testdata/ec.pem).
func MustECKey(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	key, err := pki.ParsePrivateKeyPEM(MustReadFile(tb, "ec.pem"))
	if err != nil {
		tb.Fatal(err)
	}
	return key.(*ecdsa.PrivateKey)
}

// MustNewCA returns a new CA. With a zero now it uses the real clock;
// otherwise it is created at now and its Clock returns *clock (set to now),
// which the test may move.
func MustNewCA(tb testing.TB, now time.Time) (*pki.CA, *time.Time) {
	tb.Helper()
	clock := new(time.Time)
	opts := pki.CAOptions{}
	if !now.IsZero() {
		*clock = now
		opts.Now = now
		opts.Clock = func() time.Time { return *clock }
	}
	ca, err := pki.NewCA(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return ca, clock
}

// MustIssueClient issues a client certificate for pub with a test subject.
func MustIssueClient(tb testing.TB, ca *pki.CA, pub crypto.PublicKey, validity time.Duration) *x509.Certificate {
	tb.Helper()
	cert, err := ca.IssueClient(pki.ClientRequest{
		Subject:   pkix.Name{Country: []string{"BR"}, Organization: []string{"Empresa Teste LTDA"}, CommonName: "cliente-teste"},
		PublicKey: pub,
		Validity:  validity,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return cert
}

// RequireOpenSSL skips the test when OpenSSL is not installed.
func RequireOpenSSL(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(opensslPath); err != nil {
		tb.Skipf("skipping OpenSSL interoperability test: %s not found (install openssl to run it)", opensslPath)
	}
}

// OpenSSL runs openssl with args in dir and returns its standard output.
func OpenSSL(tb testing.TB, dir string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(opensslPath, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// WriteFile writes data to dir/name and returns the name.
func WriteFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return name
}

// PublicKeyDER returns the PKIX DER encoding of pub.
func PublicKeyDER(tb testing.TB, pub crypto.PublicKey) []byte {
	tb.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

// PEMBlockDER decodes the first PEM block of data.
func PEMBlockDER(tb testing.TB, data []byte) []byte {
	tb.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		tb.Fatalf("no PEM block in %q", data)
	}
	return block.Bytes
}

// OpenSSLFails runs openssl with args in dir and reports whether it exited
// with an error.
func OpenSSLFails(tb testing.TB, dir string, args ...string) bool {
	tb.Helper()
	cmd := exec.Command(opensslPath, args...)
	cmd.Dir = dir
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		tb.Fatalf("openssl %s: %v", strings.Join(args, " "), err)
	}
	return err != nil
}

// ReadFile returns the contents of dir/name.
func ReadFile(tb testing.TB, dir, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
