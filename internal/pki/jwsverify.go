package pki

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// JWSHeader is the protected header of a Pix payload JWS.
type JWSHeader struct {
	Alg string `json:"alg"`
	JKU string `json:"jku"`
	Kid string `json:"kid"`
	X5t string `json:"x5t"`
}

// ParseJWSHeader decodes the protected header of the compact JWS token
// without verifying anything.
func ParseJWSHeader(token string) (*JWSHeader, error) {
	h, _, ok := strings.Cut(token, ".")
	if !ok {
		return nil, errors.New("pki: jws: not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("pki: jws header: %w", err)
	}
	var hdr JWSHeader
	if err := json.Unmarshal(raw, &hdr); err != nil {
		return nil, fmt.Errorf("pki: jws header: %w", err)
	}
	return &hdr, nil
}

// VerifyPayloadJWS checks a Pix payload JWS the way a payer's PSP does
// (notes/pix-api.md "Payload (location) JWS") and returns its payload: the
// algorithm is RS256 or PS256 (never none or HS*); jwks is the key set
// fetched from the header's jku, which must be an https URL on host (the
// location's host); the key is the one named by kid (or the only one); its
// x5c chain verifies against roots at now for any usage, and the leaf
// certificate names the jku host; the signature verifies with the leaf's key.
func VerifyPayloadJWS(token string, jwks []byte, roots *x509.CertPool, host string, now time.Time) ([]byte, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("pki: jws: not a compact JWS")
	}
	hdr, err := ParseJWSHeader(token)
	if err != nil {
		return nil, err
	}
	if hdr.Alg != "RS256" && hdr.Alg != "PS256" {
		return nil, fmt.Errorf("pki: jws: algorithm %q is not accepted (RS256 or PS256)", hdr.Alg)
	}
	ju, err := url.Parse(hdr.JKU)
	if err != nil || ju.Scheme != "https" || !strings.EqualFold(ju.Hostname(), host) {
		return nil, fmt.Errorf("pki: jws: jku %q is not an https URL on %s", hdr.JKU, host)
	}
	var set struct {
		Keys []struct {
			Kid string   `json:"kid"`
			X5c []string `json:"x5c"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(jwks, &set); err != nil {
		return nil, fmt.Errorf("pki: jwks: %w", err)
	}
	var x5c []string
	for _, k := range set.Keys {
		if k.Kid == hdr.Kid || (hdr.Kid == "" && len(set.Keys) == 1) {
			x5c = k.X5c
			break
		}
	}
	if len(x5c) == 0 {
		return nil, fmt.Errorf("pki: jwks has no key %q with an x5c chain", hdr.Kid)
	}
	var chain []*x509.Certificate
	for _, c := range x5c {
		der, err := base64.StdEncoding.DecodeString(c)
		if err != nil {
			return nil, fmt.Errorf("pki: jwks x5c: %w", err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("pki: jwks x5c: %w", err)
		}
		chain = append(chain, cert)
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	leaf := chain[0]
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, DNSName: ju.Hostname()}); err != nil {
		return nil, fmt.Errorf("pki: jws signing certificate: %w", err)
	}
	if hdr.X5t != "" && hdr.X5t != ThumbprintSHA1(leaf) {
		return nil, errors.New("pki: jws: x5t does not match the signing certificate")
	}
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("pki: jws: signing key is not RSA")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("pki: jws signature: %w", err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if hdr.Alg == "RS256" {
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
	} else {
		err = rsa.VerifyPSS(pub, crypto.SHA256, sum[:], sig, nil)
	}
	if err != nil {
		return nil, errors.New("pki: jws: the signature does not verify")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("pki: jws payload: %w", err)
	}
	return payload, nil
}
