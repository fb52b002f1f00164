package sisgru_test

import (
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/sisgru"
)

func TestParseGRURef(t *testing.T) {
	r, err := sisgru.ParseGRURef(" ug=153114; recolhimento=28830-6 ;referencia=2026001;servico=16279")
	if err != nil || r != (sisgru.GRURef{UG: "153114", Recolhimento: 288306, Referencia: 2026001, Servico: 16279}) {
		t.Errorf("ParseGRURef = %+v, %v", r, err)
	}
	for _, bad := range []string{"", "ug=153114", "recolhimento=288306", "ug=15311;recolhimento=288306", "ug=153114;recolhimento=2883",
		"ug=153114;recolhimento=288306;cor=azul", "ug=153114;recolhimento=288306;referencia=x", "ug153114"} {
		if _, err := sisgru.ParseGRURef(bad); err == nil {
			t.Errorf("ParseGRURef(%q) accepted", bad)
		}
	}
}

func TestFromPixIsDeterministicAndLinked(t *testing.T) {
	ref := sisgru.GRURef{UG: "153114", Recolhimento: 288306}
	p := sisgru.PixPayment{EndToEndID: "E00000000202611221010abcdefghijk", ISPB: "00000000", Horario: time.Date(2026, 11, 22, 13, 10, 0, 0, time.UTC),
		Original: 10000, Multa: 200, Total: 10200, ContribuinteDoc: "11222333000181", ContribuinteNome: "Loja"}
	pag, gru := sisgru.FromPix(ref, p)
	pag2, gru2 := sisgru.FromPix(ref, p)
	if pag.ID != pag2.ID || pag.Codigo != pag2.Codigo || gru.ID != gru2.ID {
		t.Error("FromPix is not deterministic")
	}
	if gru.CodigoPagamento != pag.Codigo || gru.NumeroTransacaoPSP != p.EndToEndID || gru.OrigemGRU != sisgru.OrigemPix || gru.TipoRecolhedor != 1 ||
		gru.VlMulta != 200 || gru.VlTotal != 10200 || pag.TipoPagamento != sisgru.TipoPix || pag.Situacao != sisgru.PagamentoConcluido || len(pag.Codigo) != 22 {
		t.Errorf("pagamento %+v\ngru %+v", pag, gru)
	}
	if !sisgru.ValidGRUID(gru.ID) {
		t.Errorf("GRU id %q is not a valid id", gru.ID)
	}
	other := p
	other.EndToEndID = "E00000000202611221010abcdefghijl"
	if pag3, gru3 := sisgru.FromPix(ref, other); pag3.ID == pag.ID || gru3.ID == gru.ID {
		t.Error("two Pix gave the same ids")
	}
}
