package app_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pki"
)

// selfSignedClient returns a self-signed client certificate, which the Pix
// API must refuse (BACEN does not accept self-signed client certificates).
func selfSignedClient(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "autoassinado"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// tlsCert assembles a tls.Certificate from a leaf, its key and the CA chain.
func tlsCert(leaf *x509.Certificate, key crypto.Signer, ca *pki.CA) tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Intermediate.Raw}, PrivateKey: key, Leaf: leaf}
}

// x509Opts verifies a certificate of the app's CA for host.
func x509Opts(h *apptest.Harness, host string) x509.VerifyOptions {
	inter := x509.NewCertPool()
	inter.AddCert(h.App.CA.Intermediate)
	return x509.VerifyOptions{Roots: h.Roots, Intermediates: inter, DNSName: host}
}
