package pki_test

import (
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
)

func TestVerifyPayloadJWS(t *testing.T) {
	ca, _ := MustNewCA(t, time.Time{})
	key, cert, err := ca.IssuePayloadSigning([]string{"127.0.0.1"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := pki.NewPayloadSigner(key, []*x509.Certificate{cert, ca.Intermediate}, "https://127.0.0.1:8444/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	payload := `{"txid":"abc","valor":{"original":"10.00"}}`
	tok, err := signer.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	got, err := pki.VerifyPayloadJWS(tok, signer.JWKS(), ca.Pool(), "127.0.0.1", now)
	if err != nil || string(got) != payload {
		t.Fatalf("VerifyPayloadJWS = %q, %v", got, err)
	}

	parts := strings.Split(tok, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(payload, "10.00", "1.00", 1))) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","jku":"https://127.0.0.1:8444/jwks.json"}`)) + "." + parts[1] + "."
	other, _ := MustNewCA(t, time.Time{})
	for name, c := range map[string]struct {
		tok, host string
		roots     *x509.CertPool
	}{
		"tampered payload": {tampered, "127.0.0.1", ca.Pool()},
		"alg none":         {none, "127.0.0.1", ca.Pool()},
		"another host":     {tok, "localhost", ca.Pool()},
		"untrusted chain":  {tok, "127.0.0.1", other.Pool()},
	} {
		if _, err := pki.VerifyPayloadJWS(c.tok, signer.JWKS(), c.roots, c.host, now); err == nil {
			t.Errorf("%s: verified, want an error", name)
		}
	}
	if _, err := pki.VerifyPayloadJWS(tok, signer.JWKS(), ca.Pool(), "127.0.0.1", now.Add(20*365*24*time.Hour)); err == nil {
		t.Error("expired certificate: verified, want an error")
	}
}
