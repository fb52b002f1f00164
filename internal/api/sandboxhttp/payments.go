package sandboxhttp

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/api/pixhttp"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/sandbox"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/pixapi"
)

// writeErr renders err as the Pix API renders its general errors
// (RequisicaoInvalida 400 with violacoes, NaoEncontrado 404,
// PermanentementeRemovido 410, ErroInternoDoServidor 500 without details).
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = &errs.Error{Kind: errs.ETooLarge, Message: "O corpo da requisição excede o limite."}
	}
	p := pixhttp.Problem(err, pixhttp.Resource{}, api.CorrelationID(r.Context()))
	if p.Status >= 500 {
		s.d.Log.ErrorContext(r.Context(), "sandbox control request failed", "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}

// decode reads a JSON body into v; broken JSON is a 400.
func decode(r *http.Request, v any) error {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return &errs.Error{Kind: errs.EInvalid, Message: "Corpo JSON inválido: " + err.Error()}
	}
	return nil
}

// postPayment is POST /sandbox/v1/payments: the payer simulator pays a BR
// Code and answers 201 with the settled Pix.
func (s *Server) postPayment(w http.ResponseWriter, r *http.Request) {
	var req sandbox.PaymentRequest
	if err := decode(r, &req); err != nil {
		s.writeErr(w, r, err)
		return
	}
	if req.PixCopiaECola == "" {
		s.writeErr(w, r, errs.Invalid("pixCopiaECola", "O campo pixCopiaECola é obrigatório."))
		return
	}
	p, err := s.d.Payer.Pay(r.Context(), req)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// DevolucaoDecision is the body of POST /sandbox/v1/devolucoes/{e2eid}/{id}.
type DevolucaoDecision struct {
	// Status is DEVOLVIDO or NAO_REALIZADO.
	Status pixapi.DevolucaoStatus `json:"status"`
	// Motivo explains a NAO_REALIZADO (at most 140 characters).
	Motivo string `json:"motivo,omitempty"`
}

// postDevolucao settles a devolução still EM_PROCESSAMENTO with the given
// outcome, so integrators can test DEVOLVIDO and NAO_REALIZADO.
func (s *Server) postDevolucao(w http.ResponseWriter, r *http.Request) {
	var req DevolucaoDecision
	if err := decode(r, &req); err != nil {
		s.writeErr(w, r, err)
		return
	}
	d, err := s.d.Pix.DecidirDevolucao(r.Context(), r.PathValue("e2eid"), r.PathValue("id"), req.Status, req.Motivo)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// Delivery is one webhook POST attempt as GET /sandbox/v1/webhook-deliveries
// lists it.
type Delivery struct {
	ID              int64   `json:"id"`
	At              string  `json:"at"`
	Chave           string  `json:"chave"`
	URL             string  `json:"url"`
	StatusCode      int     `json:"statusCode,omitempty"`
	LatencyMs       int64   `json:"latencyMs"`
	Delivered       bool    `json:"delivered"`
	Error           string  `json:"error,omitempty"`
	Response        string  `json:"response,omitempty"`
	NotificationIDs []int64 `json:"notificationIds"`
}

// Notification is one outbox row as GET /sandbox/v1/webhook-deliveries lists
// it.
type Notification struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	EndToEndID  string `json:"endToEndId"`
	Chave       string `json:"chave"`
	WebhookURL  string `json:"webhookUrl"`
	Status      string `json:"status"`
	Attempts    int    `json:"attempts"`
	CreatedAt   string `json:"createdAt"`
	NextAttempt string `json:"nextAttempt,omitempty"`
	DeliveredAt string `json:"deliveredAt,omitempty"`
}

// DeliveriesPage is the body of GET /sandbox/v1/webhook-deliveries.
type DeliveriesPage struct {
	// Deliveries are the attempts, oldest first; Total counts them all.
	Deliveries []Delivery `json:"deliveries"`
	Total      int        `json:"total"`
	// Notifications are the outbox rows (one per Pix and event), oldest
	// first.
	Notifications      []Notification `json:"notifications"`
	TotalNotifications int            `json:"totalNotifications"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// getDeliveries is GET /sandbox/v1/webhook-deliveries[?chave=&endToEndId=&offset=&limit=]:
// the webhook attempts (time, URL, status, latency, error, the start of the
// answer) and the notifications they carry, oldest first.
func (s *Server) getDeliveries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	num := func(name string, def int) (int, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return 0, errs.Invalid(name, name+" deve ser um inteiro entre 0 e 1000.")
		}
		return n, nil
	}
	offset, err := num("offset", 0)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	limit, err := num("limit", 100)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	ctx := r.Context()
	e2e := q.Get("endToEndId")
	nf := webhook.NotificationFilter{Chave: q.Get("chave"), EndToEndID: e2e, Offset: offset, Limit: limit}
	if e2e != "" {
		nf.Offset, nf.Limit = 0, 1000 // a Pix has a handful: page them below, with its attempts
	}
	ns, ntotal, err := s.d.Deliveries.Notifications(ctx, nf)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	page := DeliveriesPage{Deliveries: []Delivery{}, Notifications: []Notification{}, TotalNotifications: ntotal}
	var attempts []webhook.Attempt
	if e2e != "" {
		// The attempts that carried this Pix's notifications.
		for _, n := range ns {
			as, _, err := s.d.Deliveries.Attempts(ctx, webhook.AttemptFilter{NotificationID: n.ID, Limit: 1000})
			if err != nil {
				s.writeErr(w, r, err)
				return
			}
			attempts = append(attempts, as...)
		}
		page.Total = len(attempts)
		attempts = attempts[min(offset, len(attempts)):min(offset+limit, len(attempts))]
		ns = ns[min(offset, len(ns)):min(offset+limit, len(ns))]
	} else {
		attempts, page.Total, err = s.d.Deliveries.Attempts(ctx, webhook.AttemptFilter{Chave: q.Get("chave"), Offset: offset, Limit: limit})
		if err != nil {
			s.writeErr(w, r, err)
			return
		}
	}
	for _, n := range ns {
		page.Notifications = append(page.Notifications, Notification{ID: n.ID, Kind: string(n.Kind), EndToEndID: n.EndToEndID, Chave: n.Chave,
			WebhookURL: n.WebhookURL, Status: string(n.Status), Attempts: n.Attempts, CreatedAt: stamp(n.CreatedAt),
			NextAttempt: stamp(n.NextAttempt), DeliveredAt: stamp(n.DeliveredAt)})
	}
	for _, a := range attempts {
		page.Deliveries = append(page.Deliveries, Delivery{ID: a.ID, At: stamp(a.At), Chave: a.Chave, URL: a.URL, StatusCode: a.StatusCode,
			LatencyMs: a.Latency.Milliseconds(), Delivered: a.Error == "", Error: a.Error, Response: a.Response, NotificationIDs: a.NotificationIDs})
	}
	writeJSON(w, http.StatusOK, page)
}
