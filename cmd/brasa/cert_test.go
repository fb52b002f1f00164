package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/pki"
)

// runCertCmd runs `brasa cert args...` in process with the environment env
// and returns its stdout and stderr.
func runCertCmd(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
	err = m.runCert(context.Background(), args)
	return out.String(), errOut.String(), err
}

// mustRunCert runs `brasa cert args...` and fails the test on error.
func mustRunCert(t *testing.T, env map[string]string, args ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, err := runCertCmd(t, env, args...)
	if err != nil {
		t.Fatalf("brasa cert %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout, stderr)
	}
	return stdout, stderr
}

var (
	certKeyOnce sync.Once
	certKeyA    *rsa.PrivateKey
	certKeyB    *rsa.PrivateKey
	certKeyErr  error
)

// mustCertKeys returns two RSA 2048 keys made once for these tests.
func mustCertKeys(t *testing.T) (a, b *rsa.PrivateKey) {
	t.Helper()
	certKeyOnce.Do(func() {
		var k crypto.Signer
		if k, certKeyErr = pki.GenerateKey(nil, pki.RSA2048); certKeyErr != nil {
			return
		}
		certKeyA = k.(*rsa.PrivateKey)
		if k, certKeyErr = pki.GenerateKey(nil, pki.RSA2048); certKeyErr != nil {
			return
		}
		certKeyB = k.(*rsa.PrivateKey)
	})
	if certKeyErr != nil {
		t.Fatal(certKeyErr)
	}
	return certKeyA, certKeyB
}

// mustCertCA returns a throwaway CA on the real clock.
func mustCertCA(t *testing.T) *pki.CA {
	t.Helper()
	ca, err := pki.NewCA(pki.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// writeFiles writes name → contents into dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func mustKeyPEM(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	data, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkMode fails the test unless path has permissions perm.
func checkMode(t *testing.T, path string, perm os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != perm {
		t.Errorf("%s: mode %o, want %o", path, got, perm)
	}
}

// checkMTLS checks that the key and certificate files would work for mutual
// TLS with ca: crypto/tls accepts them as a pair, the leaf verifies against
// the CA for client authentication, and brasa's own client certificate
// verifier (the API listener's) accepts it.
func checkMTLS(t *testing.T, ca *pki.CA, certFile, keyFile string) {
	t.Helper()
	pair, err := tls.X509KeyPair(mustReadFile(t, certFile), mustReadFile(t, keyFile))
	if err != nil {
		t.Fatalf("tls.X509KeyPair: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	// Like the server, know the CA's intermediate besides what the client
	// sends.
	inters := ca.Intermediates()
	for _, der := range pair.Certificate[1:] {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		inters.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), Intermediates: inters, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("x509 Verify for clientAuth: %v", err)
	}
	if _, err := pki.NewVerifier(ca.Pool(), ca.Intermediates(), nil).Verify([]*x509.Certificate{leaf}); err != nil {
		t.Errorf("pki.Verifier: %v", err)
	}
}

// TestCert_roundTrip makes a key and a CSR with `cert csr --sicredi`, signs
// the CSR with a test CA, and has the doctor examine the certificate, the key
// and the chain: all is well, exit status 0, and the files work for mTLS.
func TestCert_roundTrip(t *testing.T) {
	dir := t.TempDir()
	ca := mustCertCA(t)
	key, csrFile := filepath.Join(dir, "CHAVE.key"), filepath.Join(dir, "REQUISICAO.csr")
	_, stderr := mustRunCert(t, nil, "csr", "--key-out", key, "--out", csrFile, "--sicredi", "--nome", "MinhaEmpresa", "--cpfcnpj", "12.345.678/0001-95")
	if !strings.Contains(stderr, "wrote "+key) || !strings.Contains(stderr, "CN=api-parceiros-minhaempresa.sicredi.net") {
		t.Errorf("stderr:\n%s", stderr)
	}
	checkMode(t, key, 0o600)

	csr, err := pki.ParseCSR(mustReadFile(t, csrFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := csr.CheckSignature(); err != nil {
		t.Fatal(err)
	}
	want, err := certdoctor.SicrediSubject("minhaempresa", "12345678000195")
	if err != nil {
		t.Fatal(err)
	}
	if got := certdoctor.SubjectString(csr.Subject); got != "C=BR, O=Confederacao Interestadual das Cooperativas Ligadas ao Sicredi, CN=api-parceiros-minhaempresa.sicredi.net, ST=RS, L=Porto Alegre, jurisdictionCountryName=BR, OU=API Pix Sicredi, serialNumber=urn:cpfcnpj:12345678000195" {
		t.Errorf("CSR subject %s, want %v", got, want.ExtraNames)
	}
	if got := certdoctor.KeyDescription(csr.PublicKey); got != "RSA 2048" {
		t.Errorf("key %s, want RSA 2048", got)
	}

	cert, err := ca.SignCSR(csr, 0)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string][]byte{
		"certificado.cer": pki.EncodeCertificatesPEM(cert),
		"cadeia.pem":      ca.ChainPEM(),
		"raiz.pem":        pki.EncodeCertificatesPEM(ca.Root),
	})
	certFile := filepath.Join(dir, "certificado.cer")
	stdout, _ := mustRunCert(t, nil, "doctor", certFile, key, filepath.Join(dir, "cadeia.pem"), "--ca", filepath.Join(dir, "raiz.pem"))
	for _, w := range []string{"Resultado: tudo certo", "KEY_MATCHES_CERTIFICATE", "CHAIN_OK", "MD5 do módulo", "x5t#S256", "clientAuth", pki.Thumbprint(cert), strings.ToUpper(cert.SerialNumber.Text(16))} {
		if !strings.Contains(stdout, w) {
			t.Errorf("doctor output lacks %q:\n%s", w, stdout)
		}
	}
	// The files the doctor calls fine work for mTLS. The chain goes with
	// the certificate, as tls.Config.Certificates wants it.
	writeFiles(t, dir, map[string][]byte{"certificado_cadeia.pem": pki.EncodeCertificatesPEM(cert, ca.Intermediate)})
	checkMTLS(t, ca, filepath.Join(dir, "certificado_cadeia.pem"), key)
}

// TestCert_credentialWorksForMTLS issues a client certificate as brasa does
// for a credential, checks that the doctor calls the files OK, and that they
// work for mTLS.
func TestCert_credentialWorksForMTLS(t *testing.T) {
	a, _ := mustCertKeys(t)
	ca := mustCertCA(t)
	cert, err := ca.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: "client-1", Organization: []string{"Tenant"}}, PublicKey: a.Public()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"client.crt": pki.EncodeCertificatesPEM(cert, ca.Intermediate),
		"client.key": mustKeyPEM(t, a),
		"ca.pem":     pki.EncodeCertificatesPEM(ca.Root),
	})
	stdout, _ := mustRunCert(t, nil, "doctor", filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key"), "--ca", filepath.Join(dir, "ca.pem"))
	if !strings.Contains(stdout, "Resultado: tudo certo") {
		t.Fatalf("doctor:\n%s", stdout)
	}
	checkMTLS(t, ca, filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key"))
}

func TestCert_doctorExitStatus(t *testing.T) {
	a, b := mustCertKeys(t)
	ca := mustCertCA(t)
	cert, err := ca.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: "x"}, PublicKey: a.Public()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"certificado.cer": cert.Raw, // DER: a warning only
		"chave.key":       mustKeyPEM(t, a),
		"outra.key":       mustKeyPEM(t, b),
		"raiz.pem":        pki.EncodeCertificatesPEM(ca.Root),
	})
	p := func(n string) string { return filepath.Join(dir, n) }

	t.Run("WarningsOnly", func(t *testing.T) {
		stdout, _, err := runCertCmd(t, nil, "doctor", p("certificado.cer"), p("chave.key"))
		if err != nil {
			t.Fatalf("exit %d: %v\n%s", exitCode(err), err, stdout)
		}
		for _, w := range []string{"AVISO", "DER_NOT_PEM", "$ openssl x509 -inform der -in " + p("certificado.cer") + " -out " + p("certificado.pem"), "$ brasa cert pem " + p("certificado.cer"), "nenhum erro, 1 aviso"} {
			if !strings.Contains(stdout, w) {
				t.Errorf("output lacks %q:\n%s", w, stdout)
			}
		}
	})
	t.Run("Mismatch", func(t *testing.T) {
		stdout, _, err := runCertCmd(t, nil, "doctor", p("certificado.cer"), p("outra.key"))
		if exitCode(err) != 1 {
			t.Fatalf("exit %d (%v), want 1", exitCode(err), err)
		}
		for _, w := range []string{"ERRO", "KEY_VALUES_MISMATCH", "openssl rsa -modulus -noout -in " + p("outra.key") + " | openssl md5", "1 erro(s)"} {
			if !strings.Contains(stdout, w) {
				t.Errorf("output lacks %q:\n%s", w, stdout)
			}
		}
	})
	t.Run("ChainIncomplete", func(t *testing.T) {
		stdout, _, err := runCertCmd(t, nil, "doctor", p("certificado.cer"), p("chave.key"), "--ca", p("raiz.pem"))
		if exitCode(err) != 1 || !strings.Contains(stdout, "CHAIN_INCOMPLETE") {
			t.Fatalf("exit %d, want 1 with CHAIN_INCOMPLETE:\n%s", exitCode(err), stdout)
		}
	})
	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{{"doctor"}, {"doctor", p("missing.cer")}, {"doctor", "--bogus", p("chave.key")}, {"doctor", p("chave.key"), "--ca", p("chave.key")}, {"nosuch"}} {
			if _, _, err := runCertCmd(t, nil, args...); exitCode(err) != 2 {
				t.Errorf("%v: exit %d (%v), want 2", args, exitCode(err), err)
			}
		}
		if _, _, err := runCertCmd(t, nil); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("no command: %v", err)
		}
	})
}

