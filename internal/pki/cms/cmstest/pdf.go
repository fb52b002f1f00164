package cmstest

import (
	"bytes"
	"compress/zlib"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	pdfcpulib "github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// MinimalPDF returns a small valid PDF of pages pages with a classic
// cross-reference table, or, with xrefStream, a cross-reference stream (PNG
// Up predictor) and the page objects inside an object stream, as PDF 1.5
// writers make them. pad adds a comment of about that many bytes (to build
// large files).
func MinimalPDF(pages int, xrefStream bool, pad int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	if pad > 0 {
		line := "%" + strings.Repeat("x", 98) + "\n"
		for n := 0; n < pad; n += len(line) {
			b.WriteString(line)
		}
	}
	offsets := map[int]int{}
	obj := func(n int, body string) {
		offsets[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	content := "BT /F1 24 Tf 72 720 Td (Documento de teste brasa) Tj ET"
	kids := ""
	for i := 0; i < pages; i++ {
		kids += fmt.Sprintf("%d 0 R ", 10+i)
	}
	obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	obj(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	obj(4, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content))
	pagesDict := fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, pages)
	pageDict := func(i int) string {
		return "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
	}
	if !xrefStream {
		obj(2, pagesDict)
		for i := 0; i < pages; i++ {
			obj(10+i, pageDict(i))
		}
		xref := b.Len()
		size := 10 + pages
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", size)
		for n := 1; n < size; n++ {
			if off, ok := offsets[n]; ok {
				fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
			} else {
				b.WriteString("0000000000 00000 f\r\n")
			}
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n%d\n%%%%EOF\n", size, xref)
		return b.Bytes()
	}
	// Object stream 5 holds the page tree (2) and the pages (10...).
	var header, body bytes.Buffer
	inStream := []int{2}
	texts := map[int]string{2: pagesDict}
	for i := 0; i < pages; i++ {
		inStream = append(inStream, 10+i)
		texts[10+i] = pageDict(i)
	}
	for _, n := range inStream {
		fmt.Fprintf(&header, "%d %d ", n, body.Len())
		body.WriteString(texts[n] + "\n")
	}
	stm := append(header.Bytes(), body.Bytes()...)
	obj(5, fmt.Sprintf("<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream", len(inStream), header.Len(), len(stm), stm))
	size := 10 + pages + 1
	xrefNum := size - 1
	xrefOff := b.Len()
	offsets[xrefNum] = xrefOff
	var rows bytes.Buffer
	for n := 0; n < size; n++ {
		var row [5]byte // type, offset (2 bytes... 3 bytes), gen/index (1 byte)
		switch {
		case n == 0:
			row = [5]byte{0, 0, 0, 0, 0xff}
		case offsets[n] > 0:
			o := offsets[n]
			row = [5]byte{1, byte(o >> 16), byte(o >> 8), byte(o), 0}
		default:
			idx := -1
			for i, m := range inStream {
				if m == n {
					idx = i
				}
			}
			if idx >= 0 {
				row = [5]byte{2, 0, 0, 5, byte(idx)}
			}
		}
		rows.Write(row[:])
	}
	// PNG Up predictor, Columns 5.
	var pred bytes.Buffer
	prev := make([]byte, 5)
	raw := rows.Bytes()
	for i := 0; i < len(raw); i += 5 {
		pred.WriteByte(2)
		for j := 0; j < 5; j++ {
			pred.WriteByte(raw[i+j] - prev[j])
		}
		copy(prev, raw[i:i+5])
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(pred.Bytes())
	zw.Close()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 3 1] /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 5 >> /Length %d >>\nstream\n", xrefNum, size, z.Len())
	b.Write(z.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return b.Bytes()
}

// Pdfsig runs Debian's pdfsig on pdf and returns its text output. It skips
// when pdfsig is missing, unless BRASA_REQUIRE_PDFSIG is set.
func Pdfsig(tb testing.TB, pdf []byte) string {
	tb.Helper()
	if _, err := exec.LookPath("pdfsig"); err != nil {
		if os.Getenv("BRASA_REQUIRE_PDFSIG") != "" {
			tb.Fatal("pdfsig not installed and BRASA_REQUIRE_PDFSIG is set")
		}
		tb.Skip("pdfsig not installed (apt-get install poppler-utils), or set BRASA_REQUIRE_PDFSIG=1 in CI")
	}
	p := filepath.Join(tb.TempDir(), "signed.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", p).CombinedOutput() // exit status is 0 even on a digest mismatch
	return string(out)
}

// CheckPdfsig fails tb unless pdfsig's text reports every signature valid
// and covering the whole document.
func CheckPdfsig(tb testing.TB, out string, want int) {
	tb.Helper()
	if n := strings.Count(out, "Signature Validation: Signature is Valid."); n != want {
		tb.Fatalf("pdfsig: %d valid signatures, want %d:\n%s", n, want, out)
	}
	if strings.Contains(out, "Digest Mismatch") || strings.Contains(out, "not total document signed") {
		tb.Fatalf("pdfsig:\n%s", out)
	}
	if want > 0 && !strings.Contains(out, "Total document signed") {
		tb.Fatalf("pdfsig does not report the total document signed:\n%s", out)
	}
}

// Pdfcpu validates the signatures of pdf with github.com/pdfcpu/pdfcpu,
// trusting roots (pdfcpu reads its trust store from a directory: a
// temporary one holding them) and allowing CRL fetches from crlHosts. It
// returns one report per signature: its status string and its problems.
func Pdfcpu(tb testing.TB, pdf []byte, roots []*x509.Certificate, crlHosts ...string) []PdfcpuResult {
	tb.Helper()
	pdfcpuMu.Lock()
	defer pdfcpuMu.Unlock()
	model.ConfigPath = "disable"
	dir := tb.TempDir()
	for i, c := range roots {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("root%d.pem", i)), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	model.TrustedCertDir = dir
	pdfcpulib.InvalidateCertificatePool()
	conf := model.NewDefaultConfiguration()
	conf.AllowedRevocationHosts = crlHosts
	conf.Offline = len(crlHosts) == 0
	results, err := api.ValidateSignaturesRaw(bytes.NewReader(pdf), true, conf)
	if err != nil {
		tb.Fatalf("pdfcpu: %v", err)
	}
	var out []PdfcpuResult
	for _, r := range results {
		out = append(out, PdfcpuResult{Valid: r.Status == model.SignatureStatusValid, Invalid: r.Status == model.SignatureStatusInvalid,
			Report: r.String(), Problems: r.Problems})
	}
	return out
}

// PdfcpuResult is pdfcpu's verdict on one signature.
type PdfcpuResult struct {
	// Valid: pdfcpu calls the signature valid (it needs revocation data
	// for that); Invalid: it found it broken. Neither: unknown.
	Valid    bool
	Invalid  bool
	Report   string
	Problems []string
}

var pdfcpuMu sync.Mutex

// PdfPageText returns the text of page (1-based) and the page count, read
// by poppler's pdftotext and pdfinfo (installed with pdfsig).
func PdfPageText(tb testing.TB, pdf []byte, page int) (string, int) {
	tb.Helper()
	Pdfsig(tb, pdf) // skips or fails the same way when poppler is missing
	p := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", p).CombinedOutput()
	if err != nil {
		tb.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	pages := 0
	for _, line := range strings.Split(string(info), "\n") {
		if strings.HasPrefix(line, "Pages:") {
			fmt.Sscan(strings.TrimPrefix(line, "Pages:"), &pages)
		}
	}
	text, err := exec.Command("pdftotext", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), p, "-").CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext: %v\n%s", err, text)
	}
	return string(text), pages
}
