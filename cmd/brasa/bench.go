package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/bench"
)

// runBench is `brasa bench`: the load generator of docs/BENCHMARKS.md.
func (m *Main) runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	var o bench.Options
	var scopes, headers stringList
	fs.StringVar(&o.Sandbox, "sandbox", "", "sandbox.json (or its directory): URL, CA, client certificate and credentials")
	fs.StringVar(&o.URL, "url", "", "base URL (overrides the sandbox's api_url)")
	fs.StringVar(&o.CAFile, "ca", "", "CA bundle (PEM)")
	fs.StringVar(&o.CertFile, "cert", "", "client certificate (PEM)")
	fs.StringVar(&o.KeyFile, "key", "", "client key (PEM)")
	fs.StringVar(&o.ClientID, "client-id", "", "OAuth2 client_id")
	fs.StringVar(&o.ClientSecret, "client-secret", "", "OAuth2 client_secret")
	fs.Var(&scopes, "scope", "scope to request (repeatable or comma-separated)")
	fs.StringVar(&o.Scenario, "scenario", "token", "token | token-newconn | request")
	fs.StringVar(&o.Method, "method", "GET", "method for the request scenario")
	fs.StringVar(&o.Path, "path", "", "path for the request scenario; {n} is a counter, {rand} 32 random alphanumerics")
	fs.StringVar(&o.Body, "body", "", "body template for the request scenario")
	fs.Var(&headers, "header", "extra header 'Name: value' (repeatable)")
	fs.IntVar(&o.Concurrency, "c", 8, "concurrent workers")
	fs.DurationVar(&o.Duration, "d", 10*time.Second, "duration (ignored when -n is set)")
	fs.IntVar(&o.Count, "n", 0, "total requests (overrides -d)")
	fs.StringVar(&o.KeyExchange, "kex", "", `TLS key exchange the client offers: "" (Go's defaults, with the X25519MLKEM768 hybrid) or "x25519" (as OpenSSL 3.0 clients)`)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	quiet := fs.Bool("q", false, "no live progress line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Scopes = scopes
	if len(headers) > 0 {
		o.Header = http.Header{}
		for _, h := range headers {
			k, v, ok := strings.Cut(h, ":")
			if !ok {
				return &exitError{code: 2, err: fmt.Errorf("bench: --header %q is not 'Name: value'", h)}
			}
			o.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	if !*quiet {
		o.Progress = m.Stderr
	}
	rep, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		err = rep.WriteJSON(m.Stdout)
	} else {
		err = rep.WriteText(m.Stdout)
	}
	if n := rep.Status[http.StatusTooManyRequests]; n > 0 {
		fmt.Fprintf(m.Stderr, "brasa bench: %d requests got 429: the server's per-client rate limit measured itself; start it with --rate-limit 0 (or rate_limit: 0) to measure the server\n", n)
	}
	return err
}
