package cms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"time"
)

// Object identifiers of the structures written here.
var (
	OIDData                 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	OIDSignedData           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	OIDTSTInfo              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	OIDAttrContentType      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	OIDAttrMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	OIDAttrSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	OIDAttrSigningCertV2    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	OIDAttrSigPolicyID      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 15}
	OIDAttrSignatureTSToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	OIDSPURI                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 5, 1}
	OIDSHA256               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDSHA384               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	OIDSHA512               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidSHA256WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidRSAPSS               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidMGF1                 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	oidECDSAWithSHA256      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA512      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

// HashOID returns the object identifier of h (SHA-256, -384 or -512).
func HashOID(h crypto.Hash) (asn1.ObjectIdentifier, bool) {
	switch h {
	case crypto.SHA256:
		return OIDSHA256, true
	case crypto.SHA384:
		return OIDSHA384, true
	case crypto.SHA512:
		return OIDSHA512, true
	}
	return nil, false
}

// HashByOID returns the hash named by a dotted OID string.
func HashByOID(s string) (crypto.Hash, bool) {
	switch s {
	case OIDSHA256.String():
		return crypto.SHA256, true
	case OIDSHA384.String():
		return crypto.SHA384, true
	case OIDSHA512.String():
		return crypto.SHA512, true
	}
	return 0, false
}

// Policy is an ICP-Brasil signature policy (DOC-ICP-15.03): its OID, the
// SHA-256 signPolicyHash stored in the policy file, and the file's URL.
type Policy struct {
	Name string
	OID  asn1.ObjectIdentifier
	Hash []byte
	URL  string
}

// The policies brasa signs under (DOC-ICP-15.03 table of the notes).
var (
	PolicyCAdESADRB = &Policy{"AD-RB v2.3", asn1.ObjectIdentifier{2, 16, 76, 1, 7, 1, 1, 2, 3},
		mustHex("B16E88BBF77322A67995B79078778ED3D0EA7C88587B6F6D518B715E8F76A3D5"), "http://politicas.icpbrasil.gov.br/PA_AD_RB_v2_3.der"}
	PolicyCAdESADRT = &Policy{"AD-RT v2.3", asn1.ObjectIdentifier{2, 16, 76, 1, 7, 1, 2, 2, 3},
		mustHex("80DFE81E2A8AE762CD360253722922332EE10164D992156D847C47C8FB879CD2"), "http://politicas.icpbrasil.gov.br/PA_AD_RT_v2_3.der"}
	PolicyPAdESADRB = &Policy{"PAdES AD-RB v1.1", asn1.ObjectIdentifier{2, 16, 76, 1, 7, 1, 11, 1, 1},
		mustHex("44FC5816EB2D705D8C8F022A7F93B3FB49EDFAE1A7B9149EF6FAB833E9BB63F8"), "http://politicas.icpbrasil.gov.br/PA_PAdES_AD_RB_v1_1.der"}
	PolicyPAdESADRT = &Policy{"PAdES AD-RT v1.1", asn1.ObjectIdentifier{2, 16, 76, 1, 7, 1, 12, 1, 1},
		mustHex("FA1D44E76AD91E2F6CD471B6987E9C0F1C70D4B70DA0956E7BECF4DC792C0C1F"), "http://politicas.icpbrasil.gov.br/PA_PAdES_AD_RT_v1_1.der"}
)

func mustHex(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		var v byte
		for _, c := range []byte(s[2*i : 2*i+2]) {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= c - '0'
			case c >= 'A' && c <= 'F':
				v |= c - 'A' + 10
			default:
				panic("cms: bad hex")
			}
		}
		b[i] = v
	}
	return b
}

// Options describe one signature for [Sign].
type Options struct {
	// Signer is the signing key (RSA; ECDSA for timestamp tokens) and
	// Certificate its certificate; Chain holds further certificates to
	// embed (the issuing CA).
	Signer      crypto.Signer
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
	// Hash is the digest algorithm (SHA-256 when zero).
	Hash crypto.Hash
	// Digest is the messageDigest: the hash of the signed content. When
	// nil it is computed over Content.
	Digest []byte
	// Content, when Attached, is embedded in the SignedData.
	Content  []byte
	Attached bool
	// ContentType is the eContentType (id-data when nil).
	ContentType asn1.ObjectIdentifier
	// SigningTime adds the signingTime attribute when not zero.
	SigningTime time.Time
	// Policy adds the sigPolicyId attribute (CAdES/PAdES AD-RB, AD-RT).
	Policy *Policy
	// PSS signs with RSASSA-PSS instead of PKCS#1 v1.5.
	PSS bool
	// Timestamp, when set, is given the signature value and returns an
	// RFC 3161 TimeStampToken (DER ContentInfo) to add as the unsigned
	// attribute signatureTimeStampToken (AD-RT).
	Timestamp func(signature []byte) ([]byte, error)
	// Rand is the randomness for PSS (crypto/rand when nil).
	Rand io.Reader
}

