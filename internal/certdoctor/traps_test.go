package certdoctor_test

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/pki"
)

// secret opens the encrypted fixtures and the PFX files of these tests.
const secret = "segredo"

// withSecret adds the password OpenSSL would prompt for to the openssl
// commands of line that read an encrypted input.
func withSecret(line string) string {
	re := regexp.MustCompile(`openssl (rsa|pkey|pkcs8|pkcs12|req -new)( |$)`)
	line = re.ReplaceAllStringFunc(line, func(m string) string {
		return strings.TrimSuffix(m, " ") + " -passin pass:" + secret + " "
	})
	return strings.Replace(line, "genrsa -des3", "genrsa -des3 -passout pass:"+secret, 1)
}

// inputsPresent reports whether every file line reads (after -in, -key,
// -CAfile, -untrusted) exists in dir.
func inputsPresent(dir, line string) bool {
	fields := strings.Fields(line)
	for i := 0; i+1 < len(fields); i++ {
		switch fields[i] {
		case "-in", "-key", "-CAfile", "-untrusted":
			if _, err := os.Stat(filepath.Join(dir, strings.Trim(fields[i+1], "'"))); err != nil {
				return false
			}
		}
	}
	return true
}

// runFixes runs each openssl command of r's fixes in a copy of dir with
// bash -o pipefail, and fails the test when one exits non-zero. Commands
// needing a file that is not there (a placeholder such as CHAVE.key) are
// skipped; openssl verify, which exits non-zero to show the failure it is
// suggested for, must fail on verification, not on reading the file.
func runFixes(t *testing.T, dir string, r certdoctor.Report) int {
	t.Helper()
	ran := 0
	for _, f := range r.Findings {
		for _, line := range f.Fix {
			if !strings.HasPrefix(line, "openssl ") || !inputsPresent(dir, line) {
				continue
			}
			work := t.TempDir()
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				os.WriteFile(filepath.Join(work, e.Name()), data, 0o600)
			}
			cmd := exec.Command("bash", "-o", "pipefail", "-c", withSecret(line))
			cmd.Dir = work
			cmd.Stdin = strings.NewReader("")
			out, err := cmd.CombinedOutput()
			ran++
			if strings.Contains(line, "openssl verify") && err != nil {
				if !strings.Contains(string(out), "error ") || strings.Contains(string(out), "Could not") || strings.Contains(string(out), "unable to load") {
					t.Errorf("%s (%s): openssl verify did not read the file: %v\n%s", f.Code, f.File, err, out)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s (%s): %s: %v\n%s", f.Code, f.File, line, err, out)
			}
		}
	}
	return ran
}

