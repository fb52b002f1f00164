// Package landing serves the web listener's root page, the address brasa
// prints when it starts: what runs where, and where to go next. In the
// sandbox it also says where the demo credentials are and how to trust the
// sandbox CA; it never shows a secret. It reuses the portal's stylesheet
// (/portal/static/portal.css) so both look alike.
package landing

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var assets embed.FS

var page = template.Must(template.ParseFS(assets, "templates/landing.html"))

// Sandbox is what the page tells about a sandbox: paths on the machine
// that runs it, never their contents.
type Sandbox struct {
	// DataDir is the sandbox's data directory.
	DataDir string
	// SandboxFile is DataDir/sandbox.json, which holds the demo
	// credentials.
	SandboxFile string
	// CAFile is the sandbox CA certificate (ca.pem) to trust.
	CAFile string
}

// Deps are what [New] needs.
type Deps struct {
	Log    *slog.Logger
	APIURL string
	WebURL string
	// Sandbox is nil in serve mode: the page then shows no sandbox
	// material.
	Sandbox *Sandbox
}

// Handler renders the landing page.
type Handler struct{ d Deps }

// New returns the landing page handler.
func New(d Deps) *Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	d.APIURL = strings.TrimSuffix(d.APIURL, "/")
	d.WebURL = strings.TrimSuffix(d.WebURL, "/")
	return &Handler{d: d}
}

// ServeHTTP renders the page into a buffer, then writes it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := page.ExecuteTemplate(&buf, "landing", h.d); err != nil {
		h.d.Log.Error("landing page", "err", err)
		http.Error(w, "Erro interno do servidor.", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	_, _ = buf.WriteTo(w)
}
