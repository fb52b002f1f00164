package certdoctor

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/pix"
)

// expiresSoon is how close to NotAfter a client certificate is reported.
const expiresSoon = 30 * 24 * time.Hour

// dateLayout is how dates appear in messages.
const dateLayout = "2006-01-02 15:04 MST"

// doctor holds one examination.
type doctor struct {
	opts     Options
	now      time.Time
	findings []Finding
	// keyed holds the certificates whose private key is among the files:
	// those are client certificates even when they claim to be CAs (a
	// self-signed `openssl req -x509` certificate does).
	keyed map[*x509.Certificate]bool
	// items are all the items of all the files.
	items []*Item
	// names are the names of the files examined.
	names []string
	// asn1OK reports whether the file being identified is readable by
	// openssl asn1parse.
	asn1OK bool
}

func (d *doctor) add(f Finding) { d.findings = append(d.findings, f) }

// Examine reads files (any mix of certificates, chains, CSRs, keys,
// encrypted keys and PKCS#12 files, in PEM or DER) and reports what each
// holds and what is wrong with them as a set meant for mutual TLS:
//
//   - per file: unreadable content ([CodeUnreadable]), DER where PEM is
//     expected ([CodeDERNotPEM]), a key protected by a passphrase
//     ([CodeEncryptedKey], [CodeWrongPassword] when opts.Password does not
//     open it), a PKCS#12 file that needs a password ([CodePasswordNeeded]),
//     a public key or a PKCS#7 bundle where something else is expected;
//   - per certificate: validity at opts.Now ([CodeExpired],
//     [CodeNotYetValid], [CodeExpiresSoon]), RSA keys under 2048 bits
//     ([CodeWeakKey]), and for client (non-CA) certificates the clientAuth
//     extended key usage ([CodeNoClientAuth]);
//   - across files: which key belongs to which certificate and CSR
//     (compared by public key; the MD5 of the modulus is shown as seed 000
//     Anexo V computes it), [CodeKeyValuesMismatch] when keys and
//     certificates are given and none correspond, a CSR given without its
//     certificate ([CodeCSRNotCertificate]), and whether each client
//     certificate chains to opts.CABundle through the intermediates found
//     among the files ([CodeChainOK], [CodeChainIncomplete],
//     [CodeUnknownCA], [CodeChainInvalid]).
//
// Examine does not fail: whatever cannot be read is a finding.
func Examine(files []File, opts Options) Report {
	d := &doctor{opts: opts, now: opts.Now}
	if d.now.IsZero() {
		d.now = time.Now()
	}
	var r Report
	for _, f := range files {
		d.names = append(d.names, f.Name)
	}
	for _, f := range files {
		r.Files = append(r.Files, d.identify(f))
	}
	d.checkTraps(r.Files)
	var items []*Item
	for _, fr := range r.Files {
		d.checkFile(fr)
		items = append(items, fr.Items...)
	}
	d.items = items
	d.keyed = map[*x509.Certificate]bool{}
	for _, c := range items {
		for _, k := range items {
			if c.Certificate != nil && k.key != nil && samePublicKey(k.PublicKey, c.PublicKey) {
				d.keyed[c.Certificate] = true
			}
		}
	}
	for _, it := range items {
		d.checkItem(it)
	}
	d.checkCSRs(items)
	d.checkMatches(items)
	d.checkChains(items)
	r.Findings = d.findings
	return r
}

// checkFile reports what concerns a file as a whole.
func (d *doctor) checkFile(fr FileReport) {
	if fr.Format != FormatDER || len(fr.Items) == 0 {
		return
	}
	it := fr.Items[0]
	q := shellQuote(fr.Name)
	var what, fix, brasa string
	switch it.Kind {
	case KindCertificate:
		out := shellQuote(derivedName(fr.Name, "", ".pem"))
		what = "o certificado (.CER)"
		fix = "openssl x509 -inform der -in " + q + " -out " + out
		brasa = "brasa cert pem " + q + " -o " + out
	case KindCSR:
		out := shellQuote(derivedName(fr.Name, "", ".pem"))
		what = "a requisição (.CSR)"
		fix = "openssl req -inform der -in " + q + " -out " + out
		brasa = "brasa cert pem " + q + " -o " + out
	case KindPrivateKey:
		out := shellQuote(derivedName(fr.Name, "", ".pem"))
		what = "a chave privada (.KEY)"
		fix = "openssl pkey -inform der -in " + q + " -out " + out
		brasa = "brasa cert pem " + q + " -o " + out
	case KindEncryptedKey:
		// Decrypting also writes PEM: one step fixes both.
		out := shellQuote(derivedName(fr.Name, "_sem_senha", ".pem"))
		what = "a chave privada (.KEY)"
		fix = "openssl pkcs8 -inform der -in " + q + " -out " + out
		brasa = "brasa cert key --decrypt " + q + " -o " + out
	default:
		return
	}
	d.add(Finding{File: fr.Name, Severity: SeverityWarning, Code: CodeDERNotPEM,
		Message: fmt.Sprintf("%s está na estrutura DER (binária), não em PEM (texto começando por -----BEGIN): o Postman e muitas aplicações aceitam apenas PEM; converta a estrutura (mudar a extensão do arquivo não basta)", what),
		Fix:     []string{fix, brasa}})
}

