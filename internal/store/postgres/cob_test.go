package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/brasa-dev/brasa/internal/store/storetest"
)

// On PostgreSQL a charge is created by one statement (store/cobcreate.go);
// these tests cover what the storetest suite cannot reach from outside:
// a taken location token, the order of errors, the statement inside a
// transaction, and mixed concurrent creations from several processes.

func wantErr(t *testing.T, what string, err error, k errs.Kind, code string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Kind != k || e.Code != code {
		t.Fatalf("%s: %v, want %v (Code %q)", what, err, k, code)
	}
}

// cobCounted returns how many charges of doc the counters and a scan see.
func cobCounted(t *testing.T, db *store.DB, doc string) (counted, scanned int) {
	t.Helper()
	f := pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata}
	_, counted, err := db.ListCobs(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	f.Tipo = ""
	_, scanned, err = db.ListCobs(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return counted, scanned
}

func TestCreateCobNewLocTokenTaken(t *testing.T) {
	db := MustOpen(t, pgtest.MustSchema(t, pgtest.MustDSN(t)))
	doc := storetest.CPF(1)
	storetest.MustCreateLoc(t, db, storetest.NewLoc(doc, "tok-taken", pix.TipoCobImediata, storetest.T0))
	rec := storetest.NewCob(doc, storetest.TxID(1), pix.TipoCobImediata, storetest.T0)
	rec.NewLoc = storetest.NewLoc(doc, "tok-taken", pix.TipoCobImediata, storetest.T0)
	rendered := 0
	rec.BodyFor = func(l *pix.Loc) ([]byte, error) {
		rendered++
		return storetest.CobBody(rec.TxID, 0, 0), nil
	}
	wantErr(t, "CreateCob with a taken token", db.CreateCob(t.Context(), rec), errs.EConflict, "token")
	if rec.LocID != 0 || rec.NewLoc.ID != 0 || rec.NewLoc.TxID != "" {
		t.Errorf("after the failure: LocID %d, NewLoc %+v; want them unset", rec.LocID, rec.NewLoc)
	}
	if _, err := db.Cob(t.Context(), doc, rec.TxID); !errs.Is(err, errs.ENotFound) {
		t.Errorf("charge stored despite the failure: %v", err)
	}
	if c, s := cobCounted(t, db, doc); c != 0 || s != 0 {
		t.Errorf("counters %d, charges %d; want 0", c, s)
	}
	if rendered != 1 {
		t.Errorf("BodyFor called %d times, want 1", rendered)
	}
}

// TestCreateCobErrorOrder: a txid already taken is reported before a
// location problem, as the transaction did (charge first, then the link).
func TestCreateCobErrorOrder(t *testing.T) {
	db := MustOpen(t, pgtest.MustSchema(t, pgtest.MustDSN(t)))
	doc := storetest.CPF(2)
	l := storetest.MustCreateLoc(t, db, storetest.NewLoc(doc, "tok-1", pix.TipoCobImediata, storetest.T0))
	first := storetest.NewCob(doc, storetest.TxID(1), pix.TipoCobImediata, storetest.T0)
	first.LocID = l.ID
	storetest.MustCreateCob(t, db, first)

	again := storetest.NewCob(doc, storetest.TxID(1), pix.TipoCobImediata, storetest.T0)
	again.LocID = l.ID // in use, and the txid is taken
	wantErr(t, "txid taken, location in use", db.CreateCob(t.Context(), again), errs.EConflict, "txid")
	again.LocID = 999_999 // missing, and the txid is taken
	wantErr(t, "txid taken, location missing", db.CreateCob(t.Context(), again), errs.EConflict, "txid")
	again.LocID = 0
	again.NewLoc = storetest.NewLoc(doc, "tok-2", pix.TipoCobImediata, storetest.T0)
	wantErr(t, "txid taken, new location", db.CreateCob(t.Context(), again), errs.EConflict, "txid")
	if again.LocID != 0 || again.NewLoc.ID != 0 {
		t.Errorf("after the failure: LocID %d, NewLoc.ID %d; want 0", again.LocID, again.NewLoc.ID)
	}

	other := storetest.NewCob(doc, storetest.TxID(2), pix.TipoCobImediata, storetest.T0)
	other.LocID = l.ID
	wantErr(t, "location in use", db.CreateCob(t.Context(), other), errs.EConflict, "loc")
	foreign := storetest.MustCreateLoc(t, db, storetest.NewLoc(storetest.CPF(3), "tok-3", pix.TipoCobImediata, storetest.T0))
	other.LocID = foreign.ID
	wantErr(t, "another recebedor's location", db.CreateCob(t.Context(), other), errs.ENotFound, "loc")
	if c, s := cobCounted(t, db, doc); c != 1 || s != 1 {
		t.Errorf("counters %d, charges %d; want 1", c, s)
	}
	locs, _, err := db.ListLocs(t.Context(), pix.LocFilter{Documento: doc, Limit: 10})
	if err != nil || len(locs) != 1 {
		t.Errorf("locations %+v (%v), want only the first (tok-2 rolled back)", locs, err)
	}
}

// TestCreateCobInTx: the statement joins the caller's transaction; a
// rollback takes the charge, its location and its counts away, and a
// failed creation inside a transaction is reported as outside.
func TestCreateCobInTx(t *testing.T) {
	db := MustOpen(t, pgtest.MustSchema(t, pgtest.MustDSN(t)))
	doc := storetest.CPF(4)
	boom := errors.New("boom")
	err := db.Tx(t.Context(), func(tx *store.Tx) error {
		rec := storetest.NewCob(doc, storetest.TxID(1), pix.TipoCobImediata, storetest.T0)
		rec.NewLoc = storetest.NewLoc(doc, "tok-1", pix.TipoCobImediata, storetest.T0)
		if err := tx.CreateCob(t.Context(), rec); err != nil {
			return err
		}
		if _, err := tx.Cob(t.Context(), doc, rec.TxID); err != nil {
			t.Errorf("charge not visible inside its transaction: %v", err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx: %v", err)
	}
	if c, s := cobCounted(t, db, doc); c != 0 || s != 0 {
		t.Errorf("after rollback: counters %d, charges %d; want 0", c, s)
	}
	if locs, total, err := db.ListLocs(t.Context(), pix.LocFilter{Documento: doc, Limit: 10}); err != nil || total != 0 {
		t.Errorf("after rollback: locations %+v (%v)", locs, err)
	}

	storetest.MustCreateCob(t, db, storetest.NewCob(doc, storetest.TxID(2), pix.TipoCobImediata, storetest.T0))
	err = db.Tx(t.Context(), func(tx *store.Tx) error {
		return tx.CreateCob(t.Context(), storetest.NewCob(doc, storetest.TxID(2), pix.TipoCobImediata, storetest.T0))
	})
	wantErr(t, "txid taken inside a transaction", err, errs.EConflict, "txid")
	err = db.Tx(t.Context(), func(tx *store.Tx) error {
		rec := storetest.NewCob(doc, storetest.TxID(3), pix.TipoCobImediata, storetest.T0)
		rec.LocID = 999_999
		return tx.CreateCob(t.Context(), rec)
	})
	wantErr(t, "missing location inside a transaction", err, errs.ENotFound, "loc")
}

// TestCreateCobMixedConcurrency creates charges from two processes at once,
// with new locations, linked locations and none, many of them racing for
// the same txids: each txid gets exactly one charge, every loser is told
// "txid" (never a deadlock or an internal error), and the counters agree
// with the charges.
func TestCreateCobMixedConcurrency(t *testing.T) {
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	dbs := []*store.DB{MustOpen(t, dsn), MustOpen(t, dsn)}
	doc := storetest.CPF(5)
	const txids, racers = 40, 6
	now := time.Now()
	var mu sync.Mutex
	won := make(map[string]int)
	var wg sync.WaitGroup
	for r := range racers {
		db := dbs[r%len(dbs)]
		wg.Go(func() {
			for i := range txids {
				txid := storetest.TxID(i)
				rec := storetest.NewCob(doc, txid, pix.TipoCobImediata, now.Add(time.Duration(i)*time.Second))
				switch (i + r) % 3 {
				case 0:
					rec.NewLoc = storetest.NewLoc(doc, fmt.Sprintf("tok-%d-%d", r, i), pix.TipoCobImediata, rec.Criacao)
				case 1:
					l := storetest.NewLoc(doc, fmt.Sprintf("tok-l-%d-%d", r, i), pix.TipoCobImediata, rec.Criacao)
					if err := db.CreateLoc(t.Context(), l); err != nil {
						t.Error(err)
						return
					}
					rec.LocID = l.ID
				}
				err := db.CreateCob(t.Context(), rec)
				switch e := errs.As(err); {
				case err == nil:
					mu.Lock()
					won[txid]++
					mu.Unlock()
				case e != nil && e.Kind == errs.EConflict && e.Code == "txid":
				default:
					t.Errorf("racer %d, %s: %v", r, txid, err)
				}
			}
		})
	}
	wg.Wait()
	if len(won) != txids {
		t.Errorf("%d txids created, want %d", len(won), txids)
	}
	for txid, n := range won {
		if n != 1 {
			t.Errorf("%s created %d times", txid, n)
		}
	}
	if c, s := cobCounted(t, dbs[0], doc); c != txids || s != txids {
		t.Errorf("counters %d, charges %d; want %d", c, s, txids)
	}
	linked := false
	locs, _, err := dbs[0].ListLocs(t.Context(), pix.LocFilter{Documento: doc, TxIDPresente: &linked, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.Token[:6] != "tok-l-" {
			t.Errorf("unlinked location %s: a new location outlived its refused charge", l.Token)
		}
	}
}
