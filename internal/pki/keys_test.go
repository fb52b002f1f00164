package pki_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/pki"
)

func TestGenerateKey(t *testing.T) {
	tests := []struct {
		name  string
		typ   pki.KeyType
		check func(crypto.Signer) bool
	}{
		{"RSA2048", pki.RSA2048, func(k crypto.Signer) bool {
			r, ok := k.(*rsa.PrivateKey)
			return ok && r.N.BitLen() == 2048
		}},
		{"ECDSAP256", pki.ECDSAP256, func(k crypto.Signer) bool {
			e, ok := k.(*ecdsa.PrivateKey)
			return ok && e.Curve == elliptic.P256()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := pki.GenerateKey(nil, tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(key) {
				t.Errorf("GenerateKey(%s) = %T, wrong type or size", tt.typ, key)
			}
		})
	}
	if _, err := pki.GenerateKey(nil, "DSA1024"); err == nil {
		t.Error("GenerateKey(DSA1024) succeeded, want error")
	}
}

func TestPrivateKeyPEMRoundTrip(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(nil)
	keys := []struct {
		name string
		key  crypto.Signer
	}{
		{"RSA", MustRSAKey(t)},
		{"ECDSA", MustECKey(t)},
		{"Ed25519", edKey},
	}
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			data, err := pki.MarshalPrivateKeyPEM(k.key)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("-----BEGIN PRIVATE KEY-----\n")) {
				t.Errorf("MarshalPrivateKeyPEM does not write a PKCS#8 PRIVATE KEY block:\n%s", data)
			}
			got, err := pki.ParsePrivateKeyPEM(data)
			if err != nil {
				t.Fatal(err)
			}
			if !got.(interface{ Equal(crypto.PrivateKey) bool }).Equal(k.key) {
				t.Error("parsed key differs from the original")
			}
		})
	}
}

func TestParsePrivateKeyPEM(t *testing.T) {
	rsaKey, ecKey := MustRSAKey(t), MustECKey(t)
	pkcs8RSA, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	sec1, _ := x509.MarshalECPrivateKey(ecKey)
	ca, _ := MustNewCA(t, t0)
	certAndKey := append(pki.EncodeCertificatesPEM(ca.Root), MustReadFile(t, "ec-sec1.pem")...)

	tests := []struct {
		name    string
		data    []byte
		want    crypto.Signer
		wantErr error // with want nil: nil means any error
	}{
		{"PKCS#8 RSA", MustReadFile(t, "rsa.pem"), rsaKey, nil},
		{"PKCS#8 EC", MustReadFile(t, "ec.pem"), ecKey, nil},
		{"PKCS#1", MustReadFile(t, "rsa-pkcs1.pem"), rsaKey, nil},
		{"SEC 1", MustReadFile(t, "ec-sec1.pem"), ecKey, nil},
		{"DER PKCS#8", pkcs8RSA, rsaKey, nil},
		{"DER PKCS#1", x509.MarshalPKCS1PrivateKey(rsaKey), rsaKey, nil},
		{"DER SEC 1", sec1, ecKey, nil},
		{"key after certificate", certAndKey, ecKey, nil},
		{"encrypted PKCS#8", MustReadFile(t, "rsa-aes256.pem"), nil, pki.ErrEncryptedKey},
		{"encrypted PKCS#8 DER", PEMBlockDER(t, MustReadFile(t, "ec-aes128-sha1.pem")), nil, pki.ErrEncryptedKey},
		{"legacy encrypted RSA", MustReadFile(t, "rsa-legacy-aes256.pem"), nil, pki.ErrEncryptedKey},
		{"legacy encrypted EC", MustReadFile(t, "ec-legacy-des3.pem"), nil, pki.ErrEncryptedKey},
		{"certificate only", pki.EncodeCertificatesPEM(ca.Root), nil, nil},
		{"garbage", []byte("not a key"), nil, nil},
		{"empty", nil, nil, nil},
		{"corrupt PKCS#8 block", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x00}}), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pki.ParsePrivateKeyPEM(tt.data)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("ParsePrivateKeyPEM succeeded (%T), want error", got)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "pki: ") {
					t.Errorf("error %q lacks the pki: prefix", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.(interface{ Equal(crypto.PrivateKey) bool }).Equal(tt.want) {
				t.Error("parsed key differs from the fixture")
			}
		})
	}
}

