package pixapi_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// testCA is a throwaway CA issuing leaf certificates for the receiver tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "receiver test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) leaf(t *testing.T, cn string, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	if ip := net.ParseIP(cn); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{cn}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

func TestReceiver(t *testing.T) {
	psp := newTestCA(t)    // the PSP's CA (brasa's)
	server := newTestCA(t) // the integrator's server certificate's CA
	pspPool := x509.NewCertPool()
	pspPool.AddCert(psp.cert)
	var mu sync.Mutex
	var got []pixapi.Pix
	srv := httptest.NewUnstartedServer(pixapi.Receiver(func(ctx context.Context, pix []pixapi.Pix) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, pix...)
		return nil
	}))
	srv.TLS = pixapi.ReceiverTLSConfig(server.leaf(t, "127.0.0.1", x509.ExtKeyUsageServerAuth), pspPool)
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(server.cert)
	client := func(cert *tls.Certificate) *http.Client {
		tc := &tls.Config{RootCAs: roots}
		if cert != nil {
			tc.Certificates = []tls.Certificate{*cert}
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}
	}
	body := `{"pix":[{"endToEndId":"E01181521202611220000abcdefghijk","txid":"fc9a4366ff3d4964b5dbc6c91a8722d3","valor":"10.00","chave":"x","horario":"2026-11-22T10:00:00.000Z"}]}`
	pspCert := psp.leaf(t, "webhook.brasa", x509.ExtKeyUsageClientAuth)

	for _, path := range []string{"/webhook", "/webhook/pix"} {
		resp, err := client(&pspCert).Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("POST %s with the PSP's certificate: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	if len(got) != 2 || got[0].EndToEndID != "E01181521202611220000abcdefghijk" || got[0].Valor != "10.00" {
		t.Errorf("handler got %+v", got)
	}

	// Another CA's client certificate, or none: the handshake fails.
	stranger := newTestCA(t).leaf(t, "intruso", x509.ExtKeyUsageClientAuth)
	for name, c := range map[string]*http.Client{"other CA": client(&stranger), "no certificate": client(nil)} {
		if resp, err := c.Post(srv.URL+"/webhook/pix", "application/json", strings.NewReader(body)); err == nil {
			resp.Body.Close()
			t.Errorf("%s: accepted (status %d)", name, resp.StatusCode)
		}
	}
	for name, tc := range map[string]struct {
		method, body string
		want         int
	}{
		"GET":          {"GET", "", 405},
		"not pix body": {"POST", `{"cob":[]}`, 400},
		"broken JSON":  {"POST", `{"pix":[`, 400},
		"no e2eid":     {"POST", `{"pix":[{"valor":"1.00"}]}`, 400},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+"/webhook/pix", strings.NewReader(tc.body))
		resp, err := client(&pspCert).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", name, resp.StatusCode, tc.want)
		}
	}
}
