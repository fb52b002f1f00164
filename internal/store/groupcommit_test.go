package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
	"github.com/brasa-dev/brasa/internal/store/storetest"
)

// The group-commit tests run on SQLite, the engine that has it.

// openSQLite opens a fresh SQLite store, closed when t ends.
func openSQLite(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "brasa.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// hold makes db's committer wait in a Tx until release is called (or t
// ends), so that writes queue behind it and then all join its batch. release
// returns the Tx's error.
func hold(t *testing.T, db *store.DB) (release func() error) {
	t.Helper()
	held, rel, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.Tx(context.Background(), func(*store.Tx) error {
			close(held)
			<-rel
			return nil
		})
	}()
	select {
	case <-held:
	case err := <-done:
		t.Fatalf("holding Tx: %v", err)
	}
	var once sync.Once
	var err error
	release = func() error {
		once.Do(func() {
			close(rel)
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { release() }) // before Close, if the test stops early
	return release
}

// waitQueued waits until n writes are queued on db.
func waitQueued(t *testing.T, db *store.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for store.QueuedWrites(db) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued after 10 s, want %d", store.QueuedWrites(db), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// queue starts fn in a goroutine, waits until its write is queued behind
// the ones before it, and returns where its error will arrive; so writes
// queue in the order of the calls.
func queue(t *testing.T, db *store.DB, fn func() error) <-chan error {
	t.Helper()
	n := store.QueuedWrites(db)
	ch := make(chan error, 1)
	go func() { ch <- fn() }()
	waitQueued(t, db, n+1)
	return ch
}

// commits returns how many transactions db's committer has committed.
func commits(db *store.DB) int64 {
	c, _, _ := store.GroupCommitStats(db)
	return c
}

func wantErrKind(t *testing.T, what string, err error, k errs.Kind, code string) {
	t.Helper()
	if e := errs.As(err); e == nil || e.Kind != k || e.Code != code {
		t.Errorf("%s: got %v, want kind %v code %q", what, err, k, code)
	}
}

func count(t *testing.T, db *store.DB, doc string) int {
	t.Helper()
	_, n, err := db.ListCobs(t.Context(), pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGroupCommitBatches has 32 writers create charges at once and checks
// that they shared commits.
func TestGroupCommitBatches(t *testing.T) {
	db, _ := openSQLite(t)
	doc := storetest.CPF(1)
	const writers, each = 32, 20
	c0, o0, _ := store.GroupCommitStats(db)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				rec := storetest.NewCob(doc, storetest.TxID(w*each+i), pix.TipoCobImediata, storetest.At(time.Duration(i)*time.Second))
				if err := db.CreateCob(t.Context(), rec); err != nil {
					t.Errorf("CreateCob: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	c1, o1, maxBatch := store.GroupCommitStats(db)
	commits, ops := c1-c0, o1-o0
	t.Logf("%d writes in %d commits (%.1f per commit, at most %d)", ops, commits, float64(ops)/float64(commits), maxBatch)
	if ops != writers*each {
		t.Errorf("%d writes committed, want %d", ops, writers*each)
	}
	if ops <= commits {
		t.Errorf("%d writes took %d commits: no batching", ops, commits)
	}
	if n := count(t, db, doc); n != writers*each {
		t.Errorf("count = %d, want %d", n, writers*each)
	}
}

// TestGroupCommitOneBatch queues writes that depend on each other behind a
// held transaction, so that they share its commit: later writes see the
// earlier ones, a failing write (a Tx returning an error, a taken txid, a
// stale update) is undone alone, and read-modify-writes do not lose each
// other's changes.
func TestGroupCommitOneBatch(t *testing.T) {
	db, _ := openSQLite(t)
	ctx := t.Context()
	doc := storetest.CPF(2)
	storetest.MustCreateCredential(t, db, storetest.NewCredential("client-1", doc))
	cob := storetest.MustCreateCob(t, db, storetest.NewCob(doc, storetest.TxID(1), pix.TipoCobImediata, storetest.T0))
	c0 := commits(db)

	release := hold(t, db)
	r := storetest.NewRecebedor(doc)
	createR := queue(t, db, func() error { return db.CreateRecebedor(ctx, r) })
	sawR := make(chan error, 1)
	boom := errors.New("boom")
	txErr := queue(t, db, func() error {
		return db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Recebedor(ctx, doc) // written earlier in the batch
			sawR <- err
			if err := tx.CreateChave(ctx, storetest.NewChave("rolled-back", doc)); err != nil {
				return err
			}
			if err := tx.CreateCob(ctx, storetest.NewCob(doc, storetest.TxID(2), pix.TipoCobImediata, storetest.T0)); err != nil {
				return err
			}
			return boom
		})
	})
	chave := queue(t, db, func() error { return db.CreateChave(ctx, storetest.NewChave("kept", doc)) })
	var binds []<-chan error
	for i := range 10 {
		binds = append(binds, queue(t, db, func() error { return db.BindCertificate(ctx, "client-1", fmt.Sprintf("thumb-%d", i)) }))
	}
	var updates []<-chan error
	for i := range 5 {
		updates = append(updates, queue(t, db, func() error {
			next := *cob
			next.Revisao, next.Status = 1, storetest.StatusConcluida
			next.Body = storetest.CobBody(next.TxID, 100+i, 0)
			return db.UpdateCob(ctx, &next, 0, storetest.StatusAtiva)
		}))
	}
	first := queue(t, db, func() error {
		return db.CreateCob(ctx, storetest.NewCob(doc, storetest.TxID(3), pix.TipoCobImediata, storetest.T0))
	})
	second := queue(t, db, func() error {
		return db.CreateCob(ctx, storetest.NewCob(doc, storetest.TxID(3), pix.TipoCobImediata, storetest.T0))
	})
	if err := release(); err != nil {
		t.Fatalf("holding Tx: %v", err)
	}

	if err := <-createR; err != nil {
		t.Errorf("CreateRecebedor: %v", err)
	}
	if err := <-sawR; err != nil {
		t.Errorf("Tx did not see the recebedor written before it in the batch: %v", err)
	}
	if err := <-txErr; err != boom {
		t.Errorf("Tx: got %v, want fn's error", err)
	}
	if err := <-chave; err != nil {
		t.Errorf("CreateChave of the recebedor written earlier in the batch: %v", err)
	}
	for i, ch := range binds {
		if err := <-ch; err != nil {
			t.Errorf("BindCertificate %d: %v", i, err)
		}
	}
	won := 0
	for _, ch := range updates {
		switch err := <-ch; {
		case err == nil:
			won++
		default:
			wantErrKind(t, "UpdateCob from a stale revision", err, errs.EConflict, "stale")
		}
	}
	if won != 1 {
		t.Errorf("%d updates from one revision won, want 1", won)
	}
	if err := <-first; err != nil {
		t.Errorf("first CreateCob of a txid: %v", err)
	}
	wantErrKind(t, "second CreateCob of the txid", <-second, errs.EConflict, "txid")
	if got := commits(db) - c0; got != 1 {
		t.Errorf("the batch took %d commits, want 1", got)
	}

	// What the batch left.
	chaves, err := db.Chaves(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(chaves) != 1 || chaves[0].Chave != storetest.NewChave("kept", doc).Chave {
		t.Errorf("chaves %+v, want only the one not rolled back", chaves)
	}
	if _, err := db.Cob(ctx, doc, storetest.TxID(2)); !errs.Is(err, errs.ENotFound) {
		t.Errorf("charge of the rolled-back Tx: %v, want ENotFound", err)
	}
	cred, err := db.Credential(ctx, "client-1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if !slices.Contains(cred.Thumbprints, fmt.Sprintf("thumb-%d", i)) {
			t.Errorf("binding thumb-%d lost; thumbprints %v", i, cred.Thumbprints)
		}
	}
	// Counters: TxID(1) moved to CONCLUIDA once, TxID(3) created once.
	for status, want := range map[string]int{storetest.StatusAtiva: 1, storetest.StatusConcluida: 1} {
		_, n, err := db.ListCobs(ctx, pix.CobFilter{Documento: doc, Tipo: pix.TipoCobImediata, Status: status})
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s count = %d, want %d", status, n, want)
		}
	}
}

// TestGroupCommitPanicFailsAlone: a write that panics is undone, its caller
// gets the panic, and the writes of its batch commit.
func TestGroupCommitPanicFailsAlone(t *testing.T) {
	db, _ := openSQLite(t)
	ctx := t.Context()
	doc := storetest.CPF(3)
	c0 := commits(db)
	release := hold(t, db)
	a := queue(t, db, func() error {
		return db.CreateCob(ctx, storetest.NewCob(doc, storetest.TxID(1), pix.TipoCobImediata, storetest.T0))
	})
	panicked := make(chan any, 1)
	b := queue(t, db, func() error {
		defer func() { panicked <- recover() }()
		rec := storetest.NewCob(doc, storetest.TxID(2), pix.TipoCobImediata, storetest.T0)
		rec.NewLoc = storetest.NewLoc(doc, "tok-panic", pix.TipoCobImediata, storetest.T0)
		rec.BodyFor = func(*pix.Loc) ([]byte, error) { panic("boom") }
		return db.CreateCob(ctx, rec)
	})
	c := queue(t, db, func() error {
		return db.CreateCob(ctx, storetest.NewCob(doc, storetest.TxID(3), pix.TipoCobImediata, storetest.T0))
	})
	if err := release(); err != nil {
		t.Fatalf("holding Tx: %v", err)
	}
	if err := <-a; err != nil {
		t.Errorf("CreateCob before the panic: %v", err)
	}
	if err := <-c; err != nil {
		t.Errorf("CreateCob after the panic: %v", err)
	}
	<-b
	if v := <-panicked; v != "boom" {
		t.Errorf("panicking CreateCob: caller recovered %v, want the panic value", v)
	}
	if got := commits(db) - c0; got != 1 {
		t.Errorf("the batch took %d commits, want 1", got)
	}
	if _, err := db.Cob(ctx, doc, storetest.TxID(2)); !errs.Is(err, errs.ENotFound) {
		t.Errorf("charge of the panicking create: %v, want ENotFound", err)
	}
	if _, err := db.LocByToken(ctx, "tok-panic"); !errs.Is(err, errs.ENotFound) {
		t.Errorf("location of the panicking create: %v, want ENotFound", err)
	}
	if n := count(t, db, doc); n != 2 {
		t.Errorf("count = %d, want 2", n)
	}
	// The committer goes on.
	storetest.MustCreateCob(t, db, storetest.NewCob(doc, storetest.TxID(4), pix.TipoCobImediata, storetest.T0))
}

// TestGroupCommitCancelledBeforeStart: a write whose context ends while it
// waits in the queue returns the context's error at once and never runs.
func TestGroupCommitCancelledBeforeStart(t *testing.T) {
	db, _ := openSQLite(t)
	doc := storetest.CPF(4)
	release := hold(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	rec := storetest.NewCob(doc, storetest.TxID(1), pix.TipoCobImediata, storetest.T0)
	rec.NewLoc = storetest.NewLoc(doc, "tok-cancelled", pix.TipoCobImediata, storetest.T0)
	ran := false
	rec.BodyFor = func(*pix.Loc) ([]byte, error) { ran = true; return []byte("{}"), nil }
	done := queue(t, db, func() error { return db.CreateCob(ctx, rec) })
	txDone := queue(t, db, func() error {
		return db.Tx(ctx, func(*store.Tx) error { ran = true; return nil })
	})
	cancel()
	for what, ch := range map[string]<-chan error{"CreateCob": done, "Tx": txDone} {
		select {
		case err := <-ch:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s cancelled in the queue: got %v, want an error wrapping context.Canceled", what, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s still waiting 10 s after its context ended", what)
		}
	}
	if err := release(); err != nil {
		t.Fatalf("holding Tx: %v", err)
	}
	storetest.MustCreateRecebedor(t, db, storetest.NewRecebedor(doc)) // a write after them: they are gone
	if ran {
		t.Error("a cancelled write ran")
	}
	if _, err := db.Cob(t.Context(), doc, rec.TxID); !errs.Is(err, errs.ENotFound) {
		t.Errorf("charge of the cancelled create: %v, want ENotFound", err)
	}
	if _, err := db.LocByToken(t.Context(), "tok-cancelled"); !errs.Is(err, errs.ENotFound) {
		t.Errorf("location of the cancelled create: %v, want ENotFound", err)
	}
	if n := count(t, db, doc); n != 0 {
		t.Errorf("count = %d, want 0", n)
	}
	if n := store.QueuedWrites(db); n != 0 {
		t.Errorf("%d writes still queued", n)
	}
}

// TestGroupCommitLostTransaction: when the batch's transaction is lost
// midway (as after an I/O error), the writes run in it fail, none of them is
// stored, and the writes not run yet go on in a new transaction.
func TestGroupCommitLostTransaction(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error // what the breaking write returns after ending the transaction
	}{{"FailingWrite", errors.New("broke it")}, {"SucceedingWrite", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openSQLite(t)
			ctx := t.Context()
			release := hold(t, db)
			before := queue(t, db, func() error { return db.CreateRecebedor(ctx, storetest.NewRecebedor(storetest.CPF(1))) })
			breaker := queue(t, db, func() error {
				return store.RawWrite(ctx, db, func(exec func(string, ...any) error) error {
					if err := exec("ROLLBACK"); err != nil {
						return err
					}
					return tc.err
				})
			})
			after := queue(t, db, func() error { return db.CreateRecebedor(ctx, storetest.NewRecebedor(storetest.CPF(2))) })

			if err := release(); err == nil {
				t.Error("holding Tx, lost with its batch: no error")
			}
			if err := <-before; err == nil {
				t.Error("CreateRecebedor in the lost transaction: no error")
			}
			switch err := <-breaker; {
			case tc.err != nil && err != tc.err:
				t.Errorf("breaking write: got %v, want its own error", err)
			case tc.err == nil && err == nil:
				t.Error("breaking write: no error")
			}
			if err := <-after; err != nil {
				t.Errorf("CreateRecebedor after the lost transaction: %v", err)
			}
			if _, err := db.Recebedor(ctx, storetest.CPF(1)); !errs.Is(err, errs.ENotFound) {
				t.Errorf("recebedor of the lost transaction: %v, want ENotFound", err)
			}
			if _, err := db.Recebedor(ctx, storetest.CPF(2)); err != nil {
				t.Errorf("recebedor written after the lost transaction: %v", err)
			}
		})
	}
}

// TestGroupCommitCommitFails: when COMMIT fails, every write of the batch
// gets the error and nothing of it is stored; the store goes on.
func TestGroupCommitCommitFails(t *testing.T) {
	db, _ := openSQLite(t)
	ctx := t.Context()
	release := hold(t, db)
	a := queue(t, db, func() error { return db.CreateRecebedor(ctx, storetest.NewRecebedor(storetest.CPF(1))) })
	// A deferred foreign-key violation fails the COMMIT, not the statement.
	orphan := queue(t, db, func() error {
		return store.RawWrite(ctx, db, func(exec func(string, ...any) error) error {
			if err := exec("PRAGMA defer_foreign_keys = ON"); err != nil {
				return err
			}
			return exec(`INSERT INTO chaves (chave, tipo, documento, created_at) VALUES ('orphan', 'EVP', 'nobody', 0)`)
		})
	})
	b := queue(t, db, func() error { return db.CreateRecebedor(ctx, storetest.NewRecebedor(storetest.CPF(2))) })
	errTx := release()
	for what, err := range map[string]error{"holding Tx": errTx, "CreateRecebedor before": <-a, "orphan chave": <-orphan, "CreateRecebedor after": <-b} {
		if err == nil {
			t.Errorf("%s, in the batch whose COMMIT failed: no error", what)
		}
	}
	for _, doc := range []string{storetest.CPF(1), storetest.CPF(2)} {
		if _, err := db.Recebedor(ctx, doc); !errs.Is(err, errs.ENotFound) {
			t.Errorf("recebedor %s of the failed commit: %v, want ENotFound", doc, err)
		}
	}
	if _, err := db.Chave(ctx, "orphan"); !errs.Is(err, errs.ENotFound) {
		t.Errorf("orphan chave: %v, want ENotFound", err)
	}
	storetest.MustCreateRecebedor(t, db, storetest.NewRecebedor(storetest.CPF(3)))
}

// TestGroupCommitClose: Close carries out the writes already queued, waits
// for the committer to exit, and later writes fail.
func TestGroupCommitClose(t *testing.T) {
	db, path := openSQLite(t)
	ctx := t.Context()
	release := hold(t, db)
	var queued []<-chan error
	for i := range 5 {
		queued = append(queued, queue(t, db, func() error { return db.CreateRecebedor(ctx, storetest.NewRecebedor(storetest.CPF(i+1))) }))
	}
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a Tx was in progress", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := release(); err != nil {
		t.Errorf("holding Tx: %v", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	for i, ch := range queued {
		if err := <-ch; err != nil {
			t.Errorf("write %d queued before Close: %v", i, err)
		}
	}
	select {
	case <-store.CommitterExited(db):
	default:
		t.Error("committer still running after Close")
	}
	if err := db.CreateRecebedor(ctx, storetest.NewRecebedor(storetest.CPF(9))); err == nil {
		t.Error("CreateRecebedor after Close: no error")
	}
	if err := db.Tx(ctx, func(*store.Tx) error { return nil }); err == nil {
		t.Error("Tx after Close: no error")
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	db2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	for i := range 5 {
		if _, err := db2.Recebedor(ctx, storetest.CPF(i+1)); err != nil {
			t.Errorf("recebedor %d written before Close: %v", i+1, err)
		}
	}
}

// TestGroupCommitAcksAfterCommit: no write of a batch returns before its
// COMMIT has.
func TestGroupCommitAcksAfterCommit(t *testing.T) {
	db, _ := openSQLite(t)
	ctx := t.Context()
	inCommit, proceed := make(chan struct{}, 100), make(chan struct{})
	store.SetBeforeCommit(db, func() {
		inCommit <- struct{}{}
		<-proceed
	})
	var once sync.Once
	release := func() { once.Do(func() { close(proceed) }) }
	defer release() // let the committer go on if the test fails early
	var done []<-chan error
	for i := range 3 {
		ch := make(chan error, 1)
		go func() { ch <- db.CreateRecebedor(ctx, storetest.NewRecebedor(storetest.CPF(i+1))) }()
		done = append(done, ch)
	}
	<-inCommit // the first batch is about to commit
	for i, ch := range done {
		select {
		case err := <-ch:
			t.Fatalf("write %d returned (%v) before its batch committed", i, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	release() // this batch and any later one commit
	for i, ch := range done {
		if err := <-ch; err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	store.SetBeforeCommit(db, nil)
}
