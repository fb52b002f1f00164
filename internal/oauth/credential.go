package oauth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"
)

// CredentialKind says which surface a credential authenticates to. A Pix
// credential cannot obtain a Banking token-v2 and so on.
type CredentialKind string

// The credential kinds.
const (
	KindPix     CredentialKind = "pix"     // POST /oauth/token (seed 000)
	KindBanking CredentialKind = "banking" // POST /public/gw_banking/v1/auth/token-v2 (seed 002)
	KindBankly  CredentialKind = "bankly"  // POST /connect/token (seed 001)
	KindPSC     CredentialKind = "psc"     // /v0/oauth (seed 004)
)

// CredentialStatus is the life-cycle state of a credential.
type CredentialStatus string

// The credential states. Only active credentials obtain or use tokens.
const (
	CredentialActive  CredentialStatus = "ACTIVE"
	CredentialRevoked CredentialStatus = "REVOKED"
)

// Credential is an OAuth2 client (client_id + client_secret) of one owner: a
// recebedor's CPF/CNPJ for Pix, a company key for Bankly, an account for
// Banking. The secret is never stored: SecretHash is HMAC-SHA256 of it under
// the server's pepper (see [Hasher]). Thumbprints are the x5t#S256 (RFC 8705
// §3.1) of the client certificates the credential is bound to; a token is
// issued only to a connection presenting one of them.
type Credential struct {
	ClientID     string
	SecretHash   []byte
	Kind         CredentialKind
	Owner        string   // CPF/CNPJ (pix), company key (bankly), account id (banking)
	Scopes       []string // granted scopes, sorted
	Thumbprints  []string // bound certificates, sorted
	AllowedCIDRs []string // source IP allowlist (banking token-v2); empty means any
	Status       CredentialStatus
	CreatedAt    time.Time
	RevokedAt    time.Time // zero unless revoked
}

// Active reports whether c may obtain and use tokens.
func (c *Credential) Active() bool { return c.Status == CredentialActive }

// BoundTo reports whether the certificate with thumbprint x5t is bound to c.
func (c *Credential) BoundTo(x5t string) bool {
	return slices.Contains(c.Thumbprints, x5t)
}

// Hasher turns client secrets into what is stored, HMAC-SHA256 under a
// server-wide pepper. Secrets are 256-bit random values, so a slow password
// hash adds nothing but latency at the token endpoint (DESIGN.md, security
// model).
type Hasher struct{ pepper []byte }

// NewHasher returns a Hasher keyed with pepper (at least 32 bytes).
func NewHasher(pepper []byte) *Hasher { return &Hasher{pepper: slices.Clone(pepper)} }

// Hash returns the stored form of secret.
func (h *Hasher) Hash(secret string) []byte {
	m := hmac.New(sha256.New, h.pepper)
	m.Write([]byte(secret))
	return m.Sum(nil)
}

// Equal reports, in constant time, whether secret hashes to stored.
func (h *Hasher) Equal(secret string, stored []byte) bool {
	return hmac.Equal(h.Hash(secret), stored)
}

// NewClientID returns a fresh client_id: 32 characters of base64url.
func NewClientID() string { return randomString(24) }

// NewSecret returns a fresh client_secret holding 256 random bits.
func NewSecret() string { return randomString(32) }

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("oauth: crypto/rand failed: " + err.Error()) // rand.Read never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseScope splits a scope parameter on spaces and on '+' (seed 000 §8
// accepts both separators), dropping empties and duplicates, sorted.
func ParseScope(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '+' || r == '\t' })
	slices.Sort(f)
	return slices.Compact(f)
}
