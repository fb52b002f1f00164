package certdoctor

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// File is one file given to [Examine]: its name as the user typed it (used
// in messages and in the fix commands) and its contents.
type File struct {
	Name string
	Data []byte
}

// Options configures [Examine]. The zero value examines the files alone at
// the current time.
type Options struct {
	// CABundle holds the trusted CA certificates (the "cadeia completa"
	// the PSP publishes, or only its root). Self-signed certificates in it
	// are the trust anchors; the others serve as intermediates. When it is
	// empty the chain is not checked.
	CABundle []*x509.Certificate
	// CABundleName is the bundle's file name, used in fix commands;
	// "CADEIA.pem" when empty.
	CABundleName string
	// Password opens PKCS#12 files and encrypted private keys. When it is
	// empty, PKCS#12 files are tried with the empty password and encrypted
	// keys are reported without being opened.
	Password string
	// Now is the time validity is checked at; zero means time.Now().
	Now time.Time
	// Documento is the CPF or CNPJ (digits only) a CSR is meant for. CSRs
	// whose subject is aimed at the Sicredi developer portal are checked as
	// the portal checks them ([CheckCSR]) against Documento, or, when it is
	// empty, against the CPF/CNPJ in their own serialNumber.
	Documento string
}

// Severity says how bad a [Finding] is. Its value is the wire form.
type Severity string

// The severities. Only [SeverityError] makes [Report.OK] false.
const (
	// SeverityOK marks a check that passed ("a chave corresponde ao
	// certificado").
	SeverityOK Severity = "ok"
	// SeverityWarning marks something that works with some tools and not
	// others (a DER certificate, a key protected by a passphrase).
	SeverityWarning Severity = "warning"
	// SeverityError marks something that makes mutual TLS fail (the 403 of
	// seed 000 Anexo III).
	SeverityError Severity = "error"
)

// Code identifies a kind of [Finding]. Codes are stable: scripts may match
// them.
type Code string

