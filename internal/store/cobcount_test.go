package store_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/brasa-dev/brasa/internal/store"
)

// TestSpans checks, for many ranges, that the spans counting a range cover
// it exactly, in order, each aligned to its granularity, at most seven, with
// levels rising to one middle span and falling after it; and that the count
// query's seven slots hold each span once.
func TestSpans(t *testing.T) {
	const (
		minute = int64(60e6)
		day    = 24 * 60 * minute
		open   = int64(1) << 60 // the store's open ends
	)
	widths := map[int64]int64{0: 1, 60: minute, 3600: 60 * minute, 86400: day}
	rng := rand.New(rand.NewPCG(1, 2))
	point := func() int64 {
		base := int64(1_773_000_000_000_000) // 2026-03
		switch rng.IntN(6) {
		case 0:
			return -open
		case 1:
			return open
		case 2: // a boundary, maybe a microsecond off
			w := []int64{minute, 60 * minute, day}[rng.IntN(3)]
			return base + w*rng.Int64N(200) + rng.Int64N(3) - 1
		case 3:
			return -base + rng.Int64N(10*day) // before 1970
		default:
			return base + rng.Int64N(10*day)
		}
	}
	for range 20000 {
		lo, hi := point(), point()
		ss := store.Spans(lo, hi)
		if lo >= hi {
			if ss != nil {
				t.Fatalf("Spans(%d, %d) = %v, want none", lo, hi, ss)
			}
			continue
		}
		if len(ss) == 0 || len(ss) > 7 || ss[0][1] != lo || ss[len(ss)-1][2] != hi {
			t.Fatalf("Spans(%d, %d) = %v: does not cover the range in at most 7 spans", lo, hi, ss)
		}
		mid := 0
		for i, sp := range ss {
			w := widths[sp[0]]
			if sp[1] >= sp[2] || (sp[0] != 0 && (sp[1]%w != 0 || sp[2]%w != 0)) {
				t.Fatalf("Spans(%d, %d) = %v: span %d empty or unaligned", lo, hi, ss, i)
			}
			if i > 0 && ss[i-1][2] != sp[1] {
				t.Fatalf("Spans(%d, %d) = %v: gap or overlap before span %d", lo, hi, ss, i)
			}
			if sp[0] > ss[mid][0] {
				mid = i
			}
		}
		for i := 1; i < len(ss); i++ {
			if (i <= mid && ss[i][0] <= ss[i-1][0]) || (i > mid && ss[i][0] >= ss[i-1][0]) {
				t.Fatalf("Spans(%d, %d) = %v: levels do not rise to one middle and fall", lo, hi, ss)
			}
		}
		var got [][3]int64
		for _, sl := range store.CountSlots(lo, hi) {
			if sl[1] < sl[2] {
				got = append(got, sl)
			}
		}
		slices.SortFunc(got, func(a, b [3]int64) int { return cmp.Compare(a[1], b[1]) })
		if !slices.Equal(got, ss) {
			t.Fatalf("CountSlots(%d, %d) holds %v, want the spans %v", lo, hi, got, ss)
		}
	}
}
