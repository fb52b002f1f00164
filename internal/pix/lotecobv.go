package pix

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/pixapi"
)

// This file holds the batches of charges with a due date (spec tag
// LoteCobV: PUT, PATCH and GET /lotecobv/{id}, GET /lotecobv) and their
// processor.
//
// PUT and PATCH only store the batch's requests, each item with a pending
// request (status EM_PROCESSAMENTO), and answer 202; [Service.ProcessLotes]
// then carries out each pending request with the very rules of PUT and PATCH
// /cobv ([Service.CreateCobV], [Service.ReviseCobV]): the item becomes CRIADA
// (the charge exists, in the batch) or NEGADA with the error the same request
// to /cobv would have got. A request is stored before the 202, so one the
// process did not finish (a crash, a restart) is carried out by the next
// processor; processing is idempotent (a charge that already exists in the
// batch is revised to the request, which changes nothing when it already
// matches).

const msgLoteInvalido = "A requisição que busca alterar ou criar um lote de cobranças com vencimento não respeita o schema ou está semanticamente errada."

const msgLoteNaoEncontrado = "Lote não encontrado para o id informado."

const msgLoteConsultaInvalida = "Os parâmetros de consulta à lista de lotes de cobrança com vencimento não respeitam o schema ou não fazem sentido semanticamente."

// The catalog's LoteCobVOperacaoInvalida violations, and brasa's own.
const (
	razaoCobrancaJaCriada  = "A presente requisição tenta criar um conjunto de cobranças dentre as quais pelo menos uma cobrança já encontra-se criada: a cobrança deste txid já existe."
	razaoConjuntoDiferente = "A presente requisição busca alterar um lote já existente, entretanto contém um array de solicitações de alteração de cobranças que não referencia exatamente as mesmas cobranças referenciadas pela requisição original que criou o lote."
	razaoForaDoLote        = "A presente requisição busca alterar um lote já existente e contém, no array de cobranças representado por cobsv, uma cobrança não existente no array de cobranças atribuído pela requisição original que criou o lote."
	razaoEmProcessamento   = "A solicitação deste txid ainda está EM_PROCESSAMENTO neste lote: consulte o lote e envie a alteração quando o processamento terminar."
)

// lotes returns the store's batches. A store that keeps none cannot serve
// LoteCobV.
func (s *Service) lotes() (LoteStore, error) {
	ls, ok := s.store.(LoteStore)
	if !ok {
		return nil, errs.New(errs.EInternal, "pix: the store keeps no lotes")
	}
	return ls, nil
}

