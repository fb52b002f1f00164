package portal_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/browsertest"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/portal"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/chromedp/chromedp"
)

// portalCNPJ is the associado of the portal tests: a valid CNPJ that is not
// the demo tenant's, so the portal must create its recebedor.
const portalCNPJ = "11222333000181"

// portalBrowser boots brasa and a headless Chromium that trusts brasa's CA.
//
// CSRs wait 6 s before the CA signs them (2 s by default), so that a page
// the browser shows right after registering one still finds it
// EM_PROCESSAMENTO on a loaded machine.
func portalBrowser(t *testing.T) (*apptest.Harness, *browsertest.Browser, string) {
	t.Helper()
	h := apptest.Boot(t, apptest.Options{Configure: func(c *config.Config) { c.CSRSigningDelay = config.Duration(6 * time.Second) }})
	b := browsertest.New(t, browsertest.Options{Trust: []*x509.Certificate{h.App.CA.Intermediate, h.App.CA.Root}})
	return h, b, strings.TrimSuffix(h.Sandbox.WebURL, "/") + "/portal/"
}

// run runs chromedp steps or fails t.
func run(t *testing.T, b *browsertest.Browser, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// text returns the text of the first element matching css.
//
// It reads the element in one script evaluation, and tries again for a few
// seconds while the page is still being replaced (a redirect after a form
// post): a node found by one DevTools call can be gone by the next, which a
// loaded machine makes likely.
func text(t *testing.T, b *browsertest.Browser, css string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := chromedp.Run(b.Ctx, chromedp.Evaluate[*string](`(e => e ? e.innerText : null)(document.querySelector(`+jsString(css)+`))`))
		if err == nil && s != nil {
			return strings.TrimSpace(*s)
		}
		if time.Now().After(deadline) {
			t.Fatalf("text of %s: no such element (err %v)", css, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// count returns how many elements match css on the current page.
func count(t *testing.T, b *browsertest.Browser, css string) int {
	t.Helper()
	n, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int]("document.querySelectorAll("+jsString(css)+").length"))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// signUpAndOpenChamado creates a developer account and opens the "Acesso à
// API Pix" chamado for portalCNPJ, in the browser.
func signUpAndOpenChamado(t *testing.T, b *browsertest.Browser, site, email string) {
	t.Helper()
	run(t, b,
		chromedp.Navigate(site),
		chromedp.Click(chromedp.ID("nav-criar-conta")),
		chromedp.WaitVisible(chromedp.ID("criar")),
		chromedp.SendKeys(chromedp.ID("nome"), "Técnica Integradora"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("senha"), "uma senha bem longa"),
		chromedp.Click(chromedp.ID("criar")),
		// Sign-up logs in and leads to "Abrir Chamado".
		chromedp.WaitVisible(chromedp.ID("idAdesao")),
		chromedp.SendKeys(chromedp.ID("cnpj"), "11.222.333/0001-81"),
		chromedp.SendKeys(chromedp.ID("idAdesao"), "DEM-2026-0042"),
		chromedp.Click(chromedp.ID("enviar")),
		chromedp.WaitVisible(chromedp.ID("chamados")),
	)
	if got := text(t, b, "#chamados tbody tr .status"); got != "APROVADO" {
		t.Fatalf("chamado status = %q, want APROVADO (the sandbox approves at once)", got)
	}
}

// openMenu opens the (⋮) menu of the first file row of tipo and clicks the
// link matching css inside it.
func menuLink(tipo, css string) chromedp.Action[chromedp.Void] {
	row := `#arquivos tr[data-tipo="` + tipo + `"]`
	return chromedp.Steps(
		// Open the menu unless an earlier click left it open.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(d => d.open || (d.querySelector("summary").click(), true))(document.querySelector(`+jsString(row+" details")+`))`)(ctx, tg)
			return err
		}),
		chromedp.Click(chromedp.CSS(row+" "+css)),
	)
}

// TestPortalJourney is issue 5's "done when": in a real browser a new
// developer goes from sign-up to a downloaded certificate and a credential,
// then gets a token and creates a charge over mTLS using exactly the
// downloaded files; openssl confirms the key decrypts with the passphrase,
// matches the certificate, and the chain verifies to the brasa root.
func TestPortalJourney(t *testing.T) {
	h, b, site := portalBrowser(t)
	signUpAndOpenChamado(t, b, site, "tecnica@integradora.example")

	// APIs › Certificados e Credenciais: the account has no files yet.
	run(t, b,
		chromedp.Navigate(site+"certificados"),
		chromedp.SendKeys(chromedp.ID("cooperativa"), "0200"),
		chromedp.SendKeys(chromedp.ID("conta"), "123456"),
		chromedp.Click(chromedp.ID("buscar")),
		chromedp.WaitVisible(chromedp.ID("problems")),
	)
	if got := text(t, b, "#problems"); !strings.Contains(got, "Nenhum arquivo registrado") {
		t.Fatalf("empty account says %q", got)
	}
	// The webhook certificate callbacks present (webhook-sicredi.cer's
	// counterpart): brasa's own, issued by its CA.
	whPath := download(t, b, chromedp.Click(chromedp.ID("download-webhook")))
	whPEM, err := os.ReadFile(whPath)
	if err != nil {
		t.Fatal(err)
	}
	whCerts, err := pki.ParseCertificates(whPEM)
	if err != nil || len(whCerts) == 0 || whCerts[0].Subject.CommonName != app.WebhookClientCN ||
		!bytes.Equal(whCerts[0].Raw, h.App.WebhookCert.Leaf.Raw) {
		t.Fatalf("downloaded webhook certificate: %v %+v", err, whCerts)
	}

	// Registrar Novo CSR: a bad form first, then a good one.
	const frase = "frase de seguranca 123"
	run(t, b,
		chromedp.Click(chromedp.ID("registrar-csr")),
		chromedp.WaitVisible(chromedp.ID("form-gerar")),
		chromedp.SendKeys(chromedp.ID("documento"), portalCNPJ),
		chromedp.SendKeys(chromedp.ID("nomeArquivo"), "APLICACAO"),
		chromedp.SendKeys(chromedp.ID("frase"), frase),
		chromedp.SendKeys(chromedp.ID("nomeComum"), "Empresa Teste!"),
		chromedp.Click(chromedp.ID("registrar")),
		chromedp.WaitVisible(chromedp.ID("problems")),
	)
	problems := text(t, b, "#problems")
	if !strings.Contains(problems, "nome comum vira api-parceiros") {
		t.Errorf("problems %q do not explain the nome comum", problems)
	}
	run(t, b,
		chromedp.Clear(chromedp.ID("nomeComum")),
		chromedp.SendKeys(chromedp.ID("nomeComum"), "empresateste"),
		chromedp.SendKeys(chromedp.ID("frase"), frase),
		chromedp.SendKeys(chromedp.ID("email"), "ti@empresateste.example"),
		chromedp.Click(chromedp.ID("registrar")),
		chromedp.WaitVisible(chromedp.ID("criado")),
	)
	if got := text(t, b, "#criado"); !strings.Contains(got, "APLICACAO.csr criado com sucesso") {
		t.Fatalf("success page says %q", got)
	}
	csrPath := download(t, b, chromedp.Click(chromedp.ID("baixar-csr")))
	keyPath := download(t, b, chromedp.Click(chromedp.ID("baixar-chave")))
	plainKeyPath := download(t, b, chromedp.Click(chromedp.ID("baixar-chave-sem-senha")))

	// Back to the list: EM_PROCESSAMENTO until the CA signs, then OK with
	// the validated certificate and the chain.
	run(t, b, chromedp.Click(chromedp.ID("voltar")), chromedp.WaitVisible(chromedp.ID("arquivos")))
	for _, col := range []string{"Nome do Arquivo", "Data de Importação", "Data de Atualização", "Usuário", "Tipo", "Status"} {
		if !strings.Contains(text(t, b, "#arquivos thead"), col) {
			t.Errorf("file list lacks the column %q", col)
		}
	}
	if got := text(t, b, `#arquivos tr[data-tipo="CERTIFICADO_ORIGINAL"] .status`); got != "EM_PROCESSAMENTO" {
		t.Fatalf("new CSR status = %q, want EM_PROCESSAMENTO", got)
	}
	deadline := time.Now().Add(30 * time.Second)
	for count(t, b, `#arquivos tr[data-tipo="CERTIFICADO_VALIDADO"]`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the CSR was not signed within 30 s")
		}
		time.Sleep(500 * time.Millisecond)
		run(t, b, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("arquivos")))
	}
	if got := text(t, b, `#arquivos tr[data-tipo="CERTIFICADO_ORIGINAL"] .status`); got != "OK" {
		t.Fatalf("signed CSR status = %q, want OK", got)
	}
	if got := text(t, b, `#arquivos tr[data-tipo="CERTIFICADO_VALIDADO"] .nome`); got != "APLICACAO.cer" {
		t.Fatalf("validated certificate is named %q", got)
	}
	certPath := download(t, b, menuLink("CERTIFICADO_VALIDADO", "a.download-cer"))
	chainPath := download(t, b, menuLink("CERTIFICADO_CADEIA", "a.download-cadeia"))

	// Gerar nova Credencial: the wrong CPF/CNPJ first.
	run(t, b,
		menuLink("CERTIFICADO_VALIDADO", "a.gerar-credencial"),
		chromedp.WaitVisible(chromedp.ID("documento")),
		chromedp.SendKeys(chromedp.ID("documento"), "12345678000195"),
		chromedp.Click(chromedp.ID("registrar")),
		chromedp.WaitVisible(chromedp.ID("problems")),
	)
	if got := text(t, b, "#problems"); !strings.Contains(got, "não é o do titular") {
		t.Fatalf("wrong CPF/CNPJ says %q", got)
	}
	run(t, b,
		chromedp.Clear(chromedp.ID("documento")),
		chromedp.SendKeys(chromedp.ID("documento"), portalCNPJ),
		chromedp.Click(chromedp.ID("registrar")),
		chromedp.WaitVisible(chromedp.ID("client-secret")),
	)
	clientID, secret, chave := text(t, b, "#client-id"), text(t, b, "#client-secret"), text(t, b, "#chave")
	scopes := text(t, b, "#escopos")
	for _, want := range []string{"cob.write", "cobv.write", "lotecobv.read", "webhook.write", "pix.read"} {
		if !strings.Contains(scopes, want) {
			t.Errorf("credential scopes %q lack %s", scopes, want)
		}
	}

	// The secret is shown once: the certificate page lists the client_id only.
	run(t, b, chromedp.Navigate(site+"certificados?cooperativa=0200&conta=123456"), chromedp.WaitVisible(chromedp.ID("arquivos")),
		menuLink("CERTIFICADO_VALIDADO", "a.visualizar"),
		chromedp.WaitVisible(chromedp.ID("certificado")))
	page, err := chromedp.Run(b.Ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, clientID) || strings.Contains(page, secret) {
		t.Fatal("the certificate page must list the client_id and never the secret")
	}

	checkWithOpenSSL(t, h, frase, csrPath, keyPath, plainKeyPath, certPath, chainPath)

	// A token and a charge, with exactly the downloaded files.
	pair, err := tls.LoadX509KeyPair(certPath, plainKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	chainPEM, err := os.ReadFile(chainPath)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(chainPEM) {
		t.Fatal("the chain file holds no certificate")
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		Certificates: []tls.Certificate{pair}, RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	api := h.APIURL()
	req, _ := http.NewRequest("POST", api+"/oauth/token", strings.NewReader(url.Values{
		"grant_type": {"client_credentials"}, "scope": {"cob.write cob.read"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	resp, body := apptest.Do(t, client, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token body %s: %v", body, err)
	}
	req, _ = http.NewRequest("PUT", api+"/api/v2/cob/portaljourney0000000000000001",
		strings.NewReader(`{"calendario":{"expiracao":3600},"valor":{"original":"12.34"},"chave":"`+chave+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, body = apptest.Do(t, client, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT /cob: %d %s", resp.StatusCode, body)
	}
	var cob struct {
		Status string `json:"status"`
		Chave  string `json:"chave"`
	}
	if err := json.Unmarshal(body, &cob); err != nil || cob.Status != "ATIVA" || cob.Chave != chave {
		t.Fatalf("cob %s: %v", body, err)
	}

	// And with curl, the integrator's tool, when it is installed.
	if _, err := exec.LookPath("curl"); err == nil {
		out, err := exec.Command("curl", "-sS", "--fail-with-body", "--cert", certPath, "--key", plainKeyPath, "--cacert", chainPath,
			"-u", clientID+":"+secret, "-d", "grant_type=client_credentials", "-d", "scope=cob.write+cob.read",
			api+"/oauth/token").CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"access_token"`) {
			t.Fatalf("curl token: %v\n%s", err, out)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(out, &tok); err != nil {
			t.Fatalf("curl token body %s: %v", out, err)
		}
		out, err = exec.Command("curl", "-sS", "--fail-with-body", "--cert", certPath, "--key", plainKeyPath, "--cacert", chainPath,
			"-X", "PUT", "-H", "Authorization: Bearer "+tok.AccessToken, "-H", "Content-Type: application/json",
			"-d", `{"calendario":{"expiracao":3600},"valor":{"original":"5.00"},"chave":"`+chave+`"}`,
			api+"/api/v2/cob/portaljourneycurl00000000000001").CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"status":"ATIVA"`) {
			t.Fatalf("curl PUT /cob: %v\n%s", err, out)
		}
	}
}

// download runs click, which must download a file, and returns its path.
func download(t *testing.T, b *browsertest.Browser, click chromedp.Action[chromedp.Void]) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	type result struct {
		path string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		p, err := b.Download(click)
		ch <- result{p, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("download: %v", r.err)
		}
		return r.path
	case <-ctx.Done():
		t.Fatal("download did not complete within 20 s")
	}
	return ""
}

// checkWithOpenSSL checks the downloaded files with the integrator's tool.
func checkWithOpenSSL(t *testing.T, h *apptest.Harness, frase, csr, key, plainKey, cert, chain string) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("BRASA_REQUIRE_OPENSSL") != "" {
			t.Fatal("openssl not found and BRASA_REQUIRE_OPENSSL is set")
		}
		t.Log("openssl not found in PATH; skipping the OpenSSL checks (apt-get install openssl)")
		return
	}
	openssl := func(args ...string) (string, error) {
		out, err := exec.Command("openssl", args...).CombinedOutput()
		return string(out), err
	}
	mustOpenSSL := func(args ...string) string {
		t.Helper()
		out, err := openssl(args...)
		if err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	// The key decrypts with the passphrase, and not without it.
	keyPEM, _ := os.ReadFile(key)
	if !strings.Contains(string(keyPEM), "ENCRYPTED") {
		t.Fatal("the key with passphrase is not encrypted")
	}
	mustOpenSSL("pkey", "-in", key, "-passin", "pass:"+frase, "-noout")
	if out, err := openssl("pkey", "-in", key, "-passin", "pass:wrong passphrase", "-noout"); err == nil {
		t.Fatalf("the key decrypted with a wrong passphrase:\n%s", out)
	}
	// Key and certificate match: same modulus (seed 000 Anexo V).
	certMod := mustOpenSSL("x509", "-modulus", "-noout", "-in", cert)
	if keyMod := mustOpenSSL("rsa", "-modulus", "-noout", "-in", plainKey); keyMod != certMod {
		t.Fatalf("key modulus %q != certificate modulus %q", keyMod, certMod)
	}
	if keyMod := mustOpenSSL("rsa", "-modulus", "-noout", "-in", key, "-passin", "pass:"+frase); keyMod != certMod {
		t.Fatal("the encrypted key is not the certificate's key")
	}
	// The chain verifies to the brasa root (ca.pem, the sandbox's trust anchor).
	if out := mustOpenSSL("verify", "-CAfile", h.Sandbox.CAFile, "-untrusted", chain, cert); !strings.Contains(out, ": OK") {
		t.Fatalf("openssl verify: %s", out)
	}
	if out := mustOpenSSL("verify", "-CAfile", chain, cert); !strings.Contains(out, ": OK") {
		t.Fatalf("openssl verify against the full chain: %s", out)
	}
	// The CSR is signed and carries the Anexo IV subject.
	subj := mustOpenSSL("req", "-in", csr, "-noout", "-verify", "-subject", "-nameopt", "compat")
	for _, want := range []string{"/C=BR/O=Confederacao Interestadual das Cooperativas Ligadas ao Sicredi/CN=api-parceiros-empresateste.sicredi.net/ST=RS/L=Porto Alegre/jurisdictionC=BR/OU=API Pix Sicredi/serialNumber=urn:cpfcnpj:" + portalCNPJ} {
		if !strings.Contains(subj, want) {
			t.Fatalf("CSR subject %q lacks %q", subj, want)
		}
	}
	// The certificate is a client certificate with the CSR's subject.
	certs, err := pki.ParseCertificates(mustRead(t, cert))
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificate file: %v (%d certificates)", err, len(certs))
	}
	if certs[0].Subject.CommonName != "api-parceiros-empresateste.sicredi.net" || len(certs[0].ExtKeyUsage) != 1 || certs[0].ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth {
		t.Fatalf("certificate subject %v, EKU %v", certs[0].Subject, certs[0].ExtKeyUsage)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPortalUploadHandMadeCSR registers CSRs made with OpenSSL as Anexo IV
// says: one with a wrong subject is refused with messages naming each wrong
// attribute, the right one is signed.
func TestPortalUploadHandMadeCSR(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not found in PATH; skipping (apt-get install openssl)")
	}
	_, b, site := portalBrowser(t)
	signUpAndOpenChamado(t, b, site, "maos@integradora.example")
	dir := t.TempDir()
	shell := func(line string) {
		t.Helper()
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
	}
	shell("openssl genrsa -aes256 -passout pass:segredo123 -out CHAVE.key 2048")
	good := "/C=BR/O=Confederacao Interestadual das Cooperativas Ligadas ao Sicredi/CN=api-parceiros-maos.sicredi.net/ST=RS/L=Porto Alegre/jurisdictionCountryName=BR/OU=API Pix Sicredi/serialNumber=urn:cpfcnpj:" + portalCNPJ
	bad := "/C=BR/O=Empresa Qualquer/CN=api-parceiros-Maos.sicredi.net/ST=RS/L=Porto Alegre/OU=API Pix Sicredi/serialNumber=urn:cpfcnpj:12345678000195"
	shell("openssl req -new -key CHAVE.key -passin pass:segredo123 -sha256 -out ERRADA.csr -subj '" + bad + "'")
	shell("openssl req -new -key CHAVE.key -passin pass:segredo123 -sha256 -out REQUISICAO.csr -subj '" + good + "'")

	upload := func(file string) {
		t.Helper()
		run(t, b,
			chromedp.Navigate(site+"certificados/csr/novo?cooperativa=0300&conta=777"),
			chromedp.WaitVisible(chromedp.ID("form-enviar")),
			chromedp.SendKeys(chromedp.ID("up-documento"), portalCNPJ),
			chromedp.SetUploadFiles(chromedp.ID("up-arquivo"), []string{filepath.Join(dir, file)}),
			chromedp.Click(chromedp.ID("enviar-csr")),
		)
	}
	upload("ERRADA.csr")
	run(t, b, chromedp.WaitVisible(chromedp.ID("problems")))
	problems := text(t, b, "#problems")
	for _, want := range []string{"letras minúsculas", "serialNumber traz o CPF/CNPJ \"12345678000195\"",
		"O é \"Empresa Qualquer\"", "Falta o atributo jurisdictionCountryName=BR", "Subject esperado"} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems %q do not mention %q", problems, want)
		}
	}
	upload("REQUISICAO.csr")
	run(t, b, chromedp.WaitVisible(chromedp.ID("criado")))
	if n := count(t, b, "#baixar-chave"); n != 0 {
		t.Fatal("a hand-made CSR must not offer a key download")
	}
	run(t, b, chromedp.Click(chromedp.ID("voltar")), chromedp.WaitVisible(chromedp.ID("arquivos")))
	deadline := time.Now().Add(30 * time.Second)
	for count(t, b, `#arquivos tr[data-tipo="CERTIFICADO_VALIDADO"]`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the uploaded CSR was not signed within 30 s")
		}
		time.Sleep(500 * time.Millisecond)
		run(t, b, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("arquivos")))
	}
	certPath := download(t, b, menuLink("CERTIFICADO_VALIDADO", "a.download-cer"))
	// The certificate is for the key the developer kept.
	cmd := exec.Command("sh", "-c", "openssl x509 -modulus -noout -in '"+certPath+"'; openssl rsa -modulus -noout -in CHAVE.key -passin pass:segredo123")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(lines) != 2 || lines[0] != lines[1] {
		t.Fatalf("modulus check: %v\n%s", err, out)
	}
}

