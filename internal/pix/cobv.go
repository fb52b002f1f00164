package pix

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/brcode"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/pixapi"
)

// This file holds the rules of the charges with a due date (spec tag CobV:
// PUT, PATCH and GET /cobv/{txid}, GET /cobv) and of their payload (GET
// /cobv/{pixUrlAccessToken}). The amount due on a date is never computed
// here: [RegrasCobV.ValorEm] is the one function that does it.

const msgCobVInvalida = "A requisição que busca alterar ou criar uma cobrança com vencimento não respeita o schema ou está semanticamente errada."

const msgCobVNaoEncontrada = "Cobrança com vencimento não encontrada para o txid informado."

// Limits of DadosComplementaresPessoa (devedor of a cobv).
const (
	MaxLogradouro = 200
	MaxCidade     = 200
	MaxUF         = 2
	MaxCEP        = 8
)

// CreateCobV creates a charge with a due date (PUT /cobv/{txid}). It answers
// the charge as created: revisao 0, status ATIVA, the recebedor filled from
// the PSP's records, a location (the one given in loc.id, or a new one under
// /qr/v2/cobv/) and its pixCopiaECola. Errors: EInvalid with every violation
// of the request (spec CobVOperacaoInvalida), including a txid the
// recebedor already used for a cob or a cobv (a PUT never replaces a charge;
// PATCH revises).
//
// A txid whose item in a batch (lotecobv) is EM_PROCESSAMENTO or NEGADA is
// refused: that charge is the batch's to create.
func (s *Service) CreateCobV(ctx context.Context, documento, txid string, req *pixapi.CobVSolicitada) (*pixapi.CobVCompleta, error) {
	return s.createCobV(ctx, documento, txid, req, 0)
}

// createCobV is CreateCobV; loteID, when not 0, is the batch whose processor
// creates the charge: the charge joins it (LoteID), and the batch rule does
// not apply.
func (s *Service) createCobV(ctx context.Context, documento, txid string, req *pixapi.CobVSolicitada, loteID int64) (*pixapi.CobVCompleta, error) {
	var v violations
	if !ValidTxIDCriacao(txid) {
		v.add("txid", "O campo txid não respeita o schema: de 26 a 35 caracteres [a-zA-Z0-9].")
	}
	now := s.clock.Now()
	validade := ValidadeAposVencimentoPadrao
	if req.Calendario.ValidadeAposVencimento != nil {
		validade = *req.Calendario.ValidadeAposVencimento
	}
	regras, rv := regrasCobV(req.Calendario.DataDeVencimento, validade, &req.Valor)
	v = append(v, rv...)
	checkVencimento(&v, regras.Vencimento, DataEm(now))
	checkDevedor(&v, &req.Devedor, "cobv.devedor")
	checkTextos(&v, req.SolicitacaoPagador, req.InfoAdicionais, "cobv")
	rec, err := s.recebedorDaChave(ctx, documento, req.Chave, "cobv.chave", &v)
	if err != nil {
		return nil, err
	}
	var loc *Loc
	if req.Loc != nil {
		loc, err = s.usableLoc(ctx, documento, req.Loc.ID, TipoCobVencimento, "", "cobv.loc.id", &v)
		if err != nil {
			return nil, err
		}
	}
	if loteID == 0 {
		if err := s.regraDoLote(ctx, documento, txid, &v); err != nil {
			return nil, err
		}
	}
	if err := v.err(msgCobVInvalida); err != nil {
		return nil, err
	}
	if existing, err := s.store.Cob(ctx, documento, txid); err == nil {
		return nil, txidEmUso(existing)
	} else if !errs.Is(err, errs.ENotFound) {
		return nil, err
	}
	if loc == nil {
		if loc, err = s.newLoc(ctx, documento, TipoCobVencimento, now); err != nil {
			return nil, err
		}
	}
	cob := &pixapi.CobVCompleta{
		Calendario: pixapi.CobVCalendario{Criacao: pixapi.Timestamp{Time: now},
			DataDeVencimento: pixapi.Data(regras.Vencimento.String()), ValidadeAposVencimento: validade},
		TxID:               txid,
		Revisao:            0,
		Status:             pixapi.StatusAtiva,
		Devedor:            req.Devedor,
		Recebedor:          recebedorWire(rec),
		Valor:              req.Valor,
		Chave:              req.Chave,
		SolicitacaoPagador: req.SolicitacaoPagador,
		InfoAdicionais:     req.InfoAdicionais,
	}
	if err := setLocV(cob, loc, rec); err != nil {
		return nil, err
	}
	r, err := cobvRecord(documento, cob, loc.ID, now)
	if err != nil {
		return nil, err
	}
	r.LoteID = loteID
	if err := s.store.CreateCob(ctx, r); err != nil {
		return nil, s.storeWriteError(ctx, documento, txid, err, "cobv.loc.id")
	}
	return cob, nil
}

