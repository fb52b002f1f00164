package oauth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/ttlcache"
)

// CredentialStore is what the Service reads.
type CredentialStore interface {
	Credential(ctx context.Context, clientID string) (*Credential, error)
}

// Error codes the Service returns in errs.Error.Code. Each surface renders
// them in its dialect (the Pix API's table is in internal/api/pixhttp).
const (
	CodeInvalidClient      = "invalid_client"         // unknown client, wrong secret, revoked, wrong kind
	CodeUnsupportedGrant   = "unsupported_grant_type" // grant_type other than client_credentials
	CodeEmptyScope         = "empty_scope"            // the credential has no scopes at all
	CodeInvalidScope       = "invalid_scope"          // a requested scope is not granted
	CodeThumbprintMismatch = "thumbprint_mismatch"    // certificate not bound, or not the token's
	CodeInvalidToken       = "invalid_token"          // malformed, forged, unknown key
	CodeExpiredToken       = "expired_token"          // past exp
	CodeRevokedToken       = "revoked_token"          // credential revoked after issue
	CodeInsufficientScope  = "insufficient_scope"     // token lacks the route's scope
	CodeCertificateMissing = "certificate_missing"    // no client certificate on the connection
)

// Service issues client_credentials tokens and authenticates bearer tokens.
// Credential lookups are cached for at most 500 ms (SetCacheTTL), so a revocation takes
// effect on every instance sharing the database within that time (DESIGN.md:
// within 1 s).
type Service struct {
	store  CredentialStore
	hasher *Hasher
	signer *Signer
	clock  clock.Clock

	// TTL is the access token lifetime (expires_in), 3600 s by default as
	// Sicredi's (seed 000 §8).
	TTL time.Duration
	// Issuer is the iss claim.
	Issuer string
	// cache bounds how stale a credential may be (500 ms by default; see
	// SetCacheTTL).
	cache *ttlcache.Cache[string, *Credential]
}

// NewService returns a Service reading credentials from store, checking
// secrets with hasher and signing tokens with signer, on clock c.
func NewService(store CredentialStore, hasher *Hasher, signer *Signer, c clock.Clock) *Service {
	if c == nil {
		c = clock.System
	}
	return &Service{store: store, hasher: hasher, signer: signer, clock: c,
		TTL: time.Hour, cache: ttlcache.New[string, *Credential](500*time.Millisecond, 50_000)}
}

// SetCacheTTL sets how stale a cached credential may be (0 disables the
// cache). A revocation takes effect on every instance within this time.
func (s *Service) SetCacheTTL(d time.Duration) { s.cache.TTL = d }

// credential returns clientID's credential, from the cache when fresh.
func (s *Service) credential(ctx context.Context, clientID string) (*Credential, error) {
	if c, ok := s.cache.Get(clientID); ok {
		return c, nil
	}
	c, err := s.store.Credential(ctx, clientID)
	if err != nil {
		return nil, err
	}
	s.cache.Put(clientID, c)
	return c, nil
}

// Forget drops clientID from the cache (after a local revocation).
func (s *Service) Forget(clientID string) { s.cache.Delete(clientID) }

// TokenRequest is a client_credentials token request (RFC 6749 §4.4.2)
// with the client authenticated by secret and the connection's certificate.
type TokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	Scope        string // raw scope parameter; "" means every granted scope
	Thumbprint   string // x5t#S256 of the client certificate presented
	Kind         CredentialKind
}

// Token is an issued access token.
type Token struct {
	AccessToken string
	ExpiresIn   int // seconds
	Scope       string
	JTI         string
	Claims      *Claims
	Credential  *Credential
}

var errInvalidClient = &errs.Error{Kind: errs.EForbidden, Code: CodeInvalidClient,
	Message: "Full authentication is required to access this resource"}

