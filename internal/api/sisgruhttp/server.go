// Package sisgruhttp serves the Treasury's SISGRU web services (seed 003):
// GET /sisgru/services/v1/grus, /grus/{id_gru}, /pagamentos and
// /pagamentos/{id_pagamento}, as XML streamed while the rows are read, with
// X-Total-Count, RFC 8288 Link paging and gzip, behind Basic (SIAFI user) or
// RS256 JWT (external system) authentication. Every error is the seed's
// <errors><error><code/><message/></error></errors>, from the one table in
// errors.go.
package sisgruhttp

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/sisgru"
)

// Prefix is the root of the surface (seed: https://{environment}/sisgru/services/v1).
const Prefix = "/sisgru/services/v1"

// Deps are what the surface needs.
type Deps struct {
	Log   *slog.Logger
	Store sisgru.Store
	Auth  *sisgru.Authenticator
	// BaseURL is the API listener's public base URL; Link headers are
	// absolute URLs under it.
	BaseURL string
}

// Server is the SISGRU surface.
type Server struct {
	log     *slog.Logger
	store   sisgru.Store
	auth    *sisgru.Authenticator
	baseURL string
}

// New returns the SISGRU surface.
func New(d Deps) *Server {
	return &Server{log: d.Log, store: d.Store, auth: d.Auth, baseURL: strings.TrimRight(d.BaseURL, "/")}
}

// Register adds the surface's routes to mux. Authentication precedes
// routing: an unknown path under the root answers 401 without credentials
// and 404 "Página não encontrada." with them, as do methods other than GET.
func (s *Server) Register(mux *http.ServeMux) {
	grus := resource[sisgru.GRU]{
		schema: sisgru.GRUs, count: s.store.CountGRUs, each: s.store.EachGRU,
		get: func(ctx context.Context, id string) (*sisgru.GRU, error) {
			if !sisgru.ValidGRUID(id) {
				return nil, sisgru.ErrNotFound
			}
			return s.store.GRU(ctx, id)
		},
	}
	pagamentos := resource[sisgru.Pagamento]{
		schema: sisgru.Pagamentos, count: s.store.CountPagamentos, each: s.store.EachPagamento,
		get: func(ctx context.Context, id string) (*sisgru.Pagamento, error) {
			n, ok := sisgru.ParsePagamentoID(id)
			if !ok {
				return nil, sisgru.ErrNotFound
			}
			return s.store.Pagamento(ctx, n)
		},
	}
	mux.Handle("GET "+Prefix+"/grus", s.handle(list(s, grus)))
	mux.Handle("GET "+Prefix+"/grus/{id}", s.handle(one(grus)))
	mux.Handle("GET "+Prefix+"/pagamentos", s.handle(list(s, pagamentos)))
	mux.Handle("GET "+Prefix+"/pagamentos/{id}", s.handle(one(pagamentos)))
	mux.Handle(Prefix+"/", s.handle(func(w http.ResponseWriter, r *http.Request) error { return sisgru.ErrNotFound }))
}

// resource is what the handlers need of one resource.
type resource[T any] struct {
	schema *sisgru.Schema[T]
	count  func(context.Context, *sisgru.Query) (int64, error)
	each   func(context.Context, *sisgru.Query, func(*T) error) error
	get    func(context.Context, string) (*T, error)
}

type principalKey struct{}

// principal returns the request's authenticated caller.
func principal(ctx context.Context) *sisgru.Principal {
	p, _ := ctx.Value(principalKey{}).(*sisgru.Principal)
	return p
}

// handle authenticates the request, runs h, and renders its error. A
// request that has started its 200 body cannot change its status: an error
// (or a panic) then aborts the connection, so the client sees a truncated
// response rather than a well-formed partial one.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v != http.ErrAbortHandler {
					s.log.ErrorContext(r.Context(), "panic", "value", v, "correlationId", api.CorrelationID(r.Context()))
				}
				if v == http.ErrAbortHandler || tw.started {
					panic(http.ErrAbortHandler)
				}
				s.writeError(tw, r, errs.New(errs.EInternal, "panic: %v", v))
			}
		}()
		p, err := s.authenticate(r)
		if err == nil {
			api.AddLogAttrs(r.Context(), slog.String("sisgru_auth", string(p.Kind)))
			if p.Kind == sisgru.PrincipalSystem {
				api.AddLogAttrs(r.Context(), slog.String("sisgru_issuer", p.ID))
			}
			err = h(tw, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
		}
		if err == nil {
			return
		}
		if tw.started {
			s.log.ErrorContext(r.Context(), "response aborted", "path", r.URL.Path, "correlationId", api.CorrelationID(r.Context()), "err", err)
			panic(http.ErrAbortHandler)
		}
		s.writeError(tw, r, err)
	})
}