func TestCert_csr(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }

	t.Run("SubjectFlagsStdout", func(t *testing.T) {
		stdout, _ := mustRunCert(t, nil, "csr", "--key-out", p("ec.key"), "--ecdsa", "--cn", "api.example.com.br", "--o", "Exemplo Ltda", "--ou", "TI", "--st", "SP", "--l", "São Paulo", "--serial", "12345678000195", "--email", "ti@example.com.br")
		csr, err := pki.ParseCSR([]byte(stdout))
		if err != nil {
			t.Fatalf("stdout is not a CSR: %v\n%s", err, stdout)
		}
		if got, want := certdoctor.SubjectString(csr.Subject), "C=BR, ST=SP, L=São Paulo, O=Exemplo Ltda, OU=TI, CN=api.example.com.br, serialNumber=12345678000195"; got != want {
			t.Errorf("subject %q, want %q", got, want)
		}
		if len(csr.EmailAddresses) != 1 || csr.EmailAddresses[0] != "ti@example.com.br" {
			t.Errorf("emails %v", csr.EmailAddresses)
		}
		key, err := pki.ParsePrivateKeyPEM(mustReadFile(t, p("ec.key")))
		if err != nil {
			t.Fatal(err)
		}
		if got := certdoctor.KeyDescription(key.Public()); got != "ECDSA P-256" {
			t.Errorf("key %s", got)
		}
		checkMode(t, p("ec.key"), 0o600)
	})

	t.Run("Passphrase", func(t *testing.T) {
		mustRunCert(t, nil, "csr", "--key-out", p("enc.key"), "--out", p("enc.csr"), "--ecdsa", "--cn", "x", "--passphrase", "segredo")
		data := mustReadFile(t, p("enc.key"))
		if !bytes.Contains(data, []byte("ENCRYPTED PRIVATE KEY")) {
			t.Fatalf("key not encrypted:\n%s", data)
		}
		if _, err := pki.DecryptPKCS8PEM(data, []byte("segredo")); err != nil {
			t.Fatal(err)
		}
		// The doctor warns about the passphrase (exit 0) and says which
		// key made the CSR once the password opens it.
		stdout, _ := mustRunCert(t, nil, "doctor", p("enc.key"), "--password", "segredo")
		if !strings.Contains(stdout, "ENCRYPTED_KEY") || !strings.Contains(stdout, "brasa cert key --decrypt "+p("enc.key")) {
			t.Errorf("doctor:\n%s", stdout)
		}
	})

	t.Run("RefusesOverwrite", func(t *testing.T) {
		writeFiles(t, dir, map[string][]byte{"existing.key": []byte("keep me")})
		_, _, err := runCertCmd(t, nil, "csr", "--key-out", p("existing.key"), "--ecdsa", "--cn", "x")
		if err == nil || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("err = %v, want a refusal naming --force", err)
		}
		if got := string(mustReadFile(t, p("existing.key"))); got != "keep me" {
			t.Errorf("file overwritten: %q", got)
		}
		mustRunCert(t, nil, "csr", "--key-out", p("existing.key"), "--ecdsa", "--cn", "x", "--force")
		if _, err := pki.ParsePrivateKeyPEM(mustReadFile(t, p("existing.key"))); err != nil {
			t.Errorf("--force did not write the key: %v", err)
		}
		checkMode(t, p("existing.key"), 0o600)
	})

	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"csr", "--cn", "x"}, // no --key-out
			{"csr", "--key-out", p("u.key")},
			{"csr", "--key-out", p("u.key"), "--sicredi", "--nome", "x"},
			{"csr", "--key-out", p("u.key"), "--sicredi", "--nome", "x", "--cpfcnpj", "12345678000195", "--cn", "y"},
			{"csr", "--key-out", p("u.key"), "--sicredi", "--nome", "minha empresa", "--cpfcnpj", "12345678000195"},
			{"csr", "--key-out", p("u.key"), "--sicredi", "--nome", "x", "--cpfcnpj", "123"},
			{"csr", "--key-out", p("u.key"), "--cn", "x", "--nome", "y"},
			{"csr", "--key-out", p("u.key"), "--out", p("u.key"), "--cn", "x"},
		} {
			if _, _, err := runCertCmd(t, nil, args...); exitCode(err) != 2 {
				t.Errorf("%v: exit %d (%v), want 2", args, exitCode(err), err)
			}
		}
		if _, err := os.Stat(p("u.key")); err == nil {
			t.Error("a usage error wrote a key")
		}
	})
}

