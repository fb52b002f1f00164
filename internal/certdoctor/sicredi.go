package certdoctor

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/brasa-dev/brasa/internal/pix"
)

// The fixed attributes of the Sicredi API Pix subject (seed 000 Anexo IV).
const (
	SicrediOrganization = "Confederacao Interestadual das Cooperativas Ligadas ao Sicredi"
	SicrediUnit         = "API Pix Sicredi"
	sicrediCNPrefix     = "api-parceiros-"
	sicrediCNSuffix     = ".sicredi.net"
	sicrediSerialPrefix = "urn:cpfcnpj:"
)

// oidJurisdictionCountry is jurisdictionCountryName (CA/Browser Forum EV
// guidelines §9.2.4), which the Sicredi subject carries.
var oidJurisdictionCountry = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3}

var (
	oidCountry      = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrganization = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidCommonName   = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidProvince     = asn1.ObjectIdentifier{2, 5, 4, 8}
	oidLocality     = asn1.ObjectIdentifier{2, 5, 4, 7}
	oidUnit         = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidSerialNumber = asn1.ObjectIdentifier{2, 5, 4, 5}
)

var sicrediNome = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// sicrediDoc is a CPF (11 digits) or a CNPJ, numeric or alphanumeric (12
// digits or capital letters and 2 check digits, the format from July 2026).
var sicrediDoc = regexp.MustCompile(`^(?:[0-9]{11}|[0-9A-Z]{12}[0-9]{2})$`)

// SicrediSubject returns the subject seed 000 Anexo IV prescribes for the
// CSR of an API Pix Sicredi certificate, attribute for attribute and in the
// same order as its `openssl req -subj`:
//
//	/C=BR/O=Confederacao Interestadual das Cooperativas Ligadas ao Sicredi
//	/CN=api-parceiros-{nome}.sicredi.net/ST=RS/L=Porto Alegre
//	/jurisdictionCountryName=BR/OU=API Pix Sicredi
//	/serialNumber=urn:cpfcnpj:{CPF_CNPJ}
//
// nome is lowercased, as the seed requires, and must then be a DNS label
// (letters, digits and hyphens), since it becomes part of a host name.
// cpfcnpj is the owner's CPF (11 digits) or CNPJ (14 digits); punctuation
// (".", "-", "/", spaces) is removed, since the seed wants digits only, and
// its check digits must be right ([pix.ValidCPF], [pix.ValidCNPJ]): a
// mistyped number would be certified and then never match the account.
// The seed's text says the prefix stays "urn:cnpj" for a CPF too, but its
// command writes "urn:cpfcnpj"; the command is followed.
func SicrediSubject(nome, cpfcnpj string) (pkix.Name, error) {
	nome = strings.ToLower(strings.TrimSpace(nome))
	if !sicrediNome.MatchString(nome) {
		return pkix.Name{}, fmt.Errorf("certdoctor: nome %q: use only letters, digits and hyphens (it becomes api-parceiros-NOME.sicredi.net)", nome)
	}
	doc := strings.Map(func(r rune) rune {
		if strings.ContainsRune(".-/ ", r) {
			return -1
		}
		return r
	}, cpfcnpj)
	doc = strings.ToUpper(doc)
	if !sicrediDoc.MatchString(doc) {
		return pkix.Name{}, errors.New("certdoctor: CPF/CNPJ: give the CPF (11 digits) or the CNPJ (14 characters: 12 digits or capital letters, as the alphanumeric CNPJ allows, then 2 check digits)")
	}
	if err := checkDigits(doc); err != nil {
		return pkix.Name{}, err
	}
	return pkix.Name{ExtraNames: sicrediNames(nome, doc)}, nil
}

// checkDigits returns an error when doc, a CPF (11 characters) or a CNPJ
// (14), has wrong check digits.
func checkDigits(doc string) error {
	if len(doc) == 11 && !pix.ValidCPF(doc) {
		return fmt.Errorf("certdoctor: CPF %s: the check digits (the last two) do not match the other nine; a digit was mistyped", doc)
	}
	if len(doc) == 14 && !pix.ValidCNPJ(doc) {
		return fmt.Errorf("certdoctor: CNPJ %s: the check digits (the last two) do not match the other twelve; a digit was mistyped", doc)
	}
	return nil
}

// sicrediNames returns the attributes of the Sicredi subject, unchecked.
func sicrediNames(nome, doc string) []pkix.AttributeTypeAndValue {
	return []pkix.AttributeTypeAndValue{
		{Type: oidCountry, Value: "BR"},
		{Type: oidOrganization, Value: SicrediOrganization},
		{Type: oidCommonName, Value: sicrediCNPrefix + nome + sicrediCNSuffix},
		{Type: oidProvince, Value: "RS"},
		{Type: oidLocality, Value: "Porto Alegre"},
		{Type: oidJurisdictionCountry, Value: "BR"},
		{Type: oidUnit, Value: SicrediUnit},
		{Type: oidSerialNumber, Value: sicrediSerialPrefix + doc},
	}
}

// parseSicredi returns the nome and CPF/CNPJ of a subject made by
// [SicrediSubject].
func parseSicredi(name pkix.Name) (nome, doc string, ok bool) {
	cn := name.CommonName
	if !strings.HasPrefix(cn, sicrediCNPrefix) || !strings.HasSuffix(cn, sicrediCNSuffix) {
		return "", "", false
	}
	nome = strings.TrimSuffix(strings.TrimPrefix(cn, sicrediCNPrefix), sicrediCNSuffix)
	for _, prefix := range []string{sicrediSerialPrefix, "urn:cnpj:"} {
		if d, found := strings.CutPrefix(name.SerialNumber, prefix); found {
			return nome, d, nome != ""
		}
	}
	return "", "", false
}
