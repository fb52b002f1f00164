package pki_test

import (
	"crypto/tls"
	"errors"
	"net/http"

	"github.com/brasa-dev/brasa/internal/pki"
)

// ExampleVerifier shows the API listener's arrangement: the handshake only
// requests a client certificate, and middleware verifies it so that each
// failure gets the body its API documents.
func ExampleVerifier() {
	ca, err := pki.NewCA(pki.CAOptions{})
	if err != nil {
		panic(err)
	}
	serverCert, err := ca.IssueServer([]string{"127.0.0.1", "localhost"}, 0)
	if err != nil {
		panic(err)
	}
	verifier := pki.NewVerifier(ca.Pool(), ca.Intermediates(), nil)

	requireClientCert := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			leaf, err := verifier.Verify(r.TLS.PeerCertificates)
			switch {
			case errors.Is(err, pki.ErrNoCertificate):
				http.Error(w, "Forbidden", http.StatusForbidden) // Sicredi's 403 page
				return
			case errors.Is(err, pki.ErrCertificateExpired):
				http.Error(w, `{"errors":[{"code":"CLIENT_CERTIFICATE_HAS_EXPIRED"}]}`, http.StatusUnauthorized)
				return
			case err != nil:
				http.Error(w, `{"errors":[{"code":"CLIENT_CERTIFICATE_IS_UNKNOWN"}]}`, http.StatusUnauthorized)
				return
			}
			_ = pki.Thumbprint(leaf) // check revocation, compare with the token's cnf.x5t#S256
			next.ServeHTTP(w, r)
		})
	}

	srv := &http.Server{
		Addr:      "127.0.0.1:8443",
		Handler:   requireClientCert(http.NotFoundHandler()),
		TLSConfig: pki.ServerTLSConfig(serverCert, tls.RequestClientCert, nil),
	}
	_ = srv // srv.ListenAndServeTLS("", "")
}
