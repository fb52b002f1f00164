// Package payloadhttp serves the Pix payload host on the web listener
// (public, no authentication): the JWS payloads of dynamic BR Codes at their
// locations and the JWKS that verifies them (spec tag CobPayload;
// notes/pix-api.md "Payload (location) JWS").
package payloadhttp

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/pixapi"
)

// Payloads is what the host needs from the Pix service.
type Payloads interface {
	CobPayload(ctx context.Context, token string) ([]byte, error)
	CobVPayload(ctx context.Context, token string, dpp *pix.Data, codMun string) ([]byte, error)
}

// Server is the payload host.
type Server struct {
	log    *slog.Logger
	pix    Payloads
	signer *pki.PayloadSigner
}

// New returns the payload host.
func New(log *slog.Logger, pix Payloads, signer *pki.PayloadSigner) *Server {
	return &Server{log: log, pix: pix, signer: signer}
}

// Register adds GET /qr/v2/{token}, GET /qr/v2/cobv/{token} and GET
// /jwks.json to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /qr/v2/{token}", s.cob)
	mux.HandleFunc("GET /qr/v2/cobv/{token}", s.cobv)
	mux.HandleFunc("GET /jwks.json", s.jwks)
}

func (s *Server) cob(w http.ResponseWriter, r *http.Request) {
	payload, err := s.pix.CobPayload(r.Context(), r.PathValue("token"))
	s.serve(w, r, payload, err)
}

// cobv serves a due-date charge's payload (spec GET
// /cobv/{pixUrlAccessToken}) with its amounts for the payment date DPP
// (YYYY-MM-DD; absent: today in Brasília); codMun is the payer's IBGE
// municipality code.
func (s *Server) cobv(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var dpp *pix.Data
	if v := q.Get("DPP"); v != "" {
		d, err := pix.ParseData(v)
		if err != nil {
			s.problem(w, r, &errs.Error{Kind: errs.EInvalid, Message: "A cobrança existe, mas a requisição é inválida.",
				Violations: []errs.Violation{{Property: "DPP", Reason: "O parâmetro DPP não respeita o schema (data YYYY-MM-DD).", Value: v}}})
			return
		}
		dpp = &d
	}
	payload, err := s.pix.CobVPayload(r.Context(), r.PathValue("token"), dpp, q.Get("codMun"))
	s.serve(w, r, payload, err)
}

// serve signs payload and answers it as application/jose, or renders err.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, payload []byte, err error) {
	if err != nil {
		s.problem(w, r, err)
		return
	}
	jws, err := s.signer.Sign(payload)
	if err != nil {
		s.problem(w, r, errs.Wrap(errs.EInternal, err, "sign payload"))
		return
	}
	w.Header().Set("Content-Type", "application/jose")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(jws))
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.signer.JWKS())
}

// problem answers CobPayloadNaoEncontrado (404, or 410 for a charge that
// will never be payable again), CobPayloadOperacaoInvalida (400, a cobv's
// DPP or codMun) or ErroInternoDoServidor.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	cid := api.CorrelationID(r.Context())
	p := pixapi.Problem{Type: pixapi.ErrorTypeBase + "CobPayloadNaoEncontrado", Title: "Cobrança não encontrada.", CorrelationID: cid}
	switch e := errs.As(err); {
	case e != nil && e.Kind == errs.ENotFound:
		p.Status, p.Detail = http.StatusNotFound, e.Message
	case e != nil && e.Kind == errs.EGone:
		p.Status, p.Detail = http.StatusGone, e.Message
	case e != nil && e.Kind == errs.EInvalid:
		p = pixapi.Problem{Type: pixapi.ErrorTypeBase + "CobPayloadOperacaoInvalida", Title: "Operação inválida.", Status: http.StatusBadRequest,
			Detail: "A cobrança existe, mas a requisição é inválida.", CorrelationID: cid}
		for _, v := range e.Violations {
			p.Violacoes = append(p.Violacoes, pixapi.Violacao{Razao: v.Reason, Propriedade: v.Property, Valor: v.Value})
		}
	default:
		s.log.ErrorContext(r.Context(), "payload failed", "correlationId", cid, "err", err)
		p = pixapi.Problem{Type: pixapi.ErrorTypeBase + "ErroInternoDoServidor", Title: "Erro Interno do Servidor", Status: 500,
			Detail: "Condição inesperada ao processar requisição.", CorrelationID: cid}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
