package pix

import (
	"context"
	"time"

	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/pixapi"
)

// PixRecord is what the store keeps of a Pix received (spec Pix): the
// columns GET /pix filters and sorts on, and Body, the Pix as settled
// (without devolucoes, which are rows of their own and are attached when
// read).
type PixRecord struct {
	Documento  string // the recebedor's CPF/CNPJ
	EndToEndID string
	TxID       string // "" for a Pix without txid (a static QR code without one)
	Chave      string
	Valor      Centavos
	// Retirada is the cash part (saque + troco), the most a devolução of
	// natureza RETIRADA may return; Valor - Retirada is the most ORIGINAL
	// devoluções may return.
	Retirada    Centavos
	Horario     time.Time
	PagadorCPF  string
	PagadorCNPJ string
	Body        []byte
	// Devolucoes are the refunds, in the order they were requested (filled
	// by reads).
	Devolucoes []DevolucaoRecord
}

// DevolucaoRecord is a refund of a Pix (spec Devolucao).
type DevolucaoRecord struct {
	Documento   string
	EndToEndID  string
	ID          string // the client's {id}, unique per EndToEndID
	RtrID       string
	Valor       Centavos
	Natureza    pixapi.DevolucaoNatureza
	Descricao   string
	Status      pixapi.DevolucaoStatus
	Motivo      string
	Solicitacao time.Time
	Liquidacao  time.Time // zero while EM_PROCESSAMENTO
	// LiquidarEm is when the refund processor settles it, while
	// EM_PROCESSAMENTO.
	LiquidarEm time.Time
}

// WebhookRecord is the webhook configured for a chave (spec WebhookCompleto).
type WebhookRecord struct {
	Documento string
	Chave     string
	URL       string
	Criacao   time.Time
}

// PixFilter selects Pix of one recebedor for GET /pix. Inicio and Fim bound
// Horario, both inclusive. Empty fields do not filter.
type PixFilter struct {
	Documento         string
	Inicio, Fim       time.Time
	TxID              string
	TxIDPresente      *bool
	DevolucaoPresente *bool
	CPF, CNPJ         string // of the pagador
	Offset, Limit     int
}

// WebhookFilter selects webhooks of one recebedor for GET /webhook. Inicio
// and Fim bound Criacao, both inclusive; zero does not filter.
type WebhookFilter struct {
	Documento     string
	Inicio, Fim   time.Time
	Offset, Limit int
}

// PixStore persists Pix received, devoluções and webhook configurations.
// Unique constraints enforce one Pix per EndToEndID, one devolução per
// (EndToEndID, ID) and one webhook per (Documento, Chave).
type PixStore interface {
	// CreatePix stores p. EConflict if its EndToEndID exists.
	CreatePix(ctx context.Context, p *PixRecord) error
	// Pix returns the Pix e2eid of documento with its devolucoes.
	// ENotFound if none (or another recebedor's).
	Pix(ctx context.Context, documento, e2eid string) (*PixRecord, error)
	// PixDocumento returns the recebedor of the Pix e2eid (the sandbox
	// control API, which acts for every recebedor). ENotFound if none.
	PixDocumento(ctx context.Context, e2eid string) (string, error)
	// ListPix returns one page of the Pix matching f, ordered by Horario
	// then EndToEndID, with their devolucoes, and the number of all
	// matching Pix.
	ListPix(ctx context.Context, f PixFilter) ([]PixRecord, int, error)
	// PixDoTxID returns the Pix paying txid of documento, oldest first,
	// with their devolucoes.
	PixDoTxID(ctx context.Context, documento, txid string) ([]PixRecord, error)

	// CreateDevolucao stores d. EConflict if (EndToEndID, ID) exists;
	// ENotFound if the Pix does not.
	CreateDevolucao(ctx context.Context, d *DevolucaoRecord) error
	// FinishDevolucao gives d its final Status, Motivo and Liquidacao if
	// it is still EM_PROCESSAMENTO, and reports whether it did (false: it
	// had already finished, or does not exist).
	FinishDevolucao(ctx context.Context, d *DevolucaoRecord) (bool, error)
	// DueDevolucoes returns up to limit devoluções EM_PROCESSAMENTO whose
	// LiquidarEm is at or before now, oldest LiquidarEm first.
	DueDevolucoes(ctx context.Context, now time.Time, limit int) ([]DevolucaoRecord, error)
	// NextDevolucao returns the earliest LiquidarEm of the devoluções
	// EM_PROCESSAMENTO, or the zero time when there is none.
	NextDevolucao(ctx context.Context) (time.Time, error)

	// PutWebhook stores w, replacing the webhook of (Documento, Chave).
	PutWebhook(ctx context.Context, w *WebhookRecord) error
	// Webhook returns the webhook of chave of documento. ENotFound if none.
	Webhook(ctx context.Context, documento, chave string) (*WebhookRecord, error)
	// DeleteWebhook removes the webhook of chave. ENotFound if none.
	DeleteWebhook(ctx context.Context, documento, chave string) error
	// ListWebhooks returns one page of documento's webhooks ordered by
	// Criacao then Chave, and the number of all matching ones.
	ListWebhooks(ctx context.Context, f WebhookFilter) ([]WebhookRecord, int, error)
}

// TxStore is what one write transaction of the Pix service can do: every
// store method, inside the transaction, plus row locks and the webhook
// outbox, so that a settlement, its charge's new status and its
// notification commit together or not at all.
type TxStore interface {
	CobStore
	PixStore
	webhook.Outbox
	// LockPix returns the Pix like Pix does, locking it until the
	// transaction ends (PostgreSQL: SELECT ... FOR UPDATE; SQLite's single
	// writer serializes write transactions already), so that concurrent
	// devoluções of one Pix are checked against each other's amounts.
	LockPix(ctx context.Context, documento, e2eid string) (*PixRecord, error)
}

// Transactor runs fn in one write transaction, committed when fn returns
// nil and rolled back otherwise (fn's error is returned as is).
type Transactor interface {
	InTx(ctx context.Context, fn func(tx TxStore) error) error
}
