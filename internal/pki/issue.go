package pki

import (
	"crypto"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Default leaf lifetimes, used when a validity of zero is asked for.
const (
	DefaultServerValidity = 365 * 24 * time.Hour
	DefaultClientValidity = 365 * 24 * time.Hour
)

// ClientRequest describes a client certificate for [CA.IssueClient].
type ClientRequest struct {
	// Subject is the certificate's distinguished name; it must not be
	// empty (RFC 5280 §4.1.2.6).
	Subject pkix.Name
	// PublicKey is the holder's key: *rsa.PublicKey of at least 2048 bits,
	// or *ecdsa.PublicKey on P-256 or P-384.
	PublicKey crypto.PublicKey
	// Validity is the lifetime from now; zero means
	// [DefaultClientValidity]. It is cut short at the intermediate's
	// expiry.
	Validity time.Duration
	// EmailAddresses go in the subject alternative name extension.
	EmailAddresses []string
	// ExtKeyUsage is the extended key usage; nil means clientAuth only.
	ExtKeyUsage []x509.ExtKeyUsage
}

// IssueServer issues a TLS server certificate for hosts (DNS names and IP
// addresses, the first one also being the subject CN) with a fresh ECDSA
// P-256 key, extended key usage serverAuth, valid for validity (zero means
// [DefaultServerValidity]). The returned certificate's chain is leaf,
// intermediate, ready for tls.Config.Certificates; Leaf is set.
func (ca *CA) IssueServer(hosts []string, validity time.Duration) (tls.Certificate, error) {
	key, err := GenerateKey(ca.random(), ECDSAP256)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: issue server certificate: %w", err)
	}
	leaf, err := ca.issueServerFor(key, hosts, validity)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{
		Certificate: [][]byte{leaf.Raw, ca.Intermediate.Raw},
		PrivateKey:  key,
		Leaf:        leaf,
	}, nil
}

// issueServerFor issues a certificate naming hosts (DNS names and IP
// addresses; the first is also the CN) for key, with digitalSignature and
// serverAuth usages.
func (ca *CA) issueServerFor(key crypto.Signer, hosts []string, validity time.Duration) (*x509.Certificate, error) {
	if len(hosts) == 0 {
		return nil, errors.New("pki: issue server certificate: no hosts")
	}
	if validity == 0 {
		validity = DefaultServerValidity
	}
	tmpl := &x509.Certificate{
		Subject: pkix.Name{
			Organization: ca.Intermediate.Subject.Organization,
			CommonName:   strings.ToLower(strings.TrimSpace(hosts[0])),
		},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			continue
		}
		if h == "" || strings.ContainsAny(h, " /:@") {
			return nil, fmt.Errorf("pki: issue server certificate: %q is neither a DNS name nor an IP address", h)
		}
		tmpl.DNSNames = append(tmpl.DNSNames, strings.ToLower(h))
	}
	leaf, err := ca.issue(tmpl, key.Public(), validity)
	if err != nil {
		return nil, fmt.Errorf("pki: issue server certificate: %w", err)
	}
	return leaf, nil
}

// IssueClient issues a client certificate for req.PublicKey. It rejects
// keys other than RSA of at least 2048 bits and ECDSA on P-256 or P-384,
// and an empty subject. The chain to send with it is [CA.Chain].
func (ca *CA) IssueClient(req ClientRequest) (*x509.Certificate, error) {
	if len(req.Subject.ToRDNSequence()) == 0 {
		return nil, errors.New("pki: issue client certificate: empty subject")
	}
	cert, err := ca.issueClient(req, nil)
	if err != nil {
		return nil, fmt.Errorf("pki: issue client certificate: %w", err)
	}
	return cert, nil
}

// SignCSR checks the signature of csr (proof that the requester holds the
// key) and issues a client certificate for its key, keeping its subject
// byte for byte and its e-mail addresses, valid for validity (zero means
// [DefaultClientValidity]), extended key usage clientAuth. Everything else
// the CSR asks for (DNS, IP and URI names, extensions such as basic
// constraints or key usage) is ignored: the CA decides those.
func (ca *CA) SignCSR(csr *x509.CertificateRequest, validity time.Duration) (*x509.Certificate, error) {
	if csr == nil {
		return nil, errors.New("pki: sign CSR: nil request")
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("pki: sign CSR: bad signature: %w", err)
	}
	if len(csr.Subject.Names) == 0 {
		return nil, errors.New("pki: sign CSR: empty subject")
	}
	cert, err := ca.issueClient(ClientRequest{
		Subject:        csr.Subject,
		PublicKey:      csr.PublicKey,
		Validity:       validity,
		EmailAddresses: csr.EmailAddresses,
	}, csr.RawSubject)
	if err != nil {
		return nil, fmt.Errorf("pki: sign CSR: %w", err)
	}
	return cert, nil
}

// issueClient issues a client certificate; rawSubject, when set, is used
// verbatim as the subject.
func (ca *CA) issueClient(req ClientRequest, rawSubject []byte) (*x509.Certificate, error) {
	if err := checkPublicKey(req.PublicKey); err != nil {
		return nil, err
	}
	validity := req.Validity
	if validity == 0 {
		validity = DefaultClientValidity
	}
	eku := req.ExtKeyUsage
	if eku == nil {
		eku = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	usage := x509.KeyUsageDigitalSignature
	if _, ok := req.PublicKey.(*rsa.PublicKey); ok {
		// RFC 5280 §4.2.1.3; only RSA keys may encipher keys.
		usage |= x509.KeyUsageKeyEncipherment
	}
	tmpl := &x509.Certificate{
		Subject:        req.Subject,
		RawSubject:     rawSubject,
		EmailAddresses: req.EmailAddresses,
		KeyUsage:       usage,
		ExtKeyUsage:    eku,
	}
	return ca.issue(tmpl, req.PublicKey, validity)
}

// issue fills in what every leaf shares (serial, validity window, key
// identifier, basic constraints) and signs tmpl with the intermediate.
// NotBefore is now minus 5 minutes; NotAfter is now plus validity, but no
// later than the intermediate's NotAfter.
func (ca *CA) issue(tmpl *x509.Certificate, pub crypto.PublicKey, validity time.Duration) (*x509.Certificate, error) {
	if ca == nil || ca.key == nil || ca.Intermediate == nil {
		return nil, errors.New("CA has no issuing key")
	}
	if validity < 0 {
		return nil, fmt.Errorf("negative validity %v", validity)
	}
	now := ca.now()
	if now.After(ca.Intermediate.NotAfter) {
		return nil, fmt.Errorf("issuing CA expired at %s", ca.Intermediate.NotAfter.UTC().Format(time.RFC3339))
	}
	if now.Before(ca.Intermediate.NotBefore) {
		return nil, fmt.Errorf("issuing CA not valid before %s", ca.Intermediate.NotBefore.UTC().Format(time.RFC3339))
	}
	serial, err := randomSerial(ca.random())
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = now.Add(-backdate)
	if tmpl.NotBefore.Before(ca.Intermediate.NotBefore) {
		tmpl.NotBefore = ca.Intermediate.NotBefore
	}
	tmpl.NotAfter = now.Add(validity)
	if tmpl.NotAfter.After(ca.Intermediate.NotAfter) {
		tmpl.NotAfter = ca.Intermediate.NotAfter
	}
	tmpl.BasicConstraintsValid = true
	tmpl.IsCA = false
	tmpl.SubjectKeyId = subjectKeyID(pub)
	return createCertificate(ca.random(), tmpl, ca.Intermediate, pub, ca.key)
}
