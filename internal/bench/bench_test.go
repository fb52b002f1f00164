package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/bench"
)

func TestRunToken(t *testing.T) {
	f := MustFakeAPI(t, MustPKI(t))
	opts := f.Options()
	opts.Scenario = bench.ScenarioToken
	opts.Count = 200
	opts.Scopes = []string{"cob.read", "cob.write"}
	rep := MustRun(t, opts)

	if got, want := rep.Requests, int64(200); got != want {
		t.Errorf("Requests = %d, want %d", got, want)
	}
	if got, want := rep.Errors, int64(0); got != want {
		t.Errorf("Errors = %d, want %d (first error %q)", got, want, rep.FirstError)
	}
	if got, want := rep.Status[http.StatusOK], int64(200); got != want {
		t.Errorf("Status[200] = %d, want %d", got, want)
	}
	if got, want := f.TokenCalls(), 200; got != want {
		t.Errorf("server issued %d tokens, want %d", got, want)
	}
	if got, want := f.Scope(), "cob.read cob.write"; got != want {
		t.Errorf("scope = %q, want %q", got, want)
	}
	// Kept-alive: far fewer connections than requests. (Not a per-worker
	// bound: http.Transport may dial afresh when a request starts before the
	// previous connection is back in the idle pool.)
	if got, limit := f.Conns.Load(), rep.Requests/4; got > limit {
		t.Errorf("server saw %d connections for %d requests, want <= %d", got, rep.Requests, limit)
	}
	if got, want := rep.Method+" "+rep.URL, "POST "+f.URL+"/oauth/token"; got != want {
		t.Errorf("target = %q, want %q", got, want)
	}
	if rep.Duration <= 0 || rep.RPS <= 0 {
		t.Errorf("Duration = %v, RPS = %v, want both positive", rep.Duration, rep.RPS)
	}
	checkLatency(t, rep)
}

func TestRunTokenNewConn(t *testing.T) {
	f := MustFakeAPI(t, MustPKI(t))
	opts := f.Options()
	opts.Scenario = bench.ScenarioTokenNewConn
	opts.Count = 24
	rep := MustRun(t, opts)

	if got, want := rep.Requests, int64(24); got != want {
		t.Errorf("Requests = %d, want %d", got, want)
	}
	if got, want := rep.Errors, int64(0); got != want {
		t.Errorf("Errors = %d, want %d (first error %q)", got, want, rep.FirstError)
	}
	if got, want := f.Conns.Load(), rep.Requests; got != want {
		t.Errorf("server saw %d connections, want one per request (%d)", got, want)
	}
	if got, want := f.Handshakes.Load(), rep.Requests; got != want {
		t.Errorf("server saw %d handshakes, want one per request (%d)", got, want)
	}
	if got := f.Resumed.Load(); got != 0 {
		t.Errorf("%d handshakes resumed a session, want full handshakes only", got)
	}
	checkLatency(t, rep)
}

