package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/pixapi"
)

func init() {
	type tc = struct {
		name string
		run  func(t *testing.T, s store.Store)
	}
	cobTests = append(cobTests,
		tc{"Pix/RoundTripAndTenantIsolation", testPixRoundTrip},
		tc{"Pix/ErrConflictOnSameEndToEndID", testPixConflict},
		tc{"Pix/ListFiltersOrderAndPaging", testPixList},
		tc{"Pix/DevolucoesInRequestOrderAndUniqueID", testDevolucoes},
		tc{"Pix/FinishDevolucaoOnlyOnceAndQueue", testFinishDevolucao},
		tc{"Pix/InTxRollsBackEverything", testPixTxRollback},
		tc{"Pix/Webhooks", testWebhooks},
	)
}

// pixStore is what the Pix tests need of a store: *store.DB has it.
type pixStore interface {
	store.Store
	pix.PixStore
	pix.Transactor
}

func asPix(t *testing.T, s store.Store) pixStore {
	t.Helper()
	ps, ok := s.(pixStore)
	if !ok {
		t.Skip("store does not implement pix.PixStore")
	}
	return ps
}

// E2E returns a valid endToEndId numbered n.
func E2E(n int) string { return fmt.Sprintf("E00000000202603141509%011d", n) }

// NewPix returns a Pix of documento received at horario.
func NewPix(documento string, n int, txid string, horario time.Time) *pix.PixRecord {
	return &pix.PixRecord{Documento: documento, EndToEndID: E2E(n), TxID: txid, Chave: "chave-" + documento,
		Valor: 1000, Retirada: 200, Horario: horario, PagadorCPF: CPF(n), Body: []byte(`{"endToEndId":"` + E2E(n) + `"}`)}
}

func testPixRoundTrip(t *testing.T, s0 store.Store) {
	s := asPix(t, s0)
	ctx := t.Context()
	p := NewPix(CPF(1), 1, TxID(1), T0)
	wantOK(t, "CreatePix", s.CreatePix(ctx, p))
	got, err := s.Pix(ctx, CPF(1), E2E(1))
	wantOK(t, "Pix", err)
	want := *p
	want.Horario = T0.UTC().Truncate(time.Microsecond)
	if got.EndToEndID != want.EndToEndID || got.TxID != want.TxID || got.Chave != want.Chave || got.Valor != 1000 || got.Retirada != 200 ||
		!got.Horario.Equal(want.Horario) || got.Horario.Location() != time.UTC || got.PagadorCPF != CPF(1) || string(got.Body) != string(p.Body) || got.Devolucoes != nil {
		t.Errorf("Pix = %+v, want %+v", got, want)
	}
	_, err = s.Pix(ctx, CPF(2), E2E(1))
	wantKind(t, "Pix of another recebedor", err, errs.ENotFound)
	doc, err := s.PixDocumento(ctx, E2E(1))
	if err != nil || doc != CPF(1) {
		t.Errorf("PixDocumento = %q, %v", doc, err)
	}
	_, err = s.PixDocumento(ctx, E2E(9))
	wantKind(t, "PixDocumento unknown", err, errs.ENotFound)
	noTxID := NewPix(CPF(1), 2, "", T0)
	wantOK(t, "CreatePix without txid", s.CreatePix(ctx, noTxID))
	got, err = s.Pix(ctx, CPF(1), E2E(2))
	if err != nil || got.TxID != "" {
		t.Errorf("Pix without txid = %+v, %v", got, err)
	}
}

func testPixConflict(t *testing.T, s0 store.Store) {
	s := asPix(t, s0)
	wantOK(t, "CreatePix", s.CreatePix(t.Context(), NewPix(CPF(1), 1, TxID(1), T0)))
	wantKind(t, "CreatePix again", s.CreatePix(t.Context(), NewPix(CPF(2), 1, TxID(2), T0)), errs.EConflict)
}

