package pix_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pix"
)

// D is a test helper: the Data of a YYYY-MM-DD literal.
func D(tb testing.TB, s string) pix.Data {
	tb.Helper()
	d, err := pix.ParseData(s)
	if err != nil {
		tb.Fatalf("ParseData(%q): %v", s, err)
	}
	return d
}

func TestParseData(t *testing.T) {
	ok := []string{"2020-12-31", "2020-02-29", "2000-02-29", "0000-01-01", "9999-12-31", "2024-11-20"}
	for _, s := range ok {
		d, err := pix.ParseData(s)
		if err != nil {
			t.Errorf("ParseData(%q): %v", s, err)
			continue
		}
		if d.String() != s {
			t.Errorf("ParseData(%q).String() = %q", s, d.String())
		}
	}
	if got, want := D(t, "2020-12-31"), (pix.Data{Ano: 2020, Mes: time.December, Dia: 31}); got != want {
		t.Errorf("ParseData = %+v, want %+v", got, want)
	}
	bad := []string{
		"", "2021-02-29", "1900-02-29", "2020-13-01", "2020-00-10", "2020-01-00", "2020-04-31",
		"2020-1-01", "2020-01-1", "20201231", "2020/12/31", "2020-12-31T00:00:00Z", " 2020-12-31",
		"2020-12-31 ", "+020-12-31", "-020-12-31", "2020-12-3a", "２０２０-12-31", "10000-01-01",
	}
	for _, s := range bad {
		if d, err := pix.ParseData(s); err == nil {
			t.Errorf("ParseData(%q) = %v, want an error", s, d)
		}
	}
}

func TestDataText(t *testing.T) {
	var d pix.Data
	if err := d.UnmarshalText([]byte("2026-02-16")); err != nil || d != D(t, "2026-02-16") {
		t.Fatalf("UnmarshalText = %v, %v", d, err)
	}
	if b, err := d.MarshalText(); err != nil || string(b) != "2026-02-16" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	for _, bad := range []pix.Data{{}, {Ano: 2021, Mes: 2, Dia: 29}, {Ano: 10000, Mes: 1, Dia: 1}} {
		if b, err := bad.MarshalText(); err == nil {
			t.Errorf("MarshalText(%+v) = %q, want an error", bad, b)
		}
	}
	if !(pix.Data{}).IsZero() || (pix.Data{}).Valid() || D(t, "2020-01-01").IsZero() {
		t.Error("IsZero/Valid of the zero Data")
	}
}

func TestDataArithmetic(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-28", 1, "2024-02-29"},
		{"2024-02-28", 2, "2024-03-01"},
		{"2023-02-28", 1, "2023-03-01"},
		{"2023-12-31", 1, "2024-01-01"},
		{"2024-03-01", -1, "2024-02-29"},
		{"2020-12-28", 10, "2021-01-07"},
		{"2000-01-01", 146097, "2400-01-01"}, // a Gregorian cycle is 146097 days
		{"1970-01-01", -1, "1969-12-31"},
		{"0001-01-01", -1, "0000-12-31"},
	}
	for _, tt := range tests {
		from, want := D(t, tt.from), D(t, tt.want)
		if got := from.AddDays(tt.n); got != want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
		if got := pix.DaysBetween(from, want); got != tt.n {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", tt.from, tt.want, got, tt.n)
		}
	}
	a, b := D(t, "2025-04-17"), D(t, "2025-04-22")
	if !a.Before(b) || a.After(b) || b.Before(a) || !b.After(a) || a.Equal(b) || !a.Equal(D(t, "2025-04-17")) {
		t.Error("Before/After/Equal")
	}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare")
	}
	if got := D(t, "2026-02-18").Weekday(); got != time.Wednesday {
		t.Errorf("2026-02-18 is %v", got)
	}
}

