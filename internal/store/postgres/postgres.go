// Package postgres opens brasa's scale-out database: PostgreSQL through pgx's
// database/sql driver. Any number of brasa processes may share one database;
// migrations serialize on an advisory lock, and read-modify-write
// transactions lock the rows they change.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/brasa-dev/brasa/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Pool sizes: enough for a small (2-core) brasa instance to keep the database
// busy without crowding its max_connections when several instances share it.
const (
	MaxOpenConns = 16
	MaxIdleConns = 16
)

// migrationLockKey is the pg_advisory_xact_lock key every brasa process takes
// while migrating: "brasa" in ASCII.
const migrationLockKey = 0x6272617361

// PostgreSQL error codes (SQLSTATE, Appendix A of its manual).
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// Dialect returns PostgreSQL's dialect for [store.New].
func Dialect() (store.Dialect, error) {
	migrations, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return store.Dialect{}, err
	}
	return store.NewDialect(store.DialectConfig{
		Name:                  "postgres",
		Placeholder:           store.PlaceholderDollar,
		Migrations:            migrations,
		IsUniqueViolation:     isUniqueViolation,
		IsForeignKeyViolation: isForeignKeyViolation,
		LockRows:              true,
		MigrationLock:         fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", migrationLockKey),
	})
}

// Open connects to the PostgreSQL database dsn (a postgres:// URL or
// key=value string, as pgx accepts; runtime parameters such as search_path
// may be given in it) and applies the migrations.
func Open(ctx context.Context, dsn string) (*store.DB, error) {
	d, err := Dialect()
	if err != nil {
		return nil, err
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool.SetMaxOpenConns(MaxOpenConns)
	pool.SetMaxIdleConns(MaxIdleConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pool.SetConnMaxLifetime(30 * time.Minute) // follow failovers and DNS changes
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	db := store.New(d, pool, pool)
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return db, nil
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool { return sqlState(err) == codeUniqueViolation }

// isForeignKeyViolation reports whether err is PostgreSQL's
// foreign_key_violation.
func isForeignKeyViolation(err error) bool { return sqlState(err) == codeForeignKeyViolation }

// sqlState returns the SQLSTATE of the *pgconn.PgError in err's chain, or "".
func sqlState(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
