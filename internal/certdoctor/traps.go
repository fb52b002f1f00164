package certdoctor

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// The finding codes of the traps of renamed files.
const (
	// CodeWrongExtension: a file whose extension says one thing and whose
	// content is another (a private key named .cer, a certificate named
	// .key): renaming a file does not change what it is.
	CodeWrongExtension Code = "WRONG_EXTENSION"
	// CodeSwappedFiles: the certificate is in the .key file and the key in
	// the .cer file.
	CodeSwappedFiles Code = "SWAPPED_CER_KEY"
	// CodePFXNotPEM: a PKCS#12 (PFX) file named as a PEM certificate or key
	// (.pem, .cer, .crt, .key), which tools expecting PEM cannot read.
	CodePFXNotPEM Code = "PFX_NOT_PEM"
	// CodeLoneKey: private keys given without any certificate, CSR or PFX:
	// mTLS needs the certificate issued for the key.
	CodeLoneKey Code = "KEY_WITHOUT_CERTIFICATE"
)

var (
	certExts = []string{".cer", ".crt"}
	keyExts  = []string{".key"}
	pfxExts  = []string{".pfx", ".p12"}
)

// only reports whether every item of fr is of one of kinds (and there is
// at least one).
func only(fr FileReport, kinds ...Kind) bool {
	if len(fr.Items) == 0 {
		return false
	}
	for _, it := range fr.Items {
		if !slices.Contains(kinds, it.Kind) {
			return false
		}
	}
	return true
}

// freeName returns derivedName(name, suffix, ext), or, when that is one of
// the files examined, the same with "_corrigido" added, so that a fix
// never overwrites a file the user gave.
func (d *doctor) freeName(name, suffix, ext string) string {
	out := derivedName(name, suffix, ext)
	for slices.Contains(d.names, out) {
		out = derivedName(name, suffix+"_corrigido", ext)
		suffix += "_corrigido"
	}
	return out
}

// checkTraps reports the files whose name lies about their content, and
// keys given alone.
func (d *doctor) checkTraps(files []FileReport) {
	var keyAsCert, certAsKey []FileReport
	for _, fr := range files {
		ext := strings.ToLower(filepath.Ext(fr.Name))
		switch {
		case fr.Format == FormatPKCS12 && !slices.Contains(pfxExts, ext):
			d.pfxNotPEM(fr)
		case slices.Contains(certExts, ext) && only(fr, KindPrivateKey, KindEncryptedKey):
			keyAsCert = append(keyAsCert, fr)
		case slices.Contains(keyExts, ext) && only(fr, KindCertificate):
			certAsKey = append(certAsKey, fr)
		}
	}
	if len(keyAsCert) == 1 && len(certAsKey) == 1 {
		k, c := keyAsCert[0], certAsKey[0]
		keyFix, keyOut := d.keyOutFix(k)
		certFix, certOut := d.certOutFix(c)
		d.add(Finding{File: k.Name, Severity: SeverityError, Code: CodeSwappedFiles,
			Message: fmt.Sprintf("os arquivos estão trocados: %s contém a chave privada (.KEY) e %s contém o certificado (.CER); mudar a extensão não muda o tipo do arquivo. Use %s como chave e %s como certificado", k.Name, c.Name, keyOut, certOut),
			Fix: []string{keyFix, certFix,
				"brasa cert doctor " + shellQuote(certOut) + " " + shellQuote(keyOut)}})
	} else {
		for _, k := range keyAsCert {
			fix, out := d.keyOutFix(k)
			d.add(Finding{File: k.Name, Severity: SeverityError, Code: CodeWrongExtension,
				Message: fmt.Sprintf("%s não é um certificado (.CER): é uma %s com a extensão trocada; mudar a extensão não muda o tipo do arquivo. Use-o como a chave privada e informe o certificado (.CER) emitido para ela", k.Name, k.Items[0].Kind.Label()),
				Fix:     []string{fix, "brasa cert doctor certificado.cer " + shellQuote(out)}})
		}
		for _, c := range certAsKey {
			fix, out := d.certOutFix(c)
			d.add(Finding{File: c.Name, Severity: SeverityError, Code: CodeWrongExtension,
				Message: fmt.Sprintf("%s não é uma chave privada (.KEY): é um certificado (.CER) com a extensão trocada; mudar a extensão não muda o tipo do arquivo. Use-o como o certificado e informe a chave privada (.KEY) que gerou a requisição", c.Name),
				Fix:     []string{fix, "brasa cert doctor " + shellQuote(out) + " CHAVE.key"}})
		}
	}
	d.checkLoneKeys(files)
}

