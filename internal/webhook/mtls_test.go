package webhook_test

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/spectest"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/internal/webhook/webhooktest"
	"github.com/brasa-dev/brasa/pixapi"
)

// These tests run over real sockets and real time: mutual TLS with
// certificates from the brasa CA (internal/pki).

const clientCN = "brasa webhook"

// tlsFixture is a brasa CA with a receiver's server certificate and brasa's
// webhook client certificate, and a CA brasa does not use.
type tlsFixture struct {
	ca, other *pki.CA
	server    tls.Certificate // from ca, for 127.0.0.1
	client    tls.Certificate // from ca, brasa's webhook certificate
}

func newTLSFixture(t testing.TB) *tlsFixture {
	t.Helper()
	var f tlsFixture
	var err error
	if f.ca, err = pki.NewCA(pki.CAOptions{}); err != nil {
		t.Fatal(err)
	}
	if f.other, err = pki.NewCA(pki.CAOptions{CommonNameRoot: "Other Root CA"}); err != nil {
		t.Fatal(err)
	}
	if f.server, err = f.ca.IssueServer([]string{"127.0.0.1", "localhost"}, 0); err != nil {
		t.Fatal(err)
	}
	f.client = issueClient(t, f.ca)
	return &f
}

func issueClient(t testing.TB, ca *pki.CA) tls.Certificate {
	t.Helper()
	key, err := pki.GenerateKey(nil, pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.IssueClient(pki.ClientRequest{
		Subject:   pkix.Name{CommonName: clientCN, Organization: []string{"brasa"}},
		PublicKey: key.Public(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Intermediate.Raw}, PrivateKey: key, Leaf: leaf}
}

// startReceiver starts an HTTPS receiver serving h with cert that requires
// and verifies a client certificate issued under clientCAs.
func startReceiver(t testing.TB, h http.Handler, cert tls.Certificate, clientCAs *x509.CertPool) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = pki.ServerTLSConfig(cert, tls.RequireAndVerifyClientCert, clientCAs)
	srv.Config.ErrorLog = log.New(t.Output(), "receiver: ", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// runReal runs a dispatcher on s over TLS with cfg, with short intervals,
// until t ends.
func runReal(t *testing.T, s webhook.Store, cfg *tls.Config) *webhook.Dispatcher {
	t.Helper()
	d, err := webhook.New(webhook.Options{
		Store:     s,
		TLSConfig: cfg,
		Log:       testLogger(t),
		Poll:      20 * time.Millisecond,
		Backoff:   webhook.Backoff{Base: 20 * time.Millisecond, Max: 100 * time.Millisecond},
		URLPolicy: webhook.URLPolicy{AllowLoopback: true, AllowAnyPort: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	start(t, d)
	return d
}

// eventually polls cond until it holds or 10 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestMutualTLSDelivery(t *testing.T) {
	f := newTLSFixture(t)
	rc := &receiver{}
	srv := startReceiver(t, rc, f.server, f.ca.Pool())
	s := webhooktest.New()

	// Two Pix of chave-a, whose URL has a query string; a refund of a Pix
	// of chave-b.
	withQuery := srv.URL + "/hook?token=s3cret"
	a1 := enqueue(t, s, "chave-a", withQuery, e2e(1))
	a2 := enqueue(t, s, "chave-a", withQuery, e2e(2))
	refunded := newPix(e2e(3), "chave-b")
	refunded.Devolucoes = []pixapi.Devolucao{{
		ID:      "d1",
		RtrID:   "D0118152120260302120012345678901",
		Valor:   "10.00",
		Horario: pixapi.DevolucaoHorario{Solicitacao: refunded.Horario, Liquidacao: refunded.Horario},
		Status:  pixapi.DevolucaoDevolvido,
	}}
	b, err := webhook.NewNotification(webhook.KindDevolucao, documento, srv.URL+"/cb", refunded, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(t.Context(), b); err != nil {
		t.Fatal(err)
	}

	d := runReal(t, s, pki.ClientTLSConfig(&f.client, f.ca.Pool()))
	d.Notify()
	eventually(t, "3 deliveries", func() bool { return countStatus(t, s, webhook.StatusDelivered) == 3 })

	spec := spectest.Validator(t)
	reqs := rc.requests()
	if len(reqs) != 2 {
		t.Fatalf("receiver got %d POSTs, want 2 (one per chave)", len(reqs))
	}
	for _, r := range reqs {
		if r.Method != http.MethodPost || r.ContentType != "application/json" || r.ClientCN != clientCN {
			t.Errorf("request %s (%s) from client %q: want POST application/json from %q", r.Method, r.ContentType, r.ClientCN, clientCN)
		}
		spec.ValidateWebhookNotification(t, r.Body)
		if !strings.HasPrefix(string(r.Body), `{"pix":[{`) {
			t.Errorf("body %s: want {\"pix\":[...]}", r.Body)
		}
		switch chave := r.Pix[0].Chave; chave {
		case "chave-a":
			// bacen/pix-api#241: the suffix goes after the query string.
			if r.Path != "/hook" || r.RawQuery != "token=s3cret/pix" {
				t.Errorf("chave-a POSTed to path %q query %q, want /hook and token=s3cret/pix", r.Path, r.RawQuery)
			}
			if len(r.Pix) != 2 || r.Pix[0].EndToEndID != e2e(1) || r.Pix[1].EndToEndID != e2e(2) {
				t.Errorf("chave-a POST carries %+v, want %s and %s", r.Pix, e2e(1), e2e(2))
			}
		case "chave-b":
			if r.Path != "/cb/pix" || r.RawQuery != "" {
				t.Errorf("chave-b POSTed to path %q query %q, want /cb/pix", r.Path, r.RawQuery)
			}
			if len(r.Pix) != 1 || len(r.Pix[0].Devolucoes) != 1 || r.Pix[0].Devolucoes[0].Status != pixapi.DevolucaoDevolvido {
				t.Errorf("chave-b POST carries %+v, want the refunded Pix", r.Pix)
			}
		default:
			t.Errorf("POST for chave %q", chave)
		}
	}
	for _, n := range []*webhook.Notification{a1, a2, b} {
		atts := attempts(t, s, n.ID)
		if len(atts) != 1 || atts[0].StatusCode != http.StatusOK || atts[0].Error != "" || atts[0].Latency <= 0 {
			t.Errorf("attempts of %s: %+v, want one 200", n.EndToEndID, atts)
		}
	}
	if atts := attempts(t, s, a1.ID); len(atts) == 1 && atts[0].URL != withQuery+"/pix" {
		t.Errorf("attempt URL %q, want %q", atts[0].URL, withQuery+"/pix")
	}
}

// TestMutualTLSRefused: when the handshake fails, the attempt is recorded
// with an error and no status, retried, and the receiver's handler never
// runs. The error says what failed, without the URL (whose query may carry a
// token).
func TestMutualTLSRefused(t *testing.T) {
	f := newTLSFixture(t)
	otherServer, err := f.other.IssueServer([]string{"127.0.0.1"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		server    tls.Certificate
		clientCAs *x509.CertPool
		client    *tls.Config
		wantErr   string
	}{
		{"ReceiverDoesNotTrustBrasaCA", f.server, f.other.Pool(), pki.ClientTLSConfig(&f.client, f.ca.Pool()),
			"remote error: tls: unknown certificate authority"},
		{"BrasaDoesNotTrustReceiver", otherServer, f.ca.Pool(), pki.ClientTLSConfig(&f.client, f.ca.Pool()),
			"tls: failed to verify certificate: x509: certificate signed by unknown authority"},
		{"NoClientCertificate", f.server, f.ca.Pool(), pki.ClientTLSConfig(nil, f.ca.Pool()),
			"remote error: tls: certificate required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var served atomic.Int32
			srv := startReceiver(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served.Add(1) }), c.server, c.clientCAs)
			s := webhooktest.New()
			n := enqueue(t, s, "chave-a", srv.URL+"/hook?token=s3cret", e2e(1))
			runReal(t, s, c.client)
			eventually(t, "3 attempts", func() bool { return len(attempts(t, s, n.ID)) >= 3 })

			for i, a := range attempts(t, s, n.ID) {
				if a.StatusCode != 0 || a.Error != c.wantErr {
					t.Errorf("attempt %d: status %d, error %q; want no status, error %q", i+1, a.StatusCode, a.Error, c.wantErr)
				}
			}
			if got := notification(t, s, n.ID); got.Status != webhook.StatusPending {
				t.Errorf("status %s, want pending (retried)", got.Status)
			}
			if served.Load() != 0 {
				t.Errorf("the receiver's handler ran %d times", served.Load())
			}
		})
	}
}

// TestMutualTLSRecoversWhenTrusted: a receiver that rejects brasa's
// certificate, then trusts it (the integrator installs the chain), gets the
// notification on a later attempt.
func TestMutualTLSRecoversWhenTrusted(t *testing.T) {
	f := newTLSFixture(t)
	rc := &receiver{}
	var trusted atomic.Bool
	srv := httptest.NewUnstartedServer(rc)
	srv.TLS = pki.ServerTLSConfig(f.server, tls.RequireAndVerifyClientCert, f.other.Pool())
	srv.TLS.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		pool := f.other.Pool()
		if trusted.Load() {
			pool = f.ca.Pool()
		}
		cfg := pki.ServerTLSConfig(f.server, tls.RequireAndVerifyClientCert, pool)
		return cfg, nil
	}
	srv.Config.ErrorLog = log.New(t.Output(), "receiver: ", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	s := webhooktest.New()
	n := enqueue(t, s, "chave-a", srv.URL+"/hook", e2e(1))
	runReal(t, s, pki.ClientTLSConfig(&f.client, f.ca.Pool()))
	eventually(t, "2 failed attempts", func() bool { return len(attempts(t, s, n.ID)) >= 2 })
	trusted.Store(true)
	eventually(t, "delivery", func() bool { return notification(t, s, n.ID).Status == webhook.StatusDelivered })
	if got := rc.received(); got[e2e(1)] != 1 {
		t.Errorf("received %v, want %s once", got, e2e(1))
	}
}

// TestFidelityWebhookCertificateName: seed 000 §10 asks the receiver's
// certificate to carry the server's domain name. brasa checks the server
// certificate's names against the webhook URL's host (crypto/tls; the
// subjectAltName, as Go has ignored the CN since 1.15) and records an
// attempt error that says so plainly, without the URL's query; the
// notification stays pending (the integrator may fix the certificate) and
// the receiver's handler never runs.
func TestFidelityWebhookCertificateName(t *testing.T) {
	t.Parallel()
	f := newTLSFixture(t)
	// A certificate for receiver.example (and the address the test server
	// listens on), reached as localhost.
	elsewhere, err := f.ca.IssueServer([]string{"receiver.example", "127.0.0.1"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var served atomic.Int32
	srv := startReceiver(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served.Add(1) }), elsewhere, f.ca.Pool())
	s := webhooktest.New()
	n := enqueue(t, s, "chave-a", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/hook?token=s3cret", e2e(1))
	runReal(t, s, pki.ClientTLSConfig(&f.client, f.ca.Pool()))
	eventually(t, "2 attempts", func() bool { return len(attempts(t, s, n.ID)) >= 2 })

	want := "receiver's certificate does not name the webhook URL's host localhost (the certificate's subjectAltName must carry it): " +
		"x509: certificate is valid for receiver.example, not localhost"
	for i, a := range attempts(t, s, n.ID) {
		if a.StatusCode != 0 || a.Error != want {
			t.Errorf("attempt %d: status %d, error %q; want no status, error %q", i+1, a.StatusCode, a.Error, want)
		}
		if strings.Contains(a.Error, "s3cret") {
			t.Errorf("attempt %d error leaks the URL's query: %q", i+1, a.Error)
		}
	}
	if got := notification(t, s, n.ID); got.Status != webhook.StatusPending {
		t.Errorf("status %s, want pending (retried)", got.Status)
	}
	if served.Load() != 0 {
		t.Errorf("the receiver's handler ran %d times", served.Load())
	}
}
