package portalweb

import (
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/portal"
)

// BankingService is what the Banking API pages (seed 002's provisioning "no
// CORE") need of banking.Service.
type BankingService interface {
	AccountsByDocument(ctx context.Context, document string) ([]banking.Account, error)
	Account(ctx context.Context, id string) (*banking.Account, error)
	CreateAccount(ctx context.Context, a *banking.Account) error
	Certificates(ctx context.Context, accountID string) ([]pki.CertificateRecord, error)
	Credentials(ctx context.Context, accountID string) ([]oauth.Credential, error)
	Credential(ctx context.Context, clientID string) (*oauth.Credential, error)
	RegisterCertificate(ctx context.Context, accountID string, certPEM []byte) (*pki.CertificateRecord, error)
	IssueCertificate(ctx context.Context, accountID, commonName string, csrPEM []byte, passphrase string, validity time.Duration) (*banking.IssuedCertificate, error)
	CreateCredential(ctx context.Context, accountID string, cidrs, thumbprints []string) (*banking.NewCredential, error)
	Bind(ctx context.Context, clientID, thumbprint string) error
	Unbind(ctx context.Context, clientID, thumbprint string) error
	SetAllowedCIDRs(ctx context.Context, clientID string, cidrs []string) ([]string, error)
	RevokeCredential(ctx context.Context, clientID string) error
	ChainPEM() string
}

// bankingPages are the Banking API templates (added to pageNames when the
// service is wired).
var bankingPages = []string{"banking", "banking_conta", "banking_credencial"}

// registerBanking adds the Banking API pages to m.
//
// Access: the pages of an account need an APROVADO chamado for the
// account's CPF/CNPJ (the rule of the Pix pages); anything else reads as 404.
func (s *Server) registerBanking(m *http.ServeMux) {
	m.HandleFunc("GET /portal/banking", s.auth(s.bankingIndex))
	m.HandleFunc("POST /portal/banking/contas", s.auth(s.bankingCreateAccount))
	m.HandleFunc("GET /portal/banking/cadeia", s.auth(s.bankingChain))
	m.HandleFunc("GET /portal/banking/contas/{id}", s.auth(s.bankingConta))
	m.HandleFunc("POST /portal/banking/contas/{id}/certificados", s.auth(s.bankingRegisterCert))
	m.HandleFunc("POST /portal/banking/contas/{id}/certificados/csr", s.auth(s.bankingIssueCert))
	m.HandleFunc("GET /portal/banking/contas/{id}/certificados/{thumbprint}", s.auth(s.bankingDownloadCert))
	m.HandleFunc("POST /portal/banking/contas/{id}/credenciais", s.auth(s.bankingCreateCredential))
	m.HandleFunc("POST /portal/banking/contas/{id}/credenciais/{clientID}/vincular", s.auth(s.bankingBind))
	m.HandleFunc("POST /portal/banking/contas/{id}/credenciais/{clientID}/desvincular", s.auth(s.bankingUnbind))
	m.HandleFunc("POST /portal/banking/contas/{id}/credenciais/{clientID}/ips", s.auth(s.bankingSetCIDRs))
	m.HandleFunc("POST /portal/banking/contas/{id}/credenciais/{clientID}/revogar", s.auth(s.bankingRevoke))
}

// approvedDocumentos lists the CPFs/CNPJs dev has an APROVADO chamado for,
// in the order the chamados were opened.
func (s *Server) approvedDocumentos(ctx context.Context, dev *portal.Developer) ([]string, error) {
	cs, err := s.d.Portal.Chamados(ctx, dev)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cs {
		if c.Status == portal.ChamadoAprovado && !slices.Contains(out, c.CNPJ) {
			out = append(out, c.CNPJ)
		}
	}
	return out, nil
}

var errContaNotFound = errs.New(errs.ENotFound, "Conta não encontrada.")

