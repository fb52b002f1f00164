package certdoctor_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/pki"
)

func TestExamine_good(t *testing.T) {
	a, _, ec := MustKeys(t)
	ca := MustNewCA(t, "")
	cert := MustIssue(t, ca, a.Public(), 0)
	ecCert := MustIssue(t, ca, ec.Public(), 0)

	tests := []struct {
		name  string
		files []certdoctor.File
		opts  certdoctor.Options
	}{
		{"CertKeyChain", []certdoctor.File{
			{Name: "certificado.cer", Data: CertPEM(cert)},
			{Name: "chave.key", Data: MustKeyPEM(t, a)},
			{Name: "cadeia.pem", Data: ca.ChainPEM()},
		}, certdoctor.Options{Now: t0.Add(time.Hour), CABundle: []*x509.Certificate{ca.Root}}},
		{"BundleIsFullChain", []certdoctor.File{
			{Name: "certificado.cer", Data: CertPEM(cert)},
			{Name: "chave.key", Data: MustKeyPEM(t, a)},
		}, certdoctor.Options{Now: t0.Add(time.Hour), CABundle: ca.Chain()}},
		{"BundleIsIntermediateOnly", []certdoctor.File{
			{Name: "certificado.cer", Data: CertPEM(cert)},
			{Name: "chave.key", Data: MustKeyPEM(t, a)},
		}, certdoctor.Options{Now: t0.Add(time.Hour), CABundle: []*x509.Certificate{ca.Intermediate}}},
		{"CertAndKeyInOneFile", []certdoctor.File{
			{Name: "credencial.pem", Data: append(CertPEM(cert, ca.Intermediate), MustKeyPEM(t, a)...)},
		}, certdoctor.Options{Now: t0.Add(time.Hour), CABundle: []*x509.Certificate{ca.Root}}},
		{"ECDSA", []certdoctor.File{
			{Name: "certificado.cer", Data: CertPEM(ecCert)},
			{Name: "chave.key", Data: MustKeyPEM(t, ec)},
		}, certdoctor.Options{Now: t0.Add(time.Hour), CABundle: ca.Chain()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := certdoctor.Examine(tt.files, tt.opts)
			if !r.OK() || r.Count(certdoctor.SeverityWarning) > 0 {
				t.Fatalf("want no errors nor warnings:\n%s", dump(r))
			}
			MustFind(t, r, certdoctor.CodeKeyMatchesCertificate)
			MustFind(t, r, certdoctor.CodeChainOK)
		})
	}
}

