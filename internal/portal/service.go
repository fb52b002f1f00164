package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
)

// Store is what the portal persists. internal/store implements it on both
// engines (storetest checks it). Errors are *errs.Error: ENotFound for a
// missing row, EConflict for a taken unique key.
type Store interface {
	// CreateDeveloper stores d. EConflict if the e-mail is taken.
	CreateDeveloper(ctx context.Context, d *Developer) error
	// Developer returns the developer id. ENotFound if none.
	Developer(ctx context.Context, id string) (*Developer, error)
	// DeveloperByEmail returns the developer with e-mail email. ENotFound if none.
	DeveloperByEmail(ctx context.Context, email string) (*Developer, error)

	// CreateSession stores s.
	CreateSession(ctx context.Context, s *Session) error
	// Session returns the session whose token hashes to tokenHash. ENotFound if none.
	Session(ctx context.Context, tokenHash []byte) (*Session, error)
	// DeleteSession removes a session (idempotent).
	DeleteSession(ctx context.Context, tokenHash []byte) error

	// CreateChamado stores c.
	CreateChamado(ctx context.Context, c *Chamado) error
	// Chamado returns the ticket id. ENotFound if none.
	Chamado(ctx context.Context, id string) (*Chamado, error)
	// Chamados lists a developer's tickets, oldest first.
	Chamados(ctx context.Context, developerID string) ([]Chamado, error)
	// ChamadosByStatus lists every ticket in status, oldest first.
	ChamadosByStatus(ctx context.Context, status ChamadoStatus) ([]Chamado, error)
	// DecideChamado moves an ABERTO ticket to status with modalidades.
	// ENotFound if none; EConflict if it is not ABERTO.
	DecideChamado(ctx context.Context, id string, status ChamadoStatus, modalidades []Modalidade, at time.Time) error

	// CreateAccount stores a. EConflict if cooperativa+conta exists.
	CreateAccount(ctx context.Context, a *Account) error
	// Account returns an account. ENotFound if none.
	Account(ctx context.Context, cooperativa, conta string) (*Account, error)

	// CreateFile stores f. ENotFound if its account does not exist.
	CreateFile(ctx context.Context, f *File) error
	// File returns the file id. ENotFound if none.
	File(ctx context.Context, id string) (*File, error)
	// Files lists an account's files, newest first.
	Files(ctx context.Context, cooperativa, conta string) ([]File, error)
	// PendingCSRs lists up to limit CSRs still EM_PROCESSAMENTO imported
	// before before, oldest first: the signing jobs.
	PendingCSRs(ctx context.Context, before time.Time, limit int) ([]File, error)
	// CompleteCSR marks the CSR csrID OK at at and, in the same
	// transaction, stores the certificate record and files (the validated
	// certificate and the chain). EConflict if the CSR is no longer
	// EM_PROCESSAMENTO (another instance signed it); ENotFound if none.
	CompleteCSR(ctx context.Context, csrID string, cert *pki.CertificateRecord, files []File, at time.Time) error
	// RefuseCSR marks a pending CSR RECUSADO with message. EConflict if it
	// is not pending; ENotFound if none.
	RefuseCSR(ctx context.Context, csrID, message string, at time.Time) error

	// CreatePortalCredential stores c and its link to a validated
	// certificate's file in one transaction.
	CreatePortalCredential(ctx context.Context, c *oauth.Credential, link *PortalCredential) error
	// PortalCredentials lists the credentials generated on fileID, oldest first.
	PortalCredentials(ctx context.Context, fileID string) ([]PortalCredential, error)

	// What the portal needs of the rest of brasa's store.
	Credential(ctx context.Context, clientID string) (*oauth.Credential, error)
	CertificateBySerial(ctx context.Context, serial string) (*pki.CertificateRecord, error)
	Recebedor(ctx context.Context, documento string) (*pix.Recebedor, error)
	CreateRecebedor(ctx context.Context, r *pix.Recebedor) error
	CreateChave(ctx context.Context, c *pix.Chave) error
	Chaves(ctx context.Context, documento string) ([]pix.Chave, error)
}

