package pki

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// ICP-Brasil object identifiers used by [CA.IssueICPBrasil] (DOC-ICP-04).
var (
	// OIDICPBrasilPF is the otherName of a natural person: birth date
	// (ddmmaaaa), CPF, NIS, RG, RG issuer and state.
	OIDICPBrasilPF = asn1.ObjectIdentifier{2, 16, 76, 1, 3, 1}
	// OIDICPBrasilResponsibleName is a company's responsible person's name.
	OIDICPBrasilResponsibleName = asn1.ObjectIdentifier{2, 16, 76, 1, 3, 2}
	// OIDICPBrasilCNPJ is a company's CNPJ.
	OIDICPBrasilCNPJ = asn1.ObjectIdentifier{2, 16, 76, 1, 3, 3}
	// OIDICPBrasilResponsible is a company's responsible person (layout of
	// OIDICPBrasilPF).
	OIDICPBrasilResponsible = asn1.ObjectIdentifier{2, 16, 76, 1, 3, 4}
	// OIDICPBrasilCEIPF and OIDICPBrasilCEIPJ are the CEI numbers.
	OIDICPBrasilCEIPF = asn1.ObjectIdentifier{2, 16, 76, 1, 3, 6}
	OIDICPBrasilCEIPJ = asn1.ObjectIdentifier{2, 16, 76, 1, 3, 7}
	// OIDPolicyA3 is the A3 certificate policy family's first member.
	OIDPolicyA3 = asn1.ObjectIdentifier{2, 16, 76, 1, 2, 3, 1}
	// OIDPolicyTimestamp is the T3 timestamp certificate policy.
	OIDPolicyTimestamp = asn1.ObjectIdentifier{2, 16, 76, 1, 2, 303, 1}

	oidSAN             = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidCertPolicies    = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidExtKeyUsage     = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidCPSQualifier    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 2, 1}
	oidEKUTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
	oidAttrCountry     = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidAttrOrg         = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidAttrOrgUnit     = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidAttrCommonName  = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// ICPBrasilRequest describes an end-entity certificate with the ICP-Brasil
// profile (DOC-ICP-04) for [CA.IssueICPBrasil]: a natural person's e-CPF or a
// company's e-CNPJ.
type ICPBrasilRequest struct {
	// PublicKey is the holder's RSA key (2048 bits or more).
	PublicKey crypto.PublicKey
	// CNPJ is set (14 digits) for a company certificate; CPF then is the
	// responsible person's. For a natural person CNPJ is empty.
	CNPJ string
	// Name is the person's name or the company's razão social (no accents).
	Name string
	// CPF (11 digits) and BirthDate (ddmmaaaa) of the person (or the
	// company's responsible person); ResponsibleName is the latter's name.
	CPF, BirthDate, ResponsibleName string
	// Email goes in the SAN as an rfc822Name when set.
	Email string
	// IssuerName is the first OU: the issuing AC's name ("AC brasa").
	IssuerName string
	// ProductOU is the OU naming the product ("RFB e-CPF A3").
	ProductOU string
	// RACNPJ is the registration authority's CNPJ (an OU).
	RACNPJ string
	// Identification is the OU naming how the holder was identified
	// ("videoconferencia").
	Identification string
	// CRLURLs are the CRL distribution points; CAIssuerURL the AIA
	// caIssuers URL; CPSURL the certificate policy's CPS qualifier.
	CRLURLs     []string
	CAIssuerURL string
	CPSURL      string
	// Policy is the certificate policy; nil means [OIDPolicyA3].
	Policy asn1.ObjectIdentifier
	// Validity is the lifetime from now; zero means one year.
	Validity time.Duration
}

