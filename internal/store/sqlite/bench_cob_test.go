package sqlite_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/storetest"
)

// BenchmarkListCobs measures GET /cob's store work with 10,000 and 1,000,000
// charges stored (see [storetest.BenchListCobs]). The data is built once
// into os.TempDir()/brasa-bench-cobs-v*-N.db, which later runs reuse (the
// million takes about a minute and 1 GB; delete the file to rebuild).
func BenchmarkListCobs(b *testing.B) {
	storetest.BenchListCobs(b, func(b *testing.B, n int) *store.DB {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("brasa-bench-cobs-v%d-%d.db", storetest.BenchDataVersion, n))
		if _, err := os.Stat(path); err == nil {
			db := MustOpen(b, path)
			if storetest.HasBenchCobs(b, db) {
				return db
			}
			db.Close()
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				b.Fatal(err)
			}
		}
		db := MustOpen(b, path)
		storetest.LoadBenchCobs(b, db, n)
		return db
	})
}

// BenchmarkCreateCob measures a durable PUT /cob (WAL, synchronous=FULL: one
// fsync per commit; see [storetest.BenchCreateCob]). Writes share the one
// writer connection; concurrent ones share commits (group commit), so
// Parallel and Clients16 measure how well batches amortize the fsync.
func BenchmarkCreateCob(b *testing.B) {
	storetest.BenchCreateCob(b, MustOpen(b, filepath.Join(b.TempDir(), "brasa.db")))
}
