package psc

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/pki/cms"
)

// OAuth error codes (RFC 6749 §5.2, RFC 6750 §3.1) carried in errs.Error.Code.
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidGrant         = "invalid_grant"
	CodeInvalidClient        = "invalid_client"
	CodeInvalidToken         = "invalid_token"
	CodeUnsupportedGrantType = "unsupported_grant_type"
	CodeAccessDenied         = "access_denied"
	CodeNotFound             = "not_found"
	CodeTooManyRequests      = "too_many_requests"
	// CodeUnauthorizedClient and CodeUnsupportedTokenType are RFC 7009's
	// revocation errors (§2.1, §2.2.1).
	CodeUnauthorizedClient   = "unauthorized_client"
	CodeUnsupportedTokenType = "unsupported_token_type"
)

// Fixed lifetimes and limits.
const (
	// AuthorizationWindow is how long the holder has to decide (the QR
	// page "ficará aguardando por 2 minutos").
	AuthorizationWindow = 2 * time.Minute
	// CodeLifetime is how long an approved request's code may be exchanged.
	CodeLifetime = 10 * time.Minute
	// DefaultLifetime is a token's lifetime when authorize names none.
	DefaultLifetime = time.Hour
	// MaxLifetimePF and MaxLifetimePJ cap the lifetime (seed §3.1.1).
	MaxLifetimePF = 7 * 24 * time.Hour
	MaxLifetimePJ = 30 * 24 * time.Hour
	// ClientTokenLifetime is the lifetime of client_token tokens.
	ClientTokenLifetime = time.Hour
	// PollInterval is the minimum gap between polls of a push request.
	PollInterval = time.Second
	// MaxDocuments is the most hashes one signature request may carry.
	MaxDocuments = 20
	// MaxContent is the largest base64_content, decoded (7 MB).
	MaxContent = 7 << 20
	// CertificateValidity is a cloud certificate's normative validity.
	CertificateValidity = 5 * 365 * 24 * time.Hour
)

// Limits are the seed's usage limits (§5); the zero value means the seed's.
type Limits struct {
	AuthorizePerSecond     int64 // per application; 100
	SignCallsPerMinute     int64 // per CPF/CNPJ; 100
	SignaturesPerMinuteApp int64 // per application; 5000
}

func (l Limits) withDefaults() Limits {
	if l.AuthorizePerSecond == 0 {
		l.AuthorizePerSecond = 100
	}
	if l.SignCallsPerMinute == 0 {
		l.SignCallsPerMinute = 100
	}
	if l.SignaturesPerMinuteApp == 0 {
		l.SignaturesPerMinuteApp = 5000
	}
	return l
}

// Deps are what [New] needs.
type Deps struct {
	Store  Store
	Sealer *pki.Sealer
	CA     *pki.CA
	Hasher *oauth.Hasher
	Clock  clock.Clock
	// Key is the 32-byte secret the service MACs its codes and tokens with
	// (shared by every instance: a sealed secret in the database).
	Key []byte
	// TSA timestamps AD-RT signatures; nil refuses AD-RT.
	TSA *cms.TSA
	// WebURL is the web listener's base URL (QR and approval pages, CRL).
	WebURL string
	// Limits override the seed's limits (tests).
	Limits Limits
}

// Service carries out the PSC rules. It is safe for concurrent use.
type Service struct {
	Deps
	limits Limits

	keysMu sync.Mutex
	keys   map[string]cachedKey

	lastSweep atomic.Int64 // unix seconds of the last counter sweep
}

// New returns the service.
func New(d Deps) (*Service, error) {
	if d.Store == nil || d.Sealer == nil || d.CA == nil || d.Hasher == nil || d.Clock == nil || len(d.Key) < 32 {
		return nil, errors.New("psc: missing dependency")
	}
	return &Service{Deps: d, limits: d.Limits.withDefaults(), keys: map[string]cachedKey{}}, nil
}

