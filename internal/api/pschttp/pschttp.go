package pschttp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/psc"
)

// Body limits of POST /v0/oauth/signature, from the seed's limits (§3.2:
// documents of at most 7 MB; §5: at most 20 documents per request).
const (
	// maxContentBase64 is a 7 MB document in base64 (9.3 MiB).
	maxContentBase64 = (psc.MaxContent + 2) / 3 * 4
	// maxContentWrapped allows a JSON-escaped line break ("\r\n", four
	// bytes) after every 76 base64 characters, as MIME encoders write them.
	maxContentWrapped = maxContentBase64 + maxContentBase64/76*4
	// perDocumentJSON is the room for a document's other fields (id,
	// alias, hash, ...) and the JSON around them.
	perDocumentJSON = 64 << 10
	// SignatureBodyLimit is the body limit of POST /v0/oauth/signature: 20
	// documents of 7 MB in wrapped base64, each with its JSON (198 MiB).
	SignatureBodyLimit = psc.MaxDocuments * (maxContentWrapped + perDocumentJSON)
	// preallocLimit is the largest body of another route that decodeJSON
	// reads into a buffer of its announced length; above it the body
	// streams through a decoder, so a Content-Length alone cannot make the
	// server allocate (MaxBody refuses such bodies anyway unless the
	// operator configured a larger limit).
	preallocLimit = 1 << 20
)

// Deps are what the server needs.
type Deps struct {
	Log *slog.Logger
	PSC *psc.Service
}

// Server serves the PSC surface.
type Server struct {
	log   *slog.Logger
	psc   *psc.Service
	pages *pages
}

// New returns the server; it parses the page templates.
func New(d Deps) (*Server, error) {
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Server{log: d.Log, psc: d.PSC, pages: p}, nil
}

// Register adds the API routes to mux (the API listener).
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("POST /v0/oauth/application", s.handle(s.postApplication))
	mux.Handle("POST /v0/oauth/client_token", s.handle(s.postClientToken))
	mux.Handle("POST /v0/oauth/user-discovery", s.handle(s.postUserDiscovery))
	mux.Handle("GET /v0/oauth/authorize", s.handle(s.getAuthorize))
	mux.Handle("POST /v0/oauth/token", s.handle(s.postToken))
	mux.Handle("POST /v0/oauth/revoke", s.handle(s.postRevoke))
	mux.Handle("POST /v0/oauth/signature", s.handle(s.postSignature))
	mux.Handle("GET /v0/oauth/certificate-discovery", s.handle(s.getCertificateDiscovery))
	mux.Handle("GET /valid/api/v1/trusted-services/authentications", s.handle(s.getAuthentications))
}

// MaxBody is api.MaxBody(n) for every route but POST /v0/oauth/signature,
// which accepts [SignatureBodyLimit] (20 documents of 7 MB in base64): use
// it in place of api.MaxBody on the API listener.
func MaxBody(n int64) api.Middleware {
	small, large := api.MaxBody(n), api.MaxBody(max(n, SignatureBodyLimit))
	return func(next http.Handler) http.Handler {
		s, l := small(next), large(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v0/oauth/signature" {
				l.ServeHTTP(w, r)
				return
			}
			s.ServeHTTP(w, r)
		})
	}
}

// handle adapts a handler returning an error.
func (s *Server) handle(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.RenderError(w, r, err)
		}
	})
}

// statuses maps OAuth error codes to HTTP statuses: the one table.
var statuses = map[string]int{
	psc.CodeInvalidRequest:       http.StatusBadRequest,
	psc.CodeInvalidGrant:         http.StatusBadRequest,
	psc.CodeUnsupportedGrantType: http.StatusBadRequest,
	psc.CodeInvalidClient:        http.StatusUnauthorized,
	psc.CodeInvalidToken:         http.StatusUnauthorized,
	psc.CodeAccessDenied:         http.StatusForbidden,
	psc.CodeNotFound:             http.StatusNotFound,
	psc.CodeTooManyRequests:      http.StatusTooManyRequests,
	psc.CodeUnauthorizedClient:   http.StatusBadRequest,
	psc.CodeUnsupportedTokenType: http.StatusBadRequest,
}

