package api

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/ratelimit"
)

// RateLimit answers 429 Too Many Requests, with Retry-After in whole seconds
// (at least 1), to a client past its rate (DESIGN.md "Security model").
// key names the client's bucket ([ClientKey]). render writes the refusal, an
// [errs.ETooManyRequests], in the dialect of the surface the request was for.
// Requests for which exempt returns true (health checks, metrics) are not
// counted. A nil limiter limits nothing.
func RateLimit(l *ratelimit.Limiter, key func(*http.Request) string, render func(http.ResponseWriter, *http.Request, error), exempt func(*http.Request) bool) Middleware {
	return func(next http.Handler) http.Handler {
		if l == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if exempt != nil && exempt(r) {
				next.ServeHTTP(w, r)
				return
			}
			ok, retry := l.Allow(key(r))
			if ok {
				next.ServeHTTP(w, r)
				return
			}
			secs := max(int64((retry+time.Second-1)/time.Second), 1)
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			render(w, r, errs.New(errs.ETooManyRequests, "rate limit: retry after %d s", secs))
		})
	}
}

// ClientKey returns the rate-limit key of a request: its client certificate
// when v verifies it (so every connection and address of one integrator
// shares a bucket), else its IP address. A certificate that does not verify
// is the address's: anyone can make certificates, and one per request would
// otherwise be a fresh bucket each time. The certificate key is the SHA-256
// of the whole certificate. A nil v keys every request by address.
func ClientKey(v *pki.Verifier) func(*http.Request) string {
	return func(r *http.Request) string {
		if v != nil && r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			if _, sum, err := v.VerifyDigest(r.TLS.PeerCertificates); err == nil {
				return "c" + string(sum[:])
			}
		}
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		return "a" + host
	}
}

// BySurface returns an error renderer that picks, by the longest matching
// path prefix, the renderer of the surface a request was for, and def for
// every other path.
func BySurface(def func(http.ResponseWriter, *http.Request, error), byPrefix map[string]func(http.ResponseWriter, *http.Request, error)) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		best, render := -1, def
		for p, f := range byPrefix {
			if len(p) > best && strings.HasPrefix(r.URL.Path, p) {
				best, render = len(p), f
			}
		}
		render(w, r, err)
	}
}

// IsOps reports whether r is for /healthz, /readyz or /metrics, which load
// balancers and monitoring poll and no limit should refuse.
func IsOps(r *http.Request) bool {
	switch r.URL.Path {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return false
}
