package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
)

// cobTests are the suite's subtests of [pix.CobStore].
var cobTests = []struct {
	name string
	run  func(t *testing.T, s store.Store)
}{
	{"CreateCob/RoundTrip", testCreateCobRoundTrip},
	{"CreateCob/ErrConflictOnSameTxID", testCreateCobConflict},
	{"CreateCob/ConcurrentSameTxIDOneWins", testCreateCobConcurrent},
	{"CreateCob/LinksLocation", testCreateCobLinksLoc},
	{"CreateCob/ErrNotFoundOnMissingLocation", testCreateCobLocNotFound},
	{"CreateCob/ErrConflictOnLocationInUse", testCreateCobLocInUse},
	{"CreateCob/ConcurrentSameLocationOneWins", testCreateCobLocConcurrent},
	{"CreateCobs/BulkLikeOneByOne", testCreateCobsBulk},
	{"Cob/ErrNotFound", testCobNotFound},
	{"CobRevisao/RevisionsKept", testCobRevisions},
	{"UpdateCob/LocationOnlyKeepsRevision", testUpdateCobLocationOnly},
	{"UpdateCob/ErrConflictWhenStale", testUpdateCobStale},
	{"UpdateCob/ErrNotFound", testUpdateCobNotFound},
	{"UpdateCob/ErrInvalidOnLowerRevisao", testUpdateCobLowerRevisao},
	{"UpdateCob/ConcurrentFromOneRevisionOneWins", testUpdateCobConcurrent},
	{"UpdateCob/RelinksLocation", testUpdateCobRelinks},
	{"UpdateCob/FailedRelinkChangesNothing", testUpdateCobFailedRelink},
	{"ListCobs/FiltersOrderAndPaging", testListCobsFilters},
	{"ListCobs/CountsMatchBruteForce", testListCobsOracle},
	{"ListCobs/TxRollbackUndoesCounts", testListCobsRollback},

	{"CreateLoc/AssignsIncreasingIDs", testCreateLocIDs},
	{"CreateLoc/ErrConflictOnSameToken", testCreateLocConflict},
	{"Loc/ErrNotFoundForOtherRecebedor", testLocNotFound},
	{"LocByToken/RoundTripAndErrNotFound", testLocByToken},
	{"ListLocs/FiltersOrderAndPaging", testListLocs},

	{"Context/CancelledCobCallsFail", testCobCancelledContext},
}

// wantCode fails t unless err carries kind k and code.
func wantCode(t *testing.T, call string, err error, k errs.Kind, code string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Kind != k || e.Code != code {
		t.Fatalf("%s: got error %v (kind %v), want kind %v with code %q", call, err, errs.KindOf(err), k, code)
	}
}

// mustCob returns the stored charge or fails t.
func mustCob(t *testing.T, s store.Store, documento, txid string) *pix.CobRecord {
	t.Helper()
	got, err := s.Cob(t.Context(), documento, txid)
	wantOK(t, "Cob "+txid, err)
	return got
}

// mustLoc returns the stored location or fails t.
func mustLoc(t *testing.T, s store.Store, documento string, id int64) *pix.Loc {
	t.Helper()
	got, err := s.Loc(t.Context(), documento, id)
	wantOK(t, fmt.Sprintf("Loc %d", id), err)
	return got
}

// mustCount returns the number of f's matches or fails t.
func mustCount(t *testing.T, s store.Store, f pix.CobFilter) int {
	t.Helper()
	_, n, err := s.ListCobs(t.Context(), f)
	wantOK(t, "ListCobs", err)
	return n
}

func testCreateCobRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(101)
	loc := MustCreateLoc(t, s, NewLoc(doc, "tok-rt", pix.TipoCobImediata, T0))
	cob := NewCob(doc, TxID(1), pix.TipoCobImediata, T0)
	cob.LocID = loc.ID
	cob.Revisao = 2
	cob.UpdatedAt = At(time.Second)
	MustCreateCob(t, s, cob)

	cobv := NewCob(doc, TxID(2), pix.TipoCobVencimento, At(time.Minute).In(time.UTC))
	cobv.DevedorCPF, cobv.DevedorCNPJ = "", "12ABC34501DE35"
	cobv.Status = StatusConcluida
	cobv.LoteID = 77
	cobv.Body = []byte{0, 1, 2, 0xff} // binary safe
	MustCreateCob(t, s, cobv)

	empty := NewCob(doc, TxID(3), pix.TipoCobImediata, time.Time{})
	empty.DevedorCPF, empty.Body, empty.UpdatedAt = "", nil, time.Time{}
	MustCreateCob(t, s, empty)

	for _, want := range []*pix.CobRecord{cob, cobv, empty} {
		wantSame(t, "cob "+want.TxID, mustCob(t, s, doc, want.TxID), WantCob(want))
		body, err := s.CobRevisao(ctx, doc, want.TxID, want.Revisao)
		wantOK(t, "CobRevisao", err)
		wantSame(t, "body of revision", body, nilIfEmpty(want.Body))
	}
}

func testCreateCobConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(102)
	first := MustCreateCob(t, s, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	second := NewCob(doc, TxID(1), pix.TipoCobVencimento, At(time.Hour))
	second.Body = CobBody(TxID(1), 9, 0)
	wantCode(t, "CreateCob same txid", s.CreateCob(ctx, second), errs.EConflict, "txid")
	wantSame(t, "cob after the conflict", mustCob(t, s, doc, first.TxID), WantCob(first))
	if n := mustCount(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobVencimento}); n != 0 {
		t.Errorf("cobv count after the rejected create = %d, want 0", n)
	}
	// txid is unique per recebedor only.
	MustCreateCob(t, s, NewCob(CPF(103), TxID(1), pix.TipoCobImediata, T0))
}

// concurrently runs f(i) for i in [0, n) at once and returns the errors.
func concurrently(n int, f func(i int) error) []error {
	out := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// wantOneWinner fails t unless exactly one of results is nil and every other
// one has kind k and code.
func wantOneWinner(t *testing.T, call string, results []error, k errs.Kind, code string) int {
	t.Helper()
	winner, losers := -1, 0
	for i, err := range results {
		e := errs.As(err)
		switch {
		case err == nil:
			if winner >= 0 {
				t.Errorf("%s: calls %d and %d both succeeded", call, winner, i)
			}
			winner = i
		case e != nil && e.Kind == k && e.Code == code:
			losers++
		default:
			t.Errorf("%s: unexpected error %v", call, err)
		}
	}
	if winner < 0 || losers != len(results)-1 {
		t.Fatalf("%s: %d winners and %d losers of kind %v code %q, want 1 and %d", call, min(winner+1, 1), losers, k, code, len(results)-1)
	}
	return winner
}

func testCreateCobConcurrent(t *testing.T, s store.Store) {
	doc := CPF(104)
	const n = 50
	results := concurrently(n, func(i int) error {
		rec := NewCob(doc, TxID(1), pix.TipoCobImediata, At(time.Duration(i)*time.Second))
		rec.Body = CobBody(TxID(1), i, 0)
		return s.CreateCob(t.Context(), rec)
	})
	w := wantOneWinner(t, "CreateCob", results, errs.EConflict, "txid")
	want := NewCob(doc, TxID(1), pix.TipoCobImediata, At(time.Duration(w)*time.Second))
	want.Body = CobBody(TxID(1), w, 0)
	wantSame(t, "the winner's cob", mustCob(t, s, doc, TxID(1)), WantCob(want))
	if got := mustCount(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata}); got != 1 {
		t.Errorf("count = %d, want 1", got)
	}
}

func testCreateCobLinksLoc(t *testing.T, s store.Store) {
	doc := CPF(105)
	loc := MustCreateLoc(t, s, NewLoc(doc, "tok-link", pix.TipoCobImediata, T0))
	wantSame(t, "unlinked location", mustLoc(t, s, doc, loc.ID).TxID, "")
	cob := NewCob(doc, TxID(1), pix.TipoCobImediata, T0)
	cob.LocID = loc.ID
	MustCreateCob(t, s, cob)
	want := WantLoc(loc)
	want.TxID = cob.TxID
	wantSame(t, "linked location", mustLoc(t, s, doc, loc.ID), want)
	got, err := s.LocByToken(t.Context(), loc.Token)
	wantOK(t, "LocByToken", err)
	wantSame(t, "linked location by token", got, want)
}

func testCreateCobLocNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc, other := CPF(106), CPF(107)
	theirs := MustCreateLoc(t, s, NewLoc(other, "tok-theirs", pix.TipoCobImediata, T0))
	for _, id := range []int64{theirs.ID, theirs.ID + 1000} {
		cob := NewCob(doc, TxID(1), pix.TipoCobImediata, T0)
		cob.LocID = id
		wantCode(t, fmt.Sprintf("CreateCob with location %d", id), s.CreateCob(ctx, cob), errs.ENotFound, "loc")
	}
	// Nothing was stored: not the charge, not its count, not a link.
	_, err := s.Cob(ctx, doc, TxID(1))
	wantKind(t, "Cob after the failed create", err, errs.ENotFound)
	if n := mustCount(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata}); n != 0 {
		t.Errorf("count after the failed create = %d, want 0", n)
	}
	wantSame(t, "the other's location", mustLoc(t, s, other, theirs.ID), WantLoc(theirs))
}

func testCreateCobLocInUse(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(108)
	loc := MustCreateLoc(t, s, NewLoc(doc, "tok-used", pix.TipoCobImediata, T0))
	first := NewCob(doc, TxID(1), pix.TipoCobImediata, T0)
	first.LocID = loc.ID
	MustCreateCob(t, s, first)
	second := NewCob(doc, TxID(2), pix.TipoCobImediata, T0)
	second.LocID = loc.ID
	wantCode(t, "CreateCob with a used location", s.CreateCob(ctx, second), errs.EConflict, "loc")
	_, err := s.Cob(ctx, doc, TxID(2))
	wantKind(t, "Cob of the rejected charge", err, errs.ENotFound)
	wantSame(t, "location's txid", mustLoc(t, s, doc, loc.ID).TxID, TxID(1))
	if n := mustCount(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata}); n != 1 {
		t.Errorf("count = %d, want 1", n)
	}
}

func testCreateCobLocConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(109)
	loc := MustCreateLoc(t, s, NewLoc(doc, "tok-race", pix.TipoCobImediata, T0))
	const n = 50
	results := concurrently(n, func(i int) error {
		rec := NewCob(doc, TxID(i), pix.TipoCobImediata, T0)
		rec.LocID = loc.ID
		return s.CreateCob(ctx, rec)
	})
	w := wantOneWinner(t, "CreateCob", results, errs.EConflict, "loc")
	wantSame(t, "location's txid", mustLoc(t, s, doc, loc.ID).TxID, TxID(w))
	got, total, err := s.ListCobs(ctx, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Limit: n})
	wantOK(t, "ListCobs", err)
	if total != 1 || len(got) != 1 || got[0].TxID != TxID(w) || got[0].LocID != loc.ID {
		t.Fatalf("charges after the race: %d of %d, want only %s", len(got), total, TxID(w))
	}
}

// bulkCreator is a store that creates many charges at once, as *store.DB.
type bulkCreator interface {
	CreateCobs(ctx context.Context, recs []*pix.CobRecord) error
}

func testCreateCobsBulk(t *testing.T, s store.Store) {
	b, ok := s.(bulkCreator)
	if !ok {
		t.Skip("store has no CreateCobs method")
	}
	ctx := t.Context()
	doc := CPF(110)
	loc := MustCreateLoc(t, s, NewLoc(doc, "tok-bulk", pix.TipoCobImediata, T0))
	var recs []*pix.CobRecord
	for i := range 1200 { // more than one INSERT's batch
		rec := NewCob(doc, TxID(i), []pix.TipoCob{pix.TipoCobImediata, pix.TipoCobVencimento}[i%2], At(time.Duration(i)*time.Minute))
		rec.Status = Statuses[i%len(Statuses)]
		recs = append(recs, rec)
	}
	recs[7].LocID = loc.ID
	wantOK(t, "CreateCobs", b.CreateCobs(ctx, recs))
	wantSame(t, "a bulk-created cob", mustCob(t, s, doc, TxID(7)), WantCob(recs[7]))
	wantSame(t, "its location's txid", mustLoc(t, s, doc, loc.ID).TxID, TxID(7))
	stored := make([]*pix.CobRecord, len(recs))
	for i, r := range recs {
		stored[i] = WantCob(r)
	}
	for _, f := range []pix.CobFilter{
		{Documento: doc, Tipo: pix.TipoCobImediata, Limit: 10, Offset: 300},
		{Documento: doc, Tipo: pix.TipoCobVencimento, Status: StatusConcluida, Inicio: At(3 * time.Hour), Fim: At(17 * time.Hour), Limit: 5, Offset: 20},
	} {
		wantList(t, s, f, stored)
	}

	// A repeated txid, in the store or in the batch, fails the whole batch.
	again := []*pix.CobRecord{NewCob(doc, TxID(5000), pix.TipoCobImediata, T0), NewCob(doc, TxID(3), pix.TipoCobImediata, T0)}
	wantCode(t, "CreateCobs with a stored txid", b.CreateCobs(ctx, again), errs.EConflict, "txid")
	twice := []*pix.CobRecord{NewCob(doc, TxID(5001), pix.TipoCobImediata, T0), NewCob(doc, TxID(5001), pix.TipoCobImediata, T0)}
	wantCode(t, "CreateCobs with a txid twice", b.CreateCobs(ctx, twice), errs.EConflict, "txid")
	for _, txid := range []string{TxID(5000), TxID(5001)} {
		_, err := s.Cob(ctx, doc, txid)
		wantKind(t, "Cob of a failed batch", err, errs.ENotFound)
	}
	wantList(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Limit: 1}, stored)
}

func testCobNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	MustCreateCob(t, s, NewCob(CPF(111), TxID(1), pix.TipoCobImediata, T0))
	_, err := s.Cob(ctx, CPF(111), TxID(2))
	wantKind(t, "Cob of a missing txid", err, errs.ENotFound)
	_, err = s.Cob(ctx, CPF(112), TxID(1))
	wantKind(t, "Cob of another recebedor's txid", err, errs.ENotFound)
	_, err = s.CobRevisao(ctx, CPF(112), TxID(1), 0)
	wantKind(t, "CobRevisao of another recebedor's txid", err, errs.ENotFound)
}

// update applies UpdateCob or fails t.
func update(t *testing.T, s store.Store, rec *pix.CobRecord, prevRevisao int, prevStatus string) {
	t.Helper()
	wantOK(t, fmt.Sprintf("UpdateCob %s to revision %d", rec.TxID, rec.Revisao), s.UpdateCob(t.Context(), rec, prevRevisao, prevStatus))
}

