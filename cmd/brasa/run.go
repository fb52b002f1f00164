package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"runtime"
	"strings"

	"github.com/brasa-dev/brasa/internal/app"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/store/postgres"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

func (m *Main) load(mode config.Mode, args []string) (*config.Config, error) {
	cfg, err := config.Load(mode, args, m.Getenv)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	return cfg, nil
}

// runSandbox is `brasa sandbox`.
func (m *Main) runSandbox(ctx context.Context, args []string) error {
	cfg, err := m.load(config.ModeSandbox, args)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.Options{LogOutput: m.Stderr})
	if err != nil {
		return err
	}
	defer a.Close()
	m.printQuickstart(a)
	return a.Run(ctx)
}

func (m *Main) printQuickstart(a *app.App) {
	sb := a.Sandbox
	dir := a.Config.DataDir
	fmt.Fprintf(m.Stdout, `brasa sandbox %s
  API (mTLS)    %s
  web           %s   (open it in a browser: what runs where, the portal)
  data          %s
  sandbox.json  %s/sandbox.json

Get a certificate-bound token:
  curl --cacert %s --cert %s --key %s \
    -u '%s:%s' \
    -d grant_type=client_credentials -d scope=cob.read+cob.write+pix.read+webhook.read+webhook.write \
    %s/oauth/token

Stop with Ctrl-C; start again with the same command to keep the data (--reset starts over).
`, Version, sb.APIURL, sb.WebURL, dir, dir, sb.CAFile, sb.Pix.CertFile, sb.Pix.KeyFile, sb.Pix.ClientID, sb.Pix.ClientSecret, sb.APIURL)
}

// runServe is `brasa serve`.
func (m *Main) runServe(ctx context.Context, args []string) error {
	cfg, err := m.load(config.ModeServe, args)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.Options{LogOutput: m.Stderr})
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Run(ctx)
}

// runMigrate is `brasa migrate`: open the database (which applies the
// embedded migrations) and exit.
func (m *Main) runMigrate(ctx context.Context, args []string) error {
	cfg, err := config.Load(config.ModeServe, args, m.Getenv)
	if err != nil {
		return err
	}
	if cfg.DB == "" && cfg.DataDir == "" {
		return &exitError{code: 2, err: fmt.Errorf("migrate: give --db DSN or --data DIR")}
	}
	var engine string
	if cfg.IsPostgres() {
		db, err := postgres.Open(ctx, cfg.DB)
		if err != nil {
			return err
		}
		engine = db.Engine()
		defer db.Close()
	} else {
		db, err := sqlite.Open(ctx, cfg.SQLitePath())
		if err != nil {
			return err
		}
		engine = db.Engine()
		defer db.Close()
	}
	fmt.Fprintf(m.Stdout, "migrations applied (%s)\n", engine)
	return nil
}

// runKeygen is `brasa keygen --out FILE`.
func (m *Main) runKeygen(args []string) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	out := fs.String("out", "", "file to create (mode 0600; refuses to overwrite)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return &exitError{code: 2, err: fmt.Errorf("keygen: --out FILE is required")}
	}
	key, err := pki.GenerateMasterKey(rand.Reader)
	if err != nil {
		return err
	}
	if err := pki.WriteMasterKey(*out, key); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "master key written to %s; keep it safe: without it the database's keys cannot be opened\n", *out)
	return nil
}

func (m *Main) runVersion() error {
	fmt.Fprintf(m.Stdout, "brasa %s (%s, %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// stringList is a repeatable or comma-separated flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}
