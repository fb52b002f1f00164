package sisgruhttp

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/internal/sisgru"
)

// xmlHeader opens every body, as the seed's examples do.
const xmlHeader = `<?xml version="1.0" encoding="utf-8"?>` + "\n"

// contentType is the type of every SISGRU body.
const contentType = "application/xml; charset=utf-8"

// gzipWriters are reused: a gzip.Writer holds about a megabyte of
// compressor state. BestSpeed compresses XML several times faster than the
// default level and still shrinks it about tenfold.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (not with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			p := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return p != "q=0" && p != "q=0.0" && p != "q=0.00" && p != "q=0.000"
		}
	}
	return false
}

// xmlStream writes a 200 body as it is produced: through a 32 KiB buffer
// and, when the client accepts it, gzip. Memory stays the same however many
// records it writes.
type xmlStream struct {
	bw  *bufio.Writer
	gz  *gzip.Writer
	buf []byte
}

// startXML sends the status and headers (200, the XML content type, gzip
// when accepted) and returns the stream of the body.
func startXML(w http.ResponseWriter, r *http.Request) *xmlStream {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	x := &xmlStream{buf: make([]byte, 0, 4096)}
	var dst io.Writer = w
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		x.gz = gzipWriters.Get().(*gzip.Writer)
		x.gz.Reset(w)
		dst = x.gz
	}
	w.WriteHeader(http.StatusOK)
	x.bw = bufio.NewWriterSize(dst, 32<<10)
	x.buf = append(x.buf, xmlHeader...)
	return x
}

// open writes <name>.
func (x *xmlStream) open(name string) error {
	x.buf = append(append(append(x.buf, '<'), name...), ">\n"...)
	return x.flushBuf()
}

// close writes </name>.
func (x *xmlStream) close(name string) error {
	x.buf = append(append(append(x.buf, "</"...), name...), ">\n"...)
	return x.flushBuf()
}

func (x *xmlStream) flushBuf() error {
	_, err := x.bw.Write(x.buf)
	x.buf = x.buf[:0]
	return err
}

// finish flushes the buffer and ends the gzip stream.
func (x *xmlStream) finish() error {
	err := x.bw.Flush()
	if x.gz != nil {
		if cerr := x.gz.Close(); err == nil {
			err = cerr
		}
		x.gz.Reset(io.Discard)
		gzipWriters.Put(x.gz)
		x.gz = nil
	}
	return err
}

// item writes one record: <item>, the shown elements in order, </item>.
func item[T any](x *xmlStream, s *sisgru.Schema[T], shown []*sisgru.Field[T], rec *T) error {
	x.buf = appendItem(x.buf, s, shown, rec)
	return x.flushBuf()
}

// appendItem appends rec as <item>...</item>: the shown elements, leaves
// that are optional and empty left out, objects nested with their children.
func appendItem[T any](b []byte, s *sisgru.Schema[T], shown []*sisgru.Field[T], rec *T) []byte {
	b = append(append(append(b, '<'), s.Item...), ">\n"...)
	for _, f := range shown {
		if !f.IsObject() {
			b = appendLeaf(b, f, rec)
			continue
		}
		if f.Optional && allEmpty(f, rec) {
			continue
		}
		b = append(append(append(b, '<'), f.Name...), ">\n"...)
		for _, c := range f.Children {
			b = appendLeaf(b, c, rec)
		}
		b = append(append(append(b, "</"...), f.Name...), ">\n"...)
	}
	return append(append(append(b, "</"...), s.Item...), ">\n"...)
}

func allEmpty[T any](f *sisgru.Field[T], rec *T) bool {
	for _, c := range f.Children {
		if !c.Get(rec).IsZero() {
			return false
		}
	}
	return true
}

// appendLeaf appends <name>value</name>, or nothing for an optional leaf
// that is empty.
func appendLeaf[T any](b []byte, f *sisgru.Field[T], rec *T) []byte {
	v := f.Get(rec)
	if f.Optional && v.IsZero() {
		return b
	}
	b = append(append(append(b, '<'), f.Name...), '>')
	if f.Kind == sisgru.KindText {
		b = appendEscaped(b, v.S)
	} else {
		b = sisgru.AppendValue(b, f.Kind, v)
	}
	return append(append(append(b, "</"...), f.Name...), ">\n"...)
}

// appendEscaped appends s as XML character data: &, < and > escaped, a
// carriage return as &#xD; (so it survives line-end normalization), and
// what XML 1.0 cannot carry (control characters, invalid UTF-8) replaced
// by U+FFFD, as encoding/xml does.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '\r':
			esc = "&#xD;"
		case r == '\n' || r == '\t':
		case r < 0x20 || (r == utf8.RuneError && width == 1) || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF:
			esc = "\uFFFD"
		}
		if esc != "" {
			b = append(append(b, s[last:i]...), esc...)
			last = i + width
		}
		i += width
	}
	return append(b, s[last:]...)
}

// writeError writes the seed's error body:
// <errors><error><code/><message/></error></errors>.
func writeError(w http.ResponseWriter, status int, message string) {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString("<errors>\n<error>\n<code>")
	b.WriteString(strconv.Itoa(status))
	b.WriteString("</code>\n<message>")
	b.Write(appendEscaped(nil, message))
	b.WriteString("</message>\n</error>\n</errors>\n")
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Del("Content-Encoding")
	h.Del("X-Total-Count")
	h.Del("Link")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String())
}
