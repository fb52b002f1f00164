package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/storetest"
	"github.com/brasa-dev/brasa/internal/webhook"
)

// TestWebhook runs the webhook outbox suite (webhooktest.Run) and the
// store's webhook tests (transactions, a real dispatcher over mutual TLS)
// on SQLite.
func TestWebhook(t *testing.T) {
	storetest.RunWebhook(t, func(t *testing.T) *store.DB {
		return MustOpen(t, filepath.Join(t.TempDir(), "brasa.db"))
	})
}

// TestReleaseWebhookClaims: a restart on SQLite (one process owns the file)
// hands back the rows the dead run had claimed, so they go out at once
// instead of when their leases run out.
func TestReleaseWebhookClaims(t *testing.T) {
	path := filepath.Join(t.TempDir(), "brasa.db")
	db := MustOpen(t, path)
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	n := storetest.MustNotification(t, storetest.CPF(1), "https://hook.example/pix", 1, "chave", now)
	if err := db.Enqueue(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	req := webhook.ClaimRequest{Claim: "dead", Now: now, Until: now.Add(time.Hour), Limit: 10}
	if got, err := db.Claim(t.Context(), req); err != nil || len(got) != 1 {
		t.Fatalf("Claim: %v, %v", got, err)
	}
	db.Close()

	db = MustOpen(t, path)
	req.Claim = "restarted"
	if got, err := db.Claim(t.Context(), req); err != nil || len(got) != 0 {
		t.Fatalf("Claim under the dead run's lease: %v, %v; want none", got, err)
	}
	if err := db.ReleaseWebhookClaims(t.Context()); err != nil {
		t.Fatal(err)
	}
	got, err := db.Claim(t.Context(), req)
	if err != nil || len(got) != 1 || got[0].ID != n.ID || got[0].Attempts != 0 {
		t.Fatalf("Claim after ReleaseWebhookClaims: %+v, %v; want the row, untouched", got, err)
	}
}
