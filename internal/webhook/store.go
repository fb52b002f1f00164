package webhook

import (
	"context"
	"time"
)

// Outbox is the write side of the notification outbox that the domain's
// transactions use: the store's transaction type implements it, so that a
// notification is written if and only if the state change that causes it
// commits.
type Outbox interface {
	// Enqueue stores n as a new notification and sets n.ID, which is
	// greater than every ID assigned before (within one database). Every
	// field is stored as given except ID, Claim and ClaimedUntil (a new
	// row is never claimed); n.Status is normally [StatusPending] with
	// n.NextAttempt = n.CreatedAt (see [NewNotification]). Enqueue does
	// not deduplicate: a state change enqueues once because it commits
	// once.
	Enqueue(ctx context.Context, n *Notification) error

	// Retarget points every pending notification of the chave chave of
	// the recebedor documento at webhookURL, and makes those not due yet
	// due at now (NextAttempt = min(NextAttempt, now)), so that an
	// integrator who fixes their webhook during an outage hears at once.
	// It returns how many notifications changed. Delivered and failed
	// notifications are history and keep their URL. A claimed notification
	// is retargeted too, but keeps its claim: the POST in flight goes to
	// the old URL, and the next attempt, if any, to webhookURL (Record
	// never writes the URL). Call it in the transaction of PUT
	// /webhook/{chave} when the URL changes.
	Retarget(ctx context.Context, documento, chave, webhookURL string, now time.Time) (int, error)
}

// ClaimRequest asks [Store.Claim] for due notifications.
type ClaimRequest struct {
	// Claim is the token the rows are leased to: unique per call, across
	// processes and restarts (the dispatcher draws a random one).
	Claim string
	// Now is the dispatcher's clock: rows with NextAttempt <= Now are due.
	Now time.Time
	// Until is when the lease runs out (after Now).
	Until time.Time
	// Limit is the most rows returned (at least 1).
	Limit int
}

// Transition is the state [Store.Record] gives one notification after an
// attempt.
type Transition struct {
	ID int64
	// Status is the new status: [StatusPending] to retry at NextAttempt,
	// [StatusDelivered] or [StatusFailed].
	Status Status
	// NextAttempt is when a pending notification is due again; ignored
	// otherwise.
	NextAttempt time.Time
}

// NotificationFilter selects notifications for [Store.Notifications]. Empty
// fields do not filter; Inicio and Fim bound CreatedAt, both inclusive.
type NotificationFilter struct {
	Documento     string
	Chave         string
	EndToEndID    string
	Status        Status
	Inicio, Fim   time.Time
	Offset, Limit int
}

// AttemptFilter selects attempts for [Store.Attempts]. Empty fields do not
// filter; Inicio and Fim bound At, both inclusive.
type AttemptFilter struct {
	Documento string
	Chave     string
	// NotificationID selects the attempts that covered this notification.
	NotificationID int64
	Inicio, Fim    time.Time
	Offset, Limit  int
}

