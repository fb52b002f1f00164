package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus metrics of one brasa process, on a registry of
// its own (no global state, so tests can boot several apps in one process).
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// Tokens counts access tokens issued, by surface.
	Tokens *prometheus.CounterVec
	// TokenErrors counts refused token requests, by surface and reason code.
	TokenErrors *prometheus.CounterVec
}

// NewMetrics registers brasa's metrics and the Go and process collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "brasa_http_requests_total", Help: "HTTP requests by surface, route pattern and status code.",
		}, []string{"surface", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "brasa_http_request_duration_seconds", Help: "HTTP request latency by surface and route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"surface", "route"}),
		Tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "brasa_oauth_tokens_issued_total", Help: "Access tokens issued, by surface.",
		}, []string{"surface"}),
		TokenErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "brasa_oauth_token_errors_total", Help: "Refused token requests, by surface and reason.",
		}, []string{"surface", "reason"}),
	}
	reg.MustRegister(m.requests, m.duration, m.Tokens, m.TokenErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Instrument counts and times requests of a surface. The route label is the
// ServeMux pattern that matched (never the raw path, whose ids would explode
// cardinality); unmatched requests are labelled "unmatched".
func (m *Metrics) Instrument(surface string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw, ok := w.(*statusWriter)
			if !ok {
				sw = &statusWriter{ResponseWriter: w}
			}
			next.ServeHTTP(sw, r)
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			code := sw.status
			if code == 0 {
				code = http.StatusOK
			}
			m.requests.WithLabelValues(surface, route, strconv.Itoa(code)).Inc()
			m.duration.WithLabelValues(surface, route).Observe(time.Since(start).Seconds())
		})
	}
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Pinger reports readiness of a dependency (the database).
type Pinger interface {
	Ping(ctx context.Context) error
}

// RegisterOps adds /healthz (the process is up), /readyz (the database
// answers within 2 s) and /metrics to mux.
func RegisterOps(mux *http.ServeMux, db Pinger, m *Metrics) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := db.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", m.Handler())
}