// trackingWriter records whether the response has started.
type trackingWriter struct {
	http.ResponseWriter
	started bool
}

func (w *trackingWriter) WriteHeader(code int) {
	w.started = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *trackingWriter) Write(b []byte) (int, error) {
	w.started = true
	return w.ResponseWriter.Write(b)
}

func (w *trackingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// authenticate reads the Authorization header: "Basic base64(cpf:senha)" or
// "Bearer <jwt>". Anything else, or nothing, is the Basic 401 ("não foram
// informadas ou foram de forma incorreta"); a Bearer without a token is the
// JWT 401.
func (s *Server) authenticate(r *http.Request) (*sisgru.Principal, error) {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	cred = strings.TrimSpace(cred)
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		if cred == "" {
			return nil, sisgru.ErrJWTUnauthorized
		}
		return s.auth.Bearer(r.Context(), cred)
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return nil, sisgru.ErrBasicUnauthorized
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok {
			return nil, sisgru.ErrBasicUnauthorized
		}
		return s.auth.Basic(r.Context(), user, pass)
	}
	return nil, sisgru.ErrBasicUnauthorized
}

// list serves GET /grus and GET /pagamentos.
func list[T any](s *Server, res resource[T]) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		vals, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return &errs.Error{Kind: errs.EUnprocessable, Message: "Parâmetros da consulta mal codificados: use a Codificação por Cento.", Err: err}
		}
		l, err := sisgru.ParseList(res.schema, vals)
		if err != nil {
			return err
		}
		if err := sisgru.Authorize(res.schema, principal(ctx), &l.Query); err != nil {
			return err
		}
		total, err := res.count(ctx, &l.Query)
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("X-Total-Count", strconv.FormatInt(total, 10))
		if link := s.links(r.URL.Path, l.Carry, l.Query.Offset, int64(l.Query.Limit), total); link != "" {
			h.Set("Link", link)
		}
		x := startXML(w, r)
		err = x.open(res.schema.Root)
		if err == nil {
			err = res.each(ctx, &l.Query, func(rec *T) error { return item(x, res.schema, l.Shown, rec) })
		}
		if err == nil {
			err = x.close(res.schema.Root)
		}
		if ferr := x.finish(); err == nil {
			err = ferr
		}
		return err
	}
}

// one serves GET /grus/{id_gru} and GET /pagamentos/{id_pagamento}: the
// record in the list's envelope (the seed's example). A record of a UG the
// caller may not read is 404, as an unknown one: its existence is not
// revealed.
func one[T any](res resource[T]) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		rec, err := res.get(r.Context(), r.PathValue("id"))
		if errs.Is(err, errs.ENotFound) {
			return sisgru.ErrNotFound
		}
		if err != nil {
			return err
		}
		if !sisgru.Visible(res.schema, principal(r.Context()), rec) {
			return sisgru.ErrNotFound
		}
		x := startXML(w, r)
		err = x.open(res.schema.Root)
		if err == nil {
			err = item(x, res.schema, res.schema.Fields, rec)
		}
		if err == nil {
			err = x.close(res.schema.Root)
		}
		if ferr := x.finish(); err == nil {
			err = ferr
		}
		return err
	}
}

// links returns the Link header (RFC 8288) of a page: rel="prev" unless it
// is the first, rel="next" unless it is the last, each an absolute URL
// carrying offset, page_size and the request's q, fields, fields_exclude and
// sort.
func (s *Server) links(path string, carry url.Values, offset, size, total int64) string {
	var out []string
	if offset > 0 {
		out = append(out, "<"+s.pageURL(path, carry, max(0, offset-size), size)+`>; rel="prev"`)
	}
	if offset+size < total {
		out = append(out, "<"+s.pageURL(path, carry, offset+size, size)+`>; rel="next"`)
	}
	return strings.Join(out, ", ")
}

func (s *Server) pageURL(path string, carry url.Values, offset, size int64) string {
	var b strings.Builder
	b.WriteString(s.baseURL)
	b.WriteString(path)
	b.WriteString("?offset=")
	b.WriteString(strconv.FormatInt(offset, 10))
	b.WriteString("&page_size=")
	b.WriteString(strconv.FormatInt(size, 10))
	for _, p := range []string{sisgru.ParamQ, sisgru.ParamFields, sisgru.ParamFieldsExclude, sisgru.ParamSort} {
		if v, ok := carry[p]; ok && len(v) > 0 {
			b.WriteString("&" + p + "=")
			b.WriteString(strings.ReplaceAll(url.QueryEscape(v[0]), "+", "%20"))
		}
	}
	return b.String()
}
