package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/sisgru"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

func runMain(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	err := m.Run(context.Background(), args)
	return out.String() + errOut.String(), err
}

// writeCert writes a certificate for a fresh RSA key, signed by a CA (or by
// itself), to dir/name, followed by the CA when chain is set.
func writeCert(t *testing.T, dir, name string, selfSigned, chain bool) string {
	t.Helper()
	caKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "AC"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(48 * time.Hour)}
	caDER, _ := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "sistema"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	parent, signer := ca, caKey
	if selfSigned {
		parent, signer = leaf, key
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if chain {
		data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})...)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSISGRUCommands(t *testing.T) {
	dir := t.TempDir()
	out, err := runMain(t, "sisgru", "seed", "--data", dir, "--ug", "158461,153114", "--count", "1200", "--days", "10", "--seed", "42", "--batch", "500")
	if err != nil || !strings.Contains(out, "1200 GRUs and ") {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	if out, err := runMain(t, "sisgru", "seed", "--data", dir, "--ug", "158461", "--count", "10", "--seed", "42"); err == nil || !strings.Contains(err.Error(), "same --seed") {
		t.Fatalf("seeding the same seed again: %v\n%s", err, out)
	}
	out, err = runMain(t, "sisgru", "user", "add", "--data", dir, "--cpf", "52998224725", "--ug", "158461", "--ug", "153114")
	if err != nil || !strings.Contains(out, "password: ") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	password := strings.Fields(out[strings.Index(out, "password: "):])[1]
	if _, err := runMain(t, "sisgru", "user", "add", "--data", dir, "--cpf", "52998224725", "--ug", "158461"); err == nil {
		t.Fatal("adding a user twice succeeded")
	}
	if _, err := runMain(t, "sisgru", "user", "add", "--data", dir, "--cpf", "12345678900", "--ug", "158461"); exitCode(err) != 2 {
		t.Fatalf("invalid CPF: %v", err)
	}

	good := writeCert(t, dir, "sistema.pem", false, false)
	out, err = runMain(t, "sisgru", "system", "add", "--data", dir, "--issuer", "meusistema", "--cert", good, "--ug", "158461")
	if err != nil {
		t.Fatalf("system add: %v\n%s", err, out)
	}
	for _, tc := range []struct{ name, file, msg string }{
		{"self-signed", writeCert(t, dir, "auto.crt", true, false), "autoassinado"},
		{"with chain", writeCert(t, dir, "cadeia.cer", false, true), "sem as cadeias de autoridade"},
		{"wrong extension", writeCert(t, dir, "sistema.der", false, false), ".pem, .cer ou .crt"},
	} {
		if _, err := runMain(t, "sisgru", "system", "add", "--data", dir, "--issuer", "outro", "--cert", tc.file, "--ug", "158461"); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.msg)
		}
	}
	if out, err := runMain(t, "sisgru", "system", "cert", "--data", dir, "--issuer", "meusistema", "--cert", writeCert(t, dir, "novo.pem", false, false)); err != nil {
		t.Fatalf("system cert: %v %s", err, out)
	}
	if out, err := runMain(t, "sisgru", "system", "del", "--data", dir, "--issuer", "meusistema"); err != nil {
		t.Fatalf("system del: %v %s", err, out)
	}

	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "brasa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.SIAFIUser(t.Context(), "52998224725")
	if err != nil || !sisgru.CheckPassword(u.PasswordHash, password) || len(u.UGs) != 2 {
		t.Fatalf("stored user %+v %v", u, err)
	}
	sys, err := db.ExternalSystem(t.Context(), "meusistema")
	if err != nil || sys.Status != sisgru.SystemDeleted {
		t.Fatalf("stored system %+v %v", sys, err)
	}
	f := sisgru.GRUs.LeafByPath("ugArrecadadora")
	n := int64(0)
	for _, ug := range []string{"158461", "153114"} {
		v := sisgru.Value{S: ug}
		c, err := db.CountGRUs(t.Context(), &sisgru.Query{Conds: []sisgru.Cond{{Leaf: f.Index, Kind: f.Kind, Lo: v, Hi: v}}})
		if err != nil {
			t.Fatal(err)
		}
		n += c
	}
	if n != 1200 {
		t.Fatalf("%d GRUs stored, want 1200", n)
	}
	if out, err := runMain(t, "sisgru", "user", "del", "--data", dir, "--cpf", "52998224725"); err != nil {
		t.Fatalf("user del: %v %s", err, out)
	}
}