// IssueICPBrasil issues a signing certificate with the ICP-Brasil profile of
// DOC-ICP-04 as the notes describe it: subject C=BR (PrintableString),
// O=ICP-Brasil, OU=issuer, OU=product, OU=RA CNPJ, OU=identification,
// CN=<NAME>:<CPF|CNPJ> (UTF8String); key usage digitalSignature,
// nonRepudiation, keyEncipherment (critical); EKU clientAuth and
// emailProtection; certificate policies with a CPS qualifier; CRL
// distribution points; AIA caIssuers; and a subject alternative name with the
// ICP-Brasil otherNames (2.16.76.1.3.1 for a person; 3.4, 3.2, 3.3, 3.7 for a
// company) plus the e-mail.
func (ca *CA) IssueICPBrasil(req ICPBrasilRequest) (*x509.Certificate, error) {
	pub, ok := req.PublicKey.(*rsa.PublicKey)
	if !ok || pub.N.BitLen() < 2048 {
		return nil, errors.New("pki: issue ICP-Brasil certificate: need an RSA key of at least 2048 bits")
	}
	if !allDigits(req.CPF, 11) || (req.CNPJ != "" && !allDigits(req.CNPJ, 14)) {
		return nil, errors.New("pki: issue ICP-Brasil certificate: CPF must have 11 digits and CNPJ 14")
	}
	if req.BirthDate == "" {
		req.BirthDate = "00000000"
	}
	if !allDigits(req.BirthDate, 8) {
		return nil, errors.New("pki: issue ICP-Brasil certificate: birth date must be ddmmaaaa")
	}
	name := strings.ToUpper(strings.TrimSpace(req.Name))
	if name == "" || strings.ContainsAny(name, ":") {
		return nil, errors.New("pki: issue ICP-Brasil certificate: empty name or name with ':'")
	}
	doc := req.CPF
	if req.CNPJ != "" {
		doc = req.CNPJ
	}
	subject, err := icpSubject(req, name+":"+doc)
	if err != nil {
		return nil, fmt.Errorf("pki: issue ICP-Brasil certificate: %w", err)
	}
	san, err := icpSAN(req)
	if err != nil {
		return nil, fmt.Errorf("pki: issue ICP-Brasil certificate: %w", err)
	}
	policy := req.Policy
	if policy == nil {
		policy = OIDPolicyA3
	}
	pol, err := policiesExtension(policy, req.CPSURL, false)
	if err != nil {
		return nil, fmt.Errorf("pki: issue ICP-Brasil certificate: %w", err)
	}
	validity := req.Validity
	if validity == 0 {
		validity = 365 * 24 * time.Hour
	}
	tmpl := &x509.Certificate{
		RawSubject:            subject,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection},
		CRLDistributionPoints: req.CRLURLs,
		ExtraExtensions:       []pkix.Extension{san, pol},
	}
	if req.CAIssuerURL != "" {
		tmpl.IssuingCertificateURL = []string{req.CAIssuerURL}
	}
	cert, err := ca.issue(tmpl, pub, validity)
	if err != nil {
		return nil, fmt.Errorf("pki: issue ICP-Brasil certificate: %w", err)
	}
	return cert, nil
}

// IssueTimestamping issues a timestamp authority certificate for pub: key
// usage digitalSignature and nonRepudiation, a CRITICAL extended key usage
// timeStamping alone (RFC 3161 §2.3; `openssl ts -verify` insists), the T3
// timestamp policy, and the CRL distribution points given.
func (ca *CA) IssueTimestamping(pub crypto.PublicKey, commonName string, crlURLs []string, validity time.Duration) (*x509.Certificate, error) {
	if err := checkPublicKey(pub); err != nil {
		return nil, fmt.Errorf("pki: issue timestamping certificate: %w", err)
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidEKUTimeStamping})
	if err != nil {
		return nil, err
	}
	pol, err := policiesExtension(OIDPolicyTimestamp, "", false)
	if err != nil {
		return nil, err
	}
	if validity == 0 {
		validity = 365 * 24 * time.Hour
	}
	tmpl := &x509.Certificate{
		Subject: pkix.Name{
			Country:      []string{"BR"},
			Organization: []string{"ICP-Brasil"},
			CommonName:   commonName,
		},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		CRLDistributionPoints: crlURLs,
		ExtraExtensions: []pkix.Extension{
			{Id: oidExtKeyUsage, Critical: true, Value: eku},
			pol,
		},
	}
	cert, err := ca.issue(tmpl, pub, validity)
	if err != nil {
		return nil, fmt.Errorf("pki: issue timestamping certificate: %w", err)
	}
	return cert, nil
}

// RevokedEntry is one revoked certificate of a CRL.
type RevokedEntry struct {
	Serial    *big.Int
	RevokedAt time.Time
}

// CRL returns a DER certificate revocation list signed by the issuing CA,
// listing revoked, numbered number, valid from now until now+validity.
func (ca *CA) CRL(revoked []RevokedEntry, number int64, validity time.Duration) ([]byte, error) {
	if ca == nil || ca.key == nil {
		return nil, errors.New("pki: CRL: CA has no issuing key")
	}
	now := ca.now()
	tmpl := &x509.RevocationList{
		Number:     big.NewInt(number),
		ThisUpdate: now.Add(-backdate),
		NextUpdate: now.Add(validity),
	}
	for _, r := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{SerialNumber: r.Serial, RevocationTime: r.RevokedAt})
	}
	der, err := x509.CreateRevocationList(ca.random(), tmpl, ca.Intermediate, ca.key)
	if err != nil {
		return nil, fmt.Errorf("pki: CRL: %w", err)
	}
	return der, nil
}

