package postgres_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/brasa-dev/brasa/internal/store/storetest"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/pixapi"
)

// killableStore is one process's view of the database: after kill, every
// call fails, as nothing more reaches the database from a dead process.
type killableStore struct {
	webhook.Store
	dead atomic.Bool
}

var errKilled = errors.New("process killed")

func (k *killableStore) Claim(ctx context.Context, req webhook.ClaimRequest) ([]webhook.Notification, error) {
	if k.dead.Load() {
		return nil, errKilled
	}
	return k.Store.Claim(ctx, req)
}

func (k *killableStore) Renew(ctx context.Context, claim string, ids []int64, until time.Time) ([]int64, error) {
	if k.dead.Load() {
		return nil, errKilled
	}
	return k.Store.Renew(ctx, claim, ids, until)
}

func (k *killableStore) Record(ctx context.Context, claim string, a *webhook.Attempt, next []webhook.Transition) error {
	if k.dead.Load() {
		return errKilled
	}
	return k.Store.Record(ctx, claim, a, next)
}

func (k *killableStore) Release(ctx context.Context, claim string, ids []int64) error {
	if k.dead.Load() {
		return errKilled
	}
	return k.Store.Release(ctx, claim, ids)
}

// post is one POST a leaseReceiver saw.
type post struct {
	pix        []string
	start, end time.Time
	status     int // 0: the connection closed before an answer
}

// leaseReceiver is a webhook receiver over mutual TLS that serves each POST
// with serve (200 at once when nil) and keeps every POST's Pix and timing.
type leaseReceiver struct {
	URL   string
	serve func(n int, r *http.Request) int // n counts POSTs from 1

	mu    sync.Mutex
	posts []post
}

func startLeaseReceiver(t *testing.T, w *storetest.WebhookTLS, serve func(n int, r *http.Request) int) *leaseReceiver {
	rc := &leaseReceiver{serve: serve}
	srv := httptest.NewUnstartedServer(rc)
	srv.TLS = pki.ServerTLSConfig(w.Server, tls.RequireAndVerifyClientCert, w.CA.Pool())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	rc.URL = srv.URL + "/hook"
	return rc
}

func (rc *leaseReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body pixapi.WebhookPixBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	p := post{start: time.Now()}
	for _, x := range body.Pix {
		p.pix = append(p.pix, x.EndToEndID)
	}
	rc.mu.Lock()
	rc.posts = append(rc.posts, p)
	n := len(rc.posts)
	rc.mu.Unlock()
	status := http.StatusOK
	if rc.serve != nil {
		status = rc.serve(n, r)
	}
	if r.Context().Err() != nil {
		status = 0
	}
	rc.mu.Lock()
	rc.posts[n-1].end, rc.posts[n-1].status = time.Now(), status
	rc.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
	}
}

func (rc *leaseReceiver) all() []post {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make([]post, len(rc.posts))
	copy(out, rc.posts)
	return out
}

// runDispatcher runs a dispatcher named name over s with opts (Store,
// TLSConfig, Log, URLPolicy and Name set here) until the returned stop is
// called or t ends.
func runDispatcher(t *testing.T, s webhook.Store, w *storetest.WebhookTLS, name string, opts webhook.Options) (*webhook.Dispatcher, func()) {
	t.Helper()
	opts.Store, opts.TLSConfig, opts.Name = s, w.ClientConfig(), name
	opts.Log = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})).With("dispatcher", name)
	opts.URLPolicy = webhook.URLPolicy{AllowLoopback: true, AllowAnyPort: true}
	d, err := webhook.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stop := sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run(%s): %v", name, err)
		}
	})
	t.Cleanup(stop)
	return d, stop
}