// checkItem reports what concerns one item alone.
func (d *doctor) checkItem(it *Item) {
	if it.Kind == KindEncryptedKey {
		d.checkEncrypted(it)
	}
	if it.Kind != KindCSR {
		if bits, weak := weakKey(it.PublicKey); weak {
			d.add(Finding{File: it.file, Severity: SeverityError, Code: CodeWeakKey,
				Message: fmt.Sprintf("%s tem chave RSA de %d bits; o mínimo é 2048 (guia técnico, Anexo IV: \"Tamanho da chave: 2048 ou mais\")", it.describe(), bits),
				Fix:     renewFix(it.Certificate)})
		}
	}
	if it.Kind != KindCertificate {
		return
	}
	c := it.Certificate
	switch {
	case d.now.After(c.NotAfter):
		d.add(Finding{File: it.file, Severity: SeverityError, Code: CodeExpired,
			Message: fmt.Sprintf("%s expirou em %s", it.describe(), c.NotAfter.UTC().Format(dateLayout)),
			Fix:     d.expiredFix(c)})
	case d.now.Before(c.NotBefore):
		d.add(Finding{File: it.file, Severity: SeverityError, Code: CodeNotYetValid,
			Message: fmt.Sprintf("%s só é válido a partir de %s (agora: %s); confira o relógio desta máquina", it.describe(), c.NotBefore.UTC().Format(dateLayout), d.now.UTC().Format(dateLayout)),
			Fix:     []string{"date -u", "# acerte o relógio (NTP) ou aguarde o início da validade"}})
	case d.isClient(c) && c.NotAfter.Sub(d.now) < expiresSoon:
		d.add(Finding{File: it.file, Severity: SeverityWarning, Code: CodeExpiresSoon,
			Message: fmt.Sprintf("%s expira em %s: renove antes", it.describe(), c.NotAfter.UTC().Format(dateLayout)),
			Fix:     renewFix(c)})
	}
	if d.isClient(c) {
		d.checkClientAuth(it)
	}
}

// isClient reports whether c is (meant as) a client certificate: not a CA,
// or its key is among the files.
func (d *doctor) isClient(c *x509.Certificate) bool {
	return !c.IsCA || d.keyed[c]
}

// expiredFix renews a client certificate; an expired CA certificate calls
// for the PSP's current chain instead.
func (d *doctor) expiredFix(c *x509.Certificate) []string {
	if c.IsCA {
		return []string{"# baixe a cadeia completa atual no Portal do Desenvolvedor"}
	}
	return renewFix(c)
}

// checkEncrypted reports a key protected by a passphrase.
func (d *doctor) checkEncrypted(it *Item) {
	q := shellQuote(it.file)
	out := shellQuote(derivedName(it.file, "_sem_senha", ".key"))
	openssl := "openssl pkey -in " + q + " -out " + out
	if isRSA(it.PublicKey) || strings.HasPrefix(it.blockType, "RSA") {
		// The seed's step 3 (Anexo IV).
		openssl = "openssl rsa -in " + q + " -out " + out
	}
	if it.Format == FormatDER {
		openssl = "openssl pkcs8 -inform der -in " + q + " -out " + out
	}
	msg := "a chave privada (.KEY) está protegida por senha (ENCRYPTED no cabeçalho): algumas ferramentas não suportam esta proteção, e servidores pedem a frase secreta a cada reinício; recomenda-se a chave privada sem senha"
	switch {
	case it.Decrypted:
		msg += "; a senha informada abre a chave"
	case d.opts.Password == "":
		msg += "; informe --password para conferir a senha e a correspondência com o certificado"
	}
	d.add(Finding{File: it.file, Severity: SeverityWarning, Code: CodeEncryptedKey, Message: msg,
		Fix: []string{openssl, "brasa cert key --decrypt " + q + " -o " + out}})
}

