package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/psc"
	"github.com/brasa-dev/brasa/internal/store"
)

func init() {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s psc.Store)
	}{
		{"PSC/ApplicationRoundTripAndConflict", testPSCApplication},
		{"PSC/HolderWithCertificatesRoundTripAndConflict", testPSCHolder},
		{"PSC/AuthorizationRoundTripPendingAndDecide", testPSCAuthorization},
		{"PSC/ConcurrentDecisionsOneWins", testPSCDecideConcurrent},
		{"PSC/CodeAndTokenSpentOnce", testPSCSpendOnce},
		{"PSC/TokensRevokedByFilter", testPSCRevoke},
		{"PSC/PollGap", testPSCPoll},
		{"PSC/CountersAddUpConcurrently", testPSCCounters},
	} {
		cobTests = append(cobTests, struct {
			name string
			run  func(t *testing.T, s store.Store)
		}{tc.name, func(t *testing.T, s store.Store) {
			ps, ok := s.(psc.Store)
			if !ok {
				t.Skip("store does not implement psc.Store")
			}
			tc.run(t, ps)
		}})
	}
}

// PSCApplicationFixture is a registered application.
func PSCApplicationFixture(clientID string) *psc.Application {
	return &psc.Application{ClientID: clientID, SecretHash: []byte("hash-of-secret-32-bytes-long....."), Name: "App Demo",
		Comments: "App Demo Observação", Email: "demo@valid.com", RedirectURIs: []string{"https://valid.com.br", "http://127.0.0.1/cb"}, CreatedAt: pscT0}
}

// PSCAuthorizationFixture is a pending request for hint.
func PSCAuthorizationFixture(id, clientID, hint string, push bool) *psc.Authorization {
	return &psc.Authorization{ID: id, ClientID: clientID, LoginHint: hint, Scope: psc.ScopeSession, Lifetime: 900 * time.Second,
		CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", RedirectURI: "push://", State: "xyz", Push: push,
		Status: psc.AuthPending, CreatedAt: pscT0, ExpiresAt: pscT0.Add(2 * time.Minute)}
}

func testPSCApplication(t *testing.T, s psc.Store) {
	ctx := context.Background()
	a := PSCApplicationFixture("4c9fb552-0387-4e5f-8727-6676fa88dce1")
	wantOK(t, "CreatePSCApplication", s.CreatePSCApplication(ctx, a))
	got, err := s.PSCApplication(ctx, a.ClientID)
	wantOK(t, "PSCApplication", err)
	wantSame(t, "application", got, a)
	wantKind(t, "CreatePSCApplication again", s.CreatePSCApplication(ctx, a), errs.EConflict)
	_, err = s.PSCApplication(ctx, "nope")
	wantKind(t, "PSCApplication unknown", err, errs.ENotFound)
}

func testPSCHolder(t *testing.T, s psc.Store) {
	ctx := context.Background()
	h := &psc.Holder{Documento: "12345678909", Type: psc.CPF, Name: "MARIA", Email: "m@example.com", PasswordHash: "$argon2id$x", CreatedAt: pscT0}
	certs := []psc.Certificate{
		{Alias: "b-alias", Documento: h.Documento, Label: "e-CPF A3 em nuvem", CertDER: []byte{1, 2}, SealedKey: []byte{3}, NotBefore: pscT0, NotAfter: pscT0.Add(time.Hour), CreatedAt: pscT0},
		{Alias: "a-alias", Documento: h.Documento, Label: "e-CPF A3 em nuvem", CertDER: []byte{4}, SealedKey: []byte{5}, NotBefore: pscT0, NotAfter: pscT0.Add(time.Hour), CreatedAt: pscT0.Add(time.Second)},
	}
	wantOK(t, "CreatePSCHolder", s.CreatePSCHolder(ctx, h, certs))
	got, err := s.PSCHolder(ctx, h.Documento)
	wantOK(t, "PSCHolder", err)
	wantSame(t, "holder", got, h)
	list, err := s.PSCCertificates(ctx, h.Documento)
	wantOK(t, "PSCCertificates", err)
	wantSame(t, "certificates", list, certs)
	// A second holder reusing an alias is refused whole.
	h2 := &psc.Holder{Documento: "98765432100", Type: psc.CPF, Name: "JOAO", PasswordHash: "x", CreatedAt: pscT0}
	wantKind(t, "CreatePSCHolder alias taken", s.CreatePSCHolder(ctx, h2, certs[:1]), errs.EConflict)
	_, err = s.PSCHolder(ctx, h2.Documento)
	wantKind(t, "PSCHolder after rollback", err, errs.ENotFound)
	wantKind(t, "CreatePSCHolder again", s.CreatePSCHolder(ctx, h, nil), errs.EConflict)
	none, err := s.PSCCertificates(ctx, "00000000000")
	wantOK(t, "PSCCertificates none", err)
	if len(none) != 0 {
		t.Fatalf("certificates of nobody: %v", none)
	}
}

