package psc_test

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/psc"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
)

// TestPSCPostgresInstancesShareLimitsAndFlows: two instances on one
// PostgreSQL share everything PSC keeps: a push request made on one is
// approved and exchanged on the other, a token from one signs on the other,
// and the per-CPF signature budget is counted across both.
func TestPSCPostgresInstancesShareLimitsAndFlows(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	sameKey := func(c *config.Config) { c.MasterKeyHex = strings.Repeat("6b", 32) }
	var envs [2]*pscEnv
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := bootPSC(t, apptest.Options{DB: dsn, Configure: sameKey})
			mu.Lock()
			envs[i] = e
			mu.Unlock()
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	a, b := envs[0], envs[1]
	for _, e := range envs {
		e.h.App.PSC.SetLimits(psc.Limits{SignCallsPerMinute: 3})
	}

	// Authorize on a, approve and poll on b, exchange on a (a's application).
	verifier, challenge := pkce()
	st, body, _ := a.call("GET", a.authorizeQuery(challenge, "signature_session", a.sb.HolderCPF, "", "push://"), "", nil)
	if st != 200 {
		t.Fatalf("authorize on a: %d %s", st, body)
	}
	code := strings.TrimPrefix(string(body), "code=")
	if st, body := b.approve(a.sb.HolderCPF, true); st != 200 {
		t.Fatalf("approve on b: %d %s", st, body)
	}
	st, body, _ = b.call("GET", "/valid/api/v1/trusted-services/authentications?code="+code, "", nil)
	var auth struct {
		AuthorizationToken string `json:"authorizationToken"`
	}
	if err := jsonUnmarshal(body, &auth); st != 200 || err != nil {
		t.Fatalf("poll on b: %d %s", st, body)
	}
	st, body, _ = a.postForm("/v0/oauth/token", map[string][]string{"grant_type": {"authorization_code"}, "client_id": {a.sb.ClientID},
		"client_secret": {a.sb.ClientSecret}, "code": {auth.AuthorizationToken}, "code_verifier": {verifier}})
	var tok pscToken
	if err := jsonUnmarshal(body, &tok); st != 200 || err != nil {
		t.Fatalf("token on a: %d %s", st, body)
	}

	if time.Now().Second() > 55 {
		time.Sleep(6 * time.Second)
	}
	sum := sha256.Sum256([]byte("x"))
	one := map[string]any{"hashes": []any{map[string]any{"id": "1", "hash": base64.StdEncoding.EncodeToString(sum[:]), "signature_format": "RAW"}}}
	for i, e := range []*pscEnv{a, b, a} {
		if st, body, _, _ := e.sign(tok.AccessToken, one); st != 200 {
			t.Fatalf("call %d: %d %s", i, st, body)
		}
	}
	st, body, _, _ = b.sign(tok.AccessToken, one)
	wantOAuthError(t, "4th call across instances", st, body, 429, "too_many_requests")
}
