package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestPayThenSIGKILLBeforeDelivery: a charge is paid with `brasa pay` while
// the integrator's webhook receiver is down; the sandbox is killed with
// SIGKILL after the settlement and before any delivery; after a restart the
// Pix is there and the callback arrives over mutual TLS.
func TestPayThenSIGKILLBeforeDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	// The integrator's own CA for their receiver, given to brasa with
	// --webhook-ca.
	recvCA, err := pki.NewCA(pki.CAOptions{Organization: "Integrador"})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	caFile := filepath.Join(tmp, "integrador-ca.pem")
	if err := os.WriteFile(caFile, pki.EncodeCertificatesPEM(recvCA.Root), 0o644); err != nil {
		t.Fatal(err)
	}
	recvCert, err := recvCA.IssueServer([]string{"127.0.0.1"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	recvAddr := freeAddr(t)

	dir := t.TempDir()
	apiAddr, webAddr := freeAddr(t), freeAddr(t)
	cmd, out := startSandbox(t, dir, apiAddr, webAddr, "--webhook-ca", caFile)
	c, err := pixapi.NewFromSandbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := pixapi.LoadSandbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.PutWebhook(ctx, sb.Pix.Chave, "https://"+recvAddr+"/hook"); err != nil {
		t.Fatalf("PutWebhook: %v\n%s", err, out)
	}
	cob, err := c.CreateCob(ctx, "killpay0000000000000000000000001", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "42.00"}, Chave: sb.Pix.Chave})
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := runMain(t, "pay", "--sandbox", dir, "--pagador-nome", "Maria", cob.PixCopiaECola)
	if err != nil {
		t.Fatalf("brasa pay: %v\n%s", err, stdout)
	}
	var paid pixapi.Pix
	if err := json.Unmarshal([]byte(stdout), &paid); err != nil || paid.TxID != cob.TxID || paid.Valor != "42.00" || paid.Pagador == nil || paid.Pagador.Nome != "Maria" {
		t.Fatalf("brasa pay printed %q (%v)", stdout, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	caPEM, err := os.ReadFile(sb.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	brasaCAs := x509.NewCertPool()
	brasaCAs.AppendCertsFromPEM(caPEM)
	recv := apptest.NewReceiver(t, recvCert, brasaCAs, recvAddr)
	_, out = startSandbox(t, dir, apiAddr, webAddr, "--webhook-ca", caFile)
	cb, ok := recv.Next(30 * time.Second)
	if !ok {
		t.Fatalf("no callback after the restart\n%s", out)
	}
	ps, err := pixapi.DecodeWebhook(cb.Body)
	if err != nil || len(ps) != 1 || ps[0].EndToEndID != paid.EndToEndID || cb.Path != "/hook/pix" {
		t.Fatalf("callback %s %s (%v)", cb.Path, cb.Body, err)
	}
	c2, err := pixapi.NewFromSandbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c2.GetPix(ctx, paid.EndToEndID)
	if err != nil || got.Valor != "42.00" {
		t.Fatalf("GetPix after restart = %+v, %v", got, err)
	}
	if co, err := c2.GetCob(ctx, cob.TxID, nil); err != nil || co.Status != pixapi.StatusConcluida {
		t.Fatalf("GetCob after restart = %+v, %v", co, err)
	}
	if !strings.Contains(stdout, paid.EndToEndID) {
		t.Errorf("brasa pay output lacks the endToEndId")
	}
}

func TestPayUsage(t *testing.T) {
	if out, err := runMain(t, "pay"); err == nil || !strings.Contains(out, "Usage: brasa pay") {
		t.Errorf("brasa pay without a code: %v\n%s", err, out)
	}
	if out, err := runMain(t, "pay", "--sandbox", t.TempDir(), "000201"); err == nil || !strings.Contains(err.Error(), "sandbox") {
		t.Errorf("brasa pay without a sandbox: %v\n%s", err, out)
	}
}