// checkClientAuth reports a client certificate not meant for TLS client
// authentication.
func (d *doctor) checkClientAuth(it *Item) {
	c := it.Certificate
	if slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageClientAuth) || slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageAny) {
		return
	}
	var msg string
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		msg = fmt.Sprintf("%s não tem a extensão de uso estendido (Extended Key Usage) com clientAuth: servidores mTLS que a exigem (como o brasa) recusam o certificado", it.describe())
	} else {
		msg = fmt.Sprintf("%s não serve para autenticação de cliente: seu uso estendido é %s, sem clientAuth; o mTLS da API Pix recusa o certificado", it.describe(), EKUNames(c))
	}
	d.add(Finding{File: it.file, Severity: SeverityError, Code: CodeNoClientAuth, Message: msg, Fix: renewFix(c)})
}

// EKUNames lists the extended key usages of c ("clientAuth, serverAuth"),
// or "" when it has none.
func EKUNames(c *x509.Certificate) string {
	names := map[x509.ExtKeyUsage]string{
		x509.ExtKeyUsageAny:             "any",
		x509.ExtKeyUsageClientAuth:      "clientAuth",
		x509.ExtKeyUsageServerAuth:      "serverAuth",
		x509.ExtKeyUsageCodeSigning:     "codeSigning",
		x509.ExtKeyUsageEmailProtection: "emailProtection",
		x509.ExtKeyUsageTimeStamping:    "timeStamping",
		x509.ExtKeyUsageOCSPSigning:     "OCSPSigning",
	}
	var out []string
	for _, u := range c.ExtKeyUsage {
		if n, ok := names[u]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("uso %d", u))
		}
	}
	for _, oid := range c.UnknownExtKeyUsage {
		out = append(out, oid.String())
	}
	return strings.Join(out, ", ")
}

// checkMatches pairs keys with certificates and CSRs.
func (d *doctor) checkMatches(items []*Item) {
	var keys, certs, csrs []*Item
	var encrypted int
	seen := map[string]bool{}
	for _, it := range items {
		switch it.Kind {
		case KindPrivateKey, KindEncryptedKey:
			if it.PublicKey != nil {
				keys = append(keys, it)
			} else {
				encrypted++
			}
		case KindCertificate:
			if !seen[string(it.Certificate.Raw)] {
				seen[string(it.Certificate.Raw)] = true
				certs = append(certs, it)
			}
		case KindCSR:
			csrs = append(csrs, it)
		}
	}

	keyMatched := map[*Item]bool{}
	certMatched := map[*Item]bool{}
	for _, k := range keys {
		for _, c := range certs {
			if !samePublicKey(k.PublicKey, c.PublicKey) {
				continue
			}
			keyMatched[k], certMatched[c] = true, true
			if k.inPKCS12 && c.inPKCS12 && k.file == c.file {
				continue // a PFX holding its own pair says nothing new
			}
			digest, what := PublicKeyMD5(k.PublicKey)
			d.add(Finding{File: k.file, Severity: SeverityOK, Code: CodeKeyMatchesCertificate,
				Message: fmt.Sprintf("%s corresponde ao %s (%s: %s)", k.describe(), c.describe(), what, digest)})
		}
		for _, r := range csrs {
			if samePublicKey(k.PublicKey, r.PublicKey) {
				digest, what := PublicKeyMD5(k.PublicKey)
				d.add(Finding{File: k.file, Severity: SeverityOK, Code: CodeKeyMatchesCSR,
					Message: fmt.Sprintf("%s é a que gerou a %s (%s: %s)", k.describe(), r.describe(), what, digest)})
			}
		}
	}

	for _, r := range csrs {
		var cert *Item
		for _, c := range certs {
			if samePublicKey(r.PublicKey, c.PublicKey) {
				cert = c
				break
			}
		}
		if cert != nil {
			d.add(Finding{File: r.file, Severity: SeverityOK, Code: CodeCSRMatchesCertificate,
				Message: fmt.Sprintf("a %s deu origem ao %s; a requisição não é usada no mTLS", r.describe(), cert.describe())})
			continue
		}
		keyFile := "CHAVE.key"
		for _, k := range keys {
			if samePublicKey(k.PublicKey, r.PublicKey) {
				keyFile = k.file
				break
			}
		}
		d.add(Finding{File: r.file, Severity: SeverityError, Code: CodeCSRNotCertificate,
			Message: fmt.Sprintf("%s: isto é uma requisição (CSR), não o certificado; baixe o certificado validado no portal (Portal do Desenvolvedor, status OK: \"Visualizar Certificado\") e use-o no lugar deste arquivo, com a chave privada (.KEY) que gerou a requisição", r.file),
			Fix: []string{
				"openssl req -noout -subject" + inform(r.Format) + " -in " + shellQuote(r.file),
				"# baixe o certificado validado (.CER) da requisição no Portal do Desenvolvedor",
				"brasa cert doctor certificado.cer " + shellQuote(keyFile),
			}})
	}

	if len(keys) == 0 || len(certs) == 0 {
		return
	}
	if len(keyMatched) == 0 {
		d.mismatch(keys, certs)
		return
	}
	for _, k := range keys {
		if !keyMatched[k] {
			digest, what := PublicKeyMD5(k.PublicKey)
			d.add(Finding{File: k.file, Severity: SeverityWarning, Code: CodeUnmatchedKey,
				Message: fmt.Sprintf("%s não corresponde a nenhum dos certificados informados (%s: %s); não a use com eles", k.describe(), what, digest),
				Fix:     []string{keyDigestCommand(k)}})
		}
	}
	for _, c := range certs {
		if !certMatched[c] && d.isClient(c.Certificate) {
			digest, what := PublicKeyMD5(c.PublicKey)
			d.add(Finding{File: c.file, Severity: SeverityWarning, Code: CodeUnmatchedCertificate,
				Message: fmt.Sprintf("a chave privada do %s não está entre os arquivos (%s: %s)", c.describe(), what, digest),
				Fix:     []string{certDigestCommand(c)}})
		}
	}
}

