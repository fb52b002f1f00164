package store

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
)

// migration is one schema change: the file NNNN_name.sql of an engine.
type migration struct {
	version int64
	name    string // file name, for errors
	sql     string
}

// loadMigrations reads the NNNN_name.sql files at the root of fsys, sorted by
// version. Other files are ignored; a malformed or repeated version is an
// error.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	var ms []migration
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %q is not named NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: path.Base(name), sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("store: no migrations")
	}
	slices.SortFunc(ms, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("store: migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	applied_at BIGINT NOT NULL
)`

// Migrate brings the schema up to date: it applies, in version order, each of
// the dialect's migrations that schema_migrations does not list, each in its
// own transaction together with its schema_migrations row. It is idempotent,
// and safe when several processes start at once on one database: on
// PostgreSQL every migration transaction first takes the dialect's advisory
// lock, then checks again whether the migration is applied; on SQLite write
// transactions begin IMMEDIATE, which does the same.
func (db *DB) Migrate(ctx context.Context) error {
	err := db.inTx(ctx, func(s *session) error {
		if err := s.lockMigrations(ctx); err != nil {
			return err
		}
		_, err := s.w.ExecContext(ctx, createMigrationsTable)
		return err
	})
	if err != nil {
		return errs.Wrap(errs.EInternal, err, "store: create schema_migrations")
	}
	for _, m := range db.sh.migrations {
		err := db.inTx(ctx, func(s *session) error {
			if err := s.lockMigrations(ctx); err != nil {
				return err
			}
			var n int
			err := s.w.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.version).Scan(&n)
			if err != nil || n > 0 {
				return err
			}
			if _, err := s.w.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err = s.w.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`),
				m.version, time.Now().UnixMicro())
			return err
		})
		if err != nil {
			return errs.Wrap(errs.EInternal, err, "store: apply migration "+m.name)
		}
	}
	return nil
}

// lockMigrations takes the dialect's migration lock, if it has one.
func (s *session) lockMigrations(ctx context.Context) error {
	if s.sh.migrationLock == "" {
		return nil
	}
	_, err := s.w.ExecContext(ctx, s.sh.migrationLock)
	return err
}