// The finding codes.
const (
	// CodeUnreadable: the file (or a PEM block in it) is neither a
	// certificate, a CSR, a private key nor a PKCS#12 file, or is corrupt.
	CodeUnreadable Code = "UNREADABLE"
	// CodeDERNotPEM: binary DER where most tools (Postman, curl, web
	// servers) expect PEM (seed 000 Anexo II and V).
	CodeDERNotPEM Code = "DER_NOT_PEM"
	// CodeCSRNotCertificate: a requisição (CSR) is given and no
	// certificate for its key is (seed 000 Anexo III, 403).
	CodeCSRNotCertificate Code = "CSR_NOT_CERTIFICATE"
	// CodeCSRMatchesCertificate: a CSR and the certificate issued for its
	// key are both given (the CSR is not needed for mTLS).
	CodeCSRMatchesCertificate Code = "CSR_MATCHES_CERTIFICATE"
	// CodeEncryptedKey: the private key is protected by a passphrase
	// (PKCS#8 PBES2 or legacy "Proc-Type: 4,ENCRYPTED").
	CodeEncryptedKey Code = "ENCRYPTED_KEY"
	// CodeUnsupportedEncryption: the key is encrypted with an algorithm
	// brasa cannot decrypt (PBES1, scrypt); OpenSSL may.
	CodeUnsupportedEncryption Code = "UNSUPPORTED_ENCRYPTION"
	// CodeWrongPassword: [Options.Password] does not open the encrypted
	// key or the PKCS#12 file.
	CodeWrongPassword Code = "WRONG_PASSWORD"
	// CodePasswordNeeded: a PKCS#12 file that the empty password does not
	// open, and no password was given.
	CodePasswordNeeded Code = "PASSWORD_NEEDED"
	// CodeKeyMatchesCertificate: a private key is the key of a
	// certificate.
	CodeKeyMatchesCertificate Code = "KEY_MATCHES_CERTIFICATE"
	// CodeKeyMatchesCSR: a private key is the key of a CSR.
	CodeKeyMatchesCSR Code = "KEY_MATCHES_CSR"
	// CodeKeyValuesMismatch: keys and certificates are given and no key
	// belongs to any certificate (OpenSSL's KEY_VALUES_MISMATCH, seed 000
	// Anexo V).
	CodeKeyValuesMismatch Code = "KEY_VALUES_MISMATCH"
	// CodeUnmatchedKey: a key that belongs to none of the certificates,
	// while another key does.
	CodeUnmatchedKey Code = "UNMATCHED_KEY"
	// CodeUnmatchedCertificate: a client certificate whose key is not
	// among the keys given, while another certificate's is.
	CodeUnmatchedCertificate Code = "UNMATCHED_CERTIFICATE"
	// CodeExpired: the certificate's NotAfter has passed.
	CodeExpired Code = "EXPIRED"
	// CodeNotYetValid: the certificate's NotBefore is in the future.
	CodeNotYetValid Code = "NOT_YET_VALID"
	// CodeExpiresSoon: the client certificate expires within 30 days.
	CodeExpiresSoon Code = "EXPIRES_SOON"
	// CodeChainOK: the client certificate chains to [Options.CABundle].
	CodeChainOK Code = "CHAIN_OK"
	// CodeChainNotChecked: no CA bundle was given, so the chain was not
	// checked.
	CodeChainNotChecked Code = "CHAIN_NOT_CHECKED"
	// CodeChainIncomplete: the issuer of the client certificate (or of an
	// intermediate) is neither among the files nor in the bundle.
	CodeChainIncomplete Code = "CHAIN_INCOMPLETE"
	// CodeUnknownCA: the chain is complete but ends at a root that is not
	// in the bundle, or the issuer's name is in the bundle but another key
	// signed the certificate: another CA (or another environment).
	CodeUnknownCA Code = "UNKNOWN_CA"
	// CodeChainInvalid: the chain reaches the bundle but does not verify
	// (an expired CA, a constraint violated).
	CodeChainInvalid Code = "CHAIN_INVALID"
	// CodeNoClientAuth: the client certificate's extended key usage lacks
	// clientAuth (or the extension is absent), so mTLS servers that check
	// it refuse the certificate.
	CodeNoClientAuth Code = "NO_CLIENT_AUTH"
	// CodeWeakKey: an RSA key under 2048 bits (seed 000 Anexo IV: "2048 ou
	// mais").
	CodeWeakKey Code = "WEAK_KEY"
	// CodePublicKeyOnly: a public key where the private key is expected.
	CodePublicKeyOnly Code = "PUBLIC_KEY_ONLY"
	// CodePKCS7: a PKCS#7 (.p7b) bundle, which most tools do not read as
	// a certificate file.
	CodePKCS7 Code = "PKCS7_BUNDLE"
	// CodeUnknownBlock: a PEM block of a type the doctor does not know.
	CodeUnknownBlock Code = "UNKNOWN_PEM_BLOCK"
	// CodeCSRAccepted: a CSR meant for the developer portal passes the
	// portal's check ([CheckCSR]).
	CodeCSRAccepted Code = "CSR_ACCEPTED"
	// CodeCSRRefused: a CSR meant for the developer portal fails the
	// portal's check ([CheckCSR]); one finding per problem, whose message
	// is the portal's.
	CodeCSRRefused Code = "CSR_REFUSED"
)

// Finding is one thing the doctor has to say about the files.
type Finding struct {
	// File is the name of the file concerned; for findings about a pair
	// (a key and a certificate) it is the key's or the CSR's file.
	File string
	// Severity says whether this breaks mTLS.
	Severity Severity
	// Code is the stable identifier of the finding.
	Code Code
	// Message says what is wrong, in Portuguese and in the seed's terms.
	Message string
	// Fix holds the commands that fix the problem, one per entry: OpenSSL
	// first (as seed 000 writes it), then the `brasa cert` equivalent.
	// Entries starting with "#" are instructions, not commands. Empty for
	// [SeverityOK] findings.
	Fix []string
}

// Format is how a file or an item is encoded.
type Format string

