package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestMain lets the test binary act as the brasa binary: with
// BRASA_TEST_RUN_MAIN=1 it runs main() with the given arguments, so the crash
// test below kills a real process without building a separate binary.
func TestMain(m *testing.M) {
	if os.Getenv("BRASA_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"brasa"}, strings.Fields(os.Getenv("BRASA_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(apptest.Main(m))
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startSandbox runs `brasa sandbox` in a child process and waits until its
// API answers.
func startSandbox(t *testing.T, dir, apiAddr, webAddr string, extra ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BRASA_TEST_RUN_MAIN=1",
		"BRASA_TEST_ARGS=sandbox --data "+dir+" --api "+apiAddr+" --web "+webAddr+" "+strings.Join(extra, " "))
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		// The quickstart is printed once everything is in place.
		if strings.Contains(out.String(), "Stop with Ctrl-C") {
			return cmd, out
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("sandbox did not start:\n%s", out)
	return nil, nil
}

// syncBuffer is a bytes.Buffer safe for a child process's output copier and
// the test reading it at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSandboxSurvivesSIGKILL starts the sandbox, obtains a token, kills it
// with SIGKILL, restarts it on the same directory and obtains a token again
// with the very same sandbox.json: the CA, credentials and data survived.
func TestSandboxSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	apiAddr, webAddr := freeAddr(t), freeAddr(t)
	cmd, out := startSandbox(t, dir, apiAddr, webAddr)
	if !strings.Contains(out.String(), "curl --cacert") {
		t.Errorf("no quickstart printed:\n%s", out)
	}
	before, err := os.ReadFile(filepath.Join(dir, "sandbox.json"))
	if err != nil {
		t.Fatal(err)
	}
	token := func() string {
		t.Helper()
		c, err := pixapi.NewFromSandbox(dir)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tok, err := c.Token(ctx)
		if err != nil {
			t.Fatalf("token: %v\n%s", err, out)
		}
		return tok.AccessToken
	}
	token()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	_, out = startSandbox(t, dir, apiAddr, webAddr)
	after, err := os.ReadFile(filepath.Join(dir, "sandbox.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("sandbox.json changed across the restart:\nbefore %s\nafter %s", before, after)
	}
	token()
}

func TestServeRefusesIncompleteConfig(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "master.key")
	if err := os.WriteFile(key, []byte(strings.Repeat("ab", 32)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "brasa.json")
	if err := os.WriteFile(cfg, []byte(`{"api_url": "http://pix.example.com", "master_key_file": "master.key", "token_ttl": "72h", "db": "postgres://u@db.example.com/brasa?sslmode=disable"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	m := &Main{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	err := m.Run(context.Background(), []string{"serve", "--config", cfg})
	if err == nil || exitCode(err) != 2 {
		t.Fatalf("err = %v (exit %d), want a configuration error with exit status 2", err, exitCode(err))
	}
	msg := err.Error()
	for _, want := range []string{"api_url", "readable by group or others", "token_ttl", "sslmode=disable"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not report %q:\n%s", want, msg)
		}
	}
}

func TestServeRefusesUnknownConfigKeys(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "brasa.json")
	if err := os.WriteFile(cfg, []byte(`{"api_adr": "127.0.0.1:1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }}
	err := m.Run(context.Background(), []string{"serve", "--config", cfg})
	if err == nil || !strings.Contains(err.Error(), "api_adr") {
		t.Fatalf("err = %v, want it to name the unknown key", err)
	}
}
