package pschttp

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/brasa-dev/brasa/brcode"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/psc"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds one template set per page, each with the layout.
type pages struct {
	qr, approve, holder, result *template.Template
}

func parsePages() (*pages, error) {
	parse := func(name string) (*template.Template, error) {
		return template.ParseFS(templateFS, "templates/layout.html", "templates/"+name)
	}
	var p pages
	var err error
	for name, dst := range map[string]**template.Template{"qr.html": &p.qr, "approve.html": &p.approve, "holder.html": &p.holder, "result.html": &p.result} {
		if *dst, err = parse(name); err != nil {
			return nil, fmt.Errorf("pschttp: template %s: %w", name, err)
		}
	}
	return &p, nil
}

// ExpiredMessage is what the QR page says when the holder did not authorize
// in time (the seed shows it only as a screenshot).
const ExpiredMessage = "Tempo esgotado: o titular não autorizou o uso do certificado em 2 minutos. Volte à aplicação e faça uma nova solicitação."

// qrPage is the QR code page's data.
type qrPage struct {
	AppName, ScopeLabel   string
	QRDataURI             template.URL
	ApproveURL, StatusURL string
	SecondsLeft           int
	Expired               bool
	ExpiredMessage        string
}

// requestView is an authorization request as the holder sees it.
type requestView struct {
	ID, AppName, ScopeLabel, LifetimeLabel, Method, ExpiresAt, LoginHint string
}

// approvePage is the data of the approval page of one request.
type approvePage struct {
	Request *requestView
	Error   string
}

// holderPage lists a holder's pending requests.
type holderPage struct {
	Documento string
	Searched  bool
	Requests  []requestView
	Error     string
}

// resultPage reports a decision.
type resultPage struct {
	Title, Message, Back string
	OK                   bool
}

// RegisterWeb adds the pages and the CA's publication points to mux (the web
// listener). The decision form is protected against cross-origin posts.
func (s *Server) RegisterWeb(mux *http.ServeMux) {
	mux.HandleFunc("GET /psc/qr/{id}", s.qrPage)
	mux.HandleFunc("GET /psc/qr/{id}/status", s.qrStatus)
	mux.HandleFunc("GET /psc/aprovar/{id}", s.approvePage)
	mux.HandleFunc("GET /psc/titular", s.holderPage)
	mux.Handle("POST /psc/titular/decisao", http.NewCrossOriginProtection().Handler(http.HandlerFunc(s.decide)))
	mux.HandleFunc("GET "+psc.CRLPath, s.crl)
	mux.HandleFunc("GET "+psc.CRLPath2, s.crl)
	mux.HandleFunc("GET "+psc.CAIssuerPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pkix-cert")
		_, _ = w.Write(s.psc.CA.Intermediate.Raw)
	})
	mux.HandleFunc("GET "+psc.CPSPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		_, _ = fmt.Fprint(w, "Declaração de Práticas de Certificação da AC brasa (sandbox): certificados de teste, sem valor jurídico.\n")
	})
}

