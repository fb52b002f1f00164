package charges_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/brcode"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/spectest"
	"github.com/brasa-dev/brasa/pixapi"
)

func TestCobLifecycle(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	chave := h.Sandbox.Pix.Chave
	txid := "fc9a4366ff3d4964b5dbc6c91a8722d3"
	req := pixapi.CobSolicitada{
		Calendario:         pixapi.CobCalendarioSolicitado{Expiracao: pixapi.Ptr(3600)},
		Devedor:            &pixapi.Pessoa{CNPJ: "12345678000195", Nome: "Empresa de Serviços SA"},
		Valor:              pixapi.CobValor{Original: "37.00", ModalidadeAlteracao: pixapi.Ptr(1)},
		Chave:              chave,
		SolicitacaoPagador: "Serviço realizado.",
		InfoAdicionais:     []pixapi.InfoAdicional{{Nome: "Campo 1", Valor: "Informação Adicional1 do PSP-Recebedor"}},
	}
	cob, err := c.CreateCob(ctx, txid, req)
	if err != nil {
		t.Fatal(err)
	}
	if cob.TxID != txid || cob.Revisao != 0 || cob.Status != pixapi.StatusAtiva || cob.Calendario.Expiracao != 3600 || cob.Loc == nil {
		t.Fatalf("created %+v", cob)
	}
	if !strings.Contains(cob.Location, "/qr/v2/") || len(cob.Location) > 77 || strings.HasPrefix(cob.Location, "https://") {
		t.Errorf("location %q", cob.Location)
	}
	code, err := brcode.Parse(cob.PixCopiaECola)
	if err != nil {
		t.Fatalf("pixCopiaECola does not parse: %v", err)
	}
	if !code.IsDynamic() || code.URL != cob.Location || code.TxID != "***" || code.MerchantName != "EMPRESA DEMONSTRACAO LTDA" {
		t.Errorf("BR Code %+v", code)
	}

	rev, err := c.UpdateCob(ctx, txid, pixapi.CobRevisada{Valor: &pixapi.CobValorRevisado{Original: "40.00"}})
	if err != nil {
		t.Fatal(err)
	}
	if rev.Revisao != 1 || rev.Valor.Original != "40.00" || rev.Devedor == nil {
		t.Errorf("revised %+v", rev)
	}
	old, err := c.GetCob(ctx, txid, pixapi.Ptr(0))
	if err != nil || old.Valor.Original != "37.00" || old.Revisao != 0 {
		t.Errorf("revisao 0: %+v %v", old, err)
	}
	if _, err := c.GetCob(ctx, txid, pixapi.Ptr(7)); err == nil || apptest.ProblemOf(t, err).Tipo() != "CobConsultaInvalida" {
		t.Errorf("revisao 7: %v", err)
	}

	// PUT of an existing txid is refused; so is PATCH once removed.
	if _, err := c.CreateCob(ctx, txid, req); err == nil || !apptest.HasViolation(apptest.ProblemOf(t, err), "txid") {
		t.Errorf("second PUT: %v", err)
	}
	removed, err := c.UpdateCob(ctx, txid, pixapi.CobRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor})
	if err != nil || removed.Status != pixapi.StatusRemovidaPeloUsuarioRecebedor || removed.Revisao != 2 {
		t.Fatalf("remove: %+v %v", removed, err)
	}
	_, err = c.UpdateCob(ctx, txid, pixapi.CobRevisada{SolicitacaoPagador: "outra"})
	if p := apptest.ProblemOf(t, err); p.Tipo() != "CobOperacaoInvalida" || p.Status != 400 {
		t.Errorf("PATCH of a removed charge: %+v", p)
	}
	_, err = c.CreateCob(ctx, txid, req)
	if p := apptest.ProblemOf(t, err); !strings.Contains(p.Violacoes[0].Razao, "não está no status ATIVA") {
		t.Errorf("PUT on a removed charge: %+v", p)
	}

	// POST /cob: the PSP makes the txid.
	psp, err := c.CreateCobPSPTxID(ctx, pixapi.CobSolicitada{Calendario: req.Calendario, Valor: pixapi.CobValor{Original: "1.00"}, Chave: chave})
	if err != nil || len(psp.TxID) != 32 {
		t.Fatalf("POST /cob: %+v %v", psp, err)
	}
	if _, err := c.GetCob(ctx, "naoexiste00000000000000000000", nil); apptest.ProblemOf(t, err).Tipo() != "CobNaoEncontrado" {
		t.Errorf("unknown txid: %v", err)
	}
}

