package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"

	"github.com/brasa-dev/brasa/internal/errs"
)

// Group commit.
//
// A durable commit on SQLite (WAL, synchronous=FULL) costs an fsync, a few
// hundred microseconds, far more than the statements of a typical write
// (creating a charge). SQLite has one writer at a time anyway, so on engines
// whose dialect asks for it ([DialectConfig.GroupCommit]) the DB runs every
// write through one committer goroutine that owns the writer connection, and
// concurrent writes share a transaction and its fsync:
//
//   - A write (a Store method that writes, or [DB.Tx]) is queued as a
//     writeOp, and its caller waits for the result.
//   - The committer takes every op queued (up to maxBatchOps), begins one
//     transaction (BEGIN IMMEDIATE), and runs each op inside a savepoint of
//     its own: an op that fails is rolled back to its savepoint and fails
//     alone, with its own error, exactly as it would in a transaction of its
//     own; later ops see the effects of the earlier ones that succeeded (they
//     run in order, in one transaction), so conditional updates and
//     read-modify-writes stay correct. Ops queued while it runs join the
//     batch, until the queue is empty or the batch full; then it commits, and
//     only when COMMIT has returned does it tell each op's caller its result.
//     If COMMIT fails, every op of the batch fails with that error: nothing
//     was acknowledged.
//   - There is no waiting for a batch to fill: with nothing else queued a
//     batch is one op, so an idle store commits a write as soon as it comes.
//     Batches grow by themselves while a commit is in flight.
//   - A caller whose context ends while its op is still queued gets the
//     context's error at once, and its op never runs. Once the committer has
//     taken an op, the op runs to completion and its caller waits for it:
//     statements inside the batch run detached from the caller's
//     cancellation (see [session.ctx]), because SQLite rolls back the whole
//     transaction, other callers' writes included, when a write statement is
//     interrupted. A context that has ended still stops the op at its next
//     statement.
//   - If the transaction itself is lost (an I/O error or a full disk makes
//     SQLite roll it back), the ops already run in it fail, and the ops not
//     run yet go on in a new transaction.
//   - A panic in an op is recovered in the committer, the op is rolled back to
//     its savepoint, and the panic goes on in the op's caller, with its
//     value, as it would have without the committer; the rest of the batch
//     commits.
//   - [DB.Tx] runs the caller's function in the caller's goroutine: the
//     committer hands it the batch's transaction inside a savepoint and waits
//     until the function returns, panics or exits. So a Tx is batched like
//     any write, and user code never runs on the committer.
//   - [DB.Close] stops taking writes, lets the committer run the ops already
//     queued, and waits for it to exit.
//
// Engines with a pool of writers (PostgreSQL) do not use it: there, each
// write is its own transaction on a connection of its own, and concurrency
// comes from many connections committing at once.

// maxBatchOps bounds how many ops share one transaction, so that a batch's
// latency and its share of the write-ahead log stay small.
const maxBatchOps = 64

// The states of a writeOp: queued until the committer takes it (started) or
// its caller gives up waiting (abandoned).
const (
	opQueued int32 = iota
	opStarted
	opAbandoned
)

// writeOp is one write queued for the committer.
type writeOp struct {
	state atomic.Int32
	// fn is the write, run by the committer in the batch's transaction. It
	// must not call runtime.Goexit (as t.FailNow does), which would end the
	// committer; a panic is fine.
	fn func(s *session) error
	// start and ended hand the transaction to a caller that runs its write
	// itself (DB.Tx), and back; nil for ops that fn describes.
	start chan *session
	ended chan opResult
	// done receives the op's final result (buffered, so the committer never
	// waits for the caller).
	done chan opResult
	res  opResult // set by the committer while it runs the batch
}

// opResult is how an op ended: with err, or panicking with value.
type opResult struct {
	err      error
	panicked bool
	value    any
}

// committer runs the writes of a DB on its writer connection, in batches.
type committer struct {
	sh *shared
	db *sql.DB // the writer pool: one connection, used only by the committer

	mu     sync.Mutex
	queue  []*writeOp
	closed bool
	wake   chan struct{} // a token when ops were queued or the committer closed
	exited chan struct{} // closed when the committer goroutine returns

	// beforeCommit, when set (by tests), runs before each COMMIT.
	beforeCommit func()

	// Counters for tests and benchmarks.
	commits  atomic.Int64 // transactions committed
	ops      atomic.Int64 // ops in them (succeeded or not)
	maxBatch atomic.Int64 // most ops in one committed transaction
}