// ReviseCobV changes an ATIVA charge with a due date (PATCH /cobv/{txid}):
// only the fields present change (a calendario sent must carry
// dataDeVencimento; its validadeAposVencimento, when absent, keeps the
// current value; each of valor.multa, juros, abatimento and desconto sent
// replaces the current one), revisao grows by one (a change of loc alone
// keeps it), and status REMOVIDA_PELO_USUARIO_RECEBEDOR removes the charge —
// alone, never with other changes. ENotFound if the recebedor has no such
// cobv; EInvalid (CobVOperacaoInvalida) for violations, a charge not ATIVA,
// or a concurrent change (retry). A charge of a batch (lotecobv) whose item
// is EM_PROCESSAMENTO or NEGADA is refused (CobVOperacaoInvalida, propriedade
// txid): the batch is revising it, or refused its last request.
func (s *Service) ReviseCobV(ctx context.Context, documento, txid string, req *pixapi.CobVRevisada) (*pixapi.CobVCompleta, error) {
	return s.reviseCobV(ctx, documento, txid, req, 0)
}

// reviseCobV is ReviseCobV; loteID, when not 0, is the batch whose processor
// revises the charge: the batch rule does not apply to its own charges.
func (s *Service) reviseCobV(ctx context.Context, documento, txid string, req *pixapi.CobVRevisada, loteID int64) (*pixapi.CobVCompleta, error) {
	r, err := s.store.Cob(ctx, documento, txid)
	if err == nil && r.Tipo != TipoCobVencimento {
		err = errs.New(errs.ENotFound, msgCobVNaoEncontrada)
	}
	if err != nil {
		return nil, err
	}
	if r.LoteID != 0 && r.LoteID != loteID {
		var v violations
		if err := s.regraDoLote(ctx, documento, txid, &v); err != nil {
			return nil, err
		}
		if err := v.err(msgCobVInvalida); err != nil {
			return nil, err
		}
	}
	var cob pixapi.CobVCompleta
	if err := json.Unmarshal(r.Body, &cob); err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "decode stored cobv")
	}
	var v violations
	if cob.Status != pixapi.StatusAtiva {
		v.add("cobv.status", "A cobrança não está ATIVA, e a presente requisição busca alterá-la.")
		return nil, v.err(msgCobVInvalida)
	}
	changesOtherThanStatus := req.Calendario != nil || req.Devedor != nil || req.Loc != nil || req.Valor != nil ||
		req.Chave != "" || req.SolicitacaoPagador != "" || req.InfoAdicionais != nil
	switch req.Status {
	case "":
	case pixapi.StatusRemovidaPeloUsuarioRecebedor:
		if changesOtherThanStatus {
			v.add("cobv.status", "A cobrança está ATIVA, e a presente requisição propõe alterar seu status para REMOVIDA_PELO_USUARIO_RECEBEDOR juntamente com outras alterações.")
		}
	default:
		v.add("cobv.status", "O campo cobv.status não respeita o schema: só REMOVIDA_PELO_USUARIO_RECEBEDOR pode ser pedido.")
	}
	next := cob
	next.Pix = nil
	bump := false
	if req.Calendario != nil {
		next.Calendario.DataDeVencimento = req.Calendario.DataDeVencimento
		if req.Calendario.ValidadeAposVencimento != nil {
			next.Calendario.ValidadeAposVencimento = *req.Calendario.ValidadeAposVencimento
		}
		bump = true
	}
	if req.Valor != nil {
		val := next.Valor
		if req.Valor.Original != "" {
			val.Original = req.Valor.Original
		}
		if req.Valor.Multa != nil {
			val.Multa = req.Valor.Multa
		}
		if req.Valor.Juros != nil {
			val.Juros = req.Valor.Juros
		}
		if req.Valor.Abatimento != nil {
			val.Abatimento = req.Valor.Abatimento
		}
		if req.Valor.Desconto != nil {
			val.Desconto = req.Valor.Desconto
		}
		next.Valor = val
		bump = true
	}
	if req.Calendario != nil || req.Valor != nil {
		regras, rv := regrasCobV(next.Calendario.DataDeVencimento, next.Calendario.ValidadeAposVencimento, &next.Valor)
		v = append(v, rv...)
		checkVencimento(&v, regras.Vencimento, DataEm(cob.Calendario.Criacao.Time))
		if regras.Vencimento.Valid() {
			next.Calendario.DataDeVencimento = pixapi.Data(regras.Vencimento.String())
		}
	}
	if req.Devedor != nil {
		checkDevedor(&v, req.Devedor, "cobv.devedor")
		next.Devedor = *req.Devedor
		bump = true
	}
	if req.SolicitacaoPagador != "" || req.InfoAdicionais != nil {
		if req.SolicitacaoPagador != "" {
			next.SolicitacaoPagador = req.SolicitacaoPagador
		}
		if req.InfoAdicionais != nil {
			next.InfoAdicionais = req.InfoAdicionais
		}
		checkTextos(&v, next.SolicitacaoPagador, next.InfoAdicionais, "cobv")
		bump = true
	}
	rec, err := s.recebedor(ctx, documento)
	if err != nil {
		return nil, err
	}
	if req.Chave != "" {
		if _, err := s.recebedorDaChave(ctx, documento, req.Chave, "cobv.chave", &v); err != nil {
			return nil, err
		}
		next.Chave = req.Chave
		bump = true
	}
	locID := r.LocID
	var loc *Loc
	if req.Loc != nil && req.Loc.ID != r.LocID {
		if loc, err = s.usableLoc(ctx, documento, req.Loc.ID, TipoCobVencimento, txid, "cobv.loc.id", &v); err != nil {
			return nil, err
		}
		locID = req.Loc.ID
	}
	if req.Status == pixapi.StatusRemovidaPeloUsuarioRecebedor {
		next.Status = pixapi.StatusRemovidaPeloUsuarioRecebedor
		bump = true
	}
	if err := v.err(msgCobVInvalida); err != nil {
		return nil, err
	}
	if loc != nil {
		if err := setLocV(&next, loc, rec); err != nil {
			return nil, err
		}
	}
	if bump {
		next.Revisao++
	}
	nr, err := cobvRecord(documento, &next, locID, r.Criacao)
	if err != nil {
		return nil, err
	}
	nr.LoteID = r.LoteID
	nr.UpdatedAt = s.clock.Now()
	if err := s.store.UpdateCob(ctx, nr, r.Revisao, r.Status); err != nil {
		return nil, s.storeWriteError(ctx, documento, txid, err, "cobv.loc.id")
	}
	return &next, nil
}

