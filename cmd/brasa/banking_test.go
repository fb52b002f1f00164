package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/app/apptest"
)

// TestBankingAndBanklyCommands provisions through the CLI, on the database
// of a running sandbox, and uses the result over mTLS.
func TestBankingAndBanklyCommands(t *testing.T) {
	h := apptest.Boot(t, apptest.Options{})
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		out, err := runMain(t, append(args, "--data", h.Dir)...)
		if err != nil {
			t.Fatalf("brasa %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	run("banking", "account", "add", "--id", "789", "--holder", "CLI LTDA", "--balance", "42.00")
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "c.key")
	run("banking", "cert", "issue", "--account", "789", "--out-cert", certFile, "--out-key", keyFile)
	out := run("banking", "credential", "add", "--account", "789", "--allow", "127.0.0.0/8", "--bind", certFile)
	id := regexp.MustCompile(`client_id:\s+(\S+)`).FindStringSubmatch(out)
	secret := regexp.MustCompile(`client_secret:\s+(\S+)`).FindStringSubmatch(out)
	if id == nil || secret == nil {
		t.Fatalf("credential add printed %q", out)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"client_id": id[1], "client_secret": secret[1], "grant_type": "client_credentials"})
	req, _ := http.NewRequest("POST", h.APIURL()+"/public/gw_banking/v1/auth/token-v2", bytes.NewReader(body))
	if resp, b := apptest.Do(t, h.Client(&cert), req); resp.StatusCode != 200 {
		t.Fatalf("token-v2 with the CLI's credential: %d %s", resp.StatusCode, b)
	}
	run("banking", "credential", "allow", "--client-id", id[1], "--allow", "10.0.0.0/8")
	if out := run("banking", "credential", "show", "--client-id", id[1]); !strings.Contains(out, "10.0.0.0/8") || strings.Contains(out, secret[1]) {
		t.Errorf("credential show: %q", out)
	}
	if out := run("banking", "admin-token"); !strings.HasPrefix(out, "adm_") {
		t.Errorf("admin-token: %q", out)
	}
	if _, err := runMain(t, "banking", "account", "add", "--id", "789", "--holder", "X", "--data", h.Dir); err == nil {
		t.Error("a duplicate account was accepted")
	}

	// Bankly: a partner and its token client.
	run("bankly", "partner", "add", "--company-key", "cli-partner", "--cnpj", "12345678000195", "--razao-social", "CLI LTDA",
		"--state", "SP", "--city", "Sao Paulo", "--domain", "api.cli.example")
	out = run("bankly", "credential", "add", "--company-key", "cli-partner")
	id = regexp.MustCompile(`client_id:\s+(\S+)`).FindStringSubmatch(out)
	secret = regexp.MustCompile(`client_secret:\s+(\S+)`).FindStringSubmatch(out)
	if id == nil || secret == nil {
		t.Fatalf("bankly credential add printed %q", out)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id[1]}, "client_secret": {secret[1]}}
	req, _ = http.NewRequest("POST", h.APIURL()+"/connect/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, b := apptest.Do(t, h.Client(nil), req); resp.StatusCode != 200 {
		t.Errorf("legacy token with the CLI's client: %d %s", resp.StatusCode, b)
	}
}
