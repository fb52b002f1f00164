package oauth_test

import (
	"context"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
)

type memStore map[string]*oauth.Credential

func (m memStore) Credential(_ context.Context, id string) (*oauth.Credential, error) {
	if c, ok := m[id]; ok {
		cp := *c
		return &cp, nil
	}
	return nil, errs.New(errs.ENotFound, "no credential")
}

var key = []byte("0123456789abcdef0123456789abcdef")

type fixture struct {
	svc    *oauth.Service
	store  memStore
	clock  *clock.Offset
	secret string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	h := oauth.NewHasher([]byte("pepper-pepper-pepper-pepper-pepper"))
	signer, err := oauth.NewSigner("k1", key)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: memStore{}, clock: clock.NewOffset(clock.Func(func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }), 0), secret: "s3cr3t"}
	f.store["cli"] = &oauth.Credential{ClientID: "cli", SecretHash: h.Hash(f.secret), Kind: oauth.KindPix, Owner: "12345678000195",
		Scopes: []string{"cob.read", "cob.write", "pix.read"}, Thumbprints: []string{"tp-a"}, Status: oauth.CredentialActive}
	f.store["empty"] = &oauth.Credential{ClientID: "empty", SecretHash: h.Hash(f.secret), Kind: oauth.KindPix, Thumbprints: []string{"tp-a"}, Status: oauth.CredentialActive}
	f.store["bank"] = &oauth.Credential{ClientID: "bank", SecretHash: h.Hash(f.secret), Kind: oauth.KindBanking, Scopes: []string{"x"}, Thumbprints: []string{"tp-a"}, Status: oauth.CredentialActive}
	f.store["gone"] = &oauth.Credential{ClientID: "gone", SecretHash: h.Hash(f.secret), Kind: oauth.KindPix, Scopes: []string{"cob.read"}, Thumbprints: []string{"tp-a"}, Status: oauth.CredentialRevoked}
	f.svc = oauth.NewService(f.store, h, signer, f.clock)
	f.svc.SetCacheTTL(0) // every call reads the store
	return f
}

func (f *fixture) req(id, scope, tp string) oauth.TokenRequest {
	return oauth.TokenRequest{GrantType: "client_credentials", ClientID: id, ClientSecret: f.secret, Scope: scope, Thumbprint: tp, Kind: oauth.KindPix}
}

func TestClientCredentialsErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		req      oauth.TokenRequest
		wantCode string
		wantKind errs.Kind
		wantMsg  string
	}{
		{"unknown client", f.req("nobody", "", "tp-a"), oauth.CodeInvalidClient, errs.EForbidden, "Full authentication is required to access this resource"},
		{"wrong secret", oauth.TokenRequest{GrantType: "client_credentials", ClientID: "cli", ClientSecret: "x", Thumbprint: "tp-a", Kind: oauth.KindPix}, oauth.CodeInvalidClient, errs.EForbidden, ""},
		{"empty secret", oauth.TokenRequest{GrantType: "client_credentials", ClientID: "cli", Thumbprint: "tp-a", Kind: oauth.KindPix}, oauth.CodeInvalidClient, errs.EForbidden, ""},
		{"revoked", f.req("gone", "", "tp-a"), oauth.CodeInvalidClient, errs.EForbidden, ""},
		{"other surface's credential", f.req("bank", "", "tp-a"), oauth.CodeInvalidClient, errs.EForbidden, ""},
		{"grant type", oauth.TokenRequest{GrantType: "password", ClientID: "cli", ClientSecret: f.secret, Thumbprint: "tp-a", Kind: oauth.KindPix}, oauth.CodeUnsupportedGrant, errs.EInvalid, "Unsupported grant type: password"},
		{"missing grant type", oauth.TokenRequest{ClientID: "cli", ClientSecret: f.secret, Thumbprint: "tp-a", Kind: oauth.KindPix}, oauth.CodeUnsupportedGrant, errs.EInvalid, "Missing grant type"},
		{"certificate not bound", f.req("cli", "", "tp-b"), oauth.CodeThumbprintMismatch, errs.EInvalid, ""},
		{"no certificate", f.req("cli", "", ""), oauth.CodeThumbprintMismatch, errs.EInvalid, ""},
		{"no scopes", f.req("empty", "cob.read", "tp-a"), oauth.CodeEmptyScope, errs.EInvalid, "Escopo vazio (o usuário não tem permissão para solicitar escopos)"},
		{"scope denied", f.req("cli", "cob.read+cobv.read", "tp-a"), oauth.CodeInvalidScope, errs.EInvalid, "Escopo negado (o usuário não tem acesso ao escopo solicitado): cobv.read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := f.svc.ClientCredentials(context.Background(), tt.req)
			e := errs.As(err)
			if tok != nil || e == nil {
				t.Fatalf("got token %v, err %v; want an error", tok, err)
			}
			if e.Code != tt.wantCode || e.Kind != tt.wantKind {
				t.Errorf("code, kind = %q, %v; want %q, %v", e.Code, e.Kind, tt.wantCode, tt.wantKind)
			}
			if tt.wantMsg != "" && e.Message != tt.wantMsg {
				t.Errorf("message = %q, want %q", e.Message, tt.wantMsg)
			}
		})
	}
}

