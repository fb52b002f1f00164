package pixapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

func TestTimestampRoundTrip(t *testing.T) {
	tests := []struct{ in, out string }{
		{`"2020-09-09T20:15:00Z"`, `"2020-09-09T20:15:00.000Z"`},
		{`"2020-09-09T20:15:00.358Z"`, `"2020-09-09T20:15:00.358Z"`},
		{`"2020-09-09T20:15:00.3Z"`, `"2020-09-09T20:15:00.300Z"`},
		{`"2020-09-09T20:15:00.123456789Z"`, `"2020-09-09T20:15:00.123Z"`}, // truncated, not rounded
		{`"2020-09-09T20:15:00.999999Z"`, `"2020-09-09T20:15:00.999Z"`},
		{`"2020-09-09T17:15:00.358-03:00"`, `"2020-09-09T20:15:00.358Z"`},
		{`"2020-09-10T01:45:00+05:30"`, `"2020-09-09T20:15:00.000Z"`},
		{`"2020-09-09T20:15:00+00:00"`, `"2020-09-09T20:15:00.000Z"`},
		{`"2020-09-09t20:15:00z"`, `"2020-09-09T20:15:00.000Z"`}, // RFC 3339 §5.6
		{`"2020-12-31T23:59:59.9999-03:00"`, `"2021-01-01T02:59:59.999Z"`},
	}
	for _, tc := range tests {
		var ts pixapi.Timestamp
		if err := json.Unmarshal([]byte(tc.in), &ts); err != nil {
			t.Errorf("Unmarshal(%s): %v", tc.in, err)
			continue
		}
		b, err := json.Marshal(ts)
		if err != nil || string(b) != tc.out {
			t.Errorf("%s -> %s, %v; want %s", tc.in, b, err, tc.out)
		}
		if ts.String() != strings.Trim(tc.out, `"`) {
			t.Errorf("String() = %s, want %s", ts, tc.out)
		}
	}

	var ts pixapi.Timestamp
	json.Unmarshal([]byte(`"2020-09-09T17:15:00.358-03:00"`), &ts)
	if want := time.Date(2020, 9, 9, 20, 15, 0, 358e6, time.UTC); !ts.Equal(want) {
		t.Errorf("decoded %v, want the instant %v", ts.Time, want)
	}
}

func TestTimestampRejects(t *testing.T) {
	for _, in := range []string{
		`"2020-09-09T20:15:00"`,  // no offset
		`"2020-09-09 20:15:00Z"`, // space
		`"2020-09-09"`,
		`"20:15:00Z"`,
		`"2020-13-09T20:15:00Z"`,
		`"2020-09-09T24:15:00Z"`,
		`""`,
		`1599682500`,
		`true`,
		`{}`,
	} {
		var ts pixapi.Timestamp
		if err := json.Unmarshal([]byte(in), &ts); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", in, ts)
		}
	}

	// null leaves the value alone, as for other JSON types.
	ts := pixapi.Timestamp{Time: time.Unix(1, 0)}
	if err := json.Unmarshal([]byte(`null`), &ts); err != nil || !ts.Equal(time.Unix(1, 0)) {
		t.Errorf("Unmarshal(null) = %v, %v", ts, err)
	}

	if b, err := json.Marshal(pixapi.Timestamp{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Errorf("year 10000 marshalled as %s", b)
	}
}

// A Timestamp is also text, for query strings and map keys.
func TestTimestampText(t *testing.T) {
	var ts pixapi.Timestamp
	if err := ts.UnmarshalText([]byte("2020-09-09T20:15:00-03:00")); err != nil {
		t.Fatal(err)
	}
	b, err := ts.MarshalText()
	if err != nil || string(b) != "2020-09-09T23:15:00.000Z" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
	if b, err := ts.AppendText([]byte("at ")); err != nil || string(b) != "at 2020-09-09T23:15:00.000Z" {
		t.Errorf("AppendText = %s, %v", b, err)
	}
	m, _ := json.Marshal(map[pixapi.Timestamp]int{ts: 1})
	if string(m) != `{"2020-09-09T23:15:00.000Z":1}` {
		t.Errorf("as a map key: %s", m)
	}
}

