package pixapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Token is the response of the OAuth2 token endpoint (POST /oauth/token,
// client_credentials grant, RFC 6749 §4.4.3), as the Pix API serves it.
type Token struct {
	// AccessToken is the bearer token, a JWT bound to the client
	// certificate it was requested with.
	AccessToken string `json:"access_token"`
	// TokenType is "bearer" (case varies between servers).
	TokenType string `json:"token_type"`
	// ExpiresIn is the lifetime of the token in seconds (3600 by default at
	// Sicredi, whose guide mislabels the unit as milliseconds).
	ExpiresIn int `json:"expires_in"`
	// Scope lists the granted scopes, separated by spaces.
	Scope string `json:"scope"`
	// JTI is the token's identifier.
	JTI string `json:"jti,omitempty"`

	// Expiry is when the token expires: the time its request started plus
	// ExpiresIn. The SDK fills it in; it is zero when the server sent no
	// lifetime. It is not part of the wire format.
	Expiry time.Time `json:"-"`
}

// ErrNoCredentials is returned by [Client.Token] when the client was created
// without [WithCredentials].
var ErrNoCredentials = errors.New("pixapi: no client credentials (see WithCredentials)")

// tokenFetchTimeout bounds a token request. The request runs detached from
// the cancellation of the caller that started it, because other callers may
// be waiting for it too.
const tokenFetchTimeout = time.Minute

// tokenCall is one in-flight token request that concurrent callers share.
type tokenCall struct {
	done chan struct{}
	tok  *Token
	err  error
}

// tokenError marks a failure of the token request. It unwraps to the
// underlying error (a *Problem, *HTTPError, transport error...).
type tokenError struct{ err error }

func (e *tokenError) Error() string {
	return "pixapi: token request: " + strings.TrimPrefix(e.err.Error(), "pixapi: ")
}

func (e *tokenError) Unwrap() error { return e.err }

// Token returns an access token for the client's credentials and scopes.
//
// The token is cached and shared by every request of c. A new one is
// requested when there is none yet or when the cached one enters its refresh
// window (see [WithRefreshBefore]). Concurrent callers share one in-flight
// request; if it fails, all of them receive its error and nothing is cached,
// so the next call tries again. A token whose response carried no
// expires_in is reused until the server rejects it with 401.
//
// Errors from the token endpoint are returned as [*Problem] (Sicredi sends
// its 400 errors as a one-element JSON array), [*ProblemList] or
// [*HTTPError] (for example the HTML 403 page of a request without a client
// certificate), wrapped with a "pixapi: token request:" prefix; use
// [errors.As] and [errors.Is]. Without credentials Token returns
// [ErrNoCredentials].
//
// The returned Token is a copy; changing it does not affect the cache.
func (c *Client) Token(ctx context.Context) (*Token, error) {
	if !c.hasCreds {
		return nil, ErrNoCredentials
	}
	c.mu.Lock()
	if c.tok != nil && (c.refreshAt.IsZero() || c.now().Before(c.refreshAt)) {
		t := *c.tok
		c.mu.Unlock()
		return &t, nil
	}
	call := c.inflight
	if call == nil {
		if err := ctx.Err(); err != nil {
			c.mu.Unlock()
			return nil, fmt.Errorf("pixapi: token request: %w", err)
		}
		call = &tokenCall{done: make(chan struct{})}
		c.inflight = call
		go c.runTokenCall(context.WithoutCancel(ctx), call)
	}
	c.mu.Unlock()

	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("pixapi: token request: %w", ctx.Err())
	}
	if call.err != nil {
		return nil, call.err
	}
	t := *call.tok
	return &t, nil
}

// runTokenCall performs call, caches its token on success and wakes the
// waiters.
func (c *Client) runTokenCall(ctx context.Context, call *tokenCall) {
	ctx, cancel := context.WithTimeout(ctx, tokenFetchTimeout)
	defer cancel()
	tok, refreshAt, err := c.fetchToken(ctx)

	c.mu.Lock()
	if err == nil {
		c.tok, c.refreshAt = tok, refreshAt
	}
	c.inflight = nil
	call.tok, call.err = tok, err
	c.mu.Unlock()
	close(call.done)
}

// dropToken forgets the cached token if it is still accessToken (a newer one
// fetched meanwhile by another request is kept).
func (c *Client) dropToken(accessToken string) {
	c.mu.Lock()
	if c.tok != nil && c.tok.AccessToken == accessToken {
		c.tok, c.refreshAt = nil, time.Time{}
	}
	c.mu.Unlock()
}

// fetchToken requests a token (RFC 6749 §4.4.2, client authentication per
// §2.3.1) and returns it with the time it should be replaced (zero if never).
func (c *Client) fetchToken(ctx context.Context) (*Token, time.Time, error) {
	start := c.now()
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(c.scopes) > 0 {
		form.Set("scope", strings.Join(c.scopes, " "))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, time.Time{}, &tokenError{err}
	}
	basic := url.QueryEscape(c.clientID) + ":" + url.QueryEscape(c.clientSecret)
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(basic)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)

	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, time.Time{}, &tokenError{err}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, time.Time{}, &tokenError{decodeError(resp.StatusCode, b)}
	}
	var tok Token
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&tok); err != nil {
		return nil, time.Time{}, &tokenError{fmt.Errorf("decoding response: %w", err)}
	}
	if tok.AccessToken == "" {
		return nil, time.Time{}, &tokenError{errors.New("response has no access_token")}
	}
	var refreshAt time.Time
	if tok.ExpiresIn > 0 {
		life := time.Duration(tok.ExpiresIn) * time.Second
		tok.Expiry = start.Add(life)
		before := c.refreshBefore
		if life < 2*before {
			before = life / 2
		}
		refreshAt = tok.Expiry.Add(-before)
	}
	return &tok, refreshAt, nil
}
