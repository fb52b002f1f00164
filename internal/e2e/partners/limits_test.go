package partners_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
)

// protoClient returns a client presenting cert (if any) that speaks only
// HTTP/1.1 (h2 false) or HTTP/2.
func protoClient(t *testing.T, h *apptest.Harness, cert *tls.Certificate, h2 bool) *http.Client {
	t.Helper()
	tc := &tls.Config{RootCAs: h.Roots, MinVersion: tls.VersionTLS12}
	if cert != nil {
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	tr := &http.Transport{TLSClientConfig: tc, ForceAttemptHTTP2: h2}
	if !h2 {
		tc.NextProtos = []string{"http/1.1"}
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// oversized is a JSON object of n bytes.
func oversized(n int) string {
	return `{"passphrase":"` + strings.Repeat("a", n-17) + `"}`
}

// sendOversized posts body to path over the given protocol, with a known
// length or streamed (no Content-Length), and returns the status, body and
// protocol.
func sendOversized(t *testing.T, c *http.Client, url, body string, header http.Header, known bool) (int, []byte, string) {
	t.Helper()
	var rd io.Reader = strings.NewReader(body)
	if !known {
		rd = io.MultiReader(bytes.NewReader([]byte(body))) // hides the length
	}
	req, _ := http.NewRequest("POST", url, rd)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("POST %s: reading the answer: %v", url, err)
	}
	return resp.StatusCode, b, resp.Proto
}

// TestFidelityBodyLimitSameOverHTTP2: an oversized body, with or without a
// Content-Length, gets the same 413 in the surface's dialect over HTTP/1.1
// and HTTP/2 (status and body, the trace id aside), on Bankly and Banking.
// It passed before issue 16 item 21 too: it guards the behaviour.
func TestFidelityBodyLimitSameOverHTTP2(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	_, bcert := bankingSandbox(t, h)
	ids := regexp.MustCompile(`"(traceId|correlationId)":"[0-9a-f]{8}-[0-9a-f]{8}"`)
	surfaces := []struct {
		name, path string
		cert       *tls.Certificate
		header     http.Header
		want       string
	}{
		{"bankly", "/partners/" + sb.CompanyKey + "/certificates", nil,
			http.Header{"Content-Type": {"application/json"}, "Api-Version": {"1"}, "Authorization": {"Bearer " + tok}},
			`{"errors":[{"code":"REQUEST_BODY_TOO_LARGE","messages":["Request body too large."]}],"title":"Payload Too Large","status":413,"traceId":"$1"}`},
		{"banking", "/public/gw_banking/v1/auth/token-v2", &bcert, http.Header{"Content-Type": {"application/json"}},
			`{"status":413,"message":"Request body too large","correlationId":"$1"}`},
	}
	for _, s := range surfaces {
		for _, size := range []int{2 << 20, 8 << 20} {
			for _, known := range []bool{true, false} {
				for _, h2 := range []bool{false, true} {
					c := protoClient(t, h, s.cert, h2)
					st, b, proto := sendOversized(t, c, h.APIURL()+s.path, oversized(size), s.header, known)
					got := strings.TrimSpace(string(ids.ReplaceAll(b, []byte(`"$1":"$1"`))))
					want := strings.ReplaceAll(s.want, "$1", map[string]string{"bankly": "traceId", "banking": "correlationId"}[s.name])
					if wantProto := map[bool]string{false: "HTTP/1.1", true: "HTTP/2.0"}[h2]; st != 413 || got != want || proto != wantProto {
						t.Errorf("%s, %d bytes, length known %v, %s: got %d %s, want %s 413 %s", s.name, size, known, proto, st, got, wantProto, want)
					}
				}
			}
		}
	}
}

// stalledPost sends POST path with a body that sends its first bytes and
// then stalls, cancels the request while the server waits for the rest, and
// returns the app's log lines about that path written since, once the
// access log line is among them.
func stalledPost(t *testing.T, h *apptest.Harness, c *http.Client, path string, header http.Header) []map[string]any {
	t.Helper()
	from := len(h.LogText())
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", h.APIURL()+path, pr)
	for k, v := range header {
		req.Header[k] = v
	}
	go func() {
		_, _ = pw.Write([]byte(`{"passphrase":"`))
		time.Sleep(300 * time.Millisecond) // the handler is reading the body
		cancel()
		// HTTP/1.1's transport waits for its body writer, blocked in Read
		pw.CloseWithError(context.Canceled)
	}()
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("POST %s: got %d, want the client's own cancellation", path, resp.StatusCode)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var lines []map[string]any
		done := false
		for _, l := range strings.Split(h.LogText()[from:], "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) != nil || m["path"] != path {
				continue
			}
			lines = append(lines, m)
			done = done || m["msg"] == "request"
		}
		if done || time.Now().After(deadline) {
			return lines
		}
	}
}

// TestFidelityCancelledRequestIsLoggedAsCancelled: a client that gives up
// while sending its body is logged as 499 "client closed request" at INFO
// with cancelled=true, never as an ERROR or a 500, over both protocols and
// on both surfaces.
func TestFidelityCancelledRequestIsLoggedAsCancelled(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	_, bcert := bankingSandbox(t, h)
	for _, h2 := range []bool{false, true} {
		for _, surface := range []string{"bankly", "banking"} {
			t.Run(fmt.Sprintf("%s/h2=%v", surface, h2), func(t *testing.T) {
				header := http.Header{"Content-Type": {"application/json"}}
				c, path := protoClient(t, h, &bcert, h2), "/public/gw_banking/v1/auth/token-v2"
				if surface == "bankly" {
					c, path = protoClient(t, h, nil, h2), "/partners/"+sb.CompanyKey+"/certificates"
					header.Set("Api-Version", "1")
					header.Set("Authorization", "Bearer "+tok)
				}
				lines := stalledPost(t, h, c, path, header)
				var access map[string]any
				for _, m := range lines {
					if m["level"] == "ERROR" {
						t.Errorf("ERROR line for a cancelled request: %v", m)
					}
					if m["msg"] == "request" {
						access = m
					}
				}
				if access == nil {
					t.Fatalf("no access log line for the cancelled request; lines: %v", lines)
				}
				if access["status"] != float64(499) || access["cancelled"] != true || access["level"] != "INFO" {
					t.Errorf("access log line = %v, want status 499, cancelled true, level INFO", access)
				}
			})
		}
	}
}
