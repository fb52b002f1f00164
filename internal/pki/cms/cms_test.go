package cms_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/pki/cms"
	"github.com/brasa-dev/brasa/internal/pki/cms/cmstest"
)

type fixture struct {
	ca   *pki.CA
	key  *rsa.PrivateKey
	cert *x509.Certificate
	tsa  *cms.TSA
	dir  string
	root string // root.pem path
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ca, err := pki.NewCA(pki.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.IssueICPBrasil(pki.ICPBrasilRequest{
		PublicKey: key.Public(), Name: "Maria Demonstracao", CPF: "12345678909", BirthDate: "01011980",
		Email: "maria@example.com", IssuerName: "AC brasa", ProductOU: "RFB e-CPF A3", RACNPJ: "12345678000195",
		Identification: "videoconferencia", CRLURLs: []string{"https://127.0.0.1/psc/lcr/ac.crl"}, CPSURL: "https://127.0.0.1/psc/dpc",
	})
	if err != nil {
		t.Fatal(err)
	}
	tsaKey, err := pki.GenerateKey(rand.Reader, pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	tsaCert, err := ca.IssueTimestamping(tsaKey.Public(), "brasa TSA", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(root, pki.EncodeCertificatesPEM(ca.Root), 0o600); err != nil {
		t.Fatal(err)
	}
	return &fixture{ca: ca, key: key, cert: cert, tsa: &cms.TSA{Signer: tsaKey, Certificate: tsaCert, Chain: []*x509.Certificate{ca.Intermediate}}, dir: dir, root: root}
}

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed (apt-get install openssl)")
	}
}

func TestICPBrasilProfile(t *testing.T) {
	f := newFixture(t)
	cpf, cnpj := pki.ICPBrasilDocument(f.cert)
	if cpf != "12345678909" || cnpj != "" {
		t.Fatalf("otherNames: cpf %q cnpj %q", cpf, cnpj)
	}
	if got := f.cert.Subject.CommonName; got != "MARIA DEMONSTRACAO:12345678909" {
		t.Fatalf("CN %q", got)
	}
	if len(f.cert.ExtKeyUsage) != 2 || f.cert.KeyUsage&x509.KeyUsageContentCommitment == 0 {
		t.Fatalf("usages %v %v", f.cert.ExtKeyUsage, f.cert.KeyUsage)
	}
	if len(f.cert.CRLDistributionPoints) != 1 || len(f.cert.PolicyIdentifiers) != 1 {
		t.Fatalf("CRL DP %v policies %v", f.cert.CRLDistributionPoints, f.cert.PolicyIdentifiers)
	}
	if _, err := f.cert.Verify(x509.VerifyOptions{Roots: f.ca.Pool(), Intermediates: f.ca.Intermediates(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}); err != nil {
		t.Fatal(err)
	}
}

func TestDetachedCMSVerifiesWithOpenSSL(t *testing.T) {
	needOpenSSL(t)
	f := newFixture(t)
	data := []byte("conteudo do documento a assinar\n")
	sum := sha256.Sum256(data)
	for _, tc := range []struct {
		name string
		opts cms.Options
	}{
		{"CMS", cms.Options{SigningTime: time.Now()}},
		{"CAdES_AD_RB", cms.Options{Policy: cms.PolicyCAdESADRB}},
		{"CAdES_AD_RT", cms.Options{Policy: cms.PolicyCAdESADRT, Timestamp: f.tsa.Timestamper()}},
		{"CMS_PSS", cms.Options{SigningTime: time.Now(), PSS: true}},
		{"CMS_SHA384", cms.Options{SigningTime: time.Now(), Hash: crypto.SHA384}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			o.Signer, o.Certificate, o.Chain, o.Digest = f.key, f.cert, []*x509.Certificate{f.ca.Intermediate}, sum[:]
			if o.Hash == crypto.SHA384 {
				s384 := sha512.Sum384(data)
				o.Digest = s384[:]
			}
			der, err := cms.Sign(o)
			if err != nil {
				t.Fatal(err)
			}
			if out, err := cmstest.OpenSSLVerify(t, f.root, der, data); err != nil {
				t.Fatalf("openssl cms -verify: %v\n%s", err, out)
			}
			flipped := bytes.Clone(data)
			flipped[3] ^= 1
			if _, err := cmstest.OpenSSLVerify(t, f.root, der, flipped); err == nil {
				t.Fatal("a flipped content byte verified")
			}
			info := cmstest.MustParse(t, der)
			if err := info.CheckSigningCertificateV2(f.cert); err != nil {
				t.Fatal(err)
			}
			if tc.opts.Policy != nil && !info.PolicyOID.Equal(tc.opts.Policy.OID) {
				t.Fatalf("policy %v", info.PolicyOID)
			}
			if tc.opts.Timestamp != nil {
				if info.TimestampToken == nil {
					t.Fatal("no signatureTimeStampToken")
				}
				sigSum := sha256.Sum256(info.Signature)
				if out, err := cmstest.OpenSSLVerifyTimestamp(t, f.root, info.TimestampToken, sigSum[:]); err != nil {
					t.Fatalf("openssl ts -verify: %v\n%s", err, out)
				}
			}
		})
	}
}

func TestAttachedCMS(t *testing.T) {
	needOpenSSL(t)
	f := newFixture(t)
	data := []byte("anexado")
	der, err := cms.Sign(cms.Options{Signer: f.key, Certificate: f.cert, Chain: []*x509.Certificate{f.ca.Intermediate}, Content: data, Attached: true, Hash: crypto.SHA512})
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmstest.OpenSSLVerify(t, f.root, der, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "anexado") {
		t.Fatalf("content not returned: %q", out)
	}
}

func TestHashOIDs(t *testing.T) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		o, ok := cms.HashOID(h)
		if !ok {
			t.Fatal(h)
		}
		back, ok := cms.HashByOID(o.String())
		if !ok || back != h {
			t.Fatal(o)
		}
	}
	if _, ok := cms.HashByOID(asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}.String()); ok {
		t.Fatal("SHA-1 accepted")
	}
}
