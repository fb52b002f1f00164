package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSandboxDefaults(t *testing.T) {
	c, err := config.Load(config.ModeSandbox, nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("the sandbox's defaults must be valid: %v", err)
	}
	if c.DataDir != "brasa-data" || c.APIAddr != "127.0.0.1:8443" || c.WebAddr != "127.0.0.1:8444" {
		t.Errorf("defaults: %+v", c)
	}
	if c.APIURL != "https://127.0.0.1:8443" || c.WebURL != "https://127.0.0.1:8444" {
		t.Errorf("urls: %s %s", c.APIURL, c.WebURL)
	}
	if got, want := strings.Join(c.TLSHosts, ","), "127.0.0.1,localhost"; got != want {
		t.Errorf("tls hosts = %q, want %q", got, want)
	}
	if c.SQLitePath() != filepath.Join("brasa-data", "brasa.db") || c.MasterKeyFile != filepath.Join("brasa-data", "master.key") {
		t.Errorf("paths: %s %s", c.SQLitePath(), c.MasterKeyFile)
	}
	if c.ISPB != "01181521" || time.Duration(c.TokenTTL) != time.Hour {
		t.Errorf("ispb %s ttl %v", c.ISPB, c.TokenTTL)
	}
}

func TestPrecedenceFileEnvFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "brasa.json")
	if err := os.WriteFile(file, []byte(`{"api_addr": "127.0.0.1:1001", "web_addr": "127.0.0.1:1002", "ispb": "00000000", "token_ttl": "30m", "master_key_file": "k"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(config.ModeServe, []string{"--config", file, "--web", "127.0.0.1:3002"},
		env(map[string]string{"BRASA_API_ADDR": "127.0.0.1:2001", "BRASA_WEB_ADDR": "127.0.0.1:2002"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.APIAddr != "127.0.0.1:2001" {
		t.Errorf("env must win over the file: api_addr = %s", c.APIAddr)
	}
	if c.WebAddr != "127.0.0.1:3002" {
		t.Errorf("flags must win over env: web_addr = %s", c.WebAddr)
	}
	if c.ISPB != "00000000" || time.Duration(c.TokenTTL) != 30*time.Minute {
		t.Errorf("file values lost: %s %v", c.ISPB, c.TokenTTL)
	}
	if c.MasterKeyFile != filepath.Join(dir, "k") {
		t.Errorf("relative paths in the file are relative to it: %s", c.MasterKeyFile)
	}
}

func TestServeValidateListsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "master.key")
	if err := os.WriteFile(key, []byte(strings.Repeat("ab", 32)), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(config.ModeServe, []string{"--api", "nohost", "--api-url", "http://x", "--log-level", "loud", "--web-url", "https://a-very-long-host-name-for-the-qr-codes.example.com.br"},
		env(map[string]string{"BRASA_MASTER_KEY_FILE": key, "BRASA_TOKEN_TTL": "48h", "BRASA_ISPB": "123",
			"BRASA_DB": "postgres://brasa@db.example.com/brasa?sslmode=disable", "BRASA_API_TLS_CERT": "/nonexistent.pem"}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	var p config.Problems
	if !errors.As(err, &p) {
		t.Fatalf("Validate() = %v, want Problems", err)
	}
	for _, want := range []string{"api_addr", "api_url", "log_level", "token_ttl", "ispb", "sslmode=disable", "api_tls_cert and api_tls_key go together", "readable by group or others", "web_url"} {
		found := false
		for _, line := range p {
			if strings.Contains(line, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem mentions %q; got:\n%s", want, err)
		}
	}
}

func TestServeRequiresMasterKeyAndDB(t *testing.T) {
	c, err := config.Load(config.ModeServe, nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	if err == nil || !strings.Contains(err.Error(), "master_key_file") || !strings.Contains(err.Error(), "db is required") {
		t.Errorf("Validate() = %v, want the missing master key and db reported", err)
	}
	if n := strings.Count(err.Error(), "db is required"); n != 1 {
		t.Errorf("the missing db is reported %d times, want once:\n%v", n, err)
	}
	c.MasterKeyHex = strings.Repeat("0f", 32)
	c.DB = filepath.Join(t.TempDir(), "b.db")
	if err := c.Validate(); err != nil {
		t.Errorf("with a key and a db: %v", err)
	}
	c.MasterKeyHex = "short"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "BRASA_MASTER_KEY") {
		t.Errorf("a short hex key: %v", err)
	}
}

func TestUnknownFileKeyIsAnError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.json")
	_ = os.WriteFile(file, []byte(`{"tokn_ttl": "1h"}`), 0o600)
	if _, err := config.Load(config.ModeServe, []string{"--config", file}, env(nil)); err == nil || !strings.Contains(err.Error(), "tokn_ttl") {
		t.Errorf("err = %v, want the unknown key named", err)
	}
}

func TestRateLimit(t *testing.T) {
	load := func(t *testing.T, args []string, e map[string]string) *config.Config {
		t.Helper()
		c, err := config.Load(config.ModeSandbox, args, env(e))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := load(t, nil, nil)
	if c.RateLimit != 500 || c.Burst() != 1000 {
		t.Errorf("default rate %v burst %d, want 500 and 1000", c.RateLimit, c.Burst())
	}
	file := filepath.Join(t.TempDir(), "c.json")
	if err := os.WriteFile(file, []byte(`{"rate_limit": 0}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if c := load(t, []string{"--config", file}, nil); c.RateLimit != 0 {
		t.Errorf("the file's 0 (no limit) was lost: %v", c.RateLimit)
	}
	c = load(t, []string{"--rate-limit", "2.5"}, map[string]string{"BRASA_RATE_LIMIT": "100", "BRASA_RATE_LIMIT_BURST": "7"})
	if c.RateLimit != 2.5 || c.Burst() != 7 {
		t.Errorf("rate %v burst %d, want the flag's 2.5 and the env's 7", c.RateLimit, c.Burst())
	}
	if c := load(t, []string{"--rate-limit", "0.2"}, nil); c.Burst() != 1 {
		t.Errorf("burst %d at 0.2/s, want at least 1", c.Burst())
	}
	c = load(t, nil, map[string]string{"BRASA_RATE_LIMIT": "lots", "BRASA_RATE_LIMIT_BURST": "-3"})
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "rate_limit must") || !strings.Contains(err.Error(), "rate_limit_burst must") {
		t.Errorf("Validate() = %v, want both bad values reported", err)
	}
}
