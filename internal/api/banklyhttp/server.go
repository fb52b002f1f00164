// Package banklyhttp serves the Bankly partner-certificate surface (seed
// 001) on the API listener:
//
//	POST   /connect/token                                 legacy_access_token (client_credentials, form)
//	POST   /partners/{companyKey}/certificates            issue a certificate (api-version: 1, Bearer)
//	GET    /partners/{companyKey}/certificates            list (brasa's shape)
//	GET    /partners/{companyKey}/certificates/{uuid}     one certificate
//	DELETE /partners/{companyKey}/certificates/{uuid}     revoke
//	GET    /partners/me                                   mTLS-protected: who the certificate identifies
//	POST   /oauth2/register                               mTLS: dynamic registration of a tls_client_auth client
//	POST   /oauth2/token                                  mTLS: certificate-bound token for such a client
//	GET    /admin/v1/bankly/partners/{companyKey}/allowed-cidrs   admin token: the partner's source allowlist
//	PUT    /admin/v1/bankly/partners/{companyKey}/allowed-cidrs   admin token: {"allowed_cidrs": [...]}, [] allows any
//
// Errors are Bankly's {"errors":[{"code","messages"}],"title","status",
// "traceId"}, rendered from the one table in errors.go; the token endpoint
// answers OAuth2's {"error"}.
package banklyhttp

import (
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/api/sandboxhttp"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/partner"
)

// Deps are what the server needs.
type Deps struct {
	Log     *slog.Logger
	Partner *partner.Service
	Certs   *api.CertChecker
	// AdminToken guards /admin/v1/bankly/... (the sandbox's admin_token,
	// or the operator's in serve); empty disables those routes' access.
	AdminToken string
}

// Server is the Bankly surface.
type Server struct{ d Deps }

// New returns a Server.
func New(d Deps) *Server { return &Server{d: d} }

// Register adds the routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /connect/token", s.token)
	mux.Handle("POST /partners/{companyKey}/certificates", s.handle(s.issue))
	mux.Handle("GET /partners/{companyKey}/certificates", s.handle(s.list))
	mux.Handle("GET /partners/{companyKey}/certificates/{uuid}", s.handle(s.get))
	mux.Handle("DELETE /partners/{companyKey}/certificates/{uuid}", s.handle(s.revoke))
	mtls := s.d.Certs.RequireClientCert(s.certFailure)
	mux.Handle("GET /partners/me", mtls(s.handle(s.me)))
	mux.Handle("POST /oauth2/register", mtls(s.handle(s.register)))
	mux.Handle("POST /oauth2/token", mtls(s.handle(s.mtlsToken)))
	admin := func(h func(http.ResponseWriter, *http.Request) error) http.Handler {
		return sandboxhttp.AdminOnly(s.d.AdminToken, s.handle(h).ServeHTTP)
	}
	mux.Handle("GET /admin/v1/bankly/partners/{companyKey}/allowed-cidrs", admin(s.adminAllowlist))
	mux.Handle("PUT /admin/v1/bankly/partners/{companyKey}/allowed-cidrs", admin(s.adminSetAllowlist))
}

// source is the request's TCP peer address; forwarding headers are not
// trusted (as on token-v2).
func source(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// certCodes maps the CertChecker's failures to the seed's codes.
var certCodes = map[string]string{
	api.CodeCertMissing:     partner.CodeCertNotPresented,
	api.CodeCertExpired:     partner.CodeCertExpired,
	api.CodeCertNotYetValid: partner.CodeCertInvalid,
	api.CodeCertUnknown:     partner.CodeCertUnknown,
	api.CodeCertWrongUsage:  partner.CodeAuthRequired,
	api.CodeCertInvalid:     partner.CodeCertInvalid,
	api.CodeCertRevoked:     partner.CodeCertRevoked,
}

// certFailure renders a client-certificate failure with its seed code; a
// failure that is not the certificate's (the database) is
// CLIENT_AUTHENTICATION_FAILURE.
func (s *Server) certFailure(w http.ResponseWriter, r *http.Request, err error) {
	if e := errs.As(err); e != nil {
		if code, ok := certCodes[e.Code]; ok {
			pe := partner.CertError(code)
			pe.Err = err
			s.writeError(w, r, pe)
			return
		}
	}
	s.d.Log.ErrorContext(r.Context(), "client certificate check failed", "correlationId", api.CorrelationID(r.Context()), "err", err)
	s.writeError(w, r, &errs.Error{Kind: errs.EInternal, Code: partner.CodeAuthFailure, Message: "Unknown tls client authentication failure.", Err: err})
}

// --- POST /connect/token ---

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if mediaType(r) != formContentType {
		api.AddLogAttrs(r.Context(), slog.String("error", "content type "+r.Header.Get("Content-Type")))
		writeJSON(w, http.StatusBadRequest, formError)
		return
	}
	if err := r.ParseForm(); err != nil {
		if errs.KindOf(api.BodyError(err)) == errs.ETooLarge {
			s.writeError(w, r, api.BodyError(err))
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": partner.CodeTokenInvalidRequest})
		return
	}
	req := partner.LegacyTokenRequest{GrantType: r.PostForm.Get("grant_type"), ClientID: r.PostForm.Get("client_id"),
		ClientSecret: r.PostForm.Get("client_secret"), Scope: r.PostForm.Get("scope")}
	if u, p, ok := r.BasicAuth(); ok && req.ClientID == "" {
		req.ClientID, req.ClientSecret = u, p
	}
	tok, err := s.d.Partner.IssueLegacyToken(r.Context(), req)
	if err != nil {
		e := errs.As(err)
		if e == nil || e.Kind == errs.EInternal {
			s.writeError(w, r, err)
			return
		}
		api.AddLogAttrs(r.Context(), slog.String("error", err.Error()))
		body := map[string]string{"error": e.Code}
		if e.Message != "" {
			body["error_description"] = e.Message
		}
		writeJSON(w, http.StatusBadRequest, body)
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok.AccessToken, ExpiresIn: tok.ExpiresIn, TokenType: "Bearer", Scope: tok.Scope})
}