// PutLoteCobV creates batch id of documento (PUT /lotecobv/{id}) with a
// charge request per item, or, when the batch exists, submits new requests
// for exactly its charges. It returns once the requests are stored; each is
// carried out later, by [Service.ProcessLotes]. Errors: EInvalid
// (LoteCobVOperacaoInvalida) for descricao missing, no cobsv, a txid
// malformed or repeated, a new batch naming a txid that is already a charge
// or in another batch, a change whose txids are not exactly the batch's, or
// a charge of the batch still EM_PROCESSAMENTO.
func (s *Service) PutLoteCobV(ctx context.Context, documento string, id int64, req *pixapi.LoteCobVSolicitado) error {
	ls, err := s.lotes()
	if err != nil {
		return err
	}
	var v violations
	if id <= 0 {
		v = append(v, errs.Violation{Property: "id", Reason: "O parâmetro id não respeita o schema: o identificador do lote é um inteiro positivo (int64).", Value: fmt.Sprint(id)})
	}
	if req.Descricao == "" {
		v.add("loteCobV.descricao", "O campo loteCobV.descricao não respeita o schema: é obrigatório.")
	}
	if len(req.CobsV) == 0 {
		v.add("loteCobV.cobsV", "O objeto loteCobV.cobsV não respeita o schema: o lote deve ter ao menos uma cobrança.")
	}
	txids := make([]string, len(req.CobsV))
	pos := make(map[string]int, len(req.CobsV))
	for i, c := range req.CobsV {
		prop := itemProp(i)
		if j, dup := pos[c.TxID]; dup {
			v = append(v, errs.Violation{Property: prop, Reason: fmt.Sprintf("O objeto loteCobV.cobsV não respeita o schema: o txid repete o de loteCobV.cobsV[%d].", j), Value: c.TxID})
		} else if !ValidTxIDCriacao(c.TxID) {
			v = append(v, errs.Violation{Property: prop, Reason: "O campo txid não respeita o schema: de 26 a 35 caracteres [a-zA-Z0-9].", Value: c.TxID})
		}
		pos[c.TxID] = i
		txids[i] = c.TxID
	}
	if err := v.err(msgLoteInvalido); err != nil {
		return err
	}
	now := s.clock.Now()
	itens := make([]LoteItem, len(req.CobsV))
	for i := range req.CobsV {
		body, err := json.Marshal(&req.CobsV[i].CobVSolicitada)
		if err != nil {
			return errs.Wrap(errs.EInternal, err, "encode lote item")
		}
		itens[i] = LoteItem{Documento: documento, LoteID: id, TxID: txids[i], Pos: i, Status: pixapi.LoteItemEmProcessamento,
			Solicitacao: body, Pedido: body, PedidoTipo: PedidoSolicitada, Seq: 1, UpdatedAt: now}
	}
	for attempt := 0; ; attempt++ {
		cur, err := ls.Lote(ctx, documento, id)
		if errs.Is(err, errs.ENotFound) {
			err = s.createLote(ctx, ls, &Lote{Documento: documento, ID: id, Descricao: req.Descricao, Criacao: now, UpdatedAt: now, Itens: itens}, pos)
			if e := errs.As(err); e != nil && e.Kind == errs.EConflict && e.Code == "lote" && attempt == 0 {
				continue // created meanwhile by a concurrent PUT: this one changes it
			}
		} else if err == nil {
			err = s.changeLote(ctx, ls, cur, req.Descricao, itens)
		}
		if err != nil {
			return err
		}
		s.wakeLotes()
		return nil
	}
}

// createLote stores a new batch: none of its txids may be a charge of the
// recebedor already, nor an item of another batch.
func (s *Service) createLote(ctx context.Context, ls LoteStore, l *Lote, pos map[string]int) error {
	txids := make([]string, len(l.Itens))
	for i := range l.Itens {
		txids[i] = l.Itens[i].TxID
	}
	cobs, emLote, err := ls.LoteTxIDsEmUso(ctx, l.Documento, txids)
	if err != nil {
		return err
	}
	var v violations
	for _, t := range cobs {
		v = append(v, errs.Violation{Property: itemProp(pos[t]), Reason: razaoCobrancaJaCriada, Value: t})
	}
	for t, id := range emLote {
		if !slices.Contains(cobs, t) {
			v = append(v, errs.Violation{Property: itemProp(pos[t]),
				Reason: fmt.Sprintf("O txid já pertence ao lote %d: uma solicitação de cobrança de um lote não pode ser associada a um novo lote.", id), Value: t})
		}
	}
	slices.SortFunc(v, func(a, b errs.Violation) int { return pos[a.Value] - pos[b.Value] })
	if err := v.err(msgLoteInvalido); err != nil {
		return err
	}
	err = ls.CreateLote(ctx, l)
	if e := errs.As(err); e != nil && e.Kind == errs.EConflict && e.Code == "txid" {
		return errs.Invalid("loteCobV.cobsV", "O objeto loteCobV.cobsV não respeita o schema: um dos txid passou a pertencer a outro lote durante esta requisição.")
	}
	return err
}

