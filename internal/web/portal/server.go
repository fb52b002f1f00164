// Package portalweb serves brasa's developer portal (seed 000 §7, Anexo I)
// under /portal/ on the web listener: server-rendered html/template pages
// embedded in the binary, one typed data struct per page, no JavaScript.
//
// Security: the session cookie (__Host-brasa_portal) carries a random token
// whose SHA-256 is stored; it is HttpOnly, Secure and SameSite=Lax. Every
// POST passes two CSRF checks: net/http's CrossOriginProtection (Sec-Fetch-Site
// and Origin) and a token in a hidden field, the HMAC of a per-browser cookie
// (__Host-brasa_csrf) under a server key, compared in constant time. Pages are
// sent with Cache-Control: no-store and a Content-Security-Policy that allows
// no scripts and no framing.
package portalweb

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/portal"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Cookie names. The __Host- prefix makes browsers insist on Secure, Path=/
// and no Domain.
const (
	sessionCookie = "__Host-brasa_portal"
	csrfCookie    = "__Host-brasa_csrf"
)

// maxUpload bounds an uploaded CSR (a 4096-bit RSA CSR in PEM is ~1.7 KB).
const maxUpload = 64 << 10

// Deps are what [New] needs.
type Deps struct {
	Log    *slog.Logger
	Portal *portal.Service
	// CSRFKey keys the HMAC of the CSRF tokens; all instances must share it.
	CSRFKey []byte
	// APIURL is the Pix API's base URL, shown in the first-token example.
	APIURL string
	// WebhookCertPEM returns the certificate webhook callbacks present;
	// nil means not available yet.
	WebhookCertPEM func(ctx context.Context) ([]byte, error)
	// Banking provisions Banking API accounts, certificates and
	// credentials (banking.go); nil leaves those pages out.
	Banking BankingService
}

// Server is the portal's HTTP surface.
type Server struct {
	d     Deps
	pages map[string]*template.Template
	loc   *time.Location
}

// pageNames are the templates, one per page; each is parsed with layout.html.
var pageNames = []string{"home", "signup", "login", "chamado_novo", "chamados", "certificados",
	"csr_novo", "csr_criado", "arquivo", "credencial_nova", "credencial_gerada", "erro"}

// New parses the templates and returns the Server. It fails when a template
// does not parse.
func New(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		loc = time.FixedZone("BRT", -3*60*60)
	}
	s := &Server{d: d, pages: map[string]*template.Template{}, loc: loc}
	funcs := template.FuncMap{
		// fmtTime shows a time in Brasília, labelled as such: the
		// certificates, credentials and chamados a developer sees sit
		// next to UTC timestamps elsewhere (the API, the files).
		"fmtTime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(s.loc).Format("2006-01-02 15:04:05") + " (horário de Brasília)"
		},
		"join": strings.Join,
	}
	for _, name := range append(pageNames, bankingPages...) {
		t, err := template.New("layout").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		s.pages[name] = t
	}
	return s, nil
}

