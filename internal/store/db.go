package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/brasa-dev/brasa/internal/errs"
)

// Placeholder is how an engine writes bind parameters.
type Placeholder uint8

// The placeholder styles. Queries are written once with '?' and rewritten for
// engines that number their parameters.
const (
	PlaceholderQuestion Placeholder = iota // ?, ?, ? (SQLite)
	PlaceholderDollar                      // $1, $2, $3 (PostgreSQL)
)

// DialectConfig is what an engine package tells [NewDialect] about its
// database.
type DialectConfig struct {
	// Name is the engine's name as [DB.Engine] reports it: "sqlite",
	// "postgres".
	Name string
	// Placeholder is the engine's bind-parameter style.
	Placeholder Placeholder
	// Migrations holds the engine's schema as files named NNNN_name.sql at
	// its root, applied in version order, each in its own transaction.
	Migrations fs.FS
	// IsUniqueViolation reports whether err is the engine's unique or
	// primary-key constraint violation, judged by its error code.
	IsUniqueViolation func(err error) bool
	// IsForeignKeyViolation reports whether err is the engine's foreign-key
	// constraint violation, judged by its error code.
	IsForeignKeyViolation func(err error) bool
	// CacheStatements makes the DB prepare each read query once on the
	// reader pool and reuse it, and likewise the hot write queries (see
	// [session.execHot]) on the writer pool, for engines whose driver
	// re-parses SQL on every call (modernc.org/sqlite). pgx caches prepared
	// statements itself.
	CacheStatements bool
	// LockRows makes read-modify-write transactions lock the rows they read
	// (SELECT ... FOR UPDATE). Engines whose write transactions are already
	// serialized (SQLite) leave it false.
	LockRows bool
	// MigrationLock, when set, is the first statement of every migration
	// transaction; it must block until no other process is migrating and
	// hold its lock until the transaction ends (PostgreSQL:
	// SELECT pg_advisory_xact_lock(n)).
	MigrationLock string
	// GroupCommit makes the DB run every write through one committer
	// goroutine that lets concurrent writes share a transaction and its
	// commit (see groupcommit.go): for engines with a single writer
	// connection whose commits cost an fsync (SQLite). The writer pool must
	// then have one connection, used by nothing else.
	GroupCommit bool
}

// Dialect is an engine's SQL flavour as the shared [DB] needs it: its name,
// placeholder style, error-code classification, migrations and locking. Build
// one with [NewDialect]; the zero Dialect is not usable.
type Dialect struct {
	name          string
	placeholder   Placeholder
	isUnique      func(error) bool
	isForeignKey  func(error) bool
	forUpdate     string // appended to SELECTs whose rows a transaction will update
	cacheStmts    bool
	groupCommit   bool
	migrationLock string
	migrations    []migration
}

// NewDialect checks cfg and returns the Dialect it describes. It reports an
// error if a field is missing or a migration file is misnamed.
func NewDialect(cfg DialectConfig) (Dialect, error) {
	if cfg.Name == "" || cfg.Migrations == nil || cfg.IsUniqueViolation == nil || cfg.IsForeignKeyViolation == nil {
		return Dialect{}, errors.New("store: dialect needs a name, migrations and both error classifiers")
	}
	if cfg.Placeholder != PlaceholderQuestion && cfg.Placeholder != PlaceholderDollar {
		return Dialect{}, fmt.Errorf("store: unknown placeholder style %d", cfg.Placeholder)
	}
	ms, err := loadMigrations(cfg.Migrations)
	if err != nil {
		return Dialect{}, err
	}
	d := Dialect{
		name:          cfg.Name,
		placeholder:   cfg.Placeholder,
		isUnique:      cfg.IsUniqueViolation,
		isForeignKey:  cfg.IsForeignKeyViolation,
		migrationLock: cfg.MigrationLock,
		migrations:    ms,
		cacheStmts:    cfg.CacheStatements,
		groupCommit:   cfg.GroupCommit,
	}
	if cfg.LockRows {
		d.forUpdate = " FOR UPDATE"
	}
	return d, nil
}