// changeLote submits new requests (PUT) for exactly the charges of batch
// cur.
func (s *Service) changeLote(ctx context.Context, ls LoteStore, cur *Lote, descricao string, itens []LoteItem) error {
	atual := make(map[string]*LoteItem, len(cur.Itens))
	for i := range cur.Itens {
		atual[cur.Itens[i].TxID] = &cur.Itens[i]
	}
	var novos, ausentes []string
	pedidos := make(map[string]bool, len(itens))
	for _, it := range itens {
		pedidos[it.TxID] = true
		if atual[it.TxID] == nil {
			novos = append(novos, it.TxID)
		}
	}
	for _, it := range cur.Itens {
		if !pedidos[it.TxID] {
			ausentes = append(ausentes, it.TxID)
		}
	}
	if len(novos) > 0 || len(ausentes) > 0 {
		var diff []string
		if len(ausentes) > 0 {
			diff = append(diff, "ausentes: "+strings.Join(ausentes, ", "))
		}
		if len(novos) > 0 {
			diff = append(diff, "não pertencentes ao lote: "+strings.Join(novos, ", "))
		}
		return &errs.Error{Kind: errs.EInvalid, Message: msgLoteInvalido,
			Violations: []errs.Violation{{Property: "loteCobV.cobsV", Reason: razaoConjuntoDiferente, Value: strings.Join(diff, "; ")}}}
	}
	var v violations
	for i, it := range itens {
		if atual[it.TxID].Pedido != nil {
			v = append(v, errs.Violation{Property: itemProp(i), Reason: razaoEmProcessamento, Value: it.TxID})
		}
	}
	if err := v.err(msgLoteInvalido); err != nil {
		return err
	}
	return s.updateLote(ctx, ls, cur, descricao, itens)
}

// updateLote stores the new requests, mapping the store's refusals.
func (s *Service) updateLote(ctx context.Context, ls LoteStore, cur *Lote, descricao string, itens []LoteItem) error {
	err := ls.UpdateLote(ctx, cur.Documento, cur.ID, descricao, itens, s.clock.Now())
	e := errs.As(err)
	switch {
	case e == nil:
	case e.Kind == errs.EConflict && e.Code == "pendente":
		// A request written by a concurrent PUT or PATCH since cur was read.
		return errs.Invalid("loteCobV.cobsV", razaoEmProcessamento)
	case e.Kind == errs.ENotFound:
		return errs.New(errs.ENotFound, msgLoteNaoEncontrado)
	}
	return err
}