// Register adds the portal's routes under /portal/ to mux, behind
// cross-origin protection.
func (s *Server) Register(mux *http.ServeMux) {
	m := http.NewServeMux()
	m.HandleFunc("GET /portal/{$}", s.page(s.home))
	m.HandleFunc("GET /portal/criar-conta", s.page(s.signupForm))
	m.HandleFunc("POST /portal/criar-conta", s.page(s.signup))
	m.HandleFunc("GET /portal/entrar", s.page(s.loginForm))
	m.HandleFunc("POST /portal/entrar", s.page(s.login))
	m.HandleFunc("POST /portal/sair", s.page(s.logout))
	m.HandleFunc("GET /portal/suporte/chamados", s.auth(s.chamados))
	m.HandleFunc("GET /portal/suporte/chamados/novo", s.auth(s.chamadoForm))
	m.HandleFunc("POST /portal/suporte/chamados/novo", s.auth(s.openChamado))
	m.HandleFunc("GET /portal/certificados", s.auth(s.certificados))
	m.HandleFunc("GET /portal/certificados/csr/novo", s.auth(s.csrForm))
	m.HandleFunc("POST /portal/certificados/csr/novo", s.auth(s.registerCSR))
	m.HandleFunc("POST /portal/certificados/csr/enviar", s.auth(s.uploadCSR))
	m.HandleFunc("GET /portal/certificados/csr/{id}/criado", s.auth(s.csrCreated))
	m.HandleFunc("GET /portal/certificados/webhook", s.auth(s.webhookCert))
	m.HandleFunc("GET /portal/arquivos/{id}", s.auth(s.arquivo))
	m.HandleFunc("GET /portal/arquivos/{id}/download/{kind}", s.auth(s.download))
	m.HandleFunc("GET /portal/arquivos/{id}/credencial", s.auth(s.credentialForm))
	m.HandleFunc("POST /portal/arquivos/{id}/credencial", s.auth(s.generateCredential))
	if s.d.Banking != nil {
		s.registerBanking(m)
	}
	m.Handle("GET /portal/static/", http.StripPrefix("/portal/", http.FileServerFS(assets)))
	m.HandleFunc("/portal/", s.page(func(w http.ResponseWriter, r *http.Request, b base) error {
		return errs.New(errs.ENotFound, "Página não encontrada.")
	}))
	h := http.NewCrossOriginProtection().Handler(m)
	mux.Handle("/portal/", h)
	mux.Handle("GET /portal", http.RedirectHandler("/portal/", http.StatusMovedPermanently))
}

// base is what every page's data embeds.
type base struct {
	Title    string
	Dev      *portal.Developer
	CSRF     string
	Flash    string
	Problems []string
	Errors   map[string]string // field → message
	Sandbox  bool
	Banking  bool   // the Banking API pages are served
	token    string // the session token, when logged in
}

// withProblems fills b's Problems and Errors from an EInvalid error.
func (b *base) withProblems(err error) {
	e := errs.As(err)
	if e == nil {
		return
	}
	b.Errors = map[string]string{}
	for _, v := range e.Violations {
		b.Problems = append(b.Problems, v.Reason)
		if _, ok := b.Errors[v.Property]; !ok {
			b.Errors[v.Property] = v.Reason
		}
	}
	if len(e.Violations) == 0 {
		b.Problems = append(b.Problems, e.Message)
	}
}

type handler func(w http.ResponseWriter, r *http.Request, b base) error

// page wraps h: security headers, the CSRF cookie and check, the developer
// when logged in, and error rendering.
func (s *Server) page(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "same-origin")
		b := base{Sandbox: s.d.Portal.AutoApprove(), Banking: s.d.Banking != nil}
		b.CSRF = s.csrfToken(w, r)
		if r.Method == http.MethodPost && !s.csrfOK(r) {
			s.renderError(w, r, b, errs.New(errs.EForbidden, "A página expirou ou veio de outro site. Volte, recarregue a página e tente de novo."))
			return
		}
		if c, err := r.Cookie(sessionCookie); err == nil {
			if dev, err := s.d.Portal.Authenticate(r.Context(), c.Value); err == nil {
				b.Dev, b.token = dev, c.Value
			}
		}
		if err := h(w, r, b); err != nil {
			s.renderError(w, r, b, err)
		}
	}
}

// auth is page for pages that need a login: without one, GETs go to the
// login page and come back; POSTs are refused.
func (s *Server) auth(h handler) http.HandlerFunc {
	return s.page(func(w http.ResponseWriter, r *http.Request, b base) error {
		if b.Dev == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/portal/entrar?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return nil
			}
			return errs.New(errs.EUnauthorized, "Sua sessão terminou. Faça login novamente.")
		}
		return h(w, r, b)
	})
}

