package psc_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/api/pschttp"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pki/cms/cmstest"
)

// Issue 16, "Fidelity sweep": the PSC items.

// TestFidelityPSCBatchOf20Documents (item 15): the seed allows 20 documents
// of up to 7 MB in one signature request, so two 5 MB PDFs (13.3 MiB of
// base64, over the old 12 MiB limit) are signed in one request; a body over
// the new limit (20 documents of 7 MB in base64, plus their JSON) is still
// refused with 413. A full 198 MiB body is too slow under -race; the limit
// itself is checked by its announced length.
func TestFidelityPSCBatchOf20Documents(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	tok := e.pushToken("multi_signature", e.sb.HolderCPF, "")
	pdf := cmstest.MinimalPDF(1, false, 5_000_000)
	b64 := base64.StdEncoding.EncodeToString(pdf)
	hashes := []any{
		map[string]any{"id": "a", "alias": "a.pdf", "signature_format": "PAdES_AD_RB", "base64_content": b64},
		map[string]any{"id": "b", "alias": "b.pdf", "signature_format": "PAdES_AD_RB", "base64_content": b64},
	}
	st, body, _, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": hashes})
	if st != 200 || len(sigs) != 2 {
		t.Fatalf("two 5 MB PDFs: %d %.300s", st, body)
	}
	for _, s := range sigs {
		if !bytes.HasPrefix(s.fileRaw, pdf) {
			t.Fatalf("%s: the signed file does not start with the original", s.ID)
		}
	}

	if min := 20 * (7 << 20) * 4 / 3; pschttp.SignatureBodyLimit < min {
		t.Fatalf("SignatureBodyLimit %d < %d (20 documents of 7 MB in base64)", pschttp.SignatureBodyLimit, min)
	}
	tok = e.pushToken("signature_session", e.sb.HolderCPF, "")
	st, body = e.postOversized("/v0/oauth/signature", pschttp.SignatureBodyLimit+1, "Authorization", "Bearer "+tok.AccessToken)
	wantOAuthError(t, "body over the signature limit", st, body, 413, "invalid_request")
	// The other routes keep the listener's limit.
	st, body = e.postOversized("/v0/oauth/application", 13<<20)
	wantOAuthError(t, "13 MiB application body", st, body, 413, "invalid_request")
}

// postOversized posts a JSON body of n bytes (a document of "A"s) generated
// as it is sent, so that no test holds it in memory.
func (e *pscEnv) postOversized(path string, n int64, hdr ...string) (int, []byte) {
	e.t.Helper()
	head, tail := `{"hashes":[{"id":"x","base64_content":"`, `"}]}`
	pad := n - int64(len(head)+len(tail))
	req, err := http.NewRequest("POST", e.h.APIURL()+path,
		io.MultiReader(strings.NewReader(head), io.LimitReader(repeatA{}, pad), strings.NewReader(tail)))
	if err != nil {
		e.t.Fatal(err)
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, b := apptest.Do(e.t, e.c, req)
	return resp.StatusCode, b
}

// repeatA reads as an endless run of 'A'.
type repeatA struct{}

func (repeatA) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'A'
	}
	return len(p), nil
}

// TestFidelityPSCPushRedirectURLNamesTheApplication (item 18): the push
// flow's redirectUrl is push://<the application>?code=…&state=NONE, as the
// seed shows it, not a bare push://?code=….
func TestFidelityPSCPushRedirectURLNamesTheApplication(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	p := e.pushAuthorized("signature_session", e.sb.HolderCPF)
	u, err := url.Parse(p.redirectURL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "push" || u.Host != e.sb.ClientID || u.Query().Get("code") != p.code || u.Query().Get("state") != "NONE" {
		t.Fatalf("redirectUrl %q, want push://%s?code=%s&state=NONE", p.redirectURL, e.sb.ClientID, p.code)
	}
	// The token endpoint takes it (or the bare push://) as redirect_uri.
	st, body, _ := e.postForm("/v0/oauth/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sb.ClientID},
		"client_secret": {e.sb.ClientSecret}, "code": {p.authorizationToken}, "code_verifier": {p.verifier}, "redirect_uri": {p.redirectURL}})
	if st != 200 {
		t.Fatalf("token with the redirectUrl as redirect_uri: %d %s", st, body)
	}
}