// oauthError is the body of every error.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// RenderError writes err as {"error","error_description"}. Errors without
// an OAuth code: a body over the limit is 413 invalid_request, other
// invalid input 400 invalid_request, a client past the rate limit 429
// too_many_requests (the seed's "To many requests"), anything else 500
// server_error (logged, never shown).
func (s *Server) RenderError(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	code, status := "", 0
	switch {
	case e != nil && e.Code != "" && statuses[e.Code] != 0:
		code, status = e.Code, statuses[e.Code]
	case e != nil && e.Kind == errs.ETooLarge:
		code, status = psc.CodeInvalidRequest, http.StatusRequestEntityTooLarge
	case e != nil && (e.Kind == errs.EInvalid || e.Kind == errs.EUnprocessable):
		code, status = psc.CodeInvalidRequest, http.StatusBadRequest
	case e != nil && e.Kind == errs.ENotFound:
		code, status = psc.CodeNotFound, http.StatusNotFound
	case e != nil && e.Kind == errs.ETooManyRequests: // the per-client rate limit (api.RateLimit)
		e = psc.Error(psc.CodeTooManyRequests, "To many requests")
		code, status = e.Code, http.StatusTooManyRequests
	default:
		api.LogFailure(s.log, r, "psc request failed", "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, oauthError{"server_error", "Erro interno do servidor"})
		return
	}
	var le *psc.LimitError
	if errors.As(err, &le) {
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(le.RetryAfter.Seconds()))))
	}
	switch code {
	case psc.CodeInvalidToken:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	case psc.CodeInvalidClient:
		w.Header().Set("WWW-Authenticate", `Basic realm="psc"`)
	}
	writeJSON(w, status, oauthError{code, e.Message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeJSON reads a JSON body into v. A body of known length up to limit
// (the route's body limit) is read into one buffer of exactly that size (a
// 198 MiB signature request would otherwise grow a decoder's buffer by
// doubling, leaving as much garbage again), which is dropped as soon as v
// is filled: the peak is the body plus what v keeps of it (the decoded
// documents, three quarters of their base64). A larger announced length is
// not trusted with an allocation: the body streams through a decoder, which
// meets the MaxBody limit.
func decodeJSON(r *http.Request, v any, limit int64) error {
	var err error
	if n := r.ContentLength; n > 0 && n <= limit {
		buf := make([]byte, n)
		if _, err = io.ReadFull(r.Body, buf); err == nil {
			err = json.Unmarshal(buf, v)
		}
	} else {
		err = json.NewDecoder(r.Body).Decode(v)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return api.BodyError(err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return psc.Error(psc.CodeInvalidRequest, "Campo %s com tipo inválido", te.Field)
		}
		return psc.Error(psc.CodeInvalidRequest, "Corpo JSON inválido")
	}
	return nil
}

// params reads a body that may be a form (the standard) or JSON (the seed's
// token example), plus HTTP Basic client credentials.
func params(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	out := url.Values{}
	if ct == "application/json" {
		var m map[string]any
		if err := decodeJSON(r, &m, preallocLimit); err != nil {
			return nil, err
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				out.Set(k, v)
			case float64, bool:
				out.Set(k, fmt.Sprint(v))
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, api.BodyError(err)
			}
			return nil, psc.Error(psc.CodeInvalidRequest, "Formulário inválido")
		}
		out = r.PostForm
	}
	if id, secret, ok := r.BasicAuth(); ok && out.Get("client_id") == "" {
		if u, err := url.QueryUnescape(id); err == nil {
			id = u
		}
		if u, err := url.QueryUnescape(secret); err == nil {
			secret = u
		}
		out.Set("client_id", id)
		out.Set("client_secret", secret)
	}
	return out, nil
}

func (s *Server) postApplication(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Name         string   `json:"name"`
		Comments     string   `json:"comments"`
		RedirectURIs []string `json:"redirect_uris"`
		Email        string   `json:"email"`
	}
	if err := decodeJSON(r, &body, preallocLimit); err != nil {
		return err
	}
	app, secret, err := s.psc.RegisterApplication(r.Context(), psc.RegisterRequest{Name: body.Name, Comments: body.Comments, RedirectURIs: body.RedirectURIs, Email: body.Email})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Status       string `json:"status"`
		Message      string `json:"message"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}{"success", "New Client Application registered with Sucess", app.ClientID, secret})
	return nil
}

func (s *Server) postClientToken(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	tok, ttl, err := s.psc.ClientToken(r.Context(), p.Get("grant_type"), p.Get("client_id"), p.Get("client_secret"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}{tok, "Bearer", int64(ttl.Seconds())})
	return nil
}

func (s *Server) postUserDiscovery(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	slots, err := s.psc.DiscoverUser(r.Context(), p.Get("client_id"), p.Get("client_secret"), p.Get("user_cpf_cnpj"), p.Get("val_cpf_cnpj"))
	if err != nil {
		return err
	}
	type slot struct {
		Alias string `json:"slot_alias"`
		Label string `json:"label"`
	}
	out := make([]slot, 0, len(slots))
	for _, sl := range slots {
		out = append(out, slot{sl.Alias, sl.Label})
	}
	writeDiscovery(w, "slots", out)
	return nil
}

// writeDiscovery writes a discovery answer in the seed's order:
// {"status":"N"} when nothing was found, else {"status":"S","<key>":items}.
func writeDiscovery[T any](w http.ResponseWriter, key string, items []T) {
	if len(items) == 0 {
		writeJSON(w, http.StatusOK, json.RawMessage(`{"status":"N"}`))
		return
	}
	k, _ := json.Marshal(key)
	b, err := json.Marshal(items)
	if err != nil { // plain strings only: cannot happen
		writeJSON(w, http.StatusInternalServerError, oauthError{"server_error", "Erro interno do servidor"})
		return
	}
	writeJSON(w, http.StatusOK, json.RawMessage(`{"status":"S",`+string(k)+`:`+string(b)+`}`))
}

func (s *Server) getAuthorize(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	a, err := s.psc.Authorize(r.Context(), psc.AuthorizeRequest{
		ClientID: q.Get("client_id"), CodeChallenge: q.Get("code_challenge"), CodeChallengeMethod: q.Get("code_challenge_method"),
		ResponseType: q.Get("response_type"), Scope: q.Get("scope"), LoginHint: q.Get("login_hint"), Lifetime: q.Get("lifetime"),
		RedirectURI: q.Get("redirect_uri"), State: q.Get("state"),
	})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if a.Push {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		_, err := io.WriteString(w, "code="+a.ID)
		return err
	}
	http.Redirect(w, r, s.psc.WebURL+"/psc/qr/"+a.ID, http.StatusFound)
	return nil
}

func (s *Server) getAuthentications(w http.ResponseWriter, r *http.Request) error {
	res, err := s.psc.Poll(r.Context(), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	if res.Pending {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, struct {
		AuthorizationToken string `json:"authorizationToken"`
		RedirectURL        string `json:"redirectUrl"`
	}{res.AuthorizationToken, res.RedirectURL})
	return nil
}

func (s *Server) postToken(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	res, err := s.psc.Exchange(r.Context(), psc.TokenRequest{
		GrantType: p.Get("grant_type"), ClientID: p.Get("client_id"), ClientSecret: p.Get("client_secret"),
		Code: p.Get("code"), CodeVerifier: p.Get("code_verifier"), RedirectURI: p.Get("redirect_uri"),
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		AccessToken  string `json:"access_token"`
		TokenType    string `json:"token_type"`
		ExpiresIn    int64  `json:"expires_in"`
		Scope        string `json:"scope"`
		AuthorizedID string `json:"authorized_identification"`
		AuthorizedTy string `json:"authorized_identification_type"`
	}{res.AccessToken, "Bearer", int64(res.ExpiresIn.Seconds()), string(res.Scope), res.Documento, string(res.Type)})
	return nil
}

// postRevoke is RFC 7009 token revocation for the application: a form (or
// JSON) body with token and token_type_hint, the client authenticated by
// client_id and client_secret in the body or HTTP Basic. 200 with an empty
// body, also for a token that was invalid already (§2.2).
func (s *Server) postRevoke(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r)
	if err != nil {
		return err
	}
	if err := s.psc.Revoke(r.Context(), psc.RevokeRequest{ClientID: p.Get("client_id"), ClientSecret: p.Get("client_secret"),
		Token: p.Get("token"), TokenTypeHint: p.Get("token_type_hint")}); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return nil
}

// bearer returns the request's token: Authorization: Bearer, or the
// certificate-discovery's token query parameter.
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(tok)
	}
	return ""
}

func (s *Server) getCertificateDiscovery(w http.ResponseWriter, r *http.Request) error {
	tokValue := bearer(r)
	if tokValue == "" {
		tokValue = r.URL.Query().Get("token")
	}
	tok, err := s.psc.Authenticate(r.Context(), tokValue)
	if err != nil {
		return err
	}
	certs, err := s.psc.Certificates(r.Context(), tok, r.URL.Query().Get("certificate_alias"))
	if err != nil {
		return err
	}
	type cert struct {
		Alias       string `json:"alias"`
		Certificate string `json:"certificate"`
	}
	out := make([]cert, 0, len(certs))
	for _, c := range certs {
		out = append(out, cert{c.Alias, c.PEM})
	}
	writeDiscovery(w, "certificates", out)
	return nil
}

// flexBool reads true/false as JSON booleans or strings ("true"/"false", as
// the seed writes pdf_signature_page).
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch strings.ToLower(strings.Trim(string(data), `"`)) {
	case "true":
		*b = true
	case "false", "", "null":
		*b = false
	default:
		return &json.UnmarshalTypeError{Value: string(data), Field: "pdf_signature_page"}
	}
	return nil
}

