package app

import (
	"path/filepath"

	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/sandbox"
	"github.com/brasa-dev/brasa/internal/web/landing"
)

// landing is the web listener's root page; in the sandbox it points to
// sandbox.json and ca.pem (paths only, never their secrets).
func (a *App) landing(cfg *config.Config) *landing.Handler {
	d := landing.Deps{Log: a.Log, APIURL: cfg.APIURL, WebURL: cfg.WebURL}
	if cfg.Mode == config.ModeSandbox && a.Sandbox != nil {
		d.Sandbox = &landing.Sandbox{
			DataDir:     cfg.DataDir,
			SandboxFile: filepath.Join(cfg.DataDir, sandbox.FileJSON),
			CAFile:      a.Sandbox.CAFile,
		}
	}
	return landing.New(d)
}
