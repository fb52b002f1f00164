package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/internal/webhook/webhooktest"
)

func TestNewRefusesBadOptions(t *testing.T) {
	s := webhooktest.New()
	client := &http.Client{}
	for _, c := range []struct {
		name string
		opts webhook.Options
	}{
		{"NoStore", webhook.Options{Client: client}},
		{"NoClientNorTLSConfig", webhook.Options{Store: s}},
		{"LeaseNotOverTwiceRenewInterval", webhook.Options{Store: s, Client: client, Lease: 4 * time.Second, RenewInterval: 2 * time.Second}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := webhook.New(c.opts); err == nil {
				t.Errorf("New(%+v): got nil error", c.opts)
			}
		})
	}
}

func TestRunTwiceFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newDispatcher(t, webhooktest.New(), &receiver{}, webhook.Options{})
		start(t, d)
		synctest.Wait()
		if err := d.Run(t.Context()); err == nil {
			t.Error("second Run while running: got nil error")
		}
	})
}

// TestBatching: notifications of one chave due together go in one POST
// (bacen/pix-api#296); different chaves, even with one URL, do not share a
// POST; BatchSize caps a POST.
func TestBatching(t *testing.T) {
	for _, c := range []struct {
		name      string
		batchSize int
		want      map[string][]int // chave → sizes of its POSTs
	}{
		{"OnePOSTPerChave", 0, map[string][]int{"chave-a": {5}, "chave-b": {3}}},
		{"BatchSizeCaps", 2, map[string][]int{"chave-a": {2, 2, 1}, "chave-b": {2, 1}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := webhooktest.New()
				var want []string
				for i := range 8 {
					chave := "chave-a"
					if i%2 == 1 && i < 6 { // 1, 3, 5
						chave = "chave-b"
					}
					enqueue(t, s, chave, hookURL, e2e(i))
					want = append(want, e2e(i))
				}
				rc := &receiver{}
				start(t, newDispatcher(t, s, rc, webhook.Options{BatchSize: c.batchSize}))
				synctest.Wait()

				got := make(map[string][]int)
				var seen []string
				for _, r := range rc.requests() {
					if r.Method != http.MethodPost || r.Path != "/pix-receiver/pix" || r.ContentType != "application/json" {
						t.Errorf("request %s %s (%s): want POST /pix-receiver/pix (application/json)", r.Method, r.Path, r.ContentType)
					}
					chave := r.Pix[0].Chave
					for _, p := range r.Pix {
						if p.Chave != chave {
							t.Errorf("one POST carries chaves %s and %s", chave, p.Chave)
						}
						seen = append(seen, p.EndToEndID)
					}
					got[chave] = append(got[chave], len(r.Pix))
				}
				for chave, sizes := range got {
					slices.Sort(sizes)
					slices.Reverse(sizes)
					if !slices.Equal(sizes, c.want[chave]) {
						t.Errorf("POSTs of %s carry %v Pix, want %v", chave, sizes, c.want[chave])
					}
				}
				if len(got) != len(c.want) {
					t.Errorf("POSTs for chaves %v, want %v", got, c.want)
				}
				slices.Sort(seen)
				if !slices.Equal(seen, want) {
					t.Errorf("received %v, want each of %v once", seen, want)
				}
				if n := countStatus(t, s, webhook.StatusDelivered); n != 8 {
					t.Errorf("%d notifications delivered, want 8", n)
				}
			})
		})
	}
}

// checkSchedule checks that the attempts of a notification created at
// created follow the backoff b: the n-th interval is within the jitter
// bounds of Base·Multiplier^(n-1), capped at Max, and never passes the
// deadline.
func checkSchedule(t *testing.T, atts []webhook.Attempt, created, deadline time.Time, b webhook.Backoff) {
	t.Helper()
	if len(atts) == 0 || !atts[0].At.Equal(created) {
		t.Fatalf("first attempt: got %v, want one at creation %v", atts, created)
	}
	for i := 1; i < len(atts); i++ {
		got := atts[i].At.Sub(atts[i-1].At)
		d := float64(b.Base) * float64(int64(1)<<(i-1))
		d = min(d, float64(b.Max))
		lo, hi := time.Duration(d*(1-b.Jitter)), time.Duration(d*(1+b.Jitter))
		if atts[i].At.Equal(deadline) && got < hi {
			lo = 0 // the last attempt is brought forward to the deadline
		}
		if got < lo || got > hi {
			t.Errorf("interval before attempt %d: %v, want within [%v, %v]", i+1, got, lo, hi)
		}
		if atts[i].At.After(deadline) {
			t.Errorf("attempt %d at %v, after the deadline %v", i+1, atts[i].At, deadline)
		}
	}
}