func mustNotification(t *testing.T, db *store.DB, id int64) webhook.Notification {
	t.Helper()
	all, _, err := db.Notifications(t.Context(), webhook.NotificationFilter{Limit: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range all {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("notification %d not found", id)
	return webhook.Notification{}
}

// TestWebhookDeadInstanceTakenOverWithinSeconds: instance A claims a
// notification and dies mid-POST (its receiver blocks; nothing is recorded
// or handed back), and instance B, on the same database with the default
// lease, delivers it within seconds, not the minute the old lease took.
func TestWebhookDeadInstanceTakenOverWithinSeconds(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	a := &killableStore{Store: MustOpen(t, dsn)}
	b := MustOpen(t, dsn)
	w := storetest.NewWebhookTLS(t)
	rc := startLeaseReceiver(t, w, func(n int, r *http.Request) int {
		if n == 1 {
			<-r.Context().Done() // A's POST: never answered
		}
		return http.StatusOK
	})
	n := storetest.MustNotification(t, storetest.CPF(1), rc.URL, 1, "chave", time.Now())
	if err := b.Enqueue(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	da, stopA := runDispatcher(t, a, w, "a", webhook.Options{})
	da.Notify()
	storetest.Eventually(t, "A's POST", func() bool { return len(rc.all()) == 1 })
	if got := mustNotification(t, b, n.ID); got.Claim == "" {
		t.Fatal("A POSTs a row it does not hold")
	}
	time.Sleep(webhook.DefaultLease) // A keeps its lease alive past the first one
	if got := mustNotification(t, b, n.ID); got.Claim == "" || got.Attempts != 0 || len(rc.all()) != 1 {
		t.Fatalf("after one lease: claim %q, %d attempts, %d POSTs; want A's POST still in flight", got.Claim, got.Attempts, len(rc.all()))
	}
	a.dead.Store(true) // A dies: nothing of it reaches the database
	stopA()
	died := time.Now()

	runDispatcher(t, b, w, "b", webhook.Options{})
	storetest.Eventually(t, "B's delivery", func() bool {
		return mustNotification(t, b, n.ID).Status == webhook.StatusDelivered
	})
	took := time.Since(died)
	if bound := webhook.DefaultLease + webhook.DefaultPoll + time.Second; took > bound {
		t.Errorf("B delivered %v after A died, want within %v (Lease + Poll + slack)", took, bound)
	}
	posts := rc.all()
	if len(posts) != 2 || posts[1].status != http.StatusOK {
		t.Fatalf("posts %+v: want A's, unanswered, then B's", posts)
	}
	if posts[1].start.Before(posts[0].end) {
		t.Errorf("B's POST began before A's ended")
	}
	t.Logf("A died at 0; B delivered at +%v", took.Round(time.Millisecond))
}

// TestWebhookSlowPOSTNotSentTwice: two live instances on one database; the
// receiver takes longer than two leases (less than the attempt timeout) to
// answer. The instance POSTing a notification renews its lease, so the
// other never sends it too. (The instances may split the three
// notifications between them: different rows may be in flight at once.)
func TestWebhookSlowPOSTNotSentTwice(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	a, b := MustOpen(t, dsn), MustOpen(t, dsn)
	w := storetest.NewWebhookTLS(t)
	const lease, slow = 2 * time.Second, 5 * time.Second
	rc := startLeaseReceiver(t, w, func(int, *http.Request) int {
		time.Sleep(slow)
		return http.StatusOK
	})
	opts := webhook.Options{Lease: lease, AttemptTimeout: 2 * slow, Poll: 50 * time.Millisecond}
	da, _ := runDispatcher(t, a, w, "a", opts)
	dbb, _ := runDispatcher(t, b, w, "b", opts)
	var ids []int64
	for i := range 3 {
		n := storetest.MustNotification(t, storetest.CPF(1), rc.URL, i, "chave", time.Now())
		if err := a.Enqueue(t.Context(), n); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n.ID)
	}
	da.Notify()
	dbb.Notify()
	storetest.Eventually(t, "the deliveries", func() bool {
		_, k, err := a.Notifications(t.Context(), webhook.NotificationFilter{Status: webhook.StatusDelivered})
		return err == nil && k == len(ids)
	})
	time.Sleep(2 * lease) // room for a duplicate to show
	seen := map[string]int{}
	for _, p := range rc.all() {
		for _, e2e := range p.pix {
			seen[e2e]++
		}
	}
	for i := range ids {
		if e2e := storetest.WebhookPix(i, "").EndToEndID; seen[e2e] != 1 {
			t.Errorf("%s POSTed %d times, want once", e2e, seen[e2e])
		}
	}
	for _, id := range ids {
		if got := mustNotification(t, a, id); got.Attempts != 1 {
			t.Errorf("notification %d: %d attempts, want 1", id, got.Attempts)
		}
	}
}
