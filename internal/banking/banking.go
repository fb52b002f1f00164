package banking

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/ttlcache"
)

// MaxActiveCertificates is how many active certificates a credential may
// have bound at once (seed 002: "até 2 certificados ativos, permitindo
// rotação controlada").
const MaxActiveCertificates = 2

// Scope is the scope of token-v2 tokens.
const Scope = "banking"

// Error codes (errs.Error.Code) of this package.
const (
	CodeInvalidCredentials = "invalid_credentials"        // 401 Invalid Credentials
	CodeInvalidCertificate = "invalid_client_certificate" // 401 Invalid Client Certificate
	CodeForbiddenIP        = "forbidden"                  // 403 Forbidden (source IP)
	CodeBadRequest         = "bad_request"                // 400: body missing fields, grant_type
	CodeUnauthorized       = "unauthorized"               // 401: bearer token missing, bad, expired, revoked
	CodeAccountNotFound    = "account_not_found"          // 404
	CodeMaxCertificates    = "max_certificates"           // 422: a third active certificate
	CodeInvalid            = "invalid"                    // 400: provisioning input
	CodeNotFound           = "not_found"                  // 404: provisioning target
)

// Account is a bank account the Banking API reads.
type Account struct {
	ID        string
	Holder    string
	Document  string // CPF/CNPJ of the holder
	Balance   int64  // available, centavos
	Blocked   int64  // blocked, centavos
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Store is what the Service reads and writes.
type Store interface {
	CreateBankingAccount(ctx context.Context, a *Account) error
	BankingAccount(ctx context.Context, id string) (*Account, error)
	// BankingAccountsByDocument lists the accounts of the CPF/CNPJ
	// document, by id (the developer portal's list).
	BankingAccountsByDocument(ctx context.Context, document string) ([]Account, error)
	// BindBankingCertificate binds thumbprint to clientID unless the
	// credential already has max certificates bound that are active at now
	// (error with Code CodeMaxCertificates); the credential row is locked so
	// concurrent binds cannot exceed max. Idempotent. ENotFound if the
	// credential does not exist.
	BindBankingCertificate(ctx context.Context, clientID, thumbprint string, max int, now time.Time) error
	// SetAllowedCIDRs replaces clientID's allowlist. ENotFound if none.
	SetAllowedCIDRs(ctx context.Context, clientID string, cidrs []string) error

	CreateCredential(ctx context.Context, c *oauth.Credential) error
	Credential(ctx context.Context, clientID string) (*oauth.Credential, error)
	Credentials(ctx context.Context, owner string) ([]oauth.Credential, error)
	SetCredentialStatus(ctx context.Context, clientID string, status oauth.CredentialStatus, at time.Time) error
	UnbindCertificate(ctx context.Context, clientID, thumbprint string) error

	CreateCertificate(ctx context.Context, c *pki.CertificateRecord) error
	CertificateByThumbprint(ctx context.Context, thumbprint string) (*pki.CertificateRecord, error)
	// Certificates lists owner's certificates of type t, oldest first.
	Certificates(ctx context.Context, owner string, t pki.CertType) ([]pki.CertificateRecord, error)
	RevokeCertificate(ctx context.Context, serial, reason string, at time.Time) error
}

// Authenticator checks certificate-bound bearer tokens (oauth.Service).
type Authenticator interface {
	Authenticate(ctx context.Context, bearer, x5t string) (*oauth.Claims, *oauth.Credential, error)
	Forget(clientID string)
}

// Deps are what [NewService] needs.
type Deps struct {
	Store    Store
	CA       *pki.CA
	Hasher   *oauth.Hasher
	Signer   *oauth.Signer // the app's token signer (Authenticator verifies with it)
	Auth     Authenticator
	Clock    clock.Clock
	Issuer   string
	TokenTTL time.Duration // 3600 s when zero
}

// Service holds the Banking API rules.
type Service struct {
	d     Deps
	creds *ttlcache.Cache[string, *oauth.Credential]
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.System
	}
	if d.TokenTTL == 0 {
		d.TokenTTL = time.Hour
	}
	return &Service{d: d, creds: ttlcache.New[string, *oauth.Credential](500*time.Millisecond, 50_000)}
}

func e(kind errs.Kind, code, msg string) *errs.Error {
	return &errs.Error{Kind: kind, Code: code, Message: msg}
}

