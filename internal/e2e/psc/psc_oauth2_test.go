package psc_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/brasa-dev/brasa/internal/app/apptest"
)

// TestPSCPushFlowWithXOAuth2: golang.org/x/oauth2 (PKCE S256) as the
// application in the push flow: its AuthCodeURL with redirect_uri push:// and
// a login_hint, polling once a second until the holder approves, then
// Exchange with the authorizationToken as the code.
func TestPSCPushFlowWithXOAuth2(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	conf := &oauth2.Config{
		ClientID: e.sb.ClientID, ClientSecret: e.sb.ClientSecret, RedirectURL: "push://", Scopes: []string{"multi_signature"},
		Endpoint: oauth2.Endpoint{AuthURL: e.h.APIURL() + "/v0/oauth/authorize", TokenURL: e.h.APIURL() + "/v0/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
	}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("login_hint", e.sb.HolderCNPJ))
	resp, body := apptest.Do(t, e.c, mustGet(t, authURL))
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "code=") {
		t.Fatalf("authorize: %d %s", resp.StatusCode, body)
	}
	code := strings.TrimPrefix(string(body), "code=")
	go func() {
		time.Sleep(1500 * time.Millisecond) // the holder takes a moment
		e.approve(e.sb.HolderCNPJ, true)
	}()
	var auth struct {
		AuthorizationToken string `json:"authorizationToken"`
		RedirectURL        string `json:"redirectUrl"`
	}
	polls := 0
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		polls++
		resp, body := apptest.Do(t, e.c, mustGet(t, e.h.APIURL()+"/valid/api/v1/trusted-services/authentications?code="+code))
		if resp.StatusCode == 304 {
			continue
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &auth) != nil {
			t.Fatalf("poll: %d %s", resp.StatusCode, body)
		}
		break
	}
	if auth.AuthorizationToken == "" || polls < 2 || auth.RedirectURL != "push://"+e.sb.ClientID+"?code="+code+"&state=NONE" {
		t.Fatalf("after %d polls: %+v", polls, auth)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.h.Roots}}})
	tok, err := conf.Exchange(ctx, auth.AuthorizationToken, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("x/oauth2 exchange: %v", err)
	}
	if tok.Extra("authorized_identification_type") != "CNPJ" || tok.Extra("scope") != "multi_signature" {
		t.Fatalf("token extras: %v %v", tok.Extra("authorized_identification_type"), tok.Extra("scope"))
	}
	if st, body, _, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": []any{
		map[string]any{"id": "a", "hash": "FqulOTrXLABB9WAK08LFLsQ3ovDH/Aj638PA/pZB16M=", "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": "RAW"},
		map[string]any{"id": "b", "hash": "FqulOTrXLABB9WAK08LFLsQ3ovDH/Aj638PA/pZB16M=", "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": "CMS"},
	}}); st != 200 || len(sigs) != 2 || sigs[0].ID != "a" || sigs[1].ID != "b" {
		t.Fatalf("sign: %d %s", st, body)
	}
}

// TestPSCTokenJSONBodyAndExpiredCertificates: the token endpoint also takes
// the seed's JSON example body; user-discovery stops listing a certificate
// past its validity.
func TestPSCTokenJSONBodyAndExpiredCertificates(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	verifier, challenge := pkce()
	st, body, _ := e.call("GET", e.authorizeQuery(challenge, "signature_session", e.sb.HolderCPF, "900", "push://"), "", nil)
	code := strings.TrimPrefix(string(body), "code=")
	if st != 200 {
		t.Fatalf("authorize: %d %s", st, body)
	}
	e.approve(e.sb.HolderCPF, true)
	_, body, _ = e.call("GET", "/valid/api/v1/trusted-services/authentications?code="+code, "", nil)
	var auth struct {
		AuthorizationToken string `json:"authorizationToken"`
	}
	json.Unmarshal(body, &auth)
	st, body, _ = e.postJSON("/v0/oauth/token", map[string]string{"grant_type": "authorization_code", "client_id": e.sb.ClientID,
		"client_secret": e.sb.ClientSecret, "code": auth.AuthorizationToken, "code_verifier": verifier})
	var tok pscToken
	if err := json.Unmarshal(body, &tok); st != 200 || err != nil || tok.ExpiresIn != 900 {
		t.Fatalf("JSON token request: %d %s", st, body)
	}

	e.h.App.SandboxClock.Advance(5*365*24*time.Hour + 48*time.Hour)
	st, body, _ = e.postJSON("/v0/oauth/user-discovery", map[string]string{"client_id": e.sb.ClientID, "client_secret": e.sb.ClientSecret, "user_cpf_cnpj": "CPF", "val_cpf_cnpj": e.sb.HolderCPF})
	if st != 200 || strings.TrimSpace(string(body)) != `{"status":"N"}` {
		t.Fatalf("user-discovery after the certificate expired: %d %s", st, body)
	}
}

// TestPSCSandboxRestartKeepsTenant: a second start on the same data
// directory keeps the psc block (application, holders, passwords) working.
func TestPSCSandboxRestartKeepsTenant(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := bootPSC(t, apptest.Options{Dir: dir})
	e := bootPSC(t, apptest.Options{Dir: dir})
	if e.sb != first.sb {
		t.Fatalf("psc block changed across a restart:\n%+v\n%+v", first.sb, e.sb)
	}
	tok := e.pushToken("single_signature", e.sb.HolderCNPJ, "")
	if st, body, alias, _ := e.sign(tok.AccessToken, map[string]any{"hashes": []any{map[string]any{"id": "1", "hash": "FqulOTrXLABB9WAK08LFLsQ3ovDH/Aj638PA/pZB16M="}}}); st != 200 || alias != e.sb.CertificateCNPJ {
		t.Fatalf("sign after restart: %d %s", st, body)
	}
}
