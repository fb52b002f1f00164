package auth_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/spectest"
)

// TestRateLimit: a client past rate_limit gets 429 with Retry-After, in the
// dialect of the surface it called, on both listeners; other clients, health
// checks and the client itself after Retry-After are served.
func TestRateLimit(t *testing.T) {
	h := apptest.Boot(t, apptest.Options{Configure: func(c *config.Config) {
		c.RateLimit, c.RateLimitBurst = 1, 3
	}})
	api := h.APIURL()
	var lastReq *http.Request
	get := func(c *http.Client, url string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := apptest.Do(t, c, req)
		lastReq = req
		return resp, string(body)
	}
	retryAfter := func(resp *http.Response) int {
		t.Helper()
		n, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if err != nil || n < 1 {
			t.Errorf("Retry-After = %q, want whole seconds >= 1", resp.Header.Get("Retry-After"))
		}
		return n
	}

	// The demo tenant's certificate is one client: 3 at once, then 429.
	demo := h.DemoCertificate()
	tenant := h.Client(&demo)
	for i := range 3 {
		if resp, body := get(tenant, api+"/api/v2/cob/abcdefghijklmnopqrstuvwxyz123"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("request %d of the burst: %d %s, want 401 (no token)", i+1, resp.StatusCode, body)
		}
	}
	resp, body := get(tenant, api+"/api/v2/cob/abcdefghijklmnopqrstuvwxyz123")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th request at once: %d %s, want 429", resp.StatusCode, body)
	}
	var p struct {
		Type   string `json:"type"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil || p.Status != 429 || !strings.HasPrefix(p.Type, "https://pix.bcb.gov.br/api/v2/error/") || p.Detail == "" {
		t.Errorf("Pix 429 body = %s (%v), want a problem with status 429", body, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q", ct)
	}
	t.Run("PixProblemMatchesSpec", func(t *testing.T) { // skips without the spec; the rest runs
		spectest.Validator(t).ValidateResponse(t, lastReq, resp.StatusCode, resp.Header, []byte(body))
	})
	wait := retryAfter(resp)

	// Health checks and metrics are never refused.
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if resp, _ := get(tenant, api+path); resp.StatusCode != http.StatusOK {
			t.Errorf("%s while limited: %d, want 200", path, resp.StatusCode)
		}
	}

	// Another certificate is another client, served.
	other := h.IssueClientCertificate("other client", time.Hour)
	if resp, body := get(h.Client(&other), api+"/api/v2/cob/abcdefghijklmnopqrstuvwxyz123"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("another client: %d %s, want 401 (served)", resp.StatusCode, body)
	}

	// Without a certificate the client is its address: use up its burst,
	// then every surface refuses in its own dialect.
	anon := h.Client(nil)
	for range 3 {
		get(anon, api+"/api/v2/cob/x")
	}
	for _, c := range []struct {
		path, contains string
	}{
		{"/api/v2/cob/x", `"status":429`},
		{"/sisgru/services/v1/grus", "<code>429</code>"},
		{"/partners/me", `"code":"TOO_MANY_REQUESTS"`},
		{"/public/gw_banking/v1/accounts/1/balance", `"status":429`},
		{"/v0/oauth/certificate-discovery", `"error":"too_many_requests"`},
	} {
		resp, body := get(anon, api+c.path)
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, c.contains) {
			t.Errorf("GET %s while limited: %d %s, want 429 with %s", c.path, resp.StatusCode, body, c.contains)
		}
		retryAfter(resp)
	}

	// The web listener limits too, and keeps /healthz open.
	web := strings.TrimSuffix(h.Sandbox.WebURL, "/")
	for range 3 {
		get(anon, web+"/jwks.json")
	}
	if resp, body := get(anon, web+"/jwks.json"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("web listener past the burst: %d %s, want 429", resp.StatusCode, body)
	} else {
		retryAfter(resp)
	}
	if resp, _ := get(anon, web+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("web /healthz while limited: %d", resp.StatusCode)
	}

	// After Retry-After the tenant is served again.
	time.Sleep(time.Duration(wait) * time.Second)
	if resp, body := get(tenant, api+"/api/v2/cob/abcdefghijklmnopqrstuvwxyz123"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after Retry-After: %d %s, want 401 (served)", resp.StatusCode, body)
	}
}