// fixtureDir writes files into a new directory.
func fixtureDir(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for n, data := range files {
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDoctorKeyRenamedCer(t *testing.T) {
	a, _, _ := MustKeys(t)
	r := certdoctor.Examine([]certdoctor.File{{Name: "certificado.cer", Data: MustKeyPEM(t, a)}}, Opts())
	f := MustFind(t, r, certdoctor.CodeWrongExtension)
	if f.File != "certificado.cer" || f.Severity != certdoctor.SeverityError || !strings.Contains(f.Message, "chave privada") {
		t.Errorf("finding %+v", f)
	}
	CheckFix(t, f, "openssl pkey -in certificado.cer -out certificado.key")
	needOpenSSL(t)
	dir := fixtureDir(t, map[string][]byte{"certificado.cer": MustKeyPEM(t, a)})
	if runFixes(t, dir, r) == 0 {
		t.Error("no openssl command ran")
	}
}

func TestDoctorSwappedCerKey(t *testing.T) {
	a, _, _ := MustKeys(t)
	ca := MustNewCA(t, "")
	cert := MustIssue(t, ca, a.Public(), 0)
	files := map[string][]byte{"certificado.cer": MustKeyPEM(t, a), "certificado.key": cert.Raw}
	r := certdoctor.Examine([]certdoctor.File{{Name: "certificado.cer", Data: files["certificado.cer"]}, {Name: "certificado.key", Data: files["certificado.key"]}}, Opts())
	f := MustFind(t, r, certdoctor.CodeSwappedFiles)
	MustNotFind(t, r, certdoctor.CodeWrongExtension)
	if !strings.Contains(f.Message, "trocados") || !strings.Contains(f.Message, "certificado.key contém o certificado") {
		t.Errorf("message %q", f.Message)
	}
	// The fixes write new files: never over the swapped ones.
	CheckFix(t, f, "openssl pkey -in certificado.cer -out certificado_corrigido.key", "openssl x509 -inform der -in certificado.key -out certificado_corrigido.cer")
	needOpenSSL(t)
	dir := fixtureDir(t, files)
	if runFixes(t, dir, r) == 0 {
		t.Error("no openssl command ran")
	}
	for _, c := range f.Fix[:2] {
		MustShell(t, dir, c)
	}
	r = examineDir(t, dir, Opts(), "certificado_corrigido.cer", "certificado_corrigido.key")
	MustFind(t, r, certdoctor.CodeKeyMatchesCertificate)
	MustNotFind(t, r, certdoctor.CodeSwappedFiles)
}

func TestDoctorLoneKey(t *testing.T) {
	a, _, _ := MustKeys(t)
	r := certdoctor.Examine([]certdoctor.File{{Name: "CHAVE.key", Data: MustKeyPEM(t, a)}}, Opts())
	f := MustFind(t, r, certdoctor.CodeLoneKey)
	if !strings.Contains(f.Message, "chave privada") || !strings.Contains(f.Message, md5Of(a)) || !strings.Contains(f.Message, "certificado (.CER)") {
		t.Errorf("message %q", f.Message)
	}
	CheckFix(t, f, "openssl rsa -modulus -noout -in CHAVE.key | openssl md5", "brasa cert doctor certificado.cer CHAVE.key")
	needOpenSSL(t)
	dir := fixtureDir(t, map[string][]byte{"CHAVE.key": MustKeyPEM(t, a)})
	if got := md5Line(MustShell(t, dir, f.Fix[0])); got != md5Of(a) {
		t.Errorf("the fix prints %s, the message says %s", got, md5Of(a))
	}
}

func TestDoctorPFXNamedPEM(t *testing.T) {
	a, _, _ := MustKeys(t)
	ca := MustNewCA(t, "")
	cert := MustIssue(t, ca, a.Public(), 0)
	pfx, err := pki.EncodePKCS12(a, cert, ca.Chain(), secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"certificado.pem", "certificado.cer"} {
		r := certdoctor.Examine([]certdoctor.File{{Name: name, Data: pfx}}, certdoctor.Options{Now: Opts().Now, Password: secret, CABundle: ca.Chain()})
		f := MustFind(t, r, certdoctor.CodePFXNotPEM)
		if f.File != name || !strings.Contains(f.Message, "PFX (PKCS#12)") {
			t.Errorf("finding %+v", f)
		}
		CheckFix(t, f, "openssl pkcs12 -in "+name+" -clcerts -nokeys -out certificado_certificado.cer", "openssl pkcs12 -in "+name+" -nocerts -nodes -out certificado_chave.key")
		if len(certdoctor.Examine([]certdoctor.File{{Name: "certificado.pfx", Data: pfx}}, certdoctor.Options{Password: secret}).Find(certdoctor.CodePFXNotPEM)) != 0 {
			t.Error("a PFX named .pfx is reported")
		}
		needOpenSSL(t)
		if runFixes(t, fixtureDir(t, map[string][]byte{name: pfx}), r) < 2 {
			t.Error("the openssl commands did not run")
		}
	}
}

// TestDoctorFixCommandsRunOnEachKind runs every openssl command the doctor
// suggests, on a fixture of each kind of file, and requires it to exit 0:
// no openssl x509 on a key, no openssl verify on a PFX.
func TestDoctorFixCommandsRunOnEachKind(t *testing.T) {
	needOpenSSL(t)
	a, b, ec := MustKeys(t)
	ca := MustNewCA(t, "")
	other := MustNewCA(t, "Outra")
	cert := MustIssue(t, ca, a.Public(), 0)
	ecCert := MustIssue(t, ca, ec.Public(), 0)
	otherCert := MustIssue(t, other, a.Public(), 0)
	pfx, err := pki.EncodePKCS12(a, cert, nil, secret)
	if err != nil {
		t.Fatal(err)
	}
	ecPFX, err := pki.EncodePKCS12(ec, ecCert, nil, secret)
	if err != nil {
		t.Fatal(err)
	}
	badSubject, err := pki.CreateCSR(a, mustName("api-parceiros-X.sicredi.net"), nil)
	if err != nil {
		t.Fatal(err)
	}
	withCA := certdoctor.Options{Now: Opts().Now, CABundle: []*x509.Certificate{ca.Root}, CABundleName: "raiz.pem", Password: secret}
	tests := []struct {
		name  string
		files map[string][]byte
		opts  certdoctor.Options
	}{
		{"CertificatePEMWithOtherKey", map[string][]byte{"certificado.cer": CertPEM(cert), "chave.key": MustKeyPEM(t, b)}, Opts()},
		{"CertificateDERWithOtherKeyDER", map[string][]byte{"certificado.cer": cert.Raw, "chave.der": DER(t, MustKeyPEM(t, b))}, Opts()},
		{"ECCertificateWithRSAKey", map[string][]byte{"ec.cer": CertPEM(ecCert), "chave.key": MustKeyPEM(t, b)}, Opts()},
		{"EncryptedKeyPEM", map[string][]byte{"chave.key": MustEncryptedKeyPEM(t, a, secret), "certificado.cer": CertPEM(otherCert)}, Opts()},
		{"EncryptedKeyDER", map[string][]byte{"chave.p8": DER(t, MustEncryptedKeyPEM(t, ec, secret))}, Opts()},
		{"EncryptedKeyWrongPassword", map[string][]byte{"chave.key": MustEncryptedKeyPEM(t, a, secret)}, certdoctor.Options{Password: "errada"}},
		{"CSRPEMRefused", map[string][]byte{"req.csr": badSubject, "CHAVE.key": MustKeyPEM(t, a)}, Opts()},
		{"CSRDER", map[string][]byte{"req.csr": DER(t, MustCSR(t, a))}, Opts()},
		{"PFX", map[string][]byte{"certificado.pfx": pfx, "raiz.pem": CertPEM(other.Root)}, withCA},
		{"PFXWithOtherKey", map[string][]byte{"certificado.pfx": ecPFX, "chave.key": MustKeyPEM(t, b)}, certdoctor.Options{Password: secret}},
		{"PFXNoPassword", map[string][]byte{"certificado.pfx": pfx}, Opts()},
		{"PFXNamedPEM", map[string][]byte{"certificado.pem": pfx}, certdoctor.Options{Password: secret}},
		{"ChainIncompleteDER", map[string][]byte{"certificado.cer": cert.Raw, "raiz.pem": CertPEM(ca.Root)}, certdoctor.Options{Now: Opts().Now, CABundle: []*x509.Certificate{other.Root}, CABundleName: "raiz.pem"}},
		{"PublicKeyPEM", map[string][]byte{"chave.key": pemOf("PUBLIC KEY", mustSPKI(t, a))}, Opts()},
		{"PublicKeyDER", map[string][]byte{"chave.key": mustSPKI(t, a)}, Opts()},
		{"KeyRenamedCer", map[string][]byte{"certificado.cer": MustKeyPEM(t, ec)}, Opts()},
		{"CertificateRenamedKey", map[string][]byte{"chave.key": CertPEM(cert)}, Opts()},
		{"LoneEncryptedKey", map[string][]byte{"chave.key": MustEncryptedKeyPEM(t, ec, secret)}, Opts()},
		{"Garbage", map[string][]byte{"x.cer": {0x00, 0x01, 0xff}}, Opts()},
		{"TruncatedPEM", map[string][]byte{"x.cer": CertPEM(cert)[:300]}, Opts()},
		{"BadCertificateBlock", map[string][]byte{"x.cer": pemOf("CERTIFICATE", []byte{0x30, 0x03, 0x02, 0x01, 0x01})}, Opts()},
		{"UnknownBlock", map[string][]byte{"x.pem": pemOf("X509 CRL", []byte{0x30, 0x00})}, Opts()},
		{"ExpiredCertificate", map[string][]byte{"certificado.cer": CertPEM(cert), "chave.key": MustKeyPEM(t, a)}, certdoctor.Options{Now: cert.NotAfter.Add(time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fixtureDir(t, tt.files)
			var names []string
			for n := range tt.files {
				if n != "raiz.pem" {
					names = append(names, n)
				}
			}
			sort.Strings(names)
			r := examineDir(t, dir, tt.opts, names...)
			if runFixes(t, dir, r) == 0 && r.Count(certdoctor.SeverityError)+r.Count(certdoctor.SeverityWarning) > 0 {
				t.Logf("no openssl command to run\n%s", dump(r))
			}
		})
	}
}

func mustName(cn string) pkix.Name {
	n, _ := certdoctor.SicrediSubject("parceiro", "12345678000195")
	n.ExtraNames[2].Value = cn
	return n
}

func mustSPKI(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
