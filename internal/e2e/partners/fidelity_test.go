package partners_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/partner"
)

// Fidelity sweep (issue 16): the Bankly surface against seed 001's details.

// TestFidelityBanklyPassphraseNamesTheMissingRule: the seed's request table
// gives a passphrase without an upper-case letter while its rule asks for
// one; brasa keeps the rule, and the 400 names every requirement missed,
// one error item each, so the table's example is fixed in one try.
func TestFidelityBanklyPassphraseNamesTheMissingRule(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	const table = "cx@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aa"
	for _, tc := range []struct {
		name       string
		passphrase string
		want       []string // one error item each, in this order
	}{
		{"SeedTableExample", table, []string{"The passphrase must contain at least one upper-case letter (A-Z)."}},
		{"Everything", "ç ", []string{
			"The passphrase must have exactly 64 characters; it has 2.",
			"The passphrase must contain at least one upper-case letter (A-Z).",
			"The passphrase must contain at least one lower-case letter (a-z).",
			"The passphrase must contain at least one number (0-9).",
			"The passphrase must contain at least one of the special characters !@#$%&*()?.",
			"The passphrase may contain only letters A-Z and a-z, numbers and the special characters !@#$%&*()?; the characters at positions 1 and 2 are not.",
		}},
		{"NoDigitOneOutside", strings.NewReplacer("1", "b", "2", "b", "3", "b").Replace(strongPassphrase[:63]) + "^", []string{
			"The passphrase must contain at least one number (0-9).",
			"The passphrase may contain only letters A-Z and a-z, numbers and the special characters !@#$%&*()?; the character at position 64 is not one of them.",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": tc.passphrase})
			e := banklyError(t, tc.name, resp, b, 400, partner.CodeInvalidParameter)
			if len(e.Errors) != len(tc.want) {
				t.Fatalf("%d error items, want %d: %s", len(e.Errors), len(tc.want), b)
			}
			for i, it := range e.Errors {
				if it.Code != partner.CodeInvalidParameter || it.PropertyName != "passphrase" || len(it.Messages) != 1 || it.Messages[0] != tc.want[i] {
					t.Errorf("item %d = %+v, want passphrase %q", i, it, tc.want[i])
				}
			}
		})
	}
	// Fixed as the first answer says, the table's example is accepted.
	resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": "C" + table[1:]})
	if resp.StatusCode != 200 {
		t.Fatalf("the table's example with one upper-case letter: %d %s", resp.StatusCode, b)
	}
}