// TestDataAgreesWithTime compares the integer date arithmetic with the time
// package (UTC, via Unix days, which has no 292-year limit) on random dates.
func TestDataAgreesWithTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	toTime := func(d pix.Data) time.Time { return time.Date(d.Ano, d.Mes, d.Dia, 0, 0, 0, 0, time.UTC) }
	for range 20000 {
		tm := time.Unix(r.Int64N(253402300800+62135596800)-62135596800, 0).UTC() // 0001-01-01 .. 9999-12-31
		d := pix.Data{Ano: tm.Year(), Mes: tm.Month(), Dia: tm.Day()}
		if !d.Valid() {
			t.Fatalf("%v not valid", d)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", d, d.Weekday(), tm.Weekday())
		}
		n := r.IntN(40000) - 20000
		e := d.AddDays(n)
		te := tm.AddDate(0, 0, n)
		if e != (pix.Data{Ano: te.Year(), Mes: te.Month(), Dia: te.Day()}) {
			t.Fatalf("%v.AddDays(%d) = %v, want %v", d, n, e, te.Format(time.DateOnly))
		}
		if got, want := pix.DaysBetween(d, e), int((toTime(e).Unix()-toTime(d).Unix())/86400); got != want {
			t.Fatalf("DaysBetween(%v, %v) = %d, want %d", d, e, got, want)
		}
		if s := d.String(); len(s) == 10 {
			if p, err := pix.ParseData(s); err != nil || p != d {
				t.Fatalf("ParseData(%q) = %v, %v", s, p, err)
			}
		}
	}
}

func TestDataEm(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2024, 1, 1, 2, 59, 59, 0, time.UTC), "2023-12-31"}, // 23:59:59 in Brasília (UTC−3)
		{time.Date(2024, 1, 1, 3, 0, 0, 0, time.UTC), "2024-01-01"},
		// Brazil kept daylight saving time until 2019: on 2019-01-15 Brasília
		// was UTC−2, so 02:30Z is already 00:30 of the 15th. This checks the
		// embedded zone data, not a fixed −3 offset.
		{time.Date(2019, 1, 15, 2, 30, 0, 0, time.UTC), "2019-01-15"},
		{time.Date(2026, 2, 16, 12, 0, 0, 0, time.FixedZone("JST", 9*3600)), "2026-02-16"},
		{time.Date(2026, 2, 16, 8, 0, 0, 0, time.FixedZone("JST", 9*3600)), "2026-02-15"},
	}
	for _, tt := range tests {
		if got := pix.DataEm(tt.t); got != D(t, tt.want) {
			t.Errorf("DataEm(%v) = %v, want %s", tt.t, got, tt.want)
		}
	}
}

func TestPascoa(t *testing.T) {
	for _, s := range []string{
		"2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28",
		"2000-04-23", "2019-04-21", "2038-04-25", "1943-04-25", "2285-03-22", "1818-03-22",
	} {
		want := D(t, s)
		if got := pix.Pascoa(want.Ano); got != want {
			t.Errorf("Pascoa(%d) = %v, want %v", want.Ano, got, want)
		}
		if want.Weekday() != time.Sunday {
			t.Errorf("%v is not a Sunday", want)
		}
	}
}

