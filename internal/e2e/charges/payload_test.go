package charges_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/brasa-dev/brasa/brcode"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/spectest"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestPayloadAsAPayerAppReadsIt follows a payer app: parse the BR Code,
// fetch the location over HTTPS, fetch the JWKS named by jku, verify the JWS
// with an independent JOSE library, and read the charge.
func TestPayloadAsAPayerAppReadsIt(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	spec := spectest.Validator(t)
	ctx := context.Background()
	cob, err := c.CreateCob(ctx, "payload00000000000000000000000", pixapi.CobSolicitada{
		Calendario: pixapi.CobCalendarioSolicitado{Expiracao: pixapi.Ptr(600)},
		Valor:      pixapi.CobValor{Original: "123.45"}, Chave: h.Sandbox.Pix.Chave, SolicitacaoPagador: "Pedido 42"})
	if err != nil {
		t.Fatal(err)
	}
	code, err := brcode.Parse(cob.PixCopiaECola)
	if err != nil {
		t.Fatal(err)
	}
	web := h.Client(nil) // public: no client certificate
	fetch := func(url string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", url, nil)
		return apptest.Do(t, web, req)
	}
	resp, body := fetch("https://" + code.URL)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/jose" {
		t.Fatalf("GET location: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	spec.ValidatePayloadResponse(t, resp.Request, resp.StatusCode, resp.Header, body)
	jws, err := jose.ParseSigned(string(body), []jose.SignatureAlgorithm{jose.RS256, jose.PS256})
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.Signatures[0].Protected
	jku, _ := hdr.ExtraHeaders["jku"].(string)
	if !strings.HasPrefix(jku, "https://"+strings.Split(code.URL, "/")[0]) {
		t.Errorf("jku %q is not on the location's host", jku)
	}
	_, jwksBody := fetch(jku)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwksBody, &set); err != nil {
		t.Fatal(err)
	}
	keys := set.Key(hdr.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q not in the JWKS", hdr.KeyID)
	}
	if _, err := keys[0].Certificates[0].Verify(h.VerifyOptions(strings.Split(strings.Split(code.URL, "/")[0], ":")[0])); err != nil {
		t.Errorf("the signing certificate does not chain to the CA for the location host: %v", err)
	}
	plain, err := jws.Verify(keys[0])
	if err != nil {
		t.Fatal(err)
	}
	var p pixapi.CobPayload
	if err := json.Unmarshal(plain, &p); err != nil {
		t.Fatal(err)
	}
	if p.TxID != cob.TxID || p.Valor.Original != "123.45" || p.Status != pixapi.StatusAtiva || p.SolicitacaoPagador != "Pedido 42" {
		t.Errorf("payload %+v", p)
	}
	if d := time.Since(p.Calendario.Apresentacao.Time); d < 0 || d > time.Minute {
		t.Errorf("apresentacao %v is not the fetch time", p.Calendario.Apresentacao)
	}

	// Unknown location: 404. Expired: 410. Removed: 410.
	if resp, body := fetch("https://" + strings.Replace(code.URL, code.URL[len(code.URL)-6:], "000000", 1)); resp.StatusCode != 404 || !strings.Contains(string(body), "CobPayloadNaoEncontrado") {
		t.Errorf("unknown location: %d %s", resp.StatusCode, body)
	} else {
		spec.ValidatePayloadResponse(t, resp.Request, resp.StatusCode, resp.Header, body)
	}
	h.App.SandboxClock.Advance(601 * time.Second)
	if resp, body := fetch("https://" + code.URL); resp.StatusCode != 410 || !strings.Contains(string(body), "CobPayloadNaoEncontrado") {
		t.Errorf("expired: %d %s", resp.StatusCode, body)
	}
	got, err := c.GetCob(ctx, cob.TxID, nil)
	if err != nil || got.Status != pixapi.StatusAtiva {
		t.Errorf("expiry must not change the status: %+v %v", got, err)
	}
	if _, err := c.UpdateCob(ctx, cob.TxID, pixapi.CobRevisada{Calendario: &pixapi.CobCalendarioSolicitado{Expiracao: pixapi.Ptr(7200)}}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := fetch("https://" + code.URL); resp.StatusCode != 200 {
		t.Errorf("after PATCHing a longer expiracao: %d", resp.StatusCode)
	}
	if _, err := c.UpdateCob(ctx, cob.TxID, pixapi.CobRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := fetch("https://" + code.URL); resp.StatusCode != 410 {
		t.Errorf("removed: %d", resp.StatusCode)
	}
}
