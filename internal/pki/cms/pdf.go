package cms

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrBadPDF is the cause of every failure to read the PDF being signed.
var ErrBadPDF = errors.New("PDF ilegível ou não suportado")

func badPDF(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadPDF, fmt.Sprintf(format, args...))
}

// A minimal PDF object model: enough to read the cross-reference data
// (tables and streams, object streams included), the catalog, the page tree
// and the trailer, and to write new versions of a few dictionaries. Strings,
// numbers, booleans and null are kept as their raw bytes and written back
// verbatim.

type pdfName string // without the slash, escapes kept

type pdfRef struct{ num, gen int }

type pdfRaw []byte // a number, string, boolean or null, verbatim

type pdfArray []any

type pdfDict struct {
	keys []pdfName
	vals map[pdfName]any
}

func newDict() *pdfDict { return &pdfDict{vals: map[pdfName]any{}} }

func (d *pdfDict) get(k pdfName) any { return d.vals[k] }

func (d *pdfDict) set(k pdfName, v any) {
	if _, ok := d.vals[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.vals[k] = v
}

func (d *pdfDict) clone() *pdfDict {
	c := newDict()
	for _, k := range d.keys {
		c.set(k, d.vals[k])
	}
	return c
}

// writeValue serializes v.
func writeValue(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case pdfName:
		b.WriteByte('/')
		b.WriteString(string(v))
	case pdfRef:
		fmt.Fprintf(b, "%d %d R", v.num, v.gen)
	case pdfRaw:
		b.Write(v)
	case pdfArray:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, e)
		}
		b.WriteByte(']')
	case *pdfDict:
		b.WriteString("<<")
		for _, k := range v.keys {
			b.WriteByte('/')
			b.WriteString(string(k))
			b.WriteByte(' ')
			writeValue(b, v.vals[k])
		}
		b.WriteString(">>")
	case int:
		b.WriteString(strconv.Itoa(v))
	case string: // written as a literal string, escaped
		b.WriteByte('(')
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c == '(' || c == ')' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
		b.WriteByte(')')
	default:
		b.WriteString("null")
	}
}

// lexer reads PDF tokens from data starting at pos.
type lexer struct {
	data []byte
	pos  int
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'
}

