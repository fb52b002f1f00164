package pixapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// ReceiverTLSConfig returns the TLS configuration of an integrator's webhook
// server (seed 000 §10, "Autenticação TLS"): it serves cert and requires a
// client certificate that chains to pspCAs — the PSP's full chain (for the
// brasa sandbox, its ca.pem and chain.pem). TLS 1.2 is the minimum. Pass it
// to http.Server.TLSConfig and wrap the handler with [Receiver].
func ReceiverTLSConfig(cert tls.Certificate, pspCAs *x509.CertPool) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pspCAs,
	}
}

// PixHandler handles the Pix of one callback. Returning an error answers
// 500, and the PSP retries; delivery is at least once, so handle each Pix
// idempotently, keyed by EndToEndID (and, for refunds, the devolução id).
type PixHandler func(ctx context.Context, pix []Pix) error

// Receiver returns the http.Handler of a webhook registered with
// [Client.PutWebhook]: the PSP POSTs {"pix":[...]} to the registered URL
// with "/pix" appended to its very end (bacen/pix-api#241), so Receiver
// answers both the URL and the URL + "/pix". It refuses a request whose
// connection has no verified client certificate (403; configure the server
// with [ReceiverTLSConfig]), anything but POST (405), and a body that is not
// the spec's WebhookPixBody (400); a body over 1 MiB is 413. When h returns
// nil it answers 200.
func Receiver(h PixHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			http.Error(w, "client certificate required", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "" && ct != "application/json" {
			http.Error(w, "content type must be application/json", http.StatusUnsupportedMediaType)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		pix, err := DecodeWebhook(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := h(r.Context(), pix); err != nil {
			http.Error(w, "not processed", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// DecodeWebhook decodes a callback body ({"pix":[...]}, the spec's
// WebhookPixBody). It fails when "pix" is absent or a Pix lacks its
// endToEndId.
func DecodeWebhook(body []byte) ([]Pix, error) {
	var b struct {
		Pix *[]Pix `json:"pix"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, errors.New("pixapi: webhook body is not JSON of the spec's WebhookPixBody: " + err.Error())
	}
	if b.Pix == nil {
		return nil, errors.New(`pixapi: webhook body has no "pix" array`)
	}
	for _, p := range *b.Pix {
		if strings.TrimSpace(p.EndToEndID) == "" {
			return nil, errors.New("pixapi: webhook Pix without endToEndId")
		}
	}
	return *b.Pix, nil
}