// icpSubject encodes the subject: C as PrintableString, the rest UTF8String.
func icpSubject(req ICPBrasilRequest, cn string) ([]byte, error) {
	utf8 := func(s string) asn1.RawValue {
		return asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagUTF8String, Bytes: []byte(s)}
	}
	var rdns pkix.RDNSequence
	add := func(oid asn1.ObjectIdentifier, v any) {
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{Type: oid, Value: v}})
	}
	add(oidAttrCountry, asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagPrintableString, Bytes: []byte("BR")})
	add(oidAttrOrg, utf8("ICP-Brasil"))
	for _, ou := range []string{req.IssuerName, req.ProductOU, req.RACNPJ, req.Identification} {
		if ou != "" {
			add(oidAttrOrgUnit, utf8(ou))
		}
	}
	add(oidAttrCommonName, utf8(cn))
	return asn1.Marshal(rdns)
}

// icpSAN builds the subject alternative name with the ICP-Brasil otherNames
// (each [0] { OID, [0] EXPLICIT OCTET STRING }) and the e-mail.
func icpSAN(req ICPBrasilRequest) (pkix.Extension, error) {
	person := req.BirthDate + req.CPF + strings.Repeat("0", 11) + strings.Repeat("0", 15)
	type named struct {
		oid   asn1.ObjectIdentifier
		value string
	}
	var names []named
	if req.CNPJ == "" {
		names = []named{{OIDICPBrasilPF, person}, {OIDICPBrasilCEIPF, strings.Repeat("0", 12)}}
	} else {
		resp := strings.ToUpper(req.ResponsibleName)
		if resp == "" {
			resp = "RESPONSAVEL"
		}
		names = []named{
			{OIDICPBrasilResponsible, person},
			{OIDICPBrasilResponsibleName, resp},
			{OIDICPBrasilCNPJ, req.CNPJ},
			{OIDICPBrasilCEIPJ, strings.Repeat("0", 12)},
		}
	}
	var seq []byte
	for _, n := range names {
		oid, err := asn1.Marshal(n.oid)
		if err != nil {
			return pkix.Extension{}, err
		}
		oct, err := asn1.Marshal([]byte(n.value))
		if err != nil {
			return pkix.Extension{}, err
		}
		val, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: oct})
		if err != nil {
			return pkix.Extension{}, err
		}
		other, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: append(oid, val...)})
		if err != nil {
			return pkix.Extension{}, err
		}
		seq = append(seq, other...)
	}
	if req.Email != "" {
		email, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, Bytes: []byte(req.Email)})
		if err != nil {
			return pkix.Extension{}, err
		}
		seq = append(seq, email...)
	}
	der, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: seq})
	if err != nil {
		return pkix.Extension{}, err
	}
	return pkix.Extension{Id: oidSAN, Value: der}, nil
}

// policiesExtension encodes certificatePolicies with one policy and, when
// cps is set, its CPS pointer qualifier.
func policiesExtension(policy asn1.ObjectIdentifier, cps string, critical bool) (pkix.Extension, error) {
	type qualifier struct {
		ID  asn1.ObjectIdentifier
		CPS string `asn1:"ia5"`
	}
	type info struct {
		Policy     asn1.ObjectIdentifier
		Qualifiers []qualifier `asn1:"omitempty"`
	}
	pi := info{Policy: policy}
	if cps != "" {
		pi.Qualifiers = []qualifier{{ID: oidCPSQualifier, CPS: cps}}
	}
	der, err := asn1.Marshal([]info{pi})
	if err != nil {
		return pkix.Extension{}, err
	}
	return pkix.Extension{Id: oidCertPolicies, Critical: critical, Value: der}, nil
}

// allDigits reports whether s has exactly n ASCII digits.
func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ICPBrasilDocument returns the CPF and CNPJ carried in cert's ICP-Brasil
// otherNames (empty when absent).
func ICPBrasilDocument(cert *x509.Certificate) (cpf, cnpj string) {
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(oidSAN) {
			continue
		}
		var names []asn1.RawValue
		if _, err := asn1.Unmarshal(ext.Value, &names); err != nil {
			return "", ""
		}
		for _, n := range names {
			if n.Class != asn1.ClassContextSpecific || n.Tag != 0 {
				continue
			}
			var oid asn1.ObjectIdentifier
			rest, err := asn1.Unmarshal(n.Bytes, &oid)
			if err != nil {
				continue
			}
			var wrap asn1.RawValue
			if _, err := asn1.Unmarshal(rest, &wrap); err != nil {
				continue
			}
			var val []byte
			if _, err := asn1.Unmarshal(wrap.Bytes, &val); err != nil {
				continue
			}
			switch {
			case (oid.Equal(OIDICPBrasilPF) || oid.Equal(OIDICPBrasilResponsible)) && len(val) >= 19:
				cpf = string(val[8:19])
			case oid.Equal(OIDICPBrasilCNPJ):
				cnpj = string(val)
			}
		}
	}
	return cpf, cnpj
}
