package banklyhttp

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/partner"
)

// errorTable is the surface's only code → status table: the seed's codes
// (seed 001 "Erros") with their statuses, and brasa's for the requests the
// seed does not cover. An error without a listed code renders by kind
// (kindTable).
var errorTable = map[string]int{
	partner.CodeCertRevoked:      http.StatusForbidden,
	partner.CodeCertNotPresented: http.StatusForbidden,
	partner.CodeCertUnknown:      http.StatusForbidden,
	partner.CodeCertInvalid:      http.StatusForbidden,
	partner.CodeCertIDUnknown:    http.StatusForbidden,
	partner.CodeCertExpired:      http.StatusForbidden,
	partner.CodeAuthRequired:     http.StatusForbidden,
	partner.CodePartnerNotFound:  http.StatusUnprocessableEntity,
	partner.CodeMaxCertificates:  http.StatusUnprocessableEntity,
	partner.CodeAuthFailure:      http.StatusInternalServerError,
	partner.CodeNetworkFailure:   http.StatusInternalServerError,

	partner.CodeInvalidParameter:     http.StatusBadRequest,
	partner.CodeInvalidBody:          http.StatusBadRequest,
	partner.CodeAPIVersion:           http.StatusBadRequest,
	partner.CodeUnauthorized:         http.StatusUnauthorized,
	partner.CodeForbidden:            http.StatusForbidden,
	partner.CodeCertificateNotFound:  http.StatusNotFound,
	partner.CodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
}

// kindTable renders errors without a code of errorTable.
var kindTable = map[errs.Kind]struct {
	status int
	code   string
	msg    string
}{
	errs.EInvalid:         {http.StatusBadRequest, partner.CodeInvalidBody, ""},
	errs.ETooLarge:        {http.StatusRequestEntityTooLarge, "REQUEST_BODY_TOO_LARGE", "Request body too large."},
	errs.EUnauthorized:    {http.StatusUnauthorized, partner.CodeUnauthorized, ""},
	errs.EForbidden:       {http.StatusForbidden, partner.CodeForbidden, ""},
	errs.ENotFound:        {http.StatusNotFound, "NOT_FOUND", "Resource not found."},
	errs.EUnprocessable:   {http.StatusUnprocessableEntity, "UNPROCESSABLE", ""},
	errs.EConflict:        {http.StatusUnprocessableEntity, "CONFLICT", ""},
	errs.ETooManyRequests: {http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "Too many requests."},
	errs.EInternal:        {http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "An unexpected error occurred."},
}

// titles are the "title" of each status.
var titles = map[int]string{
	http.StatusBadRequest:            "One or more validation errors occurred.",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "Not Found",
	http.StatusRequestEntityTooLarge: "Payload Too Large",
	http.StatusUnsupportedMediaType:  "Unsupported Media Type",
	http.StatusUnprocessableEntity:   "Unprocessable Entity",
	http.StatusTooManyRequests:       "Too Many Requests",
	http.StatusInternalServerError:   "Internal Server Error",
}

// ErrorItem is one element of "errors".
type ErrorItem struct {
	Code         string   `json:"code"`
	PropertyName string   `json:"propertyName,omitempty"`
	Messages     []string `json:"messages"`
}

// ErrorBody is Bankly's error body (notes: {"errors":[{"code",
// "propertyName","messages"}],"title","status","traceId"}).
type ErrorBody struct {
	Errors  []ErrorItem `json:"errors"`
	Title   string      `json:"title"`
	Status  int         `json:"status"`
	TraceID string      `json:"traceId"`
}

// writeError renders err in Bankly's shape. Internal errors are logged with
// the correlation id and never shown.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e == nil {
		e = &errs.Error{Kind: errs.EInternal, Err: err}
	}
	status, ok := errorTable[e.Code]
	code, msg := e.Code, e.Message
	if !ok {
		k, found := kindTable[e.Kind]
		if !found {
			k = kindTable[errs.EInternal]
		}
		status, code = k.status, k.code
		if k.msg != "" {
			msg = k.msg
		}
	}
	if status == http.StatusInternalServerError && e.Code != partner.CodeAuthFailure && e.Code != partner.CodeNetworkFailure {
		api.LogFailure(s.d.Log, r, "request failed", "path", r.URL.Path, "correlationId", api.CorrelationID(r.Context()), "err", err)
		code, msg = kindTable[errs.EInternal].code, kindTable[errs.EInternal].msg
	} else {
		api.AddLogAttrs(r.Context(), slog.String("error", err.Error()))
	}
	body := ErrorBody{Title: titles[status], Status: status, TraceID: api.CorrelationID(r.Context())}
	if len(e.Violations) > 0 && status == http.StatusBadRequest {
		for _, v := range e.Violations {
			body.Errors = append(body.Errors, ErrorItem{Code: code, PropertyName: v.Property, Messages: []string{v.Reason}})
		}
	} else {
		body.Errors = []ErrorItem{{Code: code, Messages: []string{msg}}}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeJSON(w, status, body)
}

// RenderError renders err in Bankly's shape (for middleware).
func (s *Server) RenderError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