// Deps are what [New] needs.
type Deps struct {
	Store  Store
	CA     *pki.CA
	Sealer *pki.Sealer // seals the unencrypted private keys brasa generates
	Hasher *oauth.Hasher
	Clock  clock.Clock
	// AutoApprove approves every chamado at once with every modality (the
	// sandbox). Otherwise an operator decides (`brasa portal aprovar`).
	AutoApprove bool
	// SessionTTL is how long a login lasts; zero means 12 hours.
	SessionTTL time.Duration
	// SigningDelay is how long a CSR waits before the CA signs it (the
	// seed's "avaliada pela Segurança da Informação"); zero means
	// [DefaultSigningDelay]; negative means none.
	SigningDelay time.Duration
	// CertValidity is the lifetime of the certificates signed; zero means
	// pki.DefaultClientValidity.
	CertValidity time.Duration
	// Random supplies key material; nil means crypto/rand.
	Random io.Reader
}

// DefaultSigningDelay is how long a CSR stays EM_PROCESSAMENTO at least.
const DefaultSigningDelay = 2 * time.Second

// Service carries out the portal's rules.
type Service struct {
	d        Deps
	nudge    chan struct{}
	throttle throttle
}

// New returns a Service over d.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.System
	}
	if d.SessionTTL == 0 {
		d.SessionTTL = 12 * time.Hour
	}
	if d.SigningDelay == 0 {
		d.SigningDelay = DefaultSigningDelay
	} else if d.SigningDelay < 0 {
		d.SigningDelay = 0
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	return &Service{d: d, nudge: make(chan struct{}, 1)}
}

// AutoApprove reports whether chamados are approved at once (sandbox).
func (s *Service) AutoApprove() bool { return s.d.AutoApprove }

// SigningDelay is how long a CSR stays EM_PROCESSAMENTO at least.
func (s *Service) SigningDelay() time.Duration { return s.d.SigningDelay }

// invalid returns an EInvalid error for one field; several are joined by
// [problems].
func invalid(field, reason string) *errs.Error { return errs.Invalid(field, reason) }

// problems collects field violations and returns them as one EInvalid error,
// or nil when there are none.
type problems []errs.Violation

func (p *problems) add(field, reason string) {
	*p = append(*p, errs.Violation{Property: field, Reason: reason})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &errs.Error{Kind: errs.EInvalid, Message: p[0].Reason, Violations: p}
}

// ---- accounts and sessions ----

