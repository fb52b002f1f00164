package pix

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // America/Sao_Paulo without depending on the host's zone files
)

// Data is a civil date (year, month, day) in Brasília, with no time of day
// and no zone: the type of cobv calendario.dataDeVencimento, descontoDataFixa
// data, the payload's DPP and every business-day rule. Obtain one from
// [ParseData] or [DataEm]; the zero value is not a valid date ([Data.Valid]).
// Data is comparable with ==, and its arithmetic is exact integer day
// counting (no time.Duration, so no 292-year limit and no daylight-saving
// surprises).
type Data struct {
	Ano int
	Mes time.Month
	Dia int
}

// ParseData parses a date in the spec's format, `YYYY-MM-DD` (ISO 8601
// calendar date, RFC 3339 full-date): exactly four-digit year, two-digit
// month and day, '-' separators, and a day that exists ("2021-02-29" is an
// error). Nothing else is accepted: no time, no zone, no surrounding space.
func ParseData(s string) (Data, error) {
	bad := errors.New("pix: data must be YYYY-MM-DD")
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Data{}, bad
	}
	num := func(s string) (int, bool) {
		v := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			v = v*10 + int(s[i]-'0')
		}
		return v, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Data{}, bad
	}
	dt := Data{Ano: y, Mes: time.Month(m), Dia: d}
	if !dt.Valid() {
		return Data{}, errors.New("pix: data does not exist: " + s)
	}
	return dt, nil
}

// Valid reports whether d is a date that exists in the proleptic Gregorian
// calendar (month 1–12, day within the month). Other methods assume a valid
// Data.
func (d Data) Valid() bool {
	return d.Mes >= time.January && d.Mes <= time.December && d.Dia >= 1 && d.Dia <= diasNoMes(d.Ano, d.Mes)
}

// IsZero reports whether d is the zero Data (no date).
func (d Data) IsZero() bool { return d == Data{} }

