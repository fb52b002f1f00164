package sisgru

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strconv"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
)

// MaxCertificateSize is the largest certificate file an external system may
// register (seed: "tamanho máximo de 6KB").
const MaxCertificateSize = 6 * 1024

// MinRSABits is the smallest public key an external system's certificate
// may hold (seed: "pelo menos 2048 bits").
const MinRSABits = 2048

func invalidCert(msg string) error { return &errs.Error{Kind: errs.EInvalid, Message: msg} }

// CheckCertificate applies the seed's rules for the certificate of an
// external system (PEM, .pem/.cer/.crt, without the authority chain, at most
// 6 KB, RSA, in force, not self-signed, a public key of at least 2048 bits)
// to data at now, and returns the certificate. Each broken rule is an EInvalid
// error whose message, in Portuguese, says which.
func CheckCertificate(data []byte, now time.Time) (*x509.Certificate, error) {
	if len(data) > MaxCertificateSize {
		return nil, invalidCert("O certificado deve ter no máximo 6 KB (o arquivo tem " + strconv.Itoa(len(data)) + " bytes).")
	}
	var der []byte
	rest := data
	blocks := 0
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks++
		if b.Type != "CERTIFICATE" {
			return nil, invalidCert("O arquivo deve conter apenas o certificado, no formato PEM (encontrado um bloco \"" + b.Type + "\").")
		}
		if der != nil {
			return nil, invalidCert("O certificado deve ser informado sem as cadeias de autoridade: o arquivo contém mais de um certificado.")
		}
		der = b.Bytes
	}
	if blocks == 0 || len(bytes.TrimSpace(rest)) > 0 {
		return nil, invalidCert("O certificado deve estar no formato PEM (-----BEGIN CERTIFICATE-----, extensão .pem, .cer ou .crt).")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &errs.Error{Kind: errs.EInvalid, Message: "O certificado não pôde ser lido: conteúdo X.509 inválido.", Err: err}
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, invalidCert("O certificado deve utilizar o algoritmo RSA.")
	}
	if pub.N.BitLen() < MinRSABits {
		return nil, invalidCert("A Chave Pública do certificado deve ter pelo menos 2048 bits (tem " + strconv.Itoa(pub.N.BitLen()) + ").")
	}
	if now.After(cert.NotAfter) {
		return nil, invalidCert("O certificado está vencido (válido até " + AppendTimestampString(cert.NotAfter) + ").")
	}
	if now.Before(cert.NotBefore) {
		return nil, invalidCert("O certificado ainda não está vigente (válido a partir de " + AppendTimestampString(cert.NotBefore) + ").")
	}
	if SelfSigned(cert) {
		return nil, invalidCert("O certificado não pode ser autoassinado: informe um certificado emitido por uma Autoridade Certificadora.")
	}
	return cert, nil
}

// SelfSigned reports whether cert is signed by its own key (issuer equal to
// subject and a signature its own public key verifies).
func SelfSigned(cert *x509.Certificate) bool {
	return bytes.Equal(cert.RawIssuer, cert.RawSubject) &&
		cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) == nil
}

// AppendTimestampString formats t as dd/MM/yyyy HH:mm:ss in Brasília.
func AppendTimestampString(t time.Time) string { return string(AppendTimestamp(nil, t)) }