func (s *Server) render(w http.ResponseWriter, status int, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", data); err != nil {
		s.log.Error("psc page", "err", err)
		http.Error(w, "Erro interno do servidor.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// pageError renders err on the result page, with the status of the API
// table.
func (s *Server) pageError(w http.ResponseWriter, err error, back string) {
	e := errs.As(err)
	status := http.StatusInternalServerError
	msg := "Erro interno do servidor."
	if e != nil && statuses[e.Code] != 0 {
		status, msg = statuses[e.Code], e.Message
	} else {
		s.log.Error("psc page", "err", err)
	}
	s.render(w, status, s.pages.result, resultPage{Title: "Não foi possível concluir", Message: msg, Back: back})
}

func (s *Server) view(r *http.Request, a *psc.Authorization) requestView {
	name := a.ClientID
	if app, err := s.psc.Application(r.Context(), a.ClientID); err == nil {
		name = app.Name
	}
	method := "QR Code"
	if a.Push {
		method = "Notificação (push)"
	}
	return requestView{ID: a.ID, AppName: name, ScopeLabel: scopeLabel(a.Scope), LifetimeLabel: durationLabel(a.Lifetime),
		Method: method, ExpiresAt: a.ExpiresAt.In(brasilia).Format("15:04:05"), LoginHint: a.LoginHint}
}

func (s *Server) qrPage(w http.ResponseWriter, r *http.Request) {
	a, expired, err := s.psc.Status(r.Context(), r.PathValue("id"))
	if errs.Is(err, errs.ENotFound) || (err == nil && a.Push) {
		s.pageError(w, psc.Error(psc.CodeNotFound, "Solicitação não encontrada."), "")
		return
	}
	if err != nil {
		s.pageError(w, err, "")
		return
	}
	if a.Status != psc.AuthPending {
		http.Redirect(w, r, s.psc.RedirectURL(a), http.StatusFound)
		return
	}
	v := s.view(r, a)
	approveURL := s.psc.WebURL + "/psc/aprovar/" + a.ID
	page := qrPage{AppName: v.AppName, ScopeLabel: v.ScopeLabel, ApproveURL: approveURL, StatusURL: "/psc/qr/" + a.ID + "/status",
		Expired: expired, ExpiredMessage: ExpiredMessage}
	if left := a.ExpiresAt.Sub(s.psc.Clock.Now()); left > 0 {
		page.SecondsLeft = int(left.Seconds())
	} else {
		page.SecondsLeft = 0
	}
	if !expired {
		png, err := brcode.QRPNG(approveURL, 256)
		if err != nil {
			s.pageError(w, err, "")
			return
		}
		page.QRDataURI = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	s.render(w, http.StatusOK, s.pages.qr, page)
}

func (s *Server) qrStatus(w http.ResponseWriter, r *http.Request) {
	a, expired, err := s.psc.Status(r.Context(), r.PathValue("id"))
	if errs.Is(err, errs.ENotFound) || (err == nil && a.Push) {
		s.RenderError(w, r, psc.Error(psc.CodeNotFound, "Solicitação não encontrada"))
		return
	}
	if err != nil {
		s.RenderError(w, r, err)
		return
	}
	out := struct {
		Status   string `json:"status"`
		Redirect string `json:"redirect,omitempty"`
	}{Status: string(a.Status)}
	switch {
	case expired:
		out.Status = "expired"
	case a.Status != psc.AuthPending:
		out.Redirect = s.psc.RedirectURL(a)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) approvePage(w http.ResponseWriter, r *http.Request) {
	a, expired, err := s.psc.Status(r.Context(), r.PathValue("id"))
	if errs.Is(err, errs.ENotFound) {
		s.pageError(w, psc.Error(psc.CodeNotFound, "Solicitação não encontrada."), "/psc/titular")
		return
	}
	if err != nil {
		s.pageError(w, err, "")
		return
	}
	if expired || a.Status != psc.AuthPending {
		s.render(w, http.StatusOK, s.pages.approve, approvePage{Error: "Esta solicitação não está mais pendente."})
		return
	}
	v := s.view(r, a)
	s.render(w, http.StatusOK, s.pages.approve, approvePage{Request: &v})
}

func (s *Server) holderPage(w http.ResponseWriter, r *http.Request) {
	page := holderPage{Documento: r.URL.Query().Get("documento")}
	if page.Documento != "" {
		page.Searched = true
		list, err := s.psc.Pending(r.Context(), page.Documento)
		if err != nil {
			if e := errs.As(err); e != nil && e.Code != "" {
				page.Error, page.Searched = e.Message, false
				s.render(w, http.StatusBadRequest, s.pages.holder, page)
				return
			}
			s.pageError(w, err, "/psc/titular")
			return
		}
		for i := range list {
			page.Requests = append(page.Requests, s.view(r, &list[i]))
		}
	}
	s.render(w, http.StatusOK, s.pages.holder, page)
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.pageError(w, psc.Error(psc.CodeInvalidRequest, "Formulário inválido."), "/psc/titular")
		return
	}
	id, doc := r.PostForm.Get("id"), r.PostForm.Get("documento")
	back := "/psc/aprovar/" + id
	var a *psc.Authorization
	var err error
	switch r.PostForm.Get("acao") {
	case "aprovar":
		a, err = s.psc.Approve(r.Context(), id, doc, r.PostForm.Get("senha"))
	case "recusar":
		a, err = s.psc.Deny(r.Context(), id, doc)
	default:
		err = psc.Error(psc.CodeInvalidRequest, "Ação inválida.")
	}
	if err != nil {
		if errors.Is(err, psc.ErrWrongPassword) {
			err = psc.Error(psc.CodeAccessDenied, "Senha do certificado incorreta.")
		}
		s.pageError(w, err, back)
		return
	}
	if a.Status == psc.AuthApproved {
		s.render(w, http.StatusOK, s.pages.result, resultPage{Title: "Autorização concedida", OK: true,
			Message: "Uso do certificado autorizado. Você já pode voltar à aplicação.", Back: "/psc/titular?documento=" + a.Documento})
		return
	}
	s.render(w, http.StatusOK, s.pages.result, resultPage{Title: "Autorização recusada", OK: true,
		Message: "A solicitação foi recusada; a aplicação não poderá usar seu certificado.", Back: "/psc/titular?documento=" + a.Documento})
}

func (s *Server) crl(w http.ResponseWriter, r *http.Request) {
	der, err := s.psc.CA.CRL(nil, s.psc.Clock.Now().Unix(), 7*24*time.Hour)
	if err != nil {
		s.log.Error("psc CRL", "err", err)
		http.Error(w, "Erro interno do servidor.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/pkix-crl")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(der)
}

func scopeLabel(s psc.Scope) string {
	switch s {
	case psc.ScopeSingle:
		return "a assinatura de um documento"
	case psc.ScopeMulti:
		return "a assinatura de até 20 documentos"
	case psc.ScopeSession:
		return "uma sessão de assinaturas"
	case psc.ScopeAuthentication:
		return "autenticação (sem assinaturas)"
	}
	return string(s)
}

func durationLabel(d time.Duration) string {
	plural := func(n int64, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "dia", "dias")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hora", "horas")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minuto", "minutos")
	}
	return plural(int64(d/time.Second), "segundo", "segundos")
}

// brasilia is the zone of the times shown.
var brasilia = func() *time.Location {
	if l, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		return l
	}
	return time.FixedZone("BRT", -3*3600)
}()
