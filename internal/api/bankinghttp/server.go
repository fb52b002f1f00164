// Package bankinghttp serves the Banking API (seed 002) on the API listener:
//
//	POST /public/gw_banking/v1/auth/token-v2             token (mTLS + client_id/secret + source IP)
//	GET  /public/gw_banking/v1/accounts/{id}/balance     balance (Bearer + the token's certificate)
//
// and, with an admin token, the provisioning API of admin.go under
// /admin/v1/banking/. Errors are {"status", "message"} from the one table in
// errors.go.
package bankinghttp

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/errs"
)

// Deps are what the server needs.
type Deps struct {
	Log     *slog.Logger
	Banking *banking.Service
	Certs   *api.CertChecker
	// AdminToken enables the provisioning API (Bearer); "" leaves it out.
	AdminToken string
}

// Server is the Banking API surface.
type Server struct{ d Deps }

// New returns a Server.
func New(d Deps) *Server { return &Server{d: d} }

// Register adds the routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("POST /public/gw_banking/v1/auth/token-v2", s.handle(s.token))
	mux.Handle("GET /public/gw_banking/v1/accounts/{id}/balance", s.handle(s.balance))
	if s.d.AdminToken != "" {
		s.registerAdmin(mux)
	}
}

func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// peer checks the connection's client certificate (chain to brasa's CA,
// dates, usage, revocation); any failure is 401 Invalid Client Certificate,
// before the body is read.
func (s *Server) peer(r *http.Request) (*api.Peer, error) {
	p, err := s.d.Certs.Check(r)
	if err != nil {
		if e := errs.As(err); e != nil && e.Kind == errs.EForbidden {
			x := *banking.ErrInvalidCertificate
			x.Err = err
			return nil, &x
		}
		return nil, err
	}
	return p, nil
}

// source is the TCP peer's address (brasa does not trust forwarding
// headers; put no proxy in front of token-v2, or terminate TLS in brasa).
func source(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

type tokenBody struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) error {
	p, err := s.peer(r)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return api.BodyError(err)
	}
	var body tokenBody
	if err := json.Unmarshal(b, &body); err != nil {
		return &errs.Error{Kind: errs.EInvalid, Code: banking.CodeBadRequest,
			Message: "the body must be a JSON object {client_id, client_secret, grant_type}", Err: err}
	}
	tok, err := s.d.Banking.Token(r.Context(), banking.TokenRequest{ClientID: body.ClientID, ClientSecret: body.ClientSecret,
		GrantType: body.GrantType, Thumbprint: p.Thumbprint, Source: source(r)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok.AccessToken, TokenType: "Bearer", ExpiresIn: tok.ExpiresIn})
	return nil
}

// BalanceResponse is the balance (brasa's shape; the seed shows only the
// call): amounts as decimal strings with two places.
type BalanceResponse struct {
	AccountID string `json:"accountId"`
	Available string `json:"available"`
	Blocked   string `json:"blocked"`
	Total     string `json:"total"`
	Currency  string `json:"currency"`
	UpdatedAt string `json:"updatedAt"`
}

func (s *Server) balance(w http.ResponseWriter, r *http.Request) error {
	p, err := s.peer(r)
	if err != nil {
		return err
	}
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		tok = ""
	}
	a, err := s.d.Banking.Balance(r.Context(), banking.BalanceRequest{Bearer: strings.TrimSpace(tok), Thumbprint: p.Thumbprint,
		Source: source(r), AccountID: r.PathValue("id")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, BalanceResponse{AccountID: a.ID, Available: money(a.Balance), Blocked: money(a.Blocked),
		Total: money(a.Balance + a.Blocked), Currency: "BRL", UpdatedAt: a.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000Z")})
	return nil
}

// money formats centavos as "%d.%02d".
func money(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}