func testPSCAuthorization(t *testing.T, s psc.Store) {
	ctx := context.Background()
	wantOK(t, "CreatePSCApplication", s.CreatePSCApplication(ctx, PSCApplicationFixture("app")))
	a := PSCAuthorizationFixture("auth-1", "app", "12345678909", true)
	wantOK(t, "CreatePSCAuthorization", s.CreatePSCAuthorization(ctx, a))
	got, err := s.PSCAuthorization(ctx, a.ID)
	wantOK(t, "PSCAuthorization", err)
	wantSame(t, "authorization", got, a)
	wantKind(t, "CreatePSCAuthorization unknown app", s.CreatePSCAuthorization(ctx, PSCAuthorizationFixture("auth-x", "nope", "", false)), errs.ENotFound)
	qr := PSCAuthorizationFixture("auth-2", "app", "", false)
	qr.CreatedAt = pscT0.Add(time.Second)
	wantOK(t, "CreatePSCAuthorization QR", s.CreatePSCAuthorization(ctx, qr))

	pending, err := s.PendingPSCAuthorizations(ctx, "12345678909", pscT0.Add(time.Minute))
	wantOK(t, "Pending", err)
	if len(pending) != 1 || pending[0].ID != "auth-1" {
		t.Fatalf("pending for holder: %+v", pending)
	}
	unhinted, err := s.PendingPSCAuthorizations(ctx, "", pscT0.Add(time.Minute))
	wantOK(t, "Pending unhinted", err)
	if len(unhinted) != 1 || unhinted[0].ID != "auth-2" {
		t.Fatalf("pending without hint: %+v", unhinted)
	}
	expired, err := s.PendingPSCAuthorizations(ctx, "12345678909", pscT0.Add(3*time.Minute))
	wantOK(t, "Pending later", err)
	if len(expired) != 0 {
		t.Fatalf("expired requests listed: %+v", expired)
	}

	wantKind(t, "Decide expired", s.DecidePSCAuthorization(ctx, "auth-1", psc.AuthApproved, "12345678909", pscT0.Add(3*time.Minute)), errs.EConflict)
	wantOK(t, "Decide", s.DecidePSCAuthorization(ctx, "auth-1", psc.AuthApproved, "12345678909", pscT0.Add(time.Minute)))
	wantKind(t, "Decide twice", s.DecidePSCAuthorization(ctx, "auth-1", psc.AuthDenied, "12345678909", pscT0.Add(time.Minute)), errs.EConflict)
	wantKind(t, "Decide unknown", s.DecidePSCAuthorization(ctx, "nope", psc.AuthDenied, "1", pscT0), errs.ENotFound)
	got, err = s.PSCAuthorization(ctx, "auth-1")
	wantOK(t, "PSCAuthorization", err)
	if got.Status != psc.AuthApproved || got.Documento != "12345678909" || !got.DecidedAt.Equal(pscT0.Add(time.Minute)) {
		t.Fatalf("after decision: %+v", got)
	}
}