// CobV returns a charge with a due date (GET /cobv/{txid}), at revision
// revisao when it is not nil. ENotFound when the recebedor has no such cobv
// (an immediate charge's txid included); EInvalid (CobVConsultaInvalida,
// propriedade "revisao") for a revision that does not exist.
func (s *Service) CobV(ctx context.Context, documento, txid string, revisao *int) (json.RawMessage, error) {
	r, err := s.store.Cob(ctx, documento, txid)
	if err == nil && r.Tipo != TipoCobVencimento {
		err = errs.New(errs.ENotFound, msgCobVNaoEncontrada)
	}
	if err != nil {
		return nil, err
	}
	if revisao == nil || *revisao == r.Revisao {
		return s.comPix(ctx, r)
	}
	body, err := s.store.CobRevisao(ctx, documento, txid, *revisao)
	if errs.Is(err, errs.ENotFound) {
		return nil, errs.Invalid("revisao", "O parâmetro revisao corresponde a uma revisão inexistente para a cobrança apontada pelo parâmetro txid.")
	}
	return body, err
}

// ListCobsV lists the recebedor's charges with a due date (GET /cobv) as the
// spec's CobsVConsultadas JSON; q.LoteCobVID keeps those of one lote.
// EInvalid (CobVConsultaInvalida) for the spec's list violations.
func (s *Service) ListCobsV(ctx context.Context, documento string, q CobListQuery) ([]byte, error) {
	return s.ListCobs(ctx, documento, TipoCobVencimento, q)
}

