package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
)

// Defaults of [CAOptions].
const (
	DefaultCAOrganization         = "brasa"
	DefaultRootCommonName         = "brasa Root CA"
	DefaultIntermediateCommonName = "brasa Issuing CA"
	DefaultRootValidity           = 10 * 365 * 24 * time.Hour
	DefaultIntermediateValidity   = 5 * 365 * 24 * time.Hour
)

// backdate is how far before the issuance time NotBefore is set, so that a
// certificate is accepted by peers whose clocks run a little behind.
const backdate = 5 * time.Minute

// caSealAD is the associated data binding a sealed CA blob to its purpose.
const caSealAD = "brasa-ca"

// CAOptions configures [NewCA]. Zero fields take the documented defaults.
type CAOptions struct {
	// Organization is the O attribute of both CA subjects and of server
	// certificates. Default "brasa".
	Organization string
	// CommonNameRoot is the root's CN. Default "brasa Root CA".
	CommonNameRoot string
	// CommonNameIntermediate is the issuing CA's CN. Default "brasa
	// Issuing CA".
	CommonNameIntermediate string
	// Now is the creation time of both CA certificates. Default: Clock().
	Now time.Time
	// Clock becomes [CA.Clock]: the time used for issuance. Default
	// time.Now.
	Clock func() time.Time
	// Rand becomes [CA.Rand] and is the source of serial numbers. Default
	// crypto/rand.Reader.
	Rand io.Reader
	// RootValidity is the root's lifetime. Default 10 years.
	RootValidity time.Duration
	// IntermediateValidity is the issuing CA's lifetime, capped at the
	// root's. Default 5 years.
	IntermediateValidity time.Duration
}

// CA is a two-level certificate authority: a self-signed root and an
// issuing intermediate signed by it, both ECDSA P-256. Leaves are signed by
// the intermediate through a [crypto.Signer], so the key could live in an
// HSM. Chains handed out are leaf, intermediate (the root is the trust
// anchor the peer already holds).
//
// Set Clock and Rand before the CA is shared; after that a CA is safe for
// concurrent use.
type CA struct {
	// Root is the self-signed trust anchor.
	Root *x509.Certificate
	// Intermediate is the issuing CA certificate, signed by Root.
	Intermediate *x509.Certificate

	// Clock returns the time at which certificates are issued: NotBefore
	// is Clock() minus 5 minutes. Nil means time.Now. The sandbox sets its
	// movable clock here.
	Clock func() time.Time
	// Rand is the source of serial numbers and is passed to key
	// generation and signing (which, since Go 1.26, ignore it). Nil means
	// crypto/rand.Reader.
	Rand io.Reader

	rootKey crypto.Signer // may be nil for a CA opened without it
	key     crypto.Signer // the intermediate's
}

// NewCA creates a root CA and an issuing intermediate with fresh ECDSA P-256
// keys.
func NewCA(opts CAOptions) (*CA, error) {
	if opts.Organization == "" {
		opts.Organization = DefaultCAOrganization
	}
	if opts.CommonNameRoot == "" {
		opts.CommonNameRoot = DefaultRootCommonName
	}
	if opts.CommonNameIntermediate == "" {
		opts.CommonNameIntermediate = DefaultIntermediateCommonName
	}
	if opts.RootValidity == 0 {
		opts.RootValidity = DefaultRootValidity
	}
	if opts.IntermediateValidity == 0 {
		opts.IntermediateValidity = DefaultIntermediateValidity
	}
	if opts.RootValidity < 0 || opts.IntermediateValidity < 0 {
		return nil, errors.New("pki: new CA: negative validity")
	}
	ca := &CA{Clock: opts.Clock, Rand: opts.Rand}
	now := opts.Now
	if now.IsZero() {
		now = ca.now()
	}

	rootKey, err := GenerateKey(ca.random(), ECDSAP256)
	if err != nil {
		return nil, fmt.Errorf("pki: new CA: %w", err)
	}
	serial, err := randomSerial(ca.random())
	if err != nil {
		return nil, fmt.Errorf("pki: new CA: %w", err)
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{opts.Organization}, CommonName: opts.CommonNameRoot},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(opts.RootValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
		SubjectKeyId:          subjectKeyID(rootKey.Public()),
	}
	root, err := createCertificate(ca.random(), rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: new CA: root: %w", err)
	}

	key, err := GenerateKey(ca.random(), ECDSAP256)
	if err != nil {
		return nil, fmt.Errorf("pki: new CA: %w", err)
	}
	if serial, err = randomSerial(ca.random()); err != nil {
		return nil, fmt.Errorf("pki: new CA: %w", err)
	}
	notAfter := now.Add(opts.IntermediateValidity)
	if notAfter.After(root.NotAfter) {
		notAfter = root.NotAfter
	}
	interTmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{opts.Organization}, CommonName: opts.CommonNameIntermediate},
		NotBefore:             root.NotBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
		SubjectKeyId:          subjectKeyID(key.Public()),
	}
	inter, err := createCertificate(ca.random(), interTmpl, root, key.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: new CA: intermediate: %w", err)
	}

	ca.Root, ca.Intermediate, ca.rootKey, ca.key = root, inter, rootKey, key
	return ca, nil
}

// sealedCA is the plaintext of a sealed CA blob.
type sealedCA struct {
	Version         int    `json:"version"`
	Root            []byte `json:"root"`               // DER certificate
	Intermediate    []byte `json:"intermediate"`       // DER certificate
	RootKey         []byte `json:"root_key,omitempty"` // PKCS#8 DER
	IntermediateKey []byte `json:"intermediate_key"`   // PKCS#8 DER
}

