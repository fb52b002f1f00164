package certdoctor

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"

	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
)

// CheckCSR is the check a certificate signing request made by hand gets
// before the developer portal registers it (seed 000 Anexo IV), and the
// one `brasa cert doctor` applies to a CSR, so that both give the same
// verdict: data must be a PKCS#10 request in PEM or DER with a valid
// signature and an RSA key of 2048 bits or more, and, when doc (the
// owner's CPF or CNPJ, digits only) is not empty, carry the subject
// [SicrediSubject] makes for it ([CheckSicrediSubject]). It returns the
// parsed request (nil when data is not one) and one message per problem,
// in Portuguese, each saying what to do; none means the portal accepts it.
func CheckCSR(data []byte, doc string) (*x509.CertificateRequest, []string) {
	c, err := pki.ParseCSR(data)
	if err != nil {
		return nil, []string{"O arquivo não é uma requisição de certificado (CSR) PKCS#10 em PEM ou DER. Gere-a com: openssl req -new -key CHAVE.key -sha256 -out REQUISICAO.csr -subj '...'."}
	}
	if err := c.CheckSignature(); err != nil {
		return c, []string{"A assinatura da requisição não confere: o arquivo foi alterado ou corrompido. Gere a requisição de novo."}
	}
	var out []string
	if pub, ok := c.PublicKey.(*rsa.PublicKey); !ok {
		out = append(out, "A chave da requisição deve ser RSA (openssl genrsa -des3 -out CHAVE.key 2048).")
	} else if pub.N.BitLen() < minRSABits {
		out = append(out, fmt.Sprintf("A chave RSA da requisição tem %d bits; use 2048 ou mais (openssl genrsa -des3 -out CHAVE.key 2048).", pub.N.BitLen()))
	}
	if doc != "" {
		out = append(out, CheckSicrediSubject(c.Subject, doc)...)
	}
	return c, out
}

// CheckSicrediSubject compares a CSR's subject with the one [SicrediSubject]
// makes for the CPF/CNPJ doc, and returns one message per problem, in
// Portuguese, each saying what is expected. The attributes may come in any
// order. When doc itself is not a valid CPF or CNPJ only the CN and
// serialNumber are compared: the caller reports doc.
func CheckSicrediSubject(name pkix.Name, doc string) []string {
	var out []string
	cn := name.CommonName
	nome, okCN := strings.CutPrefix(cn, sicrediCNPrefix)
	nome, okSuffix := strings.CutSuffix(nome, sicrediCNSuffix)
	if !okCN || !okSuffix || nome == "" {
		out = append(out, fmt.Sprintf("CN (nome comum) é %q; deve ser api-parceiros-{NOME_PARCEIRO}.sicredi.net.", cn))
		nome = "nome"
	} else if nome != strings.ToLower(nome) {
		out = append(out, fmt.Sprintf("CN %q: o {NOME_PARCEIRO} deve estar em letras minúsculas (%s).", cn, sicrediCNPrefix+strings.ToLower(nome)+sicrediCNSuffix))
		nome = strings.ToLower(nome)
	}
	serial := name.SerialNumber
	got, okSerial := strings.CutPrefix(serial, sicrediSerialPrefix)
	if !okSerial {
		got, okSerial = strings.CutPrefix(serial, "urn:cnpj:")
	}
	switch {
	case !okSerial:
		out = append(out, fmt.Sprintf("serialNumber é %q; deve ser urn:cpfcnpj:%s (CPF ou CNPJ do proprietário, só números).", serial, doc))
	case got != doc:
		out = append(out, fmt.Sprintf("serialNumber traz o CPF/CNPJ %q, mas o associado informado é %s: deve ser urn:cpfcnpj:%s.", got, doc, doc))
	}
	if !pix.ValidCPF(doc) && !pix.ValidCNPJ(doc) {
		return out
	}
	want, err := SicrediSubject(nome, doc)
	if err != nil {
		if len(out) == 0 {
			out = append(out, "CN: o {NOME_PARCEIRO} deve ter só letras minúsculas, dígitos e hífens.")
		}
		return out
	}
	for _, atv := range want.ExtraNames {
		if atv.Type.Equal(oidCommonName) || atv.Type.Equal(oidSerialNumber) {
			continue
		}
		label := attrLabel(atv.Type)
		var values []string
		for _, have := range name.Names {
			if have.Type.Equal(atv.Type) {
				values = append(values, fmt.Sprint(have.Value))
			}
		}
		switch {
		case len(values) == 0:
			out = append(out, fmt.Sprintf("Falta o atributo %s=%s no subject.", label, atv.Value))
		case len(values) > 1 || values[0] != atv.Value:
			out = append(out, fmt.Sprintf("%s é %q; deve ser %q.", label, strings.Join(values, ", "), atv.Value))
		}
	}
	if len(out) > 0 {
		out = append(out, "Subject esperado: "+SubjectString(pkix.Name{Names: want.ExtraNames})+".")
	}
	return out
}

// attrLabel is OpenSSL's short name of an attribute, or its OID.
func attrLabel(oid asn1.ObjectIdentifier) string {
	if l, ok := attrNames[oid.String()]; ok {
		return l
	}
	return oid.String()
}

// sicrediDocOf returns the CPF/CNPJ in a Sicredi subject's serialNumber
// ("urn:cpfcnpj:DOC"), or "".
func sicrediDocOf(name pkix.Name) string {
	for _, prefix := range []string{sicrediSerialPrefix, "urn:cnpj:"} {
		if d, ok := strings.CutPrefix(name.SerialNumber, prefix); ok {
			return d
		}
	}
	return ""
}

// meantForSicredi reports whether a CSR's subject is aimed at the Sicredi
// developer portal: any of its fixed attributes, or the urn:cpfcnpj:
// serialNumber.
func meantForSicredi(name pkix.Name) bool {
	return strings.HasSuffix(strings.ToLower(name.CommonName), sicrediCNSuffix) ||
		strings.HasPrefix(strings.ToLower(name.CommonName), sicrediCNPrefix) ||
		containsString(name.Organization, SicrediOrganization) ||
		containsString(name.OrganizationalUnit, SicrediUnit) ||
		sicrediDocOf(name) != ""
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
