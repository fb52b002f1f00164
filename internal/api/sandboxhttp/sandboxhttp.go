// Package sandboxhttp serves the sandbox control API (/sandbox/v1/..., sandbox
// mode only; DESIGN.md "The sandbox contract"), authenticated by the admin
// bearer token of sandbox.json. Errors are RFC 7807 problems like the Pix
// API's.
package sandboxhttp

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/sandbox"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/pixapi"
)

// Deps are what the control API needs.
type Deps struct {
	Log        *slog.Logger
	Clock      *clock.Offset
	AdminToken string
	// Payer pays BR Codes (POST /sandbox/v1/payments).
	Payer *sandbox.Payer
	// Pix decides devoluções (POST /sandbox/v1/devolucoes/{e2eid}/{id}).
	Pix *pix.Service
	// Deliveries is the webhook outbox's history
	// (GET /sandbox/v1/webhook-deliveries).
	Deliveries Deliveries
	// OnClockAdvance is called after the clock moves (the webhook
	// dispatcher and the refund processor re-read what is due).
	OnClockAdvance func()
}

// Deliveries is what the control API reads of the webhook outbox.
type Deliveries interface {
	Notifications(ctx context.Context, f webhook.NotificationFilter) ([]webhook.Notification, int, error)
	Attempts(ctx context.Context, f webhook.AttemptFilter) ([]webhook.Attempt, int, error)
}

// Server is the control API.
type Server struct{ d Deps }

// New returns the control API.
func New(d Deps) *Server { return &Server{d: d} }

// Register adds the control routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("GET /sandbox/v1/clock", s.admin(s.getClock))
	mux.Handle("POST /sandbox/v1/clock", s.admin(s.postClock))
	if s.d.Payer != nil {
		mux.Handle("POST /sandbox/v1/payments", s.admin(s.postPayment))
	}
	if s.d.Pix != nil {
		mux.Handle("POST /sandbox/v1/devolucoes/{e2eid}/{id}", s.admin(s.postDevolucao))
	}
	if s.d.Deliveries != nil {
		mux.Handle("GET /sandbox/v1/webhook-deliveries", s.admin(s.getDeliveries))
	}
}

// ClockState is the body of the clock endpoints.
type ClockState struct {
	Now    string `json:"now"`    // RFC 3339 UTC with milliseconds
	Offset string `json:"offset"` // how far the sandbox clock is ahead of real time
}

func (s *Server) state() ClockState {
	return ClockState{Now: s.d.Clock.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), Offset: s.d.Clock.Offset().String()}
}

func (s *Server) getClock(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.state())
}

// postClock is POST /sandbox/v1/clock {"advance": "48h"}: moves the sandbox
// clock forward (expiry, due dates, token lifetimes follow it).
func (s *Server) postClock(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Advance string `json:"advance"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeProblem(w, r, http.StatusBadRequest, "RequisicaoInvalida", "Requisição inválida.", "corpo JSON inválido", "")
		return
	}
	d, err := time.ParseDuration(body.Advance)
	if err != nil || d <= 0 {
		writeProblem(w, r, http.StatusBadRequest, "RequisicaoInvalida", "Requisição inválida.",
			"advance deve ser uma duração positiva, como \"90s\", \"2h\" ou \"48h\"", "advance")
		return
	}
	s.d.Clock.Advance(d)
	if s.d.OnClockAdvance != nil {
		s.d.OnClockAdvance()
	}
	s.d.Log.InfoContext(r.Context(), "sandbox clock advanced", "by", d.String(), "offset", s.d.Clock.Offset().String())
	writeJSON(w, http.StatusOK, s.state())
}

// admin demands the admin bearer token (constant-time comparison).
func (s *Server) admin(h http.HandlerFunc) http.Handler { return AdminOnly(s.d.AdminToken, h) }

// AdminOnly wraps h so that it runs only for requests bearing the sandbox
// admin token (Authorization: Bearer <admin_token>, compared in constant
// time); others get 401 with an RFC 7807 body. Other surfaces' sandbox
// control routes (/sandbox/v1/psc/approvals, ...) use it too.
func AdminOnly(adminToken string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if adminToken == "" || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(adminToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="brasa-sandbox"`)
			writeProblem(w, r, http.StatusUnauthorized, "AcessoNegado", "Acesso Negado",
				"o controle do sandbox exige Authorization: Bearer <admin_token de sandbox.json>", "")
			return
		}
		h(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, tipo, title, detail, prop string) {
	p := pixapi.Problem{Type: pixapi.ErrorTypeBase + tipo, Title: title, Status: status, Detail: detail,
		CorrelationID: api.CorrelationID(r.Context())}
	if prop != "" {
		p.Violacoes = []pixapi.Violacao{{Razao: detail, Propriedade: prop}}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}