// bankingAccount returns the account of the request's path when dev may see
// it; an account of a CPF/CNPJ without an approved chamado is "not found".
func (s *Server) bankingAccount(r *http.Request, b base) (*banking.Account, error) {
	a, err := s.d.Banking.Account(r.Context(), r.PathValue("id"))
	if errs.Is(err, errs.ENotFound) {
		return nil, errContaNotFound
	}
	if err != nil {
		return nil, err
	}
	docs, err := s.approvedDocumentos(r.Context(), b.Dev)
	if err != nil {
		return nil, err
	}
	if a.Document == "" || !slices.Contains(docs, a.Document) {
		return nil, errContaNotFound
	}
	return a, nil
}

// bankingCredential returns the credential of the request's path if it is
// the account's and still active (a revoked one is not changed any more).
func (s *Server) bankingCredential(r *http.Request, a *banking.Account) (*oauth.Credential, error) {
	c, err := s.d.Banking.Credential(r.Context(), r.PathValue("clientID"))
	if errs.Is(err, errs.ENotFound) || (err == nil && c.Owner != a.ID) {
		return nil, errs.New(errs.ENotFound, "Credencial não encontrada.")
	}
	if err == nil && !c.Active() {
		return nil, errs.New(errs.EConflict, "A credencial %s está revogada: crie uma nova.", c.ClientID)
	}
	return c, err
}

// ---- index: the CPFs/CNPJs and their accounts ----

type bankingDoc struct {
	Documento string
	Accounts  []banking.Account
}

type bankingPage struct {
	base
	Docs                                      []bankingDoc
	Documento, Cooperativa, Conta, Titular    string
	DemoAccount, TokenURL, BalanceURLTemplate string
}

func (s *Server) bankingIndexPage(ctx context.Context, b base, p bankingPage) (bankingPage, error) {
	docs, err := s.approvedDocumentos(ctx, b.Dev)
	if err != nil {
		return p, err
	}
	p.Docs = nil
	for _, d := range docs {
		accs, err := s.d.Banking.AccountsByDocument(ctx, d)
		if err != nil {
			return p, err
		}
		p.Docs = append(p.Docs, bankingDoc{Documento: d, Accounts: accs})
	}
	b.Title = "Banking API · Contas"
	p.base = b
	p.TokenURL = s.apiURL() + "/public/gw_banking/v1/auth/token-v2"
	return p, nil
}

func (s *Server) apiURL() string { return strings.TrimSuffix(s.d.APIURL, "/") }

func (s *Server) bankingIndex(w http.ResponseWriter, r *http.Request, b base) error {
	p, err := s.bankingIndexPage(r.Context(), b, bankingPage{})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "banking", p)
}

var (
	reBankingCooperativa = regexp.MustCompile(`^[0-9]{4}$`)
	reBankingConta       = regexp.MustCompile(`^[0-9]{1,12}$`)
)

// BankingAccountID is the id of the banking account the portal creates for
// cooperativa and conta: "0116-471406". Accounts created otherwise (the
// sandbox's "123", the CLI, the admin API) keep their own ids; the portal
// lists every account whose holder has the CPF/CNPJ.
func BankingAccountID(cooperativa, conta string) string { return cooperativa + "-" + conta }

