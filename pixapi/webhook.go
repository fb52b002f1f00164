package pixapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// WebhookSolicitado is the body of PUT /webhook/{chave} (the spec's
// WebhookSolicitado).
type WebhookSolicitado struct {
	WebhookURL string `json:"webhookUrl"`
}

// Webhook is the webhook configured for a DICT key (the spec's
// WebhookCompleto). The PSP POSTs a [WebhookPixBody] to WebhookURL+"/pix".
type Webhook struct {
	WebhookURL string `json:"webhookUrl"`
	// Chave is the DICT key the webhook serves. Release 2.6.3 required it
	// and the spec's examples still carry it; 2.9.0 does not declare it.
	Chave string `json:"chave,omitempty"`
	// CNPJ is the recebedor's CNPJ, which 2.9.0 requires. It is left out
	// when empty, as for a recebedor identified by a CPF.
	CNPJ string `json:"cnpj,omitempty"`
	// Criacao is when the webhook was configured.
	Criacao Timestamp `json:"criacao,omitzero"`
}

// WebhooksConsultados is the response of GET /webhook (the spec's
// WebhooksConsultados).
type WebhooksConsultados struct {
	Parametros *ParametrosConsultaWebhooks `json:"parametros,omitempty"`
	Webhooks   []Webhook                   `json:"webhooks"`
}

// MarshalJSON writes a nil Webhooks as [], as the spec requires an array.
func (l WebhooksConsultados) MarshalJSON() ([]byte, error) {
	type plain WebhooksConsultados
	if l.Webhooks == nil {
		l.Webhooks = []Webhook{}
	}
	return json.Marshal(plain(l))
}

// ParametrosConsultaWebhooks echoes the filters of GET /webhook (the spec's
// ParametrosConsultaWebhooks, all optional).
type ParametrosConsultaWebhooks struct {
	Inicio    Timestamp  `json:"inicio,omitzero"`
	Fim       Timestamp  `json:"fim,omitzero"`
	Paginacao *Paginacao `json:"paginacao,omitempty"`
}

// WebhookListParams are the query parameters of GET /webhook, all optional.
type WebhookListParams struct {
	// Inicio and Fim bound the webhooks' creation time, inclusive.
	Inicio, Fim    time.Time
	PaginaAtual    int
	ItensPorPagina int
}

func (p WebhookListParams) query() string {
	var q query
	q.time("inicio", p.Inicio)
	q.time("fim", p.Fim)
	q.paging(p.PaginaAtual, p.ItensPorPagina)
	return q.String()
}

// WebhookPixBody is the body the PSP POSTs to a webhook, at
// webhookUrl+"/pix" (the spec's WebhookPixBody request body): the Pix
// received with a txid, or whose refund reached DEVOLVIDO or NAO_REALIZADO.
// Delivery is at least once: deduplicate by EndToEndID (and refund id).
type WebhookPixBody struct {
	Pix []Pix `json:"pix"`
}

// MarshalJSON writes a nil Pix as [].
func (b WebhookPixBody) MarshalJSON() ([]byte, error) {
	type plain WebhookPixBody
	if b.Pix == nil {
		b.Pix = []Pix{}
	}
	return json.Marshal(plain(b))
}

// PutWebhook configures the webhook of the DICT key chave (PUT
// /webhook/{chave}, scope webhook.write, 200), replacing any previous one.
// The PSP will POST to webhookURL+"/pix".
func (c *Client) PutWebhook(ctx context.Context, chave, webhookURL string) error {
	k, err := seg("chave", chave)
	if err != nil {
		return err
	}
	return c.Do(ctx, http.MethodPut, APIPrefix+"/webhook/"+k, WebhookSolicitado{WebhookURL: webhookURL}, nil)
}

// GetWebhook returns the webhook of the DICT key chave (GET
// /webhook/{chave}, scope webhook.read).
func (c *Client) GetWebhook(ctx context.Context, chave string) (*Webhook, error) {
	k, err := seg("chave", chave)
	if err != nil {
		return nil, err
	}
	var out Webhook
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/webhook/"+k, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteWebhook removes the webhook of the DICT key chave (DELETE
// /webhook/{chave}, scope webhook.write, 204).
func (c *Client) DeleteWebhook(ctx context.Context, chave string) error {
	k, err := seg("chave", chave)
	if err != nil {
		return err
	}
	return c.Do(ctx, http.MethodDelete, APIPrefix+"/webhook/"+k, nil, nil)
}

// ListWebhooks returns one page of the configured webhooks (GET /webhook,
// scope webhook.read).
func (c *Client) ListWebhooks(ctx context.Context, p WebhookListParams) (*WebhooksConsultados, error) {
	var out WebhooksConsultados
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/webhook"+p.query(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
