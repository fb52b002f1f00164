package charges_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store/postgres/pgtest"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
	"github.com/brasa-dev/brasa/internal/store/storetest"
	"github.com/brasa-dev/brasa/pixapi"
)

// loteTxID is the txid of item i of batch id in these tests.
func loteTxID(id int64, i int) string { return fmt.Sprintf("lote%06dx%021d", id, i) }

// esperaLote polls GET /lotecobv/{id} until no item is EM_PROCESSAMENTO
// (at most 20 s) and returns the batch.
func esperaLote(t *testing.T, c *pixapi.Client, id int64) *pixapi.LoteCobVConsultado {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		l, err := c.GetLoteCobV(context.Background(), id)
		if err != nil {
			t.Fatalf("GET /lotecobv/%d: %v", id, err)
		}
		pending := slices.ContainsFunc(l.CobsV, func(it pixapi.LoteCobVItem) bool { return it.Status == pixapi.LoteItemEmProcessamento })
		if !pending {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("lote %d still EM_PROCESSAMENTO after 20 s: %+v", id, l.CobsV)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func itemDe(t *testing.T, l *pixapi.LoteCobVConsultado, txid string) pixapi.LoteCobVItem {
	t.Helper()
	for _, it := range l.CobsV {
		if it.TxID == txid {
			return it
		}
	}
	t.Fatalf("lote %d has no item %s", l.ID, txid)
	return pixapi.LoteCobVItem{}
}

func TestLoteCobVLifecycle(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	venc := diaUtilApos(h, 7)
	const id = 1001
	const n = 20
	// Three items break rules of PUT /cobv (not the schema: a batch whose
	// items break the schema is refused whole, and the spec test client
	// would report a 202 to it).
	invalid := map[int]string{3: "cobv.calendario.dataDeVencimento", 8: "cobv.valor.original", 15: "cobv.chave"}
	lote := pixapi.LoteCobVSolicitado{Descricao: "Cobranças dos alunos do turno vespertino"}
	for i := range n {
		req := cobvBase(h, venc)
		req.Valor.Original = fmt.Sprintf("%d.00", 100+i)
		req.SolicitacaoPagador = "Informar matrícula"
		switch i {
		case 3:
			req.Calendario.DataDeVencimento = wireData(hojeEm(h).AddDays(-1))
		case 8:
			req.Valor.Original = "0.00"
		case 15:
			req.Chave = "7d9f0335-8dcc-4054-9bf9-0dbd61d36906"
		}
		lote.CobsV = append(lote.CobsV, pixapi.CobVSolicitadaEmLote{TxID: loteTxID(id, i), CobVSolicitada: req})
	}
	before := time.Now()
	if err := c.PutLoteCobV(ctx, id, lote); err != nil {
		t.Fatalf("PUT /lotecobv: %v", err)
	}
	got := esperaLote(t, c, id)
	if got.ID != id || got.Descricao != lote.Descricao || got.Criacao.Before(before.Add(-time.Second)) || len(got.CobsV) != n {
		t.Fatalf("lote %+v", got)
	}
	var criadas []string
	for i, it := range got.CobsV {
		if it.TxID != loteTxID(id, i) {
			t.Errorf("item %d is %s: items keep the request's order", i, it.TxID)
		}
		prop, bad := invalid[i]
		switch {
		case bad:
			if it.Status != pixapi.LoteItemNegada || it.Problema == nil || !it.Criacao.IsZero() {
				t.Errorf("item %d: %+v, want NEGADA with problema", i, it)
				continue
			}
			p := it.Problema
			if p.Tipo() != "CobVOperacaoInvalida" || p.Status != 400 || p.Title != "Cobrança inválida." || !apptest.HasViolation(p, prop) {
				t.Errorf("item %d problema %+v, want CobVOperacaoInvalida naming %s", i, p, prop)
			}
		default:
			if it.Status != pixapi.LoteItemCriada || it.Problema != nil || it.Criacao.IsZero() {
				t.Errorf("item %d: %+v, want CRIADA with criacao", i, it)
			}
			criadas = append(criadas, it.TxID)
		}
	}
	if len(criadas) != n-len(invalid) {
		t.Fatalf("%d CRIADA, want %d", len(criadas), n-len(invalid))
	}

	// The charges: in the batch, in GET /cobv; the refused ones nowhere.
	inicio, fim := before.Add(-time.Minute), time.Now().Add(time.Minute)
	list, err := c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: inicio, Fim: fim, LoteCobVID: pixapi.Ptr[int64](id)})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, cob := range list.Cobs {
		listed = append(listed, cob.TxID)
	}
	slices.Sort(listed)
	if !slices.Equal(listed, criadas) || list.Parametros.Paginacao.QuantidadeTotalDeItens != len(criadas) {
		t.Errorf("GET /cobv?loteCobVId: %v (total %d), want %v", listed, list.Parametros.Paginacao.QuantidadeTotalDeItens, criadas)
	}
	all, err := c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: inicio, Fim: fim})
	if err != nil || all.Parametros.Paginacao.QuantidadeTotalDeItens != len(criadas) {
		t.Errorf("GET /cobv: %v items, %v; want the %d created", all.Parametros.Paginacao.QuantidadeTotalDeItens, err, len(criadas))
	}
	cob, err := c.GetCobV(ctx, loteTxID(id, 0), nil)
	if err != nil || cob.Revisao != 0 || cob.Valor.Original != "100.00" || cob.Status != pixapi.StatusAtiva || cob.Loc == nil || cob.PixCopiaECola == "" {
		t.Fatalf("GET /cobv of a CRIADA item: %+v %v", cob, err)
	}
	if !cob.Calendario.Criacao.Equal(itemDe(t, got, loteTxID(id, 0)).Criacao.Time) {
		t.Errorf("item criacao %v, charge's %v", itemDe(t, got, loteTxID(id, 0)).Criacao, cob.Calendario.Criacao)
	}
	if _, err := c.GetCobV(ctx, loteTxID(id, 3), nil); err == nil || apptest.ProblemOf(t, err).Tipo() != "CobVNaoEncontrada" {
		t.Errorf("GET /cobv of a NEGADA item: %v", err)
	}

	// The CobV rule: a NEGADA txid is the batch's.
	_, err = c.CreateCobV(ctx, loteTxID(id, 3), cobvBase(h, venc))
	if p := apptest.ProblemOf(t, err); p.Tipo() != "CobVOperacaoInvalida" || !apptest.HasViolation(p, "txid") || !strings.Contains(p.Violacoes[0].Razao, "NEGADA") {
		t.Errorf("PUT /cobv of a NEGADA txid: %+v", p)
	}

	// A PUT of the very same batch again (a retried request) changes no
	// charge, and tries the refused ones again.
	if err := c.PutLoteCobV(ctx, id, lote); err != nil {
		t.Fatalf("PUT /lotecobv again: %v", err)
	}
	again := esperaLote(t, c, id)
	for i, it := range again.CobsV {
		if _, bad := invalid[i]; bad != (it.Status == pixapi.LoteItemNegada) {
			t.Errorf("after the same PUT, item %d is %s", i, it.Status)
		}
	}
	if cob, err := c.GetCobV(ctx, loteTxID(id, 1), nil); err != nil || cob.Revisao != 0 {
		t.Errorf("the same PUT revised a charge: %+v %v", cob, err)
	}

	// PUT of the batch with another set of txids.
	fewer := lote
	fewer.CobsV = lote.CobsV[:n-1]
	err = c.PutLoteCobV(ctx, id, fewer)
	if p := apptest.ProblemOf(t, err); p.Tipo() != "LoteCobVOperacaoInvalida" || p.Status != 400 || !apptest.HasViolation(p, "loteCobV.cobsV") {
		t.Errorf("PUT without one txid: %+v", p)
	}
	more := lote
	extra := cobvBase(h, venc)
	more.CobsV = append(slices.Clone(lote.CobsV), pixapi.CobVSolicitadaEmLote{TxID: loteTxID(id, 99), CobVSolicitada: extra})
	if p := apptest.ProblemOf(t, c.PutLoteCobV(ctx, id, more)); p.Tipo() != "LoteCobVOperacaoInvalida" || !apptest.HasViolation(p, "loteCobV.cobsV") {
		t.Errorf("PUT with one txid more: %+v", p)
	}

	// PATCH naming a txid outside the batch.
	err = c.PatchLoteCobV(ctx, id, pixapi.LoteCobVRevisado{CobsV: []pixapi.CobVRevisadaEmLote{
		{TxID: loteTxID(id, 99), CobVRevisada: pixapi.CobVRevisada{SolicitacaoPagador: "x"}}}})
	if p := apptest.ProblemOf(t, err); p.Tipo() != "LoteCobVOperacaoInvalida" || !apptest.HasViolation(p, "loteCobV.cobsV[0].txid") {
		t.Errorf("PATCH with a foreign txid: %+v", p)
	}
	if p := apptest.ProblemOf(t, c.PatchLoteCobV(ctx, 9999, pixapi.LoteCobVRevisado{Descricao: "x"})); p.Tipo() != "LoteCobVNaoEncontrado" || p.Status != 404 {
		t.Errorf("PATCH of no batch: %+v", p)
	}

	// PATCH: a revision of a charge, and the correction of a refused one.
	err = c.PatchLoteCobV(ctx, id, pixapi.LoteCobVRevisado{Descricao: "Turno vespertino, revisado", CobsV: []pixapi.CobVRevisadaEmLote{
		{TxID: loteTxID(id, 0), CobVRevisada: pixapi.CobVRevisada{Valor: &pixapi.CobVValorRevisado{Original: "110.00"}}},
		{TxID: loteTxID(id, 8), CobVRevisada: pixapi.CobVRevisada{Valor: &pixapi.CobVValorRevisado{Original: "108.00"}}},
	}})
	if err != nil {
		t.Fatalf("PATCH /lotecobv: %v", err)
	}
	patched := esperaLote(t, c, id)
	if patched.Descricao != "Turno vespertino, revisado" {
		t.Errorf("descricao %q", patched.Descricao)
	}
	for _, i := range []int{0, 8} {
		if it := itemDe(t, patched, loteTxID(id, i)); it.Status != pixapi.LoteItemCriada || it.Problema != nil {
			t.Errorf("item %d after PATCH: %+v", i, it)
		}
	}
	if it := itemDe(t, patched, loteTxID(id, 3)); it.Status != pixapi.LoteItemNegada {
		t.Errorf("item 3, not in the PATCH: %+v", it)
	}
	if cob, err := c.GetCobV(ctx, loteTxID(id, 0), nil); err != nil || cob.Revisao != 1 || cob.Valor.Original != "110.00" {
		t.Errorf("revised charge: %+v %v", cob, err)
	}
	if cob, err := c.GetCobV(ctx, loteTxID(id, 8), nil); err != nil || cob.Revisao != 0 || cob.Valor.Original != "108.00" || cob.Devedor.Nome != "Francisco da Silva" {
		t.Errorf("corrected charge: %+v %v", cob, err)
	}
	// A PATCH of a charge that went wrong: NEGADA, the charge unchanged,
	// and PATCH /cobv refused until the batch fixes it.
	err = c.PatchLoteCobV(ctx, id, pixapi.LoteCobVRevisado{CobsV: []pixapi.CobVRevisadaEmLote{
		{TxID: loteTxID(id, 1), CobVRevisada: pixapi.CobVRevisada{Valor: &pixapi.CobVValorRevisado{Original: "0.00"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	it := itemDe(t, esperaLote(t, c, id), loteTxID(id, 1))
	if it.Status != pixapi.LoteItemNegada || it.Problema == nil || !apptest.HasViolation(it.Problema, "cobv.valor.original") || it.Criacao.IsZero() {
		t.Errorf("refused revision: %+v", it)
	}
	if _, err := c.UpdateCobV(ctx, loteTxID(id, 1), pixapi.CobVRevisada{SolicitacaoPagador: "y"}); err == nil || !apptest.HasViolation(apptest.ProblemOf(t, err), "txid") {
		t.Errorf("PATCH /cobv of a NEGADA revision: %v", err)
	}
	// A CRIADA charge may be revised directly.
	if cob, err := c.UpdateCobV(ctx, loteTxID(id, 2), pixapi.CobVRevisada{SolicitacaoPagador: "Direto"}); err != nil || cob.Revisao != 1 {
		t.Errorf("PATCH /cobv of a CRIADA item: %+v %v", cob, err)
	}

	// A new batch may not take a charge, nor another batch's txid.
	other := pixapi.LoteCobVSolicitado{Descricao: "outro", CobsV: []pixapi.CobVSolicitadaEmLote{
		{TxID: loteTxID(2002, 0), CobVSolicitada: cobvBase(h, venc)},
		{TxID: loteTxID(id, 3), CobVSolicitada: cobvBase(h, venc)},
		{TxID: loteTxID(id, 4), CobVSolicitada: cobvBase(h, venc)},
	}}
	p := apptest.ProblemOf(t, c.PutLoteCobV(ctx, 2002, other))
	if p.Tipo() != "LoteCobVOperacaoInvalida" || !apptest.HasViolation(p, "loteCobV.cobsV[1].txid") || !apptest.HasViolation(p, "loteCobV.cobsV[2].txid") {
		t.Errorf("PUT of a batch with used txids: %+v", p)
	}
	if _, err := c.GetLoteCobV(ctx, 2002); err == nil || apptest.ProblemOf(t, err).Tipo() != "LoteCobVNaoEncontrado" || apptest.ProblemOf(t, err).Status != 404 {
		t.Errorf("a refused batch exists: %v", err)
	}
	direct := "cobvdireta0000000000000000000000"
	if _, err := c.CreateCobV(ctx, direct, cobvBase(h, venc)); err != nil {
		t.Fatal(err)
	}
	other.CobsV = []pixapi.CobVSolicitadaEmLote{{TxID: direct, CobVSolicitada: cobvBase(h, venc)}}
	if p := apptest.ProblemOf(t, c.PutLoteCobV(ctx, 2002, other)); !apptest.HasViolation(p, "loteCobV.cobsV[0].txid") ||
		!strings.Contains(p.Violacoes[0].Razao, "já encontra-se criada") {
		t.Errorf("a cobv made by PUT /cobv joining a batch: %+v", p)
	}

	// GET /lotecobv.
	lotes, err := c.ListLotesCobV(ctx, pixapi.LoteCobVListParams{Inicio: inicio, Fim: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if len(lotes.Lotes) != 1 || lotes.Lotes[0].ID != id || len(lotes.Lotes[0].CobsV) != n || lotes.Parametros.Paginacao.QuantidadeTotalDeItens != 1 {
		t.Errorf("GET /lotecobv: %+v", lotes)
	}
	if it := itemDe(t, &lotes.Lotes[0], loteTxID(id, 3)); it.Problema == nil || it.Problema.Tipo() != "CobVOperacaoInvalida" {
		t.Errorf("listed NEGADA item: %+v", it)
	}
	_, err = c.ListLotesCobV(ctx, pixapi.LoteCobVListParams{Inicio: fim, Fim: inicio})
	if p := apptest.ProblemOf(t, err); p.Tipo() != "LoteCobVConsultaInvalida" || !apptest.HasViolation(p, "fim") {
		t.Errorf("fim before inicio: %+v", p)
	}
	if _, err := c.GetLoteCobV(ctx, 4040); err == nil || apptest.ProblemOf(t, err).Tipo() != "LoteCobVNaoEncontrado" {
		t.Errorf("GET of no batch: %v", err)
	}
}

// TestLoteCobVViolations sends each batch-level violation and expects
// 400 LoteCobVOperacaoInvalida naming its propriedade.
func TestLoteCobVViolations(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	venc := diaUtilApos(h, 7)
	item := func(txid string) pixapi.CobVSolicitadaEmLote {
		return pixapi.CobVSolicitadaEmLote{TxID: txid, CobVSolicitada: cobvBase(h, venc)}
	}
	tests := []struct {
		name string
		lote pixapi.LoteCobVSolicitado
		prop string
	}{
		{"descricao missing", pixapi.LoteCobVSolicitado{CobsV: []pixapi.CobVSolicitadaEmLote{item(loteTxID(1, 0))}}, "loteCobV.descricao"},
		{"no cobsv", pixapi.LoteCobVSolicitado{Descricao: "vazio"}, "loteCobV.cobsV"},
		{"txid repeated", pixapi.LoteCobVSolicitado{Descricao: "d", CobsV: []pixapi.CobVSolicitadaEmLote{item(loteTxID(1, 0)), item(loteTxID(1, 0))}}, "loteCobV.cobsV[1].txid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := apptest.ProblemOf(t, c.PutLoteCobV(ctx, 1, tt.lote))
			if p.Status != 400 || p.Tipo() != "LoteCobVOperacaoInvalida" || !apptest.HasViolation(p, tt.prop) || p.Title != "Lote de cobranças inválido." {
				t.Errorf("got %+v, want LoteCobVOperacaoInvalida naming %s", p, tt.prop)
			}
		})
	}

	// Off-spec requests, through a client that does not validate them.
	cert := h.DemoCertificate()
	raw := h.Client(&cert)
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	send := func(method, path, body string) (int, pixapi.Problem) {
		r, _ := http.NewRequest(method, h.APIURL()+path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, b := apptest.Do(t, raw, r)
		var p pixapi.Problem
		if resp.StatusCode != http.StatusAccepted {
			if err := json.Unmarshal(b, &p); err != nil {
				t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
			}
		}
		return resp.StatusCode, p
	}
	if st, p := send("PUT", "/api/v2/lotecobv/abc", `{"descricao":"d","cobsv":[]}`); st != 400 || p.Tipo() != "LoteCobVOperacaoInvalida" || !apptest.HasViolation(&p, "id") {
		t.Errorf("PUT /lotecobv/abc: %d %+v", st, p)
	}
	if st, p := send("PUT", "/api/v2/lotecobv/7", `{"descricao":"d","cobsv":[{"txid":"`+loteTxID(7, 0)+`","valor":{"original":12}}]}`); st != 400 ||
		p.Tipo() != "LoteCobVOperacaoInvalida" || !apptest.HasViolation(&p, "loteCobV.cobsV.valor.original") {
		t.Errorf("a wrong JSON type in an item: %d %+v", st, p)
	}
	if st, p := send("PUT", "/api/v2/lotecobv/7", `{"descricao":"d","cobsv":[{"txid":"curto","valor":{"original":"1.00"}}]}`); st != 400 ||
		!apptest.HasViolation(&p, "loteCobV.cobsV[0].txid") {
		t.Errorf("a malformed txid: %d %+v", st, p)
	}
	if st, p := send("GET", "/api/v2/lotecobv/abc", ``); st != 404 || p.Tipo() != "LoteCobVNaoEncontrado" {
		t.Errorf("GET /lotecobv/abc: %d %+v", st, p)
	}
	// Scopes.
	for _, path := range []string{"/api/v2/lotecobv/1", "/v2/lotecobv/1"} {
		r, _ := http.NewRequest("GET", h.APIURL()+path, nil)
		resp, _ := apptest.Do(t, raw, r)
		if resp.StatusCode != 401 {
			t.Errorf("GET %s without a token: %d", path, resp.StatusCode)
		}
	}
}

// TestLoteCobVFinishedAfterRestart: a batch whose requests were stored but
// never processed (the process stopped right after PUT's 202) is finished by
// the next start.
func TestLoteCobVFinishedAfterRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var sb pixapi.Sandbox
	var venc pix.Data
	t.Run("first boot", func(t *testing.T) {
		h := apptest.Boot(t, apptest.Options{Dir: dir})
		sb, venc = *h.Sandbox, diaUtilApos(h, 7)
	})

	// Stored as PUT stores it, with no processor to signal.
	const id = 77
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "brasa.db"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	l := &pix.Lote{Documento: sb.Pix.CNPJ, ID: id, Descricao: "pendente", Criacao: now, UpdatedAt: now}
	for i := range 5 {
		req := pixapi.CobVSolicitada{Calendario: pixapi.CobVCalendarioSolicitado{DataDeVencimento: wireData(venc)},
			Devedor: pixapi.Devedor{CPF: "12345678909", Nome: "Francisco da Silva"},
			Valor:   pixapi.CobVValor{Original: fmt.Sprintf("%d.00", 10+i)}, Chave: sb.Pix.Chave}
		if i == 4 {
			req.Valor.Original = "0.00"
		}
		body, _ := json.Marshal(req)
		l.Itens = append(l.Itens, pix.LoteItem{Documento: sb.Pix.CNPJ, LoteID: id, TxID: loteTxID(id, i), Pos: i,
			Status: pixapi.LoteItemEmProcessamento, Solicitacao: body, Pedido: body, PedidoTipo: pix.PedidoSolicitada, Seq: 1, UpdatedAt: now})
	}
	storetest.MustCreateLote(t, storetest.LoteStoreOf(t, db), l)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	h := apptest.Boot(t, apptest.Options{Dir: dir})
	c := apptest.SpecClient(t, h)
	got := esperaLote(t, c, id)
	for i, it := range got.CobsV {
		want := pixapi.LoteItemCriada
		if i == 4 {
			want = pixapi.LoteItemNegada
		}
		if it.Status != want {
			t.Errorf("item %d after restart: %+v, want %s", i, it, want)
		}
	}
	if cob, err := c.GetCobV(context.Background(), loteTxID(id, 0), nil); err != nil || cob.Valor.Original != "10.00" {
		t.Errorf("charge of the recovered batch: %+v %v", cob, err)
	}
}

// TestLoteCobVPostgresInstances: two instances on one PostgreSQL process the
// batches PUT to either, sharing the queue: every item is processed (and
// every charge created once, at revision 0).
func TestLoteCobVPostgresInstances(t *testing.T) {
	t.Parallel()
	dsn := pgtest.MustSchema(t, pgtest.MustDSN(t))
	sameKey := func(c *config.Config) { c.MasterKeyHex = strings.Repeat("5a", 32) }
	hs := []*apptest.Harness{apptest.Boot(t, apptest.Options{DB: dsn, Configure: sameKey})}
	hs = append(hs, apptest.Boot(t, apptest.Options{DB: dsn, Configure: sameKey}))
	ctx := context.Background()
	const n = 150
	clients := make([]*pixapi.Client, len(hs))
	for k, h := range hs {
		clients[k] = apptest.SpecClient(t, h)
		lote := pixapi.LoteCobVSolicitado{Descricao: fmt.Sprintf("instância %d", k)}
		venc := diaUtilApos(h, 7)
		for i := range n {
			lote.CobsV = append(lote.CobsV, pixapi.CobVSolicitadaEmLote{TxID: loteTxID(int64(k+1), i), CobVSolicitada: cobvBase(h, venc)})
		}
		if err := clients[k].PutLoteCobV(ctx, int64(k+1), lote); err != nil {
			t.Fatalf("PUT /lotecobv on instance %d: %v", k, err)
		}
	}
	for k := range hs {
		// Read through the other instance.
		l := esperaLote(t, clients[1-k], int64(k+1))
		for _, it := range l.CobsV {
			if it.Status != pixapi.LoteItemCriada {
				t.Fatalf("lote %d item %+v", k+1, it)
			}
		}
		list, err := clients[k].ListCobsV(ctx, pixapi.CobVListParams{Inicio: time.Now().Add(-time.Hour), Fim: time.Now().Add(time.Hour),
			LoteCobVID: pixapi.Ptr(int64(k + 1)), ItensPorPagina: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Cobs) != n {
			t.Errorf("lote %d has %d charges, want %d", k+1, len(list.Cobs), n)
		}
		for _, c := range list.Cobs {
			if c.Revisao != 0 {
				t.Errorf("charge %s at revision %d: processed more than once", c.TxID, c.Revisao)
			}
		}
	}
}
