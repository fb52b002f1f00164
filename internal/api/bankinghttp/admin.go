package bankinghttp

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/api/sandboxhttp"
	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
)

// registerAdmin adds the provisioning API (the CORE steps of seed 002),
// every route behind Authorization: Bearer <admin token>:
//
//	POST   /admin/v1/banking/accounts                                   {account_id, holder, document?, balance?}
//	GET    /admin/v1/banking/accounts/{id}
//	POST   /admin/v1/banking/accounts/{id}/certificates                 {certificate} registers; {csr} signs; {} issues a key too
//	POST   /admin/v1/banking/certificates/{thumbprint}/revoke
//	POST   /admin/v1/banking/credentials                                {account_id, allowed_cidrs, certificates}
//	GET    /admin/v1/banking/credentials/{clientId}
//	PUT    /admin/v1/banking/credentials/{clientId}/allowed-cidrs       {allowed_cidrs}
//	PUT    /admin/v1/banking/credentials/{clientId}/certificates/{thumbprint}   bind
//	DELETE /admin/v1/banking/credentials/{clientId}/certificates/{thumbprint}   unbind
//	DELETE /admin/v1/banking/credentials/{clientId}                     revoke
func (s *Server) registerAdmin(mux *http.ServeMux) {
	a := func(h func(http.ResponseWriter, *http.Request) error) http.Handler {
		return sandboxhttp.AdminOnly(s.d.AdminToken, s.handle(h).ServeHTTP)
	}
	const p = "/admin/v1/banking"
	mux.Handle("POST "+p+"/accounts", a(s.adminCreateAccount))
	mux.Handle("GET "+p+"/accounts/{id}", a(s.adminAccount))
	mux.Handle("POST "+p+"/accounts/{id}/certificates", a(s.adminCertificate))
	mux.Handle("POST "+p+"/certificates/{thumbprint}/revoke", a(s.adminRevokeCertificate))
	mux.Handle("POST "+p+"/credentials", a(s.adminCreateCredential))
	mux.Handle("GET "+p+"/credentials/{clientId}", a(s.adminCredential))
	mux.Handle("PUT "+p+"/credentials/{clientId}/allowed-cidrs", a(s.adminSetCIDRs))
	mux.Handle("PUT "+p+"/credentials/{clientId}/certificates/{thumbprint}", a(s.adminBind))
	mux.Handle("DELETE "+p+"/credentials/{clientId}/certificates/{thumbprint}", a(s.adminUnbind))
	mux.Handle("DELETE "+p+"/credentials/{clientId}", a(s.adminRevokeCredential))
}

func decode(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return api.BodyError(err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return &errs.Error{Kind: errs.EInvalid, Code: banking.CodeInvalid, Message: "malformed JSON body: " + err.Error()}
	}
	return nil
}

// AccountJSON is an account in the admin API.
type AccountJSON struct {
	AccountID string `json:"account_id"`
	Holder    string `json:"holder"`
	Document  string `json:"document,omitempty"`
	Balance   string `json:"balance"`
	Blocked   string `json:"blocked"`
}

func accountJSON(a *banking.Account) AccountJSON {
	return AccountJSON{AccountID: a.ID, Holder: a.Holder, Document: a.Document, Balance: money(a.Balance), Blocked: money(a.Blocked)}
}

// ParseMoney parses "1234.56" (or "1234") into centavos.
func ParseMoney(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && (len(frac) != 2 || strings.ContainsAny(frac, "+-")) || strings.HasPrefix(whole, "+") || whole == "" {
		return 0, errs.New(errs.EInvalid, "amount %q must look like 1234.56", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e13 {
		return 0, errs.New(errs.EInvalid, "amount %q must look like 1234.56", s)
	}
	f := int64(0)
	if hasFrac {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, errs.New(errs.EInvalid, "amount %q must look like 1234.56", s)
		}
	}
	return w*100 + f, nil
}

func (s *Server) adminCreateAccount(w http.ResponseWriter, r *http.Request) error {
	var in AccountJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	bal, err := ParseMoney(in.Balance)
	if err != nil {
		return &errs.Error{Kind: errs.EInvalid, Code: banking.CodeInvalid, Message: errs.As(err).Message}
	}
	blk, err := ParseMoney(in.Blocked)
	if err != nil {
		return &errs.Error{Kind: errs.EInvalid, Code: banking.CodeInvalid, Message: errs.As(err).Message}
	}
	a := &banking.Account{ID: in.AccountID, Holder: in.Holder, Document: in.Document, Balance: bal, Blocked: blk}
	if err := s.d.Banking.CreateAccount(r.Context(), a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, accountJSON(a))
	return nil
}

func (s *Server) adminAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := s.d.Banking.Account(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, accountJSON(a))
	return nil
}

