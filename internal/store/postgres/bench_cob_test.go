package postgres_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/brasa-dev/brasa/internal/store/storetest"
)

// BenchmarkListCobs measures GET /cob's store work on PostgreSQL with 10,000
// and 1,000,000 charges stored (see [storetest.BenchListCobs]); it needs
// BRASA_TEST_POSTGRES. The data is built once into the schema
// brasa_bench_cobs_v*_N of that database, which later runs reuse (the million
// takes a few minutes and about 1.5 GB; DROP SCHEMA ... CASCADE to rebuild).
func BenchmarkListCobs(b *testing.B) {
	dsn := pgtest.MustDSN(b)
	storetest.BenchListCobs(b, func(b *testing.B, n int) *store.DB {
		schema := fmt.Sprintf("brasa_bench_cobs_v%d_%d", storetest.BenchDataVersion, n)
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.ExecContext(b.Context(), "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
			b.Fatal(err)
		}
		db := MustOpen(b, withSearchPath(b, dsn, schema))
		if storetest.HasBenchCobs(b, db) {
			return db
		}
		// An earlier build did not finish: start over.
		db.Close()
		if _, err := admin.ExecContext(b.Context(), "DROP SCHEMA "+schema+" CASCADE; CREATE SCHEMA "+schema); err != nil {
			b.Fatal(err)
		}
		db = MustOpen(b, withSearchPath(b, dsn, schema))
		storetest.LoadBenchCobs(b, db, n)
		if _, err := admin.ExecContext(b.Context(), "VACUUM ANALYZE "+schema+".cobs, "+schema+".cob_revisoes, "+schema+".cob_counts"); err != nil {
			b.Fatal(err)
		}
		return db
	})
}

// BenchmarkCreateCob measures a PUT /cob on PostgreSQL (see
// [storetest.BenchCreateCob]); it needs BRASA_TEST_POSTGRES.
func BenchmarkCreateCob(b *testing.B) {
	storetest.BenchCreateCob(b, MustOpen(b, pgtest.MustSchema(b, pgtest.MustDSN(b))))
}

// withSearchPath adds the runtime parameter search_path=schema to dsn, a URL
// or a key=value string.
func withSearchPath(tb testing.TB, dsn, schema string) string {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("BRASA_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
