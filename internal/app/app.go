// Package app wires brasa together: New(ctx, cfg) opens the database, the
// keys and the CA, builds the services and binds the listeners; Run serves
// until its context ends; Close releases everything. End-to-end tests boot it
// on :0.
package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/api/bankinghttp"
	"github.com/brasa-dev/brasa/internal/api/banklyhttp"
	"github.com/brasa-dev/brasa/internal/api/payloadhttp"
	"github.com/brasa-dev/brasa/internal/api/pixhttp"
	"github.com/brasa-dev/brasa/internal/api/pschttp"
	"github.com/brasa-dev/brasa/internal/api/sandboxhttp"
	"github.com/brasa-dev/brasa/internal/api/sisgruhttp"
	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/partner"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/portal"
	"github.com/brasa-dev/brasa/internal/psc"
	"github.com/brasa-dev/brasa/internal/ratelimit"
	"github.com/brasa-dev/brasa/internal/sandbox"
	"github.com/brasa-dev/brasa/internal/sisgru"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/postgres"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/pixapi"
)

// Options are the process-level things a caller (main or a test) supplies.
type Options struct {
	// Logger receives JSON (or text) logs; nil builds one on stderr from the
	// config.
	Logger *slog.Logger
	// LogOutput is where the built logger writes (default os.Stderr).
	LogOutput io.Writer
}

// App is a running brasa: its services, database and listeners.
type App struct {
	Config  *config.Config
	Log     *slog.Logger
	Store   *store.DB
	CA      *pki.CA
	Sealer  *pki.Sealer
	Hasher  *oauth.Hasher
	OAuth   *oauth.Service
	Pix     *pix.Service
	Metrics *api.Metrics
	// Partner (Bankly partner certificates, seed 001) and Banking (Banking
	// API token-v2, seed 002) are the issue-5 surfaces' services.
	Partner *partner.Service
	Banking *banking.Service
	// PSC is the PSC cloud signature service (seed 004).
	PSC *psc.Service
	// Clock is the app's clock; in the sandbox, SandboxClock moves it.
	Clock        clock.Clock
	SandboxClock *clock.Offset
	// Sandbox is the content of sandbox.json (sandbox mode only).
	Sandbox *pixapi.Sandbox

	apiLn, webLn   net.Listener
	apiSrv, webSrv *http.Server

	// The batch (lotecobv) processor: stopLotes ends it, lotesDone closes
	// when it has.
	stopLotes context.CancelFunc
	lotesDone chan struct{}

	// Webhooks delivers the Pix notifications (issue 4); WebhookCert is
	// the client certificate it presents, WebhookCertPEM its certificate
	// (and chain) as offered for download. Payer is the sandbox's payer
	// simulator (nil in serve).
	Webhooks       *webhook.Dispatcher
	WebhookCert    tls.Certificate
	WebhookCertPEM []byte
	Payer          *sandbox.Payer
	// stopWorkers ends the webhook dispatcher and the refund processor;
	// workersDone closes when both have.
	stopWorkers context.CancelFunc
	workersDone chan struct{}

	// Portal is the developer portal (seed 000 §7; issue 5 item 1, see
	// portal.go); stopPortal ends its CSR signing worker, portalDone
	// closes when it has.
	Portal     *portal.Service
	stopPortal context.CancelFunc
	portalDone chan struct{}
}

// Secret names in the database (values sealed under the master key).
const (
	secretCA       = "pki/ca"
	secretTokenKey = "oauth/hs256-v1"
	secretPepper   = "oauth/pepper"
	sealADTokenKey = "brasa-oauth-hs256"
	sealADPepper   = "brasa-oauth-pepper"
)

