package pixapi_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// testPKI is a throwaway CA that issues the test server's certificate and
// client certificates.
type testPKI struct {
	ca    *x509.Certificate
	caKey *ecdsa.PrivateKey
	pool  *x509.CertPool
}

// MustNewPKI creates a CA with an ECDSA P-256 key.
func MustNewPKI(tb testing.TB) *testPKI {
	tb.Helper()
	key := mustKey(tb)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "pixapi test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &testPKI{ca: ca, caKey: key, pool: pool}
}

func mustKey(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

var serial atomic.Int64

// Issue returns a certificate for a new key, for a server (valid for
// 127.0.0.1) or a client.
func (p *testPKI) Issue(tb testing.TB, cn string, server bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	tb.Helper()
	key := mustKey(tb)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(100 + serial.Add(1)),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return cert, key
}

// TLSCert returns a client certificate as a tls.Certificate.
func (p *testPKI) TLSCert(tb testing.TB) tls.Certificate {
	tb.Helper()
	cert, key := p.Issue(tb, "client", false)
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

// CAFile writes the CA certificate as PEM into dir and returns its path.
func (p *testPKI) CAFile(tb testing.TB, dir string) string {
	tb.Helper()
	return mustWrite(tb, dir, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.ca.Raw}))
}

func mustWrite(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func pkcs8PEM(tb testing.TB, key *ecdsa.PrivateKey) []byte {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

const (
	testClientID     = "client:1 ação"
	testClientSecret = "s3cr3t+/=%&"
)

// fakePix is a Pix API over real mTLS: a token endpoint and a few /cob
// routes. Client certificates are requested at the handshake and checked in
// the handler, as brasa does, so a request without one gets Sicredi's HTML
// 403 page.
type fakePix struct {
	srv *httptest.Server

	tokenCalls atomic.Int32
	putCalls   atomic.Int32
	tokenDelay time.Duration // how long the token endpoint takes

	mu         sync.Mutex
	expiresIn  int
	valid      map[string]bool // accepted access tokens
	issued     int
	failTokens int    // answer this many token requests with 500
	lastScope  string // scope parameter of the last token request
	lastBasic  string // raw Authorization header of the last token request
	putBodies  []string
	api        http.HandlerFunc // if set, serves every request under /api/v2/ (see SetAPI)
}

const accessDeniedHTML = `<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>

You don't have permission to access "http&#58;&#47;&#47;api&#46;pix&#46;sicredi&#46;com&#46;br&#47;oauth&#47;token&#63;" on this server.<P>
Reference&#32;&#35;18&#46;87421502&#46;1705278622&#46;a20982f6` + "\n" + `</BODY>
</HTML>
` + "<!-- padding so the body is longer than 512 bytes ......................................................................................................................................................................................................... -->\n"

// MustStartFakePix starts the fake server with a certificate from p.
func MustStartFakePix(tb testing.TB, p *testPKI) *fakePix {
	tb.Helper()
	f := &fakePix{expiresIn: 3600, valid: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", f.token)
	mux.HandleFunc("GET /api/v2/cob/{txid}", f.auth(f.getCob))
	mux.HandleFunc("PUT /api/v2/cob/{txid}", f.auth(f.putCob))
	mux.HandleFunc("GET /api/v2/always401", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusUnauthorized, `{"type":"https://pix.bcb.gov.br/api/v2/error/AcessoNegado","title":"Acesso Negado","status":401,"detail":"Cannot convert access token to JSON"}`)
	})
	mux.HandleFunc("GET /api/v2/multi", f.auth(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `[{"type":"https://pix.bcb.gov.br/api/v2/error/RequisicaoInvalida","title":"Requisição inválida.","status":400,"detail":"um"},
			{"type":"https://pix.bcb.gov.br/api/v2/error/NaoEncontrado","title":"Não encontrado","status":404,"detail":"dois"}]`)
	}))

	serverCert, serverKey := p.Issue(tb, "127.0.0.1", true)
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, accessDeniedHTML)
			return
		}
		f.mu.Lock()
		api := f.api
		f.mu.Unlock()
		if api != nil && strings.HasPrefix(r.URL.Path, pixapi.APIPrefix+"/") {
			f.auth(api)(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	f.srv.TLS = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{serverCert.Raw}, PrivateKey: serverKey}},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    p.pool,
	}
	f.srv.StartTLS()
	tb.Cleanup(f.srv.Close)
	return f
}