// MinPasswordLen and MaxPasswordLen bound portal passwords (NIST SP 800-63B
// §3.1.1.2: at least 8, allow at least 64).
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// SignUp creates a developer account ("Criar Conta"). EInvalid lists every
// field problem; EConflict when the e-mail has an account.
func (s *Service) SignUp(ctx context.Context, name, email, password string) (*Developer, error) {
	name = strings.TrimSpace(name)
	email = normalizeEmail(email)
	var p problems
	if name == "" || utf8.RuneCountInString(name) > 120 {
		p.add("nome", "Informe seu nome (até 120 caracteres).")
	}
	if !validEmail(email) {
		p.add("email", "Informe um endereço de e-mail válido.")
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordLen || n > MaxPasswordLen {
		p.add("senha", "A senha deve ter de 8 a 256 caracteres.")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	hash, err := oauth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	d := &Developer{ID: newID(s.d.Random), Email: email, Name: name, PasswordHash: hash, CreatedAt: s.d.Clock.Now()}
	if err := s.d.Store.CreateDeveloper(ctx, d); err != nil {
		if errs.Is(err, errs.EConflict) {
			return nil, &errs.Error{Kind: errs.EConflict, Message: "Já existe uma conta com este e-mail.",
				Violations: []errs.Violation{{Property: "email", Reason: "Já existe uma conta com este e-mail."}}}
		}
		return nil, err
	}
	return d, nil
}

// dummyHash is verified against when the e-mail is unknown, so a wrong
// e-mail costs as much time as a wrong password.
var dummyHash = func() string {
	h, _ := oauth.HashPassword("brasa-portal-dummy-password")
	return h
}()

// ErrBadLogin is the one answer to an unknown e-mail or a wrong password.
var ErrBadLogin = &errs.Error{Kind: errs.EUnauthorized, Message: "E-mail ou senha incorretos."}

// ErrTooManyLogins answers a login for an e-mail that failed
// [MaxLoginFailures] times within [LoginFailureWindow].
var ErrTooManyLogins = &errs.Error{Kind: errs.ETooManyRequests, Message: "Muitas tentativas de login para este e-mail. Aguarde 15 minutos e tente de novo."}

// Login checks email and password and opens a session. It returns the
// session token (for the cookie) and the developer; [ErrBadLogin] when the
// e-mail is unknown or the password wrong; [ErrTooManyLogins] after too many
// failures.
func (s *Service) Login(ctx context.Context, email, password string) (string, *Developer, error) {
	email = normalizeEmail(email)
	if s.throttle.blocked(email, s.d.Clock.Now()) {
		return "", nil, ErrTooManyLogins
	}
	d, err := s.d.Store.DeveloperByEmail(ctx, email)
	if errs.Is(err, errs.ENotFound) {
		_ = oauth.VerifyPassword(dummyHash, password)
		s.throttle.fail(email, s.d.Clock.Now())
		return "", nil, ErrBadLogin
	}
	if err != nil {
		return "", nil, err
	}
	if err := oauth.VerifyPassword(d.PasswordHash, password); err != nil {
		if errors.Is(err, oauth.ErrPasswordMismatch) {
			s.throttle.fail(email, s.d.Clock.Now())
			return "", nil, ErrBadLogin
		}
		return "", nil, err
	}
	s.throttle.succeed(email)
	token := randomToken(s.d.Random, 32)
	now := s.d.Clock.Now()
	sess := &Session{TokenHash: hashToken(token), DeveloperID: d.ID, CreatedAt: now, ExpiresAt: now.Add(s.d.SessionTTL)}
	if err := s.d.Store.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, d, nil
}

// Authenticate returns the developer of a session token. EUnauthorized when
// the token is unknown or expired.
func (s *Service) Authenticate(ctx context.Context, token string) (*Developer, error) {
	if token == "" {
		return nil, errs.New(errs.EUnauthorized, "Faça login para continuar.")
	}
	sess, err := s.d.Store.Session(ctx, hashToken(token))
	if errs.Is(err, errs.ENotFound) {
		return nil, errs.New(errs.EUnauthorized, "Sua sessão terminou. Faça login novamente.")
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(sess.TokenHash, hashToken(token)) != 1 || !s.d.Clock.Now().Before(sess.ExpiresAt) {
		return nil, errs.New(errs.EUnauthorized, "Sua sessão terminou. Faça login novamente.")
	}
	return s.d.Store.Developer(ctx, sess.DeveloperID)
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.d.Store.DeleteSession(ctx, hashToken(token))
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// ---- chamados ----

// OpenChamado opens a ticket of type tipo for the associado's CNPJ (or CPF)
// and the ID da adesão. With AutoApprove it is approved at once with every
// modality.
func (s *Service) OpenChamado(ctx context.Context, dev *Developer, tipo ChamadoTipo, cnpj, idAdesao string) (*Chamado, error) {
	var p problems
	if tipo != TipoAcessoAPIPix {
		p.add("tipo", "Escolha o tipo de solicitação.")
	}
	doc := NormalizeDocumento(cnpj)
	if !validDocumento(doc) {
		p.add("cnpj", "Informe o CNPJ do associado (14 dígitos, com dígitos verificadores válidos).")
	}
	idAdesao = strings.TrimSpace(idAdesao)
	if idAdesao == "" || len(idAdesao) > 40 || strings.ContainsFunc(idAdesao, func(r rune) bool { return r < ' ' }) {
		p.add("idAdesao", "Informe o ID da adesão (o número de demanda do e-mail de boas-vindas, até 40 caracteres).")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	c := &Chamado{ID: newChamadoID(s.d.Clock.Now(), s.d.Random), DeveloperID: dev.ID, Tipo: tipo, CNPJ: doc,
		IDAdesao: idAdesao, Status: ChamadoAberto, CreatedAt: s.d.Clock.Now()}
	if err := s.d.Store.CreateChamado(ctx, c); err != nil {
		return nil, err
	}
	if s.d.AutoApprove {
		if err := s.DecideChamado(ctx, c.ID, true, AllModalidades); err != nil {
			return nil, err
		}
		return s.d.Store.Chamado(ctx, c.ID)
	}
	return c, nil
}

// Chamados lists dev's tickets, oldest first.
func (s *Service) Chamados(ctx context.Context, dev *Developer) ([]Chamado, error) {
	return s.d.Store.Chamados(ctx, dev.ID)
}

// PendingChamados lists the tickets waiting for an operator, oldest first.
func (s *Service) PendingChamados(ctx context.Context) ([]Chamado, error) {
	return s.d.Store.ChamadosByStatus(ctx, ChamadoAberto)
}

// DecideChamado approves (with the contract's modalidades; none means every
// modality) or refuses an open ticket. ENotFound if none; EConflict if it was
// decided already.
func (s *Service) DecideChamado(ctx context.Context, id string, approve bool, modalidades []Modalidade) error {
	status := ChamadoRecusado
	if approve {
		status = ChamadoAprovado
		if len(modalidades) == 0 {
			modalidades = AllModalidades
		}
	} else {
		modalidades = nil
	}
	err := s.d.Store.DecideChamado(ctx, id, status, modalidades, s.d.Clock.Now())
	if errs.Is(err, errs.EConflict) {
		return errs.New(errs.EConflict, "o chamado %s já foi decidido", id)
	}
	return err
}

// access returns the modalities dev's approved chamados grant for documento,
// and whether any grants access at all.
func (s *Service) access(ctx context.Context, dev *Developer, documento string) ([]Modalidade, bool, error) {
	cs, err := s.d.Store.Chamados(ctx, dev.ID)
	if err != nil {
		return nil, false, err
	}
	var mods []Modalidade
	ok := false
	for _, c := range cs {
		if c.Status == ChamadoAprovado && c.CNPJ == documento {
			ok = true
			for _, m := range c.Modalidades {
				if !slices.Contains(mods, m) {
					mods = append(mods, m)
				}
			}
		}
	}
	return mods, ok, nil
}

func noAccess(documento string) error {
	return errs.New(errs.EForbidden, "Você não tem acesso liberado aos arquivos do associado %s. Abra um chamado (Suporte > Abra um chamado) do tipo Acesso à API Pix informando o CNPJ e o ID da adesão.", documento)
}

// ---- accounts and files ----

var (
	reCooperativa = regexp.MustCompile(`^[0-9]{4}$`)
	reConta       = regexp.MustCompile(`^[0-9]{1,12}$`)
	reNomeArquivo = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
)

// checkAccount validates cooperativa and conta into p.
func checkAccount(p *problems, cooperativa, conta string) {
	if !reCooperativa.MatchString(cooperativa) {
		p.add("cooperativa", "Informe o número da cooperativa (4 dígitos, como 0116).")
	}
	if !reConta.MatchString(conta) {
		p.add("conta", "Informe o número da conta (somente dígitos, até 12).")
	}
}

// Files returns an account's file list (newest first) for dev, who needs an
// approved chamado for the account's CPF/CNPJ. ENotFound when the account
// has no files yet.
func (s *Service) Files(ctx context.Context, dev *Developer, cooperativa, conta string) (*Account, []File, error) {
	cooperativa, conta = strings.TrimSpace(cooperativa), strings.TrimSpace(conta)
	var p problems
	checkAccount(&p, cooperativa, conta)
	if err := p.err(); err != nil {
		return nil, nil, err
	}
	// An account that does not exist and one of an associado dev has no
	// access to read alike, so accounts cannot be enumerated.
	missing := errs.New(errs.ENotFound, "Nenhum arquivo registrado para a cooperativa %s, conta %s que você possa ver. Use Registrar Novo CSR; se a conta é de um associado novo para você, abra antes um chamado (Suporte > Abra um chamado).", cooperativa, conta)
	acc, err := s.d.Store.Account(ctx, cooperativa, conta)
	if errs.Is(err, errs.ENotFound) {
		return nil, nil, missing
	}
	if err != nil {
		return nil, nil, err
	}
	if _, ok, err := s.access(ctx, dev, acc.Documento); err != nil {
		return nil, nil, err
	} else if !ok {
		return nil, nil, missing
	}
	files, err := s.d.Store.Files(ctx, cooperativa, conta)
	return acc, files, err
}

// File returns one file dev may see.
func (s *Service) File(ctx context.Context, dev *Developer, id string) (*File, error) {
	f, err := s.d.Store.File(ctx, id)
	if errs.Is(err, errs.ENotFound) {
		return nil, errs.New(errs.ENotFound, "Arquivo não encontrado.")
	}
	if err != nil {
		return nil, err
	}
	if _, ok, err := s.access(ctx, dev, f.Documento); err != nil {
		return nil, err
	} else if !ok {
		// Someone else's file: say "not found", not "forbidden".
		return nil, errs.New(errs.ENotFound, "Arquivo não encontrado.")
	}
	return f, nil
}

// Credentials lists the credentials generated on a validated certificate.
func (s *Service) Credentials(ctx context.Context, f *File) ([]oauth.Credential, error) {
	links, err := s.d.Store.PortalCredentials(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	var out []oauth.Credential
	for _, l := range links {
		c, err := s.d.Store.Credential(ctx, l.ClientID)
		if err != nil {
			return nil, err
		}
		c.SecretHash = nil
		out = append(out, *c)
	}
	return out, nil
}

// ensureAccount returns the account cooperativa+conta for documento,
// creating it on first use. dev needs an approved chamado for documento; the
// account must not belong to another CPF/CNPJ, nor contradict the account of
// an existing recebedor.
func (s *Service) ensureAccount(ctx context.Context, dev *Developer, documento, cooperativa, conta string) (*Account, error) {
	if _, ok, err := s.access(ctx, dev, documento); err != nil {
		return nil, err
	} else if !ok {
		return nil, noAccess(documento)
	}
	if r, err := s.d.Store.Recebedor(ctx, documento); err == nil {
		if r.Cooperativa != "" && (r.Cooperativa != cooperativa || r.Conta != conta) {
			return nil, invalid("conta", "A cooperativa e a conta informadas não são as do associado "+documento+".")
		}
	} else if !errs.Is(err, errs.ENotFound) {
		return nil, err
	}
	for range 2 {
		acc, err := s.d.Store.Account(ctx, cooperativa, conta)
		if err == nil {
			if acc.Documento != documento {
				return nil, invalid("conta", "A conta "+cooperativa+"/"+conta+" pertence a outro associado; confira a cooperativa, a conta e o CPF/CNPJ.")
			}
			return acc, nil
		}
		if !errs.Is(err, errs.ENotFound) {
			return nil, err
		}
		acc = &Account{Cooperativa: cooperativa, Conta: conta, Documento: documento, CreatedAt: s.d.Clock.Now()}
		err = s.d.Store.CreateAccount(ctx, acc)
		if err == nil {
			return acc, nil
		}
		if !errs.Is(err, errs.EConflict) {
			return nil, err
		}
		// Created concurrently: read it again.
	}
	return nil, errs.New(errs.EInternal, "portal: account %s/%s keeps changing", cooperativa, conta)
}

// ---- helpers ----

// NormalizeDocumento removes the punctuation people type in a CPF or CNPJ
// (".", "-", "/", spaces) and uppercases it (alphanumeric CNPJ).
func NormalizeDocumento(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if strings.ContainsRune(".-/ \t", r) {
			return -1
		}
		return r
	}, s))
}

func validDocumento(doc string) bool { return pix.ValidCNPJ(doc) || pix.ValidCPF(doc) }

func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validEmail(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

func newID(r io.Reader) string {
	b := make([]byte, 12)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("portal: random source failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// newChamadoID returns a ticket number people can read out: the date and 6
// random hex digits (20261122-3fa9c1).
func newChamadoID(now time.Time, r io.Reader) string {
	b := make([]byte, 3)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("portal: random source failed: " + err.Error())
	}
	return now.UTC().Format("20060102") + "-" + hex.EncodeToString(b)
}

func randomToken(r io.Reader, n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("portal: random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
