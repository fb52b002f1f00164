package pix

import (
	"context"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/pixapi"
)

const msgWebhookInvalido = "A presente requisição busca criar um webhook sem respeitar o schema ou, ainda, com sentido semanticamente inválido."

// PutWebhook configures the webhook of chave (PUT /webhook/{chave}),
// replacing any previous one: brasa will POST {webhookUrl}/pix for every Pix
// with a txid received on chave. The chave must be a key registered to
// documento, and webhookUrl acceptable to Service.WebhookPolicy (https,
// absolute, no credentials; the sandbox allows loopback hosts). In the same
// transaction, notifications of chave still pending are pointed at the new
// URL and made due at once, so an integrator who fixes their webhook during
// an outage hears at once. EInvalid (WebhookOperacaoInvalida) otherwise.
func (s *Service) PutWebhook(ctx context.Context, documento, chave string, req *pixapi.WebhookSolicitado) error {
	var v violations
	ch, err := s.store.Chave(ctx, chave)
	switch {
	case errs.Is(err, errs.ENotFound):
		v.add("chave", "O parâmetro {chave} não corresponde a uma chave DICT válida.")
	case err != nil:
		return err
	case ch.Documento != documento:
		v.add("chave", "O parâmetro {chave} não corresponde a uma chave DICT pertencente a este usuário recebedor.")
	}
	if err := s.WebhookPolicy.Check(req.WebhookURL); err != nil {
		if e := errs.As(err); e != nil && len(e.Violations) > 0 {
			for _, x := range e.Violations {
				v.add("webhookUrl", x.Reason)
			}
		} else {
			v.add("webhookUrl", "Campo webhook.webhookUrl não respeita o schema.")
		}
	}
	if err := v.err(msgWebhookInvalido); err != nil {
		return err
	}
	return s.tx(ctx, func(tx TxStore) error {
		now := s.clock.Now()
		if err := tx.PutWebhook(ctx, &WebhookRecord{Documento: documento, Chave: chave, URL: req.WebhookURL, Criacao: now}); err != nil {
			return err
		}
		_, err := tx.Retarget(ctx, documento, chave, req.WebhookURL, now)
		if err == nil && s.Notify != nil {
			defer s.Notify()
		}
		return err
	})
}

// webhookDe renders a stored webhook (spec WebhookCompleto): cnpj is the
// recebedor's when it is a company, chave as release 2.6.3 had it.
func webhookDe(w *WebhookRecord) pixapi.Webhook {
	out := pixapi.Webhook{WebhookURL: w.URL, Chave: w.Chave, Criacao: pixapi.Timestamp{Time: w.Criacao}}
	if len(w.Documento) == 14 {
		out.CNPJ = w.Documento
	}
	return out
}

// Webhook returns the webhook of chave (GET /webhook/{chave}). ENotFound
// (WebhookNaoEncontrado) if none.
func (s *Service) Webhook(ctx context.Context, documento, chave string) (*pixapi.Webhook, error) {
	w, err := s.store.Webhook(ctx, documento, chave)
	if errs.Is(err, errs.ENotFound) {
		return nil, errs.New(errs.ENotFound, "O webhook denotado por {chave} não se encontra estabelecido.")
	}
	if err != nil {
		return nil, err
	}
	out := webhookDe(w)
	return &out, nil
}

// DeleteWebhook removes the webhook of chave (DELETE /webhook/{chave}):
// later Pix are not notified. Notifications already enqueued are still
// delivered to the URL they were enqueued for (they record state changes
// that happened while the webhook existed). ENotFound (WebhookNaoEncontrado)
// if none.
func (s *Service) DeleteWebhook(ctx context.Context, documento, chave string) error {
	err := s.store.DeleteWebhook(ctx, documento, chave)
	if errs.Is(err, errs.ENotFound) {
		return errs.New(errs.ENotFound, "O webhook denotado por {chave} não se encontra estabelecido.")
	}
	return err
}

// WebhookListQuery is GET /webhook's request: inicio and fim are optional.
type WebhookListQuery struct {
	ListQuery
}

// ListWebhooks lists documento's webhooks (GET /webhook) in creation order.
// EInvalid (WebhookConsultaInvalida) for fim before inicio or bad paging.
func (s *Service) ListWebhooks(ctx context.Context, documento string, q WebhookListQuery) (*pixapi.WebhooksConsultados, error) {
	var v violations
	q.checkOptional(&v)
	if err := v.err("Os parâmetros de consulta à lista de webhooks ativados não respeitam o schema ou não fazem sentido semanticamente."); err != nil {
		return nil, err
	}
	recs, total, err := s.store.ListWebhooks(ctx, WebhookFilter{Documento: documento, Inicio: q.Inicio, Fim: q.Fim,
		Offset: q.PaginaAtual * q.ItensPorPagina, Limit: q.ItensPorPagina})
	if err != nil {
		return nil, err
	}
	pag := q.paginacao(total)
	out := &pixapi.WebhooksConsultados{Parametros: &pixapi.ParametrosConsultaWebhooks{Inicio: pixapi.Timestamp{Time: q.Inicio}, Fim: pixapi.Timestamp{Time: q.Fim}, Paginacao: &pag}}
	for i := range recs {
		out.Webhooks = append(out.Webhooks, webhookDe(&recs[i]))
	}
	return out, nil
}