func TestCert_pem(t *testing.T) {
	a, _ := mustCertKeys(t)
	ca := mustCertCA(t)
	cert, err := ca.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: "x"}, PublicKey: a.Public()})
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := pki.EncodePKCS12(a, cert, ca.Chain(), "segredo")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"certificado.cer": cert.Raw,
		"chave.der":       x509.MarshalPKCS1PrivateKey(a),
		"certificado.pfx": pfx,
		"ja.pem":          pki.EncodeCertificatesPEM(cert),
	})
	p := func(n string) string { return filepath.Join(dir, n) }

	t.Run("DERCertificate", func(t *testing.T) {
		_, stderr := mustRunCert(t, nil, "pem", p("certificado.cer"), "-o", p("certificado.pem"))
		if got, want := mustReadFile(t, p("certificado.pem")), pki.EncodeCertificatesPEM(cert); !bytes.Equal(got, want) {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
		if !strings.Contains(stderr, "DER → PEM") {
			t.Errorf("stderr %q", stderr)
		}
		checkMode(t, p("certificado.pem"), 0o644)
		if _, _, err := runCertCmd(t, nil, "pem", p("certificado.cer"), "-o", p("certificado.pem")); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("overwrite: %v", err)
		}
		mustRunCert(t, nil, "pem", "--force", p("certificado.cer"), "-o", p("certificado.pem"))
	})
	t.Run("Stdout", func(t *testing.T) {
		stdout, _ := mustRunCert(t, nil, "pem", p("certificado.cer"))
		if stdout != string(pki.EncodeCertificatesPEM(cert)) {
			t.Errorf("stdout:\n%s", stdout)
		}
	})
	t.Run("PEMPassesThrough", func(t *testing.T) {
		stdout, _ := mustRunCert(t, nil, "pem", p("ja.pem"))
		if stdout != string(mustReadFile(t, p("ja.pem"))) {
			t.Errorf("stdout:\n%s", stdout)
		}
	})
	t.Run("DERKey", func(t *testing.T) {
		mustRunCert(t, nil, "pem", p("chave.der"), "-o", p("chave.pem"))
		data := mustReadFile(t, p("chave.pem"))
		if block, _ := pem.Decode(data); block == nil || block.Type != "RSA PRIVATE KEY" {
			t.Fatalf("got:\n%s", data)
		}
		checkMode(t, p("chave.pem"), 0o600)
		checkMTLS(t, ca, p("certificado.pem"), p("chave.pem"))
	})
	t.Run("PFX", func(t *testing.T) {
		if _, _, err := runCertCmd(t, nil, "pem", p("certificado.pfx")); exitCode(err) != 2 {
			t.Errorf("no password: exit %d (%v), want 2", exitCode(err), err)
		}
		if _, _, err := runCertCmd(t, nil, "pem", p("certificado.pfx"), "--password", "errada"); exitCode(err) != 1 {
			t.Errorf("wrong password: exit %d (%v), want 1", exitCode(err), err)
		}
		mustRunCert(t, map[string]string{envKeyPassword: "segredo"}, "pem", p("certificado.pfx"), "-o", p("do_pfx.pem"))
		checkMode(t, p("do_pfx.pem"), 0o600)
		checkMTLS(t, ca, p("do_pfx.pem"), p("do_pfx.pem"))
	})
}

