package spectest

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Transport returns a RoundTripper that sends requests through base
// (http.DefaultTransport when nil) and validates every exchange whose path
// is under /api/v2/ or /v2/ with [Spec.ValidateResponse], reporting to tb.
// The response body is read in full and handed back unchanged; a gzip body
// the caller asked for itself is validated decompressed. Other paths
// (/oauth/token, /sandbox/..., /healthz) pass through unvalidated.
//
// On a nil Spec ([Validator] without the spec file) it returns base.
func (s *Spec) Transport(tb testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if s == nil {
		return base
	}
	return &transport{spec: s, tb: tb, base: base}
}

// Client returns a shallow copy of c (a zero Client when nil) whose
// Transport is wrapped by [Spec.Transport].
func (s *Spec) Client(tb testing.TB, c *http.Client) *http.Client {
	var cp http.Client
	if c != nil {
		cp = *c
	}
	cp.Transport = s.Transport(tb, cp.Transport)
	return &cp
}

type transport struct {
	spec *Spec
	tb   testing.TB
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !IsAPIPath(req.URL.Path) {
		return t.base.RoundTrip(req)
	}
	var reqBody []byte
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if req.GetBody != nil {
			reqBody, err = requestBody(req)
		} else {
			// The body can be read once: read it, and send a copy of req
			// carrying the bytes (RoundTrip must not modify req).
			reqBody, err = io.ReadAll(req.Body)
			req.Body.Close()
			out = req.Clone(req.Context())
			out.Body = io.NopCloser(bytes.NewReader(reqBody))
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
		}
		if err != nil {
			return nil, err
		}
	}

	resp, err := t.base.RoundTrip(out)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		// Not validated: the caller gets what was read and the same error.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))

	header := resp.Header
	if strings.EqualFold(header.Get("Content-Encoding"), "gzip") {
		if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
			if plain, err := io.ReadAll(zr); err == nil {
				body = plain
				header = header.Clone()
				header.Del("Content-Encoding")
			}
		}
	}
	vreq := out.Clone(out.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	vreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	if len(reqBody) == 0 {
		vreq.Body, vreq.GetBody = http.NoBody, nil
	}
	t.tb.Helper()
	t.spec.ValidateResponse(t.tb, vreq, resp.StatusCode, header, body)
	return resp, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