func (s *Server) bankingCreateAccount(w http.ResponseWriter, r *http.Request, b base) error {
	p := bankingPage{Documento: portal.NormalizeDocumento(r.PostFormValue("documento")),
		Cooperativa: strings.TrimSpace(r.PostFormValue("cooperativa")), Conta: strings.TrimSpace(r.PostFormValue("conta")),
		Titular: strings.Join(strings.Fields(r.PostFormValue("titular")), " ")}
	docs, err := s.approvedDocumentos(r.Context(), b.Dev)
	if err != nil {
		return err
	}
	var v []errs.Violation
	if !slices.Contains(docs, p.Documento) {
		v = append(v, errs.Violation{Property: "documento", Reason: "Escolha um CPF/CNPJ com chamado APROVADO (Suporte > Abra um chamado)."})
	}
	if !reBankingCooperativa.MatchString(p.Cooperativa) {
		v = append(v, errs.Violation{Property: "cooperativa", Reason: "Informe o número da cooperativa (4 dígitos, como 0116)."})
	}
	if !reBankingConta.MatchString(p.Conta) {
		v = append(v, errs.Violation{Property: "conta", Reason: "Informe o número da conta (somente dígitos, até 12)."})
	}
	if n := utf8.RuneCountInString(p.Titular); n == 0 || n > 120 {
		v = append(v, errs.Violation{Property: "titular", Reason: "Informe o nome do titular da conta (até 120 caracteres)."})
	}
	id := BankingAccountID(p.Cooperativa, p.Conta)
	if len(v) == 0 {
		// An account that exists already is used as it is when it is the
		// CPF/CNPJ's.
		a, err := s.d.Banking.Account(r.Context(), id)
		switch {
		case err == nil && a.Document == p.Documento:
			http.Redirect(w, r, "/portal/banking/contas/"+url.PathEscape(id)+"?ok=existente", http.StatusSeeOther)
			return nil
		case err == nil:
			v = append(v, errs.Violation{Property: "conta", Reason: "A conta " + p.Cooperativa + "/" + p.Conta + " já está cadastrada para outro titular; confira a cooperativa e a conta."})
		case !errs.Is(err, errs.ENotFound):
			return err
		}
	}
	if len(v) == 0 {
		err := s.d.Banking.CreateAccount(r.Context(), &banking.Account{ID: id, Holder: p.Titular, Document: p.Documento})
		if errs.KindOf(err) == errs.EInvalid {
			v = append(v, errs.Violation{Property: "conta", Reason: "Não foi possível cadastrar a conta " + id + ": " + errs.As(err).Message})
		} else if err != nil {
			return err
		}
	}
	if len(v) > 0 {
		b.withProblems(&errs.Error{Kind: errs.EInvalid, Message: v[0].Reason, Violations: v})
		p, err := s.bankingIndexPage(r.Context(), b, p)
		if err != nil {
			return err
		}
		return s.render(w, http.StatusBadRequest, "banking", p)
	}
	http.Redirect(w, r, "/portal/banking/contas/"+url.PathEscape(id)+"?ok=conta", http.StatusSeeOther)
	return nil
}

func (s *Server) bankingChain(w http.ResponseWriter, r *http.Request, b base) error {
	return sendFile(w, "ca.crt", []byte(s.d.Banking.ChainPEM()))
}

// ---- the account page ----

type bankingCert struct {
	Thumbprint, Subject, Serial, Status string
	NotAfter                            time.Time
	Active                              bool // ACTIVE and not expired
}

type bankingCred struct {
	ClientID, Status string
	Active           bool
	CreatedAt        time.Time
	CIDRs            []string
	CIDRsText        string // the allowlist form's value
	Bound            []bankingCert
	Bindable         []bankingCert // active certificates of the account not bound
	Full             bool          // MaxActiveCertificates active bound
}

type bankingContaPage struct {
	base
	Account     *banking.Account
	Certs       []bankingCert
	ActiveCerts []bankingCert
	Creds       []bankingCred
	// The new-credential form's values, kept after an error.
	CIDRs, Certificado string
	// The allowlist typed in one credential's form, kept after an error.
	EditClientID, EditCIDRs string
	Max                     int
	TokenURL                string
	BalanceURL              string
}

