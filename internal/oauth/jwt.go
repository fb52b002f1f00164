package oauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// Claims are the JWT claims of a brasa access token.
type Claims struct {
	Issuer   string `json:"iss,omitempty"`
	Subject  string `json:"sub"`
	ClientID string `json:"client_id"`
	Scope    string `json:"scope"` // space-separated (RFC 9068 §2.2.3)
	// Authorities are Spring Security's granted authorities, which
	// Sicredi's tokens carry as ["ROLE_CLIENT"] (seed 000 §8); informative
	// only: brasa authorizes by Scope.
	Authorities []string `json:"authorities,omitempty"`
	IssuedAt    int64    `json:"iat"`
	Expiry      int64    `json:"exp"`
	JTI         string   `json:"jti"`
	Cnf         *Cnf     `json:"cnf,omitempty"`
}

// RoleClient is the one authority of a Pix client_credentials token, as
// Sicredi's example token shows it (seed 000 §8).
const RoleClient = "ROLE_CLIENT"

// Cnf is the confirmation claim binding a token to a certificate (RFC 8705
// §3.1).
type Cnf struct {
	X5tS256 string `json:"x5t#S256"`
}

// HasScope reports whether the token grants scope s.
func (c *Claims) HasScope(s string) bool {
	for f := range strings.FieldsSeq(c.Scope) {
		if f == s {
			return true
		}
	}
	return false
}

// Signer signs and verifies HS256 JWTs with a key ring: tokens are signed
// with the current key and verified with any key of the ring, selected by
// kid, so keys can be rotated without invalidating live tokens.
type Signer struct {
	kid     string
	key     []byte
	header  string // base64url of the current JOSE header
	headers map[string][]byte
}

// ErrMalformedToken is returned by [Signer.Verify] for anything that is not a
// well-formed token signed by one of the ring's keys.
var ErrMalformedToken = errors.New("oauth: malformed or unverifiable token")

// NewSigner returns a Signer signing with key (at least 32 bytes) under kid.
// More verification keys can be added with [Signer.AddVerificationKey].
func NewSigner(kid string, key []byte) (*Signer, error) {
	if len(key) < 32 {
		return nil, errors.New("oauth: HS256 key shorter than 256 bits")
	}
	s := &Signer{kid: kid, key: key, headers: map[string][]byte{}}
	s.header = s.AddVerificationKey(kid, key)
	return s, nil
}

// AddVerificationKey adds a key that verifies tokens carrying kid and
// returns the encoded header of such tokens.
func (s *Signer) AddVerificationKey(kid string, key []byte) string {
	h, _ := json.Marshal(struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		Typ string `json:"typ"`
	}{"HS256", kid, "JWT"})
	enc := base64.RawURLEncoding.EncodeToString(h)
	s.headers[enc] = key
	return enc
}

// KeyID returns the kid of the signing key.
func (s *Signer) KeyID() string { return s.kid }

// Sign returns the compact JWS of c.
func (s *Signer) Sign(c *Claims) (string, error) {
	p, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(s.header) + base64.RawURLEncoding.EncodedLen(len(p)) + 45)
	b.WriteString(s.header)
	b.WriteByte('.')
	b.WriteString(base64.RawURLEncoding.EncodeToString(p))
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(b.String()))
	b.WriteByte('.')
	b.WriteString(base64.RawURLEncoding.EncodeToString(mac.Sum(nil)))
	return b.String(), nil
}

// Verify checks token's signature and returns its claims. It does not check
// expiry or binding (see [Service.Authenticate]). Any failure is
// ErrMalformedToken: a client cannot tell a forged token from a garbled one.
func (s *Signer) Verify(token string) (*Claims, error) {
	i := strings.IndexByte(token, '.')
	j := strings.LastIndexByte(token, '.')
	if i <= 0 || j <= i+1 || j == len(token)-1 || len(token) > 8192 {
		return nil, ErrMalformedToken
	}
	key, ok := s.headers[token[:i]]
	if !ok {
		return nil, ErrMalformedToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(token[j+1:])
	if err != nil {
		return nil, ErrMalformedToken
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(token[:j]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, ErrMalformedToken
	}
	p, err := base64.RawURLEncoding.DecodeString(token[i+1 : j])
	if err != nil {
		return nil, ErrMalformedToken
	}
	var c Claims
	if err := json.Unmarshal(p, &c); err != nil || c.ClientID == "" {
		return nil, ErrMalformedToken
	}
	return &c, nil
}