// PatchLoteCobV revises charges of batch id (PATCH /lotecobv/{id}): each
// item of req.CobsV is a CobVRevisada of one charge of the batch, carried out
// later by [Service.ProcessLotes] as PATCH /cobv would; for a charge the
// batch could not create (NEGADA), the revision is merged into its creation
// request, which is tried again. A descricao not "" replaces the batch's.
// Errors: ENotFound (LoteCobVNaoEncontrado) when the recebedor has no batch
// id; EInvalid (LoteCobVOperacaoInvalida) for a txid that is not the batch's
// or is repeated, or a charge still EM_PROCESSAMENTO.
func (s *Service) PatchLoteCobV(ctx context.Context, documento string, id int64, req *pixapi.LoteCobVRevisado) error {
	ls, err := s.lotes()
	if err != nil {
		return err
	}
	cur, err := ls.Lote(ctx, documento, id)
	if errs.Is(err, errs.ENotFound) {
		return errs.New(errs.ENotFound, msgLoteNaoEncontrado)
	}
	if err != nil {
		return err
	}
	atual := make(map[string]*LoteItem, len(cur.Itens))
	for i := range cur.Itens {
		atual[cur.Itens[i].TxID] = &cur.Itens[i]
	}
	var v violations
	seen := make(map[string]int, len(req.CobsV))
	for i, c := range req.CobsV {
		prop := itemProp(i)
		it := atual[c.TxID]
		j, dup := seen[c.TxID]
		seen[c.TxID] = i
		switch {
		case it == nil:
			v = append(v, errs.Violation{Property: prop, Reason: razaoForaDoLote, Value: c.TxID})
		case dup:
			v = append(v, errs.Violation{Property: prop, Reason: fmt.Sprintf("O objeto loteCobV.cobsV não respeita o schema: o txid repete o de loteCobV.cobsV[%d].", j), Value: c.TxID})
		case it.Pedido != nil:
			v = append(v, errs.Violation{Property: prop, Reason: razaoEmProcessamento, Value: c.TxID})
		}
	}
	if err := v.err(msgLoteInvalido); err != nil {
		return err
	}
	if len(req.CobsV) == 0 && req.Descricao == "" {
		return nil
	}
	itens := make([]LoteItem, 0, len(req.CobsV))
	for i := range req.CobsV {
		rev := &req.CobsV[i].CobVRevisada
		it := atual[req.CobsV[i].TxID]
		n := LoteItem{TxID: it.TxID}
		if !it.Criacao.IsZero() || rev.Status != "" {
			// The charge exists (or a removal, which only an existing
			// charge can take): revise it.
			if n.Pedido, err = json.Marshal(rev); err != nil {
				return errs.Wrap(errs.EInternal, err, "encode lote item")
			}
			n.PedidoTipo = PedidoRevisada
		} else {
			// Never created: the revision corrects the creation request.
			var sol pixapi.CobVSolicitada
			if err := json.Unmarshal(it.Solicitacao, &sol); err != nil {
				return errs.Wrap(errs.EInternal, err, "decode lote item")
			}
			aplicarRevisao(&sol, rev)
			if n.Pedido, err = json.Marshal(&sol); err != nil {
				return errs.Wrap(errs.EInternal, err, "encode lote item")
			}
			n.PedidoTipo, n.Solicitacao = PedidoSolicitada, n.Pedido
		}
		itens = append(itens, n)
	}
	if err := s.updateLote(ctx, ls, cur, req.Descricao, itens); err != nil {
		return err
	}
	s.wakeLotes()
	return nil
}

// LoteCobV returns batch id of documento (GET /lotecobv/{id}) with the
// outcome of each request; problema renders the refusal of a NEGADA item
// (the problem PUT or PATCH /cobv would have answered). ENotFound
// (LoteCobVNaoEncontrado) if none.
func (s *Service) LoteCobV(ctx context.Context, documento string, id int64, problema func(error) *pixapi.Problem) (*pixapi.LoteCobVConsultado, error) {
	ls, err := s.lotes()
	if err != nil {
		return nil, err
	}
	l, err := ls.Lote(ctx, documento, id)
	if errs.Is(err, errs.ENotFound) {
		return nil, errs.New(errs.ENotFound, msgLoteNaoEncontrado)
	}
	if err != nil {
		return nil, err
	}
	return loteWire(l, problema), nil
}

// ListLotesCobV lists the recebedor's batches created between q.Inicio and
// q.Fim (GET /lotecobv), as [Service.LoteCobV] renders each. EInvalid
// (LoteCobVConsultaInvalida) for the spec's list violations.
func (s *Service) ListLotesCobV(ctx context.Context, documento string, q ListQuery, problema func(error) *pixapi.Problem) (*pixapi.LotesCobVConsultados, error) {
	ls, err := s.lotes()
	if err != nil {
		return nil, err
	}
	var v violations
	q.check(&v)
	if err := v.err(msgLoteConsultaInvalida); err != nil {
		return nil, err
	}
	lotes, total, err := ls.ListLotes(ctx, LoteFilter{Documento: documento, Inicio: q.Inicio, Fim: q.Fim,
		Offset: q.PaginaAtual * q.ItensPorPagina, Limit: q.ItensPorPagina})
	if err != nil {
		return nil, err
	}
	out := &pixapi.LotesCobVConsultados{Parametros: pixapi.ParametrosConsultaLote{Inicio: pixapi.Timestamp{Time: q.Inicio},
		Fim: pixapi.Timestamp{Time: q.Fim}, Paginacao: q.paginacao(total)}}
	for i := range lotes {
		out.Lotes = append(out.Lotes, *loteWire(&lotes[i], problema))
	}
	return out, nil
}