// New builds the app for cfg, which must have passed Validate. It binds both
// listeners (so ":0" addresses are resolved when it returns) but serves
// nothing until Run.
func New(ctx context.Context, cfg *config.Config, opts Options) (_ *App, err error) {
	a := &App{Config: cfg, Log: opts.Logger}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.Log == nil {
		a.Log = NewLogger(cfg, opts.LogOutput)
	}
	a.Clock = clock.System
	if cfg.Mode == config.ModeSandbox {
		a.SandboxClock = clock.NewOffset(clock.System, 0)
		a.Clock = a.SandboxClock
		if err := prepareDataDir(cfg); err != nil {
			return nil, err
		}
	}

	master, err := loadMasterKey(cfg)
	if err != nil {
		return nil, err
	}
	if a.Sealer, err = pki.NewSealer(master); err != nil {
		return nil, err
	}
	if cfg.IsPostgres() {
		a.Store, err = postgres.Open(ctx, cfg.DB)
	} else {
		a.Store, err = sqlite.Open(ctx, cfg.SQLitePath())
	}
	if err != nil {
		return nil, fmt.Errorf("app: opening database: %w", err)
	}
	if a.CA, err = a.loadCA(ctx); err != nil {
		return nil, err
	}
	a.CA.Clock = a.Clock.Now
	tokenKey, err := a.sealedSecret(ctx, secretTokenKey, sealADTokenKey)
	if err != nil {
		return nil, err
	}
	pepper, err := a.sealedSecret(ctx, secretPepper, sealADPepper)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(tokenKey)
	signer, err := oauth.NewSigner(base64.RawURLEncoding.EncodeToString(sum[:6]), tokenKey)
	if err != nil {
		return nil, err
	}
	a.Hasher = oauth.NewHasher(pepper)
	a.OAuth = oauth.NewService(a.Store, a.Hasher, signer, a.Clock)
	a.OAuth.TTL = time.Duration(cfg.TokenTTL)
	a.OAuth.Issuer = cfg.APIURL
	a.Metrics = api.NewMetrics()

	if a.apiLn, err = net.Listen("tcp", cfg.APIAddr); err != nil {
		return nil, fmt.Errorf("app: api listener: %w", err)
	}
	if a.webLn, err = net.Listen("tcp", cfg.WebAddr); err != nil {
		return nil, fmt.Errorf("app: web listener: %w", err)
	}
	// A ":0" address is resolved now; URLs derived from it follow.
	cfg.APIURL = resolvedURL(cfg.APIURL, cfg.APIAddr, a.apiLn.Addr())
	cfg.WebURL = resolvedURL(cfg.WebURL, cfg.WebAddr, a.webLn.Addr())
	a.OAuth.Issuer = cfg.APIURL

	apiCert, webCert, err := a.serverCertificates(cfg)
	if err != nil {
		return nil, err
	}
	// Bankly partner certificates (seed 001) and Banking API (seed 002):
	// services here (the sandbox seeds through them), routes below.
	a.Partner = partner.NewService(partner.Deps{Store: a.Store, CA: a.CA, Hasher: a.Hasher, Signer: signer, Clock: a.Clock, Issuer: cfg.APIURL})
	a.Banking = banking.NewService(banking.Deps{Store: a.Store, CA: a.CA, Hasher: a.Hasher, Signer: signer, Auth: a.OAuth,
		Clock: a.Clock, Issuer: cfg.APIURL, TokenTTL: time.Duration(cfg.TokenTTL)})
	// PSC cloud signatures (seed 004): the service here (the sandbox seeds
	// its demo holders through it), routes and pages below (psc.go).
	pscSrv, err := a.setupPSC(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Mode == config.ModeSandbox {
		a.Sandbox, err = sandbox.Ensure(ctx, sandbox.Deps{
			Store: a.Store, CA: a.CA, Hasher: a.Hasher, Clock: a.Clock, Dir: cfg.DataDir,
			APIURL: cfg.APIURL, WebURL: cfg.WebURL, AdminToken: sandbox.AdminToken(pepper),
			SISGRU: func(ctx context.Context, prev json.RawMessage) (json.RawMessage, error) {
				return sandbox.EnsureSISGRU(ctx, sandbox.SISGRUDeps{Store: a.Store, CA: a.CA, Clock: a.Clock, Dir: cfg.DataDir}, prev)
			},
			PSC: func(ctx context.Context, prev json.RawMessage) (json.RawMessage, error) {
				return sandbox.EnsurePSC(ctx, sandbox.PSCDeps{Service: a.PSC, Store: a.Store, Hasher: a.Hasher}, prev)
			},
			Bankly: func(ctx context.Context, prev json.RawMessage) (json.RawMessage, error) {
				return sandbox.EnsureBankly(ctx, sandbox.BanklyDeps{Partner: a.Partner, Store: a.Store, Hasher: a.Hasher}, prev)
			},
			Banking: func(ctx context.Context, prev json.RawMessage) (json.RawMessage, error) {
				return sandbox.EnsureBanking(ctx, sandbox.BankingDeps{Banking: a.Banking, Store: a.Store, Hasher: a.Hasher, CA: a.CA, Clock: a.Clock, Dir: cfg.DataDir}, prev)
			},
		})
		if err != nil {
			return nil, fmt.Errorf("app: sandbox: %w", err)
		}
	}

	verifier := pki.NewCAVerifier(a.CA, a.Clock.Now)
	certs := api.NewCertChecker(verifier, a.Store)
	a.Pix = pix.NewService(a.Store, a.Clock, cfg.WebURL)
	a.startLotes()
	if err := a.setupWebhooks(ctx, cfg); err != nil {
		return nil, err
	}
	a.Pix.AoLiquidar = append(a.Pix.AoLiquidar, a.sisgruPixLink)
	pixSrv := pixhttp.New(pixhttp.Deps{Log: a.Log, OAuth: a.OAuth, Certs: certs, Metrics: a.Metrics, Pix: a.Pix})

	apiMux := http.NewServeMux()
	api.RegisterOps(apiMux, a.Store, a.Metrics)
	pixSrv.Register(apiMux)
	sisgruSrv := sisgruhttp.New(sisgruhttp.Deps{Log: a.Log, Store: a.Store, Auth: sisgru.NewAuthenticator(a.Store, a.Clock.Now), BaseURL: cfg.APIURL})
	sisgruSrv.Register(apiMux)
	if cfg.Mode == config.ModeSandbox {
		a.Payer = &sandbox.Payer{Pix: a.Pix, Client: a.payerClient(cfg), Roots: a.CA.Pool(), Clock: a.Clock}
		sandboxhttp.New(sandboxhttp.Deps{Log: a.Log, Clock: a.SandboxClock, AdminToken: a.Sandbox.AdminToken,
			Payer: a.Payer, Pix: a.Pix, Deliveries: a.Store, OnClockAdvance: a.clockMoved}).Register(apiMux)
	}
	// Bankly (seed 001) and Banking API (seed 002) routes. The banking
	// provisioning API (/admin/v1/banking/...) takes sandbox.json's
	// admin_token in the sandbox and banking.AdminToken(pepper) in serve
	// (`brasa banking admin-token` prints it).
	bankingAdmin := banking.AdminToken(pepper)
	if a.Sandbox != nil {
		bankingAdmin = a.Sandbox.AdminToken
	}
	// The partners' allowlists (/admin/v1/bankly/...) take the same token.
	banklySrv := banklyhttp.New(banklyhttp.Deps{Log: a.Log, Partner: a.Partner, Certs: certs, AdminToken: bankingAdmin})
	banklySrv.Register(apiMux)
	bankingSrv := bankinghttp.New(bankinghttp.Deps{Log: a.Log, Banking: a.Banking, Certs: certs, AdminToken: bankingAdmin})
	bankingSrv.Register(apiMux)
	// PSC (seed 004): /v0/oauth/... and the push status endpoint; in the
	// sandbox also POST /sandbox/v1/psc/approvals and
	// /sandbox/v1/psc/revocations (admin token).
	pscSrv.Register(apiMux)
	if a.Sandbox != nil {
		apiMux.Handle("POST /sandbox/v1/psc/approvals", sandboxhttp.AdminOnly(a.Sandbox.AdminToken, pscSrv.SandboxApprovals))
		apiMux.Handle("POST /sandbox/v1/psc/revocations", sandboxhttp.AdminOnly(a.Sandbox.AdminToken, pscSrv.SandboxRevocations))
	}
	apiMux.HandleFunc("/", pixSrv.NotFound)

	payloadSigner, err := a.payloadSigner(ctx)
	if err != nil {
		return nil, fmt.Errorf("app: payload signing key: %w", err)
	}
	webMux := http.NewServeMux()
	webMux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	payloadhttp.New(a.Log, a.Pix, payloadSigner).Register(webMux)
	// Developer portal (issue 5 item 1): /portal/ pages on the web listener
	// and the CSR signing worker (portal.go).
	if err := a.setupPortal(cfg, webMux); err != nil {
		return nil, err
	}
	pscSrv.RegisterWeb(webMux)                // PSC QR and holder approval pages, CA certificate and CRL
	webMux.Handle("GET /{$}", a.landing(cfg)) // the address brasa prints: what runs where
	webMux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })

	clientCAs := a.CA.Pool()
	clientCAs.AddCert(a.CA.Intermediate)
	// 429 past cfg.RateLimit, in the dialect of the surface asked (DESIGN.md
	// "Security model"); one limiter per listener, real time (not the
	// sandbox clock).
	tooMany := api.BySurface(pixSrv.RenderError, map[string]func(http.ResponseWriter, *http.Request, error){
		sisgruhttp.Prefix + "/": sisgruSrv.RenderError,
		"/partners":             banklySrv.RenderError,
		"/connect/token":        banklySrv.RenderError,
		"/oauth2/":              banklySrv.RenderError,
		"/public/gw_banking/":   bankingSrv.RenderError,
		"/admin/v1/banking":     bankingSrv.RenderError,
		"/v0/":                  pscSrv.RenderError,
		"/valid/":               pscSrv.RenderError,
	})
	a.apiSrv = a.newServer(api.Chain(apiMux,
		api.WithCorrelationID, api.AccessLog(a.Log, "api"), a.Metrics.Instrument("api"),
		api.RateLimit(ratelimit.New(cfg.RateLimit, cfg.Burst(), nil), api.ClientKey(verifier), tooMany, api.IsOps),
		api.Recover(a.Log, pixSrv.RenderError), pschttp.MaxBody(cfg.MaxBodyBytes)), // PSC signature bodies up to 198 MiB
		pki.ServerTLSConfig(apiCert, tls.RequestClientCert, clientCAs))
	a.webSrv = a.newServer(api.Chain(webMux,
		api.WithCorrelationID, api.AccessLog(a.Log, "web"), a.Metrics.Instrument("web"),
		api.RateLimit(ratelimit.New(cfg.RateLimit, cfg.Burst(), nil), api.ClientKey(nil), func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "Muitas requisições; tente novamente mais tarde.", http.StatusTooManyRequests)
		}, api.IsOps),
		api.Recover(a.Log, func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "Erro interno do servidor.", http.StatusInternalServerError)
		}), api.MaxBody(cfg.MaxBodyBytes)),
		pki.ServerTLSConfig(webCert, tls.NoClientCert, nil))
	return a, nil
}