func TestCobViolations(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	chave := h.Sandbox.Pix.Chave
	base := func() pixapi.CobSolicitada {
		return pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "10.00"}, Chave: chave}
	}
	saque := &pixapi.Retirada{Saque: &pixapi.ValorRetirada{Valor: "50.00", ModalidadeAgente: pixapi.ModalidadeAgenteAGTEC, PrestadorDoServicoDeSaque: "01181521"}}
	tests := []struct {
		name string
		txid string
		mod  func(*pixapi.CobSolicitada)
		prop string
	}{
		{"expiracao zero", "", func(c *pixapi.CobSolicitada) { c.Calendario.Expiracao = pixapi.Ptr(0) }, "cob.calendario.expiracao"},
		{"valor zero", "", func(c *pixapi.CobSolicitada) { c.Valor.Original = "0.00" }, "cob.valor.original"},
		{"valor pattern", "", func(c *pixapi.CobSolicitada) { c.Valor.Original = "10" }, "cob.valor.original"},
		{"valor too many digits", "", func(c *pixapi.CobSolicitada) { c.Valor.Original = "12345678901.00" }, "cob.valor.original"},
		{"chave of nobody", "", func(c *pixapi.CobSolicitada) { c.Chave = "7d9f0335-8dcc-4054-9bf9-0dbd61d36906" }, "cob.chave"},
		{"chave too long", "", func(c *pixapi.CobSolicitada) { c.Chave = strings.Repeat("a", 78) }, "cob.chave"},
		{"devedor cpf and cnpj", "", func(c *pixapi.CobSolicitada) {
			c.Devedor = &pixapi.Pessoa{CPF: "52998224725", CNPJ: "12345678000195", Nome: "X"}
		}, "cob.devedor"},
		{"devedor cpf pattern", "", func(c *pixapi.CobSolicitada) { c.Devedor = &pixapi.Pessoa{CPF: "123", Nome: "X"} }, "cob.devedor.cpf"},
		{"devedor without nome", "", func(c *pixapi.CobSolicitada) { c.Devedor = &pixapi.Pessoa{CPF: "52998224725"} }, "cob.devedor.nome"},
		{"solicitacaoPagador 141", "", func(c *pixapi.CobSolicitada) { c.SolicitacaoPagador = strings.Repeat("x", 141) }, "cob.solicitacaoPagador"},
		{"51 infoAdicionais", "", func(c *pixapi.CobSolicitada) {
			for i := 0; i < 51; i++ {
				c.InfoAdicionais = append(c.InfoAdicionais, pixapi.InfoAdicional{Nome: "n", Valor: "v"})
			}
		}, "cob.infoAdicionais"},
		{"infoAdicionais nome 51", "", func(c *pixapi.CobSolicitada) {
			c.InfoAdicionais = []pixapi.InfoAdicional{{Nome: strings.Repeat("n", 51), Valor: "v"}}
		}, "cob.infoAdicionais[0].nome"},
		{"saque with original", "", func(c *pixapi.CobSolicitada) { c.Valor.Retirada = saque }, "cob.valor.original"},
		{"saque with modalidadeAlteracao 1", "", func(c *pixapi.CobSolicitada) {
			c.Valor = pixapi.CobValor{Original: "0.00", ModalidadeAlteracao: pixapi.Ptr(1), Retirada: saque}
		}, "cob.valor.modalidadeAlteracao"},
		{"saque and troco", "", func(c *pixapi.CobSolicitada) {
			c.Valor.Retirada = &pixapi.Retirada{Saque: saque.Saque, Troco: saque.Saque}
		}, "cob.valor.retirada"},
		{"troco with AGPSS", "", func(c *pixapi.CobSolicitada) {
			c.Valor.Retirada = &pixapi.Retirada{Troco: &pixapi.ValorRetirada{Valor: "5.00", ModalidadeAgente: pixapi.ModalidadeAgenteAGPSS, PrestadorDoServicoDeSaque: "01181521"}}
		}, "cob.valor.retirada.troco.modalidadeAgente"},
		{"loc inexistent", "", func(c *pixapi.CobSolicitada) { c.Loc = &pixapi.PayloadLocationCob{ID: 99999} }, "cob.loc.id"},
		{"txid too short", "abc", func(c *pixapi.CobSolicitada) {}, "txid"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := base()
			tt.mod(&req)
			txid := tt.txid
			if txid == "" {
				txid = fmt.Sprintf("violacao%024d", i)
			}
			_, err := c.CreateCob(ctx, txid, req)
			p := apptest.ProblemOf(t, err)
			if p.Status != 400 || p.Tipo() != "CobOperacaoInvalida" || !apptest.HasViolation(p, tt.prop) {
				t.Errorf("got %+v, want CobOperacaoInvalida naming %s", p, tt.prop)
			}
		})
	}
	t.Run("a valid Pix Saque", func(t *testing.T) {
		req := base()
		req.Valor = pixapi.CobValor{Original: "0.00", Retirada: saque}
		if _, err := c.CreateCob(ctx, "saquevalido0000000000000000000", req); err != nil {
			t.Error(err)
		}
	})
	t.Run("wrong JSON type names the property", func(t *testing.T) {
		hc := c.HTTPClient()
		tok, _ := c.Token(ctx)
		r, _ := http.NewRequest("PUT", h.APIURL()+"/api/v2/cob/tipoerrado00000000000000000000", strings.NewReader(`{"calendario":{"expiracao":"muito"},"valor":{"original":"1.00"},"chave":"x"}`))
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, body := apptest.Do(t, hc, r)
		if resp.StatusCode != 400 || !strings.Contains(string(body), `"propriedade":"cob.calendario.expiracao"`) {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
}

func TestCobScopesAndIsolation(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	ctx := context.Background()
	cert := h.DemoCertificate()
	readOnly, err := pixapi.New(h.APIURL(), pixapi.WithHTTPClient(spectest.Validator(t).Client(t, h.Client(&cert))),
		pixapi.WithCredentials(h.Sandbox.Pix.ClientID, h.Sandbox.Pix.ClientSecret), pixapi.WithScopes("cob.read"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = readOnly.CreateCob(ctx, "semescopo000000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: h.Sandbox.Pix.Chave})
	if p := apptest.ProblemOf(t, err); p.Status != 403 || p.Tipo() != "AcessoNegado" {
		t.Errorf("PUT with cob.read only: %+v", p)
	}
	// Another recebedor's txid answers 404, never its data: create the
	// charge directly for another documento and read it as the demo tenant.
	c := apptest.SpecClient(t, h)
	if _, err := c.CreateCob(ctx, "isolado00000000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: h.Sandbox.Pix.Chave}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.App.Pix.Cob(ctx, "11222333000181", "isolado00000000000000000000000", nil); err == nil {
		t.Error("another recebedor reads the demo tenant's charge")
	}
}

// TestCobConcurrentPUTs: N concurrent PUTs of one txid create exactly one
// charge (201); the others are told the txid is taken.
func TestCobConcurrentPUTs(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	if _, err := c.Token(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, refused := 0, 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CreateCob(ctx, "concorrente0000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: fmt.Sprintf("%d.00", i+1)}, Chave: h.Sandbox.Pix.Chave})
			mu.Lock()
			defer mu.Unlock()
			var p *pixapi.Problem
			switch {
			case err == nil:
				created++
			case errors.As(err, &p) && apptest.HasViolation(p, "txid"):
				refused++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}()
	}
	wg.Wait()
	if created != 1 || refused != n-1 {
		t.Errorf("created %d, refused %d; want 1 and %d", created, refused, n-1)
	}
	list, err := c.ListCobs(ctx, pixapi.CobListParams{Inicio: time.Now().Add(-time.Hour), Fim: time.Now().Add(time.Hour)})
	if err != nil || list.Parametros.Paginacao.QuantidadeTotalDeItens != 1 {
		t.Errorf("list: %+v %v", list, err)
	}
	// The refused PUTs left no orphan locations behind.
	locs, err := c.ListLocs(ctx, pixapi.LocListParams{Inicio: time.Now().Add(-time.Hour), Fim: time.Now().Add(time.Hour)})
	if err != nil || locs.Parametros.Paginacao.QuantidadeTotalDeItens != 1 {
		t.Errorf("locations after the race: %+v %v; want exactly one", locs.Parametros.Paginacao, err)
	}
}

func TestCobListAndLoc(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	chave := h.Sandbox.Pix.Chave
	loc, err := c.CreateLoc(ctx, pixapi.TipoCobCob)
	if err != nil || loc.ID == 0 || loc.TxID != "" {
		t.Fatalf("POST /loc: %+v %v", loc, err)
	}
	withLoc, err := c.CreateCob(ctx, "comloc000000000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "2.00"}, Chave: chave, Loc: &pixapi.PayloadLocationCob{ID: loc.ID}})
	if err != nil || withLoc.Loc.ID != loc.ID || withLoc.Location != loc.Location {
		t.Fatalf("cob with loc: %+v %v", withLoc, err)
	}
	_, err = c.CreateCob(ctx, "comloc100000000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "2.00"}, Chave: chave, Loc: &pixapi.PayloadLocationCob{ID: loc.ID}})
	if p := apptest.ProblemOf(t, err); !apptest.HasViolation(p, "cob.loc.id") {
		t.Errorf("reusing a location: %+v", p)
	}
	cobvLoc, _ := c.CreateLoc(ctx, pixapi.TipoCobCobV)
	if !strings.Contains(cobvLoc.Location, "/cobv/") {
		t.Errorf("cobv location %q lacks /cobv/", cobvLoc.Location)
	}
	_, err = c.CreateCob(ctx, "comloc200000000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "2.00"}, Chave: chave, Loc: &pixapi.PayloadLocationCob{ID: cobvLoc.ID}})
	if p := apptest.ProblemOf(t, err); !apptest.HasViolation(p, "cob.loc.id") {
		t.Errorf("a cobv location on a cob: %+v", p)
	}
	got, err := c.GetLoc(ctx, loc.ID)
	if err != nil || got.TxID != "comloc000000000000000000000000" {
		t.Errorf("GET /loc: %+v %v", got, err)
	}
	un, err := c.UnlinkLocTxID(ctx, loc.ID)
	if err != nil || un.TxID != "" {
		t.Errorf("DELETE /loc/{id}/txid: %+v %v", un, err)
	}
	after, err := c.GetCob(ctx, "comloc000000000000000000000000", nil)
	if err != nil || after.Loc != nil || after.Revisao != 0 || after.Status != pixapi.StatusAtiva {
		t.Errorf("charge after unlink: %+v %v", after, err)
	}

	for i := 0; i < 5; i++ {
		if _, err := c.CreateCob(ctx, fmt.Sprintf("lista%025d", i), pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "3.00"}, Chave: chave,
			Devedor: &pixapi.Pessoa{CPF: "52998224725", Nome: "Fulano"}}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	page, err := c.ListCobs(ctx, pixapi.CobListParams{Inicio: now.Add(-time.Hour), Fim: now.Add(time.Hour), CPF: "52998224725", ItensPorPagina: 2, PaginaAtual: 1})
	if err != nil {
		t.Fatal(err)
	}
	pg := page.Parametros.Paginacao
	if len(page.Cobs) != 2 || pg.QuantidadeTotalDeItens != 5 || pg.QuantidadeDePaginas != 3 || pg.PaginaAtual != 1 || page.Cobs[0].TxID != fmt.Sprintf("lista%025d", 2) {
		t.Errorf("page: %+v %+v", pg, page.Cobs)
	}
	for _, bad := range []pixapi.CobListParams{
		{Inicio: now, Fim: now.Add(-time.Hour)},
		{Inicio: now.Add(-time.Hour), Fim: now, CPF: "52998224725", CNPJ: "12345678000195"},
		{Inicio: now.Add(-time.Hour), Fim: now, PaginaAtual: -1},
	} {
		if _, err := c.ListCobs(ctx, bad); apptest.ProblemOf(t, err).Tipo() != "CobConsultaInvalida" {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	locs, err := c.ListLocs(ctx, pixapi.LocListParams{Inicio: now.Add(-time.Hour), Fim: now.Add(time.Hour), TxIDPresente: pixapi.Ptr(false)})
	if err != nil || locs.Parametros.Paginacao.QuantidadeTotalDeItens < 2 {
		t.Errorf("GET /loc: %+v %v", locs, err)
	}
}

// TestCobViolationsNeedingState covers the catalog's violations that need
// existing state: a chave registered to another recebedor, and a PATCH that
// removes the charge together with other changes.
func TestCobViolationsNeedingState(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	other := pix.Recebedor{Documento: "11222333000181", Nome: "OUTRA EMPRESA LTDA", Cidade: "SAO PAULO", CreatedAt: time.Now()}
	if err := h.App.Store.CreateRecebedor(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if err := h.App.Store.CreateChave(ctx, &pix.Chave{Chave: "outra@empresa.com.br", Tipo: pix.ChaveEmail, Documento: other.Documento, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateCob(ctx, "chavealheia0000000000000000000", pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: "outra@empresa.com.br"})
	if p := apptest.ProblemOf(t, err); p.Tipo() != "CobOperacaoInvalida" || !apptest.HasViolation(p, "cob.chave") || p.Violacoes[0].Razao != "Não foi localizada a chave informada" {
		t.Errorf("another recebedor's chave: %+v", p)
	}

	txid := "removecomoutras0000000000000000"
	if _, err := c.CreateCob(ctx, txid, pixapi.CobSolicitada{Valor: pixapi.CobValor{Original: "1.00"}, Chave: h.Sandbox.Pix.Chave}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateCob(ctx, txid, pixapi.CobRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor, SolicitacaoPagador: "e também isto"})
	if p := apptest.ProblemOf(t, err); p.Tipo() != "CobOperacaoInvalida" || p.Status != 400 || !apptest.HasViolation(p, "cob.status") {
		t.Errorf("removal together with other changes: %+v", p)
	}
	_, err = c.UpdateCob(ctx, txid, pixapi.CobRevisada{Status: pixapi.StatusConcluida})
	if p := apptest.ProblemOf(t, err); !apptest.HasViolation(p, "cob.status") {
		t.Errorf("PATCH to CONCLUIDA: %+v", p)
	}
	got, err := c.GetCob(ctx, txid, nil)
	if err != nil || got.Status != pixapi.StatusAtiva || got.Revisao != 0 {
		t.Errorf("refused PATCHes changed the charge: %+v %v", got, err)
	}
}
