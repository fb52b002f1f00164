// Package storetest is the conformance suite of [store.Store]: every engine
// runs [Run], so SQLite and PostgreSQL behave alike, down to the errors they
// return. It also offers the fixtures and MustX helpers the engine tests and
// benchmarks share.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/store"
)

// Run runs the suite, each subtest (in parallel) on a store of its own. open
// must return a fresh, empty, migrated store and arrange for it to be closed
// when t ends. Subtests about transactions and migrations run when the store
// also has [store.DB]'s Tx and Migrate methods, and are skipped otherwise.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range slices.Concat(tests, cobTests) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, open(t))
		})
	}
}

var tests = []struct {
	name string
	run  func(t *testing.T, s store.Store)
}{
	{"Ping", testPing},

	{"CreateRecebedor/RoundTrip", testCreateRecebedorRoundTrip},
	{"CreateRecebedor/ErrConflictOnSameDocumento", testCreateRecebedorConflict},
	{"CreateRecebedor/ConcurrentSameDocumentoOneWins", testCreateRecebedorConcurrent},
	{"Recebedor/ErrNotFound", testRecebedorNotFound},

	{"CreateChave/RoundTrip", testCreateChaveRoundTrip},
	{"CreateChave/ErrConflictOnSameChave", testCreateChaveConflict},
	{"CreateChave/ErrNotFoundWithoutRecebedor", testCreateChaveNoRecebedor},
	{"Chave/ErrNotFound", testChaveNotFound},
	{"Chaves/OrderedByCreationThenChave", testChavesOrder},
	{"Chaves/NoneIsNil", testChavesNone},

	{"CreateCredential/RoundTrip", testCreateCredentialRoundTrip},
	{"CreateCredential/ListsSortedWithoutDuplicates", testCreateCredentialNormalizesLists},
	{"CreateCredential/EmptyListsComeBackNil", testCreateCredentialEmptyLists},
	{"CreateCredential/ErrInvalidOnListElementWithSpace", testCreateCredentialBadListElement},
	{"CreateCredential/ErrConflictOnSameClientID", testCreateCredentialConflict},
	{"Credential/ErrNotFound", testCredentialNotFound},
	{"Credentials/OrderedByCreationThenClientID", testCredentialsOrder},
	{"SetCredentialStatus/RevokedSetsRevokedAt", testSetCredentialStatusRevoked},
	{"SetCredentialStatus/ActiveClearsRevokedAt", testSetCredentialStatusActive},
	{"SetCredentialStatus/ErrNotFound", testSetCredentialStatusNotFound},
	{"BindCertificate/IdempotentAndSorted", testBindIdempotent},
	{"BindCertificate/ErrNotFound", testBindNotFound},
	{"BindCertificate/ConcurrentBindsAllKept", testBindConcurrent},
	{"UnbindCertificate/Idempotent", testUnbindIdempotent},

	{"CreateCertificate/RoundTrip", testCreateCertificateRoundTrip},
	{"CreateCertificate/ErrConflictOnSameSerial", testCreateCertificateSerialConflict},
	{"CreateCertificate/ErrConflictOnSameThumbprint", testCreateCertificateThumbprintConflict},
	{"CertificateByThumbprint/ErrNotFound", testCertificateByThumbprintNotFound},
	{"CertificateBySerial/ErrNotFound", testCertificateBySerialNotFound},
	{"Certificates/OrderedAndFilteredByType", testCertificatesOrder},
	{"RevokeCertificate/SetsStatusTimeAndReason", testRevokeCertificate},
	{"RevokeCertificate/KeepsFirstRevocation", testRevokeCertificateTwice},
	{"RevokeCertificate/ErrNotFound", testRevokeCertificateNotFound},

	{"PutSecretIfAbsent/FirstValueWins", testPutSecretFirstWins},
	{"PutSecretIfAbsent/ConcurrentCallersGetOneValue", testPutSecretConcurrent},
	{"PutSecretIfAbsent/BinaryRoundTrip", testPutSecretBinary},
	{"Secret/ErrNotFound", testSecretNotFound},

	{"Context/CancelledCallsFail", testCancelledContext},
	{"Context/BlockedCallGivesUp", testBlockedCallGivesUp},

	{"Tx/CommitsWhenFnSucceeds", testTxCommits},
	{"Tx/RollsBackWhenFnFails", testTxRollsBack},
	{"Tx/RollsBackWhenFnPanics", testTxPanics},
	{"Migrate/Idempotent", testMigrateIdempotent},
}

