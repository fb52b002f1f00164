package certdoctor

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// shellQuote quotes s for a POSIX shell when it holds anything but safe
// characters, so that the fix commands can be pasted as they are.
func shellQuote(s string) string {
	if s != "" && safeShell.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var safeShell = regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+$`)

// derivedName returns the name of a file derived from name: its stem, then
// suffix, then ext (name's own extension when ext is empty). When that is
// name itself, "_novo" is added, as the seed names converted files
// ("certificado_novo.pem").
func derivedName(name, suffix, ext string) string {
	old := filepath.Ext(name)
	stem := strings.TrimSuffix(name, old)
	if ext == "" {
		ext = old
	}
	if out := stem + suffix + ext; out != name {
		return out
	}
	return stem + suffix + "_novo" + ext
}

// inform returns the -inform flag OpenSSL needs to read an item.
func inform(f Format) string {
	if f == FormatDER {
		return " -inform der"
	}
	return ""
}

// keyDigestCommand is the seed 000 Anexo V command that prints the digest
// of the key in file (see [PublicKeyMD5]).
func keyDigestCommand(it *Item) string {
	q := shellQuote(it.file)
	if it.inPKCS12 {
		return "openssl pkcs12 -in " + q + " -nocerts -nodes | openssl pkey -pubout | openssl md5"
	}
	if isRSA(it.PublicKey) || (it.PublicKey == nil && strings.HasPrefix(it.blockType, "RSA")) {
		return "openssl rsa -modulus -noout" + inform(it.Format) + " -in " + q + " | openssl md5"
	}
	return "openssl pkey -pubout" + inform(it.Format) + " -in " + q + " | openssl md5"
}

// certDigestCommand is the seed 000 Anexo V command that prints the digest
// of the certificate's key in file.
func certDigestCommand(it *Item) string {
	q := shellQuote(it.file)
	if it.inPKCS12 {
		if !isRSA(it.PublicKey) {
			return "openssl pkcs12 -in " + q + " -clcerts -nokeys | openssl x509 -pubkey -noout | openssl md5"
		}
		return "openssl pkcs12 -in " + q + " -clcerts -nokeys | openssl x509 -modulus -noout | openssl md5"
	}
	if isRSA(it.PublicKey) {
		return "openssl x509 -modulus -noout" + inform(it.Format) + " -in " + q + " | openssl md5"
	}
	return "openssl x509 -pubkey -noout" + inform(it.Format) + " -in " + q + " | openssl md5"
}

// renewFix returns the commands of seed 000 Anexo IV that make a new key and
// CSR with the subject of c (the Sicredi template when c is nil), in OpenSSL
// and brasa forms.
func renewFix(c *x509.Certificate) []string {
	var subj, flags string
	if c == nil {
		subj = opensslSubject(sicrediNames("{NOME_PARCEIRO}", "{CPF_CNPJ_PARCEIRO}"))
		flags = "--sicredi --nome NOME_PARCEIRO --cpfcnpj CPF_CNPJ_PARCEIRO"
	} else {
		subj = opensslSubject(c.Subject.Names)
		flags = brasaSubjectFlags(c.Subject)
	}
	return []string{
		"openssl genrsa -des3 -out CHAVE.key 2048",
		"openssl req -new -key CHAVE.key -sha256 -out REQUISICAO.csr -subj '" + strings.ReplaceAll(subj, "'", `'\''`) + "'",
		"brasa cert csr --key-out CHAVE.key --out REQUISICAO.csr " + flags,
		"# registre REQUISICAO.csr no Portal do Desenvolvedor (Registrar Novo CSR) e baixe o certificado validado (.CER)",
	}
}

// attrNames are OpenSSL's names of the subject attributes, as -subj takes
// them.
var attrNames = map[string]string{
	"2.5.4.6":                    "C",
	"2.5.4.8":                    "ST",
	"2.5.4.7":                    "L",
	"2.5.4.9":                    "street",
	"2.5.4.17":                   "postalCode",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.3":                    "CN",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.4":                    "SN",
	"2.5.4.42":                   "GN",
	"2.5.4.15":                   "businessCategory",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.25": "DC",
	"1.3.6.1.4.1.311.60.2.1.3":   "jurisdictionCountryName",
	"1.3.6.1.4.1.311.60.2.1.2":   "jurisdictionStateOrProvinceName",
	"1.3.6.1.4.1.311.60.2.1.1":   "jurisdictionLocalityName",
}

// SubjectString writes a distinguished name the way `openssl x509 -noout
// -subject` does: attributes in the certificate's order, with OpenSSL's
// names ("C=BR, O=..., CN=..., jurisdictionCountryName=BR"), rather than in
// RFC 4514's reverse order with unknown attributes in hex.
func SubjectString(name pkix.Name) string {
	var parts []string
	for _, atv := range name.Names {
		key, ok := attrNames[atv.Type.String()]
		if !ok {
			key = atv.Type.String()
		}
		parts = append(parts, key+"="+fmt.Sprint(atv.Value))
	}
	if len(parts) == 0 {
		return "(sem nome)"
	}
	return strings.Join(parts, ", ")
}

// opensslSubject writes attributes in order as an `openssl req -subj`
// argument: "/C=BR/O=.../CN=...".
func opensslSubject(names []pkix.AttributeTypeAndValue) string {
	var b strings.Builder
	for _, atv := range names {
		key, ok := attrNames[atv.Type.String()]
		if !ok {
			key = atv.Type.String()
		}
		v := fmt.Sprint(atv.Value)
		v = strings.NewReplacer(`\`, `\\`, `/`, `\/`).Replace(v)
		b.WriteString("/" + key + "=" + v)
	}
	return b.String()
}

// brasaSubjectFlags returns the `brasa cert csr` flags that ask for name.
func brasaSubjectFlags(name pkix.Name) string {
	if nome, doc, ok := parseSicredi(name); ok {
		return "--sicredi --nome " + shellQuote(nome) + " --cpfcnpj " + shellQuote(doc)
	}
	var flags []string
	add := func(flag string, values ...string) {
		if len(values) > 0 && values[0] != "" {
			flags = append(flags, flag+" "+shellQuote(values[0]))
		}
	}
	add("--cn", name.CommonName)
	add("--o", name.Organization...)
	add("--ou", name.OrganizationalUnit...)
	add("--c", name.Country...)
	add("--st", name.Province...)
	add("--l", name.Locality...)
	add("--serial", name.SerialNumber)
	return strings.Join(flags, " ")
}