func TestRunRequest(t *testing.T) {
	t.Run("BearerAndRefreshAfter401", func(t *testing.T) {
		f := MustFakeAPI(t, MustPKI(t))
		f.RejectT1After = 3
		opts := f.Options()
		opts.Scenario = bench.ScenarioRequest
		opts.Path = "/api/v2/cob/abc"
		opts.Concurrency = 1
		opts.Count = 10
		rep := MustRun(t, opts)

		if got, want := rep.Requests, int64(10); got != want {
			t.Errorf("Requests = %d, want %d", got, want)
		}
		if got, want := rep.Status, map[int]int64{200: 9, 401: 1}; !maps.Equal(got, want) {
			t.Errorf("Status = %v, want %v", got, want)
		}
		if got, want := rep.Errors, int64(1); got != want {
			t.Errorf("Errors = %d, want %d", got, want)
		}
		if got, want := f.TokenCalls(), 2; got != want {
			t.Errorf("token requests = %d, want %d (first + refresh after 401)", got, want)
		}
		var auths []string
		for _, c := range f.Calls() {
			auths = append(auths, c.Auth)
			if c.Method != http.MethodGet || c.ContentType != "" {
				t.Errorf("request %s with Content-Type %q, want GET without one", c.Method, c.ContentType)
			}
		}
		want := []string{"Bearer t1", "Bearer t1", "Bearer t1", "Bearer t1",
			"Bearer t2", "Bearer t2", "Bearer t2", "Bearer t2", "Bearer t2", "Bearer t2"}
		if !slices.Equal(auths, want) {
			t.Errorf("Authorization headers = %q, want %q", auths, want)
		}
		if got, want := rep.Method+" "+rep.URL, "GET "+f.URL+"/api/v2/cob/abc"; got != want {
			t.Errorf("target = %q, want %q", got, want)
		}
	})

	t.Run("SingleRefreshAmongWorkers", func(t *testing.T) {
		f := MustFakeAPI(t, MustPKI(t))
		f.RejectT1After = 20
		opts := f.Options()
		opts.Scenario = bench.ScenarioRequest
		opts.Path = "/api/v2/cob/abc"
		opts.Concurrency = 8
		opts.Count = 200
		rep := MustRun(t, opts)

		if got, want := rep.Requests, int64(200); got != want {
			t.Errorf("Requests = %d, want %d", got, want)
		}
		// Workers with a t1 request in flight all get 401, but only one
		// refresh may run for them.
		if got, want := f.TokenCalls(), 2; got != want {
			t.Errorf("token requests = %d, want %d", got, want)
		}
		if got, want := rep.Status[401], rep.Errors; got < 1 || got > int64(opts.Concurrency) || got != want {
			t.Errorf("Status[401] = %d, Errors = %d, want equal and in [1, %d]", got, want, opts.Concurrency)
		}
		// Kept-alive: far fewer connections than requests. Not a per-worker
		// bound: under load http.Transport dials afresh when a request starts
		// before a connection is back in the idle pool (a CI run saw 21).
		if got, limit := f.Conns.Load(), rep.Requests/4; got > limit {
			t.Errorf("server saw %d connections for %d requests, want <= %d", got, rep.Requests, limit)
		}
		checkLatency(t, rep)
	})

	t.Run("RefreshBeforeExpiry", func(t *testing.T) {
		f := MustFakeAPI(t, MustPKI(t))
		f.ExpiresIn = 1 // renewed halfway, every 500 ms
		opts := f.Options()
		opts.Scenario = bench.ScenarioRequest
		opts.Path = "/api/v2/cob/abc"
		opts.Concurrency = 2
		opts.Duration = 1100 * time.Millisecond
		rep := MustRun(t, opts)

		if got, want := rep.Errors, int64(0); got != want {
			t.Errorf("Errors = %d, want %d (status %v)", got, want, rep.Status)
		}
		if got := f.TokenCalls(); got < 3 {
			t.Errorf("token requests = %d, want >= 3 (first, ~0.5 s, ~1 s)", got)
		}
		if rep.Duration < opts.Duration {
			t.Errorf("Duration = %v, want >= %v", rep.Duration, opts.Duration)
		}
		if rep.Requests == 0 {
			t.Error("no requests")
		}
	})

	t.Run("TemplatesHeadersAndStatusErrors", func(t *testing.T) {
		f := MustFakeAPI(t, MustPKI(t))
		re := regexp.MustCompile(`^bench(\d+)x([A-Za-z0-9]{32})$`)
		f.Status = func(r *http.Request) int {
			m := re.FindStringSubmatch(r.PathValue("id"))
			if m == nil {
				return http.StatusBadRequest
			}
			if n, _ := strconv.Atoi(m[1]); n%2 == 0 {
				return http.StatusNotFound
			}
			return http.StatusCreated
		}
		opts := f.Options()
		opts.Scenario = bench.ScenarioRequest
		opts.Method = http.MethodPut
		opts.Path = "/api/v2/cob/bench{n}x{rand}"
		opts.Body = `{"n":{n},"r":"{rand}","literal":"{x}"}`
		opts.Header = http.Header{"X-Bench": {"yes"}}
		opts.Concurrency = 3
		opts.Count = 10
		rep := MustRun(t, opts)

		if got, want := rep.Status, map[int]int64{201: 5, 404: 5}; !maps.Equal(got, want) {
			t.Errorf("Status = %v, want %v", got, want)
		}
		if got, want := rep.Errors, int64(5); got != want {
			t.Errorf("Errors = %d, want %d", got, want)
		}
		var ns []int
		rands := map[string]bool{}
		for _, c := range f.Calls() {
			m := re.FindStringSubmatch(c.ID)
			if m == nil {
				t.Errorf("path id %q does not match %v", c.ID, re)
				continue
			}
			n, _ := strconv.Atoi(m[1])
			ns = append(ns, n)
			rands[m[2]] = true
			if got, want := c.Body, fmt.Sprintf(`{"n":%d,"r":"%s","literal":"{x}"}`, n, m[2]); got != want {
				t.Errorf("body = %s, want %s", got, want)
			}
			if got, want := c.ContentType, "application/json"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			if got, want := c.Extra, "yes"; got != want {
				t.Errorf("X-Bench = %q, want %q", got, want)
			}
			if got, want := c.Method, http.MethodPut; got != want {
				t.Errorf("method = %q, want %q", got, want)
			}
		}
		slices.Sort(ns)
		if got, want := ns, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; !slices.Equal(got, want) {
			t.Errorf("{n} values = %v, want %v", got, want)
		}
		if got, want := len(rands), 10; got != want {
			t.Errorf("%d distinct {rand} values, want %d", got, want)
		}
	})

	t.Run("FirstTokenFails", func(t *testing.T) {
		f := MustFakeAPI(t, MustPKI(t))
		opts := f.Options()
		opts.Scenario = bench.ScenarioRequest
		opts.Path = "/api/v2/cob/abc"
		opts.ClientSecret = "wrong"
		opts.Count = 1
		_, err := bench.Run(t.Context(), opts)
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("Run error = %v, want one mentioning 401", err)
		}
	})
}