func TestFeriados(t *testing.T) {
	type f = struct{ data, nome string }
	want2026 := []f{
		{"2026-01-01", "Confraternização Universal"},
		{"2026-02-16", "Carnaval"},
		{"2026-02-17", "Carnaval"},
		{"2026-04-03", "Sexta-feira da Paixão"},
		{"2026-04-21", "Tiradentes"},
		{"2026-05-01", "Dia do Trabalho"},
		{"2026-06-04", "Corpus Christi"},
		{"2026-09-07", "Independência do Brasil"},
		{"2026-10-12", "Nossa Senhora Aparecida"},
		{"2026-11-02", "Finados"},
		{"2026-11-15", "Proclamação da República"},
		{"2026-11-20", "Dia Nacional de Zumbi e da Consciência Negra"},
		{"2026-12-25", "Natal"},
	}
	got := pix.Feriados(2026)
	if len(got) != len(want2026) {
		t.Fatalf("Feriados(2026) has %d entries, want %d: %v", len(got), len(want2026), got)
	}
	for i, w := range want2026 {
		if got[i].Data != D(t, w.data) || got[i].Nome != w.nome {
			t.Errorf("Feriados(2026)[%d] = %v %q, want %s %q", i, got[i].Data, got[i].Nome, w.data, w.nome)
		}
	}

	has := func(ano int, s string) bool {
		return slices.ContainsFunc(pix.Feriados(ano), func(f pix.Feriado) bool { return f.Data == D(t, s) })
	}
	checks := []struct {
		data string
		want bool
	}{
		{"2025-04-18", true},  // Sexta-feira da Paixão 2025
		{"2025-03-03", true},  // Carnaval 2025 (Easter 04-20 − 48)
		{"2025-03-04", true},  // Carnaval 2025 (− 47)
		{"2025-03-05", false}, // Ash Wednesday is a business day
		{"2025-06-19", true},  // Corpus Christi 2025
		{"2024-11-20", true},  // Zumbi: national since 2024 (Lei 14.759/2023)
		{"2023-11-20", false}, // ... and not before
		{"1979-10-12", false}, // Aparecida: national since 1980
		{"1980-10-12", true},
		{"2025-12-31", false}, // no expediente ao público, but a business day for settlement
		{"2025-12-24", false},
	}
	for _, c := range checks {
		d := D(t, c.data)
		if got := has(d.Ano, c.data); got != c.want {
			t.Errorf("%s in Feriados(%d) = %v, want %v", c.data, d.Ano, got, c.want)
		}
	}

	// 2000: Tiradentes was Good Friday; both are listed, in date order.
	fs := pix.Feriados(2000)
	n := 0
	for _, f := range fs {
		if f.Data == D(t, "2000-04-21") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("Feriados(2000) lists 2000-04-21 %d times, want 2", n)
	}
	for ano := 1990; ano <= 2100; ano++ {
		fs := pix.Feriados(ano)
		if !slices.IsSortedFunc(fs, func(a, b pix.Feriado) int { return a.Data.Compare(b.Data) }) {
			t.Errorf("Feriados(%d) not sorted", ano)
		}
		for _, f := range fs {
			if f.Data.Ano != ano || !f.Data.Valid() {
				t.Errorf("Feriados(%d) has %v", ano, f.Data)
			}
		}
	}
}

