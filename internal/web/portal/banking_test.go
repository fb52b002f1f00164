package portalweb_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/portal"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
	portalweb "github.com/brasa-dev/brasa/internal/web/portal"
)

// newBankingServer is newServer with the Banking API pages wired.
func newBankingServer(t *testing.T) (*httptest.Server, *banking.Service) {
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
	hasher := oauth.NewHasher(make([]byte, 32))
	svc := portal.New(portal.Deps{Store: db, CA: ca, Sealer: sealer, Hasher: hasher, AutoApprove: true, SigningDelay: -1})
	bk := banking.NewService(banking.Deps{Store: db, CA: ca, Hasher: hasher})
	srv, err := portalweb.New(portalweb.Deps{Portal: svc, Banking: bk, CSRFKey: []byte("test key"), APIURL: "https://api.example"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	ts := httptest.NewTLSServer(mux)
	t.Cleanup(ts.Close)
	return ts, bk
}

var secretShown = regexp.MustCompile(`id="client-secret">([^<]+)<`)

// TestBankingPagesAccessAndSecretOnce: CSRF on every POST, an empty
// allowlist explained, the secret shown once, and another developer's
// requests for the account, its certificates and credentials answered 404
// with nothing changed.
func TestBankingPagesAccessAndSecretOnce(t *testing.T) {
	ts, bk := newBankingServer(t)
	owner := newBrowser(t, ts)
	owner.signUp("dono@example.com")
	owner.get("/portal/suporte/chamados/novo")
	owner.post("/portal/suporte/chamados/novo", url.Values{"tipo": {"ACESSO_API_PIX"}, "cnpj": {"11222333000181"}, "idAdesao": {"X-1"}})
	owner.get("/portal/banking")
	form := url.Values{"documento": {"11.222.333/0001-81"}, "cooperativa": {"0116"}, "conta": {"555"}, "titular": {"DONO LTDA"}}
	if resp, _ := owner.post("/portal/banking/contas", url.Values{"csrf": {"forged"}, "documento": {"11222333000181"}, "cooperativa": {"0116"}, "conta": {"555"}, "titular": {"X"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST with a forged CSRF token: %d", resp.StatusCode)
	}
	resp, body := owner.post("/portal/banking/contas", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal/banking/contas/0116-555?ok=conta" {
		t.Fatalf("create account: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	// The same account again is used as it is.
	if resp, _ := owner.post("/portal/banking/contas", form); resp.Header.Get("Location") != "/portal/banking/contas/0116-555?ok=existente" {
		t.Fatalf("existing account: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	issued, err := bk.IssueCertificate(context.Background(), "0116-555", "", nil, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	thumb := issued.Record.Thumbprint
	path := "/portal/banking/contas/0116-555"
	owner.get(path)
	resp, body = owner.post(path+"/credenciais", url.Values{"certificado": {thumb}, "cidrs": {" \n "}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Informe ao menos um IP ou CIDR") {
		t.Fatalf("empty allowlist: %d", resp.StatusCode)
	}
	resp, body = owner.post(path+"/credenciais", url.Values{"certificado": {thumb}, "cidrs": {"198.51.100.0/24"}})
	m := secretShown.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create credential: %d %s", resp.StatusCode, body)
	}
	secret := m[1]
	creds, err := bk.Credentials(context.Background(), "0116-555")
	if err != nil || len(creds) != 1 {
		t.Fatalf("credentials: %v %v", creds, err)
	}
	clientID := creds[0].ClientID
	if _, page := owner.get(path); !strings.Contains(page, clientID) || !strings.Contains(page, thumb) ||
		!strings.Contains(page, "198.51.100.0/24") || strings.Contains(page, secret) {
		t.Fatal("the account page must show client_id, thumbprint and allowlist, never the secret")
	}

	intruder := newBrowser(t, ts)
	intruder.signUp("intruso@example.com")
	for _, p := range []string{path, path + "/certificados/" + thumb} {
		if resp, body := intruder.get(p); resp.StatusCode != http.StatusNotFound || strings.Contains(body, clientID) || strings.Contains(body, "CERTIFICATE") {
			t.Errorf("intruder GET %s: %d", p, resp.StatusCode)
		}
	}
	for _, p := range []string{"/revogar", "/ips", "/desvincular"} {
		if resp, _ := intruder.post(path+"/credenciais/"+clientID+p, url.Values{"cidrs": {"0.0.0.0/0"}, "certificado": {thumb}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("intruder POST %s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := intruder.post("/portal/banking/contas", url.Values{"documento": {"11222333000181"}, "cooperativa": {"0116"}, "conta": {"556"}, "titular": {"X"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("intruder creating an account for a CNPJ without a chamado: %d", resp.StatusCode)
	}
	c, err := bk.Credential(context.Background(), clientID)
	if err != nil || !c.Active() || !c.BoundTo(thumb) || strings.Join(c.AllowedCIDRs, " ") != "198.51.100.0/24" {
		t.Fatalf("the intruder changed the credential: %+v %v", c, err)
	}
	// Revoked: shown as such, no longer changed.
	if resp, _ := owner.post(path+"/credenciais/"+clientID+"/revogar", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if resp, body := owner.post(path+"/credenciais/"+clientID+"/ips", url.Values{"cidrs": {"0.0.0.0/0"}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "está revogada") {
		t.Errorf("changing a revoked credential: %d", resp.StatusCode)
	}
	if c, err := bk.Credential(context.Background(), clientID); err != nil || c.Active() || strings.Join(c.AllowedCIDRs, " ") != "198.51.100.0/24" {
		t.Fatalf("revoked credential: %+v %v", c, err)
	}
	// A credential path under the wrong account is not found either.
	if resp, _ := owner.post("/portal/banking/contas/0116-555/credenciais/nao-existe/revogar", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown credential: %d", resp.StatusCode)
	}
}
