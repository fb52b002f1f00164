package bench

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"sync"
	"time"
)

// chainCache verifies a server's certificate chain once per distinct chain
// and remembers the result until the chain's earliest NotAfter, so that the
// generator, which shares the machine with the server it measures, does not
// spend two ECDSA verifications per handshake re-proving the same chain.
//
// A chain is verified for the one host the generator dials, and remembered
// only after it verified. Every handshake still checks, through crypto/tls,
// the server's CertificateVerify signature with the leaf's key (proof of
// possession). Load generators such as h2load and wrk skip verification
// altogether; this keeps it at the cost of one hash per connection.
type chainCache struct {
	roots *x509.CertPool // nil: the system roots
	host  string         // the host name or IP address the generator dials
	now   func() time.Time

	mu       sync.Mutex
	verified map[[sha256.Size]byte]time.Time // chain digest → earliest NotAfter
}

func newChainCache(roots *x509.CertPool, host string) *chainCache {
	return &chainCache{roots: roots, host: host, now: time.Now, verified: make(map[[sha256.Size]byte]time.Time)}
}

// install makes cfg verify server chains through the cache. crypto/tls's own
// chain verification is turned off (InsecureSkipVerify) and replaced by
// VerifyConnection, which crypto/tls calls on every handshake before it checks
// the CertificateVerify signature.
func (c *chainCache) install(cfg *tls.Config) {
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = c.verify
}

func (c *chainCache) verify(cs tls.ConnectionState) error {
	certs := cs.PeerCertificates
	if len(certs) == 0 {
		return errors.New("bench: server sent no certificate")
	}
	leaf := certs[0]
	h := sha256.New()
	for _, cert := range certs {
		h.Write(cert.Raw)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	now := c.now()

	c.mu.Lock()
	notAfter, ok := c.verified[key]
	c.mu.Unlock()
	if ok && now.Before(notAfter) {
		return nil // verified for c.host, the one host the generator dials
	}

	inter := x509.NewCertPool()
	for _, cert := range certs[1:] {
		inter.AddCert(cert)
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         c.roots,
		Intermediates: inter,
		DNSName:       c.host,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return err
	}
	earliest := leaf.NotAfter
	for _, cert := range chains[0] {
		if cert.NotAfter.Before(earliest) {
			earliest = cert.NotAfter
		}
	}
	c.mu.Lock()
	c.verified[key] = earliest
	c.mu.Unlock()
	return nil
}
