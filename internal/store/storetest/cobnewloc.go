package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
)

func init() {
	cobTests = append(cobTests,
		struct {
			name string
			run  func(t *testing.T, s store.Store)
		}{"CreateCob/NewLocCreatedLinkedAndRendered", testCreateCobNewLoc},
		struct {
			name string
			run  func(t *testing.T, s store.Store)
		}{"CreateCob/NewLocRolledBackWhenTxIDTaken", testCreateCobNewLocRollback},
	)
}

// newLocCob is a charge asking for a new location, whose body names it.
func newLocCob(documento, txid, token string) *pix.CobRecord {
	rec := NewCob(documento, txid, pix.TipoCobImediata, T0)
	rec.NewLoc = NewLoc(documento, token, pix.TipoCobImediata, T0)
	rec.Body = nil
	rec.BodyFor = func(l *pix.Loc) ([]byte, error) {
		return []byte(`{"txid":"` + txid + `","loc":{"id":` + itoa(l.ID) + `}}`), nil
	}
	return rec
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func testCreateCobNewLoc(t *testing.T, s store.Store) {
	doc := CPF(901)
	MustCreateRecebedor(t, s, NewRecebedor(doc))
	rec := newLocCob(doc, TxID(1), "tok-newloc-1")
	wantOK(t, "CreateCob", s.CreateCob(t.Context(), rec))
	if rec.LocID == 0 || rec.NewLoc.ID != rec.LocID || rec.NewLoc.TxID != TxID(1) {
		t.Fatalf("after CreateCob: LocID %d, NewLoc %+v", rec.LocID, rec.NewLoc)
	}
	l, err := s.Loc(t.Context(), doc, rec.LocID)
	wantOK(t, "Loc", err)
	if l.TxID != TxID(1) || l.Token != "tok-newloc-1" {
		t.Errorf("stored location %+v", l)
	}
	got := mustCob(t, s, doc, TxID(1))
	if want := `{"txid":"` + TxID(1) + `","loc":{"id":` + itoa(rec.LocID) + `}}`; string(got.Body) != want || got.LocID != rec.LocID {
		t.Errorf("stored body %s (loc %d), want %s", got.Body, got.LocID, want)
	}
}

// testCreateCobNewLocRollback: concurrent creations of one txid, each with a
// new location, leave exactly one charge and exactly one location.
func testCreateCobNewLocRollback(t *testing.T, s store.Store) {
	doc := CPF(902)
	MustCreateRecebedor(t, s, NewRecebedor(doc))
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, conflicts := 0, 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.CreateCob(t.Context(), newLocCob(doc, TxID(7), "tok-race-"+itoa(int64(i+1))))
			mu.Lock()
			defer mu.Unlock()
			switch e := errs.As(err); {
			case err == nil:
				ok++
			case e != nil && e.Kind == errs.EConflict && e.Code == "txid":
				conflicts++
			default:
				t.Errorf("CreateCob: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || conflicts != n-1 {
		t.Fatalf("%d created, %d conflicts; want 1 and %d", ok, conflicts, n-1)
	}
	locs, total, err := s.ListLocs(t.Context(), pix.LocFilter{Documento: doc, Inicio: T0.Add(-time.Hour), Fim: T0.Add(time.Hour), Limit: 100})
	wantOK(t, "ListLocs", err)
	if total != 1 || len(locs) != 1 || locs[0].TxID != TxID(7) {
		t.Errorf("locations after the race: %d %+v; want exactly the winner's", total, locs)
	}
}