// TestRetryUntilDelivered: a receiver that answers 503 for a while, then
// 200, gets the notification, after attempts whose intervals grow
// exponentially within the jitter bounds; every attempt is recorded.
func TestRetryUntilDelivered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const failures = 6
		s := webhooktest.New()
		rc := &receiver{answer: func(n int, _ *http.Request) int {
			if n <= failures {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		}}
		b := webhook.Backoff{Base: time.Second, Max: 10 * time.Minute, Multiplier: 2, Jitter: 0.2}
		// A poll of an hour: only the dispatcher's own schedule wakes it.
		n := enqueue(t, s, "chave-a", hookURL, e2e(1))
		start(t, newDispatcher(t, s, rc, webhook.Options{Backoff: b, Poll: time.Hour}))

		time.Sleep(2 * time.Minute) // 1+2+4+8+16+32 s, +20 %
		got := notification(t, s, n.ID)
		atts := attempts(t, s, n.ID)
		if got.Status != webhook.StatusDelivered || got.Attempts != failures+1 || len(atts) != failures+1 {
			t.Fatalf("after 2 min: status %s, %d attempts (%d recorded); want delivered after %d", got.Status, got.Attempts, len(atts), failures+1)
		}
		checkSchedule(t, atts, n.CreatedAt, n.CreatedAt.Add(webhook.DefaultDeadline), b)
		for i, a := range atts[:failures] {
			if a.StatusCode != http.StatusServiceUnavailable || a.Error != "receiver answered 503 Service Unavailable" {
				t.Errorf("attempt %d: status %d, error %q; want 503 and its error", i+1, a.StatusCode, a.Error)
			}
			if a.URL != hookURL+"/pix" || !slices.Equal(a.NotificationIDs, []int64{n.ID}) || a.Chave != "chave-a" || a.Documento != documento {
				t.Errorf("attempt %d: %+v", i+1, a)
			}
		}
		last := atts[failures]
		if last.StatusCode != http.StatusOK || last.Error != "" || !got.DeliveredAt.Equal(last.At) {
			t.Errorf("last attempt %+v, delivered at %v: want 200 without error, delivered then", last, got.DeliveredAt)
		}
		if reqs := rc.requests(); len(reqs) != failures+1 {
			t.Errorf("receiver got %d POSTs, want %d", len(reqs), failures+1)
		}
	})
}

// TestRetryScheduleExact: with the jitter draw fixed at its
// middle, the schedule is exactly Base·2^(n-1), cut at the deadline, where
// the last attempt happens.
func TestRetryScheduleExact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		rc := &receiver{answer: func(int, *http.Request) int { return http.StatusInternalServerError }}
		n := enqueue(t, s, "chave-a", hookURL, e2e(1))
		start(t, newDispatcher(t, s, rc, webhook.Options{
			Deadline: time.Minute,
			Poll:     time.Hour,
			Rand:     func() float64 { return 0.5 },
		}))
		time.Sleep(time.Hour)
		var got []time.Duration
		for _, a := range attempts(t, s, n.ID) {
			got = append(got, a.At.Sub(n.CreatedAt))
		}
		want := []time.Duration{0, 1 * time.Second, 3 * time.Second, 7 * time.Second, 15 * time.Second, 31 * time.Second, time.Minute}
		if !slices.Equal(got, want) {
			t.Errorf("attempts at %v, want %v", got, want)
		}
	})
}

