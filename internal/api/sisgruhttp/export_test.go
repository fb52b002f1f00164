package sisgruhttp

import (
	"net/http"
	"testing"

	"github.com/brasa-dev/brasa/internal/sisgru"
)

// AppendItem exposes appendItem to the benchmarks.
func AppendItem(b []byte, s *sisgru.Schema[sisgru.GRU], shown []*sisgru.Field[sisgru.GRU], rec *sisgru.GRU) []byte {
	return appendItem(b, s, shown, rec)
}

func TestAppendEscaped(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "",
		"simples":                      "simples",
		"Reprografia & impressao <A4>": "Reprografia &amp; impressao &lt;A4&gt;",
		`aspas "duplas" e 'simples'`:   `aspas "duplas" e 'simples'`,
		"linha\nnova\ttab\rcr":         "linha\nnova\ttab&#xD;cr",
		"controle\x00\x1f":             "controle\uFFFD\uFFFD",
		"utf-8 inválido \xff":          "utf-8 inválido \uFFFD",
		"ação, São Paulo, Conceição ç": "ação, São Paulo, Conceição ç",
		"\uFFFE":                       "\uFFFD",
	} {
		if got := string(appendEscaped(nil, in)); got != want {
			t.Errorf("appendEscaped(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"":                    false,
		"gzip":                true,
		"GZIP":                true,
		"deflate, gzip;q=1.0": true,
		"br, gzip; q=0.5":     true,
		"gzip;q=0":            false,
		"gzip; q=0.000":       false,
		"identity":            false,
		"x-gzip":              false,
		"deflate,br":          false,
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		if h != "" {
			r.Header.Set("Accept-Encoding", h)
		}
		if got := acceptsGzip(r); got != want {
			t.Errorf("acceptsGzip(%q) = %v", h, got)
		}
	}
}
