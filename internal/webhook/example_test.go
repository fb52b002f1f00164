package webhook_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/internal/webhook/webhooktest"
	"github.com/brasa-dev/brasa/pixapi"
)

// ExampleNew shows the wiring: the dispatcher presents brasa's webhook
// client certificate, trusts the system roots plus the extra CAs, runs in
// the background, and is nudged after each transaction that enqueued a
// notification.
func ExampleNew() {
	var (
		webhookCert tls.Certificate     // issued by the brasa CA (pki.CertWebhook)
		extraCAs    []*x509.Certificate // --webhook-ca; the sandbox adds its own CA
		sandbox     bool
		store       = webhooktest.New() // the SQLite or PostgreSQL store
		ctx         = context.Background()
	)
	roots, err := x509.SystemCertPool()
	if err != nil {
		panic(err)
	}
	for _, c := range extraCAs {
		roots.AddCert(c)
	}
	d, err := webhook.New(webhook.Options{
		Store:     store,
		TLSConfig: pki.ClientTLSConfig(&webhookCert, roots),
		URLPolicy: webhook.URLPolicy{AllowLoopback: sandbox, AllowAnyPort: sandbox},
		Log:       slog.Default(),
	})
	if err != nil {
		panic(err)
	}
	go d.Run(ctx)

	// In the settlement's transaction, when the chave has a webhook:
	p := pixapi.Pix{EndToEndID: "E01181521202603021200abcdefghijk", TxID: "cob1", Valor: "10.00", Chave: "chave@example.com"}
	n, err := webhook.NewNotification(webhook.KindPix, "12345678000195", "https://erp.example/webhook", p, time.Now())
	if err != nil {
		panic(err)
	}
	if err := store.Enqueue(ctx, n); err != nil { // tx.Enqueue(ctx, n)
		panic(err)
	}
	// After the commit:
	d.Notify()
}
