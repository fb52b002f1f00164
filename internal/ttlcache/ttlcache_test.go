package ttlcache_test

import (
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/ttlcache"
)

func TestCache(t *testing.T) {
	c := ttlcache.New[string, int](50*time.Millisecond, 2)
	c.Put("a", 1)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("Get(a) = %v, %v", v, ok)
	}
	time.Sleep(60 * time.Millisecond)
	if _, ok := c.Get("a"); ok {
		t.Error("an entry outlived its TTL")
	}
	c.Put("a", 1)
	c.Put("b", 2)
	c.Put("c", 3) // full: cleared first
	if _, ok := c.Get("a"); ok {
		t.Error("the cache grew past Max")
	}
	if v, ok := c.Get("c"); !ok || v != 3 {
		t.Errorf("Get(c) = %v, %v", v, ok)
	}
	c.Delete("c")
	if _, ok := c.Get("c"); ok {
		t.Error("Delete kept the entry")
	}
	zero := ttlcache.New[string, int](0, 10)
	zero.Put("x", 1)
	if _, ok := zero.Get("x"); ok {
		t.Error("a zero TTL cached")
	}
}
