package cms_test

import (
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pki/cms"
	"github.com/brasa-dev/brasa/internal/pki/cms/cmstest"
)

// FuzzSignPDF: any input either signs or fails with an error; the reader of
// untrusted PDFs never panics or loops.
func FuzzSignPDF(f *testing.F) {
	f.Add(cmstest.MinimalPDF(1, false, 0))
	f.Add(cmstest.MinimalPDF(2, true, 0))
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Length 1 0 R>>stream\nx\nendstream endobj\nxref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer<</Root 1 0 R/Size 2>>\nstartxref\n60\n%%EOF"))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		_, _ = cms.SignPDF(pdf, cms.PDFOptions{SigningTime: time.Unix(0, 0), Visible: len(pdf)%2 == 0}, func([]byte) ([]byte, error) {
			return []byte{0x30, 0x00}, nil
		})
	})
}
