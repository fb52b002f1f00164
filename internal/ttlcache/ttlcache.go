// Package ttlcache is a small concurrency-safe map whose entries are trusted
// for a fixed time. brasa uses it where a value read from the shared database
// may be briefly stale but no staler than a bound (credential status,
// certificate revocation: DESIGN.md asks for revocation on every instance
// within 1 s).
package ttlcache

import (
	"sync"
	"time"
)

// Cache maps K to V for at most TTL after each Put. When it holds Max
// entries, the next Put clears it (a crude bound that is enough for keys
// that are client ids and certificate thumbprints).
type Cache[K comparable, V any] struct {
	TTL time.Duration
	Max int

	mu      sync.Mutex
	entries map[K]entry[V]
}

type entry[V any] struct {
	v       V
	fetched time.Time
}

// New returns a cache with the given TTL and maximum size.
func New[K comparable, V any](ttl time.Duration, max int) *Cache[K, V] {
	return &Cache[K, V]{TTL: ttl, Max: max, entries: map[K]entry[V]{}}
}

// Get returns the value for k if it was put less than TTL ago (by the real
// clock: a sandbox clock moved forward must not keep stale entries alive).
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if !ok || time.Since(e.fetched) >= c.TTL {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v for k.
func (c *Cache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	if len(c.entries) >= c.Max {
		clear(c.entries)
	}
	c.entries[k] = entry[V]{v: v, fetched: time.Now()}
	c.mu.Unlock()
}

// Delete drops k.
func (c *Cache[K, V]) Delete(k K) {
	c.mu.Lock()
	delete(c.entries, k)
	c.mu.Unlock()
}
