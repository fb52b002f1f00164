package certdoctor

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/brasa-dev/brasa/internal/pki"
)

// ErrPasswordNeeded is returned by [ConvertToPEM] for a PKCS#12 file that
// the empty password does not open when no password is given.
var ErrPasswordNeeded = errors.New("certdoctor: the PKCS#12 file is protected by a password")

// Conversion is the result of [ConvertToPEM].
type Conversion struct {
	// PEM is the converted file.
	PEM []byte
	// From is the input's format; FormatPEM means it was passed through.
	From Format
	// What describes the content in the seed's terms.
	What string
	// PrivateKey reports whether PEM holds a private key, encrypted or not
	// (such a file should be written with mode 0600).
	PrivateKey bool
}

// ConvertToPEM converts a DER file to PEM, keeping its structure: X.509
// certificates (one or more) become "CERTIFICATE" blocks, a PKCS#10 request
// "CERTIFICATE REQUEST", a PKCS#8 key "PRIVATE KEY", a PKCS#1 key "RSA
// PRIVATE KEY", a SEC 1 key "EC PRIVATE KEY", an encrypted PKCS#8 key
// "ENCRYPTED PRIVATE KEY" (still encrypted), as `openssl x509 -inform der`,
// `openssl req -inform der` and `openssl pkey -inform der` do. A PKCS#12
// file is opened with password and written as its certificate, its chain,
// then its key as unencrypted PKCS#8, as `openssl pkcs12 -nodes` does; it
// returns [ErrPasswordNeeded] when password is empty and the empty password
// does not open it, and an error wrapping [pki.ErrBadPassphrase] when
// password is wrong. PEM input is returned unchanged.
func ConvertToPEM(data []byte, password string) (Conversion, error) {
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		return convertPEM(data)
	}
	t := sniffDER(data)
	switch t {
	case derUnknown:
		return Conversion{}, errors.New("certdoctor: not a certificate, CSR, private key or PKCS#12 file in DER")
	case derPKCS12:
		return convertPKCS12(data, password)
	case derCertificates:
		certs, err := x509.ParseCertificates(data)
		if err != nil {
			return Conversion{}, fmt.Errorf("certdoctor: %w", err)
		}
		what := KindCertificate.Label()
		if len(certs) > 1 {
			what = fmt.Sprintf("%d certificados", len(certs))
		}
		return Conversion{PEM: pki.EncodeCertificatesPEM(certs...), From: FormatDER, What: what}, nil
	}
	c := Conversion{PEM: pem.EncodeToMemory(&pem.Block{Type: t.pemType(), Bytes: data}), From: FormatDER}
	switch t {
	case derCSR:
		c.What = KindCSR.Label()
	case derPKCS8, derPKCS1, derSEC1:
		c.What, c.PrivateKey = KindPrivateKey.Label(), true
	case derEncryptedPKCS8:
		c.What, c.PrivateKey = KindEncryptedKey.Label(), true
	case derPKCS7:
		c.What = "pacote PKCS#7 (.p7b)"
	case derPublicKey:
		c.What = "chave pública"
	}
	return c, nil
}

// convertPEM checks PEM input and passes it through.
func convertPEM(data []byte) (Conversion, error) {
	c := Conversion{PEM: data, From: FormatPEM}
	var kinds []string
	for rest := data; ; {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		kinds = append(kinds, block.Type)
		if strings.Contains(block.Type, "PRIVATE KEY") {
			c.PrivateKey = true
		}
	}
	if len(kinds) == 0 {
		return Conversion{}, errors.New("certdoctor: corrupt PEM: no complete -----BEGIN/-----END block")
	}
	c.What = "PEM: " + strings.Join(kinds, ", ")
	return c, nil
}

// convertPKCS12 writes a PKCS#12 file's certificate, chain and key as PEM.
func convertPKCS12(data []byte, password string) (Conversion, error) {
	key, cert, chain, err := pki.DecodePKCS12(data, password)
	if errors.Is(err, pki.ErrBadPassphrase) && password == "" {
		return Conversion{}, ErrPasswordNeeded
	}
	if err != nil {
		return Conversion{}, err
	}
	out := pki.EncodeCertificatesPEM(append([]*x509.Certificate{cert}, chain...)...)
	keyPEM, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		return Conversion{}, err
	}
	return Conversion{PEM: append(out, keyPEM...), From: FormatPKCS12, What: KindPKCS12.Label(), PrivateKey: true}, nil
}