func TestCert_pfx(t *testing.T) {
	a, b := mustCertKeys(t)
	ca := mustCertCA(t)
	cert, err := ca.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: "x"}, PublicKey: a.Public()})
	if err != nil {
		t.Fatal(err)
	}
	encKey, err := pki.EncryptPKCS8PEM(a, []byte("da-chave"), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"certificado.cer": cert.Raw,
		"chave.key":       mustKeyPEM(t, a),
		"cifrada.key":     encKey,
		"outra.key":       mustKeyPEM(t, b),
		// Root first, intermediate after: the PFX must order the chain.
		"cadeia.pem": pki.EncodeCertificatesPEM(ca.Root, ca.Intermediate),
	})
	p := func(n string) string { return filepath.Join(dir, n) }

	_, stderr := mustRunCert(t, nil, "pfx", "--cert", p("certificado.cer"), "--key", p("chave.key"), "--chain", p("cadeia.pem"), "--password", "exportada", "-o", p("certificado.pfx"))
	if !strings.Contains(stderr, "2 CA certificate(s)") {
		t.Errorf("stderr %q", stderr)
	}
	checkMode(t, p("certificado.pfx"), 0o600)
	key, leaf, chain, err := pki.DecodePKCS12(mustReadFile(t, p("certificado.pfx")), "exportada")
	if err != nil {
		t.Fatal(err)
	}
	if !leaf.Equal(cert) || !key.Public().(*rsa.PublicKey).Equal(a.Public()) {
		t.Error("PFX holds another certificate or key")
	}
	if len(chain) != 2 || !chain[0].Equal(ca.Intermediate) || !chain[1].Equal(ca.Root) {
		t.Errorf("chain of %d, want intermediate then root", len(chain))
	}

	t.Run("OpenSSLReadsIt", func(t *testing.T) {
		if _, err := exec.LookPath("openssl"); err != nil {
			t.Skip("openssl not found in PATH; skipping the OpenSSL check of the PFX")
		}
		out, err := exec.Command("openssl", "pkcs12", "-in", p("certificado.pfx"), "-passin", "pass:exportada", "-nodes").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl pkcs12: %v\n%s", err, out)
		}
		if bytes.Count(out, []byte("BEGIN CERTIFICATE")) != 3 || !bytes.Contains(out, []byte("BEGIN PRIVATE KEY")) {
			t.Errorf("openssl output:\n%s", out)
		}
		// What OpenSSL extracted is a working pair.
		writeFiles(t, dir, map[string][]byte{"openssl.pem": out})
		checkMTLS(t, ca, p("openssl.pem"), p("openssl.pem"))
	})
	t.Run("EncryptedKey", func(t *testing.T) {
		if _, _, err := runCertCmd(t, nil, "pfx", "--cert", p("certificado.cer"), "--key", p("cifrada.key"), "--password", "x", "-o", p("a.pfx")); exitCode(err) != 2 {
			t.Errorf("no key password: exit %d (%v), want 2", exitCode(err), err)
		}
		mustRunCert(t, map[string]string{envKeyPassword: "da-chave", envPFXPassword: "exportada"}, "pfx", "--cert", p("certificado.cer"), "--key", p("cifrada.key"), "-o", p("b.pfx"))
		if _, _, _, err := pki.DecodePKCS12(mustReadFile(t, p("b.pfx")), "exportada"); err != nil {
			t.Error(err)
		}
	})
	t.Run("Stdout", func(t *testing.T) {
		stdout, _ := mustRunCert(t, nil, "pfx", "--cert", p("certificado.cer"), "--key", p("chave.key"), "--password", "exportada", "-o", "-")
		if _, _, _, err := pki.DecodePKCS12([]byte(stdout), "exportada"); err != nil {
			t.Error(err)
		}
	})
	t.Run("Mismatch", func(t *testing.T) {
		_, _, err := runCertCmd(t, nil, "pfx", "--cert", p("certificado.cer"), "--key", p("outra.key"), "--password", "x", "-o", p("c.pfx"))
		if err == nil || !strings.Contains(err.Error(), "KEY_VALUES_MISMATCH") {
			t.Errorf("err = %v", err)
		}
		if _, err := os.Stat(p("c.pfx")); err == nil {
			t.Error("wrote a PFX for a mismatched pair")
		}
	})
	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"pfx", "--cert", p("certificado.cer"), "--key", p("chave.key"), "--password", "x"}, // no -o
			{"pfx", "--cert", p("certificado.cer"), "--key", p("chave.key"), "-o", p("d.pfx")},  // no password
			{"pfx", "--key", p("chave.key"), "--password", "x", "-o", p("d.pfx")},
		} {
			if _, _, err := runCertCmd(t, nil, args...); exitCode(err) != 2 {
				t.Errorf("%v: exit %d (%v), want 2", args, exitCode(err), err)
			}
		}
	})
}