// txer is a store with write transactions, as *store.DB.
type txer interface {
	Tx(ctx context.Context, fn func(tx *store.Tx) error) error
}

// wantKind fails t unless err carries kind k.
func wantKind(t *testing.T, call string, err error, k errs.Kind) {
	t.Helper()
	if !errs.Is(err, k) {
		t.Fatalf("%s: got error %v (kind %v), want kind %v", call, err, errs.KindOf(err), k)
	}
}

// wantOK fails t if err is not nil.
func wantOK(t *testing.T, call string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", call, err)
	}
}

// wantSame fails t if got differs from want.
func wantSame(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := Diff(got, want); d != "" {
		t.Fatalf("%s differs:\n%s", what, d)
	}
}

func testPing(t *testing.T, s store.Store) {
	wantOK(t, "Ping", s.Ping(t.Context()))
}

// Recebedores and chaves.

func testCreateRecebedorRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	pj := NewRecebedor("12ABC34501DE35") // alphanumeric CNPJ, API 2.9.0
	pj.NomeFantasia, pj.Logradouro, pj.CEP, pj.Cooperativa, pj.Conta = "", "", "", "", ""
	pj.CreatedAt = At(time.Minute).In(time.UTC)
	MustCreateRecebedor(t, s, pj)

	for _, want := range []*pix.Recebedor{r, pj} {
		got, err := s.Recebedor(ctx, want.Documento)
		wantOK(t, "Recebedor", err)
		wantSame(t, "recebedor "+want.Documento, got, WantRecebedor(want))
	}
}

func testCreateRecebedorConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	second := NewRecebedor(first.Documento)
	second.Nome = "Outro Nome"
	wantKind(t, "CreateRecebedor again", s.CreateRecebedor(ctx, second), errs.EConflict)

	got, err := s.Recebedor(ctx, first.Documento)
	wantOK(t, "Recebedor", err)
	wantSame(t, "recebedor after the conflict", got, WantRecebedor(first))
}

func testCreateRecebedorConcurrent(t *testing.T, s store.Store) {
	const n = 50
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			r := NewRecebedor(CPF(7))
			r.Nome = fmt.Sprintf("Concorrente %d", i)
			errc <- s.CreateRecebedor(t.Context(), r)
		})
	}
	wg.Wait()
	close(errc)
	var ok, conflict int
	for err := range errc {
		switch {
		case err == nil:
			ok++
		case errs.Is(err, errs.EConflict):
			conflict++
		default:
			t.Errorf("CreateRecebedor: unexpected error %v", err)
		}
	}
	if ok != 1 || conflict != n-1 {
		t.Fatalf("got %d successes and %d conflicts, want 1 and %d", ok, conflict, n-1)
	}
}

func testRecebedorNotFound(t *testing.T, s store.Store) {
	MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	_, err := s.Recebedor(t.Context(), CPF(2))
	wantKind(t, "Recebedor", err, errs.ENotFound)
}

func testCreateChaveRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	chaves := []*pix.Chave{
		NewChave("joao", r.Documento),
		{Chave: r.Documento, Tipo: pix.ChaveCPF, Documento: r.Documento, CreatedAt: At(time.Second)},
		{Chave: "+5561912345678", Tipo: pix.ChaveTelefone, Documento: r.Documento, CreatedAt: At(2 * time.Second)},
		{Chave: "123e4567-e89b-12d3-a456-426614174000", Tipo: pix.ChaveEVP, Documento: r.Documento, CreatedAt: At(3 * time.Second)},
	}
	for _, c := range chaves {
		MustCreateChave(t, s, c)
	}
	for _, want := range chaves {
		got, err := s.Chave(ctx, want.Chave)
		wantOK(t, "Chave", err)
		wantSame(t, "chave "+want.Chave, got, WantChave(want))
	}
}

func testCreateChaveConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	b := MustCreateRecebedor(t, s, NewRecebedor(CPF(2)))
	c := MustCreateChave(t, s, NewChave("loja", a.Documento))

	wantKind(t, "CreateChave for the same recebedor", s.CreateChave(ctx, NewChave("loja", a.Documento)), errs.EConflict)
	wantKind(t, "CreateChave for another recebedor", s.CreateChave(ctx, NewChave("loja", b.Documento)), errs.EConflict)

	got, err := s.Chave(ctx, c.Chave)
	wantOK(t, "Chave", err)
	wantSame(t, "chave after the conflicts", got, WantChave(c))
}

