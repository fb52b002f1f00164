package partners_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/api/banklyhttp"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/partner"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/sandbox"
)

// strongPassphrase is 64 characters with upper, lower, digits and specials
// of the seed's set.
const strongPassphrase = "cX@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aa"

type banklyIssued struct {
	SubjectDN        string `json:"subjectDn"`
	Certificate      string `json:"certificate"`
	CertificateChain string `json:"certificateChain"`
	PrivateKey       string `json:"privateKey"`
	Passphrase       string `json:"passphrase"`
	UUID             string `json:"uuid"`
	IssuedAt         string `json:"issuedAt"`
	Status           string `json:"status"`
	CreatedAt        string `json:"createdAt"`
	UpdatedAt        string `json:"updatedAt"`
}

func banklySandbox(t *testing.T, h *apptest.Harness) sandbox.SandboxBankly {
	t.Helper()
	var sb sandbox.SandboxBankly
	if err := json.Unmarshal(h.Sandbox.Bankly, &sb); err != nil || sb.CompanyKey == "" || sb.ClientID == "" || sb.ClientSecret == "" {
		t.Fatalf("sandbox.json bankly block %s: %v", h.Sandbox.Bankly, err)
	}
	return sb
}

// legacyToken gets a legacy_access_token with scope certificate.create.
func legacyToken(t *testing.T, h *apptest.Harness, clientID, secret string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}, "scope": {"certificate.create"}}
	req, _ := http.NewRequest("POST", h.APIURL()+"/connect/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := apptest.Do(t, h.Client(nil), req)
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" || tok.TokenType != "Bearer" ||
		tok.ExpiresIn != 3600 || tok.Scope != "certificate.create" {
		t.Fatalf("POST /connect/token: %d %s", resp.StatusCode, body)
	}
	return tok.AccessToken
}

func banklyReq(t *testing.T, h *apptest.Harness, method, path, token string, body any) *http.Request {
	t.Helper()
	var rd *bytes.Reader
	if s, ok := body.(string); ok {
		rd = bytes.NewReader([]byte(s))
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, h.APIURL()+path, rd)
	req.Header.Set("api-version", "1")
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// banklyError asserts Bankly's error shape with status and code.
func banklyError(t *testing.T, what string, resp *http.Response, body []byte, status int, code string) banklyhttp.ErrorBody {
	t.Helper()
	var e banklyhttp.ErrorBody
	if resp.StatusCode != status || json.Unmarshal(body, &e) != nil || len(e.Errors) == 0 || e.Errors[0].Code != code ||
		len(e.Errors[0].Messages) == 0 || e.Status != status || e.TraceID == "" {
		t.Fatalf("%s: got %d %s, want %d with code %s", what, resp.StatusCode, body, status, code)
	}
	return e
}

func issuePartnerCert(t *testing.T, h *apptest.Harness, companyKey, token string, body any) (*http.Response, []byte) {
	t.Helper()
	return apptest.Do(t, h.Client(nil), banklyReq(t, h, "POST", "/partners/"+companyKey+"/certificates", token, body))
}

// partnerTLS turns an issuance response into a client certificate.
func partnerTLS(t *testing.T, got banklyIssued) tls.Certificate {
	t.Helper()
	key, err := pki.DecryptPKCS8PEM([]byte(got.PrivateKey), []byte(got.Passphrase))
	if err != nil {
		t.Fatalf("decrypting the private key with the passphrase: %v", err)
	}
	certs, err := pki.ParseCertificates([]byte(got.Certificate))
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificate: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{certs[0].Raw}, PrivateKey: key, Leaf: certs[0]}
}

func me(t *testing.T, h *apptest.Harness, cert *tls.Certificate) (*http.Response, []byte) {
	t.Helper()
	return mtlsCall(t, h, cert, "GET /partners/me", "")
}