func TestRunErrors(t *testing.T) {
	t.Run("ByStatus", func(t *testing.T) {
		f := MustFakeAPI(t, MustPKI(t))
		opts := f.Options()
		opts.ClientSecret = "wrong"
		opts.Count = 12
		rep := MustRun(t, opts)

		if got, want := rep.Errors, int64(12); got != want {
			t.Errorf("Errors = %d, want %d", got, want)
		}
		if got, want := rep.Status, map[int]int64{401: 12}; !maps.Equal(got, want) {
			t.Errorf("Status = %v, want %v", got, want)
		}
		if rep.FirstError != "" {
			t.Errorf("FirstError = %q, want none for HTTP errors", rep.FirstError)
		}
	})

	t.Run("TransportUntrustedServer", func(t *testing.T) {
		f := MustFakeAPI(t, MustPKI(t))
		opts := f.Options()
		opts.CAFile = MustPKI(t).CAFile // another CA
		opts.Count = 5
		rep := MustRun(t, opts)

		if got, want := rep.Requests, int64(5); got != want {
			t.Errorf("Requests = %d, want %d", got, want)
		}
		if got, want := rep.Errors, int64(5); got != want {
			t.Errorf("Errors = %d, want %d", got, want)
		}
		if len(rep.Status) != 0 {
			t.Errorf("Status = %v, want empty", rep.Status)
		}
		if !strings.Contains(rep.FirstError, "certificate") {
			t.Errorf("FirstError = %q, want a certificate error", rep.FirstError)
		}
	})

	t.Run("Timeout", func(t *testing.T) {
		f := MustFakeAPI(t, MustPKI(t))
		f.Delay = 2 * time.Second
		opts := f.Options()
		opts.Scenario = bench.ScenarioRequest
		opts.Path = "/api/v2/cob/abc"
		opts.Concurrency = 2
		opts.Count = 2
		opts.Timeout = 100 * time.Millisecond
		rep := MustRun(t, opts)

		if got, want := rep.Errors, int64(2); got != want {
			t.Errorf("Errors = %d, want %d (requests %d, status %v, first error %q)", got, want, rep.Requests, rep.Status, rep.FirstError)
		}
		if rep.Latency.Max > time.Second {
			t.Errorf("Latency.Max = %v, want about the 100ms timeout", rep.Latency.Max)
		}
	})
}

func TestRunCancel(t *testing.T) {
	f := MustFakeAPI(t, MustPKI(t))
	f.Delay = 20 * time.Millisecond
	opts := f.Options()
	opts.Scenario = bench.ScenarioRequest
	opts.Path = "/api/v2/cob/abc"
	opts.Duration = time.Minute
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()

	start := time.Now()
	rep, err := bench.Run(ctx, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run took %v after cancellation at 300ms", d)
	}
	if rep.Requests == 0 {
		t.Error("no requests before cancellation")
	}
	if got, want := rep.Errors, int64(0); got != want {
		t.Errorf("Errors = %d, want %d: requests cut short must not count (first error %q)", got, want, rep.FirstError)
	}
}

func TestRunProgress(t *testing.T) {
	f := MustFakeAPI(t, MustPKI(t))
	opts := f.Options()
	opts.Count = 20
	var buf bytes.Buffer
	opts.Progress = &buf
	MustRun(t, opts)

	out := buf.String()
	if !strings.HasPrefix(out, "\r") || !strings.HasSuffix(out, "\n") {
		t.Errorf("progress = %q, want \\r-rewritten lines ending in a newline", out)
	}
	last := out[strings.LastIndex(out, "\r")+1:]
	for _, want := range []string{"20 requests", "0 errors", "p99"} {
		if !strings.Contains(last, want) {
			t.Errorf("last progress line %q lacks %q", last, want)
		}
	}
}