// TestFailedAfterDeadline: a receiver down past the deadline leaves the
// notification failed, with every attempt recorded, the last one at the
// deadline, and no attempt after it.
func TestFailedAfterDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		rc := &receiver{answer: func(int, *http.Request) int { return http.StatusServiceUnavailable }}
		b := webhook.Backoff{Base: time.Second, Max: 10 * time.Second, Multiplier: 2, Jitter: 0.2}
		n := enqueue(t, s, "chave-a", hookURL, e2e(1))
		start(t, newDispatcher(t, s, rc, webhook.Options{Backoff: b, Deadline: 2 * time.Minute, Poll: time.Hour}))
		deadline := n.CreatedAt.Add(2 * time.Minute)

		time.Sleep(10 * time.Minute)
		got := notification(t, s, n.ID)
		atts := attempts(t, s, n.ID)
		if got.Status != webhook.StatusFailed {
			t.Fatalf("status %s, want failed", got.Status)
		}
		if got.Attempts != len(atts) || len(atts) != len(rc.requests()) || len(atts) < 10 {
			t.Fatalf("%d attempts counted, %d recorded, %d POSTs received; want equal, and at least 10", got.Attempts, len(atts), len(rc.requests()))
		}
		if last := atts[len(atts)-1]; !last.At.Equal(deadline) {
			t.Errorf("last attempt at %v, want at the deadline %v", last.At, deadline)
		}
		checkSchedule(t, atts, n.CreatedAt, deadline, b)
		for i, a := range atts {
			if a.StatusCode != http.StatusServiceUnavailable || a.Error == "" {
				t.Errorf("attempt %d: status %d, error %q", i+1, a.StatusCode, a.Error)
			}
		}
	})
}

// TestNotifySendsWithoutWaitingForThePoll: with a nudge, a fresh row is
// POSTed before any time passes; without one, it waits for the poll.
func TestNotifySendsWithoutWaitingForThePoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		rc := &receiver{}
		d := newDispatcher(t, s, rc, webhook.Options{Poll: time.Hour})
		start(t, d)
		synctest.Wait() // idle, waiting for the poll

		t0 := time.Now()
		enqueue(t, s, "chave-a", hookURL, e2e(1))
		d.Notify()
		synctest.Wait()
		if got := rc.received(); got[e2e(1)] != 1 {
			t.Fatalf("after Notify: received %v, want %s once", got, e2e(1))
		}
		if since := time.Since(t0); since != 0 {
			t.Errorf("delivered after %v, want no time at all to pass", since)
		}

		enqueue(t, s, "chave-a", hookURL, e2e(2))
		synctest.Wait()
		if got := rc.received(); got[e2e(2)] != 0 {
			t.Fatalf("without Notify, received %s before the poll", e2e(2))
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		if got := rc.received(); got[e2e(2)] != 1 {
			t.Errorf("after the poll: received %v, want %s once", got, e2e(2))
		}
	})
}

// TestTwoDispatchersNeverDoubleSend: two dispatchers on one store deliver
// every notification exactly once while no lease runs out.
func TestTwoDispatchersNeverDoubleSend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		rc := &receiver{answer: func(int, *http.Request) int {
			time.Sleep(3 * time.Millisecond) // keep POSTs in flight while the other dispatcher claims
			return http.StatusOK
		}}
		opts := webhook.Options{Workers: 3, BatchSize: 4, Poll: 50 * time.Millisecond}
		d1 := newDispatcher(t, s, rc, opts)
		d2 := newDispatcher(t, s, rc, opts)
		start(t, d1)
		start(t, d2)

		const total = 300
		for i := range total {
			enqueue(t, s, fmt.Sprintf("chave-%d", i%7), hookURL+fmt.Sprint("/", i%7), e2e(i))
			if i%10 == 9 {
				d1.Notify()
				d2.Notify()
				time.Sleep(time.Millisecond)
			}
		}
		time.Sleep(time.Second)
		synctest.Wait()
		got := rc.received()
		for i := range total {
			if n := got[e2e(i)]; n != 1 {
				t.Errorf("%s received %d times, want once", e2e(i), n)
			}
		}
		if n := countStatus(t, s, webhook.StatusDelivered); n != total {
			t.Errorf("%d delivered, want %d", n, total)
		}
	})
}

