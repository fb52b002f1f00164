package pixapi

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// ErrKeyMismatch is wrapped by the error [New] and [NewFromSandbox] return
// when the private key given with [WithCertificate], [WithCertificateFiles] or
// [WithPKCS12File] is not the one the client certificate was issued for.
// Postman reports the same condition as KEY_VALUES_MISMATCH.
var ErrKeyMismatch = errors.New("pixapi: key does not match certificate (KEY_VALUES_MISMATCH)")

// ErrEncryptedKey is wrapped by the error [New] and [NewFromSandbox] return
// when the key file of [WithCertificateFiles] is protected by a password ("ENCRYPTED PRIVATE KEY" or
// a legacy "Proc-Type: 4,ENCRYPTED" header). Use the key without a password,
// as the PSPs recommend, or a PKCS#12 file with [WithPKCS12File].
var ErrEncryptedKey = errors.New("pixapi: private key is encrypted (password-protected)")

// loadCertificateFiles reads a certificate (PEM or DER, possibly a PEM chain)
// and its private key (PEM or DER; PKCS#8, PKCS#1 or SEC1).
func loadCertificateFiles(certFile, keyFile string) (tls.Certificate, error) {
	certData, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pixapi: reading certificate: %w", err)
	}
	chain, err := parseCertificates(certData)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pixapi: certificate %s: %w", certFile, err)
	}
	keyData, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pixapi: reading private key: %w", err)
	}
	key, err := parsePrivateKey(keyData)
	if err != nil {
		if errors.Is(err, ErrEncryptedKey) {
			return tls.Certificate{}, fmt.Errorf("%w: %s", err, keyFile)
		}
		return tls.Certificate{}, fmt.Errorf("pixapi: private key %s: %w", keyFile, err)
	}
	cert := certificateFrom(chain, key)
	if err := checkKeyPair(cert); err != nil {
		return tls.Certificate{}, fmt.Errorf("%w (certificate %s, key %s)", err, certFile, keyFile)
	}
	return cert, nil
}

// loadPKCS12File reads a certificate, its chain and its key from a PKCS#12
// file.
func loadPKCS12File(file, password string) (tls.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pixapi: reading PKCS#12 file: %w", err)
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pixapi: PKCS#12 file %s: %w", file, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return tls.Certificate{}, fmt.Errorf("pixapi: PKCS#12 file %s: unsupported private key type %T", file, key)
	}
	cert := certificateFrom(append([]*x509.Certificate{leaf}, cas...), signer)
	if err := checkKeyPair(cert); err != nil {
		return tls.Certificate{}, fmt.Errorf("%w (PKCS#12 file %s)", err, file)
	}
	return cert, nil
}

// certificateFrom assembles a tls.Certificate from a chain (leaf first).
func certificateFrom(chain []*x509.Certificate, key crypto.Signer) tls.Certificate {
	cert := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	return cert
}

// parseCertificates parses every CERTIFICATE block of PEM data, or data as a
// single DER certificate.
func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	var chain []*x509.Certificate
	rest := data
	sawPEM := false
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		sawPEM = true
		if block.Type != "CERTIFICATE" {
			if strings.Contains(block.Type, "REQUEST") {
				return nil, fmt.Errorf("found a %s (a CSR), not a certificate", block.Type)
			}
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		chain = append(chain, c)
	}
	if len(chain) > 0 {
		return chain, nil
	}
	if sawPEM {
		return nil, errors.New("no CERTIFICATE block found")
	}
	c, err := x509.ParseCertificate(data)
	if err != nil {
		return nil, fmt.Errorf("neither PEM nor DER: %w", err)
	}
	return []*x509.Certificate{c}, nil
}

// parsePrivateKey parses the first private key block of PEM data, or data as
// a DER key. It reports encrypted keys with ErrEncryptedKey.
func parsePrivateKey(data []byte) (crypto.Signer, error) {
	rest := data
	sawPEM := false
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		sawPEM = true
		switch {
		case block.Type == "ENCRYPTED PRIVATE KEY":
			return nil, ErrEncryptedKey
		case strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED"):
			return nil, ErrEncryptedKey
		case block.Type == "CERTIFICATE":
			return nil, errors.New("found a CERTIFICATE, not a private key (are the certificate and key files swapped?)")
		case block.Type == "PRIVATE KEY" || strings.HasSuffix(block.Type, " PRIVATE KEY"):
			return parseDERKey(block.Bytes)
		}
		// Skip other blocks, such as the EC PARAMETERS openssl writes.
	}
	if sawPEM {
		return nil, errors.New("no PRIVATE KEY block found")
	}
	return parseDERKey(data)
}

// parseDERKey parses a DER private key in PKCS#8, PKCS#1 or SEC1 form.
func parseDERKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", k)
		}
		return s, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("unrecognized private key (want PKCS#8, PKCS#1 or SEC1)")
}

// checkKeyPair reports ErrKeyMismatch if cert's private key does not belong
// to its leaf certificate.
func checkKeyPair(cert tls.Certificate) error {
	if len(cert.Certificate) == 0 {
		return errors.New("pixapi: client certificate has no certificate")
	}
	leaf := cert.Leaf
	if leaf == nil {
		var err error
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return fmt.Errorf("pixapi: client certificate: %w", err)
		}
	}
	signer, ok := cert.PrivateKey.(crypto.Signer)
	if !ok {
		// An opaque key (an HSM handle, say) cannot be checked here; the
		// handshake will tell.
		return nil
	}
	pub, ok := leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return nil
	}
	if !pub.Equal(signer.Public()) {
		return ErrKeyMismatch
	}
	return nil
}
