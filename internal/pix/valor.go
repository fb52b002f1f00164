package pix

import (
	"errors"
	"math/big"
	"strconv"
)

// Centavos is an amount of money in centavos of real (R$ 1,00 = 100). Every
// monetary value of the Pix API (valor.original, multa, juros, abatimento,
// desconto, final, devolução valor) is one; brasa never uses floating point
// for money.
//
// On the wire an amount is a string matching the spec's pattern
// `\d{1,10}\.\d{2}` ("123.45"), so only values in [0, MaxCentavos] can be
// sent. Arithmetic may produce a negative intermediate value; such a value
// must never reach the wire: [Centavos.MarshalText] refuses it, and String
// renders it with a leading '-', which no schema accepts.
type Centavos int64

// MaxCentavos is the largest amount the spec's money pattern can carry:
// "9999999999.99".
const MaxCentavos Centavos = 9_999_999_999_99

// ParseValor parses a money string of the BACEN Pix API: exactly
// `^\d{1,10}\.\d{2}$` (ASCII digits, a dot, two decimals; no sign, no
// thousands separator, no exponent), e.g. "0.01", "123.45", "9999999999.99".
// Leading zeros are accepted because the spec's pattern accepts them ("01.00"
// is 100 centavos); String then renders the canonical form ("1.00").
func ParseValor(s string) (Centavos, error) {
	v, ok := parseDecimal2(s)
	if !ok {
		return 0, errors.New(`pix: valor must match \d{1,10}\.\d{2}`)
	}
	return Centavos(v), nil
}

// Valid reports whether c can be written on the wire: 0 <= c <= MaxCentavos.
func (c Centavos) Valid() bool { return c >= 0 && c <= MaxCentavos }

// String formats c as the wire does, "%d.%02d" of reais and centavos
// ("123.45", "0.05"). A negative c, which is never valid on the wire, gets a
// leading '-' ("-0.05") so that it cannot pass for a positive amount in logs
// or slip through a schema check; encoders should use MarshalText, which
// refuses it.
func (c Centavos) String() string { return formatDecimal2(int64(c)) }

// MarshalText implements encoding.TextMarshaler. It returns an error for an
// amount outside [0, MaxCentavos], so a negative or oversized value never
// reaches the wire.
func (c Centavos) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, errors.New("pix: valor out of range for the wire: " + c.String())
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseValor].
func (c *Centavos) UnmarshalText(b []byte) error {
	v, err := ParseValor(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Percentual is a percentage in hundredths of a percent (basis points):
// "2.50" (2,5 %) is 250 and "100.00" is [CemPorCento]. The spec's
// percentage fields (valorPerc of multa, juros, abatimento and desconto when
// their modalidade is a percentage) use the money pattern `\d{1,10}\.\d{2}`,
// so a Percentual has exactly two decimals too and never needs floating
// point.
type Percentual int64

// Percentage bounds.
const (
	CemPorCento   Percentual = 100_00           // 100 %
	MaxPercentual Percentual = 9_999_999_999_99 // "9999999999.99", the pattern's limit
)

// ParsePercentual parses a percentage written like money, exactly
// `^\d{1,10}\.\d{2}$` ("2.50" is 250 basis points). Values above 100 % parse:
// whether they make sense depends on the field ([RegrasCobV.Validate]).
func ParsePercentual(s string) (Percentual, error) {
	v, ok := parseDecimal2(s)
	if !ok {
		return 0, errors.New(`pix: percentual must match \d{1,10}\.\d{2}`)
	}
	return Percentual(v), nil
}

// Valid reports whether p can be written on the wire: 0 <= p <= MaxPercentual.
func (p Percentual) Valid() bool { return p >= 0 && p <= MaxPercentual }

// String formats p with two decimals, "%d.%02d" ("2.50"); a negative p gets
// a leading '-' like [Centavos.String].
func (p Percentual) String() string { return formatDecimal2(int64(p)) }

// MarshalText implements encoding.TextMarshaler; it refuses a value outside
// [0, MaxPercentual].
func (p Percentual) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, errors.New("pix: percentual out of range for the wire: " + p.String())
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParsePercentual].
func (p *Percentual) UnmarshalText(b []byte) error {
	v, err := ParsePercentual(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// parseDecimal2 parses `^\d{1,10}\.\d{2}$` into hundredths. It is written by
// hand rather than with regexp so that only ASCII digits are accepted and
// the value is built in the same pass; 10 integer digits always fit int64.
func parseDecimal2(s string) (int64, bool) {
	n := len(s)
	if n < 4 || n > 13 || s[n-3] != '.' {
		return 0, false
	}
	var v int64
	for i := 0; i < n; i++ {
		if i == n-3 {
			continue
		}
		ch := s[i]
		if ch < '0' || ch > '9' {
			return 0, false
		}
		v = v*10 + int64(ch-'0')
	}
	return v, true
}

// formatDecimal2 renders v hundredths as "%d.%02d", with '-' when negative.
// It handles math.MinInt64 (whose negation does not fit int64) through uint64.
func formatDecimal2(v int64) string {
	u := uint64(v)
	var b []byte
	if v < 0 {
		u = -u
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/100, 10)
	b = append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
	return string(b)
}

// Divisors of the percentage arithmetic: a Percentual p is the fraction
// p/10000.
const basePercentual = 100_00

// arredonda returns a × b × c ÷ d rounded half up to the centavo, computed
// exactly on integers (math/big, no intermediate rounding and no overflow),
// for non-negative a, b, c and positive d. It is the one rounding rule of
// brasa's money arithmetic: every percentage, pro-rata rate and per-day amount
// of [RegrasCobV.ValorEm] goes through it, so the payload (DPP), the payer
// simulator and settlement agree to the centavo.
//
// Half up: a remainder of exactly half a centavo rounds up (0.125 → 0.13);
// below half rounds down (0.1249… → 0.12). All inputs are non-negative, so
// "half up" and "half away from zero" coincide.
//
// ok is false when the result exceeds MaxCentavos, i.e. it could not be
// written on the wire.
func arredonda(a, b, c, d int64) (v Centavos, ok bool) {
	if a < 0 || b < 0 || c < 0 || d <= 0 {
		panic("pix: arredonda: negative operand") // callers pass validated, non-negative values
	}
	n := new(big.Int).SetInt64(a)
	n.Mul(n, big.NewInt(b))
	n.Mul(n, big.NewInt(c))
	den := big.NewInt(d)
	q, r := new(big.Int).QuoRem(n, den, new(big.Int))
	if r.Lsh(r, 1).Cmp(den) >= 0 { // 2r >= d: half or more rounds up
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() || q.Int64() > int64(MaxCentavos) {
		return 0, false
	}
	return Centavos(q.Int64()), true
}