func (a *App) newServer(h http.Handler, tc *tls.Config) *http.Server {
	return &http.Server{
		Handler:           h,
		TLSConfig:         tc,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelDebug),
	}
}

// Run serves both listeners until ctx is done or one fails, then shuts down
// gracefully (in-flight requests get 10 s).
func (a *App) Run(ctx context.Context) error {
	errc := make(chan error, 2)
	go func() { errc <- a.apiSrv.ServeTLS(a.apiLn, "", "") }()
	go func() { errc <- a.webSrv.ServeTLS(a.webLn, "", "") }()
	a.Log.Info("brasa listening", "mode", a.Config.Mode, "api", a.Config.APIURL, "web", a.Config.WebURL, "db", a.Store.Engine())
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e1 := a.apiSrv.Shutdown(sctx)
	e2 := a.webSrv.Shutdown(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, e1, e2)
}

// startLotes starts the batch processor (lotecobv): it carries out the
// batches' pending requests, those a previous run left included, until
// Close.
func (a *App) startLotes() {
	ctx, cancel := context.WithCancel(context.Background())
	a.stopLotes, a.lotesDone = cancel, make(chan struct{})
	go func() {
		defer close(a.lotesDone)
		a.Pix.ProcessLotes(ctx, a.Log)
	}()
}