var reCodMun = regexp.MustCompile(`^\d{7}$`)

const msgPayloadNaoEncontrado = "A cobrança em questão não foi encontrada para a location requisitada."

// CobVPayload returns the payload JSON a payer's PSP fetches from the cobv
// location with path token (spec CobVPayload, GET
// /cobv/{pixUrlAccessToken}?DPP=&codMun=; brasa serves it at
// /qr/v2/cobv/{token} on the web listener): apresentacao is now, and valor
// holds the amounts [RegrasCobV.ValorEm] computes for the payment date dpp
// (nil: today in Brasília). valor.original and valor.final are always
// present; multa, juros, abatimento and desconto only when not zero.
//
// codMun, when not "", must be 7 digits; brasa has no municipal holiday
// table, so it does not change the business days (the national calendar).
//
// Errors: ENotFound (CobPayloadNaoEncontrado 404) when the location does not
// exist or serves no cobv; EGone (410) when the charge is concluded or
// removed, or today is past its last payable day; EInvalid
// (CobPayloadOperacaoInvalida 400) for codMun malformed, dpp before today,
// or dpp after the last payable day.
func (s *Service) CobVPayload(ctx context.Context, token string, dpp *Data, codMun string) ([]byte, error) {
	l, err := s.store.LocByToken(ctx, token)
	if errs.Is(err, errs.ENotFound) || (err == nil && (l.TxID == "" || l.TipoCob != TipoCobVencimento)) {
		return nil, errs.New(errs.ENotFound, msgPayloadNaoEncontrado)
	}
	if err != nil {
		return nil, err
	}
	r, err := s.store.Cob(ctx, l.Documento, l.TxID)
	if errs.Is(err, errs.ENotFound) || (err == nil && r.Tipo != TipoCobVencimento) {
		return nil, errs.New(errs.ENotFound, msgPayloadNaoEncontrado)
	}
	if err != nil {
		return nil, err
	}
	var cob pixapi.CobVCompleta
	if err := json.Unmarshal(r.Body, &cob); err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "decode stored cobv")
	}
	if cob.Status != pixapi.StatusAtiva {
		return nil, errs.New(errs.EGone, "A cobrança desta location não está mais disponível para pagamento (%s).", cob.Status)
	}
	regras, err := RegrasCobVDe(cob.Calendario.DataDeVencimento, cob.Calendario.ValidadeAposVencimento, &cob.Valor)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "stored cobv rules")
	}
	cal := &Calendario{}
	now := s.clock.Now()
	hoje := DataEm(now)
	ultimo := regras.UltimoDiaPagavel(cal)
	if hoje.After(ultimo) {
		return nil, errs.New(errs.EGone, "A cobrança desta location venceu e não pode mais ser paga (último dia de pagamento: %s).", ultimo)
	}
	var v violations
	if codMun != "" && !reCodMun.MatchString(codMun) {
		v = append(v, errs.Violation{Property: "codMun", Reason: "O parâmetro codMun não respeita o schema: 7 dígitos do código de município do IBGE.", Value: codMun})
	}
	pagamento := hoje
	if dpp != nil {
		pagamento = *dpp
		switch {
		case pagamento.Before(hoje):
			v = append(v, errs.Violation{Property: "DPP", Reason: "O parâmetro DPP é anterior ao momento presente.", Value: pagamento.String()})
		case pagamento.After(ultimo):
			v = append(v, errs.Violation{Property: "DPP", Reason: fmt.Sprintf("O parâmetro DPP é superior à validade da cobrança (último dia de pagamento: %s).", ultimo), Value: pagamento.String()})
		}
	}
	if err := v.err("A cobrança existe, mas a requisição é inválida."); err != nil {
		return nil, err
	}
	valor, err := regras.ValorEm(pagamento, cal)
	if err != nil {
		if errs.Is(err, errs.EInvalid) {
			// An amount over what the wire carries (9999999999.99).
			return nil, &errs.Error{Kind: errs.EInvalid, Message: "A cobrança existe, mas a requisição é inválida.",
				Violations: []errs.Violation{{Property: "DPP", Reason: "O valor da cobrança na data de pagamento pretendida excede 9999999999.99.", Value: pagamento.String()}}}
		}
		return nil, err
	}
	p := pixapi.CobVPayload{
		Calendario: pixapi.CobVPayloadCalendario{Criacao: cob.Calendario.Criacao, Apresentacao: pixapi.Timestamp{Time: now},
			DataDeVencimento: cob.Calendario.DataDeVencimento, ValidadeAposVencimento: cob.Calendario.ValidadeAposVencimento},
		Devedor:            pixapi.Pessoa{CPF: cob.Devedor.CPF, CNPJ: cob.Devedor.CNPJ, Nome: cob.Devedor.Nome},
		Recebedor:          cob.Recebedor,
		TxID:               cob.TxID,
		Revisao:            cob.Revisao,
		Status:             cob.Status,
		Valor:              payloadValor(valor),
		Chave:              cob.Chave,
		SolicitacaoPagador: cob.SolicitacaoPagador,
		InfoAdicionais:     cob.InfoAdicionais,
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "encode payload")
	}
	return b, nil
}

