package storetest

import (
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/internal/webhook/webhooktest"
	"github.com/brasa-dev/brasa/pixapi"
)

// RunWebhook runs, on the DBs open returns (fresh, empty, migrated, closed
// when t ends), the outbox conformance suite of package webhooktest and the
// store's own webhook tests: an Enqueue inside [store.DB.Tx] commits and
// rolls back with the transaction, and a real [webhook.Dispatcher] over the
// store delivers to a receiver over mutual TLS, retrying a failed attempt.
func RunWebhook(t *testing.T, open func(t *testing.T) *store.DB) {
	t.Run("Conformance", func(t *testing.T) {
		webhooktest.Run(t, func(t *testing.T) webhooktest.Backend { return open(t) })
	})
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, db *store.DB)
	}{
		{"Tx/EnqueueRolledBackWithTheTransaction", testWebhookTxRollback},
		{"Tx/EnqueueCommitsOnlyWithTheStateChange", testWebhookTxStateChange},
		{"Tx/RetargetRolledBackWithTheTransaction", testWebhookTxRetargetRollback},
		{"Dispatcher/DeliversOverMutualTLSAndRetries", testWebhookDispatcher},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, open(t))
		})
	}
}

// WebhookPix returns the i-th test Pix received on a txid, paid to chave.
func WebhookPix(i int, chave string) pixapi.Pix {
	return pixapi.Pix{
		EndToEndID: fmt.Sprintf("E01181521202603021200%011d", i),
		TxID:       fmt.Sprintf("tx%030d", i),
		Valor:      "10.00",
		Chave:      chave,
		Horario:    pixapi.Timestamp{Time: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)},
	}
}

// MustNotification returns the notification of [WebhookPix](i, chave) for
// documento, to url, created at at.
func MustNotification(tb testing.TB, documento, url string, i int, chave string, at time.Time) *webhook.Notification {
	tb.Helper()
	n, err := webhook.NewNotification(webhook.KindPix, documento, url, WebhookPix(i, chave), at)
	if err != nil {
		tb.Fatalf("NewNotification: %v", err)
	}
	return n
}

func countNotifications(t *testing.T, s webhook.Store, f webhook.NotificationFilter) int {
	t.Helper()
	_, n, err := s.Notifications(t.Context(), f)
	if err != nil {
		t.Fatalf("Notifications: %v", err)
	}
	return n
}

var errRollback = errors.New("storetest: roll back")

