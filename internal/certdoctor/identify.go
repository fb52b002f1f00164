package certdoctor

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/brasa-dev/brasa/internal/pki"
)

// identify reads one file into a FileReport, reporting what cannot be read.
// Encrypted keys and PKCS#12 files are opened here when a password is
// given.
func (d *doctor) identify(f File) FileReport {
	fr := FileReport{Name: f.Name}
	data := f.Data
	if len(bytes.TrimSpace(data)) == 0 {
		d.add(Finding{File: f.Name, Severity: SeverityError, Code: CodeUnreadable,
			Message: "o arquivo está vazio",
			Fix:     []string{"# baixe o arquivo novamente no Portal do Desenvolvedor"}})
		return fr
	}
	d.asn1OK = asn1Readable(data)
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		fr.Format = FormatPEM
		d.identifyPEM(&fr, data)
	} else {
		d.identifyDER(&fr, data)
	}
	for i, it := range fr.Items {
		it.file, it.n = f.Name, i+1
	}
	return fr
}

// identifyPEM reads every PEM block of data.
func (d *doctor) identifyPEM(fr *FileReport, data []byte) {
	rest := data
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		d.identifyBlock(fr, block)
	}
	if bytes.Contains(rest, []byte("-----BEGIN ")) {
		d.add(Finding{File: fr.Name, Severity: SeverityError, Code: CodeUnreadable,
			Message: "há um bloco PEM corrompido (cabeçalho -----BEGIN sem -----END correspondente, ou base64 inválido): o arquivo foi truncado ou editado",
			Fix: []string{
				"grep -n -e '-----' " + shellQuote(fr.Name),
				"# baixe o arquivo novamente no Portal do Desenvolvedor e não o edite",
			}})
	}
}

// identifyBlock reads one PEM block.
func (d *doctor) identifyBlock(fr *FileReport, block *pem.Block) {
	unreadable := func(what string, err error) {
		d.add(Finding{File: fr.Name, Severity: SeverityError, Code: CodeUnreadable,
			Message: fmt.Sprintf("o bloco %q não pode ser lido como %s: %v", block.Type, what, err),
			Fix:     append(d.asn1parse(fr.Name, ""), "# baixe o arquivo novamente no Portal do Desenvolvedor")})
	}
	switch block.Type {
	case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
		der := block.Bytes
		if block.Type == "TRUSTED CERTIFICATE" {
			// OpenSSL's trusted form: a certificate followed by its
			// trust settings.
			var first asn1.RawValue
			if _, err := asn1.Unmarshal(der, &first); err == nil {
				der = first.FullBytes
			}
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			unreadable("certificado", err)
			return
		}
		fr.Items = append(fr.Items, certItem(cert, FormatPEM))
	case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			unreadable("requisição (CSR)", err)
			return
		}
		fr.Items = append(fr.Items, &Item{Kind: KindCSR, Format: FormatPEM, Structure: "PKCS#10", CSR: csr, PublicKey: csr.PublicKey})
	case "ENCRYPTED PRIVATE KEY":
		fr.Items = append(fr.Items, d.encryptedKey(fr.Name, FormatPEM, "PKCS#8 cifrado (PBES2)", block.Type, pem.EncodeToMemory(block)))
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		if isLegacyEncrypted(block.Headers) {
			fr.Items = append(fr.Items, d.encryptedKey(fr.Name, FormatPEM, "PEM tradicional cifrado (Proc-Type: 4,ENCRYPTED)", block.Type, pem.EncodeToMemory(block)))
			return
		}
		key, err := pki.ParsePrivateKeyPEM(pem.EncodeToMemory(block))
		if err != nil {
			unreadable("chave privada", err)
			return
		}
		structure := map[string]string{"PRIVATE KEY": "PKCS#8", "RSA PRIVATE KEY": "PKCS#1", "EC PRIVATE KEY": "SEC 1"}[block.Type]
		fr.Items = append(fr.Items, &Item{Kind: KindPrivateKey, Format: FormatPEM, Structure: structure, key: key, PublicKey: key.Public()})
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		d.publicKeyOnly(fr.Name, FormatPEM)
	case "PKCS7", "CMS":
		d.pkcs7(fr.Name, FormatPEM)
	case "EC PARAMETERS", "DH PARAMETERS":
		// Written by `openssl ecparam -genkey` next to the key; harmless.
	default:
		d.add(Finding{File: fr.Name, Severity: SeverityWarning, Code: CodeUnknownBlock,
			Message: fmt.Sprintf("bloco PEM %q desconhecido: não é certificado, requisição nem chave privada; foi ignorado", block.Type),
			Fix:     append(d.asn1parse(fr.Name, ""), "# confira se este é o arquivo certo")})
	}
}

