package pki

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"time"
)

// CertType says what a certificate issued by the brasa CA is for.
type CertType string

// The certificate types brasa issues or registers.
const (
	CertClient  CertType = "CLIENT"  // an integrator's mTLS certificate (Pix API, seed 000)
	CertServer  CertType = "SERVER"  // a listener's certificate
	CertWebhook CertType = "WEBHOOK" // the certificate brasa presents to webhook receivers
	CertPartner CertType = "PARTNER" // a Bankly partner certificate (seed 001)
	CertBanking CertType = "BANKING" // a Banking API client certificate (seed 002)
)

// CertStatus is a certificate's revocation state.
type CertStatus string

// The certificate states.
const (
	CertActive  CertStatus = "ACTIVE"
	CertRevoked CertStatus = "REVOKED"
)

// CertificateRecord is what brasa stores about a certificate it issued or
// registered: enough to list it, bind it to credentials and revoke it. The
// private key is never part of it.
type CertificateRecord struct {
	Serial           string // lowercase hex of the serial number
	Thumbprint       string // x5t#S256 (RFC 8705 §3.1): base64url SHA-256 of the DER
	Type             CertType
	Owner            string // CPF/CNPJ, partner company key or account id
	Subject          string // RFC 4514 string of the subject
	NotBefore        time.Time
	NotAfter         time.Time
	Status           CertStatus
	RevokedAt        time.Time // zero unless revoked
	RevocationReason string
	DER              []byte
	CreatedAt        time.Time
}

// NewCertificateRecord describes cert as an active certificate of type t
// belonging to owner, created at now.
func NewCertificateRecord(cert *x509.Certificate, t CertType, owner string, now time.Time) *CertificateRecord {
	sum := sha256.Sum256(cert.Raw)
	return &CertificateRecord{
		Serial:     cert.SerialNumber.Text(16),
		Thumbprint: base64.RawURLEncoding.EncodeToString(sum[:]),
		Type:       t,
		Owner:      owner,
		Subject:    cert.Subject.String(),
		NotBefore:  cert.NotBefore,
		NotAfter:   cert.NotAfter,
		Status:     CertActive,
		DER:        cert.Raw,
		CreatedAt:  now,
	}
}