func testCreateChaveNoRecebedor(t *testing.T, s store.Store) {
	ctx := t.Context()
	MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	c := NewChave("orfa", CPF(2))
	wantKind(t, "CreateChave", s.CreateChave(ctx, c), errs.ENotFound)
	_, err := s.Chave(ctx, c.Chave)
	wantKind(t, "Chave", err, errs.ENotFound)
}

func testChaveNotFound(t *testing.T, s store.Store) {
	r := MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	MustCreateChave(t, s, NewChave("existe", r.Documento))
	_, err := s.Chave(t.Context(), "nao-existe@example.com")
	wantKind(t, "Chave", err, errs.ENotFound)
}

func testChavesOrder(t *testing.T, s store.Store) {
	a := MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	b := MustCreateRecebedor(t, s, NewRecebedor(CPF(2)))
	// Inserted out of order; two share a creation time.
	in := []*pix.Chave{
		{Chave: "c@example.com", Tipo: pix.ChaveEmail, Documento: a.Documento, CreatedAt: At(2 * time.Second)},
		{Chave: "b@example.com", Tipo: pix.ChaveEmail, Documento: a.Documento, CreatedAt: At(time.Second)},
		{Chave: "a@example.com", Tipo: pix.ChaveEmail, Documento: a.Documento, CreatedAt: At(2 * time.Second)},
		{Chave: "Z@example.com", Tipo: pix.ChaveEmail, Documento: a.Documento, CreatedAt: At(2 * time.Second)},
		{Chave: "outro@example.com", Tipo: pix.ChaveEmail, Documento: b.Documento, CreatedAt: T0},
	}
	for _, c := range in {
		MustCreateChave(t, s, c)
	}
	got, err := s.Chaves(t.Context(), a.Documento)
	wantOK(t, "Chaves", err)
	want := []pix.Chave{*WantChave(in[1]), *WantChave(in[3]), *WantChave(in[2]), *WantChave(in[0])}
	wantSame(t, "chaves", got, want)
}

func testChavesNone(t *testing.T, s store.Store) {
	r := MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	got, err := s.Chaves(t.Context(), r.Documento)
	wantOK(t, "Chaves", err)
	if got != nil {
		t.Fatalf("Chaves of a recebedor without keys = %#v, want nil", got)
	}
}

// Credentials.

func testCreateCredentialRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	c := MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	revoked := NewCredential("client-2", "company-key")
	revoked.Kind = oauth.KindBankly
	revoked.Scopes = []string{"certificate.create"}
	revoked.Status = oauth.CredentialRevoked
	revoked.RevokedAt = At(time.Hour)
	MustCreateCredential(t, s, revoked)

	for _, want := range []*oauth.Credential{c, revoked} {
		got, err := s.Credential(ctx, want.ClientID)
		wantOK(t, "Credential", err)
		wantSame(t, "credential "+want.ClientID, got, WantCredential(want))
	}
}

func testCreateCredentialNormalizesLists(t *testing.T, s store.Store) {
	c := NewCredential("client-1", CPF(1))
	c.Scopes = []string{"pix.read", "cob.write", "pix.read", "cob.read"}
	c.Thumbprints = []string{"b", "a", "b"}
	c.AllowedCIDRs = []string{"192.168.0.0/16", "10.0.0.0/8", "10.0.0.0/8"}
	in := slices.Clone(c.Scopes)
	MustCreateCredential(t, s, c)
	if !slices.Equal(c.Scopes, in) {
		t.Errorf("CreateCredential modified the caller's scopes: %v", c.Scopes)
	}

	got, err := s.Credential(t.Context(), c.ClientID)
	wantOK(t, "Credential", err)
	want := WantCredential(c)
	want.Scopes = []string{"cob.read", "cob.write", "pix.read"}
	want.Thumbprints = []string{"a", "b"}
	want.AllowedCIDRs = []string{"10.0.0.0/8", "192.168.0.0/16"}
	wantSame(t, "credential", got, want)
}

func testCreateCredentialEmptyLists(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := NewCredential("nil-lists", CPF(1))
	a.Scopes, a.Thumbprints, a.AllowedCIDRs = nil, nil, nil
	b := NewCredential("empty-lists", CPF(1))
	b.Scopes, b.Thumbprints, b.AllowedCIDRs = []string{}, []string{}, []string{}
	for _, c := range []*oauth.Credential{a, b} {
		MustCreateCredential(t, s, c)
		got, err := s.Credential(ctx, c.ClientID)
		wantOK(t, "Credential", err)
		if got.Scopes != nil || got.Thumbprints != nil || got.AllowedCIDRs != nil {
			t.Errorf("%s: got lists %#v %#v %#v, want nil", c.ClientID, got.Scopes, got.Thumbprints, got.AllowedCIDRs)
		}
	}
}

