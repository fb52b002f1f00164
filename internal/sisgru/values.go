package sisgru

import (
	"strconv"
	"time"
	_ "time/tzdata" // America/Sao_Paulo without depending on the host's zone files
)

// Kind is the type of an element's value, which fixes its wire format, how
// a q filter on it is parsed and how it is stored.
type Kind uint8

// The kinds of values.
const (
	KindText      Kind = iota + 1 // free text, compared exactly
	KindInt                       // a decimal integer
	KindMoney                     // centavos, written "%d.%02d"
	KindDate                      // a [Date], written dd/MM/yyyy
	KindMonth                     // a [Month], written MM/yyyy
	KindTimestamp                 // unix microseconds, written dd/MM/yyyy HH:mm:ss in Brasília
)

// Numeric reports whether values of k are held in [Value.N] (all but text).
func (k Kind) Numeric() bool { return k != KindText }

// Value is one element's value as stored and compared: S for text, N for
// the other kinds (an integer, centavos, a yyyymmdd date, a yyyymm month or
// unix microseconds). The zero value of either means "absent" for optional
// elements.
type Value struct {
	S string
	N int64
}

// IsZero reports whether v is empty.
func (v Value) IsZero() bool { return v.S == "" && v.N == 0 }

// Brasilia is the zone of SISGRU's timestamps and of the days date filters
// name.
var Brasilia = mustLoad("America/Sao_Paulo")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil { // cannot happen: time/tzdata is embedded
		panic(err)
	}
	return loc
}

// Date is a civil date as yyyymmdd (20210701); 0 is no date.
type Date int32

// NewDate returns the date y-m-d (not checked; see [Date.Valid]).
func NewDate(y int, m time.Month, d int) Date { return Date(y*10000 + int(m)*100 + d) }

// DateOf returns the date in Brasília of t.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Brasilia).Date()
	return NewDate(y, m, d)
}

// Parts returns d's year, month and day.
func (d Date) Parts() (int, time.Month, int) {
	return int(d) / 10000, time.Month(int(d) / 100 % 100), int(d) % 100
}

// Valid reports whether d is a date that exists, in years 1..9999.
func (d Date) Valid() bool {
	y, m, dd := d.Parts()
	if y < 1 || y > 9999 || m < 1 || m > 12 || dd < 1 {
		return false
	}
	return dd <= time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Start returns midnight of d in Brasília.
func (d Date) Start() time.Time {
	y, m, dd := d.Parts()
	return time.Date(y, m, dd, 0, 0, 0, 0, Brasilia)
}

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date {
	y, m, dd := d.Parts()
	t := time.Date(y, m, dd+n, 12, 0, 0, 0, time.UTC)
	return NewDate(t.Date())
}

// String formats d as dd/MM/yyyy.
func (d Date) String() string { return string(d.Append(nil)) }

// Append appends d as dd/MM/yyyy.
func (d Date) Append(b []byte) []byte {
	y, m, dd := d.Parts()
	b = append2(b, dd)
	b = append(b, '/')
	b = append2(b, int(m))
	b = append(b, '/')
	return append4(b, y)
}

// ParseDate parses dd/MM/yyyy exactly (two-digit day and month, four-digit
// year) and checks that the date exists.
func ParseDate(s string) (Date, bool) {
	if len(s) != 10 || s[2] != '/' || s[5] != '/' {
		return 0, false
	}
	dd, ok1 := digits(s[0:2])
	m, ok2 := digits(s[3:5])
	y, ok3 := digits(s[6:10])
	d := NewDate(y, time.Month(m), dd)
	if !ok1 || !ok2 || !ok3 || !d.Valid() {
		return 0, false
	}
	return d, true
}

// Month is a year and month as yyyymm (202107); 0 is no month.
type Month int32

// Append appends m as MM/yyyy.
func (m Month) Append(b []byte) []byte {
	b = append2(b, int(m)%100)
	b = append(b, '/')
	return append4(b, int(m)/100)
}

// String formats m as MM/yyyy.
func (m Month) String() string { return string(m.Append(nil)) }

// ParseMonth parses MM/yyyy exactly.
func ParseMonth(s string) (Month, bool) {
	if len(s) != 7 || s[2] != '/' {
		return 0, false
	}
	mm, ok1 := digits(s[0:2])
	y, ok2 := digits(s[3:7])
	if !ok1 || !ok2 || mm < 1 || mm > 12 || y < 1 {
		return 0, false
	}
	return Month(y*100 + mm), true
}

// AppendMoney appends centavos as a dot decimal with two places.
func AppendMoney(b []byte, centavos int64) []byte {
	if centavos < 0 {
		b = append(b, '-')
		centavos = -centavos
	}
	b = strconv.AppendInt(b, centavos/100, 10)
	b = append(b, '.')
	return append2(b, int(centavos%100))
}

// ParseMoney parses a non-negative dot decimal with at most two places
// ("10", "10.5", "10.50") into centavos.
func ParseMoney(s string) (int64, bool) {
	intPart, frac, hasDot := cutByte(s, '.')
	if intPart == "" || len(intPart) > 15 || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	n, ok := digits64(intPart)
	if !ok {
		return 0, false
	}
	c := int64(0)
	if hasDot {
		f, ok := digits64(frac)
		if !ok {
			return 0, false
		}
		if len(frac) == 1 {
			f *= 10
		}
		c = f
	}
	return n*100 + c, true
}

// timestampLayout is how SISGRU writes timestamps [G: the notes give the
// date part; the time part follows the consumers' "dd/MM/yyyy HH:mm:ss"].
const timestampLayout = "02/01/2006 15:04:05"

// AppendTimestamp appends t in Brasília as dd/MM/yyyy HH:mm:ss.
func AppendTimestamp(b []byte, t time.Time) []byte {
	return t.In(Brasilia).AppendFormat(b, timestampLayout)
}

// Micros returns t as unix microseconds, 0 for the zero time.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros reverses [Micros].
func FromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// AppendValue appends v formatted as an element of kind k.
func AppendValue(b []byte, k Kind, v Value) []byte {
	switch k {
	case KindText:
		return append(b, v.S...)
	case KindMoney:
		return AppendMoney(b, v.N)
	case KindDate:
		return Date(v.N).Append(b)
	case KindMonth:
		return Month(v.N).Append(b)
	case KindTimestamp:
		return AppendTimestamp(b, FromMicros(v.N))
	default:
		return strconv.AppendInt(b, v.N, 10)
	}
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10%10), byte('0'+v%10))
}

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// digits parses a short run of ASCII digits.
func digits(s string) (int, bool) {
	n, ok := digits64(s)
	return int(n), ok
}

// digits64 parses 1 to 18 ASCII digits.
func digits64(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// isDigits reports whether s is n ASCII digits (any length when n is 0).
func isDigits(s string, n int) bool {
	if s == "" || (n > 0 && len(s) != n) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func cutByte(s string, c byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