// Close releases the database and listeners (Run's shutdown does the rest).
// The batch processor stops first, finishing the items it holds.
func (a *App) Close() error {
	if a.stopLotes != nil {
		a.stopLotes()
		<-a.lotesDone
	}
	if a.stopWorkers != nil {
		a.stopWorkers()
		<-a.workersDone
	}
	if a.stopPortal != nil { // the portal's CSR signing worker
		a.stopPortal()
		<-a.portalDone
	}
	var errList []error
	for _, ln := range []net.Listener{a.apiLn, a.webLn} {
		if ln != nil {
			if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errList = append(errList, err)
			}
		}
	}
	if a.Store != nil {
		errList = append(errList, a.Store.Close())
	}
	return errors.Join(errList...)
}

// APIAddr and WebAddr return the bound listener addresses.
func (a *App) APIAddr() net.Addr { return a.apiLn.Addr() }

// WebAddr returns the web listener's address.
func (a *App) WebAddr() net.Addr { return a.webLn.Addr() }

// NewLogger builds the JSON or text slog logger cfg asks for.
func NewLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	if w == nil {
		w = os.Stderr
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	o := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, o))
	}
	return slog.New(slog.NewJSONHandler(w, o))
}

// prepareDataDir creates (or, with --reset, recreates) the sandbox data
// directory and makes its path absolute, as sandbox.json promises.
func prepareDataDir(cfg *config.Config) error {
	abs, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	if cfg.MasterKeyFile == filepath.Join(cfg.DataDir, "master.key") {
		cfg.MasterKeyFile = filepath.Join(abs, "master.key")
	}
	if !cfg.IsPostgres() && cfg.DB == "" {
		cfg.DB = filepath.Join(abs, "brasa.db")
	}
	cfg.DataDir = abs
	if cfg.Reset {
		if err := os.RemoveAll(abs); err != nil {
			return fmt.Errorf("app: --reset: %w", err)
		}
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("app: data directory: %w", err)
	}
	if cfg.MasterKeyHex == "" {
		if _, err := os.Stat(cfg.MasterKeyFile); errors.Is(err, os.ErrNotExist) {
			key, err := pki.GenerateMasterKey(rand.Reader)
			if err != nil {
				return err
			}
			if err := pki.WriteMasterKey(cfg.MasterKeyFile, key); err != nil {
				return err
			}
		}
	}
	return nil
}

