package auth_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/pixapi"
)

// Issue 16 ("Fidelity sweep"), the token endpoint and the API root.

// TestFidelityTokenContentType: /oauth/token reads the documented
// application/x-www-form-urlencoded body and JSON (Efí's SDK); a multipart
// body, another or no Content-Type, or an empty body is the endpoint's 400
// (a one-element array, RequisicaoInvalida) naming the expected type, not
// "Missing grant type".
func TestFidelityTokenContentType(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	demo := h.DemoCertificate()
	c := h.Client(&demo)
	id, secret := h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret
	post := func(ct, body string) (*http.Response, []byte) {
		req, _ := http.NewRequest("POST", h.APIURL()+"/oauth/token", strings.NewReader(body))
		if body == "" {
			req, _ = http.NewRequest("POST", h.APIURL()+"/oauth/token", nil)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		req.SetBasicAuth(id, secret)
		return apptest.Do(t, c, req)
	}

	for _, tt := range []struct{ name, ct, body string }{
		{"form", "application/x-www-form-urlencoded", "grant_type=client_credentials&scope=cob.read"},
		{"form with charset", "application/x-www-form-urlencoded; charset=UTF-8", "grant_type=client_credentials"},
		{"JSON", "application/json", `{"grant_type":"client_credentials","scope":"cob.read"}`},
	} {
		resp, body := post(tt.ct, tt.body)
		var tok pixapi.Token
		if resp.StatusCode != 200 || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
			t.Errorf("%s: status %d body %s", tt.name, resp.StatusCode, body)
		}
	}

	for _, tt := range []struct{ name, ct, body string }{
		{"multipart", "multipart/form-data; boundary=XyZ",
			"--XyZ\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--XyZ--\r\n"},
		{"text/plain", "text/plain", "grant_type=client_credentials"},
		{"no Content-Type", "", "grant_type=client_credentials"},
		{"empty form", "application/x-www-form-urlencoded", ""},
		{"empty JSON", "application/json", ""},
	} {
		resp, body := post(tt.ct, tt.body)
		if resp.StatusCode != 400 || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
			t.Errorf("%s: status %d body %s, want 400 as a one-element array", tt.name, resp.StatusCode, body)
			continue
		}
		p := problem(t, body)
		if p.Type != pixapi.ErrorTypeBase+"RequisicaoInvalida" || p.Status != 400 || !strings.Contains(p.Detail, "application/x-www-form-urlencoded") ||
			strings.Contains(p.Detail, "Missing grant type") {
			t.Errorf("%s: body %s, want RequisicaoInvalida naming application/x-www-form-urlencoded", tt.name, body)
		}
	}
}

// TestFidelityTokenMethodNotAllowed: GET (or any method but POST) on
// /oauth/token is 405 with Allow: POST, in the endpoint's problem+json.
func TestFidelityTokenMethodNotAllowed(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	demo := h.DemoCertificate()
	for _, method := range []string{"GET", "PUT", "DELETE"} {
		req, _ := http.NewRequest(method, h.APIURL()+"/oauth/token", nil)
		resp, body := apptest.Do(t, h.Client(&demo), req)
		p := problem(t, body)
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" || p.Status != 405 ||
			p.Type != pixapi.ErrorTypeBase+"RequisicaoInvalida" || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s /oauth/token: status %d Allow %q body %s", method, resp.StatusCode, resp.Header.Get("Allow"), body)
		}
	}
	// Without a certificate the edge answers first, as for POST.
	req, _ := http.NewRequest("GET", h.APIURL()+"/oauth/token", nil)
	if resp, body := apptest.Do(t, h.Client(nil), req); resp.StatusCode != 403 || !strings.Contains(string(body), "Access Denied") {
		t.Errorf("GET /oauth/token without a certificate: %d %s", resp.StatusCode, body)
	}
}