func testPSCDecideConcurrent(t *testing.T, s psc.Store) {
	ctx := context.Background()
	wantOK(t, "CreatePSCApplication", s.CreatePSCApplication(ctx, PSCApplicationFixture("app")))
	wantOK(t, "CreatePSCAuthorization", s.CreatePSCAuthorization(ctx, PSCAuthorizationFixture("auth", "app", "12345678909", true)))
	var wg sync.WaitGroup
	results := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := psc.AuthApproved
			if i%2 == 1 {
				st = psc.AuthDenied
			}
			results[i] = s.DecidePSCAuthorization(ctx, "auth", st, "12345678909", pscT0.Add(time.Second))
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range results {
		if err == nil {
			wins++
		} else if !errs.Is(err, errs.EConflict) {
			t.Fatalf("unexpected error %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d decisions won, want 1", wins)
	}
}

func testPSCSpendOnce(t *testing.T, s psc.Store) {
	ctx := context.Background()
	wantOK(t, "CreatePSCApplication", s.CreatePSCApplication(ctx, PSCApplicationFixture("app")))
	wantOK(t, "CreatePSCAuthorization", s.CreatePSCAuthorization(ctx, PSCAuthorizationFixture("auth", "app", "12345678909", false)))
	wantKind(t, "UsePSCCode pending", s.UsePSCCode(ctx, "auth", pscT0), errs.EConflict)
	wantOK(t, "Decide", s.DecidePSCAuthorization(ctx, "auth", psc.AuthApproved, "12345678909", pscT0))
	wantOK(t, "UsePSCCode", s.UsePSCCode(ctx, "auth", pscT0))
	wantKind(t, "UsePSCCode again", s.UsePSCCode(ctx, "auth", pscT0), errs.EConflict)

	tok := &psc.Token{ID: "tok", ClientID: "app", Documento: "12345678909", Scope: psc.ScopeSingle, CreatedAt: pscT0, ExpiresAt: pscT0.Add(time.Hour)}
	wantOK(t, "CreatePSCToken", s.CreatePSCToken(ctx, tok))
	got, err := s.PSCToken(ctx, "tok")
	wantOK(t, "PSCToken", err)
	wantSame(t, "token", got, tok)
	wantOK(t, "UsePSCToken", s.UsePSCToken(ctx, "tok", pscT0.Add(time.Second)))
	wantKind(t, "UsePSCToken again", s.UsePSCToken(ctx, "tok", pscT0.Add(time.Second)), errs.EConflict)
	wantKind(t, "UsePSCToken unknown", s.UsePSCToken(ctx, "nope", pscT0), errs.ENotFound)
	got, err = s.PSCToken(ctx, "tok")
	wantOK(t, "PSCToken", err)
	if !got.UsedAt.Equal(pscT0.Add(time.Second)) {
		t.Fatalf("used_at %v", got.UsedAt)
	}
}

func testPSCRevoke(t *testing.T, s psc.Store) {
	ctx := context.Background()
	wantOK(t, "CreatePSCApplication", s.CreatePSCApplication(ctx, PSCApplicationFixture("app")))
	wantOK(t, "CreatePSCApplication", s.CreatePSCApplication(ctx, PSCApplicationFixture("other")))
	for _, tok := range []*psc.Token{
		{ID: "t1", ClientID: "app", Documento: "12345678909", AuthorizationID: "auth1"},
		{ID: "t2", ClientID: "app", Documento: "12345678909", AuthorizationID: "auth2"},
		{ID: "t3", ClientID: "other", Documento: "12345678909", AuthorizationID: "auth3"},
		{ID: "t4", ClientID: "app", Documento: "98765432100", AuthorizationID: "auth4"},
		{ID: "t5", ClientID: "app"},
	} {
		tok.Scope, tok.CreatedAt, tok.ExpiresAt = psc.ScopeSession, pscT0, pscT0.Add(time.Hour)
		wantOK(t, "CreatePSCToken", s.CreatePSCToken(ctx, tok))
	}
	got, err := s.PSCToken(ctx, "t1")
	wantOK(t, "PSCToken", err)
	if got.AuthorizationID != "auth1" || !got.RevokedAt.IsZero() {
		t.Fatalf("t1 %+v", got)
	}
	at := pscT0.Add(time.Minute)
	for _, step := range []struct {
		name string
		f    psc.TokenFilter
		want int64
	}{
		{"by authorization", psc.TokenFilter{AuthorizationID: "auth1"}, 1},
		{"again", psc.TokenFilter{AuthorizationID: "auth1"}, 0},
		{"holder and application", psc.TokenFilter{Documento: "12345678909", ClientID: "app"}, 1}, // t2
		{"holder", psc.TokenFilter{Documento: "12345678909"}, 1},                                  // t3
		{"by id", psc.TokenFilter{ID: "t5", ClientID: "app"}, 1},
		{"id of another application", psc.TokenFilter{ID: "t4", ClientID: "other"}, 0},
	} {
		n, err := s.RevokePSCTokens(ctx, step.f, at)
		wantOK(t, "RevokePSCTokens "+step.name, err)
		if n != step.want {
			t.Fatalf("RevokePSCTokens %s: %d, want %d", step.name, n, step.want)
		}
	}
	for id, revoked := range map[string]bool{"t1": true, "t2": true, "t3": true, "t4": false, "t5": true} {
		got, err := s.PSCToken(ctx, id)
		wantOK(t, "PSCToken", err)
		if got.RevokedAt.IsZero() == revoked || (revoked && !got.RevokedAt.Equal(at)) {
			t.Fatalf("%s revoked_at %v, want revoked %v", id, got.RevokedAt, revoked)
		}
	}
	if _, err := s.RevokePSCTokens(ctx, psc.TokenFilter{}, at); err == nil {
		t.Fatal("RevokePSCTokens with an empty filter succeeded")
	}
}

func testPSCPoll(t *testing.T, s psc.Store) {
	ctx := context.Background()
	wantOK(t, "CreatePSCApplication", s.CreatePSCApplication(ctx, PSCApplicationFixture("app")))
	wantOK(t, "CreatePSCAuthorization", s.CreatePSCAuthorization(ctx, PSCAuthorizationFixture("auth", "app", "12345678909", true)))
	for _, step := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {500 * time.Millisecond, false}, {time.Second, true}, {1900 * time.Millisecond, false}, {3 * time.Second, true}} {
		ok, err := s.PollPSCAuthorization(ctx, "auth", pscT0.Add(step.at), time.Second)
		wantOK(t, "Poll", err)
		if ok != step.want {
			t.Fatalf("poll at +%v: %v, want %v", step.at, ok, step.want)
		}
	}
	_, err := s.PollPSCAuthorization(ctx, "nope", pscT0, time.Second)
	wantKind(t, "Poll unknown", err, errs.ENotFound)
}

func testPSCCounters(t *testing.T, s psc.Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.CountPSC(ctx, 60, 0, []psc.Increment{{Key: "a", N: 1}, {Key: "b", N: 3}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := s.CountPSC(ctx, 60, 0, []psc.Increment{{Key: "a"}, {Key: "b"}, {Key: "c"}})
	wantOK(t, "CountPSC", err)
	wantSame(t, "totals", got, []int64{20, 60, 0})
	// Another period starts from zero; forgetting drops the old one.
	got, err = s.CountPSC(ctx, 120, 100, []psc.Increment{{Key: "a", N: 2}})
	wantOK(t, "CountPSC next period", err)
	wantSame(t, "next period", got, []int64{2})
	got, err = s.CountPSC(ctx, 60, 0, []psc.Increment{{Key: "a"}})
	wantOK(t, "CountPSC forgotten period", err)
	wantSame(t, "forgotten period", got, []int64{0})
}

// pscT0 is T0 as the stores return it (UTC, microseconds).
var pscT0 = Stored(T0)
