package certdoctor_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/pki"
)

// sicrediSubj is seed 000 Anexo IV's -subj, filled in.
const sicrediSubj = "/C=BR/O=Confederacao Interestadual das Cooperativas Ligadas ao Sicredi/CN=api-parceiros-teste.sicredi.net/ST=RS/L=Porto Alegre/jurisdictionCountryName=BR/OU=API Pix Sicredi/serialNumber=urn:cpfcnpj:12345678000195"

// needOpenSSL skips the test when openssl is not installed.
func needOpenSSL(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		tb.Skip("openssl not found in PATH; skipping the OpenSSL interoperability test")
	}
}

// MustShell runs a command line in dir with sh and returns its output.
func MustShell(tb testing.TB, dir, line string) string {
	tb.Helper()
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("%s: %v\n%s", line, err, out)
	}
	return string(out)
}

// examineDir examines the named files of dir.
func examineDir(tb testing.TB, dir string, opts certdoctor.Options, names ...string) certdoctor.Report {
	tb.Helper()
	var files []certdoctor.File
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, certdoctor.File{Name: n, Data: data})
	}
	return certdoctor.Examine(files, opts)
}

// md5Line extracts the digest of `openssl md5` output ("MD5(stdin)= ...").
func md5Line(out string) string {
	out = strings.TrimSpace(out)
	return out[strings.LastIndex(out, " ")+1:]
}

