package webhook

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
)

// Defaults of [Options].
const (
	DefaultWorkers        = 8
	DefaultBatchSize      = 50
	DefaultDeadline       = 24 * time.Hour
	DefaultAttemptTimeout = 10 * time.Second
	DefaultPoll           = time.Second
	DefaultLease          = 6 * time.Second
	DefaultRenewInterval  = 2 * time.Second
)

// UserAgent is the User-Agent of every webhook POST.
const UserAgent = "brasa-webhook/1"

// drainLimit is how much of an answer body is read, past the excerpt, so
// that its connection can be reused; longer bodies close the connection.
const drainLimit = 64 << 10

// Options configures [New]. Store and one of Client or TLSConfig are
// required; zero fields take the documented defaults.
type Options struct {
	// Store is the outbox.
	Store Store

	// TLSConfig is the client side of the mutual TLS channel: brasa's
	// webhook client certificate in Certificates, and in RootCAs the system
	// roots plus the extra CAs configured (--webhook-ca; the sandbox adds
	// its own CA). Build it with pki.ClientTLSConfig(&webhookCert, roots)
	// where roots is x509.SystemCertPool() with the extra certificates
	// added (a nil RootCAs means the system roots alone). New builds an
	// HTTP/1.1 client on a copy of it, with keep-alive and
	// HTTPS_PROXY/NO_PROXY from the environment.
	TLSConfig *tls.Config
	// Client, instead of TLSConfig, is the HTTP client to POST with, used
	// as is except that redirects are never followed (New works on a
	// shallow copy). Tests pass one with a fake transport.
	Client *http.Client

	// Clock is the time rows are due, leased and recorded by. Default
	// clock.System.
	Clock clock.Clock
	// Log receives one line per failed attempt (Warn), per notification
	// given up (Error) and per delivery (Debug). Default: discard.
	Log *slog.Logger

	// Workers is the most POSTs in flight at once. Default 8.
	Workers int
	// BatchSize is the most Pix in one POST. Default 50.
	BatchSize int
	// Backoff is the retry schedule. Zero fields take its defaults.
	Backoff Backoff
	// Deadline is how long after its creation a notification whose own
	// Deadline is zero is retried. Default 24 h.
	Deadline time.Duration
	// AttemptTimeout bounds each POST, from dialing to the answer's
	// status line and excerpt. Default 10 s.
	AttemptTimeout time.Duration
	// Poll is how often the outbox is read when nothing nudges the
	// dispatcher: rows of other processes, leases run out, the sandbox
	// clock moved. [Dispatcher.Notify] and the dispatcher's own retries do
	// not wait for it. Default 1 s.
	Poll time.Duration
	// Lease is how long a claim, or its latest renewal, holds its rows:
	// a row whose holder died is claimed again by another dispatcher at
	// most Lease (plus that one's Poll) after the holder's last renewal.
	// While a batch's POST is in flight its lease is renewed every
	// RenewInterval, so the lease need not cover AttemptTimeout; it must
	// exceed twice RenewInterval. Default 6 s.
	Lease time.Duration
	// RenewInterval is how often the lease of a batch in flight is
	// renewed ([Store.Renew]); a failed renewal is retried four times as
	// often. A POST whose lease could not be renewed is cut short when
	// less than RenewInterval is left of the lease (the margin for clock
	// skew between processes), and one whose rows another claim took is
	// cut short at once, so that two live dispatchers never POST a row at
	// the same time. Default 2 s, or Lease/3 when that is less.
	RenewInterval time.Duration
	// URLPolicy is checked again before each POST; a notification whose
	// URL it refuses fails at once, without a POST.
	URLPolicy URLPolicy
	// Name identifies this dispatcher in claim tokens and logs (for
	// example the host name). Default: random.
	Name string
	// Rand returns uniform draws in [0, 1) for the jitter, and must be
	// safe for concurrent use. Default math/rand/v2.Float64.
	Rand func() float64
}

