// Package pgtest gives tests a PostgreSQL of their own: the DSN from
// BRASA_TEST_POSTGRES (the test skips with a message when it is unset, and
// fails instead when BRASA_REQUIRE_POSTGRES is set, as in CI) and a fresh
// schema per test, dropped when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// MustDSN returns the DSN in BRASA_TEST_POSTGRES, or skips tb.
func MustDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("BRASA_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("BRASA_REQUIRE_POSTGRES") != "" {
			tb.Fatal("BRASA_REQUIRE_POSTGRES is set but BRASA_TEST_POSTGRES is empty: CI must run the PostgreSQL suite")
		}
		tb.Skip("PostgreSQL tests skipped: set BRASA_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable to run them (.ci/run does)")
	}
	return dsn
}

// MustSchema creates an empty schema brasa_t_<random> in the database dsn,
// drops it (CASCADE) when tb ends, and returns dsn with that schema as its
// search_path.
func MustSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	b := make([]byte, 8)
	rand.Read(b)
	schema := "brasa_t_" + hex.EncodeToString(b)
	admin(tb, dsn, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() { admin(tb, dsn, "DROP SCHEMA "+schema+" CASCADE") })
	dsn = withParam(tb, dsn, "search_path", schema)
	if _, bench := tb.(*testing.B); !bench {
		// Tests do not crash the server, so they need not wait for each
		// commit's WAL flush; this halves the cost of migrating the
		// schema each test gets (~125 in the storage suite). Benchmarks
		// keep the server's durable default, as docs/BENCHMARKS.md states.
		dsn = withParam(tb, dsn, "synchronous_commit", "off")
	}
	return dsn
}

// admin runs one statement on a connection of its own.
func admin(tb testing.TB, dsn, stmt string) {
	tb.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), stmt); err != nil {
		tb.Fatalf("%s: %v", stmt, err)
	}
}

// withParam adds the runtime parameter name=value to dsn, a URL or a
// key=value string.
func withParam(tb testing.TB, dsn, name, value string) string {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " " + name + "=" + value
	}
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("BRASA_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}
