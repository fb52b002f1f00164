package pix

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/pixapi"
)

// ISPBSicredi is the ISPB of the PSP brasa's sandbox stands for (seed 000
// §11 names it for Pix Saque/Troco): the rtrId of devoluções carries it.
const ISPBSicredi = "01181521"

// ISPBPagadorPadrao is the payer PSP's ISPB the simulator uses when the
// payment names none (Banco do Brasil's, 00000000).
const ISPBPagadorPadrao = "00000000"

// JanelaDevolucao is how many days after a Pix's settlement (dates in
// Brasília) a devolução may be requested (spec PixDevolucaoInvalida: "hoje
// estabelecida como 90 dias desde a data de liquidação original do pix").
const JanelaDevolucao = 90

// MaxInfoPagador and MaxDescricao are the limits of Pix.infoPagador and
// of Devolucao.descricao and .motivo (140 characters, the pacs fields).
const (
	MaxInfoPagador = 140
	MaxDescricao   = 140
)

var (
	reE2EID       = regexp.MustCompile(`^[a-zA-Z0-9]{32}$`)
	reDevolucaoID = regexp.MustCompile(`^[a-zA-Z0-9]{1,35}$`)
	reISPB        = regexp.MustCompile(`^[0-9A-Z]{8}$`)
)

// NewEndToEndID returns an endToEndId for a Pix the payer PSP ispb
// initiated at t: "E" + ISPB + yyyyMMddHHmm (UTC) + 11 random letters and
// digits (notes/pix-api.md "Identifiers").
func NewEndToEndID(ispb string, t time.Time) string {
	return "E" + ispb + t.UTC().Format("200601021504") + randomAlnum(11)
}

// NewRtrID returns the rtrId of a devolução the PSP ispb sends at t: like an
// endToEndId, starting with "D".
func NewRtrID(ispb string, t time.Time) string {
	return "D" + ispb + t.UTC().Format("200601021504") + randomAlnum(11)
}

// Pagamento is a payment arriving for a chave: what the payer's PSP sends
// through the SPI (the sandbox's payer simulator builds it from a BR Code).
type Pagamento struct {
	Chave string
	// TxID is the txid the BR Code carries: the charge's (dynamic code) or
	// the static code's (at most 25 characters), "" for none.
	TxID string
	// Valor is the amount the payer chose: the purchase amount where the
	// charge lets the payer change it (valor.modalidadeAlteracao 1), the
	// amount of a static code without one; 0 takes the charge's amount.
	Valor Centavos
	// Retirada is the cash amount the payer chose where the charge's saque
	// or troco lets them change it; 0 takes the charge's amount.
	Retirada Centavos
	// Pagador is who pays (cpf or cnpj, and nome).
	Pagador pixapi.Pessoa
	// ISPB is the payer PSP's ISPB ([ISPBPagadorPadrao] when empty).
	ISPB        string
	InfoPagador string
}

// Liquidacao is what a settlement hook ([Service.AoLiquidar]) sees: the Pix
// as settled and, when it paid a charge, the charge's devedor and
// infoAdicionais.
type Liquidacao struct {
	Documento      string
	Pix            pixapi.Pix
	Tipo           TipoCob // "" for a payment without a charge
	Devedor        *pixapi.Pessoa
	InfoAdicionais []pixapi.InfoAdicional
}