func testCreateCredentialBadListElement(t *testing.T, s store.Store) {
	ctx := t.Context()
	for name, mutate := range map[string]func(c *oauth.Credential){
		"scope with space":    func(c *oauth.Credential) { c.Scopes = []string{"cob.read cob.write"} },
		"empty scope":         func(c *oauth.Credential) { c.Scopes = []string{""} },
		"thumbprint with tab": func(c *oauth.Credential) { c.Thumbprints = []string{"a\tb"} },
		"cidr with newline":   func(c *oauth.Credential) { c.AllowedCIDRs = []string{"10.0.0.0/8\n"} },
	} {
		c := NewCredential("client-1", CPF(1))
		mutate(c)
		wantKind(t, "CreateCredential with "+name, s.CreateCredential(ctx, c), errs.EInvalid)
	}
	_, err := s.Credential(ctx, "client-1")
	wantKind(t, "Credential", err, errs.ENotFound)
	MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	wantKind(t, "BindCertificate with a space", s.BindCertificate(ctx, "client-1", "a b"), errs.EInvalid)
}

func testCreateCredentialConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	second := NewCredential("client-1", CPF(2))
	wantKind(t, "CreateCredential again", s.CreateCredential(ctx, second), errs.EConflict)
	got, err := s.Credential(ctx, first.ClientID)
	wantOK(t, "Credential", err)
	wantSame(t, "credential after the conflict", got, WantCredential(first))
}

func testCredentialNotFound(t *testing.T, s store.Store) {
	MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	_, err := s.Credential(t.Context(), "client-2")
	wantKind(t, "Credential", err, errs.ENotFound)
}

func testCredentialsOrder(t *testing.T, s store.Store) {
	owner := CPF(1)
	mk := func(id string, kind oauth.CredentialKind, owner string, at time.Duration) *oauth.Credential {
		c := NewCredential(id, owner)
		c.Kind = kind
		c.CreatedAt = At(at)
		return MustCreateCredential(t, s, c)
	}
	c3 := mk("c3", oauth.KindPix, owner, 2*time.Second)
	c2 := mk("c2", oauth.KindBanking, owner, time.Second)
	c1 := mk("c1", oauth.KindPSC, owner, 2*time.Second)
	mk("c0", oauth.KindPix, CPF(2), 0)

	got, err := s.Credentials(t.Context(), owner)
	wantOK(t, "Credentials", err)
	want := []oauth.Credential{*WantCredential(c2), *WantCredential(c1), *WantCredential(c3)}
	wantSame(t, "credentials", got, want)

	got, err = s.Credentials(t.Context(), "nobody")
	wantOK(t, "Credentials of nobody", err)
	if got != nil {
		t.Fatalf("Credentials of nobody = %#v, want nil", got)
	}
}

func testSetCredentialStatusRevoked(t *testing.T, s store.Store) {
	ctx := t.Context()
	c := MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	at := At(90 * time.Minute)
	wantOK(t, "SetCredentialStatus", s.SetCredentialStatus(ctx, c.ClientID, oauth.CredentialRevoked, at))

	got, err := s.Credential(ctx, c.ClientID)
	wantOK(t, "Credential", err)
	want := WantCredential(c)
	want.Status = oauth.CredentialRevoked
	want.RevokedAt = Stored(at)
	wantSame(t, "revoked credential", got, want)
}

func testSetCredentialStatusActive(t *testing.T, s store.Store) {
	ctx := t.Context()
	c := MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	wantOK(t, "revoke", s.SetCredentialStatus(ctx, c.ClientID, oauth.CredentialRevoked, At(time.Hour)))
	wantOK(t, "reactivate", s.SetCredentialStatus(ctx, c.ClientID, oauth.CredentialActive, At(2*time.Hour)))

	got, err := s.Credential(ctx, c.ClientID)
	wantOK(t, "Credential", err)
	wantSame(t, "reactivated credential", got, WantCredential(c))
}

func testSetCredentialStatusNotFound(t *testing.T, s store.Store) {
	MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	err := s.SetCredentialStatus(t.Context(), "client-2", oauth.CredentialRevoked, T0)
	wantKind(t, "SetCredentialStatus", err, errs.ENotFound)
}

func mustThumbprints(t *testing.T, s store.Store, clientID string) []string {
	t.Helper()
	c, err := s.Credential(t.Context(), clientID)
	wantOK(t, "Credential", err)
	return c.Thumbprints
}