func TestRunSandbox(t *testing.T) {
	p := MustPKI(t)
	f := MustFakeAPI(t, p)
	writeSandbox := func(t *testing.T, dir string, caFile, certFile, keyFile string) string {
		t.Helper()
		sb := map[string]any{
			"api_url": f.URL, "web_url": "https://127.0.0.1:1", "ca_file": caFile, "admin_token": "adm",
			"pix": map[string]any{
				"client_id": f.ClientID, "client_secret": f.ClientSecret, "cert_file": certFile, "key_file": keyFile,
				"pfx_file": "x.pfx", "pfx_password": "pw", "chave": "k", "cnpj": "12345678000195",
				"cooperativa": "0101", "conta": "12345", "scopes": []string{"cob.read"},
			},
			"banking":  map[string]any{"client_id": "other", "account_id": "1"},
			"unknown":  []int{1, 2, 3},
			"psc_next": map[string]any{"nested": map[string]any{"x": true}},
		}
		b, err := json.Marshal(sb)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "sandbox.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	t.Run("File", func(t *testing.T) {
		path := writeSandbox(t, t.TempDir(), p.CAFile, p.CertFile, p.KeyFile)
		rep := MustRun(t, bench.Options{Sandbox: path, Count: 5, Concurrency: 2})
		if got, want := rep.Status, map[int]int64{200: 5}; !maps.Equal(got, want) {
			t.Errorf("Status = %v, want %v (first error %q)", got, want, rep.FirstError)
		}
		if got, want := rep.URL, f.URL+"/oauth/token"; got != want {
			t.Errorf("URL = %q, want %q", got, want)
		}
	})

	t.Run("DirectoryWithRelativePaths", func(t *testing.T) {
		writeSandbox(t, p.Dir, "ca.pem", "client.pem", "client-key.pem")
		rep := MustRun(t, bench.Options{Sandbox: p.Dir, Count: 3, Concurrency: 1})
		if got, want := rep.Status, map[int]int64{200: 3}; !maps.Equal(got, want) {
			t.Errorf("Status = %v, want %v (first error %q)", got, want, rep.FirstError)
		}
	})

	t.Run("OptionsOverride", func(t *testing.T) {
		path := writeSandbox(t, t.TempDir(), p.CAFile, p.CertFile, p.KeyFile)
		rep := MustRun(t, bench.Options{Sandbox: path, ClientSecret: "wrong", Count: 3, Concurrency: 1})
		if got, want := rep.Status, map[int]int64{401: 3}; !maps.Equal(got, want) {
			t.Errorf("Status = %v, want %v", got, want)
		}
	})
}

func TestRunInvalidOptions(t *testing.T) {
	p := MustPKI(t)
	valid := bench.Options{URL: "https://127.0.0.1:1", CAFile: p.CAFile, CertFile: p.CertFile, KeyFile: p.KeyFile, ClientID: "c", Count: 1}
	tests := []struct {
		name   string
		modify func(o *bench.Options)
		want   string
	}{
		{"UnknownScenario", func(o *bench.Options) { o.Scenario = "tokens" }, "unknown scenario"},
		{"NoURL", func(o *bench.Options) { o.URL = "" }, "no URL"},
		{"BadScheme", func(o *bench.Options) { o.URL = "ftp://127.0.0.1" }, "want https"},
		{"NoClientID", func(o *bench.Options) { o.ClientID = "" }, "client ID"},
		{"CertWithoutKey", func(o *bench.Options) { o.KeyFile = "" }, "together"},
		{"NegativeConcurrency", func(o *bench.Options) { o.Concurrency = -1 }, "negative"},
		{"NegativeCount", func(o *bench.Options) { o.Count = -1 }, "negative"},
		{"RequestWithoutPath", func(o *bench.Options) { o.Scenario = bench.ScenarioRequest }, "Path"},
		{"RequestBadMethod", func(o *bench.Options) {
			o.Scenario, o.Method, o.Path = bench.ScenarioRequest, "GE T", "/x"
		}, "method"},
		{"PathForToken", func(o *bench.Options) { o.Path = "/x" }, "only to the request scenario"},
		{"MissingSandbox", func(o *bench.Options) { o.Sandbox = filepath.Join(t.TempDir(), "nope.json") }, "sandbox"},
		{"MissingCA", func(o *bench.Options) { o.CAFile = filepath.Join(t.TempDir(), "nope.pem") }, "CA"},
		{"CAWithoutPEM", func(o *bench.Options) { o.CAFile = p.KeyFile }, "no PEM certificate"},
		{"BadKeyPair", func(o *bench.Options) { o.KeyFile = p.CAFile }, "client certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid
			tt.modify(&o)
			rep, err := bench.Run(t.Context(), o)
			if err == nil {
				t.Fatalf("Run = %+v, want error containing %q", rep, tt.want)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "bench: ") || !strings.Contains(msg, tt.want) {
				t.Errorf("error = %q, want prefix %q and %q", msg, "bench: ", tt.want)
			}
		})
	}
}