// Store is what a [Dispatcher] needs of the outbox, plus the listings of
// the delivery history (GET /sandbox/v1/webhook-deliveries, the portal).
//
// # Guarantees
//
// Implementations must give, on every engine and with any number of
// processes sharing the database:
//
//   - Exclusive leases. A row is returned by [Store.Claim] to one claim at a
//     time: between a Claim that returns it with ClaimedUntil = u and time u
//     (on the callers' clock), no other Claim returns it, unless the holder
//     gave it up through Record or Release. Claim is a single atomic
//     statement or transaction: on PostgreSQL, an UPDATE of the rows picked
//     by a subquery with FOR UPDATE SKIP LOCKED (so that concurrent claims
//     skip each other's rows rather than wait for them or double-claim);
//     on SQLite, the same UPDATE ... WHERE id IN (SELECT ... LIMIT n)
//     RETURNING, which the single writer makes atomic.
//   - Claims are fenced by their token. [Store.Record], [Store.Renew] and
//     [Store.Release] change a row only while it is pending and still holds
//     the caller's claim token, so a dispatcher whose lease ran out and was taken over
//     can never overwrite the new holder's state or undo a delivery. A
//     lease that ran out but was not taken over is still the holder's.
//   - Atomic outcomes. Record writes the attempt and every row's new state
//     in one transaction: after a crash either both are there or neither.
//   - Nothing is lost. A row leaves the pending status only through Record.
//     A row whose holder dies is claimed again once its lease runs out, so
//     delivery is at least once: it may be POSTed again if its holder died
//     (or its lease ran out) after the POST and before Record.
//
// The store never reads a clock of its own: every time comes from the
// caller (the dispatcher's clock, which the sandbox moves), so all processes
// sharing a database must share a clock (the system clock in production).
// Times come back as stored, normalized as the store package does (UTC,
// truncated to the microsecond).
//
// A suggested schema: webhook_notification(id, documento, chave,
// webhook_url, kind, end_to_end_id, payload, created_at, next_attempt,
// attempts, deadline, status, delivered_at, claim, claimed_until) with an
// index on (next_attempt, id) for pending rows and one on (documento,
// created_at, id); webhook_attempt(id, documento, chave, at, url,
// status_code, latency_us, error, response) with an index on (documento,
// at, id); webhook_attempt_notification(attempt_id, notification_id, pos)
// with an index on notification_id. Package webhooktest has an in-memory
// implementation and the conformance suite (webhooktest.Run) every engine
// must pass.
type Store interface {
	// Claim leases to req.Claim, until req.Until, up to req.Limit
	// notifications that are due: status pending, NextAttempt <= req.Now,
	// and not under a live lease (no claim, or ClaimedUntil <= req.Now).
	// It picks them in the order of NextAttempt then ID, sets their Claim
	// and ClaimedUntil, and returns them in that order with those fields
	// set (UPDATE ... RETURNING does not keep the subquery's order: sort
	// the result); none is an empty (nil) slice. Rows locked by a
	// concurrent Claim are skipped, not waited for.
	Claim(ctx context.Context, req ClaimRequest) ([]Notification, error)

	// Record stores a, assigning a.ID (increasing), and applies next in the
	// same transaction: each row listed there whose status is pending and
	// whose Claim is still claim gets Attempts + 1, the transition's
	// Status (and NextAttempt when pending; DeliveredAt = a.At when
	// delivered), and its claim cleared (Claim "", ClaimedUntil zero).
	// Rows whose claim no longer matches are left unchanged, but the
	// attempt is stored all the same: it happened. A claim of "" matches
	// no row (next is then ignored: the attempt is history only). The
	// attempt is linked to a.NotificationIDs, in order.
	Record(ctx context.Context, claim string, a *Attempt, next []Transition) error

	// Renew extends to until the lease of the rows ids that are pending and
	// still hold claim, and returns their IDs (in any order; none is an
	// empty slice), leaving every other row unchanged. A row whose lease ran
	// out but that no other Claim took is still claim's and is renewed; a
	// row claimed since by another token, released, recorded or final is
	// not. The dispatcher calls it while a POST is in flight (a heartbeat),
	// so that its leases can be short: a dead holder's rows are claimable
	// again soon, a live holder's never. A claim of "" matches no row.
	Renew(ctx context.Context, claim string, ids []int64, until time.Time) ([]int64, error)

	// Release clears the claim of the rows ids that are pending and still
	// hold claim, leaving everything else as it was (Attempts and
	// NextAttempt included), so they can be claimed again at once (a
	// dispatcher shutting down hands back what it did not send). Rows that
	// do not match are ignored; a claim of "" matches none.
	Release(ctx context.Context, claim string, ids []int64) error

	// Notifications returns the page [f.Offset, f.Offset+f.Limit) of the
	// notifications matching f, ordered by CreatedAt then ID, and the
	// number of all matching notifications. A Limit of 0 or less asks for
	// the count only.
	Notifications(ctx context.Context, f NotificationFilter) ([]Notification, int, error)

	// Attempts returns the page [f.Offset, f.Offset+f.Limit) of the
	// attempts matching f, ordered by At then ID, and the number of all
	// matching attempts. A Limit of 0 or less asks for the count only.
	Attempts(ctx context.Context, f AttemptFilter) ([]Attempt, int, error)
}
