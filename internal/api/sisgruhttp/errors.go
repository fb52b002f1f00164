package sisgruhttp

import (
	"log/slog"
	"net/http"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/sisgru"
)

// errorSpec is how one kind of error renders on SISGRU.
type errorSpec struct {
	status int
	// message is what every error of the kind says; "" means its own
	// message, or fallback when it has none.
	message, fallback string
}

// errorTable is the surface's only kind → status table. The seed documents
// 401, 403, 404 and 422 with their messages (sisgru.Msg*, carried by the
// errors); the rest are [G].
var errorTable = map[errs.Kind]errorSpec{
	errs.EUnauthorized:    {http.StatusUnauthorized, "", sisgru.MsgBasicUnauthorized},
	errs.EForbidden:       {http.StatusForbidden, "", sisgru.MsgForbidden},
	errs.ENotFound:        {http.StatusNotFound, sisgru.MsgNotFound, ""},
	errs.EInvalid:         {http.StatusUnprocessableEntity, "", sisgru.MsgRequired},
	errs.EUnprocessable:   {http.StatusUnprocessableEntity, "", sisgru.MsgRequired},
	errs.EConflict:        {http.StatusUnprocessableEntity, "", sisgru.MsgRequired},
	errs.ETooLarge:        {http.StatusRequestEntityTooLarge, "Requisição grande demais.", ""},
	errs.ETooManyRequests: {http.StatusTooManyRequests, "Limite de requisições excedido; tente novamente mais tarde.", ""},
	errs.EInternal:        {http.StatusInternalServerError, "Erro interno do servidor.", ""},
}

// writeError renders err in the seed's XML. Internal errors are logged with
// the correlation id and never shown.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e == nil {
		e = &errs.Error{Kind: errs.EInternal, Err: err}
	}
	spec, ok := errorTable[e.Kind]
	if !ok {
		spec = errorTable[errs.EInternal]
	}
	msg := spec.message
	if msg == "" {
		msg = e.Message
	}
	if msg == "" {
		msg = spec.fallback
	}
	if spec.status == http.StatusInternalServerError {
		api.LogFailure(s.log, r, "request failed", "path", r.URL.Path, "correlationId", api.CorrelationID(r.Context()), "err", err)
	} else {
		api.AddLogAttrs(r.Context(), slog.String("error", err.Error()))
	}
	if spec.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="SISGRU", Bearer realm="SISGRU"`)
	}
	writeError(w, spec.status, msg)
}

// RenderError renders err as a SISGRU error (for middleware).
func (s *Server) RenderError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, err)
}