// The formats.
const (
	FormatPEM    Format = "PEM"
	FormatDER    Format = "DER"
	FormatPKCS12 Format = "PKCS#12"
)

// Kind says what an [Item] is.
type Kind string

// The kinds of items.
const (
	KindCertificate  Kind = "certificate"
	KindCSR          Kind = "csr"
	KindPrivateKey   Kind = "private-key"
	KindEncryptedKey Kind = "encrypted-private-key"
	KindPKCS12       Kind = "pkcs12"
)

// Label returns the kind's name in the seed's terms.
func (k Kind) Label() string {
	switch k {
	case KindCertificate:
		return "certificado (.CER)"
	case KindCSR:
		return "requisição (.CSR)"
	case KindPrivateKey:
		return "chave privada (.KEY)"
	case KindEncryptedKey:
		return "chave privada (.KEY) protegida por senha"
	case KindPKCS12:
		return "PFX (PKCS#12)"
	}
	return string(k)
}

// Item is one thing found in a file: a certificate, a CSR, a key, or a
// PKCS#12 container (whose contents follow it as items of their own).
type Item struct {
	Kind Kind
	// Format is the encoding the item was found in; items taken out of a
	// PKCS#12 file have FormatPKCS12.
	Format Format
	// Structure names the ASN.1 structure: "X.509", "PKCS#10", "PKCS#8",
	// "PKCS#1", "SEC 1", "PKCS#8 PBES2", "PEM tradicional (Proc-Type)",
	// "PKCS#12".
	Structure string
	// Certificate is set for KindCertificate.
	Certificate *x509.Certificate
	// CSR is set for KindCSR.
	CSR *x509.CertificateRequest
	// PublicKey is the certificate's, the CSR's or the private key's
	// public key; nil for an encrypted key that was not opened.
	PublicKey crypto.PublicKey
	// Decrypted reports whether an encrypted key was opened with
	// [Options.Password].
	Decrypted bool

	file      string
	n         int           // 1-based position among the file's items
	key       crypto.Signer // private key, when known
	raw       []byte        // encrypted key (PEM block or DER) for decryption
	blockType string        // PEM block type of an encrypted key
	inPKCS12  bool
}

// File returns the name of the file the item was found in.
func (it *Item) File() string { return it.file }

// IsCA reports whether the item is a CA certificate.
func (it *Item) IsCA() bool {
	return it.Certificate != nil && it.Certificate.IsCA
}

// KeyDescription describes the item's public key ("RSA 2048", "ECDSA
// P-256"), or "" when it is not known.
func (it *Item) KeyDescription() string {
	if it.PublicKey == nil {
		return ""
	}
	return KeyDescription(it.PublicKey)
}

// describe names the item for messages: "certificado (.CER) CN=x em
// file.cer".
func (it *Item) describe() string {
	var b strings.Builder
	b.WriteString(it.Kind.Label())
	switch {
	case it.Certificate != nil:
		fmt.Fprintf(&b, " %q", SubjectString(it.Certificate.Subject))
	case it.CSR != nil:
		fmt.Fprintf(&b, " %q", SubjectString(it.CSR.Subject))
	}
	fmt.Fprintf(&b, " em %s", it.file)
	if it.inPKCS12 {
		b.WriteString(" (dentro do PFX)")
	}
	return b.String()
}

// FileReport is what one file holds.
type FileReport struct {
	Name string
	// Format is the file's encoding; empty when nothing in it was read.
	Format Format
	// Items are what the file holds, in order. A PKCS#12 item is followed
	// by the key and certificates it contained, when it could be opened.
	Items []*Item
}

// Report is the result of [Examine].
type Report struct {
	Files    []FileReport
	Findings []Finding
}

// OK reports whether no finding is an error: the files would work for
// mutual TLS as far as the doctor can tell.
func (r Report) OK() bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			return false
		}
	}
	return true
}

// Count returns the number of findings of severity s.
func (r Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Find returns the findings with code c, in order.
func (r Report) Find(c Code) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Code == c {
			out = append(out, f)
		}
	}
	return out
}
