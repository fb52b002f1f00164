package pki_test

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/brasa-dev/brasa/internal/pki"
)

// TestPayloadSignerVerifiesWithGoJose checks the JWS and JWKS with an
// independent JOSE implementation, the way a payer app would: fetch the JWKS
// named by jku, pick the key by kid, verify, and check x5c chains to the CA
// and names the jku host.
func TestPayloadSignerVerifiesWithGoJose(t *testing.T) {
	ca, _ := MustNewCA(t, time.Now())
	key, cert, err := ca.IssuePayloadSigning([]string{"qr.example.com.br"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := pki.NewPayloadSigner(key, []*x509.Certificate{cert, ca.Intermediate}, "https://qr.example.com.br/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"txid":"fc9a4366ff3d4964b5dbc6c91a8722d3","revisao":0,"status":"ATIVA","valor":{"original":"10.00"}}`)
	compact, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}

	var set jose.JSONWebKeySet
	if err := json.Unmarshal(s.JWKS(), &set); err != nil {
		t.Fatalf("JWKS does not parse with go-jose: %v\n%s", err, s.JWKS())
	}
	jws, err := jose.ParseSigned(compact, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	h := jws.Signatures[0].Protected
	if h.Algorithm != "RS256" || h.KeyID != s.KeyID() || h.ExtraHeaders["jku"] != "https://qr.example.com.br/jwks.json" {
		t.Errorf("header %+v", h)
	}
	if got, want := h.ExtraHeaders["x5t"], pki.ThumbprintSHA1(cert); got != want {
		t.Errorf("x5t = %v, want %v", got, want)
	}
	keys := set.Key(h.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %s not in the JWKS", h.KeyID)
	}
	got, err := jws.Verify(keys[0])
	if err != nil || string(got) != string(payload) {
		t.Fatalf("verify: %v, payload %s", err, got)
	}
	chain := keys[0].Certificates
	if len(chain) != 2 || !chain[0].Equal(cert) {
		t.Fatalf("x5c must be leaf then chain, got %d certificates", len(chain))
	}
	inter := x509.NewCertPool()
	inter.AddCert(chain[1])
	if _, err := chain[0].Verify(x509.VerifyOptions{Roots: ca.Pool(), Intermediates: inter, DNSName: "qr.example.com.br"}); err != nil {
		t.Errorf("x5c does not chain to the CA for the jku host: %v", err)
	}
	var raw map[string]any
	_ = json.Unmarshal(s.JWKS(), &raw)
	k := raw["keys"].([]any)[0].(map[string]any)
	if ops, _ := k["key_ops"].([]any); len(ops) != 1 || ops[0] != "verify" {
		t.Errorf("key_ops = %v, want [verify]", k["key_ops"])
	}

	// A flipped payload byte fails.
	parts := strings.Split(compact, ".")
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	p[10] ^= 1
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(p) + "." + parts[2]
	if j, err := jose.ParseSigned(tampered, []jose.SignatureAlgorithm{jose.RS256}); err == nil {
		if _, err := j.Verify(keys[0]); err == nil {
			t.Error("a tampered payload verified")
		}
	}
}

func TestPayloadSignerRefusesNonRSA(t *testing.T) {
	ca, _ := MustNewCA(t, time.Now())
	c, err := ca.IssueServer([]string{"qr.example.com.br"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pki.NewPayloadSigner(c.PrivateKey.(crypto.Signer), []*x509.Certificate{c.Leaf}, "https://qr.example.com.br/jwks.json"); err == nil {
		t.Error("an ECDSA key was accepted for RS256")
	}
}
