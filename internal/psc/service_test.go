package psc_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/psc"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

// newService returns a service over a fresh SQLite store, the clock it
// runs on, and a registered application with its secret.
func newService(t *testing.T) (*psc.Service, *clock.Offset, *psc.Application, string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "psc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	master, _ := pki.GenerateMasterKey(rand.Reader)
	sealer, _ := pki.NewSealer(master)
	ca, err := pki.NewCA(pki.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewOffset(clock.System, 0)
	key := make([]byte, 32)
	rand.Read(key)
	s, err := psc.New(psc.Deps{Store: db, Sealer: sealer, CA: ca, Hasher: oauth.NewHasher(key), Clock: clk, Key: key, WebURL: "https://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	app, secret, err := s.RegisterApplication(ctx, psc.RegisterRequest{Name: "t", Comments: "c", RedirectURIs: []string{"https://app.example/cb"}, Email: "a@b.c"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateHolder(ctx, psc.HolderSpec{Documento: "123.456.789-09", Name: "Maria", Password: "segredo-1"}); err != nil {
		t.Fatal(err)
	}
	return s, clk, app, secret
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

// approved returns a code approved by the holder with the password.
func approved(t *testing.T, s *psc.Service, app *psc.Application, scope string) string {
	t.Helper()
	ctx := context.Background()
	a, err := s.Authorize(ctx, psc.AuthorizeRequest{ClientID: app.ClientID, CodeChallenge: challenge(verifier), CodeChallengeMethod: "S256",
		ResponseType: "code", Scope: scope, RedirectURI: "https://app.example/cb"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Approve(ctx, a.ID, "12345678909", "segredo-1"); err != nil {
		t.Fatal(err)
	}
	a, _, err = s.Status(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s.Code(a)
}

func TestConcurrentExchangesOneToken(t *testing.T) {
	s, _, app, secret := newService(t)
	code := approved(t, s, app, "single_signature")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Exchange(context.Background(), psc.TokenRequest{GrantType: "authorization_code", ClientID: app.ClientID, ClientSecret: secret, Code: code, CodeVerifier: verifier})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if e := errs.As(err); e == nil || e.Code != psc.CodeInvalidGrant {
				t.Errorf("losing exchange: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d exchanges of one code succeeded", wins)
	}
}

func TestSingleSignatureTokenSignsOnceUnderConcurrency(t *testing.T) {
	s, _, app, secret := newService(t)
	code := approved(t, s, app, "single_signature")
	res, err := s.Exchange(context.Background(), psc.TokenRequest{GrantType: "authorization_code", ClientID: app.ClientID, ClientSecret: secret, Code: code, CodeVerifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("doc"))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var sigs [][]byte
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := s.Authenticate(context.Background(), res.AccessToken)
			if err != nil {
				return // already spent
			}
			out, err := s.Sign(context.Background(), tok, psc.SignRequest{Hashes: []psc.HashRequest{{ID: "1", Hash: base64.StdEncoding.EncodeToString(sum[:])}}})
			if err == nil {
				mu.Lock()
				sigs = append(sigs, out.Signatures[0].Raw)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(sigs) != 1 {
		t.Fatalf("a single_signature token signed %d times", len(sigs))
	}
}

func TestApprovalRules(t *testing.T) {
	s, clk, app, _ := newService(t)
	ctx := context.Background()
	newReq := func(hint string) *psc.Authorization {
		a, err := s.Authorize(ctx, psc.AuthorizeRequest{ClientID: app.ClientID, CodeChallenge: challenge(verifier), CodeChallengeMethod: "S256",
			ResponseType: "code", RedirectURI: "push://", LoginHint: hint})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := newReq("12345678909")
	if _, err := s.Approve(ctx, a.ID, "98765432100", "segredo-1"); errs.As(err) == nil || errs.As(err).Code != psc.CodeAccessDenied {
		t.Fatalf("another holder approved: %v", err)
	}
	for i := 0; i < 5; i++ {
		if _, err := s.Approve(ctx, a.ID, "12345678909", "errada"); errs.As(err) == nil || errs.As(err).Code != psc.CodeAccessDenied {
			t.Fatalf("wrong password %d: %v", i, err)
		}
	}
	if _, err := s.Approve(ctx, a.ID, "12345678909", "segredo-1"); errs.As(err) == nil || errs.As(err).Code != psc.CodeTooManyRequests {
		t.Fatalf("sixth try within the minute: %v", err)
	}
	clk.Advance(time.Minute)
	b := newReq("12345678909")
	if _, err := s.Approve(ctx, b.ID, "123.456.789-09", "segredo-1"); err != nil {
		t.Fatalf("a formatted CPF, next minute: %v", err)
	}
	if _, err := s.Deny(ctx, b.ID, "12345678909"); errs.As(err) == nil || errs.As(err).Code != psc.CodeInvalidGrant {
		t.Fatalf("deciding twice: %v", err)
	}
}

func TestCreateHolderProfile(t *testing.T) {
	s, _, _, _ := newService(t)
	ctx := context.Background()
	h, c, err := s.CreateHolder(ctx, psc.HolderSpec{Documento: "12.345.678/0001-95", Name: "Empresa Demonstracao Ltda", Password: "segredo-2",
		ResponsibleCPF: "12345678909", ResponsibleName: "Maria"})
	if err != nil {
		t.Fatal(err)
	}
	if h.Type != psc.CNPJ || c.Label != "e-CNPJ A3 em nuvem" {
		t.Fatalf("holder %+v certificate %q", h, c.Label)
	}
	cert, err := x509.ParseCertificate(c.CertDER)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok || cert.NotAfter.Sub(cert.NotBefore) < 4*365*24*time.Hour {
		t.Fatalf("key %T, validity %v", cert.PublicKey, cert.NotAfter.Sub(cert.NotBefore))
	}
	if cpf, cnpj := pki.ICPBrasilDocument(cert); cpf != "12345678909" || cnpj != "12345678000195" {
		t.Fatalf("otherNames %q %q", cpf, cnpj)
	}
	if _, _, err := s.CreateHolder(ctx, psc.HolderSpec{Documento: "12345678000195", Name: "X", Password: "segredo-2", ResponsibleCPF: "12345678909"}); !errs.Is(err, errs.EConflict) {
		t.Fatalf("duplicate holder: %v", err)
	}
	for _, bad := range []psc.HolderSpec{{Documento: "123", Name: "X", Password: "segredo"}, {Documento: "12345678909", Name: "X", Password: "curta"}} {
		if _, _, err := s.CreateHolder(ctx, bad); !errs.Is(err, errs.EInvalid) {
			t.Fatalf("%+v: %v", bad, err)
		}
	}
}