// ClientCredentials issues a token for req (RFC 6749 §4.4, RFC 8705 §3).
// It checks, in order: the client's secret (constant time) and status, the
// grant type, that the presented certificate is bound to the credential, and
// the scopes. Errors carry the Code constants of this package.
func (s *Service) ClientCredentials(ctx context.Context, req TokenRequest) (*Token, error) {
	if req.ClientID == "" || req.ClientSecret == "" {
		return nil, errInvalidClient
	}
	cred, err := s.credential(ctx, req.ClientID)
	if errs.Is(err, errs.ENotFound) {
		s.hasher.Hash(req.ClientSecret) // same work whether or not the client exists
		return nil, errInvalidClient
	}
	if err != nil {
		return nil, err
	}
	if !s.hasher.Equal(req.ClientSecret, cred.SecretHash) || !cred.Active() || (req.Kind != "" && cred.Kind != req.Kind) {
		return nil, errInvalidClient
	}
	if req.GrantType != "client_credentials" {
		msg := "Unsupported grant type: " + req.GrantType
		if req.GrantType == "" {
			msg = "Missing grant type"
		}
		return nil, &errs.Error{Kind: errs.EInvalid, Code: CodeUnsupportedGrant, Message: msg}
	}
	if req.Thumbprint == "" || !cred.BoundTo(req.Thumbprint) {
		return nil, &errs.Error{Kind: errs.EInvalid, Code: CodeThumbprintMismatch,
			Message: "Thumbprint incorreto: o certificado apresentado (x5t#S256 " + req.Thumbprint +
				") não é o certificado cadastrado para a credencial " + req.ClientID}
	}
	if len(cred.Scopes) == 0 {
		return nil, &errs.Error{Kind: errs.EInvalid, Code: CodeEmptyScope,
			Message: "Escopo vazio (o usuário não tem permissão para solicitar escopos)"}
	}
	granted := cred.Scopes
	if strings.TrimSpace(req.Scope) != "" {
		granted = ParseScope(req.Scope)
		for _, sc := range granted {
			if !hasString(cred.Scopes, sc) {
				return nil, &errs.Error{Kind: errs.EInvalid, Code: CodeInvalidScope,
					Message: "Escopo negado (o usuário não tem acesso ao escopo solicitado): " + sc}
			}
		}
	}
	now := s.clock.Now()
	scope := strings.Join(granted, " ")
	c := &Claims{
		Issuer:      s.Issuer,
		Subject:     cred.ClientID,
		ClientID:    cred.ClientID,
		Scope:       scope,
		Authorities: []string{RoleClient},
		IssuedAt:    now.Unix(),
		Expiry:      now.Add(s.TTL).Unix(),
		JTI:         newJTI(),
		Cnf:         &Cnf{X5tS256: req.Thumbprint},
	}
	tok, err := s.signer.Sign(c)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "sign token")
	}
	return &Token{AccessToken: tok, ExpiresIn: int(s.TTL / time.Second), Scope: scope, JTI: c.JTI, Claims: c, Credential: cred}, nil
}

// Authenticate checks a bearer token presented on a connection whose client
// certificate has thumbprint x5t: signature, expiry, that the credential is
// still active, and the certificate binding (RFC 8705 §3). It returns the
// token's claims and credential. Scopes are checked by the caller with
// [Claims.HasScope].
func (s *Service) Authenticate(ctx context.Context, bearer, x5t string) (*Claims, *Credential, error) {
	c, err := s.signer.Verify(bearer)
	if err != nil {
		return nil, nil, &errs.Error{Kind: errs.EUnauthorized, Code: CodeInvalidToken, Message: "Cannot convert access token to JSON"}
	}
	if s.clock.Now().Unix() >= c.Expiry {
		return nil, nil, &errs.Error{Kind: errs.EUnauthorized, Code: CodeExpiredToken, Message: "Access token expired"}
	}
	cred, err := s.credential(ctx, c.ClientID)
	if errs.Is(err, errs.ENotFound) || (err == nil && !cred.Active()) {
		return nil, nil, &errs.Error{Kind: errs.EUnauthorized, Code: CodeRevokedToken, Message: "Invalid access token"}
	}
	if err != nil {
		return nil, nil, err
	}
	if c.Cnf == nil || x5t == "" || c.Cnf.X5tS256 != x5t || !cred.BoundTo(x5t) {
		return nil, nil, &errs.Error{Kind: errs.EInvalid, Code: CodeThumbprintMismatch,
			Message: "Thumbprint incorreto: o certificado apresentado (x5t#S256 " + x5t +
				") não é o certificado ao qual o token foi emitido (cnf.x5t#S256)"}
	}
	return c, cred, nil
}

// RequireScope returns an EForbidden error unless c grants scope.
func RequireScope(c *Claims, scope string) error {
	if c.HasScope(scope) {
		return nil
	}
	return &errs.Error{Kind: errs.EForbidden, Code: CodeInsufficientScope,
		Message: "Requisição de participante autenticado que viola alguma regra de autorização."}
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// newJTI returns a random UUID (version 4) as the token id, the form of
// Sicredi's jti (seed 000 §8).
func newJTI() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("oauth: crypto/rand failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