// payloadValor renders an amount due as CobVPayloadValor: original and final
// always, the other components when not zero (as the spec's example
// cobPayload2 shows them).
func payloadValor(v ValorCobV) pixapi.CobVPayloadValor {
	opt := func(c Centavos) string {
		if c == 0 {
			return ""
		}
		return c.String()
	}
	return pixapi.CobVPayloadValor{Original: v.Original.String(), Multa: opt(v.Multa), Juros: opt(v.Juros),
		Abatimento: opt(v.Abatimento), Desconto: opt(v.Desconto), Final: v.Final.String()}
}

// RegrasCobVDe maps a cobv's wire calendario (dataDeVencimento,
// validadeAposVencimento in days) and valor to the [RegrasCobV] that decide
// its amount, and validates them: nil error means [RegrasCobV.ValorEm] can
// be called. The error is EInvalid with every violation, named as the
// spec's properties ("cobv.valor.multa.valorPerc",
// "cobv.valor.desconto.descontoDataFixa[0].data", ...). Each valorPerc goes
// to the field its modalidade names: Valor (centavos) for multa 1, juros 1
// and 5, abatimento 1, desconto 1, 3 and 4; Perc for the percentages.
//
// The payload, the payer simulator and settlement build a stored cobv's
// rules with it, so they agree with what PUT and PATCH accepted.
func RegrasCobVDe(dataDeVencimento pixapi.Data, validadeAposVencimento int, valor *pixapi.CobVValor) (RegrasCobV, error) {
	r, v := regrasCobV(dataDeVencimento, validadeAposVencimento, valor)
	if len(v) > 0 {
		return r, &errs.Error{Kind: errs.EInvalid, Message: "cobrança com vencimento inválida", Violations: v}
	}
	return r, nil
}

