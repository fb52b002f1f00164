package bench

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
)

// Scenario names accepted in [Options.Scenario].
const (
	// ScenarioToken measures POST /oauth/token over kept-alive connections.
	ScenarioToken = "token"
	// ScenarioTokenNewConn measures POST /oauth/token with a full mTLS
	// handshake (new connection, no session resumption) per request.
	ScenarioTokenNewConn = "token-newconn"
	// ScenarioRequest measures an arbitrary authenticated API request.
	ScenarioRequest = "request"
)

const (
	defaultConcurrency = 8
	defaultDuration    = 10 * time.Second
	defaultTimeout     = 30 * time.Second
	// refreshLead is how long before expires_in the access token is renewed.
	refreshLead = 60 * time.Second
	// maxPrealloc caps the latency samples allocated up front, over all
	// workers (32 MiB).
	maxPrealloc = 1 << 22
	// maxTokenBody caps the token response read by the request scenario.
	maxTokenBody = 1 << 20
)

// Options configures a run. Zero values take the documented defaults.
type Options struct {
	// Sandbox is the path of a sandbox.json written by `brasa sandbox` (or of
	// the sandbox data directory holding it). When set, it fills URL, CAFile,
	// CertFile, KeyFile, ClientID and ClientSecret (from its "pix" block)
	// wherever those fields are empty.
	Sandbox string
	// URL is the API base URL, e.g. https://127.0.0.1:8443.
	URL string
	// CAFile is a PEM bundle of the CAs trusted for the server certificate.
	// Empty means the system roots.
	CAFile string
	// CertFile and KeyFile are the PEM client certificate and key presented
	// in the TLS handshake. Both or neither must be set.
	CertFile, KeyFile string
	// ClientID and ClientSecret are the OAuth2 client credentials, sent with
	// HTTP Basic authentication (RFC 6749 §2.3.1).
	ClientID, ClientSecret string
	// Scopes are requested in every token request. Empty requests none, so
	// the server grants the client's default scopes.
	Scopes []string
	// Scenario is ScenarioToken (the default), ScenarioTokenNewConn or
	// ScenarioRequest.
	Scenario string
	// Method (default GET) and Path (required) are the request sent by
	// ScenarioRequest, e.g. GET /api/v2/cob/abc. In Path, every "{n}" is
	// replaced by the request's sequence number in the run (1, 2, ...) and
	// every "{rand}" by 32 random alphanumerics drawn once per request.
	Method, Path string
	// Body is the request body template for ScenarioRequest, with the same
	// substitutions (and the same values) as Path. When set, the request
	// carries Content-Type: application/json.
	Body string
	// Header holds extra headers for every measured request; they override
	// the ones bench sets. A "Host" entry sets the request's Host.
	Header http.Header
	// Concurrency is the number of workers, each with one request in flight.
	// The default is 8.
	Concurrency int
	// Duration is how long workers keep starting requests when Count is 0.
	// The default is 10s.
	Duration time.Duration
	// Count, when positive, is the exact total number of requests across all
	// workers; it takes precedence over Duration.
	Count int
	// Timeout bounds each request, from dial to the end of the body; a
	// request that exceeds it is a transport error. The default is 30s.
	Timeout time.Duration
	// KeyExchange selects the TLS key exchanges the client offers: "" for
	// Go's defaults (which include the post-quantum hybrid X25519MLKEM768)
	// or "x25519" for classic X25519 only, what OpenSSL 3.0 clients such as
	// curl on Debian 12 negotiate.
	KeyExchange string
	// Progress, when not nil, receives a live status line rewritten (with
	// "\r") once a second: elapsed time, requests, mean req/s, errors and an
	// approximate p99 so far. It ends with a newline when the run finishes.
	Progress io.Writer
}

// Run runs the benchmark described by opts and returns its report.
//
// Run returns an error, and no report, if opts is invalid, a PEM file cannot
// be loaded, or (for ScenarioRequest) the first access token cannot be
// obtained. Failed requests during the run are counted in the report, not
// returned. If ctx is cancelled, Run stops early and returns the report of
// the requests completed until then, with a nil error.
func Run(ctx context.Context, opts Options) (*Report, error) {
	r, err := newRunner(opts)
	if err != nil {
		return nil, err
	}
	defer r.transport.CloseIdleConnections()
	if r.src != nil {
		if _, _, err := r.src.token(ctx); err != nil {
			return nil, fmt.Errorf("bench: first access token: %w", err)
		}
	}
	return r.run(ctx), nil
}

