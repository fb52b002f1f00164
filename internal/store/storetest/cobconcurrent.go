package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
)

func init() {
	cobTests = append(cobTests, struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{"CreateCob/ConcurrentWithConflictsCountsExact", testCreateCobConcurrentConflicts})
}

// testCreateCobConcurrentConflicts creates 200 charges at once, 20 of them
// with a txid another of them uses, some with a new location: every charge
// whose txid is its own is stored, of each pair sharing a txid exactly one
// is stored and the other fails with EConflict "txid" (its location rolled
// back with it), and the counters and lists agree with brute force over the
// winners. On SQLite the creates share transactions (group commit), so this
// checks that a failing create is undone alone.
func testCreateCobConcurrentConflicts(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc := CPF(950)
	const n, distinct = 200, 180 // attempts i >= distinct reuse txid i-distinct
	day0 := time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC)
	recs := make([]*pix.CobRecord, n)
	for i := range n {
		k := i
		if i >= distinct {
			k = i - distinct
		}
		tipo := pix.TipoCobImediata
		if k%3 == 2 {
			tipo = pix.TipoCobVencimento
		}
		// Spread over minute, hour and day boundaries (day0 is 23:00).
		criacao := day0.Add(time.Duration(i)*97*time.Second + time.Duration(i)*time.Millisecond)
		var rec *pix.CobRecord
		if i%3 == 0 {
			rec = newLocCob(doc, TxID(k), fmt.Sprintf("tok-cc-%d", i))
			rec.Tipo, rec.Criacao, rec.UpdatedAt = tipo, criacao, criacao
			rec.NewLoc.TipoCob, rec.NewLoc.Criacao = tipo, criacao
		} else {
			rec = NewCob(doc, TxID(k), tipo, criacao)
			rec.Body = CobBody(TxID(k), i, 0)
		}
		rec.Status = Statuses[i%len(Statuses)]
		recs[i] = rec
	}

	results := concurrently(n, func(i int) error { return s.CreateCob(ctx, recs[i]) })

	var winners []*pix.CobRecord
	var locs []*pix.Loc
	win := func(rec *pix.CobRecord) {
		if rec.NewLoc != nil {
			locs = append(locs, WantLoc(rec.NewLoc))
		}
		w := *rec
		w.NewLoc, w.BodyFor = nil, nil
		winners = append(winners, WantCob(&w))
	}
	for k := range distinct {
		if k >= n-distinct {
			if err := results[k]; err != nil {
				t.Errorf("CreateCob %s (no other create uses it): %v", TxID(k), err)
				continue
			}
			win(recs[k])
			continue
		}
		w := wantOneWinner(t, "CreateCob "+TxID(k), []error{results[k], results[k+distinct]}, errs.EConflict, "txid")
		if w < 0 {
			continue
		}
		rec, loser := recs[k], recs[k+distinct]
		if w == 1 {
			rec, loser = loser, rec
		}
		win(rec)
		if loser.NewLoc != nil && (loser.NewLoc.ID != 0 || loser.LocID != 0) {
			t.Errorf("CreateCob %s lost but kept location %d", loser.TxID, loser.NewLoc.ID)
		}
	}
	if t.Failed() {
		return
	}

	for _, w := range winners {
		wantSame(t, "cob "+w.TxID, mustCob(t, s, doc, w.TxID), w)
	}
	all := pix.CobFilter{Documento: doc, Inicio: day0.Add(-time.Hour), Fim: day0.Add(24 * time.Hour), Limit: 1000}
	for _, tipo := range []pix.TipoCob{pix.TipoCobImediata, pix.TipoCobVencimento} {
		for _, status := range append([]string{""}, Statuses...) {
			for _, span := range [][2]time.Duration{{-time.Hour, 24 * time.Hour}, {17 * time.Minute, 2*time.Hour + 3*time.Second}} {
				f := all
				f.Tipo, f.Status = tipo, status
				f.Inicio, f.Fim = day0.Add(span[0]), day0.Add(span[1])
				wantList(t, s, f, winners)
			}
		}
	}
	wantList(t, s, all, winners) // no tipo: counted by scanning

	lf := pix.LocFilter{Documento: doc, Inicio: day0.Add(-time.Hour), Fim: day0.Add(24 * time.Hour), Limit: 1000}
	gotLocs, total, err := s.ListLocs(ctx, lf)
	wantOK(t, "ListLocs", err)
	wantLocs, wantTotal := WantLocs(lf, locs)
	if total != wantTotal {
		t.Fatalf("ListLocs: %d locations, want the %d of the created charges", total, wantTotal)
	}
	wantSame(t, "locations", gotLocs, wantLocs)
}