func TestExamine_identifies(t *testing.T) {
	a, _, _ := MustKeys(t)
	ca := MustNewCA(t, "")
	cert := MustIssue(t, ca, a.Public(), 0)
	pfx, err := pki.EncodePKCS12(a, cert, ca.Chain(), "segredo")
	if err != nil {
		t.Fatal(err)
	}
	r := certdoctor.Examine([]certdoctor.File{
		{Name: "a.cer", Data: x509DER(cert)},
		{Name: "b.pem", Data: CertPEM(cert, ca.Intermediate, ca.Root)},
		{Name: "c.csr", Data: MustCSR(t, a)},
		{Name: "d.key", Data: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(a)})},
		{Name: "e.key", Data: MustEncryptedKeyPEM(t, a, "segredo")},
		{Name: "f.pfx", Data: pfx},
	}, certdoctor.Options{Now: t0.Add(time.Hour), Password: "segredo"})

	type item struct {
		kind      certdoctor.Kind
		format    certdoctor.Format
		structure string
	}
	want := map[string][]item{
		"a.cer": {{certdoctor.KindCertificate, certdoctor.FormatDER, "X.509"}},
		"b.pem": {{certdoctor.KindCertificate, certdoctor.FormatPEM, "X.509"}, {certdoctor.KindCertificate, certdoctor.FormatPEM, "X.509"}, {certdoctor.KindCertificate, certdoctor.FormatPEM, "X.509"}},
		"c.csr": {{certdoctor.KindCSR, certdoctor.FormatPEM, "PKCS#10"}},
		"d.key": {{certdoctor.KindPrivateKey, certdoctor.FormatPEM, "PKCS#1"}},
		"e.key": {{certdoctor.KindEncryptedKey, certdoctor.FormatPEM, "PKCS#8 cifrado (PBES2)"}},
		"f.pfx": {{certdoctor.KindPKCS12, certdoctor.FormatPKCS12, "PKCS#12"}, {certdoctor.KindPrivateKey, certdoctor.FormatPKCS12, "PKCS#8"}, {certdoctor.KindCertificate, certdoctor.FormatPKCS12, "X.509"}, {certdoctor.KindCertificate, certdoctor.FormatPKCS12, "X.509"}, {certdoctor.KindCertificate, certdoctor.FormatPKCS12, "X.509"}},
	}
	for _, f := range r.Files {
		var got []item
		for _, it := range f.Items {
			got = append(got, item{it.Kind, it.Format, it.Structure})
		}
		if g, w := len(got), len(want[f.Name]); g != w {
			t.Errorf("%s: got %d items %v, want %d %v", f.Name, g, got, w, want[f.Name])
			continue
		}
		for i := range got {
			if got[i] != want[f.Name][i] {
				t.Errorf("%s item %d: got %v, want %v", f.Name, i+1, got[i], want[f.Name][i])
			}
		}
	}
	if e := r.Files[4].Items[0]; !e.Decrypted || e.KeyDescription() != "RSA 2048" {
		t.Errorf("encrypted key: Decrypted %v, key %q; want opened RSA 2048", e.Decrypted, e.KeyDescription())
	}
}

func x509DER(c *x509.Certificate) []byte { return c.Raw }

