// Package pixhttp serves the Pix API surface (seed 000, BACEN API Pix v2):
// the OAuth2 token endpoint over mutual TLS and the /api/v2 (and /v2)
// resources, rendering every error as the spec's RFC 7807 problem from the
// one table in problem.go.
package pixhttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/pixapi"
)

// Deps are what the Pix surface needs.
type Deps struct {
	Log     *slog.Logger
	OAuth   *oauth.Service
	Certs   *api.CertChecker
	Metrics *api.Metrics
	Pix     *pix.Service
}

// Server is the Pix API surface.
type Server struct {
	log     *slog.Logger
	oauth   *oauth.Service
	certs   *api.CertChecker
	metrics *api.Metrics
	pix     *pix.Service
}

// New returns the Pix surface.
func New(d Deps) *Server {
	return &Server{log: d.Log, oauth: d.OAuth, certs: d.Certs, metrics: d.Metrics, pix: d.Pix}
}

// APIPrefixes are the roots the resources are served under: the spec's
// /api/v2 (Sicredi) and /v2, which several real clients use.
var APIPrefixes = []string{"/api/v2", "/v2"}

// Register adds the surface's routes to mux. Every route demands a valid
// client certificate first; resources then demand a bearer token.
func (s *Server) Register(mux *http.ServeMux) {
	mtls := s.certs.RequireClientCert(s.writeAccessDenied)
	mux.Handle("POST /oauth/token", mtls(http.HandlerFunc(s.token)))
	// Any other method: 405 with Allow, in the token endpoint's dialect.
	mux.Handle("/oauth/token", mtls(http.HandlerFunc(s.tokenMethodNotAllowed)))
	// The API listener's root is the Pix host's: without a client
	// certificate it answers the edge's 403 page like the paths under it.
	mux.Handle("/{$}", mtls(http.HandlerFunc(s.NotFound)))
	for _, p := range APIPrefixes {
		s.registerCob(mux, p, mtls)
		s.registerCobV(mux, p, mtls)
		s.registerLoteCobV(mux, p, mtls)
		s.registerPix(mux, p, mtls)
		// Authentication precedes routing: an unknown resource under the
		// API root answers 401 without a valid token and 404 with one.
		mux.Handle(p+"/", mtls(s.Protect("", s.handle(Resource{}, func(w http.ResponseWriter, r *http.Request) error {
			return errs.New(errs.ENotFound, "Entidade não encontrada.")
		}))))
	}
}

// NotFound answers unknown routes outside the API roots with the spec's
// NaoEncontrado problem.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	s.writeProblem(w, r, errs.New(errs.ENotFound, "Entidade não encontrada."), Resource{}, false)
}

// RenderError renders err as a Pix problem (for middleware such as Recover).
func (s *Server) RenderError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeProblem(w, r, err, Resource{}, false)
}

// handle adapts a handler that returns an error: the error is rendered as a
// problem of resource res.
func (s *Server) handle(res Resource, h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeProblem(w, r, err, res, false)
		}
	})
}

type principalKey struct{}

// Principal is the authenticated caller of a resource request.
type Principal struct {
	Claims     *oauth.Claims
	Credential *oauth.Credential
}