// Seal returns the CA (certificates and both private keys) as an opaque
// blob encrypted and authenticated by s with associated data "brasa-ca".
// Store it anywhere; [OpenCA] with the same master key reads it back.
// Clock and Rand are not part of the blob.
func (ca *CA) Seal(s *Sealer) ([]byte, error) {
	v := sealedCA{Version: 1, Root: ca.Root.Raw, Intermediate: ca.Intermediate.Raw}
	var err error
	if ca.rootKey != nil {
		if v.RootKey, err = x509.MarshalPKCS8PrivateKey(ca.rootKey); err != nil {
			return nil, fmt.Errorf("pki: seal CA: root key: %w", err)
		}
		defer clear(v.RootKey)
	}
	if v.IntermediateKey, err = x509.MarshalPKCS8PrivateKey(ca.key); err != nil {
		return nil, fmt.Errorf("pki: seal CA: intermediate key: %w", err)
	}
	defer clear(v.IntermediateKey)
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("pki: seal CA: %w", err)
	}
	defer clear(plain)
	blob, err := s.Seal(plain, []byte(caSealAD))
	if err != nil {
		return nil, fmt.Errorf("pki: seal CA: %w", err)
	}
	return blob, nil
}

// OpenCA reads a blob made by [CA.Seal]. It returns an error wrapping
// [ErrOpenFailed] if the blob was tampered with or sealed under another
// master key, and an error if the keys do not match the certificates or
// the intermediate is not signed by the root. The returned CA's Clock and
// Rand are nil (time.Now, crypto/rand.Reader).
func OpenCA(blob []byte, s *Sealer) (*CA, error) {
	plain, err := s.Open(blob, []byte(caSealAD))
	if err != nil {
		return nil, fmt.Errorf("pki: open CA: %w", err)
	}
	defer clear(plain)
	var v sealedCA
	if err := json.Unmarshal(plain, &v); err != nil {
		return nil, fmt.Errorf("pki: open CA: %w", err)
	}
	defer clear(v.RootKey)
	defer clear(v.IntermediateKey)
	if v.Version != 1 {
		return nil, fmt.Errorf("pki: open CA: unknown version %d", v.Version)
	}
	ca := &CA{}
	if ca.Root, err = x509.ParseCertificate(v.Root); err != nil {
		return nil, fmt.Errorf("pki: open CA: root: %w", err)
	}
	if ca.Intermediate, err = x509.ParseCertificate(v.Intermediate); err != nil {
		return nil, fmt.Errorf("pki: open CA: intermediate: %w", err)
	}
	if ca.key, err = parsePrivateKeyDER(v.IntermediateKey, pemPrivateKey); err != nil {
		return nil, fmt.Errorf("pki: open CA: intermediate key: %w", err)
	}
	if len(v.RootKey) > 0 {
		if ca.rootKey, err = parsePrivateKeyDER(v.RootKey, pemPrivateKey); err != nil {
			return nil, fmt.Errorf("pki: open CA: root key: %w", err)
		}
		if !samePublicKey(ca.rootKey, ca.Root.PublicKey) {
			return nil, errors.New("pki: open CA: root key does not match the root certificate")
		}
	}
	if !samePublicKey(ca.key, ca.Intermediate.PublicKey) {
		return nil, errors.New("pki: open CA: intermediate key does not match the intermediate certificate")
	}
	if !ca.Intermediate.IsCA || !ca.Root.IsCA {
		return nil, errors.New("pki: open CA: certificates are not CA certificates")
	}
	if err := ca.Intermediate.CheckSignatureFrom(ca.Root); err != nil {
		return nil, fmt.Errorf("pki: open CA: intermediate not signed by root: %w", err)
	}
	return ca, nil
}

// Chain returns the CA chain a leaf is sent with, issuer first:
// intermediate, root.
func (ca *CA) Chain() []*x509.Certificate {
	return []*x509.Certificate{ca.Intermediate, ca.Root}
}

// ChainPEM returns [CA.Chain] as PEM: intermediate, then root.
func (ca *CA) ChainPEM() []byte {
	return EncodeCertificatesPEM(ca.Chain()...)
}

// Pool returns a new pool holding the root: the trust anchors for
// verifying certificates this CA issued (tls.Config RootCAs or ClientCAs,
// [NewVerifier] roots).
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Root)
	return p
}

// Intermediates returns a new pool holding the issuing CA certificate, for
// verifying leaves presented without their chain.
func (ca *CA) Intermediates() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Intermediate)
	return p
}

// now returns the CA's current time.
func (ca *CA) now() time.Time {
	if ca.Clock != nil {
		return ca.Clock()
	}
	return time.Now()
}

// random returns the CA's randomness source.
func (ca *CA) random() io.Reader {
	if ca.Rand != nil {
		return ca.Rand
	}
	return rand.Reader
}

// randomSerial returns a positive serial number of 128 random bits (RFC
// 5280 §4.1.2.2: positive, at most 20 octets; CA/Browser Forum: at least 64
// bits of entropy).
func randomSerial(r io.Reader) (*big.Int, error) {
	b := make([]byte, 16)
	for range 4 {
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("serial number: %w", err)
		}
		if s := new(big.Int).SetBytes(b); s.Sign() > 0 {
			return s, nil
		}
	}
	return nil, errors.New("serial number: random source returns only zeros")
}

// subjectKeyID computes a key identifier as RFC 7093 §2 method 1: the
// leftmost 160 bits of the SHA-256 of the subjectPublicKey bits.
func subjectKeyID(pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil // CreateCertificate reports the unsupported key
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil
	}
	sum := sha256.Sum256(spki.PublicKey.Bytes)
	return sum[:20]
}

// createCertificate signs tmpl and parses the result.
func createCertificate(random io.Reader, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(random, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}
