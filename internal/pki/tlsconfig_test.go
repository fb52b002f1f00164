package pki_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
)

func TestServerTLSConfig(t *testing.T) {
	ca, _ := MustNewCA(t, time.Time{})
	cert, err := ca.IssueServer([]string{"localhost"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cfg := pki.ServerTLSConfig(cert, tls.RequestClientCert, nil)
	if got, want := cfg.MinVersion, uint16(tls.VersionTLS12); got != want {
		t.Errorf("MinVersion = %x, want %x", got, want)
	}
	if got, want := cfg.ClientAuth, tls.RequestClientCert; got != want {
		t.Errorf("ClientAuth = %v, want %v", got, want)
	}
	if got, want := cfg.NextProtos, []string{"h2", "http/1.1"}; !slices.Equal(got, want) {
		t.Errorf("NextProtos = %v, want %v", got, want)
	}
	for _, id := range []tls.CurveID{tls.X25519, tls.CurveP256} {
		if !slices.Contains(cfg.CurvePreferences, id) {
			t.Errorf("CurvePreferences %v lack %v", cfg.CurvePreferences, id)
		}
	}
	for _, id := range cfg.CipherSuites {
		name := tls.CipherSuiteName(id)
		if !strings.HasPrefix(name, "TLS_ECDHE_") || !(strings.Contains(name, "_GCM_") || strings.Contains(name, "CHACHA20_POLY1305")) {
			t.Errorf("cipher suite %s is not ECDHE+AEAD", name)
		}
	}
	if len(cfg.CipherSuites) == 0 {
		t.Error("CipherSuites not restricted")
	}
	// Configs do not share slices: changing one leaves the next alone.
	cfg.CipherSuites[0] = tls.TLS_RSA_WITH_AES_128_CBC_SHA
	if slices.Contains(pki.ServerTLSConfig(cert, tls.NoClientCert, nil).CipherSuites, tls.TLS_RSA_WITH_AES_128_CBC_SHA) {
		t.Error("ServerTLSConfig shares its cipher suite slice")
	}

	if pki.ServerTLSConfig(cert, tls.RequireAndVerifyClientCert, nil).ClientCAs == nil {
		t.Error("verifying client certificates with nil ClientCAs falls back to the system roots")
	}

	client := pki.ClientTLSConfig(nil, ca.Pool())
	if got, want := client.MinVersion, uint16(tls.VersionTLS12); got != want {
		t.Errorf("client MinVersion = %x, want %x", got, want)
	}
	if client.ClientSessionCache == nil {
		t.Error("client has no session cache")
	}
	if len(client.Certificates) != 0 {
		t.Error("client with a nil certificate presents one")
	}
}

// mtlsServer serves HTTPS on a loopback port with the API listener's
// configuration (RequestClientCert) and a handler that verifies the client
// certificate the way brasa's middleware does. It returns the server's
// address.
func mtlsServer(t *testing.T, ca *pki.CA, v *pki.Verifier) string {
	t.Helper()
	cert, err := ca.IssueServer([]string{"127.0.0.1", "localhost"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			leaf, err := v.Verify(r.TLS.PeerCertificates)
			switch {
			case errors.Is(err, pki.ErrNoCertificate):
				http.Error(w, "no certificate", http.StatusForbidden)
			case errors.Is(err, pki.ErrUnknownAuthority):
				http.Error(w, "unknown authority", http.StatusUnauthorized)
			case err != nil:
				http.Error(w, err.Error(), http.StatusUnauthorized)
			default:
				fmt.Fprintf(w, "%s %s", leaf.Subject.CommonName, pki.Thumbprint(leaf))
			}
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // refused handshakes are expected
	}
	tlsLn := tls.NewListener(ln, pki.ServerTLSConfig(cert, tls.RequestClientCert, nil))
	go srv.Serve(tlsLn)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestMutualTLS(t *testing.T) {
	ca, _ := MustNewCA(t, time.Time{})
	otherCA, _ := MustNewCA(t, time.Time{})
	v := pki.NewVerifier(ca.Pool(), nil, nil)
	addr := mtlsServer(t, ca, v)

	key := MustRSAKey(t)
	leaf := MustIssueClient(t, ca, key.Public(), time.Hour)
	good := &tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Intermediate.Raw}, PrivateKey: key}
	foreignLeaf := MustIssueClient(t, otherCA, key.Public(), time.Hour)
	foreign := &tls.Certificate{Certificate: [][]byte{foreignLeaf.Raw, otherCA.Intermediate.Raw}, PrivateKey: key}

	tests := []struct {
		name       string
		cert       *tls.Certificate
		wantStatus int
		wantBody   string
	}{
		{"client certificate", good, http.StatusOK, "cliente-teste " + pki.Thumbprint(leaf)},
		{"no certificate", nil, http.StatusForbidden, "no certificate"},
		{"other CA", foreign, http.StatusUnauthorized, "unknown authority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &http.Transport{TLSClientConfig: pki.ClientTLSConfig(tt.cert, ca.Pool()), ForceAttemptHTTP2: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			for i := range 2 { // the second request reuses the connection and hits the cache
				resp, err := client.Get("https://" + addr + "/api/v2/cob")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if got, want := resp.StatusCode, tt.wantStatus; got != want {
					t.Errorf("request %d: status = %d, want %d (%s)", i, got, want, body)
				}
				if got, want := strings.TrimSpace(string(body)), tt.wantBody; got != want {
					t.Errorf("request %d: body = %q, want %q", i, got, want)
				}
				if got, want := resp.ProtoMajor, 2; got != want {
					t.Errorf("request %d: HTTP/%d, want HTTP/2 via ALPN", i, got)
				}
				if resp.TLS.Version != tls.VersionTLS13 {
					t.Errorf("request %d: TLS version %x, want TLS 1.3", i, resp.TLS.Version)
				}
			}
		})
	}

	t.Run("resumed sessions keep the client certificate", func(t *testing.T) {
		tr := &http.Transport{TLSClientConfig: pki.ClientTLSConfig(good, ca.Pool()), DisableKeepAlives: true}
		client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		for i := range 3 {
			resp, err := client.Get("https://" + addr + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got, want := string(body), "cliente-teste "+pki.Thumbprint(leaf); resp.StatusCode != http.StatusOK || got != want {
				t.Errorf("connection %d: %d %q, want 200 %q", i, resp.StatusCode, got, want)
			}
			if got, want := resp.TLS.DidResume, i > 0; got != want {
				t.Errorf("connection %d: DidResume = %v, want %v", i, got, want)
			}
		}
	})
}

func TestTLSVersionsAndSuites(t *testing.T) {
	ca, _ := MustNewCA(t, time.Time{})
	addr := mtlsServer(t, ca, pki.NewVerifier(ca.Pool(), nil, nil))

	dial := func(cfg *tls.Config) (tls.ConnectionState, error) {
		d := &net.Dialer{Timeout: 5 * time.Second}
		conn, err := tls.DialWithDialer(d, "tcp", addr, cfg)
		if err != nil {
			return tls.ConnectionState{}, err
		}
		defer conn.Close()
		return conn.ConnectionState(), nil
	}

	t.Run("TLS 1.1 refused", func(t *testing.T) {
		_, err := dial(&tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
		if err == nil {
			t.Fatal("a TLS 1.1 handshake succeeded")
		}
		if !strings.Contains(err.Error(), "protocol version") {
			t.Errorf("err = %v, want a protocol version alert", err)
		}
	})
	t.Run("TLS 1.2 with ECDHE and AEAD", func(t *testing.T) {
		cfg := pki.ClientTLSConfig(nil, ca.Pool())
		cfg.MaxVersion = tls.VersionTLS12
		st, err := dial(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := st.Version, uint16(tls.VersionTLS12); got != want {
			t.Errorf("version = %x, want %x", got, want)
		}
		if got := tls.CipherSuiteName(st.CipherSuite); !strings.HasPrefix(got, "TLS_ECDHE_ECDSA_WITH_") {
			t.Errorf("cipher suite %s", got)
		}
	})
	t.Run("TLS 1.2 CBC suite refused", func(t *testing.T) {
		_, err := dial(&tls.Config{
			RootCAs: ca.Pool(), MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA},
		})
		if err == nil {
			t.Fatal("a handshake with only a CBC suite succeeded")
		}
		if !strings.Contains(err.Error(), "handshake failure") {
			t.Errorf("err = %v, want a handshake failure alert", err)
		}
	})
	t.Run("server certificate verifies by IP and name", func(t *testing.T) {
		for _, name := range []string{"127.0.0.1", "localhost"} {
			cfg := pki.ClientTLSConfig(nil, ca.Pool())
			cfg.ServerName = name
			if _, err := dial(cfg); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		cfg := pki.ClientTLSConfig(nil, x509.NewCertPool())
		var unknown x509.UnknownAuthorityError
		if _, err := dial(cfg); !errors.As(err, &unknown) {
			t.Errorf("untrusted server: err = %v, want UnknownAuthorityError", err)
		}
	})
}