// regrasCobV maps the wire to RegrasCobV and returns the violations of the
// mapping (values outside the schema, valorPerc where the modalidade forbids
// it) followed by those of [RegrasCobV.Validate] on properties the mapping
// did not already report (a value that did not parse would otherwise be
// reported twice, the second time with a meaningless value).
func regrasCobV(venc pixapi.Data, validade int, val *pixapi.CobVValor) (RegrasCobV, violations) {
	var v violations
	addV := func(prop, reason, value string) {
		v = append(v, errs.Violation{Property: prop, Reason: reason, Value: value})
	}
	r := RegrasCobV{ValidadeAposVencimento: validade}
	if validade > math.MaxInt32 {
		addV("cobv.calendario.validadeAposVencimento", "O campo cobv.calendario.validadeAposVencimento não respeita o schema (int32).", strconv.Itoa(validade))
		r.ValidadeAposVencimento = 0
	}
	const pVenc = "cobv.calendario.dataDeVencimento"
	if venc == "" {
		addV(pVenc, "O campo cobv.calendario.dataDeVencimento é obrigatório.", "")
	} else if d, err := ParseData(string(venc)); err != nil {
		addV(pVenc, "O campo cobv.calendario.dataDeVencimento não respeita o schema (data YYYY-MM-DD).", string(venc))
	} else {
		r.Vencimento = d
	}
	// num parses a valorPerc; -1 (outside the wire's range) when it does not,
	// so that Validate never takes it for a real value.
	num := func(prop, s string) int64 {
		x, ok := parseDecimal2(s)
		if !ok {
			addV(prop, "O campo "+prop+` não respeita o schema (\d{1,10}\.\d{2}).`, s)
			return -1
		}
		return x
	}
	const pOrig = "cobv.valor.original"
	if val.Original == "" {
		addV(pOrig, "O campo cobv.valor.original é obrigatório.", "")
		r.Original = -1
	} else {
		r.Original = Centavos(num(pOrig, val.Original))
	}
	if m := val.Multa; m != nil {
		x := num("cobv.valor.multa.valorPerc", m.ValorPerc)
		r.Multa = &Multa{Modalidade: m.Modalidade}
		if m.Modalidade == MultaPercentual {
			r.Multa.Perc = Percentual(x)
		} else {
			r.Multa.Valor = Centavos(x)
		}
	}
	if j := val.Juros; j != nil {
		x := num("cobv.valor.juros.valorPerc", j.ValorPerc)
		r.Juros = &Juros{Modalidade: j.Modalidade}
		switch j.Modalidade {
		case JurosValorDiasCorridos, JurosValorDiasUteis:
			r.Juros.Valor = Centavos(x)
		default:
			r.Juros.Perc = Percentual(x)
		}
	}
	if a := val.Abatimento; a != nil {
		x := num("cobv.valor.abatimento.valorPerc", a.ValorPerc)
		r.Abatimento = &Abatimento{Modalidade: a.Modalidade}
		if a.Modalidade == AbatimentoPercentual {
			r.Abatimento.Perc = Percentual(x)
		} else {
			r.Abatimento.Valor = Centavos(x)
		}
	}
	if d := val.Desconto; d != nil {
		const p = "cobv.valor.desconto"
		r.Desconto = &Desconto{Modalidade: d.Modalidade}
		switch d.Modalidade {
		case DescontoValorFixoAteData, DescontoPercentualAteData:
			if d.ValorPerc != "" {
				addV(p+".valorPerc", "O objeto cobv.valor.desconto apresenta modalidade no valor 1 ou 2, porém cobv.valor.desconto.valorPerc encontra-se preenchido.", d.ValorPerc)
			}
		case DescontoValorAntecipacaoCorrido, DescontoValorAntecipacaoUtil:
			if d.ValorPerc != "" {
				r.Desconto.Valor = Centavos(num(p+".valorPerc", d.ValorPerc))
			}
		case DescontoPercentualAntecipacaoCorrido, DescontoPercentualAntecipacaoUtil:
			if d.ValorPerc != "" {
				r.Desconto.Perc = Percentual(num(p+".valorPerc", d.ValorPerc))
			}
		}
		for i, e := range d.DescontoDataFixa {
			pe := fmt.Sprintf("%s.descontoDataFixa[%d]", p, i)
			var dt Data
			if x, err := ParseData(string(e.Data)); err != nil {
				addV(pe+".data", "O campo "+pe+".data não respeita o schema (data YYYY-MM-DD).", string(e.Data))
			} else {
				dt = x
			}
			x := num(pe+".valorPerc", e.ValorPerc)
			f := DescontoDataFixa{Data: dt}
			if d.Modalidade == DescontoPercentualAteData {
				f.Perc = Percentual(x)
			} else {
				f.Valor = Centavos(x)
			}
			r.Desconto.DatasFixas = append(r.Desconto.DatasFixas, f)
		}
	}
	if err := r.Validate(); err != nil {
		reported := map[string]bool{}
		for _, x := range v {
			reported[x.Property] = true
		}
		for _, x := range errs.As(err).Violations {
			if !reported[x.Property] {
				v = append(v, x)
			}
		}
	}
	return r, v
}

