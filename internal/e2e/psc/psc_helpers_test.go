package psc_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pki/cms/cmstest"
	"github.com/brasa-dev/brasa/internal/sandbox"
)

// pscEnv is a booted sandbox and an HTTPS client without a certificate (PSC
// integrators use none).
type pscEnv struct {
	t  *testing.T
	h  *apptest.Harness
	c  *http.Client
	sb sandbox.SandboxPSC
}

func bootPSC(t *testing.T, o apptest.Options) *pscEnv {
	t.Helper()
	h := apptest.Boot(t, o)
	var sb sandbox.SandboxPSC
	if err := json.Unmarshal(h.Sandbox.PSC, &sb); err != nil || sb.ClientID == "" {
		t.Fatalf("sandbox.json psc block: %s (%v)", h.Sandbox.PSC, err)
	}
	c := h.Client(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &pscEnv{t: t, h: h, c: c, sb: sb}
}

// call sends a request to the API listener and returns status, body and
// headers.
func (e *pscEnv) call(method, path, contentType string, body []byte, hdr ...string) (int, []byte, http.Header) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.h.APIURL()+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, b := apptest.Do(e.t, e.c, req)
	return resp.StatusCode, b, resp.Header
}

func (e *pscEnv) postJSON(path string, v any, hdr ...string) (int, []byte, http.Header) {
	e.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.call("POST", path, "application/json", b, hdr...)
}

func (e *pscEnv) postForm(path string, v url.Values) (int, []byte, http.Header) {
	e.t.Helper()
	return e.call("POST", path, "application/x-www-form-urlencoded", []byte(v.Encode()))
}

// wantOAuthError checks an OAuth-style error body.
func wantOAuthError(t *testing.T, what string, status int, body []byte, wantStatus int, wantCode string) {
	t.Helper()
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(body, &e); err != nil || status != wantStatus || e.Error != wantCode || e.Description == "" {
		t.Fatalf("%s: got %d %s, want %d with error %q and a description", what, status, body, wantStatus, wantCode)
	}
}

// pkce returns a verifier and its S256 challenge.
func pkce() (verifier, challenge string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery builds the authorize query.
func (e *pscEnv) authorizeQuery(challenge, scope, hint, lifetime, redirect string) string {
	q := url.Values{"client_id": {e.sb.ClientID}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
		"response_type": {"code"}, "redirect_uri": {redirect}}
	for k, v := range map[string]string{"scope": scope, "login_hint": hint, "lifetime": lifetime} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return "/v0/oauth/authorize?" + q.Encode()
}

// approve calls the sandbox approvals endpoint.
func (e *pscEnv) approve(hint string, approve bool) (int, []byte) {
	e.t.Helper()
	st, b, _ := e.postJSON("/sandbox/v1/psc/approvals", map[string]any{"login_hint": hint, "approve": approve}, "Authorization", "Bearer "+e.h.Sandbox.AdminToken)
	return st, b
}

type pscToken struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	AuthorizedID string `json:"authorized_identification"`
	AuthorizedTy string `json:"authorized_identification_type"`
}

// pushToken runs the push flow for hint and returns the token.
func (e *pscEnv) pushToken(scope, hint, lifetime string) pscToken {
	e.t.Helper()
	verifier, challenge := pkce()
	st, body, _ := e.call("GET", e.authorizeQuery(challenge, scope, hint, lifetime, "push://"), "", nil)
	if st != 200 || !strings.HasPrefix(string(body), "code=") {
		e.t.Fatalf("authorize push: %d %s", st, body)
	}
	code := strings.TrimPrefix(string(body), "code=")
	if st, b := e.approve(hint, true); st != 200 {
		e.t.Fatalf("approve: %d %s", st, b)
	}
	st, body, _ = e.call("GET", "/valid/api/v1/trusted-services/authentications?code="+url.QueryEscape(code), "", nil)
	if st != 200 {
		e.t.Fatalf("authentications: %d %s", st, body)
	}
	var auth struct {
		AuthorizationToken string `json:"authorizationToken"`
		RedirectURL        string `json:"redirectUrl"`
	}
	if err := json.Unmarshal(body, &auth); err != nil || auth.AuthorizationToken == "" {
		e.t.Fatalf("authentications body: %s", body)
	}
	st, body, _ = e.postForm("/v0/oauth/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sb.ClientID},
		"client_secret": {e.sb.ClientSecret}, "code": {auth.AuthorizationToken}, "code_verifier": {verifier}})
	var tok pscToken
	if err := json.Unmarshal(body, &tok); st != 200 || err != nil || tok.AccessToken == "" {
		e.t.Fatalf("token: %d %s", st, body)
	}
	return tok
}