func TestCert_keyDecrypt(t *testing.T) {
	a, _ := mustCertKeys(t)
	ca := mustCertCA(t)
	cert, err := ca.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: "x"}, PublicKey: a.Public()})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "Frase-Secreta-123"
	encKey, err := pki.EncryptPKCS8PEM(a, []byte(secret), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"certificado.cer":    pki.EncodeCertificatesPEM(cert),
		"CHAVE_COMSENHA.key": encKey,
		"chave.der":          mustDER(t, encKey),
	})
	p := func(n string) string { return filepath.Join(dir, n) }

	t.Run("Flag", func(t *testing.T) {
		_, stderr := mustRunCert(t, nil, "key", "--decrypt", p("CHAVE_COMSENHA.key"), "--password", secret, "-o", p("CHAVE.key"))
		if strings.Contains(stderr, secret) {
			t.Error("the passphrase was echoed")
		}
		checkMode(t, p("CHAVE.key"), 0o600)
		checkMTLS(t, ca, p("certificado.cer"), p("CHAVE.key"))
		stdout, _ := mustRunCert(t, nil, "doctor", p("certificado.cer"), p("CHAVE.key"))
		if strings.Contains(stdout, "ENCRYPTED_KEY") || !strings.Contains(stdout, "KEY_MATCHES_CERTIFICATE") {
			t.Errorf("doctor:\n%s", stdout)
		}
	})
	t.Run("EnvAndDERAndStdout", func(t *testing.T) {
		stdout, _ := mustRunCert(t, map[string]string{envKeyPassword: secret}, "key", "--decrypt", p("chave.der"))
		key, err := pki.ParsePrivateKeyPEM([]byte(stdout))
		if err != nil {
			t.Fatal(err)
		}
		if !key.Public().(*rsa.PublicKey).Equal(cert.PublicKey) {
			t.Error("decrypted key does not match the certificate")
		}
	})
	t.Run("WrongPassword", func(t *testing.T) {
		stdout, stderr, err := runCertCmd(t, nil, "key", "--decrypt", p("CHAVE_COMSENHA.key"), "--password", "Errada-456", "-o", p("x.key"))
		if exitCode(err) != 1 || !strings.Contains(err.Error(), "wrong passphrase") {
			t.Fatalf("exit %d (%v), want 1 and wrong passphrase", exitCode(err), err)
		}
		if strings.Contains(stdout+stderr+err.Error(), "Errada-456") {
			t.Error("the passphrase was echoed")
		}
		if _, err := os.Stat(p("x.key")); err == nil {
			t.Error("wrote a key")
		}
	})
	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"key", p("CHAVE_COMSENHA.key"), "--password", secret}, // no --decrypt
			{"key", "--decrypt", p("CHAVE_COMSENHA.key")},          // no password
			{"key", "--decrypt"},
		} {
			if _, _, err := runCertCmd(t, nil, args...); exitCode(err) != 2 {
				t.Errorf("%v: exit %d (%v), want 2", args, exitCode(err), err)
			}
		}
	})
}

