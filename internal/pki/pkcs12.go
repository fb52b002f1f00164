package pki

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// EncodePKCS12 writes key, its certificate cert and the CA chain (issuer
// first, root last) as a PKCS#12 file (RFC 7292, ".pfx"/".p12") protected by
// password. It uses go-pkcs12's Modern2023 profile: PBES2 with
// PBKDF2-HMAC-SHA256 and AES-256-CBC for the key and certificates, and an
// HMAC-SHA-256 MAC, readable by OpenSSL 1.1.1+ (`openssl pkcs12 -in f.pfx`),
// Java 12+ and Windows Server 2019+. It fails if key is not cert's key.
func EncodePKCS12(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, password string) ([]byte, error) {
	if key == nil || cert == nil {
		return nil, errors.New("pki: encode PKCS#12: key and certificate are required")
	}
	if !samePublicKey(key, cert.PublicKey) {
		return nil, errors.New("pki: encode PKCS#12: private key does not match the certificate")
	}
	pfx, err := pkcs12.Modern2023.Encode(key, cert, chain, password)
	if err != nil {
		return nil, fmt.Errorf("pki: encode PKCS#12: %w", err)
	}
	return pfx, nil
}

// DecodePKCS12 reads a PKCS#12 file holding one private key, its
// certificate and optionally CA certificates, as written by [EncodePKCS12],
// OpenSSL or Windows. A wrong password yields an error wrapping both
// [ErrBadPassphrase] and [pkcs12.ErrIncorrectPassword].
func DecodePKCS12(data []byte, password string) (crypto.Signer, *x509.Certificate, []*x509.Certificate, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, nil, nil, fmt.Errorf("%w: %w", ErrBadPassphrase, err)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pki: decode PKCS#12: %w", err)
	}
	signer, err := asSigner(key)
	if err != nil {
		return nil, nil, nil, err
	}
	return signer, cert, chain, nil
}