// TestFidelityRootWithoutCertificate: the API listener's root without a
// client certificate is the edge's 403 "Access Denied" page, like the Pix
// paths under it; with one it is 404 NaoEncontrado.
func TestFidelityRootWithoutCertificate(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	req, _ := http.NewRequest("GET", h.APIURL()+"/", nil)
	resp, body := apptest.Do(t, h.Client(nil), req)
	if resp.StatusCode != 403 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(body), "<H1>Access Denied</H1>") || !strings.Contains(string(body), "You don't have permission to access") {
		t.Errorf("GET / without a certificate: %d %s", resp.StatusCode, body)
	}
	demo := h.DemoCertificate()
	req, _ = http.NewRequest("GET", h.APIURL()+"/", nil)
	resp, body = apptest.Do(t, h.Client(&demo), req)
	if p := problem(t, body); resp.StatusCode != 404 || p.Type != pixapi.ErrorTypeBase+"NaoEncontrado" {
		t.Errorf("GET / with a certificate: %d %s", resp.StatusCode, body)
	}
}

// sicrediExampleClaims are the claims of the example token in seed 000 §8
// (its payload decoded; the seed's copy is garbled in places, read as
// "cob.write", "authorities" and "ROLE_CLIENT"): header
// {"alg":"HS256","typ":"JWT"}.
var sicrediExampleClaims = map[string]any{
	"scope":       []any{"cob.read", "cob.write", "webhook.read", "webhook.write"},
	"exp":         1691612295.0,
	"authorities": []any{"ROLE_CLIENT"},
	"jti":         "9569d3a5-7725-4c23-b055-4f8901096644",
	"client_id":   "…MTEyNzMwMDAxMTk6MDAwMjo4YUs", // the readable tail of the seed's copy
}

// TestFidelityTokenClaims compares brasa's Pix access token claim by claim
// with Sicredi's example (seed 000 §8): every claim of the example is there
// (authorities too, ["ROLE_CLIENT"]), in the same form except scope, which
// stays a space-separated string (RFC 9068 §2.2.3; Sicredi sends an array);
// brasa adds only iss, sub, iat and cnf (RFC 9068, RFC 8705) and a kid in
// the header.
func TestFidelityTokenClaims(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	cert := h.DemoCertificate()
	resp, body := apptest.Do(t, h.Client(&cert), apptest.TokenRequest(t, h, h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret, "cob.read+cob.write+webhook.read+webhook.write"))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var tok pixapi.Token
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatal(err)
	}
	got := jwtClaims(t, tok.AccessToken)

	for name, want := range sicrediExampleClaims {
		v, ok := got[name]
		if !ok {
			t.Errorf("claim %s missing (Sicredi's example: %v)", name, want)
			continue
		}
		switch name {
		case "scope":
			if v != "cob.read cob.write webhook.read webhook.write" {
				t.Errorf("scope = %#v, want the space-separated string of Sicredi's %v", v, want)
			}
		case "authorities":
			if fmt.Sprint(v) != fmt.Sprint(want) {
				t.Errorf("authorities = %#v, want %v", v, want)
			}
		case "exp":
			if _, ok := v.(float64); !ok {
				t.Errorf("exp = %#v, want a number", v)
			}
		case "jti":
			if s, _ := v.(string); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(s) || s != tok.JTI {
				t.Errorf("jti = %#v, want the response's jti, a UUID like %v", v, want)
			}
		case "client_id":
			if v != h.Sandbox.Pix.ClientID {
				t.Errorf("client_id = %#v, want %s", v, h.Sandbox.Pix.ClientID)
			}
		}
	}
	extra := map[string]bool{"iss": true, "sub": true, "iat": true, "cnf": true}
	for name := range got {
		if _, ok := sicrediExampleClaims[name]; !ok && !extra[name] {
			t.Errorf("undocumented claim %s = %v", name, got[name])
		}
	}

	hb, err := base64.RawURLEncoding.DecodeString(strings.Split(tok.AccessToken, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var header map[string]any
	if err := json.Unmarshal(hb, &header); err != nil || header["alg"] != "HS256" || header["typ"] != "JWT" || header["kid"] == nil || len(header) != 3 {
		t.Errorf("header %s, want Sicredi's {alg HS256, typ JWT} plus kid", hb)
	}
}