// pushAuth is an approved push request.
type pushAuth struct {
	code, verifier, authorizationToken, redirectURL string
}

// pushAuthorized asks for a push authorization for hint, approves it and
// polls once for its authorizationToken.
func (e *pscEnv) pushAuthorized(scope, hint string) pushAuth {
	e.t.Helper()
	var p pushAuth
	var challenge string
	p.verifier, challenge = pkce()
	st, body, _ := e.call("GET", e.authorizeQuery(challenge, scope, hint, "", "push://"), "", nil)
	if st != 200 || !strings.HasPrefix(string(body), "code=") {
		e.t.Fatalf("authorize push: %d %s", st, body)
	}
	p.code = strings.TrimPrefix(string(body), "code=")
	if st, b := e.approve(hint, true); st != 200 {
		e.t.Fatalf("approve: %d %s", st, b)
	}
	st, body, _ = e.call("GET", "/valid/api/v1/trusted-services/authentications?code="+url.QueryEscape(p.code), "", nil)
	var auth struct {
		AuthorizationToken string `json:"authorizationToken"`
		RedirectURL        string `json:"redirectUrl"`
	}
	if err := json.Unmarshal(body, &auth); st != 200 || err != nil || auth.AuthorizationToken == "" {
		e.t.Fatalf("authentications: %d %s", st, body)
	}
	p.authorizationToken, p.redirectURL = auth.AuthorizationToken, auth.RedirectURL
	return p
}

// exchange trades p's authorizationToken at the token endpoint.
func (e *pscEnv) exchange(p pushAuth) (int, []byte, pscToken) {
	e.t.Helper()
	st, body, _ := e.postForm("/v0/oauth/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sb.ClientID},
		"client_secret": {e.sb.ClientSecret}, "code": {p.authorizationToken}, "code_verifier": {p.verifier}})
	var tok pscToken
	if st == 200 {
		if err := json.Unmarshal(body, &tok); err != nil {
			e.t.Fatalf("token body: %s", body)
		}
	}
	return st, body, tok
}