// csrfToken returns the CSRF token for this browser, setting its cookie on
// first visit.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return s.csrfMAC(c.Value)
	}
	v := randomString(32)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	// The request itself has no cookie yet: a POST now fails csrfOK.
	return s.csrfMAC(v)
}

func (s *Server) csrfMAC(v string) string {
	m := hmac.New(sha256.New, s.d.CSRFKey)
	m.Write([]byte("brasa portal csrf v1\x00" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfOK reports whether a POST carries the token matching its CSRF cookie.
func (s *Server) csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	var got string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			return false
		}
		got = r.FormValue("csrf")
	} else {
		got = r.PostFormValue("csrf")
	}
	return hmac.Equal([]byte(got), []byte(s.csrfMAC(c.Value)))
}

// render writes page name with data, buffered so a template error never
// sends half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

type errorPage struct {
	base
	Message string
}

// renderError renders err as the error page with the status of its kind;
// internal errors are logged and shown without their cause.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, b base, err error) {
	status, title, msg := http.StatusInternalServerError, "Erro interno", "Não foi possível concluir a operação. Tente de novo em instantes."
	if e := errs.As(err); e != nil && e.Kind != errs.EInternal {
		msg = e.Message
		switch e.Kind {
		case errs.EInvalid, errs.EConflict:
			status, title = http.StatusBadRequest, "Dados inválidos"
		case errs.EUnauthorized:
			status, title = http.StatusUnauthorized, "Faça login"
		case errs.EForbidden:
			status, title = http.StatusForbidden, "Acesso negado"
		case errs.ENotFound:
			status, title = http.StatusNotFound, "Não encontrado"
		case errs.ETooManyRequests:
			status, title = http.StatusTooManyRequests, "Muitas tentativas"
		default:
			status, title = http.StatusBadRequest, "Não foi possível concluir"
		}
	} else {
		s.d.Log.ErrorContext(r.Context(), "portal: request failed", "path", r.URL.Path, "err", err)
	}
	b.Title = title
	if rerr := s.render(w, status, "erro", errorPage{base: b, Message: msg}); rerr != nil {
		s.d.Log.ErrorContext(r.Context(), "portal: rendering the error page", "err", rerr)
		http.Error(w, msg, status)
	}
}

// formStatus is the status of a form page re-rendered with problems.
func formStatus(err error) int {
	switch errs.KindOf(err) {
	case errs.EForbidden:
		return http.StatusForbidden
	case errs.EUnauthorized:
		return http.StatusUnauthorized
	}
	return http.StatusBadRequest
}

// isFormError reports whether err is shown on the form itself (rather than
// on the error page).
func isFormError(err error) bool {
	switch errs.KindOf(err) {
	case errs.EInvalid, errs.EConflict, errs.EForbidden, errs.EUnauthorized:
		return true
	}
	return false
}

// ---- pages ----

func (s *Server) home(w http.ResponseWriter, r *http.Request, b base) error {
	b.Title = "Introdução"
	return s.render(w, http.StatusOK, "home", b)
}

type signupPage struct {
	base
	Name, Email string
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request, b base) error {
	b.Title = "Criar Conta"
	return s.render(w, http.StatusOK, "signup", signupPage{base: b})
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request, b base) error {
	name, email, password := r.PostFormValue("nome"), r.PostFormValue("email"), r.PostFormValue("senha")
	if _, err := s.d.Portal.SignUp(r.Context(), name, email, password); err != nil {
		if !isFormError(err) {
			return err
		}
		b.Title = "Criar Conta"
		b.withProblems(err)
		return s.render(w, formStatus(err), "signup", signupPage{base: b, Name: name, Email: email})
	}
	return s.startSession(w, r, email, password, "/portal/suporte/chamados/novo")
}

