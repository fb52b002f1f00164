package sisgru

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/ttlcache"
)

// UserStatus is whether a SIAFI user may log in.
type UserStatus string

// The user statuses.
const (
	UserActive  UserStatus = "ativo"
	UserBlocked UserStatus = "bloqueado"
)

// User is a SIAFI user ("Senha SIAFI"): a CPF, a password and the UGs whose
// GRUs and pagamentos it may read.
type User struct {
	CPF          string
	Nome         string
	PasswordHash string // see HashPassword
	UGs          []string
	Status       UserStatus
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// SystemStatus is whether an external system is registered or deleted.
type SystemStatus string

// The external system statuses. A deleted system is kept, so that its
// tokens get the seed's "encontra-se excluído" answer.
const (
	SystemActive  SystemStatus = "ativo"
	SystemDeleted SystemStatus = "excluido"
)

// System is an external system ("Sistema Externo"): the issuer its tokens
// carry in iss (the "Emissor" of its registration), the certificate whose
// public key verifies them, and the UGs it may read.
type System struct {
	Issuer      string
	Nome        string
	Certificate []byte // PEM, as registered (see CheckCertificate)
	UGs         []string
	Status      SystemStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AuthStore is what authentication reads.
type AuthStore interface {
	// SIAFIUser returns the user cpf. ENotFound if none.
	SIAFIUser(ctx context.Context, cpf string) (*User, error)
	// ExternalSystem returns the system whose issuer is iss. ENotFound if
	// none.
	ExternalSystem(ctx context.Context, iss string) (*System, error)
}

// PrincipalKind says how a caller authenticated.
type PrincipalKind string

// The principal kinds.
const (
	PrincipalUser   PrincipalKind = "siafi"
	PrincipalSystem PrincipalKind = "sistema"
)

// Principal is an authenticated caller and the UGs it may read.
type Principal struct {
	Kind PrincipalKind
	ID   string   // CPF or issuer
	UGs  []string // sorted
}

// Allowed reports whether p may read ug's records.
func (p *Principal) Allowed(ug string) bool {
	_, ok := slices.BinarySearch(p.UGs, ug)
	return ok
}

// Authorize applies p's permissions to q: every UG a filter names must be
// one p may read (ErrForbidden otherwise: the seed's 403 "não possuem
// permissão para acessar os dados requisitados"); a query naming none reads
// only p's UGs [G].
func Authorize[T any](s *Schema[T], p *Principal, q *Query) error {
	named := false
	for _, ug := range s.UGs {
		if c := q.Cond(ug.Index); c != nil {
			named = true
			if !p.Allowed(c.Lo.S) {
				return ErrForbidden
			}
		}
	}
	q.Scoped = !named
	if q.Scoped {
		q.Scope = p.UGs
	}
	return nil
}

// Visible reports whether p may read t: one of its UGs is p's.
func Visible[T any](s *Schema[T], p *Principal, t *T) bool {
	for _, ug := range s.UGs {
		if p.Allowed(ug.Get(t).S) {
			return true
		}
	}
	return false
}

// Authenticator checks both of the seed's schemes. Users and systems are
// read through a cache of one second, so a blocked user or a deleted system
// is refused on every instance within a second; a password verified is
// remembered for five minutes (keyed by an HMAC of the user, the password
// and the stored hash, so a new password takes effect at once), sparing the
// slow hash on every page of a listing.
type Authenticator struct {
	store    AuthStore
	now      func() time.Time
	users    *ttlcache.Cache[string, *User]
	systems  *ttlcache.Cache[string, *checkedSystem]
	verified *ttlcache.Cache[[32]byte, bool]
	key      []byte
	// dummy is a hash checked for unknown users, so that they take as long
	// as known ones; made on first use.
	dummy func() string
}

type checkedSystem struct {
	sys  *System
	cert *x509.Certificate
}

// NewAuthenticator returns an Authenticator reading store, telling time by
// now.
func NewAuthenticator(store AuthStore, now func() time.Time) *Authenticator {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &Authenticator{
		store: store, now: now, key: key,
		dummy: sync.OnceValue(func() string {
			h, _ := HashPassword("brasa: a password no user has")
			return h
		}),
		users:    ttlcache.New[string, *User](time.Second, 10_000),
		systems:  ttlcache.New[string, *checkedSystem](time.Second, 10_000),
		verified: ttlcache.New[[32]byte, bool](5*time.Minute, 10_000),
	}
}

// Basic authenticates a SIAFI user. Unknown users, wrong passwords and
// blocked users are all ErrForbidden (the seed's 403 "credenciais
// desconhecidas"); a user without a CPF or password is ErrBasicUnauthorized.
func (a *Authenticator) Basic(ctx context.Context, cpf, password string) (*Principal, error) {
	if cpf == "" || password == "" {
		return nil, ErrBasicUnauthorized
	}
	u, ok := a.users.Get(cpf)
	if !ok {
		var err error
		u, err = a.store.SIAFIUser(ctx, cpf)
		if err != nil && !errs.Is(err, errs.ENotFound) {
			return nil, err
		}
		a.users.Put(cpf, u)
	}
	if u == nil {
		CheckPassword(a.dummy(), password) // the same time as a known user
		return nil, ErrForbidden
	}
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(cpf + "\x00" + password + "\x00" + u.PasswordHash))
	var k [32]byte
	copy(k[:], m.Sum(nil))
	if _, ok := a.verified.Get(k); !ok {
		if !CheckPassword(u.PasswordHash, password) {
			return nil, ErrForbidden
		}
		a.verified.Put(k, true)
	}
	if u.Status != UserActive {
		return nil, ErrForbidden
	}
	return &Principal{Kind: PrincipalUser, ID: u.CPF, UGs: u.UGs}, nil
}

// Bearer authenticates an external system by its RS256 JWT. It returns
// ErrJWTUnauthorized when token is not a JWT, and the seed's 403 messages,
// checked in this order [G]: algorithm other than RS256; iss missing;
// no system for iss; system deleted; its certificate expired; signature not
// verified by its certificate's key; exp (optional) reached. The signature
// is checked before exp, so that an unsigned token learns nothing but that
// its signature is wrong.
func (a *Authenticator) Bearer(ctx context.Context, token string) (*Principal, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, ErrJWTUnauthorized
	}
	var header struct {
		Alg any `json:"alg"`
	}
	var claims struct {
		Iss any             `json:"iss"`
		Exp json.RawMessage `json:"exp"`
	}
	sig, err := b64url(parts[2])
	if err != nil || !decodeSegment(parts[0], &header) || !decodeSegment(parts[1], &claims) {
		return nil, ErrJWTUnauthorized
	}
	var exp *float64
	if len(claims.Exp) > 0 && string(claims.Exp) != "null" {
		var v float64
		if json.Unmarshal(claims.Exp, &v) != nil {
			return nil, ErrJWTUnauthorized
		}
		exp = &v
	}
	if alg, _ := header.Alg.(string); alg != "RS256" {
		return nil, forbidden(MsgJWTAlgorithm)
	}
	iss, _ := claims.Iss.(string)
	if iss == "" {
		return nil, forbidden(MsgJWTIssuerRequired)
	}
	cs, err := a.system(ctx, iss)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return nil, forbidden(MsgJWTUnknownIssuer)
	}
	if cs.sys.Status != SystemActive {
		return nil, forbidden(MsgJWTSystemDeleted)
	}
	now := a.now()
	if cs.cert != nil && now.After(cs.cert.NotAfter) {
		return nil, forbidden(MsgJWTCertificateExpired)
	}
	var pub *rsa.PublicKey
	ok := false
	if cs.cert != nil {
		pub, ok = cs.cert.PublicKey.(*rsa.PublicKey)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ok || rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) != nil {
		return nil, forbidden(MsgJWTBadSignature)
	}
	if exp != nil && float64(now.Unix()) >= *exp {
		return nil, forbidden(MsgJWTExpired)
	}
	return &Principal{Kind: PrincipalSystem, ID: cs.sys.Issuer, UGs: cs.sys.UGs}, nil
}

