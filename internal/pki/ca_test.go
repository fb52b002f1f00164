package pki_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
)

func TestNewCADefaults(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	root, inter := ca.Root, ca.Intermediate

	checks := []struct {
		name string
		got  any
		want any
	}{
		{"root CN", root.Subject.CommonName, "brasa Root CA"},
		{"root O", root.Subject.Organization, []string{"brasa"}},
		{"intermediate CN", inter.Subject.CommonName, "brasa Issuing CA"},
		{"root is CA", root.IsCA, true},
		{"intermediate is CA", inter.IsCA, true},
		{"root MaxPathLen", root.MaxPathLen, 1},
		{"intermediate MaxPathLen", inter.MaxPathLen, 0},
		{"intermediate MaxPathLenZero", inter.MaxPathLenZero, true},
		{"root key usage", root.KeyUsage, x509.KeyUsageCertSign | x509.KeyUsageCRLSign},
		{"root NotBefore", root.NotBefore, t0.Add(-5 * time.Minute)},
		{"root NotAfter", root.NotAfter, t0.Add(10 * 365 * 24 * time.Hour)},
		{"intermediate NotAfter", inter.NotAfter, t0.Add(5 * 365 * 24 * time.Hour)},
		{"root algorithm", root.PublicKeyAlgorithm, x509.ECDSA},
		{"intermediate algorithm", inter.PublicKeyAlgorithm, x509.ECDSA},
		{"intermediate AKI = root SKI", string(inter.AuthorityKeyId), string(root.SubjectKeyId)},
		{"intermediate issuer", inter.Issuer.String(), root.Subject.String()},
	}
	for _, c := range checks {
		if !equalAny(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if len(root.SubjectKeyId) != 20 {
		t.Errorf("root SKI is %d bytes, want 20", len(root.SubjectKeyId))
	}
	if err := inter.CheckSignatureFrom(root); err != nil {
		t.Errorf("intermediate not signed by root: %v", err)
	}
	if got, want := ca.Chain(), []*x509.Certificate{inter, root}; !slices.Equal(got, want) {
		t.Error("Chain() is not intermediate, root")
	}
	if !bytes.Equal(ca.ChainPEM(), pki.EncodeCertificatesPEM(inter, root)) {
		t.Error("ChainPEM() is not intermediate then root")
	}
}

func equalAny(a, b any) bool {
	switch a := a.(type) {
	case []string:
		return slices.Equal(a, b.([]string))
	case time.Time:
		return a.Equal(b.(time.Time))
	}
	return a == b
}

func TestNewCAOptions(t *testing.T) {
	ca, err := pki.NewCA(pki.CAOptions{
		Organization:           "Cooperativa Teste",
		CommonNameRoot:         "Raiz",
		CommonNameIntermediate: "Emissora",
		Now:                    t0,
		RootValidity:           48 * time.Hour,
		IntermediateValidity:   72 * time.Hour, // capped at the root's
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ca.Root.Subject.CommonName, "Raiz"; got != want {
		t.Errorf("root CN = %q, want %q", got, want)
	}
	if got, want := ca.Intermediate.Subject.String(), "CN=Emissora,O=Cooperativa Teste"; got != want {
		t.Errorf("intermediate subject = %q, want %q", got, want)
	}
	if got, want := ca.Intermediate.NotAfter, ca.Root.NotAfter; !got.Equal(want) {
		t.Errorf("intermediate NotAfter = %v, want capped at root's %v", got, want)
	}
	if _, err := pki.NewCA(pki.CAOptions{RootValidity: -time.Hour}); err == nil {
		t.Error("NewCA with a negative validity succeeded")
	}
}

func TestCASealOpen(t *testing.T) {
	ca, _ := MustNewCA(t, time.Time{})
	s := mustSealer(t)
	blob, err := ca.Seal(s)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(blob, ca.Root.Raw[:64]) {
		t.Error("sealed CA shows its certificates in clear; it should be opaque")
	}

	reopened, err := pki.OpenCA(blob, s)
	if err != nil {
		t.Fatal(err)
	}
	if !reopened.Root.Equal(ca.Root) || !reopened.Intermediate.Equal(ca.Intermediate) {
		t.Fatal("reopened CA has other certificates")
	}
	// The reopened CA issues certificates that verify against the
	// original CA's pools.
	leaf := MustIssueClient(t, reopened, MustECKey(t).Public(), time.Hour)
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots:         ca.Pool(),
		Intermediates: ca.Intermediates(),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err != nil {
		t.Errorf("certificate from reopened CA does not verify: %v", err)
	}
	// Sealing again round-trips the root key too.
	blob2, err := reopened.Seal(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pki.OpenCA(blob2, s); err != nil {
		t.Fatal(err)
	}

	t.Run("tampered", func(t *testing.T) {
		for _, i := range []int{0, 5, len(blob) / 2, len(blob) - 1} {
			bad := bytes.Clone(blob)
			bad[i] ^= 0x80
			if _, err := pki.OpenCA(bad, s); err == nil {
				t.Errorf("OpenCA with byte %d flipped succeeded", i)
			}
		}
		if _, err := pki.OpenCA(blob[:len(blob)-3], s); !errors.Is(err, pki.ErrOpenFailed) {
			t.Errorf("truncated: err = %v, want ErrOpenFailed", err)
		}
	})
	t.Run("other master key", func(t *testing.T) {
		if _, err := pki.OpenCA(blob, mustSealer(t)); !errors.Is(err, pki.ErrOpenFailed) {
			t.Errorf("err = %v, want ErrOpenFailed", err)
		}
	})
	t.Run("other associated data", func(t *testing.T) {
		// A blob sealed for another purpose is not a CA.
		other, _ := s.Seal([]byte(`{"version":1}`), []byte("psc-holder"))
		if _, err := pki.OpenCA(other, s); !errors.Is(err, pki.ErrOpenFailed) {
			t.Errorf("err = %v, want ErrOpenFailed", err)
		}
	})
	t.Run("well sealed garbage", func(t *testing.T) {
		junk, _ := s.Seal([]byte(`{"version":1,"root":"AAAA"}`), []byte("brasa-ca"))
		if _, err := pki.OpenCA(junk, s); err == nil {
			t.Error("OpenCA of a sealed non-CA succeeded")
		}
	})
}

func TestIssueServer(t *testing.T) {
	ca, clock := MustNewCA(t, t0)
	*clock = t0.Add(time.Hour)
	cert, err := ca.IssueServer([]string{"localhost", "127.0.0.1", "::1", "API.Example.com"}, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	leaf := cert.Leaf
	if got, want := len(cert.Certificate), 2; got != want {
		t.Fatalf("chain length = %d, want %d (leaf, intermediate)", got, want)
	}
	if !bytes.Equal(cert.Certificate[0], leaf.Raw) || !bytes.Equal(cert.Certificate[1], ca.Intermediate.Raw) {
		t.Error("chain is not leaf, intermediate")
	}
	if _, ok := cert.PrivateKey.(*ecdsa.PrivateKey); !ok {
		t.Errorf("key is %T, want *ecdsa.PrivateKey", cert.PrivateKey)
	}
	if !cert.PrivateKey.(crypto.Signer).Public().(*ecdsa.PublicKey).Equal(leaf.PublicKey) {
		t.Error("private key does not match the leaf")
	}
	if got, want := leaf.DNSNames, []string{"localhost", "api.example.com"}; !slices.Equal(got, want) {
		t.Errorf("DNSNames = %v, want %v", got, want)
	}
	if got, want := len(leaf.IPAddresses), 2; got != want {
		t.Errorf("%d IP addresses, want %d", got, want)
	}
	if got, want := leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}; !slices.Equal(got, want) {
		t.Errorf("ExtKeyUsage = %v, want %v", got, want)
	}
	if got, want := leaf.NotBefore, clock.Add(-5*time.Minute); !got.Equal(want) {
		t.Errorf("NotBefore = %v, want %v", got, want)
	}
	if got, want := leaf.NotAfter, clock.Add(30*24*time.Hour); !got.Equal(want) {
		t.Errorf("NotAfter = %v, want %v", got, want)
	}
	if leaf.IsCA {
		t.Error("server certificate is a CA")
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1", "api.example.com"} {
		_, err := leaf.Verify(x509.VerifyOptions{
			DNSName:       host,
			Roots:         ca.Pool(),
			Intermediates: ca.Intermediates(),
			CurrentTime:   *clock,
		})
		if err != nil {
			t.Errorf("verify for %s: %v", host, err)
		}
	}

	for _, bad := range [][]string{nil, {""}, {"https://x"}, {"a b"}} {
		if _, err := ca.IssueServer(bad, 0); err == nil {
			t.Errorf("IssueServer(%q) succeeded, want error", bad)
		}
	}
}

func TestIssueClientKeys(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), nil)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), nil)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), nil)
	edPub, _, _ := ed25519.GenerateKey(nil)
	weakRSA := &rsa.PublicKey{N: new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 1023), big.NewInt(1)), E: 65537}

	tests := []struct {
		name    string
		pub     crypto.PublicKey
		wantErr string // empty: success
	}{
		{"RSA 2048", MustRSAKey(t).Public(), ""},
		{"ECDSA P-256", MustECKey(t).Public(), ""},
		{"ECDSA P-384", p384.Public(), ""},
		{"RSA 1024", weakRSA, "too weak"},
		{"ECDSA P-224", p224.Public(), "P-224"},
		{"ECDSA P-521", p521.Public(), "P-521"},
		{"Ed25519", edPub, "not accepted"},
		{"nil", nil, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := ca.IssueClient(pki.ClientRequest{
				Subject:   pkix.Name{CommonName: "x"},
				PublicKey: tt.pub,
			})
			if tt.wantErr != "" {
				if err == nil {
					t.Fatal("IssueClient succeeded, want error")
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "pki: ") {
					t.Errorf("err = %q, want a pki: error mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cert.Verify(x509.VerifyOptions{
				Roots: ca.Pool(), Intermediates: ca.Intermediates(), CurrentTime: t0,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
			}); err != nil {
				t.Errorf("issued certificate does not verify: %v", err)
			}
		})
	}
}