func loteWire(l *Lote, problema func(error) *pixapi.Problem) *pixapi.LoteCobVConsultado {
	out := &pixapi.LoteCobVConsultado{ID: l.ID, Descricao: l.Descricao, Criacao: pixapi.Timestamp{Time: l.Criacao},
		CobsV: make([]pixapi.LoteCobVItem, 0, len(l.Itens))}
	for _, it := range l.Itens {
		w := pixapi.LoteCobVItem{TxID: it.TxID, Status: it.Status, Criacao: pixapi.Timestamp{Time: it.Criacao}}
		if it.Status == pixapi.LoteItemNegada && it.Problema != nil && problema != nil {
			w.Problema = problema(decodeRecusa(it.Problema))
		}
		out.CobsV = append(out.CobsV, w)
	}
	return out
}

func itemProp(i int) string { return fmt.Sprintf("loteCobV.cobsV[%d].txid", i) }

// regraDoLote applies CobV's batch rule to PUT and PATCH /cobv of txid: "Este
// txid está associado a um lote e no referido lote, o status desta cobrança
// está atribuído como EM_PROCESSAMENTO ou NEGADA". The charge of such a txid
// is the batch's to create or revise (a PUT /lotecobv or PATCH /lotecobv
// does it).
func (s *Service) regraDoLote(ctx context.Context, documento, txid string, v *violations) error {
	ls, ok := s.store.(LoteStore)
	if !ok {
		return nil
	}
	it, err := ls.LoteItem(ctx, documento, txid)
	if errs.Is(err, errs.ENotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if it.Status == pixapi.LoteItemEmProcessamento || it.Status == pixapi.LoteItemNegada {
		*v = append(*v, errs.Violation{Property: "txid", Value: txid, Reason: fmt.Sprintf(
			"Este txid está associado a um lote (%d) e no referido lote, o status desta cobrança está atribuído como %s.", it.LoteID, it.Status)})
	}
	return nil
}

// aplicarRevisao merges rev into sol as PATCH /cobv merges a revision into a
// charge: the fields present replace the request's.
func aplicarRevisao(sol *pixapi.CobVSolicitada, rev *pixapi.CobVRevisada) {
	if c := rev.Calendario; c != nil {
		sol.Calendario.DataDeVencimento = c.DataDeVencimento
		if c.ValidadeAposVencimento != nil {
			sol.Calendario.ValidadeAposVencimento = c.ValidadeAposVencimento
		}
	}
	if rev.Devedor != nil {
		sol.Devedor = *rev.Devedor
	}
	if rev.Loc != nil {
		sol.Loc = rev.Loc
	}
	if val := rev.Valor; val != nil {
		if val.Original != "" {
			sol.Valor.Original = val.Original
		}
		if val.Multa != nil {
			sol.Valor.Multa = val.Multa
		}
		if val.Juros != nil {
			sol.Valor.Juros = val.Juros
		}
		if val.Abatimento != nil {
			sol.Valor.Abatimento = val.Abatimento
		}
		if val.Desconto != nil {
			sol.Valor.Desconto = val.Desconto
		}
	}
	if rev.Chave != "" {
		sol.Chave = rev.Chave
	}
	if rev.SolicitacaoPagador != "" {
		sol.SolicitacaoPagador = rev.SolicitacaoPagador
	}
	if rev.InfoAdicionais != nil {
		sol.InfoAdicionais = rev.InfoAdicionais
	}
}

// revisaoPara returns the revision that brings the charge cur to the
// request sol (a PUT /lotecobv of a charge the batch created), naming only
// what differs, and whether anything does. An absent
// validadeAposVencimento is the default, 30, as on creation; fields sol
// leaves empty (loc, multa, juros, abatimento, desconto, solicitacaoPagador,
// infoAdicionais) keep their current value, as PATCH cannot clear them.
func revisaoPara(cur *pixapi.CobVCompleta, sol *pixapi.CobVSolicitada) (pixapi.CobVRevisada, bool) {
	var rev pixapi.CobVRevisada
	changed := false
	validade := ValidadeAposVencimentoPadrao
	if sol.Calendario.ValidadeAposVencimento != nil {
		validade = *sol.Calendario.ValidadeAposVencimento
	}
	if sol.Calendario.DataDeVencimento != cur.Calendario.DataDeVencimento || validade != cur.Calendario.ValidadeAposVencimento {
		rev.Calendario = &pixapi.CobVCalendarioSolicitado{DataDeVencimento: sol.Calendario.DataDeVencimento, ValidadeAposVencimento: &validade}
		changed = true
	}
	if sol.Devedor != cur.Devedor {
		d := sol.Devedor
		rev.Devedor, changed = &d, true
	}
	if sol.Loc != nil && (cur.Loc == nil || sol.Loc.ID != cur.Loc.ID) {
		rev.Loc, changed = sol.Loc, true
	}
	var val pixapi.CobVValorRevisado
	valChanged := false
	if sol.Valor.Original != cur.Valor.Original {
		val.Original, valChanged = sol.Valor.Original, true
	}
	if sol.Valor.Multa != nil && !reflect.DeepEqual(sol.Valor.Multa, cur.Valor.Multa) {
		val.Multa, valChanged = sol.Valor.Multa, true
	}
	if sol.Valor.Juros != nil && !reflect.DeepEqual(sol.Valor.Juros, cur.Valor.Juros) {
		val.Juros, valChanged = sol.Valor.Juros, true
	}
	if sol.Valor.Abatimento != nil && !reflect.DeepEqual(sol.Valor.Abatimento, cur.Valor.Abatimento) {
		val.Abatimento, valChanged = sol.Valor.Abatimento, true
	}
	if sol.Valor.Desconto != nil && !reflect.DeepEqual(sol.Valor.Desconto, cur.Valor.Desconto) {
		val.Desconto, valChanged = sol.Valor.Desconto, true
	}
	if valChanged {
		rev.Valor, changed = &val, true
	}
	if sol.Chave != cur.Chave {
		rev.Chave, changed = sol.Chave, true
	}
	if sol.SolicitacaoPagador != "" && sol.SolicitacaoPagador != cur.SolicitacaoPagador {
		rev.SolicitacaoPagador, changed = sol.SolicitacaoPagador, true
	}
	if sol.InfoAdicionais != nil && !reflect.DeepEqual(sol.InfoAdicionais, cur.InfoAdicionais) {
		rev.InfoAdicionais, changed = sol.InfoAdicionais, true
	}
	return rev, changed
}

// recusa is how a NEGADA item's error is stored: the domain error, which the
// API surface renders as the problem PUT or PATCH /cobv would have answered.
type recusa struct {
	Kind       string           `json:"kind"`
	Code       string           `json:"code,omitempty"`
	Message    string           `json:"message,omitempty"`
	Violations []errs.Violation `json:"violations,omitempty"`
}

func encodeRecusa(err error) []byte {
	e := errs.As(err)
	if e == nil {
		e = &errs.Error{Kind: errs.EInternal}
	}
	b, _ := json.Marshal(recusa{Kind: e.Kind.String(), Code: e.Code, Message: e.Message, Violations: e.Violations})
	return b
}

func decodeRecusa(b []byte) error {
	var r recusa
	if err := json.Unmarshal(b, &r); err != nil {
		return errs.Wrap(errs.EInternal, err, "decode lote item problema")
	}
	e := &errs.Error{Kind: errs.EInternal, Code: r.Code, Message: r.Message, Violations: r.Violations}
	for k := errs.Kind(0); k < 32; k++ {
		if k.String() == r.Kind {
			e.Kind = k
			break
		}
	}
	return e
}

// Processing.

// The batch processor's tuning.
const (
	// loteClaim is how many items the processor claims at a time.
	loteClaim = 64
	// loteWorkers is how many of them it processes at once (on SQLite their
	// writes share commits).
	loteWorkers = 8
	// loteLease is how long a claim holds an item: a processor that dies
	// leaves its items to others after it (PostgreSQL; on SQLite the next
	// start releases them at once).
	loteLease = 30 * time.Second
	// lotePoll is how often an idle processor looks for work nobody
	// signalled (another instance's, or released by an ended lease).
	lotePoll = 2 * time.Second
	// loteRetry is how long an item whose processing failed (the database,
	// not the request) waits before it is tried again.
	loteRetry = 5 * time.Second
)

// loteWake is the channel PUT and PATCH /lotecobv signal the processor on
// (buffered: one pending signal is enough).
func (s *Service) loteWake() chan struct{} { return s.loteWakeCh }

// wakeLotes tells the processor that requests are waiting.
func (s *Service) wakeLotes() {
	select {
	case s.loteWake() <- struct{}{}:
	default:
	}
}

// ProcessLotes is the batch processor: until ctx ends, it claims items with
// a pending request (right after PUT or PATCH /lotecobv signals, and every
// couple of seconds, which also picks up what a previous run left), carries
// out each as PUT or PATCH /cobv would, with the service's clock, and stores
// its outcome. Items whose processing fails for a reason other than the
// request itself (the database) are retried after a pause. It returns when
// ctx ends, after finishing the items it holds. log may be nil.
func (s *Service) ProcessLotes(ctx context.Context, log *slog.Logger) {
	ls, ok := s.store.(LoteStore)
	if !ok {
		return
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	claim := "lotes-" + hex.EncodeToString(b[:])
	if err := ls.ReleaseLoteClaims(ctx); err != nil && ctx.Err() == nil {
		log.Error("lotecobv: releasing claims", "err", err)
	}
	wake := s.loteWake()
	tick := time.NewTicker(lotePoll)
	defer tick.Stop()
	for ctx.Err() == nil {
		if n := s.processarLotes(ctx, ls, claim, log); n == loteClaim {
			continue // there may be more
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-tick.C:
		}
	}
}

// processarLotes claims items once and processes them; it returns how many
// it claimed.
func (s *Service) processarLotes(ctx context.Context, ls LoteStore, claim string, log *slog.Logger) int {
	itens, err := ls.ClaimLoteItens(ctx, claim, time.Now(), loteLease, loteClaim)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("lotecobv: claiming items", "err", err)
		}
		return 0
	}
	// The items claimed are finished even if ctx ends meanwhile (within
	// the lease): a shutdown does not leave them held.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loteLease)
	defer cancel()
	work := make(chan *LoteItem)
	var wg sync.WaitGroup
	for range min(loteWorkers, len(itens)) {
		wg.Go(func() {
			for it := range work {
				s.processarEFinalizar(pctx, ls, it, claim, log)
			}
		})
	}
	for i := range itens {
		work <- &itens[i]
	}
	close(work)
	wg.Wait()
	return len(itens)
}

