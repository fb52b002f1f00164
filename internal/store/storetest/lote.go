package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/pixapi"
)

func init() {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s pix.LoteStore)
	}{
		{"Lote/CreateRoundTrip", testLoteRoundTrip},
		{"Lote/ErrConflictOnSameIDOrTxID", testLoteConflicts},
		{"Lote/ErrNotFound", testLoteNotFound},
		{"Lote/ListFiltersOrderAndPaging", testListLotes},
		{"Lote/TxIDsEmUso", testLoteTxIDsEmUso},
		{"Lote/UpdateSetsPendingRequests", testUpdateLote},
		{"Lote/UpdateRefusesPendingOrForeignItemsAtomically", testUpdateLoteRefusals},
		{"Lote/ClaimFinishAndRelease", testClaimLoteItens},
		{"Lote/FinishStaleReleasesClaim", testFinishLoteItemStale},
		{"Lote/ConcurrentClaimsTakeEachItemOnce", testClaimLoteItensConcurrent},
		{"Lote/ReleaseClaimsOnStart", testReleaseLoteClaims},
	} {
		cobTests = append(cobTests, struct {
			name string
			run  func(t *testing.T, s store.Store)
		}{tc.name, func(t *testing.T, s store.Store) { tc.run(t, LoteStoreOf(t, s)) }})
	}
}

// LoteStoreOf returns s's batches, or fails tb.
func LoteStoreOf(tb testing.TB, s any) pix.LoteStore {
	tb.Helper()
	ls, ok := s.(pix.LoteStore)
	if !ok {
		tb.Fatalf("%T does not implement pix.LoteStore", s)
	}
	return ls
}

// LoteItemBody returns a request body for txid.
func LoteItemBody(txid string) []byte {
	return []byte(`{"txid":"` + txid + `","valor":{"original":"10.00"}}`)
}

// NewLote returns batch id of documento, created (and updated) at criacao,
// whose n items (txids TxID(first) to TxID(first+n-1)) each have a pending
// full request.
func NewLote(documento string, id int64, first, n int, criacao time.Time) *pix.Lote {
	l := &pix.Lote{Documento: documento, ID: id, Descricao: fmt.Sprintf("Lote %d", id), Criacao: criacao, UpdatedAt: criacao}
	for i := range n {
		txid := TxID(first + i)
		body := LoteItemBody(txid)
		l.Itens = append(l.Itens, pix.LoteItem{Documento: documento, LoteID: id, TxID: txid, Pos: i,
			Status: pixapi.LoteItemEmProcessamento, Solicitacao: body, Pedido: body, PedidoTipo: pix.PedidoSolicitada,
			Seq: 1, UpdatedAt: criacao})
	}
	return l
}

// WantLote returns l as the store gives it back; lean drops the items'
// request bodies (ListLotes).
func WantLote(l *pix.Lote, lean bool) *pix.Lote {
	w := *l
	w.Criacao, w.UpdatedAt = Stored(w.Criacao), Stored(w.UpdatedAt)
	w.Itens = nil
	for _, it := range l.Itens {
		it.Criacao, it.UpdatedAt = Stored(it.Criacao), Stored(it.UpdatedAt)
		it.Problema, it.Solicitacao, it.Pedido = nilIfEmpty(it.Problema), nilIfEmpty(it.Solicitacao), nilIfEmpty(it.Pedido)
		if lean {
			it.Solicitacao, it.Pedido = nil, nil
		}
		w.Itens = append(w.Itens, it)
	}
	return &w
}

// MustCreateLote stores l or fails tb.
func MustCreateLote(tb testing.TB, s pix.LoteStore, l *pix.Lote) *pix.Lote {
	tb.Helper()
	if err := s.CreateLote(tb.Context(), l); err != nil {
		tb.Fatalf("CreateLote(%s, %d): %v", l.Documento, l.ID, err)
	}
	return l
}