func TestIssueClient(t *testing.T) {
	ca, clock := MustNewCA(t, t0)
	subject := pkix.Name{
		Country:            []string{"BR"},
		Organization:       []string{"Empresa Teste LTDA"},
		OrganizationalUnit: []string{"Pix"},
		CommonName:         "EMPRESA TESTE LTDA:12345678000195",
	}
	cert, err := ca.IssueClient(pki.ClientRequest{
		Subject:        subject,
		PublicKey:      MustRSAKey(t).Public(),
		Validity:       90 * 24 * time.Hour,
		EmailAddresses: []string{"ti@empresa.com.br"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cert.Subject.String(), subject.String(); got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
	if got, want := cert.EmailAddresses, []string{"ti@empresa.com.br"}; !slices.Equal(got, want) {
		t.Errorf("EmailAddresses = %v, want %v", got, want)
	}
	if got, want := cert.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}; !slices.Equal(got, want) {
		t.Errorf("ExtKeyUsage = %v, want %v (the default)", got, want)
	}
	if got, want := cert.KeyUsage, x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment; got != want {
		t.Errorf("KeyUsage = %v, want %v", got, want)
	}
	if got, want := cert.NotAfter, t0.Add(90*24*time.Hour); !got.Equal(want) {
		t.Errorf("NotAfter = %v, want %v", got, want)
	}
	if got, want := cert.Issuer.String(), ca.Intermediate.Subject.String(); got != want {
		t.Errorf("issuer = %q, want %q", got, want)
	}
	if got, want := string(cert.AuthorityKeyId), string(ca.Intermediate.SubjectKeyId); got != want {
		t.Error("AuthorityKeyId is not the intermediate's SubjectKeyId")
	}
	if len(cert.SubjectKeyId) == 0 {
		t.Error("leaf has no SubjectKeyId")
	}

	t.Run("serials are random and 128-bit", func(t *testing.T) {
		seen := map[string]bool{}
		for range 20 {
			c := MustIssueClient(t, ca, MustECKey(t).Public(), 0)
			if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() > 128 || c.SerialNumber.BitLen() < 100 {
				t.Errorf("serial %x is not a positive ~128-bit number", c.SerialNumber)
			}
			if seen[c.SerialNumber.String()] {
				t.Error("serial number repeated")
			}
			seen[c.SerialNumber.String()] = true
		}
	})
	t.Run("explicit extended key usage", func(t *testing.T) {
		c, err := ca.IssueClient(pki.ClientRequest{
			Subject: pkix.Name{CommonName: "webhook"}, PublicKey: MustECKey(t).Public(),
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(c.ExtKeyUsage), 2; got != want {
			t.Errorf("%d extended key usages, want %d", got, want)
		}
		if got, want := c.KeyUsage, x509.KeyUsageDigitalSignature; got != want {
			t.Errorf("ECDSA KeyUsage = %v, want %v", got, want)
		}
	})
	t.Run("empty subject", func(t *testing.T) {
		if _, err := ca.IssueClient(pki.ClientRequest{PublicKey: MustECKey(t).Public()}); err == nil {
			t.Error("IssueClient with an empty subject succeeded")
		}
	})
	t.Run("negative validity", func(t *testing.T) {
		if _, err := ca.IssueClient(pki.ClientRequest{Subject: subject, PublicKey: MustECKey(t).Public(), Validity: -time.Hour}); err == nil {
			t.Error("IssueClient with a negative validity succeeded")
		}
	})
	t.Run("capped at the intermediate", func(t *testing.T) {
		c := MustIssueClient(t, ca, MustECKey(t).Public(), 20*365*24*time.Hour)
		if !c.NotAfter.Equal(ca.Intermediate.NotAfter) {
			t.Errorf("NotAfter = %v, want the intermediate's %v", c.NotAfter, ca.Intermediate.NotAfter)
		}
	})
	t.Run("expired CA refuses", func(t *testing.T) {
		*clock = ca.Intermediate.NotAfter.Add(time.Second)
		t.Cleanup(func() { *clock = t0 })
		if _, err := ca.IssueClient(pki.ClientRequest{Subject: subject, PublicKey: MustECKey(t).Public()}); err == nil {
			t.Error("an expired CA issued a certificate")
		}
	})
}

func TestCSR(t *testing.T) {
	ca, _ := MustNewCA(t, t0)
	key := MustRSAKey(t)
	subject := pkix.Name{Country: []string{"BR"}, Organization: []string{"Parceiro SA"}, CommonName: "parceiro-42"}

	csrPEM, err := pki.CreateCSR(key, subject, []string{"dev@parceiro.com.br"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(csrPEM, []byte("-----BEGIN CERTIFICATE REQUEST-----")) {
		t.Fatalf("CreateCSR output:\n%s", csrPEM)
	}
	der := PEMBlockDER(t, csrPEM)

	for _, in := range []struct {
		name string
		data []byte
	}{
		{"PEM", csrPEM},
		{"NEW CERTIFICATE REQUEST", pem.EncodeToMemory(&pem.Block{Type: "NEW CERTIFICATE REQUEST", Bytes: der})},
		{"DER", der},
		{"after a key", append(MustReadFile(t, "ec.pem"), csrPEM...)},
	} {
		t.Run("ParseCSR "+in.name, func(t *testing.T) {
			csr, err := pki.ParseCSR(in.data)
			if err != nil {
				t.Fatal(err)
			}
			cert, err := ca.SignCSR(csr, 24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(cert.RawSubject, csr.RawSubject) {
				t.Errorf("subject %q, want the CSR's %q", cert.Subject, csr.Subject)
			}
			if !key.PublicKey.Equal(cert.PublicKey) {
				t.Error("certificate is for another key")
			}
			if got, want := cert.EmailAddresses, []string{"dev@parceiro.com.br"}; !slices.Equal(got, want) {
				t.Errorf("EmailAddresses = %v, want %v", got, want)
			}
			if got, want := cert.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}; !slices.Equal(got, want) {
				t.Errorf("ExtKeyUsage = %v, want %v", got, want)
			}
		})
	}
	for _, bad := range []struct {
		name string
		data []byte
	}{
		{"garbage", []byte("nope")},
		{"key only", MustReadFile(t, "ec.pem")},
		{"empty", nil},
	} {
		t.Run("ParseCSR "+bad.name, func(t *testing.T) {
			if _, err := pki.ParseCSR(bad.data); err == nil {
				t.Error("ParseCSR succeeded, want error")
			}
		})
	}

	t.Run("bad signature", func(t *testing.T) {
		bad := bytes.Clone(der)
		bad[len(bad)-5] ^= 0xff // inside the signature
		csr, err := pki.ParseCSR(bad)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ca.SignCSR(csr, 0); err == nil || !strings.Contains(err.Error(), "signature") {
			t.Errorf("SignCSR of a CSR with a broken signature: err = %v", err)
		}
	})

	t.Run("requested extensions are ignored", func(t *testing.T) {
		bc, _ := asn1.Marshal(struct {
			IsCA bool `asn1:"optional"`
		}{true})
		der, err := x509.CreateCertificateRequest(nil, &x509.CertificateRequest{
			Subject:     subject,
			DNSNames:    []string{"bank.example"},
			IPAddresses: []net.IP{net.IPv4(10, 0, 0, 1)},
			ExtraExtensions: []pkix.Extension{
				{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Critical: true, Value: bc}, // basicConstraints CA:TRUE
			},
		}, MustECKey(t))
		if err != nil {
			t.Fatal(err)
		}
		csr, err := pki.ParseCSR(der)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := ca.SignCSR(csr, 0)
		if err != nil {
			t.Fatal(err)
		}
		if cert.IsCA || len(cert.DNSNames) > 0 || len(cert.IPAddresses) > 0 {
			t.Errorf("CSR requests were honoured: IsCA=%v DNS=%v IP=%v", cert.IsCA, cert.DNSNames, cert.IPAddresses)
		}
	})

	t.Run("weak key", func(t *testing.T) {
		p224, _ := ecdsa.GenerateKey(elliptic.P224(), nil)
		der, err := x509.CreateCertificateRequest(nil, &x509.CertificateRequest{Subject: subject}, p224)
		if err != nil {
			t.Fatal(err)
		}
		csr, _ := pki.ParseCSR(der)
		if _, err := ca.SignCSR(csr, 0); err == nil {
			t.Error("SignCSR accepted a P-224 key")
		}
	})
	t.Run("nil", func(t *testing.T) {
		if _, err := ca.SignCSR(nil, 0); err == nil {
			t.Error("SignCSR(nil) succeeded")
		}
	})
}

// TestCAOpenSSL checks issued certificates and CSRs with OpenSSL.
func TestCAOpenSSL(t *testing.T) {
	RequireOpenSSL(t)
	dir := t.TempDir()
	ca, _ := MustNewCA(t, time.Time{}) // openssl verifies at the real time
	key := MustRSAKey(t)
	leaf := MustIssueClient(t, ca, key.Public(), 24*time.Hour)
	keyPEM, _ := pki.MarshalPrivateKeyPEM(key)

	WriteFile(t, dir, "root.pem", pki.EncodeCertificatesPEM(ca.Root))
	WriteFile(t, dir, "intermediate.pem", pki.EncodeCertificatesPEM(ca.Intermediate))
	WriteFile(t, dir, "leaf.pem", pki.EncodeCertificatesPEM(leaf))
	WriteFile(t, dir, "leaf.key", keyPEM)

	t.Run("verify chain", func(t *testing.T) {
		out := OpenSSL(t, dir, "verify", "-purpose", "sslclient", "-x509_strict",
			"-CAfile", "root.pem", "-untrusted", "intermediate.pem", "leaf.pem")
		if got, want := strings.TrimSpace(string(out)), "leaf.pem: OK"; got != want {
			t.Errorf("openssl verify: %q, want %q", got, want)
		}
		if !OpenSSLFails(t, dir, "verify", "-CAfile", "root.pem", "leaf.pem") {
			t.Error("openssl verified the leaf without its intermediate")
		}
	})

	t.Run("server certificate", func(t *testing.T) {
		cert, err := ca.IssueServer([]string{"localhost", "127.0.0.1"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		WriteFile(t, dir, "server.pem", pki.EncodeCertificatesPEM(cert.Leaf))
		out := OpenSSL(t, dir, "verify", "-purpose", "sslserver", "-x509_strict", "-verify_hostname", "localhost", "-verify_ip", "127.0.0.1",
			"-CAfile", "root.pem", "-untrusted", "intermediate.pem", "server.pem")
		if got, want := strings.TrimSpace(string(out)), "server.pem: OK"; got != want {
			t.Errorf("openssl verify: %q, want %q", got, want)
		}
	})

	t.Run("modulus matches key", func(t *testing.T) {
		certMod := OpenSSL(t, dir, "x509", "-noout", "-modulus", "-in", "leaf.pem")
		keyMod := OpenSSL(t, dir, "rsa", "-noout", "-modulus", "-in", "leaf.key")
		if !bytes.Equal(certMod, keyMod) || !bytes.HasPrefix(certMod, []byte("Modulus=")) {
			t.Errorf("certificate %q and key %q moduli differ", certMod, keyMod)
		}
	})

	t.Run("openssl CSR", func(t *testing.T) {
		OpenSSL(t, dir, "req", "-new", "-key", "leaf.key", "-out", "req.csr",
			"-subj", "/C=BR/ST=SP/O=Parceiro SA/OU=AC Teste:12345678000195/CN=parceiro/emailAddress=ti@parceiro.com.br")
		csr, err := pki.ParseCSR(ReadFile(t, dir, "req.csr"))
		if err != nil {
			t.Fatal(err)
		}
		cert, err := ca.SignCSR(csr, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cert.RawSubject, csr.RawSubject) {
			t.Errorf("subject %q, want the CSR's %q", cert.Subject, csr.Subject)
		}
		WriteFile(t, dir, "signed.pem", pki.EncodeCertificatesPEM(cert))
		reqSubject := OpenSSL(t, dir, "req", "-in", "req.csr", "-noout", "-subject")
		certSubject := OpenSSL(t, dir, "x509", "-in", "signed.pem", "-noout", "-subject")
		if !bytes.Equal(reqSubject, certSubject) {
			t.Errorf("openssl: CSR %q, certificate %q", reqSubject, certSubject)
		}
		OpenSSL(t, dir, "verify", "-purpose", "sslclient", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "signed.pem")
	})

	t.Run("openssl verifies our CSR", func(t *testing.T) {
		csrPEM, err := pki.CreateCSR(MustECKey(t), pkix.Name{CommonName: "a", Organization: []string{"b"}}, []string{"c@d.br"})
		if err != nil {
			t.Fatal(err)
		}
		WriteFile(t, dir, "ours.csr", csrPEM)
		OpenSSL(t, dir, "req", "-verify", "-noout", "-in", "ours.csr")
	})
}
