package charges_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestThirdPartyPayerLibraries reads brasa's BR Codes and payloads with
// libraries brasa does not control (testdata/interop: pix-utils parses the
// code and fetches the payload, jose verifies the JWS against the JWKS).
// It needs Node.js and `npm ci` in testdata/interop (.ci/run does both).
func TestThirdPartyPayerLibraries(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	dir, _ := filepath.Abs(filepath.Join("..", "testdata", "interop"))
	if _, statErr := os.Stat(filepath.Join(dir, "node_modules", "pix-utils")); err != nil || statErr != nil {
		if os.Getenv("BRASA_REQUIRE_INTEROP") != "" {
			t.Fatal("BRASA_REQUIRE_INTEROP is set but node or testdata/interop/node_modules is missing")
		}
		t.Skip("third-party interop skipped: needs node and `npm ci` in internal/e2e/testdata/interop (.ci/run does it)")
	}
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	type made struct{ txid, location, code, valor string }
	var codes []made
	for i, valor := range []string{"0.01", "37.00", "9999999999.99"} {
		cob, err := c.CreateCob(ctx, "interop00000000000000000000000"+string(rune('a'+i)), pixapi.CobSolicitada{
			Valor: pixapi.CobValor{Original: valor}, Chave: h.Sandbox.Pix.Chave, SolicitacaoPagador: "Interoperabilidade ç ã"})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, made{cob.TxID, cob.Location, cob.PixCopiaECola, valor})
	}
	// A charge with a due date: its payload (for today, before the due date)
	// carries the same original.
	due := time.Now().In(time.FixedZone("BRT", -3*3600)).AddDate(0, 0, 10).Format("2006-01-02")
	cobv, err := c.CreateCobV(ctx, "interopv000000000000000000000a", pixapi.CobVSolicitada{
		Calendario: pixapi.CobVCalendarioSolicitado{DataDeVencimento: pixapi.Data(due)},
		Devedor:    pixapi.Devedor{CPF: "52998224725", Nome: "Fulano de Tal"},
		Valor:      pixapi.CobVValor{Original: "150.00"}, Chave: h.Sandbox.Pix.Chave})
	if err != nil {
		t.Fatal(err)
	}
	codes = append(codes, made{cobv.TxID, cobv.Location, cobv.PixCopiaECola, "150.00"})
	for _, cob := range codes {
		valor := cob.valor
		cmd := exec.Command(node, "check.mjs", cob.code)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+h.Sandbox.CAFile)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("node check.mjs: %v\n%s", err, out)
		}
		var got struct {
			Type, URL, MerchantName, MerchantCity, Alg, TxID, Original, Status string
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		if got.Type != "DYNAMIC" || got.URL != cob.location || got.Alg != "RS256" || got.TxID != cob.txid ||
			got.Original != valor || got.Status != "ATIVA" || got.MerchantName != "EMPRESA DEMONSTRACAO LTDA" || got.MerchantCity != "PORTO ALEGRE" {
			t.Errorf("pix-utils + jose read %+v for %s", got, cob.txid)
		}
	}
}

// TestThirdPartyPixClient drives brasa with brpix-api-node, a Pix API client
// written for another PSP, unchanged but for its base URL (testdata/interop/
// client.mjs): it obtains a token with the sandbox's PKCS#12 over mutual
// TLS, creates a charge and reads it back.
func TestThirdPartyPixClient(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	dir, _ := filepath.Abs(filepath.Join("..", "testdata", "interop"))
	if _, statErr := os.Stat(filepath.Join(dir, "node_modules", "brpix-api-node")); err != nil || statErr != nil {
		if os.Getenv("BRASA_REQUIRE_INTEROP") != "" {
			t.Fatal("BRASA_REQUIRE_INTEROP is set but node or testdata/interop/node_modules is missing")
		}
		t.Skip("third-party interop skipped: needs node and `npm ci` in internal/e2e/testdata/interop (.ci/run does it)")
	}
	h := apptest.Boot(t, apptest.Options{})
	txid := "brpixnode0000000000000000000001"
	cmd := exec.Command(node, "client.mjs", filepath.Join(h.Dir, "sandbox.json"), txid)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+h.Sandbox.CAFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node client.mjs: %v\n%s", err, out)
	}
	var got struct{ Created, Read pixapi.CobCompleta }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	for name, c := range map[string]pixapi.CobCompleta{"created": got.Created, "read": got.Read} {
		if c.TxID != txid || c.Valor.Original != "10.20" || c.Status != pixapi.StatusAtiva || c.PixCopiaECola == "" || c.Devedor == nil || c.Devedor.CPF != "52998224725" {
			t.Errorf("%s: %+v", name, c)
		}
	}
	// And brasa sees the charge the third-party client made.
	if _, err := h.App.Pix.Cob(context.Background(), h.Sandbox.Pix.CNPJ, txid, nil); err != nil {
		t.Errorf("the charge is not in brasa: %v", err)
	}
}