// identifyDER reads a binary file.
func (d *doctor) identifyDER(fr *FileReport, data []byte) {
	t := sniffDER(data)
	switch t {
	case derCertificates:
		fr.Format = FormatDER
		certs, _ := x509.ParseCertificates(data)
		for _, c := range certs {
			fr.Items = append(fr.Items, certItem(c, FormatDER))
		}
	case derCSR:
		fr.Format = FormatDER
		csr, _ := x509.ParseCertificateRequest(data)
		fr.Items = append(fr.Items, &Item{Kind: KindCSR, Format: FormatDER, Structure: t.structure(), CSR: csr, PublicKey: csr.PublicKey})
	case derPKCS8, derPKCS1, derSEC1:
		fr.Format = FormatDER
		key, err := pki.ParsePrivateKeyPEM(data)
		if err != nil {
			break
		}
		fr.Items = append(fr.Items, &Item{Kind: KindPrivateKey, Format: FormatDER, Structure: t.structure(), key: key, PublicKey: key.Public()})
	case derEncryptedPKCS8:
		fr.Format = FormatDER
		fr.Items = append(fr.Items, d.encryptedKey(fr.Name, FormatDER, t.structure(), "", data))
	case derPKCS12:
		fr.Format = FormatPKCS12
		fr.Items = append(fr.Items, d.pkcs12(fr.Name, data)...)
	case derPKCS7:
		fr.Format = FormatDER
		d.pkcs7(fr.Name, FormatDER)
	case derPublicKey:
		fr.Format = FormatDER
		d.publicKeyOnly(fr.Name, FormatDER)
	}
	if fr.Format != "" {
		return
	}
	msg := "não é um certificado (.CER), requisição (.CSR), chave privada (.KEY) nem PFX, em PEM ou DER"
	if isText(data) {
		msg += "; é texto, mas sem o cabeçalho -----BEGIN ... -----"
	}
	d.add(Finding{File: fr.Name, Severity: SeverityError, Code: CodeUnreadable, Message: msg,
		Fix: append(d.asn1parse(fr.Name, " -inform der"), "# confira se este é o arquivo certo; baixe-o novamente no Portal do Desenvolvedor")})
}

// certItem wraps a certificate.
func certItem(c *x509.Certificate, f Format) *Item {
	return &Item{Kind: KindCertificate, Format: f, Structure: "X.509", Certificate: c, PublicKey: c.PublicKey}
}

// encryptedKey makes the item of an encrypted key and, when a password is
// given, opens it.
func (d *doctor) encryptedKey(file string, f Format, structure, blockType string, raw []byte) *Item {
	it := &Item{Kind: KindEncryptedKey, Format: f, Structure: structure, raw: raw, blockType: blockType}
	if d.opts.Password == "" {
		return it
	}
	key, err := pki.DecryptPKCS8PEM(raw, []byte(d.opts.Password))
	switch {
	case errors.Is(err, pki.ErrBadPassphrase):
		d.add(Finding{File: file, Severity: SeverityError, Code: CodeWrongPassword,
			Message: "a senha informada (--password) não abre a chave privada (.KEY)",
			Fix: []string{
				"openssl pkey" + inform(f) + " -in " + shellQuote(file) + " -noout",
				"# use a frase secreta definida ao gerar a chave, ou baixe \"Download Key (sem frase secreta)\" no Portal do Desenvolvedor",
			}})
	case err != nil:
		d.add(Finding{File: file, Severity: SeverityWarning, Code: CodeUnsupportedEncryption,
			Message: fmt.Sprintf("a chave privada (.KEY) está cifrada com um algoritmo que o brasa não lê (%v); o OpenSSL pode convertê-la", err),
			Fix:     []string{"openssl pkey" + inform(f) + " -in " + shellQuote(file) + " -out " + shellQuote(derivedName(file, "_sem_senha", ""))}})
	default:
		it.key, it.PublicKey, it.Decrypted = key, key.Public(), true
	}
	return it
}

