package pixapi

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"
)

// An Option configures a [Client] in [New] or [NewFromSandbox]. Options are
// applied in order; a later option overrides an earlier one of the same kind.
type Option func(*settings) error

// settings is what the options fill in.
type settings struct {
	certs         []tls.Certificate
	roots         *x509.CertPool
	httpClient    *http.Client
	clientID      string
	clientSecret  string
	hasCreds      bool
	scopes        []string
	tokenURL      string
	refreshBefore time.Duration
	timeout       time.Duration
	timeoutSet    bool
	now           func() time.Time
}

// WithCertificate sets the client certificate presented in the TLS handshake
// (mTLS). The Pix API requires one on every request, the token request
// included. [New] fails if its private key does not match the certificate.
func WithCertificate(cert tls.Certificate) Option {
	return func(s *settings) error {
		s.certs = []tls.Certificate{cert}
		return nil
	}
}

// WithCertificateFiles reads the client certificate from certFile and its
// private key from keyFile.
//
// The certificate may be PEM (one or more CERTIFICATE blocks: the leaf first,
// then any intermediates) or DER, the binary .cer format Internet Banking
// downloads often have. The key may be PEM or DER, in PKCS#8 ("PRIVATE
// KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") form.
//
// The option fails with an error wrapping [ErrEncryptedKey] if the key is
// protected by a password, and with one wrapping [ErrKeyMismatch] (the
// message names KEY_VALUES_MISMATCH, as Postman does) if the key is not the
// one the certificate was issued for.
func WithCertificateFiles(certFile, keyFile string) Option {
	return func(s *settings) error {
		cert, err := loadCertificateFiles(certFile, keyFile)
		if err != nil {
			return err
		}
		s.certs = []tls.Certificate{cert}
		return nil
	}
}

// WithPKCS12File reads the client certificate, its chain and its private key
// from a PKCS#12 (.pfx, .p12) file protected by password.
func WithPKCS12File(file, password string) Option {
	return func(s *settings) error {
		cert, err := loadPKCS12File(file, password)
		if err != nil {
			return err
		}
		s.certs = []tls.Certificate{cert}
		return nil
	}
}

// WithRootCAFile trusts the PEM certificates in file (for example the
// sandbox's ca.pem or a PSP's full chain) instead of the system roots when
// verifying the server.
func WithRootCAFile(file string) Option {
	return func(s *settings) error {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("pixapi: reading root CAs: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			// Accept a single DER certificate too.
			c, err := x509.ParseCertificate(b)
			if err != nil {
				return fmt.Errorf("pixapi: no certificates found in root CA file %s", file)
			}
			pool.AddCert(c)
		}
		s.roots = pool
		return nil
	}
}

// WithRootCAs trusts the certificates in pool instead of the system roots
// when verifying the server.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(s *settings) error {
		s.roots = pool
		return nil
	}
}

// WithCredentials sets the OAuth2 client credentials sent to the token
// endpoint. Without them the client sends requests without an Authorization
// header and [Client.Token] fails with [ErrNoCredentials].
func WithCredentials(clientID, clientSecret string) Option {
	return func(s *settings) error {
		s.clientID, s.clientSecret, s.hasCreds = clientID, clientSecret, true
		return nil
	}
}

// WithScopes sets the scopes requested with every token, such as "cob.read"
// and "cob.write". Without scopes the request carries no scope parameter and
// the server grants its default.
func WithScopes(scopes ...string) Option {
	return func(s *settings) error {
		s.scopes = append([]string(nil), scopes...)
		return nil
	}
}

// WithHTTPClient makes the client send every request through hc, used as is:
// the caller owns its transport, TLS configuration and timeout. It cannot be
// combined with the certificate, root CA and timeout options, and [New] fails
// if it is.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("pixapi: WithHTTPClient: nil client")
		}
		s.httpClient = hc
		return nil
	}
}

// WithTimeout bounds each HTTP request, the token request included. The
// default is 30 seconds; zero means no limit other than the context's.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return errors.New("pixapi: WithTimeout: negative duration")
		}
		s.timeout, s.timeoutSet = d, true
		return nil
	}
}

// WithTokenURL sets the token endpoint. The default is the base URL followed
// by "/oauth/token".
func WithTokenURL(tokenURL string) Option {
	return func(s *settings) error {
		s.tokenURL = tokenURL
		return nil
	}
}

// WithRefreshBefore sets how long before its expiry a cached token is
// replaced. The default is 5 minutes. A token whose lifetime is shorter than
// twice d is replaced at half its lifetime instead.
func WithRefreshBefore(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return errors.New("pixapi: WithRefreshBefore: negative duration")
		}
		s.refreshBefore = d
		return nil
	}
}

// WithClock sets the clock used to compute token expiry. It is meant for
// tests; the default is [time.Now].
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if now == nil {
			return errors.New("pixapi: WithClock: nil clock")
		}
		s.now = now
		return nil
	}
}
