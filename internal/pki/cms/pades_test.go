package cms_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
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

func (f *fixture) signPDF(t *testing.T, pdf []byte, visible, rt bool) []byte {
	t.Helper()
	policy, ts := cms.PolicyPAdESADRB, (func([]byte) ([]byte, error))(nil)
	if rt {
		policy, ts = cms.PolicyPAdESADRT, f.tsa.Timestamper()
	}
	inc, err := cms.SignPDF(pdf, cms.PDFOptions{Name: "MARIA", Reason: "Teste", SigningTime: time.Now(), Visible: visible, RT: rt,
		Stamp: []string{"Assinado digitalmente por MARIA", "Política AD-RB"}}, func(d []byte) ([]byte, error) {
		return cms.Sign(cms.Options{Signer: f.key, Certificate: f.cert, Chain: []*x509.Certificate{f.ca.Intermediate}, Hash: crypto.SHA256, Digest: d, Policy: policy, Timestamp: ts})
	})
	if err != nil {
		t.Fatal(err)
	}
	return append(bytes.Clone(pdf), inc...)
}

func TestPAdESVerifiesWithPdfsig(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name               string
		xrefStream         bool
		visible, rt, twice bool
	}{
		{"ClassicInvisibleRB", false, false, false, false},
		{"ClassicVisibleRT", false, true, true, false},
		{"XRefStreamInvisible", true, false, false, false},
		{"XRefStreamVisibleRT", true, true, true, false},
		{"SignedTwice", false, true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pdf := cmstest.MinimalPDF(2, tc.xrefStream, 0)
			signed := f.signPDF(t, pdf, tc.visible, tc.rt)
			want := 1
			if tc.twice {
				signed = f.signPDF(t, signed, tc.visible, tc.rt)
				want = 2
			}
			out := cmstest.Pdfsig(t, signed)
			cmstest.CheckPdfsig(t, out, want)
			text, pages := cmstest.PdfPageText(t, signed, 1)
			if tc.visible {
				text, _ = cmstest.PdfPageText(t, signed, 3)
			}
			switch {
			case tc.visible && (pages != 2+want || !strings.Contains(text, "Assinado digitalmente por MARIA") || !strings.Contains(text, "Pagina de assinaturas")):
				t.Fatalf("visible stamp: %d pages, page 3 text %q", pages, text)
			case !tc.visible && pages != 2:
				t.Fatalf("an invisible signature changed the page count to %d", pages)
			}
			// A flipped byte of the original is caught.
			bad := bytes.Clone(signed)
			i := bytes.Index(bad, []byte("Documento de teste"))
			bad[i] ^= 0x20
			if out := cmstest.Pdfsig(t, bad); !strings.Contains(out, "Digest Mismatch") {
				t.Fatalf("flipped byte not caught:\n%s", out)
			}
		})
	}
}

func TestSignPDFRefusesGarbage(t *testing.T) {
	encrypted := bytes.Replace(cmstest.MinimalPDF(1, false, 0), []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Encrypt 3 0 R"), 1)
	for name, pdf := range map[string][]byte{
		"garbage":   []byte("%PDF-1.4\nnot really"),
		"truncated": cmstest.MinimalPDF(1, false, 0)[:400],
		"encrypted": encrypted,
	} {
		_, err := cms.SignPDF(pdf, cms.PDFOptions{}, func([]byte) ([]byte, error) { return []byte{0x30, 0}, nil })
		if !errors.Is(err, cms.ErrBadPDF) {
			t.Fatalf("%s: got %v", name, err)
		}
	}
}

func TestPAdESVerifiesWithPdfcpu(t *testing.T) {
	f := newFixture(t)
	// pdfcpu calls a signature valid only with revocation data: serve the
	// issuing CA's CRL over HTTP and name it in a fresh signer certificate.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		der, err := f.ca.CRL(nil, 1, time.Hour)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(der)
	}))
	defer srv.Close()
	cert, err := f.ca.IssueICPBrasil(pki.ICPBrasilRequest{PublicKey: f.key.Public(), Name: "Maria Demonstracao", CPF: "12345678909",
		IssuerName: "AC brasa", CRLURLs: []string{srv.URL + "/crl"}})
	if err != nil {
		t.Fatal(err)
	}
	f.cert = cert
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	for _, c := range []struct {
		name     string
		xref, rt bool
	}{{"ClassicRB", false, false}, {"XRefStreamRT", true, true}} {
		t.Run(c.name, func(t *testing.T) {
			signed := f.signPDF(t, cmstest.MinimalPDF(1, c.xref, 0), true, c.rt)
			res := cmstest.Pdfcpu(t, signed, []*x509.Certificate{f.ca.Root}, host)
			if len(res) != 1 || !res[0].Valid {
				t.Fatalf("pdfcpu: %+v", res)
			}
			bad := bytes.Clone(signed)
			i := bytes.Index(bad, []byte("Documento de teste"))
			bad[i] ^= 0x20
			if res := cmstest.Pdfcpu(t, bad, []*x509.Certificate{f.ca.Root}, host); len(res) != 1 || res[0].Valid {
				t.Fatalf("pdfcpu accepted a flipped byte: %+v", res)
			}
		})
	}
}

// TestPAdESOfChromiumPDF signs a PDF printed by headless Chromium (Skia: a
// classic xref table, no /ID), as documents from web apps are.
func TestPAdESOfChromiumPDF(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install chromium)")
	}
	dir := t.TempDir()
	html := filepath.Join(dir, "doc.html")
	os.WriteFile(html, []byte("<!doctype html><meta charset=utf-8><h1>Receita</h1><p>Documento de teste com acentuação.</p>"), 0o600)
	out := filepath.Join(dir, "doc.pdf")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+out, "file://"+html)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, b)
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	for _, visible := range []bool{false, true} {
		signed := f.signPDF(t, pdf, visible, false)
		cmstest.CheckPdfsig(t, cmstest.Pdfsig(t, signed), 1)
	}
}
