package webhook

import (
	"math"
	"time"
)

// Defaults of [Backoff].
const (
	DefaultBackoffBase       = time.Second
	DefaultBackoffMax        = 10 * time.Minute
	DefaultBackoffMultiplier = 2.0
	DefaultBackoffJitter     = 0.2
)

// Backoff is the schedule of retries: exponential with a cap, and jitter so
// that notifications that failed together (a receiver's outage) do not all
// come back at the same instant. BCB does not specify retries
// (bacen/pix-api#72): the PSP chooses. Zero fields take the defaults.
type Backoff struct {
	// Base is the delay after the first failed attempt. Default 1 s.
	Base time.Duration
	// Max caps the delay before jitter. Default 10 min.
	Max time.Duration
	// Multiplier is the growth from one delay to the next. Default 2;
	// values below 1 are taken as 1.
	Multiplier float64
	// Jitter is the relative spread of each delay: the delay is drawn
	// uniformly from [(1-Jitter)·d, (1+Jitter)·d). Default 0.2 (±20 %);
	// a negative Jitter means none; values above 1 are taken as 1.
	Jitter float64
}

func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = DefaultBackoffBase
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoffMax
	}
	if b.Max < b.Base {
		b.Max = b.Base
	}
	switch {
	case b.Multiplier == 0:
		b.Multiplier = DefaultBackoffMultiplier
	case b.Multiplier < 1:
		b.Multiplier = 1
	}
	switch {
	case b.Jitter == 0:
		b.Jitter = DefaultBackoffJitter
	case b.Jitter < 0:
		b.Jitter = 0
	case b.Jitter > 1:
		b.Jitter = 1
	}
	return b
}

// Delay returns the wait after the n-th failed attempt of a notification (n
// >= 1; smaller n count as 1): d = min(Max, Base·Multiplier^(n-1)), spread
// by the jitter as (1 + Jitter·(2r-1))·d, where r in [0, 1) is a uniform
// random draw. With the defaults the delays are about 1 s, 2 s, 4 s, ...,
// 8.5 min, then 10 min ± 2 min until the deadline.
func (b Backoff) Delay(n int, r float64) time.Duration {
	b = b.withDefaults()
	if n < 1 {
		n = 1
	}
	d := float64(b.Base) * math.Pow(b.Multiplier, float64(n-1))
	if d > float64(b.Max) || math.IsInf(d, 0) || math.IsNaN(d) {
		d = float64(b.Max)
	}
	r = min(max(r, 0), 1)
	return time.Duration(d * (1 + b.Jitter*(2*r-1)))
}
