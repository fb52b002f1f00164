package auth_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/pixapi"
)

// jwtClaims decodes a JWT's payload without verifying it (the client's view).
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a compact JWS", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func thumbprint(der []byte) string {
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// problem decodes a problem+json body, or the first element of Sicredi's
// one-element array form.
func problem(t *testing.T, body []byte) pixapi.Problem {
	t.Helper()
	var p pixapi.Problem
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
		var list []pixapi.Problem
		if err := json.Unmarshal(body, &list); err != nil || len(list) != 1 {
			t.Fatalf("body %s: want a one-element array of problems (%v)", body, err)
		}
		return list[0]
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("body %s is not a problem: %v", body, err)
	}
	return p
}

func TestTokenIsBoundToTheCertificate(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	cert := h.DemoCertificate()
	resp, body := apptest.Do(t, h.Client(&cert), apptest.TokenRequest(t, h, h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret, "cob.read+cob.write"))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var tok pixapi.Token
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatal(err)
	}
	if got, want := tok.TokenType, "bearer"; got != want {
		t.Errorf("token_type = %q, want %q", got, want)
	}
	if got, want := tok.ExpiresIn, 3600; got != want {
		t.Errorf("expires_in = %d, want %d", got, want)
	}
	if got, want := tok.Scope, "cob.read cob.write"; got != want {
		t.Errorf("scope = %q, want %q", got, want)
	}
	if tok.JTI == "" {
		t.Error("jti missing")
	}
	c := jwtClaims(t, tok.AccessToken)
	cnf, _ := c["cnf"].(map[string]any)
	if got, want := cnf["x5t#S256"], thumbprint(cert.Leaf.Raw); got != want {
		t.Errorf("cnf.x5t#S256 = %v, want the certificate's SHA-256 thumbprint %v", got, want)
	}
	if c["jti"] != tok.JTI || c["scope"] != "cob.read cob.write" || c["exp"] == nil {
		t.Errorf("claims %v do not carry jti, scope and exp", c)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store (RFC 6749 §5.1)", got)
	}
}

