package cms

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PDFOptions describe a PAdES signature for [SignPDF].
type PDFOptions struct {
	// Name, Reason and Location go in the signature dictionary.
	Name, Reason, Location string
	// SigningTime is the dictionary's /M (PAdES forbids signingTime in the
	// CMS).
	SigningTime time.Time
	// Visible appends a signature page showing Stamp (the seed's
	// pdf_signature_page); otherwise the signature field is invisible on
	// the first page.
	Visible bool
	Stamp   []string
	// RT reserves room for a timestamp token.
	RT bool
	// PBAD writes /Filter /PBAD_PAdES /SubFilter /PBAD.PAdES (the ICP-Brasil
	// policy's values, which pdfsig and pdfcpu cannot verify) instead of
	// /Adobe.PPKLite /ETSI.CAdES.detached.
	PBAD bool
}

// contentsSize is the room reserved for the CMS, in bytes (twice that in
// hex digits): an AD-RB signature with a two-certificate chain takes about
// 3.5 KB, AD-RT about 6.5 KB.
const contentsSize = 16 << 10

// SignPDF signs pdf by incremental update (PAdES, ISO 32000-1 §12.8 and ETSI
// EN 319 142): it returns the bytes to append to pdf, which is not changed
// and not copied. The update holds the signature dictionary, a signature
// field and widget, a new version of the page that shows it (or a new
// signature page and page tree root when Visible), a new catalog with the
// AcroForm, and a cross-reference section of the kind the file uses (table or
// stream) chained with /Prev. sign receives the SHA-256 of the byte ranges
// and returns the DER CMS to embed.
func SignPDF(pdf []byte, o PDFOptions, sign func(digest []byte) ([]byte, error)) ([]byte, error) {
	f, err := parsePDF(pdf)
	if err != nil {
		return nil, err
	}
	rootRef := f.trailer.get("Root").(pdfRef)
	catalog, err := f.dict(rootRef.num)
	if err != nil {
		return nil, err
	}
	pagesRef, ok := catalog.get("Pages").(pdfRef)
	if !ok {
		return nil, badPDF("catálogo sem /Pages")
	}
	pagesRoot, err := f.dict(pagesRef.num)
	if err != nil {
		return nil, err
	}
	firstRef, firstPage, err := f.firstPage(pagesRef, pagesRoot)
	if err != nil {
		return nil, err
	}

	next := f.maxObj + 1
	alloc := func() int { next++; return next - 1 }
	sigNum, widgetNum := alloc(), alloc()
	objs := map[int][]byte{} // new objects and new versions, by number

	var inc bytes.Buffer
	if len(pdf) > 0 && pdf[len(pdf)-1] != '\n' && pdf[len(pdf)-1] != '\r' {
		inc.WriteByte('\n')
	}

	widget := newDict()
	widget.set("Type", pdfName("Annot"))
	widget.set("Subtype", pdfName("Widget"))
	widget.set("FT", pdfName("Sig"))
	widget.set("T", fmt.Sprintf("Assinatura%d", sigNum))
	widget.set("V", pdfRef{sigNum, 0})
	widget.set("F", 132) // print, locked

	if o.Visible {
		box := pdfArray{pdfRaw("0"), pdfRaw("0"), pdfRaw("595"), pdfRaw("842")}
		if mb, ok := firstPage.get("MediaBox").(pdfArray); ok && len(mb) == 4 {
			box = mb
		}
		pageNum, contentNum, apNum, fontNum := alloc(), alloc(), alloc(), alloc()
		font := newDict()
		font.set("Type", pdfName("Font"))
		font.set("Subtype", pdfName("Type1"))
		font.set("BaseFont", pdfName("Helvetica"))
		font.set("Encoding", pdfName("WinAnsiEncoding"))
		objs[fontNum] = dictBytes(font)
		res := newDict()
		fonts := newDict()
		fonts.set("F1", pdfRef{fontNum, 0})
		res.set("Font", fonts)

		// The page: a heading and the stamp box; the widget covers the box.
		var content bytes.Buffer
		content.WriteString("BT /F1 16 Tf 50 780 Td (Pagina de assinaturas digitais) Tj ET\n")
		content.WriteString("BT /F1 9 Tf 50 760 Td (Documento assinado digitalmente conforme a MP 2.200-2/2001 \\(ICP-Brasil\\).) Tj ET\n")
		objs[contentNum] = streamBytes(nil, content.Bytes())
		rect := pdfArray{pdfRaw("50"), pdfRaw("620"), pdfRaw("545"), pdfRaw("740")}
		var ap bytes.Buffer
		ap.WriteString("q 0.93 0.96 1 rg 0 0 495 120 re f 0.1 0.3 0.6 RG 1 w 0.5 0.5 494 119 re S Q\n")
		for i, line := range o.Stamp {
			size := 10
			if i == 0 {
				size = 12
			}
			fmt.Fprintf(&ap, "BT /F1 %d Tf 12 %d Td ", size, 98-i*20)
			writeValue(&ap, pdfText(line))
			ap.WriteString(" Tj ET\n")
		}
		apDict := newDict()
		apDict.set("Type", pdfName("XObject"))
		apDict.set("Subtype", pdfName("Form"))
		apDict.set("BBox", pdfArray{pdfRaw("0"), pdfRaw("0"), pdfRaw("495"), pdfRaw("120")})
		apDict.set("Resources", res)
		objs[apNum] = streamBytes(apDict, ap.Bytes())
		apN := newDict()
		apN.set("N", pdfRef{apNum, 0})
		widget.set("Rect", rect)
		widget.set("AP", apN)
		widget.set("P", pdfRef{pageNum, 0})

		page := newDict()
		page.set("Type", pdfName("Page"))
		page.set("Parent", pagesRef)
		page.set("MediaBox", box)
		page.set("Resources", res)
		page.set("Contents", pdfRef{contentNum, 0})
		page.set("Annots", pdfArray{pdfRef{widgetNum, 0}})
		objs[pageNum] = dictBytes(page)

		root := pagesRoot.clone()
		kids, err := f.resolve(root.get("Kids"))
		if err != nil {
			return nil, err
		}
		ka, _ := kids.(pdfArray)
		root.set("Kids", append(append(pdfArray{}, ka...), pdfRef{pageNum, 0}))
		count, err := f.intValue(root.get("Count"))
		if err != nil {
			return nil, badPDF("/Count inválido")
		}
		root.set("Count", count+1)
		objs[pagesRef.num] = dictBytes(root)
	} else {
		widget.set("Rect", pdfArray{pdfRaw("0"), pdfRaw("0"), pdfRaw("0"), pdfRaw("0")})
		widget.set("P", firstRef)
		page := firstPage.clone()
		annots, err := f.resolve(page.get("Annots"))
		if err != nil {
			return nil, err
		}
		aa, _ := annots.(pdfArray)
		page.set("Annots", append(append(pdfArray{}, aa...), pdfRef{widgetNum, 0}))
		objs[firstRef.num] = dictBytes(page)
	}
	objs[widgetNum] = dictBytes(widget)

	// The catalog, with the AcroForm keeping the fields it had.
	cat := catalog.clone()
	form := newDict()
	if v, err := f.resolve(cat.get("AcroForm")); err == nil {
		if d, ok := v.(*pdfDict); ok {
			form = d.clone()
		}
	}
	fields, err := f.resolve(form.get("Fields"))
	if err != nil {
		return nil, err
	}
	fa, _ := fields.(pdfArray)
	form.set("Fields", append(append(pdfArray{}, fa...), pdfRef{widgetNum, 0}))
	form.set("SigFlags", 3)
	cat.set("AcroForm", form)
	objs[rootRef.num] = dictBytes(cat)

	// The signature dictionary, with placeholders patched below.
	const byteRangeHole = "/ByteRange[0 ********** ********** **********]"
	var sig bytes.Buffer
	filter, subfilter := "Adobe.PPKLite", "ETSI.CAdES.detached"
	if o.PBAD {
		filter, subfilter = "PBAD_PAdES", "PBAD.PAdES"
	}
	fmt.Fprintf(&sig, "<</Type/Sig/Filter/%s/SubFilter/%s%s/Contents<%s>", filter, subfilter, byteRangeHole, strings.Repeat("0", 2*contentsSize))
	sig.WriteString("/M")
	writeValue(&sig, pdfDate(o.SigningTime))
	for _, kv := range [][2]string{{"Name", o.Name}, {"Reason", o.Reason}, {"Location", o.Location}} {
		if kv[1] != "" {
			sig.WriteString("/" + kv[0])
			writeValue(&sig, pdfText(kv[1]))
		}
	}
	sig.WriteString(">>")
	objs[sigNum] = sig.Bytes()

	// Objects in number order, then the cross-reference section.
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	offsets := map[int]int{}
	var sigObjStart int
	for _, n := range nums {
		offsets[n] = len(pdf) + inc.Len()
		if n == sigNum {
			sigObjStart = inc.Len()
		}
		fmt.Fprintf(&inc, "%d 0 obj\n", n)
		inc.Write(objs[n])
		inc.WriteString("\nendobj\n")
	}
	size := max(next, f.maxObj+1)
	newID := sha256.Sum256(append([]byte(o.SigningTime.String()), pdf[max(0, len(pdf)-64):]...))
	trailer := newDict()
	trailer.set("Size", size)
	trailer.set("Root", rootRef)
	if info, ok := f.trailer.get("Info").(pdfRef); ok {
		trailer.set("Info", info)
	}
	origID := pdfRaw("<" + hex.EncodeToString(newID[:16]) + ">")
	if ids, ok := f.trailer.get("ID").(pdfArray); ok && len(ids) == 2 {
		if r, ok := ids[0].(pdfRaw); ok {
			origID = r
		}
	}
	trailer.set("ID", pdfArray{origID, pdfRaw("<" + hex.EncodeToString(newID[16:]) + ">")})
	trailer.set("Prev", f.startxref)
	xrefOff := len(pdf) + inc.Len()
	if f.xrefStm {
		xrefNum := size
		size++
		trailer.set("Size", size)
		offsets[xrefNum] = xrefOff
		nums = append(nums, xrefNum)
		var rows bytes.Buffer
		var index pdfArray
		for _, run := range runs(nums) {
			index = append(index, run[0], run[1]-run[0])
			for n := run[0]; n < run[1]; n++ {
				off := offsets[n]
				rows.Write([]byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0, 0})
			}
		}
		trailer.set("Type", pdfName("XRef"))
		trailer.set("W", pdfArray{1, 4, 2})
		trailer.set("Index", index)
		fmt.Fprintf(&inc, "%d 0 obj\n", xrefNum)
		inc.Write(streamBytes(trailer, rows.Bytes()))
		inc.WriteString("\nendobj\n")
	} else {
		inc.WriteString("xref\n")
		for _, run := range runs(nums) {
			fmt.Fprintf(&inc, "%d %d\n", run[0], run[1]-run[0])
			for n := run[0]; n < run[1]; n++ {
				fmt.Fprintf(&inc, "%010d 00000 n\r\n", offsets[n])
			}
		}
		inc.WriteString("trailer\n")
		inc.Write(dictBytes(trailer))
		inc.WriteString("\n")
	}
	fmt.Fprintf(&inc, "startxref\n%d\n%%%%EOF\n", xrefOff)

	// Patch /ByteRange, hash, sign, fill /Contents.
	out := inc.Bytes()
	holeAt := bytes.Index(out[sigObjStart:], []byte(byteRangeHole)) + sigObjStart
	contentsAt := bytes.Index(out[holeAt:], []byte("/Contents<")) + holeAt + len("/Contents")
	a := len(pdf) + contentsAt
	b := a + 2 + 2*contentsSize
	total := len(pdf) + len(out)
	br := fmt.Sprintf("/ByteRange[0 %d %d %d]", a, b, total-b)
	if len(br) > len(byteRangeHole) {
		return nil, badPDF("arquivo grande demais")
	}
	copy(out[holeAt:], br+strings.Repeat(" ", len(byteRangeHole)-len(br)))
	h := sha256.New()
	h.Write(pdf)
	h.Write(out[:contentsAt])
	h.Write(out[contentsAt+2+2*contentsSize:])
	der, err := sign(h.Sum(nil))
	if err != nil {
		return nil, err
	}
	if len(der) > contentsSize {
		return nil, fmt.Errorf("cms: signature of %d bytes does not fit the %d reserved", len(der), contentsSize)
	}
	hex.Encode(out[contentsAt+1:], der)
	copy(out[contentsAt+1:contentsAt+1+2*len(der)], bytes.ToUpper(out[contentsAt+1:contentsAt+1+2*len(der)]))
	return out, nil
}