// keyOutFix returns the command that writes the key of fr to a file named
// .key, and that name.
func (d *doctor) keyOutFix(fr FileReport) (string, string) {
	out := d.freeName(fr.Name, "", ".key")
	return "openssl pkey" + inform(fr.Format) + " -in " + shellQuote(fr.Name) + " -out " + shellQuote(out), out
}

// certOutFix returns the command that writes the certificate of fr to a
// file named .cer, in PEM, and that name.
func (d *doctor) certOutFix(fr FileReport) (string, string) {
	out := d.freeName(fr.Name, "", ".cer")
	return "openssl x509" + inform(fr.Format) + " -in " + shellQuote(fr.Name) + " -out " + shellQuote(out), out
}

// pfxNotPEM reports a PKCS#12 file named as PEM.
func (d *doctor) pfxNotPEM(fr FileReport) {
	q := shellQuote(fr.Name)
	cert := d.freeName(fr.Name, "_certificado", ".cer")
	key := d.freeName(fr.Name, "_chave", ".key")
	pfx := d.freeName(fr.Name, "", ".pfx")
	d.add(Finding{File: fr.Name, Severity: SeverityWarning, Code: CodePFXNotPEM,
		Message: fmt.Sprintf("%s não é um certificado nem uma chave em PEM: é um PFX (PKCS#12), que reúne o certificado e a chave privada sob uma senha; ferramentas que esperam PEM (.CER, .KEY, .PEM) não o leem. Extraia o certificado e a chave, ou use-o como PFX (%s)", fr.Name, pfx),
		Fix: []string{
			"openssl pkcs12 -in " + q + " -clcerts -nokeys -out " + shellQuote(cert),
			"openssl pkcs12 -in " + q + " -nocerts -nodes -out " + shellQuote(key),
			"brasa cert pem " + q + " -o " + shellQuote(d.freeName(fr.Name, "_convertido", ".pem")),
		}})
}

// checkLoneKeys reports private keys given without anything to pair them
// with.
func (d *doctor) checkLoneKeys(files []FileReport) {
	var keys []*Item
	for _, fr := range files {
		for _, it := range fr.Items {
			switch it.Kind {
			case KindCertificate, KindCSR, KindPKCS12:
				return
			case KindPrivateKey, KindEncryptedKey:
				keys = append(keys, it)
			}
		}
	}
	for _, k := range keys {
		what := k.Kind.Label()
		if desc := k.KeyDescription(); desc != "" {
			digest, md5what := PublicKeyMD5(k.PublicKey)
			what += fmt.Sprintf(" %s (%s: %s)", desc, md5what, digest)
		}
		d.add(Finding{File: k.file, Severity: SeverityWarning, Code: CodeLoneKey,
			Message: fmt.Sprintf("%s contém só uma %s, sem certificado: o mTLS precisa também do certificado (.CER) emitido para esta chave. Baixe-o no Portal do Desenvolvedor (o certificado validado da requisição feita com esta chave) e examine os dois juntos; o código abaixo identifica a chave", k.file, what),
			Fix: []string{
				keyDigestCommand(k),
				"# baixe o certificado validado (.CER) no Portal do Desenvolvedor",
				"brasa cert doctor certificado.cer " + shellQuote(k.file),
			}})
	}
}