func testWebhookTxRollback(t *testing.T, db *store.DB) {
	doc := CPF(1)
	var id int64
	err := db.Tx(t.Context(), func(tx *store.Tx) error {
		n := MustNotification(t, doc, "https://hook.example/pix", 1, "chave", Stored(T0))
		if err := tx.Enqueue(t.Context(), n); err != nil {
			return err
		}
		id = n.ID
		if _, total, err := tx.Notifications(t.Context(), webhook.NotificationFilter{}); err != nil || total != 1 {
			t.Errorf("inside the transaction: %d notifications (err %v), want 1", total, err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Tx: %v, want fn's error", err)
	}
	if id <= 0 {
		t.Errorf("Enqueue in the transaction set ID %d, want positive", id)
	}
	if n := countNotifications(t, db, webhook.NotificationFilter{}); n != 0 {
		t.Errorf("after rollback: %d notifications, want 0", n)
	}
	got, err := db.Claim(t.Context(), webhook.ClaimRequest{Claim: "c", Now: At(time.Hour), Until: At(2 * time.Hour), Limit: 10})
	if err != nil || got != nil {
		t.Errorf("Claim after rollback: %v, %v; want nothing", got, err)
	}
	// The next row still gets a fresh, greater ID (ids are never reused).
	n := MustNotification(t, doc, "https://hook.example/pix", 2, "chave", Stored(T0))
	if err := db.Enqueue(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	if n.ID <= 0 {
		t.Errorf("ID %d after a rolled-back enqueue, want positive", n.ID)
	}
}

// testWebhookTxStateChange: the notification exists exactly when the state
// change (here, creating a recebedor) commits; a failing statement after
// Enqueue takes the row with it.
func testWebhookTxStateChange(t *testing.T, db *store.DB) {
	r := NewRecebedor(CPF(2))
	enqueueWith := func(i int) error {
		return db.Tx(t.Context(), func(tx *store.Tx) error {
			n := MustNotification(t, r.Documento, "https://hook.example/pix", i, "chave", Stored(T0))
			if err := tx.Enqueue(t.Context(), n); err != nil {
				return err
			}
			return tx.CreateRecebedor(t.Context(), r)
		})
	}
	if err := enqueueWith(1); err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	err := enqueueWith(2)
	if !errs.Is(err, errs.EConflict) {
		t.Fatalf("second transaction: %v, want EConflict (recebedor exists)", err)
	}
	all, total, err := db.Notifications(t.Context(), webhook.NotificationFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(all) != 1 || all[0].EndToEndID != WebhookPix(1, "").EndToEndID {
		t.Errorf("notifications %+v (total %d), want only the committed transaction's", all, total)
	}
}

func testWebhookTxRetargetRollback(t *testing.T, db *store.DB) {
	doc := CPF(3)
	n := MustNotification(t, doc, "https://old.example/pix", 1, "chave", Stored(T0))
	n.NextAttempt = Stored(At(time.Hour))
	if err := db.Enqueue(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	err := db.Tx(t.Context(), func(tx *store.Tx) error {
		if k, err := tx.Retarget(t.Context(), doc, "chave", "https://new.example/pix", Stored(T0)); err != nil || k != 1 {
			t.Errorf("Retarget in the transaction: %d, %v; want 1", k, err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Tx: %v", err)
	}
	got, _, err := db.Notifications(t.Context(), webhook.NotificationFilter{Limit: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("Notifications: %v, %v", got, err)
	}
	if got[0].WebhookURL != "https://old.example/pix" || !got[0].NextAttempt.Equal(n.NextAttempt) {
		t.Errorf("after a rolled-back Retarget: URL %s due %v, want the old URL due %v", got[0].WebhookURL, got[0].NextAttempt, n.NextAttempt)
	}
}

// WebhookTLS is a brasa CA with a receiver's server certificate (for
// 127.0.0.1) and brasa's webhook client certificate.
type WebhookTLS struct {
	CA     *pki.CA
	Server tls.Certificate
	Client tls.Certificate
}

// NewWebhookTLS issues the certificates of a [WebhookTLS].
func NewWebhookTLS(tb testing.TB) *WebhookTLS {
	tb.Helper()
	ca, err := pki.NewCA(pki.CAOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	server, err := ca.IssueServer([]string{"127.0.0.1", "localhost"}, 0)
	if err != nil {
		tb.Fatal(err)
	}
	key, err := pki.GenerateKey(nil, pki.ECDSAP256)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := ca.IssueClient(pki.ClientRequest{
		Subject:   pkix.Name{CommonName: "brasa webhook", Organization: []string{"brasa"}},
		PublicKey: key.Public(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	client := tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Intermediate.Raw}, PrivateKey: key, Leaf: leaf}
	return &WebhookTLS{CA: ca, Server: server, Client: client}
}

// ClientConfig is the dispatcher's side of the channel.
func (w *WebhookTLS) ClientConfig() *tls.Config { return pki.ClientTLSConfig(&w.Client, w.CA.Pool()) }

// WebhookReceiver is an HTTPS webhook receiver requiring a client
// certificate from the brasa CA. It answers each POST with Answer's status
// (200 when nil) and counts the Pix it received, by endToEndId.
type WebhookReceiver struct {
	URL string
	// Answer returns the status for the n-th POST (from 1).
	Answer func(n int) int

	mu       sync.Mutex
	posts    int
	received map[string]int
	clientCN []string
}

// StartWebhookReceiver starts a receiver with w's certificates, closed when
// tb ends.
func StartWebhookReceiver(tb testing.TB, w *WebhookTLS, answer func(n int) int) *WebhookReceiver {
	tb.Helper()
	rc := &WebhookReceiver{Answer: answer, received: make(map[string]int)}
	srv := httptest.NewUnstartedServer(rc)
	srv.TLS = pki.ServerTLSConfig(w.Server, tls.RequireAndVerifyClientCert, w.CA.Pool())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	tb.Cleanup(srv.Close)
	rc.URL = srv.URL + "/hook"
	return rc
}

func (rc *WebhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body pixapi.WebhookPixBody
	if r.Method != http.MethodPost || r.URL.Path != "/hook/pix" || json.NewDecoder(r.Body).Decode(&body) != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.posts++
	n := rc.posts
	status := http.StatusOK
	if rc.Answer != nil {
		status = rc.Answer(n)
	}
	if status/100 == 2 {
		for _, p := range body.Pix {
			rc.received[p.EndToEndID]++
		}
	}
	if len(r.TLS.PeerCertificates) > 0 {
		rc.clientCN = append(rc.clientCN, r.TLS.PeerCertificates[0].Subject.CommonName)
	}
	rc.mu.Unlock()
	w.WriteHeader(status)
}

// Received returns how many times each endToEndId was received in a POST
// answered 2xx.
func (rc *WebhookReceiver) Received() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make(map[string]int, len(rc.received))
	for k, v := range rc.received {
		out[k] = v
	}
	return out
}

// Posts returns how many POSTs reached the handler.
func (rc *WebhookReceiver) Posts() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.posts
}

// StartDispatcher runs a dispatcher over s, posting with cfg, with short
// intervals, until tb ends.
func StartDispatcher(tb testing.TB, s webhook.Store, cfg *tls.Config, name string) *webhook.Dispatcher {
	tb.Helper()
	d, err := webhook.New(webhook.Options{
		Store:     s,
		TLSConfig: cfg,
		Log:       slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Poll:      20 * time.Millisecond,
		Backoff:   webhook.Backoff{Base: 20 * time.Millisecond, Max: 100 * time.Millisecond},
		URLPolicy: webhook.URLPolicy{AllowLoopback: true, AllowAnyPort: true},
		Name:      name,
	})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("Run: %v", err)
		}
	})
	return d
}

// Eventually polls cond until it holds, or fails tb after 15 s.
func Eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
	}
}

// testWebhookDispatcher: notifications enqueued in settlement-like
// transactions are delivered over mutual TLS by a dispatcher over the
// store; the first POST is answered 503, so the store's reschedule path is
// exercised too; every attempt is in the history.
func testWebhookDispatcher(t *testing.T, db *store.DB) {
	w := NewWebhookTLS(t)
	rc := StartWebhookReceiver(t, w, func(n int) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	doc := CPF(4)
	var ns []*webhook.Notification
	err := db.Tx(t.Context(), func(tx *store.Tx) error {
		for i := range 3 {
			n := MustNotification(t, doc, rc.URL, i, "chave", time.Now())
			if err := tx.Enqueue(t.Context(), n); err != nil {
				return err
			}
			ns = append(ns, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d := StartDispatcher(t, db, w.ClientConfig(), "store-test")
	d.Notify()
	Eventually(t, "3 deliveries", func() bool {
		return countNotifications(t, db, webhook.NotificationFilter{Status: webhook.StatusDelivered}) == 3
	})
	for _, n := range ns {
		if got := rc.Received()[n.EndToEndID]; got != 1 {
			t.Errorf("%s received %d times, want once", n.EndToEndID, got)
		}
	}
	all, _, err := db.Notifications(t.Context(), webhook.NotificationFilter{Documento: doc, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range all {
		if n.Attempts != 2 || n.DeliveredAt.IsZero() || n.Claim != "" {
			t.Errorf("notification %s: %d attempts, delivered at %v, claim %q; want 2, a time, none", n.EndToEndID, n.Attempts, n.DeliveredAt, n.Claim)
		}
	}
	atts, total, err := db.Attempts(t.Context(), webhook.AttemptFilter{NotificationID: ns[0].ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(atts) != 2 {
		t.Fatalf("attempts of %s: %+v, want 2", ns[0].EndToEndID, atts)
	}
	first, second := atts[0], atts[1]
	if first.StatusCode != http.StatusServiceUnavailable || first.Error != "receiver answered 503 Service Unavailable" {
		t.Errorf("first attempt: status %d error %q, want 503", first.StatusCode, first.Error)
	}
	if len(first.NotificationIDs) != 3 || first.NotificationIDs[0] != ns[0].ID || first.NotificationIDs[2] != ns[2].ID {
		t.Errorf("first attempt carried %v, want the 3 notifications in order", first.NotificationIDs)
	}
	// The retries are due at jittered times, so they may travel apart.
	if second.StatusCode != http.StatusOK || second.Error != "" || second.URL != rc.URL+"/pix" || second.Latency <= 0 ||
		!slices.Contains(second.NotificationIDs, ns[0].ID) {
		t.Errorf("second attempt: %+v, want 200 to %s/pix carrying %d", second, rc.URL, ns[0].ID)
	}
}