func TestData(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	// 01:30 UTC on 1 January is still 31 December in Brasília.
	instant := time.Date(2021, 1, 1, 1, 30, 0, 0, time.UTC)
	if d := pixapi.DataOf(instant.In(sp)); d != "2020-12-31" {
		t.Errorf("DataOf = %s, want 2020-12-31", d)
	}
	tm, err := pixapi.Data("2020-12-31").Time(sp)
	if err != nil || !tm.Equal(time.Date(2020, 12, 31, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("Time = %v, %v", tm, err)
	}
	for d, ok := range map[pixapi.Data]bool{"2020-12-31": true, "2020-02-29": true, "2021-02-29": false, "31/12/2020": false, "2020-12-31T00:00:00Z": false, "": false} {
		if d.Valid() != ok {
			t.Errorf("%q.Valid() = %v", d, !ok)
		}
	}
	b, _ := json.Marshal(pixapi.CobVCalendarioSolicitado{DataDeVencimento: "2020-12-31"})
	if string(b) != `{"dataDeVencimento":"2020-12-31"}` {
		t.Errorf("calendario %s", b)
	}
}

// Zero values: the required fields are always written (revisao 0 is a
// revision, Original "" is reported by the server as a violation rather
// than silently missing) and the optional ones are left out. Zero
// Timestamps are left out too: they are never a real value, and a missing
// required date-time is what a spec validator reports.
func TestZeroValuesMarshal(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{pixapi.CobCompleta{}, `{"calendario":{"expiracao":0},"txid":"","revisao":0,"status":"","valor":{"original":""},"chave":""}`},
		{pixapi.CobSolicitada{}, `{"calendario":{},"valor":{"original":""},"chave":""}`},
		{pixapi.CobRevisada{}, `{}`},
		{pixapi.CobVCompleta{}, `{"calendario":{"dataDeVencimento":"","validadeAposVencimento":0},"txid":"","revisao":0,"location":"","status":"","devedor":{"nome":""},"recebedor":{"nome":"","logradouro":"","cidade":"","uf":"","cep":""},"valor":{"original":""},"chave":""}`},
		{pixapi.CobVSolicitada{}, `{"calendario":{"dataDeVencimento":""},"devedor":{"nome":""},"valor":{"original":""},"chave":""}`},
		{pixapi.CobVRevisada{}, `{}`},
		{pixapi.CobPayload{}, `{"calendario":{"expiracao":0},"txid":"","revisao":0,"status":"","valor":{"original":""},"chave":""}`},
		{pixapi.CobVPayload{}, `{"calendario":{"dataDeVencimento":"","validadeAposVencimento":0},"devedor":{"nome":""},"recebedor":{"nome":"","logradouro":"","cidade":"","uf":"","cep":""},"txid":"","revisao":0,"status":"","valor":{"final":""},"chave":""}`},
		{pixapi.Loc{}, `{"id":0,"location":"","tipoCob":""}`},
		{pixapi.PayloadLocationSolicitada{}, `{"tipoCob":""}`},
		{pixapi.Pix{}, `{"endToEndId":"","valor":""}`},
		{pixapi.Devolucao{}, `{"id":"","rtrId":"","valor":"","horario":{},"status":""}`},
		{pixapi.DevolucaoSolicitada{}, `{"valor":""}`},
		{pixapi.Webhook{}, `{"webhookUrl":""}`},
		{pixapi.LoteCobVSolicitado{}, `{"descricao":"","cobsv":[]}`},
		{pixapi.LoteCobVRevisado{}, `{}`},
		{pixapi.LoteCobVConsultado{}, `{"id":0,"descricao":"","cobsv":[]}`},
		{pixapi.LoteCobVItem{}, `{"txid":"","status":""}`},
		{pixapi.CobsConsultadas{}, `{"parametros":{"paginacao":{"paginaAtual":0,"itensPorPagina":0,"quantidadeDePaginas":0,"quantidadeTotalDeItens":0}},"cobs":[]}`},
		{&pixapi.CobsVConsultadas{}, `{"parametros":{"paginacao":{"paginaAtual":0,"itensPorPagina":0,"quantidadeDePaginas":0,"quantidadeTotalDeItens":0}},"cobs":[]}`},
		{pixapi.LotesCobVConsultados{}, `{"parametros":{"paginacao":{"paginaAtual":0,"itensPorPagina":0,"quantidadeDePaginas":0,"quantidadeTotalDeItens":0}},"lotes":[]}`},
		{pixapi.PayloadLocationConsultadas{}, `{"parametros":{"paginacao":{"paginaAtual":0,"itensPorPagina":0,"quantidadeDePaginas":0,"quantidadeTotalDeItens":0}},"loc":[]}`},
		{pixapi.PixConsultados{}, `{"parametros":{"paginacao":{"paginaAtual":0,"itensPorPagina":0,"quantidadeDePaginas":0,"quantidadeTotalDeItens":0}},"pix":[]}`},
		{pixapi.WebhooksConsultados{}, `{"webhooks":[]}`},
		{pixapi.WebhookPixBody{}, `{"pix":[]}`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("%T:\ngot  %s %v\nwant %s", tc.v, b, err, tc.want)
		}
	}
}