// TestFidelityPSCSessionTokensRevocable (item 17): the seed says a
// signature_session token lasts until it expires or is revoked "pela
// aplicação ou pelo usuário", naming no endpoint. The application revokes
// by RFC 7009 (POST /v0/oauth/revoke), the holder through the sandbox
// control API (POST /sandbox/v1/psc/revocations, the phone app's part), and
// a revoked token is refused at once.
func TestFidelityPSCSessionTokensRevocable(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	revoke := func(clientID, secret, token string) (int, []byte) {
		v := url.Values{"client_id": {clientID}, "client_secret": {secret}, "token_type_hint": {"access_token"}}
		if token != "" {
			v.Set("token", token)
		}
		st, body, _ := e.postForm("/v0/oauth/revoke", v)
		return st, body
	}
	tok := e.pushToken("signature_session", e.sb.HolderCPF, "")
	e.wantSigns(tok.AccessToken, 200)

	// Errors: client authentication, a missing token, another
	// application's token (refused, and the token lives on).
	st, body := revoke(e.sb.ClientID, "wrong", tok.AccessToken)
	wantOAuthError(t, "wrong secret", st, body, 401, "invalid_client")
	st, body = revoke(e.sb.ClientID, e.sb.ClientSecret, "")
	wantOAuthError(t, "no token", st, body, 400, "invalid_request")
	st, body, _ = e.postJSON("/v0/oauth/application", map[string]any{"name": "Outra", "comments": "x", "redirect_uris": []string{"https://outra.example/cb"}, "email": "a@outra.example"})
	var other struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal(body, &other); st != 200 || err != nil {
		t.Fatalf("register: %d %s", st, body)
	}
	st, body = revoke(other.ClientID, other.ClientSecret, tok.AccessToken)
	wantOAuthError(t, "another application's token", st, body, 400, "unauthorized_client")
	e.wantSigns(tok.AccessToken, 200)

	// The application revokes: 200 with no body, the token is refused at
	// once, a second revocation (or of a made-up token) is still 200.
	st, body = revoke(e.sb.ClientID, e.sb.ClientSecret, tok.AccessToken)
	if st != 200 || len(body) != 0 {
		t.Fatalf("revoke: %d %s", st, body)
	}
	e.wantSigns(tok.AccessToken, 401)
	st, body, _ = e.call("GET", "/v0/oauth/certificate-discovery", "", nil, "Authorization", "Bearer "+tok.AccessToken)
	wantOAuthError(t, "certificate-discovery with a revoked token", st, body, 401, "invalid_token")
	for _, token := range []string{tok.AccessToken, "made-up.token"} {
		if st, body := revoke(e.sb.ClientID, e.sb.ClientSecret, token); st != 200 {
			t.Fatalf("revoke %q again: %d %s", token, st, body)
		}
	}

	// The holder revokes: only the application named, then all.
	cpf := e.pushToken("signature_session", e.sb.HolderCPF, "")
	holderRevoke := func(v map[string]any, admin string) (int, []byte) {
		st, body, _ := e.postJSON("/sandbox/v1/psc/revocations", v, "Authorization", "Bearer "+admin)
		return st, body
	}
	if st, _ := holderRevoke(map[string]any{"login_hint": e.sb.HolderCPF}, "wrong"); st != 401 {
		t.Fatalf("revocations without the admin token: %d", st)
	}
	if st, body := holderRevoke(map[string]any{"login_hint": e.sb.HolderCPF, "client_id": other.ClientID}, e.h.Sandbox.AdminToken); st != 200 || string(bytes.TrimSpace(body)) != `{"revoked":0}` {
		t.Fatalf("holder revokes another application's tokens: %d %s", st, body)
	}
	e.wantSigns(cpf.AccessToken, 200)
	if st, body := holderRevoke(map[string]any{"login_hint": e.sb.HolderCPF, "client_id": e.sb.ClientID}, e.h.Sandbox.AdminToken); st != 200 || string(bytes.TrimSpace(body)) != `{"revoked":1}` {
		t.Fatalf("holder revokes: %d %s", st, body)
	}
	e.wantSigns(cpf.AccessToken, 401)
	cnpj := e.pushToken("signature_session", e.sb.HolderCNPJ, "")
	if st, body := holderRevoke(map[string]any{"login_hint": e.sb.HolderCNPJ}, e.h.Sandbox.AdminToken); st != 200 || string(bytes.TrimSpace(body)) != `{"revoked":1}` {
		t.Fatalf("holder revokes all: %d %s", st, body)
	}
	e.wantSigns(cnpj.AccessToken, 401)
	st, body = holderRevoke(map[string]any{"login_hint": "00000000191"}, e.h.Sandbox.AdminToken)
	wantOAuthError(t, "unknown holder", st, body, 404, "not_found")
}

// TestFidelityPSCReusedCodeRevokesItsTokens (item 20): a second exchange of
// an authorization code is refused and revokes the token the first one
// issued (RFC 6749 §4.1.2); tokens from other codes live on.
func TestFidelityPSCReusedCodeRevokesItsTokens(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	bystander := e.pushToken("signature_session", e.sb.HolderCPF, "")
	p := e.pushAuthorized("signature_session", e.sb.HolderCPF)
	st, body, tok := e.exchange(p)
	if st != 200 {
		t.Fatalf("first exchange: %d %s", st, body)
	}
	e.wantSigns(tok.AccessToken, 200)
	st, body, _ = e.exchange(p)
	wantOAuthError(t, "second exchange", st, body, 400, "invalid_grant")
	e.wantSigns(tok.AccessToken, 401)
	e.wantSigns(bystander.AccessToken, 200)
}