func loadMasterKey(cfg *config.Config) ([]byte, error) {
	if cfg.MasterKeyHex != "" {
		return pki.ParseMasterKey([]byte(cfg.MasterKeyHex))
	}
	return pki.LoadMasterKey(cfg.MasterKeyFile)
}

// loadCA opens the CA stored in the database, creating it on first start.
// Concurrent first starts on one PostgreSQL converge on the first CA written.
func (a *App) loadCA(ctx context.Context) (*pki.CA, error) {
	blob, err := a.Store.Secret(ctx, secretCA)
	if errs.Is(err, errs.ENotFound) {
		ca, err := pki.NewCA(pki.CAOptions{Organization: "brasa", Clock: a.Clock.Now})
		if err != nil {
			return nil, err
		}
		sealed, err := ca.Seal(a.Sealer)
		if err != nil {
			return nil, err
		}
		if blob, err = a.Store.PutSecretIfAbsent(ctx, secretCA, sealed); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	ca, err := pki.OpenCA(blob, a.Sealer)
	if err != nil {
		return nil, fmt.Errorf("app: opening the CA (is this the master key the database was created with?): %w", err)
	}
	return ca, nil
}

// sealedSecret returns the 32-byte random secret stored sealed under name,
// creating it on first start.
func (a *App) sealedSecret(ctx context.Context, name, ad string) ([]byte, error) {
	blob, err := a.Store.Secret(ctx, name)
	if errs.Is(err, errs.ENotFound) {
		v := make([]byte, 32)
		if _, err := rand.Read(v); err != nil {
			return nil, err
		}
		sealed, err := a.Sealer.Seal(v, []byte(ad))
		if err != nil {
			return nil, err
		}
		blob, err = a.Store.PutSecretIfAbsent(ctx, name, sealed)
		if err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	v, err := a.Sealer.Open(blob, []byte(ad))
	if err != nil {
		return nil, fmt.Errorf("app: opening secret %s (is this the master key the database was created with?): %w", name, err)
	}
	return v, nil
}

// serverCertificates loads the listeners' certificates from the configured
// files, or issues them from brasa's CA (stored in the data directory in the
// sandbox, in memory otherwise).
func (a *App) serverCertificates(cfg *config.Config) (apiCert, webCert tls.Certificate, err error) {
	var issued *tls.Certificate
	issue := func() (tls.Certificate, error) {
		if issued != nil {
			return *issued, nil
		}
		var c tls.Certificate
		var err error
		if cfg.Mode == config.ModeSandbox {
			c, err = sandbox.ServerCertificate(cfg.DataDir, a.CA, cfg.TLSHosts, a.Clock.Now())
		} else {
			c, err = a.CA.IssueServer(cfg.TLSHosts, 0)
		}
		if err == nil {
			issued = &c
		}
		return c, err
	}
	if cfg.APITLSCert != "" {
		apiCert, err = tls.LoadX509KeyPair(cfg.APITLSCert, cfg.APITLSKey)
	} else {
		apiCert, err = issue()
	}
	if err != nil {
		return apiCert, webCert, fmt.Errorf("app: api certificate: %w", err)
	}
	if cfg.WebTLSCert != "" {
		webCert, err = tls.LoadX509KeyPair(cfg.WebTLSCert, cfg.WebTLSKey)
	} else {
		webCert, err = issue()
	}
	if err != nil {
		return apiCert, webCert, fmt.Errorf("app: web certificate: %w", err)
	}
	return apiCert, webCert, nil
}

// resolvedURL replaces a ":0" port in a URL that was derived from addr with
// the port actually bound.
func resolvedURL(u, addr string, bound net.Addr) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port != "0" {
		return u
	}
	_, boundPort, _ := net.SplitHostPort(bound.String())
	return strings.Replace(u, ":0", ":"+boundPort, 1)
}
