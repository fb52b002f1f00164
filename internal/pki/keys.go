package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
)

// KeyType names an algorithm and size for [GenerateKey]. Its value is the
// wire and configuration form.
type KeyType string

// Key types brasa generates.
const (
	// RSA2048 is a 2048-bit RSA key, what most Brazilian banks' portals and
	// ICP-Brasil A1 certificates use.
	RSA2048 KeyType = "RSA2048"
	// ECDSAP256 is an ECDSA key on NIST P-256: small and fast, used for the
	// CA and the listeners' server certificates.
	ECDSAP256 KeyType = "ECDSAP256"
)

// minRSABits is the smallest RSA modulus pki accepts in a certificate
// request (NIST SP 800-131A; ICP-Brasil DOC-ICP-01.01).
const minRSABits = 2048

// GenerateKey generates a private key of type t. random is passed to the
// standard library (nil means [crypto/rand.Reader]); since Go 1.26 the
// standard library ignores it and always uses a secure source (see the
// package documentation).
func GenerateKey(random io.Reader, t KeyType) (crypto.Signer, error) {
	if random == nil {
		random = rand.Reader
	}
	switch t {
	case RSA2048:
		key, err := rsa.GenerateKey(random, 2048)
		if err != nil {
			return nil, fmt.Errorf("pki: generate %s key: %w", t, err)
		}
		return key, nil
	case ECDSAP256:
		key, err := ecdsa.GenerateKey(elliptic.P256(), random)
		if err != nil {
			return nil, fmt.Errorf("pki: generate %s key: %w", t, err)
		}
		return key, nil
	default:
		return nil, fmt.Errorf("pki: unknown key type %q (want %q or %q)", t, RSA2048, ECDSAP256)
	}
}

// Thumbprint returns the base64url (unpadded) SHA-256 digest of the DER
// certificate: the "x5t#S256" confirmation value of certificate-bound access
// tokens (RFC 8705 §3.1) and the JWS "x5t#S256" header (RFC 7515 §4.1.8).
func Thumbprint(cert *x509.Certificate) string {
	return DigestThumbprint(sha256.Sum256(cert.Raw))
}

// DigestThumbprint returns the thumbprint of the certificate whose SHA-256
// digest is sum (as [Verifier.VerifyDigest] returns it).
func DigestThumbprint(sum [sha256.Size]byte) string {
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// ThumbprintSHA1 returns the base64url (unpadded) SHA-1 digest of the DER
// certificate: the JWS "x5t" header (RFC 7515 §4.1.7). SHA-1 is used here
// only as an identifier, as the RFC defines it.
func ThumbprintSHA1(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// checkPublicKey reports whether pub may be certified: RSA of at least
// 2048 bits, or ECDSA on P-256 or P-384.
func checkPublicKey(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return fmt.Errorf("pki: empty RSA public key")
		}
		if bits := k.N.BitLen(); bits < minRSABits {
			return fmt.Errorf("pki: RSA key of %d bits is too weak (minimum %d)", bits, minRSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return fmt.Errorf("pki: empty ECDSA public key")
		}
		switch k.Curve {
		case elliptic.P256(), elliptic.P384():
			return nil
		}
		return fmt.Errorf("pki: ECDSA curve %s is not accepted (want P-256 or P-384)", k.Curve.Params().Name)
	case nil:
		return fmt.Errorf("pki: missing public key")
	default:
		return fmt.Errorf("pki: public key type %T is not accepted (want RSA >= %d bits or ECDSA P-256/P-384)", pub, minRSABits)
	}
}

// asSigner returns key as a crypto.Signer, or an error naming its type.
func asSigner(key any) (crypto.Signer, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("pki: private key type %T cannot sign", key)
	}
}

// samePublicKey reports whether key is the private half of pub.
func samePublicKey(key crypto.Signer, pub crypto.PublicKey) bool {
	k, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(pub)
}
