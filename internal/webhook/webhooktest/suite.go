package webhooktest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/webhook"
)

// Backend is what [Run] tests: the dispatcher's store and the outbox the
// domain's transactions write to.
type Backend interface {
	webhook.Store
	webhook.Outbox
}

// Run runs the conformance suite of [webhook.Store] and [webhook.Outbox],
// each subtest (in parallel) on a backend of its own. open must return a
// fresh, empty backend and arrange for it to be closed when t ends. Times
// the suite stores are UTC and whole microseconds, so that engines that
// store unix microseconds return them unchanged.
func Run(t *testing.T, open func(t *testing.T) Backend) {
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, open(t))
		})
	}
}

var suite = []struct {
	name string
	run  func(t *testing.T, s Backend)
}{
	{"Enqueue/RoundTripWithIncreasingIDs", testEnqueueRoundTrip},
	{"Claim/DueRowsInOrderUpToLimit", testClaimDueInOrder},
	{"Claim/LeaseExcludesUntilItRunsOut", testClaimLease},
	{"Claim/ConcurrentClaimsAreDisjoint", testClaimConcurrent},
	{"Claim/NoneIsNil", testClaimNone},
	{"Record/RescheduleWithMatchingClaim", testRecordReschedule},
	{"Record/DeliveredAndFailedAreFinal", testRecordFinal},
	{"Record/StaleClaimStoresAttemptOnly", testRecordStaleClaim},
	{"Renew/ExtendsOnlyOwnClaimAndStaleOwnerIsFenced", testRenew},
	{"Release/HandsBackOnlyOwnClaim", testRelease},
	{"Retarget/PendingRowsOfChaveOnly", testRetarget},
	{"Notifications/FiltersOrderAndPaging", testNotificationsList},
	{"Attempts/FiltersOrderAndPaging", testAttemptsList},
	{"Context/CancelledCallsFail", testCancelled},
}

// t0 is the base time of the suite's rows.
var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// NewRow returns a pending notification for tests: recebedor documento,
// chave chave, webhook url, one Pix with endToEndId e2e, due and created at
// at.
func NewRow(documento, chave, url, e2e string, at time.Time) *webhook.Notification {
	return &webhook.Notification{
		Documento:   documento,
		Chave:       chave,
		WebhookURL:  url,
		Kind:        webhook.KindPix,
		EndToEndID:  e2e,
		Payload:     fmt.Appendf(nil, `{"endToEndId":%q,"txid":"tx%s","valor":"1.00","chave":%q,"horario":"2026-03-02T12:00:00.000Z"}`, e2e, e2e, chave),
		CreatedAt:   at,
		NextAttempt: at,
		Status:      webhook.StatusPending,
	}
}

func mustEnqueue(t *testing.T, s Backend, n *webhook.Notification) *webhook.Notification {
	t.Helper()
	if err := s.Enqueue(t.Context(), n); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return n
}

func mustClaim(t *testing.T, s Backend, claim string, now time.Time, lease time.Duration, limit int) []webhook.Notification {
	t.Helper()
	got, err := s.Claim(t.Context(), webhook.ClaimRequest{Claim: claim, Now: now, Until: now.Add(lease), Limit: limit})
	if err != nil {
		t.Fatalf("Claim(%s): %v", claim, err)
	}
	return got
}

func mustRecord(t *testing.T, s Backend, claim string, a *webhook.Attempt, next ...webhook.Transition) {
	t.Helper()
	if err := s.Record(t.Context(), claim, a, next); err != nil {
		t.Fatalf("Record(%s): %v", claim, err)
	}
}