// checkVencimento applies "O campo cobv.calendario.dataDeVencimento é
// anterior à data de criação da cobrança" (creation: the Brasília date the
// charge was, or is being, created).
func checkVencimento(v *violations, venc, criacao Data) {
	if venc.Valid() && venc.Before(criacao) {
		*v = append(*v, errs.Violation{Property: "cobv.calendario.dataDeVencimento",
			Reason: "O campo cobv.calendario.dataDeVencimento é anterior à data de criação da cobrança.", Value: venc.String()})
	}
}

// checkDevedor applies the rules of a cobv's devedor (DadosDevedor,
// required): those of [checkPessoa] and the limits of the address.
func checkDevedor(v *violations, d *pixapi.Devedor, prop string) {
	checkPessoa(v, &pixapi.Pessoa{CPF: d.CPF, CNPJ: d.CNPJ, Nome: d.Nome}, prop)
	for _, f := range []struct {
		name, value string
		max         int
	}{{"logradouro", d.Logradouro, MaxLogradouro}, {"cidade", d.Cidade, MaxCidade}, {"uf", d.UF, MaxUF}, {"cep", d.CEP, MaxCEP}} {
		if utf8.RuneCountInString(f.value) > f.max {
			v.add(prop+"."+f.name, fmt.Sprintf("O campo %s.%s tem no máximo %d caracteres.", prop, f.name, f.max))
		}
	}
}

// recebedorWire is the recebedor of a cobv as the PSP fills it
// (DadosRecebedor): CPF or CNPJ, the name, the trade name of a company, and
// the address.
func recebedorWire(rec *Recebedor) pixapi.Recebedor {
	out := pixapi.Recebedor{Nome: rec.Nome, Logradouro: rec.Logradouro, Cidade: rec.Cidade, UF: rec.UF, CEP: rec.CEP}
	if rec.IsPJ() {
		out.CNPJ, out.NomeFantasia = rec.Documento, rec.NomeFantasia
	} else {
		out.CPF = rec.Documento
	}
	return out
}

// setLocV points cob at loc and renders its BR Code.
func setLocV(cob *pixapi.CobVCompleta, loc *Loc, rec *Recebedor) error {
	cob.Loc = &pixapi.PayloadLocation{ID: loc.ID, TxID: cob.TxID, Location: loc.Location, TipoCob: pixapi.TipoCob(loc.TipoCob), Criacao: pixapi.Timestamp{Time: loc.Criacao}}
	cob.Location = loc.Location
	code, err := brcode.Dynamic(loc.Location, rec.Nome, rec.Cidade)
	if err != nil {
		return errs.Wrap(errs.EInternal, err, "BR Code")
	}
	cob.PixCopiaECola = code
	return nil
}

// cobvRecord builds the stored form of cob.
func cobvRecord(documento string, cob *pixapi.CobVCompleta, locID int64, criacao time.Time) (*CobRecord, error) {
	body, err := json.Marshal(cob)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "encode cobv")
	}
	return &CobRecord{Documento: documento, TxID: cob.TxID, Tipo: TipoCobVencimento, Status: string(cob.Status), Revisao: cob.Revisao,
		Criacao: criacao, DevedorCPF: cob.Devedor.CPF, DevedorCNPJ: cob.Devedor.CNPJ, LocID: locID, Body: body, UpdatedAt: criacao}, nil
}
