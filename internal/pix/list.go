package pix

import (
	"context"
	"encoding/json"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/pixapi"
)

// Paging defaults and limits of the spec (Paginacao).
const (
	DefaultItensPorPagina = 100
	MaxItensPorPagina     = 1000
)

// ListQuery is a parsed list request: the spec's common parameters.
type ListQuery struct {
	Inicio, Fim    time.Time
	PaginaAtual    int
	ItensPorPagina int
}

// check applies the spec's list violations (CobConsultaInvalida and
// siblings): fim before inicio, negative paging, page size over the limit.
func (q *ListQuery) check(v *violations) {
	if q.Inicio.IsZero() {
		v.add("inicio", "O parâmetro inicio é obrigatório.")
	}
	if q.Fim.IsZero() {
		v.add("fim", "O parâmetro fim é obrigatório.")
	}
	q.checkOptional(v)
}

// checkOptional applies the violations that do not need inicio and fim
// (GET /webhook, where both are optional): fim before inicio, negative
// paging, page size over the limit.
func (q *ListQuery) checkOptional(v *violations) {
	if !q.Inicio.IsZero() && !q.Fim.IsZero() && q.Fim.Before(q.Inicio) {
		v.add("fim", "O timestamp representado pelo parâmetro fim é anterior ao timestamp representado pelo parâmetro inicio.")
	}
	if q.PaginaAtual < 0 {
		v.add("paginacao.paginaAtual", "O parâmetro paginacao.paginaAtual é negativo.")
	}
	switch {
	case q.ItensPorPagina < 0:
		v.add("paginacao.itensPorPagina", "O parâmetro paginacao.itensPorPagina é negativo.")
	case q.ItensPorPagina == 0:
		q.ItensPorPagina = DefaultItensPorPagina
	case q.ItensPorPagina > MaxItensPorPagina:
		v.add("paginacao.itensPorPagina", "O parâmetro paginacao.itensPorPagina é maior que 1000.")
	}
}

// checkDocumentoFilter applies the spec's violations of the cpf and cnpj
// filters of GET /cob, /cobv and /pix: not both, and each in its schema.
func checkDocumentoFilter(v *violations, cpf, cnpj string) {
	if cpf != "" && cnpj != "" {
		v.add("cpf", "Ambos os parâmetros cpf e cnpj estão preenchidos.")
	}
	if cpf != "" && !reCPF.MatchString(cpf) {
		v.add("cpf", "O parâmetro cpf não respeita o schema.")
	}
	if cnpj != "" && !reCNPJ.MatchString(cnpj) {
		v.add("cnpj", "O parâmetro cnpj não respeita o schema.")
	}
}

func (q *ListQuery) paginacao(total int) pixapi.Paginacao {
	// An empty result is one empty page: the spec's Paginacao has
	// quantidadeDePaginas >= 1.
	pages := max(1, (total+q.ItensPorPagina-1)/q.ItensPorPagina)
	return pixapi.Paginacao{PaginaAtual: q.PaginaAtual, ItensPorPagina: q.ItensPorPagina, QuantidadeDePaginas: pages, QuantidadeTotalDeItens: total}
}

// CobListQuery is GET /cob's (and GET /cobv's) request.
type CobListQuery struct {
	ListQuery
	CPF, CNPJ        string
	LocationPresente *bool
	Status           string
	LoteCobVID       int64
}

// ListCobs lists the recebedor's charges of tipo (GET /cob, GET /cobv), in
// creation order, one page at a time, as the spec's CobsConsultadas /
// CobsVConsultadas JSON. EInvalid (…ConsultaInvalida) for the spec's list
// violations.
func (s *Service) ListCobs(ctx context.Context, documento string, tipo TipoCob, q CobListQuery) ([]byte, error) {
	var v violations
	q.check(&v)
	checkDocumentoFilter(&v, q.CPF, q.CNPJ)
	switch pixapi.CobStatus(q.Status) {
	case "", pixapi.StatusAtiva, pixapi.StatusConcluida, pixapi.StatusRemovidaPeloUsuarioRecebedor, pixapi.StatusRemovidaPeloPSP:
	default:
		v.add("status", "O parâmetro status não respeita o schema.")
	}
	if err := v.err("Os parâmetros de consulta à lista de cobranças não respeitam o schema ou não fazem sentido semanticamente."); err != nil {
		return nil, err
	}
	recs, total, err := s.store.ListCobs(ctx, CobFilter{Documento: documento, Tipo: tipo, Inicio: q.Inicio, Fim: q.Fim,
		CPF: q.CPF, CNPJ: q.CNPJ, Status: q.Status, LocationPresente: q.LocationPresente, LoteID: q.LoteCobVID,
		Offset: q.PaginaAtual * q.ItensPorPagina, Limit: q.ItensPorPagina})
	if err != nil {
		return nil, err
	}
	params := pixapi.ParametrosConsultaCob{Inicio: pixapi.Timestamp{Time: q.Inicio}, Fim: pixapi.Timestamp{Time: q.Fim},
		CPF: q.CPF, CNPJ: q.CNPJ, LocationPresente: q.LocationPresente, Status: pixapi.CobStatus(q.Status), Paginacao: q.paginacao(total)}
	key := "cobs"
	return rawList(params, key, len(recs), func(i int) []byte { return recs[i].Body })
}

