package psc

import (
	"context"
	"time"
)

// PersonType is the kind of holder: "CPF" (pessoa física) or "CNPJ" (pessoa
// jurídica), as authorized_identification_type and user_cpf_cnpj name it.
type PersonType string

// The holder kinds.
const (
	CPF  PersonType = "CPF"
	CNPJ PersonType = "CNPJ"
)

// TypeOf returns the kind of documento: 11 digits CPF, 14 CNPJ, else "".
func TypeOf(documento string) PersonType {
	if !digits(documento) {
		return ""
	}
	switch len(documento) {
	case 11:
		return CPF
	case 14:
		return CNPJ
	}
	return ""
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Scope is what an access token allows.
type Scope string

// The scopes of the seed (§3.1.1).
const (
	// ScopeSingle signs exactly one hash, once.
	ScopeSingle Scope = "single_signature"
	// ScopeMulti signs up to 20 hashes in one request, once.
	ScopeMulti Scope = "multi_signature"
	// ScopeSession signs any number of hashes until the token expires.
	ScopeSession Scope = "signature_session"
	// ScopeAuthentication authenticates the holder and never signs.
	ScopeAuthentication Scope = "authentication_session"
)

// Valid reports whether s is one of the four scopes.
func (s Scope) Valid() bool {
	switch s {
	case ScopeSingle, ScopeMulti, ScopeSession, ScopeAuthentication:
		return true
	}
	return false
}

// OneUse reports whether a token of scope s is spent by its first signature
// request.
func (s Scope) OneUse() bool { return s == ScopeSingle || s == ScopeMulti }

// Application is a registered client application (seed §2).
type Application struct {
	ClientID     string
	SecretHash   []byte // oauth.Hasher HMAC of the client_secret
	Name         string
	Comments     string
	Email        string
	RedirectURIs []string // push:// is always accepted besides these
	CreatedAt    time.Time
}

// Holder is a certificate holder (titular).
type Holder struct {
	Documento string // CPF (11 digits) or CNPJ (14)
	Type      PersonType
	Name      string
	Email     string
	// PasswordHash is the certificate password's argon2id hash
	// (oauth.HashPassword).
	PasswordHash string
	CreatedAt    time.Time
}

// Certificate is a holder's cloud certificate ("slot") and its key, sealed
// under the master key.
type Certificate struct {
	Alias     string // UUID, the slot_alias and certificate_alias
	Documento string
	Label     string // "e-CPF A3 em nuvem"
	CertDER   []byte
	SealedKey []byte // PKCS#8 DER sealed with AES-256-GCM
	NotBefore time.Time
	NotAfter  time.Time
	CreatedAt time.Time
}

// AuthStatus is an authorization request's state.
type AuthStatus string

// The authorization states.
const (
	AuthPending  AuthStatus = "pending"
	AuthApproved AuthStatus = "approved"
	AuthDenied   AuthStatus = "denied"
)

// Authorization is a request for a holder's authorization (GET
// /v0/oauth/authorize), QR or push.
type Authorization struct {
	ID       string // UUID: the push code, the QR page's id
	ClientID string
	// LoginHint is the CPF/CNPJ the request is for; empty for a QR request
	// any holder may take.
	LoginHint     string
	Documento     string // the holder who decided, once decided
	Scope         Scope
	Lifetime      time.Duration
	CodeChallenge string
	RedirectURI   string
	State         string
	Push          bool
	Status        AuthStatus
	CreatedAt     time.Time
	ExpiresAt     time.Time // the holder must decide before this
	DecidedAt     time.Time
	CodeUsedAt    time.Time
	LastPollAt    time.Time
}

// Token is an access token's record; the token itself is its ID and a MAC.
type Token struct {
	ID        string
	ClientID  string
	Documento string // empty for client_token tokens
	Scope     Scope  // empty for client_token tokens
	// AuthorizationID is the authorization whose code the token was issued
	// for; empty for client_token tokens.
	AuthorizationID string
	CreatedAt       time.Time
	ExpiresAt       time.Time
	UsedAt          time.Time
	// RevokedAt is when the application or the holder revoked the token;
	// zero while it is not revoked.
	RevokedAt time.Time
}

// TokenFilter selects tokens for [Store.RevokePSCTokens]: those matching
// every non-empty field. At least one field must be set.
type TokenFilter struct {
	ID              string
	AuthorizationID string
	Documento       string
	ClientID        string
}

// Store is what the service needs persisted. Methods return *errs.Error:
// ENotFound for a missing row, EConflict for a duplicate key or a lost race
// on a conditional update.
type Store interface {
	// CreatePSCApplication stores a. EConflict if its client_id exists.
	CreatePSCApplication(ctx context.Context, a *Application) error
	// PSCApplication returns the application clientID. ENotFound if none.
	PSCApplication(ctx context.Context, clientID string) (*Application, error)

	// CreatePSCHolder stores h and its certificates in one transaction.
	// EConflict if the documento or an alias exists.
	CreatePSCHolder(ctx context.Context, h *Holder, certs []Certificate) error
	// PSCHolder returns the holder documento. ENotFound if none.
	PSCHolder(ctx context.Context, documento string) (*Holder, error)
	// PSCCertificates lists documento's certificates, oldest first.
	PSCCertificates(ctx context.Context, documento string) ([]Certificate, error)

	// CreatePSCAuthorization stores a. EConflict if its ID exists.
	CreatePSCAuthorization(ctx context.Context, a *Authorization) error
	// PSCAuthorization returns the authorization id. ENotFound if none.
	PSCAuthorization(ctx context.Context, id string) (*Authorization, error)
	// PendingPSCAuthorizations lists the pending, unexpired requests whose
	// login hint is loginHint (empty: those without a hint, QR only), newest
	// first.
	PendingPSCAuthorizations(ctx context.Context, loginHint string, now time.Time) ([]Authorization, error)
	// DecidePSCAuthorization moves a pending, unexpired request to status,
	// recording the deciding holder. EConflict if it is no longer pending or
	// has expired; ENotFound if none.
	DecidePSCAuthorization(ctx context.Context, id string, status AuthStatus, documento string, at time.Time) error
	// UsePSCCode marks an approved request's code used. EConflict if it was
	// used already.
	UsePSCCode(ctx context.Context, id string, at time.Time) error
	// PollPSCAuthorization records a poll at now unless the previous one was
	// less than gap ago; it reports whether the poll was recorded.
	PollPSCAuthorization(ctx context.Context, id string, now time.Time, gap time.Duration) (bool, error)

	// CreatePSCToken stores t.
	CreatePSCToken(ctx context.Context, t *Token) error
	// PSCToken returns the token id. ENotFound if none.
	PSCToken(ctx context.Context, id string) (*Token, error)
	// UsePSCToken marks a one-use token spent. EConflict if it was spent.
	UsePSCToken(ctx context.Context, id string, at time.Time) error
	// RevokePSCTokens marks the tokens matching f and not yet revoked
	// revoked at at, and returns how many it marked.
	RevokePSCTokens(ctx context.Context, f TokenFilter, at time.Time) (int64, error)

	// CountPSC adds each increment to its counter in window (a number of
	// the counter's own period) and returns the new totals, in one
	// transaction. Counters of windows before forgetBefore may be deleted.
	CountPSC(ctx context.Context, window int64, forgetBefore int64, incs []Increment) ([]int64, error)
}

// Increment is one counter bump for [Store.CountPSC].
type Increment struct {
	Key string
	N   int64
}