type loginPage struct {
	base
	Email, Next string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, b base) error {
	b.Title = "Entrar"
	return s.render(w, http.StatusOK, "login", loginPage{base: b, Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, b base) error {
	email := r.PostFormValue("email")
	next := safeNext(r.PostFormValue("next"))
	if next == "" {
		next = "/portal/certificados"
	}
	err := s.startSession(w, r, email, r.PostFormValue("senha"), next)
	if k := errs.KindOf(err); err != nil && (k == errs.EUnauthorized || k == errs.ETooManyRequests) {
		b.Title = "Entrar"
		b.withProblems(err)
		status := http.StatusUnauthorized
		if k == errs.ETooManyRequests {
			status = http.StatusTooManyRequests
		}
		return s.render(w, status, "login", loginPage{base: b, Email: email, Next: next})
	}
	return err
}

// startSession logs in and redirects to next.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, email, password, next string) error {
	token, _, err := s.d.Portal.Login(r.Context(), email, password)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, b base) error {
	if err := s.d.Portal.Logout(r.Context(), b.token); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/portal/", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login redirect inside the portal.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/portal/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}

type chamadoPage struct {
	base
	CNPJ, IDAdesao string
}

func (s *Server) chamadoForm(w http.ResponseWriter, r *http.Request, b base) error {
	b.Title = "Abrir Chamado"
	return s.render(w, http.StatusOK, "chamado_novo", chamadoPage{base: b})
}

func (s *Server) openChamado(w http.ResponseWriter, r *http.Request, b base) error {
	cnpj, id := r.PostFormValue("cnpj"), r.PostFormValue("idAdesao")
	c, err := s.d.Portal.OpenChamado(r.Context(), b.Dev, portal.ChamadoTipo(r.PostFormValue("tipo")), cnpj, id)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		b.Title = "Abrir Chamado"
		b.withProblems(err)
		return s.render(w, formStatus(err), "chamado_novo", chamadoPage{base: b, CNPJ: cnpj, IDAdesao: id})
	}
	http.Redirect(w, r, "/portal/suporte/chamados?aberto="+url.QueryEscape(c.ID), http.StatusSeeOther)
	return nil
}

type chamadosPage struct {
	base
	Chamados []portal.Chamado
}

func (s *Server) chamados(w http.ResponseWriter, r *http.Request, b base) error {
	cs, err := s.d.Portal.Chamados(r.Context(), b.Dev)
	if err != nil {
		return err
	}
	b.Title = "Meus chamados"
	if id := r.URL.Query().Get("aberto"); id != "" {
		for _, c := range cs {
			if c.ID == id {
				b.Flash = "Chamado " + c.ID + " aberto: " + string(c.Status) + "."
			}
		}
	}
	return s.render(w, http.StatusOK, "chamados", chamadosPage{base: b, Chamados: cs})
}

type certificadosPage struct {
	base
	Cooperativa, Conta, Documento string
	Searched, Pending             bool
	Files                         []portal.File
	WebhookAvailable              bool
	WebhookFileName               string
}

func (s *Server) certificados(w http.ResponseWriter, r *http.Request, b base) error {
	q := r.URL.Query()
	p := certificadosPage{Cooperativa: strings.TrimSpace(q.Get("cooperativa")), Conta: strings.TrimSpace(q.Get("conta")),
		WebhookAvailable: s.d.WebhookCertPEM != nil, WebhookFileName: portal.WebhookFileName}
	b.Title = "Certificados e Credenciais"
	status := http.StatusOK
	if p.Cooperativa != "" || p.Conta != "" {
		p.Searched = true
		acc, files, err := s.d.Portal.Files(r.Context(), b.Dev, p.Cooperativa, p.Conta)
		switch {
		case err == nil:
			p.Documento, p.Files = acc.Documento, files
			for _, f := range files {
				if f.Status == portal.StatusEmProcessamento {
					p.Pending = true
				}
			}
		case errs.KindOf(err) == errs.EInternal:
			return err
		default:
			b.withProblems(err)
			status = formStatus(err)
			if errs.Is(err, errs.ENotFound) {
				status = http.StatusNotFound
			}
		}
	}
	p.base = b
	return s.render(w, status, "certificados", p)
}

type csrFormPage struct {
	base
	Req portal.CSRRequest
}

func (s *Server) csrForm(w http.ResponseWriter, r *http.Request, b base) error {
	b.Title = "Registrar Novo CSR"
	q := r.URL.Query()
	return s.render(w, http.StatusOK, "csr_novo", csrFormPage{base: b, Req: portal.CSRRequest{Cooperativa: q.Get("cooperativa"), Conta: q.Get("conta")}})
}

func (s *Server) registerCSR(w http.ResponseWriter, r *http.Request, b base) error {
	req := portal.CSRRequest{
		Documento: r.PostFormValue("documento"), Cooperativa: r.PostFormValue("cooperativa"), Conta: r.PostFormValue("conta"),
		NomeArquivo: r.PostFormValue("nomeArquivo"), Frase: r.PostFormValue("frase"), NomeComum: r.PostFormValue("nomeComum"),
		Email: r.PostFormValue("email"),
	}
	f, err := s.d.Portal.RegisterCSR(r.Context(), b.Dev, req)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		b.Title = "Registrar Novo CSR"
		b.withProblems(err)
		req.Frase = ""
		return s.render(w, formStatus(err), "csr_novo", csrFormPage{base: b, Req: req})
	}
	http.Redirect(w, r, "/portal/certificados/csr/"+url.PathEscape(f.ID)+"/criado", http.StatusSeeOther)
	return nil
}