// DB is a [Store] over database/sql, shared by both engines. Writes and
// reads go to separate pools: on SQLite a single writer connection, on which
// one committer goroutine runs every write, letting concurrent writes share a
// transaction and its fsync (group commit, see groupcommit.go), and a pool of
// read-only readers; on PostgreSQL one pool serves both, and each write is a
// transaction of its own. Besides the [Store] methods it offers [DB.Tx] for
// several writes that must commit together.
type DB struct {
	session
	writer, reader *sql.DB
}

// Interface guard.
var _ Store = (*DB)(nil)

// New returns a DB over the writer and reader pools (which may be the same
// pool) speaking dialect d. It does not migrate: call [DB.Migrate]. The DB
// owns the pools; [DB.Close] closes them.
func New(d Dialect, writer, reader *sql.DB) *DB {
	sh := &shared{Dialect: d}
	var prep *sql.DB
	if d.cacheStmts {
		prep = reader
	}
	var gc *committer
	if d.groupCommit {
		gc = newCommitter(sh, writer)
	}
	return &DB{
		session: session{sh: sh, w: writer, r: reader, pool: writer, prep: prep, gc: gc},
		writer:  writer,
		reader:  reader,
	}
}

// Engine returns the name of the database engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.sh.name }

// Ping reports whether both pools answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return errs.Wrap(errs.EInternal, err, "store: ping")
	}
	if db.reader != db.writer {
		if err := db.reader.PingContext(ctx); err != nil {
			return errs.Wrap(errs.EInternal, err, "store: ping")
		}
	}
	return nil
}

// Close closes the pools. Reads in progress may fail. With group commit,
// writes already queued are carried out first (Close waits for them, and for
// a [DB.Tx] in progress to return), and later writes fail.
func (db *DB) Close() error {
	if db.gc != nil {
		db.gc.close()
	}
	var err error
	for _, m := range []*sync.Map{&db.sh.stmts, &db.sh.wstmts} {
		m.Range(func(k, v any) bool {
			err = errors.Join(err, v.(*sql.Stmt).Close())
			m.Delete(k)
			return true
		})
	}
	err = errors.Join(err, db.writer.Close())
	if db.reader != db.writer {
		err = errors.Join(err, db.reader.Close())
	}
	return err
}

// Tx runs fn in one write transaction and commits it if fn returns nil; if fn
// returns an error or panics, the transaction is rolled back and fn's error
// is returned as is. Inside fn use only tx, and not after fn returns: on
// SQLite the transaction holds the only writer connection, so a write
// through the DB would wait until its context ends. On PostgreSQL a failed
// statement aborts the transaction, so fn should return the first error it
// gets.
//
// With group commit (SQLite), fn runs in the caller's goroutine, inside a
// savepoint of a transaction it may share with concurrent writes: its
// rollback undoes only its own writes, and Tx returns nil only once the
// shared transaction has committed. A statement of tx runs to its end even
// if its context ends meanwhile (SQLite would roll back the shared
// transaction); a context that has ended fails the next statement.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.gc != nil {
		return db.gc.tx(ctx, fn)
	}
	return db.inTx(ctx, func(s *session) error { return fn(&Tx{session: *s}) })
}

// Tx is a write transaction begun by [DB.Tx]. It has every data method of
// [Store]; all of them read and write inside the transaction.
type Tx struct {
	session
}

// querier is what the queries need of a connection: *sql.DB and *sql.Tx
// both satisfy it.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ querier = (*sql.DB)(nil)
	_ querier = (*sql.Tx)(nil)
)

// shared is the per-DB state every session points to.
type shared struct {
	Dialect
	rebound sync.Map // query written with '?' -> query in the engine's style
	stmts   sync.Map // read query written with '?' -> *sql.Stmt on the reader pool
	wstmts  sync.Map // hot write query written with '?' -> *sql.Stmt on the writer pool
	wanted  sync.Map // hot write queries to prepare on the writer pool once it is free
}

