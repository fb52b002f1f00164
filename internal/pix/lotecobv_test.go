package pix_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
	"github.com/brasa-dev/brasa/internal/store/storetest"
	"github.com/brasa-dev/brasa/pixapi"
)

// loteEnv is a Service on a fresh SQLite store with one recebedor and its
// key, whose clock runs two days ahead (the sandbox clock).
type loteEnv struct {
	db    *store.DB
	svc   *pix.Service
	doc   string
	chave string
	clock *clock.Offset
}

const adiantado = 48 * time.Hour

func newLoteEnv(t *testing.T) *loteEnv {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "brasa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	doc := storetest.CPF(1)
	storetest.MustCreateRecebedor(t, db, storetest.NewRecebedor(doc))
	ch := storetest.MustCreateChave(t, db, storetest.NewChave("loja", doc))
	c := clock.NewOffset(clock.System, adiantado)
	return &loteEnv{db: db, svc: pix.NewService(db, c, "https://pix.example.com"), doc: doc, chave: ch.Chave, clock: c}
}

func (e *loteEnv) cobv(valor string) pixapi.CobVSolicitada {
	venc := (&pix.Calendario{}).ProximoDiaUtil(pix.DataEm(e.clock.Now()).AddDays(10))
	return pixapi.CobVSolicitada{
		Calendario: pixapi.CobVCalendarioSolicitado{DataDeVencimento: pixapi.Data(venc.String())},
		Devedor:    pixapi.Devedor{CPF: "12345678909", Nome: "Francisco da Silva"},
		Valor:      pixapi.CobVValor{Original: valor},
		Chave:      e.chave,
	}
}

func txidLote(i int) string { return fmt.Sprintf("lotepix%025d", i) }

