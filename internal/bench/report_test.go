package bench_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/bench"
)

func TestPercentile(t *testing.T) {
	ms := func(vs ...int) []time.Duration {
		out := make([]time.Duration, len(vs))
		for i, v := range vs {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"Empty", nil, 50, 0},
		{"Single", ms(7), 99, 7 * time.Millisecond},
		{"FiveP50", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond}, // rank ceil(2.5) = 3
		{"FiveP90", ms(1, 2, 3, 4, 5), 90, 5 * time.Millisecond}, // rank ceil(4.5) = 5
		{"FiveP20", ms(1, 2, 3, 4, 5), 20, 1 * time.Millisecond}, // rank exactly 1
		{"FiveP0", ms(1, 2, 3, 4, 5), 0, 1 * time.Millisecond},
		{"TenP90", ms(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), 90, 90 * time.Millisecond},
		{"TenP99", ms(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), 99, 100 * time.Millisecond},
		{"HundredP50", ms(hundred...), 50, 50 * time.Millisecond},
		{"HundredP90", ms(hundred...), 90, 90 * time.Millisecond},
		{"HundredP99", ms(hundred...), 99, 99 * time.Millisecond},
		{"HundredP100", ms(hundred...), 100, 100 * time.Millisecond},
		{"Repeated", ms(1, 1, 1, 1, 9), 80, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bench.Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestHistogramBuckets(t *testing.T) {
	values := []time.Duration{0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 1000, 999_999, 1_000_000,
		12_345_678, time.Second, time.Hour, 1<<40 + 123, math.MaxInt64}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		values = append(values, time.Duration(rng.Int64N(int64(10*time.Second))))
	}
	slices.Sort(values)
	prev := -1
	for _, v := range values {
		i := bench.BucketOf(v)
		if i < prev {
			t.Fatalf("BucketOf(%d) = %d, below BucketOf of a smaller value (%d)", v, i, prev)
		}
		prev = i
		hi := bench.BucketMax(i)
		if hi < v {
			t.Errorf("BucketMax(BucketOf(%d)) = %d, want >= %d", v, hi, v)
		}
		if i > 0 && bench.BucketMax(i-1) >= v {
			t.Errorf("BucketMax(%d) = %d, want < %d", i-1, bench.BucketMax(i-1), v)
		}
		if float64(hi-v) > float64(v)/16 {
			t.Errorf("bucket of %d ends at %d, more than 1/16 above", v, hi)
		}
	}
}

func TestReportJSON(t *testing.T) {
	f := MustFakeAPI(t, MustPKI(t))
	opts := f.Options()
	opts.Count = 30
	rep := MustRun(t, opts)
	checkLatency(t, rep)

	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\n  \"scenario\": \"token\"") {
		t.Errorf("JSON is not indented:\n%s", buf.String())
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scenario", "method", "url", "concurrency", "requests", "errors", "status",
		"duration_s", "rps", "latency", "started", "go_version", "goos", "goarch", "num_cpu"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks key %q:\n%s", k, buf.String())
		}
	}
	if _, ok := m["first_error"]; ok {
		t.Errorf("JSON has first_error without errors")
	}
	if got, want := m["requests"], float64(30); got != want {
		t.Errorf("requests = %v, want %v", got, want)
	}
	if got, want := m["status"], map[string]any{"200": float64(30)}; !equalJSON(got, want) {
		t.Errorf("status = %v, want %v", got, want)
	}
	lat, _ := m["latency"].(map[string]any)
	for _, k := range []string{"p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"} {
		if v, ok := lat[k].(float64); !ok || v <= 0 {
			t.Errorf("latency.%s = %v, want a positive number", k, lat[k])
		}
	}
	if got, want := lat["p99_ms"], float64(rep.Latency.P99)/1e6; got != want {
		t.Errorf("latency.p99_ms = %v, want %v", got, want)
	}
	if got, want := m["duration_s"], rep.Duration.Seconds(); got != want {
		t.Errorf("duration_s = %v, want %v", got, want)
	}

	var back bench.Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !back.Started.Equal(rep.Started) {
		t.Errorf("Started round trip = %v, want %v", back.Started, rep.Started)
	}
	back.Started, rep.Started = time.Time{}, time.Time{}
	if got, want := mustJSON(t, back), mustJSON(t, *rep); got != want {
		t.Errorf("round trip:\n got %s\nwant %s", got, want)
	}
	if back.Latency != rep.Latency || back.Duration != rep.Duration {
		t.Errorf("round trip Latency/Duration = %+v/%v, want %+v/%v", back.Latency, back.Duration, rep.Latency, rep.Duration)
	}
}

func TestReportWriteText(t *testing.T) {
	rep := &bench.Report{
		Scenario: "request", Method: "GET", URL: "https://127.0.0.1:8443/api/v2/cob/{rand}", Concurrency: 8,
		Requests: 1000, Errors: 10, Status: map[int]int64{200: 990, 404: 10},
		Duration: 2 * time.Second, RPS: 500,
		Latency:   bench.Latency{P50: 1500 * time.Microsecond, P90: 2 * time.Millisecond, P99: 3 * time.Millisecond, Max: 9 * time.Millisecond, Mean: 1600 * time.Microsecond},
		GoVersion: "go1.26.8", GOOS: "linux", GOARCH: "amd64", NumCPU: 8,
		FirstError: "dial tcp: connection refused",
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"request (GET https://127.0.0.1:8443/api/v2/cob/{rand})",
		"1000 in 2s, 500.0 req/s",
		"10 (1.00%)",
		"200: 990, 404: 10",
		"p50 1.500ms  p90 2.000ms  p99 3.000ms  max 9.000ms  mean 1.600ms",
		"go1.26.8 linux/amd64, 8 CPUs",
		"dial tcp: connection refused",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}