// --- partner certificate routes ---

func (s *Server) caller(r *http.Request) (*partner.Caller, error) {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		tok = ""
	}
	c, err := s.d.Partner.Authenticate(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		return nil, err
	}
	c.Source = source(r)
	return c, nil
}

// checkVersion demands api-version 1 (the seed: "Atualmente estamos na
// versão 1.0").
func checkVersion(r *http.Request) error {
	switch strings.TrimSpace(r.Header.Get("api-version")) {
	case "1", "1.0":
		return nil
	}
	return &errs.Error{Kind: errs.EInvalid, Code: partner.CodeAPIVersion,
		Message: "The api-version header is required and must be 1."}
}

// mediaType returns r's Content-Type without parameters, lower-cased; ""
// when absent or unreadable.
func mediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// requireJSON demands Content-Type application/json (seed 001 marks it
// "Obrigatório" for the issuance, "Nesse caso, application/json"; the
// registration is JSON too, RFC 7591 §3.1). Anything else, or none, is 415
// UNSUPPORTED_MEDIA_TYPE, as Bankly's ASP.NET servers answer a body they
// have no input formatter for.
func requireJSON(r *http.Request) error {
	if mediaType(r) == "application/json" {
		return nil
	}
	return &errs.Error{Kind: errs.EInvalid, Code: partner.CodeUnsupportedMediaType,
		Message: "The Content-Type header is required and must be application/json."}
}

// formContentType is what the OAuth2 token endpoints read (RFC 6749 §4.4.2).
const formContentType = "application/x-www-form-urlencoded"

// formError is the token endpoints' answer to a body that is not a form:
// 400 invalid_request, as IdentityServer's /connect/token answers it.
var formError = map[string]string{"error": partner.CodeTokenInvalidRequest,
	"error_description": "The Content-Type header must be " + formContentType + "."}

// stamp is the seed's ISO 8601 UTC form ("2022-03-16T13:28:11.229549Z").
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

type issueResponse struct {
	SubjectDN        string `json:"subjectDn"`
	Certificate      string `json:"certificate"`
	CertificateChain string `json:"certificateChain"`
	PrivateKey       string `json:"privateKey"`
	Passphrase       string `json:"passphrase"`
	UUID             string `json:"uuid"`
	IssuedAt         string `json:"issuedAt"`
	Status           string `json:"status"`
	CreatedAt        string `json:"createdAt"`
	UpdatedAt        string `json:"updatedAt"`
}

func (s *Server) issue(w http.ResponseWriter, r *http.Request) error {
	caller, err := s.caller(r)
	if err != nil {
		return err
	}
	if err := checkVersion(r); err != nil {
		return err
	}
	if err := requireJSON(r); err != nil {
		return err
	}
	req, err := decodeIssue(r.Body)
	if err != nil {
		return err
	}
	out, err := s.d.Partner.Issue(r.Context(), caller, r.PathValue("companyKey"), req)
	if err != nil {
		return err
	}
	c := out.Certificate
	writeJSON(w, http.StatusOK, issueResponse{SubjectDN: c.SubjectDN, Certificate: out.CertificatePEM,
		CertificateChain: out.ChainPEM, PrivateKey: out.PrivateKeyPEM, Passphrase: out.Passphrase, UUID: c.UUID,
		IssuedAt: stamp(c.IssuedAt), Status: string(c.Status), CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)})
	return nil
}