// Liquidar settles p: it creates the Pix (endToEndId, horario, pagador,
// componentesValor, chave, txid) and, when it pays a charge, moves the charge
// to CONCLUIDA without a new revisao (bacen/pix-api#325) — in one
// transaction, together with the webhook notification when the chave has a
// webhook and the Pix a txid (seed 000 §10). It applies what the recebedor's
// PSP checks on arrival: the charge exists, is ATIVA, unexpired (cob) or
// within its last payable day (cobv), the chave is the charge's, the amount
// is the charge's unless modalidadeAlteracao lets the payer change it, and a
// cobv's amount is the one [RegrasCobV.ValorEm] computes for today.
//
// Errors: ENotFound for an unknown chave; EInvalid (violations) for a
// payment the charge refuses; EGone for a charge concluded, removed or
// expired.
func (s *Service) Liquidar(ctx context.Context, p Pagamento) (*pixapi.Pix, error) {
	var v violations
	if p.ISPB == "" {
		p.ISPB = ISPBPagadorPadrao
	}
	if !reISPB.MatchString(p.ISPB) {
		v.add("pagador.ispb", "O ISPB do PSP pagador tem 8 caracteres [0-9A-Z].")
	}
	checkPessoa(&v, &p.Pagador, "pagador")
	if utf8.RuneCountInString(p.InfoPagador) > MaxInfoPagador {
		v.add("infoPagador", fmt.Sprintf("O campo infoPagador tem no máximo %d caracteres.", MaxInfoPagador))
	}
	if p.TxID != "" && !reTxIDPix.MatchString(p.TxID) {
		v.add("txid", "O txid tem de 1 a 35 caracteres [a-zA-Z0-9].")
	}
	if !p.Valor.Valid() || !p.Retirada.Valid() {
		v.add("valor", "O valor não respeita o schema.")
	}
	if err := v.err("O pagamento é inválido."); err != nil {
		return nil, err
	}
	ch, err := s.chave(ctx, p.Chave)
	if errs.Is(err, errs.ENotFound) {
		return nil, errs.New(errs.ENotFound, "A chave %q não está registrada neste PSP.", p.Chave)
	}
	if err != nil {
		return nil, err
	}
	var out *pixapi.Pix
	var notified bool
	err = s.tx(ctx, func(tx TxStore) error {
		now := s.clock.Now()
		pix := &pixapi.Pix{
			EndToEndID:  NewEndToEndID(p.ISPB, now),
			TxID:        p.TxID,
			Chave:       p.Chave,
			Horario:     pixapi.Timestamp{Time: now},
			Pagador:     &pixapi.Pessoa{CPF: p.Pagador.CPF, CNPJ: p.Pagador.CNPJ, Nome: p.Pagador.Nome},
			InfoPagador: p.InfoPagador,
		}
		rec := &PixRecord{Documento: ch.Documento, EndToEndID: pix.EndToEndID, TxID: p.TxID, Chave: p.Chave,
			Horario: now, PagadorCPF: p.Pagador.CPF, PagadorCNPJ: p.Pagador.CNPJ}
		var cob *CobRecord
		if p.TxID != "" {
			c, err := tx.Cob(ctx, ch.Documento, p.TxID)
			switch {
			case err == nil:
				cob = c
			case !errs.Is(err, errs.ENotFound):
				return err
			}
		}
		var err error
		liq := &Liquidacao{Documento: ch.Documento}
		switch {
		case cob != nil:
			err = s.liquidarCobranca(ctx, tx, p, cob, pix, rec, liq, now)
		default:
			err = liquidarEstatico(p, pix, rec)
		}
		if err != nil {
			return err
		}
		if rec.Body, err = json.Marshal(pix); err != nil {
			return errs.Wrap(errs.EInternal, err, "encode pix")
		}
		if err := tx.CreatePix(ctx, rec); err != nil {
			return err
		}
		if notified, err = s.notificar(ctx, tx, webhook.KindPix, ch.Documento, *pix, now); err != nil {
			return err
		}
		liq.Pix = *pix
		for _, hook := range s.AoLiquidar {
			if err := hook(ctx, tx, liq); err != nil {
				return err
			}
		}
		out = pix
		return nil
	})
	if err != nil {
		return nil, err
	}
	if notified && s.Notify != nil {
		s.Notify()
	}
	return out, nil
}

// liquidarEstatico fills a Pix paying a chave without a charge (a static QR
// code, or a txid no charge has): the payer's amount, whole.
func liquidarEstatico(p Pagamento, pix *pixapi.Pix, rec *PixRecord) error {
	if p.TxID != "" && len(p.TxID) > 25 {
		return errs.Invalid("txid", "Não há cobrança com este txid, e o txid de um QR Code estático tem no máximo 25 caracteres.")
	}
	if p.Valor <= 0 {
		return errs.Invalid("valor", "O valor de um pagamento sem cobrança deve ser maior que zero.")
	}
	pix.Valor = p.Valor.String()
	rec.Valor = p.Valor
	return nil
}