// Dispatcher delivers the outbox: it claims due notifications, POSTs them in
// batches over mutual TLS, and records every attempt. Create it with [New]
// and start it with [Dispatcher.Run]; [Dispatcher.Notify] may be called from
// any goroutine.
type Dispatcher struct {
	store   Store
	client  *http.Client
	clock   clock.Clock
	log     *slog.Logger
	workers int
	batch   int
	backoff Backoff
	// deadline, timeout, poll, lease and renew are the Options of those
	// names (renew: RenewInterval).
	deadline, timeout, poll, lease, renew time.Duration
	policy                                URLPolicy
	name                                  string
	rand                                  func() float64

	nudge   chan struct{} // Notify: claim now
	resched chan struct{} // a retry was scheduled: recompute the wait
	running atomic.Bool

	mu      sync.Mutex
	wake    time.Time // the earliest retry this dispatcher scheduled; zero if none
	wakeGen uint64    // counts updates of wake
}

// New returns a dispatcher configured by opts. It returns an error if
// opts.Store is nil, if neither or both of opts.Client and opts.TLSConfig
// are set, or if opts.Lease does not exceed twice opts.RenewInterval.
func New(opts Options) (*Dispatcher, error) {
	if opts.Store == nil {
		return nil, errors.New("webhook: new dispatcher: no store")
	}
	if (opts.Client == nil) == (opts.TLSConfig == nil) {
		return nil, errors.New("webhook: new dispatcher: set exactly one of Client and TLSConfig")
	}
	d := &Dispatcher{
		store:    opts.Store,
		clock:    opts.Clock,
		log:      opts.Log,
		workers:  positive(opts.Workers, DefaultWorkers),
		batch:    positive(opts.BatchSize, DefaultBatchSize),
		backoff:  opts.Backoff.withDefaults(),
		deadline: positive(opts.Deadline, DefaultDeadline),
		timeout:  positive(opts.AttemptTimeout, DefaultAttemptTimeout),
		poll:     positive(opts.Poll, DefaultPoll),
		lease:    positive(opts.Lease, DefaultLease),
		policy:   opts.URLPolicy,
		name:     opts.Name,
		rand:     opts.Rand,
		nudge:    make(chan struct{}, 1),
		resched:  make(chan struct{}, 1),
	}
	d.renew = positive(opts.RenewInterval, min(DefaultRenewInterval, d.lease/3))
	if d.renew <= 0 || d.lease <= 2*d.renew {
		return nil, fmt.Errorf("webhook: new dispatcher: lease %v must exceed twice the renewal interval %v", d.lease, d.renew)
	}
	if d.clock == nil {
		d.clock = clock.System
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.name == "" {
		d.name = strings.ToLower(rand.Text()[:8])
	}
	if d.rand == nil {
		d.rand = mrand.Float64
	}
	var c http.Client
	if opts.Client != nil {
		c = *opts.Client
	} else {
		c.Transport = newTransport(opts.TLSConfig, d.workers, opts.URLPolicy)
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	d.client = &c
	return d, nil
}

func positive[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// newTransport returns the transport of the webhook client: cfg (cloned)
// for TLS, and kept-alive connections, up to one per worker and receiver,
// so that a busy receiver costs one handshake per connection, not one per
// POST.
//
// It speaks HTTP/1.1 only. With TLS 1.3 a receiver that rejects brasa's
// client certificate says so in an alert after the client's side of the
// handshake is over; over HTTP/1.1 that alert is the error the attempt
// records ("remote error: tls: certificate required", "... unknown
// certificate authority"), which is what an integrator setting up mutual
// TLS needs to read, while HTTP/2 reports "client conn could not be
// established" or a connection reset. Webhook POSTs are small and gain
// little from multiplexing.
//
// brasa's certificate is presented whatever CAs the receiver's certificate
// request names (as curl and OpenSSL do): a receiver that does not list
// brasa's CA then rejects the certificate itself ("unknown certificate
// authority"), which says what is wrong, rather than receiving none
// ("certificate required").
//
// Every connection's resolved address is checked against policy
// ([URLPolicy.AllowLoopback], [URLPolicy.AllowPrivate]) before it is made,
// so a host name that resolves to an internal address is refused even
// though its URL passed the policy.
func newTransport(cfg *tls.Config, workers int, policy URLPolicy) *http.Transport {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	cfg = cfg.Clone()
	if len(cfg.Certificates) > 0 && cfg.GetClientCertificate == nil {
		cert := &cfg.Certificates[0]
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second,
			Control: func(network, address string, _ syscall.RawConn) error { return policy.checkDial(address) }}).DialContext,
		TLSClientConfig:       cfg,
		TLSHandshakeTimeout:   10 * time.Second,
		Protocols:             &protocols,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   workers,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Notify nudges the dispatcher to claim due notifications now rather than
// at its next poll. Call it after committing a transaction that enqueued a
// notification (and after moving the sandbox clock). It never blocks, and
// nudges that arrive while one is pending are merged.
func (d *Dispatcher) Notify() {
	select {
	case d.nudge <- struct{}{}:
	default:
	}
}

// Run delivers notifications until ctx ends: it claims due rows (as many
// as its idle workers can carry), groups them by recebedor, chave and
// webhook URL into batches of at most BatchSize, and POSTs each batch on a
// worker of its own. It claims again at once when nudged ([Dispatcher.Notify])
// or when a retry it scheduled falls due, and otherwise every Poll. Store
// errors are logged and retried at the next poll.
//
// When ctx ends, Run stops claiming, cuts the POSTs in flight short, hands
// back (Release) the rows it has not recorded, and returns nil once every
// worker has returned. A POST that was answered is still recorded. Run
// returns an error, at once, only if the dispatcher is already running.
func (d *Dispatcher) Run(ctx context.Context) error {
	if !d.running.CompareAndSwap(false, true) {
		return errors.New("webhook: dispatcher already running")
	}
	defer d.running.Store(false)

	sem := make(chan struct{}, d.workers) // one token per busy worker
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()

	for {
		// Claim only when a worker is idle, so that rows wait in the
		// outbox, claimable by other processes, rather than here.
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		limit := d.batch * (1 + cap(sem) - len(sem))
		now := d.clock.Now()
		gen := d.wakeGeneration()
		claim := d.name + "/" + rand.Text()
		rows, err := d.store.Claim(ctx, ClaimRequest{Claim: claim, Now: now, Until: now.Add(d.lease), Limit: limit})
		if err != nil {
			<-sem
			if ctx.Err() != nil {
				return nil
			}
			d.log.ErrorContext(ctx, "webhook: claiming due notifications", "err", err)
			if !sleep(ctx, d.poll) {
				return nil
			}
			continue
		}
		d.clearWake(gen, now)

		held := true // the token taken above, for the first batch
		batches := d.group(rows)
		for i, b := range batches {
			if !held {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					for _, rest := range batches[i:] {
						d.release(ctx, claim, rest, "shutting down")
					}
					return nil
				}
			}
			held = false
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				d.deliver(ctx, claim, b)
			}()
		}
		if held {
			<-sem
		}
		if len(rows) == limit {
			continue // more may be due
		}
		if !d.wait(ctx, timer) {
			return nil
		}
	}
}

// wait blocks until the dispatcher should claim again: a nudge, the
// earliest retry it scheduled, or the poll interval. It reports false when
// ctx ended.
func (d *Dispatcher) wait(ctx context.Context, timer *time.Timer) bool {
	pollAt := time.Now().Add(d.poll)
	for {
		dur := time.Until(pollAt)
		if w := d.wakeTime(); !w.IsZero() {
			dur = min(dur, w.Sub(d.clock.Now()))
		}
		if dur <= 0 {
			return true
		}
		timer.Reset(dur)
		select {
		case <-ctx.Done():
			return false
		case <-d.nudge:
			return true
		case <-timer.C:
			return true
		case <-d.resched:
		}
	}
}

// sleep waits for d or until ctx ends, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (d *Dispatcher) wakeGeneration() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.wakeGen
}