// mtlsCall calls one of the mTLS-protected Bankly routes ("METHOD /path")
// presenting cert; body is JSON for /oauth2/register and a form for
// /oauth2/token.
func mtlsCall(t *testing.T, h *apptest.Harness, cert *tls.Certificate, route, body string) (*http.Response, []byte) {
	t.Helper()
	method, path, _ := strings.Cut(route, " ")
	req, _ := http.NewRequest(method, h.APIURL()+path, strings.NewReader(body))
	switch path {
	case "/oauth2/register":
		req.Header.Set("Content-Type", "application/json")
	case "/oauth2/token":
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return apptest.Do(t, forcedClient(t, h, cert), req)
}

// mtlsRoutes are the mTLS-protected partner routes, each with a body.
var mtlsRoutes = []struct{ route, body string }{
	{"GET /partners/me", ""},
	{"POST /oauth2/register", `{"grant_types":["client_credentials"],"token_endpoint_auth_method":"tls_client_auth","scope":"x"}`},
	{"POST /oauth2/token", "grant_type=client_credentials&client_id=x"},
}

// forcedClient presents cert whatever CAs the server names (Go's client
// would otherwise send nothing for a certificate of another CA).
func forcedClient(t *testing.T, h *apptest.Harness, cert *tls.Certificate) *http.Client {
	tc := &tls.Config{RootCAs: h.Roots, MinVersion: tls.VersionTLS12}
	if cert != nil {
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	tr := &http.Transport{TLSClientConfig: tc}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// TestBanklyPartnerCertificates walks seed 001: a legacy token, two
// certificates, a third refused with 422, revocation freeing a slot and the
// revoked certificate refused at once on the mTLS route; the key decrypts
// with the passphrase and matches the certificate, the chain verifies to
// the brasa root, also according to openssl.
func TestBanklyPartnerCertificates(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)

	var issued []banklyIssued
	for i := range 2 {
		body := map[string]any{"passphrase": strongPassphrase}
		if i == 1 {
			body["ttlInDays"] = 30
		}
		resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, body)
		var got banklyIssued
		if resp.StatusCode != 200 || json.Unmarshal(b, &got) != nil {
			t.Fatalf("issuing certificate %d: %d %s", i+1, resp.StatusCode, b)
		}
		issued = append(issued, got)
	}
	p := sandbox.DemoPartner
	got := issued[0]
	wantPrefix := "serialNumber = " + p.CNPJ + ", businessCategory = OPEN_API, UID = "
	wantSuffix := ", C = BR, O = " + p.RazaoSocial + ", ST = RS, L = Porto Alegre, OU = " + sb.CompanyKey + ", CN = " + p.ServiceDomain
	if !strings.HasPrefix(got.SubjectDN, wantPrefix) || !strings.HasSuffix(got.SubjectDN, wantSuffix) {
		t.Errorf("subjectDn = %q, want %q<uuid>%q", got.SubjectDN, wantPrefix, wantSuffix)
	}
	if got.Status != "ACTIVE" || got.Passphrase != strongPassphrase || len(got.UUID) != 36 || got.UUID[14] != '4' ||
		!strings.HasPrefix(got.PrivateKey, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n") ||
		!strings.HasPrefix(got.Certificate, "-----BEGIN CERTIFICATE-----\n") || !strings.Contains(got.CertificateChain, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("issuance response: %+v", got)
	}
	for _, ts := range []string{got.IssuedAt, got.CreatedAt, got.UpdatedAt} {
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.HasSuffix(ts, "Z") {
			t.Errorf("timestamp %q is not ISO 8601 UTC", ts)
		}
	}
	c0 := partnerTLS(t, issued[0])
	c1 := partnerTLS(t, issued[1])
	if ou := c0.Leaf.Subject.OrganizationalUnit; len(ou) != 1 || ou[0] != sb.CompanyKey {
		t.Errorf("certificate OU = %v, want the company key", ou)
	}
	if d := c0.Leaf.NotAfter.Sub(c0.Leaf.NotBefore); d < 365*24*time.Hour || d > 365*24*time.Hour+10*time.Minute {
		t.Errorf("default ttlInDays: validity %v, want 365 days", d)
	}
	if d := c1.Leaf.NotAfter.Sub(c1.Leaf.NotBefore); d < 30*24*time.Hour || d > 30*24*time.Hour+10*time.Minute {
		t.Errorf("ttlInDays 30: validity %v", d)
	}
	chain, err := pki.ParseCertificates([]byte(got.CertificateChain))
	if err != nil {
		t.Fatal(err)
	}
	inter := x509.NewCertPool()
	for _, c := range chain {
		inter.AddCert(c)
	}
	if _, err := c0.Leaf.Verify(x509.VerifyOptions{Roots: h.Roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("certificate does not verify to the brasa root with the chain given: %v", err)
	}
	opensslChecks(t, h, got)

	// Both certificates work on the mTLS route.
	for i, c := range []*tls.Certificate{&c0, &c1} {
		resp, b := me(t, h, c)
		var who struct {
			CompanyKey string `json:"companyKey"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(b, &who) != nil || who.CompanyKey != sb.CompanyKey {
			t.Fatalf("GET /partners/me with certificate %d: %d %s", i+1, resp.StatusCode, b)
		}
	}

	// Dynamic registration and the mTLS token (tls_client_auth): registered
	// with one certificate, a token for either, bound to the one presented.
	reg := map[string]any{"grant_types": []string{"client_credentials"}, "tls_client_auth_subject_dn": got.SubjectDN,
		"token_endpoint_auth_method": "tls_client_auth", "response_types": []string{"access_token"}, "company_key": sb.CompanyKey,
		"scope": "account.read pix.read"}
	rb, _ := json.Marshal(reg)
	resp, b := mtlsCall(t, h, &c0, "POST /oauth2/register", string(rb))
	var client struct {
		ClientID string `json:"client_id"`
		Scope    string `json:"scope"`
	}
	if resp.StatusCode != 201 || json.Unmarshal(b, &client) != nil || client.ClientID == "" || client.Scope != "account.read pix.read" {
		t.Fatalf("POST /oauth2/register: %d %s", resp.StatusCode, b)
	}
	resp, b = mtlsCall(t, h, &c1, "POST /oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {client.ClientID}, "scope": {"pix.read"}}.Encode())
	var mtok struct {
		TokenType   string         `json:"token_type"`
		AccessToken string         `json:"access_token"`
		Scope       string         `json:"scope"`
		Claims      map[string]any `json:"claims"`
		ExpiresIn   int            `json:"expires_in"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &mtok) != nil || mtok.TokenType != "Bearer" || mtok.AccessToken == "" ||
		mtok.Scope != "pix.read" || mtok.ExpiresIn != 3600 || mtok.Claims["x5t#S256"] != pki.Thumbprint(c1.Leaf) {
		t.Fatalf("POST /oauth2/token: %d %s", resp.StatusCode, b)
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"UnknownClient", url.Values{"grant_type": {"client_credentials"}, "client_id": {"nobody"}}, 401, "invalid_client"},
		{"LegacyClient", url.Values{"grant_type": {"client_credentials"}, "client_id": {sb.ClientID}}, 401, "invalid_client"},
		{"Grant", url.Values{"grant_type": {"password"}, "client_id": {client.ClientID}}, 400, "unsupported_grant_type"},
		{"Scope", url.Values{"grant_type": {"client_credentials"}, "client_id": {client.ClientID}, "scope": {"card.write"}}, 400, "invalid_scope"},
	} {
		resp, b := mtlsCall(t, h, &c0, "POST /oauth2/token", tc.form.Encode())
		if resp.StatusCode != tc.status || !strings.Contains(string(b), `"error":"`+tc.want+`"`) {
			t.Errorf("mTLS token %s: %d %s, want %d %s", tc.name, resp.StatusCode, b, tc.status, tc.want)
		}
	}
	for _, tc := range []struct {
		name   string
		change func(map[string]any)
		status int
		code   string
	}{
		{"OtherSubjectDN", func(m map[string]any) { m["tls_client_auth_subject_dn"] = "CN = outro" }, 400, partner.CodeInvalidParameter},
		{"AuthMethod", func(m map[string]any) { m["token_endpoint_auth_method"] = "client_secret_post" }, 400, partner.CodeInvalidParameter},
		{"OtherCompanyKey", func(m map[string]any) { m["company_key"] = "outra" }, 403, partner.CodeForbidden},
	} {
		bad := map[string]any{}
		for k, v := range reg {
			bad[k] = v
		}
		tc.change(bad)
		rb, _ := json.Marshal(bad)
		resp, b := mtlsCall(t, h, &c0, "POST /oauth2/register", string(rb))
		banklyError(t, "register "+tc.name, resp, b, tc.status, tc.code)
	}

	// A third is refused.
	resp, b = issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": strongPassphrase})
	e := banklyError(t, "third certificate", resp, b, 422, partner.CodeMaxCertificates)
	if want := "Partner " + sb.CompanyKey + " has reached the max number of certificates: 2."; e.Errors[0].Messages[0] != want {
		t.Errorf("message %q, want %q", e.Errors[0].Messages[0], want)
	}

	// Revoking the first frees a slot; the revoked certificate is refused at once.
	resp, b = apptest.Do(t, h.Client(nil), banklyReq(t, h, "DELETE", "/partners/"+sb.CompanyKey+"/certificates/"+issued[0].UUID, tok, nil))
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"status":"REVOKED"`) {
		t.Fatalf("revoke: %d %s", resp.StatusCode, b)
	}
	resp, b = me(t, h, &c0)
	banklyError(t, "revoked certificate", resp, b, 403, partner.CodeCertRevoked)
	if resp, b := me(t, h, &c1); resp.StatusCode != 200 {
		t.Errorf("the other certificate after the revocation: %d %s", resp.StatusCode, b)
	}
	resp, b = issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": strongPassphrase, "ttlInDays": 1})
	if resp.StatusCode != 200 {
		t.Fatalf("issuing after a revocation: %d %s", resp.StatusCode, b)
	}

	// The list shows all three, never a private key.
	resp, b = apptest.Do(t, h.Client(nil), banklyReq(t, h, "GET", "/partners/"+sb.CompanyKey+"/certificates", tok, nil))
	var list struct {
		Certificates []struct {
			UUID   string `json:"uuid"`
			Status string `json:"status"`
		} `json:"certificates"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &list) != nil || len(list.Certificates) != 3 ||
		list.Certificates[0].Status != "REVOKED" || list.Certificates[1].Status != "ACTIVE" || list.Certificates[2].Status != "ACTIVE" ||
		strings.Contains(string(b), "PRIVATE KEY") {
		t.Errorf("list: %d %s", resp.StatusCode, b)
	}
	resp, b = apptest.Do(t, h.Client(nil), banklyReq(t, h, "GET", "/partners/"+sb.CompanyKey+"/certificates/"+issued[1].UUID, tok, nil))
	if resp.StatusCode != 200 || !strings.Contains(string(b), issued[1].UUID) || strings.Contains(string(b), "PRIVATE KEY") {
		t.Errorf("get one: %d %s", resp.StatusCode, b)
	}
	resp, b = apptest.Do(t, h.Client(nil), banklyReq(t, h, "GET", "/partners/"+sb.CompanyKey+"/certificates/00000000-0000-4000-8000-000000000000", tok, nil))
	banklyError(t, "unknown certificate", resp, b, 404, partner.CodeCertificateNotFound)
}

// opensslChecks: the key decrypts with the passphrase (openssl pkey
// -passin), key and certificate match, the chain verifies to the root.
func opensslChecks(t *testing.T, h *apptest.Harness, got banklyIssued) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("BRASA_REQUIRE_OPENSSL") != "" {
			t.Fatal("BRASA_REQUIRE_OPENSSL is set but openssl is not installed")
		}
		t.Log("openssl not installed (apt-get install openssl): skipping the openssl checks")
		return
	}
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyFile, certFile, chainFile := write("key.pem", got.PrivateKey), write("cert.pem", got.Certificate), write("chain.pem", got.CertificateChain)
	pass := write("pass.txt", got.Passphrase)
	run := func(args ...string) string {
		out, err := exec.Command("openssl", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	keyPub := run("pkey", "-in", keyFile, "-passin", "file:"+pass, "-pubout")
	certPub := run("x509", "-in", certFile, "-noout", "-pubkey")
	if keyPub != certPub {
		t.Errorf("openssl: the key's public key differs from the certificate's\nkey:  %s\ncert: %s", keyPub, certPub)
	}
	if out, err := exec.Command("openssl", "pkey", "-in", keyFile, "-passin", "pass:wrong-passphrase", "-noout").CombinedOutput(); err == nil {
		t.Errorf("openssl decrypted the key with a wrong passphrase: %s", out)
	}
	if out := run("verify", "-CAfile", h.Sandbox.CAFile, "-untrusted", chainFile, certFile); !strings.Contains(out, ": OK") {
		t.Errorf("openssl verify: %s", out)
	}
}

// TestBanklyErrors reproduces every documented error of seed 001 with its
// status and code: the seven certificate errors on the mTLS route,
// PARTNER_NOT_FOUND, and the request checks.
func TestBanklyErrors(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": strongPassphrase})
	var good banklyIssued
	if resp.StatusCode != 200 || json.Unmarshal(b, &good) != nil {
		t.Fatalf("issue: %d %s", resp.StatusCode, b)
	}
	goodCert := partnerTLS(t, good)
	now := h.App.Clock.Now()
	// caAt issues from the app's CA as if it were at.
	caAt := func(at time.Time) *pki.CA { c := *h.App.CA; c.Clock = func() time.Time { return at }; return &c }
	issue := func(ca *pki.CA, subj pkix.Name, validity time.Duration, eku []x509.ExtKeyUsage, record bool) tls.Certificate {
		key, err := pki.GenerateKey(rand.Reader, pki.ECDSAP256)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := ca.IssueClient(pki.ClientRequest{Subject: subj, PublicKey: key.Public(), Validity: validity, ExtKeyUsage: eku})
		if err != nil {
			t.Fatal(err)
		}
		if record {
			if err := h.App.Store.CreateCertificate(t.Context(), pki.NewCertificateRecord(cert, pki.CertPartner, sb.CompanyKey, now)); err != nil {
				t.Fatal(err)
			}
		}
		return tls.Certificate{Certificate: [][]byte{cert.Raw, h.App.CA.Intermediate.Raw}, PrivateKey: key, Leaf: cert}
	}
	partnerSubject := goodCert.Leaf.Subject
	partnerSubject.ExtraNames = nil
	partnerSubject.OrganizationalUnit = []string{sb.CompanyKey}
	expired := issue(h.App.CA, partnerSubject, time.Hour, nil, true) // expires when the clock moves below
	notYet := issue(caAt(now.Add(24*time.Hour)), partnerSubject, time.Hour, nil, true)
	serverOnly := issue(h.App.CA, partnerSubject, time.Hour, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, true)
	noOU := h.IssueClientCertificate("sem-ou.example", time.Hour)
	unrecorded := issue(h.App.CA, partnerSubject, time.Hour, nil, false)
	selfSigned := apptest.SelfSignedClient(t)
	pixDemo := h.DemoCertificate()
	revoked := issue(h.App.CA, partnerSubject, time.Hour, nil, true)
	if err := h.App.Store.RevokeCertificate(t.Context(), revoked.Leaf.SerialNumber.Text(16), "test", now); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		cert *tls.Certificate
		code string
	}{
		{"NotPresented", nil, partner.CodeCertNotPresented},
		{"UnknownAuthority", &selfSigned, partner.CodeCertUnknown},
		{"NotAPartnerCertificate", &pixDemo, partner.CodeCertUnknown},
		{"NotIssuedByBrasaForThePartner", &unrecorded, partner.CodeCertUnknown},
		{"NotYetValid", &notYet, partner.CodeCertInvalid},
		{"NoOU", &noOU, partner.CodeCertIDUnknown},
		{"Revoked", &revoked, partner.CodeCertRevoked},
		{"NoClientAuthUsage", &serverOnly, partner.CodeAuthRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, rt := range mtlsRoutes {
				resp, b := mtlsCall(t, h, tc.cert, rt.route, rt.body)
				e := banklyError(t, tc.name+" on "+rt.route, resp, b, 403, tc.code)
				if want := partner.CertMessages[tc.code]; e.Errors[0].Messages[0] != want {
					t.Errorf("message %q, want the seed's %q", e.Errors[0].Messages[0], want)
				}
			}
		})
	}

	t.Run("PartnerNotFound", func(t *testing.T) {
		resp, b := issuePartnerCert(t, h, "naoexiste", tok, map[string]any{"passphrase": strongPassphrase})
		e := banklyError(t, "unknown company key", resp, b, 422, partner.CodePartnerNotFound)
		if want := "Partner with company key naoexiste not found."; e.Errors[0].Messages[0] != want {
			t.Errorf("message %q, want %q", e.Errors[0].Messages[0], want)
		}
	})
	t.Run("BadRequests", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			body   any
			prop   string
			status int
			code   string
		}{
			{"PassphraseTooShort", map[string]any{"passphrase": "cX@123aa"}, "passphrase", 400, partner.CodeInvalidParameter},
			{"PassphraseNoUpper", map[string]any{"passphrase": strings.ToLower(strongPassphrase)}, "passphrase", 400, partner.CodeInvalidParameter},
			{"PassphraseNoSpecial", map[string]any{"passphrase": strings.ReplaceAll(strongPassphrase, "@", "b")}, "passphrase", 400, partner.CodeInvalidParameter},
			{"PassphraseOtherSpecial", map[string]any{"passphrase": strings.Replace(strongPassphrase, "a", "^", 1)}, "passphrase", 400, partner.CodeInvalidParameter},
			{"PassphraseMissing", map[string]any{}, "passphrase", 400, partner.CodeInvalidParameter},
			{"TTLZero", map[string]any{"passphrase": strongPassphrase, "ttlInDays": 0}, "ttlInDays", 400, partner.CodeInvalidParameter},
			{"TTL366", map[string]any{"passphrase": strongPassphrase, "ttlInDays": 366}, "ttlInDays", 400, partner.CodeInvalidParameter},
			{"TTLNotANumber", map[string]any{"passphrase": strongPassphrase, "ttlInDays": "30"}, "ttlInDays", 400, partner.CodeInvalidParameter},
			{"BrokenJSON", `{"passphrase":`, "", 400, partner.CodeInvalidBody},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, tc.body)
				e := banklyError(t, tc.name, resp, b, tc.status, tc.code)
				if tc.prop != "" && e.Errors[0].PropertyName != tc.prop {
					t.Errorf("propertyName %q, want %q", e.Errors[0].PropertyName, tc.prop)
				}
			})
		}
		resp, b := issuePartnerCert(t, h, sb.CompanyKey, "", map[string]any{"passphrase": strongPassphrase})
		banklyError(t, "no token", resp, b, 401, partner.CodeUnauthorized)
		resp, b = issuePartnerCert(t, h, sb.CompanyKey, tok+"x", map[string]any{"passphrase": strongPassphrase})
		banklyError(t, "forged token", resp, b, 401, partner.CodeUnauthorized)
		req := banklyReq(t, h, "POST", "/partners/"+sb.CompanyKey+"/certificates", tok, map[string]any{"passphrase": strongPassphrase})
		req.Header.Del("api-version")
		resp, b = apptest.Do(t, h.Client(nil), req)
		banklyError(t, "no api-version", resp, b, 400, partner.CodeAPIVersion)
	})
	t.Run("LegacyTokenErrors", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"WrongSecret", url.Values{"grant_type": {"client_credentials"}, "client_id": {sb.ClientID}, "client_secret": {"x"}}, "invalid_client"},
			{"UnknownClient", url.Values{"grant_type": {"client_credentials"}, "client_id": {"nobody"}, "client_secret": {"x"}}, "invalid_client"},
			{"PixCredential", url.Values{"grant_type": {"client_credentials"}, "client_id": {h.Sandbox.Pix.ClientID}, "client_secret": {h.Sandbox.Pix.ClientSecret}}, "invalid_client"},
			{"Grant", url.Values{"grant_type": {"password"}, "client_id": {sb.ClientID}, "client_secret": {sb.ClientSecret}}, "unsupported_grant_type"},
			{"Scope", url.Values{"grant_type": {"client_credentials"}, "client_id": {sb.ClientID}, "client_secret": {sb.ClientSecret}, "scope": {"pix.write"}}, "invalid_scope"},
		} {
			req, _ := http.NewRequest("POST", h.APIURL()+"/connect/token", strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, b := apptest.Do(t, h.Client(nil), req)
			var e struct {
				Error string `json:"error"`
			}
			if resp.StatusCode != 400 || json.Unmarshal(b, &e) != nil || e.Error != tc.want {
				t.Errorf("%s: %d %s, want 400 %s", tc.name, resp.StatusCode, b, tc.want)
			}
		}
	})
	// Last: it moves the clock past the legacy token's lifetime.
	t.Run("Expired", func(t *testing.T) {
		resp, b := me(t, h, &expired)
		if resp.StatusCode != 200 {
			t.Fatalf("before expiry: %d %s", resp.StatusCode, b)
		}
		h.App.SandboxClock.Advance(2 * time.Hour)
		resp, b = me(t, h, &expired)
		e := banklyError(t, "expired", resp, b, 403, partner.CodeCertExpired)
		if want := partner.CertMessages[partner.CodeCertExpired]; e.Errors[0].Messages[0] != want {
			t.Errorf("message %q, want %q", e.Errors[0].Messages[0], want)
		}
	})
}

