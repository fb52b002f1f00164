package pixapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// APIPrefix is the path prefix of the Pix API resources, relative to the
// base URL given to [New]: APIPrefix+"/cob/"+txid.
const APIPrefix = "/api/v2"

// Defaults of the options.
const (
	defaultRefreshBefore = 5 * time.Minute
	defaultTimeout       = 30 * time.Second
	userAgent            = "brasa-pixapi"
)

// Client is a Pix API client. It holds the mTLS HTTP client and the cached
// access token. A Client is safe for concurrent use by multiple goroutines
// and should be reused: its token and connections are shared.
type Client struct {
	baseURL       string
	tokenURL      string
	hc            *http.Client
	clientID      string
	clientSecret  string
	hasCreds      bool
	scopes        []string
	refreshBefore time.Duration
	now           func() time.Time

	mu        sync.Mutex
	tok       *Token     // cached token, nil if none
	refreshAt time.Time  // when tok must be replaced; zero means only on 401
	inflight  *tokenCall // token request in progress, nil if none
}

// New returns a client of the Pix API served at baseURL, the API root such
// as "https://api-pix.sicredi.com.br" or "https://127.0.0.1:8443" (resource
// paths start with [APIPrefix]).
//
// Unless [WithHTTPClient] is given, New builds an HTTP client that speaks TLS
// 1.2 or later, presents the client certificate of [WithCertificate],
// [WithCertificateFiles] or [WithPKCS12File], and trusts the roots of
// [WithRootCAFile] or [WithRootCAs] (the system roots by default).
//
// New returns an error if baseURL is not an absolute http or https URL, if an
// option fails (a file cannot be read, a key is encrypted or does not match
// its certificate), or if WithHTTPClient is combined with the TLS or timeout
// options.
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("pixapi: base URL: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("pixapi: base URL %q: want an absolute https URL without query, like https://api-pix.example.com", baseURL)
	}
	s := settings{
		refreshBefore: defaultRefreshBefore,
		timeout:       defaultTimeout,
		now:           time.Now,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return nil, err
		}
	}

	hc := s.httpClient
	if hc != nil {
		if len(s.certs) > 0 || s.roots != nil || s.timeoutSet {
			return nil, errors.New("pixapi: WithHTTPClient cannot be combined with certificate, root CA or timeout options: configure the given client instead")
		}
	} else {
		for _, cert := range s.certs {
			if err := checkKeyPair(cert); err != nil {
				return nil, err
			}
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: s.certs,
			RootCAs:      s.roots,
		}
		hc = &http.Client{Transport: tr, Timeout: s.timeout}
	}

	base := strings.TrimRight(baseURL, "/")
	tokenURL := s.tokenURL
	if tokenURL == "" {
		tokenURL = base + "/oauth/token"
	}
	return &Client{
		baseURL:       base,
		tokenURL:      tokenURL,
		hc:            hc,
		clientID:      s.clientID,
		clientSecret:  s.clientSecret,
		hasCreds:      s.hasCreds,
		scopes:        s.scopes,
		refreshBefore: s.refreshBefore,
		now:           s.now,
	}, nil
}

// HTTPClient returns the HTTP client c sends its requests through: the mTLS
// client New built, or the one given with [WithHTTPClient]. Use it for raw
// calls, adding "Authorization: Bearer" with a token from [Client.Token].
func (c *Client) HTTPClient() *http.Client { return c.hc }

// Do sends an authenticated request to the Pix API and decodes its response.
//
// path is relative to the base URL and includes [APIPrefix] and any query
// string, as in APIPrefix+"/cob/"+txid. body, unless nil, is encoded as the
// JSON request body. A 2xx response body is decoded as JSON into out, unless
// out is nil or the body is empty.
//
// Do adds "Authorization: Bearer" with the token of [Client.Token] (no
// Authorization header without [WithCredentials]). If the server answers 401,
// Do drops that token, requests a new one and retries the request once.
//
// A non-2xx response is returned as a [*Problem] (problem+json or JSON
// object), a [*Problem] or [*ProblemList] (JSON array of problems) or an
// [*HTTPError] (anything else). They match [ErrUnauthorized], [ErrForbidden]
// and [ErrNotFound] with [errors.Is]. Token request failures are returned as
// described in [Client.Token]; transport failures are wrapped with "pixapi: ".
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("pixapi: path %q does not start with /", path)
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("pixapi: encoding request body: %w", err)
		}
	}
	for attempt := 0; ; attempt++ {
		var bearer string
		if c.hasCreds {
			tok, err := c.Token(ctx)
			if err != nil {
				return err
			}
			bearer = tok.AccessToken
		}
		status, err := c.send(ctx, method, c.baseURL+path, payload, body != nil, bearer, out)
		if status == http.StatusUnauthorized && c.hasCreds && attempt == 0 {
			c.dropToken(bearer)
			continue
		}
		return err
	}
}

// send performs one request and returns the response status (0 if there was
// no response) and the resulting error.
func (c *Client) send(ctx context.Context, method, rawURL string, payload []byte, hasBody bool, bearer string, out any) (int, error) {
	var rd io.Reader
	if hasBody {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return 0, fmt.Errorf("pixapi: %w", err)
	}
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("pixapi: %w", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return resp.StatusCode, decodeError(resp.StatusCode, b)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return resp.StatusCode, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil && err != io.EOF {
		return resp.StatusCode, fmt.Errorf("pixapi: decoding %s %s response: %w", method, req.URL.Path, err)
	}
	return resp.StatusCode, nil
}
