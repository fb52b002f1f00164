package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// TestKilledMidLoadLosesNothingAcknowledged creates charges from 8 clients
// while the sandbox is killed with SIGKILL, restarts it on the same data, and
// reads back every charge whose PUT was answered 201: each must be there,
// unchanged. A process kill proves that brasa answers only after its commit
// (the OS keeps what was written); surviving a power cut is synchronous=FULL's
// fsync, which the sqlite package's pragma test checks.
func TestKilledMidLoadLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	apiAddr, webAddr := freeAddr(t), freeAddr(t)
	cmd, out := startSandbox(t, dir, apiAddr, webAddr)
	c, err := pixapi.NewFromSandbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := pixapi.LoadSandbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := c.Token(ctx); err != nil {
		t.Fatalf("token: %v\n%s", err, out)
	}
	var mu sync.Mutex
	acked := map[string]string{} // txid → valor.original
	var seq atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := seq.Add(1)
				txid := fmt.Sprintf("crash%025d", n)
				valor := fmt.Sprintf("%d.%02d", n, n%100)
				cob, err := c.CreateCob(ctx, txid, pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: valor}, Chave: sb.Pix.Chave})
				if err != nil {
					continue // refused or cut off by the kill: not acknowledged
				}
				mu.Lock()
				acked[cob.TxID] = cob.Valor.Original
				mu.Unlock()
			}
		}()
	}
	// Kill once a good number of charges is acknowledged.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	cancel()
	wg.Wait()
	if len(acked) == 0 {
		t.Fatalf("no charge was acknowledged before the kill:\n%s", out)
	}

	_, out = startSandbox(t, dir, apiAddr, webAddr)
	c2, err := pixapi.NewFromSandbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	rctx := context.Background()
	lost := 0
	for txid, valor := range acked {
		cob, err := c2.GetCob(rctx, txid, nil)
		if err != nil || cob.Valor.Original != valor {
			lost++
			if lost < 5 {
				t.Errorf("acknowledged charge %s (valor %s) after restart: %+v, %v", txid, valor, cob, err)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged charges lost\n%s", lost, len(acked), out)
	}
	t.Logf("%d acknowledged charges all survived SIGKILL", len(acked))
}
