package pix_test

import (
	"math"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/pix"
)

func TestParseValor(t *testing.T) {
	tests := []struct {
		in   string
		want pix.Centavos
		ok   bool
	}{
		{"0.00", 0, true},
		{"0.01", 1, true},
		{"1.00", 100, true},
		{"123.45", 12345, true},
		{"01.00", 100, true}, // the spec's pattern allows leading zeros
		{"9999999999.99", pix.MaxCentavos, true},
		{"0000000000.00", 0, true},

		{"", 0, false},
		{"1", 0, false},
		{"1.0", 0, false},
		{"1.000", 0, false},
		{".50", 0, false},
		{"1,00", 0, false},
		{"-1.00", 0, false},
		{"+1.00", 0, false},
		{" 1.00", 0, false},
		{"1.00 ", 0, false},
		{"1.00\n", 0, false},
		{"10000000000.00", 0, false}, // 11 integer digits
		{"1e2.00", 0, false},
		{"1.0a", 0, false},
		{"١.٠٠", 0, false}, // Arabic-Indic digits are not \d in RE2
		{"1..00", 0, false},
	}
	for _, tt := range tests {
		got, err := pix.ParseValor(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseValor(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCentavosString(t *testing.T) {
	tests := []struct {
		in   pix.Centavos
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{10, "0.10"},
		{100, "1.00"},
		{12345, "123.45"},
		{pix.MaxCentavos, "9999999999.99"},
		{-5, "-0.05"},
		{-12345, "-123.45"},
		{math.MinInt64, "-92233720368547758.08"},
		{math.MaxInt64, "92233720368547758.07"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Centavos(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
}

func TestCentavosMarshalTextGuardsTheWire(t *testing.T) {
	for _, c := range []pix.Centavos{-1, math.MinInt64, pix.MaxCentavos + 1} {
		if b, err := c.MarshalText(); err == nil {
			t.Errorf("Centavos(%d).MarshalText() = %q, want an error", int64(c), b)
		}
	}
	b, err := pix.Centavos(12345).MarshalText()
	if err != nil || string(b) != "123.45" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	var c pix.Centavos
	if err := c.UnmarshalText([]byte("0.07")); err != nil || c != 7 {
		t.Errorf("UnmarshalText(0.07) = %d, %v", c, err)
	}
	if err := c.UnmarshalText([]byte("7")); err == nil {
		t.Error("UnmarshalText(7) succeeded")
	}
}

func TestParsePercentual(t *testing.T) {
	tests := []struct {
		in   string
		want pix.Percentual
		ok   bool
	}{
		{"2.50", 250, true},
		{"100.00", pix.CemPorCento, true},
		{"0.01", 1, true},
		{"150.00", 15000, true}, // parses; Validate decides per field
		{"2.5", 0, false},
		{"2,50", 0, false},
		{"-2.50", 0, false},
	}
	for _, tt := range tests {
		got, err := pix.ParsePercentual(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParsePercentual(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if got := pix.Percentual(250).String(); got != "2.50" {
		t.Errorf("Percentual(250).String() = %q", got)
	}
	if _, err := pix.Percentual(-1).MarshalText(); err == nil {
		t.Error("Percentual(-1).MarshalText succeeded")
	}
	var p pix.Percentual
	if err := p.UnmarshalText([]byte("15.00")); err != nil || p != 1500 {
		t.Errorf("UnmarshalText(15.00) = %d, %v", p, err)
	}
}

// canonicalDecimal2 strips the superfluous leading zeros the spec's pattern
// allows ("007.50" → "7.50"), keeping one integer digit.
func canonicalDecimal2(s string) string {
	i := strings.IndexByte(s, '.')
	intPart := strings.TrimLeft(s[:i], "0")
	if intPart == "" {
		intPart = "0"
	}
	return intPart + s[i:]
}

// FuzzParseValor checks that ParseValor never panics, accepts only the
// spec's pattern, and that String(ParseValor(s)) == s. Because the pattern
// allows leading zeros ("01.00") that String does not write, the round trip
// is exact for every canonical s and equals s without those zeros otherwise.
func FuzzParseValor(f *testing.F) {
	for _, s := range []string{"0.00", "0.01", "123.45", "01.00", "9999999999.99", "10000000000.00", "-1.00", "1.0", "", "١.٠٠", "1e3.00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := pix.ParseValor(s)
		if err != nil {
			return
		}
		if !v.Valid() {
			t.Fatalf("ParseValor(%q) = %d, outside [0, MaxCentavos]", s, int64(v))
		}
		if got, want := v.String(), canonicalDecimal2(s); got != want {
			t.Fatalf("String(ParseValor(%q)) = %q, want %q", s, got, want)
		}
		if s == canonicalDecimal2(s) && v.String() != s {
			t.Fatalf("canonical %q did not round-trip", s)
		}
		if w, err := pix.ParseValor(v.String()); err != nil || w != v {
			t.Fatalf("ParseValor(String(%d)) = %d, %v", int64(v), int64(w), err)
		}
		if p, err := pix.ParsePercentual(s); err != nil || int64(p) != int64(v) {
			t.Fatalf("ParsePercentual(%q) = %d, %v; want %d", s, int64(p), err, int64(v))
		}
	})
}
