package pix

import (
	"context"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/pixapi"
)

// DefaultDevolucaoDelay is how long a devolução stays EM_PROCESSAMENTO
// before the refund processor settles it, unless Service.DevolucaoDelay is
// changed.
const DefaultDevolucaoDelay = 2 * time.Second

const msgDevolucaoInvalida = "A presente requisição de devolução não respeita o schema ou não faz sentido semanticamente."

// CreateDevolucao requests the devolução id of the Pix e2eid (PUT
// /pix/{e2eid}/devolucao/{id}): it is stored EM_PROCESSAMENTO with a new
// rtrId and settled later by [Service.ProcessDevolucoes] (or decided by the
// sandbox control API). The checks (spec PixDevolucaoInvalida) run in the
// transaction that stores it, with the Pix locked, so concurrent requests
// cannot together exceed the caps:
//
//   - valor matches the money pattern and is greater than zero; natureza is
//     ORIGINAL (absent) or RETIRADA; descricao at most 140 characters;
//   - the devoluções of each natureza that are not NAO_REALIZADO add up to
//     at most the Pix's purchase part (ORIGINAL: valor minus saque and
//     troco) or its cash part (RETIRADA: saque or troco);
//   - id is new for this e2eid;
//   - today (Brasília) is at most [JanelaDevolucao] days after the day the
//     Pix settled.
//
// ENotFound (PixNaoEncontrado) for an unknown e2eid, another recebedor's
// included.
func (s *Service) CreateDevolucao(ctx context.Context, documento, e2eid, id string, req *pixapi.DevolucaoSolicitada) (*pixapi.Devolucao, error) {
	if !reE2EID.MatchString(e2eid) {
		return nil, errs.New(errs.ENotFound, "Pix não encontrado para o e2eid informado.")
	}
	var v violations
	if !reDevolucaoID.MatchString(id) {
		v.add("id", "O parâmetro id não respeita o schema: de 1 a 35 caracteres [a-zA-Z0-9].")
	}
	valor, err := ParseValor(req.Valor)
	if err != nil || valor <= 0 {
		v.add("devolucao.valor", "O campo devolucao.valor não respeita o schema.")
	}
	natureza := req.Natureza
	switch natureza {
	case "":
		natureza = pixapi.NaturezaOriginal
	case pixapi.NaturezaOriginal, pixapi.NaturezaRetirada:
	default:
		v.add("devolucao.natureza", "O campo devolucao.natureza deve ser ORIGINAL ou RETIRADA.")
	}
	if utf8.RuneCountInString(req.Descricao) > MaxDescricao {
		v.add("devolucao.descricao", fmt.Sprintf("O campo devolucao.descricao tem no máximo %d caracteres.", MaxDescricao))
	}
	if err := v.err(msgDevolucaoInvalida); err != nil {
		return nil, err
	}
	var out pixapi.Devolucao
	err = s.tx(ctx, func(tx TxStore) error {
		p, err := tx.LockPix(ctx, documento, e2eid)
		if errs.Is(err, errs.ENotFound) {
			return errs.New(errs.ENotFound, "Pix não encontrado para o e2eid informado.")
		}
		if err != nil {
			return err
		}
		now := s.clock.Now()
		var v violations
		if limite := DataEm(p.Horario).AddDays(JanelaDevolucao); DataEm(now).After(limite) {
			v.add("id", fmt.Sprintf("A presente requisição de devolução viola a janela de tempo permitida para solicitações de devoluções de um pix (%d dias desde a data de liquidação original do pix; o último dia foi %s).", JanelaDevolucao, limite))
		}
		var usado Centavos
		for _, d := range p.Devolucoes {
			if d.ID == id {
				v.add("id", "A presente requisição de devolução apresenta um {id} já utilizado por outra requisição de devolução para o {e2eid} em questão.")
			}
			if d.Natureza == natureza && d.Status != pixapi.DevolucaoNaoRealizado {
				usado += d.Valor
			}
		}
		teto := p.Valor - p.Retirada
		if natureza == pixapi.NaturezaRetirada {
			teto = p.Retirada
		}
		if usado+valor > teto {
			v.add("devolucao.valor", fmt.Sprintf("A presente requisição de devolução, em conjunto com as demais prévias devoluções, excederia o valor do pix originário (disponível para devolução de natureza %s: %s).", natureza, max(teto-usado, 0)))
		}
		if err := v.err(msgDevolucaoInvalida); err != nil {
			return err
		}
		d := &DevolucaoRecord{Documento: documento, EndToEndID: e2eid, ID: id, RtrID: NewRtrID(s.ispb(), now), Valor: valor,
			Natureza: natureza, Descricao: req.Descricao, Status: pixapi.DevolucaoEmProcessamento, Solicitacao: now,
			LiquidarEm: now.Add(max(s.DevolucaoDelay, 0))}
		if err := tx.CreateDevolucao(ctx, d); err != nil {
			if errs.Is(err, errs.EConflict) {
				return &errs.Error{Kind: errs.EInvalid, Message: msgDevolucaoInvalida, Violations: []errs.Violation{{Property: "id",
					Reason: "A presente requisição de devolução apresenta um {id} já utilizado por outra requisição de devolução para o {e2eid} em questão."}}}
			}
			return err
		}
		out = devolucaoDe(d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.wakeDevolucoes()
	return &out, nil
}

// Devolucao returns the devolução id of the Pix e2eid (GET
// /pix/{e2eid}/devolucao/{id}). ENotFound (PixDevolucaoNaoEncontrada) if
// either does not exist for documento.
func (s *Service) Devolucao(ctx context.Context, documento, e2eid, id string) (*pixapi.Devolucao, error) {
	notFound := errs.New(errs.ENotFound, "Devolução não encontrada para o e2eid e o id informados.")
	if !reE2EID.MatchString(e2eid) {
		return nil, notFound
	}
	p, err := s.store.Pix(ctx, documento, e2eid)
	if errs.Is(err, errs.ENotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	for i := range p.Devolucoes {
		if p.Devolucoes[i].ID == id {
			d := devolucaoDe(&p.Devolucoes[i])
			return &d, nil
		}
	}
	return nil, notFound
}

// DecidirDevolucao gives the devolução id of the Pix e2eid its final
// status now (the sandbox control API: integrators test both outcomes):
// DEVOLVIDO, or NAO_REALIZADO with motivo. It returns the devolução as it
// ends up. ENotFound if it does not exist; EInvalid if status is not final
// or the devolução already finished with another status.
func (s *Service) DecidirDevolucao(ctx context.Context, e2eid, id string, status pixapi.DevolucaoStatus, motivo string) (*pixapi.Devolucao, error) {
	if status != pixapi.DevolucaoDevolvido && status != pixapi.DevolucaoNaoRealizado {
		return nil, errs.Invalid("status", "status deve ser DEVOLVIDO ou NAO_REALIZADO.")
	}
	if utf8.RuneCountInString(motivo) > MaxDescricao {
		return nil, errs.Invalid("motivo", fmt.Sprintf("motivo tem no máximo %d caracteres.", MaxDescricao))
	}
	if status == pixapi.DevolucaoNaoRealizado && motivo == "" {
		motivo = "Devolução não realizada (decisão do sandbox)."
	}
	documento, err := s.store.PixDocumento(ctx, e2eid)
	if err != nil {
		return nil, err
	}
	d, err := s.Devolucao(ctx, documento, e2eid, id)
	if err != nil {
		return nil, err
	}
	if d.Status != pixapi.DevolucaoEmProcessamento {
		if d.Status == status {
			return d, nil
		}
		return nil, errs.Invalid("status", fmt.Sprintf("A devolução já terminou com status %s.", d.Status))
	}
	if _, err := s.finishDevolucao(ctx, &DevolucaoRecord{Documento: documento, EndToEndID: e2eid, ID: id}, status, motivo); err != nil {
		return nil, err
	}
	return s.Devolucao(ctx, documento, e2eid, id)
}

// finishDevolucao gives d its final status, if it is still EM_PROCESSAMENTO,
// and enqueues the webhook notification of its Pix (with every devolução) in
// the same transaction. It reports whether it changed d.
func (s *Service) finishDevolucao(ctx context.Context, d *DevolucaoRecord, status pixapi.DevolucaoStatus, motivo string) (bool, error) {
	var changed, notified bool
	err := s.tx(ctx, func(tx TxStore) error {
		now := s.clock.Now()
		d.Status, d.Motivo, d.Liquidacao = status, motivo, now
		var err error
		if changed, err = tx.FinishDevolucao(ctx, d); err != nil || !changed {
			return err
		}
		p, err := tx.Pix(ctx, d.Documento, d.EndToEndID)
		if err != nil {
			return err
		}
		pix, err := pixDe(p)
		if err != nil {
			return err
		}
		notified, err = s.notificar(ctx, tx, webhook.KindDevolucao, d.Documento, pix, now)
		return err
	})
	if err != nil {
		return false, err
	}
	if notified && s.Notify != nil {
		s.Notify()
	}
	return changed, nil
}

// ProcessDevolucoes settles devoluções EM_PROCESSAMENTO as DEVOLVIDO once
// their delay has passed (brasa has no SPI: the refund is taken as sent),
// until ctx ends. It wakes when a devolução is requested, when the next one
// is due, and at least every second (the sandbox clock may move; another
// process sharing the database may add some). Several processes may run
// it: a devolução finishes once, in the transaction that notifies it.
func (s *Service) ProcessDevolucoes(ctx context.Context, log *slog.Logger) {
	wake := s.devolucaoWake
	for ctx.Err() == nil {
		s.processarDevolucoes(ctx, log)
		wait := time.Second
		if next, err := s.store.NextDevolucao(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(next.Sub(s.clock.Now()), time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

func (s *Service) processarDevolucoes(ctx context.Context, log *slog.Logger) {
	for ctx.Err() == nil {
		due, err := s.store.DueDevolucoes(ctx, s.clock.Now(), 100)
		if err != nil {
			if ctx.Err() == nil {
				log.ErrorContext(ctx, "devolucoes: listing due refunds", "err", err)
			}
			return
		}
		for i := range due {
			if _, err := s.finishDevolucao(ctx, &due[i], pixapi.DevolucaoDevolvido, ""); err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, "devolucoes: settling a refund", "e2eid", due[i].EndToEndID, "id", due[i].ID, "err", err)
				return
			}
		}
		if len(due) < 100 {
			return
		}
	}
}

// wakeDevolucoes nudges the refund processor.
func (s *Service) wakeDevolucoes() {
	select {
	case s.devolucaoWake <- struct{}{}:
	default:
	}
}

func (s *Service) ispb() string {
	if s.ISPB != "" {
		return s.ISPB
	}
	return ISPBSicredi
}