// Error builds a PSC error: code is the OAuth error code, message the
// error_description.
func Error(code, format string, args ...any) *errs.Error {
	k := errs.EInvalid
	switch code {
	case CodeInvalidClient, CodeInvalidToken:
		k = errs.EUnauthorized
	case CodeAccessDenied:
		k = errs.EForbidden
	case CodeNotFound:
		k = errs.ENotFound
	case CodeTooManyRequests:
		k = errs.ETooManyRequests
	}
	return &errs.Error{Kind: k, Code: code, Message: fmt.Sprintf(format, args...)}
}

// LimitError is the cause of a 429: RetryAfter says when to try again.
type LimitError struct{ RetryAfter time.Duration }

func (e *LimitError) Error() string { return "psc: limit reached" }

// tooMany returns the seed's 429 error.
func tooMany(retry time.Duration) error {
	e := Error(CodeTooManyRequests, "To many requests")
	e.Err = &LimitError{RetryAfter: retry}
	return e
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("psc: crypto/rand: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// secretAlphabet is what client secrets are made of (the seed's example
// "Ny2n3hq67gQEFvH7": 16 letters and digits).
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newSecret returns n random letters and digits (no modulo bias).
func newSecret(n int) string {
	out := make([]byte, 0, n)
	var b [1]byte
	for len(out) < n {
		if _, err := rand.Read(b[:]); err != nil {
			panic("psc: crypto/rand: " + err.Error())
		}
		if int(b[0]) < 256/len(secretAlphabet)*len(secretAlphabet) {
			out = append(out, secretAlphabet[int(b[0])%len(secretAlphabet)])
		}
	}
	return string(out)
}

// mac returns the service's MAC of purpose and id, base64url.
func (s *Service) mac(purpose, id string) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(purpose + "\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// seal returns id.MAC: a bearer value whose record is found by id and
// whose MAC proves it was issued here.
func (s *Service) seal(purpose, id string) string { return id + "." + s.mac(purpose, id) }

// unseal checks a value made by seal and returns its id.
func (s *Service) unseal(purpose, v string) (string, bool) {
	id, m, ok := strings.Cut(v, ".")
	if !ok || id == "" || len(id) > 64 {
		return "", false
	}
	want := s.mac(purpose, id)
	return id, hmac.Equal([]byte(m), []byte(want))
}

// Purposes of the sealed values.
const (
	purposeCode  = "psc-code"
	purposeToken = "psc-token"
)

// RegisterRequest is the body of POST /v0/oauth/application.
type RegisterRequest struct {
	Name         string
	Comments     string
	RedirectURIs []string
	Email        string
}

// RegisterApplication registers an application and returns it with its
// client_secret, shown only now (seed §2). Every field is required; each
// redirect URI must be an absolute URI without a fragment; push:// is always
// allowed and need not be listed.
func (s *Service) RegisterApplication(ctx context.Context, r RegisterRequest) (*Application, string, error) {
	var missing []string
	if strings.TrimSpace(r.Name) == "" {
		missing = append(missing, "name")
	}
	if strings.TrimSpace(r.Comments) == "" {
		missing = append(missing, "comments")
	}
	if len(r.RedirectURIs) == 0 {
		missing = append(missing, "redirect_uris")
	}
	if strings.TrimSpace(r.Email) == "" {
		missing = append(missing, "email")
	}
	if len(missing) > 0 {
		return nil, "", Error(CodeInvalidRequest, "Campos obrigatórios ausentes: %s", strings.Join(missing, ", "))
	}
	if len(r.Name) > 200 || len(r.Comments) > 2000 || len(r.Email) > 254 || len(r.RedirectURIs) > 50 {
		return nil, "", Error(CodeInvalidRequest, "Campo longo demais")
	}
	if at := strings.IndexByte(r.Email, '@'); at < 1 || at == len(r.Email)-1 || strings.ContainsAny(r.Email, " \t\r\n") {
		return nil, "", Error(CodeInvalidRequest, "email inválido")
	}
	for _, u := range r.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return nil, "", err
		}
	}
	secret := newSecret(16)
	a := &Application{
		ClientID: newUUID(), SecretHash: s.Hasher.Hash(secret),
		Name: strings.TrimSpace(r.Name), Comments: r.Comments, Email: strings.TrimSpace(r.Email),
		RedirectURIs: r.RedirectURIs, CreatedAt: s.Clock.Now(),
	}
	if err := s.Store.CreatePSCApplication(ctx, a); err != nil {
		return nil, "", err
	}
	return a, secret, nil
}

// checkRedirectURI accepts absolute URIs without fragments or white space.
func checkRedirectURI(u string) error {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || p.Fragment != "" || len(u) > 2000 || strings.ContainsAny(u, " \t\r\n") {
		return Error(CodeInvalidRequest, "redirect_uri inválida: %q", u)
	}
	return nil
}

// AuthenticateClient checks a client_id and client_secret (constant-time).
// invalid_client (401) when either is wrong.
func (s *Service) AuthenticateClient(ctx context.Context, clientID, secret string) (*Application, error) {
	if clientID == "" || secret == "" {
		return nil, Error(CodeInvalidClient, "client_id e client_secret são obrigatórios")
	}
	a, err := s.Store.PSCApplication(ctx, clientID)
	if errs.Is(err, errs.ENotFound) {
		s.Hasher.Equal(secret, make([]byte, 32)) // same work for unknown clients
		return nil, Error(CodeInvalidClient, "Aplicação ou segredo inválido")
	}
	if err != nil {
		return nil, err
	}
	if !s.Hasher.Equal(secret, a.SecretHash) {
		return nil, Error(CodeInvalidClient, "Aplicação ou segredo inválido")
	}
	return a, nil
}

// ClientToken issues a client_credentials token (POST
// /v0/oauth/client_token): it identifies the application and signs nothing.
func (s *Service) ClientToken(ctx context.Context, grantType, clientID, secret string) (string, time.Duration, error) {
	if grantType != "client_credentials" {
		if grantType == "" {
			return "", 0, Error(CodeInvalidRequest, "grant_type é obrigatório")
		}
		return "", 0, Error(CodeUnsupportedGrantType, "grant_type deve ser client_credentials")
	}
	a, err := s.AuthenticateClient(ctx, clientID, secret)
	if err != nil {
		return "", 0, err
	}
	now := s.Clock.Now()
	t := &Token{ID: newUUID(), ClientID: a.ClientID, CreatedAt: now, ExpiresAt: now.Add(ClientTokenLifetime)}
	if err := s.Store.CreatePSCToken(ctx, t); err != nil {
		return "", 0, err
	}
	return s.seal(purposeToken, t.ID), ClientTokenLifetime, nil
}

// Slot is a certificate as user-discovery lists it.
type Slot struct {
	Alias string
	Label string
}

// DiscoverUser lists the valid certificates of a CPF or CNPJ (POST
// /v0/oauth/user-discovery); none means status "N".
func (s *Service) DiscoverUser(ctx context.Context, clientID, secret, kind, documento string) ([]Slot, error) {
	if _, err := s.AuthenticateClient(ctx, clientID, secret); err != nil {
		return nil, err
	}
	kind = strings.ToUpper(strings.TrimSpace(kind))
	if kind != string(CPF) && kind != string(CNPJ) {
		return nil, Error(CodeInvalidRequest, "user_cpf_cnpj deve ser CPF ou CNPJ")
	}
	documento = onlyDigits(documento)
	if TypeOf(documento) != PersonType(kind) {
		return nil, Error(CodeInvalidRequest, "val_cpf_cnpj não é um %s", kind)
	}
	certs, err := s.Store.PSCCertificates(ctx, documento)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var slots []Slot
	for _, c := range certs {
		if now.Before(c.NotBefore) || now.After(c.NotAfter) {
			continue
		}
		slots = append(slots, Slot{Alias: c.Alias, Label: c.Label})
	}
	return slots, nil
}

// onlyDigits drops the punctuation of a formatted CPF/CNPJ.
func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.' || r == '-' || r == '/':
		default:
			return s // not a formatted number: leave it to be refused
		}
	}
	return b.String()
}

// SetLimits replaces the usage limits (zero fields take the seed's values);
// for tests and operators with an "Empresarial" agreement. Not safe to call
// while requests are served.
func (s *Service) SetLimits(l Limits) { s.limits = l.withDefaults() }