// TestExamine_failures builds, for each failure mode, the bad files with Go's
// crypto and checks that the doctor names the problem and its fix.
func TestExamine_failures(t *testing.T) {
	a, b, _ := MustKeys(t)
	ca := MustNewCA(t, "")
	other := MustNewCA(t, "Outra")
	cert := MustIssue(t, ca, a.Public(), 0)
	short := MustIssue(t, ca, a.Public(), 48*time.Hour)
	serverOnly := MustIssue(t, ca, a.Public(), 0, x509.ExtKeyUsageServerAuth)
	otherCert := MustIssue(t, other, a.Public(), 0)
	sameNameCA := MustNewCA(t, "") // pki's default names, another key
	sameNameCert := MustIssue(t, sameNameCA, a.Public(), 0)
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := pki.EncodePKCS12(a, cert, ca.Chain(), "segredo")
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(a), []byte("segredo"), x509.PEMCipher3DES) //nolint:staticcheck // SA1019: builds the legacy format on purpose.
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(a.Public())
	if err != nil {
		t.Fatal(err)
	}
	// A ContentInfo of type signedData ([0] EXPLICIT content), the shape
	// of a .p7b file; its content does not matter here.
	p7, err := asn1.Marshal(struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: []byte{0x30, 0x00}}})
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	root := []*x509.Certificate{ca.Root}

	tests := []struct {
		name     string
		files    []certdoctor.File
		opts     certdoctor.Options
		code     certdoctor.Code
		severity certdoctor.Severity
		message  string   // substring of the message
		fix      []string // substrings of the fix
	}{
		{"DERCertificate", []certdoctor.File{{Name: "certificado.cer", Data: cert.Raw}, {Name: "chave.key", Data: MustKeyPEM(t, a)}}, Opts(),
			certdoctor.CodeDERNotPEM, certdoctor.SeverityWarning, "estrutura DER",
			[]string{"openssl x509 -inform der -in certificado.cer -out certificado.pem", "brasa cert pem certificado.cer -o certificado.pem"}},
		{"DERCertificateNamedPEM", []certdoctor.File{{Name: "certificado.pem", Data: cert.Raw}}, Opts(),
			certdoctor.CodeDERNotPEM, certdoctor.SeverityWarning, "certificado (.CER)",
			[]string{"openssl x509 -inform der -in certificado.pem -out certificado_novo.pem", "brasa cert pem certificado.pem -o certificado_novo.pem"}},
		{"DERKeyPKCS1", []certdoctor.File{{Name: "chave.der", Data: x509.MarshalPKCS1PrivateKey(a)}}, Opts(),
			certdoctor.CodeDERNotPEM, certdoctor.SeverityWarning, "chave privada (.KEY)",
			[]string{"openssl pkey -inform der -in chave.der -out chave.pem", "brasa cert pem chave.der -o chave.pem"}},
		{"DERCSR", []certdoctor.File{{Name: "requisicao.csr", Data: DER(t, MustCSR(t, a))}}, Opts(),
			certdoctor.CodeDERNotPEM, certdoctor.SeverityWarning, "requisição (.CSR)",
			[]string{"openssl req -inform der -in requisicao.csr -out requisicao.pem", "brasa cert pem requisicao.csr -o requisicao.pem"}},
		{"DEREncryptedKey", []certdoctor.File{{Name: "chave.p8", Data: DER(t, MustEncryptedKeyPEM(t, a, "segredo"))}}, Opts(),
			certdoctor.CodeDERNotPEM, certdoctor.SeverityWarning, "chave privada (.KEY)",
			[]string{"openssl pkcs8 -inform der -in chave.p8 -out chave_sem_senha.pem", "brasa cert key --decrypt chave.p8 -o chave_sem_senha.pem"}},
		{"CSRInsteadOfCertificate", []certdoctor.File{{Name: "certificado.cer", Data: MustCSR(t, a)}, {Name: "chave.key", Data: MustKeyPEM(t, a)}}, Opts(),
			certdoctor.CodeCSRNotCertificate, certdoctor.SeverityError, "isto é uma requisição (CSR), não o certificado; baixe o certificado validado no portal",
			[]string{"openssl req -noout -subject -in certificado.cer", "brasa cert doctor certificado.cer chave.key"}},
		{"EncryptedKeyPKCS8", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(cert)}, {Name: "chave.key", Data: MustEncryptedKeyPEM(t, a, "segredo")}}, Opts(),
			certdoctor.CodeEncryptedKey, certdoctor.SeverityWarning, "informe --password",
			[]string{"openssl pkey -in chave.key -out chave_sem_senha.key", "brasa cert key --decrypt chave.key -o chave_sem_senha.key"}},
		{"EncryptedKeyLegacy", []certdoctor.File{{Name: "CHAVE.key", Data: pem.EncodeToMemory(legacy)}}, Opts(),
			certdoctor.CodeEncryptedKey, certdoctor.SeverityWarning, "protegida por senha",
			[]string{"openssl rsa -in CHAVE.key -out CHAVE_sem_senha.key", "brasa cert key --decrypt CHAVE.key -o CHAVE_sem_senha.key"}},
		{"EncryptedKeyOpened", []certdoctor.File{{Name: "chave.key", Data: MustEncryptedKeyPEM(t, a, "segredo")}},
			certdoctor.Options{Now: now, Password: "segredo"},
			certdoctor.CodeEncryptedKey, certdoctor.SeverityWarning, "a senha informada abre a chave",
			[]string{"openssl rsa -in chave.key -out chave_sem_senha.key", "brasa cert key --decrypt chave.key -o chave_sem_senha.key"}},
		{"WrongPasswordKey", []certdoctor.File{{Name: "chave.key", Data: MustEncryptedKeyPEM(t, a, "segredo")}},
			certdoctor.Options{Now: now, Password: "errada"},
			certdoctor.CodeWrongPassword, certdoctor.SeverityError, "não abre a chave privada",
			[]string{"openssl pkey -in chave.key -noout", "sem frase secreta"}},
		{"WrongPasswordLegacyKey", []certdoctor.File{{Name: "chave.key", Data: pem.EncodeToMemory(legacy)}},
			certdoctor.Options{Now: now, Password: "errada"},
			certdoctor.CodeWrongPassword, certdoctor.SeverityError, "não abre a chave privada", nil},
		{"WrongPasswordPFX", []certdoctor.File{{Name: "certificado.pfx", Data: pfx}},
			certdoctor.Options{Now: now, Password: "errada"},
			certdoctor.CodeWrongPassword, certdoctor.SeverityError, "não abre o PFX",
			[]string{"openssl pkcs12 -in certificado.pfx -info -noout"}},
		{"PFXWithoutPassword", []certdoctor.File{{Name: "certificado.pfx", Data: pfx}}, Opts(),
			certdoctor.CodePasswordNeeded, certdoctor.SeverityWarning, "--password",
			[]string{"openssl pkcs12 -in certificado.pfx -nodes -out certificado.pem", "brasa cert doctor certificado.pfx --password"}},
		{"KeyValuesMismatch", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(cert)}, {Name: "chave.key", Data: MustKeyPEM(t, b)}}, Opts(),
			certdoctor.CodeKeyValuesMismatch, certdoctor.SeverityError, md5Of(b) + ")",
			[]string{"openssl rsa -modulus -noout -in chave.key | openssl md5", "openssl x509 -modulus -noout -in certificado.cer | openssl md5", "brasa cert doctor chave.key certificado.cer"}},
		{"KeyValuesMismatchDER", []certdoctor.File{{Name: "certificado.cer", Data: cert.Raw}, {Name: "chave.key", Data: MustKeyPEM(t, b)}}, Opts(),
			certdoctor.CodeKeyValuesMismatch, certdoctor.SeverityError, md5Of(a),
			[]string{"openssl x509 -modulus -noout -inform der -in certificado.cer | openssl md5"}},
		{"KeyWithChainOnly", []certdoctor.File{{Name: "cadeia.pem", Data: ca.ChainPEM()}, {Name: "chave.key", Data: MustKeyPEM(t, a)}}, Opts(),
			certdoctor.CodeKeyValuesMismatch, certdoctor.SeverityError, "são de AC (a cadeia), não o certificado do cliente", nil},
		{"KeyValuesMismatchInPFXAndFile", []certdoctor.File{{Name: "certificado.pfx", Data: pfx}, {Name: "outra.key", Data: MustKeyPEM(t, b)}},
			certdoctor.Options{Now: now, Password: "segredo"},
			certdoctor.CodeUnmatchedKey, certdoctor.SeverityWarning, "outra.key", []string{"openssl rsa -modulus -noout -in outra.key | openssl md5"}},
		{"Expired", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(short)}}, certdoctor.Options{Now: t0.Add(72 * time.Hour)},
			certdoctor.CodeExpired, certdoctor.SeverityError, "expirou em 2026-03-04 12:00 UTC",
			[]string{"openssl genrsa -des3 -out CHAVE.key 2048", "openssl req -new -key CHAVE.key -sha256 -out REQUISICAO.csr -subj '/O=Teste/CN=api-parceiros-teste.sicredi.net/serialNumber=urn:cpfcnpj:12345678000195'", "brasa cert csr --key-out CHAVE.key --out REQUISICAO.csr --sicredi --nome teste --cpfcnpj 12345678000195"}},
		{"NotYetValid", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(cert)}}, certdoctor.Options{Now: t0.Add(-time.Hour)},
			certdoctor.CodeNotYetValid, certdoctor.SeverityError, "só é válido a partir de 2026-03-02 11:55 UTC", []string{"date -u"}},
		{"ExpiresSoon", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(short)}}, Opts(),
			certdoctor.CodeExpiresSoon, certdoctor.SeverityWarning, "expira em", []string{"brasa cert csr"}},
		{"ChainIncomplete", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(cert)}},
			certdoctor.Options{Now: now, CABundle: root, CABundleName: "raiz.pem"},
			certdoctor.CodeChainIncomplete, certdoctor.SeverityError, `emitido por "O=brasa, CN=brasa Issuing CA"`,
			[]string{"openssl verify -CAfile raiz.pem -untrusted raiz.pem certificado.cer", "brasa cert doctor certificado.cer CADEIA.pem --ca raiz.pem"}},
		{"UnknownCAChainInFiles", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(otherCert, other.Intermediate, other.Root)}},
			certdoctor.Options{Now: now, CABundle: root},
			certdoctor.CodeUnknownCA, certdoctor.SeverityError, `AC raiz "O=Outra, CN=Outra Root CA"`,
			[]string{"openssl verify -CAfile CADEIA.pem"}},
		{"UnknownCARootMissing", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(otherCert)}, {Name: "cadeia.pem", Data: CertPEM(other.Intermediate)}},
			certdoctor.Options{Now: now, CABundle: root},
			certdoctor.CodeUnknownCA, certdoctor.SeverityError, `emitido sob a AC "O=Outra, CN=Outra Issuing CA"`, nil},
		{"UnknownCASameName", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(sameNameCert)}},
			certdoctor.Options{Now: now, CABundle: ca.Chain()},
			certdoctor.CodeUnknownCA, certdoctor.SeverityError, "mesmo nome", nil},
		{"SelfSigned", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(mustSelfSigned(t, a, false))}},
			certdoctor.Options{Now: now, CABundle: root},
			certdoctor.CodeUnknownCA, certdoctor.SeverityError, "autoassinado", nil},
		{"SelfSignedCAWithItsKey", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(mustSelfSigned(t, a, true))}, {Name: "chave.key", Data: MustKeyPEM(t, a)}},
			certdoctor.Options{Now: now, CABundle: root},
			certdoctor.CodeUnknownCA, certdoctor.SeverityError, "autoassinado", nil},
		{"SelfSignedCAWithItsKeyNoEKU", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(mustSelfSigned(t, a, true))}, {Name: "chave.key", Data: MustKeyPEM(t, a)}}, Opts(),
			certdoctor.CodeNoClientAuth, certdoctor.SeverityError, "não tem a extensão", nil},
		{"NoClientAuth", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(serverOnly)}}, Opts(),
			certdoctor.CodeNoClientAuth, certdoctor.SeverityError, "serverAuth, sem clientAuth", []string{"brasa cert csr"}},
		{"NoExtKeyUsage", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(mustSelfSigned(t, a, false))}}, Opts(),
			certdoctor.CodeNoClientAuth, certdoctor.SeverityError, "não tem a extensão", nil},
		{"WeakKey", []certdoctor.File{{Name: "chave.key", Data: MustKeyPEM(t, weak)}}, Opts(),
			certdoctor.CodeWeakKey, certdoctor.SeverityError, "1024 bits", []string{"openssl genrsa -des3 -out CHAVE.key 2048", "--sicredi --nome NOME_PARCEIRO"}},
		{"Empty", []certdoctor.File{{Name: "certificado.cer", Data: []byte(" \n")}}, Opts(),
			certdoctor.CodeUnreadable, certdoctor.SeverityError, "vazio", nil},
		{"Garbage", []certdoctor.File{{Name: "certificado.cer", Data: []byte{0x00, 0x01, 0xff, 0x30, 0x82}}}, Opts(),
			certdoctor.CodeUnreadable, certdoctor.SeverityError, "nem PFX", []string{"# confira se este é o arquivo certo"}}, // openssl asn1parse cannot read it either: not suggested
		{"TextWithoutHeader", []certdoctor.File{{Name: "certificado.cer", Data: []byte("MIIElwTCCAG6mgAwIBAgIU\n")}}, Opts(),
			certdoctor.CodeUnreadable, certdoctor.SeverityError, "sem o cabeçalho", nil},
		{"TruncatedPEM", []certdoctor.File{{Name: "certificado.cer", Data: CertPEM(cert)[:300]}}, Opts(),
			certdoctor.CodeUnreadable, certdoctor.SeverityError, "corrompido", []string{"grep -n -e '-----' certificado.cer"}}, // asn1parse fails on a truncated block
		{"BadCertificateBlock", []certdoctor.File{{Name: "certificado.cer", Data: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x01}})}}, Opts(),
			certdoctor.CodeUnreadable, certdoctor.SeverityError, "não pode ser lido como certificado", nil},
		{"PublicKeyOnly", []certdoctor.File{{Name: "chave.key", Data: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})}}, Opts(),
			certdoctor.CodePublicKeyOnly, certdoctor.SeverityError, "chave pública", nil},
		{"PublicKeyDER", []certdoctor.File{{Name: "chave.key", Data: spki}}, Opts(),
			certdoctor.CodePublicKeyOnly, certdoctor.SeverityError, "chave pública", nil},
		{"PKCS7", []certdoctor.File{{Name: "cadeia.p7b", Data: p7}}, Opts(),
			certdoctor.CodePKCS7, certdoctor.SeverityWarning, "PKCS#7",
			[]string{"openssl pkcs7 -inform der -print_certs -in cadeia.p7b -out cadeia.pem"}},
		{"UnknownBlock", []certdoctor.File{{Name: "x.pem", Data: pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte{1}})}}, Opts(),
			certdoctor.CodeUnknownBlock, certdoctor.SeverityWarning, "X509 CRL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := certdoctor.Examine(tt.files, tt.opts)
			f := MustFind(t, r, tt.code)
			if f.Severity != tt.severity {
				t.Errorf("severity %s, want %s", f.Severity, tt.severity)
			}
			if !strings.Contains(f.Message, tt.message) {
				t.Errorf("message %q lacks %q", f.Message, tt.message)
			}
			if f.Severity != certdoctor.SeverityOK && len(f.Fix) == 0 {
				t.Errorf("%s has no fix", f.Code)
			}
			CheckFix(t, f, tt.fix...)
			if got, want := r.OK(), tt.severity != certdoctor.SeverityError && r.Count(certdoctor.SeverityError) == 0; got != want {
				t.Errorf("OK() = %v, want %v\n%s", got, want, dump(r))
			}
		})
	}
}