func mustGet(t *testing.T, s Backend, id int64) webhook.Notification {
	t.Helper()
	all, _, err := s.Notifications(t.Context(), webhook.NotificationFilter{Limit: 1 << 20})
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

func notificationIDs(ns []webhook.Notification) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// diffNotification describes how got differs from want, or returns "".
func diffNotification(got, want webhook.Notification) string {
	var d []string
	f := func(name string, ok bool, g, w any) {
		if !ok {
			d = append(d, fmt.Sprintf("%s: got %v, want %v", name, g, w))
		}
	}
	f("ID", got.ID == want.ID, got.ID, want.ID)
	f("Documento", got.Documento == want.Documento, got.Documento, want.Documento)
	f("Chave", got.Chave == want.Chave, got.Chave, want.Chave)
	f("WebhookURL", got.WebhookURL == want.WebhookURL, got.WebhookURL, want.WebhookURL)
	f("Kind", got.Kind == want.Kind, got.Kind, want.Kind)
	f("EndToEndID", got.EndToEndID == want.EndToEndID, got.EndToEndID, want.EndToEndID)
	f("Payload", bytes.Equal(got.Payload, want.Payload), string(got.Payload), string(want.Payload))
	f("CreatedAt", got.CreatedAt.Equal(want.CreatedAt), got.CreatedAt, want.CreatedAt)
	f("NextAttempt", got.NextAttempt.Equal(want.NextAttempt), got.NextAttempt, want.NextAttempt)
	f("Attempts", got.Attempts == want.Attempts, got.Attempts, want.Attempts)
	f("Deadline", got.Deadline.Equal(want.Deadline), got.Deadline, want.Deadline)
	f("Status", got.Status == want.Status, got.Status, want.Status)
	f("DeliveredAt", got.DeliveredAt.Equal(want.DeliveredAt), got.DeliveredAt, want.DeliveredAt)
	f("Claim", got.Claim == want.Claim, got.Claim, want.Claim)
	f("ClaimedUntil", got.ClaimedUntil.Equal(want.ClaimedUntil), got.ClaimedUntil, want.ClaimedUntil)
	if len(d) == 0 {
		return ""
	}
	return fmt.Sprint(d)
}

func testEnqueueRoundTrip(t *testing.T, s Backend) {
	a := NewRow("12345678000195", "chave-a", "https://a.example/hook?x=1", "E1", t0)
	a.Kind = webhook.KindDevolucao
	a.Deadline = t0.Add(time.Hour)
	a.Claim, a.ClaimedUntil = "ignored", t0.Add(time.Hour) // a new row is never claimed
	mustEnqueue(t, s, a)
	b := mustEnqueue(t, s, NewRow("12345678000195", "chave-a", "https://a.example/hook", "E2", t0))
	if a.ID <= 0 || b.ID <= a.ID {
		t.Fatalf("IDs %d, %d: want positive and increasing", a.ID, b.ID)
	}
	want := *a
	want.Claim, want.ClaimedUntil = "", time.Time{}
	if d := diffNotification(mustGet(t, s, a.ID), want); d != "" {
		t.Errorf("round trip: %s", d)
	}
}

func testClaimDueInOrder(t *testing.T, s Backend) {
	mk := func(e2e string, next time.Time) *webhook.Notification {
		n := NewRow("1", "k", "https://a.example", e2e, t0.Add(-time.Hour))
		n.NextAttempt = next
		return mustEnqueue(t, s, n)
	}
	late := mk("late", t0)
	early := mk("early", t0.Add(-2*time.Second))
	same1 := mk("same1", t0.Add(-time.Second))
	same2 := mk("same2", t0.Add(-time.Second))
	mk("future", t0.Add(time.Microsecond))
	done := mk("delivered", t0.Add(-time.Hour))
	got := mustClaim(t, s, "c0", t0.Add(-time.Hour), time.Minute, 10)
	mustRecord(t, s, "c0", &webhook.Attempt{NotificationIDs: []int64{done.ID}, Documento: "1", Chave: "k", At: t0.Add(-time.Hour)},
		webhook.Transition{ID: done.ID, Status: webhook.StatusDelivered})
	if !slices.Equal(notificationIDs(got), []int64{done.ID}) {
		t.Fatalf("claim at t0-1h: got %v, want [%d]", notificationIDs(got), done.ID)
	}

	got = mustClaim(t, s, "c1", t0, time.Minute, 3)
	if want := []int64{early.ID, same1.ID, same2.ID}; !slices.Equal(notificationIDs(got), want) {
		t.Fatalf("claim limit 3: got %v, want %v (NextAttempt, then ID)", notificationIDs(got), want)
	}
	for _, n := range got {
		if n.Claim != "c1" || !n.ClaimedUntil.Equal(t0.Add(time.Minute)) {
			t.Errorf("claimed row %d: Claim %q until %v, want c1 until %v", n.ID, n.Claim, n.ClaimedUntil, t0.Add(time.Minute))
		}
		if d := diffNotification(mustGet(t, s, n.ID), n); d != "" {
			t.Errorf("stored row %d differs from the one Claim returned: %s", n.ID, d)
		}
	}
	got = mustClaim(t, s, "c2", t0, time.Minute, 10)
	if want := []int64{late.ID}; !slices.Equal(notificationIDs(got), want) {
		t.Fatalf("second claim: got %v, want %v (due at exactly now; not future, delivered or leased rows)", notificationIDs(got), want)
	}
}

func testClaimLease(t *testing.T, s Backend) {
	n := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E1", t0))
	if got := mustClaim(t, s, "a", t0, time.Minute, 1); len(got) != 1 {
		t.Fatalf("first claim: got %d rows, want 1", len(got))
	}
	if got := mustClaim(t, s, "b", t0.Add(time.Minute-time.Microsecond), time.Minute, 1); len(got) != 0 {
		t.Fatalf("claim while the lease holds: got %v, want none", notificationIDs(got))
	}
	got := mustClaim(t, s, "b", t0.Add(time.Minute), time.Minute, 1)
	if len(got) != 1 || got[0].ID != n.ID || got[0].Claim != "b" || !got[0].ClaimedUntil.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("claim when the lease ran out: got %+v, want row %d claimed by b", got, n.ID)
	}
}