func testPixList(t *testing.T, s0 store.Store) {
	s := asPix(t, s0)
	ctx := t.Context()
	doc := CPF(1)
	// Inserted out of order; 5 is another recebedor's; 3 has no txid.
	for _, n := range []int{4, 1, 3, 2} {
		txid := TxID(n)
		if n == 3 {
			txid = ""
		}
		wantOK(t, "CreatePix", s.CreatePix(ctx, NewPix(doc, n, txid, At(time.Duration(n)*time.Minute))))
	}
	wantOK(t, "CreatePix", s.CreatePix(ctx, NewPix(CPF(2), 5, TxID(5), At(time.Minute))))
	wantOK(t, "CreateDevolucao", s.CreateDevolucao(ctx, &pix.DevolucaoRecord{Documento: doc, EndToEndID: E2E(2), ID: "d1", RtrID: "D1",
		Valor: 100, Natureza: pixapi.NaturezaOriginal, Status: pixapi.DevolucaoEmProcessamento, Solicitacao: T0, LiquidarEm: T0}))
	yes, no := true, false
	for _, c := range []struct {
		name  string
		f     pix.PixFilter
		want  []int
		total int
	}{
		{"all", pix.PixFilter{}, []int{1, 2, 3, 4}, 4},
		{"range", pix.PixFilter{Inicio: At(2 * time.Minute).Truncate(time.Microsecond), Fim: At(3 * time.Minute)}, []int{2, 3}, 2},
		{"txid", pix.PixFilter{TxID: TxID(4)}, []int{4}, 1},
		{"txIdPresente", pix.PixFilter{TxIDPresente: &yes}, []int{1, 2, 4}, 3},
		{"txIdAusente", pix.PixFilter{TxIDPresente: &no}, []int{3}, 1},
		{"devolucaoPresente", pix.PixFilter{DevolucaoPresente: &yes}, []int{2}, 1},
		{"devolucaoAusente", pix.PixFilter{DevolucaoPresente: &no}, []int{1, 3, 4}, 3},
		{"cpf", pix.PixFilter{CPF: CPF(3)}, []int{3}, 1},
		{"page2", pix.PixFilter{Offset: 2, Limit: 2}, []int{3, 4}, 4},
		{"countOnly", pix.PixFilter{Limit: -1}, nil, 4},
	} {
		f := c.f
		f.Documento = doc
		if f.Inicio.IsZero() {
			f.Inicio, f.Fim = T0, At(time.Hour)
		}
		if f.Limit == 0 {
			f.Limit = 100
		}
		got, total, err := s.ListPix(ctx, f)
		wantOK(t, "ListPix "+c.name, err)
		var ns []int
		for _, p := range got {
			var n int
			fmt.Sscanf(p.EndToEndID[21:], "%d", &n)
			ns = append(ns, n)
			if n == 2 && (len(p.Devolucoes) != 1 || p.Devolucoes[0].ID != "d1") {
				t.Errorf("ListPix %s: Pix 2 devolucoes = %+v", c.name, p.Devolucoes)
			}
		}
		if fmt.Sprint(ns) != fmt.Sprint(c.want) || total != c.total {
			t.Errorf("ListPix %s = %v (total %d), want %v (total %d)", c.name, ns, total, c.want, c.total)
		}
	}
	got, err := s.PixDoTxID(ctx, doc, TxID(4))
	if err != nil || len(got) != 1 || got[0].EndToEndID != E2E(4) {
		t.Errorf("PixDoTxID = %+v, %v", got, err)
	}
}

func newDevolucao(doc string, n int, id string, at time.Time) *pix.DevolucaoRecord {
	return &pix.DevolucaoRecord{Documento: doc, EndToEndID: E2E(n), ID: id, RtrID: fmt.Sprintf("D%031d", n*1000+len(id)*7+int(at.Unix()%997)),
		Valor: 100, Natureza: pixapi.NaturezaOriginal, Descricao: "desc " + id, Status: pixapi.DevolucaoEmProcessamento,
		Solicitacao: at, LiquidarEm: at.Add(time.Minute)}
}