func (s *Server) uploadCSR(w http.ResponseWriter, r *http.Request, b base) error {
	// csrfOK parsed the multipart form (bounded by maxUpload in memory and
	// by the listener's body limit).
	req := portal.UploadRequest{Documento: r.FormValue("documento"), Cooperativa: r.FormValue("cooperativa"), Conta: r.FormValue("conta")}
	if file, hdr, err := r.FormFile("arquivo"); err == nil {
		req.NomeArquivo = hdr.Filename
		req.CSR, err = io.ReadAll(io.LimitReader(file, maxUpload+1))
		file.Close()
		if err != nil {
			return err
		}
		if len(req.CSR) > maxUpload {
			return errs.Invalid("arquivo", "O arquivo é grande demais para uma requisição de certificado (máximo 64 KiB).")
		}
	}
	f, err := s.d.Portal.UploadCSR(r.Context(), b.Dev, req)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		b.Title = "Registrar Novo CSR"
		b.withProblems(err)
		return s.render(w, formStatus(err), "csr_novo", csrFormPage{base: b,
			Req: portal.CSRRequest{Documento: req.Documento, Cooperativa: req.Cooperativa, Conta: req.Conta}})
	}
	http.Redirect(w, r, "/portal/certificados/csr/"+url.PathEscape(f.ID)+"/criado", http.StatusSeeOther)
	return nil
}

type filePage struct {
	base
	File *portal.File
}

func (s *Server) csrCreated(w http.ResponseWriter, r *http.Request, b base) error {
	f, err := s.d.Portal.File(r.Context(), b.Dev, r.PathValue("id"))
	if err != nil {
		return err
	}
	if f.Tipo != portal.TipoOriginal {
		return errs.New(errs.ENotFound, "Arquivo não encontrado.")
	}
	b.Title = "CSR registrado"
	return s.render(w, http.StatusOK, "csr_criado", filePage{base: b, File: f})
}

type certInfo struct {
	Subject, Issuer, Serial, Thumbprint string
	NotBefore, NotAfter                 time.Time
}

type arquivoPage struct {
	base
	File        *portal.File
	Cert        *certInfo
	Credentials []oauth.Credential
}

