package sandbox_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/sandbox"
	"github.com/brasa-dev/brasa/internal/sisgru"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

func TestEnsureSISGRU(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "brasa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ca, err := pki.NewCA(pki.CAOptions{Organization: "teste"})
	if err != nil {
		t.Fatal(err)
	}
	d := sandbox.SISGRUDeps{Store: db, CA: ca, Clock: clock.System, Dir: dir}
	raw, err := sandbox.EnsureSISGRU(t.Context(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sb sandbox.SandboxSISGRU
	if err := json.Unmarshal(raw, &sb); err != nil {
		t.Fatal(err)
	}
	u, err := db.SIAFIUser(t.Context(), sb.SIAFIUser)
	if err != nil || !sisgru.CheckPassword(u.PasswordHash, sb.SIAFIPassword) || !sisgru.ValidCPF(sb.SIAFIUser) {
		t.Fatalf("demo user %+v %v", u, err)
	}
	sys, err := db.ExternalSystem(t.Context(), sb.JWTIssuer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sisgru.CheckCertificate(sys.Certificate, clock.System.Now()); err != nil {
		t.Fatalf("the demo system's certificate breaks the seed's rules: %v", err)
	}
	if fi, err := os.Stat(sb.JWTKeyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	count := func() int64 {
		f := sisgru.GRUs.LeafByPath("ugArrecadadora")
		v := sisgru.Value{S: sb.UGs[1]}
		n, err := db.CountGRUs(t.Context(), &sisgru.Query{Conds: []sisgru.Cond{{Leaf: f.Index, Kind: f.Kind, Lo: v, Hi: v}}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := count()
	if n == 0 {
		t.Fatal("no demo GRUs")
	}

	// Again with the block: kept as is, no more data.
	again, err := sandbox.EnsureSISGRU(t.Context(), d, raw)
	if err != nil || string(again) != string(raw) || count() != n {
		t.Fatalf("second run changed the block or the data: %s, %d GRUs, %v", again, count(), err)
	}
	// A block whose password no longer matches is replaced, and the user
	// updated (not duplicated).
	sb.SIAFIPassword = "outra"
	stale, _ := json.Marshal(sb)
	fresh, err := sandbox.EnsureSISGRU(t.Context(), d, stale)
	if err != nil {
		t.Fatal(err)
	}
	var sb2 sandbox.SandboxSISGRU
	_ = json.Unmarshal(fresh, &sb2)
	u, err = db.SIAFIUser(t.Context(), sb2.SIAFIUser)
	if err != nil || sb2.SIAFIPassword == "outra" || !sisgru.CheckPassword(u.PasswordHash, sb2.SIAFIPassword) {
		t.Fatalf("stale block not replaced: %s %v", fresh, err)
	}
}
