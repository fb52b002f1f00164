package apptest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Callback is one webhook POST a [Receiver] got.
type Callback struct {
	Path string
	// ClientCN is the CN of the client certificate the PSP presented.
	ClientCN string
	Body     []byte
}

// Receiver is an integrator's webhook endpoint for tests: an HTTPS server on
// a real socket that demands a client certificate chaining to ClientCAs
// (mutual TLS, as seed 000 §10 asks of webhook receivers) and records every
// POST. It answers 200 unless Status is set.
type Receiver struct {
	t         testing.TB
	cert      tls.Certificate
	clientCAs *x509.CertPool
	// Addr is the listening address (kept across Stop and Start).
	Addr string
	// Callbacks receives every POST, in arrival order.
	Callbacks chan Callback

	mu     sync.Mutex
	srv    *http.Server
	status int
}

// NewReceiver starts a receiver on addr ("127.0.0.1:0" picks a port) with
// the server certificate cert, trusting client certificates from clientCAs.
// It stops when the test ends.
func NewReceiver(t testing.TB, cert tls.Certificate, clientCAs *x509.CertPool, addr string) *Receiver {
	t.Helper()
	r := &Receiver{t: t, cert: cert, clientCAs: clientCAs, Addr: addr, Callbacks: make(chan Callback, 1000)}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// URL returns the receiver's base URL; the PSP appends "/pix".
func (r *Receiver) URL() string { return "https://" + r.Addr + "/hook" }

// SetStatus makes the receiver answer status (0: 200).
func (r *Receiver) SetStatus(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = status
}

// Start (re)starts the receiver on its address.
func (r *Receiver) Start() {
	r.t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", r.Addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.Addr = ln.Addr().String()
	srv := &http.Server{
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{r.cert},
			ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: r.clientCAs},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			body, _ := io.ReadAll(req.Body)
			cn := ""
			if req.TLS != nil && len(req.TLS.PeerCertificates) > 0 {
				cn = req.TLS.PeerCertificates[0].Subject.CommonName
			}
			r.mu.Lock()
			status := r.status
			r.mu.Unlock()
			if status == 0 {
				status = http.StatusOK
			}
			if status < 300 {
				select {
				case r.Callbacks <- Callback{Path: req.URL.Path, ClientCN: cn, Body: body}:
				default:
				}
			}
			w.WriteHeader(status)
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	r.mu.Lock()
	r.srv = srv
	r.mu.Unlock()
	go func() {
		if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			r.t.Logf("receiver: %v", err)
		}
	}()
}

// Stop closes the receiver (connections included): the PSP's POSTs fail
// until Start.
func (r *Receiver) Stop() {
	r.mu.Lock()
	srv := r.srv
	r.srv = nil
	r.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Next waits up to timeout for the next callback.
func (r *Receiver) Next(timeout time.Duration) (Callback, bool) {
	select {
	case c := <-r.Callbacks:
		return c, true
	case <-time.After(timeout):
		return Callback{}, false
	}
}

// Receiver starts a webhook receiver on 127.0.0.1 whose server certificate
// brasa's CA issued (the sandbox trusts its own CA for receivers) and which
// accepts client certificates from brasa's CA (the webhook certificate).
func (h *Harness) Receiver() *Receiver {
	h.T.Helper()
	cert, err := h.App.CA.IssueServer([]string{"127.0.0.1"}, 0)
	if err != nil {
		h.T.Fatal(err)
	}
	return NewReceiver(h.T, cert, h.App.CA.Pool(), "127.0.0.1:0")
}

// Control calls the sandbox control API (/sandbox/v1/...) with the admin
// token and returns the status and body.
func (h *Harness) Control(method, path, body string) (int, []byte) {
	h.T.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.APIURL()+path, rd)
	if err != nil {
		h.T.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.Sandbox.AdminToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, b := Do(h.T, h.Client(nil), req)
	return resp.StatusCode, b
}
