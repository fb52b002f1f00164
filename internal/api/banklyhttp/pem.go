package banklyhttp

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/pem"
)

func certPEM(der []byte) string {
	if len(der) == 0 {
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// certThumbprint is the x5t#S256 of a DER certificate.
func certThumbprint(der []byte) string {
	if len(der) == 0 {
		return ""
	}
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