// mismatch reports keys and certificates none of which correspond.
func (d *doctor) mismatch(keys, certs []*Item) {
	var certLines []string
	allCA := true
	for _, c := range certs {
		digest, what := PublicKeyMD5(c.PublicKey)
		certLines = append(certLines, fmt.Sprintf("%s: %s %s", c.describe(), what, digest))
		allCA = allCA && c.IsCA()
	}
	for _, k := range keys {
		digest, what := PublicKeyMD5(k.PublicKey)
		msg := fmt.Sprintf("KEY_VALUES_MISMATCH: o certificado (.CER) e a chave privada (.KEY) não correspondem: %s (%s %s) não é a chave que originou a requisição de nenhum certificado informado (%s)",
			k.describe(), what, digest, strings.Join(certLines, "; "))
		if allCA {
			msg += "; os certificados informados são de AC (a cadeia), não o certificado do cliente"
		}
		msg += ". Encontre a chave privada correta; se não a encontrar, faça nova requisição (CSR) e obtenha novo certificado"
		fix := []string{keyDigestCommand(k)}
		files := []string{shellQuote(k.file)}
		for _, c := range certs {
			fix = append(fix, certDigestCommand(c))
			if !slices.Contains(files, shellQuote(c.file)) {
				files = append(files, shellQuote(c.file))
			}
		}
		fix = append(fix, "brasa cert doctor "+strings.Join(files, " ")+" OUTRAS_CHAVES.key")
		d.add(Finding{File: k.file, Severity: SeverityError, Code: CodeKeyValuesMismatch, Message: msg, Fix: fix})
	}
}