// TestExamine_whichKey gives several keys and certificates and checks that
// the doctor says which key belongs to which certificate.
func TestExamine_whichKey(t *testing.T) {
	a, b, ec := MustKeys(t)
	ca := MustNewCA(t, "")
	certA := MustIssue(t, ca, a.Public(), 0)
	certEC := MustIssue(t, ca, ec.Public(), 0)
	r := certdoctor.Examine([]certdoctor.File{
		{Name: "velha.key", Data: MustKeyPEM(t, b)},
		{Name: "aplicacao.key", Data: MustKeyPEM(t, a)},
		{Name: "certificado.cer", Data: CertPEM(certA)},
		{Name: "ec.cer", Data: CertPEM(certEC)},
		{Name: "requisicao.csr", Data: MustCSR(t, a)},
	}, Opts())
	match := MustFind(t, r, certdoctor.CodeKeyMatchesCertificate)
	if match.File != "aplicacao.key" || !strings.Contains(match.Message, "certificado.cer") || !strings.Contains(match.Message, md5Of(a)) {
		t.Errorf("match: %+v", match)
	}
	if f := MustFind(t, r, certdoctor.CodeUnmatchedKey); f.File != "velha.key" {
		t.Errorf("unmatched key in %s, want velha.key", f.File)
	}
	if f := MustFind(t, r, certdoctor.CodeUnmatchedCertificate); f.File != "ec.cer" || !strings.Contains(f.Fix[0], "openssl x509 -pubkey -noout -in ec.cer | openssl md5") {
		t.Errorf("unmatched certificate: %+v", f)
	}
	if f := MustFind(t, r, certdoctor.CodeKeyMatchesCSR); f.File != "aplicacao.key" {
		t.Errorf("key matching the CSR in %s", f.File)
	}
	MustFind(t, r, certdoctor.CodeCSRMatchesCertificate)
	MustNotFind(t, r, certdoctor.CodeKeyValuesMismatch)
	MustNotFind(t, r, certdoctor.CodeCSRNotCertificate)
	if !r.OK() {
		t.Errorf("warnings only, want OK:\n%s", dump(r))
	}
}