// TestFidelityBanklyContentTypeEnforced: seed 001 marks Content-Type
// "Obrigatório ... application/json" for the issuance; anything else is
// Bankly's 415 in its dialect, and so is a registration that is not JSON.
// The OAuth2 token endpoints (forms) answer 400 invalid_request; the body-less
// GET and DELETE routes ask for nothing.
func TestFidelityBanklyContentTypeEnforced(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	body := `{"passphrase":"` + strongPassphrase + `"}`
	path := "/partners/" + sb.CompanyKey + "/certificates"
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/xml", "application/json-patch+json", "json"} {
		req := banklyReq(t, h, "POST", path, tok, body)
		req.Header.Del("Content-Type")
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, b := apptest.Do(t, h.Client(nil), req)
		e := banklyError(t, "issuance with Content-Type "+ct, resp, b, http.StatusUnsupportedMediaType, partner.CodeUnsupportedMediaType)
		if e.Title != "Unsupported Media Type" || e.Errors[0].Messages[0] != "The Content-Type header is required and must be application/json." {
			t.Errorf("Content-Type %q: %s", ct, b)
		}
	}
	// Parameters and case do not matter.
	req := banklyReq(t, h, "POST", path, tok, body)
	req.Header.Set("Content-Type", "Application/JSON; charset=utf-8")
	resp, b := apptest.Do(t, h.Client(nil), req)
	var got banklyIssued
	if resp.StatusCode != 200 || json.Unmarshal(b, &got) != nil {
		t.Fatalf("issuance with application/json; charset=utf-8: %d %s", resp.StatusCode, b)
	}
	// The token is checked first: no token is still 401.
	req = banklyReq(t, h, "POST", path, "", body)
	req.Header.Set("Content-Type", "text/plain")
	resp, b = apptest.Do(t, h.Client(nil), req)
	banklyError(t, "no token, text/plain", resp, b, 401, partner.CodeUnauthorized)
	// GET and DELETE carry no body and need no Content-Type.
	req = banklyReq(t, h, "GET", path, tok, nil)
	req.Header.Del("Content-Type")
	if resp, b := apptest.Do(t, h.Client(nil), req); resp.StatusCode != 200 {
		t.Errorf("list without Content-Type: %d %s", resp.StatusCode, b)
	}

	// /connect/token reads a form only.
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {sb.ClientID}, "client_secret": {sb.ClientSecret}}
	for _, ct := range []string{"", "application/json", "text/plain"} {
		req, _ := http.NewRequest("POST", h.APIURL()+"/connect/token", strings.NewReader(form.Encode()))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, b := apptest.Do(t, h.Client(nil), req)
		var e struct {
			Error            string `json:"error"`
			ErrorDescription string `json:"error_description"`
		}
		if resp.StatusCode != 400 || json.Unmarshal(b, &e) != nil || e.Error != "invalid_request" ||
			!strings.Contains(e.ErrorDescription, "application/x-www-form-urlencoded") {
			t.Errorf("/connect/token with Content-Type %q: %d %s, want 400 invalid_request", ct, resp.StatusCode, b)
		}
	}

	// The mTLS routes: the certificate first, then the body's type.
	cert := partnerTLS(t, got)
	resp, b = mtlsCallAs(t, h, &cert, "POST /oauth2/register", "text/plain", `{"grant_types":["client_credentials"]}`)
	banklyError(t, "register as text/plain", resp, b, http.StatusUnsupportedMediaType, partner.CodeUnsupportedMediaType)
	resp, b = mtlsCallAs(t, h, &cert, "POST /oauth2/token", "application/json", `{"grant_type":"client_credentials","client_id":"x"}`)
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"error":"invalid_request"`) {
		t.Errorf("/oauth2/token as JSON: %d %s, want 400 invalid_request", resp.StatusCode, b)
	}
	resp, b = mtlsCallAs(t, h, nil, "POST /oauth2/register", "text/plain", "{}")
	banklyError(t, "register without a certificate, text/plain", resp, b, 403, partner.CodeCertNotPresented)
}

// mtlsCallAs is mtlsCall with the given Content-Type.
func mtlsCallAs(t *testing.T, h *apptest.Harness, cert *tls.Certificate, route, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	method, path, _ := strings.Cut(route, " ")
	req, _ := http.NewRequest(method, h.APIURL()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return apptest.Do(t, forcedClient(t, h, cert), req)
}

// TestFidelityBanklyTamperedSignatureIsInvalid: a certificate naming
// brasa's issuing CA whose signature does not verify is
// CLIENT_CERTIFICATE_IS_INVALID ("does not meet the integrity criteria"),
// not _IS_UNKNOWN, with or without its chain.
func TestFidelityBanklyTamperedSignatureIsInvalid(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": strongPassphrase})
	var got banklyIssued
	if resp.StatusCode != 200 || json.Unmarshal(b, &got) != nil {
		t.Fatalf("issue: %d %s", resp.StatusCode, b)
	}
	good := partnerTLS(t, got)
	der := append([]byte(nil), good.Leaf.Raw...)
	der[len(der)-1] ^= 0x01 // the last byte of the CA's signature
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if leaf.Issuer.String() != h.App.CA.Intermediate.Subject.String() || leaf.CheckSignatureFrom(h.App.CA.Intermediate) == nil {
		t.Fatalf("the tampered certificate should name brasa's CA and not verify")
	}
	alone := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: good.PrivateKey, Leaf: leaf}
	withChain := tls.Certificate{Certificate: [][]byte{der, h.App.CA.Intermediate.Raw, h.App.CA.Root.Raw}, PrivateKey: good.PrivateKey, Leaf: leaf}
	for name, c := range map[string]*tls.Certificate{"Alone": &alone, "WithChain": &withChain} {
		for _, rt := range mtlsRoutes {
			resp, b := mtlsCall(t, h, c, rt.route, rt.body)
			e := banklyError(t, name+" on "+rt.route, resp, b, 403, partner.CodeCertInvalid)
			if want := partner.CertMessages[partner.CodeCertInvalid]; e.Errors[0].Messages[0] != want {
				t.Errorf("message %q, want the seed's %q", e.Errors[0].Messages[0], want)
			}
		}
	}
	// The untouched certificate still works.
	if resp, b := me(t, h, &good); resp.StatusCode != 200 {
		t.Errorf("the good certificate: %d %s", resp.StatusCode, b)
	}
}

// setPartnerAllowlist PUTs the partner's allowlist through the admin API.
func setPartnerAllowlist(t *testing.T, h *apptest.Harness, companyKey, adminToken, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("PUT", h.APIURL()+"/admin/v1/bankly/partners/"+companyKey+"/allowed-cidrs", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+adminToken)
	}
	return apptest.Do(t, h.Client(nil), req)
}

// TestFidelityBanklyNetworkFailureOutsideAllowlist: a partner may have a
// source-IP allowlist (admin API; empty allows any); a request from outside
// it answers the seed's 500 CLIENT_NETWORK_FAILURE, on the certificate
// routes and on the mTLS routes alike.
func TestFidelityBanklyNetworkFailureOutsideAllowlist(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": strongPassphrase})
	var got banklyIssued
	if resp.StatusCode != 200 || json.Unmarshal(b, &got) != nil {
		t.Fatalf("issue: %d %s", resp.StatusCode, b)
	}
	cert := partnerTLS(t, got)
	list := func() (*http.Response, []byte) {
		return apptest.Do(t, h.Client(nil), banklyReq(t, h, "GET", "/partners/"+sb.CompanyKey+"/certificates", tok, nil))
	}

	// The tests reach brasa from 127.0.0.1: outside 192.0.2.0/24.
	resp, b = setPartnerAllowlist(t, h, sb.CompanyKey, h.Sandbox.AdminToken, `{"allowed_cidrs":["192.0.2.0/24"]}`)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"allowed_cidrs":["192.0.2.0/24"]`) {
		t.Fatalf("PUT allowed-cidrs: %d %s", resp.StatusCode, b)
	}
	for name, call := range map[string]func() (*http.Response, []byte){
		"issue": func() (*http.Response, []byte) {
			return issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": strongPassphrase})
		},
		"list": list,
		"me":   func() (*http.Response, []byte) { return me(t, h, &cert) },
		"register": func() (*http.Response, []byte) {
			return mtlsCall(t, h, &cert, "POST /oauth2/register", `{"grant_types":["client_credentials"]}`)
		},
	} {
		resp, b := call()
		e := banklyError(t, name+" from outside the allowlist", resp, b, 500, partner.CodeNetworkFailure)
		if e.Errors[0].Messages[0] != "Unknown client network failure." {
			t.Errorf("%s: message %q, want the seed's", name, e.Errors[0].Messages[0])
		}
	}

	// Inside the list (bare addresses are /32), and an empty list, allow.
	resp, b = setPartnerAllowlist(t, h, sb.CompanyKey, h.Sandbox.AdminToken, `{"allowed_cidrs":["10.0.0.0/8", " 127.0.0.1", "10.1.2.3/8"]}`)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"allowed_cidrs":["10.0.0.0/8","127.0.0.1/32"]`) {
		t.Fatalf("PUT allowed-cidrs: %d %s", resp.StatusCode, b)
	}
	if resp, b := list(); resp.StatusCode != 200 {
		t.Errorf("list from inside the allowlist: %d %s", resp.StatusCode, b)
	}
	if resp, b := me(t, h, &cert); resp.StatusCode != 200 {
		t.Errorf("me from inside the allowlist: %d %s", resp.StatusCode, b)
	}
	resp, b = setPartnerAllowlist(t, h, sb.CompanyKey, h.Sandbox.AdminToken, `{"allowed_cidrs":[]}`)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"allowed_cidrs":[]`) {
		t.Fatalf("PUT empty allowed-cidrs: %d %s", resp.StatusCode, b)
	}
	if resp, b := list(); resp.StatusCode != 200 {
		t.Errorf("list with an empty allowlist: %d %s", resp.StatusCode, b)
	}
	req, _ := http.NewRequest("GET", h.APIURL()+"/admin/v1/bankly/partners/"+sb.CompanyKey+"/allowed-cidrs", nil)
	req.Header.Set("Authorization", "Bearer "+h.Sandbox.AdminToken)
	if resp, b := apptest.Do(t, h.Client(nil), req); resp.StatusCode != 200 || !strings.Contains(string(b), `"company_key":"`+sb.CompanyKey+`"`) {
		t.Errorf("GET allowed-cidrs: %d %s", resp.StatusCode, b)
	}

	// Admin errors.
	resp, b = setPartnerAllowlist(t, h, sb.CompanyKey, h.Sandbox.AdminToken, `{"allowed_cidrs":["300.1.1.1", "10.0.0.0/8", "ab"]}`)
	e := banklyError(t, "bad entries", resp, b, 400, partner.CodeInvalidParameter)
	if len(e.Errors) != 2 || !strings.Contains(e.Errors[0].Messages[0], `"300.1.1.1"`) || !strings.Contains(e.Errors[1].Messages[0], `"ab"`) {
		t.Errorf("bad entries: %s", b)
	}
	resp, b = setPartnerAllowlist(t, h, sb.CompanyKey, h.Sandbox.AdminToken, `{}`)
	banklyError(t, "no allowed_cidrs", resp, b, 400, partner.CodeInvalidBody)
	resp, b = setPartnerAllowlist(t, h, "naoexiste", h.Sandbox.AdminToken, `{"allowed_cidrs":[]}`)
	banklyError(t, "unknown partner", resp, b, 422, partner.CodePartnerNotFound)
	if resp, b := setPartnerAllowlist(t, h, sb.CompanyKey, tok, `{"allowed_cidrs":[]}`); resp.StatusCode != 401 {
		t.Errorf("a partner's token on the admin API: %d %s", resp.StatusCode, b)
	}
}
