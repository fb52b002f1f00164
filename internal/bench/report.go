package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Report is the result of a run. Its JSON form (see [Report.WriteJSON]) uses
// snake_case keys, gives Duration in seconds ("duration_s"), latencies in
// milliseconds and Status keys as decimal strings.
type Report struct {
	// Scenario is the scenario that ran.
	Scenario string
	// Method and URL are the measured request; for ScenarioRequest, URL
	// still holds the {n} and {rand} placeholders of the path.
	Method, URL string
	// Concurrency is the number of workers.
	Concurrency int
	// Requests is the number of completed requests and Errors how many of
	// them failed at transport level or had a status of 400 or above.
	Requests, Errors int64
	// Status counts the responses by HTTP status code. Requests that got no
	// response are in Errors only.
	Status map[int]int64
	// Duration is the wall time of the run, from the first request started
	// to the last one finished.
	Duration time.Duration
	// RPS is Requests divided by Duration.
	RPS float64
	// Latency summarizes the latency of all Requests.
	Latency Latency
	// Started is when the run started, in UTC.
	Started time.Time
	// GoVersion, GOOS, GOARCH and NumCPU describe the load generator's
	// build and machine.
	GoVersion, GOOS, GOARCH string
	NumCPU                  int
	// FirstError is the message of the first transport-level error, if
	// any; it usually explains the rest (TLS trust, refused connection).
	FirstError string
}

// Latency holds latency statistics. Percentiles use the nearest-rank method.
// In JSON, each is a number of milliseconds: p50_ms, p90_ms, p99_ms, max_ms
// and mean_ms.
type Latency struct {
	P50, P90, P99, Max, Mean time.Duration
}

// newReport returns an empty report started at start, describing this build.
func newReport(start time.Time) *Report {
	return &Report{
		Status:    make(map[int]int64),
		Started:   start.UTC().Round(0).Truncate(time.Millisecond),
		GoVersion: runtime.Version(),
		GOOS:      runtime.GOOS,
		GOARCH:    runtime.GOARCH,
		NumCPU:    runtime.NumCPU(),
	}
}

type latencyJSON struct {
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
	Mean float64 `json:"mean_ms"`
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func fromMillis(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

// MarshalJSON implements [json.Marshaler].
func (l Latency) MarshalJSON() ([]byte, error) {
	return json.Marshal(latencyJSON{millis(l.P50), millis(l.P90), millis(l.P99), millis(l.Max), millis(l.Mean)})
}

// UnmarshalJSON implements [json.Unmarshaler].
func (l *Latency) UnmarshalJSON(b []byte) error {
	var j latencyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*l = Latency{fromMillis(j.P50), fromMillis(j.P90), fromMillis(j.P99), fromMillis(j.Max), fromMillis(j.Mean)}
	return nil
}

// reportJSON is the wire form of Report.
type reportJSON struct {
	Scenario    string        `json:"scenario"`
	Method      string        `json:"method"`
	URL         string        `json:"url"`
	Concurrency int           `json:"concurrency"`
	Requests    int64         `json:"requests"`
	Errors      int64         `json:"errors"`
	Status      map[int]int64 `json:"status"`
	Duration    float64       `json:"duration_s"`
	RPS         float64       `json:"rps"`
	Latency     Latency       `json:"latency"`
	Started     time.Time     `json:"started"`
	GoVersion   string        `json:"go_version"`
	GOOS        string        `json:"goos"`
	GOARCH      string        `json:"goarch"`
	NumCPU      int           `json:"num_cpu"`
	FirstError  string        `json:"first_error,omitempty"`
}

// MarshalJSON implements [json.Marshaler].
func (r Report) MarshalJSON() ([]byte, error) {
	return json.Marshal(reportJSON{
		Scenario: r.Scenario, Method: r.Method, URL: r.URL, Concurrency: r.Concurrency,
		Requests: r.Requests, Errors: r.Errors, Status: r.Status,
		Duration: r.Duration.Seconds(), RPS: r.RPS, Latency: r.Latency, Started: r.Started,
		GoVersion: r.GoVersion, GOOS: r.GOOS, GOARCH: r.GOARCH, NumCPU: r.NumCPU, FirstError: r.FirstError,
	})
}

// UnmarshalJSON implements [json.Unmarshaler], so saved reports can be read
// back and compared.
func (r *Report) UnmarshalJSON(b []byte) error {
	var j reportJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Report{
		Scenario: j.Scenario, Method: j.Method, URL: j.URL, Concurrency: j.Concurrency,
		Requests: j.Requests, Errors: j.Errors, Status: j.Status,
		Duration: time.Duration(math.Round(j.Duration * float64(time.Second))), RPS: j.RPS,
		Latency: j.Latency, Started: j.Started,
		GoVersion: j.GoVersion, GOOS: j.GOOS, GOARCH: j.GOARCH, NumCPU: j.NumCPU, FirstError: j.FirstError,
	}
	return nil
}

// WriteJSON writes r to w as indented JSON followed by a newline.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("bench: write report: %w", err)
	}
	return nil
}