// liquidarCobranca fills the Pix paying the charge cob and moves the charge
// to CONCLUIDA, inside tx.
func (s *Service) liquidarCobranca(ctx context.Context, tx TxStore, p Pagamento, cob *CobRecord, pix *pixapi.Pix, rec *PixRecord, liq *Liquidacao, now time.Time) error {
	liq.Tipo = cob.Tipo
	if cob.Status != string(pixapi.StatusAtiva) {
		return errs.New(errs.EGone, "A cobrança %s não está mais disponível para pagamento (%s).", cob.TxID, cob.Status)
	}
	var (
		chave string
		comp  pixapi.ComponentesValor
		total Centavos
		body  []byte
		err   error
	)
	switch cob.Tipo {
	case TipoCobImediata:
		var c pixapi.CobCompleta
		if err := json.Unmarshal(cob.Body, &c); err != nil {
			return errs.Wrap(errs.EInternal, err, "decode stored cob")
		}
		if CobExpirada(c.Calendario.Criacao.Time, c.Calendario.Expiracao, now) {
			return errs.New(errs.EGone, "A cobrança %s expirou.", cob.TxID)
		}
		chave = c.Chave
		liq.Devedor, liq.InfoAdicionais = c.Devedor, c.InfoAdicionais
		if comp, total, err = componentesCob(c.Valor, p); err != nil {
			return err
		}
		c.Status = pixapi.StatusConcluida
		body, err = json.Marshal(c)
	case TipoCobVencimento:
		var c pixapi.CobVCompleta
		if err := json.Unmarshal(cob.Body, &c); err != nil {
			return errs.Wrap(errs.EInternal, err, "decode stored cobv")
		}
		chave = c.Chave
		liq.Devedor = &pixapi.Pessoa{CPF: c.Devedor.CPF, CNPJ: c.Devedor.CNPJ, Nome: c.Devedor.Nome}
		liq.InfoAdicionais = c.InfoAdicionais
		if comp, total, err = componentesCobV(&c, p, now); err != nil {
			return err
		}
		c.Status = pixapi.StatusConcluida
		body, err = json.Marshal(c)
	default:
		return errs.New(errs.EInternal, "charge %s has tipo %q", cob.TxID, cob.Tipo)
	}
	if err != nil {
		return errs.Wrap(errs.EInternal, err, "encode concluded charge")
	}
	if chave != p.Chave {
		return errs.Invalid("chave", "A chave do pagamento não é a chave da cobrança.")
	}
	pix.Valor = total.String()
	pix.ComponentesValor = &comp
	rec.Valor = total
	if comp.Saque != nil {
		rec.Retirada, _ = ParseValor(comp.Saque.Valor)
	}
	if comp.Troco != nil {
		rec.Retirada, _ = ParseValor(comp.Troco.Valor)
	}
	next := *cob
	next.Status = string(pixapi.StatusConcluida)
	next.Body = body
	next.UpdatedAt = now
	next.NewLoc, next.BodyFor = nil, nil
	// Same revisao: the Body of the current revision is replaced in place;
	// a concurrent payment or change of the charge fails this with
	// EConflict (stale), and the payment is refused.
	if err := tx.UpdateCob(ctx, &next, cob.Revisao, cob.Status); err != nil {
		if e := errs.As(err); e != nil && e.Kind == errs.EConflict {
			return errs.New(errs.EGone, "A cobrança %s mudou durante o pagamento; tente de novo.", cob.TxID)
		}
		return err
	}
	return nil
}

// componentesCob computes a cob's payment: the amount and its components,
// honouring valor.modalidadeAlteracao and retirada (saque or troco, whose
// own modalidadeAlteracao lets the payer change the cash amount).
func componentesCob(v pixapi.CobValor, p Pagamento) (pixapi.ComponentesValor, Centavos, error) {
	var comp pixapi.ComponentesValor
	original, err := ParseValor(v.Original)
	if err != nil {
		return comp, 0, errs.Wrap(errs.EInternal, err, "stored cob valor")
	}
	if p.Valor != 0 && p.Valor != original {
		if v.ModalidadeAlteracao == nil || *v.ModalidadeAlteracao != 1 || v.Retirada != nil {
			return comp, 0, errs.Invalid("valor", "O valor desta cobrança não pode ser alterado pelo pagador (modalidadeAlteracao 0).")
		}
		original = p.Valor
	}
	total := original
	comp.Original = &pixapi.ComponenteValor{Valor: original.String()}
	if r := v.Retirada; r != nil {
		vr := r.Saque
		if vr == nil {
			vr = r.Troco
		}
		if vr == nil {
			return comp, 0, errs.New(errs.EInternal, "stored cob retirada without saque or troco")
		}
		cash, err := ParseValor(vr.Valor)
		if err != nil {
			return comp, 0, errs.Wrap(errs.EInternal, err, "stored cob retirada valor")
		}
		if p.Retirada != 0 && p.Retirada != cash {
			if vr.ModalidadeAlteracao == nil || *vr.ModalidadeAlteracao != 1 {
				return comp, 0, errs.Invalid("retirada", "O valor da retirada desta cobrança não pode ser alterado pelo pagador (modalidadeAlteracao 0).")
			}
			cash = p.Retirada
		}
		cr := &pixapi.ComponenteRetirada{Valor: cash.String(), ModalidadeAgente: vr.ModalidadeAgente, PrestadorDoServicoDeSaque: vr.PrestadorDoServicoDeSaque}
		if r.Saque != nil {
			comp.Saque = cr
		} else {
			comp.Troco = cr
		}
		total += cash
	}
	if total <= 0 || !total.Valid() {
		return comp, 0, errs.Invalid("valor", "O valor do pagamento deve ser maior que zero.")
	}
	return comp, total, nil
}

