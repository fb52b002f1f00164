package webhook_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/internal/webhook/webhooktest"
)

// BenchmarkEnqueueToReceived measures the dispatcher's share of the
// payment → callback latency: from an enqueued and nudged notification to
// its POST reaching a local receiver over mutual TLS (in-memory store, one
// notification at a time, connection kept alive). It reports p50 and p99.
func BenchmarkEnqueueToReceived(b *testing.B) {
	f := newTLSFixture(b)
	got := make(chan string, 1)
	srv := startReceiver(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		got <- r.URL.Path
	}), f.server, f.ca.Pool())
	s := webhooktest.New()
	d, err := webhook.New(webhook.Options{
		Store:     s,
		TLSConfig: pki.ClientTLSConfig(&f.client, f.ca.Pool()),
		URLPolicy: webhook.URLPolicy{AllowLoopback: true, AllowAnyPort: true},
		Poll:      time.Hour,
	})
	if err != nil {
		b.Fatal(err)
	}
	start(b, d)

	lat := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		n, err := webhook.NewNotification(webhook.KindPix, documento, srv.URL+"/hook", newPix(e2e(i), "chave-a"), t0)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Enqueue(b.Context(), n); err != nil {
			b.Fatal(err)
		}
		d.Notify()
		<-got
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