func (s *Server) arquivo(w http.ResponseWriter, r *http.Request, b base) error {
	f, err := s.d.Portal.File(r.Context(), b.Dev, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := arquivoPage{File: f}
	if f.Tipo == portal.TipoValidado {
		if certs, err := pki.ParseCertificates(f.Content); err == nil && len(certs) > 0 {
			c := certs[0]
			p.Cert = &certInfo{Subject: subjectString(c), Issuer: certdoctor.SubjectString(c.Issuer), Serial: c.SerialNumber.Text(16),
				Thumbprint: pki.Thumbprint(c), NotBefore: c.NotBefore, NotAfter: c.NotAfter}
		}
		if p.Credentials, err = s.d.Portal.Credentials(r.Context(), f); err != nil {
			return err
		}
	}
	b.Title = "Visualizar Certificado"
	p.base = b
	return s.render(w, http.StatusOK, "arquivo", p)
}

func subjectString(c *x509.Certificate) string { return certdoctor.SubjectString(c.Subject) }

func (s *Server) download(w http.ResponseWriter, r *http.Request, b base) error {
	name, data, err := s.d.Portal.Download(r.Context(), b.Dev, r.PathValue("id"), portal.DownloadKind(r.PathValue("kind")))
	if err != nil {
		return err
	}
	return sendFile(w, name, data)
}

// sendFile sends data as a download named name.
func sendFile(w http.ResponseWriter, name string, data []byte) error {
	ct := "application/x-pem-file"
	if strings.HasSuffix(name, ".csr") {
		ct = "application/pkcs10"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	_, err := w.Write(data)
	return err
}

func (s *Server) webhookCert(w http.ResponseWriter, r *http.Request, b base) error {
	if s.d.WebhookCertPEM == nil {
		return errs.New(errs.ENotFound, "O certificado do webhook ainda não está disponível (not available).")
	}
	pem, err := s.d.WebhookCertPEM(r.Context())
	if err != nil {
		return err
	}
	return sendFile(w, portal.WebhookFileName, pem)
}

type credentialFormPage struct {
	base
	File      *portal.File
	Documento string
}

func (s *Server) credentialForm(w http.ResponseWriter, r *http.Request, b base) error {
	f, err := s.validated(r, b)
	if err != nil {
		return err
	}
	b.Title = "Gerar nova Credencial"
	return s.render(w, http.StatusOK, "credencial_nova", credentialFormPage{base: b, File: f})
}

// validated returns the validated certificate file of the request's path.
func (s *Server) validated(r *http.Request, b base) (*portal.File, error) {
	f, err := s.d.Portal.File(r.Context(), b.Dev, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if f.Tipo != portal.TipoValidado {
		return nil, errs.New(errs.EInvalid, "Credenciais são geradas sobre um certificado validado (CERTIFICADO_VALIDADO).")
	}
	return f, nil
}

type credentialPage struct {
	base
	File                         *portal.File
	Cred                         *portal.IssuedCredential
	APIURL                       string
	CertName, KeyName, ChainName string
}

func (s *Server) generateCredential(w http.ResponseWriter, r *http.Request, b base) error {
	f, err := s.validated(r, b)
	if err != nil {
		return err
	}
	doc := r.PostFormValue("documento")
	cred, err := s.d.Portal.GenerateCredential(r.Context(), b.Dev, f.ID, doc)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		b.Title = "Gerar nova Credencial"
		b.withProblems(err)
		return s.render(w, formStatus(err), "credencial_nova", credentialFormPage{base: b, File: f, Documento: doc})
	}
	b.Title = "Credencial gerada"
	stem := strings.TrimSuffix(f.Nome, ".cer")
	return s.render(w, http.StatusOK, "credencial_gerada", credentialPage{base: b, File: f, Cred: cred,
		APIURL: strings.TrimSuffix(s.d.APIURL, "/"), CertName: f.Nome, KeyName: stem + "_sem_senha.key", ChainName: portal.ChainFileName})
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("portalweb: random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