// TestCert_opensslKeyDecrypt decrypts with brasa a key made by `openssl
// genrsa -des3` (seed 000 Anexo IV, step 1), as the seed's step 3 does with
// `openssl rsa`, and checks that both give the same key.
func TestCert_opensslKeyDecrypt(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not found in PATH; skipping the OpenSSL interoperability test")
	}
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, args := range [][]string{
		{"genrsa", "-des3", "-passout", "pass:segredo", "-out", p("CHAVE_COMSENHA.key"), "2048"},
		{"rsa", "-in", p("CHAVE_COMSENHA.key"), "-passin", "pass:segredo", "-out", p("openssl.key")},
	} {
		if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	mustRunCert(t, nil, "key", "--decrypt", p("CHAVE_COMSENHA.key"), "--password", "segredo", "-o", p("brasa.key"))
	k1, err := pki.ParsePrivateKeyPEM(mustReadFile(t, p("openssl.key")))
	if err != nil {
		t.Fatal(err)
	}
	k2, err := pki.ParsePrivateKeyPEM(mustReadFile(t, p("brasa.key")))
	if err != nil {
		t.Fatal(err)
	}
	if !k1.(*rsa.PrivateKey).Equal(k2) {
		t.Error("brasa and openssl decrypted different keys")
	}
}

