package pix_test

import (
	"testing"

	"github.com/brasa-dev/brasa/internal/pix"
)

func TestTxID(t *testing.T) {
	for _, tt := range []struct {
		txid    string
		criacao bool
		pixTxid bool
	}{
		{"fc9a4366ff3d4964b5dbc6c91a8722d3", true, true},
		{"abcdefghijklmnopqrstuvwxyz", true, true},             // 26
		{"abcdefghijklmnopqrstuvwxy", false, true},             // 25: static QR only
		{"abcdefghijklmnopqrstuvwxyz0123456789", false, false}, // 36
		{"fc9a4366ff3d4964b5dbc6c91a8722d-", false, false},
		{"", false, false},
		{"fc9a4366ff3d4964b5dbc6c91a8722d3\n", false, false},
	} {
		if got := pix.ValidTxIDCriacao(tt.txid); got != tt.criacao {
			t.Errorf("ValidTxIDCriacao(%q) = %v", tt.txid, got)
		}
		if got := pix.ValidTxIDPix(tt.txid); got != tt.pixTxid {
			t.Errorf("ValidTxIDPix(%q) = %v", tt.txid, got)
		}
	}
	seen := map[string]bool{}
	for range 1000 {
		id := pix.NewTxID()
		if len(id) != 32 || !pix.ValidTxIDCriacao(id) || seen[id] {
			t.Fatalf("NewTxID() = %q", id)
		}
		seen[id] = true
	}
}

func FuzzCheckTxID(f *testing.F) {
	f.Add("fc9a4366ff3d4964b5dbc6c91a8722d3")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		err := pix.CheckTxID(s)
		if (err == nil) != pix.ValidTxIDCriacao(s) {
			t.Fatalf("CheckTxID and ValidTxIDCriacao disagree on %q", s)
		}
		if err == nil && (len(s) < 26 || len(s) > 35) {
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
	})
}