// TestPortalRequiresLoginAndCSRF checks the pages' protections from outside
// a browser: protected pages send to the login, POSTs need the CSRF token,
// cookies are __Host-, HttpOnly, Secure.
func TestPortalRequiresLoginAndCSRF(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := h.Client(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	web := strings.TrimSuffix(h.Sandbox.WebURL, "/")

	resp, _ := apptest.Do(t, c, mustReq(t, "GET", web+"/portal/certificados?cooperativa=0116&conta=471406", ""))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/portal/entrar?next=") {
		t.Fatalf("anonymous GET: %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = apptest.Do(t, c, mustReq(t, "GET", web+"/portal/entrar", ""))
	var csrf *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "__Host-brasa_csrf" {
			csrf = ck
		}
	}
	if csrf == nil || !csrf.HttpOnly || !csrf.Secure {
		t.Fatalf("CSRF cookie %+v", csrf)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP %q", csp)
	}
	// A login POST without the token is refused, even with the cookie.
	req := mustReq(t, "POST", web+"/portal/entrar", "email=a%40b.example&senha=12345678")
	req.AddCookie(csrf)
	resp, body := apptest.Do(t, c, req)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "A página expirou") {
		t.Fatalf("POST without CSRF token: %d %s", resp.StatusCode, body)
	}
	// A cross-site POST is refused by the origin check.
	req = mustReq(t, "POST", web+"/portal/entrar", "email=a%40b.example&senha=12345678")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, _ = apptest.Do(t, c, req)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", resp.StatusCode)
	}
}