func testDevolucoes(t *testing.T, s0 store.Store) {
	s := asPix(t, s0)
	ctx := t.Context()
	doc := CPF(1)
	wantOK(t, "CreatePix", s.CreatePix(ctx, NewPix(doc, 1, TxID(1), T0)))
	for i, id := range []string{"zz", "aa", "mm"} {
		wantOK(t, "CreateDevolucao "+id, s.CreateDevolucao(ctx, newDevolucao(doc, 1, id, At(time.Duration(i)*time.Second))))
	}
	wantKind(t, "CreateDevolucao same id", s.CreateDevolucao(ctx, newDevolucao(doc, 1, "aa", At(time.Hour))), errs.EConflict)
	wantKind(t, "CreateDevolucao unknown pix", s.CreateDevolucao(ctx, newDevolucao(doc, 7, "x", T0)), errs.ENotFound)
	wantKind(t, "CreateDevolucao other recebedor", s.CreateDevolucao(ctx, newDevolucao(CPF(2), 1, "y", T0)), errs.ENotFound)
	p, err := s.Pix(ctx, doc, E2E(1))
	wantOK(t, "Pix", err)
	var ids []string
	for _, d := range p.Devolucoes {
		ids = append(ids, d.ID)
	}
	if fmt.Sprint(ids) != "[zz aa mm]" {
		t.Errorf("devolucoes = %v, want request order [zz aa mm]", ids)
	}
	d := p.Devolucoes[1]
	if d.Descricao != "desc aa" || d.Valor != 100 || d.Status != pixapi.DevolucaoEmProcessamento || !d.Liquidacao.IsZero() ||
		!d.Solicitacao.Equal(At(time.Second).UTC().Truncate(time.Microsecond)) {
		t.Errorf("devolucao aa = %+v", d)
	}
}

func testFinishDevolucao(t *testing.T, s0 store.Store) {
	s := asPix(t, s0)
	ctx := t.Context()
	doc := CPF(1)
	wantOK(t, "CreatePix", s.CreatePix(ctx, NewPix(doc, 1, TxID(1), T0)))
	next, err := s.NextDevolucao(ctx)
	if err != nil || !next.IsZero() {
		t.Fatalf("NextDevolucao with none = %v, %v", next, err)
	}
	a, b := newDevolucao(doc, 1, "a", T0), newDevolucao(doc, 1, "b", At(time.Hour))
	wantOK(t, "CreateDevolucao", s.CreateDevolucao(ctx, a))
	wantOK(t, "CreateDevolucao", s.CreateDevolucao(ctx, b))
	next, err = s.NextDevolucao(ctx)
	if err != nil || !next.Equal(a.LiquidarEm.UTC().Truncate(time.Microsecond)) {
		t.Errorf("NextDevolucao = %v, %v; want %v", next, err, a.LiquidarEm)
	}
	due, err := s.DueDevolucoes(ctx, At(2*time.Minute), 10)
	if err != nil || len(due) != 1 || due[0].ID != "a" {
		t.Fatalf("DueDevolucoes = %+v, %v; want [a]", due, err)
	}
	a.Status, a.Motivo, a.Liquidacao = pixapi.DevolucaoNaoRealizado, "conta encerrada", At(3*time.Minute)
	ok, err := s.FinishDevolucao(ctx, a)
	if err != nil || !ok {
		t.Fatalf("FinishDevolucao = %v, %v", ok, err)
	}
	a.Status = pixapi.DevolucaoDevolvido
	if ok, err := s.FinishDevolucao(ctx, a); err != nil || ok {
		t.Errorf("FinishDevolucao again = %v, %v; want false", ok, err)
	}
	p, _ := s.Pix(ctx, doc, E2E(1))
	got := p.Devolucoes[0]
	if got.Status != pixapi.DevolucaoNaoRealizado || got.Motivo != "conta encerrada" || !got.Liquidacao.Equal(At(3*time.Minute).UTC().Truncate(time.Microsecond)) {
		t.Errorf("finished devolucao = %+v", got)
	}
	if due, _ := s.DueDevolucoes(ctx, At(24*time.Hour), 10); len(due) != 1 || due[0].ID != "b" {
		t.Errorf("DueDevolucoes after finishing a = %+v, want [b]", due)
	}
}