// crashableStore is a store whose process can be killed: after kill, every
// call fails, as nothing more reaches the database from a dead process.
type crashableStore struct {
	webhook.Store
	dead atomic.Bool
}

var errDead = errors.New("process killed")

func (c *crashableStore) Claim(ctx context.Context, req webhook.ClaimRequest) ([]webhook.Notification, error) {
	if c.dead.Load() {
		return nil, errDead
	}
	return c.Store.Claim(ctx, req)
}

func (c *crashableStore) Record(ctx context.Context, claim string, a *webhook.Attempt, next []webhook.Transition) error {
	if c.dead.Load() {
		return errDead
	}
	return c.Store.Record(ctx, claim, a, next)
}

func (c *crashableStore) Renew(ctx context.Context, claim string, ids []int64, until time.Time) ([]int64, error) {
	if c.dead.Load() {
		return nil, errDead
	}
	return c.Store.Renew(ctx, claim, ids, until)
}

func (c *crashableStore) Release(ctx context.Context, claim string, ids []int64) error {
	if c.dead.Load() {
		return errDead
	}
	return c.Store.Release(ctx, claim, ids)
}

// TestKilledDispatcherClaimExpires: a dispatcher killed mid-flight (its
// POSTs unanswered, nothing recorded or handed back) holds its rows until
// the lease runs out; then another dispatcher delivers them.
func TestKilledDispatcherClaimExpires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		var ns []*webhook.Notification
		for i := range 3 {
			ns = append(ns, enqueue(t, s, "chave-a", hookURL, e2e(i)))
		}
		const lease = time.Minute
		crashing := &crashableStore{Store: s}
		stopA := start(t, newDispatcher(t, crashing, hang, webhook.Options{Lease: lease}))
		synctest.Wait() // A has claimed and is waiting for an answer
		t0 := time.Now()
		crashing.dead.Store(true)
		stopA()
		for _, n := range ns {
			if got := notification(t, s, n.ID); got.Claim == "" || got.Attempts != 0 {
				t.Fatalf("after A died: row %d claim %q, %d attempts; want still claimed, no attempt", n.ID, got.Claim, got.Attempts)
			}
		}

		rc := &receiver{}
		start(t, newDispatcher(t, s, rc, webhook.Options{Lease: lease, Poll: time.Second}))
		time.Sleep(lease - time.Second)
		synctest.Wait()
		if got := rc.requests(); len(got) != 0 {
			t.Fatalf("B sent %d POSTs while A's lease held", len(got))
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		got := rc.received()
		for _, n := range ns {
			if got[n.EndToEndID] != 1 {
				t.Errorf("%s received %d times, want once", n.EndToEndID, got[n.EndToEndID])
			}
			row := notification(t, s, n.ID)
			atts := attempts(t, s, n.ID)
			if row.Status != webhook.StatusDelivered || len(atts) != 1 || atts[0].At.Before(t0.Add(lease)) {
				t.Errorf("row %d: status %s, attempts %+v; want delivered by one attempt after the lease", n.ID, row.Status, atts)
			}
		}
	})
}

// TestStoppedDispatcherHandsBack: a dispatcher stopped mid-flight hands its
// rows back, and another delivers them without waiting for the lease.
func TestStoppedDispatcherHandsBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		n := enqueue(t, s, "chave-a", hookURL, e2e(1))
		stopA := start(t, newDispatcher(t, s, hang, webhook.Options{}))
		synctest.Wait()
		if got := notification(t, s, n.ID); got.Claim == "" {
			t.Fatal("A did not claim the row")
		}
		stopA()
		if got := notification(t, s, n.ID); got.Claim != "" || got.Attempts != 0 {
			t.Fatalf("after A stopped: claim %q, %d attempts; want handed back, no attempt", got.Claim, got.Attempts)
		}
		t0 := time.Now()
		rc := &receiver{}
		start(t, newDispatcher(t, s, rc, webhook.Options{}))
		synctest.Wait()
		if got := notification(t, s, n.ID); got.Status != webhook.StatusDelivered || time.Since(t0) != 0 {
			t.Errorf("B: status %s after %v, want delivered at once", got.Status, time.Since(t0))
		}
	})
}