func testClaimConcurrent(t *testing.T, s Backend) {
	const rows, workers = 60, 6
	for i := range rows {
		mustEnqueue(t, s, NewRow("1", fmt.Sprint("k", i%4), "https://a.example", fmt.Sprint("E", i), t0))
	}
	var mu sync.Mutex
	seen := make(map[int64]string)
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				claim := fmt.Sprintf("w%d-%d", w, i)
				got, err := s.Claim(context.Background(), webhook.ClaimRequest{Claim: claim, Now: t0, Until: t0.Add(time.Minute), Limit: 1 + w%3})
				if err != nil {
					errc <- err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, n := range got {
					if prev, dup := seen[n.ID]; dup {
						errc <- fmt.Errorf("row %d claimed by %s and by %s", n.ID, prev, claim)
					}
					seen[n.ID] = claim
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if len(seen) != rows {
		// Say which rows were left, and in what state, for the diagnosis.
		left, _, _ := s.Notifications(context.Background(), webhook.NotificationFilter{Limit: rows})
		var missing []string
		for _, n := range left {
			if _, ok := seen[n.ID]; !ok {
				missing = append(missing, fmt.Sprintf("%d(%s claim=%q until=%s next=%s)", n.ID, n.Status, n.Claim, n.ClaimedUntil.Format(time.RFC3339), n.NextAttempt.Format(time.RFC3339)))
			}
		}
		t.Errorf("claimed %d distinct rows, want %d; unclaimed: %v", len(seen), rows, missing)
	}
}

func testClaimNone(t *testing.T, s Backend) {
	got := mustClaim(t, s, "a", t0, time.Minute, 5)
	if got != nil {
		t.Errorf("claim on an empty outbox: got %#v, want nil", got)
	}
}

func testRecordReschedule(t *testing.T, s Backend) {
	n1 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example/h?x=1", "E1", t0))
	n2 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example/h?x=1", "E2", t0))
	mustClaim(t, s, "a", t0, time.Minute, 5)
	a := &webhook.Attempt{
		NotificationIDs: []int64{n2.ID, n1.ID},
		Documento:       "1",
		Chave:           "k",
		At:              t0,
		URL:             webhook.Target("https://a.example/h?x=1"),
		StatusCode:      503,
		Latency:         1500 * time.Microsecond,
		Error:           "receiver answered 503 Service Unavailable",
		Response:        "indisponível",
	}
	mustRecord(t, s, "a", a,
		webhook.Transition{ID: n1.ID, Status: webhook.StatusPending, NextAttempt: t0.Add(5 * time.Second)},
		webhook.Transition{ID: n2.ID, Status: webhook.StatusPending, NextAttempt: t0.Add(7 * time.Second)})
	if a.ID <= 0 {
		t.Fatalf("Record left attempt ID %d, want positive", a.ID)
	}
	for _, c := range []struct {
		n    *webhook.Notification
		next time.Time
	}{{n1, t0.Add(5 * time.Second)}, {n2, t0.Add(7 * time.Second)}} {
		want := *c.n
		want.Attempts, want.NextAttempt = 1, c.next
		if d := diffNotification(mustGet(t, s, c.n.ID), want); d != "" {
			t.Errorf("row %d after a failed attempt: %s", c.n.ID, d)
		}
	}
	atts, total, err := s.Attempts(t.Context(), webhook.AttemptFilter{NotificationID: n1.ID, Limit: 10})
	if err != nil || total != 1 || len(atts) != 1 {
		t.Fatalf("Attempts(notification %d): %v, total %d, err %v; want the one attempt", n1.ID, atts, total, err)
	}
	got := atts[0]
	if got.ID != a.ID || !slices.Equal(got.NotificationIDs, a.NotificationIDs) || got.Documento != a.Documento || got.Chave != a.Chave ||
		!got.At.Equal(a.At) || got.URL != a.URL || got.StatusCode != a.StatusCode || got.Latency != a.Latency ||
		got.Error != a.Error || got.Response != a.Response {
		t.Errorf("attempt round trip:\n got %+v\nwant %+v", got, *a)
	}
	if got := mustClaim(t, s, "b", t0.Add(5*time.Second), time.Minute, 5); !slices.Equal(notificationIDs(got), []int64{n1.ID}) {
		t.Errorf("claim at the rescheduled time: got %v, want [%d] (the claim was cleared)", notificationIDs(got), n1.ID)
	}
}

func testRecordFinal(t *testing.T, s Backend) {
	d := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E1", t0))
	f := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E2", t0))
	mustClaim(t, s, "a", t0, time.Minute, 5)
	at := t0.Add(time.Second)
	mustRecord(t, s, "a", &webhook.Attempt{NotificationIDs: []int64{d.ID, f.ID}, Documento: "1", Chave: "k", At: at, StatusCode: 200},
		webhook.Transition{ID: d.ID, Status: webhook.StatusDelivered},
		webhook.Transition{ID: f.ID, Status: webhook.StatusFailed})
	wantD := *d
	wantD.Attempts, wantD.Status, wantD.DeliveredAt = 1, webhook.StatusDelivered, at
	if diff := diffNotification(mustGet(t, s, d.ID), wantD); diff != "" {
		t.Errorf("delivered row: %s", diff)
	}
	wantF := *f
	wantF.Attempts, wantF.Status = 1, webhook.StatusFailed
	if diff := diffNotification(mustGet(t, s, f.ID), wantF); diff != "" {
		t.Errorf("failed row: %s", diff)
	}
	if got := mustClaim(t, s, "b", t0.Add(time.Hour), time.Minute, 5); len(got) != 0 {
		t.Errorf("claim after delivery and failure: got %v, want none", notificationIDs(got))
	}
	// A late Record under the same claim changes nothing: the rows are final.
	mustRecord(t, s, "a", &webhook.Attempt{NotificationIDs: []int64{d.ID}, Documento: "1", Chave: "k", At: at},
		webhook.Transition{ID: d.ID, Status: webhook.StatusPending, NextAttempt: at})
	if diff := diffNotification(mustGet(t, s, d.ID), wantD); diff != "" {
		t.Errorf("delivered row after a late Record: %s", diff)
	}
}

func testRecordStaleClaim(t *testing.T, s Backend) {
	n := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E1", t0))
	mustClaim(t, s, "a", t0, time.Minute, 1)
	b := mustClaim(t, s, "b", t0.Add(time.Minute), time.Minute, 1) // a's lease ran out
	if len(b) != 1 {
		t.Fatalf("claim b: got %d rows, want 1", len(b))
	}
	mustRecord(t, s, "a", &webhook.Attempt{NotificationIDs: []int64{n.ID}, Documento: "1", Chave: "k", At: t0, StatusCode: 200},
		webhook.Transition{ID: n.ID, Status: webhook.StatusDelivered})
	if diff := diffNotification(mustGet(t, s, n.ID), b[0]); diff != "" {
		t.Errorf("row after a Record under a stale claim: %s (want it unchanged, still b's)", diff)
	}
	if _, total, err := s.Attempts(t.Context(), webhook.AttemptFilter{NotificationID: n.ID}); err != nil || total != 1 {
		t.Errorf("attempts after a Record under a stale claim: total %d, err %v; want 1 (it happened)", total, err)
	}
	if err := s.Release(t.Context(), "a", []int64{n.ID}); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if diff := diffNotification(mustGet(t, s, n.ID), b[0]); diff != "" {
		t.Errorf("row after a Release under a stale claim: %s", diff)
	}
	mustRecord(t, s, "b", &webhook.Attempt{NotificationIDs: []int64{n.ID}, Documento: "1", Chave: "k", At: t0.Add(time.Minute), StatusCode: 204},
		webhook.Transition{ID: n.ID, Status: webhook.StatusDelivered})
	if got := mustGet(t, s, n.ID); got.Status != webhook.StatusDelivered || got.Attempts != 1 {
		t.Errorf("row after b's Record: status %s, attempts %d; want delivered, 1", got.Status, got.Attempts)
	}
}

func mustRenew(t *testing.T, s Backend, claim string, ids []int64, until time.Time) []int64 {
	t.Helper()
	held, err := s.Renew(t.Context(), claim, ids, until)
	if err != nil {
		t.Fatalf("Renew(%s): %v", claim, err)
	}
	slices.Sort(held)
	return held
}

// testRenew: a holder's renewal extends its own rows only (not another
// claim's, not final ones), keeps a lapsed lease nobody took, and a stale
// holder whose rows were claimed again can neither renew nor complete them.
func testRenew(t *testing.T, s Backend) {
	n1 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E1", t0))
	n2 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E2", t0))
	n3 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E3", t0))
	const lease = 5 * time.Second
	if got := mustClaim(t, s, "a", t0, lease, 2); !slices.Equal(notificationIDs(got), []int64{n1.ID, n2.ID}) {
		t.Fatalf("claim a: got %v, want [%d %d]", notificationIDs(got), n1.ID, n2.ID)
	}
	if got := mustClaim(t, s, "b", t0, lease, 5); !slices.Equal(notificationIDs(got), []int64{n3.ID}) {
		t.Fatalf("claim b: got %v, want [%d]", notificationIDs(got), n3.ID)
	}

	// a renews everything it names: only its own two rows are extended.
	all := []int64{n1.ID, n2.ID, n3.ID, n3.ID + 100}
	until := t0.Add(3 * time.Second).Add(lease)
	if held := mustRenew(t, s, "a", all, until); !slices.Equal(held, []int64{n1.ID, n2.ID}) {
		t.Errorf("Renew(a, %v): held %v, want [%d %d]", all, held, n1.ID, n2.ID)
	}
	for _, id := range []int64{n1.ID, n2.ID} {
		if got := mustGet(t, s, id); got.Claim != "a" || !got.ClaimedUntil.Equal(until) {
			t.Errorf("row %d after a's renewal: claim %q until %v, want a until %v", id, got.Claim, got.ClaimedUntil, until)
		}
	}
	if got := mustGet(t, s, n3.ID); got.Claim != "b" || !got.ClaimedUntil.Equal(t0.Add(lease)) {
		t.Errorf("b's row after a's renewal: claim %q until %v, want b until %v (untouched)", got.Claim, got.ClaimedUntil, t0.Add(lease))
	}
	if held := mustRenew(t, s, "", all, until); len(held) != 0 {
		t.Errorf("Renew with claim \"\": held %v, want none", held)
	}
	// The renewed lease holds past the original one.
	if got := mustClaim(t, s, "c", t0.Add(lease), lease, 5); !slices.Equal(notificationIDs(got), []int64{n3.ID}) {
		t.Fatalf("claim when b's lease ran out: got %v, want only [%d] (a renewed)", notificationIDs(got), n3.ID)
	}

	// b's lease ran out and c took the row: b is a stale holder now.
	if held := mustRenew(t, s, "b", []int64{n3.ID}, t0.Add(time.Hour)); len(held) != 0 {
		t.Errorf("Renew by the stale holder b: held %v, want none", held)
	}
	mustRecord(t, s, "b", &webhook.Attempt{NotificationIDs: []int64{n3.ID}, Documento: "1", Chave: "k", At: t0.Add(lease), StatusCode: 200},
		webhook.Transition{ID: n3.ID, Status: webhook.StatusDelivered})
	if got := mustGet(t, s, n3.ID); got.Claim != "c" || !got.ClaimedUntil.Equal(t0.Add(2*lease)) || got.Status != webhook.StatusPending || got.Attempts != 0 {
		t.Errorf("row %d after the stale holder's Renew and Record: claim %q until %v, %s, %d attempts; want c's, until %v, pending, 0 attempts",
			n3.ID, got.Claim, got.ClaimedUntil, got.Status, got.Attempts, t0.Add(2*lease))
	}

	// A lease that ran out but that nobody took is still its holder's.
	late := t0.Add(time.Hour)
	if held := mustRenew(t, s, "a", []int64{n1.ID, n2.ID}, late.Add(lease)); !slices.Equal(held, []int64{n1.ID, n2.ID}) {
		t.Errorf("Renew(a) of a lapsed lease nobody took: held %v, want [%d %d]", held, n1.ID, n2.ID)
	}
	if got := mustClaim(t, s, "d", late, lease, 5); !slices.Equal(notificationIDs(got), []int64{n3.ID}) {
		t.Errorf("claim after a renewed its lapsed lease: got %v, want only [%d] (c's lapsed lease, which c did not renew)", notificationIDs(got), n3.ID)
	}

	// Recorded rows are no longer anyone's to renew.
	mustRecord(t, s, "a", &webhook.Attempt{NotificationIDs: []int64{n1.ID}, Documento: "1", Chave: "k", At: late, StatusCode: 200},
		webhook.Transition{ID: n1.ID, Status: webhook.StatusDelivered})
	if held := mustRenew(t, s, "a", []int64{n1.ID, n2.ID}, late.Add(2*lease)); !slices.Equal(held, []int64{n2.ID}) {
		t.Errorf("Renew(a) after recording row %d: held %v, want [%d]", n1.ID, held, n2.ID)
	}
	if got := mustGet(t, s, n1.ID); got.Status != webhook.StatusDelivered || got.Claim != "" || !got.ClaimedUntil.IsZero() {
		t.Errorf("delivered row after a renewal: status %s claim %q until %v; want delivered, unclaimed", got.Status, got.Claim, got.ClaimedUntil)
	}
}

func testRelease(t *testing.T, s Backend) {
	n1 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E1", t0))
	n2 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E2", t0))
	mustClaim(t, s, "a", t0, time.Hour, 5)
	if err := s.Release(t.Context(), "other", []int64{n1.ID, n2.ID}); err != nil {
		t.Fatalf("Release(other): %v", err)
	}
	if got := mustClaim(t, s, "b", t0, time.Hour, 5); len(got) != 0 {
		t.Fatalf("claim after another claim's Release: got %v, want none", notificationIDs(got))
	}
	if err := s.Release(t.Context(), "a", []int64{n2.ID}); err != nil {
		t.Fatalf("Release(a): %v", err)
	}
	want := *n2
	if diff := diffNotification(mustGet(t, s, n2.ID), want); diff != "" {
		t.Errorf("released row: %s (want as enqueued)", diff)
	}
	if got := mustClaim(t, s, "b", t0, time.Hour, 5); !slices.Equal(notificationIDs(got), []int64{n2.ID}) {
		t.Errorf("claim after Release: got %v, want [%d]", notificationIDs(got), n2.ID)
	}
}

func testRetarget(t *testing.T, s Backend) {
	mk := func(documento, chave, e2e string, next time.Time) *webhook.Notification {
		n := NewRow(documento, chave, "https://old.example/h", e2e, t0)
		n.NextAttempt = next
		return mustEnqueue(t, s, n)
	}
	later := mk("1", "k", "E1", t0.Add(time.Hour))
	due := mk("1", "k", "E2", t0.Add(-time.Second))
	claimed := mk("1", "k", "E3", t0.Add(-time.Hour))
	done := mk("1", "k", "E4", t0.Add(-time.Hour))
	otherChave := mk("1", "k2", "E5", t0.Add(time.Hour))
	otherRecebedor := mk("2", "k", "E6", t0.Add(time.Hour))
	mustClaim(t, s, "a", t0.Add(-time.Hour), 2*time.Hour, 2) // claimed and done
	mustRecord(t, s, "a", &webhook.Attempt{NotificationIDs: []int64{done.ID}, Documento: "1", Chave: "k", At: t0.Add(-time.Hour), StatusCode: 200},
		webhook.Transition{ID: done.ID, Status: webhook.StatusDelivered})

	n, err := s.Retarget(t.Context(), "1", "k", "https://new.example/h", t0)
	if err != nil || n != 3 {
		t.Fatalf("Retarget: %d, %v; want 3 (the pending rows of the chave)", n, err)
	}
	for _, c := range []struct {
		n    *webhook.Notification
		url  string
		next time.Time
	}{
		{later, "https://new.example/h", t0},
		{due, "https://new.example/h", t0.Add(-time.Second)},
		{claimed, "https://new.example/h", t0.Add(-time.Hour)},
		{done, "https://old.example/h", t0.Add(-time.Hour)},
		{otherChave, "https://old.example/h", t0.Add(time.Hour)},
		{otherRecebedor, "https://old.example/h", t0.Add(time.Hour)},
	} {
		got := mustGet(t, s, c.n.ID)
		if got.WebhookURL != c.url || !got.NextAttempt.Equal(c.next) {
			t.Errorf("row %s after Retarget: URL %s due %v, want %s due %v", c.n.EndToEndID, got.WebhookURL, got.NextAttempt, c.url, c.next)
		}
	}
	if got := mustGet(t, s, claimed.ID); got.Claim != "a" {
		t.Errorf("claimed row after Retarget: claim %q, want a (kept)", got.Claim)
	}
}

func testNotificationsList(t *testing.T, s Backend) {
	var all []*webhook.Notification
	for i := range 6 {
		doc := []string{"1", "2"}[i%2]
		// Creation times out of ID order, to check the ordering.
		at := t0.Add(time.Duration(5-i/2*2) * time.Second)
		all = append(all, mustEnqueue(t, s, NewRow(doc, fmt.Sprint("k", i%3), "https://a.example", fmt.Sprint("E", i), at)))
	}
	mustClaim(t, s, "a", t0.Add(time.Hour), time.Minute, 1)
	first := all[4] // the oldest (t0+1s; all[5] has the same time and a greater ID)
	mustRecord(t, s, "a", &webhook.Attempt{NotificationIDs: []int64{first.ID}, Documento: first.Documento, Chave: first.Chave, At: t0, StatusCode: 200},
		webhook.Transition{ID: first.ID, Status: webhook.StatusDelivered})

	list := func(f webhook.NotificationFilter) ([]string, int) {
		t.Helper()
		got, total, err := s.Notifications(t.Context(), f)
		if err != nil {
			t.Fatalf("Notifications(%+v): %v", f, err)
		}
		var e2e []string
		for _, n := range got {
			e2e = append(e2e, n.EndToEndID)
		}
		return e2e, total
	}
	for _, c := range []struct {
		name  string
		f     webhook.NotificationFilter
		want  []string
		total int
	}{
		{"All", webhook.NotificationFilter{Limit: 10}, []string{"E4", "E5", "E2", "E3", "E0", "E1"}, 6},
		{"Page", webhook.NotificationFilter{Offset: 1, Limit: 2}, []string{"E5", "E2"}, 6},
		{"CountOnly", webhook.NotificationFilter{}, nil, 6},
		{"PastTheEnd", webhook.NotificationFilter{Offset: 6, Limit: 2}, nil, 6},
		{"Documento", webhook.NotificationFilter{Documento: "2", Limit: 10}, []string{"E5", "E3", "E1"}, 3},
		{"Chave", webhook.NotificationFilter{Chave: "k1", Limit: 10}, []string{"E4", "E1"}, 2},
		{"EndToEndID", webhook.NotificationFilter{EndToEndID: "E3", Limit: 10}, []string{"E3"}, 1},
		{"Status", webhook.NotificationFilter{Status: webhook.StatusDelivered, Limit: 10}, []string{"E4"}, 1},
		{"InicioFimInclusive", webhook.NotificationFilter{Inicio: t0.Add(3 * time.Second), Fim: t0.Add(5 * time.Second), Limit: 10}, []string{"E2", "E3", "E0", "E1"}, 4},
	} {
		got, total := list(c.f)
		if !slices.Equal(got, c.want) || total != c.total {
			t.Errorf("%s: got %v (total %d), want %v (total %d)", c.name, got, total, c.want, c.total)
		}
	}
}

func testAttemptsList(t *testing.T, s Backend) {
	n1 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E1", t0))
	n2 := mustEnqueue(t, s, NewRow("1", "k", "https://a.example", "E2", t0))
	n3 := mustEnqueue(t, s, NewRow("2", "j", "https://b.example", "E3", t0))
	record := func(at time.Time, ns ...*webhook.Notification) int64 {
		t.Helper()
		a := &webhook.Attempt{Documento: ns[0].Documento, Chave: ns[0].Chave, At: at, Error: "receiver answered 500 Internal Server Error", StatusCode: 500}
		for _, n := range ns {
			a.NotificationIDs = append(a.NotificationIDs, n.ID)
		}
		mustRecord(t, s, "nobody", a) // no transitions: history only
		return a.ID
	}
	// Attempt times out of ID order, to check the ordering.
	a1 := record(t0.Add(2*time.Second), n1, n2)
	a2 := record(t0.Add(time.Second), n3)
	a3 := record(t0.Add(2*time.Second), n2)
	a4 := record(t0.Add(3*time.Second), n1)
	if !(a1 < a2 && a2 < a3 && a3 < a4) {
		t.Fatalf("attempt IDs %d %d %d %d: want increasing", a1, a2, a3, a4)
	}
	list := func(f webhook.AttemptFilter) ([]int64, int) {
		t.Helper()
		got, total, err := s.Attempts(t.Context(), f)
		if err != nil {
			t.Fatalf("Attempts(%+v): %v", f, err)
		}
		var out []int64
		for _, a := range got {
			out = append(out, a.ID)
		}
		return out, total
	}
	for _, c := range []struct {
		name  string
		f     webhook.AttemptFilter
		want  []int64
		total int
	}{
		{"All", webhook.AttemptFilter{Limit: 10}, []int64{a2, a1, a3, a4}, 4},
		{"Page", webhook.AttemptFilter{Offset: 1, Limit: 2}, []int64{a1, a3}, 4},
		{"CountOnly", webhook.AttemptFilter{}, nil, 4},
		{"Documento", webhook.AttemptFilter{Documento: "1", Limit: 10}, []int64{a1, a3, a4}, 3},
		{"Chave", webhook.AttemptFilter{Chave: "j", Limit: 10}, []int64{a2}, 1},
		{"Notification", webhook.AttemptFilter{NotificationID: n2.ID, Limit: 10}, []int64{a1, a3}, 2},
		{"InicioFimInclusive", webhook.AttemptFilter{Inicio: t0.Add(time.Second), Fim: t0.Add(2 * time.Second), Limit: 10}, []int64{a2, a1, a3}, 3},
	} {
		got, total := list(c.f)
		if !slices.Equal(got, c.want) || total != c.total {
			t.Errorf("%s: got %v (total %d), want %v (total %d)", c.name, got, total, c.want, c.total)
		}
	}
	got, _, _ := s.Attempts(t.Context(), webhook.AttemptFilter{NotificationID: n1.ID, Limit: 1})
	if len(got) != 1 || !slices.Equal(got[0].NotificationIDs, []int64{n1.ID, n2.ID}) {
		t.Errorf("NotificationIDs of attempt %d: got %v, want [%d %d] in order", a1, got, n1.ID, n2.ID)
	}
}

func testCancelled(t *testing.T, s Backend) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	check := func(call string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: got %v, want an error wrapping context.Canceled", call, err)
		}
	}
	check("Enqueue", s.Enqueue(ctx, NewRow("1", "k", "https://a.example", "E1", t0)))
	_, err := s.Retarget(ctx, "1", "k", "https://b.example", t0)
	check("Retarget", err)
	_, err = s.Claim(ctx, webhook.ClaimRequest{Claim: "a", Now: t0, Until: t0.Add(time.Minute), Limit: 1})
	check("Claim", err)
	check("Record", s.Record(ctx, "a", &webhook.Attempt{At: t0}, nil))
	check("Release", s.Release(ctx, "a", []int64{1}))
	_, err = s.Renew(ctx, "a", []int64{1}, t0.Add(time.Minute))
	check("Renew", err)
	_, _, err = s.Notifications(ctx, webhook.NotificationFilter{Limit: 1})
	check("Notifications", err)
	_, _, err = s.Attempts(ctx, webhook.AttemptFilter{Limit: 1})
	check("Attempts", err)
}
