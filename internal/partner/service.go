package partner

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/ttlcache"
)

// Deps are what [NewService] needs.
type Deps struct {
	Store  Store
	CA     *pki.CA
	Hasher *oauth.Hasher
	// Signer signs the legacy access tokens (the app's HS256 signer, so
	// every instance verifies them).
	Signer *oauth.Signer
	Clock  clock.Clock
	// Issuer is the tokens' iss claim.
	Issuer string
}

// Service holds the partner-certificate rules.
type Service struct {
	store  Store
	ca     *pki.CA
	hasher *oauth.Hasher
	signer *oauth.Signer
	clock  clock.Clock
	issuer string

	// KeyType is the key issued certificates get (RSA 2048 by default;
	// the seed's example key is RSA 4096, which costs about a second of CPU
	// per certificate on a small machine).
	KeyType pki.KeyType
	// TokenTTL is the legacy token's lifetime (3600 s).
	TokenTTL time.Duration

	creds *ttlcache.Cache[string, *oauth.Credential]
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.System
	}
	return &Service{store: d.Store, ca: d.CA, hasher: d.Hasher, signer: d.Signer, clock: d.Clock, issuer: d.Issuer,
		KeyType: pki.RSA2048, TokenTTL: time.Hour,
		creds: ttlcache.New[string, *oauth.Credential](500*time.Millisecond, 10_000)}
}

// CreatePartner stores p (UUID and CreatedAt are filled when empty) after
// checking its fields. EConflict if the company key exists.
func (s *Service) CreatePartner(ctx context.Context, p *Partner) error {
	if p.UUID == "" {
		p.UUID = NewUUID()
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.clock.Now()
	}
	if p.BusinessCategory == "" {
		p.BusinessCategory = CategoryOpenAPI
	}
	switch {
	case !validKey(p.CompanyKey):
		return invalidParam("companyKey", "companyKey must be 1 to 64 letters, digits, '-' or '_'.")
	case p.BusinessCategory != CategoryOpenAPI && p.BusinessCategory != CategoryFullBank:
		return invalidParam("businessCategory", "businessCategory must be OPEN_API or FULL_BANK.")
	case p.CNPJ == "" || p.RazaoSocial == "" || p.State == "" || p.City == "" || p.ServiceDomain == "":
		return invalidParam("partner", "cnpj, razaoSocial, state, city and serviceDomain are required.")
	}
	return s.store.CreatePartner(ctx, p)
}

func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// NewCredential creates a legacy-token credential (kind bankly, scope
// certificate.create) of companyKey and returns it with its secret, which
// is not kept. ENotFound (PARTNER_NOT_FOUND) if the partner does not exist.
func (s *Service) NewCredential(ctx context.Context, companyKey string) (*oauth.Credential, string, error) {
	if _, err := s.partner(ctx, companyKey); err != nil {
		return nil, "", err
	}
	secret := oauth.NewSecret()
	c := &oauth.Credential{ClientID: oauth.NewClientID(), SecretHash: s.hasher.Hash(secret), Kind: oauth.KindBankly,
		Owner: companyKey, Scopes: []string{ScopeCertificateCreate}, Status: oauth.CredentialActive, CreatedAt: s.clock.Now()}
	if err := s.store.CreateCredential(ctx, c); err != nil {
		return nil, "", err
	}
	return c, secret, nil
}

func (s *Service) partner(ctx context.Context, companyKey string) (*Partner, error) {
	p, err := s.store.Partner(ctx, companyKey)
	if errs.Is(err, errs.ENotFound) {
		return nil, ErrPartnerNotFound(companyKey)
	}
	return p, err
}

// LegacyTokenRequest is a POST /connect/token form.
type LegacyTokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	Scope        string
}

// LegacyToken is an issued legacy_access_token.
type LegacyToken struct {
	AccessToken string
	ExpiresIn   int
	Scope       string
}

func tokenErr(code, msg string) *errs.Error {
	k := errs.EInvalid
	if code == CodeTokenInvalidClient {
		k = errs.EUnauthorized
	}
	return &errs.Error{Kind: k, Code: code, Message: msg}
}