// firstPage walks the page tree to its first leaf.
func (f *pdfFile) firstPage(ref pdfRef, node *pdfDict) (pdfRef, *pdfDict, error) {
	for depth := 0; depth < 64; depth++ {
		if t, _ := node.get("Type").(pdfName); t == "Page" {
			return ref, node, nil
		}
		kids, err := f.resolve(node.get("Kids"))
		if err != nil {
			return ref, nil, err
		}
		ka, ok := kids.(pdfArray)
		if !ok || len(ka) == 0 {
			return ref, nil, badPDF("árvore de páginas vazia")
		}
		if ref, ok = ka[0].(pdfRef); !ok {
			return ref, nil, badPDF("página não é referência indireta")
		}
		if node, err = f.dict(ref.num); err != nil {
			return ref, nil, err
		}
	}
	return ref, nil, badPDF("árvore de páginas profunda demais")
}

// runs groups sorted object numbers into [first, end) runs.
func runs(nums []int) [][2]int {
	sort.Ints(nums)
	var out [][2]int
	for _, n := range nums {
		if len(out) > 0 && out[len(out)-1][1] == n {
			out[len(out)-1][1]++
			continue
		}
		out = append(out, [2]int{n, n + 1})
	}
	return out
}

func dictBytes(d *pdfDict) []byte {
	var b bytes.Buffer
	writeValue(&b, d)
	return b.Bytes()
}

// streamBytes writes a Flate-compressed stream with dictionary d.
func streamBytes(d *pdfDict, data []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(data)
	_ = zw.Close()
	if d == nil {
		d = newDict()
	} else {
		d = d.clone()
	}
	d.set("Filter", pdfName("FlateDecode"))
	d.set("Length", z.Len())
	var b bytes.Buffer
	writeValue(&b, d)
	b.WriteString("\nstream\n")
	b.Write(z.Bytes())
	b.WriteString("\nendstream")
	return b.Bytes()
}

// pdfDate formats t as a PDF date in Brasília's offset.
func pdfDate(t time.Time) string {
	t = t.In(time.FixedZone("BRT", -3*3600))
	return "D:" + t.Format("20060102150405") + "-03'00'"
}

// pdfText makes s a PDF literal string in WinAnsi/PDFDocEncoding (Latin-1
// for the accented letters of Portuguese; others become '?').
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r < 0x100:
			b.WriteByte(byte(r))
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

var _ = strconv.Itoa
