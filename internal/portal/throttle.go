package portal

import (
	"sync"
	"time"
)

// Login throttling: after MaxLoginFailures wrong passwords for one e-mail
// within LoginFailureWindow, Login refuses that e-mail until the window ends,
// whatever the password. It is per instance (memory), so N instances allow N
// times as many guesses; the argon2id cost bounds the rate anyway.
const (
	MaxLoginFailures   = 10
	LoginFailureWindow = 15 * time.Minute
	// maxThrottled bounds the memory: the oldest windows are dropped
	// first when more e-mails than this are being throttled.
	maxThrottled = 10_000
)

type failures struct {
	n     int
	since time.Time
}

// throttle counts recent login failures per e-mail.
type throttle struct {
	mu sync.Mutex
	m  map[string]*failures
}

// blocked reports whether email has used up its failures at now.
func (t *throttle) blocked(email string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.m[email]
	if f == nil {
		return false
	}
	if now.Sub(f.since) >= LoginFailureWindow {
		delete(t.m, email)
		return false
	}
	return f.n >= MaxLoginFailures
}

// fail records a failure of email at now.
func (t *throttle) fail(email string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]*failures{}
	}
	f := t.m[email]
	if f == nil || now.Sub(f.since) >= LoginFailureWindow {
		if len(t.m) >= maxThrottled {
			t.prune(now)
		}
		f = &failures{since: now}
		t.m[email] = f
	}
	f.n++
}

// succeed forgets email's failures.
func (t *throttle) succeed(email string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, email)
}

// prune drops expired windows, and if that is not enough, the oldest half.
func (t *throttle) prune(now time.Time) {
	var oldest time.Time
	for k, f := range t.m {
		if now.Sub(f.since) >= LoginFailureWindow {
			delete(t.m, k)
		} else if oldest.IsZero() || f.since.Before(oldest) {
			oldest = f.since
		}
	}
	if len(t.m) < maxThrottled {
		return
	}
	cut := oldest.Add(now.Sub(oldest) / 2)
	for k, f := range t.m {
		if !f.since.After(cut) {
			delete(t.m, k)
		}
	}
}