// session carries out the Store methods over a writer and a reader. A DB's
// session uses the two pools; a Tx's session uses the transaction for both.
//
// A method that writes runs its statements through inTx (statements that must
// commit together) or write (the others), never on a DB session's w
// directly: with group commit, those run them in the committer's batch. (A
// statement on the writer pool itself would still be correct, waiting for the
// writer connection between batches, but would commit, and fsync, alone.)
type session struct {
	sh   *shared
	w, r querier
	pool *sql.DB    // where transactions begin; nil inside a transaction
	prep *sql.DB    // where read statements are prepared and cached; nil for none
	tx   *sql.Tx    // the transaction, in a transaction's session
	gc   *committer // runs the writes, in a DB's session with group commit
	// detached is set in a group-commit batch's session: statements run
	// detached from their caller's cancellation (see [detach]).
	detached bool
}

// ctx returns the context a statement of s runs with: ctx, or in a
// group-commit batch ctx detached from its cancellation.
func (s *session) ctx(ctx context.Context) context.Context {
	if s.detached {
		return detach(ctx)
	}
	return ctx
}

// q returns query in the engine's placeholder style.
func (s *session) q(query string) string {
	if s.sh.placeholder == PlaceholderQuestion {
		return query
	}
	if v, ok := s.sh.rebound.Load(query); ok {
		return v.(string)
	}
	v, _ := s.sh.rebound.LoadOrStore(query, rebind(query))
	return v.(string)
}

// readRow runs query, which returns at most one row, on the reader.
func (s *session) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, s.q(query), args...)
}

// read runs query on the reader.
func (s *session) read(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, s.q(query), args...)
}

// stmt returns the cached prepared statement for query, preparing it on
// first use. It returns nil when s caches no statements (the dialect does not
// ask for it, or s is a transaction's) or preparing failed; the caller then
// runs the query unprepared, which reports the failure.
func (s *session) stmt(ctx context.Context, query string) *sql.Stmt {
	if s.prep == nil {
		return nil
	}
	if v, ok := s.sh.stmts.Load(query); ok {
		return v.(*sql.Stmt)
	}
	st, err := s.prep.PrepareContext(ctx, s.q(query))
	if err != nil {
		return nil
	}
	if v, loaded := s.sh.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt)
	}
	return st
}

// execHot runs the write query on the writer from a statement prepared once,
// when the dialect caches statements: for the few fixed queries that every
// request runs (creating a charge), whose parsing would otherwise cost about
// as much as their execution on SQLite. Queries whose text varies without
// bound must use s.w instead.
//
// A statement can only be prepared on the writer pool while no transaction
// holds its connection (SQLite has one), so in a transaction a query not
// prepared yet runs unprepared, and is prepared after the transaction ends.
func (s *session) execHot(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = s.ctx(ctx)
	if st := s.hotStmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.w.ExecContext(ctx, s.q(query), args...)
}

// queryRowHot is execHot for a write returning one row (RETURNING).
func (s *session) queryRowHot(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = s.ctx(ctx)
	if st := s.hotStmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.w.QueryRowContext(ctx, s.q(query), args...)
}

// hotStmt returns the cached write statement of query (in a transaction's
// session, the transaction's handle on it), or nil when s caches no write
// statements or, in a transaction, the statement is not prepared yet (it is
// then asked for).
func (s *session) hotStmt(ctx context.Context, query string) *sql.Stmt {
	if !s.sh.cacheStmts {
		return nil
	}
	if s.tx == nil { // a DB's session: the statement runs on the writer pool
		if v, ok := s.sh.wstmts.Load(query); ok {
			return v.(*sql.Stmt)
		}
		st, err := s.pool.PrepareContext(ctx, s.q(query))
		if err != nil {
			return nil
		}
		if v, loaded := s.sh.wstmts.LoadOrStore(query, st); loaded {
			st.Close()
			return v.(*sql.Stmt)
		}
		return st
	}
	if v, ok := s.sh.wstmts.Load(query); ok {
		return s.tx.StmtContext(ctx, v.(*sql.Stmt))
	}
	s.sh.wanted.Store(query, struct{}{})
	return nil
}

// prepareWanted prepares on the writer pool the hot write queries asked for
// by execHot. It runs after a transaction, when the writer connection is
// free; a failure leaves the query unprepared (it runs unprepared, which
// reports any error).
func (s *session) prepareWanted(ctx context.Context) {
	if s.pool == nil {
		return
	}
	s.sh.prepareWanted(ctx, s.pool)
}

