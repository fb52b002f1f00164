package payments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestPostgresInstancesShareEverything boots two brasa processes' worth of
// apps on one fresh PostgreSQL schema at the same time: they converge on one
// CA and one token key, a token issued by one is accepted by the other, and a
// revocation made through one takes effect on the other within 1 s.
func TestPostgresInstancesShareEverything(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	// Instances sharing a database share its master key (without it they
	// cannot open the CA: tested below as the refusal it is).
	masterHex := strings.Repeat("5a", 32)
	sameKey := func(c *config.Config) { c.MasterKeyHex = masterHex }
	var hs [2]*apptest.Harness
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range hs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := apptest.Boot(t, apptest.Options{DB: dsn, Configure: sameKey})
			mu.Lock()
			hs[i] = h
			mu.Unlock()
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	a, b := hs[0], hs[1]
	if !bytes.Equal(a.App.CA.Root.Raw, b.App.CA.Root.Raw) {
		t.Fatal("two instances starting together on one database created two CAs")
	}

	// A token from instance a, used on instance b with the same certificate.
	cert := a.DemoCertificate()
	_, body := apptest.Do(t, a.Client(&cert), apptest.TokenRequest(t, a, a.Sandbox.Pix.ClientID, a.Sandbox.Pix.ClientSecret, ""))
	var tok pixapi.Token
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token from a: %s", body)
	}
	use := func() int {
		req, _ := http.NewRequest("GET", b.APIURL()+"/api/v2/naoexiste", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, _ := apptest.Do(t, b.Client(&cert), req)
		return resp.StatusCode
	}
	if got := use(); got != 404 {
		t.Fatalf("a's token on b: status %d, want 404 (authenticated, no such resource)", got)
	}

	// Revoke through a's store; b must refuse within 1 s.
	if err := a.App.Store.SetCredentialStatus(context.Background(), a.Sandbox.Pix.ClientID, oauth.CredentialRevoked, time.Now()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second)
	got := use()
	for got != 401 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		got = use()
	}
	if got != 401 {
		t.Errorf("b still accepts a revoked credential's token after 1 s (status %d)", got)
	}

	// A third instance with another master key refuses to start, saying why.
	cfg, err := config.Load(config.ModeSandbox, []string{"--data", t.TempDir(), "--db", dsn, "--api", "127.0.0.1:0", "--web", "127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.MasterKeyHex = strings.Repeat("a5", 32)
	if _, err := app.New(context.Background(), cfg, app.Options{Logger: slog.New(slog.DiscardHandler)}); err == nil || !strings.Contains(err.Error(), "master key") {
		t.Errorf("an instance with another master key: err = %v, want a refusal naming the master key", err)
	}

	// And the whole sandbox works on PostgreSQL through the SDK.
	if _, err := b.PixClient().Token(context.Background()); err != nil {
		t.Errorf("b's own demo tenant: %v", err)
	}
}

// TestPostgresInstancesShareTheWebhookOutbox: two instances on one
// PostgreSQL settle payments and share one outbox; both dispatchers claim
// from it (FOR UPDATE SKIP LOCKED), and every Pix reaches the receiver
// exactly once.
func TestPostgresInstancesShareTheWebhookOutbox(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	sameKey := func(c *config.Config) { c.MasterKeyHex = strings.Repeat("6b", 32) }
	a := apptest.Boot(t, apptest.Options{DB: dsn, Configure: sameKey})
	b := apptest.Boot(t, apptest.Options{DB: dsn, Configure: sameKey})
	c := a.PixClient()
	ctx := context.Background()
	chave := a.Sandbox.Pix.Chave
	recv := a.Receiver()
	if err := c.PutWebhook(ctx, chave, recv.URL()); err != nil {
		t.Fatal(err)
	}
	const n = 30
	want := map[string]bool{}
	for i := 0; i < n; i++ {
		cob, err := c.CreateCob(ctx, fmt.Sprintf("pgoutbox%024d", i), pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: chave})
		if err != nil {
			t.Fatal(err)
		}
		h := a
		if i%2 == 1 {
			h = b // paid through the other instance
		}
		want[apptest.PayCode(t, h, cob.PixCopiaECola).EndToEndID] = true
	}
	seen := map[string]int{}
	for len(seen) < n {
		cb, ok := recv.Next(20 * time.Second)
		if !ok {
			t.Fatalf("%d of %d callbacks arrived", len(seen), n)
		}
		ps, err := pixapi.DecodeWebhook(cb.Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if !want[p.EndToEndID] {
				t.Errorf("callback for an unknown Pix %s", p.EndToEndID)
			}
			seen[p.EndToEndID]++
		}
	}
	// Nothing more arrives: no row was sent twice.
	if cb, ok := recv.Next(2 * time.Second); ok {
		t.Errorf("an extra callback arrived: %s", cb.Body)
	}
	for e2e, k := range seen {
		if k != 1 {
			t.Errorf("Pix %s notified %d times", e2e, k)
		}
	}
}

func TestPostgresConcurrentRefundsRespectTheCap(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	concurrentRefunds(t, apptest.Boot(t, apptest.Options{DB: dsn}))
}
