package partners_test

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/api/bankinghttp"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/sandbox"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
)

func bankingSandbox(t *testing.T, h *apptest.Harness) (sandbox.SandboxBanking, tls.Certificate) {
	t.Helper()
	var sb sandbox.SandboxBanking
	if err := json.Unmarshal(h.Sandbox.Banking, &sb); err != nil || sb.ClientID == "" || sb.AccountID == "" {
		t.Fatalf("sandbox.json banking block %s: %v", h.Sandbox.Banking, err)
	}
	c, err := tls.LoadX509KeyPair(sb.CertFile, sb.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	return sb, c
}

// tokenV2 calls POST /public/gw_banking/v1/auth/token-v2 presenting cert.
func tokenV2(t *testing.T, h *apptest.Harness, cert *tls.Certificate, clientID, secret string) (int, map[string]any, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"client_id": clientID, "client_secret": secret, "grant_type": "client_credentials"})
	req, _ := http.NewRequest("POST", h.APIURL()+"/public/gw_banking/v1/auth/token-v2", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, b := apptest.Do(t, forcedClient(t, h, cert), req)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m, b
}

func balance(t *testing.T, h *apptest.Harness, cert *tls.Certificate, account, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", h.APIURL()+"/public/gw_banking/v1/accounts/"+account+"/balance", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, b := apptest.Do(t, forcedClient(t, h, cert), req)
	return resp.StatusCode, b
}

// wantBankingError asserts {"status", "message"} with the seed's message.
func wantBankingError(t *testing.T, what string, status int, body []byte, wantStatus int, wantMsg string) {
	t.Helper()
	var e bankinghttp.ErrorBody
	if status != wantStatus || json.Unmarshal(body, &e) != nil || e.Status != wantStatus || e.Message != wantMsg {
		t.Errorf("%s: got %d %s, want %d %q", what, status, body, wantStatus, wantMsg)
	}
}

// admin calls the banking provisioning API with the sandbox admin token.
func admin(t *testing.T, h *apptest.Harness, method, path string, body any, out any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, h.APIURL()+"/admin/v1/banking"+path, rd)
	req.Header.Set("Authorization", "Bearer "+h.Sandbox.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, b := apptest.Do(t, h.Client(nil), req)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %s", method, path, b)
		}
	}
	return resp.StatusCode
}

