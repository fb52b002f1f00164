// Package ratelimit holds token buckets keyed by client, the guard behind
// DESIGN.md's "abusive clients get 429 with Retry-After".
//
// The buckets live in the memory of one process: each brasa instance protects
// itself, so N instances behind a load balancer admit up to N times the rate.
// Quotas a seed documents (the PSC limits of seed 004) are different: they are
// counted in the database and shared by every instance.
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// maxKeys bounds the number of buckets kept; past it, buckets that have
// refilled (idle clients) are dropped first.
const maxKeys = 100_000

// Limiter admits, per key, Rate requests per second on average and Burst at
// once. The zero Limiter and a nil *Limiter admit everything.
type Limiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a Limiter of rate requests per second per key with the given
// burst (at least 1). A rate of 0 or less returns nil, which admits
// everything. now is the clock (time.Now when nil).
func New(rate float64, burst int, now func() time.Time) *Limiter {
	if rate <= 0 {
		return nil
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, burst: max(float64(burst), 1), now: now, buckets: make(map[string]*bucket)}
}

// Allow takes one token from key's bucket. When the bucket is empty it
// returns false and how long until a token is available.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l == nil || l.rate <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	} else if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed.Seconds()*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, max(wait, time.Millisecond)
}

// sweep drops the buckets that are full again (their clients have been idle
// long enough that forgetting them changes nothing), or, if none is, every
// bucket: a flood of distinct keys must not grow memory without bound.
func (l *Limiter) sweep(now time.Time) {
	refill := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) >= refill {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxKeys {
		clear(l.buckets)
	}
}

// Len returns the number of buckets held, for tests and metrics.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