// Optional numbers whose zero is meaningful are pointers: 0 is sent, nil is
// not, and decoding keeps the difference.
func TestZeroVersusAbsent(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{pixapi.CobValor{Original: "1.00"}, `{"original":"1.00"}`},
		{pixapi.CobValor{Original: "1.00", ModalidadeAlteracao: pixapi.Ptr(0)}, `{"original":"1.00","modalidadeAlteracao":0}`},
		{pixapi.CobCalendarioSolicitado{}, `{}`},
		{pixapi.CobCalendarioSolicitado{Expiracao: pixapi.Ptr(0)}, `{"expiracao":0}`}, // invalid, but the server must see it
		{pixapi.CobVCalendarioSolicitado{DataDeVencimento: "2020-12-31", ValidadeAposVencimento: pixapi.Ptr(0)}, `{"dataDeVencimento":"2020-12-31","validadeAposVencimento":0}`},
		{pixapi.ValorRetirada{Valor: "5.00", ModalidadeAlteracao: pixapi.Ptr(0), ModalidadeAgente: pixapi.ModalidadeAgenteAGPSS, PrestadorDoServicoDeSaque: "01181521"},
			`{"valor":"5.00","modalidadeAlteracao":0,"modalidadeAgente":"AGPSS","prestadorDoServicoDeSaque":"01181521"}`},
		{pixapi.ParametrosConsultaCob{LocationPresente: pixapi.Ptr(false)}, `{"locationPresente":false,"paginacao":{"paginaAtual":0,"itensPorPagina":0,"quantidadeDePaginas":0,"quantidadeTotalDeItens":0}}`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("%T:\ngot  %s %v\nwant %s", tc.v, b, err, tc.want)
		}
	}

	var absent, zero pixapi.CobValor
	json.Unmarshal([]byte(`{"original":"1.00"}`), &absent)
	json.Unmarshal([]byte(`{"original":"1.00","modalidadeAlteracao":0}`), &zero)
	if absent.ModalidadeAlteracao != nil || zero.ModalidadeAlteracao == nil || *zero.ModalidadeAlteracao != 0 {
		t.Errorf("modalidadeAlteracao absent -> %v, 0 -> %v", absent.ModalidadeAlteracao, zero.ModalidadeAlteracao)
	}
}