func testCobRevisions(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(113)
	rec := MustCreateCob(t, s, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	bodies := [][]byte{rec.Body}
	for rev := 1; rev <= 3; rev++ {
		next := *rec
		next.Revisao = rev
		next.Body = CobBody(rec.TxID, rev, 100*rev)
		next.DevedorCPF = CPF(200 + rev)
		next.UpdatedAt = At(time.Duration(rev) * time.Hour)
		update(t, s, &next, rec.Revisao, rec.Status)
		rec = &next
		bodies = append(bodies, next.Body)
	}
	wantSame(t, "cob at revision 3", mustCob(t, s, doc, rec.TxID), WantCob(rec))
	for rev, want := range bodies {
		got, err := s.CobRevisao(ctx, doc, rec.TxID, rev)
		wantOK(t, fmt.Sprintf("CobRevisao %d", rev), err)
		wantSame(t, fmt.Sprintf("body of revision %d", rev), got, want)
	}
	_, err := s.CobRevisao(ctx, doc, rec.TxID, 4)
	wantKind(t, "CobRevisao 4", err, errs.ENotFound)
}

func testUpdateCobLocationOnly(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(114)
	rec := MustCreateCob(t, s, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	loc := MustCreateLoc(t, s, NewLoc(doc, "tok-only", pix.TipoCobImediata, T0))
	next := *rec
	next.LocID = loc.ID
	next.Body = CobBody(rec.TxID, 0, 300) // the body shows the new location
	update(t, s, &next, 0, StatusAtiva)

	wantSame(t, "cob", mustCob(t, s, doc, rec.TxID), WantCob(&next))
	got, err := s.CobRevisao(ctx, doc, rec.TxID, 0)
	wantOK(t, "CobRevisao 0", err)
	wantSame(t, "revision 0 replaced in place", got, next.Body)
	_, err = s.CobRevisao(ctx, doc, rec.TxID, 1)
	wantKind(t, "CobRevisao 1", err, errs.ENotFound)
	wantSame(t, "location's txid", mustLoc(t, s, doc, loc.ID).TxID, rec.TxID)
}

func testUpdateCobStale(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(115)
	rec := MustCreateCob(t, s, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	next := *rec
	next.Revisao, next.Status, next.Body = 1, StatusRemovidaRc, CobBody(rec.TxID, 1, 0)
	update(t, s, &next, 0, StatusAtiva)

	late := *rec
	late.Revisao, late.Body = 1, CobBody(rec.TxID, 1, 500)
	wantCode(t, "UpdateCob from an old revision", s.UpdateCob(ctx, &late, 0, StatusAtiva), errs.EConflict, "stale")
	wantCode(t, "UpdateCob from an old status", s.UpdateCob(ctx, &late, 1, StatusAtiva), errs.EConflict, "stale")
	wantSame(t, "cob after the stale updates", mustCob(t, s, doc, rec.TxID), WantCob(&next))
	got, err := s.CobRevisao(ctx, doc, rec.TxID, 1)
	wantOK(t, "CobRevisao 1", err)
	wantSame(t, "revision 1", got, next.Body)
}

func testUpdateCobNotFound(t *testing.T, s store.Store) {
	doc := CPF(116)
	MustCreateCob(t, s, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	wantKind(t, "UpdateCob of a missing txid", s.UpdateCob(t.Context(), NewCob(doc, TxID(2), pix.TipoCobImediata, T0), 0, StatusAtiva), errs.ENotFound)
	wantKind(t, "UpdateCob of another recebedor's", s.UpdateCob(t.Context(), NewCob(CPF(117), TxID(1), pix.TipoCobImediata, T0), 0, StatusAtiva), errs.ENotFound)
}

func testUpdateCobLowerRevisao(t *testing.T, s store.Store) {
	doc := CPF(118)
	rec := NewCob(doc, TxID(1), pix.TipoCobImediata, T0)
	rec.Revisao = 2
	MustCreateCob(t, s, rec)
	lower := *rec
	lower.Revisao = 1
	wantKind(t, "UpdateCob to a lower revisao", s.UpdateCob(t.Context(), &lower, 2, StatusAtiva), errs.EInvalid)
	wantSame(t, "cob", mustCob(t, s, doc, rec.TxID), WantCob(rec))
}

func testUpdateCobConcurrent(t *testing.T, s store.Store) {
	doc := CPF(119)
	rec := MustCreateCob(t, s, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	const n = 20
	results := concurrently(n, func(i int) error {
		next := *rec
		next.Revisao, next.Body = 1, CobBody(rec.TxID, 1, 100+i)
		if i%2 == 1 {
			next.Status = StatusRemovidaRc
		}
		return s.UpdateCob(t.Context(), &next, 0, StatusAtiva)
	})
	w := wantOneWinner(t, "UpdateCob", results, errs.EConflict, "stale")
	got := mustCob(t, s, doc, rec.TxID)
	if got.Revisao != 1 || string(got.Body) != string(CobBody(rec.TxID, 1, 100+w)) {
		t.Errorf("cob after the race: revision %d body %q, want the winner's", got.Revisao, got.Body)
	}
	for _, st := range Statuses {
		want := 0
		if st == got.Status {
			want = 1
		}
		if n := mustCount(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Status: st}); n != want {
			t.Errorf("count of %s = %d, want %d", st, n, want)
		}
	}
}

func testUpdateCobRelinks(t *testing.T, s store.Store) {
	doc := CPF(120)
	a := MustCreateLoc(t, s, NewLoc(doc, "tok-a", pix.TipoCobImediata, T0))
	b := MustCreateLoc(t, s, NewLoc(doc, "tok-b", pix.TipoCobImediata, T0))
	rec := NewCob(doc, TxID(1), pix.TipoCobImediata, T0)
	rec.LocID = a.ID
	MustCreateCob(t, s, rec)

	links := func(what string, wantA, wantB string) {
		t.Helper()
		wantSame(t, what+": location a's txid", mustLoc(t, s, doc, a.ID).TxID, wantA)
		wantSame(t, what+": location b's txid", mustLoc(t, s, doc, b.ID).TxID, wantB)
	}
	next := *rec
	next.Revisao, next.LocID = 1, b.ID
	update(t, s, &next, 0, StatusAtiva)
	links("moved to b", "", rec.TxID)

	same := next
	same.Revisao = 2
	update(t, s, &same, 1, StatusAtiva)
	links("kept b", "", rec.TxID)

	none := same
	none.Revisao, none.LocID = 3, 0
	update(t, s, &none, 2, StatusAtiva)
	links("unlinked", "", "")

	back := none
	back.LocID = a.ID // location-only change
	update(t, s, &back, 3, StatusAtiva)
	links("back to a", rec.TxID, "")
	wantSame(t, "cob", mustCob(t, s, doc, rec.TxID), WantCob(&back))

	// The freed location serves another charge.
	other := NewCob(doc, TxID(2), pix.TipoCobImediata, T0)
	other.LocID = b.ID
	MustCreateCob(t, s, other)
	links("b reused", rec.TxID, other.TxID)
}

func testUpdateCobFailedRelink(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(121)
	a := MustCreateLoc(t, s, NewLoc(doc, "tok-fa", pix.TipoCobImediata, T0))
	b := MustCreateLoc(t, s, NewLoc(doc, "tok-fb", pix.TipoCobImediata, T0))
	theirs := MustCreateLoc(t, s, NewLoc(CPF(122), "tok-fc", pix.TipoCobImediata, T0))
	rec := NewCob(doc, TxID(1), pix.TipoCobImediata, T0)
	rec.LocID = a.ID
	MustCreateCob(t, s, rec)
	holder := NewCob(doc, TxID(2), pix.TipoCobImediata, T0)
	holder.LocID = b.ID
	MustCreateCob(t, s, holder)

	next := *rec
	next.Revisao, next.Status, next.LocID = 1, StatusRemovidaRc, b.ID
	wantCode(t, "UpdateCob to a used location", s.UpdateCob(ctx, &next, 0, StatusAtiva), errs.EConflict, "loc")
	next.LocID = theirs.ID
	wantCode(t, "UpdateCob to another recebedor's location", s.UpdateCob(ctx, &next, 0, StatusAtiva), errs.ENotFound, "loc")

	// Rolled back: the charge, its revisions, its count and both links.
	wantSame(t, "cob", mustCob(t, s, doc, rec.TxID), WantCob(rec))
	_, err := s.CobRevisao(ctx, doc, rec.TxID, 1)
	wantKind(t, "CobRevisao 1", err, errs.ENotFound)
	wantSame(t, "location a's txid", mustLoc(t, s, doc, a.ID).TxID, rec.TxID)
	wantSame(t, "location b's txid", mustLoc(t, s, doc, b.ID).TxID, holder.TxID)
	if n := mustCount(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Status: StatusRemovidaRc}); n != 0 {
		t.Errorf("count of %s = %d, want 0", StatusRemovidaRc, n)
	}
}

// wantList fails t unless ListCobs(f) answers what the brute-force oracle
// computes over stored.
func wantList(t *testing.T, s store.Store, f pix.CobFilter, stored []*pix.CobRecord) {
	t.Helper()
	got, total, err := s.ListCobs(t.Context(), f)
	wantOK(t, "ListCobs", err)
	want, wantTotal := WantCobs(f, stored)
	if total != wantTotal {
		t.Fatalf("ListCobs(%s): total %d, want %d", describe(f), total, wantTotal)
	}
	if d := Diff(got, want); d != "" {
		t.Fatalf("ListCobs(%s): page differs:\n%s", describe(f), d)
	}
}

// describe shows a filter in failure messages, times in UTC.
func describe(f pix.CobFilter) string {
	tm := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02T15:04:05.000000000")
	}
	s := fmt.Sprintf("tipo=%q [%s, %s] status=%q offset=%d limit=%d", f.Tipo, tm(f.Inicio), tm(f.Fim), f.Status, f.Offset, f.Limit)
	if f.CPF != "" || f.CNPJ != "" || f.LoteID != 0 || f.LocationPresente != nil {
		s += fmt.Sprintf(" cpf=%q cnpj=%q lote=%d", f.CPF, f.CNPJ, f.LoteID)
		if f.LocationPresente != nil {
			s += fmt.Sprintf(" locationPresente=%t", *f.LocationPresente)
		}
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func testListCobsFilters(t *testing.T, s store.Store) {
	doc, other := CPF(123), CPF(124)
	var stored []*pix.CobRecord
	create := func(rec *pix.CobRecord) {
		MustCreateCob(t, s, rec)
		stored = append(stored, WantCob(rec))
	}
	locs := make([]*pix.Loc, 4)
	for i := range locs {
		locs[i] = MustCreateLoc(t, s, NewLoc(doc, fmt.Sprintf("tok-f%d", i), pix.TipoCobImediata, T0))
	}
	for i := range 40 {
		tipo := pix.TipoCobImediata
		if i%3 == 0 {
			tipo = pix.TipoCobVencimento
		}
		// Several charges share a creation time: their txids order them.
		rec := NewCob(doc, TxID(1000-i), tipo, At(time.Duration(i/4)*time.Minute))
		rec.Status = Statuses[i%len(Statuses)]
		switch i % 5 {
		case 0:
			rec.DevedorCPF = CPF(1)
		case 1:
			rec.DevedorCPF = ""
			rec.DevedorCNPJ = "12ABC34501DE35"
		case 2:
			rec.DevedorCPF = ""
		}
		if i%7 == 0 {
			rec.LoteID = int64(1 + i%2)
		}
		if i < len(locs) {
			rec.LocID = locs[i].ID
		}
		create(rec)
	}
	create(NewCob(other, TxID(1), pix.TipoCobImediata, T0)) // never listed with doc

	for _, f := range []pix.CobFilter{
		{Documento: doc, Limit: 100},
		{Documento: doc, Tipo: pix.TipoCobImediata, Limit: 100},
		{Documento: doc, Tipo: pix.TipoCobVencimento, Limit: 3, Offset: 2},
		{Documento: doc, Tipo: pix.TipoCobImediata, Inicio: At(2 * time.Minute), Fim: At(5 * time.Minute), Limit: 100},
		{Documento: doc, Inicio: At(2*time.Minute + 1), Fim: At(5*time.Minute - 1), Limit: 100},
		{Documento: doc, Tipo: pix.TipoCobImediata, Status: StatusConcluida, Limit: 100},
		{Documento: doc, CPF: CPF(1), Limit: 100},
		{Documento: doc, Tipo: pix.TipoCobImediata, CPF: CPF(42), Limit: 2, Offset: 1},
		{Documento: doc, CNPJ: "12ABC34501DE35", Tipo: pix.TipoCobVencimento, Limit: 100},
		{Documento: doc, LocationPresente: ptr(true), Limit: 100},
		{Documento: doc, Tipo: pix.TipoCobImediata, LocationPresente: ptr(false), Limit: 5, Offset: 5},
		{Documento: doc, LoteID: 1, Limit: 100},
		{Documento: doc, LoteID: 2, Tipo: pix.TipoCobVencimento, Status: StatusAtiva, Limit: 100},
		{Documento: doc, Tipo: pix.TipoCobImediata, Limit: 0},                // count only
		{Documento: doc, Tipo: pix.TipoCobImediata, Limit: 10, Offset: 1000}, // past the end
		{Documento: doc, Tipo: pix.TipoCobImediata, Limit: 10, Offset: -5},   // as 0
		{Documento: doc, Inicio: At(time.Hour), Fim: T0, Limit: 10},          // empty range
		{Documento: CPF(125), Tipo: pix.TipoCobImediata, Limit: 10},          // no charges at all
	} {
		wantList(t, s, f, stored)
	}
}

// testListCobsOracle stores a few hundred charges spread over four days,
// crowded around minute, hour and day boundaries and in one instant, changes
// some statuses, and compares the counts and pages of many ranges (starting
// and ending mid-minute, exactly on boundaries, a microsecond either side,
// open, empty) with brute force.
func testListCobsOracle(t *testing.T, s store.Store) {
	ctx := t.Context()
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("BRASA_STORETEST_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("BRASA_STORETEST_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("seed %d (set BRASA_STORETEST_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, 2026))
	doc, other := CPF(126), CPF(127)
	day0 := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

	// near returns a time near a random minute, hour or day boundary of the
	// four days, or anywhere in them.
	near := func() time.Time {
		var base time.Time
		switch rng.IntN(4) {
		case 0:
			base = day0.Add(time.Duration(rng.IntN(5)) * 24 * time.Hour)
		case 1:
			base = day0.Add(time.Duration(rng.IntN(4*24+1)) * time.Hour)
		case 2:
			base = day0.Add(time.Duration(rng.IntN(4*24*60+1)) * time.Minute)
		default:
			return day0.Add(time.Duration(rng.Int64N(int64(4 * 24 * time.Hour))))
		}
		switch rng.IntN(5) {
		case 0:
			return base
		case 1:
			return base.Add(time.Microsecond)
		case 2:
			return base.Add(-time.Microsecond)
		default:
			return base.Add(time.Duration(rng.Int64N(int64(3*time.Minute))) - 90*time.Second)
		}
	}

	var recs []*pix.CobRecord
	crowd := near() // many charges in one instant
	for i := range 420 {
		d := doc
		if i%10 == 9 {
			d = other
		}
		tipo := pix.TipoCobImediata
		if rng.IntN(3) == 0 {
			tipo = pix.TipoCobVencimento
		}
		at := near()
		if i%12 == 0 {
			at = crowd
		}
		rec := NewCob(d, fmt.Sprintf("tx%05d%025d", rng.IntN(100000), i), tipo, at.Add(time.Duration(rng.IntN(1000)))) // nanoseconds are dropped
		if rng.IntN(4) == 0 {
			rec.Status = Statuses[rng.IntN(len(Statuses))]
		}
		recs = append(recs, rec)
	}
	// Half in one bulk insert when the store has one, the rest one by one.
	half := recs
	if b, ok := s.(bulkCreator); ok {
		wantOK(t, "CreateCobs", b.CreateCobs(ctx, recs[:len(recs)/2]))
		half = recs[len(recs)/2:]
	}
	for _, rec := range half {
		MustCreateCob(t, s, rec)
	}
	// Change some statuses, some twice.
	for range 120 {
		rec := recs[rng.IntN(len(recs))]
		next := *rec
		next.Revisao++
		next.Status = Statuses[rng.IntN(len(Statuses))]
		next.Body = CobBody(rec.TxID, next.Revisao, 0)
		update(t, s, &next, rec.Revisao, rec.Status)
		*rec = next
	}
	stored := make([]*pix.CobRecord, len(recs))
	for i, r := range recs {
		stored[i] = WantCob(r)
	}

	bound := func() time.Time {
		switch rng.IntN(10) {
		case 0:
			return time.Time{}
		case 1:
			return stored[rng.IntN(len(stored))].Criacao // exactly a charge's time
		default:
			return near().Add(time.Duration(rng.IntN(3)) * time.Nanosecond)
		}
	}
	for range 250 {
		f := pix.CobFilter{Documento: doc, Inicio: bound(), Fim: bound(), Limit: []int{0, 1, 7, 100}[rng.IntN(4)]}
		if rng.IntN(8) == 0 {
			f.Inicio, f.Fim = f.Fim, f.Inicio
		}
		if rng.IntN(10) > 0 {
			f.Tipo = []pix.TipoCob{pix.TipoCobImediata, pix.TipoCobVencimento}[rng.IntN(2)]
		}
		if rng.IntN(2) == 0 {
			f.Status = Statuses[rng.IntN(len(Statuses))]
		}
		if rng.IntN(10) == 0 {
			f.LocationPresente = ptr(false)
		}
		_, total := WantCobs(f, stored)
		if total > 0 && rng.IntN(4) > 0 {
			f.Offset = rng.IntN(total + 2)
		}
		wantList(t, s, f, stored)
	}
	// Boundaries exactly.
	day1 := day0.Add(24 * time.Hour)
	for _, r := range [][2]time.Time{
		{day1, day1.Add(24*time.Hour - time.Microsecond)},
		{day1, day1.Add(24 * time.Hour)},
		{day1.Add(-time.Microsecond), day1.Add(24 * time.Hour)},
		{day1.Add(time.Hour), day1.Add(time.Hour)},
		{crowd, crowd},
		{Stored(crowd), Stored(crowd).Add(999 * time.Nanosecond)},
		{Stored(crowd).Add(time.Nanosecond), Stored(crowd).Add(time.Microsecond)},
		{day0.Add(-time.Hour), day0.Add(5 * 24 * time.Hour)},
		{day0.Add(90 * time.Second), day0.Add(4*24*time.Hour - 90*time.Second)},
	} {
		for _, tipo := range []pix.TipoCob{pix.TipoCobImediata, pix.TipoCobVencimento} {
			f := pix.CobFilter{Documento: doc, Tipo: tipo, Inicio: r[0], Fim: r[1], Limit: 1000}
			wantList(t, s, f, stored)
			_, total := WantCobs(f, stored)
			for _, off := range []int{1, total / 3, total / 2, total - 1} {
				f.Offset, f.Limit = off, 3
				wantList(t, s, f, stored)
			}
		}
	}
}

func testListCobsRollback(t *testing.T, s store.Store) {
	db, ok := s.(txer)
	if !ok {
		t.Skip("store has no Tx method")
	}
	ctx := t.Context()
	doc := CPF(128)
	kept := MustCreateCob(t, s, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	boom := errors.New("boom")
	var loc *pix.Loc
	err := db.Tx(ctx, func(tx *store.Tx) error {
		loc = NewLoc(doc, "tok-tx", pix.TipoCobImediata, T0)
		if err := tx.CreateLoc(ctx, loc); err != nil {
			return err
		}
		rec := NewCob(doc, TxID(2), pix.TipoCobImediata, T0)
		rec.LocID = loc.ID
		if err := tx.CreateCob(ctx, rec); err != nil {
			return err
		}
		next := *kept
		next.Status = StatusConcluida
		if err := tx.UpdateCob(ctx, &next, 0, StatusAtiva); err != nil {
			return err
		}
		got, total, err := tx.ListCobs(ctx, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Status: StatusAtiva, Limit: 10})
		if err != nil {
			return err
		}
		if total != 1 || len(got) != 1 || got[0].TxID != TxID(2) {
			t.Errorf("ATIVA charges inside the transaction: %d of %d, want %s only", len(got), total, TxID(2))
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Tx returned %v, want fn's error", err)
	}
	wantList(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Limit: 10}, []*pix.CobRecord{WantCob(kept)})
	wantList(t, s, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Status: StatusAtiva, Limit: 10}, []*pix.CobRecord{WantCob(kept)})
	_, err = s.Loc(ctx, doc, loc.ID)
	wantKind(t, "Loc after rollback", err, errs.ENotFound)
}

func testCreateLocIDs(t *testing.T, s store.Store) {
	doc := CPF(129)
	var last int64
	for i := range 5 {
		l := MustCreateLoc(t, s, NewLoc(doc, fmt.Sprintf("tok-id%d", i), pix.TipoCobVencimento, At(time.Duration(i))))
		if l.ID <= last {
			t.Fatalf("location %d got id %d after %d", i, l.ID, last)
		}
		last = l.ID
		wantSame(t, "location", mustLoc(t, s, doc, l.ID), WantLoc(l))
	}
}

func testCreateLocConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := MustCreateLoc(t, s, NewLoc(CPF(130), "tok-same", pix.TipoCobImediata, T0))
	second := NewLoc(CPF(131), "tok-same", pix.TipoCobVencimento, T0)
	wantCode(t, "CreateLoc same token", s.CreateLoc(ctx, second), errs.EConflict, "token")
	got, err := s.LocByToken(ctx, "tok-same")
	wantOK(t, "LocByToken", err)
	wantSame(t, "location after the conflict", got, WantLoc(first))
}

func testLocNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	l := MustCreateLoc(t, s, NewLoc(CPF(132), "tok-nf", pix.TipoCobImediata, T0))
	_, err := s.Loc(ctx, CPF(133), l.ID)
	wantKind(t, "Loc of another recebedor", err, errs.ENotFound)
	_, err = s.Loc(ctx, CPF(132), l.ID+1)
	wantKind(t, "Loc of a missing id", err, errs.ENotFound)
}

func testLocByToken(t *testing.T, s store.Store) {
	ctx := t.Context()
	l := MustCreateLoc(t, s, NewLoc(CPF(134), pix.NewLocationToken(), pix.TipoCobVencimento, T0))
	got, err := s.LocByToken(ctx, l.Token)
	wantOK(t, "LocByToken", err)
	wantSame(t, "location", got, WantLoc(l))
	_, err = s.LocByToken(ctx, pix.NewLocationToken())
	wantKind(t, "LocByToken of a missing token", err, errs.ENotFound)
}

func testListLocs(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc, other := CPF(135), CPF(136)
	var locs []*pix.Loc
	for i := range 30 {
		d := doc
		if i%6 == 5 {
			d = other
		}
		tipo := pix.TipoCobImediata
		if i%3 == 0 {
			tipo = pix.TipoCobVencimento
		}
		// Several share a creation time: their ids order them.
		l := MustCreateLoc(t, s, NewLoc(d, fmt.Sprintf("tok-l%02d", i), tipo, At(time.Duration(29-i)/3*time.Second)))
		if i%4 == 0 {
			rec := NewCob(d, TxID(i), tipo, T0)
			rec.LocID = l.ID
			MustCreateCob(t, s, rec)
			l.TxID = rec.TxID
		}
		locs = append(locs, WantLoc(l))
	}
	for _, f := range []pix.LocFilter{
		{Documento: doc, Limit: 100},
		{Documento: doc, Limit: 4, Offset: 3},
		{Documento: doc, Inicio: At(2 * time.Second), Fim: At(5 * time.Second), Limit: 100},
		{Documento: doc, Inicio: At(2*time.Second + 1), Fim: At(5*time.Second - 1), Limit: 100},
		{Documento: doc, TxIDPresente: ptr(true), Limit: 100},
		{Documento: doc, TxIDPresente: ptr(false), TipoCob: pix.TipoCobImediata, Limit: 2, Offset: 1},
		{Documento: doc, TipoCob: pix.TipoCobVencimento, Limit: 100},
		{Documento: doc, Limit: 0},
		{Documento: doc, Limit: 5, Offset: 100},
		{Documento: doc, Inicio: At(time.Hour), Limit: 5},
		{Documento: CPF(137), Limit: 5},
	} {
		got, total, err := s.ListLocs(ctx, f)
		wantOK(t, "ListLocs", err)
		want, wantTotal := WantLocs(f, locs)
		if total != wantTotal {
			t.Errorf("ListLocs(%+v): total %d, want %d", f, total, wantTotal)
		}
		wantSame(t, fmt.Sprintf("ListLocs(%+v)", f), got, want)
	}
}

func testCobCancelledContext(t *testing.T, s store.Store) {
	doc := CPF(138)
	loc := MustCreateLoc(t, s, NewLoc(doc, "tok-ctx", pix.TipoCobImediata, T0))
	rec := MustCreateCob(t, s, NewCob(doc, TxID(1), pix.TipoCobImediata, T0))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	next := *rec
	next.Revisao = 1
	calls := map[string]func() error{
		"CreateCob":  func() error { return s.CreateCob(ctx, NewCob(doc, TxID(2), pix.TipoCobImediata, T0)) },
		"Cob":        func() error { _, err := s.Cob(ctx, doc, TxID(1)); return err },
		"CobRevisao": func() error { _, err := s.CobRevisao(ctx, doc, TxID(1), 0); return err },
		"UpdateCob":  func() error { return s.UpdateCob(ctx, &next, 0, StatusAtiva) },
		"ListCobs": func() error {
			_, _, err := s.ListCobs(ctx, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Limit: 1})
			return err
		},
		"CreateLoc":  func() error { return s.CreateLoc(ctx, NewLoc(doc, "tok-ctx2", pix.TipoCobImediata, T0)) },
		"Loc":        func() error { _, err := s.Loc(ctx, doc, loc.ID); return err },
		"LocByToken": func() error { _, err := s.LocByToken(ctx, loc.Token); return err },
		"ListLocs":   func() error { _, _, err := s.ListLocs(ctx, pix.LocFilter{Documento: doc, Limit: 1}); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: got %v, want an error wrapping context.Canceled", name, err)
		}
	}
	wantSame(t, "cob", mustCob(t, s, doc, TxID(1)), WantCob(rec))
}
