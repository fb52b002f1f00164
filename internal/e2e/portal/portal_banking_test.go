package portal_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/browsertest"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/chromedp/chromedp"
)

// waitText polls until the element matching css contains want (the page
// after a POST and its redirect), failing t after 20 s.
func waitText(t *testing.T, b *browsertest.Browser, css, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`(e => e ? e.textContent : "")(document.querySelector(`+jsString(css)+`))`))
		if err == nil && strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			page, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			t.Fatalf("%s never contained %q (last %q, err %v); page:\n%s", css, want, got, err, page)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// bankingToken calls token-v2 with client_id/secret over mTLS with cert
// from 127.0.0.1 and returns the status and body.
func bankingToken(t *testing.T, h *apptest.Harness, cert tls.Certificate, clientID, secret string) (int, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"client_id": clientID, "client_secret": secret, "grant_type": "client_credentials"})
	req, _ := http.NewRequest("POST", h.APIURL()+"/public/gw_banking/v1/auth/token-v2", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	resp, out := apptest.Do(t, h.Client(&cert), req)
	return resp.StatusCode, out
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPortalBankingProvisioning is seed 002's provisioning "no CORE" done in
// a real browser: sign-up, chamado, a Banking API account, a certificate
// issued from the developer's CSR (and one registered as PEM), a credential
// with its allowlist bound to the certificate, the secret shown once; then
// token-v2 with exactly the downloaded certificate from 127.0.0.1 succeeds
// and the balance answers; an allowlist that excludes 127.0.0.1 gets 403
// Forbidden; rotation binds a second certificate, a third is refused, the
// unbound one gets 401 Invalid Client Certificate; revoking gets 401 Invalid
// Credentials. Accounts of other CPFs/CNPJs read as 404.
func TestPortalBankingProvisioning(t *testing.T) {
	h := apptest.Boot(t, apptest.Options{})
	b := browsertest.New(t, browsertest.Options{Trust: []*x509.Certificate{h.App.CA.Intermediate, h.App.CA.Root}, Timeout: 4 * time.Minute})
	site := strings.TrimSuffix(h.Sandbox.WebURL, "/") + "/portal/"
	signUpAndOpenChamado(t, b, site, "banking@integradora.example")
	dir := t.TempDir()

	// The sandbox's demo account "123" belongs to another CNPJ: 404.
	run(t, b, chromedp.Navigate(site+"banking/contas/123"))
	waitText(t, b, "main", "Conta não encontrada")

	// Banking API › Cadastrar conta: a bad conta first.
	run(t, b,
		chromedp.Click(chromedp.ID("nav-banking")),
		chromedp.WaitVisible(chromedp.ID("form-conta")),
		chromedp.SendKeys(chromedp.ID("cooperativa"), "0200"),
		chromedp.SendKeys(chromedp.ID("conta"), "12-34"),
		chromedp.SendKeys(chromedp.ID("titular"), "EMPRESA TESTE LTDA"),
		chromedp.Click(chromedp.ID("criar-conta")),
	)
	waitText(t, b, "#problems", "somente dígitos")
	run(t, b,
		chromedp.Clear(chromedp.ID("conta")),
		chromedp.SendKeys(chromedp.ID("conta"), "123456"),
		chromedp.Click(chromedp.ID("criar-conta")),
	)
	waitText(t, b, "#flash", "Conta cadastrada")
	if got := text(t, b, "#conta-id"); got != "0200-123456" {
		t.Fatalf("account id = %q, want 0200-123456", got)
	}
	account := "0200-123456"

	// A certificate that does not chain to brasa's CA is refused.
	selfKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	selfTmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "self-signed"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	selfDER, err := x509.CreateCertificate(rand.Reader, selfTmpl, selfTmpl, selfKey.Public(), selfKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, "self.crt"), "CERTIFICATE", selfDER)
	run(t, b,
		chromedp.SetUploadFiles(chromedp.ID("cert-arquivo"), []string{filepath.Join(dir, "self.crt")}),
		chromedp.Click(chromedp.ID("registrar-certificado")),
	)
	waitText(t, b, "#problems", "não pertence à cadeia do ambiente")

	// Emitir certificado a partir de um CSR: the key stays here.
	key1, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "banking-app-1"}}, key1)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, "client.csr"), "CERTIFICATE REQUEST", csrDER)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key1)
	keyPath := filepath.Join(dir, "client.key")
	writePEM(t, keyPath, "PRIVATE KEY", keyDER)
	run(t, b,
		chromedp.SetUploadFiles(chromedp.ID("csr-arquivo"), []string{filepath.Join(dir, "client.csr")}),
		chromedp.Click(chromedp.ID("emitir-certificado")),
	)
	waitText(t, b, "#flash", "Certificado emitido")
	certPath := download(t, b, chromedp.Click(chromedp.CSS("#certificados tbody tr a.download")))
	chainPath := download(t, b, chromedp.Click(chromedp.ID("baixar-cadeia")))
	cert1, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		t.Fatalf("the downloaded certificate does not match the CSR's key: %v", err)
	}
	thumb1 := pki.Thumbprint(mustLeaf(t, cert1))

	// Criar credencial: a bad allowlist first, with a clear message.
	run(t, b,
		chromedp.SetValue(chromedp.ID("cidrs"), "127.0.0.1/33\nlocalhost"),
		chromedp.Click(chromedp.ID("criar-credencial")),
	)
	problems := waitText(t, b, "#problems", `"127.0.0.1/33" não é um endereço IP nem um CIDR válido`)
	if !strings.Contains(problems, `"localhost"`) {
		t.Errorf("problems %q do not name every bad entry", problems)
	}
	run(t, b,
		chromedp.SetValue(chromedp.ID("cidrs"), "127.0.0.0/8\n10.1.2.3"),
		chromedp.Click(chromedp.ID("criar-credencial")),
	)
	waitText(t, b, "#credencial", "client_secret")
	clientID, secret := text(t, b, "#client-id"), text(t, b, "#client-secret")
	if got := text(t, b, "#thumbprint"); got != thumb1 {
		t.Errorf("credential bound to %q, want %q", got, thumb1)
	}
	if got := text(t, b, "#cidrs"); got != "10.1.2.3/32 127.0.0.0/8" {
		t.Errorf("credential allowlist %q", got)
	}

	// The secret is shown once: the account page lists the client_id, the
	// bound certificate and the allowlist, never the secret.
	run(t, b, chromedp.Click(chromedp.ID("voltar")))
	waitText(t, b, "#credenciais", clientID)
	page, err := chromedp.Run(b.Ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page, secret) {
		t.Fatal("the account page shows the client_secret")
	}
	cred := `#credenciais section[data-client-id="` + clientID + `"]`
	if got := text(t, b, cred+" .vinculados"); !strings.Contains(got, thumb1) || !strings.Contains(got, "CN=banking-app-1") {
		t.Errorf("bound certificates %q lack %s and its subject", got, thumb1)
	}

	// token-v2 with exactly the downloaded files, from 127.0.0.1.
	status, body := bankingToken(t, h, cert1, clientID, secret)
	if status != http.StatusOK {
		t.Fatalf("token-v2: %d %s", status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 {
		t.Fatalf("token-v2 body %s: %v", body, err)
	}
	req, _ := http.NewRequest("GET", h.APIURL()+"/public/gw_banking/v1/accounts/"+account+"/balance", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, body := apptest.Do(t, h.Client(&cert1), req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"accountId":"`+account+`"`) {
		t.Fatalf("balance: %d %s", resp.StatusCode, body)
	}
	// And with curl, as the seed shows it, when curl is installed.
	if _, err := exec.LookPath("curl"); err == nil {
		out, err := exec.Command("curl", "-sS", "--fail-with-body", "-X", "POST", "--cert", certPath, "--key", keyPath, "--cacert", chainPath,
			"-H", "Content-Type: application/json",
			"-d", `{"client_id":"`+clientID+`","client_secret":"`+secret+`","grant_type":"client_credentials"}`,
			h.APIURL()+"/public/gw_banking/v1/auth/token-v2").CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"token_type":"Bearer"`) {
			t.Fatalf("curl token-v2: %v\n%s", err, out)
		}
	}

	// An allowlist that excludes 127.0.0.1: 403 Forbidden (seed 002's
	// troubleshooting). A bad entry first.
	run(t, b,
		chromedp.SetValue(chromedp.CSS(cred+" form.ips textarea"), "203.0.113.0/24\n300.1.1.1"),
		chromedp.Click(chromedp.CSS(cred+" button.salvar-ips")),
	)
	waitText(t, b, "#problems", `"300.1.1.1" não é um endereço IP`)
	run(t, b,
		chromedp.SetValue(chromedp.CSS(cred+" form.ips textarea"), "203.0.113.0/24"),
		chromedp.Click(chromedp.CSS(cred+" button.salvar-ips")),
	)
	waitText(t, b, "#flash", "IPs permitidos atualizados")
	if got := text(t, b, cred+" .cidrs"); got != "203.0.113.0/24" {
		t.Errorf("allowlist shown as %q", got)
	}
	if status, body := bankingToken(t, h, cert1, clientID, secret); status != http.StatusForbidden || !strings.Contains(string(body), "Forbidden") {
		t.Fatalf("token-v2 from outside the allowlist: %d %s, want 403 Forbidden", status, body)
	}
	run(t, b,
		chromedp.SetValue(chromedp.CSS(cred+" form.ips textarea"), "127.0.0.1"),
		chromedp.Click(chromedp.CSS(cred+" button.salvar-ips")),
	)
	waitText(t, b, cred+" .cidrs", "127.0.0.1/32")
	if status, body := bankingToken(t, h, cert1, clientID, secret); status != http.StatusOK {
		t.Fatalf("token-v2 after allowing 127.0.0.1 again: %d %s", status, body)
	}

	// Rotation: register a second certificate (PEM issued by brasa's CA),
	// bind it; a third is refused; unbind the first.
	cert2 := h.IssueClientCertificate("banking-app-2", 24*time.Hour)
	writePEM(t, filepath.Join(dir, "second.crt"), "CERTIFICATE", cert2.Leaf.Raw)
	cert3 := h.IssueClientCertificate("banking-app-3", 24*time.Hour)
	writePEM(t, filepath.Join(dir, "third.crt"), "CERTIFICATE", cert3.Leaf.Raw)
	thumb2, thumb3 := pki.Thumbprint(cert2.Leaf), pki.Thumbprint(cert3.Leaf)
	for f, thumb := range map[string]string{"second.crt": thumb2, "third.crt": thumb3} {
		run(t, b,
			chromedp.SetUploadFiles(chromedp.ID("cert-arquivo"), []string{filepath.Join(dir, f)}),
			chromedp.Click(chromedp.ID("registrar-certificado")),
		)
		waitText(t, b, `#certificados tr[data-thumbprint="`+thumb+`"] .status`, "ACTIVE")
	}
	run(t, b,
		chromedp.SetValue(chromedp.CSS(cred+" form.vincular select"), thumb2),
		chromedp.Click(chromedp.CSS(cred+" button.vincular")),
	)
	waitText(t, b, "#flash", "Certificado vinculado")
	waitText(t, b, cred+" .vinculados", thumb2)
	if status, body := bankingToken(t, h, cert2, clientID, secret); status != http.StatusOK {
		t.Fatalf("token-v2 with the second certificate: %d %s", status, body)
	}
	run(t, b,
		chromedp.SetValue(chromedp.CSS(cred+" form.vincular select"), thumb3),
		chromedp.Click(chromedp.CSS(cred+" button.vincular")),
	)
	waitText(t, b, "#problems", "já tem 2 certificados ativos")
	run(t, b, chromedp.Click(chromedp.CSS(cred+` li[data-thumbprint="`+thumb1+`"] button.desvincular`)))
	waitText(t, b, "#flash", "Certificado desvinculado")
	if status, body := bankingToken(t, h, cert1, clientID, secret); status != http.StatusUnauthorized || !strings.Contains(string(body), "Invalid Client Certificate") {
		t.Fatalf("token-v2 with the unbound certificate: %d %s, want 401 Invalid Client Certificate", status, body)
	}

	// Revoke: 401 Invalid Credentials.
	run(t, b, chromedp.Click(chromedp.CSS(cred+" button.revogar")))
	waitText(t, b, "#flash", "Credencial revogada")
	if got := text(t, b, cred+" .status"); got != "REVOKED" {
		t.Errorf("revoked credential shows status %q", got)
	}
	if status, body := bankingToken(t, h, cert2, clientID, secret); status != http.StatusUnauthorized || !strings.Contains(string(body), "Invalid Credentials") {
		t.Fatalf("token-v2 after revocation: %d %s, want 401 Invalid Credentials", status, body)
	}

	// Another developer, without a chamado for this CNPJ, gets 404 for the
	// account and its certificates.
	other := browsertest.New(t, browsertest.Options{Trust: []*x509.Certificate{h.App.CA.Intermediate, h.App.CA.Root}})
	run(t, other,
		chromedp.Navigate(site),
		chromedp.Click(chromedp.ID("nav-criar-conta")),
		chromedp.WaitVisible(chromedp.ID("criar")),
		chromedp.SendKeys(chromedp.ID("nome"), "Outra Pessoa"),
		chromedp.SendKeys(chromedp.ID("email"), "outra@example.com"),
		chromedp.SendKeys(chromedp.ID("senha"), "outra senha bem longa"),
		chromedp.Click(chromedp.ID("criar")),
		chromedp.WaitVisible(chromedp.ID("idAdesao")),
		chromedp.Navigate(site+"banking/contas/"+account),
	)
	waitText(t, other, "main", "Conta não encontrada")
	run(t, other, chromedp.Navigate(site+"banking"))
	waitText(t, other, "#sem-acesso", "chamado APROVADO")
}

func mustLeaf(t *testing.T, c tls.Certificate) *x509.Certificate {
	t.Helper()
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf
}