// processarEFinalizar processes one claimed item and stores its outcome.
func (s *Service) processarEFinalizar(ctx context.Context, ls LoteStore, it *LoteItem, claim string, log *slog.Logger) {
	criacao, recusada, err := s.processarItem(ctx, it)
	if err == nil {
		it.Status, it.Problema, it.Criacao = pixapi.LoteItemCriada, nil, criacao
		if recusada != nil {
			it.Status, it.Problema = pixapi.LoteItemNegada, encodeRecusa(recusada)
		}
		it.UpdatedAt = s.clock.Now()
		err = ls.FinishLoteItem(ctx, it, claim)
		if e := errs.As(err); e != nil && e.Kind == errs.EConflict && e.Code == "stale" {
			s.wakeLotes() // a newer request: the next round does it
			return
		}
	}
	if err != nil {
		log.Warn("lotecobv: item not processed, will retry", "documento", it.Documento, "lote", it.LoteID, "txid", it.TxID, "err", err)
		if err := ls.ReleaseLoteItem(ctx, it.Documento, it.LoteID, it.TxID, claim, time.Now().Add(loteRetry)); err != nil {
			log.Error("lotecobv: releasing item", "lote", it.LoteID, "txid", it.TxID, "err", err)
		}
		return
	}
	log.Debug("lotecobv: item processed", "lote", it.LoteID, "txid", it.TxID, "status", it.Status)
}