// IssueLegacyToken authenticates a partner's client by secret and issues a
// legacy access token (OAuth2 client_credentials; no certificate binding).
// Errors carry the OAuth2 codes invalid_request, invalid_client,
// unsupported_grant_type and invalid_scope.
func (s *Service) IssueLegacyToken(ctx context.Context, req LegacyTokenRequest) (*LegacyToken, error) {
	if req.ClientID == "" || req.ClientSecret == "" {
		if req.ClientID == "" && req.ClientSecret == "" && req.GrantType == "" {
			return nil, tokenErr(CodeTokenInvalidRequest, "grant_type, client_id and client_secret are required")
		}
		return nil, tokenErr(CodeTokenInvalidClient, "")
	}
	cred, err := s.credential(ctx, req.ClientID)
	if errs.Is(err, errs.ENotFound) {
		s.hasher.Hash(req.ClientSecret)
		return nil, tokenErr(CodeTokenInvalidClient, "")
	}
	if err != nil {
		return nil, err
	}
	if !s.hasher.Equal(req.ClientSecret, cred.SecretHash) || !cred.Active() || cred.Kind != oauth.KindBankly {
		return nil, tokenErr(CodeTokenInvalidClient, "")
	}
	if req.GrantType != "client_credentials" {
		return nil, tokenErr(CodeTokenUnsupportedGrant, "")
	}
	scopes := cred.Scopes
	if strings.TrimSpace(req.Scope) != "" {
		scopes = oauth.ParseScope(req.Scope)
		for _, sc := range scopes {
			if !contains(cred.Scopes, sc) {
				return nil, tokenErr(CodeTokenInvalidScope, "")
			}
		}
	}
	now := s.clock.Now()
	c := &oauth.Claims{Issuer: s.issuer, Subject: cred.Owner, ClientID: cred.ClientID, Scope: strings.Join(scopes, " "),
		IssuedAt: now.Unix(), Expiry: now.Add(s.TokenTTL).Unix(), JTI: NewUUID()}
	tok, err := s.signer.Sign(c)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "sign legacy token")
	}
	return &LegacyToken{AccessToken: tok, ExpiresIn: int(s.TokenTTL / time.Second), Scope: c.Scope}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Service) credential(ctx context.Context, clientID string) (*oauth.Credential, error) {
	if c, ok := s.creds.Get(clientID); ok {
		return c, nil
	}
	c, err := s.store.Credential(ctx, clientID)
	if err != nil {
		return nil, err
	}
	s.creds.Put(clientID, c)
	return c, nil
}

// Caller is an authenticated legacy-token holder.
type Caller struct {
	CompanyKey string
	ClientID   string
	Claims     *oauth.Claims
	// Source is the request's source address (the TCP peer), checked
	// against the partner's allowlist; zero when unknown.
	Source netip.Addr
}

var errUnauthorized = &errs.Error{Kind: errs.EUnauthorized, Code: CodeUnauthorized, Message: "Invalid or missing bearer token."}

// Authenticate checks a legacy bearer token: signature, expiry, and that its
// credential is an active partner credential (credentials are cached at most
// 500 ms). UNAUTHORIZED otherwise.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*Caller, error) {
	if bearer == "" {
		return nil, errUnauthorized
	}
	c, err := s.signer.Verify(bearer)
	if err != nil || s.clock.Now().Unix() >= c.Expiry || c.Cnf != nil {
		return nil, errUnauthorized
	}
	cred, err := s.credential(ctx, c.ClientID)
	if errs.Is(err, errs.ENotFound) || (err == nil && (!cred.Active() || cred.Kind != oauth.KindBankly)) {
		return nil, errUnauthorized
	}
	if err != nil {
		return nil, err
	}
	return &Caller{CompanyKey: cred.Owner, ClientID: cred.ClientID, Claims: c}, nil
}

