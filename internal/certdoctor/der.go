package certdoctor

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"

	"github.com/brasa-dev/brasa/internal/pki"
)

// derType is the structure of a DER file. pki parses each structure but
// does not say which one a blob holds; a diagnosis, and a DER to PEM
// conversion that keeps the structure, need to know.
type derType int

const (
	derUnknown        derType = iota
	derCertificates           // one or more X.509 certificates
	derCSR                    // PKCS#10
	derPKCS8                  // PrivateKeyInfo
	derPKCS1                  // RSAPrivateKey
	derSEC1                   // ECPrivateKey
	derEncryptedPKCS8         // EncryptedPrivateKeyInfo
	derPKCS12                 // PFX
	derPKCS7                  // ContentInfo with SignedData (.p7b)
	derPublicKey              // SubjectPublicKeyInfo
)

// pemType returns the PEM block type that armors t.
func (t derType) pemType() string {
	switch t {
	case derCertificates:
		return "CERTIFICATE"
	case derCSR:
		return "CERTIFICATE REQUEST"
	case derPKCS8:
		return "PRIVATE KEY"
	case derPKCS1:
		return "RSA PRIVATE KEY"
	case derSEC1:
		return "EC PRIVATE KEY"
	case derEncryptedPKCS8:
		return "ENCRYPTED PRIVATE KEY"
	case derPKCS7:
		return "PKCS7"
	case derPublicKey:
		return "PUBLIC KEY"
	}
	return ""
}

// structure names t for [Item.Structure].
func (t derType) structure() string {
	switch t {
	case derCertificates:
		return "X.509"
	case derCSR:
		return "PKCS#10"
	case derPKCS8:
		return "PKCS#8"
	case derPKCS1:
		return "PKCS#1"
	case derSEC1:
		return "SEC 1"
	case derEncryptedPKCS8:
		return "PKCS#8 cifrado (PBES2)"
	case derPKCS12:
		return "PKCS#12"
	case derPKCS7:
		return "PKCS#7"
	case derPublicKey:
		return "SubjectPublicKeyInfo"
	}
	return ""
}

var (
	oidData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
)

// contentInfo is PKCS#7's ContentInfo (RFC 2315 §7).
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

// pfxPDU is PKCS#12's outer structure (RFC 7292 §4).
type pfxPDU struct {
	Version  int
	AuthSafe contentInfo
	MacData  asn1.RawValue `asn1:"optional"`
}

// sniffDER returns the structure of der, trying the unambiguous ones first.
func sniffDER(der []byte) derType {
	var pfx pfxPDU
	if rest, err := asn1.Unmarshal(der, &pfx); err == nil && len(rest) == 0 && pfx.Version == 3 &&
		(pfx.AuthSafe.ContentType.Equal(oidData) || pfx.AuthSafe.ContentType.Equal(oidSignedData)) {
		return derPKCS12
	}
	var ci contentInfo
	if rest, err := asn1.Unmarshal(der, &ci); err == nil && len(rest) == 0 && ci.ContentType.Equal(oidSignedData) {
		return derPKCS7
	}
	if certs, err := x509.ParseCertificates(der); err == nil && len(certs) > 0 {
		return derCertificates
	}
	if _, err := x509.ParseCertificateRequest(der); err == nil {
		return derCSR
	}
	if _, err := pki.ParsePrivateKeyPEM(der); errors.Is(err, pki.ErrEncryptedKey) {
		return derEncryptedPKCS8
	}
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return derPKCS8
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return derPKCS1
	}
	if _, err := x509.ParseECPrivateKey(der); err == nil {
		return derSEC1
	}
	if _, err := x509.ParsePKIXPublicKey(der); err == nil {
		return derPublicKey
	}
	// BER-encoded PKCS#12 (some Windows exports) fails the strict DER
	// check above; go-pkcs12 converts BER itself.
	if _, _, _, err := pki.DecodePKCS12(der, ""); err == nil || errors.Is(err, pki.ErrBadPassphrase) {
		return derPKCS12
	}
	return derUnknown
}

// isLegacyEncrypted reports whether block is encrypted the legacy OpenSSL
// way ("Proc-Type: 4,ENCRYPTED").
func isLegacyEncrypted(headers map[string]string) bool {
	return len(headers["Proc-Type"]) > 0 && containsFold(headers["Proc-Type"], "ENCRYPTED")
}