// The token-v2 errors of the seed's troubleshooting section.
var (
	ErrInvalidCredentials = e(errs.EUnauthorized, CodeInvalidCredentials, "Invalid Credentials")
	ErrInvalidCertificate = e(errs.EUnauthorized, CodeInvalidCertificate, "Invalid Client Certificate")
	ErrForbidden          = e(errs.EForbidden, CodeForbiddenIP, "Forbidden")
	ErrUnauthorized       = e(errs.EUnauthorized, CodeUnauthorized, "Unauthorized")
)

// TokenRequest is a token-v2 call: the JSON body, the thumbprint of the
// client certificate the connection presented (already verified: chain,
// dates, revocation) and the source address.
type TokenRequest struct {
	ClientID     string
	ClientSecret string
	GrantType    string
	Thumbprint   string
	Source       netip.Addr
}

// Token is an issued token-v2 access token.
type Token struct {
	AccessToken string
	ExpiresIn   int
}

// Token issues a token (seed 002) only when the credential is active and
// its secret right (else 401 Invalid Credentials), the certificate is bound
// to it (else 401 Invalid Client Certificate) and the source address is in
// its allowlist (else 403 Forbidden). The token carries cnf.x5t#S256 of the
// certificate, so protected calls must present the same one.
func (s *Service) Token(ctx context.Context, req TokenRequest) (*Token, error) {
	if req.ClientID == "" || req.ClientSecret == "" || req.GrantType == "" {
		return nil, e(errs.EInvalid, CodeBadRequest, "client_id, client_secret and grant_type are required")
	}
	if req.GrantType != "client_credentials" {
		return nil, e(errs.EInvalid, CodeBadRequest, "grant_type must be client_credentials")
	}
	cred, err := s.credential(ctx, req.ClientID)
	if errs.Is(err, errs.ENotFound) {
		s.d.Hasher.Hash(req.ClientSecret)
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, err
	}
	if !s.d.Hasher.Equal(req.ClientSecret, cred.SecretHash) || !cred.Active() || cred.Kind != oauth.KindBanking {
		return nil, ErrInvalidCredentials
	}
	if req.Thumbprint == "" || !cred.BoundTo(req.Thumbprint) {
		return nil, ErrInvalidCertificate
	}
	if !Allowed(cred.AllowedCIDRs, req.Source) {
		return nil, ErrForbidden
	}
	now := s.d.Clock.Now()
	c := &oauth.Claims{Issuer: s.d.Issuer, Subject: cred.ClientID, ClientID: cred.ClientID, Scope: Scope,
		IssuedAt: now.Unix(), Expiry: now.Add(s.d.TokenTTL).Unix(), JTI: newUUID(), Cnf: &oauth.Cnf{X5tS256: req.Thumbprint}}
	tok, err := s.d.Signer.Sign(c)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "sign token")
	}
	return &Token{AccessToken: tok, ExpiresIn: int(s.d.TokenTTL / time.Second)}, nil
}

func (s *Service) credential(ctx context.Context, clientID string) (*oauth.Credential, error) {
	if c, ok := s.creds.Get(clientID); ok {
		return c, nil
	}
	c, err := s.d.Store.Credential(ctx, clientID)
	if err != nil {
		return nil, err
	}
	s.creds.Put(clientID, c)
	return c, nil
}

// Allowed reports whether addr is in one of cidrs. An empty allowlist
// allows nothing: a credential must name its sources (seed 002: "Definir os
// IPs permitidos" is a provisioning step).
func Allowed(cidrs []string, addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, c := range cidrs {
		if p, err := netip.ParsePrefix(c); err == nil && p.Contains(addr) {
			return true
		}
	}
	return false
}

// BalanceRequest is a balance call.
type BalanceRequest struct {
	Bearer     string
	Thumbprint string
	Source     netip.Addr
	AccountID  string
}

