package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/sandbox"
)

// TestPSCApproveCommand: `brasa psc approve --sandbox DIR CPF` approves the
// pending push request, after which polling yields the authorizationToken;
// --deny denies; nothing pending is an error.
func TestPSCApproveCommand(t *testing.T) {
	h := apptest.Boot(t, apptest.Options{})
	var sb sandbox.SandboxPSC
	if err := json.Unmarshal(h.Sandbox.PSC, &sb); err != nil {
		t.Fatal(err)
	}
	c := h.Client(nil)
	authorize := func() string {
		sum := sha256.Sum256([]byte("verifier-verifier-verifier-verifier-verifier"))
		q := url.Values{"client_id": {sb.ClientID}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
			"response_type": {"code"}, "login_hint": {sb.HolderCPF}, "redirect_uri": {"push://"}}
		resp, err := c.Get(h.APIURL() + "/v0/oauth/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return strings.TrimPrefix(b.String(), "code=")
	}
	poll := func(code string) int {
		resp, err := c.Get(h.APIURL() + "/valid/api/v1/trusted-services/authentications?code=" + code)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
		err := m.Run(context.Background(), args)
		return out.String() + errOut.String(), err
	}

	code := authorize()
	if out, err := run("psc", "approve", "--sandbox", h.Dir, sb.HolderCPF); err != nil || !strings.Contains(out, `"approved"`) {
		t.Fatalf("approve: %v\n%s", err, out)
	}
	if st := poll(code); st != 200 {
		t.Fatalf("poll after approve: %d", st)
	}
	code = authorize()
	if out, err := run("psc", "approve", "--sandbox", h.Dir, "--deny", sb.HolderCPF); err != nil || !strings.Contains(out, `"denied"`) {
		t.Fatalf("deny: %v\n%s", err, out)
	}
	if st := poll(code); st != 403 {
		t.Fatalf("poll after deny: %d", st)
	}
	if out, err := run("psc", "approve", "--sandbox", h.Dir, sb.HolderCPF); err == nil || !strings.Contains(out, "not_found") {
		t.Fatalf("nothing pending: %v\n%s", err, out)
	}
	if _, err := run("psc", "approve", "--sandbox", h.Dir); err == nil {
		t.Fatal("no CPF accepted")
	}
}

// TestPSCHolderAddCommand: `brasa psc holder add` creates a holder whose
// certificate user-discovery then lists, and refuses a duplicate.
func TestPSCHolderAddCommand(t *testing.T) {
	h := apptest.Boot(t, apptest.Options{})
	var sb sandbox.SandboxPSC
	if err := json.Unmarshal(h.Sandbox.PSC, &sb); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
		err := m.Run(context.Background(), args)
		return out.String() + errOut.String(), err
	}
	out, err := run("psc", "holder", "add", "--data", h.Dir, "--cpf", "52998224725", "--name", "Joao Teste", "--web-url", h.Sandbox.WebURL)
	if err != nil || !strings.Contains(out, "e-CPF A3 em nuvem") || !strings.Contains(out, "password ") {
		t.Fatalf("holder add: %v\n%s", err, out)
	}
	body, _ := json.Marshal(map[string]string{"client_id": sb.ClientID, "client_secret": sb.ClientSecret, "user_cpf_cnpj": "CPF", "val_cpf_cnpj": "52998224725"})
	resp, err := h.Client(nil).Post(h.APIURL()+"/v0/oauth/user-discovery", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Status string `json:"status"`
	}
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if res.Status != "S" {
		t.Fatalf("user-discovery of the new holder: %q", res.Status)
	}
	if _, err := run("psc", "holder", "add", "--data", h.Dir, "--cpf", "52998224725", "--name", "Joao Teste", "--web-url", h.Sandbox.WebURL); err == nil {
		t.Fatal("a duplicate holder was created")
	}
	if _, err := run("psc", "holder", "add", "--data", h.Dir, "--cpf", "52998224725"); err == nil {
		t.Fatal("no name or web URL accepted")
	}
}