func (l *lexer) skip() {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if isWhite(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// word reads a regular token (keyword or number).
func (l *lexer) word() []byte {
	l.skip()
	start := l.pos
	for l.pos < len(l.data) && !isWhite(l.data[l.pos]) && !isDelim(l.data[l.pos]) {
		l.pos++
	}
	return l.data[start:l.pos]
}

// value parses one object; "N G R" becomes a pdfRef.
func (l *lexer) value(depth int) (any, error) {
	if depth > 64 {
		return nil, badPDF("objetos aninhados demais")
	}
	l.skip()
	if l.pos >= len(l.data) {
		return nil, badPDF("fim inesperado")
	}
	switch c := l.data[l.pos]; {
	case c == '/':
		l.pos++
		start := l.pos
		for l.pos < len(l.data) && !isWhite(l.data[l.pos]) && !isDelim(l.data[l.pos]) {
			l.pos++
		}
		return pdfName(l.data[start:l.pos]), nil
	case c == '<' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '<':
		l.pos += 2
		d := newDict()
		for {
			l.skip()
			if l.pos+1 < len(l.data) && l.data[l.pos] == '>' && l.data[l.pos+1] == '>' {
				l.pos += 2
				return d, nil
			}
			k, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			name, ok := k.(pdfName)
			if !ok {
				return nil, badPDF("chave de dicionário não é um nome")
			}
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			d.set(name, v)
		}
	case c == '<':
		start := l.pos
		end := bytes.IndexByte(l.data[l.pos:], '>')
		if end < 0 {
			return nil, badPDF("string hexadecimal sem fim")
		}
		l.pos += end + 1
		return pdfRaw(l.data[start:l.pos]), nil
	case c == '(':
		start := l.pos
		depthStr := 0
		for l.pos < len(l.data) {
			ch := l.data[l.pos]
			l.pos++
			switch ch {
			case '\\':
				l.pos++
			case '(':
				depthStr++
			case ')':
				depthStr--
				if depthStr == 0 {
					return pdfRaw(l.data[start:l.pos]), nil
				}
			}
		}
		return nil, badPDF("string sem fim")
	case c == '[':
		l.pos++
		var arr pdfArray
		for {
			l.skip()
			if l.pos < len(l.data) && l.data[l.pos] == ']' {
				l.pos++
				return arr, nil
			}
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
	default:
		w := l.word()
		if len(w) == 0 {
			return nil, badPDF("símbolo inesperado %q", c)
		}
		if n, err := strconv.Atoi(string(w)); err == nil && n >= 0 {
			// Possibly "n g R".
			save := l.pos
			g := l.word()
			if gen, err := strconv.Atoi(string(g)); err == nil && gen >= 0 {
				if r := l.word(); string(r) == "R" {
					return pdfRef{n, gen}, nil
				}
			}
			l.pos = save
		}
		return pdfRaw(w), nil
	}
}

// pdfFile is the parsed structure of the PDF being signed.
type pdfFile struct {
	data      []byte
	startxref int
	xrefStm   bool // the newest section is a cross-reference stream
	trailer   *pdfDict
	offsets   map[int]int    // object number → byte offset (type 1)
	inStream  map[int][2]int // object number → (object stream, index) (type 2)
	objstms   map[int][]byte // decoded object streams
	maxObj    int
	depth     int // nesting of object()
}

// parsePDF reads the cross-reference chain of data.
func parsePDF(data []byte) (*pdfFile, error) {
	tail := data
	if len(tail) > 4096 {
		tail = tail[len(tail)-4096:]
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil, badPDF("startxref ausente")
	}
	l := &lexer{data: tail, pos: i + len("startxref")}
	sx, err := strconv.Atoi(string(l.word()))
	if err != nil || sx <= 0 || sx >= len(data) {
		return nil, badPDF("startxref inválido")
	}
	f := &pdfFile{data: data, startxref: sx, offsets: map[int]int{}, inStream: map[int][2]int{}, objstms: map[int][]byte{}}
	seen := map[int]bool{}
	for off, first := sx, true; off > 0; first = false {
		if seen[off] || len(seen) > 1000 {
			return nil, badPDF("cadeia de xref em laço")
		}
		seen[off] = true
		trailer, stm, err := f.readXref(off)
		if err != nil {
			return nil, err
		}
		if first {
			f.trailer, f.xrefStm = trailer, stm
		}
		if x, ok := trailer.get("XRefStm").(pdfRaw); ok { // hybrid file
			if n, err := strconv.Atoi(string(x)); err == nil && !seen[n] {
				seen[n] = true
				if _, _, err := f.readXref(n); err != nil {
					return nil, err
				}
			}
		}
		off = 0
		if p, ok := trailer.get("Prev").(pdfRaw); ok {
			if off, err = strconv.Atoi(string(p)); err != nil {
				return nil, badPDF("/Prev inválido")
			}
		}
	}
	if size, ok := f.trailer.get("Size").(pdfRaw); ok {
		if n, err := strconv.Atoi(string(size)); err == nil && n-1 > f.maxObj {
			f.maxObj = n - 1
		}
	}
	if _, ok := f.trailer.get("Root").(pdfRef); !ok {
		return nil, badPDF("trailer sem /Root")
	}
	if f.trailer.get("Encrypt") != nil {
		return nil, badPDF("PDF criptografado (remova a senha antes de assinar)")
	}
	return f, nil
}

// readXref reads the section at off; entries already known (from newer
// sections) are kept.
func (f *pdfFile) readXref(off int) (*pdfDict, bool, error) {
	if off >= len(f.data) {
		return nil, false, badPDF("xref fora do arquivo")
	}
	l := &lexer{data: f.data, pos: off}
	save := l.pos
	if string(l.word()) == "xref" {
		for {
			save = l.pos
			w := l.word()
			if string(w) == "trailer" {
				v, err := l.value(0)
				if err != nil {
					return nil, false, err
				}
				d, ok := v.(*pdfDict)
				if !ok {
					return nil, false, badPDF("trailer inválido")
				}
				return d, false, nil
			}
			start, err1 := strconv.Atoi(string(w))
			count, err2 := strconv.Atoi(string(l.word()))
			if err1 != nil || err2 != nil || count < 0 || count > 10_000_000 {
				return nil, false, badPDF("subseção de xref inválida")
			}
			for i := 0; i < count; i++ {
				o, err1 := strconv.Atoi(string(l.word()))
				_ = l.word()
				kind := l.word()
				if err1 != nil || len(kind) != 1 {
					return nil, false, badPDF("entrada de xref inválida")
				}
				num := start + i
				f.maxObj = max(f.maxObj, num)
				if _, known := f.offsets[num]; known {
					continue
				}
				if _, known := f.inStream[num]; known {
					continue
				}
				if kind[0] == 'n' {
					f.offsets[num] = o
				} else {
					f.offsets[num] = -1 // free: newer sections win, older ones must not revive it
				}
			}
		}
	}
	l.pos = save
	_, dict, stream, err := f.readObjectAt(off)
	if err != nil {
		return nil, false, err
	}
	if t, _ := dict.get("Type").(pdfName); t != "XRef" {
		return nil, false, badPDF("xref não encontrada em %d", off)
	}
	ws, ok := dict.get("W").(pdfArray)
	if !ok || len(ws) != 3 {
		return nil, false, badPDF("/W inválido")
	}
	var w [3]int
	for i := range w {
		if w[i], err = atoiRaw(ws[i]); err != nil || w[i] < 0 || w[i] > 8 {
			return nil, false, badPDF("/W inválido")
		}
	}
	size, _ := atoiRaw(dict.get("Size"))
	index := pdfArray{pdfRaw("0"), pdfRaw(strconv.Itoa(size))}
	if ix, ok := dict.get("Index").(pdfArray); ok {
		index = ix
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 {
		return nil, false, badPDF("/W vazio")
	}
	pos := 0
	for k := 0; k+1 < len(index); k += 2 {
		start, err1 := atoiRaw(index[k])
		count, err2 := atoiRaw(index[k+1])
		if err1 != nil || err2 != nil {
			return nil, false, badPDF("/Index inválido")
		}
		for i := 0; i < count; i++ {
			if pos+rowLen > len(stream) {
				return nil, false, badPDF("xref stream curta")
			}
			row := stream[pos : pos+rowLen]
			pos += rowLen
			field := func(j int) int {
				from := 0
				for x := 0; x < j; x++ {
					from += w[x]
				}
				v := 0
				for _, c := range row[from : from+w[j]] {
					v = v<<8 | int(c)
				}
				return v
			}
			typ := 1
			if w[0] > 0 {
				typ = field(0)
			}
			num := start + i
			f.maxObj = max(f.maxObj, num)
			if _, known := f.offsets[num]; known {
				continue
			}
			if _, known := f.inStream[num]; known {
				continue
			}
			switch typ {
			case 0:
				f.offsets[num] = -1
			case 1:
				f.offsets[num] = field(1)
			case 2:
				f.inStream[num] = [2]int{field(1), field(2)}
			}
		}
	}
	return dict, true, nil
}

func atoiRaw(v any) (int, error) {
	r, ok := v.(pdfRaw)
	if !ok {
		return 0, errors.New("not a number")
	}
	return strconv.Atoi(string(r))
}

// readObjectAt parses "n g obj <value> [stream ... endstream]" at off and
// returns the object number, its value (a dictionary when it has a stream)
// and the decoded stream.
func (f *pdfFile) readObjectAt(off int) (int, *pdfDict, []byte, error) {
	if off < 0 || off >= len(f.data) {
		return 0, nil, nil, badPDF("objeto fora do arquivo")
	}
	l := &lexer{data: f.data, pos: off}
	num, err1 := strconv.Atoi(string(l.word()))
	_, err2 := strconv.Atoi(string(l.word()))
	if err1 != nil || err2 != nil || string(l.word()) != "obj" {
		return 0, nil, nil, badPDF("objeto esperado em %d", off)
	}
	v, err := l.value(0)
	if err != nil {
		return 0, nil, nil, err
	}
	d, _ := v.(*pdfDict)
	l.skip()
	if d == nil || !bytes.HasPrefix(f.data[l.pos:], []byte("stream")) {
		if d == nil {
			d = &pdfDict{vals: map[pdfName]any{"": v}} // non-dictionary value under ""
		}
		return num, d, nil, nil
	}
	l.pos += len("stream")
	if l.pos < len(f.data) && f.data[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(f.data) && f.data[l.pos] == '\n' {
		l.pos++
	}
	length, err := f.intValue(d.get("Length"))
	if err != nil || length < 0 || l.pos+length > len(f.data) {
		return 0, nil, nil, badPDF("/Length inválido no objeto %d", num)
	}
	raw := f.data[l.pos : l.pos+length]
	data, err := decodeStream(d, raw)
	if err != nil {
		return 0, nil, nil, err
	}
	return num, d, data, nil
}

// intValue resolves a direct or indirect integer.
func (f *pdfFile) intValue(v any) (int, error) {
	if r, ok := v.(pdfRef); ok {
		obj, err := f.object(r.num)
		if err != nil {
			return 0, err
		}
		v = obj
	}
	return atoiRaw(v)
}

// decodeStream applies /FlateDecode (with PNG predictors) or nothing.
func decodeStream(d *pdfDict, raw []byte) ([]byte, error) {
	filter := d.get("Filter")
	if arr, ok := filter.(pdfArray); ok && len(arr) == 1 {
		filter = arr[0]
	}
	switch filter {
	case nil:
		return raw, nil
	case pdfName("FlateDecode"):
	default:
		return nil, badPDF("filtro de stream não suportado")
	}
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, badPDF("stream comprimida inválida")
	}
	out, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil && len(out) == 0 {
		return nil, badPDF("stream comprimida inválida")
	}
	parms, _ := d.get("DecodeParms").(*pdfDict)
	if arr, ok := d.get("DecodeParms").(pdfArray); ok && len(arr) == 1 {
		parms, _ = arr[0].(*pdfDict)
	}
	if parms == nil {
		return out, nil
	}
	pred, _ := atoiRaw(parms.get("Predictor"))
	if pred < 10 {
		if pred > 1 {
			return nil, badPDF("preditor TIFF não suportado")
		}
		return out, nil
	}
	cols, err := atoiRaw(parms.get("Columns"))
	if err != nil {
		cols = 1
	}
	return unpredictPNG(out, cols)
}

// unpredictPNG reverses PNG row filters (bytes per pixel 1).
func unpredictPNG(in []byte, cols int) ([]byte, error) {
	if cols <= 0 {
		return nil, badPDF("/Columns inválido")
	}
	row := cols + 1
	if len(in)%row != 0 {
		return nil, badPDF("dados de preditor truncados")
	}
	out := make([]byte, 0, len(in)/row*cols)
	prev := make([]byte, cols)
	for p := 0; p < len(in); p += row {
		ft, cur := in[p], append([]byte(nil), in[p+1:p+row]...)
		for i := range cur {
			var left, up, ul byte
			if i > 0 {
				left, ul = cur[i-1], prev[i-1]
			}
			up = prev[i]
			switch ft {
			case 0:
			case 1:
				cur[i] += left
			case 2:
				cur[i] += up
			case 3:
				cur[i] += byte((int(left) + int(up)) / 2)
			case 4:
				cur[i] += paeth(left, up, ul)
			default:
				return nil, badPDF("filtro PNG %d", ft)
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// object returns the value of object num.
func (f *pdfFile) object(num int) (any, error) {
	// A /Length or object stream may refer back to the object being read:
	// bound the nesting rather than recurse forever.
	if f.depth > 16 {
		return nil, badPDF("referências circulares")
	}
	f.depth++
	defer func() { f.depth-- }()
	if off, ok := f.offsets[num]; ok && off >= 0 {
		_, d, _, err := f.readObjectAt(off)
		if err != nil {
			return nil, err
		}
		if v, ok := d.vals[""]; ok && len(d.keys) == 0 {
			return v, nil
		}
		return d, nil
	}
	loc, ok := f.inStream[num]
	if !ok {
		return nil, badPDF("objeto %d ausente", num)
	}
	stm, ok := f.objstms[loc[0]]
	var first int
	if !ok {
		off, ok := f.offsets[loc[0]]
		if !ok || off < 0 {
			return nil, badPDF("object stream %d ausente", loc[0])
		}
		_, d, data, err := f.readObjectAt(off)
		if err != nil {
			return nil, err
		}
		if first, err = atoiRaw(d.get("First")); err != nil {
			return nil, badPDF("/First inválido")
		}
		stm = data
		f.objstms[loc[0]] = data
		f.objstms[-loc[0]-1] = []byte(strconv.Itoa(first))
	} else {
		first, _ = strconv.Atoi(string(f.objstms[-loc[0]-1]))
	}
	l := &lexer{data: stm}
	for i := 0; ; i++ {
		n, err1 := strconv.Atoi(string(l.word()))
		o, err2 := strconv.Atoi(string(l.word()))
		if err1 != nil || err2 != nil {
			return nil, badPDF("cabeçalho de object stream inválido")
		}
		if n == num {
			if first+o >= len(stm) {
				return nil, badPDF("object stream curta")
			}
			vl := &lexer{data: stm, pos: first + o}
			return vl.value(0)
		}
		if i > 1_000_000 {
			return nil, badPDF("objeto %d ausente", num)
		}
	}
}

// resolve follows a reference.
func (f *pdfFile) resolve(v any) (any, error) {
	if r, ok := v.(pdfRef); ok {
		return f.object(r.num)
	}
	return v, nil
}

// dict returns object num as a dictionary.
func (f *pdfFile) dict(num int) (*pdfDict, error) {
	v, err := f.object(num)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*pdfDict)
	if !ok {
		return nil, badPDF("objeto %d não é um dicionário", num)
	}
	return d, nil
}