// newCommitter starts the committer of sh's writes on db.
func newCommitter(sh *shared, db *sql.DB) *committer {
	c := &committer{sh: sh, db: db, wake: make(chan struct{}, 1), exited: make(chan struct{})}
	go c.run()
	return c
}

// errClosed is what writes get once the DB is closed.
var errClosed = &errs.Error{Kind: errs.EInternal, Message: "store: database is closed"}

// enqueue queues o, unless the committer is closed.
func (c *committer) enqueue(o *writeOp) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errClosed
	}
	c.queue = append(c.queue, o)
	c.mu.Unlock()
	c.signal()
	return nil
}

// signal wakes the committer if it is waiting for ops.
func (c *committer) signal() {
	select {
	case c.wake <- struct{}{}:
	default: // a token is pending already
	}
}

// waitErr is the error of a write whose context ended before it started.
func waitErr(err error) error {
	return &errs.Error{Kind: errs.EInternal, Message: "store: wait for the writer", Err: err}
}

// abandon marks o abandoned if the committer has not taken it yet, and
// reports whether it did.
func (o *writeOp) abandon() bool { return o.state.CompareAndSwap(opQueued, opAbandoned) }

// do runs fn as one op of a batch and returns its error. If fn panicked, do
// panics in the caller's goroutine with the same value.
func (c *committer) do(ctx context.Context, fn func(s *session) error) error {
	if err := ctx.Err(); err != nil {
		return waitErr(err)
	}
	o := &writeOp{fn: fn, done: make(chan opResult, 1)}
	if err := c.enqueue(o); err != nil {
		return err
	}
	var r opResult
	select {
	case r = <-o.done:
	case <-ctx.Done():
		if o.abandon() {
			return waitErr(ctx.Err())
		}
		r = <-o.done // started: it runs to completion
	}
	if r.panicked {
		panic(r.value)
	}
	return r.err
}

// tx runs fn in the caller's goroutine inside a batch: see [DB.Tx].
func (c *committer) tx(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return waitErr(err)
	}
	o := &writeOp{
		start: make(chan *session, 1),
		ended: make(chan opResult, 1),
		done:  make(chan opResult, 1),
	}
	if err := c.enqueue(o); err != nil {
		return err
	}
	var s *session
	select {
	case s = <-o.start:
	case r := <-o.done: // the batch failed before it reached o
		return r.err
	case <-ctx.Done():
		if o.abandon() {
			return waitErr(ctx.Err())
		}
		select {
		case s = <-o.start:
		case r := <-o.done:
			return r.err
		}
	}

	// The committer waits until fn is done with the transaction: tell it
	// however fn ends (a panic or runtime.Goexit included, which go on once
	// the committer knows).
	returned := false
	defer func() {
		if !returned {
			o.ended <- opResult{panicked: true}
		}
	}()
	err := fn(&Tx{session: *s})
	returned = true
	o.ended <- opResult{err: err}
	if err != nil {
		return err // rolled back to its savepoint: nothing to wait for
	}
	return (<-o.done).err
}

// close stops taking ops, lets the committer finish the queued ones, and
// waits for it to exit. Calling it again only waits.
func (c *committer) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.signal()
	<-c.exited
}

// run is the committer goroutine.
func (c *committer) run() {
	defer close(c.exited)
	var carry []*writeOp
	for {
		ops := carry
		if len(ops) == 0 {
			if ops = c.next(); ops == nil {
				return
			}
		}
		carry = c.batch(ops)
	}
}

// next waits for queued ops and takes them (up to maxBatchOps); it returns
// nil once the committer is closed and its queue empty.
func (c *committer) next() []*writeOp {
	for {
		c.mu.Lock()
		ops := c.takeLocked(maxBatchOps)
		done := c.closed && len(c.queue) == 0
		c.mu.Unlock()
		if len(ops) > 0 {
			return ops
		}
		if done {
			return nil
		}
		<-c.wake
	}
}

// take takes up to n queued ops without waiting.
func (c *committer) take(n int) []*writeOp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.takeLocked(n)
}

// takeLocked removes up to n ops from the head of the queue and marks them
// started, dropping the abandoned ones. c.mu must be held.
func (c *committer) takeLocked(n int) []*writeOp {
	var ops []*writeOp
	i := 0
	for ; i < len(c.queue) && len(ops) < n; i++ {
		if o := c.queue[i]; o.state.CompareAndSwap(opQueued, opStarted) {
			ops = append(ops, o)
		}
	}
	k := copy(c.queue, c.queue[i:])
	clear(c.queue[k:])
	c.queue = c.queue[:k]
	return ops
}

