package psc_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pki/cms/cmstest"
	"github.com/brasa-dev/brasa/internal/psc"
)

// benchPSC boots a sandbox, lifts the seed's limits (the benchmark would hit
// them) and returns a signature_session token of the demo CPF.
func benchPSC(b *testing.B) (*pscEnv, string) {
	b.Helper()
	h := apptest.Boot(b, apptest.Options{})
	var e pscEnv
	e.h, e.c = h, h.Client(nil)
	if err := json.Unmarshal(h.Sandbox.PSC, &e.sb); err != nil {
		b.Fatal(err)
	}
	h.App.PSC.SetLimits(psc.Limits{AuthorizePerSecond: 1 << 40, SignCallsPerMinute: 1 << 40, SignaturesPerMinuteApp: 1 << 40})
	// e.t stays nil: the benchmark uses only pscEnv helpers that need no *testing.T.
	tok := benchToken(b, &e)
	return &e, tok
}

// benchToken runs the push flow with plain HTTP calls (pscEnv's helpers
// take a *testing.T).
func benchToken(b *testing.B, e *pscEnv) string {
	b.Helper()
	verifier, challenge := pkce()
	get := func(path string) (int, []byte) {
		resp, err := e.c.Get(e.h.APIURL() + path)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	post := func(path, ct string, body []byte, hdr ...string) (int, []byte) {
		req, _ := http.NewRequest("POST", e.h.APIURL()+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := e.c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}
	st, body := get(e.authorizeQuery(challenge, "signature_session", e.sb.HolderCPF, "86400", "push://"))
	if st != 200 {
		b.Fatalf("authorize: %d %s", st, body)
	}
	code := string(body[len("code="):])
	if st, body := post("/sandbox/v1/psc/approvals", "application/json", []byte(`{"login_hint":"`+e.sb.HolderCPF+`","approve":true}`), "Authorization", "Bearer "+e.h.Sandbox.AdminToken); st != 200 {
		b.Fatalf("approve: %d %s", st, body)
	}
	st, body = get("/valid/api/v1/trusted-services/authentications?code=" + code)
	var auth struct {
		AuthorizationToken string `json:"authorizationToken"`
	}
	if err := json.Unmarshal(body, &auth); st != 200 || err != nil {
		b.Fatalf("poll: %d %s", st, body)
	}
	form := "grant_type=authorization_code&client_id=" + e.sb.ClientID + "&client_secret=" + e.sb.ClientSecret + "&code=" + auth.AuthorizationToken + "&code_verifier=" + verifier
	st, body = post("/v0/oauth/token", "application/x-www-form-urlencoded", []byte(form))
	var tok pscToken
	if err := json.Unmarshal(body, &tok); st != 200 || err != nil {
		b.Fatalf("token: %d %s", st, body)
	}
	return tok.AccessToken
}

// benchSign posts body to /v0/oauth/signature from parallel clients.
func benchSign(b *testing.B, e *pscEnv, token string, body []byte, perCall int) {
	b.Helper()
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	var failed atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		c := e.h.Client(nil)
		for pb.Next() {
			req, _ := http.NewRequest("POST", e.h.APIURL()+"/v0/oauth/signature", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := c.Do(req)
			if err != nil {
				failed.Add(1)
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				failed.Add(1)
			}
		}
	})
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d calls failed", n)
	}
	b.ReportMetric(float64(b.N*perCall)/time.Since(start).Seconds(), "signatures/s")
}

func hashesBody(format string, n int) []byte {
	sum := sha256.Sum256([]byte("benchmark"))
	var hs []map[string]any
	for i := 0; i < n; i++ {
		hs = append(hs, map[string]any{"id": strconv.Itoa(i), "hash": base64.StdEncoding.EncodeToString(sum[:]), "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": format})
	}
	body, _ := json.Marshal(map[string]any{"hashes": hs})
	return body
}

// BenchmarkPSCRawSignatureSession: RAW (PKCS#1 v1.5, RSA-2048) signatures
// per second through the API with one signature_session token, one hash per
// call and 20 per call, 8 parallel clients per core.
func BenchmarkPSCRawSignatureSession(b *testing.B) {
	for _, n := range []int{1, 20} {
		b.Run("hashesPerCall="+strconv.Itoa(n), func(b *testing.B) {
			e, tok := benchPSC(b)
			benchSign(b, e, tok, hashesBody("RAW", n), n)
		})
	}
}

// BenchmarkPSCCMS: detached CMS signatures per second (one hash per call).
func BenchmarkPSCCMS(b *testing.B) {
	e, tok := benchPSC(b)
	benchSign(b, e, tok, hashesBody("CMS", 1), 1)
}

// BenchmarkPSCPAdES7MB: one PAdES_AD_RB of a 7 MB PDF per call through the
// API (request 9.4 MB of JSON, response as large), sequentially; reports the
// peak heap in use above the idle baseline, sampled every millisecond
// (client and server share the process, so this includes the client's
// buffers).
func BenchmarkPSCPAdES7MB(b *testing.B) {
	e, tok := benchPSC(b)
	pdf := cmstest.MinimalPDF(1, false, 7<<20-4096)
	body, _ := json.Marshal(map[string]any{"hashes": []any{map[string]any{"id": "doc", "signature_format": "PAdES_AD_RB", "base64_content": base64.StdEncoding.EncodeToString(pdf)}}})
	pdf = nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest("POST", e.h.APIURL()+"/v0/oauth/signature", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := e.c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n < 9<<20 {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
		}
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(peak.Load()-min(base, peak.Load()))/(1<<20), "peak-heap-MiB")
}