// Sign returns the DER ContentInfo of a SignedData with one SignerInfo whose
// signed attributes are contentType, messageDigest, signingCertificateV2
// (naming Certificate by SHA-256 hash and issuer/serial), and, when asked,
// signingTime and sigPolicyId.
func Sign(o Options) ([]byte, error) {
	if o.Signer == nil || o.Certificate == nil {
		return nil, errors.New("cms: sign: no key or certificate")
	}
	if o.Hash == 0 {
		o.Hash = crypto.SHA256
	}
	hashOID, ok := HashOID(o.Hash)
	if !ok {
		return nil, fmt.Errorf("cms: sign: unsupported hash %v", o.Hash)
	}
	if o.ContentType == nil {
		o.ContentType = OIDData
	}
	digest := o.Digest
	if digest == nil {
		h := o.Hash.New()
		h.Write(o.Content)
		digest = h.Sum(nil)
	}
	if len(digest) != o.Hash.Size() {
		return nil, fmt.Errorf("cms: sign: digest of %d bytes for %v", len(digest), o.Hash)
	}
	digestAlg := seq(oid(hashOID)) // parameters omitted (RFC 5754 §2)

	attrs := [][]byte{
		attribute(OIDAttrContentType, oid(o.ContentType)),
		attribute(OIDAttrMessageDigest, octets(digest)),
		attribute(OIDAttrSigningCertV2, signingCertificateV2(o.Certificate)),
	}
	if !o.SigningTime.IsZero() {
		attrs = append(attrs, attribute(OIDAttrSigningTime, utcTime(o.SigningTime)))
	}
	if o.Policy != nil {
		attrs = append(attrs, attribute(OIDAttrSigPolicyID, policyID(o.Policy)))
	}
	signedSet := set(attrs...) // tag 0x31: the bytes that are signed
	h := o.Hash.New()
	h.Write(signedSet)
	sig, sigAlg, err := signDigest(o, h.Sum(nil))
	if err != nil {
		return nil, err
	}

	siParts := [][]byte{
		smallInt(1),
		seq(o.Certificate.RawIssuer, integer(o.Certificate.SerialNumber)),
		digestAlg,
		append([]byte{0xA0}, signedSet[1:]...), // [0] IMPLICIT SET OF Attribute
		sigAlg,
		octets(sig),
	}
	if o.Timestamp != nil {
		tst, err := o.Timestamp(sig)
		if err != nil {
			return nil, fmt.Errorf("cms: timestamp: %w", err)
		}
		unsigned := set(attribute(OIDAttrSignatureTSToken, tst))
		siParts = append(siParts, append([]byte{0xA1}, unsigned[1:]...))
	}
	signerInfo := seq(siParts...)

	encap := [][]byte{oid(o.ContentType)}
	if o.Attached {
		encap = append(encap, explicit(0, octets(o.Content)))
	}
	var certs [][]byte
	certs = append(certs, o.Certificate.Raw)
	for _, c := range o.Chain {
		certs = append(certs, c.Raw)
	}
	version := int64(1)
	if !o.ContentType.Equal(OIDData) {
		version = 3 // RFC 5652 §5.1: eContentType other than id-data
	}
	sd := seq(
		smallInt(version),
		set(digestAlg),
		seq(encap...),
		tlv(0xA0, certs...), // [0] IMPLICIT CertificateSet
		set(signerInfo),
	)
	return seq(oid(OIDSignedData), explicit(0, sd)), nil
}

// attribute encodes Attribute ::= SEQUENCE { attrType, SET { value } }.
func attribute(t asn1.ObjectIdentifier, value []byte) []byte {
	return seq(oid(t), set(value))
}

// signingCertificateV2 encodes SigningCertificateV2 { certs SEQUENCE OF
// ESSCertIDv2 { certHash (SHA-256, the default algorithm, so omitted),
// issuerSerial { GeneralNames { directoryName }, serialNumber } } }
// (RFC 5035).
func signingCertificateV2(cert *x509.Certificate) []byte {
	sum := sha256.Sum256(cert.Raw)
	issuerSerial := seq(seq(explicit(4, cert.RawIssuer)), integer(cert.SerialNumber))
	return seq(seq(seq(octets(sum[:]), issuerSerial)))
}

// policyID encodes SignaturePolicyId { sigPolicyId, sigPolicyHash {
// SHA-256, hash }, sigPolicyQualifiers { { id-spq-ets-uri, url } } }.
func policyID(p *Policy) []byte {
	parts := [][]byte{oid(p.OID), seq(seq(oid(OIDSHA256)), octets(p.Hash))}
	if p.URL != "" {
		parts = append(parts, seq(seq(oid(OIDSPURI), ia5(p.URL))))
	}
	return seq(parts...)
}

// signDigest signs digest (of the signed attributes) and returns the
// signature and its AlgorithmIdentifier.
func signDigest(o Options, digest []byte) (sig, alg []byte, err error) {
	r := o.Rand
	if r == nil {
		r = rand.Reader
	}
	hashOID, _ := HashOID(o.Hash)
	switch o.Signer.Public().(type) {
	case *rsa.PublicKey:
		if o.PSS {
			sig, err = o.Signer.Sign(r, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: o.Hash})
			hashAlg := seq(oid(hashOID))
			params := seq(explicit(0, hashAlg), explicit(1, seq(oid(oidMGF1), hashAlg)), explicit(2, smallInt(int64(o.Hash.Size()))))
			alg = seq(oid(oidRSAPSS), params)
		} else {
			sig, err = o.Signer.Sign(r, digest, o.Hash)
			alg = seq(oid(map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA256: oidSHA256WithRSA, crypto.SHA384: oidSHA384WithRSA, crypto.SHA512: oidSHA512WithRSA}[o.Hash]), derNull)
		}
	case *ecdsa.PublicKey:
		sig, err = o.Signer.Sign(r, digest, o.Hash)
		alg = seq(oid(map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA256: oidECDSAWithSHA256, crypto.SHA384: oidECDSAWithSHA384, crypto.SHA512: oidECDSAWithSHA512}[o.Hash]))
	default:
		return nil, nil, errors.New("cms: sign: unsupported key type")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("cms: sign: %w", err)
	}
	return sig, alg, nil
}
