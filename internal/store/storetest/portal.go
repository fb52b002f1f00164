package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/portal"
	"github.com/brasa-dev/brasa/internal/store"
)

func init() {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s portal.Store)
	}{
		{"Portal/DeveloperRoundTripAndEmailConflict", testPortalDevelopers},
		{"Portal/SessionRoundTripAndDelete", testPortalSessions},
		{"Portal/ChamadoRoundTripListsAndDecideOnce", testPortalChamados},
		{"Portal/AccountRoundTripAndConflict", testPortalAccounts},
		{"Portal/FileRoundTripNeedsAccountAndListsNewestFirst", testPortalFiles},
		{"Portal/PendingCSRsOldestFirstBeforeCutoff", testPortalPendingCSRs},
		{"Portal/CompleteCSRStoresAllOrNothing", testPortalCompleteCSR},
		{"Portal/CompleteCSRConcurrentExactlyOneWins", testPortalCompleteCSRConcurrent},
		{"Portal/RefuseCSR", testPortalRefuseCSR},
		{"Portal/CreatePortalCredentialLinksAndRollsBack", testPortalCredentials},
	} {
		cobTests = append(cobTests, struct {
			name string
			run  func(t *testing.T, s store.Store)
		}{tc.name, func(t *testing.T, s store.Store) {
			ps, ok := s.(portal.Store)
			if !ok {
				t.Skip("store does not implement portal.Store")
			}
			tc.run(t, ps)
		}})
	}
}

// NewDeveloper returns a developer with every field set, created at T0.
func NewDeveloper(id string) *portal.Developer {
	return &portal.Developer{ID: id, Email: id + "@example.com", Name: "Dev " + id, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: T0}
}