func mustLote(t *testing.T, s pix.LoteStore, documento string, id int64) *pix.Lote {
	t.Helper()
	l, err := s.Lote(t.Context(), documento, id)
	wantOK(t, "Lote", err)
	return l
}

func testLoteRoundTrip(t *testing.T, s pix.LoteStore) {
	doc := CPF(701)
	l := NewLote(doc, 42, 1, 3, T0)
	l.Itens[1].Pos, l.Itens[2].Pos = 2, 1 // items come back in Pos order
	MustCreateLote(t, s, l)
	want := WantLote(l, false)
	want.Itens[1], want.Itens[2] = want.Itens[2], want.Itens[1]
	wantSame(t, "lote", mustLote(t, s, doc, 42), want)

	it, err := s.LoteItem(t.Context(), doc, TxID(2))
	wantOK(t, "LoteItem", err)
	wi := want.Itens[2]
	wi.Solicitacao, wi.Pedido = nil, nil
	wantSame(t, "lote item", it, &wi)
	_, err = s.LoteItem(t.Context(), CPF(702), TxID(2))
	wantKind(t, "LoteItem of another recebedor", err, errs.ENotFound)
}

func testLoteConflicts(t *testing.T, s pix.LoteStore) {
	doc := CPF(703)
	MustCreateLote(t, s, NewLote(doc, 1, 1, 2, T0))
	wantCode(t, "CreateLote same id", s.CreateLote(t.Context(), NewLote(doc, 1, 10, 1, T0)), errs.EConflict, "lote")
	wantCode(t, "CreateLote txid of another lote", s.CreateLote(t.Context(), NewLote(doc, 2, 2, 2, T0)), errs.EConflict, "txid")
	_, err := s.Lote(t.Context(), doc, 2)
	wantKind(t, "Lote after a refused CreateLote", err, errs.ENotFound)
	// Another recebedor has its own ids and txids.
	MustCreateLote(t, s, NewLote(CPF(704), 1, 1, 2, T0))
}

func testLoteNotFound(t *testing.T, s pix.LoteStore) {
	MustCreateLote(t, s, NewLote(CPF(705), 7, 1, 1, T0))
	_, err := s.Lote(t.Context(), CPF(706), 7)
	wantKind(t, "Lote of another recebedor", err, errs.ENotFound)
	_, err = s.Lote(t.Context(), CPF(705), 8)
	wantKind(t, "Lote", err, errs.ENotFound)
}

