package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
)

// PEM block types pki reads and writes.
const (
	pemCertificate         = "CERTIFICATE"
	pemPrivateKey          = "PRIVATE KEY"
	pemEncryptedPrivateKey = "ENCRYPTED PRIVATE KEY"
	pemRSAPrivateKey       = "RSA PRIVATE KEY"
	pemECPrivateKey        = "EC PRIVATE KEY"
	pemCSR                 = "CERTIFICATE REQUEST"
	pemNewCSR              = "NEW CERTIFICATE REQUEST"
)

// ErrEncryptedKey is returned by [ParsePrivateKeyPEM] when the key is
// encrypted: PKCS#8 "ENCRYPTED PRIVATE KEY" or a legacy OpenSSL PEM block
// with "Proc-Type: 4,ENCRYPTED". Use [DecryptPKCS8PEM] with the passphrase.
var ErrEncryptedKey = errors.New("pki: private key is encrypted; a passphrase is needed")

// MarshalPrivateKeyPEM encodes key as an unencrypted PKCS#8 "PRIVATE KEY"
// PEM block (RFC 5208, RFC 7468 §10).
func MarshalPrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	if key == nil {
		return nil, errors.New("pki: marshal private key: nil key")
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pki: marshal private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPrivateKey, Bytes: der}), nil
}

// ParsePrivateKeyPEM parses an unencrypted private key: PEM "PRIVATE KEY"
// (PKCS#8), "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC 1), or the
// same structures in DER. In a PEM file with several blocks (a key next to
// its certificates) the first key block is used. It returns
// [ErrEncryptedKey] for encrypted keys.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	rest := data
	sawPEM := false
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest, sawPEM = r, true
		switch block.Type {
		case pemEncryptedPrivateKey:
			return nil, ErrEncryptedKey
		case pemPrivateKey, pemRSAPrivateKey, pemECPrivateKey:
			if isLegacyEncrypted(block) {
				return nil, ErrEncryptedKey
			}
			return parsePrivateKeyDER(block.Bytes, block.Type)
		}
	}
	if sawPEM {
		return nil, errors.New("pki: no private key block in PEM data")
	}
	if isEncryptedPKCS8DER(data) {
		return nil, ErrEncryptedKey
	}
	return parsePrivateKeyDER(data, "")
}

// parsePrivateKeyDER parses a DER private key. blockType, when not empty,
// names the expected structure; otherwise PKCS#8, PKCS#1 and SEC 1 are
// tried in turn.
func parsePrivateKeyDER(der []byte, blockType string) (crypto.Signer, error) {
	var (
		key any
		err error
	)
	switch blockType {
	case pemPrivateKey:
		key, err = x509.ParsePKCS8PrivateKey(der)
	case pemRSAPrivateKey:
		key, err = x509.ParsePKCS1PrivateKey(der)
	case pemECPrivateKey:
		key, err = x509.ParseECPrivateKey(der)
	default:
		if key, err = x509.ParsePKCS8PrivateKey(der); err != nil {
			if k, err1 := x509.ParsePKCS1PrivateKey(der); err1 == nil {
				key, err = k, nil
			} else if k, err2 := x509.ParseECPrivateKey(der); err2 == nil {
				key, err = k, nil
			} else {
				return nil, errors.New("pki: parse private key: not PEM, nor a PKCS#8, PKCS#1 or SEC 1 DER key")
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("pki: parse private key: %w", err)
	}
	return asSigner(key)
}

// isEncryptedPKCS8DER reports whether der is a PKCS#8 EncryptedPrivateKeyInfo
// (a SEQUENCE of an AlgorithmIdentifier and an OCTET STRING), which no
// unencrypted key structure resembles: they all start with an INTEGER.
func isEncryptedPKCS8DER(der []byte) bool {
	var info encryptedPrivateKeyInfo
	rest, err := asn1.Unmarshal(der, &info)
	return err == nil && len(rest) == 0 && len(info.Algorithm.Algorithm) > 0
}

// isLegacyEncrypted reports whether block is encrypted the legacy OpenSSL
// way (RFC 1421 "Proc-Type: 4,ENCRYPTED" headers).
func isLegacyEncrypted(block *pem.Block) bool {
	// Deprecated because legacy PEM encryption is weak; we only detect it.
	return x509.IsEncryptedPEMBlock(block) //nolint:staticcheck // SA1019: detection only, see above.
}

// EncodeCertificatesPEM encodes certs as consecutive "CERTIFICATE" PEM
// blocks, in order (leaf first for a chain). Nil entries are skipped.
func EncodeCertificatesPEM(certs ...*x509.Certificate) []byte {
	var buf bytes.Buffer
	for _, c := range certs {
		if c == nil {
			continue
		}
		// Encode only fails on bad headers; there are none.
		_ = pem.Encode(&buf, &pem.Block{Type: pemCertificate, Bytes: c.Raw})
	}
	return buf.Bytes()
}

// ParseCertificates parses a PEM bundle of "CERTIFICATE" blocks (other block
// types, such as a key in the same file, are skipped) or, when data holds no
// PEM, DER certificates. It returns an error if no certificate is found.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	sawPEM := false
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest, sawPEM = r, true
		if block.Type != pemCertificate {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("pki: parse certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if !sawPEM && len(data) > 0 {
		var err error
		if certs, err = x509.ParseCertificates(data); err != nil {
			return nil, fmt.Errorf("pki: parse certificate: %w", err)
		}
	}
	if len(certs) == 0 {
		return nil, errors.New("pki: no certificate found")
	}
	return certs, nil
}