type pscSignature struct {
	ID      string `json:"id"`
	Raw     string `json:"raw_signature"`
	File    string `json:"file_base64_signed"`
	rawDER  []byte
	fileRaw []byte
}

// sign posts hashes with token and decodes the answer.
func (e *pscEnv) sign(token string, body any) (int, []byte, string, []pscSignature) {
	e.t.Helper()
	st, b, _ := e.postJSON("/v0/oauth/signature", body, "Authorization", "Bearer "+token)
	if st != 200 {
		return st, b, "", nil
	}
	var res struct {
		Alias      string         `json:"certificate_alias"`
		Signatures []pscSignature `json:"signatures"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		e.t.Fatalf("signature body: %v: %.300s", err, b)
	}
	for i := range res.Signatures {
		s := &res.Signatures[i]
		var err error
		if s.rawDER, err = base64.StdEncoding.DecodeString(s.Raw); err != nil {
			e.t.Fatal(err)
		}
		if s.fileRaw, err = base64.StdEncoding.DecodeString(s.File); err != nil {
			e.t.Fatal(err)
		}
	}
	return st, b, res.Alias, res.Signatures
}

// holderCert fetches the token holder's certificate by certificate-discovery.
func (e *pscEnv) holderCert(token, alias string) *x509.Certificate {
	e.t.Helper()
	st, body, _ := e.call("GET", "/v0/oauth/certificate-discovery?certificate_alias="+url.QueryEscape(alias), "", nil, "Authorization", "Bearer "+token)
	var res struct {
		Status       string `json:"status"`
		Certificates []struct {
			Alias       string `json:"alias"`
			Certificate string `json:"certificate"`
		} `json:"certificates"`
	}
	if err := json.Unmarshal(body, &res); st != 200 || err != nil || res.Status != "S" || len(res.Certificates) != 1 || res.Certificates[0].Alias != alias {
		e.t.Fatalf("certificate-discovery: %d %s", st, body)
	}
	if !strings.Contains(res.Certificates[0].Certificate, "\r\n") {
		e.t.Fatalf("certificate PEM without \\r\\n line ends: %q", res.Certificates[0].Certificate)
	}
	blk, _ := pem.Decode([]byte(res.Certificates[0].Certificate))
	if blk == nil {
		e.t.Fatal("certificate-discovery: no PEM")
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		e.t.Fatal(err)
	}
	return cert
}

// openssl runs openssl with args and reports whether it succeeded.
func openssl(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	out, err := exec.Command("openssl", args...).CombinedOutput()
	return string(out), err == nil
}

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed (apt-get install openssl)")
	}
}

// writeTemp writes data to a file in dir.
func writeTemp(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// pubPEM returns cert's public key in PEM.
func pubPEM(t *testing.T, cert *x509.Certificate) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(cert.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// sleepToNextSecond waits until just after a second starts (for window
// counters).
func sleepToNextSecond() {
	now := time.Now()
	time.Sleep(now.Truncate(time.Second).Add(time.Second + 20*time.Millisecond).Sub(now))
}

func mustGet(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func x509ParseCRL(der []byte) (*x509.RevocationList, error) { return x509.ParseRevocationList(der) }

// pdfCMS extracts and parses the CMS of the last signature of a PDF.
func pdfCMS(t *testing.T, pdf []byte) *cmstest.Info {
	t.Helper()
	i := bytes.LastIndex(pdf, []byte("/Contents<"))
	if i < 0 {
		t.Fatal("no /Contents in the signed PDF")
	}
	j := bytes.IndexByte(pdf[i:], '>')
	der, err := hex.DecodeString(string(pdf[i+len("/Contents<") : i+j]))
	if err != nil {
		t.Fatal(err)
	}
	var raw asn1.RawValue
	if _, err := asn1.Unmarshal(der, &raw); err != nil { // trailing zero padding is ignored
		t.Fatal(err)
	}
	return cmstest.MustParse(t, raw.FullBytes)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