func mustPortal(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func testPortalDevelopers(t *testing.T, s portal.Store) {
	ctx := context.Background()
	d := NewDeveloper("d1")
	mustPortal(t, s.CreateDeveloper(ctx, d))
	want := *d
	want.CreatedAt = Stored(d.CreatedAt)
	got, err := s.Developer(ctx, "d1")
	mustPortal(t, err)
	if diff := Diff(got, &want); diff != "" {
		t.Fatalf("Developer: %s", diff)
	}
	got, err = s.DeveloperByEmail(ctx, "d1@example.com")
	mustPortal(t, err)
	if diff := Diff(got, &want); diff != "" {
		t.Fatalf("DeveloperByEmail: %s", diff)
	}
	dup := NewDeveloper("d2")
	dup.Email = d.Email
	wantKind(t, "same e-mail", s.CreateDeveloper(ctx, dup), errs.EConflict)
	_, err = s.Developer(ctx, "nobody")
	wantKind(t, "Developer(nobody)", err, errs.ENotFound)
	_, err = s.DeveloperByEmail(ctx, "nobody@example.com")
	wantKind(t, "DeveloperByEmail(nobody)", err, errs.ENotFound)
}

func testPortalSessions(t *testing.T, s portal.Store) {
	ctx := context.Background()
	mustPortal(t, s.CreateDeveloper(ctx, NewDeveloper("d1")))
	ps := &portal.Session{TokenHash: []byte("0123456789abcdef0123456789abcdef"), DeveloperID: "d1", CreatedAt: T0, ExpiresAt: At(time.Hour)}
	mustPortal(t, s.CreateSession(ctx, ps))
	got, err := s.Session(ctx, ps.TokenHash)
	mustPortal(t, err)
	want := *ps
	want.CreatedAt, want.ExpiresAt = Stored(ps.CreatedAt), Stored(ps.ExpiresAt)
	if diff := Diff(got, &want); diff != "" {
		t.Fatalf("Session: %s", diff)
	}
	wantKind(t, "session of unknown developer",
		s.CreateSession(ctx, &portal.Session{TokenHash: []byte("x"), DeveloperID: "nobody", CreatedAt: T0, ExpiresAt: T0}), errs.ENotFound)
	mustPortal(t, s.DeleteSession(ctx, ps.TokenHash))
	mustPortal(t, s.DeleteSession(ctx, ps.TokenHash))
	_, err = s.Session(ctx, ps.TokenHash)
	wantKind(t, "deleted session", err, errs.ENotFound)
}

func testPortalChamados(t *testing.T, s portal.Store) {
	ctx := context.Background()
	mustPortal(t, s.CreateDeveloper(ctx, NewDeveloper("d1")))
	mustPortal(t, s.CreateDeveloper(ctx, NewDeveloper("d2")))
	var cs []*portal.Chamado
	for i, dev := range []string{"d1", "d2", "d1"} {
		c := &portal.Chamado{ID: fmt.Sprintf("c%d", i), DeveloperID: dev, Tipo: portal.TipoAcessoAPIPix,
			CNPJ: "12345678000195", IDAdesao: fmt.Sprint(1000 + i), Status: portal.ChamadoAberto, CreatedAt: At(time.Duration(i) * time.Second)}
		mustPortal(t, s.CreateChamado(ctx, c))
		cs = append(cs, c)
	}
	list, err := s.Chamados(ctx, "d1")
	mustPortal(t, err)
	if len(list) != 2 || list[0].ID != "c0" || list[1].ID != "c2" {
		t.Fatalf("Chamados(d1) = %+v, want c0, c2", list)
	}
	mustPortal(t, s.DecideChamado(ctx, "c0", portal.ChamadoAprovado, []portal.Modalidade{portal.ModalidadeCobranca}, At(time.Minute)))
	wantKind(t, "second decision", s.DecideChamado(ctx, "c0", portal.ChamadoRecusado, nil, At(time.Minute)), errs.EConflict)
	wantKind(t, "unknown chamado", s.DecideChamado(ctx, "nope", portal.ChamadoRecusado, nil, At(time.Minute)), errs.ENotFound)
	got, err := s.Chamado(ctx, "c0")
	mustPortal(t, err)
	want := *cs[0]
	want.Status, want.Modalidades = portal.ChamadoAprovado, []portal.Modalidade{portal.ModalidadeCobranca}
	want.CreatedAt, want.DecidedAt = Stored(want.CreatedAt), Stored(At(time.Minute))
	if diff := Diff(got, &want); diff != "" {
		t.Fatalf("decided chamado: %s", diff)
	}
	open, err := s.ChamadosByStatus(ctx, portal.ChamadoAberto)
	mustPortal(t, err)
	if len(open) != 2 || open[0].ID != "c1" || open[1].ID != "c2" {
		t.Fatalf("open chamados = %+v, want c1, c2", open)
	}
	_, err = s.Chamado(ctx, "nope")
	wantKind(t, "Chamado(nope)", err, errs.ENotFound)
}

func testPortalAccounts(t *testing.T, s portal.Store) {
	ctx := context.Background()
	a := &portal.Account{Cooperativa: "0116", Conta: "471406", Documento: "12345678000195", CreatedAt: T0}
	mustPortal(t, s.CreateAccount(ctx, a))
	got, err := s.Account(ctx, "0116", "471406")
	mustPortal(t, err)
	want := *a
	want.CreatedAt = Stored(T0)
	if diff := Diff(got, &want); diff != "" {
		t.Fatalf("Account: %s", diff)
	}
	wantKind(t, "same account", s.CreateAccount(ctx, a), errs.EConflict)
	_, err = s.Account(ctx, "0116", "1")
	wantKind(t, "unknown account", err, errs.ENotFound)
}

func newPortalFile(id string, at time.Duration) *portal.File {
	return &portal.File{ID: id, Cooperativa: "0116", Conta: "471406", Documento: "12345678000195", Nome: id + ".csr",
		Tipo: portal.TipoOriginal, Status: portal.StatusEmProcessamento, Usuario: "d1@example.com",
		Content: []byte("-----BEGIN CERTIFICATE REQUEST-----\n" + id), KeyEncrypted: []byte("enc " + id), KeySealed: []byte("sealed " + id),
		CreatedAt: At(at), UpdatedAt: At(at)}
}

func wantFile(f *portal.File) *portal.File {
	w := *f
	w.CreatedAt, w.UpdatedAt = Stored(f.CreatedAt), Stored(f.UpdatedAt)
	return &w
}

func mustAccount(tb testing.TB, s portal.Store) {
	tb.Helper()
	mustPortal(tb, s.CreateAccount(context.Background(), &portal.Account{Cooperativa: "0116", Conta: "471406", Documento: "12345678000195", CreatedAt: T0}))
}

func testPortalFiles(t *testing.T, s portal.Store) {
	ctx := context.Background()
	wantKind(t, "file without account", s.CreateFile(ctx, newPortalFile("f0", 0)), errs.ENotFound)
	mustAccount(t, s)
	f1, f2 := newPortalFile("f1", 0), newPortalFile("f2", time.Second)
	f2.KeyEncrypted, f2.KeySealed = nil, nil // a CSR uploaded by hand
	mustPortal(t, s.CreateFile(ctx, f1))
	mustPortal(t, s.CreateFile(ctx, f2))
	wantKind(t, "same id", s.CreateFile(ctx, f1), errs.EConflict)
	got, err := s.File(ctx, "f1")
	mustPortal(t, err)
	if diff := Diff(got, wantFile(f1)); diff != "" {
		t.Fatalf("File: %s", diff)
	}
	list, err := s.Files(ctx, "0116", "471406")
	mustPortal(t, err)
	if diff := Diff(list, []portal.File{*wantFile(f2), *wantFile(f1)}); diff != "" {
		t.Fatalf("Files: %s", diff)
	}
	if list[0].HasKey() || !list[1].HasKey() {
		t.Fatal("HasKey: want false for the uploaded CSR, true for the generated one")
	}
	none, err := s.Files(ctx, "0116", "999")
	mustPortal(t, err)
	if none != nil {
		t.Fatalf("Files of an empty account = %v, want nil", none)
	}
	_, err = s.File(ctx, "nope")
	wantKind(t, "File(nope)", err, errs.ENotFound)
}

func testPortalPendingCSRs(t *testing.T, s portal.Store) {
	ctx := context.Background()
	mustAccount(t, s)
	for i := 0; i < 4; i++ {
		mustPortal(t, s.CreateFile(ctx, newPortalFile(fmt.Sprintf("f%d", i), time.Duration(i)*time.Second)))
	}
	done := newPortalFile("ok", 0)
	done.Status = portal.StatusOK
	mustPortal(t, s.CreateFile(ctx, done))
	got, err := s.PendingCSRs(ctx, At(2*time.Second), 10)
	mustPortal(t, err)
	var ids []string
	for _, f := range got {
		ids = append(ids, f.ID)
	}
	if fmt.Sprint(ids) != "[f0 f1 f2]" {
		t.Fatalf("PendingCSRs = %v, want [f0 f1 f2]", ids)
	}
	got, err = s.PendingCSRs(ctx, At(time.Hour), 2)
	mustPortal(t, err)
	if len(got) != 2 {
		t.Fatalf("PendingCSRs limit 2 gave %d", len(got))
	}
}

func portalCompletion(csrID string) ([]portal.File, func() *portal.File) {
	v := newPortalFile(csrID+"-cer", time.Minute)
	v.Nome, v.Tipo, v.Status, v.OriginID, v.Serial, v.Thumbprint = csrID+".cer", portal.TipoValidado, portal.StatusOK, csrID, "abc"+csrID, Thumbprint(csrID)
	v.KeyEncrypted, v.KeySealed = nil, nil
	c := newPortalFile(csrID+"-chain", time.Minute)
	c.Nome, c.Tipo, c.Status, c.OriginID = "CadeiaCompleta.cer", portal.TipoCadeia, portal.StatusOK, csrID
	c.KeyEncrypted, c.KeySealed = nil, nil
	return []portal.File{*v, *c}, func() *portal.File { return v }
}

func testPortalCompleteCSR(t *testing.T, s portal.Store) {
	ctx := context.Background()
	mustAccount(t, s)
	mustPortal(t, s.CreateFile(ctx, newPortalFile("f1", 0)))
	// A certificate whose serial is taken makes the whole completion fail.
	taken := NewCertificate("abcf1", "12345678000195")
	if st, ok := s.(store.Store); ok {
		MustCreateCertificate(t, st, taken)
	}
	files, _ := portalCompletion("f1")
	cert := NewCertificate("abcf1", "12345678000195")
	cert.Thumbprint = Thumbprint("other")
	wantKind(t, "taken serial", s.CompleteCSR(ctx, "f1", cert, files, At(time.Minute)), errs.EConflict)
	got, err := s.File(ctx, "f1")
	mustPortal(t, err)
	if got.Status != portal.StatusEmProcessamento {
		t.Fatalf("after a failed completion the CSR is %s, want EM_PROCESSAMENTO", got.Status)
	}
	if list, _ := s.Files(ctx, "0116", "471406"); len(list) != 1 {
		t.Fatalf("after a failed completion the account has %d files, want 1", len(list))
	}

	cert = NewCertificate("abcf1-new", "12345678000195")
	mustPortal(t, s.CompleteCSR(ctx, "f1", cert, files, At(time.Minute)))
	got, err = s.File(ctx, "f1")
	mustPortal(t, err)
	if got.Status != portal.StatusOK || !got.UpdatedAt.Equal(Stored(At(time.Minute))) {
		t.Fatalf("completed CSR: status %s updated %v", got.Status, got.UpdatedAt)
	}
	if _, err := s.CertificateBySerial(ctx, "abcf1-new"); err != nil {
		t.Fatalf("certificate not stored: %v", err)
	}
	list, err := s.Files(ctx, "0116", "471406")
	mustPortal(t, err)
	if len(list) != 3 {
		t.Fatalf("account has %d files, want 3", len(list))
	}
	wantKind(t, "completing twice", s.CompleteCSR(ctx, "f1", NewCertificate("x2", "1"), nil, At(time.Minute)), errs.EConflict)
	wantKind(t, "completing unknown", s.CompleteCSR(ctx, "nope", NewCertificate("x3", "1"), nil, At(time.Minute)), errs.ENotFound)
}

func testPortalCompleteCSRConcurrent(t *testing.T, s portal.Store) {
	ctx := context.Background()
	mustAccount(t, s)
	mustPortal(t, s.CreateFile(ctx, newPortalFile("f1", 0)))
	const n = 6
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			files, _ := portalCompletion(fmt.Sprintf("f1-%d", i))
			files[0].OriginID, files[1].OriginID = "f1", "f1"
			results[i] = s.CompleteCSR(ctx, "f1", NewCertificate(fmt.Sprintf("serial%d", i), "12345678000195"), files, At(time.Minute))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case !errs.Is(err, errs.EConflict):
			t.Fatalf("CompleteCSR: %v", err)
		}
	}
	list, err := s.Files(ctx, "0116", "471406")
	mustPortal(t, err)
	if ok != 1 || len(list) != 3 {
		t.Fatalf("%d completions succeeded and the account has %d files; want 1 and 3", ok, len(list))
	}
}