// TestExamine_encryptedKeyNotMatched checks that a key that cannot be opened
// is not reported as a mismatch.
func TestExamine_encryptedKeyNotMatched(t *testing.T) {
	a, _, _ := MustKeys(t)
	cert := MustIssue(t, MustNewCA(t, ""), a.Public(), 0)
	r := certdoctor.Examine([]certdoctor.File{
		{Name: "certificado.cer", Data: CertPEM(cert)},
		{Name: "chave.key", Data: MustEncryptedKeyPEM(t, a, "segredo")},
	}, Opts())
	MustNotFind(t, r, certdoctor.CodeKeyValuesMismatch)
	MustNotFind(t, r, certdoctor.CodeKeyMatchesCertificate)
	if !r.OK() {
		t.Errorf("want OK:\n%s", dump(r))
	}
	r = certdoctor.Examine([]certdoctor.File{
		{Name: "certificado.cer", Data: CertPEM(cert)},
		{Name: "chave.key", Data: MustEncryptedKeyPEM(t, a, "segredo")},
	}, certdoctor.Options{Now: t0.Add(time.Hour), Password: "segredo"})
	MustFind(t, r, certdoctor.CodeKeyMatchesCertificate)
}

func TestPublicKeyMD5(t *testing.T) {
	_, _, ec := MustKeys(t)
	_, what := certdoctor.PublicKeyMD5(ec.Public())
	if what != "MD5 da chave pública" {
		t.Errorf("EC: %q", what)
	}
	// The modulus 0x0A0B is printed "Modulus=A0B" by OpenSSL (BN_print,
	// no leading zero): MD5("Modulus=A0B\n").
	got, what := certdoctor.PublicKeyMD5(&rsa.PublicKey{N: bigHex("0A0B"), E: 65537})
	if want := md5Hex("Modulus=A0B\n"); got != want || what != "MD5 do módulo" {
		t.Errorf("got %s (%s), want %s", got, what, want)
	}
}