// system returns the registered system iss with its parsed certificate, or
// nil when there is none.
func (a *Authenticator) system(ctx context.Context, iss string) (*checkedSystem, error) {
	if cs, ok := a.systems.Get(iss); ok {
		return cs, nil
	}
	sys, err := a.store.ExternalSystem(ctx, iss)
	if errs.Is(err, errs.ENotFound) {
		a.systems.Put(iss, nil)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cs := &checkedSystem{sys: sys}
	if certs, err := parseOneCertificate(sys.Certificate); err == nil {
		cs.cert = certs
	}
	a.systems.Put(iss, cs)
	return cs, nil
}

func parseOneCertificate(pemData []byte) (*x509.Certificate, error) {
	rest := pemData
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errs.New(errs.EInternal, "sisgru: no certificate in PEM")
		}
		if b.Type == "CERTIFICATE" {
			return x509.ParseCertificate(b.Bytes)
		}
	}
}

// b64url decodes base64url without padding (a padded segment is tolerated).
func b64url(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// decodeSegment decodes a JWT segment holding a JSON object into v.
func decodeSegment(seg string, v any) bool {
	b, err := b64url(seg)
	b = bytes.TrimLeft(b, " \t\r\n")
	if err != nil || len(b) == 0 || b[0] != '{' {
		return false
	}
	return json.Unmarshal(b, v) == nil
}