// PrincipalFrom returns the request's authenticated caller, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Protect demands a bearer token issued to the connection's certificate and,
// when scope is not empty, granting scope. It must run after
// RequireClientCert.
func (s *Server) Protect(scope string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authz := r.Header.Get("Authorization")
		scheme, bearer, _ := strings.Cut(authz, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(bearer) == "" {
			s.writeProblem(w, r, &errs.Error{Kind: errs.EUnauthorized, Code: codeMissingToken,
				Message: "Full authentication is required to access this resource"}, Resource{}, false)
			return
		}
		peer := api.PeerFrom(r.Context())
		x5t := ""
		if peer != nil {
			x5t = peer.Thumbprint
		}
		claims, cred, err := s.oauth.Authenticate(r.Context(), strings.TrimSpace(bearer), x5t)
		if err == nil && scope != "" {
			err = oauth.RequireScope(claims, scope)
		}
		if err != nil {
			s.writeProblem(w, r, err, Resource{}, false)
			return
		}
		api.AddLogAttrs(r.Context(), slog.String("client_id", claims.ClientID))
		ctx := context.WithValue(r.Context(), principalKey{}, &Principal{Claims: claims, Credential: cred})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// token is POST /oauth/token (seed 000 §8): client_credentials with the
// client authenticated by HTTP Basic (or, for clients that send them, form
// or JSON parameters) and bound to the connection's certificate. It accepts
// form-encoded and JSON bodies; scope is separated by spaces or '+'.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	req, err := parseTokenRequest(r)
	if err == nil {
		req.Kind = oauth.KindPix
		req.Thumbprint = api.PeerFrom(r.Context()).Thumbprint
		var tok *oauth.Token
		tok, err = s.oauth.ClientCredentials(r.Context(), req)
		if err == nil {
			s.metrics.Tokens.WithLabelValues("pix").Inc()
			api.AddLogAttrs(r.Context(), slog.String("client_id", req.ClientID))
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Pragma", "no-cache")
			_ = json.NewEncoder(w).Encode(pixapi.Token{
				AccessToken: tok.AccessToken, TokenType: "bearer", ExpiresIn: tok.ExpiresIn, Scope: tok.Scope, JTI: tok.JTI,
			})
			return
		}
	}
	reason := "internal"
	if e := errs.As(err); e != nil && e.Code != "" {
		reason = e.Code
	} else if e != nil {
		reason = e.Kind.String()
	}
	s.metrics.TokenErrors.WithLabelValues("pix", reason).Inc()
	s.writeProblem(w, r, err, Resource{}, true)
}

// tokenContentType is the body type of the token request that seed 000 §8
// documents (RFC 6749 §4.4.2); JSON is also read (Efí's SDK sends it).
const tokenContentType = "application/x-www-form-urlencoded"

// tokenMethodNotAllowed answers a token request whose method is not POST
// (seed 000 §8 documents POST only): 405 with Allow: POST.
func (s *Server) tokenMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", http.MethodPost)
	s.writeProblem(w, r, &errs.Error{Kind: errs.EInvalid, Code: codeMethodNotAllowed,
		Message: "Método " + r.Method + " não suportado em /oauth/token: use POST."}, Resource{}, true)
}

// parseTokenRequest reads the client credentials and parameters of a token
// request. A body that is empty, or of a type other than form or JSON
// (multipart/form-data, text/plain, none), is EInvalid naming the documented
// type, rather than reaching the grant check as "Missing grant type"
// (docs/ARCHITECTURE.md, "Fidelity sweep (issue 16): Pix").
func parseTokenRequest(r *http.Request) (oauth.TokenRequest, error) {
	var req oauth.TokenRequest
	var params struct {
		GrantType    string          `json:"grant_type"`
		Scope        json.RawMessage `json:"scope"`
		ClientID     string          `json:"client_id"`
		ClientSecret string          `json:"client_secret"`
	}
	header := r.Header.Get("Content-Type")
	ct, _, _ := mime.ParseMediaType(header)
	if ct != "application/json" && ct != tokenContentType {
		msg := "Content-Type ausente"
		if header != "" {
			msg = "Content-Type " + header + " não suportado"
		}
		return req, &errs.Error{Kind: errs.EInvalid, Message: msg + ": envie o corpo como " + tokenContentType + " (grant_type=client_credentials)."}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return req, api.BodyError(err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return req, &errs.Error{Kind: errs.EInvalid, Message: "Corpo da requisição vazio: envie grant_type=client_credentials como " + tokenContentType + "."}
	}
	if ct == "application/json" {
		if err := json.Unmarshal(body, &params); err != nil {
			return req, &errs.Error{Kind: errs.EInvalid, Message: "Corpo JSON inválido", Err: err}
		}
		req.Scope = jsonScope(params.Scope)
	} else {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return req, &errs.Error{Kind: errs.EInvalid, Message: "Corpo da requisição inválido", Err: err}
		}
		params.GrantType = form.Get("grant_type")
		params.ClientID = form.Get("client_id")
		params.ClientSecret = form.Get("client_secret")
		req.Scope = form.Get("scope")
	}
	req.GrantType = params.GrantType
	if id, secret, ok := basicAuth(r); ok {
		req.ClientID, req.ClientSecret = id, secret
	} else if r.Header.Get("Authorization") == "" {
		req.ClientID, req.ClientSecret = params.ClientID, params.ClientSecret
	}
	return req, nil
}

// basicAuth decodes HTTP Basic credentials, form-decoding each part as RFC
// 6749 §2.3.1 asks (raw values are kept when they do not decode).
func basicAuth(r *http.Request) (id, secret string, ok bool) {
	scheme, enc, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return "", "", false
	}
	id, secret, ok = strings.Cut(string(raw), ":")
	if !ok {
		return "", "", false
	}
	if v, err := url.QueryUnescape(id); err == nil {
		id = v
	}
	if v, err := url.QueryUnescape(secret); err == nil {
		secret = v
	}
	return id, secret, true
}

// jsonScope accepts scope as a string or an array of strings.
func jsonScope(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, " ")
	}
	return ""
}
