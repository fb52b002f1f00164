package payments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/pixapi"
)

// BenchmarkPaymentToCallback measures issue 4's speed target: payments sent
// through the payer simulator (POST /sandbox/v1/payments: BR Code parse,
// location fetched over HTTPS and its JWS verified, settlement, outbox) at a
// fixed rate, open loop, and the time from sending each payment to its
// callback arriving at a local mTLS receiver. Run it once per rate:
//
//	go test -run '^$' -bench 'BenchmarkPaymentToCallback' -benchtime 1x ./internal/app/
//
// Each sub-benchmark pays rate×3 s worth of charges created beforehand and
// reports callback latency p50/p99 (ms) and the payments/s achieved.
func BenchmarkPaymentToCallback(b *testing.B) {
	for _, rate := range []int{200, 400, 600, 800, 1000, 1200, 1500} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			benchPayments(b, rate, 3*time.Second)
		})
	}
}

func benchPayments(b *testing.B, rate int, dur time.Duration) {
	h := apptest.Boot(b, apptest.Options{})
	c := h.PixClient()
	ctx := context.Background()
	chave := h.Sandbox.Pix.Chave
	recv := h.Receiver()
	if err := c.PutWebhook(ctx, chave, recv.URL()); err != nil {
		b.Fatal(err)
	}
	n := rate * int(dur/time.Second)
	codes := make([]string, n)
	txids := make([]string, n)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				txids[i] = fmt.Sprintf("benchpay%024d", i)
				cob, err := c.CreateCob(ctx, txids[i], pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: chave})
				if err != nil {
					b.Error(err)
					return
				}
				codes[i] = cob.PixCopiaECola
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	client := h.Client(nil)
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	sent := make([]time.Time, n)
	index := make(map[string]int, n)
	for i, t := range txids {
		index[t] = i
	}
	lat := make([]time.Duration, 0, n)
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		for len(lat) < n {
			cb, ok := recv.Next(30 * time.Second)
			if !ok {
				return
			}
			now := time.Now()
			ps, _ := pixapi.DecodeWebhook(cb.Body)
			mu.Lock()
			for _, p := range ps {
				if i, ok := index[p.TxID]; ok {
					lat = append(lat, now.Sub(sent[i]))
				}
			}
			mu.Unlock()
		}
	}()
	b.ResetTimer()
	start := time.Now()
	tick := time.NewTicker(time.Second / time.Duration(rate))
	var pw sync.WaitGroup
	var errCount int
	for i := 0; i < n; i++ {
		<-tick.C
		mu.Lock()
		sent[i] = time.Now()
		mu.Unlock()
		pw.Add(1)
		go func() {
			defer pw.Done()
			body, _ := json.Marshal(map[string]string{"pixCopiaECola": codes[i]})
			req, _ := http.NewRequest("POST", h.APIURL()+"/sandbox/v1/payments", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+h.Sandbox.AdminToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			if err != nil || resp.StatusCode != http.StatusCreated {
				mu.Lock()
				errCount++
				mu.Unlock()
			}
		}()
	}
	tick.Stop()
	pw.Wait()
	sendDur := time.Since(start)
	<-done
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	if errCount > 0 || len(lat) < n {
		b.Fatalf("%d payment errors, %d of %d callbacks", errCount, len(lat), n)
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(n)/sendDur.Seconds(), "payments/s")
}
