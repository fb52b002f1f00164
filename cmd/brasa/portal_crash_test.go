package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// portalClient is a cookie-keeping HTTPS client of the sandbox's web listener.
type portalClient struct {
	t    *testing.T
	c    *http.Client
	base string
	csrf string
}

func newPortalClient(t *testing.T, dir, webAddr string) *portalClient {
	t.Helper()
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	jar, _ := cookiejar.New(nil)
	return &portalClient{t: t, base: "https://" + webAddr, c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *portalClient) do(method, path string, form url.Values) (int, string) {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", p.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, p.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := p.c.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(b); m != nil {
		p.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

// TestPortalSigningJobSurvivesSIGKILL registers a CSR through the portal,
// kills the sandbox with SIGKILL before the CA signed it, and restarts it:
// the job was committed with the CSR, so the new process signs it.
func TestPortalSigningJobSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	apiAddr, webAddr := freeAddr(t), freeAddr(t)
	cmd, out := startSandbox(t, dir, apiAddr, webAddr)
	p := newPortalClient(t, dir, webAddr)
	p.do("GET", "/portal/criar-conta", nil)
	if st, body := p.do("POST", "/portal/criar-conta", url.Values{"nome": {"Dev"}, "email": {"crash@example.com"}, "senha": {"senha comprida"}}); st != http.StatusSeeOther {
		t.Fatalf("sign-up: %d %s\n%s", st, body, out)
	}
	p.do("GET", "/portal/suporte/chamados/novo", nil)
	if st, body := p.do("POST", "/portal/suporte/chamados/novo", url.Values{"tipo": {"ACESSO_API_PIX"}, "cnpj": {"11222333000181"}, "idAdesao": {"C-1"}}); st != http.StatusSeeOther {
		t.Fatalf("chamado: %d %s", st, body)
	}
	p.do("GET", "/portal/certificados/csr/novo", nil)
	st, body := p.do("POST", "/portal/certificados/csr/novo", url.Values{"documento": {"11222333000181"}, "cooperativa": {"0116"},
		"conta": {"4242"}, "nomeArquivo": {"APLICACAO"}, "frase": {"frase secreta"}, "nomeComum": {"crash"}})
	if st != http.StatusSeeOther {
		t.Fatalf("register CSR: %d %s", st, body)
	}
	// Killed before the signing delay (2 s) has passed.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "brasa.db"))
	if err != nil {
		t.Fatal(err)
	}
	pending, err := db.PendingCSRs(context.Background(), time.Now().Add(time.Hour), 10)
	db.Close()
	if err != nil || len(pending) != 1 {
		t.Fatalf("after the kill: %d pending CSRs (%v), want 1", len(pending), err)
	}

	startSandbox(t, dir, apiAddr, webAddr)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, body := p.do("GET", "/portal/certificados?cooperativa=0116&conta=4242", nil)
		if st == http.StatusOK && strings.Contains(body, `data-tipo="CERTIFICADO_VALIDADO"`) {
			if strings.Count(body, `data-tipo="CERTIFICADO_VALIDADO"`) != 1 || strings.Contains(body, "EM_PROCESSAMENTO") {
				t.Fatalf("after restart the account lists:\n%s", body)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the CSR was not signed after the restart: %d\n%s", st, body)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