// WriteText writes a human-readable summary of r to w.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	line := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "%-13s"+format+"\n", append([]any{label}, args...)...)
	}
	line("scenario", "%s (%s %s)", r.Scenario, r.Method, r.URL)
	line("concurrency", "%d", r.Concurrency)
	line("requests", "%d in %s, %.1f req/s", r.Requests, r.Duration.Round(time.Millisecond), r.RPS)
	pct := 0.0
	if r.Requests > 0 {
		pct = 100 * float64(r.Errors) / float64(r.Requests)
	}
	line("errors", "%d (%.2f%%)", r.Errors, pct)
	codes := make([]int, 0, len(r.Status))
	for c := range r.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var st []string
	for _, c := range codes {
		st = append(st, fmt.Sprintf("%d: %d", c, r.Status[c]))
	}
	if len(st) == 0 {
		st = append(st, "none")
	}
	line("status", "%s", strings.Join(st, ", "))
	l := r.Latency
	line("latency", "p50 %s  p90 %s  p99 %s  max %s  mean %s",
		fmtMillis(l.P50), fmtMillis(l.P90), fmtMillis(l.P99), fmtMillis(l.Max), fmtMillis(l.Mean))
	line("client", "%s %s/%s, %d CPUs", r.GoVersion, r.GOOS, r.GOARCH, r.NumCPU)
	line("started", "%s", r.Started.Format(time.RFC3339))
	if r.FirstError != "" {
		line("first error", "%s", r.FirstError)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("bench: write report: %w", err)
	}
	return nil
}

// fmtMillis formats d as milliseconds with microsecond precision.
func fmtMillis(d time.Duration) string {
	return fmt.Sprintf("%.3fms", millis(d))
}

// latencyOf computes the statistics of sorted.
func latencyOf(sorted []time.Duration) Latency {
	if len(sorted) == 0 {
		return Latency{}
	}
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	return Latency{
		P50:  percentile(sorted, 50),
		P90:  percentile(sorted, 90),
		P99:  percentile(sorted, 99),
		Max:  sorted[len(sorted)-1],
		Mean: sum / time.Duration(len(sorted)),
	}
}

// percentile returns the p-th percentile (0 < p <= 100) of the ascending
// slice sorted by the nearest-rank method: the smallest value such that at
// least p percent of the values are less than or equal to it. It returns 0
// for an empty slice.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[nearestRank(int64(len(sorted)), p)-1]
}

// nearestRank returns the 1-based rank ceil(p/100 * n), clamped to [1, n].
func nearestRank(n int64, p float64) int64 {
	rank := int64(math.Ceil(p * float64(n) / 100))
	return min(max(rank, 1), n)
}

// The histogram behind the live p99 has log-linear buckets: exact below
// 2^subBits ns, then 2^subBits buckets per power of two, so a value's bucket
// bounds are within 1/2^subBits (6.25%) of it. nBuckets covers every
// non-negative time.Duration.
const (
	subBits  = 4
	subCount = 1 << subBits
	nBuckets = (64 - subBits) << subBits
)

// histogram counts latencies by bucket. Its owner adds; anyone may read.
type histogram [nBuckets]atomic.Int64

func (h *histogram) add(d time.Duration) { h[bucketOf(d)].Add(1) }

// addTo adds the counts of h to counts.
func (h *histogram) addTo(counts *[nBuckets]int64) {
	for i := range h {
		counts[i] += h[i].Load()
	}
}

// bucketOf returns the bucket index of d.
func bucketOf(d time.Duration) int {
	if d < subCount {
		return int(max(d, 0))
	}
	v := uint64(d)
	shift := bits.Len64(v) - subBits - 1
	return (shift+1)<<subBits + int(v>>shift) - subCount
}

// bucketMax returns the largest duration in bucket i.
func bucketMax(i int) time.Duration {
	if i < subCount {
		return time.Duration(i)
	}
	shift := i>>subBits - 1
	m := uint64(i&(subCount-1) + subCount)
	return time.Duration((m+1)<<shift - 1)
}

// histQuantile returns the upper bound of the bucket holding the p-th
// percentile (nearest rank) of the counts, or 0 if they are all zero.
func histQuantile(counts *[nBuckets]int64, p float64) time.Duration {
	var total int64
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	rank := nearestRank(total, p)
	var cum int64
	for i, c := range counts {
		cum += c
		if cum >= rank {
			return bucketMax(i)
		}
	}
	return bucketMax(nBuckets - 1)
}