// wantSigns signs one hash with token and checks the status (for errors,
// the OAuth error of that status: 401 invalid_token).
func (e *pscEnv) wantSigns(token string, want int) {
	e.t.Helper()
	sum := sha256.Sum256([]byte("fidelity"))
	st, body, _, _ := e.sign(token, map[string]any{"hashes": []any{map[string]any{"id": "h", "alias": "h.txt",
		"hash": base64.StdEncoding.EncodeToString(sum[:]), "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": "RAW"}}})
	switch want {
	case 200:
		if st != 200 {
			e.t.Fatalf("sign: %d %s, want 200", st, body)
		}
	case 401:
		wantOAuthError(e.t, "sign", st, body, 401, "invalid_token")
	default:
		if st != want {
			e.t.Fatalf("sign: %d %s, want %d", st, body, want)
		}
	}
}

// TestFidelityPSCExpiredCertificateRefusedUpFront (item 19): a holder whose
// only certificate has expired is answered as a PSC would before any
// signing: user-discovery and certificate-discovery offer no expired
// certificate ({"status":"N"}), and authorize with that holder's login_hint
// is 403 access_denied with a clear message.
func TestFidelityPSCExpiredCertificateRefusedUpFront(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	tok := e.pushToken("signature_session", e.sb.HolderCPF, "")
	cert := e.holderCert(tok.AccessToken, e.sb.CertificateCPF)
	// An hour before the certificate expires, a two-hour session; then
	// past the expiry, with the session still valid.
	e.h.App.SandboxClock.Advance(cert.NotAfter.Sub(e.h.App.SandboxClock.Now()) - time.Hour)
	tok = e.pushToken("signature_session", e.sb.HolderCPF, "7200")
	e.h.App.SandboxClock.Advance(90 * time.Minute)

	st, body, _ := e.call("GET", "/v0/oauth/certificate-discovery", "", nil, "Authorization", "Bearer "+tok.AccessToken)
	if st != 200 || string(bytes.TrimSpace(body)) != `{"status":"N"}` {
		t.Fatalf("certificate-discovery: %d %s", st, body)
	}
	st, body, _ = e.postJSON("/v0/oauth/user-discovery", map[string]string{"client_id": e.sb.ClientID, "client_secret": e.sb.ClientSecret,
		"user_cpf_cnpj": "CPF", "val_cpf_cnpj": e.sb.HolderCPF})
	if st != 200 || string(bytes.TrimSpace(body)) != `{"status":"N"}` {
		t.Fatalf("user-discovery: %d %s", st, body)
	}
	_, challenge := pkce()
	for _, redirect := range []string{"push://", e.sb.RedirectURI} {
		st, body, _ = e.call("GET", e.authorizeQuery(challenge, "signature_session", e.sb.HolderCPF, "", redirect), "", nil)
		wantOAuthError(t, "authorize "+redirect, st, body, 403, "access_denied")
		if !strings.Contains(string(body), "certificado válido") {
			t.Fatalf("authorize %s: %s, want a message about the certificate", redirect, body)
		}
	}
	// A QR request without login_hint cannot be approved by that holder.
	st, body, _ = e.call("GET", e.authorizeQuery(challenge, "signature_session", "", "", e.sb.RedirectURI), "", nil)
	if st != 302 {
		t.Fatalf("authorize QR: %d %s", st, body)
	}
	st, body = e.approve(e.sb.HolderCPF, true)
	wantOAuthError(t, "approve", st, body, 403, "access_denied")
}