func TestTokenScopeForms(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	cert := h.DemoCertificate()
	c := h.Client(&cert)
	id, secret := h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret
	tests := []struct {
		name        string
		contentType string
		body        string
		wantScope   string
	}{
		{"form with plus", "application/x-www-form-urlencoded", "grant_type=client_credentials&scope=cob.read%2Bpix.read", "cob.read pix.read"},
		{"form with spaces", "application/x-www-form-urlencoded", "grant_type=client_credentials&scope=cob.read+pix.read", "cob.read pix.read"},
		{"json string", "application/json", `{"grant_type":"client_credentials","scope":"webhook.read webhook.write"}`, "webhook.read webhook.write"},
		{"json array", "application/json; charset=utf-8", `{"grant_type":"client_credentials","scope":["cobv.read"]}`, "cobv.read"},
		{"no scope grants all", "application/x-www-form-urlencoded", "grant_type=client_credentials", strings.Join(sortedPixScopes(), " ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", h.APIURL()+"/oauth/token", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			req.SetBasicAuth(id, secret)
			resp, body := apptest.Do(t, c, req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var tok pixapi.Token
			_ = json.Unmarshal(body, &tok)
			if tok.Scope != tt.wantScope {
				t.Errorf("scope = %q, want %q", tok.Scope, tt.wantScope)
			}
		})
	}
}

func sortedPixScopes() []string {
	s := append([]string(nil), oauth.PixScopes...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// TestDocumentedErrors reproduces every error of seed 000 Anexo III that the
// token endpoint and the resource server answer, with its status and body.
func TestDocumentedErrors(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	ctx := context.Background()
	demo := h.DemoCertificate()
	id, secret := h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret
	withDemo := h.Client(&demo)

	// A second credential of the demo recebedor with no scopes at all.
	noScope, noScopeSecret := oauth.NewClientID(), oauth.NewSecret()
	if err := h.App.Store.CreateCredential(ctx, &oauth.Credential{ClientID: noScope, SecretHash: h.App.Hasher.Hash(noScopeSecret),
		Kind: oauth.KindPix, Owner: h.Sandbox.Pix.CNPJ, Thumbprints: []string{pki.Thumbprint(demo.Leaf)},
		Status: oauth.CredentialActive, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	other := h.IssueClientCertificate("outro-certificado", time.Hour)

	t.Run("NoClientCertificate/403AccessDeniedPage", func(t *testing.T) {
		resp, body := apptest.Do(t, h.Client(nil), apptest.TokenRequest(t, h, id, secret, ""))
		if resp.StatusCode != 403 {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
		for _, want := range []string{"<TITLE>Access Denied</TITLE>", "<H1>Access Denied</H1>", "You don't have permission to access", "&#47;oauth&#47;token", "on this server.<P>", "Reference&#32;&#35;18&#46;"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("body lacks %q:\n%s", want, body)
			}
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type = %q, want text/html", ct)
		}
	})
	t.Run("NoClientCertificate/ResourceAlso403", func(t *testing.T) {
		req, _ := http.NewRequest("GET", h.APIURL()+"/api/v2/cob/abc", nil)
		resp, body := apptest.Do(t, h.Client(nil), req)
		if resp.StatusCode != 403 || !strings.Contains(string(body), "Access Denied") {
			t.Fatalf("status %d body %s, want the 403 Access Denied page", resp.StatusCode, body)
		}
	})
	t.Run("WrongSecret/403FullAuthentication", func(t *testing.T) {
		for _, tc := range []struct{ id, secret string }{{id, "errado"}, {"desconhecido", secret}, {"", ""}} {
			resp, body := apptest.Do(t, withDemo, apptest.TokenRequest(t, h, tc.id, tc.secret, ""))
			p := problem(t, body)
			if resp.StatusCode != 403 || p.Status != 403 || p.Type != pixapi.ErrorTypeBase+"AcessoNegado" || p.Title != "Acesso Negado" ||
				p.Detail != "Full authentication is required to access this resource" {
				t.Errorf("%q: status %d body %s", tc.id, resp.StatusCode, body)
			}
			if bytes.HasPrefix(body, []byte("[")) {
				t.Errorf("the 403 body is an object in the seed, got an array: %s", body)
			}
		}
	})
	t.Run("NoScopes/400EscopoVazio", func(t *testing.T) {
		resp, body := apptest.Do(t, withDemo, apptest.TokenRequest(t, h, noScope, noScopeSecret, "cob.read"))
		p := problem(t, body)
		if resp.StatusCode != 400 || p.Type != pixapi.ErrorTypeBase+"RequisicaoInvalida" || p.Title != "Requisição inválida." ||
			p.Detail != "Escopo vazio (o usuário não tem permissão para solicitar escopos)" {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
		if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
			t.Errorf("Sicredi answers this error as a one-element array; got %s", body)
		}
	})
	t.Run("ScopeNotGranted/400EscopoNegado", func(t *testing.T) {
		resp, body := apptest.Do(t, withDemo, apptest.TokenRequest(t, h, id, secret, "cob.read rec.read"))
		p := problem(t, body)
		if resp.StatusCode != 400 || p.Type != pixapi.ErrorTypeBase+"RequisicaoInvalida" ||
			p.Detail != "Escopo negado (o usuário não tem acesso ao escopo solicitado): rec.read" {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
	t.Run("CertificateNotBound/400Thumbprint", func(t *testing.T) {
		resp, body := apptest.Do(t, h.Client(&other), apptest.TokenRequest(t, h, id, secret, ""))
		p := problem(t, body)
		if resp.StatusCode != 400 || p.Type != pixapi.ErrorTypeBase+"RequisicaoInvalida" ||
			!strings.Contains(p.Detail, "Thumbprint") || !strings.Contains(p.Detail, pki.Thumbprint(other.Leaf)) {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
	// A token obtained with the demo certificate.
	_, body := apptest.Do(t, withDemo, apptest.TokenRequest(t, h, id, secret, ""))
	var tok pixapi.Token
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %s", body)
	}
	get := func(c *http.Client, bearer string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", h.APIURL()+"/api/v2/cob/abcdefghijklmnopqrstuvwxyz123", nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		return apptest.Do(t, c, req)
	}
	t.Run("TokenWithAnotherCertificate/400Thumbprint", func(t *testing.T) {
		resp, body := get(h.Client(&other), tok.AccessToken)
		p := problem(t, body)
		if resp.StatusCode != 400 || p.Type != pixapi.ErrorTypeBase+"RequisicaoInvalida" || !strings.Contains(p.Detail, "Thumbprint") {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
	t.Run("MalformedBearer/401CannotConvert", func(t *testing.T) {
		for _, bearer := range []string{"garbage", tok.AccessToken[:len(tok.AccessToken)-4] + "AAAA", "a.b.c", strings.Replace(tok.AccessToken, ".", ".x", 1)} {
			resp, body := get(withDemo, bearer)
			p := problem(t, body)
			if resp.StatusCode != 401 || p.Detail != "Cannot convert access token to JSON" {
				t.Errorf("bearer %.12q: status %d body %s", bearer, resp.StatusCode, body)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
			}
		}
	})
	t.Run("NoBearer/401", func(t *testing.T) {
		resp, body := get(withDemo, "")
		if p := problem(t, body); resp.StatusCode != 401 || p.Detail != "Full authentication is required to access this resource" {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
	t.Run("ValidToken/UnknownResource404", func(t *testing.T) {
		for _, prefix := range []string{"/api/v2", "/v2"} {
			req, _ := http.NewRequest("GET", h.APIURL()+prefix+"/naoexiste", nil)
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			resp, body := apptest.Do(t, withDemo, req)
			p := problem(t, body)
			if resp.StatusCode != 404 || p.Type != pixapi.ErrorTypeBase+"NaoEncontrado" || p.Title != "Não Encontrado" || p.Detail != "Entidade não encontrada." {
				t.Errorf("%s: status %d body %s", prefix, resp.StatusCode, body)
			}
		}
	})
	t.Run("UnknownRoute/404NaoEncontrado", func(t *testing.T) {
		req, _ := http.NewRequest("GET", h.APIURL()+"/nada/aqui", nil)
		resp, body := apptest.Do(t, h.Client(nil), req)
		if p := problem(t, body); resp.StatusCode != 404 || p.Type != pixapi.ErrorTypeBase+"NaoEncontrado" {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("Content-Type = %q", ct)
		}
	})
	t.Run("UnsupportedGrant/400", func(t *testing.T) {
		req, _ := http.NewRequest("POST", h.APIURL()+"/oauth/token", strings.NewReader("grant_type=password"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(id, secret)
		resp, body := apptest.Do(t, withDemo, req)
		if p := problem(t, body); resp.StatusCode != 400 || !strings.Contains(p.Detail, "password") {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
	t.Run("BrokenJSON/400", func(t *testing.T) {
		req, _ := http.NewRequest("POST", h.APIURL()+"/oauth/token", strings.NewReader(`{"grant_type":`))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(id, secret)
		resp, body := apptest.Do(t, withDemo, req)
		if p := problem(t, body); resp.StatusCode != 400 || p.Type != pixapi.ErrorTypeBase+"RequisicaoInvalida" {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
	t.Run("BodyTooLarge/413", func(t *testing.T) {
		big := "grant_type=client_credentials&scope=" + strings.Repeat("a", 2<<20)
		req, _ := http.NewRequest("POST", h.APIURL()+"/oauth/token", strings.NewReader(big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(id, secret)
		resp, body := apptest.Do(t, withDemo, req)
		if resp.StatusCode != 413 {
			t.Errorf("status %d body %.200s", resp.StatusCode, body)
		}
	})
}

func TestRejectedClientCertificates(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	id, secret := h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret
	expired := h.IssueClientCertificate("expirado", time.Minute)
	h.App.SandboxClock.Advance(10 * time.Minute) // the demo certificate is valid for 2 years
	selfSigned := apptest.SelfSignedClient(t)
	demo := h.DemoCertificate()
	resp, body := apptest.Do(t, h.Client(&demo), apptest.TokenRequest(t, h, id, secret, ""))
	if resp.StatusCode != 200 {
		t.Fatalf("the demo certificate must still work: %d %s", resp.StatusCode, body)
	}
	for name, cert := range map[string]tls.Certificate{"Expired": expired, "SelfSigned": selfSigned} {
		t.Run(name, func(t *testing.T) {
			resp, body := apptest.Do(t, h.Client(&cert), apptest.TokenRequest(t, h, id, secret, ""))
			if resp.StatusCode != 403 || !strings.Contains(string(body), "Access Denied") {
				t.Errorf("status %d body %s, want the 403 Access Denied page", resp.StatusCode, body)
			}
		})
	}
}

func TestTLS11Refused(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	u, _ := url.Parse(h.APIURL())
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: h.Roots, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
	if err == nil {
		conn.Close()
		t.Fatal("a TLS 1.1 handshake succeeded; the minimum is TLS 1.2")
	}
}

// TestIndependentClient obtains a token with golang.org/x/oauth2's
// clientcredentials over mutual TLS and uses it.
func TestIndependentClient(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	cert := h.DemoCertificate()
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, h.Client(&cert))
	cc := clientcredentials.Config{
		ClientID: h.Sandbox.Pix.ClientID, ClientSecret: h.Sandbox.Pix.ClientSecret,
		TokenURL: h.APIURL() + "/oauth/token", Scopes: []string{"cob.read", "cob.write"},
		AuthStyle: oauth2.AuthStyleInHeader,
	}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "bearer") || time.Until(tok.Expiry) < 59*time.Minute {
		t.Fatalf("token %+v", tok)
	}
	if got := tok.Extra("scope"); got != "cob.read cob.write" {
		t.Errorf("scope = %v", got)
	}
	// The token authenticates on the resource server (404: no such charge
	// resource yet, but past authentication).
	req, _ := http.NewRequest("GET", h.APIURL()+"/api/v2/naoexiste", nil)
	tok.SetAuthHeader(req)
	resp, body := apptest.Do(t, h.Client(&cert), req)
	if resp.StatusCode != 404 {
		t.Errorf("status %d body %s", resp.StatusCode, body)
	}
}

func TestSDKTokenSource(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := h.PixClient()
	ctx := context.Background()
	var wg sync.WaitGroup
	toks := make([]string, 20)
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := c.Token(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			toks[i] = tok.AccessToken
		}()
	}
	wg.Wait()
	for _, tk := range toks {
		if tk != toks[0] {
			t.Fatal("concurrent callers got different tokens: the SDK fetched more than once")
		}
	}
	err := c.Do(ctx, "GET", "/api/v2/naoexiste", nil, nil)
	if !errors.Is(err, pixapi.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

// TestExpiryAndRevocation moves the sandbox clock past the token lifetime,
// and revokes a credential and a certificate: each takes effect at once.
func TestExpiryAndRevocation(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	ctx := context.Background()
	cert := h.DemoCertificate()
	c := h.Client(&cert)
	token := func() string {
		_, body := apptest.Do(t, c, apptest.TokenRequest(t, h, h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret, ""))
		var tok pixapi.Token
		if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
			t.Fatalf("token: %s", body)
		}
		return tok.AccessToken
	}
	use := func(tok string) (int, pixapi.Problem) {
		req, _ := http.NewRequest("GET", h.APIURL()+"/api/v2/naoexiste", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, body := apptest.Do(t, c, req)
		if resp.StatusCode == 403 && !bytes.HasPrefix(body, []byte("{")) {
			return 403, pixapi.Problem{Detail: string(body)}
		}
		return resp.StatusCode, problem(t, body)
	}
	tok := token()
	if st, p := use(tok); st != 404 {
		t.Fatalf("fresh token: %d %+v", st, p)
	}
	t.Run("Expired", func(t *testing.T) {
		h.App.SandboxClock.Advance(3601 * time.Second)
		if st, p := use(tok); st != 401 || p.Detail != "Access token expired" {
			t.Errorf("after 3601 s: %d %+v", st, p)
		}
		tok = token() // a new token on the moved clock works
		if st, p := use(tok); st != 404 {
			t.Errorf("new token: %d %+v", st, p)
		}
	})
	t.Run("CredentialRevoked", func(t *testing.T) {
		if err := h.App.Store.SetCredentialStatus(ctx, h.Sandbox.Pix.ClientID, oauth.CredentialRevoked, time.Now()); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Second)
		st, p := use(tok)
		for st != 401 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			st, p = use(tok)
		}
		if st != 401 || p.Detail != "Invalid access token" {
			t.Errorf("1 s after revoking the credential: %d %+v", st, p)
		}
		resp, body := apptest.Do(t, c, apptest.TokenRequest(t, h, h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret, ""))
		if resp.StatusCode != 403 {
			t.Errorf("token for a revoked credential: %d %s", resp.StatusCode, body)
		}
		if err := h.App.Store.SetCredentialStatus(ctx, h.Sandbox.Pix.ClientID, oauth.CredentialActive, time.Time{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("CertificateRevoked", func(t *testing.T) {
		if err := h.App.Store.RevokeCertificate(ctx, cert.Leaf.SerialNumber.Text(16), "keyCompromise", time.Now()); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Second)
		st, p := use(tok)
		for st != 403 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			st, p = use(tok)
		}
		if st != 403 || !strings.Contains(p.Detail, "Access Denied") {
			t.Errorf("1 s after revoking the certificate: %d %+v", st, p)
		}
	})
}

// TestRestartKeepsEverything stops the app and boots a new one on the same
// data directory: the CA, the credential and sandbox.json keep working.
func TestRestartKeepsEverything(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var first pixapi.Sandbox
	var root []byte
	func() {
		h := apptest.Boot(t, apptest.Options{Dir: dir})
		first = *h.Sandbox
		root = h.App.CA.Root.Raw
	}()
	h := apptest.Boot(t, apptest.Options{Dir: dir})
	if !bytes.Equal(h.App.CA.Root.Raw, root) {
		t.Error("the CA changed across a restart")
	}
	if h.Sandbox.Pix.ClientID != first.Pix.ClientID || h.Sandbox.Pix.ClientSecret != first.Pix.ClientSecret || h.Sandbox.AdminToken != first.AdminToken {
		t.Error("the demo credential or admin token changed across a restart")
	}
	if _, err := h.PixClient().Token(context.Background()); err != nil {
		t.Fatalf("token after restart: %v", err)
	}
}

// TestResetStartsOver boots twice on one directory, the second time with
// --reset: a new CA and new credentials, and the old ones are gone.
func TestResetStartsOver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var firstID string
	var firstRoot []byte
	func() {
		h := apptest.Boot(t, apptest.Options{Dir: dir})
		firstID, firstRoot = h.Sandbox.Pix.ClientID, h.App.CA.Root.Raw
	}()
	h := apptest.Boot(t, apptest.Options{Dir: dir, Configure: func(c *config.Config) { c.Reset = true }})
	if h.Sandbox.Pix.ClientID == firstID || bytes.Equal(h.App.CA.Root.Raw, firstRoot) {
		t.Error("--reset kept the old credential or CA")
	}
	if _, err := h.App.Store.Credential(context.Background(), firstID); err == nil {
		t.Error("--reset kept the old credential in the database")
	}
	if _, err := h.PixClient().Token(context.Background()); err != nil {
		t.Errorf("token after --reset: %v", err)
	}
}