func mustDER(t *testing.T, data []byte) []byte {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM block")
	}
	return block.Bytes
}

// TestCertCSRCNPJCheckDigits: `brasa cert csr --sicredi` refuses a CPF or
// CNPJ whose check digits are wrong, saying so, and accepts a valid one.
func TestCertCSRCNPJCheckDigits(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, doc := range []string{"12345678000123", "12.345.678/0001-96", "123.456.789-00", "12ABC34501DE36"} {
		_, _, err := runCertCmd(t, nil, "csr", "--key-out", p("bad.key"), "--out", p("bad.csr"), "--sicredi", "--nome", "empresa", "--cpfcnpj", doc)
		if exitCode(err) != 2 || err == nil || !strings.Contains(err.Error(), "check digits") {
			t.Errorf("--cpfcnpj %s: exit %d (%v), want 2 and a message about the check digits", doc, exitCode(err), err)
		}
		if _, err := os.Stat(p("bad.key")); err == nil {
			t.Fatalf("--cpfcnpj %s: a key was written for a refused CSR", doc)
		}
	}
	for _, doc := range []string{"12345678000195", "12.345.678/0001-95", "123.456.789-09", "12ABC34501DE35"} {
		key, csrFile := p("ok-"+doc[:3]+".key"), p("ok-"+doc[:3]+".csr")
		mustRunCert(t, nil, "csr", "--key-out", key, "--out", csrFile, "--sicredi", "--nome", "empresa", "--cpfcnpj", doc, "--force")
		csr, err := pki.ParseCSR(mustReadFile(t, csrFile))
		if err != nil {
			t.Fatal(err)
		}
		want := "urn:cpfcnpj:" + strings.ToUpper(strings.NewReplacer(".", "", "/", "", "-", "").Replace(doc))
		if csr.Subject.SerialNumber != want {
			t.Errorf("--cpfcnpj %s: serialNumber %q, want %q", doc, csr.Subject.SerialNumber, want)
		}
	}
}