func TestCertificatesPEMRoundTrip(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	leaf := MustIssueClient(t, ca, MustECKey(t).Public(), 0)
	chain := []*x509.Certificate{leaf, ca.Intermediate, ca.Root}

	bundle := pki.EncodeCertificatesPEM(chain...)
	if got, want := bytes.Count(bundle, []byte("-----BEGIN CERTIFICATE-----")), 3; got != want {
		t.Fatalf("bundle has %d certificates, want %d", got, want)
	}
	tests := []struct {
		name string
		data []byte
		want []*x509.Certificate
	}{
		{"PEM bundle", bundle, chain},
		{"single DER", leaf.Raw, chain[:1]},
		{"concatenated DER", append(bytes.Clone(leaf.Raw), ca.Intermediate.Raw...), chain[:2]},
		{"key and certificate", append(MustReadFile(t, "ec.pem"), pki.EncodeCertificatesPEM(leaf)...), chain[:1]},
		{"ChainPEM", ca.ChainPEM(), chain[1:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pki.ParseCertificates(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d certificates, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("certificate %d differs", i)
				}
			}
		})
	}
	for _, bad := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"garbage", []byte("hello")},
		{"key only", MustReadFile(t, "ec.pem")},
		{"corrupt block", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}})},
	} {
		t.Run(bad.name, func(t *testing.T) {
			if _, err := pki.ParseCertificates(bad.data); err == nil {
				t.Error("ParseCertificates succeeded, want error")
			}
		})
	}
	if got := pki.EncodeCertificatesPEM(nil, leaf, nil); !bytes.Equal(got, pki.EncodeCertificatesPEM(leaf)) {
		t.Error("EncodeCertificatesPEM does not skip nil certificates")
	}
}

func TestThumbprint(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	cert := ca.Root

	for _, tp := range []struct {
		name string
		fn   func(*x509.Certificate) string
		size int
	}{
		{"SHA-256", pki.Thumbprint, 32},
		{"SHA-1", pki.ThumbprintSHA1, 20},
	} {
		t.Run(tp.name, func(t *testing.T) {
			got := tp.fn(cert)
			if strings.ContainsAny(got, "+/=") {
				t.Errorf("thumbprint %q is not unpadded base64url", got)
			}
			raw, err := base64.RawURLEncoding.DecodeString(got)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) != tp.size {
				t.Errorf("thumbprint decodes to %d bytes, want %d", len(raw), tp.size)
			}
		})
	}

	t.Run("matches openssl fingerprint", func(t *testing.T) {
		RequireOpenSSL(t)
		dir := t.TempDir()
		WriteFile(t, dir, "c.pem", pki.EncodeCertificatesPEM(cert))
		for _, alg := range []struct {
			flag string
			fn   func(*x509.Certificate) string
		}{{"-sha256", pki.Thumbprint}, {"-sha1", pki.ThumbprintSHA1}} {
			out := strings.TrimSpace(string(OpenSSL(t, dir, "x509", "-in", "c.pem", "-noout", "-fingerprint", alg.flag)))
			_, hexFP, _ := strings.Cut(out, "=")
			raw, err := hex.DecodeString(strings.ReplaceAll(hexFP, ":", ""))
			if err != nil {
				t.Fatalf("openssl fingerprint %q: %v", out, err)
			}
			if got, want := alg.fn(cert), base64.RawURLEncoding.EncodeToString(raw); got != want {
				t.Errorf("%s thumbprint = %q, openssl says %q", alg.flag, got, want)
			}
		}
	})
}
