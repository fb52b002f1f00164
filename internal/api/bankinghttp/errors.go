package bankinghttp

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/errs"
)

// errorTable is the surface's only code → (status, message) table. The
// token-v2 rows are the seed's troubleshooting section ("401 Invalid
// Credentials", "401 Invalid Client Certificate", "403 Forbidden"); the
// rest are brasa's. A message of "" shows the error's own message.
var errorTable = map[string]struct {
	status int
	msg    string
}{
	banking.CodeInvalidCredentials: {http.StatusUnauthorized, "Invalid Credentials"},
	banking.CodeInvalidCertificate: {http.StatusUnauthorized, "Invalid Client Certificate"},
	banking.CodeForbiddenIP:        {http.StatusForbidden, "Forbidden"},
	banking.CodeUnauthorized:       {http.StatusUnauthorized, "Unauthorized"},
	banking.CodeBadRequest:         {http.StatusBadRequest, ""},
	banking.CodeAccountNotFound:    {http.StatusNotFound, "Account not found"},
	banking.CodeMaxCertificates:    {http.StatusUnprocessableEntity, ""},
	banking.CodeInvalid:            {http.StatusBadRequest, ""},
	banking.CodeNotFound:           {http.StatusNotFound, ""},
}

// kindTable renders errors whose code is not in errorTable.
var kindTable = map[errs.Kind]struct {
	status int
	msg    string
}{
	errs.EInvalid:         {http.StatusBadRequest, ""},
	errs.ETooLarge:        {http.StatusRequestEntityTooLarge, "Request body too large"},
	errs.EUnauthorized:    {http.StatusUnauthorized, "Unauthorized"},
	errs.EForbidden:       {http.StatusForbidden, "Forbidden"},
	errs.ENotFound:        {http.StatusNotFound, "Not found"},
	errs.EConflict:        {http.StatusConflict, ""},
	errs.EUnprocessable:   {http.StatusUnprocessableEntity, ""},
	errs.ETooManyRequests: {http.StatusTooManyRequests, "Too many requests"},
	errs.EInternal:        {http.StatusInternalServerError, "Internal Server Error"},
}

// ErrorBody is the surface's error body: {"status": 401, "message":
// "Invalid Credentials"}.
type ErrorBody struct {
	Status        int    `json:"status"`
	Message       string `json:"message"`
	CorrelationID string `json:"correlationId,omitempty"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e == nil {
		e = &errs.Error{Kind: errs.EInternal, Err: err}
	}
	spec, ok := errorTable[e.Code]
	if !ok {
		k, found := kindTable[e.Kind]
		if !found {
			k = kindTable[errs.EInternal]
		}
		spec.status, spec.msg = k.status, k.msg
	}
	msg := spec.msg
	if msg == "" {
		msg = e.Message
	}
	if spec.status == http.StatusInternalServerError {
		api.LogFailure(s.d.Log, r, "request failed", "path", r.URL.Path, "correlationId", api.CorrelationID(r.Context()), "err", err)
		msg = kindTable[errs.EInternal].msg
	} else {
		api.AddLogAttrs(r.Context(), slog.String("error", err.Error()))
	}
	if spec.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gw_banking"`)
	}
	writeJSON(w, spec.status, ErrorBody{Status: spec.status, Message: msg, CorrelationID: api.CorrelationID(r.Context())})
}

// RenderError renders err in the surface's shape (for middleware).
func (s *Server) RenderError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
