package sisgru_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/sisgru"
)

func TestGenerator(t *testing.T) {
	at := time.Date(2026, 3, 25, 18, 0, 0, 0, sisgru.Brasilia)
	to := sisgru.DateOf(at)
	from := to.AddDays(-29)
	ugs := []string{"158461", "153114"}
	grus, pags := sisgru.NewGenerator(7, ugs, from, to, at).Batch(5000)
	again, againPags := sisgru.NewGenerator(7, ugs, from, to, at).Batch(5000)
	if !reflect.DeepEqual(grus, again) || !reflect.DeepEqual(pags, againPags) {
		t.Fatal("the generator is not deterministic for a seed")
	}
	if len(grus) != 5000 {
		t.Fatalf("%d GRUs, want 5000", len(grus))
	}
	byCodigo := map[string]*sisgru.Pagamento{}
	ids := map[int64]bool{}
	for i := range pags {
		p := &pags[i]
		if ids[p.ID] || byCodigo[p.Codigo] != nil {
			t.Fatalf("repeated pagamento %d %s", p.ID, p.Codigo)
		}
		ids[p.ID], byCodigo[p.Codigo] = true, p
		if len(p.Codigo) != 22 || !sisgru.ValidUG(p.UG.Codigo) || p.UG.Nome == "" || p.Data.After(at) || sisgru.DateOf(p.Data) < from {
			t.Fatalf("pagamento %+v", p)
		}
		if (len(p.CodigoContribuinte) == 11) != sisgru.ValidCPF(p.CodigoContribuinte) {
			t.Fatalf("invalid CPF %s", p.CodigoContribuinte)
		}
		if p.TipoPagamento == sisgru.TipoPix && p.Situacao == sisgru.PagamentoConcluido &&
			(!strings.HasPrefix(p.NumeroTransacaoPSP, "E"+p.ISPB) || len(p.NumeroTransacaoPSP) != 32) {
			t.Fatalf("Pix pagamento without an endToEndId of its payer: %+v", p)
		}
	}
	seen := map[string]bool{}
	linked, intra := 0, 0
	for i := range grus {
		g := &grus[i]
		if seen[g.ID] || !sisgru.ValidGRUID(g.ID) || len(g.ID) != 20 {
			t.Fatalf("GRU id %q repeated or malformed", g.ID)
		}
		seen[g.ID] = true
		if g.VlTotal != g.VlPrincipal-g.VlDesconto-g.VlOutraDeducao+g.VlMulta+g.VlJuros+g.VlAcrescimo {
			t.Fatalf("GRU %s total %d does not add up", g.ID, g.VlTotal)
		}
		if g.DtEmissao < from || g.DtEmissao > to || g.DtCriacaoSISGRU.IsZero() {
			t.Fatalf("GRU %s dates %+v", g.ID, g)
		}
		switch g.Situacao {
		case sisgru.SituacaoPendenteContabilizacao:
			if g.DtEmissao != to || !g.DtContabilizacaoSiafi.IsZero() {
				t.Fatalf("pending GRU %+v", g)
			}
		default:
			if g.DtContabilizacaoSiafi.IsZero() || g.DtContabilizacaoSiafi.After(at) {
				t.Fatalf("accounted GRU %+v", g)
			}
		}
		if g.CodigoPagamento == "" {
			intra++
			if g.OrigemGRU != sisgru.OrigemIntrasiafi {
				t.Fatalf("GRU without pagamento from origin %d", g.OrigemGRU)
			}
			continue
		}
		linked++
		p := byCodigo[g.CodigoPagamento]
		if p == nil || p.Situacao != sisgru.PagamentoConcluido || p.NumeroTransacaoPSP != g.NumeroTransacaoPSP ||
			p.ValorTotal != g.VlPrincipal || p.UG.Codigo != g.UGArrecadadora || p.Servico.ID != g.Servico || sisgru.DateOf(p.DataPagamentoPSP) != g.DtEmissao {
			t.Fatalf("GRU %+v does not match its pagamento %+v", g, p)
		}
		if p.TipoPagamento == sisgru.TipoPix && g.OrigemGRU != sisgru.OrigemPix {
			t.Fatalf("Pix GRU from origin %d", g.OrigemGRU)
		}
	}
	if intra < 300 || linked < 4000 || len(pags) < linked+200 {
		t.Errorf("mix: %d linked, %d intra-SIAFI, %d pagamentos", linked, intra, len(pags))
	}
	other, _ := sisgru.NewGenerator(8, ugs, from, to, at).Batch(100)
	for _, g := range other {
		if seen[g.ID] {
			t.Fatalf("seeds 7 and 8 share GRU id %s", g.ID)
		}
	}
}

func TestValidCPF(t *testing.T) {
	for s, want := range map[string]bool{"52998224725": true, "11144477735": true, "52998224726": false, "11111111111": false, "5299822472": false, "5299822472a": false} {
		if sisgru.ValidCPF(s) != want {
			t.Errorf("ValidCPF(%s) = %v", s, !want)
		}
	}
}
