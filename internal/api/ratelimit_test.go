package api_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/ratelimit"
)

func TestBySurfaceLongestPrefix(t *testing.T) {
	var got string
	named := func(name string) func(http.ResponseWriter, *http.Request, error) {
		return func(http.ResponseWriter, *http.Request, error) { got = name }
	}
	render := api.BySurface(named("default"), map[string]func(http.ResponseWriter, *http.Request, error){
		"/v0/":       named("psc"),
		"/v0/oauth/": named("psc-oauth"),
		"/partners":  named("bankly"),
	})
	for path, want := range map[string]string{
		"/v0/oauth/token":  "psc-oauth",
		"/v0/other":        "psc",
		"/partners/x":      "bankly",
		"/api/v2/cob":      "default",
		"/":                "default",
		"/v0":              "default",
		"/x/v0/oauth/fake": "default",
	} {
		render(nil, httptest.NewRequest(http.MethodGet, path, nil), nil)
		if got != want {
			t.Errorf("%s rendered by %s, want %s", path, got, want)
		}
	}
}

// testClientCert returns a verifier trusting a fresh CA and a client
// certificate chain it issued.
func testClientCert(tb testing.TB) (*pki.Verifier, []*x509.Certificate) {
	tb.Helper()
	ca, err := pki.NewCA(pki.CAOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := ca.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: "client"}, PublicKey: key.Public(), Validity: time.Hour})
	if err != nil {
		tb.Fatal(err)
	}
	return pki.NewVerifier(ca.Pool(), nil, nil), []*x509.Certificate{leaf, ca.Intermediate}
}

func TestClientKey(t *testing.T) {
	v, chain := testClientCert(t)
	req := func(addr string, certs []*x509.Certificate) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/api/v2/cob/x", nil)
		r.RemoteAddr = addr
		if certs != nil {
			r.TLS = &tls.ConnectionState{PeerCertificates: certs}
		}
		return r
	}
	key := api.ClientKey(v)
	if a, b := key(req("10.0.0.1:1000", chain)), key(req("10.0.0.2:2000", chain)); a != b {
		t.Error("one verified certificate from two addresses got two buckets, want one")
	}
	if a, b := key(req("10.0.0.1:1000", nil)), key(req("10.0.0.1:3000", nil)); a != b {
		t.Error("one address from two ports got two buckets, want one")
	}
	if a, b := key(req("10.0.0.1:1000", chain)), key(req("10.0.0.1:1000", nil)); a == b {
		t.Error("a verified certificate shares its address's bucket, want its own")
	}
	// A certificate the CA did not issue is its address: minting one per
	// request must not buy a fresh bucket.
	selfSigned := func() []*x509.Certificate {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "x"},
			NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return []*x509.Certificate{c}
	}
	if a, b := key(req("10.0.0.9:1", selfSigned())), key(req("10.0.0.9:2", selfSigned())); a != b || a != key(req("10.0.0.9:3", nil)) {
		t.Error("unverified certificates got their own buckets, want their address's")
	}
}

func TestRateLimitRefuses(t *testing.T) {
	var refused int
	h := api.RateLimit(ratelimit.New(1, 2, nil), api.ClientKey(nil), func(w http.ResponseWriter, r *http.Request, err error) {
		refused++
		w.WriteHeader(http.StatusTooManyRequests)
	}, api.IsOps)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	serve := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	serve("/a")
	serve("/a")
	w := serve("/a")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" || refused != 1 {
		t.Errorf("3rd request at burst 2: %d, Retry-After %q, refused %d; want 429, 1, 1", w.Code, w.Header().Get("Retry-After"), refused)
	}
	if w := serve("/healthz"); w.Code != http.StatusOK {
		t.Errorf("/healthz while limited: %d, want 200", w.Code)
	}
}

// BenchmarkRateLimit is the limiter's cost on an admitted request with a
// verified client certificate: the verifier's cached check (a SHA-256 of the
// certificate and a map lookup), the key's SHA-256 and one locked map lookup.
func BenchmarkRateLimit(b *testing.B) {
	v, chain := testClientCert(b)
	h := api.RateLimit(ratelimit.New(1e12, 1<<30, nil), api.ClientKey(v), func(http.ResponseWriter, *http.Request, error) {
		b.Fatal("refused")
	}, api.IsOps)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	req := httptest.NewRequest(http.MethodGet, "/api/v2/cob/x", nil)
	req.TLS = &tls.ConnectionState{PeerCertificates: chain}
	var w http.ResponseWriter
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}