func testPortalRefuseCSR(t *testing.T, s portal.Store) {
	ctx := context.Background()
	mustAccount(t, s)
	mustPortal(t, s.CreateFile(ctx, newPortalFile("f1", 0)))
	mustPortal(t, s.RefuseCSR(ctx, "f1", "chave fraca", At(time.Minute)))
	got, err := s.File(ctx, "f1")
	mustPortal(t, err)
	if got.Status != portal.StatusRecusado || got.Message != "chave fraca" {
		t.Fatalf("refused CSR: %s %q", got.Status, got.Message)
	}
	wantKind(t, "refusing twice", s.RefuseCSR(ctx, "f1", "x", At(time.Minute)), errs.EConflict)
	pending, err := s.PendingCSRs(ctx, At(time.Hour), 10)
	mustPortal(t, err)
	if len(pending) != 0 {
		t.Fatalf("a refused CSR is still pending")
	}
}

func testPortalCredentials(t *testing.T, s portal.Store) {
	ctx := context.Background()
	st, ok := s.(store.Store)
	if !ok {
		t.Skip("not a store.Store")
	}
	mustAccount(t, s)
	mustPortal(t, s.CreateFile(ctx, newPortalFile("f1", 0)))
	c := NewCredential("client1", "12345678000195")
	link := &portal.PortalCredential{ClientID: "client1", FileID: "f1", DeveloperID: "d1", CreatedAt: T0}
	mustPortal(t, s.CreatePortalCredential(ctx, c, link))
	links, err := s.PortalCredentials(ctx, "f1")
	mustPortal(t, err)
	if len(links) != 1 || links[0].ClientID != "client1" || !links[0].CreatedAt.Equal(Stored(T0)) {
		t.Fatalf("PortalCredentials = %+v", links)
	}
	if _, err := st.Credential(ctx, "client1"); err != nil {
		t.Fatalf("credential not stored: %v", err)
	}
	// A link to a file that does not exist rolls the credential back.
	c2 := NewCredential("client2", "12345678000195")
	wantKind(t, "link to unknown file",
		s.CreatePortalCredential(ctx, c2, &portal.PortalCredential{ClientID: "client2", FileID: "nope", CreatedAt: T0}), errs.ENotFound)
	_, err = st.Credential(ctx, "client2")
	wantKind(t, "rolled-back credential", err, errs.ENotFound)
}
