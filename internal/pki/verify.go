package pki

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Errors of [Verifier.Verify], one per answer the APIs document. Match
// them with errors.Is; the returned error may wrap more detail.
var (
	// ErrNoCertificate means the client presented no certificate.
	ErrNoCertificate = errors.New("pki: no client certificate presented")
	// ErrCertificateExpired means the certificate (or, rarely, a CA
	// certificate of its chain) is past its NotAfter.
	ErrCertificateExpired = errors.New("pki: client certificate has expired")
	// ErrCertificateNotYetValid means the certificate is before its
	// NotBefore.
	ErrCertificateNotYetValid = errors.New("pki: client certificate is not yet valid")
	// ErrUnknownAuthority means the certificate does not chain to a
	// trusted root: it is self-signed, issued by another CA, or sent
	// without an intermediate the Verifier does not know.
	ErrUnknownAuthority = errors.New("pki: client certificate is not issued by a trusted authority")
	// ErrWrongUsage means the certificate is not meant for TLS client
	// authentication: its extended key usage lacks clientAuth, or it is a
	// CA certificate.
	ErrWrongUsage = errors.New("pki: certificate is not a TLS client certificate")
	// ErrInvalidCertificate means any other verification failure (an
	// unhandled critical extension, a malformed name constraint, a
	// signature that does not verify with the trusted CA the certificate
	// names as its issuer...); the cause is wrapped.
	ErrInvalidCertificate = errors.New("pki: invalid client certificate")
)

// verifierCacheSize bounds the number of leaves a Verifier remembers.
const verifierCacheSize = 10_000

// verified is a cache entry: the window in which the leaf's verified chain
// is valid (latest NotBefore, earliest NotAfter of its certificates).
type verified struct {
	notBefore, notAfter time.Time
}

// Verifier checks client certificates presented on connections accepted
// with [tls.RequestClientCert]; HTTP middleware calls [Verifier.Verify]
// with r.TLS.PeerCertificates. Successful chain verifications are cached
// by the SHA-256 of the leaf, so the connections and requests of one client
// cost a hash and a map lookup; validity dates are checked on every call.
// Revocation is not checked: the caller checks the leaf's serial number or
// [Thumbprint] against its revocation set.
//
// A Verifier is safe for concurrent use.
type Verifier struct {
	roots         *x509.CertPool
	intermediates *x509.CertPool
	now           func() time.Time
	// issuers are the trusted CA certificates, when known
	// ([NewCAVerifier]): a leaf naming one of them whose signature does not
	// verify is tampered with (ErrInvalidCertificate), not unknown.
	issuers []*x509.Certificate

	mu         sync.RWMutex
	cache      map[[sha256.Size]byte]verified
	maxEntries int
}

// NewVerifier returns a Verifier trusting roots, completing chains with
// intermediates as well as the certificates the client presents after its
// leaf, and reading the time from now. A nil roots trusts nothing (never the
// system roots); nil intermediates means none; nil now means time.Now. The
// pools must not be modified afterwards.
func NewVerifier(roots, intermediates *x509.CertPool, now func() time.Time) *Verifier {
	if roots == nil {
		roots = x509.NewCertPool()
	}
	if intermediates == nil {
		intermediates = x509.NewCertPool()
	}
	if now == nil {
		now = time.Now
	}
	return &Verifier{
		roots:         roots,
		intermediates: intermediates,
		now:           now,
		cache:         make(map[[sha256.Size]byte]verified),
		maxEntries:    verifierCacheSize,
	}
}

// NewCAVerifier returns a Verifier for the certificates ca issues: it
// trusts ca's root, completes chains with its issuing CA, and tells a
// tampered certificate from a foreign one: a leaf that names one of ca's
// certificates as its issuer (issuer name, and authority key identifier
// when both carry one) but whose signature does not verify with it is
// [ErrInvalidCertificate], where [NewVerifier] reads it as
// [ErrUnknownAuthority]. A certificate of another CA that merely shares
// ca's names (another brasa sandbox, say) has another key identifier and
// stays [ErrUnknownAuthority].
func NewCAVerifier(ca *CA, now func() time.Time) *Verifier {
	v := NewVerifier(ca.Pool(), ca.Intermediates(), now)
	v.issuers = []*x509.Certificate{ca.Intermediate, ca.Root}
	return v
}

// Verify verifies a presented chain (leaf first, as in
// tls.ConnectionState.PeerCertificates) and returns the leaf. In order, it
// returns an error wrapping:
//
//   - [ErrNoCertificate] if chain is empty;
//   - [ErrCertificateNotYetValid] or [ErrCertificateExpired] if now is
//     outside the leaf's validity period (checked before anything else, so
//     an expired certificate from an unknown CA still reads as expired);
//   - [ErrUnknownAuthority] if the leaf does not chain to the roots;
//   - [ErrWrongUsage] if the leaf's extended key usage does not name
//     clientAuth (a leaf without the extension, which RFC 5280 reads as
//     "any purpose", is refused too) or the leaf is a CA certificate;
//   - [ErrInvalidCertificate] for any other failure, including (for a
//     [NewCAVerifier]) a leaf naming the CA whose signature does not
//     verify.
func (v *Verifier) Verify(chain []*x509.Certificate) (*x509.Certificate, error) {
	leaf, _, err := v.VerifyDigest(chain)
	return leaf, err
}

