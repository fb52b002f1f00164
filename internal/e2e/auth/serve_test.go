package auth_test

import (
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestServeMode boots production mode: no demo data, no /sandbox routes, the
// operations endpoints up, and a credential provisioned by the operator works.
func TestServeMode(t *testing.T) {
	t.Parallel()
	a, dir := apptest.BootServe(t)
	ctx := t.Context()

	if a.Sandbox != nil {
		t.Error("serve mode wrote a sandbox")
	}
	if _, err := a.Store.Recebedor(ctx, "12345678000195"); !errs.Is(err, errs.ENotFound) {
		t.Errorf("serve mode created demo data (err = %v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sandbox.json")); err == nil {
		t.Error("serve mode wrote sandbox.json")
	}

	// The operator provisions a tenant certificate and credential.
	clientKey, _ := pki.GenerateKey(rand.Reader, pki.ECDSAP256)
	cert, err := a.CA.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: "integrador"}, PublicKey: clientKey.Public()})
	if err != nil {
		t.Fatal(err)
	}
	secret := oauth.NewSecret()
	if err := a.Store.CreateCredential(ctx, &oauth.Credential{ClientID: "prod-client", SecretHash: a.Hasher.Hash(secret), Kind: oauth.KindPix,
		Owner: "11222333000181", Scopes: []string{"cob.read"}, Thumbprints: []string{pki.Thumbprint(cert)}, Status: oauth.CredentialActive, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	roots := a.CA.Pool()
	c, err := pixapi.New("https://"+a.APIAddr().String(), pixapi.WithRootCAs(roots),
		pixapi.WithCertificate(apptest.TLSCert(cert, clientKey, a.CA)), pixapi.WithCredentials("prod-client", secret))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Token(ctx)
	if err != nil || tok.Scope != "cob.read" {
		t.Fatalf("token: %+v, %v", tok, err)
	}

	hc := c.HTTPClient()
	get := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", "https://"+a.APIAddr().String()+path, nil)
		resp, body := apptest.Do(t, hc, req)
		return resp.StatusCode, string(body)
	}
	if st, body := get("/sandbox/v1/clock"); st != 404 || !strings.Contains(body, "NaoEncontrado") {
		t.Errorf("/sandbox in serve mode: %d %s", st, body)
	}
	if st, _ := get("/healthz"); st != 200 {
		t.Errorf("/healthz: %d", st)
	}
	if st, _ := get("/readyz"); st != 200 {
		t.Errorf("/readyz: %d", st)
	}
	if st, body := get("/metrics"); st != 200 || !strings.Contains(body, `brasa_oauth_tokens_issued_total{surface="pix"} 1`) ||
		!strings.Contains(body, `brasa_http_requests_total{code="200",route="POST /oauth/token",surface="api"} 1`) {
		t.Errorf("/metrics: %d\n%.2000s", st, body)
	}
}

func TestSandboxClockAPI(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := h.Client(nil)
	post := func(token, body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", h.APIURL()+"/sandbox/v1/clock", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, b := apptest.Do(t, c, req)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	if st, _ := post("", `{"advance":"48h"}`); st != 401 {
		t.Errorf("without the admin token: %d", st)
	}
	if st, _ := post("wrong", `{"advance":"48h"}`); st != 401 {
		t.Errorf("with a wrong admin token: %d", st)
	}
	if st, m := post(h.Sandbox.AdminToken, `{"advance":"-1h"}`); st != 400 || m["violacoes"] == nil {
		t.Errorf("negative advance: %d %v", st, m)
	}
	before := h.App.Clock.Now()
	st, m := post(h.Sandbox.AdminToken, `{"advance":"48h"}`)
	if st != 200 || m["offset"] != "48h0m0s" {
		t.Fatalf("advance: %d %v", st, m)
	}
	if d := h.App.Clock.Now().Sub(before); d < 48*time.Hour || d > 49*time.Hour {
		t.Errorf("the app clock moved %v, want 48h", d)
	}
}

// TestCurlQuickstart runs the issue's curl command verbatim against the files
// of sandbox.json and checks the token's cnf against openssl's thumbprint.
func TestCurlQuickstart(t *testing.T) {
	t.Parallel()
	curl, err1 := exec.LookPath("curl")
	openssl, err2 := exec.LookPath("openssl")
	if err1 != nil || err2 != nil {
		t.Skip("curl and openssl are needed for this test (apt-get install curl openssl)")
	}
	h := apptest.Boot(t, apptest.Options{})
	sb := h.Sandbox
	out, err := exec.Command(curl, "-sS", "--cacert", sb.CAFile, "--cert", sb.Pix.CertFile, "--key", sb.Pix.KeyFile,
		"-u", sb.Pix.ClientID+":"+sb.Pix.ClientSecret, "-d", "grant_type=client_credentials", "-d", "scope=cob.read+cob.write",
		sb.APIURL+"/oauth/token").CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	var tok pixapi.Token
	if err := json.Unmarshal(out, &tok); err != nil || tok.Scope != "cob.read cob.write" {
		t.Fatalf("curl got %s", out)
	}
	der, err := exec.Command(openssl, "x509", "-in", sb.Pix.CertFile, "-outform", "der").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(openssl, "dgst", "-sha256", "-binary")
	cmd.Stdin = strings.NewReader(string(der))
	sum, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	cnf, _ := jwtClaims(t, tok.AccessToken)["cnf"].(map[string]any)
	if got, want := cnf["x5t#S256"], base64.RawURLEncoding.EncodeToString(sum); got != want {
		t.Errorf("cnf.x5t#S256 = %v, openssl says %v", got, want)
	}

	// And the 403 page without a certificate, through curl too.
	out, _ = exec.Command(curl, "-sS", "-o", "/dev/stdout", "-w", "\n%{http_code}", "--cacert", sb.CAFile,
		"-u", sb.Pix.ClientID+":"+sb.Pix.ClientSecret, "-d", "grant_type=client_credentials", sb.APIURL+"/oauth/token").CombinedOutput()
	if !strings.HasSuffix(strings.TrimSpace(string(out)), "403") || !strings.Contains(string(out), "Access Denied") {
		t.Errorf("curl without a certificate: %s", out)
	}
}