// Balance returns the account's balance when the bearer token is valid, was
// issued to the certificate the connection presents (else 401 Invalid
// Client Certificate), its credential is still active with that certificate
// bound, the source is allowed (403), and the account is the credential's
// (404 otherwise, as for an account that does not exist).
func (s *Service) Balance(ctx context.Context, req BalanceRequest) (*Account, error) {
	if req.Bearer == "" {
		return nil, ErrUnauthorized
	}
	_, cred, err := s.d.Auth.Authenticate(ctx, req.Bearer, req.Thumbprint)
	if err != nil {
		if x := errs.As(err); x != nil && x.Code == oauth.CodeThumbprintMismatch {
			return nil, ErrInvalidCertificate
		}
		if k := errs.KindOf(err); k == errs.EUnauthorized || k == errs.EInvalid || k == errs.EForbidden {
			return nil, ErrUnauthorized
		}
		return nil, err
	}
	if cred.Kind != oauth.KindBanking {
		return nil, ErrUnauthorized
	}
	if !Allowed(cred.AllowedCIDRs, req.Source) {
		return nil, ErrForbidden
	}
	if req.AccountID != cred.Owner {
		return nil, e(errs.ENotFound, CodeAccountNotFound, "Account not found")
	}
	a, err := s.d.Store.BankingAccount(ctx, req.AccountID)
	if errs.Is(err, errs.ENotFound) {
		return nil, e(errs.ENotFound, CodeAccountNotFound, "Account not found")
	}
	return a, err
}

// --- provisioning (the CORE of seed 002) ---

func invalid(msg string) *errs.Error { return e(errs.EInvalid, CodeInvalid, msg) }

// CreateAccount stores a new account.
func (s *Service) CreateAccount(ctx context.Context, a *Account) error {
	if a.ID == "" || len(a.ID) > 64 || strings.ContainsAny(a.ID, " /?#%") {
		return invalid("account id must be 1 to 64 characters without spaces, '/', '?', '#' or '%'")
	}
	if strings.TrimSpace(a.Holder) == "" {
		return invalid("holder is required")
	}
	if a.Balance < 0 || a.Blocked < 0 {
		return invalid("balances may not be negative")
	}
	now := s.d.Clock.Now()
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	a.UpdatedAt = a.CreatedAt
	err := s.d.Store.CreateBankingAccount(ctx, a)
	if errs.Is(err, errs.EConflict) {
		return invalid("account " + a.ID + " already exists")
	}
	return err
}

func (s *Service) account(ctx context.Context, id string) (*Account, error) {
	a, err := s.d.Store.BankingAccount(ctx, id)
	if errs.Is(err, errs.ENotFound) {
		return nil, e(errs.ENotFound, CodeNotFound, "account "+id+" not found")
	}
	return a, err
}

// RegisterCertificate registers a client certificate (PEM, the leaf first)
// of accountID: it must chain to brasa's CA, be valid now and allow
// clientAuth ("pertence à cadeia correta do ambiente"). Registering a
// certificate brasa already knows returns its record if it is the
// account's.
func (s *Service) RegisterCertificate(ctx context.Context, accountID string, certPEM []byte) (*pki.CertificateRecord, error) {
	if _, err := s.account(ctx, accountID); err != nil {
		return nil, err
	}
	certs, err := pki.ParseCertificates(certPEM)
	if err != nil || len(certs) == 0 {
		return nil, invalid("certificate: not a PEM X.509 certificate")
	}
	leaf := certs[0]
	v := pki.NewVerifier(s.d.CA.Pool(), s.d.CA.Intermediates(), s.d.Clock.Now)
	if _, err := v.Verify(certs); err != nil {
		return nil, invalid("certificate: " + err.Error())
	}
	rec := pki.NewCertificateRecord(leaf, pki.CertBanking, accountID, s.d.Clock.Now())
	if err := s.d.Store.CreateCertificate(ctx, rec); err != nil {
		if !errs.Is(err, errs.EConflict) {
			return nil, err
		}
		old, err := s.d.Store.CertificateByThumbprint(ctx, rec.Thumbprint)
		if err != nil {
			return nil, err
		}
		if old.Owner != accountID {
			return nil, invalid("certificate: already registered to another owner")
		}
		return old, nil
	}
	return rec, nil
}

// IssuedCertificate is a certificate brasa issued with its key (shown once).
type IssuedCertificate struct {
	Record *pki.CertificateRecord
	Cert   *x509.Certificate
	KeyPEM []byte // unencrypted PKCS#8 unless a passphrase was given
}