func (d *Dispatcher) wakeTime() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.wake
}

// scheduleWake makes the dispatcher claim again at t, a retry it scheduled.
func (d *Dispatcher) scheduleWake(t time.Time) {
	d.mu.Lock()
	if d.wake.IsZero() || t.Before(d.wake) {
		d.wake = t
		d.wakeGen++
	}
	d.mu.Unlock()
	select {
	case d.resched <- struct{}{}:
	default:
	}
}

// clearWake forgets the wake-up time once a claim at now has covered it,
// unless a retry was scheduled since the claim began (generation gen): its
// row may have been recorded after the claim read the outbox.
func (d *Dispatcher) clearWake(gen uint64, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.wakeGen == gen && !d.wake.IsZero() && !d.wake.After(now) {
		d.wake = time.Time{}
		d.wakeGen++
	}
}

// group splits claimed rows into batches: rows of one recebedor, chave and
// webhook URL, at most BatchSize each, in the order the rows were claimed
// (oldest due first); within a batch, by ID.
func (d *Dispatcher) group(rows []Notification) [][]Notification {
	type key struct{ documento, chave, url string }
	open := make(map[key]int)
	var batches [][]Notification
	for _, n := range rows {
		k := key{n.Documento, n.Chave, n.WebhookURL}
		i, ok := open[k]
		if !ok || len(batches[i]) == d.batch {
			i = len(batches)
			open[k] = i
			batches = append(batches, make([]Notification, 0, 1))
		}
		batches[i] = append(batches[i], n)
	}
	for _, b := range batches {
		slices.SortFunc(b, func(x, y Notification) int { return cmp.Compare(x.ID, y.ID) })
	}
	return batches
}