// decodeIssue reads {"passphrase": string, "ttlInDays": integer}; unknown
// fields are ignored, wrong types name the property.
func decodeIssue(body io.Reader) (partner.IssueRequest, error) {
	var req partner.IssueRequest
	b, err := io.ReadAll(body)
	if err != nil {
		return req, api.BodyError(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return req, &errs.Error{Kind: errs.EInvalid, Code: partner.CodeInvalidBody, Message: "The request body must be a JSON object."}
	}
	bad := func(prop, msg string) error {
		return &errs.Error{Kind: errs.EInvalid, Code: partner.CodeInvalidParameter, Message: msg,
			Violations: []errs.Violation{{Property: prop, Reason: msg}}}
	}
	if raw, ok := m["passphrase"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &req.Passphrase); err != nil {
			return req, bad("passphrase", "The passphrase must be a string.")
		}
	}
	if raw, ok := m["ttlInDays"]; ok && string(raw) != "null" {
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil || f != float64(int(f)) {
			return req, bad("ttlInDays", "The ttlInDays must be a number from 1 to 365.")
		}
		n := int(f)
		if f < -1e6 || f > 1e6 {
			n = 0
		}
		req.TTLInDays = &n
	}
	return req, nil
}

// certificateItem is a certificate in the list and revoke responses
// (brasa's shape; the seed documents only issuance).
type certificateItem struct {
	UUID         string `json:"uuid"`
	SubjectDN    string `json:"subjectDn"`
	SerialNumber string `json:"serialNumber"`
	Certificate  string `json:"certificate"`
	Status       string `json:"status"`
	IssuedAt     string `json:"issuedAt"`
	ExpiresAt    string `json:"expiresAt"`
	CreatedAt    string `json:"createdAt"`
	UpdatedAt    string `json:"updatedAt"`
	RevokedAt    string `json:"revokedAt,omitempty"`
}