func mustReq(t *testing.T, method, u, form string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// TestPortalTwoInstancesOnPostgres runs the signing workers of two instances
// on one PostgreSQL database: every CSR registered on one is signed exactly
// once, and the other serves the result.
func TestPortalTwoInstancesOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	sameKey := func(c *config.Config) { c.MasterKeyHex = strings.Repeat("6b", 32) }
	a := apptest.Boot(t, apptest.Options{DB: dsn, Configure: sameKey})
	b := apptest.Boot(t, apptest.Options{DB: dsn, Configure: sameKey})
	ctx := context.Background()
	dev, err := a.App.Portal.SignUp(ctx, "Dev", "pg@example.com", "senha comprida")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.App.Portal.OpenChamado(ctx, dev, portal.TipoAcessoAPIPix, portalCNPJ, "PG-1"); err != nil {
		t.Fatal(err)
	}
	const n = 6
	for i := range n {
		req := portal.CSRRequest{Documento: portalCNPJ, Cooperativa: "0116", Conta: "8080", NomeArquivo: fmt.Sprintf("APP%d", i),
			Frase: "frase secreta", NomeComum: "pg"}
		if _, err := a.App.Portal.RegisterCSR(ctx, dev, req); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, files, err := b.App.Portal.Files(ctx, dev, "0116", "8080")
		if err != nil {
			t.Fatal(err)
		}
		counts := map[portal.FileTipo]int{}
		pending := 0
		for _, f := range files {
			counts[f.Tipo]++
			if f.Status == portal.StatusEmProcessamento {
				pending++
			}
		}
		if pending == 0 {
			if counts[portal.TipoOriginal] != n || counts[portal.TipoValidado] != n || counts[portal.TipoCadeia] != n {
				t.Fatalf("files by type %v, want %d of each", counts, n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d CSRs still pending after 30 s", pending)
		}
		time.Sleep(200 * time.Millisecond)
	}
	certs, err := b.App.Store.Certificates(ctx, portalCNPJ, pki.CertClient)
	if err != nil || len(certs) != n {
		t.Fatalf("%d certificates stored (%v), want %d", len(certs), err, n)
	}
}
