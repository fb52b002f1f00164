package api_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
)

func TestMaxBodyGives413Kind(t *testing.T) {
	var got error
	h := api.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		got = api.BodyError(err)
	}), api.MaxBody(1024))
	for _, tc := range []struct {
		name   string
		body   string
		length bool
	}{{"declared length", strings.Repeat("x", 2048), true}, {"chunked", strings.Repeat("x", 2048), false}} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			if !tc.length {
				req.ContentLength = -1
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if errs.KindOf(got) != errs.ETooLarge {
				t.Errorf("kind = %v, want ETooLarge", errs.KindOf(got))
			}
		})
	}
}

func TestRecoverRendersAndLogs(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	var rendered error
	h := api.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("secret detail") }),
		api.WithCorrelationID, api.Recover(log, func(w http.ResponseWriter, r *http.Request, err error) {
			rendered = err
			w.WriteHeader(500)
		}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || errs.KindOf(rendered) != errs.EInternal {
		t.Errorf("status %d, rendered %v", rec.Code, rendered)
	}
	if !strings.Contains(logs.String(), "secret detail") || !strings.Contains(logs.String(), rec.Header().Get("X-Correlation-Id")) {
		t.Errorf("the panic and its correlation id must be logged: %s", logs.String())
	}
}

func TestAccessLogNeverLogsSecrets(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := api.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) }),
		api.WithCorrelationID, api.AccessLog(log, "api"))
	req := httptest.NewRequest("POST", "/oauth/token?cpf=52998224725", strings.NewReader("grant_type=client_credentials&client_secret=TOPSECRET"))
	req.Header.Set("Authorization", "Basic Y2xpOlRPUFNFQ1JFVA==")
	h.ServeHTTP(httptest.NewRecorder(), req)
	out := logs.String()
	for _, secret := range []string{"Y2xpOlRPUFNFQ1JFVA", "TOPSECRET", "52998224725"} {
		if strings.Contains(out, secret) {
			t.Errorf("the access log contains %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, `"status":201`) || !strings.Contains(out, `"path":"/oauth/token"`) {
		t.Errorf("the access log lacks status or path: %s", out)
	}
}

func TestCorrelationIDFormat(t *testing.T) {
	id := api.NewCorrelationID()
	if len(id) != 17 || id[8] != '-' || strings.Trim(id[:8]+id[9:], "0123456789abcdef") != "" {
		t.Errorf("correlation id %q is not 8+8 hex digits", id)
	}
	if api.NewCorrelationID() == id {
		t.Error("correlation ids repeat")
	}
}

// brokenBody gives a few bytes then fails as a body does when the client
// closes the connection mid-body.
type brokenBody struct{ sent bool }

func (b *brokenBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, `{"a":`), nil
	}
	return 0, io.ErrUnexpectedEOF
}

func (b *brokenBody) Close() error { return nil }

// TestAccessLogClientGoneIs499: a body broken by the client makes the access
// line 499 cancelled at INFO, and LogFailure's line INFO; the size limit is
// the client's fault but not a cancellation, and stays 413.
func TestAccessLogClientGoneIs499(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		body       io.ReadCloser
		wantStatus string
	}{
		{"broken", &brokenBody{}, `"status":499,`},
		{"too large", io.NopCloser(strings.NewReader(strings.Repeat("a", 2048))), `"status":413,`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&buf, nil))
			h := api.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := io.ReadAll(r.Body); err != nil {
					api.LogFailure(log, r, "request failed", "err", err)
					status := http.StatusBadRequest
					if errs.KindOf(api.BodyError(err)) == errs.ETooLarge {
						status = http.StatusRequestEntityTooLarge
					}
					w.WriteHeader(status)
				}
			}), api.AccessLog(log, "test"), api.MaxBody(1024))
			req := httptest.NewRequest("POST", "/x", nil)
			req.Body = tc.body
			h.ServeHTTP(httptest.NewRecorder(), req)
			out := buf.String()
			if !strings.Contains(out, tc.wantStatus) {
				t.Errorf("log %s, want %s", out, tc.wantStatus)
			}
			if tc.name == "broken" && (strings.Contains(out, `"level":"ERROR"`) || !strings.Contains(out, `"cancelled":true,"handlerStatus":400`)) {
				t.Errorf("log %s, want INFO lines with cancelled and handlerStatus 400", out)
			}
		})
	}
}
