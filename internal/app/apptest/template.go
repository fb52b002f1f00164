package apptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/brasa-dev/brasa/internal/app"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/sandbox"
)

// The template is a sandbox data directory seeded once per test binary: the
// CA, the server certificate and every demo tenant with their keys (several
// RSA-2048 keys, seconds under -race). [Boot] copies it into each test's own
// directory, so tests still never share a database, and the copy boots like
// any later start of `brasa sandbox` on an existing directory.
var template struct {
	once sync.Once
	dir  string
	err  error
}

// Main runs the tests of m and then removes the seeded template. Call it
// from TestMain in every package that uses [Boot]:
//
//	func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if template.dir != "" {
		_ = os.RemoveAll(template.dir)
	}
	return code
}

func seedTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "brasa-apptest-template-")
	if err != nil {
		return "", err
	}
	cfg, err := config.Load(config.ModeSandbox, []string{"--data", dir, "--api", "127.0.0.1:0", "--web", "127.0.0.1:0"}, func(string) string { return "" })
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		return dir, err
	}
	a, err := app.New(context.Background(), cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return dir, fmt.Errorf("apptest: seeding the template sandbox: %w", err)
	}
	a.Close()
	return cfg.DataDir, nil
}

// copyTemplate fills dir with a copy of the seeded template, rewriting the
// absolute paths of its sandbox.json to dir.
func copyTemplate(t testing.TB, dir string) {
	t.Helper()
	template.once.Do(func() { template.dir, template.err = seedTemplate() })
	if template.err != nil {
		t.Fatal(template.err)
	}
	entries, err := os.ReadDir(template.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasSuffix(name, "-shm") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(template.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == sandbox.FileJSON {
			b = bytes.ReplaceAll(b, []byte(template.dir+string(filepath.Separator)), []byte(dir+string(filepath.Separator)))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}