// IssueCertificate issues a client certificate for accountID: from csrPEM
// when given (the key stays with the client), else with a fresh RSA-2048 key
// returned once (encrypted PKCS#8 under passphrase when it is not empty).
// validity zero means one year.
func (s *Service) IssueCertificate(ctx context.Context, accountID, commonName string, csrPEM []byte, passphrase string, validity time.Duration) (*IssuedCertificate, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if validity < 0 || validity > 825*24*time.Hour {
		return nil, invalid("validity must be between 1 day and 825 days")
	}
	out := &IssuedCertificate{}
	if len(csrPEM) > 0 {
		csr, err := pki.ParseCSR(csrPEM)
		if err != nil {
			return nil, invalid("csr: " + err.Error())
		}
		if out.Cert, err = s.d.CA.SignCSR(csr, validity); err != nil {
			return nil, invalid("csr: " + err.Error())
		}
	} else {
		if commonName == "" {
			commonName = accountID + ".banking.brasa.local"
		}
		key, err := pki.GenerateKey(rand.Reader, pki.RSA2048)
		if err != nil {
			return nil, errs.Wrap(errs.EInternal, err, "generate key")
		}
		subj := pkix.Name{Country: []string{"BR"}, Organization: []string{a.Holder}, OrganizationalUnit: []string{"Banking API"}, CommonName: commonName}
		if a.Document != "" {
			subj.SerialNumber = a.Document
		}
		if out.Cert, err = s.d.CA.IssueClient(pki.ClientRequest{Subject: subj, PublicKey: key.Public(), Validity: validity}); err != nil {
			return nil, errs.Wrap(errs.EInternal, err, "issue certificate")
		}
		if passphrase != "" {
			out.KeyPEM, err = pki.EncryptPKCS8PEM(key, []byte(passphrase), rand.Reader)
		} else {
			out.KeyPEM, err = pki.MarshalPrivateKeyPEM(key)
		}
		if err != nil {
			return nil, errs.Wrap(errs.EInternal, err, "encode key")
		}
	}
	out.Record = pki.NewCertificateRecord(out.Cert, pki.CertBanking, accountID, s.d.Clock.Now())
	if err := s.d.Store.CreateCertificate(ctx, out.Record); err != nil {
		return nil, err
	}
	return out, nil
}

// NormalizeCIDRs parses an allowlist: CIDRs or bare addresses (a /32 or
// /128), returned masked, sorted and without duplicates.
func NormalizeCIDRs(in []string) ([]string, error) {
	var out []string
	for _, c := range in {
		c = strings.TrimSpace(c)
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return nil, invalid(fmt.Sprintf("allowed_cidrs: %q is neither a CIDR nor an IP address", c))
			}
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked().String())
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// NewCredential is a credential as provisioning returns it: the secret is
// shown this once.
type NewCredential struct {
	Credential *oauth.Credential
	Secret     string
}

// CreateCredential creates a banking credential of accountID with the
// allowlist cidrs, binding the certificates thumbprints (each must be an
// active certificate of the account; at most two).
func (s *Service) CreateCredential(ctx context.Context, accountID string, cidrs, thumbprints []string) (*NewCredential, error) {
	if _, err := s.account(ctx, accountID); err != nil {
		return nil, err
	}
	norm, err := NormalizeCIDRs(cidrs)
	if err != nil {
		return nil, err
	}
	slices.Sort(thumbprints)
	thumbprints = slices.Compact(thumbprints)
	if len(thumbprints) > MaxActiveCertificates {
		return nil, e(errs.EUnprocessable, CodeMaxCertificates, "a credential may have at most 2 active certificates")
	}
	for _, t := range thumbprints {
		if err := s.checkBindable(ctx, accountID, t); err != nil {
			return nil, err
		}
	}
	secret := oauth.NewSecret()
	c := &oauth.Credential{ClientID: oauth.NewClientID(), SecretHash: s.d.Hasher.Hash(secret), Kind: oauth.KindBanking,
		Owner: accountID, Scopes: []string{Scope}, Thumbprints: thumbprints, AllowedCIDRs: norm,
		Status: oauth.CredentialActive, CreatedAt: s.d.Clock.Now()}
	if err := s.d.Store.CreateCredential(ctx, c); err != nil {
		return nil, err
	}
	return &NewCredential{Credential: c, Secret: secret}, nil
}

func (s *Service) checkBindable(ctx context.Context, accountID, thumbprint string) error {
	rec, err := s.d.Store.CertificateByThumbprint(ctx, thumbprint)
	if errs.Is(err, errs.ENotFound) {
		return e(errs.ENotFound, CodeNotFound, "certificate "+thumbprint+" not found (register or issue it first)")
	}
	if err != nil {
		return err
	}
	if rec.Owner != accountID {
		return invalid("certificate " + thumbprint + " belongs to another owner")
	}
	if rec.Status != pki.CertActive || !s.d.Clock.Now().Before(rec.NotAfter) {
		return invalid("certificate " + thumbprint + " is revoked or expired")
	}
	return nil
}