// normalize applies the sandbox file and the defaults to opts and checks it.
func normalize(opts Options) (Options, error) {
	if opts.Sandbox != "" {
		sb, err := readSandbox(opts.Sandbox)
		if err != nil {
			return opts, err
		}
		applySandbox(&opts, sb)
	}
	if opts.Scenario == "" {
		opts.Scenario = ScenarioToken
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = defaultConcurrency
	}
	if opts.Duration == 0 {
		opts.Duration = defaultDuration
	}
	if opts.Timeout == 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.Method == "" {
		opts.Method = http.MethodGet
	}
	opts.URL = strings.TrimRight(opts.URL, "/")

	switch opts.Scenario {
	case ScenarioToken, ScenarioTokenNewConn, ScenarioRequest:
	default:
		return opts, fmt.Errorf("bench: unknown scenario %q (want %s, %s or %s)",
			opts.Scenario, ScenarioToken, ScenarioTokenNewConn, ScenarioRequest)
	}
	if opts.URL == "" {
		return opts, errors.New("bench: no URL (set URL or Sandbox)")
	}
	u, err := url.Parse(opts.URL)
	if err != nil {
		return opts, fmt.Errorf("bench: URL: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return opts, fmt.Errorf("bench: URL %q: want https://host[:port]", opts.URL)
	}
	if opts.ClientID == "" {
		return opts, errors.New("bench: no client ID (set ClientID or Sandbox)")
	}
	if (opts.CertFile == "") != (opts.KeyFile == "") {
		return opts, errors.New("bench: CertFile and KeyFile must be set together")
	}
	if opts.Concurrency < 0 || opts.Duration < 0 || opts.Count < 0 || opts.Timeout < 0 {
		return opts, errors.New("bench: Concurrency, Duration, Count and Timeout must not be negative")
	}
	if opts.Scenario == ScenarioRequest {
		if !strings.HasPrefix(opts.Path, "/") {
			return opts, fmt.Errorf("bench: request scenario needs a Path starting with \"/\", got %q", opts.Path)
		}
		// Build one request to reject bad methods and paths before the run.
		sample := parseTemplate(opts.Path).expand(1, strings.Repeat("a", randLen))
		if _, err := http.NewRequest(opts.Method, opts.URL+sample, nil); err != nil {
			return opts, fmt.Errorf("bench: request %s %s: %w", opts.Method, opts.Path, err)
		}
	} else if opts.Path != "" || opts.Body != "" {
		return opts, fmt.Errorf("bench: Path and Body apply only to the %s scenario", ScenarioRequest)
	}
	return opts, nil
}

// clientTLSConfig returns the mutual TLS client configuration: brasa's
// client profile ([pki.ClientTLSConfig]: TLS 1.2 minimum, ECDHE+AEAD) with
// the CAs in caFile (system roots when empty) and the client certificate in
// certFile/keyFile (none when empty). It drops the session cache, so no
// connection resumes an earlier session and every new connection costs a
// full handshake.
func clientTLSConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	var pool *x509.CertPool
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("bench: read CA: %w", err)
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("bench: no PEM certificate in %s", caFile)
		}
	}
	var cert *tls.Certificate
	if certFile != "" {
		c, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("bench: load client certificate: %w", err)
		}
		cert = &c
	}
	cfg := pki.ClientTLSConfig(cert, pool)
	cfg.ClientSessionCache = nil
	return cfg, nil
}

// runner holds the state shared by the workers of one run.
type runner struct {
	opts      Options
	transport *http.Transport
	client    *http.Client
	tokenURL  string
	tokenBody string
	path      template
	body      template
	src       *tokenSource // ScenarioRequest only
	seq       atomic.Int64 // requests started, for Count and {n}
}