// bankingFlash are the messages after a successful POST (?ok=…).
var bankingFlash = map[string]string{
	"conta":        "Conta cadastrada. Agora cadastre um certificado de cliente e crie a credencial.",
	"existente":    "Esta conta já estava cadastrada para o CPF/CNPJ: use-a.",
	"certificado":  "Certificado cadastrado.",
	"emitido":      "Certificado emitido pela CA do brasa a partir do seu CSR: baixe-o na lista abaixo (a chave privada ficou com você).",
	"vinculado":    "Certificado vinculado à credencial.",
	"desvinculado": "Certificado desvinculado da credencial.",
	"ips":          "IPs permitidos atualizados.",
	"revogada":     "Credencial revogada: ela não obtém mais tokens e os tokens emitidos param de valer em até 1 segundo.",
}

func (s *Server) bankingContaPage(ctx context.Context, b base, a *banking.Account, p bankingContaPage) (bankingContaPage, error) {
	recs, err := s.d.Banking.Certificates(ctx, a.ID)
	if err != nil {
		return p, err
	}
	now := time.Now()
	byThumb := map[string]bankingCert{}
	p.Certs, p.ActiveCerts = nil, nil
	for _, rec := range recs {
		c := bankingCert{Thumbprint: rec.Thumbprint, Subject: rec.Subject, Serial: rec.Serial, Status: string(rec.Status),
			NotAfter: rec.NotAfter, Active: rec.Status == pki.CertActive && now.Before(rec.NotAfter)}
		if rec.Status == pki.CertActive && !c.Active {
			c.Status = "EXPIRED"
		}
		byThumb[c.Thumbprint] = c
		p.Certs = append(p.Certs, c)
		if c.Active {
			p.ActiveCerts = append(p.ActiveCerts, c)
		}
	}
	creds, err := s.d.Banking.Credentials(ctx, a.ID)
	if err != nil {
		return p, err
	}
	p.Creds = nil
	for _, c := range creds {
		bc := bankingCred{ClientID: c.ClientID, Status: string(c.Status), Active: c.Active(), CreatedAt: c.CreatedAt,
			CIDRs: c.AllowedCIDRs, CIDRsText: strings.Join(c.AllowedCIDRs, "\n")}
		if c.ClientID == p.EditClientID {
			bc.CIDRsText = p.EditCIDRs
		}
		active := 0
		for _, t := range c.Thumbprints {
			cert, ok := byThumb[t]
			if !ok {
				cert = bankingCert{Thumbprint: t, Status: "DESCONHECIDO"}
			}
			if cert.Active {
				active++
			}
			bc.Bound = append(bc.Bound, cert)
		}
		bc.Full = active >= banking.MaxActiveCertificates
		for _, cert := range p.ActiveCerts {
			if !c.BoundTo(cert.Thumbprint) {
				bc.Bindable = append(bc.Bindable, cert)
			}
		}
		p.Creds = append(p.Creds, bc)
	}
	b.Title = "Banking API · Conta " + a.ID
	p.base, p.Account, p.Max = b, a, banking.MaxActiveCertificates
	p.TokenURL = s.apiURL() + "/public/gw_banking/v1/auth/token-v2"
	p.BalanceURL = s.apiURL() + "/public/gw_banking/v1/accounts/" + url.PathEscape(a.ID) + "/balance"
	return p, nil
}

func (s *Server) bankingConta(w http.ResponseWriter, r *http.Request, b base) error {
	a, err := s.bankingAccount(r, b)
	if err != nil {
		return err
	}
	b.Flash = bankingFlash[r.URL.Query().Get("ok")]
	p, err := s.bankingContaPage(r.Context(), b, a, bankingContaPage{CIDRs: "127.0.0.1"})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "banking_conta", p)
}

// bankingFormError re-renders the account page with err's problems (status
// 400, 422 for a third certificate) or returns err when it is not the
// form's.
func (s *Server) bankingFormError(w http.ResponseWriter, r *http.Request, b base, a *banking.Account, p bankingContaPage, err error) error {
	status := http.StatusBadRequest
	if x := errs.As(err); x != nil && x.Kind == errs.EUnprocessable {
		status = http.StatusUnprocessableEntity
	} else if !isFormError(err) {
		return err
	}
	b.withProblems(err)
	p, perr := s.bankingContaPage(r.Context(), b, a, p)
	if perr != nil {
		return perr
	}
	return s.render(w, status, "banking_conta", p)
}