func TestCalendario(t *testing.T) {
	var cal pix.Calendario // the zero value is the national calendar
	var nilCal *pix.Calendario
	sp := &pix.Calendario{Extras: []pix.Feriado{{Data: D(t, "2024-01-25"), Nome: "Aniversário de São Paulo"}}}

	uteis := []struct {
		data string
		want bool
	}{
		{"2026-02-13", true},  // Friday
		{"2026-02-14", false}, // Saturday
		{"2026-02-15", false}, // Sunday
		{"2026-02-16", false}, // Carnaval
		{"2026-02-17", false}, // Carnaval
		{"2026-02-18", true},  // Ash Wednesday
		{"2026-06-04", false}, // Corpus Christi
		{"2025-11-20", false}, // Zumbi, Thursday
		{"2023-11-20", true},  // Monday, before the law
		{"2024-01-25", true},  // national calendar: a business day
	}
	for _, u := range uteis {
		d := D(t, u.data)
		if got := cal.DiaUtil(d); got != u.want {
			t.Errorf("DiaUtil(%s) = %v, want %v", u.data, got, u.want)
		}
		if got := nilCal.DiaUtil(d); got != u.want {
			t.Errorf("nil DiaUtil(%s) = %v, want %v", u.data, got, u.want)
		}
	}
	if sp.DiaUtil(D(t, "2024-01-25")) {
		t.Error("an Extras day is a business day")
	}

	proximo := []struct{ from, want string }{
		{"2026-02-18", "2026-02-18"}, // already a business day
		{"2026-02-14", "2026-02-18"}, // Saturday before Carnaval → Ash Wednesday
		{"2026-02-16", "2026-02-18"},
		{"2020-12-25", "2020-12-28"}, // Natal on a Friday
		{"2021-01-01", "2021-01-04"},
		{"2025-04-18", "2025-04-22"}, // Good Friday, weekend, Tiradentes Monday
	}
	for _, p := range proximo {
		if got := cal.ProximoDiaUtil(D(t, p.from)); got != D(t, p.want) {
			t.Errorf("ProximoDiaUtil(%s) = %v, want %s", p.from, got, p.want)
		}
	}
	if got := sp.ProximoDiaUtil(D(t, "2024-01-25")); got != D(t, "2024-01-26") {
		t.Errorf("ProximoDiaUtil with Extras = %v", got)
	}

	entre := []struct {
		a, b string
		want int
	}{
		{"2025-04-17", "2025-04-22", 1}, // (Thu, Tue]: Fri Paixão, weekend, Mon Tiradentes
		{"2025-04-17", "2025-04-17", 0},
		{"2025-04-22", "2025-04-17", 0}, // b before a: empty interval
		{"2026-02-13", "2026-02-18", 1},
		{"2026-02-12", "2026-02-13", 1},
		{"2024-12-31", "2025-12-31", 252}, // 2025: 261 weekdays − 9 holidays on weekdays (7 Sep, 12 Oct, 2 and 15 Nov fall on weekends)
	}
	for _, e := range entre {
		if got := cal.DiasUteisEntre(D(t, e.a), D(t, e.b)); got != e.want {
			t.Errorf("DiasUteisEntre(%s, %s) = %d, want %d", e.a, e.b, got, e.want)
		}
	}
	if got := sp.DiasUteisEntre(D(t, "2024-01-24"), D(t, "2024-01-26")); got != 1 {
		t.Errorf("DiasUteisEntre with Extras = %d, want 1", got)
	}
}

// TestDiasUteisEntreMatchesCounting checks the arithmetic DiasUteisEntre
// against counting DiaUtil day by day, with and without Extras (including an
// Extra on a weekend and one repeating a national holiday).
func TestDiasUteisEntreMatchesCounting(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cals := []*pix.Calendario{nil, {Extras: []pix.Feriado{
		{Data: D(t, "2024-01-25")}, {Data: D(t, "2025-01-25")}, {Data: D(t, "2024-11-20")}, {Data: D(t, "2026-07-09")},
	}}}
	start := D(t, "1999-01-01")
	for range 3000 {
		a := start.AddDays(r.IntN(365 * 30))
		b := a.AddDays(r.IntN(900) - 100)
		for _, cal := range cals {
			want := 0
			for d := a; d.Before(b); {
				d = d.AddDays(1)
				if cal.DiaUtil(d) {
					want++
				}
			}
			if got := cal.DiasUteisEntre(a, b); got != want {
				t.Fatalf("DiasUteisEntre(%v, %v) = %d, want %d (extras=%v)", a, b, got, want, cal != nil)
			}
		}
	}
}

// FuzzParseData checks that ParseData never panics and that an accepted
// string round-trips exactly through String (the format has fixed widths, so
// there is exactly one spelling of each date).
func FuzzParseData(f *testing.F) {
	for _, s := range []string{"2020-12-31", "2020-02-29", "2021-02-29", "0000-01-01", "9999-12-31", "2020-1-01", "", "2020-12-31T00:00:00Z", "٢٠٢٠-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := pix.ParseData(s)
		if err != nil {
			return
		}
		if !d.Valid() {
			t.Fatalf("ParseData(%q) = %+v, not valid", s, d)
		}
		if d.String() != s {
			t.Fatalf("String(ParseData(%q)) = %q", s, d.String())
		}
		if b, err := d.MarshalText(); err != nil || string(b) != s {
			t.Fatalf("MarshalText(ParseData(%q)) = %q, %v", s, b, err)
		}
		if got := d.AddDays(1).AddDays(-1); got != d {
			t.Fatalf("%v.AddDays(1).AddDays(-1) = %v", d, got)
		}
	})
}