// TestExamine_openssl follows seed 000 Anexo IV and V with the real OpenSSL:
// an encrypted key from `openssl genrsa -des3`, a CSR from `openssl req` with
// the Sicredi subject, the certificate converted to DER with `openssl x509
// -outform der`; the doctor's findings, digests and fix commands must agree
// with OpenSSL.
func TestExamine_openssl(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	ca := MustNewCA(t, "")
	opts := certdoctor.Options{Now: t0.Add(time.Hour), CABundle: ca.Chain(), Password: "segredo"}

	MustShell(t, dir, "openssl genrsa -des3 -passout pass:segredo -out CHAVE.key 2048")
	MustShell(t, dir, "openssl req -new -key CHAVE.key -passin pass:segredo -sha256 -out REQUISICAO.csr -subj '"+sicrediSubj+"'")
	csrPEM, err := os.ReadFile(filepath.Join(dir, "REQUISICAO.csr"))
	if err != nil {
		t.Fatal(err)
	}
	csr, err := pki.ParseCSR(csrPEM)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.SignCSR(csr, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "assinado.pem"), CertPEM(cert), 0o644); err != nil {
		t.Fatal(err)
	}
	MustShell(t, dir, "openssl x509 -in assinado.pem -outform der -out certificado.cer")
	if err := os.WriteFile(filepath.Join(dir, "cadeia.pem"), ca.ChainPEM(), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("SubjectAsSicrediSubject", func(t *testing.T) {
		want, err := certdoctor.SicrediSubject("TESTE", "12345678000195")
		if err != nil {
			t.Fatal(err)
		}
		if len(csr.Subject.Names) != len(want.ExtraNames) {
			t.Fatalf("openssl subject %v, brasa %v", csr.Subject.Names, want.ExtraNames)
		}
		for i, atv := range csr.Subject.Names {
			w := want.ExtraNames[i]
			if !atv.Type.Equal(w.Type) || atv.Value != w.Value {
				t.Errorf("attribute %d: openssl %v=%v, brasa %v=%v", i+1, atv.Type, atv.Value, w.Type, w.Value)
			}
		}
	})

	r := examineDir(t, dir, opts, "CHAVE.key", "REQUISICAO.csr", "certificado.cer")
	t.Run("Findings", func(t *testing.T) {
		if !r.OK() {
			t.Fatalf("want OK:\n%s", dump(r))
		}
		for _, c := range []certdoctor.Code{certdoctor.CodeDERNotPEM, certdoctor.CodeEncryptedKey, certdoctor.CodeKeyMatchesCertificate, certdoctor.CodeKeyMatchesCSR, certdoctor.CodeCSRMatchesCertificate, certdoctor.CodeChainOK} {
			MustFind(t, r, c)
		}
		if it := r.Files[0].Items[0]; it.Kind != certdoctor.KindEncryptedKey || !it.Decrypted {
			t.Errorf("CHAVE.key: %s decrypted=%v", it.Kind, it.Decrypted)
		}
	})

	t.Run("ModulusMD5AsOpenSSL", func(t *testing.T) {
		digest, what := certdoctor.PublicKeyMD5(cert.PublicKey)
		if what != "MD5 do módulo" {
			t.Errorf("what = %q", what)
		}
		certMD5 := md5Line(MustShell(t, dir, "openssl x509 -modulus -noout -inform der -in certificado.cer | openssl md5"))
		keyMD5 := md5Line(MustShell(t, dir, "openssl rsa -modulus -noout -in CHAVE.key -passin pass:segredo | openssl md5"))
		if digest != certMD5 || digest != keyMD5 {
			t.Errorf("doctor %s, openssl x509 %s, openssl rsa %s", digest, certMD5, keyMD5)
		}
		if m := MustFind(t, r, certdoctor.CodeKeyMatchesCertificate); !strings.Contains(m.Message, certMD5) {
			t.Errorf("match message lacks the openssl digest %s: %s", certMD5, m.Message)
		}
		// The fix of a mismatch prints the same digest with the seed's
		// command.
		_, b, _ := MustKeys(t)
		if err := os.WriteFile(filepath.Join(dir, "outra.key"), MustKeyPEM(t, b), 0o600); err != nil {
			t.Fatal(err)
		}
		mm := MustFind(t, examineDir(t, dir, opts, "outra.key", "certificado.cer"), certdoctor.CodeKeyValuesMismatch)
		for _, c := range mm.Fix[:2] {
			if got := md5Line(MustShell(t, dir, c)); !strings.Contains(mm.Message, got) {
				t.Errorf("%s printed %s, not in the message %q", c, got, mm.Message)
			}
		}
	})

	t.Run("FixDER", func(t *testing.T) {
		fix := MustFind(t, r, certdoctor.CodeDERNotPEM).Fix[0]
		if fix != "openssl x509 -inform der -in certificado.cer -out certificado.pem" {
			t.Errorf("fix %q", fix)
		}
		MustShell(t, dir, fix)
		r := examineDir(t, dir, opts, "certificado.pem", "CHAVE.key")
		MustNotFind(t, r, certdoctor.CodeDERNotPEM)
		MustFind(t, r, certdoctor.CodeKeyMatchesCertificate)
	})

	t.Run("FixEncryptedKey", func(t *testing.T) {
		fix := MustFind(t, r, certdoctor.CodeEncryptedKey).Fix[0]
		if fix != "openssl rsa -in CHAVE.key -out CHAVE_sem_senha.key" {
			t.Errorf("fix %q", fix)
		}
		MustShell(t, dir, fix+" -passin pass:segredo") // the seed's step 3 asks for the passphrase
		r := examineDir(t, dir, certdoctor.Options{Now: opts.Now, CABundle: opts.CABundle}, "CHAVE_sem_senha.key", "certificado.cer")
		MustNotFind(t, r, certdoctor.CodeEncryptedKey)
		MustFind(t, r, certdoctor.CodeKeyMatchesCertificate)
	})

	t.Run("LegacyEncryptedKey", func(t *testing.T) {
		MustShell(t, dir, "openssl genrsa -traditional -aes256 -passout pass:segredo -out legado.key 2048")
		r := examineDir(t, dir, opts, "legado.key")
		f := MustFind(t, r, certdoctor.CodeEncryptedKey)
		CheckFix(t, f, "openssl rsa -in legado.key -out legado_sem_senha.key")
		if it := r.Files[0].Items[0]; !strings.Contains(it.Structure, "Proc-Type") || !it.Decrypted {
			t.Errorf("legado.key: %q decrypted=%v", it.Structure, it.Decrypted)
		}
		r = examineDir(t, dir, certdoctor.Options{Now: opts.Now, Password: "errada"}, "legado.key")
		MustFind(t, r, certdoctor.CodeWrongPassword)
	})

	t.Run("PFX", func(t *testing.T) {
		MustShell(t, dir, "openssl pkcs12 -export -out certificado.pfx -inkey CHAVE.key -passin pass:segredo -in assinado.pem -certfile cadeia.pem -passout pass:exportada")
		r := examineDir(t, dir, certdoctor.Options{Now: opts.Now, CABundle: opts.CABundle, Password: "exportada"}, "certificado.pfx")
		if !r.OK() || r.Count(certdoctor.SeverityWarning) > 0 {
			t.Fatalf("want clean:\n%s", dump(r))
		}
		MustFind(t, r, certdoctor.CodeChainOK)
		MustFind(t, examineDir(t, dir, certdoctor.Options{Now: opts.Now}, "certificado.pfx"), certdoctor.CodePasswordNeeded)
	})

	t.Run("PKCS7", func(t *testing.T) {
		MustShell(t, dir, "openssl crl2pkcs7 -nocrl -certfile cadeia.pem -outform der -out pacote.p7b")
		f := MustFind(t, examineDir(t, dir, opts, "pacote.p7b"), certdoctor.CodePKCS7)
		MustShell(t, dir, f.Fix[0])
		r := examineDir(t, dir, opts, "pacote.pem")
		if n := len(r.Files[0].Items); n != 2 || !r.OK() {
			t.Errorf("converted bundle: %d items\n%s", n, dump(r))
		}
	})

	t.Run("FixDERKey", func(t *testing.T) {
		MustShell(t, dir, "openssl rsa -in CHAVE_sem_senha.key -outform der -traditional -out chave.der")
		f := MustFind(t, examineDir(t, dir, opts, "chave.der"), certdoctor.CodeDERNotPEM)
		MustShell(t, dir, f.Fix[0])
		r := examineDir(t, dir, opts, "chave.pem", "certificado.pem")
		MustNotFind(t, r, certdoctor.CodeDERNotPEM)
		MustFind(t, r, certdoctor.CodeKeyMatchesCertificate)
	})
}
