package portal_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
)

// portalSession is a cookie-keeping client of the portal that does not
// follow redirects and remembers the last CSRF token it saw.
type portalSession struct {
	t    *testing.T
	c    *http.Client
	web  string
	csrf string
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newPortalSession(t *testing.T, h *apptest.Harness) *portalSession {
	jar, _ := cookiejar.New(nil)
	c := h.Client(nil)
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &portalSession{t: t, c: c, web: strings.TrimSuffix(h.Sandbox.WebURL, "/")}
}

func (s *portalSession) get(path string) (int, string) {
	s.t.Helper()
	resp, err := s.c.Get(s.web + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(body); m != nil {
		s.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

func (s *portalSession) post(path string, form url.Values) (int, string) {
	s.t.Helper()
	form.Set("csrf", s.csrf)
	req := mustReq(s.t, "POST", s.web+path, form.Encode())
	resp, body := apptest.Do(s.t, s.c, req)
	return resp.StatusCode, resp.Header.Get("Location") + "\n" + string(body)
}

// brasiliaTime is a time as the portal shows it, with what follows.
var portalTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}( \(horário de Brasília\))?`)

// TestPortalSpeaksToUsers renders a logged-in developer's main pages and
// wants no internal jargon (seeds, issues, annexes) on any of them, and
// every time labelled with its zone.
func TestPortalSpeaksToUsers(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	s := newPortalSession(t, h)

	pages := []string{"/", "/portal/", "/portal/entrar", "/portal/criar-conta"}
	check := func(path string) {
		t.Helper()
		code, body := s.get(path)
		if code != http.StatusOK {
			t.Errorf("GET %s: %d", path, code)
			return
		}
		text := html.UnescapeString(body)
		if m := jargon.FindString(text); m != "" {
			i := strings.Index(text, m)
			t.Errorf("%s says %q: …%s…", path, m, text[max(0, i-80):min(len(text), i+80)])
		}
		for _, m := range portalTime.FindAllStringSubmatch(text, -1) {
			if m[1] == "" {
				t.Errorf("%s shows the time %q without its zone", path, m[0])
			}
		}
	}
	for _, p := range pages {
		check(p)
	}

	// Sign up (which logs in), open the chamado (approved at once) and
	// register a CSR.
	s.get("/portal/criar-conta")
	if code, body := s.post("/portal/criar-conta", url.Values{"nome": {"Técnica"}, "email": {"tecnica@exemplo.example"}, "senha": {"uma senha bem longa"}}); code != http.StatusSeeOther {
		t.Fatalf("sign-up: %d %s", code, body)
	}
	s.get("/portal/suporte/chamados/novo")
	if code, body := s.post("/portal/suporte/chamados/novo", url.Values{"tipo": {"ACESSO_API_PIX"}, "cnpj": {portalCNPJ}, "idAdesao": {"DEM-2026-0042"}}); code != http.StatusSeeOther {
		t.Fatalf("chamado: %d %s", code, body)
	}
	s.get("/portal/certificados/csr/novo")
	code, loc := s.post("/portal/certificados/csr/novo", url.Values{"documento": {portalCNPJ}, "cooperativa": {"0200"}, "conta": {"123456"},
		"nomeArquivo": {"APLICACAO"}, "frase": {"frase de seguranca 123"}, "nomeComum": {"empresateste"}, "email": {"ti@empresateste.example"}})
	if code != http.StatusSeeOther {
		t.Fatalf("CSR: %d %s", code, loc)
	}
	created := strings.SplitN(loc, "\n", 2)[0]
	list := "/portal/certificados?cooperativa=0200&conta=123456"
	var body string
	fileLink := regexp.MustCompile(`href="(/portal/arquivos/[^"/]+)"`)
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, body = s.get(list)
		if fileLink.MatchString(body) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	m := fileLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no validated certificate in the list:\n%s", body)
	}
	s.get("/portal/banking")
	code, loc = s.post("/portal/banking/contas", url.Values{"documento": {portalCNPJ}, "cooperativa": {"0200"}, "conta": {"123456"}, "titular": {"Empresa Teste"}})
	if code != http.StatusSeeOther {
		t.Fatalf("banking account: %d %s", code, loc)
	}
	account := strings.SplitN(loc, "\n", 2)[0]
	for _, p := range []string{"/portal/", created, list, "/portal/certificados/csr/novo", m[1], m[1] + "/credencial",
		"/portal/suporte/chamados", "/portal/suporte/chamados/novo", "/portal/banking", account} {
		check(p)
	}
}
