package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// Kind is the event a notification announces. Its value is what stores keep.
type Kind string

// The notifying events (seed 000 §10; bacen/pix-api#354).
const (
	// KindPix is a Pix received on a txid (a dynamic or a static QR code
	// with a txid): "sempre que um ou mais Pix associados a um txid forem
	// recebidos".
	KindPix Kind = "pix"
	// KindDevolucao is a devolução of such a Pix reaching DEVOLVIDO or
	// NAO_REALIZADO; the payload is the Pix with its devolucoes.
	KindDevolucao Kind = "devolucao"
)

// Status is where a notification stands. Its value is what stores keep.
type Status string

// The notification statuses. Delivered and failed are final.
const (
	// StatusPending is waiting for its next attempt (or in flight).
	StatusPending Status = "pending"
	// StatusDelivered was answered 2xx.
	StatusDelivered Status = "delivered"
	// StatusFailed was not delivered before its deadline, or cannot be
	// sent at all (its URL or payload is unusable).
	StatusFailed Status = "failed"
)

// Notification is one outbox row: one Pix to announce to one webhook.
//
// The webhook URL is captured when the row is enqueued, in the transaction
// of the state change, rather than looked up at each attempt: that
// transaction already reads the webhook (a Pix is notified only if its chave
// has one), so the row is self-contained; the dispatcher's hot path needs no
// further query and no access to the webhook configuration; rows group into
// batches by a value they carry; and the attempt history records exactly
// where each notification was meant to go. A webhook changed while
// notifications are pending is applied to them by [Outbox.Retarget], called
// in the transaction of PUT /webhook/{chave}.
type Notification struct {
	// ID is assigned by [Outbox.Enqueue], increasing.
	ID int64
	// Documento is the recebedor's CPF or CNPJ.
	Documento string
	// Chave is the DICT key the Pix was paid to, whose webhook is called.
	Chave string
	// WebhookURL is the webhookUrl configured for Chave, as registered;
	// the POST goes to [Target](WebhookURL).
	WebhookURL string
	// Kind is the event announced.
	Kind Kind
	// EndToEndID is the Pix's endToEndId, for listings and searches.
	EndToEndID string
	// Payload is one Pix (the spec's Pix, JSON object) as it stood at the
	// state change; the POST body is {"pix":[Payload, ...]}. Stores keep
	// and return it byte for byte (a text or bytea column, not jsonb).
	Payload json.RawMessage
	// CreatedAt is when the row was enqueued.
	CreatedAt time.Time
	// NextAttempt is when the row is due: CreatedAt at first, then the
	// time the backoff chose after each failed attempt.
	NextAttempt time.Time
	// Attempts counts the attempts recorded for the row.
	Attempts int
	// Deadline is the time after which a failed attempt is not retried.
	// Zero means CreatedAt plus the dispatcher's [Options.Deadline]. The
	// last retry is brought forward to the deadline itself; a notification
	// first claimed after its deadline (brasa was down) still gets one
	// attempt.
	Deadline time.Time
	// Status is pending, delivered or failed.
	Status Status
	// DeliveredAt is when the delivering attempt started; zero unless
	// delivered.
	DeliveredAt time.Time
	// Claim is the token of the claim that leases the row, "" when none;
	// ClaimedUntil is when that lease runs out. See [Store.Claim].
	Claim        string
	ClaimedUntil time.Time
}

// Attempt is one POST to a webhook (or one refusal to send; see Error),
// covering the notifications of one batch.
type Attempt struct {
	// ID is assigned by [Store.Record], increasing.
	ID int64
	// NotificationIDs are the notifications the POST carried, in the order
	// of the body's "pix" array.
	NotificationIDs []int64
	// Documento and Chave are the recebedor and the chave of the batch
	// (every notification of a batch shares them).
	Documento string
	Chave     string
	// At is when the attempt started, on the dispatcher's clock.
	At time.Time
	// URL is the URL posted to: [Target] of the webhook URL.
	URL string
	// StatusCode is the receiver's HTTP status; 0 when no answer came.
	StatusCode int
	// Latency is the time from sending the request to receiving the
	// answer's status line (or to the error).
	Latency time.Duration
	// Error says why the attempt did not deliver: the receiver's status,
	// or the transport or TLS error without the URL. It is "" exactly when
	// the attempt delivered. It never holds a secret. An attempt that was
	// refused before any connection (an unusable URL or payload) has an
	// Error that starts with "not sent: ".
	Error string
	// Response is the start of the receiver's answer body, at most
	// [MaxResponseExcerpt] bytes of valid UTF-8.
	Response string
}

// MaxResponseExcerpt is the size limit of [Attempt.Response], in bytes.
const MaxResponseExcerpt = 512

// NewNotification returns the outbox row announcing p, for the recebedor
// documento, to webhookURL (the webhook of p.Chave): pending, due at now,
// Deadline zero (the dispatcher's default applies; set it to override).
// The caller enqueues it with [Outbox.Enqueue] in the transaction of the
// state change, and only when p.Chave has a webhook.
//
// Only Pix with a txid are notified (seed 000 §10: "Pix associados a um
// txid"); NewNotification returns an error if p has no txid, no endToEndId
// or no chave, if documento or webhookURL is empty, or if kind is unknown.
// It does not check webhookURL against a [URLPolicy]: that is done when the
// webhook is configured and again before each POST.
func NewNotification(kind Kind, documento, webhookURL string, p pixapi.Pix, now time.Time) (*Notification, error) {
	switch {
	case kind != KindPix && kind != KindDevolucao:
		return nil, fmt.Errorf("webhook: new notification: unknown kind %q", kind)
	case documento == "":
		return nil, errors.New("webhook: new notification: no documento")
	case webhookURL == "":
		return nil, errors.New("webhook: new notification: no webhook URL")
	case p.EndToEndID == "":
		return nil, errors.New("webhook: new notification: Pix without endToEndId")
	case p.TxID == "":
		return nil, fmt.Errorf("webhook: new notification: Pix %s has no txid and is not notified", p.EndToEndID)
	case p.Chave == "":
		return nil, fmt.Errorf("webhook: new notification: Pix %s has no chave", p.EndToEndID)
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("webhook: new notification: %w", err)
	}
	return &Notification{
		Documento:   documento,
		Chave:       p.Chave,
		WebhookURL:  webhookURL,
		Kind:        kind,
		EndToEndID:  p.EndToEndID,
		Payload:     payload,
		CreatedAt:   now,
		NextAttempt: now,
		Status:      StatusPending,
	}, nil
}