// CertificateJSON is a certificate in the admin API; PrivateKey is present
// only in the response that issued it.
type CertificateJSON struct {
	Thumbprint  string `json:"thumbprint"`
	Serial      string `json:"serial"`
	AccountID   string `json:"account_id"`
	Subject     string `json:"subject"`
	Status      string `json:"status"`
	NotAfter    string `json:"not_after"`
	Certificate string `json:"certificate"`
	Chain       string `json:"chain,omitempty"`
	PrivateKey  string `json:"private_key,omitempty"`
}

func certificateJSON(rec *pki.CertificateRecord) CertificateJSON {
	c := CertificateJSON{Thumbprint: rec.Thumbprint, Serial: rec.Serial, AccountID: rec.Owner, Subject: rec.Subject,
		Status: string(rec.Status), NotAfter: rec.NotAfter.UTC().Format(time.RFC3339)}
	if certs, err := pki.ParseCertificates(pkiPEM(rec.DER)); err == nil && len(certs) > 0 {
		c.Certificate = string(pki.EncodeCertificatesPEM(certs[0]))
	}
	return c
}

type certificateRequest struct {
	Certificate  string `json:"certificate"`   // PEM: register
	CSR          string `json:"csr"`           // PEM: sign
	CommonName   string `json:"common_name"`   // issue: CN (default <account>.banking.brasa.local)
	Passphrase   string `json:"passphrase"`    // issue: encrypt the key (PKCS#8) under it
	ValidityDays int    `json:"validity_days"` // issue/sign: default 365
}

func (s *Server) adminCertificate(w http.ResponseWriter, r *http.Request) error {
	var in certificateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if in.Certificate != "" {
		rec, err := s.d.Banking.RegisterCertificate(r.Context(), id, []byte(in.Certificate))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, certificateJSON(rec))
		return nil
	}
	out, err := s.d.Banking.IssueCertificate(r.Context(), id, in.CommonName, []byte(in.CSR), in.Passphrase,
		time.Duration(in.ValidityDays)*24*time.Hour)
	if err != nil {
		return err
	}
	c := certificateJSON(out.Record)
	c.Chain, c.PrivateKey = s.d.Banking.ChainPEM(), string(out.KeyPEM)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) adminRevokeCertificate(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.d.Banking.RevokeCertificate(r.Context(), r.PathValue("thumbprint"))
	if err != nil {
		return err
	}
	s.d.Certs.Forget(rec.Thumbprint)
	writeJSON(w, http.StatusOK, certificateJSON(rec))
	return nil
}

// CredentialJSON is a credential in the admin API; ClientSecret is present
// only in the response that created it.
type CredentialJSON struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret,omitempty"`
	AccountID    string   `json:"account_id"`
	AllowedCIDRs []string `json:"allowed_cidrs"`
	Certificates []string `json:"certificates"`
	Status       string   `json:"status"`
}

func credentialJSON(c *oauth.Credential) CredentialJSON {
	out := CredentialJSON{ClientID: c.ClientID, AccountID: c.Owner, AllowedCIDRs: c.AllowedCIDRs, Certificates: c.Thumbprints, Status: string(c.Status)}
	if out.AllowedCIDRs == nil {
		out.AllowedCIDRs = []string{}
	}
	if out.Certificates == nil {
		out.Certificates = []string{}
	}
	return out
}

func (s *Server) adminCreateCredential(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		AccountID    string   `json:"account_id"`
		AllowedCIDRs []string `json:"allowed_cidrs"`
		Certificates []string `json:"certificates"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	nc, err := s.d.Banking.CreateCredential(r.Context(), in.AccountID, in.AllowedCIDRs, in.Certificates)
	if err != nil {
		return err
	}
	out := credentialJSON(nc.Credential)
	out.ClientSecret = nc.Secret
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) adminCredential(w http.ResponseWriter, r *http.Request) error {
	c, err := s.d.Banking.Credential(r.Context(), r.PathValue("clientId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, credentialJSON(c))
	return nil
}

func (s *Server) adminSetCIDRs(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		AllowedCIDRs []string `json:"allowed_cidrs"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if _, err := s.d.Banking.SetAllowedCIDRs(r.Context(), r.PathValue("clientId"), in.AllowedCIDRs); err != nil {
		return err
	}
	return s.adminCredential(w, r)
}

func (s *Server) adminBind(w http.ResponseWriter, r *http.Request) error {
	if err := s.d.Banking.Bind(r.Context(), r.PathValue("clientId"), r.PathValue("thumbprint")); err != nil {
		return err
	}
	return s.adminCredential(w, r)
}

func (s *Server) adminUnbind(w http.ResponseWriter, r *http.Request) error {
	if err := s.d.Banking.Unbind(r.Context(), r.PathValue("clientId"), r.PathValue("thumbprint")); err != nil {
		return err
	}
	return s.adminCredential(w, r)
}

func (s *Server) adminRevokeCredential(w http.ResponseWriter, r *http.Request) error {
	if err := s.d.Banking.RevokeCredential(r.Context(), r.PathValue("clientId")); err != nil {
		return err
	}
	return s.adminCredential(w, r)
}