// TestBankingTokenV2 walks seed 002 with the sandbox's demo credential: the
// token only with credential, bound certificate and allowed IP; the balance
// only with the certificate the token was issued to; and each documented
// error.
func TestBankingTokenV2(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb, cert := bankingSandbox(t, h)
	if sb.AccountID != "123" {
		t.Errorf("demo account %q, want 123 (the seed's example)", sb.AccountID)
	}
	status, tok, raw := tokenV2(t, h, &cert, sb.ClientID, sb.ClientSecret)
	if status != 200 || len(tok) != 3 || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) || tok["access_token"] == "" {
		t.Fatalf("token-v2: %d %s, want exactly {access_token, token_type: Bearer, expires_in: 3600}", status, raw)
	}
	access := tok["access_token"].(string)
	st, b := balance(t, h, &cert, sb.AccountID, access)
	var bal bankinghttp.BalanceResponse
	if st != 200 || json.Unmarshal(b, &bal) != nil || bal.AccountID != "123" || bal.Available != "15000.00" || bal.Currency != "BRL" {
		t.Fatalf("balance: %d %s", st, b)
	}

	// A second certificate bound to the same credential (rotation): it gets
	// its own token, but may not use the first one's.
	var c2 bankinghttp.CertificateJSON
	if st := admin(t, h, "POST", "/accounts/123/certificates", map[string]any{}, &c2); st != 201 || c2.PrivateKey == "" {
		t.Fatalf("issue a second certificate: %d", st)
	}
	second, err := tls.X509KeyPair([]byte(c2.Certificate), []byte(c2.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	if st, _, raw := tokenV2(t, h, &second, sb.ClientID, sb.ClientSecret); st != 401 {
		t.Errorf("token-v2 with an unbound certificate: %d %s", st, raw)
	} else {
		wantBankingError(t, "unbound certificate", st, raw, 401, "Invalid Client Certificate")
	}
	if st := admin(t, h, "PUT", "/credentials/"+sb.ClientID+"/certificates/"+c2.Thumbprint, nil, nil); st != 200 {
		t.Fatalf("bind: %d", st)
	}
	if st, _, raw := tokenV2(t, h, &second, sb.ClientID, sb.ClientSecret); st != 200 {
		t.Fatalf("token-v2 with the second bound certificate: %d %s", st, raw)
	}
	st, b = balance(t, h, &second, sb.AccountID, access)
	wantBankingError(t, "balance with another certificate than the token's", st, b, 401, "Invalid Client Certificate")

	// A third active certificate cannot be bound; unbinding one frees the place.
	var c3 bankinghttp.CertificateJSON
	if st := admin(t, h, "POST", "/accounts/123/certificates", map[string]any{"passphrase": "segredo"}, &c3); st != 201 ||
		!strings.Contains(c3.PrivateKey, "ENCRYPTED PRIVATE KEY") {
		t.Fatalf("issue a third certificate: %d", st)
	}
	if st := admin(t, h, "PUT", "/credentials/"+sb.ClientID+"/certificates/"+c3.Thumbprint, nil, nil); st != 422 {
		t.Errorf("binding a third active certificate: %d, want 422", st)
	}
	if st := admin(t, h, "DELETE", "/credentials/"+sb.ClientID+"/certificates/"+c2.Thumbprint, nil, nil); st != 200 {
		t.Fatalf("unbind: %d", st)
	}
	if st := admin(t, h, "PUT", "/credentials/"+sb.ClientID+"/certificates/"+c3.Thumbprint, nil, nil); st != 200 {
		t.Errorf("binding after an unbind: %d", st)
	}

	t.Run("Errors", func(t *testing.T) {
		pixDemo := h.DemoCertificate()
		selfSigned := apptest.SelfSignedClient(t)
		for _, tc := range []struct {
			name       string
			cert       *tls.Certificate
			id, secret string
			status     int
			msg        string
		}{
			{"WrongSecret", &cert, sb.ClientID, "errado", 401, "Invalid Credentials"},
			{"UnknownClient", &cert, "naoexiste", sb.ClientSecret, 401, "Invalid Credentials"},
			{"PixCredential", &cert, h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret, 401, "Invalid Credentials"},
			{"NoCertificate", nil, sb.ClientID, sb.ClientSecret, 401, "Invalid Client Certificate"},
			{"CertificateNotBound", &pixDemo, sb.ClientID, sb.ClientSecret, 401, "Invalid Client Certificate"},
			{"CertificateOfAnotherChain", &selfSigned, sb.ClientID, sb.ClientSecret, 401, "Invalid Client Certificate"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				st, _, raw := tokenV2(t, h, tc.cert, tc.id, tc.secret)
				wantBankingError(t, tc.name, st, raw, tc.status, tc.msg)
			})
		}
		st, b := balance(t, h, &cert, sb.AccountID, "")
		wantBankingError(t, "balance without a token", st, b, 401, "Unauthorized")
		st, b = balance(t, h, &cert, "999", access)
		wantBankingError(t, "another account", st, b, 404, "Account not found")
	})

	t.Run("SourceIPNotAllowed", func(t *testing.T) {
		if st := admin(t, h, "PUT", "/credentials/"+sb.ClientID+"/allowed-cidrs", map[string]any{"allowed_cidrs": []string{"10.0.0.0/8"}}, nil); st != 200 {
			t.Fatalf("set allowed cidrs: %d", st)
		}
		st, _, raw := tokenV2(t, h, &cert, sb.ClientID, sb.ClientSecret)
		wantBankingError(t, "token-v2 from a source outside the allowlist", st, raw, 403, "Forbidden")
		stb, b := balance(t, h, &cert, sb.AccountID, access)
		wantBankingError(t, "balance from a source outside the allowlist", stb, b, 403, "Forbidden")
		if st := admin(t, h, "PUT", "/credentials/"+sb.ClientID+"/allowed-cidrs", map[string]any{"allowed_cidrs": []string{"127.0.0.1"}}, nil); st != 200 {
			t.Fatalf("set allowed cidrs: %d", st)
		}
		if st, _, raw := tokenV2(t, h, &cert, sb.ClientID, sb.ClientSecret); st != 200 {
			t.Errorf("token-v2 after allowing 127.0.0.1: %d %s", st, raw)
		}
	})

	t.Run("RevokedCertificate", func(t *testing.T) {
		if st := admin(t, h, "POST", "/certificates/"+c3.Thumbprint+"/revoke", nil, nil); st != 200 {
			t.Fatalf("revoke: %d", st)
		}
		third, err := tls.X509KeyPair([]byte(c3.Certificate), mustDecryptPEM(t, c3.PrivateKey, "segredo"))
		if err != nil {
			t.Fatal(err)
		}
		st, _, raw := tokenV2(t, h, &third, sb.ClientID, sb.ClientSecret)
		wantBankingError(t, "revoked certificate", st, raw, 401, "Invalid Client Certificate")
	})

	t.Run("RevokedCredential", func(t *testing.T) {
		if st := admin(t, h, "DELETE", "/credentials/"+sb.ClientID, nil, nil); st != 200 {
			t.Fatalf("revoke: %d", st)
		}
		st, _, raw := tokenV2(t, h, &cert, sb.ClientID, sb.ClientSecret)
		wantBankingError(t, "revoked credential", st, raw, 401, "Invalid Credentials")
		stb, b := balance(t, h, &cert, sb.AccountID, access)
		wantBankingError(t, "balance with a revoked credential's token", stb, b, 401, "Unauthorized")
	})
}

