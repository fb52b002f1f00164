package sisgru_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/sisgru"
)

// now is the tests' clock.
var now = time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)

// keys are generated once: RSA is slow to generate.
var keys = sync.OnceValue(func() (k struct{ ca, sys, other *rsa.PrivateKey }) {
	for _, p := range []**rsa.PrivateKey{&k.ca, &k.sys, &k.other} {
		var err error
		if *p, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	}
	return k
})

// certOpts describe a test certificate.
type certOpts struct {
	pub        crypto.PublicKey
	selfSigned bool
	notBefore  time.Time
	notAfter   time.Time
}

// issue returns a certificate for o.pub signed by the test CA (or by its own
// key, keys().sys, when self-signed).
func issue(t testing.TB, o certOpts) *x509.Certificate {
	t.Helper()
	k := keys()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "AC Teste"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour)}
	if o.notBefore.IsZero() {
		o.notBefore = now.Add(-time.Hour)
	}
	if o.notAfter.IsZero() {
		o.notAfter = now.Add(365 * 24 * time.Hour)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "meusistema"},
		NotBefore: o.notBefore, NotAfter: o.notAfter, KeyUsage: x509.KeyUsageDigitalSignature}
	parent, signer := caTmpl, crypto.Signer(k.ca)
	if o.selfSigned {
		parent, signer = tmpl, k.sys
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, o.pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func caCert(t testing.TB) *x509.Certificate {
	k := keys()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "AC Teste"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.ca.PublicKey, k.ca)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

func pemOf(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

func TestCheckCertificate(t *testing.T) {
	k := keys()
	good := issue(t, certOpts{pub: &k.sys.PublicKey})
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}})
	for _, tc := range []struct {
		name string
		data []byte
		msg  string // "" = accepted
	}{
		{"valid", pemOf(good), ""},
		{"valid with text around it", append([]byte("Bag Attributes\n"), pemOf(good)...), ""},
		{"larger than 6 KB", append(pemOf(good), []byte(strings.Repeat(" ", 6*1024))...), "O certificado deve ter no máximo 6 KB (o arquivo tem "},
		{"DER", good.Raw, "O certificado deve estar no formato PEM"},
		{"empty", nil, "O certificado deve estar no formato PEM"},
		{"with its chain", pemOf(good, caCert(t)), "O certificado deve ser informado sem as cadeias de autoridade"},
		{"with a private key", append(pemOf(good), keyPEM...), "O arquivo deve conter apenas o certificado"},
		{"garbage after", append(pemOf(good), "lixo"...), "O certificado deve estar no formato PEM"},
		{"not X.509", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("x")}), "O certificado não pôde ser lido"},
		{"ECDSA", pemOf(issue(t, certOpts{pub: &ec.PublicKey})), "O certificado deve utilizar o algoritmo RSA."},
		{"RSA 1024", pemOf(issue(t, certOpts{pub: &small.PublicKey})), "A Chave Pública do certificado deve ter pelo menos 2048 bits (tem 1024)."},
		{"expired", pemOf(issue(t, certOpts{pub: &k.sys.PublicKey, notBefore: now.Add(-48 * time.Hour), notAfter: now.Add(-time.Hour)})), "O certificado está vencido"},
		{"not yet valid", pemOf(issue(t, certOpts{pub: &k.sys.PublicKey, notBefore: now.Add(time.Hour)})), "O certificado ainda não está vigente"},
		{"self-signed", pemOf(issue(t, certOpts{pub: &k.sys.PublicKey, selfSigned: true})), "O certificado não pode ser autoassinado"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := sisgru.CheckCertificate(tc.data, now)
			if tc.msg == "" {
				if err != nil || c == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Kind != errs.EInvalid || !strings.HasPrefix(e.Message, tc.msg) {
				t.Fatalf("got %v, want EInvalid starting %q", err, tc.msg)
			}
		})
	}
}

// fakeAuthStore is an in-memory AuthStore.
type fakeAuthStore struct {
	users   map[string]*sisgru.User
	systems map[string]*sisgru.System
}

func (f *fakeAuthStore) SIAFIUser(_ context.Context, cpf string) (*sisgru.User, error) {
	if u, ok := f.users[cpf]; ok {
		return u, nil
	}
	return nil, errs.New(errs.ENotFound, "no user")
}

func (f *fakeAuthStore) ExternalSystem(_ context.Context, iss string) (*sisgru.System, error) {
	if s, ok := f.systems[iss]; ok {
		return s, nil
	}
	return nil, errs.New(errs.ENotFound, "no system")
}