// authorize checks that caller may manage companyKey's certificates. A
// company key other than the caller's is PARTNER_NOT_FOUND (whether it
// exists is not disclosed).
func (s *Service) authorize(ctx context.Context, caller *Caller, companyKey string) (*Partner, error) {
	if caller == nil || caller.CompanyKey != companyKey {
		return nil, ErrPartnerNotFound(companyKey)
	}
	p, err := s.partner(ctx, companyKey)
	if err != nil {
		return nil, err
	}
	if !p.AllowsSource(caller.Source) {
		return nil, ErrNetworkFailure()
	}
	if !caller.Claims.HasScope(ScopeCertificateCreate) {
		return nil, &errs.Error{Kind: errs.EForbidden, Code: CodeForbidden, Message: "The access token lacks the scope certificate.create."}
	}
	return p, nil
}

// SetAllowedCIDRs replaces companyKey's source allowlist (CIDRs or bare
// addresses; empty allows any) and returns the partner as stored. It takes
// effect on the partner's next request on every instance (partners are not
// cached). PARTNER_NOT_FOUND if none; INVALID_PARAMETER naming every bad
// entry.
func (s *Service) SetAllowedCIDRs(ctx context.Context, companyKey string, cidrs []string) (*Partner, error) {
	norm, err := NormalizeAllowlist(cidrs)
	if err != nil {
		return nil, err
	}
	if err := s.store.SetPartnerAllowedCIDRs(ctx, companyKey, norm); err != nil {
		if errs.Is(err, errs.ENotFound) {
			return nil, ErrPartnerNotFound(companyKey)
		}
		return nil, err
	}
	return s.partner(ctx, companyKey)
}

// Partner returns the partner companyKey. PARTNER_NOT_FOUND if none.
func (s *Service) Partner(ctx context.Context, companyKey string) (*Partner, error) {
	return s.partner(ctx, companyKey)
}

// IssueRequest is the body of POST /partners/{companyKey}/certificates.
type IssueRequest struct {
	Passphrase string
	TTLInDays  *int // nil: 365
}

// Issued is a freshly issued certificate with its key, shown once.
type Issued struct {
	Certificate    Certificate
	CertificatePEM string
	ChainPEM       string // issuing CA then root
	PrivateKeyPEM  string // ENCRYPTED PRIVATE KEY (PKCS#8, PBES2) under the passphrase
	Passphrase     string
}

// DefaultTTLInDays is ttlInDays when the request omits it.
const DefaultTTLInDays = 365

// specials are the passphrase's special characters the seed lists.
const specials = "!@#$%&*()?"

// PassphraseLength is the passphrase's length in characters (seed 001:
// "Senha forte de 64 caracteres").
const PassphraseLength = 64

// maxPositions bounds how many positions of characters outside the set a
// passphrase error lists.
const maxPositions = 8

// CheckPassphrase applies the seed's rule: exactly 64 characters, with
// upper-case letters, lower-case letters, digits and at least one of
// !@#$%&*()?, and nothing else. The seed's request table shows an example
// without an upper-case letter while its rule text and its response example
// have one; the rule text is kept, and the error names every requirement the
// passphrase misses, one violation each (property "passphrase"), so a
// passphrase copied from the table is fixed in one try. Characters outside
// the set are named by position, never echoed.
func CheckPassphrase(p string) error {
	var up, low, dig, sp bool
	var outside []int
	n := 0
	for _, r := range p {
		n++
		switch {
		case r >= 'A' && r <= 'Z':
			up = true
		case r >= 'a' && r <= 'z':
			low = true
		case r >= '0' && r <= '9':
			dig = true
		case strings.ContainsRune(specials, r):
			sp = true
		default:
			outside = append(outside, n)
		}
	}
	var vs []errs.Violation
	bad := func(msg string) { vs = append(vs, errs.Violation{Property: "passphrase", Reason: msg}) }
	if n != PassphraseLength {
		bad(fmt.Sprintf("The passphrase must have exactly %d characters; it has %d.", PassphraseLength, n))
	}
	if !up {
		bad("The passphrase must contain at least one upper-case letter (A-Z).")
	}
	if !low {
		bad("The passphrase must contain at least one lower-case letter (a-z).")
	}
	if !dig {
		bad("The passphrase must contain at least one number (0-9).")
	}
	if !sp {
		bad("The passphrase must contain at least one of the special characters " + specials + ".")
	}
	if len(outside) > 0 {
		bad("The passphrase may contain only letters A-Z and a-z, numbers and the special characters " + specials +
			"; " + outsideClause(outside) + ".")
	}
	if len(vs) == 0 {
		return nil
	}
	return &errs.Error{Kind: errs.EInvalid, Code: CodeInvalidParameter, Message: vs[0].Reason, Violations: vs}
}

