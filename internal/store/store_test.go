package store_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/brasa-dev/brasa/internal/store"
)

func TestRebind(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"NoPlaceholders", "SELECT 1", "SELECT 1"},
		{"Numbered", "INSERT INTO t (a, b) VALUES (?, ?)", "INSERT INTO t (a, b) VALUES ($1, $2)"},
		{"SkipsStringLiterals", "SELECT '?' FROM t WHERE a = ? AND b <> 'x?y'", "SELECT '?' FROM t WHERE a = $1 AND b <> 'x?y'"},
		{"SkipsQuotedIdentifiers", `SELECT "a?" FROM t WHERE a = ?`, `SELECT "a?" FROM t WHERE a = $1`},
		{"DoubledQuoteInLiteral", "SELECT 'it''s?' WHERE a = ?", "SELECT 'it''s?' WHERE a = $1"},
		{"ManyParameters", strings.Repeat("?,", 11) + "?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.Rebind(tc.in); got != tc.want {
				t.Errorf("Rebind(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func config(files fstest.MapFS) store.DialectConfig {
	no := func(error) bool { return false }
	return store.DialectConfig{
		Name: "test", Migrations: files,
		IsUniqueViolation: no, IsForeignKeyViolation: no,
	}
}

func TestNewDialect(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("CREATE TABLE t (a INTEGER);")}
	t.Run("AcceptsNumberedFiles", func(t *testing.T) {
		_, err := store.NewDialect(config(fstest.MapFS{"0001_init.sql": sql, "0002_more.sql": sql, "README": sql}))
		if err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
	}{
		{"ErrNoMigrations", fstest.MapFS{"README": sql}},
		{"ErrUnnumberedFile", fstest.MapFS{"0001_init.sql": sql, "init.sql": sql}},
		{"ErrZeroVersion", fstest.MapFS{"0000_init.sql": sql}},
		{"ErrRepeatedVersion", fstest.MapFS{"0001_init.sql": sql, "1_again.sql": sql}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := store.NewDialect(config(tc.files)); err == nil {
				t.Fatal("NewDialect succeeded")
			}
		})
	}
	t.Run("ErrMissingClassifier", func(t *testing.T) {
		c := config(fstest.MapFS{"0001_init.sql": sql})
		c.IsForeignKeyViolation = nil
		if _, err := store.NewDialect(c); err == nil {
			t.Fatal("NewDialect succeeded")
		}
	})
	t.Run("ErrUnknownPlaceholder", func(t *testing.T) {
		c := config(fstest.MapFS{"0001_init.sql": sql})
		c.Placeholder = 7
		_, err := store.NewDialect(c)
		if err == nil {
			t.Fatal("NewDialect succeeded")
		}
	})
}