// pkcs12 opens a PKCS#12 file and returns its item followed by its
// contents.
func (d *doctor) pkcs12(file string, data []byte) []*Item {
	items := []*Item{{Kind: KindPKCS12, Format: FormatPKCS12, Structure: "PKCS#12"}}
	key, cert, chain, err := pki.DecodePKCS12(data, d.opts.Password)
	if err != nil {
		q := shellQuote(file)
		switch {
		case errors.Is(err, pki.ErrBadPassphrase) && d.opts.Password == "":
			d.add(Finding{File: file, Severity: SeverityWarning, Code: CodePasswordNeeded,
				Message: "o PFX é protegido por senha: informe-a com --password para examinar o certificado e a chave dentro dele",
				Fix: []string{
					"openssl pkcs12 -in " + q + " -nodes -out " + shellQuote(derivedName(file, "", ".pem")),
					"brasa cert doctor " + q + " --password SENHA",
				}})
		case errors.Is(err, pki.ErrBadPassphrase):
			d.add(Finding{File: file, Severity: SeverityError, Code: CodeWrongPassword,
				Message: "a senha informada (--password) não abre o PFX",
				Fix: []string{
					"openssl pkcs12 -in " + q + " -info -noout",
					"# use a senha definida na exportação do PFX, ou gere-o de novo: openssl pkcs12 -export -out certificado.pfx -inkey CHAVE.key -in certificado.cer",
				}})
		default:
			d.add(Finding{File: file, Severity: SeverityError, Code: CodeUnreadable,
				Message: fmt.Sprintf("o PFX não pode ser lido: %v", err),
				Fix:     []string{"openssl pkcs12 -in " + q + " -info -noout"}})
		}
		return items
	}
	it := &Item{Kind: KindPrivateKey, Format: FormatPKCS12, Structure: "PKCS#8", key: key, PublicKey: key.Public(), inPKCS12: true}
	items = append(items, it)
	if cert != nil {
		c := certItem(cert, FormatPKCS12)
		c.inPKCS12 = true
		items = append(items, c)
	}
	for _, ca := range chain {
		c := certItem(ca, FormatPKCS12)
		c.inPKCS12 = true
		items = append(items, c)
	}
	return items
}

func (d *doctor) publicKeyOnly(file string, f Format) {
	d.add(Finding{File: file, Severity: SeverityError, Code: CodePublicKeyOnly,
		Message: "isto é uma chave pública, não a chave privada (.KEY): o mTLS precisa da chave privada que gerou a requisição (CSR)",
		Fix: []string{
			"openssl pkey -pubin" + inform(f) + " -in " + shellQuote(file) + " -noout -text",
			"# baixe a chave privada (\"Download Key (sem frase secreta)\") no Portal do Desenvolvedor",
			"brasa cert doctor CHAVE.key certificado.cer",
		}})
}

func (d *doctor) pkcs7(file string, f Format) {
	inform := ""
	if f == FormatDER {
		inform = " -inform der"
	}
	d.add(Finding{File: file, Severity: SeverityWarning, Code: CodePKCS7,
		Message: "isto é um pacote PKCS#7 (.p7b) de certificados; a maioria das ferramentas espera o certificado (.CER) e a cadeia completa em PEM",
		Fix: []string{
			"openssl pkcs7" + inform + " -print_certs -in " + shellQuote(file) + " -out " + shellQuote(derivedName(file, "", ".pem")),
		}})
}

// isText reports whether data looks like text (base64 without headers, a
// note...).
func isText(data []byte) bool {
	for _, b := range data {
		if b < 0x09 || (b > 0x0d && b < 0x20) || b == 0x7f {
			return false
		}
	}
	return true
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToUpper(s), strings.ToUpper(sub))
}

// asn1parse returns `openssl asn1parse` on file when OpenSSL can parse it
// (its first PEM block, or the DER file, is well-formed ASN.1), and nothing
// otherwise: a command that only fails helps no one.
func (d *doctor) asn1parse(file, inform string) []string {
	if !d.asn1OK {
		return nil
	}
	return []string{"openssl asn1parse" + inform + " -in " + shellQuote(file)}
}

// asn1Readable reports whether `openssl asn1parse` reads data: the first
// PEM block of PEM data, or DER data, is one well-formed ASN.1 value.
func asn1Readable(data []byte) bool {
	der := data
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		block, _ := pem.Decode(data)
		if block == nil {
			return false
		}
		der = block.Bytes
	}
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(der, &v)
	return err == nil && len(rest) == 0
}
