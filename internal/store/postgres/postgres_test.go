package postgres_test

import (
	"database/sql"
	"os"
	"sync"
	"testing"

	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/postgres"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/brasa-dev/brasa/internal/store/storetest"
)

// MustOpen opens a store on the database dsn and closes it when tb ends.
func MustOpen(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db, err := postgres.Open(tb.Context(), dsn)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return MustOpen(t, pgtest.MustSchema(t, dsn))
	})
}

func TestEngine(t *testing.T) {
	db := MustOpen(t, pgtest.MustSchema(t, pgtest.MustDSN(t)))
	if got, want := db.Engine(), "postgres"; got != want {
		t.Fatalf("Engine() = %q, want %q", got, want)
	}
}

// TestConcurrentMigrate opens several stores on one fresh schema at once, as
// brasa processes starting together do: all succeed, and every migration is
// applied once.
func TestConcurrentMigrate(t *testing.T) {
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	const n = 4
	dbs := make([]*store.DB, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			db, err := postgres.Open(t.Context(), dsn)
			if err != nil {
				t.Errorf("Open %d: %v", i, err)
				return
			}
			dbs[i] = db
		})
	}
	wg.Wait()
	for _, db := range dbs {
		if db != nil {
			t.Cleanup(func() { db.Close() })
		}
	}
	if t.Failed() {
		return
	}

	files, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	check, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	var rows, distinct int
	err = check.QueryRowContext(t.Context(), "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations").Scan(&rows, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	if rows != len(files) || distinct != len(files) {
		t.Errorf("schema_migrations has %d rows (%d versions), want %d", rows, distinct, len(files))
	}
	// Each store works.
	for i, db := range dbs {
		r := storetest.NewRecebedor(storetest.CPF(i + 1))
		storetest.MustCreateRecebedor(t, db, r)
	}
}