func testBindIdempotent(t *testing.T, s store.Store) {
	ctx := t.Context()
	c := NewCredential("client-1", CPF(1))
	c.Thumbprints = nil
	MustCreateCredential(t, s, c)
	for _, x5t := range []string{"m", "z", "a", "m", "z"} {
		wantOK(t, "BindCertificate "+x5t, s.BindCertificate(ctx, c.ClientID, x5t))
	}
	wantSame(t, "thumbprints", mustThumbprints(t, s, c.ClientID), []string{"a", "m", "z"})

	got, err := s.Credential(ctx, c.ClientID)
	wantOK(t, "Credential", err)
	want := WantCredential(c)
	want.Thumbprints = []string{"a", "m", "z"}
	wantSame(t, "credential after binding", got, want)
}

func testBindNotFound(t *testing.T, s store.Store) {
	MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	err := s.BindCertificate(t.Context(), "client-2", Thumbprint("x"))
	wantKind(t, "BindCertificate", err, errs.ENotFound)
}

func testBindConcurrent(t *testing.T, s store.Store) {
	c := NewCredential("client-1", CPF(1))
	c.Thumbprints = nil
	MustCreateCredential(t, s, c)
	const n = 20
	var want []string
	var wg sync.WaitGroup
	for i := range n {
		x5t := Thumbprint(fmt.Sprint(i))
		want = append(want, x5t)
		wg.Go(func() {
			if err := s.BindCertificate(t.Context(), c.ClientID, x5t); err != nil {
				t.Errorf("BindCertificate %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	slices.Sort(want)
	wantSame(t, "thumbprints", mustThumbprints(t, s, c.ClientID), want)
}

func testUnbindIdempotent(t *testing.T, s store.Store) {
	ctx := t.Context()
	c := NewCredential("client-1", CPF(1))
	c.Thumbprints = []string{"a", "b", "c"}
	MustCreateCredential(t, s, c)

	wantOK(t, "UnbindCertificate b", s.UnbindCertificate(ctx, c.ClientID, "b"))
	wantOK(t, "UnbindCertificate b again", s.UnbindCertificate(ctx, c.ClientID, "b"))
	wantOK(t, "UnbindCertificate never bound", s.UnbindCertificate(ctx, c.ClientID, "x"))
	wantSame(t, "thumbprints", mustThumbprints(t, s, c.ClientID), []string{"a", "c"})

	wantOK(t, "UnbindCertificate a", s.UnbindCertificate(ctx, c.ClientID, "a"))
	wantOK(t, "UnbindCertificate c", s.UnbindCertificate(ctx, c.ClientID, "c"))
	if got := mustThumbprints(t, s, c.ClientID); got != nil {
		t.Errorf("thumbprints after unbinding all = %#v, want nil", got)
	}
	wantOK(t, "UnbindCertificate of a missing credential", s.UnbindCertificate(ctx, "client-2", "a"))
}

// Certificates.

func testCreateCertificateRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	active := MustCreateCertificate(t, s, NewCertificate("0a1b2c", CPF(1)))
	revoked := NewCertificate("ff", "company-key")
	revoked.Type = pki.CertPartner
	revoked.Status = pki.CertRevoked
	revoked.RevokedAt = At(time.Hour)
	revoked.RevocationReason = "keyCompromise"
	MustCreateCertificate(t, s, revoked)

	for _, want := range []*pki.CertificateRecord{active, revoked} {
		got, err := s.CertificateBySerial(ctx, want.Serial)
		wantOK(t, "CertificateBySerial", err)
		wantSame(t, "certificate by serial "+want.Serial, got, WantCertificate(want))
		got, err = s.CertificateByThumbprint(ctx, want.Thumbprint)
		wantOK(t, "CertificateByThumbprint", err)
		wantSame(t, "certificate by thumbprint "+want.Serial, got, WantCertificate(want))
	}
}

func testCreateCertificateSerialConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := MustCreateCertificate(t, s, NewCertificate("01", CPF(1)))
	second := NewCertificate("01", CPF(2))
	second.Thumbprint = Thumbprint("another certificate")
	wantKind(t, "CreateCertificate same serial", s.CreateCertificate(ctx, second), errs.EConflict)
	_, err := s.CertificateByThumbprint(ctx, second.Thumbprint)
	wantKind(t, "CertificateByThumbprint of the rejected one", err, errs.ENotFound)
	got, err := s.CertificateBySerial(ctx, first.Serial)
	wantOK(t, "CertificateBySerial", err)
	wantSame(t, "certificate after the conflict", got, WantCertificate(first))
}

func testCreateCertificateThumbprintConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := MustCreateCertificate(t, s, NewCertificate("01", CPF(1)))
	second := NewCertificate("02", CPF(1))
	second.Thumbprint = first.Thumbprint
	wantKind(t, "CreateCertificate same thumbprint", s.CreateCertificate(ctx, second), errs.EConflict)
	_, err := s.CertificateBySerial(ctx, second.Serial)
	wantKind(t, "CertificateBySerial of the rejected one", err, errs.ENotFound)
}

func testCertificateByThumbprintNotFound(t *testing.T, s store.Store) {
	MustCreateCertificate(t, s, NewCertificate("01", CPF(1)))
	_, err := s.CertificateByThumbprint(t.Context(), Thumbprint("none"))
	wantKind(t, "CertificateByThumbprint", err, errs.ENotFound)
}

func testCertificateBySerialNotFound(t *testing.T, s store.Store) {
	MustCreateCertificate(t, s, NewCertificate("01", CPF(1)))
	_, err := s.CertificateBySerial(t.Context(), "02")
	wantKind(t, "CertificateBySerial", err, errs.ENotFound)
}

func testCertificatesOrder(t *testing.T, s store.Store) {
	ctx := t.Context()
	owner := "company-key"
	mk := func(serial string, typ pki.CertType, owner string, at time.Duration) *pki.CertificateRecord {
		c := NewCertificate(serial, owner)
		c.Type = typ
		c.CreatedAt = At(at)
		return MustCreateCertificate(t, s, c)
	}
	p3 := mk("03", pki.CertPartner, owner, 2*time.Second)
	c2 := mk("02", pki.CertClient, owner, 3*time.Second)
	p1 := mk("01", pki.CertPartner, owner, 2*time.Second)
	pa := mk("0a", pki.CertPartner, owner, time.Second)
	mk("04", pki.CertPartner, "other-company", 0)

	got, err := s.Certificates(ctx, owner, "")
	wantOK(t, "Certificates all types", err)
	wantSame(t, "certificates of all types", got, []pki.CertificateRecord{
		*WantCertificate(pa), *WantCertificate(p1), *WantCertificate(p3), *WantCertificate(c2),
	})

	got, err = s.Certificates(ctx, owner, pki.CertPartner)
	wantOK(t, "Certificates PARTNER", err)
	wantSame(t, "PARTNER certificates", got, []pki.CertificateRecord{
		*WantCertificate(pa), *WantCertificate(p1), *WantCertificate(p3),
	})

	got, err = s.Certificates(ctx, owner, pki.CertServer)
	wantOK(t, "Certificates SERVER", err)
	if got != nil {
		t.Fatalf("SERVER certificates = %#v, want nil", got)
	}
}

func testRevokeCertificate(t *testing.T, s store.Store) {
	ctx := t.Context()
	c := MustCreateCertificate(t, s, NewCertificate("01", CPF(1)))
	other := MustCreateCertificate(t, s, NewCertificate("02", CPF(1)))
	at := At(time.Hour)
	wantOK(t, "RevokeCertificate", s.RevokeCertificate(ctx, c.Serial, "superseded", at))

	got, err := s.CertificateByThumbprint(ctx, c.Thumbprint)
	wantOK(t, "CertificateByThumbprint", err)
	want := WantCertificate(c)
	want.Status, want.RevokedAt, want.RevocationReason = pki.CertRevoked, Stored(at), "superseded"
	wantSame(t, "revoked certificate", got, want)

	got, err = s.CertificateBySerial(ctx, other.Serial)
	wantOK(t, "CertificateBySerial", err)
	wantSame(t, "the other certificate", got, WantCertificate(other))
}

func testRevokeCertificateTwice(t *testing.T, s store.Store) {
	ctx := t.Context()
	c := MustCreateCertificate(t, s, NewCertificate("01", CPF(1)))
	wantOK(t, "RevokeCertificate", s.RevokeCertificate(ctx, c.Serial, "keyCompromise", At(time.Hour)))
	wantOK(t, "RevokeCertificate again", s.RevokeCertificate(ctx, c.Serial, "superseded", At(2*time.Hour)))

	got, err := s.CertificateBySerial(ctx, c.Serial)
	wantOK(t, "CertificateBySerial", err)
	want := WantCertificate(c)
	want.Status, want.RevokedAt, want.RevocationReason = pki.CertRevoked, Stored(At(time.Hour)), "keyCompromise"
	wantSame(t, "certificate revoked twice", got, want)
}

func testRevokeCertificateNotFound(t *testing.T, s store.Store) {
	MustCreateCertificate(t, s, NewCertificate("01", CPF(1)))
	err := s.RevokeCertificate(t.Context(), "02", "superseded", T0)
	wantKind(t, "RevokeCertificate", err, errs.ENotFound)
}

// Secrets.

func testPutSecretFirstWins(t *testing.T, s store.Store) {
	ctx := t.Context()
	got, err := s.PutSecretIfAbsent(ctx, "pepper", []byte("first"))
	wantOK(t, "PutSecretIfAbsent", err)
	wantSame(t, "first put", got, []byte("first"))
	got, err = s.PutSecretIfAbsent(ctx, "pepper", []byte("second"))
	wantOK(t, "PutSecretIfAbsent again", err)
	wantSame(t, "second put", got, []byte("first"))
	got, err = s.Secret(ctx, "pepper")
	wantOK(t, "Secret", err)
	wantSame(t, "stored secret", got, []byte("first"))

	got, err = s.PutSecretIfAbsent(ctx, "ca-key", []byte("other"))
	wantOK(t, "PutSecretIfAbsent another name", err)
	wantSame(t, "another name", got, []byte("other"))
}

func testPutSecretConcurrent(t *testing.T, s store.Store) {
	const n = 20
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			v, err := s.PutSecretIfAbsent(t.Context(), "signing-key", []byte(fmt.Sprintf("value %d", i)))
			if err != nil {
				t.Errorf("PutSecretIfAbsent %d: %v", i, err)
			}
			got[i] = v
		})
	}
	wg.Wait()
	stored, err := s.Secret(t.Context(), "signing-key")
	wantOK(t, "Secret", err)
	if !strings.HasPrefix(string(stored), "value ") {
		t.Fatalf("stored %q, want one of the values", stored)
	}
	for i, v := range got {
		if string(v) != string(stored) {
			t.Errorf("caller %d got %q, stored is %q", i, v, stored)
		}
	}
}

