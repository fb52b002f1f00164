package bench

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// testChain returns a root pool and a [leaf, intermediate] chain for
// 127.0.0.1, valid for the next hour.
func testChain(t *testing.T) (*x509.CertPool, []*x509.Certificate) {
	t.Helper()
	now := time.Now()
	issue := func(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Minute), now.Add(time.Hour)
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return cert, key
	}
	ca := func(serial int64, cn string) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	}
	root, rootKey := issue(ca(1, "root"), nil, nil)
	inter, interKey := issue(ca(2, "intermediate"), root, rootKey)
	leaf, _ := issue(&x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, inter, interKey)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	return pool, []*x509.Certificate{leaf, inter}
}

func TestChainCache(t *testing.T) {
	pool, chain := testChain(t)
	cs := tls.ConnectionState{PeerCertificates: chain}

	t.Run("VerifiesOnceThenRemembers", func(t *testing.T) {
		c := newChainCache(pool, "127.0.0.1")
		for i := range 3 {
			if err := c.verify(cs); err != nil {
				t.Fatalf("handshake %d: %v", i, err)
			}
		}
		if got := len(c.verified); got != 1 {
			t.Errorf("cache holds %d chains, want 1", got)
		}
	})
	t.Run("OtherHost", func(t *testing.T) {
		err := newChainCache(pool, "127.0.0.2").verify(cs)
		if err == nil || !strings.Contains(err.Error(), "127.0.0.2") {
			t.Errorf("err = %v, want a host name error", err)
		}
	})
	t.Run("UntrustedRoot", func(t *testing.T) {
		otherPool, _ := testChain(t)
		c := newChainCache(otherPool, "127.0.0.1")
		for range 2 { // a failure is not remembered as a success
			if err := c.verify(cs); err == nil {
				t.Fatal("chain of another root accepted")
			}
		}
	})
	t.Run("MissingIntermediate", func(t *testing.T) {
		err := newChainCache(pool, "127.0.0.1").verify(tls.ConnectionState{PeerCertificates: chain[:1]})
		if err == nil {
			t.Error("leaf without its intermediate accepted")
		}
	})
	t.Run("ExpiresWithTheChain", func(t *testing.T) {
		c := newChainCache(pool, "127.0.0.1")
		if err := c.verify(cs); err != nil {
			t.Fatal(err)
		}
		c.now = func() time.Time { return chain[0].NotAfter.Add(time.Second) }
		if err := c.verify(cs); err == nil {
			t.Error("expired chain accepted from the cache")
		}
	})
	t.Run("NoCertificate", func(t *testing.T) {
		if err := newChainCache(pool, "127.0.0.1").verify(tls.ConnectionState{}); err == nil {
			t.Error("handshake without a server certificate accepted")
		}
	})
}