// componentesCobV computes a cobv's payment on today's date in Brasília:
// the amount [RegrasCobV.ValorEm] gives, which the payer cannot change.
func componentesCobV(c *pixapi.CobVCompleta, p Pagamento, now time.Time) (pixapi.ComponentesValor, Centavos, error) {
	var comp pixapi.ComponentesValor
	regras, err := RegrasCobVDe(c.Calendario.DataDeVencimento, c.Calendario.ValidadeAposVencimento, &c.Valor)
	if err != nil {
		return comp, 0, errs.Wrap(errs.EInternal, err, "stored cobv rules")
	}
	cal := &Calendario{}
	hoje := DataEm(now)
	if ultimo := regras.UltimoDiaPagavel(cal); hoje.After(ultimo) {
		return comp, 0, errs.New(errs.EGone, "A cobrança %s venceu e não pode mais ser paga (último dia de pagamento: %s).", c.TxID, ultimo)
	}
	valor, err := regras.ValorEm(hoje, cal)
	if err != nil {
		return comp, 0, err
	}
	if p.Valor != 0 && p.Valor != valor.Final {
		return comp, 0, errs.Invalid("valor", fmt.Sprintf("O valor de uma cobrança com vencimento não pode ser alterado pelo pagador: hoje ela vale %s.", valor.Final))
	}
	opt := func(c Centavos) *pixapi.ComponenteValor {
		if c == 0 {
			return nil
		}
		return &pixapi.ComponenteValor{Valor: c.String()}
	}
	comp = pixapi.ComponentesValor{Original: &pixapi.ComponenteValor{Valor: valor.Original.String()},
		Multa: opt(valor.Multa), Juros: opt(valor.Juros), Abatimento: opt(valor.Abatimento), Desconto: opt(valor.Desconto)}
	return comp, valor.Final, nil
}