func mustDecryptPEM(t *testing.T, keyPEM, pass string) []byte {
	t.Helper()
	key, err := pki.DecryptPKCS8PEM([]byte(keyPEM), []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	out, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBankingProvisioning provisions a new account through the admin API as
// the seed's CORE steps list them (certificate, credential, IPs, binding,
// secret shown once), with a certificate from a CSR and one registered as
// PEM, and uses the result.
func TestBankingProvisioning(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	req, _ := http.NewRequest("POST", h.APIURL()+"/admin/v1/banking/accounts", strings.NewReader(`{}`))
	if resp, _ := apptest.Do(t, h.Client(nil), req); resp.StatusCode != 401 {
		t.Errorf("admin API without the admin token: %d, want 401", resp.StatusCode)
	}
	if st := admin(t, h, "POST", "/accounts", map[string]any{"account_id": "456", "holder": "LOJA EXEMPLO LTDA", "balance": "10.50"}, nil); st != 201 {
		t.Fatalf("create account: %d", st)
	}
	if st := admin(t, h, "POST", "/accounts", map[string]any{"account_id": "456", "holder": "X"}, nil); st != 400 {
		t.Errorf("duplicate account: %d, want 400", st)
	}
	// A certificate from a CSR: the key never leaves the client.
	key, err := pki.GenerateKey(rand.Reader, pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := pki.CreateCSR(key, pkix.Name{CommonName: "loja.example", Organization: []string{"LOJA EXEMPLO LTDA"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var fromCSR bankinghttp.CertificateJSON
	if st := admin(t, h, "POST", "/accounts/456/certificates", map[string]any{"csr": string(csr)}, &fromCSR); st != 201 || fromCSR.PrivateKey != "" {
		t.Fatalf("sign CSR: %d", st)
	}
	leafs, err := pki.ParseCertificates([]byte(fromCSR.Certificate))
	if err != nil {
		t.Fatal(err)
	}
	csrCert := apptest.TLSCert(leafs[0], key, h.App.CA)
	// A certificate registered as PEM (issued elsewhere by the brasa CA).
	other := h.IssueClientCertificate("registrado.example", 24*time.Hour)
	var registered bankinghttp.CertificateJSON
	if st := admin(t, h, "POST", "/accounts/456/certificates", map[string]any{"certificate": string(pki.EncodeCertificatesPEM(other.Leaf))}, &registered); st != 201 {
		t.Fatalf("register: %d", st)
	}
	if st := admin(t, h, "POST", "/accounts/456/certificates", map[string]any{"certificate": string(pki.EncodeCertificatesPEM(apptest.SelfSignedClient(t).Leaf))}, nil); st != 400 {
		t.Errorf("registering a certificate of another chain: %d, want 400", st)
	}
	var cred bankinghttp.CredentialJSON
	if st := admin(t, h, "POST", "/credentials", map[string]any{"account_id": "456", "allowed_cidrs": []string{"127.0.0.1", "::1"},
		"certificates": []string{fromCSR.Thumbprint}}, &cred); st != 201 || cred.ClientSecret == "" {
		t.Fatalf("create credential: %d", st)
	}
	if st := admin(t, h, "POST", "/credentials", map[string]any{"account_id": "456", "allowed_cidrs": []string{"não é ip"}}, nil); st != 400 {
		t.Errorf("bad CIDR: %d, want 400", st)
	}
	var shown bankinghttp.CredentialJSON
	if st := admin(t, h, "GET", "/credentials/"+cred.ClientID, nil, &shown); st != 200 || shown.ClientSecret != "" ||
		strings.Join(shown.AllowedCIDRs, ",") != "127.0.0.1/32,::1/128" {
		t.Errorf("credential shown later: %d %+v (the secret is shown once only)", st, shown)
	}
	st, tok, raw := tokenV2(t, h, &csrCert, cred.ClientID, cred.ClientSecret)
	if st != 200 {
		t.Fatalf("token-v2 with the CSR's certificate: %d %s", st, raw)
	}
	stb, b := balance(t, h, &csrCert, "456", tok["access_token"].(string))
	if stb != 200 || !strings.Contains(string(b), `"available":"10.50"`) {
		t.Errorf("balance: %d %s", stb, b)
	}
	stb, b = balance(t, h, &csrCert, "123", tok["access_token"].(string))
	wantBankingError(t, "another holder's account", stb, b, 404, "Account not found")
	if st := admin(t, h, "PUT", "/credentials/"+cred.ClientID+"/certificates/"+registered.Thumbprint, nil, nil); st != 200 {
		t.Fatalf("bind the registered certificate: %d", st)
	}
	if st, _, raw := tokenV2(t, h, &other, cred.ClientID, cred.ClientSecret); st != 200 {
		t.Errorf("token-v2 with the registered certificate: %d %s", st, raw)
	}
	// Binding concurrently cannot exceed two active certificates.
	var extra []string
	for range 3 {
		var c bankinghttp.CertificateJSON
		if st := admin(t, h, "POST", "/accounts/456/certificates", map[string]any{}, &c); st != 201 {
			t.Fatalf("issue: %d", st)
		}
		extra = append(extra, c.Thumbprint)
	}
	if st := admin(t, h, "DELETE", "/credentials/"+cred.ClientID+"/certificates/"+registered.Thumbprint, nil, nil); st != 200 {
		t.Fatal(st)
	}
	var wg sync.WaitGroup
	codes := make([]int, len(extra))
	for i, th := range extra {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = admin(t, h, "PUT", "/credentials/"+cred.ClientID+"/certificates/"+th, nil, nil)
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == 200 {
			ok++
		}
	}
	if ok != 1 {
		t.Errorf("three concurrent binds with one place left: %v, want exactly one 200", codes)
	}
}

// TestPostgresBankingAndPartnerRevocation: on two instances sharing one
// PostgreSQL, a partner certificate revoked through one is refused by the
// other within 1 s, and so are a revoked banking credential and a revoked
// banking certificate.
func TestPostgresBankingAndPartnerRevocation(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	masterHex := strings.Repeat("5b", 32)
	same := func(c *config.Config) { c.MasterKeyHex = masterHex }
	a := apptest.Boot(t, apptest.Options{DB: dsn, Configure: same})
	b := apptest.Boot(t, apptest.Options{DB: dsn, Configure: same})

	within := func(what string, check func() bool) {
		t.Helper()
		deadline := time.Now().Add(time.Second)
		for !check() {
			if time.Now().After(deadline) {
				t.Errorf("%s: not in effect on the other instance after 1 s", what)
				return
			}
			time.Sleep(25 * time.Millisecond)
		}
	}

	// Bankly: a partner certificate issued on a, used on b, revoked on a.
	sbk := banklySandbox(t, a)
	tok := legacyToken(t, a, sbk.ClientID, sbk.ClientSecret)
	resp, body := issuePartnerCert(t, a, sbk.CompanyKey, tok, map[string]any{"passphrase": strongPassphrase})
	var got banklyIssued
	if resp.StatusCode != 200 || json.Unmarshal(body, &got) != nil {
		t.Fatalf("issue: %d %s", resp.StatusCode, body)
	}
	pc := partnerTLS(t, got)
	if resp, body := me(t, b, &pc); resp.StatusCode != 200 {
		t.Fatalf("partner certificate on b: %d %s", resp.StatusCode, body)
	}
	resp, body = apptest.Do(t, a.Client(nil), banklyReq(t, a, "DELETE", "/partners/"+sbk.CompanyKey+"/certificates/"+got.UUID, tok, nil))
	if resp.StatusCode != 200 {
		t.Fatalf("revoke on a: %d %s", resp.StatusCode, body)
	}
	within("partner certificate revocation", func() bool {
		resp, body := me(t, b, &pc)
		return resp.StatusCode == 403 && strings.Contains(string(body), "CLIENT_CERTIFICATE_WAS_REVOKED")
	})

	// Bankly: the legacy client revoked through a's store; b refuses its token within 1 s.
	if err := a.App.Store.SetCredentialStatus(t.Context(), sbk.ClientID, oauth.CredentialRevoked, time.Now()); err != nil {
		t.Fatal(err)
	}
	within("bankly legacy credential revocation", func() bool {
		resp, _ := apptest.Do(t, b.Client(nil), banklyReq(t, b, "GET", "/partners/"+sbk.CompanyKey+"/certificates", tok, nil))
		return resp.StatusCode == 401
	})

	// Banking: b's demo credential, token from b, revoked through a's admin API.
	sbb, cert := bankingSandbox(t, b)
	st, tk, raw := tokenV2(t, b, &cert, sbb.ClientID, sbb.ClientSecret)
	if st != 200 {
		t.Fatalf("token-v2 on b: %d %s", st, raw)
	}
	access := tk["access_token"].(string)
	if st, body := balance(t, a, &cert, sbb.AccountID, access); st != 200 {
		t.Fatalf("b's token on a: %d %s", st, body)
	}
	if st := admin(t, a, "DELETE", "/credentials/"+sbb.ClientID, nil, nil); st != 200 {
		t.Fatalf("revoke credential on a: %d", st)
	}
	within("banking credential revocation (token-v2)", func() bool {
		st, _, _ := tokenV2(t, b, &cert, sbb.ClientID, sbb.ClientSecret)
		return st == 401
	})
	within("banking credential revocation (balance)", func() bool {
		st, _ := balance(t, b, &cert, sbb.AccountID, access)
		return st == 401
	})

	// Banking certificate: a's demo credential on b, certificate revoked on a.
	sba, certA := bankingSandbox(t, a)
	if st, _, raw := tokenV2(t, b, &certA, sba.ClientID, sba.ClientSecret); st != 200 {
		t.Fatalf("a's credential on b: %d %s", st, raw)
	}
	if st := admin(t, a, "POST", "/certificates/"+pki.Thumbprint(certA.Leaf)+"/revoke", nil, nil); st != 200 {
		t.Fatalf("revoke certificate on a: %d", st)
	}
	within("banking certificate revocation", func() bool {
		st, _, _ := tokenV2(t, b, &certA, sba.ClientID, sba.ClientSecret)
		return st == 401
	})
}

// TestSandboxBanklyAndBankingBlocksSurviveRestart: a restarted sandbox keeps
// the bankly and banking blocks (and they keep working).
func TestSandboxBanklyAndBankingBlocksSurviveRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := apptest.Boot(t, apptest.Options{Dir: dir})
	bankly1, banking1 := banklySandbox(t, h), bankingSandboxBlock(t, h)
	h2 := apptest.Boot(t, apptest.Options{Dir: dir})
	if bankly2, banking2 := banklySandbox(t, h2), bankingSandboxBlock(t, h2); bankly2 != bankly1 || banking2 != banking1 {
		t.Errorf("blocks changed across a restart:\n%+v\n%+v\n%+v\n%+v", bankly1, bankly2, banking1, banking2)
	}
	sb, cert := bankingSandbox(t, h2)
	if st, _, raw := tokenV2(t, h2, &cert, sb.ClientID, sb.ClientSecret); st != 200 {
		t.Errorf("token-v2 after a restart: %d %s", st, raw)
	}
	sbk := banklySandbox(t, h2)
	legacyToken(t, h2, sbk.ClientID, sbk.ClientSecret)
}

func bankingSandboxBlock(t *testing.T, h *apptest.Harness) sandbox.SandboxBanking {
	t.Helper()
	sb, _ := bankingSandbox(t, h)
	return sb
}

// TestBankingServeModeAdminToken: in `brasa serve` the provisioning API
// takes banking.AdminToken(pepper) (what `brasa banking admin-token`
// prints), no demo data exists, and what it provisions works.
func TestBankingServeModeAdminToken(t *testing.T) {
	t.Parallel()
	a, _ := apptest.BootServe(t)
	ctx := t.Context()
	if _, err := a.Store.BankingAccount(ctx, "123"); !errs.Is(err, errs.ENotFound) {
		t.Errorf("serve mode created the demo account (err = %v)", err)
	}
	if _, err := a.Store.Partner(ctx, sandbox.DemoPartner.CompanyKey); !errs.Is(err, errs.ENotFound) {
		t.Errorf("serve mode created the demo partner (err = %v)", err)
	}
	blob, err := a.Store.Secret(ctx, "oauth/pepper")
	if err != nil {
		t.Fatal(err)
	}
	pepper, err := a.Sealer.Open(blob, []byte("brasa-oauth-pepper"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(a.CA.Root)
	client := func(cert *tls.Certificate) *http.Client {
		tc := &tls.Config{RootCAs: roots}
		if cert != nil {
			tc.Certificates = []tls.Certificate{*cert}
		}
		tr := &http.Transport{TLSClientConfig: tc}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	call := func(token, method, path string, body any, out any) int {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, a.Config.APIURL+"/admin/v1/banking"+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, rb := apptest.Do(t, client(nil), req)
		if out != nil && resp.StatusCode < 300 {
			if err := json.Unmarshal(rb, out); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}
	acct := map[string]any{"account_id": "001", "holder": "PRODUCAO LTDA", "balance": "1.00"}
	if st := call("sbx_nao", "POST", "/accounts", acct, nil); st != 401 {
		t.Errorf("a wrong admin token: %d, want 401", st)
	}
	token := banking.AdminToken(pepper)
	if st := call(token, "POST", "/accounts", acct, nil); st != 201 {
		t.Fatalf("create account: %d", st)
	}
	var c bankinghttp.CertificateJSON
	if st := call(token, "POST", "/accounts/001/certificates", map[string]any{}, &c); st != 201 {
		t.Fatalf("issue certificate: %d", st)
	}
	var cred bankinghttp.CredentialJSON
	if st := call(token, "POST", "/credentials", map[string]any{"account_id": "001", "allowed_cidrs": []string{"127.0.0.1"},
		"certificates": []string{c.Thumbprint}}, &cred); st != 201 {
		t.Fatalf("create credential: %d", st)
	}
	cert, err := tls.X509KeyPair([]byte(c.Certificate), []byte(c.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"client_id": cred.ClientID, "client_secret": cred.ClientSecret, "grant_type": "client_credentials"})
	req, _ := http.NewRequest("POST", a.Config.APIURL+"/public/gw_banking/v1/auth/token-v2", bytes.NewReader(body))
	if resp, b := apptest.Do(t, client(&cert), req); resp.StatusCode != 200 {
		t.Errorf("token-v2 in serve mode: %d %s", resp.StatusCode, b)
	}
}

// BenchmarkBankingTokenV2 measures token-v2 over kept-alive mTLS
// connections (client and server in one process), 8 goroutines.
func BenchmarkBankingTokenV2(b *testing.B) {
	h := apptest.Boot(b, apptest.Options{})
	var sb sandbox.SandboxBanking
	if err := json.Unmarshal(h.Sandbox.Banking, &sb); err != nil {
		b.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(sb.CertFile, sb.KeyFile)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"client_id": sb.ClientID, "client_secret": sb.ClientSecret, "grant_type": "client_credentials"})
	c := h.Client(&cert)
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = 8
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", h.APIURL()+"/public/gw_banking/v1/auth/token-v2", bytes.NewReader(body))
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// TestCurlBankingAndBankly drives both surfaces with curl, exactly as the
// README shows: token-v2 and the balance with the sandbox's files, and a
// Bankly certificate whose encrypted key curl opens with the passphrase.
func TestCurlBankingAndBankly(t *testing.T) {
	t.Parallel()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is needed for this test (apt-get install curl)")
	}
	h := apptest.Boot(t, apptest.Options{})
	sb, _ := bankingSandbox(t, h)
	run := func(args ...string) []byte {
		t.Helper()
		out, err := exec.Command(curl, append([]string{"-sS", "--cacert", h.Sandbox.CAFile}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	body := `{"client_id":"` + sb.ClientID + `","client_secret":"` + sb.ClientSecret + `","grant_type":"client_credentials"}`
	out := run("--cert", sb.CertFile, "--key", sb.KeyFile, "-H", "Content-Type: application/json", "-d", body,
		h.APIURL()+"/public/gw_banking/v1/auth/token-v2")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(out, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token-v2 through curl: %s", out)
	}
	out = run("--cert", sb.CertFile, "--key", sb.KeyFile, "-H", "Authorization: Bearer "+tok.AccessToken,
		h.APIURL()+"/public/gw_banking/v1/accounts/123/balance")
	if !strings.Contains(string(out), `"available":"15000.00"`) {
		t.Errorf("balance through curl: %s", out)
	}

	sbk := banklySandbox(t, h)
	out = run("-d", "grant_type=client_credentials", "-d", "scope=certificate.create", "-d", "client_id="+sbk.ClientID,
		"-d", "client_secret="+sbk.ClientSecret, h.APIURL()+"/connect/token")
	var lt struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(out, &lt); err != nil || lt.AccessToken == "" {
		t.Fatalf("legacy token through curl: %s", out)
	}
	out = run("-H", "api-version: 1", "-H", "Authorization: Bearer "+lt.AccessToken, "-H", "Content-Type: application/json",
		"-d", `{"passphrase":"`+strongPassphrase+`","ttlInDays":365}`, h.APIURL()+"/partners/"+sbk.CompanyKey+"/certificates")
	var got banklyIssued
	if err := json.Unmarshal(out, &got); err != nil || got.PrivateKey == "" {
		t.Fatalf("issuance through curl: %s", out)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "partner.pem"), filepath.Join(dir, "partner.key")
	if err := os.WriteFile(certFile, []byte(got.Certificate), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte(got.PrivateKey), 0o600); err != nil {
		t.Fatal(err)
	}
	out = run("--cert", certFile, "--key", keyFile, "--pass", strongPassphrase, h.APIURL()+"/partners/me")
	if !strings.Contains(string(out), `"companyKey":"`+sbk.CompanyKey+`"`) {
		t.Errorf("GET /partners/me through curl with the encrypted key: %s", out)
	}
}
