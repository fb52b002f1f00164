package certdoctor

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
)

// minRSABits is the smallest RSA key seed 000 Anexo IV accepts ("Tamanho da
// chave: 2048 ou mais").
const minRSABits = 2048

// KeyDescription describes a public key: "RSA 2048", "ECDSA P-256",
// "Ed25519".
func KeyDescription(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

// PublicKeyMD5 returns the digest seed 000 Anexo V compares to tell whether
// a key and a certificate correspond, and what it is the digest of. For RSA
// it is the MD5 of the modulus exactly as
//
//	openssl x509 -modulus -noout -in CERT | openssl md5
//	openssl rsa -modulus -noout -in KEY | openssl md5
//
// print it (the MD5 of "Modulus=<HEX>\n"). Other keys have no modulus; for
// them it is the MD5 of the PEM public key, as
//
//	openssl x509 -pubkey -noout -in CERT | openssl md5
//	openssl pkey -pubout -in KEY | openssl md5
//
// print it.
func PublicKeyMD5(pub crypto.PublicKey) (digest, what string) {
	if k, ok := pub.(*rsa.PublicKey); ok {
		sum := md5.Sum([]byte("Modulus=" + strings.ToUpper(k.N.Text(16)) + "\n"))
		return hex.EncodeToString(sum[:]), "MD5 do módulo"
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", ""
	}
	sum := md5.Sum(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	return hex.EncodeToString(sum[:]), "MD5 da chave pública"
}

// samePublicKey reports whether a and b are the same public key.
func samePublicKey(a, b crypto.PublicKey) bool {
	if a == nil || b == nil {
		return false
	}
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// weakKey reports whether pub is an RSA key under 2048 bits, and its size.
func weakKey(pub crypto.PublicKey) (int, bool) {
	if k, ok := pub.(*rsa.PublicKey); ok && k.N.BitLen() < minRSABits {
		return k.N.BitLen(), true
	}
	return 0, false
}

// isRSA reports whether pub is an RSA key.
func isRSA(pub crypto.PublicKey) bool {
	_, ok := pub.(*rsa.PublicKey)
	return ok
}