// prepareWanted is [session.prepareWanted] on the writer pool w.
func (sh *shared) prepareWanted(ctx context.Context, w *sql.DB) {
	if !sh.cacheStmts {
		return
	}
	sh.wanted.Range(func(k, _ any) bool {
		sh.wanted.Delete(k)
		query := k.(string)
		if _, ok := sh.wstmts.Load(query); ok {
			return true
		}
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		st, err := w.PrepareContext(pctx, (&session{sh: sh}).q(query))
		cancel()
		if err != nil {
			return true
		}
		if _, loaded := sh.wstmts.LoadOrStore(query, st); loaded {
			st.Close()
		}
		return true
	})
}

// rebind rewrites the '?' placeholders of query as $1, $2, ..., leaving
// quoted strings and identifiers alone.
func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// inTx runs fn in a write transaction, or in the current one when s is
// already inside a transaction. With group commit the transaction may be
// shared with concurrent writes: fn runs inside a savepoint of its own.
func (s *session) inTx(ctx context.Context, fn func(s *session) error) error {
	if s.pool == nil {
		return fn(s)
	}
	if s.gc != nil {
		return s.gc.do(ctx, fn)
	}
	tx, err := s.pool.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(err, "begin transaction", "", "")
	}
	done := false
	defer func() {
		if !done { // fn failed or panicked, or the commit failed
			_ = tx.Rollback()
		}
		s.prepareWanted(ctx)
	}()
	if err := fn(&session{sh: s.sh, w: tx, r: tx, tx: tx}); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return s.fail(err, "commit", "", "")
	}
	return nil
}

// write runs fn, a write of a single statement or of statements that need
// not commit together: with group commit as an op of a batch, otherwise
// directly (on the pool, each statement committing on its own, or in the
// current transaction).
func (s *session) write(ctx context.Context, fn func(s *session) error) error {
	if s.gc != nil {
		return s.gc.do(ctx, fn)
	}
	return fn(s)
}

// fail turns a driver error into an *errs.Error: EConflict with message
// conflict when err is a unique violation and conflict is set, ENotFound with
// message missing when err is a foreign-key violation and missing is set, and
// EInternal otherwise. An *errs.Error passes through unchanged.
func (s *session) fail(err error, op, conflict, missing string) error {
	if err == nil {
		return nil
	}
	if errs.As(err) != nil {
		return err
	}
	switch {
	case conflict != "" && s.sh.isUnique(err):
		return &errs.Error{Kind: errs.EConflict, Message: conflict, Err: err}
	case missing != "" && s.sh.isForeignKey(err):
		return &errs.Error{Kind: errs.ENotFound, Message: missing, Err: err}
	}
	return &errs.Error{Kind: errs.EInternal, Message: "store: " + op, Err: err}
}

// notFound returns an ENotFound error with message msg.
func notFound(msg string) error { return &errs.Error{Kind: errs.ENotFound, Message: msg} }

// Timestamps are BIGINT unix microseconds in UTC on both engines; the zero
// time is stored as 0.

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// Short lists (scopes, thumbprints, CIDRs) are one TEXT column holding their
// elements sorted, without duplicates, separated by single spaces.

// joinList returns the stored form of xs: sorted, deduplicated,
// space-separated. An element that is empty or holds white space cannot be
// stored this way and is reported as EInvalid.
func joinList(field string, xs []string) (string, error) {
	if len(xs) == 0 {
		return "", nil
	}
	for _, x := range xs {
		if x == "" || strings.ContainsFunc(x, unicode.IsSpace) {
			return "", &errs.Error{
				Kind:       errs.EInvalid,
				Message:    "store: list element is empty or contains white space",
				Violations: []errs.Violation{{Property: field, Reason: "empty or contains white space", Value: x}},
			}
		}
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return strings.Join(slices.Compact(xs), " "), nil
}

// splitList reverses joinList; the empty list is nil.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

// blob returns b for a NOT NULL binary column: drivers bind a nil slice as
// NULL.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// nilIfEmpty returns nil for an empty slice, so binary values read back the
// same way on both engines.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