// TestBanklyConcurrentIssuanceKeepsTwo races four issuances for one partner:
// the database lets exactly two through.
func TestBanklyConcurrentIssuanceKeepsTwo(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": strongPassphrase})
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 422:
			refused++
		}
	}
	if ok != 2 || refused != 2 {
		t.Errorf("four concurrent issuances: statuses %v, want two 200 and two 422", statuses)
	}
}

// BenchmarkBanklyIssue measures one partner certificate issuance (RSA-2048
// key generation, signing, PBKDF2 key encryption, storage) and its
// revocation, which keeps a slot free.
func BenchmarkBanklyIssue(b *testing.B) {
	h := apptest.Boot(b, apptest.Options{})
	var sb sandbox.SandboxBankly
	if err := json.Unmarshal(h.Sandbox.Bankly, &sb); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	caller := &partner.Caller{CompanyKey: sb.CompanyKey, Claims: &oauth.Claims{Scope: partner.ScopeCertificateCreate}}
	b.ResetTimer()
	for b.Loop() {
		out, err := h.App.Partner.Issue(ctx, caller, sb.CompanyKey, partner.IssueRequest{Passphrase: strongPassphrase})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.App.Partner.Revoke(ctx, caller, sb.CompanyKey, out.Certificate.UUID); err != nil {
			b.Fatal(err)
		}
	}
}
