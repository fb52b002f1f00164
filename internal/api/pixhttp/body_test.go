package pixhttp

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestFidelityNumericStringIntegers: a JSON string holding an integer is
// read wherever the target type has an integer, at any depth (pointers,
// slices, embedded structs, case-insensitive names); anything else is
// still refused naming the dotted property.
func TestFidelityNumericStringIntegers(t *testing.T) {
	decode := func(body string, v any, root string) error {
		r := httptest.NewRequest("PUT", "/api/v2/cobv/x", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return decodeBody(r, v, root)
	}
	t.Run("cobv", func(t *testing.T) {
		var got pixapi.CobVSolicitada
		body := `{"calendario":{"dataDeVencimento":"2020-12-31","validadeAposVencimento":"30"},"loc":{"id":"789"},
			"valor":{"original":"123.45","multa":{"modalidade":"2","valorPerc":"15.00"},"juros":{"modalidade":"2","valorPerc":"2.00"},
			"abatimento":{"MODALIDADE":"1"},"desconto":{"modalidade":"1","descontoDataFixa":[{"data":"2020-11-30","valorPerc":"30.00"}]}},
			"chave":"5f84a4c5-c5cb-4599-9f13-7eb4d419dacc","solicitacaoPagador":"123"}`
		if err := decode(body, &got, "cobv"); err != nil {
			t.Fatal(err)
		}
		v := got.Valor
		if v.Multa.Modalidade != 2 || v.Juros.Modalidade != 2 || v.Abatimento.Modalidade != 1 || v.Desconto.Modalidade != 1 ||
			*got.Calendario.ValidadeAposVencimento != 30 || got.Loc.ID != 789 || got.SolicitacaoPagador != "123" || v.Original != "123.45" {
			t.Errorf("decoded %+v", got)
		}
	})
	t.Run("cob pointers", func(t *testing.T) {
		var got pixapi.CobSolicitada
		if err := decode(`{"calendario":{"expiracao":"-3600"},"valor":{"original":"1.00","modalidadeAlteracao":"1"},"chave":"x"}`, &got, "cob"); err != nil {
			t.Fatal(err)
		}
		if *got.Calendario.Expiracao != -3600 || *got.Valor.ModalidadeAlteracao != 1 {
			t.Errorf("decoded %+v", got)
		}
	})
	t.Run("lote items embed the charge", func(t *testing.T) {
		var got pixapi.LoteCobVSolicitado
		if err := decode(`{"descricao":"d","cobsV":[{"txid":"a","valor":{"original":"1.00","multa":{"modalidade":"1","valorPerc":"1.00"}}}]}`, &got, "loteCobV"); err != nil {
			t.Fatal(err)
		}
		if got.CobsV[0].Valor.Multa.Modalidade != 1 {
			t.Errorf("decoded %+v", got)
		}
	})
	for _, tt := range []struct{ name, body, prop string }{
		{"not a number", `{"calendario":{"expiracao":"muito"}}`, "cob.calendario.expiracao"},
		{"a decimal", `{"valor":{"modalidadeAlteracao":"1.5"}}`, "cob.valor.modalidadeAlteracao"},
		{"empty", `{"valor":{"modalidadeAlteracao":""}}`, "cob.valor.modalidadeAlteracao"},
		{"a number where a string goes", `{"valor":{"original":12}}`, "cob.valor.original"},
	} {
		t.Run("refused/"+tt.name, func(t *testing.T) {
			var got pixapi.CobSolicitada
			e := errs.As(decode(tt.body, &got, "cob"))
			if e == nil || e.Kind != errs.EInvalid || len(e.Violations) != 1 || e.Violations[0].Property != tt.prop {
				t.Errorf("err = %+v, want EInvalid naming %s", e, tt.prop)
			}
		})
	}
}

// TestFidelityJSONContentType: a body whose Content-Type is not JSON is
// refused naming application/json; JSON types and no Content-Type are read.
func TestFidelityJSONContentType(t *testing.T) {
	for _, tt := range []struct {
		ct string
		ok bool
	}{
		{"", true},
		{"application/json", true},
		{"application/json; charset=utf-8", true},
		{"Application/JSON", true},
		{"application/merge-patch+json", true},
		{"application/x-www-form-urlencoded", false},
		{"text/plain", false},
		{"text/plain; charset=utf-8", false},
		{"multipart/form-data; boundary=x", false},
		{"json", false},
	} {
		r := httptest.NewRequest("POST", "/api/v2/loc", strings.NewReader(`{"tipoCob":"cob"}`))
		if tt.ct != "" {
			r.Header.Set("Content-Type", tt.ct)
		}
		var got pixapi.PayloadLocationSolicitada
		err := decodeBody(r, &got, "")
		if tt.ok && (err != nil || got.TipoCob != "cob") {
			t.Errorf("%q: err %v, got %+v", tt.ct, err, got)
		}
		if !tt.ok {
			e := errs.As(err)
			if e == nil || e.Code != codeUnsupportedMediaType || !strings.Contains(e.Message, "application/json") {
				t.Errorf("%q: err %v, want %s naming application/json", tt.ct, err, codeUnsupportedMediaType)
			}
		}
	}
}