func testPutSecretBinary(t *testing.T, s store.Store) {
	v := make([]byte, 256)
	for i := range v {
		v[i] = byte(i)
	}
	got, err := s.PutSecretIfAbsent(t.Context(), "binary", v)
	wantOK(t, "PutSecretIfAbsent", err)
	wantSame(t, "returned", got, v)
	got, err = s.Secret(t.Context(), "binary")
	wantOK(t, "Secret", err)
	wantSame(t, "stored", got, v)
}

func testSecretNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.PutSecretIfAbsent(ctx, "a", []byte("x"))
	wantOK(t, "PutSecretIfAbsent", err)
	_, err = s.Secret(ctx, "b")
	wantKind(t, "Secret", err, errs.ENotFound)
}

// Contexts.

func testCancelledContext(t *testing.T, s store.Store) {
	MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	MustCreateCertificate(t, s, NewCertificate("01", CPF(1)))

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]func() error{
		"Ping":                func() error { return s.Ping(ctx) },
		"CreateRecebedor":     func() error { return s.CreateRecebedor(ctx, NewRecebedor(CPF(2))) },
		"Recebedor":           func() error { _, err := s.Recebedor(ctx, CPF(1)); return err },
		"CreateChave":         func() error { return s.CreateChave(ctx, NewChave("x", CPF(1))) },
		"Chave":               func() error { _, err := s.Chave(ctx, "x@example.com"); return err },
		"Chaves":              func() error { _, err := s.Chaves(ctx, CPF(1)); return err },
		"CreateCredential":    func() error { return s.CreateCredential(ctx, NewCredential("client-2", CPF(1))) },
		"Credential":          func() error { _, err := s.Credential(ctx, "client-1"); return err },
		"Credentials":         func() error { _, err := s.Credentials(ctx, CPF(1)); return err },
		"SetCredentialStatus": func() error { return s.SetCredentialStatus(ctx, "client-1", oauth.CredentialRevoked, T0) },
		"BindCertificate":     func() error { return s.BindCertificate(ctx, "client-1", "x") },
		"UnbindCertificate":   func() error { return s.UnbindCertificate(ctx, "client-1", "x") },
		"CreateCertificate":   func() error { return s.CreateCertificate(ctx, NewCertificate("02", CPF(1))) },
		"CertificateBySerial": func() error { _, err := s.CertificateBySerial(ctx, "01"); return err },
		"Certificates":        func() error { _, err := s.Certificates(ctx, CPF(1), ""); return err },
		"RevokeCertificate":   func() error { return s.RevokeCertificate(ctx, "01", "x", T0) },
		"PutSecretIfAbsent":   func() error { _, err := s.PutSecretIfAbsent(ctx, "k", []byte("v")); return err },
		"Secret":              func() error { _, err := s.Secret(ctx, "k"); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: got %v, want an error wrapping context.Canceled", name, err)
		}
	}
	// Nothing was written.
	_, err := s.Recebedor(t.Context(), CPF(2))
	wantKind(t, "Recebedor", err, errs.ENotFound)
}