func writeProblem(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func (f *fakePix) token(w http.ResponseWriter, r *http.Request) {
	f.tokenCalls.Add(1)
	time.Sleep(f.tokenDelay)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastBasic = r.Header.Get("Authorization")
	if f.failTokens > 0 {
		f.failTokens--
		writeProblem(w, http.StatusInternalServerError, `{"type":"https://pix.bcb.gov.br/api/v2/error/ErroInternoDoServidor","title":"Erro interno do servidor","status":500,"detail":"Condição inesperada ao processar requisição."}`)
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	if !ok || id != testClientID || secret != testClientSecret {
		writeProblem(w, http.StatusForbidden, `{"type":"https://pix.bcb.gov.br/api/v2/error/AcessoNegado","title":"Acesso Negado","status":403,"detail":"Full authentication is required to access this resource"}`)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		writeProblem(w, http.StatusBadRequest, `{"type":"https://pix.bcb.gov.br/api/v2/error/RequisicaoInvalida","title":"Requisição inválida.","status":400,"detail":"bad content type `+ct+`"}`)
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeProblem(w, http.StatusBadRequest, `{"type":"https://pix.bcb.gov.br/api/v2/error/RequisicaoInvalida","title":"Requisição inválida.","status":400,"detail":"grant_type"}`)
		return
	}
	f.lastScope = r.PostForm.Get("scope")
	if strings.Contains(f.lastScope, "cobv.read") {
		// Sicredi answers token errors as a JSON array (seed 000, Anexo III).
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `[ {
  "type": "https://pix.bcb.gov.br/api/v2/error/RequisicaoInvalida",
  "title": "Requisição inválida.",
  "status": 400,
  "detail": "Escopo negado (o usuário não tem acesso ao escopo solicitado): cobv.read"
} ]`)
		return
	}
	f.issued++
	tok := fmt.Sprintf("tok-%d", f.issued)
	f.valid[tok] = true
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok,
		"token_type":   "bearer",
		"expires_in":   f.expiresIn,
		"scope":        f.lastScope,
		"jti":          fmt.Sprintf("jti-%d", f.issued),
	})
}

// auth checks the bearer token.
func (f *fakePix) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		valid := ok && f.valid[tok]
		f.mu.Unlock()
		if !valid {
			writeProblem(w, http.StatusUnauthorized, `{"type":"https://pix.bcb.gov.br/api/v2/error/AcessoNegado","title":"Acesso Negado","status":401,"detail":"Invalid access token"}`)
			return
		}
		next(w, r)
	}
}

// SetAPI makes h serve every request under /api/v2/ (after the certificate
// and token checks) in place of the few built-in /cob routes.
func (f *fakePix) SetAPI(h http.HandlerFunc) {
	f.mu.Lock()
	f.api = h
	f.mu.Unlock()
}

// RevokeAll makes every issued token invalid.
func (f *fakePix) RevokeAll() {
	f.mu.Lock()
	clear(f.valid)
	f.mu.Unlock()
}

func (f *fakePix) getCob(w http.ResponseWriter, r *http.Request) {
	txid := r.PathValue("txid")
	if txid == "missing" {
		writeProblem(w, http.StatusNotFound, `{"type":"https://pix.bcb.gov.br/api/v2/error/NaoEncontrado","title":"Não Encontrado","status":404,"detail":"Entidade não encontrada.","correlationId":"fc105e34-12615826"}`)
		return
	}
	if txid == "plain" { // a problem mislabelled as text/plain
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"type":"https://pix.bcb.gov.br/api/v2/error/AcessoNegado","title":"Acesso Negado","status":403,"detail":"Requisição de participante autenticado que viola alguma regra de autorização."}`)
		return
	}
	if txid == "oauth" { // another JSON error dialect
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_request","error_description":"bad"}`)
		return
	}
	if txid == "invalid" {
		writeProblem(w, http.StatusBadRequest, `{"type":"https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida","title":"Cobrança inválida.","status":400,"detail":"A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o schema ou está semanticamente errada.","correlationId":"fc105e34-12615826","violacoes":[{"razao":"Não foi localizada a chave informada","propriedade":"cob.chave"}]}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"txid":%q,"status":"ATIVA"}`, txid)
}

func (f *fakePix) putCob(w http.ResponseWriter, r *http.Request) {
	f.putCalls.Add(1)
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.putBodies = append(f.putBodies, string(b))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	var in map[string]any
	json.Unmarshal(b, &in)
	in["txid"] = r.PathValue("txid")
	in["status"] = "ATIVA"
	json.NewEncoder(w).Encode(in)
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// MustNewClient returns a client of f with a fresh client certificate from
// p, the test credentials and opts.
func MustNewClient(tb testing.TB, f *fakePix, p *testPKI, opts ...pixapi.Option) *pixapi.Client {
	tb.Helper()
	base := []pixapi.Option{
		pixapi.WithCertificate(p.TLSCert(tb)),
		pixapi.WithRootCAs(p.pool),
		pixapi.WithCredentials(testClientID, testClientSecret),
	}
	c, err := pixapi.New(f.srv.URL, append(base, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