func (s *Server) postSignature(w http.ResponseWriter, r *http.Request) error {
	tok, err := s.psc.Authenticate(r.Context(), bearer(r))
	if err != nil {
		return err
	}
	var body struct {
		CertificateAlias string `json:"certificate_alias"`
		Hashes           []struct {
			ID               string   `json:"id"`
			Alias            string   `json:"alias"`
			Hash             string   `json:"hash"`
			HashAlgorithm    string   `json:"hash_algorithm"`
			SignatureFormat  string   `json:"signature_format"`
			PaddingMethod    string   `json:"padding_method"`
			PDFSignaturePage flexBool `json:"pdf_signature_page"`
			// Content is decoded from base64 by encoding/json (line breaks
			// are ignored, as the seed asks).
			Content []byte `json:"base64_content"`
		} `json:"hashes"`
	}
	if err := decodeJSON(r, &body, SignatureBodyLimit); err != nil {
		return err
	}
	req := psc.SignRequest{CertificateAlias: body.CertificateAlias}
	for _, h := range body.Hashes {
		req.Hashes = append(req.Hashes, psc.HashRequest{ID: h.ID, Alias: h.Alias, Hash: h.Hash, HashAlgorithm: h.HashAlgorithm,
			SignatureFormat: h.SignatureFormat, PaddingMethod: h.PaddingMethod, PDFSignaturePage: bool(h.PDFSignaturePage), Content: h.Content})
	}
	body.Hashes = nil
	res, err := s.psc.Sign(r.Context(), tok, req)
	if err != nil {
		return err
	}
	return writeSignatures(w, res)
}