// rawList writes {"parametros": params, key: [items...]} from stored JSON
// bodies without decoding them.
func rawList(params any, key string, n int, item func(int) []byte) ([]byte, error) {
	p, err := json.Marshal(params)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "encode parametros")
	}
	size := len(p) + 32
	for i := 0; i < n; i++ {
		size += len(item(i)) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, `{"parametros":`...)
	out = append(out, p...)
	out = append(out, `,"`...)
	out = append(out, key...)
	out = append(out, `":[`...)
	for i := 0; i < n; i++ {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, item(i)...)
	}
	return append(out, "]}"...), nil
}

// LocListQuery is GET /loc's request.
type LocListQuery struct {
	ListQuery
	TxIDPresente *bool
	TipoCob      TipoCob
}

// CreateLoc creates a location for charges of tipo (POST /loc).
func (s *Service) CreateLoc(ctx context.Context, documento string, tipo TipoCob) (*pixapi.PayloadLocation, error) {
	if tipo != TipoCobImediata && tipo != TipoCobVencimento {
		return nil, errs.Invalid("tipoCob", "O campo tipoCob deve ser cob ou cobv.")
	}
	l, err := s.newLoc(ctx, documento, tipo, s.clock.Now())
	if err != nil {
		return nil, err
	}
	return locWire(l), nil
}

// Loc returns a location of the recebedor (GET /loc/{id}). ENotFound if none.
func (s *Service) Loc(ctx context.Context, documento string, id int64) (*pixapi.PayloadLocation, error) {
	l, err := s.store.Loc(ctx, documento, id)
	if err != nil {
		return nil, err
	}
	return locWire(l), nil
}

// ListLocs lists the recebedor's locations (GET /loc).
func (s *Service) ListLocs(ctx context.Context, documento string, q LocListQuery) (*pixapi.PayloadLocationConsultadas, error) {
	var v violations
	q.check(&v)
	if q.TipoCob != "" && q.TipoCob != TipoCobImediata && q.TipoCob != TipoCobVencimento {
		v.add("tipoCob", "O parâmetro tipoCob deve ser cob ou cobv.")
	}
	if err := v.err("Os parâmetros de consulta à lista de locations não respeitam o schema ou não fazem sentido semanticamente."); err != nil {
		return nil, err
	}
	locs, total, err := s.store.ListLocs(ctx, LocFilter{Documento: documento, Inicio: q.Inicio, Fim: q.Fim, TxIDPresente: q.TxIDPresente,
		TipoCob: q.TipoCob, Offset: q.PaginaAtual * q.ItensPorPagina, Limit: q.ItensPorPagina})
	if err != nil {
		return nil, err
	}
	out := &pixapi.PayloadLocationConsultadas{Parametros: pixapi.ParametrosConsultaPayloadLocation{
		Inicio: pixapi.Timestamp{Time: q.Inicio}, Fim: pixapi.Timestamp{Time: q.Fim}, TxIDPresente: q.TxIDPresente,
		TipoCob: pixapi.TipoCob(q.TipoCob), Paginacao: q.paginacao(total)}}
	for i := range locs {
		out.Loc = append(out.Loc, *locWire(&locs[i]))
	}
	return out, nil
}

// UnlinkLoc detaches the charge from location id (DELETE /loc/{id}/txid);
// the charge keeps its status and revision and loses its location. It
// answers the location. ENotFound if the recebedor has no such location.
func (s *Service) UnlinkLoc(ctx context.Context, documento string, id int64) (*pixapi.PayloadLocation, error) {
	l, err := s.store.Loc(ctx, documento, id)
	if err != nil {
		return nil, err
	}
	if l.TxID == "" {
		return locWire(l), nil
	}
	r, err := s.store.Cob(ctx, documento, l.TxID)
	if err != nil {
		return nil, err
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &body); err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "decode stored charge")
	}
	delete(body, "loc")
	delete(body, "location")
	delete(body, "pixCopiaECola")
	nb, err := json.Marshal(body)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "encode charge")
	}
	next := *r
	next.LocID, next.Body, next.UpdatedAt = 0, nb, s.clock.Now()
	if err := s.store.UpdateCob(ctx, &next, r.Revisao, r.Status); err != nil {
		return nil, err
	}
	l.TxID = ""
	return locWire(l), nil
}

func locWire(l *Loc) *pixapi.PayloadLocation {
	return &pixapi.PayloadLocation{ID: l.ID, TxID: l.TxID, Location: l.Location, TipoCob: pixapi.TipoCob(l.TipoCob), Criacao: pixapi.Timestamp{Time: l.Criacao}}
}