// TestAttemptTimeout: a receiver that does not answer fails the attempt
// after AttemptTimeout, and is retried.
func TestAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		n := enqueue(t, s, "chave-a", hookURL, e2e(1))
		start(t, newDispatcher(t, s, hang, webhook.Options{AttemptTimeout: 3 * time.Second, Poll: time.Hour}))
		time.Sleep(5 * time.Second)
		atts := attempts(t, s, n.ID)
		if len(atts) < 1 || atts[0].Error != "no answer within 3s" || atts[0].StatusCode != 0 || atts[0].Latency != 3*time.Second {
			t.Fatalf("attempts %+v: want a first one timed out after 3s", atts)
		}
		if got := notification(t, s, n.ID); got.Status != webhook.StatusPending {
			t.Errorf("status %s, want pending", got.Status)
		}
	})
}

// TestOutcomes: what each answer does to a notification.
func TestOutcomes(t *testing.T) {
	long := "a" + strings.Repeat("é", 400) // 801 bytes: byte 512 cuts a rune
	for _, c := range []struct {
		name       string
		url        string
		handler    http.HandlerFunc
		wantStatus webhook.Status
		wantCode   int
		wantErr    string // prefix
		wantPOSTs  int
	}{
		{"204Delivers", hookURL, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) },
			webhook.StatusDelivered, 204, "", 1},
		{"RedirectIsNotFollowed", hookURL, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/pix-receiver/pix" {
				w.WriteHeader(200) // the redirect target: must not be reached
				return
			}
			http.Redirect(w, r, "https://other.example/x", http.StatusTemporaryRedirect)
		}, webhook.StatusPending, 307, "receiver answered 307", 1},
		{"400IsRetried", hookURL, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(400) },
			webhook.StatusPending, 400, "receiver answered 400 Bad Request", 1},
		{"LongBodyIsClipped", hookURL, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(500)
			fmt.Fprint(w, long)
		}, webhook.StatusPending, 500, "receiver answered 500", 1},
		{"PlainHTTPFailsUnsent", "http://hooks.example/x", nil, webhook.StatusFailed, 0, "not sent: webhook URL refused", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := webhooktest.New()
				n := enqueue(t, s, "chave-a", c.url, e2e(1))
				var posts atomic.Int32
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					posts.Add(1)
					c.handler(w, r)
				})
				start(t, newDispatcher(t, s, h, webhook.Options{Poll: time.Hour, Backoff: webhook.Backoff{Base: time.Hour}}))
				synctest.Wait()
				got := notification(t, s, n.ID)
				atts := attempts(t, s, n.ID)
				if got.Status != c.wantStatus || len(atts) != 1 || int(posts.Load()) != c.wantPOSTs {
					t.Fatalf("status %s, %d attempts, %d POSTs; want %s, 1, %d", got.Status, len(atts), posts.Load(), c.wantStatus, c.wantPOSTs)
				}
				a := atts[0]
				if a.StatusCode != c.wantCode || !strings.HasPrefix(a.Error, c.wantErr) || (c.wantErr == "") != (a.Error == "") {
					t.Errorf("attempt: status %d, error %q; want %d, %q...", a.StatusCode, a.Error, c.wantCode, c.wantErr)
				}
				if len(a.Response) > webhook.MaxResponseExcerpt || !utf8.ValidString(a.Response) {
					t.Errorf("response excerpt of %d bytes, valid UTF-8 %v", len(a.Response), utf8.ValidString(a.Response))
				}
				if c.name == "LongBodyIsClipped" && a.Response != long[:511] {
					t.Errorf("response excerpt %q, want the first 511 bytes (256 runes)", a.Response)
				}
			})
		})
	}
}