// deliver POSTs one batch and records the attempt, or hands the batch back
// if ctx ended. It first renews the batch's lease, dropping the rows another
// claim took since (they waited for a worker past their lease), and keeps
// renewing it until the attempt is recorded.
func (d *Dispatcher) deliver(ctx context.Context, claim string, rows []Notification) {
	now := d.clock.Now()
	until := now.Add(d.lease)
	held, err := d.renewLease(ctx, claim, rows, until)
	if err != nil {
		if ctx.Err() != nil {
			d.release(ctx, claim, rows, "shutting down")
			return
		}
		d.log.ErrorContext(ctx, "webhook: renewing the lease before a POST (the rows will be claimed again when the lease runs out)",
			"notifications", ids(rows), "err", err)
		return
	}
	if lost := len(rows) - len(held); lost > 0 {
		d.log.DebugContext(ctx, "webhook: rows claimed by another dispatcher before their POST", "notifications", ids(rows), "lost", lost)
		rows = held
	}
	if len(rows) == 0 {
		return
	}
	lctx, stop := d.keepLease(ctx, claim, ids(rows), until)
	defer stop()

	start := d.clock.Now()
	first := rows[0]
	a := &Attempt{
		NotificationIDs: ids(rows),
		Documento:       first.Documento,
		Chave:           first.Chave,
		At:              start,
		URL:             Target(first.WebhookURL),
	}
	if err := d.policy.Check(first.WebhookURL); err != nil {
		reason := err.Error()
		if e := errs.As(err); e != nil {
			reason = e.Message
		}
		a.Error = "not sent: webhook URL refused: " + reason
		d.finish(ctx, claim, a, rows, outcomeFailed)
		return
	}

	// A payload that is not JSON would spoil the whole body: fail those
	// rows alone and send the rest.
	var bad []Notification
	good := rows[:0:0]
	for _, n := range rows {
		if json.Valid(n.Payload) && bytes.HasPrefix(bytes.TrimSpace(n.Payload), []byte("{")) {
			good = append(good, n)
		} else {
			bad = append(bad, n)
		}
	}
	if len(bad) > 0 {
		b := *a
		b.NotificationIDs = ids(bad)
		b.Error = "not sent: stored payload is not a JSON object"
		d.finish(ctx, claim, &b, bad, outcomeFailed)
		if len(good) == 0 {
			return
		}
		rows = good
		a.NotificationIDs = ids(rows)
	}

	status, excerpt, latency, err := d.post(lctx, a.URL, body(rows))
	if err != nil && ctx.Err() != nil {
		// Cut short by shutdown, not by the receiver: not an attempt.
		d.release(ctx, claim, rows, "shutting down")
		return
	}
	a.StatusCode, a.Response, a.Latency = status, excerpt, latency
	switch {
	case err != nil && lctx.Err() != nil:
		// Cut short because the lease was lost or about to be: recorded
		// as a failed attempt (the receiver may have seen it), which
		// Record applies only to the rows still under claim.
		a.Error = "abandoned: " + context.Cause(lctx).Error()
	case err != nil:
		a.Error = describe(err, d.timeout)
	case status < 200 || status > 299:
		a.Error = "receiver answered " + strconv.Itoa(status)
		if t := http.StatusText(status); t != "" {
			a.Error += " " + t
		}
	}
	o := outcomeDelivered
	if a.Error != "" {
		o = outcomeRetry
	}
	d.finish(ctx, claim, a, rows, o)
}

type outcome uint8

const (
	outcomeDelivered outcome = iota
	outcomeRetry             // retry each row until its deadline
	outcomeFailed            // fail every row now
)

