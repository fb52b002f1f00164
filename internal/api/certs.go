package api

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/ttlcache"
)

// Error codes of client-certificate failures (errs.Error.Code). Surfaces map
// them to their documented responses: the Pix API answers all with Sicredi's
// 403 "Access Denied" page; Bankly has one code each.
const (
	CodeCertMissing     = "certificate_missing"
	CodeCertExpired     = "certificate_expired"
	CodeCertNotYetValid = "certificate_not_yet_valid"
	CodeCertUnknown     = "certificate_unknown_authority"
	CodeCertWrongUsage  = "certificate_wrong_usage"
	CodeCertInvalid     = "certificate_invalid"
	CodeCertRevoked     = "certificate_revoked"
)

// Peer is the verified client certificate of a request.
type Peer struct {
	Leaf       *x509.Certificate
	Thumbprint string                 // x5t#S256
	Record     *pki.CertificateRecord // nil when brasa has no record of it
}

// PeerFrom returns the request's verified client certificate, or nil.
func PeerFrom(ctx context.Context) *Peer {
	p, _ := ctx.Value(keyPeer).(*Peer)
	return p
}

// CertStore is what the CertChecker reads to learn revocations.
type CertStore interface {
	CertificateByThumbprint(ctx context.Context, thumbprint string) (*pki.CertificateRecord, error)
}

// CertChecker verifies client certificates presented on a connection: the
// chain to brasa's CA, validity dates, clientAuth usage (all by
// pki.Verifier), and revocation, read from the store and cached for at most
// 500 ms so a revocation reaches every instance within a second.
type CertChecker struct {
	verifier *pki.Verifier
	store    CertStore
	cache    *ttlcache.Cache[string, *pki.CertificateRecord] // by thumbprint; nil record = unknown to brasa
}

// NewCertChecker returns a CertChecker.
func NewCertChecker(v *pki.Verifier, store CertStore) *CertChecker {
	return &CertChecker{verifier: v, store: store, cache: ttlcache.New[string, *pki.CertificateRecord](500*time.Millisecond, 50_000)}
}

// Check verifies the certificate r's connection presented. Failures are
// *errs.Error with one of the Code constants above.
func (c *CertChecker) Check(r *http.Request) (*Peer, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, &errs.Error{Kind: errs.EForbidden, Code: CodeCertMissing, Message: "client certificate not presented"}
	}
	leaf, digest, err := c.verifier.VerifyDigest(r.TLS.PeerCertificates)
	if err != nil {
		code := CodeCertInvalid
		switch {
		case errors.Is(err, pki.ErrCertificateExpired):
			code = CodeCertExpired
		case errors.Is(err, pki.ErrCertificateNotYetValid):
			code = CodeCertNotYetValid
		case errors.Is(err, pki.ErrUnknownAuthority):
			code = CodeCertUnknown
		case errors.Is(err, pki.ErrWrongUsage):
			code = CodeCertWrongUsage
		}
		return nil, &errs.Error{Kind: errs.EForbidden, Code: code, Message: "client certificate rejected", Err: err}
	}
	p := &Peer{Leaf: leaf, Thumbprint: pki.DigestThumbprint(digest)}
	rec, err := c.record(r.Context(), p.Thumbprint)
	if err != nil {
		return nil, err
	}
	p.Record = rec
	if rec != nil && rec.Status == pki.CertRevoked {
		return nil, &errs.Error{Kind: errs.EForbidden, Code: CodeCertRevoked, Message: "client certificate revoked"}
	}
	return p, nil
}

func (c *CertChecker) record(ctx context.Context, thumbprint string) (*pki.CertificateRecord, error) {
	if rec, ok := c.cache.Get(thumbprint); ok {
		return rec, nil
	}
	rec, err := c.store.CertificateByThumbprint(ctx, thumbprint)
	if errs.Is(err, errs.ENotFound) {
		rec, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.cache.Put(thumbprint, rec)
	return rec, nil
}

// RequireClientCert rejects requests whose connection has no valid client
// certificate before their body is read, answering with fail (the surface's
// documented response); otherwise the [Peer] is put in the context.
func (c *CertChecker) RequireClientCert(fail func(http.ResponseWriter, *http.Request, error)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := c.Check(r)
			if err != nil {
				fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyPeer, p)))
		})
	}
}

// Forget drops thumbprint's cached revocation status, so a revocation made
// by this instance takes effect on it at once (other instances see it
// within the cache's 500 ms).
func (c *CertChecker) Forget(thumbprint string) { c.cache.Delete(thumbprint) }
