package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
)

// CreateCSR creates a PKCS#10 certificate signing request (RFC 2986) for
// key with subject and e-mail addresses, signed by key, and returns it as a
// "CERTIFICATE REQUEST" PEM block.
func CreateCSR(key crypto.Signer, subject pkix.Name, emails []string) ([]byte, error) {
	if key == nil {
		return nil, errors.New("pki: create CSR: nil key")
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:        subject,
		EmailAddresses: emails,
	}, key)
	if err != nil {
		return nil, fmt.Errorf("pki: create CSR: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemCSR, Bytes: der}), nil
}

// ParseCSR parses a certificate signing request in PEM ("CERTIFICATE
// REQUEST", or "NEW CERTIFICATE REQUEST" as older tools write) or DER. It
// does not check the request's signature; [CA.SignCSR] does.
func ParseCSR(data []byte) (*x509.CertificateRequest, error) {
	der, err := csrDER(data)
	if err != nil {
		return nil, err
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parse CSR: %w", err)
	}
	return csr, nil
}

// csrDER returns the DER request in data: the first request block of PEM
// data, or data itself when it holds no PEM.
func csrDER(data []byte) ([]byte, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return data, nil
	}
	for ; block != nil; block, rest = pem.Decode(rest) {
		if block.Type == pemCSR || block.Type == pemNewCSR {
			return block.Bytes, nil
		}
	}
	return nil, errors.New("pki: parse CSR: no CERTIFICATE REQUEST block in PEM data")
}
