package sqlite_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
	"github.com/brasa-dev/brasa/internal/store/storetest"
)

// MustOpen opens the database at path and closes it when tb ends.
func MustOpen(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return MustOpen(t, filepath.Join(t.TempDir(), "brasa.db"))
	})
}

func TestEngine(t *testing.T) {
	db := MustOpen(t, filepath.Join(t.TempDir(), "brasa.db"))
	if got, want := db.Engine(), "sqlite"; got != want {
		t.Fatalf("Engine() = %q, want %q", got, want)
	}
}

// TestReopen writes, closes, reopens the same file and finds every row.
func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "brasa.db")
	db := MustOpen(t, path)
	r := storetest.MustCreateRecebedor(t, db, storetest.NewRecebedor(storetest.CPF(1)))
	ch := storetest.MustCreateChave(t, db, storetest.NewChave("loja", r.Documento))
	cred := storetest.MustCreateCredential(t, db, storetest.NewCredential("client-1", r.Documento))
	cert := storetest.MustCreateCertificate(t, db, storetest.NewCertificate("01", r.Documento))
	if _, err := db.PutSecretIfAbsent(ctx, "pepper", []byte("p")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db = MustOpen(t, path)
	gotR, err := db.Recebedor(ctx, r.Documento)
	if err != nil {
		t.Fatal(err)
	}
	gotCh, err := db.Chave(ctx, ch.Chave)
	if err != nil {
		t.Fatal(err)
	}
	gotCred, err := db.Credential(ctx, cred.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	gotCert, err := db.CertificateBySerial(ctx, cert.Serial)
	if err != nil {
		t.Fatal(err)
	}
	gotSecret, err := db.Secret(ctx, "pepper")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"recebedor", gotR, storetest.WantRecebedor(r)},
		{"chave", gotCh, storetest.WantChave(ch)},
		{"credential", gotCred, storetest.WantCredential(cred)},
		{"certificate", gotCert, storetest.WantCertificate(cert)},
		{"secret", gotSecret, []byte("p")},
	} {
		if d := storetest.Diff(c.got, c.want); d != "" {
			t.Errorf("%s after reopening:\n%s", c.what, d)
		}
	}
}

// killChildEnv makes the test binary act as TestSurvivesKill's writer.
const killChildEnv = "BRASA_SQLITE_KILL_CHILD"

// The child's writers: one creating recebedores one at a time, and
// killWriters creating charges at once, so that their commits are shared
// (group commit).
const killWriters = 8

// killDoc is the recebedor of the child's charges.
var killDoc = storetest.CPF(7)

// TestSurvivesKill runs a child process that creates recebedores from one
// goroutine and charges (half with a new location) from killWriters
// goroutines, printing each once its call returned; kills it with SIGKILL in
// the middle of its writes; and checks that every acknowledged row is in the
// file, and that the charge counters agree with the charges (they commit
// together).
func TestSurvivesKill(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		killChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := filepath.Join(t.TempDir(), "brasa.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSurvivesKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked, ackedCobs []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && (len(acked) < 25 || len(ackedCobs) < 400) {
		var what, key string
		if _, err := fmt.Sscanf(sc.Text(), "acked %s %s", &what, &key); err != nil {
			continue
		}
		switch what {
		case "recebedor":
			acked = append(acked, key)
		case "cob":
			ackedCobs = append(ackedCobs, key)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(acked) < 25 || len(ackedCobs) < 400 {
		t.Fatalf("child acknowledged only %d recebedores and %d charges before exiting", len(acked), len(ackedCobs))
	}

	db := MustOpen(t, path)
	ctx := t.Context()
	for _, doc := range acked {
		if _, err := db.Recebedor(ctx, doc); err != nil {
			t.Errorf("acknowledged recebedor %s lost after kill -9: %v", doc, err)
		}
	}
	for _, txid := range ackedCobs {
		if _, err := db.Cob(ctx, killDoc, txid); err != nil {
			t.Errorf("acknowledged charge %s lost after kill -9: %v", txid, err)
		}
	}
	all := pix.CobFilter{Documento: killDoc, Limit: 1_000_000}
	stored, scanned, err := db.ListCobs(ctx, all) // no tipo: counted by scanning
	if err != nil {
		t.Fatal(err)
	}
	all.Tipo = pix.TipoCobImediata
	_, counted, err := db.ListCobs(ctx, all) // counted by the counters
	if err != nil {
		t.Fatal(err)
	}
	if counted != scanned || scanned != len(stored) || scanned < len(ackedCobs) {
		t.Errorf("after kill -9: %d charges stored, %d by the counters; %d acknowledged", scanned, counted, len(ackedCobs))
	}
	locs, _, err := db.ListLocs(ctx, pix.LocFilter{Documento: killDoc, Limit: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.TxID == "" {
			t.Errorf("location %d stored without its charge", l.ID)
		}
	}
	t.Logf("%d recebedores and %d charges acknowledged, %d charges stored", len(acked), len(ackedCobs), scanned)
}

func killChild(t *testing.T, path string) {
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	ack := func(what, key string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Printf("acked %s %s\n", what, key)
	}
	for w := range killWriters {
		go func() {
			for i := 0; ; i++ {
				txid := storetest.TxID(w*1_000_000 + i)
				rec := storetest.NewCob(killDoc, txid, pix.TipoCobImediata, time.Now())
				if i%2 == 0 {
					rec.NewLoc = storetest.NewLoc(killDoc, "tok-"+txid, pix.TipoCobImediata, rec.Criacao)
					rec.BodyFor = func(l *pix.Loc) ([]byte, error) { return storetest.CobBody(txid, int(l.ID), 0), nil }
				}
				if err := db.CreateCob(t.Context(), rec); err != nil {
					panic(err)
				}
				ack("cob", txid)
			}
		}()
	}
	for i := 1; ; i++ {
		r := storetest.NewRecebedor(storetest.CPF(i))
		if err := db.CreateRecebedor(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		ack("recebedor", r.Documento)
		if i > 100_000 {
			t.Fatal("parent never killed the child")
		}
	}
}

// TestPragmas checks that connections opened with the DSN Open uses are in
// WAL mode with synchronous=FULL, foreign keys on and a busy timeout.
func TestPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "brasa.db")
	MustOpen(t, path)
	conn, err := sql.Open("sqlite", sqlite.DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	for _, p := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
	} {
		var got string
		if err := conn.QueryRowContext(t.Context(), "PRAGMA "+p.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", p.pragma, err)
		}
		if got != p.want {
			t.Errorf("PRAGMA %s = %s, want %s", p.pragma, got, p.want)
		}
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no write-ahead log next to the database: %v", err)
	}
}

// TestOpenCreatesDirectory opens a database in directories that do not exist
// yet, whose names need escaping in a URI.
func TestOpenCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new dir?#%", "data")
	db := MustOpen(t, filepath.Join(dir, "brasa.db"))
	storetest.MustCreateRecebedor(t, db, storetest.NewRecebedor(storetest.CPF(1)))
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("directory mode = %v, want 0700", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "brasa.db")); err != nil {
		t.Errorf("database file not where asked: %v", err)
	}
}
