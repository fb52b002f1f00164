package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// CreateCSR creates a PKCS#10 certificate signing request (RFC 2986) for
// key with subject and e-mail addresses, signed by key, and returns it as a
// "CERTIFICATE REQUEST" PEM block. The subject is encoded as `openssl req`
// encodes it (see [MarshalSubjectOpenSSL]), so that a request made by brasa
// and one made by hand with OpenSSL carry the same bytes.
func CreateCSR(key crypto.Signer, subject pkix.Name, emails []string) ([]byte, error) {
	if key == nil {
		return nil, errors.New("pki: create CSR: nil key")
	}
	rawSubject, err := MarshalSubjectOpenSSL(subject)
	if err != nil {
		return nil, fmt.Errorf("pki: create CSR: %w", err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		RawSubject:     rawSubject,
		EmailAddresses: emails,
	}, key)
	if err != nil {
		return nil, fmt.Errorf("pki: create CSR: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemCSR, Bytes: der}), nil
}

// ParseCSR parses a certificate signing request in PEM ("CERTIFICATE
// REQUEST", or "NEW CERTIFICATE REQUEST" as older tools write) or DER. It
// does not check the request's signature; [CA.SignCSR] does.
func ParseCSR(data []byte) (*x509.CertificateRequest, error) {
	der, err := csrDER(data)
	if err != nil {
		return nil, err
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parse CSR: %w", err)
	}
	return csr, nil
}

// csrDER returns the DER request in data: the first request block of PEM
// data, or data itself when it holds no PEM.
func csrDER(data []byte) ([]byte, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return data, nil
	}
	for ; block != nil; block, rest = pem.Decode(rest) {
		if block.Type == pemCSR || block.Type == pemNewCSR {
			return block.Bytes, nil
		}
	}
	return nil, errors.New("pki: parse CSR: no CERTIFICATE REQUEST block in PEM data")
}

// The attributes OpenSSL encodes with a fixed string type rather than its
// default UTF8String (its ASN1_STRING_TABLE, crypto/asn1/a_strnid.c).
var (
	printableAttrs = map[string]bool{
		"2.5.4.6":                  true, // countryName
		"2.5.4.5":                  true, // serialNumber
		"2.5.4.46":                 true, // dnQualifier
		"1.3.6.1.4.1.311.60.2.1.3": true, // jurisdictionCountryName
	}
	ia5Attrs = map[string]bool{
		"1.2.840.113549.1.9.1":       true, // emailAddress
		"0.9.2342.19200300.100.1.25": true, // domainComponent
	}
)

// MarshalSubjectOpenSSL encodes name (its fields, then ExtraNames, in the
// order of [pkix.Name.ToRDNSequence]) as DER with the string types OpenSSL
// 1.1 and 3 use by default (string_mask utf8only): PrintableString for
// countryName, serialNumber, dnQualifier and jurisdictionCountryName,
// IA5String for emailAddress and domainComponent, UTF8String for every
// other attribute. encoding/asn1 would pick PrintableString for any value
// that fits it, which some PSPs' CSR checks, written against OpenSSL's
// output, refuse. A value that does not fit its fixed type falls back to
// UTF8String. Values that are not strings are encoded as encoding/asn1
// does.
func MarshalSubjectOpenSSL(name pkix.Name) ([]byte, error) {
	rdns := name.ToRDNSequence()
	for i, rdn := range rdns {
		for j, atv := range rdn {
			s, ok := atv.Value.(string)
			if !ok {
				continue
			}
			tag := asn1.TagUTF8String
			switch oid := atv.Type.String(); {
			case printableAttrs[oid] && isPrintableString(s):
				tag = asn1.TagPrintableString
			case ia5Attrs[oid] && isIA5String(s):
				tag = asn1.TagIA5String
			}
			rdns[i][j].Value = asn1.RawValue{Class: asn1.ClassUniversal, Tag: tag, Bytes: []byte(s)}
		}
	}
	return asn1.Marshal(rdns)
}

// isPrintableString reports whether s fits ASN.1 PrintableString (X.680
// §41.4).
func isPrintableString(s string) bool {
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		case strings.ContainsRune(" '()+,-./:=?", r):
		default:
			return false
		}
	}
	return true
}

// isIA5String reports whether s is ASCII.
func isIA5String(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
