package pix_test

import (
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestRegrasCobVDeMapsModalidades checks that each valorPerc of the wire
// lands in the field its modalidade names: an amount (Valor, centavos) or a
// percentage (Perc, basis points).
func TestRegrasCobVDeMapsModalidades(t *testing.T) {
	datas := []pixapi.DescontoDataFixa{{Data: "2024-03-01", ValorPerc: "1.50"}, {Data: "2024-03-04", ValorPerc: "0.75"}}
	tests := []struct {
		name  string
		valor pixapi.CobVValor
		want  func(r *pix.RegrasCobV)
	}{
		{"original only", pixapi.CobVValor{Original: "123.45"}, func(r *pix.RegrasCobV) {}},
		{"multa 1 valor fixo", pixapi.CobVValor{Original: "123.45", Multa: &pixapi.Multa{Modalidade: 1, ValorPerc: "15.00"}},
			func(r *pix.RegrasCobV) { r.Multa = &pix.Multa{Modalidade: 1, Valor: 15_00} }},
		{"multa 2 percentual", pixapi.CobVValor{Original: "123.45", Multa: &pixapi.Multa{Modalidade: 2, ValorPerc: "2.50"}},
			func(r *pix.RegrasCobV) { r.Multa = &pix.Multa{Modalidade: 2, Perc: 2_50} }},
		{"abatimento 1 valor fixo", pixapi.CobVValor{Original: "123.45", Abatimento: &pixapi.Abatimento{Modalidade: 1, ValorPerc: "10.00"}},
			func(r *pix.RegrasCobV) { r.Abatimento = &pix.Abatimento{Modalidade: 1, Valor: 10_00} }},
		{"abatimento 2 percentual", pixapi.CobVValor{Original: "123.45", Abatimento: &pixapi.Abatimento{Modalidade: 2, ValorPerc: "10.00"}},
			func(r *pix.RegrasCobV) { r.Abatimento = &pix.Abatimento{Modalidade: 2, Perc: 10_00} }},
		{"desconto 1 datas fixas em valor", pixapi.CobVValor{Original: "123.45", Desconto: &pixapi.Desconto{Modalidade: 1, DescontoDataFixa: datas}},
			func(r *pix.RegrasCobV) {
				r.Desconto = &pix.Desconto{Modalidade: 1, DatasFixas: []pix.DescontoDataFixa{
					{Data: D(t, "2024-03-01"), Valor: 1_50}, {Data: D(t, "2024-03-04"), Valor: 75}}}
			}},
		{"desconto 2 datas fixas em percentual", pixapi.CobVValor{Original: "123.45", Desconto: &pixapi.Desconto{Modalidade: 2, DescontoDataFixa: datas}},
			func(r *pix.RegrasCobV) {
				r.Desconto = &pix.Desconto{Modalidade: 2, DatasFixas: []pix.DescontoDataFixa{
					{Data: D(t, "2024-03-01"), Perc: 1_50}, {Data: D(t, "2024-03-04"), Perc: 75}}}
			}},
	}
	for m := 1; m <= 8; m++ {
		want := &pix.Juros{Modalidade: m}
		if m == pix.JurosValorDiasCorridos || m == pix.JurosValorDiasUteis {
			want.Valor = 33
		} else {
			want.Perc = 33
		}
		tests = append(tests, struct {
			name  string
			valor pixapi.CobVValor
			want  func(r *pix.RegrasCobV)
		}{"juros " + string(rune('0'+m)), pixapi.CobVValor{Original: "123.45", Juros: &pixapi.Juros{Modalidade: m, ValorPerc: "0.33"}},
			func(r *pix.RegrasCobV) { r.Juros = want }})
	}
	for m := 3; m <= 6; m++ {
		want := &pix.Desconto{Modalidade: m}
		if m == pix.DescontoValorAntecipacaoCorrido || m == pix.DescontoValorAntecipacaoUtil {
			want.Valor = 50
		} else {
			want.Perc = 50
		}
		tests = append(tests, struct {
			name  string
			valor pixapi.CobVValor
			want  func(r *pix.RegrasCobV)
		}{"desconto " + string(rune('0'+m)), pixapi.CobVValor{Original: "123.45", Desconto: &pixapi.Desconto{Modalidade: m, ValorPerc: "0.50"}},
			func(r *pix.RegrasCobV) { r.Desconto = want }})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pix.RegrasCobVDe("2024-03-05", 10, &tt.valor)
			if err != nil {
				t.Fatal(err)
			}
			want := pix.RegrasCobV{Original: 123_45, Vencimento: D(t, "2024-03-05"), ValidadeAposVencimento: 10}
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// overInt32 is a validadeAposVencimento outside the schema's int32 (a
// variable, so that the test builds where int has 32 bits).
var overInt32 int64 = 1 << 31

// TestRegrasCobVDeViolations checks the propriedades of the violations: each
// named as the spec names the field, and a value that does not parse
// reported once (not again by Validate with a meaningless value).
func TestRegrasCobVDeViolations(t *testing.T) {
	const venc = "2024-03-05"
	fixa := func(data, vp string) []pixapi.DescontoDataFixa {
		return []pixapi.DescontoDataFixa{{Data: pixapi.Data(data), ValorPerc: vp}}
	}
	tests := []struct {
		name     string
		venc     pixapi.Data
		validade int
		valor    pixapi.CobVValor
		want     []string
	}{
		{"original missing", venc, 30, pixapi.CobVValor{}, []string{"cobv.valor.original"}},
		{"original pattern", venc, 30, pixapi.CobVValor{Original: "10"}, []string{"cobv.valor.original"}},
		{"original zero", venc, 30, pixapi.CobVValor{Original: "0.00"}, []string{"cobv.valor.original"}},
		{"vencimento missing", "", 30, pixapi.CobVValor{Original: "1.00"}, []string{"cobv.calendario.dataDeVencimento"}},
		{"vencimento does not exist", "2023-02-29", 30, pixapi.CobVValor{Original: "1.00"}, []string{"cobv.calendario.dataDeVencimento"}},
		{"validade negative", venc, -1, pixapi.CobVValor{Original: "1.00"}, []string{"cobv.calendario.validadeAposVencimento"}},
		{"validade over int32", venc, int(overInt32), pixapi.CobVValor{Original: "1.00"}, []string{"cobv.calendario.validadeAposVencimento"}},
		{"multa pattern", venc, 30, pixapi.CobVValor{Original: "1.00", Multa: &pixapi.Multa{Modalidade: 1, ValorPerc: "5"}},
			[]string{"cobv.valor.multa.valorPerc"}},
		{"multa modalidade 3", venc, 30, pixapi.CobVValor{Original: "1.00", Multa: &pixapi.Multa{Modalidade: 3, ValorPerc: "5.00"}},
			[]string{"cobv.valor.multa.modalidade"}},
		{"juros modalidade 9", venc, 30, pixapi.CobVValor{Original: "1.00", Juros: &pixapi.Juros{Modalidade: 9, ValorPerc: "1.00"}},
			[]string{"cobv.valor.juros.modalidade"}},
		{"abatimento equal to original", venc, 30, pixapi.CobVValor{Original: "10.00", Abatimento: &pixapi.Abatimento{Modalidade: 1, ValorPerc: "10.00"}},
			[]string{"cobv.valor.abatimento.valorPerc"}},
		{"abatimento 100%", venc, 30, pixapi.CobVValor{Original: "10.00", Abatimento: &pixapi.Abatimento{Modalidade: 2, ValorPerc: "100.00"}},
			[]string{"cobv.valor.abatimento.valorPerc"}},
		{"desconto 100%", venc, 30, pixapi.CobVValor{Original: "10.00", Desconto: &pixapi.Desconto{Modalidade: 2, DescontoDataFixa: fixa(venc, "100.00")}},
			[]string{"cobv.valor.desconto.descontoDataFixa[0].valorPerc"}},
		{"desconto after vencimento", venc, 30, pixapi.CobVValor{Original: "10.00", Desconto: &pixapi.Desconto{Modalidade: 1, DescontoDataFixa: fixa("2024-03-06", "1.00")}},
			[]string{"cobv.valor.desconto.descontoDataFixa[0].data"}},
		{"desconto date malformed", venc, 30, pixapi.CobVValor{Original: "10.00", Desconto: &pixapi.Desconto{Modalidade: 1, DescontoDataFixa: fixa("05/03/2024", "1.00")}},
			[]string{"cobv.valor.desconto.descontoDataFixa[0].data"}},
		{"desconto 1 with valorPerc", venc, 30, pixapi.CobVValor{Original: "10.00", Desconto: &pixapi.Desconto{Modalidade: 1, ValorPerc: "0.00", DescontoDataFixa: fixa(venc, "1.00")}},
			[]string{"cobv.valor.desconto.valorPerc"}},
		{"desconto 1 without descontoDataFixa", venc, 30, pixapi.CobVValor{Original: "10.00", Desconto: &pixapi.Desconto{Modalidade: 1}},
			[]string{"cobv.valor.desconto.descontoDataFixa"}},
		{"desconto 3 with descontoDataFixa", venc, 30, pixapi.CobVValor{Original: "10.00", Desconto: &pixapi.Desconto{Modalidade: 3, ValorPerc: "0.10", DescontoDataFixa: fixa(venc, "1.00")}},
			[]string{"cobv.valor.desconto.descontoDataFixa"}},
		{"desconto 5 without valorPerc", venc, 30, pixapi.CobVValor{Original: "10.00", Desconto: &pixapi.Desconto{Modalidade: 5}},
			[]string{"cobv.valor.desconto.valorPerc"}},
		{"desconto 4 pattern", venc, 30, pixapi.CobVValor{Original: "10.00", Desconto: &pixapi.Desconto{Modalidade: 4, ValorPerc: "1,00"}},
			[]string{"cobv.valor.desconto.valorPerc"}},
		{"everything at once", "2024-13-01", -2, pixapi.CobVValor{Original: "x",
			Multa: &pixapi.Multa{Modalidade: 2, ValorPerc: ""}, Juros: &pixapi.Juros{Modalidade: 0, ValorPerc: "1.00"},
			Abatimento: &pixapi.Abatimento{Modalidade: 1, ValorPerc: "-1.00"}, Desconto: &pixapi.Desconto{Modalidade: 7}},
			[]string{"cobv.calendario.dataDeVencimento", "cobv.valor.original", "cobv.valor.multa.valorPerc", "cobv.valor.abatimento.valorPerc",
				"cobv.calendario.validadeAposVencimento", "cobv.valor.juros.modalidade", "cobv.valor.desconto.modalidade"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.validade == int(overInt32) && strconv.IntSize < 64 {
				t.Skip("int has 32 bits")
			}
			_, err := pix.RegrasCobVDe(tt.venc, tt.validade, &tt.valor)
			e := errs.As(err)
			if e == nil || e.Kind != errs.EInvalid {
				t.Fatalf("err = %v, want EInvalid", err)
			}
			var got []string
			for _, v := range e.Violations {
				got = append(got, v.Property)
				if v.Reason == "" {
					t.Errorf("violation of %s without razao", v.Property)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("propriedades %q, want %q (violations %+v)", got, tt.want, e.Violations)
			}
		})
	}
}

// TestRegrasCobVDeThenValorEm follows a wire cobv to its amounts, computed by
// hand: original 100.00, abatimento 10.00 (V = 90.00), multa 2 %, juros 1 %
// a.m. (calendar days), desconto 5.00 until the due date, due Tuesday
// 2024-03-05.
func TestRegrasCobVDeThenValorEm(t *testing.T) {
	r, err := pix.RegrasCobVDe("2024-03-05", 30, &pixapi.CobVValor{Original: "100.00",
		Multa:      &pixapi.Multa{Modalidade: 2, ValorPerc: "2.00"},
		Juros:      &pixapi.Juros{Modalidade: 3, ValorPerc: "1.00"},
		Abatimento: &pixapi.Abatimento{Modalidade: 1, ValorPerc: "10.00"},
		Desconto:   &pixapi.Desconto{Modalidade: 1, DescontoDataFixa: []pixapi.DescontoDataFixa{{Data: "2024-03-05", ValorPerc: "5.00"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkValor(t, r, []valorCase{
		// On the due date: 100.00 − 10.00 − 5.00.
		{pagamento: "2024-03-05", abatimento: "10.00", desconto: "5.00", fin: "85.00"},
		// 10 days late: multa 90.00 × 2 % = 1.80; juros 90.00 × 1 % × 10 ÷ 30
		// = 0.30; 90.00 + 1.80 + 0.30.
		{pagamento: "2024-03-15", abatimento: "10.00", multa: "1.80", juros: "0.30", fin: "92.10"},
	})
}