func newRunner(opts Options) (*runner, error) {
	opts, err := normalize(opts)
	if err != nil {
		return nil, err
	}
	tlsConf, err := clientTLSConfig(opts.CAFile, opts.CertFile, opts.KeyFile)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("bench: URL: %w", err)
	}
	newChainCache(tlsConf.RootCAs, u.Hostname()).install(tlsConf)
	switch opts.KeyExchange {
	case "":
	case "x25519":
		tlsConf.CurvePreferences = []tls.CurveID{tls.X25519}
	default:
		return nil, fmt.Errorf("bench: key exchange %q is not \"\" or \"x25519\"", opts.KeyExchange)
	}
	tr := &http.Transport{
		// No Proxy: a benchmark measures the direct path.
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsConf,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   false, // HTTP/1.1, the common integrator path
		MaxIdleConns:        2 * opts.Concurrency,
		MaxIdleConnsPerHost: 2 * opts.Concurrency,
		IdleConnTimeout:     90 * time.Second,
		DisableKeepAlives:   opts.Scenario == ScenarioTokenNewConn,
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(opts.Scopes) > 0 {
		form.Set("scope", strings.Join(opts.Scopes, " "))
	}
	r := &runner{
		opts:      opts,
		transport: tr,
		client: &http.Client{
			Transport:     tr,
			Timeout:       opts.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		tokenURL:  opts.URL + "/oauth/token",
		tokenBody: form.Encode(),
		path:      parseTemplate(opts.Path),
		body:      parseTemplate(opts.Body),
	}
	if opts.Scenario == ScenarioRequest {
		r.src = &tokenSource{fetch: r.fetchToken}
	}
	return r, nil
}

// run starts the workers, waits for them and summarizes their samples.
func (r *runner) run(ctx context.Context) *Report {
	n := r.opts.Concurrency
	capHint := int(r.opts.Duration / time.Millisecond) // guess ~1 ms per request per worker
	if r.opts.Count > 0 {
		capHint = r.opts.Count/n + 1
	}
	capHint = min(capHint, maxPrealloc/n) // slices still grow past this if needed

	workers := make([]*worker, n)
	for i := range workers {
		workers[i] = &worker{samples: make([]time.Duration, 0, capHint), status: make(map[int]int64)}
	}
	start := time.Now()
	deadline := start.Add(r.opts.Duration)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { r.loop(ctx, w, deadline) })
	}
	done := make(chan struct{})
	var pg sync.WaitGroup
	if r.opts.Progress != nil {
		pg.Go(func() { progress(r.opts.Progress, start, workers, done) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(done)
	pg.Wait()
	return r.summarize(workers, start, elapsed)
}

// loop is one worker: it sends requests one after another until the run ends.
func (r *runner) loop(ctx context.Context, w *worker, deadline time.Time) {
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	for ctx.Err() == nil {
		n := r.seq.Add(1)
		if r.opts.Count > 0 && n > int64(r.opts.Count) {
			return
		}
		start := time.Now()
		if r.opts.Count == 0 && !start.Before(deadline) {
			return
		}
		status, err := r.do(ctx, n, rng)
		d := time.Since(start)
		if err != nil && ctx.Err() != nil {
			return // cut short by cancellation: not a measurement
		}
		w.record(start, d, status, err)
	}
}

// do sends the n-th request of the run and reads its body to the end. It
// returns the status (0 if no response arrived) and any transport error.
func (r *runner) do(ctx context.Context, n int64, rng *rand.Rand) (int, error) {
	var (
		req *http.Request
		gen uint64
		err error
	)
	if r.src == nil {
		req, err = r.newTokenRequest(ctx)
	} else {
		var tok string
		tok, gen, err = r.src.token(ctx)
		if err != nil {
			return 0, err
		}
		req, err = r.newAPIRequest(ctx, n, rng, tok)
	}
	if err != nil {
		return 0, err
	}
	for k, v := range r.opts.Header {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if r.src != nil && resp.StatusCode == http.StatusUnauthorized {
		r.src.markStale(gen)
	}
	return resp.StatusCode, err
}

// newTokenRequest builds the client_credentials token request.
func (r *runner) newTokenRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.tokenURL, strings.NewReader(r.tokenBody))
	if err != nil {
		return nil, err
	}
	// RFC 6749 §2.3.1: the credentials are form-encoded before Basic
	// encoding (as golang.org/x/oauth2 does); this leaves alphanumerics as is.
	req.SetBasicAuth(url.QueryEscape(r.opts.ClientID), url.QueryEscape(r.opts.ClientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// newAPIRequest builds the n-th request of ScenarioRequest.
func (r *runner) newAPIRequest(ctx context.Context, n int64, rng *rand.Rand, tok string) (*http.Request, error) {
	var rnd string
	if r.path.hasRand || r.body.hasRand {
		rnd = randAlnum(rng)
	}
	var body io.Reader
	if r.opts.Body != "" {
		body = strings.NewReader(r.body.expand(n, rnd))
	}
	req, err := http.NewRequestWithContext(ctx, r.opts.Method, r.opts.URL+r.path.expand(n, rnd), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// summarize merges the workers' results into a report.
func (r *runner) summarize(workers []*worker, start time.Time, elapsed time.Duration) *Report {
	rep := newReport(start)
	rep.Scenario = r.opts.Scenario
	rep.Concurrency = r.opts.Concurrency
	rep.Duration = elapsed
	if r.src == nil {
		rep.Method, rep.URL = http.MethodPost, r.tokenURL
	} else {
		rep.Method, rep.URL = r.opts.Method, r.opts.URL+r.opts.Path
	}
	total := 0
	for _, w := range workers {
		total += len(w.samples)
	}
	all := make([]time.Duration, 0, total)
	var firstErrAt time.Time
	for _, w := range workers {
		all = append(all, w.samples...)
		rep.Requests += w.requests.Load()
		rep.Errors += w.errors.Load()
		for code, c := range w.status {
			rep.Status[code] += c
		}
		if w.firstErr != nil && (firstErrAt.IsZero() || w.firstErrAt.Before(firstErrAt)) {
			firstErrAt, rep.FirstError = w.firstErrAt, w.firstErr.Error()
		}
	}
	slices.Sort(all)
	rep.Latency = latencyOf(all)
	if s := elapsed.Seconds(); s > 0 {
		rep.RPS = float64(rep.Requests) / s
	}
	return rep
}

// worker holds one worker's results. samples, status and firstErr belong to
// the worker goroutine; the atomics are also read by the progress line.
type worker struct {
	samples    []time.Duration
	status     map[int]int64
	firstErr   error
	firstErrAt time.Time
	requests   atomic.Int64
	errors     atomic.Int64
	hist       histogram
}

// record adds one finished request.
func (w *worker) record(start time.Time, d time.Duration, status int, err error) {
	w.samples = append(w.samples, d)
	w.hist.add(d)
	if status != 0 {
		w.status[status]++
	}
	if err != nil || status >= http.StatusBadRequest {
		w.errors.Add(1)
	}
	if err != nil && w.firstErr == nil {
		w.firstErr, w.firstErrAt = err, start
	}
	w.requests.Add(1)
}

// progress writes the live status line once a second until done is closed,
// then writes it a last time followed by a newline.
func progress(out io.Writer, start time.Time, workers []*worker, done <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var counts [nBuckets]int64
	width := 0
	write := func(final bool) {
		elapsed := time.Since(start)
		var reqs, errs int64
		clear(counts[:])
		for _, w := range workers {
			reqs += w.requests.Load()
			errs += w.errors.Load()
			w.hist.addTo(&counts)
		}
		rps := 0.0
		if s := elapsed.Seconds(); s > 0 {
			rps = float64(reqs) / s
		}
		line := fmt.Sprintf("%6.1fs  %d requests  %.1f req/s  %d errors  p99 ~%s",
			elapsed.Seconds(), reqs, rps, errs, fmtMillis(histQuantile(&counts, 99)))
		pad := max(width-len(line), 0)
		width = len(line)
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(out, "\r%s%s%s", line, strings.Repeat(" ", pad), end)
	}
	for {
		select {
		case <-tick.C:
			write(false)
		case <-done:
			write(true)
			return
		}
	}
}

// tokenSource holds the access token shared by the workers of
// ScenarioRequest. Only one refresh runs at a time; workers that wanted to
// refresh the same token generation then use the new token.
type tokenSource struct {
	fetch func(ctx context.Context) (tok string, ttl time.Duration, err error)

	refreshMu sync.Mutex // held during a refresh

	mu        sync.Mutex // guards the fields below
	tok       string
	gen       uint64    // incremented on every new token; 0 before the first
	stale     bool      // set after a 401
	refreshAt time.Time // zero: no expiry known
}

// token returns the current token and its generation, refreshing it first if
// there is none yet, it was rejected, or it is about to expire.
func (s *tokenSource) token(ctx context.Context) (string, uint64, error) {
	s.mu.Lock()
	tok, gen := s.tok, s.gen
	fresh := gen > 0 && !s.stale && (s.refreshAt.IsZero() || time.Now().Before(s.refreshAt))
	s.mu.Unlock()
	if fresh {
		return tok, gen, nil
	}
	return s.refresh(ctx, gen)
}

// refresh replaces the token of generation gen, unless another worker has
// already done so, and returns the current token.
func (s *tokenSource) refresh(ctx context.Context, gen uint64) (string, uint64, error) {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	s.mu.Lock()
	if s.gen != gen {
		tok, cur := s.tok, s.gen
		s.mu.Unlock()
		return tok, cur, nil
	}
	s.mu.Unlock()

	tok, ttl, err := s.fetch(ctx)
	if err != nil {
		return "", gen, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tok, s.stale = tok, false
	s.gen++
	s.refreshAt = refreshTime(time.Now(), ttl)
	return s.tok, s.gen, nil
}

// markStale records that the token of generation gen was rejected, so the
// next call to token refreshes it.
func (s *tokenSource) markStale(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == gen {
		s.stale = true
	}
}

// refreshTime returns when a token issued at now with lifetime ttl should be
// renewed: refreshLead before it expires, or halfway through a lifetime
// shorter than twice refreshLead. A ttl <= 0 (unknown) gives the zero time.
func refreshTime(now time.Time, ttl time.Duration) time.Time {
	switch {
	case ttl <= 0:
		return time.Time{}
	case ttl < 2*refreshLead:
		return now.Add(ttl / 2)
	default:
		return now.Add(ttl - refreshLead)
	}
}

// fetchToken obtains an access token with the client_credentials grant.
func (r *runner) fetchToken(ctx context.Context) (string, time.Duration, error) {
	req, err := r.newTokenRequest(ctx)
	if err != nil {
		return "", 0, fmt.Errorf("bench: token request: %w", err)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("bench: token request: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return "", 0, fmt.Errorf("bench: token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("bench: token request: %s: %.200s", resp.Status, b)
	}
	var tr struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		return "", 0, fmt.Errorf("bench: token response: %w", err)
	}
	if tr.AccessToken == "" {
		return "", 0, errors.New("bench: token response has no access_token")
	}
	return tr.AccessToken, time.Duration(tr.ExpiresIn * float64(time.Second)), nil
}

// randLen is the length of a {rand} substitution.
const randLen = 32

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randAlnum returns randLen random alphanumerics.
func randAlnum(rng *rand.Rand) string {
	var b [randLen]byte
	for i := range b {
		b[i] = alnum[rng.IntN(len(alnum))]
	}
	return string(b[:])
}

// template is a Path or Body with "{n}" and "{rand}" placeholders, split
// once so that each request only concatenates.
type template struct {
	parts   []part
	hasRand bool
}

// part is a literal or, when lit is empty, the placeholder named by kind.
type part struct {
	lit  string
	kind byte // 'n' or 'r' for placeholders
}

func parseTemplate(s string) template {
	var t template
	lit := 0 // start of the pending literal
	for i := 0; i < len(s); {
		var p part
		var size int
		switch {
		case strings.HasPrefix(s[i:], "{n}"):
			p, size = part{kind: 'n'}, len("{n}")
		case strings.HasPrefix(s[i:], "{rand}"):
			p, size = part{kind: 'r'}, len("{rand}")
			t.hasRand = true
		default:
			i++
			continue
		}
		if lit < i {
			t.parts = append(t.parts, part{lit: s[lit:i]})
		}
		t.parts = append(t.parts, p)
		i += size
		lit = i
	}
	if lit < len(s) {
		t.parts = append(t.parts, part{lit: s[lit:]})
	}
	return t
}

// expand substitutes n for "{n}" and rnd for "{rand}".
func (t template) expand(n int64, rnd string) string {
	if len(t.parts) == 1 && t.parts[0].lit != "" {
		return t.parts[0].lit
	}
	b := make([]byte, 0, 64)
	for _, p := range t.parts {
		switch {
		case p.lit != "":
			b = append(b, p.lit...)
		case p.kind == 'n':
			b = strconv.AppendInt(b, n, 10)
		default:
			b = append(b, rnd...)
		}
	}
	return string(b)
}
