package store

import "context"

// Rebind exposes rebind to the black-box tests.
var Rebind = rebind

// Spans exposes spans to the black-box tests as (gran, from, to) triples.
func Spans(lo, hi int64) [][3]int64 {
	var out [][3]int64
	for _, sp := range spans(lo, hi) {
		out = append(out, [3]int64{sp.gran, sp.from, sp.to})
	}
	return out
}

// CountSlots exposes countSlots to the black-box tests.
func CountSlots(lo, hi int64) [7][3]int64 {
	var out [7][3]int64
	for i, sp := range countSlots(spans(lo, hi)) {
		out[i] = [3]int64{sp.gran, sp.from, sp.to}
	}
	return out
}

// GroupCommitStats returns how many transactions db's committer committed,
// how many writes they held, and the most one held; zeros without group
// commit.
func GroupCommitStats(db *DB) (commits, ops, maxBatch int64) {
	if db.gc == nil {
		return 0, 0, 0
	}
	return db.gc.commits.Load(), db.gc.ops.Load(), db.gc.maxBatch.Load()
}

// QueuedWrites returns how many writes wait for db's committer (abandoned
// ones included until it drops them).
func QueuedWrites(db *DB) int {
	db.gc.mu.Lock()
	defer db.gc.mu.Unlock()
	return len(db.gc.queue)
}

// CommitterExited is closed once db's committer goroutine has returned.
func CommitterExited(db *DB) <-chan struct{} { return db.gc.exited }

// RawWrite runs fn as one write of a batch, with exec running a statement in
// the batch's transaction: for tests that break the transaction on purpose.
func RawWrite(ctx context.Context, db *DB, fn func(exec func(query string, args ...any) error) error) error {
	return db.gc.do(ctx, func(s *session) error {
		return fn(func(query string, args ...any) error {
			_, err := s.w.ExecContext(ctx, query, args...)
			return err
		})
	})
}

// SetBeforeCommit makes db's committer call fn before each COMMIT. Call it
// while no write is in progress.
func SetBeforeCommit(db *DB, fn func()) {
	db.gc.mu.Lock() // orders the write before the committer's next batch
	db.gc.beforeCommit = fn
	db.gc.mu.Unlock()
}
