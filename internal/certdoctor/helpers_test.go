package certdoctor_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/pki"
)

// t0 is the time the test CAs are made at; tests examine at t0 + 1h.
var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	pki.PBKDF2Iterations = 2048 // OpenSSL 3's count; the default costs ~30 ms per key
	os.Exit(m.Run())
}

// Keys are made once: RSA key generation costs tens of milliseconds.
var (
	keysOnce      sync.Once
	rsaA, rsaB    *rsa.PrivateKey
	ecKey         *ecdsa.PrivateKey
	errKeysCreate error
)

// MustKeys returns two RSA 2048 keys and a P-256 key shared by the tests.
func MustKeys(tb testing.TB) (a, b *rsa.PrivateKey, ec *ecdsa.PrivateKey) {
	tb.Helper()
	keysOnce.Do(func() {
		var k crypto.Signer
		if k, errKeysCreate = pki.GenerateKey(nil, pki.RSA2048); errKeysCreate != nil {
			return
		}
		rsaA = k.(*rsa.PrivateKey)
		if k, errKeysCreate = pki.GenerateKey(nil, pki.RSA2048); errKeysCreate != nil {
			return
		}
		rsaB = k.(*rsa.PrivateKey)
		if k, errKeysCreate = pki.GenerateKey(nil, pki.ECDSAP256); errKeysCreate != nil {
			return
		}
		ecKey = k.(*ecdsa.PrivateKey)
	})
	if errKeysCreate != nil {
		tb.Fatal(errKeysCreate)
	}
	return rsaA, rsaB, ecKey
}

// MustNewCA returns a throwaway CA made at t0 whose clock stays at t0.
// name distinguishes CAs ("" for pki's defaults).
func MustNewCA(tb testing.TB, name string) *pki.CA {
	tb.Helper()
	opts := pki.CAOptions{Now: t0, Clock: func() time.Time { return t0 }}
	if name != "" {
		opts.Organization = name
		opts.CommonNameRoot = name + " Root CA"
		opts.CommonNameIntermediate = name + " Issuing CA"
	}
	ca, err := pki.NewCA(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return ca
}

// MustIssue issues a client certificate for pub, valid for validity (0 =
// one year), with extended key usage eku (nil = clientAuth).
func MustIssue(tb testing.TB, ca *pki.CA, pub crypto.PublicKey, validity time.Duration, eku ...x509.ExtKeyUsage) *x509.Certificate {
	tb.Helper()
	cert, err := ca.IssueClient(pki.ClientRequest{
		Subject:     pkix.Name{CommonName: "api-parceiros-teste.sicredi.net", Organization: []string{"Teste"}, SerialNumber: "urn:cpfcnpj:12345678000195"},
		PublicKey:   pub,
		Validity:    validity,
		ExtKeyUsage: eku,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return cert
}

// CertPEM returns certs as PEM.
func CertPEM(certs ...*x509.Certificate) []byte { return pki.EncodeCertificatesPEM(certs...) }

// MustKeyPEM returns key as unencrypted PKCS#8 PEM.
func MustKeyPEM(tb testing.TB, key crypto.Signer) []byte {
	tb.Helper()
	data, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// MustEncryptedKeyPEM returns key as encrypted PKCS#8 PEM.
func MustEncryptedKeyPEM(tb testing.TB, key crypto.Signer, pass string) []byte {
	tb.Helper()
	data, err := pki.EncryptPKCS8PEM(key, []byte(pass), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// MustCSR returns a PEM CSR for key.
func MustCSR(tb testing.TB, key crypto.Signer) []byte {
	tb.Helper()
	subject, err := certdoctor.SicrediSubject("Teste", "12.345.678/0001-95")
	if err != nil {
		tb.Fatal(err)
	}
	data, err := pki.CreateCSR(key, subject, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// DER returns the bytes of the first PEM block of data.
func DER(tb testing.TB, data []byte) []byte {
	tb.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		tb.Fatal("no PEM block")
	}
	return block.Bytes
}

// Opts returns options examining at t0 + 1h.
func Opts() certdoctor.Options { return certdoctor.Options{Now: t0.Add(time.Hour)} }

// MustFind returns the only finding with code c in r, failing the test when
// there is none or several.
func MustFind(tb testing.TB, r certdoctor.Report, c certdoctor.Code) certdoctor.Finding {
	tb.Helper()
	found := r.Find(c)
	if len(found) != 1 {
		tb.Fatalf("want one %s finding, got %d\n%s", c, len(found), dump(r))
	}
	return found[0]
}

// MustNotFind fails the test when r has a finding with code c.
func MustNotFind(tb testing.TB, r certdoctor.Report, c certdoctor.Code) {
	tb.Helper()
	if found := r.Find(c); len(found) > 0 {
		tb.Fatalf("unexpected %s finding\n%s", c, dump(r))
	}
}

// CheckFix fails the test unless f's fix commands contain each of want.
func CheckFix(tb testing.TB, f certdoctor.Finding, want ...string) {
	tb.Helper()
	all := strings.Join(f.Fix, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			tb.Errorf("%s fix lacks %q:\n%s", f.Code, w, all)
		}
	}
}

// dump formats the findings of r for failure messages.
func dump(r certdoctor.Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(string(f.Severity) + " " + string(f.Code) + " (" + f.File + "): " + f.Message + "\n")
		for _, c := range f.Fix {
			b.WriteString("    " + c + "\n")
		}
	}
	return b.String()
}

// md5Of returns the digest the doctor prints for key's public key.
func md5Of(key crypto.Signer) string {
	digest, _ := certdoctor.PublicKeyMD5(key.Public())
	return digest
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func bigHex(s string) *big.Int {
	n, _ := new(big.Int).SetString(s, 16)
	return n
}

// mustSelfSigned returns a self-signed certificate for key without extended
// key usage; with isCA, it also says CA:TRUE, as `openssl req -x509` makes
// by default.
func mustSelfSigned(tb testing.TB, key crypto.Signer, isCA bool) *x509.Certificate {
	tb.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "autoassinado"},
		NotBefore:             t0.Add(-time.Hour),
		NotAfter:              t0.Add(365 * 24 * time.Hour),
		BasicConstraintsValid: isCA,
		IsCA:                  isCA,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return cert
}
