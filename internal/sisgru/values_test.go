package sisgru_test

import (
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/sisgru"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want sisgru.Date
		ok   bool
	}{
		{"01/07/2021", 20210701, true},
		{"29/02/2024", 20240229, true},
		{"31/12/9999", 99991231, true},
		{"29/02/2023", 0, false},
		{"31/04/2021", 0, false},
		{"1/07/2021", 0, false},
		{"01-07-2021", 0, false},
		{"2021-07-01", 0, false},
		{"01/13/2021", 0, false},
		{"00/01/2021", 0, false},
		{"01/07/21", 0, false},
		{" 01/07/2021", 0, false},
		{"aa/07/2021", 0, false},
	} {
		got, ok := sisgru.ParseDate(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseDate(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got.String() != tc.in {
			t.Errorf("Date(%d).String() = %q, want %q", got, got.String(), tc.in)
		}
	}
}

func TestParseMonth(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want sisgru.Month
		ok   bool
	}{
		{"07/2021", 202107, true},
		{"12/2026", 202612, true},
		{"13/2021", 0, false},
		{"00/2021", 0, false},
		{"7/2021", 0, false},
		{"07/21", 0, false},
	} {
		got, ok := sisgru.ParseMonth(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseMonth(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got.String() != tc.in {
			t.Errorf("Month(%d).String() = %q", got, got.String())
		}
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10", 1000, true},
		{"10.5", 1050, true},
		{"10.50", 1050, true},
		{"0.01", 1, true},
		{"999999999999999.99", 99999999999999999, true},
		{"10.", 0, false},
		{".5", 0, false},
		{"10.505", 0, false},
		{"10,50", 0, false},
		{"-1.00", 0, false},
		{"1e3", 0, false},
		{"", 0, false},
	} {
		got, ok := sisgru.ParseMoney(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for c, want := range map[int64]string{0: "0.00", 1: "0.01", 1050: "10.50", 123456789: "1234567.89", -250: "-2.50"} {
		if got := string(sisgru.AppendMoney(nil, c)); got != want {
			t.Errorf("AppendMoney(%d) = %q, want %q", c, got, want)
		}
	}
}

func TestTimestampsAreBrasilia(t *testing.T) {
	at := time.Date(2026, 3, 25, 2, 30, 5, 999_000_000, time.UTC) // 23:30:05 the day before in Brasília
	if got, want := string(sisgru.AppendTimestamp(nil, at)), "24/03/2026 23:30:05"; got != want {
		t.Errorf("AppendTimestamp = %q, want %q", got, want)
	}
	if got, want := sisgru.DateOf(at), sisgru.Date(20260324); got != want {
		t.Errorf("DateOf = %d, want %d", got, want)
	}
	if got, want := sisgru.Date(20260325).Start(), time.Date(2026, 3, 25, 3, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Start = %v, want %v", got, want)
	}
	if got, want := sisgru.Date(20240228).AddDays(2), sisgru.Date(20240301); got != want {
		t.Errorf("AddDays = %d, want %d", got, want)
	}
	if got := sisgru.FromMicros(sisgru.Micros(at)); !got.Equal(at.Truncate(time.Microsecond)) || got.Location() != time.UTC {
		t.Errorf("micros round trip = %v", got)
	}
	if sisgru.Micros(time.Time{}) != 0 || !sisgru.FromMicros(0).IsZero() {
		t.Error("the zero time is not stored as 0")
	}
}