func (s *Server) item(c *partner.Certificate) certificateItem {
	return certificateItem{UUID: c.UUID, SubjectDN: c.SubjectDN, SerialNumber: c.Serial, Certificate: certPEM(c.DER),
		Status: string(c.StatusAt(s.d.Partner.Now())), IssuedAt: stamp(c.IssuedAt), ExpiresAt: stamp(c.NotAfter),
		CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt), RevokedAt: stamp(c.RevokedAt)}
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) error {
	caller, err := s.caller(r)
	if err != nil {
		return err
	}
	if err := checkVersion(r); err != nil {
		return err
	}
	list, err := s.d.Partner.List(r.Context(), caller, r.PathValue("companyKey"))
	if err != nil {
		return err
	}
	out := struct {
		Certificates []certificateItem `json:"certificates"`
	}{Certificates: []certificateItem{}}
	for i := range list {
		out.Certificates = append(out.Certificates, s.item(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) error {
	caller, err := s.caller(r)
	if err != nil {
		return err
	}
	if err := checkVersion(r); err != nil {
		return err
	}
	c, err := s.d.Partner.Get(r.Context(), caller, r.PathValue("companyKey"), r.PathValue("uuid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.item(c))
	return nil
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) error {
	caller, err := s.caller(r)
	if err != nil {
		return err
	}
	if err := checkVersion(r); err != nil {
		return err
	}
	c, err := s.d.Partner.Revoke(r.Context(), caller, r.PathValue("companyKey"), r.PathValue("uuid"))
	if err != nil {
		return err
	}
	if rec := certThumbprint(c.DER); rec != "" {
		s.d.Certs.Forget(rec)
	}
	writeJSON(w, http.StatusOK, s.item(c))
	return nil
}

// --- GET /partners/me (mTLS) ---

type meResponse struct {
	CompanyKey  string `json:"companyKey"`
	PartnerUUID string `json:"partnerUuid"`
	SubjectDN   string `json:"subjectDn"`
	Certificate struct {
		SerialNumber string `json:"serialNumber"`
		ExpiresAt    string `json:"expiresAt"`
	} `json:"certificate"`
}

func (s *Server) identify(r *http.Request) (*partner.Identity, error) {
	peer := api.PeerFrom(r.Context())
	return s.d.Partner.Identify(r.Context(), peer.Leaf, peer.Record, source(r))
}

// --- /admin/v1/bankly/partners/{companyKey}/allowed-cidrs ---

type allowlistJSON struct {
	CompanyKey   string   `json:"company_key"`
	AllowedCIDRs []string `json:"allowed_cidrs"`
}

func writeAllowlist(w http.ResponseWriter, p *partner.Partner) {
	out := allowlistJSON{CompanyKey: p.CompanyKey, AllowedCIDRs: p.AllowedCIDRs}
	if out.AllowedCIDRs == nil {
		out.AllowedCIDRs = []string{}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) adminAllowlist(w http.ResponseWriter, r *http.Request) error {
	p, err := s.d.Partner.Partner(r.Context(), r.PathValue("companyKey"))
	if err != nil {
		return err
	}
	writeAllowlist(w, p)
	return nil
}

func (s *Server) adminSetAllowlist(w http.ResponseWriter, r *http.Request) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return api.BodyError(err)
	}
	var in struct {
		AllowedCIDRs *[]string `json:"allowed_cidrs"`
	}
	if err := json.Unmarshal(b, &in); err != nil || in.AllowedCIDRs == nil {
		return &errs.Error{Kind: errs.EInvalid, Code: partner.CodeInvalidBody,
			Message: `The request body must be {"allowed_cidrs": [...]} (an empty list allows any source).`}
	}
	p, err := s.d.Partner.SetAllowedCIDRs(r.Context(), r.PathValue("companyKey"), *in.AllowedCIDRs)
	if err != nil {
		return err
	}
	writeAllowlist(w, p)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	id, err := s.identify(r)
	if err != nil {
		return err
	}
	var out meResponse
	out.CompanyKey, out.PartnerUUID, out.SubjectDN = id.Partner.CompanyKey, id.Partner.UUID, id.Partner.SubjectDN()
	out.Certificate.SerialNumber = id.Record.Serial
	out.Certificate.ExpiresAt = stamp(id.Leaf.NotAfter)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// --- POST /oauth2/register and /oauth2/token (mTLS, RFC 8705) ---

type registration struct {
	GrantTypes              []string `json:"grant_types"`
	SubjectDN               string   `json:"tls_client_auth_subject_dn"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	ResponseTypes           []string `json:"response_types"`
	CompanyKey              string   `json:"company_key"`
	Scope                   string   `json:"scope"`
}

type registered struct {
	ClientID         string `json:"client_id"`
	ClientIDIssuedAt int64  `json:"client_id_issued_at"`
	registration
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	id, err := s.identify(r)
	if err != nil {
		return err
	}
	if err := requireJSON(r); err != nil {
		return err
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return api.BodyError(err)
	}
	var in registration
	if err := json.Unmarshal(b, &in); err != nil {
		return &errs.Error{Kind: errs.EInvalid, Code: partner.CodeInvalidBody, Message: "The request body must be a JSON object of the registration's fields."}
	}
	c, err := s.d.Partner.Register(r.Context(), id, partner.Registration{GrantTypes: in.GrantTypes, SubjectDN: in.SubjectDN,
		TokenEndpointAuthMethod: in.TokenEndpointAuthMethod, ResponseTypes: in.ResponseTypes, CompanyKey: in.CompanyKey, Scope: in.Scope})
	if err != nil {
		return err
	}
	out := registered{ClientID: c.ClientID, ClientIDIssuedAt: c.CreatedAt.Unix(), registration: in}
	out.Scope = strings.Join(c.Scopes, " ")
	if out.ResponseTypes == nil {
		out.ResponseTypes = []string{"access_token"}
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

type mtlsTokenResponse struct {
	TokenType   string         `json:"token_type"`
	AccessToken string         `json:"access_token"`
	Scope       string         `json:"scope"`
	Claims      map[string]any `json:"claims"`
	ExpiresIn   int            `json:"expires_in"`
}

func (s *Server) mtlsToken(w http.ResponseWriter, r *http.Request) error {
	id, err := s.identify(r)
	if err != nil {
		return err
	}
	if mediaType(r) != formContentType {
		api.AddLogAttrs(r.Context(), slog.String("error", "content type "+r.Header.Get("Content-Type")))
		writeJSON(w, http.StatusBadRequest, formError)
		return nil
	}
	if err := r.ParseForm(); err != nil {
		if errs.KindOf(api.BodyError(err)) == errs.ETooLarge {
			return api.BodyError(err)
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": partner.CodeTokenInvalidRequest})
		return nil
	}
	tok, err := s.d.Partner.IssueMTLSToken(r.Context(), id, r.PostForm.Get("client_id"), r.PostForm.Get("grant_type"), r.PostForm.Get("scope"))
	if err != nil {
		e := errs.As(err)
		if e == nil || e.Kind == errs.EInternal {
			return err
		}
		api.AddLogAttrs(r.Context(), slog.String("error", err.Error()))
		status := http.StatusBadRequest
		if e.Code == partner.CodeTokenInvalidClient {
			status = http.StatusUnauthorized
		}
		writeJSON(w, status, map[string]string{"error": e.Code})
		return nil
	}
	writeJSON(w, http.StatusOK, mtlsTokenResponse{TokenType: "Bearer", AccessToken: tok.AccessToken, Scope: tok.Scope, ExpiresIn: tok.ExpiresIn,
		Claims: map[string]any{"company_key": id.Partner.CompanyKey, "client_id": tok.Claims.ClientID, "x5t#S256": tok.Claims.Cnf.X5tS256}})
	return nil
}