// outsideClause names 1-based character positions, at most maxPositions
// of them: "the character at position 3 is not one of them", "the
// characters at positions 3, 7 and 9 are not".
func outsideClause(ps []int) string {
	if len(ps) == 1 {
		return "the character at position " + strconv.Itoa(ps[0]) + " is not one of them"
	}
	more := ""
	if len(ps) > maxPositions {
		more = " (and " + strconv.Itoa(len(ps)-maxPositions) + " more)"
		ps = ps[:maxPositions]
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(p)
	}
	return "the characters at positions " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1] + more + " are not"
}

// Issue issues a certificate to companyKey for caller (seed 001): checks the
// token's partner and scope, the passphrase and ttlInDays, that a slot is
// free, then generates a key, has brasa's CA sign a certificate with the
// partner's subject, stores the certificate (never the key) in a slot the
// database guarantees, and returns the key encrypted under the passphrase.
func (s *Service) Issue(ctx context.Context, caller *Caller, companyKey string, req IssueRequest) (*Issued, error) {
	p, err := s.authorize(ctx, caller, companyKey)
	if err != nil {
		return nil, err
	}
	ttl := DefaultTTLInDays
	if req.TTLInDays != nil {
		ttl = *req.TTLInDays
	}
	var vs []errs.Violation
	if e := CheckPassphrase(req.Passphrase); e != nil {
		vs = append(vs, errs.As(e).Violations...)
	}
	if ttl < 1 || ttl > 365 {
		vs = append(vs, errs.Violation{Property: "ttlInDays", Reason: "The ttlInDays must be a number from 1 to 365."})
	}
	if len(vs) > 0 {
		return nil, &errs.Error{Kind: errs.EInvalid, Code: CodeInvalidParameter, Message: vs[0].Reason, Violations: vs}
	}
	// Fail fast before the costly key generation; the store decides.
	if err := s.checkSlots(ctx, companyKey); err != nil {
		return nil, err
	}
	key, err := pki.GenerateKey(rand.Reader, s.KeyType)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "generate partner key")
	}
	cert, err := s.ca.IssueClient(pki.ClientRequest{Subject: p.Subject(), PublicKey: key.Public(), Validity: time.Duration(ttl) * 24 * time.Hour})
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "issue partner certificate")
	}
	issuedAt := s.clock.Now()
	keyPEM, err := pki.EncryptPKCS8PEM(key, []byte(req.Passphrase), rand.Reader)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "encrypt partner key")
	}
	now := s.clock.Now()
	rec := pki.NewCertificateRecord(cert, pki.CertPartner, companyKey, now)
	c := &Certificate{UUID: NewUUID(), CompanyKey: companyKey, Serial: rec.Serial, SubjectDN: p.SubjectDN(),
		Status: StatusActive, IssuedAt: issuedAt, NotAfter: cert.NotAfter.UTC(), CreatedAt: now, UpdatedAt: now, DER: cert.Raw}
	if err := s.store.CreatePartnerCertificate(ctx, rec, c, now); err != nil {
		if e := errs.As(err); e != nil && e.Code == CodeMaxCertificates {
			return nil, ErrMaxCertificates(companyKey)
		}
		return nil, err
	}
	return &Issued{Certificate: *c, CertificatePEM: string(pki.EncodeCertificatesPEM(cert)),
		ChainPEM: string(s.ca.ChainPEM()), PrivateKeyPEM: string(keyPEM), Passphrase: req.Passphrase}, nil
}

