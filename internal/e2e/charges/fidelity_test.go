package charges_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/pixapi"
)

// Issue 16 ("Fidelity sweep"), Pix charges: what real clients send that the
// spec's letter does not, answered as Spring-based PSPs answer it.

// rawSender sends requests the spec validator would flag (they are off the
// spec's letter on purpose) with the demo tenant's token.
func rawSender(t *testing.T, h *apptest.Harness, c *pixapi.Client) func(method, path, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	cert := h.DemoCertificate()
	raw := h.Client(&cert)
	tok, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return func(method, path, contentType, body string) (*http.Response, []byte) {
		t.Helper()
		r, _ := http.NewRequest(method, h.APIURL()+path, strings.NewReader(body))
		if body == "" {
			r, _ = http.NewRequest(method, h.APIURL()+path, nil)
		}
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		return apptest.Do(t, raw, r)
	}
}

// TestFidelityNumericStringIntegers: the spec's own cobv example (cobBody1)
// sends "modalidade": "2" for multa and juros and "1" for desconto; a JSON
// string holding an integer is read wherever the spec types an integer, and
// the answer carries integers. A string that is not an integer is still 400
// naming the dotted property.
func TestFidelityNumericStringIntegers(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	send := rawSender(t, h, c)
	chave := h.Sandbox.Pix.Chave

	t.Run("cobv as the spec's example", func(t *testing.T) {
		txid := "fidelidadenumerica0000000000001"
		body := `{"calendario":{"dataDeVencimento":"` + diaUtilApos(h, 7).String() + `","validadeAposVencimento":"30"},
			"devedor":{"logradouro":"Alameda Souza, Numero 80, Bairro Braz","cidade":"Recife","uf":"PE","cep":"70011750","cpf":"12345678909","nome":"Francisco da Silva"},
			"valor":{"original":"123.45","multa":{"modalidade":"2","valorPerc":"15.00"},"juros":{"modalidade":"2","valorPerc":"2.00"},
				"abatimento":{"modalidade":"1","valorPerc":"1.00"},
				"desconto":{"modalidade":"1","descontoDataFixa":[{"data":"` + diaUtilApos(h, 1).String() + `","valorPerc":"30.00"}]}},
			"chave":"` + chave + `","solicitacaoPagador":"Cobrança dos serviços prestados."}`
		resp, b := send("PUT", "/api/v2/cobv/"+txid, "application/json", body)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		var got struct {
			Calendario struct {
				ValidadeAposVencimento any `json:"validadeAposVencimento"`
			} `json:"calendario"`
			Valor struct {
				Multa, Juros, Abatimento, Desconto struct {
					Modalidade any `json:"modalidade"`
				}
			} `json:"valor"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if got.Calendario.ValidadeAposVencimento != 30.0 {
			t.Errorf("validadeAposVencimento = %#v, want the integer 30: %s", got.Calendario.ValidadeAposVencimento, b)
		}
		v := got.Valor
		for _, m := range []struct {
			name      string
			got, want any
		}{{"multa", v.Multa.Modalidade, 2.0}, {"juros", v.Juros.Modalidade, 2.0}, {"abatimento", v.Abatimento.Modalidade, 1.0}, {"desconto", v.Desconto.Modalidade, 1.0}} {
			if m.got != m.want {
				t.Errorf("valor.%s.modalidade = %#v, want the integer %v", m.name, m.got, m.want)
			}
		}
		// Read back through the spec-validating client: integers, per the spec.
		cob, err := c.GetCobV(ctx, txid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if cob.Valor.Multa == nil || cob.Valor.Multa.Modalidade != 2 || cob.Valor.Desconto == nil || cob.Valor.Desconto.Modalidade != 1 {
			t.Errorf("stored %+v", cob.Valor)
		}
	})
	t.Run("cob expiracao and modalidadeAlteracao", func(t *testing.T) {
		resp, b := send("PUT", "/v2/cob/fidelidadenumerica0000000000002", "application/json",
			`{"calendario":{"expiracao":"3600"},"valor":{"original":"37.00","modalidadeAlteracao":"1"},"chave":"`+chave+`"}`)
		if resp.StatusCode != http.StatusCreated || !strings.Contains(string(b), `"expiracao":3600`) || !strings.Contains(string(b), `"modalidadeAlteracao":1`) {
			t.Errorf("status %d: %s", resp.StatusCode, b)
		}
	})
	t.Run("a string that is not an integer names the property", func(t *testing.T) {
		for _, tt := range []struct{ modalidade, prop string }{{`"dois"`, "cobv.valor.multa.modalidade"}, {`"2.5"`, "cobv.valor.multa.modalidade"}} {
			r, _ := http.NewRequest("PUT", h.APIURL()+"/api/v2/cobv/fidelidadenumerica0000000000003", strings.NewReader(
				`{"calendario":{"dataDeVencimento":"`+diaUtilApos(h, 7).String()+`"},"devedor":{"cpf":"12345678909","nome":"F"},`+
					`"valor":{"original":"10.00","multa":{"modalidade":`+tt.modalidade+`,"valorPerc":"1.00"}},"chave":"`+chave+`"}`))
			r.Header.Set("Content-Type", "application/json")
			tok, _ := c.Token(ctx)
			r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			resp, b := apptest.Do(t, c.HTTPClient(), r)
			var p pixapi.Problem
			_ = json.Unmarshal(b, &p)
			if resp.StatusCode != 400 || p.Tipo() != "CobVOperacaoInvalida" || !apptest.HasViolation(&p, tt.prop) {
				t.Errorf("modalidade %s: status %d body %s, want CobVOperacaoInvalida naming %s", tt.modalidade, resp.StatusCode, b, tt.prop)
			}
		}
	})
}

// TestFidelityJSONContentType: a charge body sent as text/plain,
// application/x-www-form-urlencoded (what curl -d sends) or multipart is
// refused with 400 RequisicaoInvalida naming application/json (415 is not
// among the spec's statuses) and nothing is written; application/json with
// parameters, and a body with no Content-Type at all, are read.
func TestFidelityJSONContentType(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	send := rawSender(t, h, c)
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	chave := h.Sandbox.Pix.Chave
	cob := `{"calendario":{"expiracao":3600},"valor":{"original":"37.00"},"chave":"` + chave + `"}`
	if _, err := c.CreateCobV(ctx, "fidelidadeconteudo00000000000v", cobvBase(h, diaUtilApos(h, 7))); err != nil {
		t.Fatal(err)
	}

	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "text/plain; charset=utf-8", "multipart/form-data; boundary=x"} {
		for _, tt := range []struct{ method, path, body string }{
			{"PUT", "/api/v2/cob/fidelidadeconteudo000000000001", cob},
			{"POST", "/v2/cob", cob},
			{"PATCH", "/api/v2/cobv/fidelidadeconteudo00000000000v", `{"solicitacaoPagador":"mudou"}`},
			{"POST", "/api/v2/loc", `{"tipoCob":"cob"}`},
			{"PUT", "/v2/webhook/" + url.PathEscape(chave), `{"webhookUrl":"https://127.0.0.1:1/hook"}`},
		} {
			// Through the spec-validating client: the 400 is a spec answer.
			r, _ := http.NewRequest(tt.method, h.APIURL()+tt.path, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", ct)
			r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			resp, b := apptest.Do(t, c.HTTPClient(), r)
			var p pixapi.Problem
			_ = json.Unmarshal(b, &p)
			if resp.StatusCode != 400 || p.Tipo() != "RequisicaoInvalida" || !strings.Contains(p.Detail, "application/json") ||
				resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s as %s: status %d body %s", tt.method, tt.path, ct, resp.StatusCode, b)
			}
		}
	}
	if _, err := c.GetCob(ctx, "fidelidadeconteudo000000000001", nil); apptest.ProblemOf(t, err).Status != 404 {
		t.Errorf("a refused PUT created the charge: %v", err)
	}
	if got, err := c.GetCobV(ctx, "fidelidadeconteudo00000000000v", nil); err != nil || got.Revisao != 0 {
		t.Errorf("a refused PATCH revised the charge: %+v %v", got, err)
	}

	for _, tt := range []struct{ ct, txid string }{{"", "fidelidadeconteudo000000000002"}, {"application/json; charset=utf-8", "fidelidadeconteudo000000000003"}} {
		if resp, b := send("PUT", "/api/v2/cob/"+tt.txid, tt.ct, cob); resp.StatusCode != http.StatusCreated {
			t.Errorf("Content-Type %q: status %d body %s", tt.ct, resp.StatusCode, b)
		}
	}
}

// TestFidelityListTrailingSlash: Efí's SDK lists with a trailing slash
// (GET /v2/cobv/); every list route answers it as it answers the route
// without the slash.
func TestFidelityListTrailingSlash(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	send := rawSender(t, h, c)
	if _, err := c.CreateCob(ctx, "fidelidadebarra00000000000001", pixapi.CobSolicitada{
		Valor: pixapi.CobValor{Original: "1.00"}, Chave: h.Sandbox.Pix.Chave}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCobV(ctx, "fidelidadebarra0000000000000v", cobvBase(h, diaUtilApos(h, 7))); err != nil {
		t.Fatal(err)
	}
	now := h.App.Clock.Now()
	q := "?" + url.Values{"inicio": {now.Add(-time.Hour).Format(time.RFC3339)}, "fim": {now.Add(time.Hour).Format(time.RFC3339)}}.Encode()
	for _, prefix := range []string{"/api/v2", "/v2"} {
		for _, res := range []string{"cob", "cobv", "lotecobv", "loc", "pix", "webhook"} {
			path := prefix + "/" + res
			want, wantBody := send("GET", path+q, "", "")
			got, gotBody := send("GET", path+"/"+q, "", "")
			if want.StatusCode != 200 || got.StatusCode != 200 || string(gotBody) != string(wantBody) {
				t.Errorf("GET %s/: %d %s\nGET %s: %d %s", path, got.StatusCode, gotBody, path, want.StatusCode, wantBody)
			}
		}
	}
}
