package pki

import (
	"crypto/tls"
	"crypto/x509"
	"slices"
)

// cipherSuites are the TLS 1.2 suites brasa accepts: ECDHE key exchange
// (forward secrecy) with an AEAD cipher. TLS 1.3 suites are not
// configurable and are all AEAD.
var cipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// curvePreferences are the key exchanges brasa offers: X25519 and P-256,
// plus the X25519MLKEM768 post-quantum hybrid that Go enables by default
// (TLS 1.3 only; peers without it fall back to X25519). Go picks among
// them in its own order of preference.
var curvePreferences = []tls.CurveID{
	tls.X25519MLKEM768,
	tls.X25519,
	tls.CurveP256,
}

// ServerTLSConfig returns the configuration of a brasa listener serving
// cert (whose Certificate holds the leaf then the intermediate, as
// [CA.IssueServer] returns): TLS 1.2 at least, ECDHE+AEAD suites, X25519
// and P-256, ALPN h2 and http/1.1.
//
// clientAuth is how client certificates are asked for. The API listener
// uses [tls.RequestClientCert] and verifies in HTTP middleware with a
// [Verifier], so that each failure gets its API's documented error body;
// then clientCAs may be nil. With [tls.VerifyClientCertIfGiven] or
// [tls.RequireAndVerifyClientCert], clientCAs are the trusted roots; a nil
// pool then trusts no client (crypto/tls would otherwise fall back to the
// system roots, letting any public CA's client certificate in).
func ServerTLSConfig(cert tls.Certificate, clientAuth tls.ClientAuthType, clientCAs *x509.CertPool) *tls.Config {
	if clientCAs == nil && clientAuth >= tls.VerifyClientCertIfGiven {
		clientCAs = x509.NewCertPool()
	}
	return &tls.Config{
		Certificates:     []tls.Certificate{cert},
		ClientAuth:       clientAuth,
		ClientCAs:        clientCAs,
		MinVersion:       tls.VersionTLS12,
		CipherSuites:     slices.Clone(cipherSuites),
		CurvePreferences: slices.Clone(curvePreferences),
		NextProtos:       []string{"h2", "http/1.1"},
	}
}

// ClientTLSConfig returns the configuration of brasa's outgoing TLS
// connections (webhook delivery, the SDK): TLS 1.2 at least, ECDHE+AEAD
// suites, server certificates verified against roots (nil means the
// system's roots), cert presented when a server asks for one (nil for
// none), and a session cache of 256 entries for resumption. NextProtos is
// left empty: http.Transport sets its own.
func ClientTLSConfig(cert *tls.Certificate, roots *x509.CertPool) *tls.Config {
	cfg := &tls.Config{
		RootCAs:            roots,
		MinVersion:         tls.VersionTLS12,
		CipherSuites:       slices.Clone(cipherSuites),
		CurvePreferences:   slices.Clone(curvePreferences),
		ClientSessionCache: tls.NewLRUClientSessionCache(256),
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return cfg
}