// writeSignatures streams the response: signed files go out through a
// base64 encoder straight from their pieces, never joined in memory.
func writeSignatures(w http.ResponseWriter, res *psc.SignResult) error {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	var b bytes.Buffer
	str := func(s string) { v, _ := json.Marshal(s); b.Write(v) }
	b.WriteString(`{"certificate_alias":`)
	str(res.CertificateAlias)
	b.WriteString(`,"signatures":[`)
	for i, sig := range res.Signatures {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":`)
		str(sig.ID)
		if sig.File != nil {
			b.WriteString(`,"file_base64_signed":"`)
			if _, err := w.Write(b.Bytes()); err != nil {
				return nil // the client went away; nothing to render
			}
			b.Reset()
			enc := base64.NewEncoder(base64.StdEncoding, w)
			for _, p := range sig.File {
				if _, err := enc.Write(p); err != nil {
					return nil
				}
			}
			if err := enc.Close(); err != nil {
				return nil
			}
			b.WriteString(`"}`)
			continue
		}
		b.WriteString(`,"raw_signature":"`)
		b.WriteString(base64.StdEncoding.EncodeToString(sig.Raw))
		b.WriteString(`"}`)
	}
	b.WriteString("]}\n")
	_, _ = w.Write(b.Bytes())
	return nil
}

// SandboxApprovals is POST /sandbox/v1/psc/approvals {"login_hint",
// "approve"}: it decides the holder's pending request without a password.
// Mount it behind the sandbox admin token.
func (s *Server) SandboxApprovals(w http.ResponseWriter, r *http.Request) {
	err := func() error {
		var body struct {
			LoginHint string `json:"login_hint"`
			Approve   *bool  `json:"approve"`
		}
		if err := decodeJSON(r, &body, preallocLimit); err != nil {
			return err
		}
		if body.Approve == nil {
			return psc.Error(psc.CodeInvalidRequest, "approve (true ou false) é obrigatório")
		}
		a, err := s.psc.SandboxDecide(r.Context(), body.LoginHint, *body.Approve)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, struct {
			ID        string `json:"id"`
			Status    string `json:"status"`
			Documento string `json:"login_hint"`
			Push      bool   `json:"push"`
		}{a.ID, string(a.Status), a.Documento, a.Push})
		return nil
	}()
	if err != nil {
		s.RenderError(w, r, err)
	}
}

// SandboxRevocations is POST /sandbox/v1/psc/revocations {"login_hint",
// "client_id"?}: the holder revokes the tokens they authorized (all, or
// those of one application), as they would in the PSC's phone app. It
// answers {"revoked": n}. Mount it behind the sandbox admin token.
func (s *Server) SandboxRevocations(w http.ResponseWriter, r *http.Request) {
	err := func() error {
		var body struct {
			LoginHint string `json:"login_hint"`
			ClientID  string `json:"client_id"`
		}
		if err := decodeJSON(r, &body, preallocLimit); err != nil {
			return err
		}
		n, err := s.psc.RevokeHolder(r.Context(), body.LoginHint, body.ClientID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, struct {
			Revoked int64 `json:"revoked"`
		}{n})
		return nil
	}()
	if err != nil {
		s.RenderError(w, r, err)
	}
}