// subjectTags returns "OID=TAG" for each attribute of a DER Name, in order.
func subjectTags(t *testing.T, rawSubject []byte) []string {
	t.Helper()
	type attr struct {
		Type  asn1.ObjectIdentifier
		Value asn1.RawValue
	}
	type rdnSET []attr // encoding/asn1 reads a slice type named *SET as a SET OF
	var rdns []rdnSET
	if rest, err := asn1.Unmarshal(rawSubject, &rdns); err != nil || len(rest) > 0 {
		t.Fatalf("subject: %v (%d bytes left)", err, len(rest))
	}
	names := map[int]string{asn1.TagUTF8String: "UTF8String", asn1.TagPrintableString: "PrintableString", asn1.TagIA5String: "IA5String", 20: "T61String", 30: "BMPString"}
	var out []string
	for _, rdn := range rdns {
		for _, atv := range rdn {
			tag, ok := names[atv.Value.Tag]
			if !ok {
				tag = strconv.Itoa(atv.Value.Tag)
			}
			out = append(out, atv.Type.String()+"="+tag+":"+string(atv.Value.Bytes))
		}
	}
	return out
}

// TestCertCSRUTF8String: `brasa cert csr` encodes the subject's strings as
// `openssl req` does (UTF8String, except the attributes OpenSSL fixes to
// PrintableString or IA5String), for the Sicredi subject and for subject
// flags with accents. The request made by hand with OpenSSL is the
// reference, read from its DER.
func TestCertCSRUTF8String(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not found in PATH")
	}
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	openssl := func(args ...string) {
		t.Helper()
		cmd := exec.Command("openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	openssl("genrsa", "-out", "ref.key", "2048")
	for _, tc := range []struct {
		name  string
		brasa []string
		subj  string
	}{
		{"Sicredi", []string{"--sicredi", "--nome", "empresa", "--cpfcnpj", "12345678000195"},
			"/C=BR/O=Confederacao Interestadual das Cooperativas Ligadas ao Sicredi/CN=api-parceiros-empresa.sicredi.net/ST=RS/L=Porto Alegre/jurisdictionCountryName=BR/OU=API Pix Sicredi/serialNumber=urn:cpfcnpj:12345678000195"},
		{"Accents", []string{"--cn", "api.exemplo.com.br", "--o", "Exemplo Ltda", "--ou", "TI", "--st", "SP", "--l", "São Paulo", "--serial", "12345678000195"},
			"/C=BR/ST=SP/L=São Paulo/O=Exemplo Ltda/OU=TI/CN=api.exemplo.com.br/serialNumber=12345678000195"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"csr", "--key-out", p(tc.name + ".key"), "--out", p(tc.name + ".csr")}, tc.brasa...)
			mustRunCert(t, nil, args...)
			openssl("req", "-new", "-utf8", "-key", "ref.key", "-sha256", "-out", tc.name+"-ref.csr", "-subj", tc.subj)
			got, err := pki.ParseCSR(mustReadFile(t, p(tc.name+".csr")))
			if err != nil {
				t.Fatal(err)
			}
			ref, err := pki.ParseCSR(mustReadFile(t, p(tc.name+"-ref.csr")))
			if err != nil {
				t.Fatal(err)
			}
			g, w := subjectTags(t, got.RawSubject), subjectTags(t, ref.RawSubject)
			if strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Errorf("brasa subject:\n%s\nopenssl subject:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
			if !bytes.Equal(got.RawSubject, ref.RawSubject) {
				t.Error("the subjects differ in their DER bytes")
			}
			for _, atv := range g {
				if strings.HasPrefix(atv, "2.5.4.10=") && !strings.HasPrefix(atv, "2.5.4.10=UTF8String:") {
					t.Errorf("O is %s, want UTF8String", atv)
				}
			}
		})
	}
}
