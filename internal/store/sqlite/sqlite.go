// Package sqlite opens brasa's embedded database: a SQLite file in WAL mode
// through modernc.org/sqlite (pure Go, no cgo), with durable commits
// (synchronous=FULL: an acknowledged write survives kill -9), a single writer
// connection whose transactions begin IMMEDIATE, and a pool of read-only
// readers. Concurrent writes share transactions and their fsync (group
// commit: see [store.DialectConfig.GroupCommit]).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/brasa-dev/brasa/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Readers is the size of the read pool.
const Readers = 4

// pragmas apply to every connection. The driver runs busy_timeout first.
const pragmas = "_pragma=busy_timeout(5000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=synchronous(FULL)" +
	"&_pragma=foreign_keys(1)"

// writerPragmas apply to the writer connection only.
const writerPragmas = "&_pragma=temp_store(MEMORY)"

// Dialect returns SQLite's dialect for [store.New].
func Dialect() (store.Dialect, error) {
	migrations, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return store.Dialect{}, err
	}
	return store.NewDialect(store.DialectConfig{
		Name:                  "sqlite",
		Placeholder:           store.PlaceholderQuestion,
		Migrations:            migrations,
		IsUniqueViolation:     isUniqueViolation,
		IsForeignKeyViolation: isForeignKeyViolation,
		CacheStatements:       true,
		GroupCommit:           true,
	})
}

// Open opens (creating it and its directory, mode 0700, if missing) the
// SQLite database at path and applies the migrations.
func Open(ctx context.Context, path string) (*store.DB, error) {
	d, err := Dialect()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create database directory: %w", err)
	}

	// The writer opens first so that it, not a reader, switches a new file
	// to WAL; IMMEDIATE transactions take the write lock at BEGIN, so a
	// read-modify-write never fails to upgrade (even against another
	// process). Readers cannot write at all.
	// The database holds sealed keys and secret hashes: create it readable
	// by its owner only (SQLite gives the -wal and -shm files the same mode).
	if f, err := os.OpenFile(abs, os.O_RDONLY|os.O_CREATE, 0o600); err == nil {
		f.Close()
	}
	// The writer keeps its statement journals in memory: group commit runs
	// each write of a batch in a savepoint, whose journal would otherwise
	// spill to a temporary file past 64 KiB.
	writer, err := sql.Open("sqlite", DSN(abs)+"&_txlock=immediate"+writerPragmas)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}

	reader, err := sql.Open("sqlite", DSN(abs)+"&_query_only=1")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	reader.SetMaxOpenConns(Readers)
	reader.SetMaxIdleConns(Readers)
	reader.SetConnMaxIdleTime(0)
	reader.SetConnMaxLifetime(0)

	db := store.New(d, writer, reader)
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return db, nil
}

// DSN returns the data source name Open uses for the database file at the
// absolute path abs: a file: URI (so any character in the path is safe)
// carrying the connection pragmas.
func DSN(abs string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: pragmas}
	return u.String()
}

// isUniqueViolation reports whether err is SQLite's primary-key or unique
// constraint violation (extended result codes 1555 and 2067).
func isUniqueViolation(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// isForeignKeyViolation reports whether err is SQLite's foreign-key
// constraint violation (extended result code 787).
func isForeignKeyViolation(err error) bool {
	return code(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// code returns the extended result code of the *sqlite.Error in err's chain,
// or 0.
func code(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}