// batch runs ops, and any taken while it runs, in one transaction and
// commits it, then tells each op's caller its result. If the transaction is
// lost midway, the ops run in it fail and batch returns those of ops not run
// yet, for a new transaction.
func (c *committer) batch(ops []*writeOp) (carry []*writeOp) {
	// The batch outlives every caller's context: it begins with none.
	tx, err := c.db.BeginTx(context.Background(), nil)
	if err != nil {
		err = &errs.Error{Kind: errs.EInternal, Message: "store: begin transaction", Err: err}
		for _, o := range ops {
			o.done <- opResult{err: err}
		}
		return nil
	}
	s := &session{sh: c.sh, w: detachedTx{tx}, r: detachedTx{tx}, tx: tx, detached: true}
	ran := make([]*writeOp, 0, len(ops))
	for len(ops) > 0 {
		for i, o := range ops {
			ran = append(ran, o)
			if !c.runOp(s, o) {
				_ = tx.Rollback()
				lost := &errs.Error{Kind: errs.EInternal, Message: "store: transaction lost", Err: o.res.err}
				for _, r := range ran[:len(ran)-1] {
					if r.res.err == nil && !r.res.panicked {
						r.res = opResult{err: lost}
					}
				}
				c.deliver(ran)
				return ops[i+1:]
			}
		}
		if len(ran) >= maxBatchOps {
			break
		}
		ops = c.take(maxBatchOps - len(ran))
	}

	if c.beforeCommit != nil {
		c.beforeCommit()
	}
	if err := tx.Commit(); err != nil {
		// (modernc.org/sqlite rolls back a transaction whose COMMIT failed,
		// so the next batch can begin.)
		err = &errs.Error{Kind: errs.EInternal, Message: "store: commit", Err: err}
		for _, o := range ran {
			if !o.res.panicked { // a panic goes on in its caller regardless
				o.res = opResult{err: err}
			}
		}
	} else {
		c.commits.Add(1)
		c.ops.Add(int64(len(ran)))
		for n := int64(len(ran)); ; {
			m := c.maxBatch.Load()
			if n <= m || c.maxBatch.CompareAndSwap(m, n) {
				break
			}
		}
	}
	c.deliver(ran)
	c.sh.prepareWanted(context.Background(), c.db)
	return nil
}

// deliver sends each op its result.
func (c *committer) deliver(ops []*writeOp) {
	for _, o := range ops {
		o.done <- o.res
	}
}

// The statements that delimit an op inside the batch's transaction.
const (
	spBegin    = "SAVEPOINT op"
	spRollback = "ROLLBACK TO op"
	spRelease  = "RELEASE op"
)

// runOp runs o inside a savepoint of s's transaction, sets o.res, and
// reports whether the transaction is still usable. A failed (or panicking)
// op is rolled back to its savepoint; if that fails, the transaction is
// lost.
func (c *committer) runOp(s *session, o *writeOp) bool {
	bg := context.Background()
	if _, err := s.execHot(bg, spBegin); err != nil {
		o.res = opResult{err: s.fail(err, "savepoint", "", "")}
		return false
	}
	o.res = c.call(s, o)
	if o.res.err == nil && !o.res.panicked {
		if _, err := s.execHot(bg, spRelease); err != nil {
			o.res = opResult{err: s.fail(err, "release savepoint", "", "")}
			return false
		}
		return true
	}
	if _, err := s.execHot(bg, spRollback); err != nil {
		return false // o keeps its own error
	}
	_, err := s.execHot(bg, spRelease)
	return err == nil
}

// call runs o's write: fn on the committer, recovering a panic, or the
// caller's own function, by handing it the transaction.
func (c *committer) call(s *session, o *writeOp) (res opResult) {
	if o.start != nil {
		o.start <- s
		return <-o.ended
	}
	returned := false
	defer func() {
		if !returned {
			res = opResult{panicked: true, value: recover()}
		}
	}()
	err := o.fn(s)
	returned = true
	return opResult{err: err}
}

// detachedTx is a batch's transaction as its sessions query it: a statement
// runs detached from its caller's cancellation (see [session.ctx]).
type detachedTx struct{ tx *sql.Tx }

func (d detachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.tx.ExecContext(detach(ctx), query, args...)
}

func (d detachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.tx.QueryContext(detach(ctx), query, args...)
}

func (d detachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.tx.QueryRowContext(detach(ctx), query, args...)
}

// detach returns ctx without its cancellation if it has not ended, and ctx
// itself if it has (database/sql then fails the statement before the driver
// sees it). A statement under way then runs to its end even if ctx ends:
// SQLite answers an interrupted write by rolling back the whole transaction.
func detach(ctx context.Context) context.Context {
	if ctx.Err() != nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}