// TestBadPayloadFailsAlone: a stored payload that is not a JSON object
// fails its notification without a POST; the rest of the batch is sent.
func TestBadPayloadFailsAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		good := enqueue(t, s, "chave-a", hookURL, e2e(1))
		bad, _ := webhook.NewNotification(webhook.KindPix, documento, hookURL, newPix(e2e(2), "chave-a"), time.Now())
		bad.Payload = []byte(`{"endToEndId":`)
		if err := s.Enqueue(t.Context(), bad); err != nil {
			t.Fatal(err)
		}
		rc := &receiver{}
		start(t, newDispatcher(t, s, rc, webhook.Options{}))
		synctest.Wait()
		if got := notification(t, s, good.ID); got.Status != webhook.StatusDelivered {
			t.Errorf("good row: %s, want delivered", got.Status)
		}
		if got := notification(t, s, bad.ID); got.Status != webhook.StatusFailed {
			t.Errorf("bad row: %s, want failed", got.Status)
		}
		if got := rc.received(); len(got) != 1 || got[e2e(1)] != 1 {
			t.Errorf("received %v, want only %s", got, e2e(1))
		}
	})
}

// TestRetargetRedirectsPendingRows: a webhook URL changed during an outage
// (Outbox.Retarget) takes the pending rows to the new URL at once.
func TestRetargetRedirectsPendingRows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		rc := &receiver{answer: func(_ int, r *http.Request) int {
			if strings.HasPrefix(r.URL.Path, "/old") {
				return http.StatusBadGateway
			}
			return http.StatusOK
		}}
		d := newDispatcher(t, s, rc, webhook.Options{Poll: time.Hour, Backoff: webhook.Backoff{Base: time.Hour}})
		start(t, d)
		n := enqueue(t, s, "chave-a", "https://hooks.example/old", e2e(1))
		d.Notify()
		synctest.Wait()
		if got := notification(t, s, n.ID); got.Status != webhook.StatusPending || got.Attempts != 1 {
			t.Fatalf("after the old URL failed: %s, %d attempts", got.Status, got.Attempts)
		}
		if k, err := s.Retarget(t.Context(), documento, "chave-a", "https://hooks.example/new", time.Now()); err != nil || k != 1 {
			t.Fatalf("Retarget: %d, %v", k, err)
		}
		d.Notify()
		synctest.Wait()
		atts := attempts(t, s, n.ID)
		if got := notification(t, s, n.ID); got.Status != webhook.StatusDelivered || len(atts) != 2 || atts[1].URL != "https://hooks.example/new/pix" {
			t.Errorf("after Retarget: %s, attempts %+v; want delivered to the new URL", got.Status, atts)
		}
	})
}

// TestDeadDispatcherTakenOverWithinSeconds: with the default lease, a
// dispatcher killed mid-POST (nothing recorded, renewed or handed back)
// holds its row for one lease; another delivers it within Lease + Poll of
// the last renewal, not a minute later.
func TestDeadDispatcherTakenOverWithinSeconds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		n := enqueue(t, s, "chave-a", hookURL, e2e(1))
		crashing := &crashableStore{Store: s}
		stopA := start(t, newDispatcher(t, crashing, hang, webhook.Options{}))
		synctest.Wait() // A has claimed and is waiting for an answer
		time.Sleep(5 * time.Second)
		synctest.Wait() // A renewed its lease meanwhile
		if got := notification(t, s, n.ID); got.Claim == "" || got.ClaimedUntil.Before(time.Now().Add(time.Second)) {
			t.Fatalf("A's row after 5 s: claim %q until %v; want still claimed, and renewed", got.Claim, got.ClaimedUntil)
		}
		lastRenewal := notification(t, s, n.ID).ClaimedUntil.Add(-webhook.DefaultLease)
		crashing.dead.Store(true)
		stopA()
		died := time.Now()

		rc := &receiver{}
		start(t, newDispatcher(t, s, rc, webhook.Options{}))
		for time.Since(died) < time.Minute && notification(t, s, n.ID).Status != webhook.StatusDelivered {
			time.Sleep(100 * time.Millisecond)
			synctest.Wait()
		}
		took := time.Since(died)
		if got := notification(t, s, n.ID); got.Status != webhook.StatusDelivered {
			t.Fatalf("status %s a minute after A died, want delivered", got.Status)
		}
		if took > 10*time.Second {
			t.Errorf("delivered %v after A died, want within seconds", took)
		}
		if bound := webhook.DefaultLease + webhook.DefaultPoll; time.Since(lastRenewal) > bound+100*time.Millisecond {
			t.Errorf("delivered %v after A's last renewal (%v after A died), want within Lease + Poll = %v", time.Since(lastRenewal), took, bound)
		}
		if got := rc.received()[n.EndToEndID]; got != 1 {
			t.Errorf("B's receiver got the Pix %d times, want once", got)
		}
		t.Logf("A last renewed at -%v, died at 0; B delivered at +%v", died.Sub(lastRenewal), took)
	})
}

