package charges_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/brasa-dev/brasa/brcode"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/spectest"
	"github.com/brasa-dev/brasa/pixapi"
)

// hojeEm is today in Brasília on the app's clock.
func hojeEm(h *apptest.Harness) pix.Data { return pix.DataEm(h.App.Clock.Now()) }

// diaUtilApos returns the first business day at least n days after today,
// so that a test's due date is not rolled over and hand-computed amounts
// hold whatever day the test runs.
func diaUtilApos(h *apptest.Harness, n int) pix.Data {
	return (&pix.Calendario{}).ProximoDiaUtil(hojeEm(h).AddDays(n))
}

func wireData(d pix.Data) pixapi.Data { return pixapi.Data(d.String()) }

func cobvBase(h *apptest.Harness, venc pix.Data) pixapi.CobVSolicitada {
	return pixapi.CobVSolicitada{
		Calendario: pixapi.CobVCalendarioSolicitado{DataDeVencimento: wireData(venc)},
		Devedor:    pixapi.Devedor{CPF: "12345678909", Nome: "Francisco da Silva", Logradouro: "Alameda Souza, Numero 80, Bairro Braz", Cidade: "Recife", UF: "PE", CEP: "70011750"},
		Valor:      pixapi.CobVValor{Original: "123.45"},
		Chave:      h.Sandbox.Pix.Chave,
	}
}

