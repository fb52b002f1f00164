package webhook_test

import (
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/webhook"
)

func TestBackoffDelay(t *testing.T) {
	def := webhook.Backoff{}
	for _, c := range []struct {
		name string
		b    webhook.Backoff
		n    int
		r    float64
		want time.Duration
	}{
		{"DefaultFirst", def, 1, 0.5, time.Second},
		{"DefaultGrows", def, 4, 0.5, 8 * time.Second},
		{"DefaultCapped", def, 30, 0.5, 10 * time.Minute},
		{"HugeNCapped", def, 1 << 20, 0.5, 10 * time.Minute},
		{"JitterLow", def, 1, 0, 800 * time.Millisecond},
		{"JitterHigh", def, 1, 1, 1200 * time.Millisecond},
		{"JitterOnCap", def, 40, 0, 8 * time.Minute},
		{"ZeroNIsFirst", def, 0, 0.5, time.Second},
		{"NoJitter", webhook.Backoff{Jitter: -1}, 2, 0, 2 * time.Second},
		{"Custom", webhook.Backoff{Base: 100 * time.Millisecond, Max: time.Second, Multiplier: 3, Jitter: 0.5}, 3, 0.75, 1125 * time.Millisecond},
		{"CustomCapped", webhook.Backoff{Base: 100 * time.Millisecond, Max: time.Second, Multiplier: 3, Jitter: 0.5}, 4, 0.5, time.Second},
		{"MultiplierBelowOne", webhook.Backoff{Multiplier: 0.5, Jitter: -1}, 5, 0, time.Second},
	} {
		if got := c.b.Delay(c.n, c.r); got != c.want {
			t.Errorf("%s: Delay(%d, %v) = %v, want %v", c.name, c.n, c.r, got, c.want)
		}
	}
}
