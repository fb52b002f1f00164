package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/webhook"
)

// Secret names of the webhook client certificate.
const (
	secretWebhookCert = "webhook/client-v1"
	sealADWebhookCert = "brasa-webhook-client"
)

// WebhookClientCN is the CN of the client certificate brasa presents to
// webhook receivers (as Sicredi presents webhook-sicredi.cer).
const WebhookClientCN = "webhook.brasa"

// setupWebhooks builds the webhook dispatcher (mutual TLS with brasa's
// webhook client certificate; receivers verified against the system roots,
// the configured extra CAs and, in the sandbox, brasa's own CA), hooks the
// Pix service to it, and starts the dispatcher and the refund processor.
func (a *App) setupWebhooks(ctx context.Context, cfg *config.Config) error {
	cert, certPEM, err := a.webhookCertificate(ctx)
	if err != nil {
		return fmt.Errorf("app: webhook client certificate: %w", err)
	}
	a.WebhookCert, a.WebhookCertPEM = cert, certPEM
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	for _, f := range cfg.WebhookCAFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("app: webhook_ca: %w", err)
		}
		if !roots.AppendCertsFromPEM(b) {
			return fmt.Errorf("app: webhook_ca %s: no PEM certificate", f)
		}
	}
	if cfg.Mode == config.ModeSandbox {
		roots.AddCert(a.CA.Root)
	}
	sandboxMode := cfg.Mode == config.ModeSandbox
	policy := webhook.URLPolicy{AllowLoopback: sandboxMode, AllowAnyPort: sandboxMode, AllowPrivate: sandboxMode || cfg.WebhookAllowPrivate}
	a.Webhooks, err = webhook.New(webhook.Options{
		Store:     a.Store,
		TLSConfig: pki.ClientTLSConfig(&cert, roots),
		Clock:     a.Clock,
		Log:       a.Log,
		Deadline:  time.Duration(cfg.WebhookDeadline),
		URLPolicy: policy,
	})
	if err != nil {
		return err
	}
	a.Pix.ISPB = cfg.ISPB
	a.Pix.WebhookPolicy = policy
	a.Pix.Notify = a.Webhooks.Notify
	a.Pix.DevolucaoDelay = time.Duration(cfg.RefundDelay)

	// Rows a previous run of this process held are free again at once
	// (SQLite; on PostgreSQL their leases run out as usual).
	if err := a.Store.ReleaseWebhookClaims(ctx); err != nil {
		return err
	}
	wctx, cancel := context.WithCancel(context.Background())
	a.stopWorkers, a.workersDone = cancel, make(chan struct{})
	done := make(chan struct{}, 2)
	go func() {
		defer func() { done <- struct{}{} }()
		if err := a.Webhooks.Run(wctx); err != nil && wctx.Err() == nil {
			a.Log.Error("webhook dispatcher stopped", "err", err)
		}
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		a.Pix.ProcessDevolucoes(wctx, a.Log)
	}()
	go func() {
		<-done
		<-done
		close(a.workersDone)
	}()
	return nil
}

// clockMoved tells the background workers that the sandbox clock moved.
func (a *App) clockMoved() {
	if a.Webhooks != nil {
		a.Webhooks.Notify()
	}
}

// sealedWebhookCert is the sealed form of the webhook client certificate.
type sealedWebhookCert struct {
	KeyPEM  []byte `json:"key_pem"`
	CertDER []byte `json:"cert_der"`
}

// webhookCertificate returns the webhook client certificate, issued by the
// brasa CA on first start and kept sealed in the database (every process
// sharing it presents the same certificate, which receivers may pin), and
// its PEM (leaf then intermediate) for download.
func (a *App) webhookCertificate(ctx context.Context) (tls.Certificate, []byte, error) {
	blob, err := a.Store.Secret(ctx, secretWebhookCert)
	if errs.Is(err, errs.ENotFound) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return tls.Certificate{}, nil, err
		}
		cert, err := a.CA.IssueClient(pki.ClientRequest{
			Subject:   pkix.Name{Country: []string{"BR"}, Organization: a.CA.Intermediate.Subject.Organization, CommonName: WebhookClientCN},
			PublicKey: key.Public(),
			Validity:  2 * 365 * 24 * time.Hour,
		})
		if err != nil {
			return tls.Certificate{}, nil, err
		}
		keyPEM, err := pki.MarshalPrivateKeyPEM(key)
		if err != nil {
			return tls.Certificate{}, nil, err
		}
		plain, err := json.Marshal(sealedWebhookCert{KeyPEM: keyPEM, CertDER: cert.Raw})
		if err != nil {
			return tls.Certificate{}, nil, err
		}
		sealed, err := a.Sealer.Seal(plain, []byte(sealADWebhookCert))
		if err != nil {
			return tls.Certificate{}, nil, err
		}
		if blob, err = a.Store.PutSecretIfAbsent(ctx, secretWebhookCert, sealed); err != nil {
			return tls.Certificate{}, nil, err
		}
	} else if err != nil {
		return tls.Certificate{}, nil, err
	}
	plain, err := a.Sealer.Open(blob, []byte(sealADWebhookCert))
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("opening the webhook client key (is this the master key the database was created with?): %w", err)
	}
	var sc sealedWebhookCert
	if err := json.Unmarshal(plain, &sc); err != nil {
		return tls.Certificate{}, nil, err
	}
	key, err := pki.ParsePrivateKeyPEM(sc.KeyPEM)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(sc.CertDER)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	chain := []*x509.Certificate{leaf, a.CA.Intermediate}
	tc := tls.Certificate{PrivateKey: key, Leaf: leaf}
	for _, c := range chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc, pki.EncodeCertificatesPEM(chain...), nil
}

// payerClient is the payer simulator's HTTPS client: it fetches locations
// and the JWKS from the web listener, trusting brasa's CA (and the system
// roots, for a web listener with a public certificate).
func (a *App) payerClient(cfg *config.Config) *http.Client {
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	roots.AddCert(a.CA.Root)
	roots.AddCert(a.CA.Intermediate)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}
