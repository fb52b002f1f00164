package charges_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/bench"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/brasa-dev/brasa/pixapi"
)

// BenchmarkCobHTTP measures the charge operations through the real API
// listener (mTLS, kept-alive connections, a valid token) with brasa's load
// generator in the same process, on SQLite with synchronous=FULL. b.N is the
// number of requests. docs/BENCHMARKS.md records the figures.
func BenchmarkCobHTTP(b *testing.B) {
	run := func(b *testing.B, h *apptest.Harness, method, path, body string) {
		b.Helper()
		b.ResetTimer()
		rep, err := bench.Run(context.Background(), bench.Options{Sandbox: h.Dir, Scenario: bench.ScenarioRequest,
			Method: method, Path: path, Body: body, Concurrency: 16, Count: b.N, Timeout: 30 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Errors > 0 {
			b.Fatalf("%d errors: %v %s", rep.Errors, rep.Status, rep.FirstError)
		}
		b.ReportMetric(rep.RPS, "req/s")
		b.ReportMetric(float64(rep.Latency.P99.Microseconds())/1000, "p99-ms")
	}
	b.Run("PUT", func(b *testing.B) {
		h := apptest.Boot(b, apptest.Options{})
		run(b, h, "PUT", "/api/v2/cob/{rand}", fmt.Sprintf(`{"calendario":{"expiracao":3600},"valor":{"original":"10.00"},"chave":%q,"solicitacaoPagador":"bench"}`, h.Sandbox.Pix.Chave))
	})
	b.Run("PUT/postgres", func(b *testing.B) {
		dsn := pgtest.MustSchema(b, pgtest.MustDSN(b))
		h := apptest.Boot(b, apptest.Options{DB: dsn})
		run(b, h, "PUT", "/api/v2/cob/{rand}", fmt.Sprintf(`{"calendario":{"expiracao":3600},"valor":{"original":"10.00"},"chave":%q,"solicitacaoPagador":"bench"}`, h.Sandbox.Pix.Chave))
	})
	b.Run("GET", func(b *testing.B) {
		h := apptest.Boot(b, apptest.Options{})
		mustCob(b, h, "benchget000000000000000000000000")
		run(b, h, "GET", "/api/v2/cob/benchget000000000000000000000000", "")
	})
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("List/stored=%d", n), func(b *testing.B) {
			h := apptest.Boot(b, apptest.Options{})
			bulkCobs(b, h, n)
			inicio := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
			fim := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
			run(b, h, "GET", "/api/v2/cob?inicio="+inicio+"&fim="+fim+"&paginacao.itensPorPagina=100", "")
		})
	}
	b.Run("Payload", func(b *testing.B) {
		h := apptest.Boot(b, apptest.Options{})
		cob := mustCob(b, h, "benchpayload00000000000000000000")
		web := h.Client(nil)
		url := "https://" + cob.Location
		b.ResetTimer()
		start := time.Now()
		for range b.N {
			resp, err := web.Get(url)
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("%v %v", resp, err)
			}
			resp.Body.Close()
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	})
}

func mustCob(b *testing.B, h *apptest.Harness, txid string) *pixapi.CobCompleta {
	b.Helper()
	cob, err := h.PixClient().CreateCob(context.Background(), txid, pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "10.00"}, Chave: h.Sandbox.Pix.Chave})
	if err != nil {
		b.Fatal(err)
	}
	return cob
}

// bulkCobs stores n charges of the demo recebedor spread over the last 24
// hours, with bodies of a realistic size, through the store's bulk insert.
func bulkCobs(b *testing.B, h *apptest.Harness, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	const batch = 20_000
	for i := 0; i < n; i += batch {
		recs := make([]*pix.CobRecord, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			txid := fmt.Sprintf("bulk%028d", j)
			criacao := now.Add(-24 * time.Hour).Add(time.Duration(j) * 24 * time.Hour / time.Duration(n))
			body, _ := json.Marshal(pixapi.CobCompleta{Calendario: pixapi.CobCalendario{Criacao: pixapi.Timestamp{Time: criacao}, Expiracao: 3600},
				TxID: txid, Status: pixapi.StatusAtiva, Valor: pixapi.CobValor{Original: "10.00"}, Chave: h.Sandbox.Pix.Chave,
				SolicitacaoPagador: "Serviço realizado."})
			recs = append(recs, &pix.CobRecord{Documento: h.Sandbox.Pix.CNPJ, TxID: txid, Tipo: pix.TipoCobImediata, Status: "ATIVA",
				Criacao: criacao, UpdatedAt: criacao, Body: body})
		}
		if err := h.App.Store.CreateCobs(ctx, recs); err != nil {
			b.Fatal(err)
		}
	}
}