// String formats d as YYYY-MM-DD.
func (d Data) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Ano, int(d.Mes), d.Dia) }

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD). It refuses an
// invalid date or a year outside 0000–9999, which the wire format cannot
// carry.
func (d Data) MarshalText() ([]byte, error) {
	if !d.Valid() || d.Ano < 0 || d.Ano > 9999 {
		return nil, fmt.Errorf("pix: data %v cannot be written as YYYY-MM-DD", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseData].
func (d *Data) UnmarshalText(b []byte) error {
	v, err := ParseData(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

var brasilia = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil { // cannot happen: time/tzdata is embedded
		panic("pix: loading America/Sao_Paulo: " + err.Error())
	}
	return loc
})

// DataEm returns the civil date in Brasília (America/Sao_Paulo) of the
// instant t, whatever t's location: "today" for due dates, fines and the
// payload's DPP is Brasília's today. 2024-01-01T02:00:00Z is 2023-12-31.
func DataEm(t time.Time) Data {
	y, m, d := t.In(brasilia()).Date()
	return Data{Ano: y, Mes: m, Dia: d}
}

// AddDays returns d plus n calendar days (n may be negative).
func (d Data) AddDays(n int) Data { return dataDoDia(d.dia() + int64(n)) }

// Before reports whether d is earlier than e.
func (d Data) Before(e Data) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Data) After(e Data) bool { return d.Compare(e) > 0 }

// Equal reports whether d and e are the same date (the same as d == e).
func (d Data) Equal(e Data) bool { return d == e }

// Compare returns -1, 0 or +1 as d is before, equal to or after e; it suits
// slices.SortFunc.
func (d Data) Compare(e Data) int {
	switch {
	case d.Ano != e.Ano:
		return cmpInt(d.Ano, e.Ano)
	case d.Mes != e.Mes:
		return cmpInt(int(d.Mes), int(e.Mes))
	default:
		return cmpInt(d.Dia, e.Dia)
	}
}

// Weekday returns the day of the week of d.
func (d Data) Weekday() time.Weekday {
	// Day 0 of dia() is 1970-01-01, a Thursday.
	return time.Weekday(((d.dia() % 7) + 7 + int64(time.Thursday)) % 7)
}

// DaysBetween returns the number of calendar days from a to b: positive when
// b is after a, negative when before, 0 when equal.
// DaysBetween(2024-02-28, 2024-03-01) is 2.
func DaysBetween(a, b Data) int { return int(b.dia() - a.dia()) }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func bissexto(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func diasNoMes(y int, m time.Month) int {
	switch m {
	case time.February:
		if bissexto(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// dia returns the number of days from 1970-01-01 to d (negative before),
// in the proleptic Gregorian calendar (H. Hinnant, "days_from_civil").
func (d Data) dia() int64 {
	y := int64(d.Ano)
	m := int64(d.Mes)
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + int64(d.Dia) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dataDoDia is the inverse of Data.dia ("civil_from_days").
func dataDoDia(z int64) Data {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Data{Ano: int(y), Mes: time.Month(m), Dia: int(d)}
}

// Feriado is a day without business in the Brazilian payment system (SPB):
// a national holiday or a national bank holiday.
type Feriado struct {
	Data Data
	Nome string
}

// feriadosFixos are the holidays on the same date every year, with the first
// year each is national.
var feriadosFixos = [...]struct {
	mes   time.Month
	dia   int
	nome  string
	desde int
}{
	{time.January, 1, "Confraternização Universal", 0},
	{time.April, 21, "Tiradentes", 0},
	{time.May, 1, "Dia do Trabalho", 0},
	{time.September, 7, "Independência do Brasil", 0},
	{time.October, 12, "Nossa Senhora Aparecida", 1980}, // Lei 6.802/1980
	{time.November, 2, "Finados", 0},
	{time.November, 15, "Proclamação da República", 0},
	{time.November, 20, "Dia Nacional de Zumbi e da Consciência Negra", 2024}, // Lei 14.759/2023
	{time.December, 25, "Natal", 0},
}

// feriadosMoveis are the holidays that follow Easter, as offsets in days from
// Easter Sunday. Carnaval Monday and Tuesday and Corpus Christi are not
// civil holidays in federal law but are national non-business days of the
// banking system (no settlement, no expediente bancário).
var feriadosMoveis = [...]struct {
	offset int
	nome   string
}{
	{-48, "Carnaval"},
	{-47, "Carnaval"},
	{-2, "Sexta-feira da Paixão"},
	{60, "Corpus Christi"},
}

// Pascoa returns Easter Sunday of year ano in the Gregorian calendar (the
// anonymous Gregorian algorithm of Meeus/Jones/Butcher), the anchor of
// Carnaval, Sexta-feira da Paixão and Corpus Christi.
func Pascoa(ano int) Data {
	a := ano % 19
	b := ano / 100
	c := ano % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return Data{Ano: ano, Mes: time.Month(n / 31), Dia: n%31 + 1}
}

// Feriados returns the national holidays and national bank holidays of year
// ano, in date order: Confraternização Universal (1 Jan), Carnaval (Monday
// and Tuesday, Easter − 48 and − 47), Sexta-feira da Paixão (Easter − 2),
// Tiradentes (21 Apr), Dia do Trabalho (1 May), Corpus Christi (Easter + 60),
// Independência (7 Sep), Nossa Senhora Aparecida (12 Oct, since 1980),
// Finados (2 Nov), Proclamação da República (15 Nov), Dia Nacional de Zumbi e
// da Consciência Negra (20 Nov, since 2024, Lei 14.759/2023) and Natal
// (25 Dec). Two holidays may share a date (Tiradentes was Good Friday in
// 2000); both are listed. Holidays on a weekend are listed too.
//
// State and municipal holidays are not included; see [Calendario.Extras].
func Feriados(ano int) []Feriado {
	fs := make([]Feriado, 0, len(feriadosFixos)+len(feriadosMoveis))
	for _, f := range feriadosFixos {
		if ano >= f.desde {
			fs = append(fs, Feriado{Data{ano, f.mes, f.dia}, f.nome})
		}
	}
	p := Pascoa(ano)
	for _, f := range feriadosMoveis {
		fs = append(fs, Feriado{p.AddDays(f.offset), f.nome})
	}
	slices.SortStableFunc(fs, func(a, b Feriado) int { return a.Data.Compare(b.Data) })
	return fs
}

// feriadoNacional reports whether d is in Feriados(d.Ano), without
// allocating.
func feriadoNacional(d Data) bool {
	for _, f := range feriadosFixos {
		if d.Mes == f.mes && d.Dia == f.dia && d.Ano >= f.desde {
			return true
		}
	}
	if d.Mes < time.February || d.Mes > time.June { // Easter − 48 ≥ 2 Feb; Easter + 60 ≤ 24 Jun
		return false
	}
	off := DaysBetween(Pascoa(d.Ano), d)
	for _, f := range feriadosMoveis {
		if off == f.offset {
			return true
		}
	}
	return false
}

// Calendario tells business days (dias úteis) of the Brazilian payment
// system: Monday to Friday except the national holidays and national bank
// holidays of [Feriados], plus any Extras. The zero value, and a nil
// *Calendario, is the national calendar and is ready to use; a Calendario is
// safe for concurrent use as long as Extras is not modified.
//
// The spec (CobDataDeVencimento) rolls a due date over "um fim de semana ou
// um feriado para o usuário pagador", and BACEN has said state and municipal
// holidays of the payer's codMun count (bacen/pix-api#330, Lei 7.089/83);
// brasa has no municipal table, so callers that know such holidays put them
// in Extras.
type Calendario struct {
	// Extras are further non-business days: state or municipal holidays of
	// the payer's municipality, or an extraordinary closing. Optional.
	Extras []Feriado
}

// DiaUtil reports whether d is a business day: not Saturday or Sunday, not a
// national (bank) holiday and not one of c.Extras.
func (c *Calendario) DiaUtil(d Data) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	if feriadoNacional(d) {
		return false
	}
	return !c.extra(d)
}

func (c *Calendario) extra(d Data) bool {
	if c == nil {
		return false
	}
	for _, f := range c.Extras {
		if f.Data == d {
			return true
		}
	}
	return false
}

// ProximoDiaUtil returns d itself when it is a business day, otherwise the
// first business day after d: the spec's "primeiro dia útil subsequente".
func (c *Calendario) ProximoDiaUtil(d Data) Data {
	for !c.DiaUtil(d) {
		d = d.AddDays(1)
	}
	return d
}

// DiasUteisEntre returns the number of business days in the interval (a, b]:
// a excluded, b included. It is 0 when b is not after a. The count of days
// "after" a date, as late days (dias de atraso) after a due date or days of
// anticipation up to it, is exactly this interval.
func (c *Calendario) DiasUteisEntre(a, b Data) int {
	n := DaysBetween(a, b)
	if n <= 0 {
		return 0
	}
	// Weekdays in (a, b]: 5 per full week, then the remaining days one by one.
	count := n / 7 * 5
	for d := a.AddDays(n / 7 * 7); d != b; {
		d = d.AddDays(1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			count++
		}
	}
	// Minus the distinct holidays that fall on a weekday inside (a, b].
	off := map[Data]struct{}{}
	consider := func(d Data) {
		if d.After(a) && !d.After(b) {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				off[d] = struct{}{}
			}
		}
	}
	for y := a.Ano; y <= b.Ano; y++ {
		for _, f := range Feriados(y) {
			consider(f.Data)
		}
	}
	if c != nil {
		for _, f := range c.Extras {
			consider(f.Data)
		}
	}
	return count - len(off)
}