// finish records attempt a and the rows' new states: delivered, failed, or
// due again after the backoff. A row is retried while the attempt ended
// before its deadline, and never later than the deadline itself, so the
// last attempt happens at the deadline; every row gets at least one
// attempt, even when first claimed after its deadline.
func (d *Dispatcher) finish(ctx context.Context, claim string, a *Attempt, rows []Notification, o outcome) {
	end := d.clock.Now()
	next := make([]Transition, len(rows))
	var wake time.Time
	var failed []int64
	for i, n := range rows {
		t := Transition{ID: n.ID}
		switch o {
		case outcomeDelivered:
			t.Status = StatusDelivered
		case outcomeFailed:
			t.Status = StatusFailed
		default:
			deadline := n.Deadline
			if deadline.IsZero() {
				deadline = n.CreatedAt.Add(d.deadline)
			}
			if !end.Before(deadline) {
				t.Status = StatusFailed
				break
			}
			t.Status = StatusPending
			t.NextAttempt = end.Add(d.backoff.Delay(n.Attempts+1, d.rand()))
			if t.NextAttempt.After(deadline) {
				t.NextAttempt = deadline
			}
			if wake.IsZero() || t.NextAttempt.Before(wake) {
				wake = t.NextAttempt
			}
		}
		if t.Status == StatusFailed {
			failed = append(failed, n.ID)
		}
		next[i] = t
	}

	// Record even if ctx ended: the POST happened, and forgetting it
	// would send it again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.timeout)
	defer cancel()
	var err error
	for try := range 3 {
		if err = d.store.Record(rctx, claim, a, next); err == nil || rctx.Err() != nil {
			break
		}
		if !sleep(rctx, time.Duration(100<<try)*time.Millisecond) {
			break
		}
	}
	host := hostOf(a.URL)
	if err != nil {
		d.log.ErrorContext(ctx, "webhook: recording an attempt (its rows will be claimed again when the lease runs out)",
			"host", host, "notifications", a.NotificationIDs, "err", err)
		return
	}
	if !wake.IsZero() {
		d.scheduleWake(wake)
	}
	switch {
	case a.Error == "":
		d.log.DebugContext(ctx, "webhook: delivered", "host", host, "chave", a.Chave, "notifications", a.NotificationIDs,
			"status", a.StatusCode, "latency", a.Latency)
	default:
		d.log.WarnContext(ctx, "webhook: attempt failed", "host", host, "chave", a.Chave, "notifications", a.NotificationIDs,
			"status", a.StatusCode, "err", a.Error, "attempt", rows[0].Attempts+1)
	}
	if len(failed) > 0 {
		d.log.ErrorContext(ctx, "webhook: notifications given up", "host", host, "chave", a.Chave, "notifications", failed)
	}
}

// Errors that cut a POST short, as the attempt history shows them.
var (
	errLeaseLost     = errors.New("another dispatcher claimed the notifications")
	errLeaseExpiring = errors.New("the lease could not be renewed in time")
)

// renewLease renews the lease of rows under claim until until, and returns
// the rows still held.
func (d *Dispatcher) renewLease(ctx context.Context, claim string, rows []Notification, until time.Time) ([]Notification, error) {
	rctx, cancel := context.WithTimeout(ctx, d.renew)
	defer cancel()
	held, err := d.store.Renew(rctx, claim, ids(rows), until)
	if err != nil {
		return nil, err
	}
	if len(held) == len(rows) {
		return rows, nil
	}
	out := rows[:0:0]
	for _, n := range rows {
		if slices.Contains(held, n.ID) {
			n.ClaimedUntil = until
			out = append(out, n)
		}
	}
	return out, nil
}

// keepLease renews, every RenewInterval, the lease of the rows ids under
// claim, which holds until until, while an attempt runs. It returns a
// context for the attempt and a function that stops the renewals. The
// context is cancelled, with errLeaseLost as its cause, as soon as a
// renewal finds that another claim took one of the rows, and, with
// errLeaseExpiring, when less than RenewInterval is left of a lease that
// could not be renewed: the POST then stops before any other dispatcher
// can claim the rows and POST them.
func (d *Dispatcher) keepLease(ctx context.Context, claim string, ids []int64, until time.Time) (context.Context, func()) {
	lctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		timer := time.NewTimer(d.renew)
		defer timer.Stop()
		wait := d.renew
		for {
			// The POST must be over RenewInterval before the lease ends.
			left := until.Add(-d.renew).Sub(d.clock.Now())
			if left <= 0 {
				cancel(errLeaseExpiring)
				return
			}
			timer.Reset(min(wait, left))
			select {
			case <-done:
				return
			case <-lctx.Done():
				return
			case <-timer.C:
			}
			now := d.clock.Now()
			if !now.Before(until.Add(-d.renew)) {
				continue // the cut is due: the loop's top makes it
			}
			rctx, rcancel := context.WithTimeout(lctx, until.Add(-d.renew).Sub(now))
			held, err := d.store.Renew(rctx, claim, ids, now.Add(d.lease))
			rcancel()
			switch {
			case err != nil:
				if lctx.Err() == nil {
					d.log.WarnContext(ctx, "webhook: renewing the lease of a POST in flight", "notifications", ids, "err", err)
				}
				wait = max(d.renew/4, time.Millisecond)
			case len(held) < len(ids):
				cancel(errLeaseLost)
				return
			default:
				until, wait = now.Add(d.lease), d.renew
			}
		}
	})
	return lctx, func() {
		close(done)
		wg.Wait()
		cancel(nil)
	}
}

