package portalweb_test

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/portal"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
	portalweb "github.com/brasa-dev/brasa/internal/web/portal"
)

// newServer serves the portal (sandbox rules: chamados approved at once)
// over TLS on a real socket.
func newServer(t *testing.T) (*httptest.Server, *portal.Service) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "brasa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ca, err := pki.NewCA(pki.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mk, _ := pki.GenerateMasterKey(rand.Reader)
	sealer, _ := pki.NewSealer(mk)
	svc := portal.New(portal.Deps{Store: db, CA: ca, Sealer: sealer, Hasher: oauth.NewHasher(make([]byte, 32)), AutoApprove: true, SigningDelay: -1})
	srv, err := portalweb.New(portalweb.Deps{Portal: svc, CSRFKey: []byte("test key"), APIURL: "https://api.example"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	ts := httptest.NewTLSServer(mux)
	t.Cleanup(ts.Close)
	return ts, svc
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
	csrf string
}

func newBrowser(t *testing.T, ts *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: ts.Client().Transport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: t, c: c, base: ts.URL}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp, string(body)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func (b *browser) signUp(email string) {
	b.t.Helper()
	b.get("/portal/criar-conta")
	resp, body := b.post("/portal/criar-conta", url.Values{"nome": {"Dev"}, "email": {email}, "senha": {"senha comprida"}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign-up: %d %s", resp.StatusCode, body)
	}
}

func TestSessionCookieAndLogout(t *testing.T) {
	ts, _ := newServer(t)
	b := newBrowser(t, ts)
	b.get("/portal/criar-conta")
	resp, _ := b.post("/portal/criar-conta", url.Values{"nome": {"Dev"}, "email": {"a@example.com"}, "senha": {"senha comprida"}})
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-brasa_portal" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
		t.Fatalf("session cookie %+v", session)
	}
	if resp, _ := b.get("/portal/suporte/chamados"); resp.StatusCode != http.StatusOK {
		t.Fatalf("logged in: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/portal/sair", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	// The old token no longer works, even if replayed.
	req, _ := http.NewRequest("GET", ts.URL+"/portal/suporte/chamados", nil)
	req.AddCookie(session)
	resp2, err := (&http.Client{Transport: ts.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if loc := resp2.Header.Get("Location"); resp2.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal/entrar") {
		t.Fatalf("replayed session: %d Location %q", resp2.StatusCode, loc)
	}
}

func TestLoginKeepsRedirectInsidePortal(t *testing.T) {
	ts, _ := newServer(t)
	b := newBrowser(t, ts)
	b.signUp("a@example.com")
	b2 := newBrowser(t, ts)
	b2.get("/portal/entrar")
	for next, want := range map[string]string{
		"//evil.example/portal/":      "/portal/certificados",
		"https://evil.example/portal": "/portal/certificados",
		"/portal/suporte/chamados":    "/portal/suporte/chamados",
	} {
		resp, _ := b2.post("/portal/entrar", url.Values{"email": {"a@example.com"}, "senha": {"senha comprida"}, "next": {next}})
		if got := resp.Header.Get("Location"); got != want {
			t.Errorf("next=%q redirects to %q, want %q", next, got, want)
		}
	}
	resp, body := b2.post("/portal/entrar", url.Values{"email": {"a@example.com"}, "senha": {"errada!!"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "E-mail ou senha incorretos.") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
}

func TestFilesOfOthersAreNotFound(t *testing.T) {
	ts, svc := newServer(t)
	owner := newBrowser(t, ts)
	owner.signUp("dono@example.com")
	owner.get("/portal/suporte/chamados/novo")
	owner.post("/portal/suporte/chamados/novo", url.Values{"tipo": {"ACESSO_API_PIX"}, "cnpj": {"11222333000181"}, "idAdesao": {"X-1"}})
	owner.get("/portal/certificados/csr/novo")
	resp, body := owner.post("/portal/certificados/csr/novo", url.Values{"documento": {"11222333000181"}, "cooperativa": {"0116"},
		"conta": {"555"}, "nomeArquivo": {"APLICACAO"}, "frase": {"frase secreta"}, "nomeComum": {"dono"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("register CSR: %d %s", resp.StatusCode, body)
	}
	created := resp.Header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(created, "/portal/certificados/csr/"), "/criado")
	if resp, _ := owner.get("/portal/arquivos/" + id + "/download/chave-sem-senha"); resp.StatusCode != http.StatusOK ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename=APLICACAO_sem_senha.key`) {
		t.Fatalf("owner download: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	if _, err := svc.SignPending(context.Background()); err != nil {
		t.Fatal(err)
	}

	intruder := newBrowser(t, ts)
	intruder.signUp("intruso@example.com")
	for _, path := range []string{"/portal/arquivos/" + id + "/download/chave-sem-senha", "/portal/arquivos/" + id, created} {
		if resp, body := intruder.get(path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "PRIVATE KEY") {
			t.Errorf("intruder GET %s: %d", path, resp.StatusCode)
		}
	}
	if resp, body := intruder.get("/portal/certificados?cooperativa=0116&conta=555"); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "APLICACAO") {
		t.Errorf("intruder file list: %d", resp.StatusCode)
	}
	if resp, _ := intruder.get("/portal/certificados/webhook"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("webhook certificate without a source: %d", resp.StatusCode)
	}
}