func testListLotes(t *testing.T, s pix.LoteStore) {
	doc := CPF(707)
	var all []*pix.Lote
	for i := range 7 {
		// ids against creation order, and two at the same instant.
		at := At(time.Duration(i/2) * time.Minute)
		all = append(all, MustCreateLote(t, s, NewLote(doc, int64(100-i), 10*i, 1+i%3, at)))
	}
	MustCreateLote(t, s, NewLote(CPF(708), 1, 1, 1, At(time.Minute)))
	slices.SortFunc(all, func(a, b *pix.Lote) int {
		if c := a.Criacao.Compare(b.Criacao); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	want := func(from, to int) []pix.Lote {
		var out []pix.Lote
		for _, l := range all[from:to] {
			out = append(out, *WantLote(l, true))
		}
		return out
	}
	got, total, err := s.ListLotes(t.Context(), pix.LoteFilter{Documento: doc, Inicio: Stored(T0), Fim: At(time.Hour), Limit: 100})
	wantOK(t, "ListLotes", err)
	if total != 7 {
		t.Fatalf("total %d, want 7", total)
	}
	wantSame(t, "all lotes", got, want(0, 7))
	got, total, err = s.ListLotes(t.Context(), pix.LoteFilter{Documento: doc, Inicio: Stored(T0), Fim: At(time.Hour), Offset: 2, Limit: 3})
	wantOK(t, "ListLotes page", err)
	if total != 7 {
		t.Fatalf("total %d, want 7", total)
	}
	wantSame(t, "page", got, want(2, 5))
	// Inclusive bounds (of the stored, microsecond times): [1 min, 2 min]
	// holds lotes 2 to 5.
	got, total, err = s.ListLotes(t.Context(), pix.LoteFilter{Documento: doc, Inicio: Stored(At(time.Minute)), Fim: Stored(At(2 * time.Minute)), Limit: 100})
	wantOK(t, "ListLotes range", err)
	if total != 4 {
		t.Fatalf("total in range %d, want 4", total)
	}
	wantSame(t, "range", got, want(2, 6))
	got, total, err = s.ListLotes(t.Context(), pix.LoteFilter{Documento: doc, Inicio: At(time.Hour), Fim: At(2 * time.Hour), Limit: 100})
	wantOK(t, "ListLotes empty", err)
	if total != 0 || got != nil {
		t.Fatalf("empty range: %d %v", total, got)
	}
}

func testLoteTxIDsEmUso(t *testing.T, s pix.LoteStore) {
	doc := CPF(709)
	st := s.(store.Store)
	MustCreateCob(t, st, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	MustCreateCob(t, st, NewCob(doc, TxID(2), pix.TipoCobVencimento, T0))
	MustCreateCob(t, st, NewCob(CPF(710), TxID(3), pix.TipoCobVencimento, T0))
	MustCreateLote(t, s, NewLote(doc, 5, 4, 2, T0))
	txids := []string{TxID(2), TxID(1), TxID(3), TxID(4), TxID(5), TxID(6)}
	// More than one query's worth of txids.
	for i := range 450 {
		txids = append(txids, TxID(1000+i))
	}
	cobs, itens, err := s.LoteTxIDsEmUso(t.Context(), doc, txids)
	wantOK(t, "LoteTxIDsEmUso", err)
	wantSame(t, "cobs", cobs, []string{TxID(1), TxID(2)})
	wantSame(t, "itens", itens, map[string]int64{TxID(4): 5, TxID(5): 5})
}

// finish records outcome status for the claimed item it.
func finish(t *testing.T, s pix.LoteStore, it pix.LoteItem, claim string, status pixapi.LoteCobVItemStatus, problema []byte, criacao time.Time) {
	t.Helper()
	it.Status, it.Problema, it.Criacao, it.UpdatedAt = status, problema, criacao, At(time.Hour)
	wantOK(t, "FinishLoteItem", s.FinishLoteItem(t.Context(), &it, claim))
}

func testUpdateLote(t *testing.T, s pix.LoteStore) {
	ctx := t.Context()
	doc := CPF(711)
	MustCreateLote(t, s, NewLote(doc, 1, 1, 3, T0))
	now := time.Now()
	claimed, err := s.ClaimLoteItens(ctx, "c1", now, time.Minute, 10)
	wantOK(t, "ClaimLoteItens", err)
	if len(claimed) != 3 {
		t.Fatalf("claimed %d items, want 3", len(claimed))
	}
	finish(t, s, claimed[0], "c1", pixapi.LoteItemCriada, nil, At(time.Second))
	finish(t, s, claimed[1], "c1", pixapi.LoteItemNegada, []byte(`{"kind":"invalid"}`), time.Time{})
	finish(t, s, claimed[2], "c1", pixapi.LoteItemCriada, nil, At(2*time.Second))

	rev := []byte(`{"valor":{"original":"20.00"}}`)
	sol := []byte(`{"txid":"corrigido"}`)
	err = s.UpdateLote(ctx, doc, 1, "Nova descrição", []pix.LoteItem{
		{TxID: TxID(1), Pedido: rev, PedidoTipo: pix.PedidoRevisada},
		{TxID: TxID(2), Pedido: sol, PedidoTipo: pix.PedidoSolicitada, Solicitacao: sol},
	}, At(3*time.Hour))
	wantOK(t, "UpdateLote", err)
	l := mustLote(t, s, doc, 1)
	if l.Descricao != "Nova descrição" || !l.UpdatedAt.Equal(Stored(At(3*time.Hour))) || !l.Criacao.Equal(Stored(T0)) {
		t.Errorf("lote after UpdateLote: %+v", l)
	}
	it := l.Itens[0]
	if it.Status != pixapi.LoteItemEmProcessamento || string(it.Pedido) != string(rev) || it.PedidoTipo != pix.PedidoRevisada ||
		it.Seq != 2 || string(it.Solicitacao) != string(LoteItemBody(TxID(1))) || !it.Criacao.Equal(Stored(At(time.Second))) {
		t.Errorf("revised item: %+v", it)
	}
	it = l.Itens[1]
	if it.Status != pixapi.LoteItemEmProcessamento || string(it.Pedido) != string(sol) || string(it.Solicitacao) != string(sol) ||
		it.Problema != nil || it.Seq != 2 || !it.Criacao.IsZero() {
		t.Errorf("re-requested item: %+v", it)
	}
	if it := l.Itens[2]; it.Status != pixapi.LoteItemCriada || it.Pedido != nil || it.Seq != 1 {
		t.Errorf("untouched item: %+v", it)
	}
	// An empty descricao keeps it.
	wantOK(t, "UpdateLote without descricao", s.UpdateLote(ctx, doc, 1, "", nil, At(4*time.Hour)))
	if l := mustLote(t, s, doc, 1); l.Descricao != "Nova descrição" {
		t.Errorf("descricao %q", l.Descricao)
	}
}

func testUpdateLoteRefusals(t *testing.T, s pix.LoteStore) {
	ctx := t.Context()
	doc := CPF(712)
	MustCreateLote(t, s, NewLote(doc, 1, 1, 2, T0))
	MustCreateLote(t, s, NewLote(doc, 2, 5, 1, T0))
	claimed, err := s.ClaimLoteItens(ctx, "c1", time.Now(), time.Minute, 10)
	wantOK(t, "ClaimLoteItens", err)
	for _, it := range claimed {
		if it.TxID != TxID(2) {
			finish(t, s, it, "c1", pixapi.LoteItemCriada, nil, At(time.Second))
		}
	}
	before := mustLote(t, s, doc, 1)
	body := []byte(`{}`)
	// TxID(2) still pending: nothing changes, TxID(1) included.
	err = s.UpdateLote(ctx, doc, 1, "x", []pix.LoteItem{{TxID: TxID(1), Pedido: body, PedidoTipo: pix.PedidoRevisada},
		{TxID: TxID(2), Pedido: body, PedidoTipo: pix.PedidoRevisada}}, At(time.Hour))
	wantCode(t, "UpdateLote of a pending item", err, errs.EConflict, "pendente")
	wantSame(t, "lote after refused UpdateLote", mustLote(t, s, doc, 1), before)
	// TxID(5) is lote 2's.
	err = s.UpdateLote(ctx, doc, 1, "x", []pix.LoteItem{{TxID: TxID(1), Pedido: body, PedidoTipo: pix.PedidoRevisada},
		{TxID: TxID(5), Pedido: body, PedidoTipo: pix.PedidoRevisada}}, At(time.Hour))
	wantCode(t, "UpdateLote of another lote's item", err, errs.ENotFound, "txid")
	wantSame(t, "lote after refused UpdateLote", mustLote(t, s, doc, 1), before)
	err = s.UpdateLote(ctx, doc, 3, "x", nil, At(time.Hour))
	wantKind(t, "UpdateLote of no lote", err, errs.ENotFound)
	err = s.UpdateLote(ctx, CPF(713), 1, "x", nil, At(time.Hour))
	wantKind(t, "UpdateLote of another recebedor", err, errs.ENotFound)
}

func testClaimLoteItens(t *testing.T, s pix.LoteStore) {
	ctx := t.Context()
	// Two recebedores' batches; requests older first whatever the lote.
	MustCreateLote(t, s, NewLote(CPF(714), 9, 1, 3, At(time.Second)))
	MustCreateLote(t, s, NewLote(CPF(715), 1, 1, 2, T0))
	now := time.Now()
	first, err := s.ClaimLoteItens(ctx, "a", now, time.Minute, 4)
	wantOK(t, "ClaimLoteItens", err)
	var got []string
	for _, it := range first {
		got = append(got, it.Documento+"/"+it.TxID)
		if it.Pedido == nil || it.Solicitacao == nil || it.PedidoTipo != pix.PedidoSolicitada || it.Seq != 1 {
			t.Errorf("claimed item without its request: %+v", it)
		}
	}
	wantSame(t, "first claim", got, []string{CPF(715) + "/" + TxID(1), CPF(715) + "/" + TxID(2), CPF(714) + "/" + TxID(1), CPF(714) + "/" + TxID(2)})
	second, err := s.ClaimLoteItens(ctx, "b", now, time.Minute, 4)
	wantOK(t, "ClaimLoteItens", err)
	if len(second) != 1 || second[0].TxID != TxID(3) {
		t.Fatalf("second claim: %+v, want only the item left", second)
	}
	if more, err := s.ClaimLoteItens(ctx, "b", now.Add(time.Second), time.Minute, 4); err != nil || more != nil {
		t.Fatalf("claim with everything held: %v %v", more, err)
	}

	// Finished: out of the queue, with its outcome.
	finish(t, s, first[0], "a", pixapi.LoteItemCriada, nil, At(time.Minute))
	finish(t, s, first[1], "a", pixapi.LoteItemNegada, []byte(`{"kind":"invalid"}`), time.Time{})
	l := mustLote(t, s, CPF(715), 1)
	if it := l.Itens[0]; it.Status != pixapi.LoteItemCriada || it.Pedido != nil || it.PedidoTipo != "" || it.Problema != nil ||
		!it.Criacao.Equal(Stored(At(time.Minute))) || !it.UpdatedAt.Equal(Stored(At(time.Hour))) || string(it.Solicitacao) != string(LoteItemBody(TxID(1))) {
		t.Errorf("finished CRIADA: %+v", it)
	}
	if it := l.Itens[1]; it.Status != pixapi.LoteItemNegada || string(it.Problema) != `{"kind":"invalid"}` || !it.Criacao.IsZero() {
		t.Errorf("finished NEGADA: %+v", it)
	}

	// Released until a later time: not claimable before it.
	wantOK(t, "ReleaseLoteItem", s.ReleaseLoteItem(ctx, CPF(714), 9, TxID(1), "a", now.Add(10*time.Second)))
	// Not a's to release any more: no change.
	wantOK(t, "ReleaseLoteItem by another", s.ReleaseLoteItem(ctx, CPF(714), 9, TxID(3), "a", now))
	if got, err := s.ClaimLoteItens(ctx, "c", now.Add(5*time.Second), time.Minute, 10); err != nil || got != nil {
		t.Fatalf("claim before the retry time: %+v %v", got, err)
	}
	got = nil
	later, err := s.ClaimLoteItens(ctx, "c", now.Add(10*time.Second), time.Minute, 10)
	wantOK(t, "ClaimLoteItens", err)
	for _, it := range later {
		got = append(got, it.TxID)
	}
	wantSame(t, "claim after the retry time", got, []string{TxID(1)})
	// A lease that ended: the items are claimable again.
	got = nil
	expired, err := s.ClaimLoteItens(ctx, "d", now.Add(2*time.Minute), time.Minute, 10)
	wantOK(t, "ClaimLoteItens", err)
	for _, it := range expired {
		got = append(got, it.TxID)
	}
	wantSame(t, "claim after the leases", got, []string{TxID(1), TxID(2), TxID(3)})
}

func testFinishLoteItemStale(t *testing.T, s pix.LoteStore) {
	ctx := t.Context()
	doc := CPF(716)
	MustCreateLote(t, s, NewLote(doc, 1, 1, 1, T0))
	now := time.Now()
	claimed, err := s.ClaimLoteItens(ctx, "a", now, time.Minute, 1)
	wantOK(t, "ClaimLoteItens", err)
	it := claimed[0]
	it.Seq = 0 // not the request claimed
	it.Status = pixapi.LoteItemCriada
	wantCode(t, "FinishLoteItem of another request", s.FinishLoteItem(ctx, &it, "a"), errs.EConflict, "stale")
	got := mustLote(t, s, doc, 1).Itens[0]
	if got.Status != pixapi.LoteItemEmProcessamento || got.Pedido == nil {
		t.Fatalf("item after a stale finish: %+v", got)
	}
	// The claim was released: claimable at once.
	again, err := s.ClaimLoteItens(ctx, "b", now, time.Minute, 1)
	wantOK(t, "ClaimLoteItens", err)
	if len(again) != 1 {
		t.Fatalf("after a stale finish, claim got %d items", len(again))
	}
	// A finish of a request no longer pending changes nothing.
	finish(t, s, again[0], "b", pixapi.LoteItemCriada, nil, At(time.Second))
	wantCode(t, "FinishLoteItem twice", s.FinishLoteItem(ctx, &again[0], "b"), errs.EConflict, "stale")
	if got := mustLote(t, s, doc, 1).Itens[0]; got.Status != pixapi.LoteItemCriada {
		t.Fatalf("item after a second finish: %+v", got)
	}
}

// testClaimLoteItensConcurrent: claimers racing over one queue (processes
// sharing a database) take every item exactly once.
func testClaimLoteItensConcurrent(t *testing.T, s pix.LoteStore) {
	const lotes, porLote, claimers = 4, 40, 4
	for i := range lotes {
		MustCreateLote(t, s, NewLote(CPF(717), int64(i+1), i*porLote, porLote, At(time.Duration(i)*time.Millisecond)))
	}
	now := time.Now()
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	for c := range claimers {
		claim := fmt.Sprintf("claimer-%d", c)
		wg.Go(func() {
			for {
				got, err := s.ClaimLoteItens(t.Context(), claim, now, time.Minute, 7)
				if err != nil {
					t.Errorf("%s: ClaimLoteItens: %v", claim, err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, it := range got {
					if prev, dup := seen[it.TxID]; dup {
						t.Errorf("%s claimed by %s and %s", it.TxID, prev, claim)
					}
					seen[it.TxID] = claim
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != lotes*porLote {
		t.Fatalf("%d items claimed, want %d", len(seen), lotes*porLote)
	}
}

func testReleaseLoteClaims(t *testing.T, s pix.LoteStore) {
	ctx := t.Context()
	MustCreateLote(t, s, NewLote(CPF(718), 1, 1, 2, T0))
	now := time.Now()
	if got, err := s.ClaimLoteItens(ctx, "dead", now, time.Hour, 10); err != nil || len(got) != 2 {
		t.Fatalf("ClaimLoteItens: %d %v", len(got), err)
	}
	wantOK(t, "ReleaseLoteClaims", s.ReleaseLoteClaims(ctx))
	got, err := s.ClaimLoteItens(ctx, "new", now, time.Hour, 10)
	wantOK(t, "ClaimLoteItens", err)
	engine := ""
	if e, ok := s.(interface{ Engine() string }); ok {
		engine = e.Engine()
	}
	want := 0 // shared database: a claim ends with its lease
	if engine == "sqlite" {
		want = 2 // one process: the claims were a previous run's
	}
	if len(got) != want {
		t.Fatalf("%s: after ReleaseLoteClaims, %d items claimable, want %d", engine, len(got), want)
	}
}