func TestCobVLifecycle(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	venc := diaUtilApos(h, 7)
	txid := "7978c0c97ea847e78e8849634473c1f1"
	req := cobvBase(h, venc)
	req.SolicitacaoPagador = "Cobrança dos serviços prestados."
	req.InfoAdicionais = []pixapi.InfoAdicional{{Nome: "Pedido", Valor: "42"}}
	req.Valor.Multa = &pixapi.Multa{Modalidade: 2, ValorPerc: "2.00"}
	req.Valor.Juros = &pixapi.Juros{Modalidade: 2, ValorPerc: "0.03"}
	cob, err := c.CreateCobV(ctx, txid, req)
	if err != nil {
		t.Fatal(err)
	}
	if cob.TxID != txid || cob.Revisao != 0 || cob.Status != pixapi.StatusAtiva || cob.Loc == nil || cob.Loc.TipoCob != pixapi.TipoCobCobV {
		t.Fatalf("created %+v", cob)
	}
	cal := cob.Calendario
	if cal.DataDeVencimento != wireData(venc) || cal.ValidadeAposVencimento != 30 || time.Since(cal.Criacao.Time) > time.Minute {
		t.Errorf("calendario %+v (validadeAposVencimento defaults to 30)", cal)
	}
	want := pixapi.Recebedor{CNPJ: h.Sandbox.Pix.CNPJ, Nome: "EMPRESA DEMONSTRACAO LTDA", NomeFantasia: "Empresa Demo",
		Logradouro: "Rua da Praia, 100", Cidade: "PORTO ALEGRE", UF: "RS", CEP: "90010000"}
	if cob.Recebedor != want {
		t.Errorf("recebedor %+v, want %+v", cob.Recebedor, want)
	}
	if cob.Devedor != req.Devedor || cob.Valor.Multa == nil || *cob.Valor.Multa != *req.Valor.Multa {
		t.Errorf("devedor %+v valor %+v", cob.Devedor, cob.Valor)
	}
	if !strings.Contains(cob.Location, "/qr/v2/cobv/") || len(cob.Location) > 77 || cob.Location != cob.Loc.Location || cob.Loc.TxID != txid {
		t.Errorf("location %q loc %+v", cob.Location, cob.Loc)
	}
	code, err := brcode.Parse(cob.PixCopiaECola)
	if err != nil {
		t.Fatalf("pixCopiaECola does not parse: %v", err)
	}
	if !code.IsDynamic() || code.URL != cob.Location || code.TxID != "***" || code.MerchantName != "EMPRESA DEMONSTRACAO LTDA" {
		t.Errorf("BR Code %+v", code)
	}

	// Revisions.
	rev, err := c.UpdateCobV(ctx, txid, pixapi.CobVRevisada{Valor: &pixapi.CobVValorRevisado{Original: "150.00"}})
	if err != nil {
		t.Fatal(err)
	}
	if rev.Revisao != 1 || rev.Valor.Original != "150.00" || rev.Valor.Multa == nil || rev.Devedor.Nome != "Francisco da Silva" {
		t.Errorf("revised %+v", rev)
	}
	later := venc.AddDays(3)
	rev, err = c.UpdateCobV(ctx, txid, pixapi.CobVRevisada{Calendario: &pixapi.CobVCalendarioSolicitado{DataDeVencimento: wireData(later), ValidadeAposVencimento: pixapi.Ptr(0)}})
	if err != nil {
		t.Fatal(err)
	}
	if rev.Revisao != 2 || rev.Calendario.DataDeVencimento != wireData(later) || rev.Calendario.ValidadeAposVencimento != 0 || !rev.Calendario.Criacao.Equal(cob.Calendario.Criacao.Time) {
		t.Errorf("new due date: %+v", rev.Calendario)
	}
	rev, err = c.UpdateCobV(ctx, txid, pixapi.CobVRevisada{Calendario: &pixapi.CobVCalendarioSolicitado{DataDeVencimento: wireData(venc)}})
	if err != nil || rev.Revisao != 3 || rev.Calendario.ValidadeAposVencimento != 0 {
		t.Errorf("a calendario without validadeAposVencimento keeps it: %+v %v", rev, err)
	}
	old, err := c.GetCobV(ctx, txid, pixapi.Ptr(0))
	if err != nil || old.Valor.Original != "123.45" || old.Revisao != 0 {
		t.Errorf("revisao 0: %+v %v", old, err)
	}
	cur, err := c.GetCobV(ctx, txid, nil)
	if err != nil || cur.Revisao != 3 || cur.Valor.Original != "150.00" {
		t.Errorf("current: %+v %v", cur, err)
	}
	if _, err := c.GetCobV(ctx, txid, pixapi.Ptr(7)); err == nil || apptest.ProblemOf(t, err).Tipo() != "CobVConsultaInvalida" || !apptest.HasViolation(apptest.ProblemOf(t, err), "revisao") {
		t.Errorf("revisao 7: %v", err)
	}

	// PUT never replaces a charge, cob or cobv.
	if _, err := c.CreateCobV(ctx, txid, req); err == nil || !apptest.HasViolation(apptest.ProblemOf(t, err), "txid") || apptest.ProblemOf(t, err).Tipo() != "CobVOperacaoInvalida" {
		t.Errorf("second PUT: %v", err)
	}
	cobTxid := "imediata0000000000000000000000"
	if _, err := c.CreateCob(ctx, cobTxid, pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: h.Sandbox.Pix.Chave}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCobV(ctx, cobTxid, req); err == nil || !apptest.HasViolation(apptest.ProblemOf(t, err), "txid") {
		t.Errorf("PUT /cobv of a cob's txid: %v", err)
	}
	// Each resource sees only its own kind.
	if _, err := c.GetCobV(ctx, cobTxid, nil); err == nil || apptest.ProblemOf(t, err).Tipo() != "CobVNaoEncontrada" || apptest.ProblemOf(t, err).Status != 404 {
		t.Errorf("GET /cobv of a cob: %v", err)
	}
	if _, err := c.GetCob(ctx, txid, nil); err == nil || apptest.ProblemOf(t, err).Tipo() != "CobNaoEncontrado" {
		t.Errorf("GET /cob of a cobv: %v", err)
	}
	if _, err := c.UpdateCobV(ctx, cobTxid, pixapi.CobVRevisada{SolicitacaoPagador: "x"}); err == nil || apptest.ProblemOf(t, err).Tipo() != "CobVNaoEncontrada" {
		t.Errorf("PATCH /cobv of a cob: %v", err)
	}
	if _, err := c.GetCobV(ctx, "naoexiste00000000000000000000", nil); err == nil || apptest.ProblemOf(t, err).Tipo() != "CobVNaoEncontrada" {
		t.Errorf("unknown txid: %v", err)
	}

	// Removal: alone, then final.
	_, err = c.UpdateCobV(ctx, txid, pixapi.CobVRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor, SolicitacaoPagador: "x"})
	if p := apptest.ProblemOf(t, err); p.Tipo() != "CobVOperacaoInvalida" || !apptest.HasViolation(p, "cobv.status") {
		t.Errorf("removal with other changes: %+v", p)
	}
	removed, err := c.UpdateCobV(ctx, txid, pixapi.CobVRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor})
	if err != nil || removed.Status != pixapi.StatusRemovidaPeloUsuarioRecebedor || removed.Revisao != 4 {
		t.Fatalf("remove: %+v %v", removed, err)
	}
	_, err = c.UpdateCobV(ctx, txid, pixapi.CobVRevisada{SolicitacaoPagador: "outra"})
	if p := apptest.ProblemOf(t, err); p.Tipo() != "CobVOperacaoInvalida" || p.Status != 400 || !apptest.HasViolation(p, "cobv.status") {
		t.Errorf("PATCH of a removed charge: %+v", p)
	}
	_, err = c.CreateCobV(ctx, txid, req)
	if p := apptest.ProblemOf(t, err); !strings.Contains(p.Violacoes[0].Razao, "não está no status ATIVA") {
		t.Errorf("PUT on a removed charge: %+v", p)
	}

	// The same resource under /v2.
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest("GET", h.APIURL()+"/v2/cobv/"+txid, nil)
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	if resp, body := apptest.Do(t, c.HTTPClient(), r); resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"REMOVIDA_PELO_USUARIO_RECEBEDOR"`) {
		t.Errorf("GET /v2/cobv: %d %s", resp.StatusCode, body)
	}
}

// TestCobVViolations sends each CobVOperacaoInvalida violation of the
// spec's catalog and expects 400 naming its propriedade.
func TestCobVViolations(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	venc := diaUtilApos(h, 10)
	cobLoc, err := c.CreateLoc(ctx, pixapi.TipoCobCob)
	if err != nil {
		t.Fatal(err)
	}
	usedLoc, err := c.CreateLoc(ctx, pixapi.TipoCobCobV)
	if err != nil {
		t.Fatal(err)
	}
	withLoc := cobvBase(h, venc)
	withLoc.Loc = &pixapi.PayloadLocationCob{ID: usedLoc.ID}
	if _, err := c.CreateCobV(ctx, "usaloc000000000000000000000000", withLoc); err != nil {
		t.Fatal(err)
	}
	fixa := func(d pix.Data, vp string) []pixapi.DescontoDataFixa {
		return []pixapi.DescontoDataFixa{{Data: wireData(d), ValorPerc: vp}}
	}
	tests := []struct {
		name string
		mod  func(*pixapi.CobVSolicitada)
		prop string
	}{
		{"dataDeVencimento before today", func(c *pixapi.CobVSolicitada) {
			c.Calendario.DataDeVencimento = wireData(hojeEm(h).AddDays(-1))
		}, "cobv.calendario.dataDeVencimento"},
		{"dataDeVencimento missing", func(c *pixapi.CobVSolicitada) { c.Calendario.DataDeVencimento = "" }, "cobv.calendario.dataDeVencimento"},
		{"dataDeVencimento does not exist", func(c *pixapi.CobVSolicitada) { c.Calendario.DataDeVencimento = "2030-02-30" }, "cobv.calendario.dataDeVencimento"},
		{"validadeAposVencimento < 0", func(c *pixapi.CobVSolicitada) { c.Calendario.ValidadeAposVencimento = pixapi.Ptr(-1) }, "cobv.calendario.validadeAposVencimento"},
		{"devedor missing", func(c *pixapi.CobVSolicitada) { c.Devedor = pixapi.Devedor{} }, "cobv.devedor"},
		{"devedor cpf and cnpj", func(c *pixapi.CobVSolicitada) { c.Devedor.CNPJ = "12345678000195" }, "cobv.devedor"},
		{"devedor without nome", func(c *pixapi.CobVSolicitada) { c.Devedor.Nome = "" }, "cobv.devedor.nome"},
		{"devedor uf", func(c *pixapi.CobVSolicitada) { c.Devedor.UF = "PER" }, "cobv.devedor.uf"},
		{"chave of nobody", func(c *pixapi.CobVSolicitada) { c.Chave = "7d9f0335-8dcc-4054-9bf9-0dbd61d36906" }, "cobv.chave"},
		{"chave missing", func(c *pixapi.CobVSolicitada) { c.Chave = "" }, "cobv.chave"},
		{"solicitacaoPagador 141", func(c *pixapi.CobVSolicitada) { c.SolicitacaoPagador = strings.Repeat("x", 141) }, "cobv.solicitacaoPagador"},
		{"infoAdicionais valor missing", func(c *pixapi.CobVSolicitada) { c.InfoAdicionais = []pixapi.InfoAdicional{{Nome: "n"}} }, "cobv.infoAdicionais[0].valor"},
		{"loc of tipo cob", func(c *pixapi.CobVSolicitada) { c.Loc = &pixapi.PayloadLocationCob{ID: cobLoc.ID} }, "cobv.loc.id"},
		{"loc inexistent", func(c *pixapi.CobVSolicitada) { c.Loc = &pixapi.PayloadLocationCob{ID: 99999} }, "cobv.loc.id"},
		{"loc in use", func(c *pixapi.CobVSolicitada) { c.Loc = &pixapi.PayloadLocationCob{ID: usedLoc.ID} }, "cobv.loc.id"},
		{"valor zero", func(c *pixapi.CobVSolicitada) { c.Valor.Original = "0.00" }, "cobv.valor.original"},
		{"valor pattern", func(c *pixapi.CobVSolicitada) { c.Valor.Original = "1.5" }, "cobv.valor.original"},
		{"multa modalidade 3", func(c *pixapi.CobVSolicitada) { c.Valor.Multa = &pixapi.Multa{Modalidade: 3, ValorPerc: "2.00"} }, "cobv.valor.multa.modalidade"},
		{"multa valorPerc pattern", func(c *pixapi.CobVSolicitada) { c.Valor.Multa = &pixapi.Multa{Modalidade: 1, ValorPerc: "2"} }, "cobv.valor.multa.valorPerc"},
		{"juros modalidade 9", func(c *pixapi.CobVSolicitada) { c.Valor.Juros = &pixapi.Juros{Modalidade: 9, ValorPerc: "1.00"} }, "cobv.valor.juros.modalidade"},
		{"abatimento >= original", func(c *pixapi.CobVSolicitada) {
			c.Valor.Abatimento = &pixapi.Abatimento{Modalidade: 1, ValorPerc: "123.45"}
		}, "cobv.valor.abatimento.valorPerc"},
		{"abatimento >= 100%", func(c *pixapi.CobVSolicitada) {
			c.Valor.Abatimento = &pixapi.Abatimento{Modalidade: 2, ValorPerc: "100.00"}
		}, "cobv.valor.abatimento.valorPerc"},
		{"desconto >= 100%", func(c *pixapi.CobVSolicitada) {
			c.Valor.Desconto = &pixapi.Desconto{Modalidade: 2, DescontoDataFixa: fixa(venc, "100.00")}
		}, "cobv.valor.desconto.descontoDataFixa[0].valorPerc"},
		{"desconto >= original", func(c *pixapi.CobVSolicitada) {
			c.Valor.Desconto = &pixapi.Desconto{Modalidade: 1, DescontoDataFixa: fixa(venc, "200.00")}
		}, "cobv.valor.desconto.descontoDataFixa[0].valorPerc"},
		{"desconto date after vencimento", func(c *pixapi.CobVSolicitada) {
			c.Valor.Desconto = &pixapi.Desconto{Modalidade: 1, DescontoDataFixa: fixa(venc.AddDays(1), "1.00")}
		}, "cobv.valor.desconto.descontoDataFixa[0].data"},
		{"desconto modalidade 1 with valorPerc", func(c *pixapi.CobVSolicitada) {
			c.Valor.Desconto = &pixapi.Desconto{Modalidade: 1, ValorPerc: "1.00", DescontoDataFixa: fixa(venc, "1.00")}
		}, "cobv.valor.desconto.valorPerc"},
		{"desconto modalidade 1 without descontoDataFixa", func(c *pixapi.CobVSolicitada) {
			c.Valor.Desconto = &pixapi.Desconto{Modalidade: 1}
		}, "cobv.valor.desconto.descontoDataFixa"},
		{"desconto modalidade 3 with descontoDataFixa", func(c *pixapi.CobVSolicitada) {
			c.Valor.Desconto = &pixapi.Desconto{Modalidade: 3, ValorPerc: "0.10", DescontoDataFixa: fixa(venc, "1.00")}
		}, "cobv.valor.desconto.descontoDataFixa"},
		{"desconto modalidade 5 without valorPerc", func(c *pixapi.CobVSolicitada) {
			c.Valor.Desconto = &pixapi.Desconto{Modalidade: 5}
		}, "cobv.valor.desconto.valorPerc"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := cobvBase(h, venc)
			tt.mod(&req)
			_, err := c.CreateCobV(ctx, fmt.Sprintf("violacaov%023d", i), req)
			p := apptest.ProblemOf(t, err)
			if p.Status != 400 || p.Tipo() != "CobVOperacaoInvalida" || !apptest.HasViolation(p, tt.prop) {
				t.Errorf("got %+v, want CobVOperacaoInvalida naming %s", p, tt.prop)
			}
			if p.Title != "Cobrança inválida." || !strings.Contains(p.Detail, "cobrança com vencimento") {
				t.Errorf("title %q detail %q", p.Title, p.Detail)
			}
		})
	}
	t.Run("every violation at once", func(t *testing.T) {
		req := cobvBase(h, venc)
		req.Calendario.ValidadeAposVencimento = pixapi.Ptr(-5)
		req.Valor.Original = "0.00"
		req.Chave = "7d9f0335-8dcc-4054-9bf9-0dbd61d36906"
		_, err := c.CreateCobV(ctx, "todasasviolacoes00000000000000", req)
		p := apptest.ProblemOf(t, err)
		for _, prop := range []string{"cobv.calendario.validadeAposVencimento", "cobv.valor.original", "cobv.chave"} {
			if !apptest.HasViolation(p, prop) {
				t.Errorf("%s missing from %+v", prop, p.Violacoes)
			}
		}
	})
	t.Run("txid too short", func(t *testing.T) {
		_, err := c.CreateCobV(ctx, "abc", cobvBase(h, venc))
		if p := apptest.ProblemOf(t, err); p.Tipo() != "CobVOperacaoInvalida" || !apptest.HasViolation(p, "txid") {
			t.Errorf("%+v", p)
		}
	})
	t.Run("PATCH is checked as PUT", func(t *testing.T) {
		_, err := c.UpdateCobV(ctx, "usaloc000000000000000000000000", pixapi.CobVRevisada{Valor: &pixapi.CobVValorRevisado{
			Desconto: &pixapi.Desconto{Modalidade: 1, DescontoDataFixa: fixa(venc.AddDays(2), "1.00")}}})
		if p := apptest.ProblemOf(t, err); p.Tipo() != "CobVOperacaoInvalida" || !apptest.HasViolation(p, "cobv.valor.desconto.descontoDataFixa[0].data") {
			t.Errorf("desconto after the due date: %+v", p)
		}
		_, err = c.UpdateCobV(ctx, "usaloc000000000000000000000000", pixapi.CobVRevisada{Calendario: &pixapi.CobVCalendarioSolicitado{}})
		if p := apptest.ProblemOf(t, err); !apptest.HasViolation(p, "cobv.calendario.dataDeVencimento") {
			t.Errorf("calendario without dataDeVencimento: %+v", p)
		}
		_, err = c.UpdateCobV(ctx, "usaloc000000000000000000000000", pixapi.CobVRevisada{Loc: &pixapi.PayloadLocationCob{ID: cobLoc.ID}})
		if p := apptest.ProblemOf(t, err); !apptest.HasViolation(p, "cobv.loc.id") {
			t.Errorf("loc of tipo cob: %+v", p)
		}
		got, err := c.GetCobV(ctx, "usaloc000000000000000000000000", nil)
		if err != nil || got.Revisao != 0 {
			t.Errorf("a refused PATCH changed the charge: %+v %v", got, err)
		}
	})
	t.Run("wrong JSON type names the property", func(t *testing.T) {
		tok, _ := c.Token(ctx)
		r, _ := http.NewRequest("PUT", h.APIURL()+"/api/v2/cobv/tipoerradov000000000000000000",
			strings.NewReader(`{"calendario":{"dataDeVencimento":"2030-01-02","validadeAposVencimento":"trinta"},"valor":{"original":"1.00"},"chave":"x","devedor":{"cpf":"12345678909","nome":"F"}}`))
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, body := apptest.Do(t, c.HTTPClient(), r)
		if resp.StatusCode != 400 || !strings.Contains(string(body), `"propriedade":"cobv.calendario.validadeAposVencimento"`) || !strings.Contains(string(body), "CobVOperacaoInvalida") {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
	t.Run("a due date today is valid", func(t *testing.T) {
		req := cobvBase(h, hojeEm(h))
		req.Calendario.ValidadeAposVencimento = pixapi.Ptr(0)
		if _, err := c.CreateCobV(ctx, "venceHoje0000000000000000000000", req); err != nil {
			t.Error(err)
		}
	})
}

func TestCobVList(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	venc := diaUtilApos(h, 5)
	for i := 0; i < 5; i++ {
		if _, err := c.CreateCobV(ctx, fmt.Sprintf("listav%026d", i), cobvBase(h, venc)); err != nil {
			t.Fatal(err)
		}
	}
	pj := cobvBase(h, venc)
	pj.Devedor = pixapi.Devedor{CNPJ: "56989000019533", Nome: "Empresa de Alimentos SA"}
	if _, err := c.CreateCobV(ctx, "listapj000000000000000000000000", pj); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateCobV(ctx, "listapj000000000000000000000000", pixapi.CobVRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCob(ctx, "listacob0000000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: h.Sandbox.Pix.Chave,
		Devedor: &pixapi.Pessoa{CPF: "12345678909", Nome: "Francisco da Silva"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	inicio, fim := now.Add(-time.Hour), now.Add(time.Hour)

	all, err := c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: inicio, Fim: fim})
	if err != nil {
		t.Fatal(err)
	}
	if n := all.Parametros.Paginacao.QuantidadeTotalDeItens; n != 6 || len(all.Cobs) != 6 {
		t.Errorf("GET /cobv lists %d charges, want the 6 cobv (not the cob)", n)
	}
	for _, cv := range all.Cobs {
		if cv.Recebedor.CNPJ == "" || cv.Calendario.DataDeVencimento == "" {
			t.Errorf("listed %+v", cv)
		}
	}
	page, err := c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: inicio, Fim: fim, CPF: "12345678909", ItensPorPagina: 2, PaginaAtual: 1})
	if err != nil {
		t.Fatal(err)
	}
	pg := page.Parametros.Paginacao
	if len(page.Cobs) != 2 || pg.QuantidadeTotalDeItens != 5 || pg.QuantidadeDePaginas != 3 || pg.PaginaAtual != 1 || page.Cobs[0].TxID != fmt.Sprintf("listav%026d", 2) {
		t.Errorf("page: %+v %+v", pg, page.Cobs)
	}
	byCNPJ, err := c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: inicio, Fim: fim, CNPJ: "56989000019533"})
	if err != nil || len(byCNPJ.Cobs) != 1 || byCNPJ.Cobs[0].Status != pixapi.StatusRemovidaPeloUsuarioRecebedor {
		t.Errorf("by cnpj: %+v %v", byCNPJ, err)
	}
	ativas, err := c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: inicio, Fim: fim, Status: pixapi.StatusAtiva, LocationPresente: pixapi.Ptr(true)})
	if err != nil || len(ativas.Cobs) != 5 {
		t.Errorf("status ATIVA with location: %+v %v", ativas, err)
	}
	// Empty pages: one empty page (the spec's Paginacao has
	// quantidadeDePaginas >= 1), validated like every other response.
	lote, err := c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: inicio, Fim: fim, LoteCobVID: pixapi.Ptr[int64](1)})
	if err != nil || len(lote.Cobs) != 0 || lote.Parametros.Paginacao.QuantidadeTotalDeItens != 0 || lote.Parametros.Paginacao.QuantidadeDePaginas != 1 {
		t.Errorf("loteCobVId 1 (no lote exists): %+v %v", lote, err)
	}
	empty, err := c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: now.Add(-3 * time.Hour), Fim: now.Add(-2 * time.Hour)})
	if err != nil || len(empty.Cobs) != 0 {
		t.Errorf("empty window: %+v %v", empty, err)
	}
	for _, bad := range []struct {
		p    pixapi.CobVListParams
		prop string
	}{
		{pixapi.CobVListParams{Inicio: now, Fim: now.Add(-time.Hour)}, "fim"},
		{pixapi.CobVListParams{Inicio: inicio, Fim: fim, CPF: "12345678909", CNPJ: "56989000019533"}, "cpf"},
		{pixapi.CobVListParams{Inicio: inicio, Fim: fim, PaginaAtual: -1}, "paginacao.paginaAtual"},
		{pixapi.CobVListParams{Inicio: inicio, Fim: fim, ItensPorPagina: -1}, "paginacao.itensPorPagina"},
		{pixapi.CobVListParams{Inicio: inicio, Fim: fim, LoteCobVID: pixapi.Ptr[int64](-1)}, "loteCobVId"},
		{pixapi.CobVListParams{Inicio: inicio, Fim: fim, Status: "PAGA"}, "status"},
		{pixapi.CobVListParams{Fim: fim}, "inicio"},
	} {
		_, err := c.ListCobsV(ctx, bad.p)
		if p := apptest.ProblemOf(t, err); p.Tipo() != "CobVConsultaInvalida" || p.Status != 400 || !apptest.HasViolation(p, bad.prop) {
			t.Errorf("%+v: %+v", bad.p, p)
		}
	}
}

func TestCobVScopes(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	ctx := context.Background()
	c := apptest.SpecClient(t, h)
	txid := "escopov0000000000000000000000000"
	if _, err := c.CreateCobV(ctx, txid, cobvBase(h, diaUtilApos(h, 3))); err != nil {
		t.Fatal(err)
	}
	cert := h.DemoCertificate()
	with := func(scope string) *pixapi.Client {
		cl, err := pixapi.New(h.APIURL(), pixapi.WithHTTPClient(spectest.Validator(t).Client(t, h.Client(&cert))),
			pixapi.WithCredentials(h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret), pixapi.WithScopes(scope))
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	cobRead := with("cob.read")
	if _, err := cobRead.GetCobV(ctx, txid, nil); err == nil || apptest.ProblemOf(t, err).Status != 403 || apptest.ProblemOf(t, err).Tipo() != "AcessoNegado" {
		t.Errorf("GET /cobv with cob.read: %v", err)
	}
	if _, err := cobRead.ListCobsV(ctx, pixapi.CobVListParams{Inicio: time.Now().Add(-time.Hour), Fim: time.Now()}); err == nil || apptest.ProblemOf(t, err).Status != 403 {
		t.Errorf("GET /cobv list with cob.read: %v", err)
	}
	cobvRead := with("cobv.read")
	if _, err := cobvRead.GetCobV(ctx, txid, nil); err != nil {
		t.Errorf("GET /cobv with cobv.read: %v", err)
	}
	if _, err := cobvRead.UpdateCobV(ctx, txid, pixapi.CobVRevisada{SolicitacaoPagador: "x"}); err == nil || apptest.ProblemOf(t, err).Status != 403 {
		t.Errorf("PATCH /cobv with cobv.read: %v", err)
	}
	if _, err := with("cob.write").CreateCobV(ctx, "escopov1000000000000000000000000", cobvBase(h, diaUtilApos(h, 3))); err == nil || apptest.ProblemOf(t, err).Status != 403 {
		t.Errorf("PUT /cobv with cob.write: %v", err)
	}
	// Another recebedor reaches nothing of the demo tenant's.
	if _, err := h.App.Pix.CobV(ctx, "11222333000181", txid, nil); err == nil {
		t.Error("another recebedor reads the demo tenant's cobv")
	}
}

// payer fetches payload locations as a payer's PSP does: over HTTPS without
// a client certificate, verifying the JWS against the JWKS its jku names
// with an independent JOSE implementation.
type payer struct {
	t    *testing.T
	h    *apptest.Harness
	spec *spectest.Spec
	web  *http.Client
}

func newPayer(t *testing.T, h *apptest.Harness) *payer {
	return &payer{t: t, h: h, spec: spectest.Validator(t), web: h.Client(nil)}
}

// fetch GETs url, validates the answer against the spec and, for a 200,
// verifies the signature and returns the payload.
func (p *payer) fetch(url string) (int, []byte) {
	t := p.t
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	resp, body := apptest.Do(t, p.web, req)
	p.spec.ValidatePayloadResponse(t, resp.Request, resp.StatusCode, resp.Header, body)
	if resp.StatusCode != 200 {
		return resp.StatusCode, body
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/jose" {
		t.Errorf("Content-Type %q", ct)
	}
	jws, err := jose.ParseSigned(string(body), []jose.SignatureAlgorithm{jose.RS256, jose.PS256})
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.Signatures[0].Protected
	jku, _ := hdr.ExtraHeaders["jku"].(string)
	host := strings.TrimPrefix(url, "https://")
	host = host[:strings.IndexByte(host, '/')]
	if !strings.HasPrefix(jku, "https://"+host+"/") {
		t.Errorf("jku %q is not on the location's host %s", jku, host)
	}
	jreq, _ := http.NewRequest("GET", jku, nil)
	_, jwksBody := apptest.Do(t, p.web, jreq)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwksBody, &set); err != nil {
		t.Fatal(err)
	}
	keys := set.Key(hdr.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q not in the JWKS", hdr.KeyID)
	}
	if _, err := keys[0].Certificates[0].Verify(p.h.VerifyOptions(strings.Split(host, ":")[0])); err != nil {
		t.Errorf("the signing certificate does not chain to the CA for the location host: %v", err)
	}
	plain, err := jws.Verify(keys[0])
	if err != nil {
		t.Fatal(err)
	}
	return 200, plain
}

func (p *payer) payload(url string) pixapi.CobVPayload {
	p.t.Helper()
	status, body := p.fetch(url)
	if status != 200 {
		p.t.Fatalf("GET %s: %d %s", url, status, body)
	}
	var out pixapi.CobVPayload
	if err := json.Unmarshal(body, &out); err != nil {
		p.t.Fatal(err)
	}
	return out
}

// TestCobVPayloadAsAPayerAppReadsIt reads a cobv's payload for several
// payment dates and compares the amounts with [pix.RegrasCobV.ValorEm] (the
// one function that computes them) and with amounts computed by hand.
func TestCobVPayloadAsAPayerAppReadsIt(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	pay := newPayer(t, h)
	hoje := hojeEm(h)
	venc := diaUtilApos(h, 3) // a business day: not rolled over
	req := cobvBase(h, venc)
	req.Valor = pixapi.CobVValor{Original: "100.00",
		Multa:      &pixapi.Multa{Modalidade: 2, ValorPerc: "2.00"},
		Juros:      &pixapi.Juros{Modalidade: 3, ValorPerc: "1.00"},
		Abatimento: &pixapi.Abatimento{Modalidade: 1, ValorPerc: "10.00"},
		Desconto:   &pixapi.Desconto{Modalidade: 1, DescontoDataFixa: []pixapi.DescontoDataFixa{{Data: wireData(venc), ValorPerc: "5.00"}}},
	}
	req.SolicitacaoPagador = "Mensalidade"
	cob, err := c.CreateCobV(ctx, "payloadv000000000000000000000000", req)
	if err != nil {
		t.Fatal(err)
	}
	code, err := brcode.Parse(cob.PixCopiaECola)
	if err != nil {
		t.Fatal(err)
	}
	loc := "https://" + code.URL
	regras, err := pix.RegrasCobVDe(cob.Calendario.DataDeVencimento, cob.Calendario.ValidadeAposVencimento, &cob.Valor)
	if err != nil {
		t.Fatal(err)
	}
	check := func(p pixapi.CobVPayload, dpp pix.Data, want map[string]string) {
		t.Helper()
		v, err := regras.ValorEm(dpp, &pix.Calendario{})
		if err != nil {
			t.Fatal(err)
		}
		opt := func(c pix.Centavos) string {
			if c == 0 {
				return ""
			}
			return c.String()
		}
		fromValorEm := pixapi.CobVPayloadValor{Original: v.Original.String(), Multa: opt(v.Multa), Juros: opt(v.Juros),
			Abatimento: opt(v.Abatimento), Desconto: opt(v.Desconto), Final: v.Final.String()}
		if p.Valor != fromValorEm {
			t.Errorf("DPP %s: valor %+v, RegrasCobV.ValorEm says %+v", dpp, p.Valor, fromValorEm)
		}
		byHand := pixapi.CobVPayloadValor{Original: want["original"], Multa: want["multa"], Juros: want["juros"],
			Abatimento: want["abatimento"], Desconto: want["desconto"], Final: want["final"]}
		if p.Valor != byHand {
			t.Errorf("DPP %s: valor %+v, by hand %+v", dpp, p.Valor, byHand)
		}
	}

	// DPP = the due date: 100.00 − 10.00 (abatimento) − 5.00 (desconto until
	// the due date) = 85.00.
	p := pay.payload(loc + "?DPP=" + venc.String())
	check(p, venc, map[string]string{"original": "100.00", "abatimento": "10.00", "desconto": "5.00", "final": "85.00"})
	if p.TxID != cob.TxID || p.Revisao != 0 || p.Status != pixapi.StatusAtiva || p.Chave != cob.Chave || p.SolicitacaoPagador != "Mensalidade" {
		t.Errorf("payload %+v", p)
	}
	if p.Devedor != (pixapi.Pessoa{CPF: "12345678909", Nome: "Francisco da Silva"}) || p.Recebedor != cob.Recebedor {
		t.Errorf("devedor %+v recebedor %+v", p.Devedor, p.Recebedor)
	}
	if p.Calendario.DataDeVencimento != wireData(venc) || p.Calendario.ValidadeAposVencimento != 30 || !p.Calendario.Criacao.Equal(cob.Calendario.Criacao.Time) {
		t.Errorf("calendario %+v", p.Calendario)
	}
	if d := time.Since(p.Calendario.Apresentacao.Time); d < 0 || d > time.Minute {
		t.Errorf("apresentacao %v is not the fetch time", p.Calendario.Apresentacao)
	}

	// Without DPP the payment date is today (before the due date): the same.
	check(pay.payload(loc), hoje, map[string]string{"original": "100.00", "abatimento": "10.00", "desconto": "5.00", "final": "85.00"})
	// With a well-formed codMun (no municipal holidays are known: the
	// national calendar applies).
	check(pay.payload(loc+"?codMun=4314902&DPP="+venc.String()), venc, map[string]string{"original": "100.00", "abatimento": "10.00", "desconto": "5.00", "final": "85.00"})

	// Ten days late. V = 100.00 − 10.00 = 90.00; multa 2 % of V = 1.80; juros
	// 1 % a.m. over 10 calendar days = 90.00 × 0.01 × 10 ÷ 30 = 0.30; final
	// 90.00 + 1.80 + 0.30 = 92.10. (Ten calendar days always hold a business
	// day, so the multa applies.)
	late := venc.AddDays(10)
	check(pay.payload(loc+"?DPP="+late.String()), late,
		map[string]string{"original": "100.00", "abatimento": "10.00", "multa": "1.80", "juros": "0.30", "final": "92.10"})
	// The last payable day: compared with ValorEm only.
	ultimo := regras.UltimoDiaPagavel(&pix.Calendario{})
	pu := pay.payload(loc + "?DPP=" + ultimo.String())
	if v, _ := regras.ValorEm(ultimo, &pix.Calendario{}); pu.Valor.Final != v.Final.String() || pu.Valor.Juros == "" {
		t.Errorf("last payable day %s: %+v, ValorEm %+v", ultimo, pu.Valor, v)
	}

	// CobPayloadOperacaoInvalida: DPP in the past, after the last payable
	// day, malformed; codMun malformed.
	for _, bad := range []struct{ query, prop string }{
		{"?DPP=" + hoje.AddDays(-1).String(), "DPP"},
		{"?DPP=" + ultimo.AddDays(1).String(), "DPP"},
		{"?DPP=2030-02-30", "DPP"},
		{"?codMun=123", "codMun"},
	} {
		status, body := pay.fetch(loc + bad.query)
		var prob pixapi.Problem
		_ = json.Unmarshal(body, &prob)
		if status != 400 || prob.Tipo() != "CobPayloadOperacaoInvalida" || !apptest.HasViolation(&prob, bad.prop) {
			t.Errorf("%s: %d %s", bad.query, status, body)
		}
	}

	// 404: an unknown location, and a cob's token under /cobv/.
	if status, body := pay.fetch(loc[:len(loc)-6] + "000000"); status != 404 || !strings.Contains(string(body), "CobPayloadNaoEncontrado") {
		t.Errorf("unknown location: %d %s", status, body)
	}
	imediata, err := c.CreateCob(ctx, "imediatav000000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: h.Sandbox.Pix.Chave})
	if err != nil {
		t.Fatal(err)
	}
	token := imediata.Location[strings.LastIndexByte(imediata.Location, '/')+1:]
	if status, _ := pay.fetch(strings.Replace(loc, loc[strings.LastIndexByte(loc, '/')+1:], token, 1)); status != 404 {
		t.Errorf("a cob's token at /qr/v2/cobv/: %d", status)
	}
	if status, _ := pay.fetch("https://" + imediata.Location[:strings.Index(imediata.Location, "/qr/v2/")] + "/qr/v2/" + loc[strings.LastIndexByte(loc, '/')+1:]); status != 404 {
		t.Errorf("a cobv's token at /qr/v2/: %d", status)
	}

	// A revision shows in the payload; removal makes it 410.
	if _, err := c.UpdateCobV(ctx, cob.TxID, pixapi.CobVRevisada{Valor: &pixapi.CobVValorRevisado{Original: "200.00"}}); err != nil {
		t.Fatal(err)
	}
	if p := pay.payload(loc + "?DPP=" + venc.String()); p.Revisao != 1 || p.Valor.Final != "185.00" {
		t.Errorf("after PATCH: %+v", p)
	}
	if _, err := c.UpdateCobV(ctx, cob.TxID, pixapi.CobVRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor}); err != nil {
		t.Fatal(err)
	}
	if status, body := pay.fetch(loc); status != 410 || !strings.Contains(string(body), "CobPayloadNaoEncontrado") {
		t.Errorf("removed: %d %s", status, body)
	}
}

// TestCobVPayloadGoneAfterLastPayableDay moves the sandbox clock past a
// cobv's last payable day: its location answers 410 and the charge stays
// ATIVA.
func TestCobVPayloadGoneAfterLastPayableDay(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	pay := newPayer(t, h)
	hoje := hojeEm(h)
	req := cobvBase(h, hoje)
	req.Calendario.ValidadeAposVencimento = pixapi.Ptr(0)
	cob, err := c.CreateCobV(ctx, "vencidav000000000000000000000000", req)
	if err != nil {
		t.Fatal(err)
	}
	loc := "https://" + cob.Location
	ultimo := (&pix.Calendario{}).ProximoDiaUtil(hoje) // due today, 0 days after: the due date rolled over
	if p := pay.payload(loc); p.Valor.Final != "123.45" {
		t.Errorf("today: %+v", p.Valor)
	}
	if p := pay.payload(loc + "?DPP=" + ultimo.String()); p.Valor.Final != "123.45" {
		t.Errorf("last payable day %s: %+v", ultimo, p.Valor)
	}
	h.App.SandboxClock.Advance(time.Duration(pix.DaysBetween(hoje, ultimo)+1) * 24 * time.Hour)
	if got := hojeEm(h); !got.After(ultimo) {
		t.Fatalf("clock moved to %s, not past %s", got, ultimo)
	}
	if status, body := pay.fetch(loc); status != 410 || !strings.Contains(string(body), "CobPayloadNaoEncontrado") {
		t.Errorf("past the last payable day: %d %s", status, body)
	}
	// A fresh client: tokens issued before the move have expired.
	got, err := apptest.SpecClient(t, h).GetCobV(ctx, cob.TxID, nil)
	if err != nil || got.Status != pixapi.StatusAtiva {
		t.Errorf("the due date must not change the status: %+v %v", got, err)
	}
}