// release hands rows back to the outbox unsent.
func (d *Dispatcher) release(ctx context.Context, claim string, rows []Notification, why string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.timeout)
	defer cancel()
	if err := d.store.Release(rctx, claim, ids(rows)); err != nil {
		d.log.ErrorContext(ctx, "webhook: handing back claimed notifications (they will be claimed again when the lease runs out)",
			"why", why, "notifications", ids(rows), "err", err)
		return
	}
	d.log.DebugContext(ctx, "webhook: handed back claimed notifications", "why", why, "notifications", ids(rows))
}

// post POSTs payload to target within the attempt timeout. It returns the
// answer's status and body excerpt, and the latency.
func (d *Dispatcher) post(ctx context.Context, target string, payload []byte) (status int, excerpt string, latency time.Duration, err error) {
	actx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, target, bytes.NewReader(payload))
	if err != nil {
		return 0, "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	// Unique per attempt. Its presence lets net/http replay the request
	// on a fresh connection when a kept-alive one turns out closed, rather
	// than fail the attempt; a receiver that caches answers by this key
	// never sees it again on a later attempt.
	req.Header.Set("Idempotency-Key", rand.Text())
	begin := time.Now()
	resp, err := d.client.Do(req)
	latency = time.Since(begin)
	if err != nil {
		return 0, "", latency, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxResponseExcerpt))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	return resp.StatusCode, clip(b), latency, nil
}

// body returns {"pix":[payload, ...]}.
func body(rows []Notification) []byte {
	n := len(`{"pix":[]}`)
	for _, r := range rows {
		n += len(r.Payload) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"pix":[`...)
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, bytes.TrimSpace(r.Payload)...)
	}
	return append(b, "]}"...)
}

func ids(rows []Notification) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// describe returns the text of a failed POST for the attempt history and
// the logs: without the URL (which may carry a token in its query), and at
// most MaxResponseExcerpt bytes.
func describe(err error, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within " + timeout.String()
	}
	// A certificate that does not name the URL's host (seed 000 §10: the
	// receiver's certificate must carry its domain name) says so plainly;
	// crypto/tls's text alone reads like a generic TLS failure.
	var he x509.HostnameError
	if errors.As(err, &he) {
		return clip([]byte("receiver's certificate does not name the webhook URL's host " + he.Host +
			" (the certificate's subjectAltName must carry it): " + he.Error()))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	// net/http's name for where it noticed a connection failing says
	// nothing to an integrator.
	s := strings.TrimPrefix(err.Error(), "readLoopPeekFailLocked: ")
	return clip([]byte(s))
}

// clip returns b as valid UTF-8 of at most MaxResponseExcerpt bytes: a
// rune cut at the end is dropped, and each run of invalid bytes becomes
// one "?".
func clip(b []byte) string {
	if len(b) > MaxResponseExcerpt {
		b = b[:MaxResponseExcerpt]
	}
	if len(b) == MaxResponseExcerpt {
		i := len(b) - 1
		for i > 0 && len(b)-i < utf8.UTFMax && !utf8.RuneStart(b[i]) {
			i--
		}
		if !utf8.FullRune(b[i:]) {
			b = b[:i]
		}
	}
	return strings.ToValidUTF8(string(b), "?")
}

// hostOf returns the host of target for logs (the path and query may carry
// tokens).
func hostOf(target string) string {
	if u, err := url.Parse(target); err == nil {
		return u.Host
	}
	return ""
}