// process runs the processor until no item of batch id is EM_PROCESSAMENTO
// and returns the batch.
func (e *loteEnv) process(t *testing.T, id int64) *pixapi.LoteCobVConsultado {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.svc.ProcessLotes(ctx, nil)
	}()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l, err := e.svc.LoteCobV(t.Context(), e.doc, id, problema)
		if err != nil {
			t.Fatal(err)
		}
		pending := false
		for _, it := range l.CobsV {
			pending = pending || it.Status == pixapi.LoteItemEmProcessamento
		}
		if !pending {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("lote %d not processed: %+v", id, l.CobsV)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// problema renders a refusal as a minimal problem naming the error's kind
// and violations.
func problema(err error) *pixapi.Problem {
	e := errs.As(err)
	p := &pixapi.Problem{Type: pixapi.ErrorTypeBase + e.Kind.String(), Title: e.Message}
	for _, v := range e.Violations {
		p.Violacoes = append(p.Violacoes, pixapi.Violacao{Propriedade: v.Property, Razao: v.Reason})
	}
	return p
}

func wantViolation(t *testing.T, what string, err error, prop string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Kind != errs.EInvalid {
		t.Fatalf("%s: %v, want EInvalid naming %s", what, err, prop)
	}
	for _, v := range e.Violations {
		if v.Property == prop {
			return
		}
	}
	t.Fatalf("%s: violations %+v, want one on %s", what, e.Violations, prop)
}

func TestLoteWhileProcessing(t *testing.T) {
	e := newLoteEnv(t)
	ctx := t.Context()
	lote := pixapi.LoteCobVSolicitado{Descricao: "d", CobsV: []pixapi.CobVSolicitadaEmLote{
		{TxID: txidLote(1), CobVSolicitada: e.cobv("10.00")}, {TxID: txidLote(2), CobVSolicitada: e.cobv("20.00")}}}
	// No processor runs: the items stay EM_PROCESSAMENTO.
	if err := e.svc.PutLoteCobV(ctx, e.doc, 1, &lote); err != nil {
		t.Fatal(err)
	}
	l, err := e.svc.LoteCobV(ctx, e.doc, 1, problema)
	if err != nil || len(l.CobsV) != 2 || l.CobsV[0].Status != pixapi.LoteItemEmProcessamento {
		t.Fatalf("stored batch: %+v %v", l, err)
	}
	if d := l.Criacao.Sub(time.Now()); d < adiantado-time.Minute || d > adiantado+time.Minute {
		t.Errorf("batch criacao %v: not the service's clock", l.Criacao)
	}
	wantViolation(t, "PUT of a batch EM_PROCESSAMENTO", e.svc.PutLoteCobV(ctx, e.doc, 1, &lote), "loteCobV.cobsV[0].txid")
	wantViolation(t, "PATCH of an item EM_PROCESSAMENTO", e.svc.PatchLoteCobV(ctx, e.doc, 1, &pixapi.LoteCobVRevisado{
		CobsV: []pixapi.CobVRevisadaEmLote{{TxID: txidLote(2), CobVRevisada: pixapi.CobVRevisada{SolicitacaoPagador: "x"}}}}), "loteCobV.cobsV[0].txid")
	_, err = e.svc.CreateCobV(ctx, e.doc, txidLote(1), &lote.CobsV[0].CobVSolicitada)
	wantViolation(t, "PUT /cobv of an item EM_PROCESSAMENTO", err, "txid")
	if !strings.Contains(errs.As(err).Violations[0].Reason, "EM_PROCESSAMENTO") {
		t.Errorf("violation %+v", errs.As(err).Violations)
	}
	if _, err := e.svc.CobV(ctx, e.doc, txidLote(1), nil); !errs.Is(err, errs.ENotFound) {
		t.Errorf("GET /cobv of an item EM_PROCESSAMENTO: %v", err)
	}

	got := e.process(t, 1)
	for _, it := range got.CobsV {
		if it.Status != pixapi.LoteItemCriada {
			t.Fatalf("item %+v", it)
		}
		// Created with the service's clock.
		if d := it.Criacao.Sub(time.Now()); d < adiantado-time.Minute || d > adiantado+time.Minute {
			t.Errorf("item criacao %v: not the service's clock", it.Criacao)
		}
	}
	body, err := e.svc.CobV(ctx, e.doc, txidLote(2), nil)
	if err != nil {
		t.Fatal(err)
	}
	var cob pixapi.CobVCompleta
	if err := json.Unmarshal(body, &cob); err != nil || cob.Valor.Original != "20.00" {
		t.Errorf("created charge %s %v", body, err)
	}
	r, err := e.db.Cob(ctx, e.doc, txidLote(2))
	if err != nil || r.LoteID != 1 {
		t.Errorf("the charge's lote: %+v %v", r, err)
	}
}

// TestLoteProcessingIsIdempotent: a charge the batch created before its
// item's outcome was recorded (a crash between the two) counts as CRIADA,
// unchanged; one created outside the batch makes the item NEGADA.
func TestLoteProcessingIsIdempotent(t *testing.T) {
	e := newLoteEnv(t)
	ctx := t.Context()
	ls := storetest.LoteStoreOf(t, e.db)
	now := e.clock.Now()
	l := &pix.Lote{Documento: e.doc, ID: 5, Descricao: "d", Criacao: now, UpdatedAt: now}
	for i := range 3 {
		body, _ := json.Marshal(e.cobv(fmt.Sprintf("%d.00", 10+i)))
		l.Itens = append(l.Itens, pix.LoteItem{Documento: e.doc, LoteID: 5, TxID: txidLote(i), Pos: i, Status: pixapi.LoteItemEmProcessamento,
			Solicitacao: body, Pedido: body, PedidoTipo: pix.PedidoSolicitada, Seq: 1, UpdatedAt: now})
	}
	storetest.MustCreateLote(t, ls, l)
	// Item 0's charge, as the batch's processor made it before a crash.
	made := e.cobv("10.00")
	if _, err := e.svc.CreateCobV(ctx, e.doc, "outside00000000000000000000000", &made); err != nil {
		t.Fatal(err)
	}
	r, err := e.db.Cob(ctx, e.doc, "outside00000000000000000000000")
	if err != nil {
		t.Fatal(err)
	}
	r.TxID, r.LoteID, r.LocID = txidLote(0), 5, 0
	storetest.MustCreateCob(t, e.db, r)
	// Item 1's txid, taken by a charge outside the batch.
	r2 := *r
	r2.TxID, r2.LoteID = txidLote(1), 0
	storetest.MustCreateCob(t, e.db, &r2)

	got := e.process(t, 5)
	if it := got.CobsV[0]; it.Status != pixapi.LoteItemCriada || !it.Criacao.Equal(storetest.Stored(r.Criacao)) {
		t.Errorf("item 0: %+v, want CRIADA with the existing charge's criacao %v", it, r.Criacao)
	}
	if cur, err := e.db.Cob(ctx, e.doc, txidLote(0)); err != nil || cur.Revisao != 0 {
		t.Errorf("item 0's charge was revised: %+v %v", cur, err)
	}
	if it := got.CobsV[1]; it.Status != pixapi.LoteItemNegada || it.Problema == nil || it.Problema.Violacoes[0].Propriedade != "txid" {
		t.Errorf("item 1: %+v, want NEGADA (txid in use)", it)
	}
	if it := got.CobsV[2]; it.Status != pixapi.LoteItemCriada {
		t.Errorf("item 2: %+v", it)
	}
}

// TestLotePatch: a revision of a created charge, the correction of a refused
// one, a removal, and a removal of a charge that was never created.
func TestLotePatch(t *testing.T) {
	e := newLoteEnv(t)
	ctx := t.Context()
	lote := pixapi.LoteCobVSolicitado{Descricao: "d"}
	for i, v := range []string{"10.00", "0.00", "30.00", "0.00"} {
		lote.CobsV = append(lote.CobsV, pixapi.CobVSolicitadaEmLote{TxID: txidLote(i), CobVSolicitada: e.cobv(v)})
	}
	if err := e.svc.PutLoteCobV(ctx, e.doc, 9, &lote); err != nil {
		t.Fatal(err)
	}
	got := e.process(t, 9)
	if got.CobsV[1].Status != pixapi.LoteItemNegada || got.CobsV[3].Status != pixapi.LoteItemNegada {
		t.Fatalf("processed: %+v", got.CobsV)
	}
	err := e.svc.PatchLoteCobV(ctx, e.doc, 9, &pixapi.LoteCobVRevisado{CobsV: []pixapi.CobVRevisadaEmLote{
		{TxID: txidLote(0), CobVRevisada: pixapi.CobVRevisada{SolicitacaoPagador: "revista"}},
		{TxID: txidLote(1), CobVRevisada: pixapi.CobVRevisada{Valor: &pixapi.CobVValorRevisado{Original: "20.00"}}},
		{TxID: txidLote(2), CobVRevisada: pixapi.CobVRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor}},
		{TxID: txidLote(3), CobVRevisada: pixapi.CobVRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got = e.process(t, 9)
	for i, want := range []pixapi.LoteCobVItemStatus{pixapi.LoteItemCriada, pixapi.LoteItemCriada, pixapi.LoteItemCriada, pixapi.LoteItemNegada} {
		if got.CobsV[i].Status != want {
			t.Errorf("item %d: %+v, want %s", i, got.CobsV[i], want)
		}
	}
	if p := got.CobsV[3].Problema; p == nil || p.Type != pixapi.ErrorTypeBase+errs.ENotFound.String() {
		t.Errorf("removal of a charge never created: %+v, want the not-found PATCH /cobv answers", p)
	}
	cobv := func(txid string) pixapi.CobVCompleta {
		body, err := e.svc.CobV(ctx, e.doc, txid, nil)
		if err != nil {
			t.Fatalf("GET /cobv/%s: %v", txid, err)
		}
		var c pixapi.CobVCompleta
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := cobv(txidLote(0)); c.Revisao != 1 || c.SolicitacaoPagador != "revista" {
		t.Errorf("revised: %+v", c)
	}
	if c := cobv(txidLote(1)); c.Revisao != 0 || c.Valor.Original != "20.00" {
		t.Errorf("corrected: %+v", c)
	}
	if c := cobv(txidLote(2)); c.Status != pixapi.StatusRemovidaPeloUsuarioRecebedor {
		t.Errorf("removed: %+v", c)
	}
	// PATCH of no batch, and an empty PATCH.
	if err := e.svc.PatchLoteCobV(ctx, e.doc, 10, &pixapi.LoteCobVRevisado{Descricao: "x"}); !errs.Is(err, errs.ENotFound) {
		t.Errorf("PATCH of no batch: %v", err)
	}
	if err := e.svc.PatchLoteCobV(ctx, e.doc, 9, &pixapi.LoteCobVRevisado{}); err != nil {
		t.Errorf("empty PATCH: %v", err)
	}
	// Another recebedor does not see the batch.
	if _, err := e.svc.LoteCobV(ctx, storetest.CPF(2), 9, problema); !errs.Is(err, errs.ENotFound) {
		t.Errorf("another recebedor's GET: %v", err)
	}
	if err := e.svc.PatchLoteCobV(ctx, storetest.CPF(2), 9, &pixapi.LoteCobVRevisado{Descricao: "x"}); !errs.Is(err, errs.ENotFound) {
		t.Errorf("another recebedor's PATCH: %v", err)
	}
}