// checkChains verifies each client certificate against the CA bundle.
func (d *doctor) checkChains(items []*Item) {
	var leaves, found []*x509.Certificate
	seen := map[string]bool{}
	for _, it := range items {
		if it.Kind != KindCertificate || seen[string(it.Certificate.Raw)] {
			continue
		}
		seen[string(it.Certificate.Raw)] = true
		found = append(found, it.Certificate)
		if d.isClient(it.Certificate) {
			leaves = append(leaves, it.Certificate)
		}
	}
	if len(leaves) == 0 {
		return
	}
	leafFile := func(c *x509.Certificate) string {
		for _, it := range items {
			if it.Certificate == c {
				return it.file
			}
		}
		return ""
	}
	if len(d.opts.CABundle) == 0 {
		d.add(Finding{File: leafFile(leaves[0]), Severity: SeverityOK, Code: CodeChainNotChecked,
			Message: "cadeia não verificada: informe a cadeia completa (ou a AC raiz) com --ca para conferir se o certificado chega a ela"})
		return
	}

	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	anchors := 0
	for _, c := range d.opts.CABundle {
		if selfSigned(c) {
			roots.AddCert(c)
			anchors++
		}
	}
	for _, c := range d.opts.CABundle {
		if !selfSigned(c) {
			if anchors == 0 {
				roots.AddCert(c) // a bundle of intermediates only: trust them
			} else {
				inters.AddCert(c)
			}
		}
	}
	for _, c := range found {
		if c.IsCA && !d.keyed[c] {
			inters.AddCert(c)
		}
	}
	pool := append(slices.Clone(found), d.opts.CABundle...)

	for _, leaf := range leaves {
		file := leafFile(leaf)
		name := fmt.Sprintf("o certificado (.CER) %q em %s", SubjectString(leaf.Subject), file)
		at := d.now
		if at.Before(leaf.NotBefore) || at.After(leaf.NotAfter) {
			// Validity is reported on its own; judge the chain at a time
			// the leaf is valid.
			at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
		}
		chains, err := leaf.Verify(x509.VerifyOptions{
			Roots: roots, Intermediates: inters, CurrentTime: at,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
		})
		verify := "openssl verify -CAfile " + shellQuote(d.caName()) + " -untrusted " + shellQuote(d.caName()) + " " + shellQuote(file)
		if leafInPKCS12(items, leaf) {
			// openssl verify cannot read a PFX: extract the certificate.
			verify = "openssl pkcs12 -in " + shellQuote(file) + " -clcerts -nokeys | openssl verify -CAfile " + shellQuote(d.caName()) + " -untrusted " + shellQuote(d.caName())
		}
		if err == nil {
			var path []string
			for _, c := range chains[0][1:] {
				path = append(path, fmt.Sprintf("%q", SubjectString(c.Subject)))
			}
			d.add(Finding{File: file, Severity: SeverityOK, Code: CodeChainOK,
				Message: fmt.Sprintf("%s chega à cadeia informada (--ca): %s", name, strings.Join(path, " → "))})
			continue
		}
		var uae x509.UnknownAuthorityError
		if !errors.As(err, &uae) {
			d.add(Finding{File: file, Severity: SeverityError, Code: CodeChainInvalid,
				Message: fmt.Sprintf("%s chega à cadeia informada, mas a cadeia não é válida: %v", name, err),
				Fix:     []string{verify, "# baixe a cadeia completa atual no Portal do Desenvolvedor"}})
			continue
		}
		d.add(d.classifyChain(leaf, file, name, pool, verify))
	}
}

// classifyChain walks up from leaf through pool (the files' certificates and
// the bundle) to say why it does not reach the bundle: a missing link
// (CHAIN_INCOMPLETE) or another CA (UNKNOWN_CA).
func (d *doctor) classifyChain(leaf *x509.Certificate, file, name string, pool []*x509.Certificate, verify string) Finding {
	unknown := func(msg string) Finding {
		return Finding{File: file, Severity: SeverityError, Code: CodeUnknownCA, Message: msg,
			Fix: []string{verify, "# use a cadeia do ambiente certo (produção ou homologação) ou um certificado emitido pela AC da cadeia informada"}}
	}
	cur := leaf
	for range 8 {
		if selfSigned(cur) {
			if cur == leaf {
				return unknown(fmt.Sprintf("%s é autoassinado: não foi emitido pela AC da cadeia informada (--ca)", name))
			}
			return unknown(fmt.Sprintf("%s foi emitido sob a AC raiz %q, que não está na cadeia informada (--ca): é de outra AC ou de outro ambiente", name, SubjectString(cur.Subject)))
		}
		var parent *x509.Certificate
		sameName := false
		for _, p := range pool {
			if !bytes.Equal(p.RawSubject, cur.RawIssuer) {
				continue
			}
			sameName = true
			if cur.CheckSignatureFrom(p) == nil {
				parent = p
				break
			}
		}
		switch {
		case parent != nil:
			cur = parent
			continue
		case sameName:
			return unknown(fmt.Sprintf("%s: a AC %q informada tem o mesmo nome da emissora, mas não assinou o certificado (outra AC, outro ambiente ou AC renovada)", name, SubjectString(cur.Issuer)))
		case cur != leaf:
			return unknown(fmt.Sprintf("%s foi emitido sob a AC %q, cuja emissora %q não está na cadeia informada (--ca): é de outra AC ou de outro ambiente", name, SubjectString(cur.Subject), SubjectString(cur.Issuer)))
		}
		return Finding{File: file, Severity: SeverityError, Code: CodeChainIncomplete,
			Message: fmt.Sprintf("%s foi emitido por %q, que não está entre os arquivos nem na cadeia informada (--ca): falta a cadeia completa (o certificado intermediário), ou o certificado é de outra AC", name, SubjectString(cur.Issuer)),
			Fix: []string{
				"# baixe a cadeia completa no Portal do Desenvolvedor (CADEIA.pem)",
				verify,
				"brasa cert doctor " + shellQuote(file) + " CADEIA.pem --ca " + shellQuote(d.caName()),
			}}
	}
	return unknown(fmt.Sprintf("%s: a cadeia é longa demais ou circular", name))
}