func TestSicrediSubject(t *testing.T) {
	name, err := certdoctor.SicrediSubject(" MinhaEmpresa ", "12.345.678/0001-95")
	if err != nil {
		t.Fatal(err)
	}
	key, _, _ := MustKeys(t)
	data, err := pki.CreateCSR(key, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := pki.ParseCSR(data)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, atv := range csr.Subject.Names {
		got = append(got, atv.Type.String()+"="+atv.Value.(string))
	}
	want := []string{
		"2.5.4.6=BR",
		"2.5.4.10=Confederacao Interestadual das Cooperativas Ligadas ao Sicredi",
		"2.5.4.3=api-parceiros-minhaempresa.sicredi.net",
		"2.5.4.8=RS",
		"2.5.4.7=Porto Alegre",
		"1.3.6.1.4.1.311.60.2.1.3=BR",
		"2.5.4.11=API Pix Sicredi",
		"2.5.4.5=urn:cpfcnpj:12345678000195",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("subject:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	for _, bad := range []struct{ nome, doc string }{
		{"minha empresa", "12345678000195"},
		{"", "12345678000195"},
		{"ok", "1234"},
		{"ok", "1234567800012a"},
	} {
		if _, err := certdoctor.SicrediSubject(bad.nome, bad.doc); err == nil {
			t.Errorf("SicrediSubject(%q, %q): want an error", bad.nome, bad.doc)
		}
	}
	if _, err := certdoctor.SicrediSubject("joao", "123.456.789-09"); err != nil {
		t.Errorf("CPF: %v", err)
	}
	// The alphanumeric CNPJ (July 2026): 12 digits or capital letters, then
	// two check digits; written in lower case it is read in capitals.
	an, err := certdoctor.SicrediSubject("empresa", "12.abc.345/01de-35")
	if err != nil {
		t.Fatalf("alphanumeric CNPJ: %v", err)
	}
	if last := an.ExtraNames[len(an.ExtraNames)-1]; last.Value != "urn:cpfcnpj:12ABC34501DE35" {
		t.Errorf("alphanumeric CNPJ serialNumber = %v", last.Value)
	}
	if _, err := certdoctor.SicrediSubject("empresa", "12ABC34501DEXY"); err == nil {
		t.Error("a CNPJ whose check digits are letters was accepted")
	}
}

func TestConvertToPEM(t *testing.T) {
	a, _, ec := MustKeys(t)
	ca := MustNewCA(t, "")
	cert := MustIssue(t, ca, a.Public(), 0)
	pfx, err := pki.EncodePKCS12(a, cert, ca.Chain(), "segredo")
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		in         []byte
		blocks     []string
		privateKey bool
	}{
		{"Certificate", cert.Raw, []string{"CERTIFICATE"}, false},
		{"Chain", append(append([]byte{}, cert.Raw...), ca.Intermediate.Raw...), []string{"CERTIFICATE", "CERTIFICATE"}, false},
		{"CSR", DER(t, MustCSR(t, a)), []string{"CERTIFICATE REQUEST"}, false},
		{"PKCS8", DER(t, MustKeyPEM(t, a)), []string{"PRIVATE KEY"}, true},
		{"PKCS1", x509.MarshalPKCS1PrivateKey(a), []string{"RSA PRIVATE KEY"}, true},
		{"SEC1", sec1, []string{"EC PRIVATE KEY"}, true},
		{"EncryptedPKCS8", DER(t, MustEncryptedKeyPEM(t, a, "x")), []string{"ENCRYPTED PRIVATE KEY"}, true},
		{"PEMPassesThrough", CertPEM(cert), []string{"CERTIFICATE"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := certdoctor.ConvertToPEM(tt.in, "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rest := c.PEM; ; {
				var block *pem.Block
				if block, rest = pem.Decode(rest); block == nil {
					break
				}
				got = append(got, block.Type)
			}
			if strings.Join(got, ",") != strings.Join(tt.blocks, ",") || c.PrivateKey != tt.privateKey {
				t.Errorf("got %v (key %v), want %v (key %v)", got, c.PrivateKey, tt.blocks, tt.privateKey)
			}
			if r := certdoctor.Examine([]certdoctor.File{{Name: "out.pem", Data: c.PEM}}, Opts()); len(r.Find(certdoctor.CodeDERNotPEM)) > 0 || len(r.Find(certdoctor.CodeUnreadable)) > 0 {
				t.Errorf("converted file is not clean PEM:\n%s", dump(r))
			}
		})
	}

	t.Run("PKCS12", func(t *testing.T) {
		if _, err := certdoctor.ConvertToPEM(pfx, ""); err != certdoctor.ErrPasswordNeeded {
			t.Errorf("no password: %v, want ErrPasswordNeeded", err)
		}
		c, err := certdoctor.ConvertToPEM(pfx, "segredo")
		if err != nil {
			t.Fatal(err)
		}
		r := certdoctor.Examine([]certdoctor.File{{Name: "out.pem", Data: c.PEM}}, certdoctor.Options{Now: t0.Add(time.Hour), CABundle: []*x509.Certificate{ca.Root}})
		MustFind(t, r, certdoctor.CodeKeyMatchesCertificate)
		MustFind(t, r, certdoctor.CodeChainOK)
	})
	t.Run("Garbage", func(t *testing.T) {
		if _, err := certdoctor.ConvertToPEM([]byte{1, 2, 3}, ""); err == nil {
			t.Error("want an error")
		}
	})
}
