package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/internal/webhook/webhooktest"
	"github.com/brasa-dev/brasa/pixapi"
)

const (
	documento = "12345678000195"
	hookURL   = "https://hooks.example/pix-receiver"
)

// request is what a receiver saw of one POST.
type request struct {
	At          time.Time
	Method      string
	Path        string
	RawQuery    string
	ContentType string
	Body        []byte
	Pix         []pixapi.Pix
	ClientCN    string // the CN of the client certificate, over TLS
}

// receiver records the POSTs it gets and answers them with answer (200 when
// nil). It is safe for concurrent use.
type receiver struct {
	answer func(n int, r *http.Request) int // n counts requests from 1

	mu   sync.Mutex
	reqs []request
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	req := request{
		At:          time.Now(),
		Method:      r.Method,
		Path:        r.URL.Path,
		RawQuery:    r.URL.RawQuery,
		ContentType: r.Header.Get("Content-Type"),
		Body:        body,
	}
	var b pixapi.WebhookPixBody
	if err := json.Unmarshal(body, &b); err == nil {
		req.Pix = b.Pix
	}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		req.ClientCN = r.TLS.PeerCertificates[0].Subject.CommonName
	}
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, req)
	n := len(rc.reqs)
	rc.mu.Unlock()
	status := http.StatusOK
	if rc.answer != nil {
		status = rc.answer(n, r)
	}
	w.WriteHeader(status)
}

func (rc *receiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.reqs)
}

// received counts how many times each endToEndId was received.
func (rc *receiver) received() map[string]int {
	out := make(map[string]int)
	for _, r := range rc.requests() {
		for _, p := range r.Pix {
			out[p.EndToEndID]++
		}
	}
	return out
}

// handlerTransport serves requests with a handler in the caller's
// goroutine, without a network: what tests under testing/synctest need.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	sreq := req.Clone(req.Context())
	sreq.RequestURI = req.URL.RequestURI()
	sreq.Host = req.URL.Host
	t.h.ServeHTTP(rec, sreq)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	return rec.Result(), nil
}

// hang is a receiver that never answers: it blocks until the request's
// context ends.
var hang = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })

// testLogger writes to the test's output, shown for failing tests and with
// -v.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newDispatcher returns a dispatcher on s whose POSTs h serves in memory.
// Zero fields of opts other than Store and Client take the defaults, except
// Log.
func newDispatcher(t *testing.T, s webhook.Store, h http.Handler, opts webhook.Options) *webhook.Dispatcher {
	t.Helper()
	opts.Store = s
	opts.Client = &http.Client{Transport: handlerTransport{h}}
	if opts.Log == nil {
		opts.Log = testLogger(t)
	}
	d, err := webhook.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

// start runs d until the returned stop is called or t ends. stop waits for
// Run to return and checks its result.
func start(t testing.TB, d *webhook.Dispatcher) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	t.Cleanup(stop)
	return stop
}

// newPix returns a Pix received on a txid, paid to chave.
func newPix(e2e, chave string) pixapi.Pix {
	return pixapi.Pix{
		EndToEndID: e2e,
		TxID:       "tx" + e2e[1:],
		Valor:      "10.00",
		Chave:      chave,
		Horario:    pixapi.Timestamp{Time: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)},
	}
}

// e2e returns the i-th test endToEndId.
func e2e(i int) string { return fmt.Sprintf("E01181521202603021200%011d", i) }

// enqueue writes a notification of a Pix paid to chave, to url, created now.
func enqueue(t *testing.T, s webhook.Outbox, chave, url, e2eid string) *webhook.Notification {
	t.Helper()
	n, err := webhook.NewNotification(webhook.KindPix, documento, url, newPix(e2eid, chave), time.Now())
	if err != nil {
		t.Fatalf("NewNotification: %v", err)
	}
	if err := s.Enqueue(context.Background(), n); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return n
}

// notification returns the stored notification id.
func notification(t *testing.T, s *webhooktest.Store, id int64) webhook.Notification {
	t.Helper()
	all, _, err := s.Notifications(context.Background(), webhook.NotificationFilter{Limit: 1 << 20})
	if err != nil {
		t.Fatalf("Notifications: %v", err)
	}
	for _, n := range all {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("notification %d not found", id)
	return webhook.Notification{}
}

// attempts returns the attempts that covered notification id, oldest first.
func attempts(t *testing.T, s webhook.Store, id int64) []webhook.Attempt {
	t.Helper()
	got, _, err := s.Attempts(context.Background(), webhook.AttemptFilter{NotificationID: id, Limit: 1 << 20})
	if err != nil {
		t.Fatalf("Attempts: %v", err)
	}
	return got
}

// countStatus counts the notifications of s with status st.
func countStatus(t *testing.T, s webhook.Store, st webhook.Status) int {
	t.Helper()
	_, n, err := s.Notifications(context.Background(), webhook.NotificationFilter{Status: st})
	if err != nil {
		t.Fatalf("Notifications: %v", err)
	}
	return n
}