func testPixTxRollback(t *testing.T, s0 store.Store) {
	s := asPix(t, s0)
	ctx := t.Context()
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx pix.TxStore) error {
		if err := tx.CreatePix(ctx, NewPix(CPF(1), 1, TxID(1), T0)); err != nil {
			return err
		}
		if err := tx.PutWebhook(ctx, &pix.WebhookRecord{Documento: CPF(1), Chave: "k", URL: "https://a.example", Criacao: T0}); err != nil {
			return err
		}
		if _, err := tx.LockPix(ctx, CPF(1), E2E(1)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want boom", err)
	}
	_, err = s.Pix(ctx, CPF(1), E2E(1))
	wantKind(t, "Pix after rollback", err, errs.ENotFound)
	_, err = s.Webhook(ctx, CPF(1), "k")
	wantKind(t, "Webhook after rollback", err, errs.ENotFound)
	wantOK(t, "InTx commit", s.InTx(ctx, func(tx pix.TxStore) error { return tx.CreatePix(ctx, NewPix(CPF(1), 1, TxID(1), T0)) }))
	if _, err := s.Pix(ctx, CPF(1), E2E(1)); err != nil {
		t.Errorf("Pix after commit: %v", err)
	}
}

func testWebhooks(t *testing.T, s0 store.Store) {
	s := asPix(t, s0)
	ctx := t.Context()
	doc := CPF(1)
	_, err := s.Webhook(ctx, doc, "k1")
	wantKind(t, "Webhook none", err, errs.ENotFound)
	wantKind(t, "DeleteWebhook none", s.DeleteWebhook(ctx, doc, "k1"), errs.ENotFound)
	wantOK(t, "PutWebhook", s.PutWebhook(ctx, &pix.WebhookRecord{Documento: doc, Chave: "k2", URL: "https://a.example/2", Criacao: At(2 * time.Second)}))
	wantOK(t, "PutWebhook", s.PutWebhook(ctx, &pix.WebhookRecord{Documento: doc, Chave: "k1", URL: "https://a.example/1", Criacao: T0}))
	wantOK(t, "PutWebhook other", s.PutWebhook(ctx, &pix.WebhookRecord{Documento: CPF(2), Chave: "k3", URL: "https://b.example", Criacao: T0}))
	wantOK(t, "PutWebhook replace", s.PutWebhook(ctx, &pix.WebhookRecord{Documento: doc, Chave: "k1", URL: "https://a.example/new", Criacao: At(time.Hour)}))
	w, err := s.Webhook(ctx, doc, "k1")
	if err != nil || w.URL != "https://a.example/new" || !w.Criacao.Equal(At(time.Hour).UTC().Truncate(time.Microsecond)) {
		t.Errorf("Webhook = %+v, %v", w, err)
	}
	_, err = s.Webhook(ctx, CPF(2), "k1")
	wantKind(t, "Webhook of another recebedor", err, errs.ENotFound)
	list, total, err := s.ListWebhooks(ctx, pix.WebhookFilter{Documento: doc, Limit: 10})
	if err != nil || total != 2 || len(list) != 2 || list[0].Chave != "k2" || list[1].Chave != "k1" {
		t.Errorf("ListWebhooks = %+v (total %d), %v; want [k2 k1]", list, total, err)
	}
	list, total, _ = s.ListWebhooks(ctx, pix.WebhookFilter{Documento: doc, Inicio: T0, Fim: At(time.Minute), Limit: 10})
	if total != 1 || len(list) != 1 || list[0].Chave != "k2" {
		t.Errorf("ListWebhooks range = %+v (total %d)", list, total)
	}
	wantOK(t, "DeleteWebhook", s.DeleteWebhook(ctx, doc, "k1"))
	_, err = s.Webhook(ctx, doc, "k1")
	wantKind(t, "Webhook deleted", err, errs.ENotFound)
}