// Credential returns the banking credential clientID.
func (s *Service) Credential(ctx context.Context, clientID string) (*oauth.Credential, error) {
	c, err := s.d.Store.Credential(ctx, clientID)
	if errs.Is(err, errs.ENotFound) || (err == nil && c.Kind != oauth.KindBanking) {
		return nil, e(errs.ENotFound, CodeNotFound, "credential "+clientID+" not found")
	}
	return c, err
}

// Bind binds the certificate thumbprint to clientID: it must be an active
// certificate of the credential's account, and the credential may hold at
// most two active certificates (422 otherwise, enforced under a row lock).
func (s *Service) Bind(ctx context.Context, clientID, thumbprint string) error {
	c, err := s.Credential(ctx, clientID)
	if err != nil {
		return err
	}
	if err := s.checkBindable(ctx, c.Owner, thumbprint); err != nil {
		return err
	}
	err = s.d.Store.BindBankingCertificate(ctx, clientID, thumbprint, MaxActiveCertificates, s.d.Clock.Now())
	if x := errs.As(err); x != nil && x.Code == CodeMaxCertificates {
		return e(errs.EUnprocessable, CodeMaxCertificates, "credential "+clientID+" already has 2 active certificates: unbind one first")
	}
	s.forget(clientID)
	return err
}

// Unbind removes a certificate from clientID.
func (s *Service) Unbind(ctx context.Context, clientID, thumbprint string) error {
	if _, err := s.Credential(ctx, clientID); err != nil {
		return err
	}
	err := s.d.Store.UnbindCertificate(ctx, clientID, thumbprint)
	s.forget(clientID)
	return err
}

// SetAllowedCIDRs replaces clientID's allowlist.
func (s *Service) SetAllowedCIDRs(ctx context.Context, clientID string, cidrs []string) ([]string, error) {
	if _, err := s.Credential(ctx, clientID); err != nil {
		return nil, err
	}
	norm, err := NormalizeCIDRs(cidrs)
	if err != nil {
		return nil, err
	}
	err = s.d.Store.SetAllowedCIDRs(ctx, clientID, norm)
	s.forget(clientID)
	return norm, err
}

// RevokeCredential revokes clientID: its tokens stop working within 1 s on
// every instance.
func (s *Service) RevokeCredential(ctx context.Context, clientID string) error {
	if _, err := s.Credential(ctx, clientID); err != nil {
		return err
	}
	err := s.d.Store.SetCredentialStatus(ctx, clientID, oauth.CredentialRevoked, s.d.Clock.Now())
	s.forget(clientID)
	return err
}

// RevokeCertificate revokes the certificate thumbprint (of type BANKING).
func (s *Service) RevokeCertificate(ctx context.Context, thumbprint string) (*pki.CertificateRecord, error) {
	rec, err := s.d.Store.CertificateByThumbprint(ctx, thumbprint)
	if errs.Is(err, errs.ENotFound) || (err == nil && rec.Type != pki.CertBanking) {
		return nil, e(errs.ENotFound, CodeNotFound, "certificate "+thumbprint+" not found")
	}
	if err != nil {
		return nil, err
	}
	if err := s.d.Store.RevokeCertificate(ctx, rec.Serial, "revoked by the operator", s.d.Clock.Now()); err != nil {
		return nil, err
	}
	return s.d.Store.CertificateByThumbprint(ctx, thumbprint)
}

func (s *Service) forget(clientID string) {
	s.creds.Delete(clientID)
	if s.d.Auth != nil {
		s.d.Auth.Forget(clientID)
	}
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Account returns the account id (CodeNotFound if none).
func (s *Service) Account(ctx context.Context, id string) (*Account, error) {
	return s.account(ctx, id)
}

// ChainPEM returns the chain to send with issued certificates (issuing CA,
// root).
func (s *Service) ChainPEM() string { return string(s.d.CA.ChainPEM()) }

// AdminToken derives the provisioning API's bearer token of `brasa serve`
// from the server's pepper (stable across restarts, never stored; `brasa
// banking admin-token` prints it). The sandbox uses sandbox.json's
// admin_token instead.
func AdminToken(pepper []byte) string {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte("brasa banking admin token v1"))
	return "adm_" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