func (s *Server) bankingDone(w http.ResponseWriter, r *http.Request, a *banking.Account, ok string) error {
	http.Redirect(w, r, "/portal/banking/contas/"+url.PathEscape(a.ID)+"?ok="+ok, http.StatusSeeOther)
	return nil
}

// upload reads the multipart file field (already parsed by csrfOK).
func upload(r *http.Request, field, what string) ([]byte, error) {
	file, _, err := r.FormFile(field)
	if err != nil {
		return nil, errs.Invalid(field, "Escolha o arquivo "+what+".")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxUpload+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxUpload {
		return nil, errs.Invalid(field, "O arquivo é grande demais para "+what+" (máximo 64 KiB).")
	}
	return data, nil
}

// bankingMessage turns a banking.Service error into a problem of field in
// the portal's language, keeping the service's detail.
func bankingMessage(field string, err error) error {
	x := errs.As(err)
	if x == nil {
		return err
	}
	msg := x.Message
	switch {
	case x.Code == banking.CodeMaxCertificates:
		return &errs.Error{Kind: errs.EUnprocessable, Message: fmt.Sprintf("A credencial já tem %d certificados ativos vinculados, o máximo (rotação controlada). Desvincule o certificado antigo antes de vincular outro.", banking.MaxActiveCertificates),
			Violations: []errs.Violation{{Property: field, Reason: fmt.Sprintf("A credencial já tem %d certificados ativos vinculados, o máximo (rotação controlada). Desvincule o certificado antigo antes de vincular outro.", banking.MaxActiveCertificates)}}}
	case x.Kind == errs.ENotFound && x.Code == banking.CodeNotFound && strings.HasPrefix(msg, "certificate "):
		return errs.Invalid(field, "Escolha um certificado ativo desta conta.")
	case x.Kind != errs.EInvalid:
		return err
	case strings.Contains(msg, "not a PEM X.509 certificate"):
		return errs.Invalid(field, "O arquivo não é um certificado X.509 em PEM (-----BEGIN CERTIFICATE-----).")
	case strings.Contains(msg, "already registered to another owner"):
		return errs.Invalid(field, "Este certificado já está registrado no brasa para outro uso (por exemplo, é o certificado validado da API Pix ou de outra conta). A Banking API usa certificados próprios: envie um CSR abaixo para emitir um.")
	case strings.HasPrefix(msg, "certificate: "):
		return errs.Invalid(field, "O certificado não pertence à cadeia do ambiente (CA do brasa) ou não vale agora: "+strings.TrimPrefix(msg, "certificate: ")+". Use um certificado emitido pela CA do brasa, ou envie um CSR abaixo.")
	case strings.HasPrefix(msg, "csr: "):
		return errs.Invalid(field, "A requisição (CSR) não foi aceita: "+strings.TrimPrefix(msg, "csr: ")+".")
	case strings.Contains(msg, "belongs to another owner"):
		return errs.Invalid(field, "Escolha um certificado ativo desta conta.")
	case strings.Contains(msg, "is revoked or expired"):
		return errs.Invalid(field, "O certificado escolhido está revogado ou vencido; escolha um certificado ativo.")
	}
	return errs.Invalid(field, msg)
}

func (s *Server) bankingRegisterCert(w http.ResponseWriter, r *http.Request, b base) error {
	return s.bankingUpload(w, r, b, "certificado", "do certificado (.crt, .cer ou .pem)", "certificado",
		func(ctx context.Context, accountID string, data []byte) error {
			_, err := s.d.Banking.RegisterCertificate(ctx, accountID, data)
			return err
		})
}

func (s *Server) bankingIssueCert(w http.ResponseWriter, r *http.Request, b base) error {
	return s.bankingUpload(w, r, b, "csr", "da requisição (.csr)", "emitido",
		func(ctx context.Context, accountID string, data []byte) error {
			_, err := s.d.Banking.IssueCertificate(ctx, accountID, "", data, "", 0)
			return err
		})
}

// bankingUpload handles a form that uploads one file (field, described as
// what for the missing-file message) and hands it to do for the account;
// on success it redirects with done, else it shows the form with the error.
func (s *Server) bankingUpload(w http.ResponseWriter, r *http.Request, b base, field, what, done string,
	do func(ctx context.Context, accountID string, data []byte) error) error {
	a, err := s.bankingAccount(r, b)
	if err != nil {
		return err
	}
	data, err := upload(r, field, what)
	if err == nil {
		if err = do(r.Context(), a.ID, data); err != nil {
			err = bankingMessage(field, err)
		}
	}
	if err != nil {
		return s.bankingFormError(w, r, b, a, bankingContaPage{CIDRs: "127.0.0.1"}, err)
	}
	return s.bankingDone(w, r, a, done)
}

func (s *Server) bankingDownloadCert(w http.ResponseWriter, r *http.Request, b base) error {
	a, err := s.bankingAccount(r, b)
	if err != nil {
		return err
	}
	recs, err := s.d.Banking.Certificates(r.Context(), a.ID)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if rec.Thumbprint == r.PathValue("thumbprint") {
			return sendFile(w, "client-"+rec.Serial+".crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rec.DER}))
		}
	}
	return errs.New(errs.ENotFound, "Certificado não encontrado.")
}

// MaxCIDRs bounds an allowlist typed in the portal.
const MaxCIDRs = 50

// parseCIDRs reads the allowlist field: IPs or CIDRs separated by new
// lines, commas or spaces. Every bad entry is named.
func parseCIDRs(field, text string) ([]string, error) {
	entries := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if len(entries) == 0 {
		return nil, errs.Invalid(field, "Informe ao menos um IP ou CIDR de origem (como 203.0.113.7 ou 203.0.113.0/24): uma lista vazia não permite nenhuma chamada.")
	}
	if len(entries) > MaxCIDRs {
		return nil, errs.Invalid(field, fmt.Sprintf("Informe no máximo %d IPs ou CIDRs.", MaxCIDRs))
	}
	var v []errs.Violation
	for _, e := range entries {
		if _, err := banking.NormalizeCIDRs([]string{e}); err != nil {
			v = append(v, errs.Violation{Property: field, Reason: fmt.Sprintf("%q não é um endereço IP nem um CIDR válido (exemplos: 203.0.113.7, 203.0.113.0/24, 2001:db8::/32).", e)})
		}
	}
	if len(v) > 0 {
		return nil, &errs.Error{Kind: errs.EInvalid, Message: v[0].Reason, Violations: v}
	}
	return banking.NormalizeCIDRs(entries)
}

func (s *Server) bankingCreateCredential(w http.ResponseWriter, r *http.Request, b base) error {
	a, err := s.bankingAccount(r, b)
	if err != nil {
		return err
	}
	p := bankingContaPage{CIDRs: r.PostFormValue("cidrs"), Certificado: r.PostFormValue("certificado")}
	cidrs, err := parseCIDRs("cidrs", p.CIDRs)
	if err == nil && p.Certificado == "" {
		err = errs.Invalid("certificado", "Escolha o certificado que a credencial aceitará (cadastre ou emita um antes).")
	}
	var nc *banking.NewCredential
	if err == nil {
		nc, err = s.d.Banking.CreateCredential(r.Context(), a.ID, cidrs, []string{p.Certificado})
		if err != nil {
			err = bankingMessage("certificado", err)
		}
	}
	if err != nil {
		return s.bankingFormError(w, r, b, a, p, err)
	}
	var cert bankingCert
	if rec, err := s.d.Banking.Certificates(r.Context(), a.ID); err == nil {
		for _, c := range rec {
			if c.Thumbprint == p.Certificado {
				cert = bankingCert{Thumbprint: c.Thumbprint, Subject: c.Subject, Serial: c.Serial}
			}
		}
	}
	b.Title = "Credencial criada"
	return s.render(w, http.StatusOK, "banking_credencial", bankingCredentialPage{base: b, Account: a, ClientID: nc.Credential.ClientID,
		ClientSecret: nc.Secret, CIDRs: nc.Credential.AllowedCIDRs, Cert: cert,
		TokenURL:   s.apiURL() + "/public/gw_banking/v1/auth/token-v2",
		BalanceURL: s.apiURL() + "/public/gw_banking/v1/accounts/" + url.PathEscape(a.ID) + "/balance"})
}

type bankingCredentialPage struct {
	base
	Account                *banking.Account
	ClientID, ClientSecret string
	CIDRs                  []string
	Cert                   bankingCert
	TokenURL, BalanceURL   string
}

func (s *Server) bankingBind(w http.ResponseWriter, r *http.Request, b base) error {
	a, err := s.bankingAccount(r, b)
	if err != nil {
		return err
	}
	c, err := s.bankingCredential(r, a)
	if err != nil {
		return err
	}
	field := "vincular-" + c.ClientID
	t := r.PostFormValue("certificado")
	if t == "" {
		err = errs.Invalid(field, "Escolha o certificado a vincular.")
	} else if err = s.d.Banking.Bind(r.Context(), c.ClientID, t); err != nil {
		err = bankingMessage(field, err)
	}
	if err != nil {
		return s.bankingFormError(w, r, b, a, bankingContaPage{CIDRs: "127.0.0.1"}, err)
	}
	return s.bankingDone(w, r, a, "vinculado")
}

func (s *Server) bankingUnbind(w http.ResponseWriter, r *http.Request, b base) error {
	a, err := s.bankingAccount(r, b)
	if err != nil {
		return err
	}
	c, err := s.bankingCredential(r, a)
	if err != nil {
		return err
	}
	t := r.PostFormValue("certificado")
	if !c.BoundTo(t) {
		return errs.New(errs.ENotFound, "Este certificado não está vinculado à credencial.")
	}
	if err := s.d.Banking.Unbind(r.Context(), c.ClientID, t); err != nil {
		return err
	}
	return s.bankingDone(w, r, a, "desvinculado")
}

func (s *Server) bankingSetCIDRs(w http.ResponseWriter, r *http.Request, b base) error {
	a, err := s.bankingAccount(r, b)
	if err != nil {
		return err
	}
	c, err := s.bankingCredential(r, a)
	if err != nil {
		return err
	}
	field := "cidrs-" + c.ClientID
	cidrs, err := parseCIDRs(field, r.PostFormValue("cidrs"))
	if err == nil {
		if _, err = s.d.Banking.SetAllowedCIDRs(r.Context(), c.ClientID, cidrs); err != nil {
			err = bankingMessage(field, err)
		}
	}
	if err != nil {
		return s.bankingFormError(w, r, b, a, bankingContaPage{CIDRs: "127.0.0.1", EditClientID: c.ClientID, EditCIDRs: r.PostFormValue("cidrs")}, err)
	}
	return s.bankingDone(w, r, a, "ips")
}

func (s *Server) bankingRevoke(w http.ResponseWriter, r *http.Request, b base) error {
	a, err := s.bankingAccount(r, b)
	if err != nil {
		return err
	}
	c, err := s.bankingCredential(r, a)
	if err != nil {
		return err
	}
	if err := s.d.Banking.RevokeCredential(r.Context(), c.ClientID); err != nil {
		return err
	}
	return s.bankingDone(w, r, a, "revogada")
}