func TestClientCredentialsIssuesBoundToken(t *testing.T) {
	f := newFixture(t)
	tok, err := f.svc.ClientCredentials(context.Background(), f.req("cli", "pix.read cob.read", "tp-a"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tok.Scope, "cob.read pix.read"; got != want {
		t.Errorf("scope = %q, want %q", got, want)
	}
	if got, want := tok.ExpiresIn, 3600; got != want {
		t.Errorf("expires_in = %d, want %d", got, want)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(tok.JTI) {
		t.Errorf("jti %q is not a UUID v4", tok.JTI)
	}
	claims, cred, err := f.svc.Authenticate(context.Background(), tok.AccessToken, "tp-a")
	if err != nil {
		t.Fatal(err)
	}
	if claims.Cnf == nil || claims.Cnf.X5tS256 != "tp-a" || cred.ClientID != "cli" || !claims.HasScope("pix.read") || claims.HasScope("cob.write") {
		t.Errorf("claims %+v, cred %s", claims, cred.ClientID)
	}
	if err := oauth.RequireScope(claims, "cob.write"); errs.KindOf(err) != errs.EForbidden {
		t.Errorf("RequireScope(cob.write) = %v, want EForbidden", err)
	}

	// All granted scopes when none is asked for.
	all, err := f.svc.ClientCredentials(context.Background(), f.req("cli", "  ", "tp-a"))
	if err != nil || all.Scope != "cob.read cob.write pix.read" {
		t.Errorf("no scope: %v, %v", all, err)
	}
}

func TestAuthenticate(t *testing.T) {
	f := newFixture(t)
	tok, err := f.svc.ClientCredentials(context.Background(), f.req("cli", "", "tp-a"))
	if err != nil {
		t.Fatal(err)
	}
	code := func(bearer, tp string) string {
		_, _, err := f.svc.Authenticate(context.Background(), bearer, tp)
		if err == nil {
			return ""
		}
		return errs.As(err).Code
	}
	parts := strings.Split(tok.AccessToken, ".")
	forgedClaims := base64.RawURLEncoding.EncodeToString([]byte(`{"client_id":"cli","scope":"cob.read cob.write pix.read webhook.write","exp":9999999999,"cnf":{"x5t#S256":"tp-a"}}`))
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"k1","typ":"JWT"}`))
	tests := []struct {
		name, bearer, tp, want string
	}{
		{"valid", tok.AccessToken, "tp-a", ""},
		{"other certificate", tok.AccessToken, "tp-b", oauth.CodeThumbprintMismatch},
		{"no certificate", tok.AccessToken, "", oauth.CodeThumbprintMismatch},
		{"garbage", "not-a-token", "tp-a", oauth.CodeInvalidToken},
		{"forged claims", parts[0] + "." + forgedClaims + "." + parts[2], "tp-a", oauth.CodeInvalidToken},
		{"alg none", noneHeader + "." + parts[1] + ".", "tp-a", oauth.CodeInvalidToken},
		{"stripped signature", parts[0] + "." + parts[1] + ".", "tp-a", oauth.CodeInvalidToken},
		{"unknown kid", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"k9","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2], "tp-a", oauth.CodeInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.bearer, tt.tp); got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		f.clock.Advance(time.Hour)
		if got := code(tok.AccessToken, "tp-a"); got != oauth.CodeExpiredToken {
			t.Errorf("code = %q, want %q", got, oauth.CodeExpiredToken)
		}
	})
	t.Run("revoked credential", func(t *testing.T) {
		f2 := newFixture(t)
		tok, _ := f2.svc.ClientCredentials(context.Background(), f2.req("cli", "", "tp-a"))
		f2.store["cli"].Status = oauth.CredentialRevoked
		_, _, err := f2.svc.Authenticate(context.Background(), tok.AccessToken, "tp-a")
		if e := errs.As(err); e == nil || e.Code != oauth.CodeRevokedToken {
			t.Errorf("err = %v, want %s", err, oauth.CodeRevokedToken)
		}
	})
}

func TestCredentialCacheBoundsRevocationDelay(t *testing.T) {
	f := newFixture(t)
	f.svc.SetCacheTTL(200 * time.Millisecond)
	ctx := context.Background()
	tok, err := f.svc.ClientCredentials(ctx, f.req("cli", "", "tp-a"))
	if err != nil {
		t.Fatal(err)
	}
	f.store["cli"].Status = oauth.CredentialRevoked
	time.Sleep(250 * time.Millisecond)
	if _, _, err := f.svc.Authenticate(ctx, tok.AccessToken, "tp-a"); err == nil {
		t.Error("a revoked credential is still accepted after the cache TTL")
	}
}

func TestParseScope(t *testing.T) {
	tests := []struct{ in, want string }{
		{"cob.read+cob.write", "cob.read cob.write"},
		{"cob.write cob.read", "cob.read cob.write"},
		{" cob.read++cob.read\tpix.read ", "cob.read pix.read"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(oauth.ParseScope(tt.in), " "); got != tt.want {
			t.Errorf("ParseScope(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHasherConstantForm(t *testing.T) {
	h := oauth.NewHasher([]byte("pepper-pepper-pepper-pepper-pepper"))
	stored := h.Hash("secret")
	if !h.Equal("secret", stored) || h.Equal("secreT", stored) || h.Equal("", stored) {
		t.Error("Equal does not tell the right secret from wrong ones")
	}
	if other := oauth.NewHasher([]byte("another-pepper-another-pepper-xx")); other.Equal("secret", stored) {
		t.Error("a different pepper accepted the hash: the pepper is not used")
	}
	if a, b := oauth.NewSecret(), oauth.NewSecret(); a == b || len(a) != 43 {
		t.Errorf("NewSecret: %q %q (want 43 base64url characters = 256 bits, distinct)", a, b)
	}
}

func FuzzSignerVerify(f *testing.F) {
	s, _ := oauth.NewSigner("k1", key)
	good, _ := s.Sign(&oauth.Claims{ClientID: "cli", Scope: "cob.read", Expiry: 1})
	f.Add(good)
	f.Add("a.b.c")
	f.Add("")
	f.Add(good[:len(good)-1])
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := s.Verify(tok) // must never panic
		// Only one token was ever signed with the key: anything accepted must
		// carry exactly its claims (a forgery would not).
		if err == nil && (c.ClientID != "cli" || c.Scope != "cob.read" || c.Expiry != 1) {
			t.Fatalf("accepted a token with claims it was never issued: %q → %+v", tok, c)
		}
	})
}