// testBlockedCallGivesUp holds a credential's row in a transaction and checks
// that a bind waiting on it returns when its context ends, instead of
// hanging.
func testBlockedCallGivesUp(t *testing.T, s store.Store) {
	db, ok := s.(txer)
	if !ok {
		t.Skip("store has no Tx method")
	}
	MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	locked, release := make(chan struct{}), make(chan struct{})
	txDone := make(chan error, 1)
	go func() {
		txDone <- db.Tx(t.Context(), func(tx *store.Tx) error {
			if err := tx.BindCertificate(t.Context(), "client-1", "held"); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	select {
	case <-locked:
	case err := <-txDone:
		t.Fatalf("Tx: %v", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.BindCertificate(ctx, "client-1", "blocked") }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("BindCertificate while the row is held: got %v, want an error wrapping context.DeadlineExceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("BindCertificate still blocked 10 s after its context ended")
	}
	close(release)
	wantOK(t, "Tx", <-txDone)
	want := append(NewCredential("client-1", CPF(1)).Thumbprints, "held")
	slices.Sort(want)
	wantSame(t, "thumbprints", mustThumbprints(t, s, "client-1"), want)
}

// Transactions and migrations.

func testTxCommits(t *testing.T, s store.Store) {
	db, ok := s.(txer)
	if !ok {
		t.Skip("store has no Tx method")
	}
	ctx := t.Context()
	r, c := NewRecebedor(CPF(1)), NewChave("tx", CPF(1))
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateRecebedor(ctx, r); err != nil {
			return err
		}
		if err := tx.CreateChave(ctx, c); err != nil {
			return err
		}
		got, err := tx.Chaves(ctx, r.Documento) // reads its own writes
		if err != nil {
			return err
		}
		wantSame(t, "chaves inside the transaction", got, []pix.Chave{*WantChave(c)})
		return nil
	})
	wantOK(t, "Tx", err)
	got, err := s.Chave(ctx, c.Chave)
	wantOK(t, "Chave after commit", err)
	wantSame(t, "chave", got, WantChave(c))
}

func testTxRollsBack(t *testing.T, s store.Store) {
	db, ok := s.(txer)
	if !ok {
		t.Skip("store has no Tx method")
	}
	ctx := t.Context()
	MustCreateCredential(t, s, NewCredential("client-1", CPF(1)))
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateRecebedor(ctx, NewRecebedor(CPF(1))); err != nil {
			return err
		}
		if err := tx.BindCertificate(ctx, "client-1", "rolled-back"); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Tx returned %v, want fn's error unchanged", err)
	}
	_, err = s.Recebedor(ctx, CPF(1))
	wantKind(t, "Recebedor after rollback", err, errs.ENotFound)
	if slices.Contains(mustThumbprints(t, s, "client-1"), "rolled-back") {
		t.Errorf("binding survived the rollback")
	}
	// The store still writes after a rollback.
	MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
}

func testTxPanics(t *testing.T, s store.Store) {
	db, ok := s.(txer)
	if !ok {
		t.Skip("store has no Tx method")
	}
	ctx := t.Context()
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("Tx swallowed fn's panic")
			}
		}()
		_ = db.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateRecebedor(ctx, NewRecebedor(CPF(1))); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	_, err := s.Recebedor(ctx, CPF(1))
	wantKind(t, "Recebedor after the panic", err, errs.ENotFound)
	MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
}

func testMigrateIdempotent(t *testing.T, s store.Store) {
	m, ok := s.(interface{ Migrate(context.Context) error })
	if !ok {
		t.Skip("store has no Migrate method")
	}
	r := MustCreateRecebedor(t, s, NewRecebedor(CPF(1)))
	wantOK(t, "Migrate again", m.Migrate(t.Context()))
	wantOK(t, "Migrate a third time", m.Migrate(t.Context()))
	got, err := s.Recebedor(t.Context(), r.Documento)
	wantOK(t, "Recebedor after migrating again", err)
	wantSame(t, "recebedor", got, WantRecebedor(r))
}