// notificar enqueues, inside tx, the webhook notification of pix when its
// chave has a webhook and it has a txid (only those are notified). It
// reports whether it enqueued one.
func (s *Service) notificar(ctx context.Context, tx TxStore, kind webhook.Kind, documento string, pix pixapi.Pix, now time.Time) (bool, error) {
	if pix.TxID == "" {
		return false, nil
	}
	wh, err := tx.Webhook(ctx, documento, pix.Chave)
	if errs.Is(err, errs.ENotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	n, err := webhook.NewNotification(kind, documento, wh.URL, pix, now)
	if err != nil {
		return false, errs.Wrap(errs.EInternal, err, "webhook notification")
	}
	if s.WebhookDeadline > 0 {
		n.Deadline = now.Add(s.WebhookDeadline)
	}
	if err := tx.Enqueue(ctx, n); err != nil {
		return false, err
	}
	return true, nil
}

// tx runs fn in a write transaction of the store.
func (s *Service) tx(ctx context.Context, fn func(tx TxStore) error) error {
	return s.store.InTx(ctx, fn)
}

// pixDe renders a stored Pix with its devoluções.
func pixDe(r *PixRecord) (pixapi.Pix, error) {
	var p pixapi.Pix
	if err := json.Unmarshal(r.Body, &p); err != nil {
		return p, errs.Wrap(errs.EInternal, err, "decode stored pix")
	}
	p.Devolucoes = nil
	for i := range r.Devolucoes {
		p.Devolucoes = append(p.Devolucoes, devolucaoDe(&r.Devolucoes[i]))
	}
	return p, nil
}

// devolucaoDe renders a stored devolução.
func devolucaoDe(d *DevolucaoRecord) pixapi.Devolucao {
	return pixapi.Devolucao{ID: d.ID, RtrID: d.RtrID, Valor: d.Valor.String(), Natureza: d.Natureza, Descricao: d.Descricao,
		Horario: pixapi.DevolucaoHorario{Solicitacao: pixapi.Timestamp{Time: d.Solicitacao}, Liquidacao: pixapi.Timestamp{Time: d.Liquidacao}},
		Status:  d.Status, Motivo: d.Motivo}
}

// Pix returns the Pix e2eid received by documento, with its devoluções (GET
// /pix/{e2eid}). ENotFound (PixNaoEncontrado) if none, another recebedor's
// included.
func (s *Service) Pix(ctx context.Context, documento, e2eid string) (*pixapi.Pix, error) {
	if !reE2EID.MatchString(e2eid) {
		return nil, errs.New(errs.ENotFound, "Pix não encontrado para o e2eid informado.")
	}
	r, err := s.store.Pix(ctx, documento, e2eid)
	if err != nil {
		return nil, err
	}
	p, err := pixDe(r)
	return &p, err
}

// PixListQuery is GET /pix's request.
type PixListQuery struct {
	ListQuery
	TxID              string
	TxIDPresente      *bool
	DevolucaoPresente *bool
	CPF, CNPJ         string
}

// ListPix lists the Pix documento received (GET /pix), ordered by horario,
// one page at a time. EInvalid (PixConsultaInvalida) for the spec's list
// violations.
func (s *Service) ListPix(ctx context.Context, documento string, q PixListQuery) (*pixapi.PixConsultados, error) {
	var v violations
	q.check(&v)
	checkDocumentoFilter(&v, q.CPF, q.CNPJ)
	if q.TxID != "" && !reTxIDPix.MatchString(q.TxID) {
		v.add("txid", "O parâmetro txid não respeita o schema.")
	}
	if err := v.err("Os parâmetros de consulta à lista de pix recebidos não respeitam o schema ou não fazem sentido semanticamente."); err != nil {
		return nil, err
	}
	recs, total, err := s.store.ListPix(ctx, PixFilter{Documento: documento, Inicio: q.Inicio, Fim: q.Fim, TxID: q.TxID,
		TxIDPresente: q.TxIDPresente, DevolucaoPresente: q.DevolucaoPresente, CPF: q.CPF, CNPJ: q.CNPJ,
		Offset: q.PaginaAtual * q.ItensPorPagina, Limit: q.ItensPorPagina})
	if err != nil {
		return nil, err
	}
	out := &pixapi.PixConsultados{Parametros: pixapi.ParametrosConsultaPix{Inicio: pixapi.Timestamp{Time: q.Inicio}, Fim: pixapi.Timestamp{Time: q.Fim},
		TxID: q.TxID, TxIDPresente: q.TxIDPresente, DevolucaoPresente: q.DevolucaoPresente, CPF: q.CPF, CNPJ: q.CNPJ, Paginacao: q.paginacao(total)}}
	for i := range recs {
		p, err := pixDe(&recs[i])
		if err != nil {
			return nil, err
		}
		out.Pix = append(out.Pix, p)
	}
	return out, nil
}

// comPix returns the current body of the charge r with the Pix that paid it
// (CobCompleta.pix, CobVCompleta.pix) when it is CONCLUIDA: they are read
// from the Pix store, so their devoluções are current.
func (s *Service) comPix(ctx context.Context, r *CobRecord) (json.RawMessage, error) {
	if r.Status != string(pixapi.StatusConcluida) {
		return r.Body, nil
	}
	ps, err := s.store.PixDoTxID(ctx, r.Documento, r.TxID)
	if err != nil || len(ps) == 0 {
		return r.Body, err
	}
	list := make([]pixapi.Pix, 0, len(ps))
	for i := range ps {
		p, err := pixDe(&ps[i])
		if err != nil {
			return nil, err
		}
		list = append(list, p)
	}
	enc, err := json.Marshal(list)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "encode pix")
	}
	body := bytes.TrimRight(r.Body, " \n\r\t")
	if len(body) < 2 || body[len(body)-1] != '}' {
		return nil, errs.New(errs.EInternal, "stored charge body is not a JSON object")
	}
	out := make([]byte, 0, len(body)+len(enc)+8)
	out = append(out, body[:len(body)-1]...)
	out = append(out, `,"pix":`...)
	out = append(out, enc...)
	return append(out, '}'), nil
}