// processarItem carries out the pending request of it: the charge's
// creation time when it exists afterwards, the refusal (the error PUT or
// PATCH /cobv would have answered) when the request is refused, or err when
// it could not be carried out now (to retry).
//
// It is idempotent: a charge this batch already created (by an earlier run
// that did not record the outcome, or by another processor whose claim
// ended) is revised to a full request, which changes nothing if it already
// matches.
func (s *Service) processarItem(ctx context.Context, it *LoteItem) (criacao time.Time, recusada, err error) {
	for attempt := 0; ; attempt++ {
		r, err := s.store.Cob(ctx, it.Documento, it.TxID)
		existe := err == nil
		if err != nil && !errs.Is(err, errs.ENotFound) {
			return time.Time{}, nil, err
		}
		if existe && (r.Tipo != TipoCobVencimento || r.LoteID != it.LoteID) {
			// A charge made outside this batch (PUT /cob or /cobv won a race
			// with PUT /lotecobv): it never joins a batch.
			return time.Time{}, txidEmUso(r), nil
		}
		if existe {
			criacao = r.Criacao
		}
		switch it.PedidoTipo {
		case PedidoSolicitada:
			var sol pixapi.CobVSolicitada
			if err := json.Unmarshal(it.Pedido, &sol); err != nil {
				return time.Time{}, nil, errs.Wrap(errs.EInternal, err, "decode lote item")
			}
			if !existe {
				cob, err := s.createCobV(ctx, it.Documento, it.TxID, &sol, it.LoteID)
				if err == nil {
					return cob.Calendario.Criacao.Time, nil, nil
				}
				if e := errs.As(err); attempt == 0 && e != nil && len(e.Violations) == 1 && e.Violations[0].Property == "txid" {
					continue // created meanwhile: look again
				}
				return outcome(time.Time{}, err)
			}
			var cur pixapi.CobVCompleta
			if err := json.Unmarshal(r.Body, &cur); err != nil {
				return time.Time{}, nil, errs.Wrap(errs.EInternal, err, "decode stored cobv")
			}
			rev, changed := revisaoPara(&cur, &sol)
			if !changed {
				return criacao, nil, nil
			}
			_, err := s.reviseCobV(ctx, it.Documento, it.TxID, &rev, it.LoteID)
			return outcome(criacao, err)
		case PedidoRevisada:
			var rev pixapi.CobVRevisada
			if err := json.Unmarshal(it.Pedido, &rev); err != nil {
				return time.Time{}, nil, errs.Wrap(errs.EInternal, err, "decode lote item")
			}
			_, err := s.reviseCobV(ctx, it.Documento, it.TxID, &rev, it.LoteID)
			return outcome(criacao, err)
		default:
			return time.Time{}, nil, errs.New(errs.EInternal, "lote item %s: unknown request kind %q", it.TxID, it.PedidoTipo)
		}
	}
}

// outcome sorts the error of carrying out a request: none, a refusal of the
// request, or a failure to retry (EInternal: the database, a context).
func outcome(criacao time.Time, err error) (time.Time, error, error) {
	switch {
	case err == nil:
		return criacao, nil, nil
	case errs.KindOf(err) == errs.EInternal:
		return time.Time{}, nil, err
	}
	return criacao, err, nil
}