func (s *Service) checkSlots(ctx context.Context, companyKey string) error {
	list, err := s.store.PartnerCertificates(ctx, companyKey)
	if err != nil {
		return err
	}
	now, n := s.clock.Now(), 0
	for i := range list {
		if list[i].StatusAt(now) == StatusActive {
			n++
		}
	}
	if n >= MaxCertificates {
		return ErrMaxCertificates(companyKey)
	}
	return nil
}

// List returns companyKey's certificates for caller, oldest first.
func (s *Service) List(ctx context.Context, caller *Caller, companyKey string) ([]Certificate, error) {
	if _, err := s.authorize(ctx, caller, companyKey); err != nil {
		return nil, err
	}
	return s.store.PartnerCertificates(ctx, companyKey)
}

// Get returns companyKey's certificate uuid for caller.
// CERTIFICATE_NOT_FOUND if none.
func (s *Service) Get(ctx context.Context, caller *Caller, companyKey, uuid string) (*Certificate, error) {
	if _, err := s.authorize(ctx, caller, companyKey); err != nil {
		return nil, err
	}
	c, err := s.store.PartnerCertificate(ctx, companyKey, uuid)
	if errs.Is(err, errs.ENotFound) {
		return nil, errCertificateNotFound(uuid)
	}
	return c, err
}

func errCertificateNotFound(uuid string) *errs.Error {
	return &errs.Error{Kind: errs.ENotFound, Code: CodeCertificateNotFound, Message: "Certificate " + uuid + " not found."}
}

// Revoke revokes companyKey's certificate uuid for caller: its slot is free
// at once and mTLS routes refuse it (CLIENT_CERTIFICATE_WAS_REVOKED) within
// the revocation cache's 500 ms on every instance. CERTIFICATE_NOT_FOUND if
// none.
func (s *Service) Revoke(ctx context.Context, caller *Caller, companyKey, uuid string) (*Certificate, error) {
	if _, err := s.authorize(ctx, caller, companyKey); err != nil {
		return nil, err
	}
	return s.RevokeAsOperator(ctx, companyKey, uuid)
}

// RevokeAsOperator revokes without a caller (CLI).
func (s *Service) RevokeAsOperator(ctx context.Context, companyKey, uuid string) (*Certificate, error) {
	c, err := s.store.RevokePartnerCertificate(ctx, companyKey, uuid, "revoked by the partner", s.clock.Now())
	if errs.Is(err, errs.ENotFound) {
		return nil, errCertificateNotFound(uuid)
	}
	return c, err
}

// Identity is who an mTLS-protected partner route is talking to.
type Identity struct {
	Partner *Partner
	Leaf    *x509.Certificate
	Record  *pki.CertificateRecord
}

// Identify checks a client certificate whose chain, validity, usage and
// revocation were already verified (rec is brasa's record of it, nil when
// brasa has none): its subject must carry an OU (the company key), it must
// be a partner certificate brasa issued to that partner, the partner must
// exist, and src (the request's source address) must be in its allowlist.
// Errors: CLIENT_CERTIFICATE_ID_IS_UNKNOWN, CLIENT_CERTIFICATE_IS_UNKNOWN,
// PARTNER_NOT_FOUND, CLIENT_NETWORK_FAILURE.
func (s *Service) Identify(ctx context.Context, leaf *x509.Certificate, rec *pki.CertificateRecord, src netip.Addr) (*Identity, error) {
	if len(leaf.Subject.OrganizationalUnit) == 0 || strings.TrimSpace(leaf.Subject.OrganizationalUnit[0]) == "" {
		return nil, certError(CodeCertIDUnknown)
	}
	ou := leaf.Subject.OrganizationalUnit[0]
	if rec == nil || rec.Type != pki.CertPartner || rec.Owner != ou {
		return nil, certError(CodeCertUnknown)
	}
	p, err := s.partner(ctx, ou)
	if err != nil {
		return nil, err
	}
	if !p.AllowsSource(src) {
		return nil, ErrNetworkFailure()
	}
	return &Identity{Partner: p, Leaf: leaf, Record: rec}, nil
}

// NewUUID returns a random UUID (version 4).
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("partner: crypto/rand failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Now returns the service clock's now.
func (s *Service) Now() time.Time { return s.clock.Now() }
