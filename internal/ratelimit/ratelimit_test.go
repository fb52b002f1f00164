package ratelimit

import (
	"strconv"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestBurstThenRate(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	l := New(10, 5, clk.now) // 10/s, burst 5

	for i := range 5 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, retry := l.Allow("a")
	if ok {
		t.Fatal("6th request at once admitted, want 429")
	}
	if retry != 100*time.Millisecond {
		t.Errorf("retryAfter = %v, want 100ms (one token at 10/s)", retry)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another key was refused: buckets must be per key")
	}

	clk.advance(99 * time.Millisecond)
	if ok, _ := l.Allow("a"); ok {
		t.Error("admitted before a token refilled")
	}
	clk.advance(2 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("refused after a token refilled")
	}

	// A long pause refills to the burst, not beyond.
	clk.advance(time.Hour)
	n := 0
	for {
		if ok, _ := l.Allow("a"); !ok {
			break
		}
		n++
	}
	if n != 5 {
		t.Errorf("after an idle hour %d requests admitted at once, want the burst 5", n)
	}
}

func TestSustainedRate(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	l := New(100, 10, clk.now)
	admitted := 0
	for range 10_000 { // 10 s at 1,000 requests/s offered
		if ok, _ := l.Allow("k"); ok {
			admitted++
		}
		clk.advance(time.Millisecond)
	}
	if admitted < 1000 || admitted > 1010 {
		t.Errorf("admitted %d of 10,000 over 10 s at 100/s burst 10, want 1,000-1,010", admitted)
	}
}

func TestOffAdmitsEverything(t *testing.T) {
	for _, l := range []*Limiter{nil, New(0, 10, nil), {}} {
		for range 1000 {
			if ok, _ := l.Allow("k"); !ok {
				t.Fatalf("%v refused a request", l)
			}
		}
	}
}

func TestMemoryIsBounded(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	l := New(1, 1, clk.now)
	for i := range maxKeys {
		l.Allow(strconv.Itoa(i))
	}
	// Once the idle buckets have refilled, the next new key sweeps them and
	// only live buckets remain.
	clk.advance(time.Minute)
	if ok, _ := l.Allow("busy"); !ok {
		t.Fatal("a new key was refused")
	}
	if n := l.Len(); n != 1 {
		t.Errorf("%d buckets after the sweep, want 1 (only the live one)", n)
	}
	if ok, _ := l.Allow("busy"); ok {
		t.Error("a live bucket lost its state in the sweep")
	}
	// A flood of distinct keys at one instant, none idle: still bounded.
	for i := range maxKeys + 10 {
		l.Allow("flood" + strconv.Itoa(i))
	}
	if n := l.Len(); n > maxKeys {
		t.Errorf("%d buckets after a flood of %d keys, want at most %d", n, maxKeys+10, maxKeys)
	}
}