// caName is the bundle's file name in fix commands.
func (d *doctor) caName() string {
	if d.opts.CABundleName != "" {
		return d.opts.CABundleName
	}
	return "CADEIA.pem"
}

// selfSigned reports whether c is signed by its own key.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// checkCSRs gives the developer portal's verdict ([CheckCSR]) on each CSR
// meant for it.
func (d *doctor) checkCSRs(items []*Item) {
	for _, it := range items {
		if it.Kind != KindCSR || (d.opts.Documento == "" && !meantForSicredi(it.CSR.Subject)) {
			continue
		}
		doc := d.opts.Documento
		if doc == "" {
			doc = sicrediDocOf(it.CSR.Subject)
		}
		var msgs []string
		if !pix.ValidCPF(doc) && !pix.ValidCNPJ(doc) {
			msgs = append(msgs, fmt.Sprintf("O CPF/CNPJ %q não é válido (11 dígitos de CPF ou 14 caracteres de CNPJ, com dígitos verificadores corretos): informe o CPF/CNPJ do proprietário do certificado.", doc))
			doc = ""
		}
		_, problems := CheckCSR(it.CSR.Raw, doc)
		msgs = append(msgs, problems...)
		if len(msgs) == 0 {
			d.add(Finding{File: it.file, Severity: SeverityOK, Code: CodeCSRAccepted,
				Message: fmt.Sprintf("a %s passa nas verificações do Portal do Desenvolvedor (assinatura, chave RSA de 2048 bits ou mais, subject para o CPF/CNPJ %s)", it.describe(), doc)})
			continue
		}
		fix := d.csrFix(it, doc)
		for _, m := range msgs {
			d.add(Finding{File: it.file, Severity: SeverityError, Code: CodeCSRRefused, Message: m, Fix: fix})
		}
	}
}

// csrFix returns the commands that show a CSR's subject and make a new one
// with the expected subject, with the key that made it when it is among the
// files.
func (d *doctor) csrFix(it *Item, doc string) []string {
	nome, _, ok := parseSicredi(it.CSR.Subject)
	nome = strings.ToLower(nome)
	if !ok || !sicrediNome.MatchString(nome) {
		nome = "{NOME_PARCEIRO}"
	}
	if doc == "" {
		doc = "{CPF_CNPJ_PARCEIRO}"
	}
	keyFile := "CHAVE.key"
	for _, k := range d.items {
		if k.key != nil && samePublicKey(k.PublicKey, it.PublicKey) && !k.inPKCS12 {
			keyFile = k.file
		}
	}
	subj := opensslSubject(sicrediNames(nome, doc))
	out := derivedName(it.file, "_nova", ".csr")
	return []string{
		"openssl req -noout -subject" + inform(it.Format) + " -in " + shellQuote(it.file),
		"openssl req -new -key " + shellQuote(keyFile) + " -sha256 -out " + shellQuote(out) + " -subj '" + strings.ReplaceAll(subj, "'", `'\''`) + "'",
	}
}

// leafInPKCS12 reports whether c was found inside a PFX.
func leafInPKCS12(items []*Item, c *x509.Certificate) bool {
	for _, it := range items {
		if it.Certificate == c {
			return it.inPKCS12
		}
	}
	return false
}