// VerifyDigest is [Verify] that also returns the SHA-256 of the leaf, which
// it computes anyway (its cache key), so callers that key on the
// certificate ([DigestThumbprint], rate limits) need not hash it again. The
// digest is meaningful only when the error is nil.
func (v *Verifier) VerifyDigest(chain []*x509.Certificate) (_ *x509.Certificate, digest [sha256.Size]byte, _ error) {
	if len(chain) == 0 || chain[0] == nil {
		return nil, digest, ErrNoCertificate
	}
	leaf := chain[0]
	now := v.now()
	if err := checkDates(leaf, now); err != nil {
		return nil, digest, err
	}

	key := sha256.Sum256(leaf.Raw)
	v.mu.RLock()
	e, ok := v.cache[key]
	v.mu.RUnlock()
	if ok && !now.Before(e.notBefore) && !now.After(e.notAfter) {
		return leaf, key, nil
	}

	opts := x509.VerifyOptions{
		Roots:         v.roots,
		Intermediates: v.intermediates,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if len(chain) > 1 {
		opts.Intermediates = v.intermediates.Clone()
		for _, c := range chain[1:] {
			if c != nil {
				opts.Intermediates.AddCert(c)
			}
		}
	}
	chains, err := leaf.Verify(opts)
	if err != nil {
		err = classify(err, now)
		if errors.Is(err, ErrUnknownAuthority) {
			if ca := v.forgedIssuer(leaf); ca != nil {
				err = fmt.Errorf("%w: its signature does not verify with the issuing CA %q it names", ErrInvalidCertificate, ca.Subject.CommonName)
			}
		}
		return nil, key, err
	}
	if leaf.IsCA {
		return nil, key, fmt.Errorf("%w: it is a CA certificate", ErrWrongUsage)
	}
	if !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) {
		return nil, key, fmt.Errorf("%w: extended key usage lacks clientAuth", ErrWrongUsage)
	}
	v.remember(key, window(chains), now)
	return leaf, key, nil
}

// forgedIssuer returns the trusted CA certificate leaf names as its issuer
// (same issuer name; same key identifier when both carry one) if leaf's
// signature does not verify with it, or nil.
func (v *Verifier) forgedIssuer(leaf *x509.Certificate) *x509.Certificate {
	for _, ca := range v.issuers {
		if !bytes.Equal(leaf.RawIssuer, ca.RawSubject) {
			continue
		}
		if len(leaf.AuthorityKeyId) > 0 && len(ca.SubjectKeyId) > 0 && !bytes.Equal(leaf.AuthorityKeyId, ca.SubjectKeyId) {
			continue
		}
		if leaf.CheckSignatureFrom(ca) != nil {
			return ca
		}
	}
	return nil
}

// checkDates reports whether now is inside cert's validity period.
func checkDates(cert *x509.Certificate, now time.Time) error {
	if now.Before(cert.NotBefore) {
		return fmt.Errorf("%w: valid from %s", ErrCertificateNotYetValid, cert.NotBefore.UTC().Format(time.RFC3339))
	}
	if now.After(cert.NotAfter) {
		return fmt.Errorf("%w: expired at %s", ErrCertificateExpired, cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// classify maps a crypto/x509 verification error to a sentinel.
func classify(err error, now time.Time) error {
	var unknown x509.UnknownAuthorityError
	if errors.As(err, &unknown) {
		return fmt.Errorf("%w: %w", ErrUnknownAuthority, err)
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		switch invalid.Reason {
		case x509.Expired:
			// The leaf's dates were checked; a CA certificate is out of date.
			if invalid.Cert != nil && now.Before(invalid.Cert.NotBefore) {
				return fmt.Errorf("%w: %w", ErrCertificateNotYetValid, err)
			}
			return fmt.Errorf("%w: %w", ErrCertificateExpired, err)
		case x509.IncompatibleUsage:
			return fmt.Errorf("%w: %w", ErrWrongUsage, err)
		}
	}
	return fmt.Errorf("%w: %w", ErrInvalidCertificate, err)
}

// window returns the longest-lasting validity window among chains: for
// each chain, the latest NotBefore and earliest NotAfter of its
// certificates.
func window(chains [][]*x509.Certificate) verified {
	var best verified
	for i, chain := range chains {
		var w verified
		for j, c := range chain {
			if j == 0 || c.NotBefore.After(w.notBefore) {
				w.notBefore = c.NotBefore
			}
			if j == 0 || c.NotAfter.Before(w.notAfter) {
				w.notAfter = c.NotAfter
			}
		}
		if i == 0 || w.notAfter.After(best.notAfter) {
			best = w
		}
	}
	return best
}

// remember caches a successful verification. When the cache is full it
// first drops expired entries and, if that frees less than a quarter of
// it, drops everything: each full scan is paid for by at least a quarter
// of the cache's size in cheap inserts.
func (v *Verifier) remember(key [sha256.Size]byte, w verified, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.cache) >= v.maxEntries {
		for k, e := range v.cache {
			if now.After(e.notAfter) {
				delete(v.cache, k)
			}
		}
		if len(v.cache) > v.maxEntries*3/4 {
			v.cache = make(map[[sha256.Size]byte]verified)
		}
	}
	v.cache[key] = w
}