// SignJWT signs header and claims (JSON-encoded as given) with key, RS256
// by hand: base64url segments, PKCS #1 v1.5 over SHA-256.
func SignJWT(t testing.TB, key *rsa.PrivateKey, header, claims any) string {
	t.Helper()
	seg := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := seg(header) + "." + seg(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func newAuth(t *testing.T) (*sisgru.Authenticator, *fakeAuthStore) {
	k := keys()
	hash, err := sisgru.HashPassword("s3nh@ SIAFI")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeAuthStore{
		users: map[string]*sisgru.User{
			"52998224725": {CPF: "52998224725", PasswordHash: hash, UGs: []string{"158461"}, Status: sisgru.UserActive},
			"11144477735": {CPF: "11144477735", PasswordHash: hash, UGs: []string{"158461"}, Status: sisgru.UserBlocked},
		},
		systems: map[string]*sisgru.System{
			"meusistema": {Issuer: "meusistema", Certificate: pemOf(issue(t, certOpts{pub: &k.sys.PublicKey})), UGs: []string{"153114", "158461"}, Status: sisgru.SystemActive},
			"excluido":   {Issuer: "excluido", Certificate: pemOf(issue(t, certOpts{pub: &k.sys.PublicKey})), Status: sisgru.SystemDeleted},
			"vencido": {Issuer: "vencido", Status: sisgru.SystemActive,
				Certificate: pemOf(issue(t, certOpts{pub: &k.sys.PublicKey, notBefore: now.Add(-48 * time.Hour), notAfter: now.Add(-time.Minute)}))},
		},
	}
	return sisgru.NewAuthenticator(f, func() time.Time { return now }), f
}

func TestBasic(t *testing.T) {
	a, _ := newAuth(t)
	ctx := t.Context()
	p, err := a.Basic(ctx, "52998224725", "s3nh@ SIAFI")
	if err != nil || p.Kind != sisgru.PrincipalUser || p.ID != "52998224725" || !p.Allowed("158461") || p.Allowed("153114") {
		t.Fatalf("Basic = %+v, %v", p, err)
	}
	// Again, from the verified cache.
	if _, err := a.Basic(ctx, "52998224725", "s3nh@ SIAFI"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user, pass string
		status           errs.Kind
		msg              string
	}{
		{"wrong password", "52998224725", "errada", errs.EForbidden, sisgru.MsgForbidden},
		{"unknown user", "39053344705", "s3nh@ SIAFI", errs.EForbidden, sisgru.MsgForbidden},
		{"blocked user", "11144477735", "s3nh@ SIAFI", errs.EForbidden, sisgru.MsgForbidden},
		{"no user", "", "s3nh@ SIAFI", errs.EUnauthorized, sisgru.MsgBasicUnauthorized},
		{"no password", "52998224725", "", errs.EUnauthorized, sisgru.MsgBasicUnauthorized},
	} {
		_, err := a.Basic(ctx, tc.user, tc.pass)
		if e := errs.As(err); e == nil || e.Kind != tc.status || e.Message != tc.msg {
			t.Errorf("%s: got %v, want %v %q", tc.name, err, tc.status, tc.msg)
		}
	}
}

// TestBearer reaches each of the seed's JWT refusals, message verbatim.
func TestBearer(t *testing.T) {
	a, _ := newAuth(t)
	k := keys()
	rs := map[string]any{"alg": "RS256", "typ": "JWT"}
	iat := now.Unix()
	good := SignJWT(t, k.sys, rs, map[string]any{"iss": "meusistema", "iat": iat, "exp": iat + 600})
	parts := strings.Split(good, ".")
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

	p, err := a.Bearer(t.Context(), good)
	if err != nil || p.Kind != sisgru.PrincipalSystem || p.ID != "meusistema" || !p.Allowed("153114") {
		t.Fatalf("Bearer(valid) = %+v, %v", p, err)
	}
	if _, err := a.Bearer(t.Context(), SignJWT(t, k.sys, rs, map[string]any{"iss": "meusistema"})); err != nil {
		t.Fatalf("Bearer without exp: %v", err)
	}
	if _, err := a.Bearer(t.Context(), strings.Join(parts, ".")+"=="); err != nil {
		t.Fatalf("Bearer with padding: %v", err)
	}

	for _, tc := range []struct {
		name  string
		token string
		kind  errs.Kind
		msg   string
	}{
		{"one segment", "abc", errs.EUnauthorized, sisgru.MsgJWTUnauthorized},
		{"two segments", parts[0] + "." + parts[1], errs.EUnauthorized, sisgru.MsgJWTUnauthorized},
		{"four segments", good + ".x", errs.EUnauthorized, sisgru.MsgJWTUnauthorized},
		{"header not base64url", "!!." + parts[1] + "." + parts[2], errs.EUnauthorized, sisgru.MsgJWTUnauthorized},
		{"header not JSON", b64("RS256") + "." + parts[1] + "." + parts[2], errs.EUnauthorized, sisgru.MsgJWTUnauthorized},
		{"payload an array", parts[0] + "." + b64(`["meusistema"]`) + "." + parts[2], errs.EUnauthorized, sisgru.MsgJWTUnauthorized},
		{"exp not a number", SignJWT(t, k.sys, rs, map[string]any{"iss": "meusistema", "exp": "amanhã"}), errs.EUnauthorized, sisgru.MsgJWTUnauthorized},
		{"signature not base64url", parts[0] + "." + parts[1] + ".%%%", errs.EUnauthorized, sisgru.MsgJWTUnauthorized},

		{"HS256", SignJWT(t, k.sys, map[string]any{"alg": "HS256", "typ": "JWT"}, map[string]any{"iss": "meusistema"}), errs.EForbidden, sisgru.MsgJWTAlgorithm},
		{"none", b64(`{"alg":"none"}`) + "." + parts[1] + ".", errs.EForbidden, sisgru.MsgJWTAlgorithm},
		{"RS512", SignJWT(t, k.sys, map[string]any{"alg": "RS512"}, map[string]any{"iss": "meusistema"}), errs.EForbidden, sisgru.MsgJWTAlgorithm},
		{"no alg", SignJWT(t, k.sys, map[string]any{"typ": "JWT"}, map[string]any{"iss": "meusistema"}), errs.EForbidden, sisgru.MsgJWTAlgorithm},
		{"no iss", SignJWT(t, k.sys, rs, map[string]any{"iat": iat}), errs.EForbidden, sisgru.MsgJWTIssuerRequired},
		{"empty iss", SignJWT(t, k.sys, rs, map[string]any{"iss": ""}), errs.EForbidden, sisgru.MsgJWTIssuerRequired},
		{"numeric iss", SignJWT(t, k.sys, rs, map[string]any{"iss": 42}), errs.EForbidden, sisgru.MsgJWTIssuerRequired},
		{"unknown iss", SignJWT(t, k.sys, rs, map[string]any{"iss": "outro"}), errs.EForbidden, sisgru.MsgJWTUnknownIssuer},
		{"deleted system", SignJWT(t, k.sys, rs, map[string]any{"iss": "excluido"}), errs.EForbidden, sisgru.MsgJWTSystemDeleted},
		{"expired certificate", SignJWT(t, k.sys, rs, map[string]any{"iss": "vencido"}), errs.EForbidden, sisgru.MsgJWTCertificateExpired},
		{"other key", SignJWT(t, k.other, rs, map[string]any{"iss": "meusistema"}), errs.EForbidden, sisgru.MsgJWTBadSignature},
		{"tampered payload", parts[0] + "." + b64(`{"iss":"meusistema","exp":99999999999}`) + "." + parts[2], errs.EForbidden, sisgru.MsgJWTBadSignature},
		{"expired and forged", SignJWT(t, k.other, rs, map[string]any{"iss": "meusistema", "exp": iat - 1}), errs.EForbidden, sisgru.MsgJWTBadSignature},
		{"expired", SignJWT(t, k.sys, rs, map[string]any{"iss": "meusistema", "exp": iat - 1}), errs.EForbidden, sisgru.MsgJWTExpired},
		{"expires now", SignJWT(t, k.sys, rs, map[string]any{"iss": "meusistema", "exp": iat}), errs.EForbidden, sisgru.MsgJWTExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.Bearer(t.Context(), tc.token)
			if e := errs.As(err); e == nil || e.Kind != tc.kind || e.Message != tc.msg {
				t.Fatalf("got %v, want %v %q", err, tc.kind, tc.msg)
			}
		})
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := sisgru.HashPassword("correta")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q", h)
	}
	h2, _ := sisgru.HashPassword("correta")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !sisgru.CheckPassword(h, "correta") || sisgru.CheckPassword(h, "errada") || sisgru.CheckPassword("plain", "plain") ||
		sisgru.CheckPassword("$argon2id$v=19$m=999999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "x") {
		t.Error("CheckPassword")
	}
}
