// Package clock provides the injectable clock every time-dependent rule reads.
// Production uses [System]; the sandbox uses an [Offset] clock it can move
// forward (POST /sandbox/v1/clock), so expiry, due dates and token lifetimes
// can be tested without waiting.
package clock

import (
	"sync/atomic"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Func adapts a function to Clock.
type Func func() time.Time

// Now calls f.
func (f Func) Now() time.Time { return f() }

// System is the real clock.
var System Clock = Func(time.Now)

// Offset is the real clock moved forward by an adjustable offset. It is safe
// for concurrent use.
type Offset struct {
	base   Clock
	offset atomic.Int64 // nanoseconds
}

// NewOffset returns an Offset clock over base (System when nil) starting at
// offset d.
func NewOffset(base Clock, d time.Duration) *Offset {
	if base == nil {
		base = System
	}
	o := &Offset{base: base}
	o.offset.Store(int64(d))
	return o
}

// Now returns the base time plus the offset.
func (o *Offset) Now() time.Time { return o.base.Now().Add(time.Duration(o.offset.Load())) }

// Advance moves the clock forward by d (negative d is refused: time in the
// sandbox never goes back, so nothing already decided is undone). It returns
// the new offset.
func (o *Offset) Advance(d time.Duration) time.Duration {
	if d < 0 {
		d = 0
	}
	return time.Duration(o.offset.Add(int64(d)))
}

// Offset returns the current offset.
func (o *Offset) Offset() time.Duration { return time.Duration(o.offset.Load()) }