// The payload JSON of the spec's examples decodes and re-encodes.
func TestPayloadExamples(t *testing.T) {
	p := mustDecode[pixapi.CobPayload](t, exCobPayload1)
	b, _ := json.Marshal(p)
	assertJSON(t, "cobPayload1", b, []byte(exCobPayload1), nil)
	if p.Calendario.Apresentacao.Format(time.RFC3339) != "2020-04-01T18:00:00Z" || *p.Valor.ModalidadeAlteracao != 0 {
		t.Errorf("decoded %+v", p)
	}

	v := mustDecode[pixapi.CobVPayload](t, exCobPayload2)
	b, _ = json.Marshal(v)
	assertJSON(t, "cobPayload2", b, []byte(exCobPayload2), nil)
	if v.Valor.Final != "140.45" || v.Recebedor.CNPJ != "58900633120711" || v.Calendario.DataDeVencimento != "2020-12-31" {
		t.Errorf("decoded %+v", v)
	}
}

// The request examples the method tests do not send decode and re-encode.
func TestRequestExamples(t *testing.T) {
	for name, ex := range map[string]string{"cobBody2": exCobBody2, "cobBody3": exCobBody3} {
		var b []byte
		if name == "cobBody2" {
			b, _ = json.Marshal(mustDecode[pixapi.CobSolicitada](t, ex))
		} else {
			b, _ = json.Marshal(mustDecode[pixapi.CobRevisada](t, ex))
		}
		assertJSON(t, name, b, []byte(ex), nil)
	}

	// cobBody1 carries modalidade as strings; the schema says integer and
	// the types follow the schema.
	var cobv pixapi.CobVSolicitada
	if err := json.Unmarshal([]byte(exCobBody1), &cobv); err == nil {
		t.Error("cobBody1 with string modalidades decoded without error")
	}
	cobv = mustDecode[pixapi.CobVSolicitada](t, cobBody1Fixed)
	if cobv.Valor.Multa.Modalidade != 2 || cobv.Valor.Desconto.DescontoDataFixa[0].Data != "2020-11-30" || *cobv.Calendario.ValidadeAposVencimento != 30 {
		t.Errorf("decoded %+v", cobv)
	}
}

// The webhook callback body the PSP POSTs to webhookUrl/pix.
func TestWebhookPixBody(t *testing.T) {
	body := `{"pix":[` + exPixResponse1 + `,` + exPixResponse2 + `]}`
	w := mustDecode[pixapi.WebhookPixBody](t, body)
	if len(w.Pix) != 2 || w.Pix[0].Devolucoes[0].Status != pixapi.DevolucaoEmProcessamento {
		t.Fatalf("decoded %+v", w)
	}
	b, _ := json.Marshal(w)
	assertJSON(t, "webhook body", b, []byte(body), nil)
}

// componentesValor's saque and troco also read the misspelt
// "prestadorDeServicoDeSaque" of the spec's examples, and always write the
// schema's name.
func TestComponenteRetiradaSpellings(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"valor":"1.00","modalidadeAgente":"AGPSS","prestadorDoServicoDeSaque":"01181521"}`, "01181521"},
		{`{"valor":"1.00","modalidadeAgente":"AGPSS","prestadorDeServicoDeSaque":"12345678"}`, "12345678"},
		{`{"valor":"1.00","modalidadeAgente":"AGPSS","prestadorDeServicoDeSaque":"12345678","prestadorDoServicoDeSaque":"01181521"}`, "01181521"},
		{`{"prestadorDoServicoDeSaque":"01181521","prestadorDeServicoDeSaque":"12345678"}`, "01181521"},
	}
	for _, tc := range tests {
		var c pixapi.ComponenteRetirada
		if err := json.Unmarshal([]byte(tc.in), &c); err != nil || c.PrestadorDoServicoDeSaque != tc.want {
			t.Errorf("%s -> %+v, %v; want %s", tc.in, c, err, tc.want)
		}
		b, _ := json.Marshal(c)
		if strings.Contains(string(b), "prestadorDe") {
			t.Errorf("re-encoded as %s", b)
		}
	}
	var c pixapi.ComponenteRetirada
	if err := json.Unmarshal([]byte(`{"valor":1}`), &c); err == nil {
		t.Error("a number valor decoded without error")
	}
}
