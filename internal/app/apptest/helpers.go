package apptest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/spectest"
	"github.com/brasa-dev/brasa/pixapi"
)

// SpecClient returns the demo tenant's SDK client whose every Pix API
// response is validated against the official spec.
func SpecClient(t testing.TB, h *Harness) *pixapi.Client {
	t.Helper()
	spec := spectest.Validator(t)
	cert := h.DemoCertificate()
	c, err := pixapi.New(h.APIURL(), pixapi.WithHTTPClient(spec.Client(t, h.Client(&cert))),
		pixapi.WithCredentials(h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ProblemOf returns the *pixapi.Problem err wraps, failing t when it wraps none.
func ProblemOf(t testing.TB, err error) *pixapi.Problem {
	t.Helper()
	var p *pixapi.Problem
	if !errors.As(err, &p) {
		t.Fatalf("err = %v, want a *pixapi.Problem", err)
	}
	return p
}

// HasViolation reports whether p names the dotted property prop in its violacoes.
func HasViolation(p *pixapi.Problem, prop string) bool {
	for _, v := range p.Violacoes {
		if v.Propriedade == prop {
			return true
		}
	}
	return false
}

// TokenRequest builds a form-encoded POST /oauth/token with Basic auth.
func TokenRequest(t testing.TB, h *Harness, id, secret, scope string) *http.Request {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	req, err := http.NewRequest("POST", h.APIURL()+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	return req
}

// SelfSignedClient returns a self-signed client certificate, which the Pix
// API must refuse (BACEN does not accept self-signed client certificates).
func SelfSignedClient(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "autoassinado"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// TLSCert assembles a tls.Certificate from a leaf, its key and the CA chain.
func TLSCert(leaf *x509.Certificate, key crypto.Signer, ca *pki.CA) tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Intermediate.Raw}, PrivateKey: key, Leaf: leaf}
}

// VerifyOptions verifies a certificate of the app's CA for host.
func (h *Harness) VerifyOptions(host string) x509.VerifyOptions {
	inter := x509.NewCertPool()
	inter.AddCert(h.App.CA.Intermediate)
	return x509.VerifyOptions{Roots: h.Roots, Intermediates: inter, DNSName: host}
}

// Pay makes the sandbox's payer simulator pay with the control API's body
// (POST /sandbox/v1/payments) and returns the settled Pix.
func Pay(t testing.TB, h *Harness, body string) pixapi.Pix {
	t.Helper()
	status, b := h.Control("POST", "/sandbox/v1/payments", body)
	if status != http.StatusCreated {
		t.Fatalf("payment: %d %s", status, b)
	}
	var p pixapi.Pix
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// PayCode pays the BR Code code as it is (see [Pay]).
func PayCode(t testing.TB, h *Harness, code string) pixapi.Pix {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"pixCopiaECola": code})
	return Pay(t, h, string(b))
}
