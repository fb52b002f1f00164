package app

import (
	"context"
	"net/http"
	"time"

	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/portal"
	portalweb "github.com/brasa-dev/brasa/internal/web/portal"
)

// setupPortal builds the developer portal (seed 000 §7, Anexo I): its
// service, its pages under /portal/ on webMux, and the worker that has the CA
// sign registered CSRs (started here, stopped by Close). The sandbox approves
// chamados at once; `brasa serve` waits for `brasa portal aprovar`.
func (a *App) setupPortal(cfg *config.Config, webMux *http.ServeMux) error {
	a.Portal = portal.New(portal.Deps{
		Store: a.Store, CA: a.CA, Sealer: a.Sealer, Hasher: a.Hasher, Clock: a.Clock,
		AutoApprove: cfg.Mode == config.ModeSandbox, SigningDelay: signingDelay(cfg),
	})
	srv, err := portalweb.New(portalweb.Deps{
		Log: a.Log, Portal: a.Portal, APIURL: cfg.APIURL,
		// The CSRF key is derived from the pepper (HMAC), so every
		// instance shares it without another stored secret.
		CSRFKey: a.Hasher.Hash("brasa portal csrf key v1"),
		// The webhook client certificate download: wired by the lead
		// once the webhook code offers it; nil renders "not available".
		WebhookCertPEM: func(context.Context) ([]byte, error) { return a.WebhookCertPEM, nil },
		// Banking API provisioning pages (seed 002) over a.Banking.
		Banking: a.Banking,
	})
	if err != nil {
		return err
	}
	srv.Register(webMux)
	ctx, cancel := context.WithCancel(context.Background())
	a.stopPortal, a.portalDone = cancel, make(chan struct{})
	go func() {
		defer close(a.portalDone)
		a.Portal.RunWorker(ctx, a.Log)
	}()
	return nil
}

// signingDelay maps csr_signing_delay to portal.Deps.SigningDelay, where 0
// means the default and a negative value none.
func signingDelay(cfg *config.Config) time.Duration {
	if d := time.Duration(cfg.CSRSigningDelay); d > 0 {
		return d
	}
	return -1
}
