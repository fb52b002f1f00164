package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"time"
)

// PayloadSigner signs the payloads a PSP serves at its locations (BACEN API
// Pix, CobPayload: "application/jose", a compact JWS) with RS256 (RFC 7515,
// RFC 7518 §3.3), and publishes the matching JWKS (RFC 7517). The header
// carries jku (the https URL of the JWKS on the PSP's QR host), kid and x5t
// (base64url SHA-1 of the DER certificate, as bacen/pix-api#295 settled);
// the JWKS key carries x5c (leaf first, then the chain), kid, x5t, x5t#S256
// and key_ops ["verify"]. Payer apps check the chain and that the leaf's
// name matches the jku host, so the certificate must name the web host.
type PayloadSigner struct {
	key    *rsa.PrivateKey
	chain  []*x509.Certificate // leaf first
	kid    string
	header string // base64url of the JOSE header, fixed per signer
	jwks   []byte
}

// NewPayloadSigner returns a signer for key, whose certificate chain (leaf
// first) is chain, publishing its JWKS at jku.
func NewPayloadSigner(key crypto.Signer, chain []*x509.Certificate, jku string) (*PayloadSigner, error) {
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("pki: payload signing key must be RSA (RS256)")
	}
	if len(chain) == 0 || !samePublicKey(key, chain[0].PublicKey) {
		return nil, errors.New("pki: payload signing certificate does not match its key")
	}
	if !strings.HasPrefix(jku, "https://") {
		return nil, errors.New("pki: jku must be an https URL")
	}
	s := &PayloadSigner{key: rk, chain: chain, kid: Thumbprint(chain[0])}
	h, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		JKU string `json:"jku"`
		Kid string `json:"kid"`
		X5t string `json:"x5t"`
	}{"RS256", "JWT", jku, s.kid, ThumbprintSHA1(chain[0])})
	if err != nil {
		return nil, err
	}
	s.header = base64.RawURLEncoding.EncodeToString(h)
	x5c := make([]string, len(chain))
	for i, c := range chain {
		x5c[i] = base64.StdEncoding.EncodeToString(c.Raw)
	}
	s.jwks, err = json.Marshal(map[string]any{"keys": []map[string]any{{
		"kty":      "RSA",
		"alg":      "RS256",
		"kid":      s.kid,
		"key_ops":  []string{"verify"},
		"n":        base64.RawURLEncoding.EncodeToString(rk.N.Bytes()),
		"e":        base64.RawURLEncoding.EncodeToString(big.NewInt(int64(rk.E)).Bytes()),
		"x5c":      x5c,
		"x5t":      ThumbprintSHA1(chain[0]),
		"x5t#S256": Thumbprint(chain[0]),
	}}})
	return s, err
}

// Sign returns the compact JWS of payload (JSON).
func (s *PayloadSigner) Sign(payload []byte) (string, error) {
	var b strings.Builder
	b.Grow(len(s.header) + base64.RawURLEncoding.EncodedLen(len(payload)) + 350)
	b.WriteString(s.header)
	b.WriteByte('.')
	b.WriteString(base64.RawURLEncoding.EncodeToString(payload))
	sum := sha256.Sum256([]byte(b.String()))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	b.WriteByte('.')
	b.WriteString(base64.RawURLEncoding.EncodeToString(sig))
	return b.String(), nil
}

// JWKS returns the JSON Web Key Set that verifies the signer's payloads.
func (s *PayloadSigner) JWKS() []byte { return s.jwks }

// KeyID returns the kid of the signing key (its certificate's x5t#S256).
func (s *PayloadSigner) KeyID() string { return s.kid }

// IssuePayloadSigning issues the RSA-2048 key and certificate that sign
// payloads, for the web host names in hosts (the first is also the CN), with
// digitalSignature usage, valid for validity (0 = DefaultServerValidity).
func (ca *CA) IssuePayloadSigning(hosts []string, validity time.Duration) (crypto.Signer, *x509.Certificate, error) {
	key, err := GenerateKey(ca.random(), RSA2048)
	if err != nil {
		return nil, nil, err
	}
	cert, err := ca.issueServerFor(key, hosts, validity)
	if err != nil {
		return nil, nil, err
	}
	return key, cert, nil
}