// TestSlowPOSTKeepsItsLease: a POST that takes several leases, but less
// than the attempt timeout, keeps its rows: its dispatcher renews the lease
// while it is in flight, so the other dispatcher never sends them too.
func TestSlowPOSTKeepsItsLease(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		n := enqueue(t, s, "chave-a", hookURL, e2e(1))
		const lease, slow = 3 * time.Second, 10 * time.Second // the POST outlasts three leases
		opts := webhook.Options{Lease: lease, AttemptTimeout: slow + 5*time.Second, Poll: 100 * time.Millisecond}
		var inFlight, most atomic.Int32
		slowReceiver := &receiver{answer: func(int, *http.Request) int {
			most.Store(max(most.Load(), inFlight.Add(1)))
			defer inFlight.Add(-1)
			time.Sleep(slow)
			return http.StatusOK
		}}
		start(t, newDispatcher(t, s, slowReceiver, opts))
		start(t, newDispatcher(t, s, slowReceiver, opts))
		time.Sleep(slow + 10*time.Second)
		synctest.Wait()
		if got := len(slowReceiver.requests()); got != 1 || most.Load() != 1 {
			t.Errorf("%d POSTs (at most %d at once), want 1", got, most.Load())
		}
		if got := notification(t, s, n.ID); got.Status != webhook.StatusDelivered || got.Attempts != 1 {
			t.Errorf("status %s after %d attempts, want delivered by the one attempt", got.Status, got.Attempts)
		}
	})
}

// TestCutOffDispatcherStopsBeforeTakeover: a dispatcher alive but cut off
// from the database cannot renew its lease, so it abandons its POST before
// the lease runs out; the other dispatcher's POST starts only after that,
// never alongside it.
func TestCutOffDispatcherStopsBeforeTakeover(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := webhooktest.New()
		n := enqueue(t, s, "chave-a", hookURL, e2e(1))
		var mu sync.Mutex
		var abandoned time.Time
		var posts []time.Time
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			first := len(posts) == 0
			posts = append(posts, time.Now())
			mu.Unlock()
			if first {
				<-r.Context().Done() // A's POST hangs until A gives up
				mu.Lock()
				abandoned = time.Now()
				mu.Unlock()
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		crashing := &crashableStore{Store: s}
		start(t, newDispatcher(t, crashing, h, webhook.Options{}))
		synctest.Wait()
		crashing.dead.Store(true) // A lives on, cut off from the database
		cut := time.Now()
		start(t, newDispatcher(t, s, h, webhook.Options{}))
		time.Sleep(15 * time.Second)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(posts) != 2 || abandoned.IsZero() {
			t.Fatalf("%d POSTs, A's abandoned at %v; want A's, abandoned, then B's", len(posts), abandoned)
		}
		if !abandoned.Before(posts[1]) {
			t.Errorf("B's POST at +%v, A's still in flight until +%v: two at once", posts[1].Sub(cut), abandoned.Sub(cut))
		}
		if got := notification(t, s, n.ID); got.Status != webhook.StatusDelivered {
			t.Errorf("status %s, want delivered by B", got.Status)
		}
		t.Logf("cut off at 0; A abandoned its POST at +%v; B POSTed at +%v", abandoned.Sub(cut), posts[1].Sub(cut))
	})
}
