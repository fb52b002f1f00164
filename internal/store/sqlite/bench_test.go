package sqlite_test

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/brasa-dev/brasa/internal/store/storetest"
)

// BenchmarkCredential measures the token endpoint's credential lookup: one
// primary-key read, from one goroutine and from GOMAXPROCS goroutines (the
// read pool has sqlite.Readers connections).
func BenchmarkCredential(b *testing.B) {
	db := MustOpen(b, filepath.Join(b.TempDir(), "brasa.db"))
	const n = 1000
	for i := range n {
		storetest.MustCreateCredential(b, db, storetest.NewCredential(fmt.Sprintf("client-%04d", i), storetest.CPF(i+1)))
	}
	ctx := b.Context()
	b.Run("Serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := db.Credential(ctx, fmt.Sprintf("client-%04d", i%n)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1)
				if _, err := db.Credential(ctx, fmt.Sprintf("client-%04d", i%n)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkCreateCertificate measures a durable single-row insert (WAL,
// synchronous=FULL: one fsync per commit), from one goroutine and from
// GOMAXPROCS goroutines (writes share the one writer connection, and
// concurrent ones share commits).
func BenchmarkCreateCertificate(b *testing.B) {
	db := MustOpen(b, filepath.Join(b.TempDir(), "brasa.db"))
	ctx := b.Context()
	var serial atomic.Int64
	create := func() error {
		c := storetest.NewCertificate(fmt.Sprintf("%x", serial.Add(1)), "company-key")
		c.DER = make([]byte, 1200) // about a real certificate's size
		return db.CreateCertificate(ctx, c)
	}
	b.Run("Serial", func(b *testing.B) {
		for b.Loop() {
			if err := create(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := create(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
