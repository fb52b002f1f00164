package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/brasa-dev/brasa/internal/store/storetest"
	"github.com/brasa-dev/brasa/internal/webhook"
)

// TestWebhook runs the webhook outbox suite (webhooktest.Run) and the
// store's webhook tests (transactions, a real dispatcher over mutual TLS)
// on PostgreSQL.
func TestWebhook(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	storetest.RunWebhook(t, func(t *testing.T) *store.DB {
		return MustOpen(t, pgtest.MustSchema(t, dsn))
	})
}

// TestWebhookClaimAcrossProcesses claims one outbox from several stores at
// once, each with a pool of its own (as brasa processes sharing a database
// do): FOR UPDATE SKIP LOCKED never hands a row to two claims, and every
// row is claimed.
func TestWebhookClaimAcrossProcesses(t *testing.T) {
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	const handles, workers, rows = 4, 3, 400
	dbs := make([]*store.DB, handles)
	for i := range dbs {
		dbs[i] = MustOpen(t, dsn)
	}
	t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	for i := range rows {
		n := storetest.MustNotification(t, storetest.CPF(1), "https://hook.example/pix", i, fmt.Sprint("k", i%5), t0)
		if err := dbs[i%handles].Enqueue(t.Context(), n); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	seen := make(map[int64]string)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for h, db := range dbs {
		for w := range workers {
			wg.Go(func() {
				<-start
				for i := 0; ; i++ {
					claim := fmt.Sprintf("p%d-w%d-%d", h, w, i)
					got, err := db.Claim(context.Background(), webhook.ClaimRequest{
						Claim: claim, Now: t0, Until: t0.Add(time.Minute), Limit: 1 + (h+w)%7,
					})
					if err != nil {
						t.Errorf("Claim(%s): %v", claim, err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, n := range got {
						if prev, dup := seen[n.ID]; dup {
							t.Errorf("row %d claimed by %s and by %s", n.ID, prev, claim)
						}
						if n.Claim != claim {
							t.Errorf("row %d returned to %s with claim %q", n.ID, claim, n.Claim)
						}
						seen[n.ID] = claim
					}
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	if len(seen) != rows {
		t.Errorf("claimed %d distinct rows, want %d", len(seen), rows)
	}
	_, pending, err := dbs[0].Notifications(t.Context(), webhook.NotificationFilter{Status: webhook.StatusPending})
	if err != nil || pending != rows {
		t.Errorf("pending after claiming: %d (err %v), want %d (claims do not change the status)", pending, err, rows)
	}
}

// TestWebhookDispatchersShareOutbox runs two dispatchers, each over a store
// of its own on one database, against one receiver: every notification is
// delivered, and none twice (leases are long; nobody dies).
func TestWebhookDispatchersShareOutbox(t *testing.T) {
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	a, b := MustOpen(t, dsn), MustOpen(t, dsn)
	w := storetest.NewWebhookTLS(t)
	rc := storetest.StartWebhookReceiver(t, w, nil)
	da := storetest.StartDispatcher(t, a, w.ClientConfig(), "a")
	db := storetest.StartDispatcher(t, b, w.ClientConfig(), "b")

	const n = 120
	for i := range n {
		s, d := a, da
		if i%2 == 1 {
			s, d = b, db
		}
		// Ten chaves, so that batches form and both dispatchers find work.
		err := s.Tx(t.Context(), func(tx *store.Tx) error {
			return tx.Enqueue(t.Context(), storetest.MustNotification(t, storetest.CPF(1), rc.URL, i, fmt.Sprint("k", i%10), time.Now()))
		})
		if err != nil {
			t.Fatal(err)
		}
		d.Notify()
	}
	storetest.Eventually(t, fmt.Sprint(n, " deliveries"), func() bool {
		_, k, err := a.Notifications(t.Context(), webhook.NotificationFilter{Status: webhook.StatusDelivered})
		return err == nil && k == n
	})
	got := rc.Received()
	if len(got) != n {
		t.Errorf("receiver got %d distinct Pix, want %d", len(got), n)
	}
	for e2e, k := range got {
		if k != 1 {
			t.Errorf("%s received %d times, want once", e2e, k)
		}
	}
	_, attempts, err := b.Attempts(t.Context(), webhook.AttemptFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if attempts != rc.Posts() {
		t.Errorf("%d attempts recorded, receiver saw %d POSTs", attempts, rc.Posts())
	}
	t.Logf("%d notifications in %d POSTs", n, rc.Posts())
}

// TestReleaseWebhookClaimsKeepsLeases: on PostgreSQL another instance may be
// delivering, so a start does not take its rows away.
func TestReleaseWebhookClaimsKeepsLeases(t *testing.T) {
	db := MustOpen(t, pgtest.MustSchema(t, pgtest.MustDSN(t)))
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	if err := db.Enqueue(t.Context(), storetest.MustNotification(t, storetest.CPF(1), "https://hook.example/pix", 1, "chave", now)); err != nil {
		t.Fatal(err)
	}
	req := webhook.ClaimRequest{Claim: "other-instance", Now: now, Until: now.Add(time.Hour), Limit: 10}
	if got, err := db.Claim(t.Context(), req); err != nil || len(got) != 1 {
		t.Fatalf("Claim: %v, %v", got, err)
	}
	if err := db.ReleaseWebhookClaims(t.Context()); err != nil {
		t.Fatal(err)
	}
	req.Claim = "starting"
	if got, err := db.Claim(t.Context(), req); err != nil || len(got) != 0 {
		t.Errorf("Claim after ReleaseWebhookClaims: %v, %v; want none (the lease holds)", got, err)
	}
}
