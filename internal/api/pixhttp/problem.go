package pixhttp

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/pixapi"
)

// problemSpec is how one error renders on the Pix API.
type problemSpec struct {
	status int
	tipo   string // last segment of the type URI; "" = the resource's own type
	title  string
	detail string // "" = the error's message
}

// byCode is the table for errors that carry an oauth code. The bodies follow
// seed 000 Anexo III where it shows them and the spec's catalog otherwise.
var byCode = map[string]problemSpec{
	oauth.CodeInvalidClient:      {http.StatusForbidden, "AcessoNegado", "Acesso Negado", ""},
	oauth.CodeUnsupportedGrant:   {http.StatusBadRequest, "RequisicaoInvalida", "Requisição inválida.", ""},
	oauth.CodeEmptyScope:         {http.StatusBadRequest, "RequisicaoInvalida", "Requisição inválida.", ""},
	oauth.CodeInvalidScope:       {http.StatusBadRequest, "RequisicaoInvalida", "Requisição inválida.", ""},
	oauth.CodeThumbprintMismatch: {http.StatusBadRequest, "RequisicaoInvalida", "Requisição inválida.", ""},
	// The spec's catalog has no type for 401; brasa uses AcessoNegado with
	// status 401 and the Spring Security messages Sicredi's gateway answers
	// (seed 000 Anexo III "Cannot convert access token to JSON").
	oauth.CodeInvalidToken:      {http.StatusUnauthorized, "AcessoNegado", "Acesso Negado", ""},
	oauth.CodeExpiredToken:      {http.StatusUnauthorized, "AcessoNegado", "Acesso Negado", ""},
	oauth.CodeRevokedToken:      {http.StatusUnauthorized, "AcessoNegado", "Acesso Negado", ""},
	codeMissingToken:            {http.StatusUnauthorized, "AcessoNegado", "Acesso Negado", ""},
	oauth.CodeInsufficientScope: {http.StatusForbidden, "AcessoNegado", "Acesso Negado", ""},
	// A body that is not JSON: 400 RequisicaoInvalida, the spec's general
	// type, since 415 is not among the statuses the spec allows
	// (internal/spectest generalStatuses).
	codeUnsupportedMediaType: {http.StatusBadRequest, "RequisicaoInvalida", "Requisição inválida.", ""},
	// A method /oauth/token does not serve (not a Pix API operation, so
	// not bound by the spec's statuses).
	codeMethodNotAllowed: {http.StatusMethodNotAllowed, "RequisicaoInvalida", "Método não permitido.", ""},
}

// byKind is the table for every other error (the spec's general types).
var byKind = map[errs.Kind]problemSpec{
	errs.EInvalid:         {http.StatusBadRequest, "", "Requisição inválida.", ""},
	errs.EUnauthorized:    {http.StatusUnauthorized, "AcessoNegado", "Acesso Negado", ""},
	errs.EForbidden:       {http.StatusForbidden, "AcessoNegado", "Acesso Negado", "Requisição de participante autenticado que viola alguma regra de autorização."},
	errs.ENotFound:        {http.StatusNotFound, "NaoEncontrado", "Não Encontrado", "Entidade não encontrada."},
	errs.EConflict:        {http.StatusBadRequest, "", "Requisição inválida.", ""},
	errs.EGone:            {http.StatusGone, "PermanentementeRemovido", "Permanentemente Removido", "Indica que a entidade existia, mas foi permanentemente removida."},
	errs.ETooLarge:        {http.StatusRequestEntityTooLarge, "RequisicaoInvalida", "Requisição inválida.", ""},
	errs.ETooManyRequests: {http.StatusTooManyRequests, "RequisicaoInvalida", "Requisição inválida.", "Limite de requisições excedido; tente novamente mais tarde."},
	errs.EUnprocessable:   {http.StatusBadRequest, "", "Requisição inválida.", ""},
	errs.EInternal:        {http.StatusInternalServerError, "ErroInternoDoServidor", "Erro Interno do Servidor", "Condição inesperada ao processar requisição."},
}

const (
	codeMissingToken     = "missing_token"
	codeMethodNotAllowed = "method_not_allowed"
)

// Resource names the problem types of one resource and operation family
// (spec: "Tipos de erro"): Invalid for EInvalid/EConflict (…OperacaoInvalida
// or …ConsultaInvalida) and NotFound for ENotFound (…NaoEncontrado). Empty
// fields fall back to the general types.
type Resource struct {
	Invalid, InvalidTitle, InvalidDetail    string
	NotFound, NotFoundTitle, NotFoundDetail string
}

// The resources of the Pix API, with the titles and details of the spec's
// error catalog ("Significado").
var (
	CobWrite = Resource{
		Invalid: "CobOperacaoInvalida", InvalidTitle: "Cobrança inválida.",
		InvalidDetail: "A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o schema ou está semanticamente errada.",
		NotFound:      "CobNaoEncontrado", NotFoundTitle: "Cobrança não encontrada.", NotFoundDetail: "Cobrança não encontrada para o txid informado.",
	}
	CobRead = Resource{
		Invalid: "CobConsultaInvalida", InvalidTitle: "Consulta inválida.",
		InvalidDetail: "Os parâmetros de consulta à lista de cobranças para pagamento imediato não respeitam o schema ou não fazem sentido semanticamente.",
		NotFound:      "CobNaoEncontrado", NotFoundTitle: "Cobrança não encontrada.", NotFoundDetail: "Cobrança não encontrada para o txid informado.",
	}
	CobVWrite = Resource{
		Invalid: "CobVOperacaoInvalida", InvalidTitle: "Cobrança inválida.",
		InvalidDetail: "A requisição que busca alterar ou criar uma cobrança com vencimento não respeita o schema ou está semanticamente errada.",
		NotFound:      "CobVNaoEncontrada", NotFoundTitle: "Cobrança não encontrada.", NotFoundDetail: "Cobrança com vencimento não encontrada para o txid informado.",
	}
	CobVRead = Resource{
		Invalid: "CobVConsultaInvalida", InvalidTitle: "Consulta inválida.",
		InvalidDetail: "Os parâmetros de consulta à lista de cobranças com vencimento não respeitam o schema ou não fazem sentido semanticamente.",
		NotFound:      "CobVNaoEncontrada", NotFoundTitle: "Cobrança não encontrada.", NotFoundDetail: "Cobrança com vencimento não encontrada para o txid informado.",
	}
	LoteCobVWrite = Resource{
		Invalid: "LoteCobVOperacaoInvalida", InvalidTitle: "Lote de cobranças inválido.",
		InvalidDetail: "A requisição que busca alterar ou criar um lote de cobranças com vencimento não respeita o schema ou está semanticamente errada.",
		NotFound:      "LoteCobVNaoEncontrado", NotFoundTitle: "Lote não encontrado.", NotFoundDetail: "Lote não encontrado para o id informado.",
	}
	LoteCobVRead = Resource{
		Invalid: "LoteCobVConsultaInvalida", InvalidTitle: "Consulta inválida.",
		InvalidDetail: "Os parâmetros de consulta à lista de lotes de cobrança com vencimento não respeitam o schema ou não fazem sentido semanticamente.",
		NotFound:      "LoteCobVNaoEncontrado", NotFoundTitle: "Lote não encontrado.", NotFoundDetail: "Lote não encontrado para o id informado.",
	}
	LocWrite = Resource{
		Invalid: "PayloadLocationOperacaoInvalida", InvalidTitle: "Location inválido.",
		InvalidDetail: "A requisição que busca alterar ou criar um location não respeita o schema ou está semanticamente errada.",
		NotFound:      "PayloadLocationNaoEncontrado", NotFoundTitle: "Location não encontrado.", NotFoundDetail: "Location não encontrado para o id informado.",
	}
	LocRead = Resource{
		Invalid: "PayloadLocationConsultaInvalida", InvalidTitle: "Consulta inválida.",
		InvalidDetail: "Os parâmetros de consulta à lista de locations não respeitam o schema ou não fazem sentido semanticamente.",
		NotFound:      "PayloadLocationNaoEncontrado", NotFoundTitle: "Location não encontrado.", NotFoundDetail: "Location não encontrado para o id informado.",
	}
)

// Problem builds the RFC 7807 body for err as an error of resource res.
func Problem(err error, res Resource, correlationID string) *pixapi.Problem {
	e := errs.As(err)
	if e == nil {
		e = &errs.Error{Kind: errs.EInternal}
	}
	spec, ok := byCode[e.Code]
	if !ok || e.Code == "" {
		spec = byKind[e.Kind]
	}
	if spec.status == 0 {
		spec = byKind[errs.EInternal]
	}
	tipo, title, detail := spec.tipo, spec.title, e.Message
	switch {
	case tipo == "" && res.Invalid != "":
		tipo, title = res.Invalid, res.InvalidTitle
		if len(e.Violations) > 0 && res.InvalidDetail != "" {
			detail = res.InvalidDetail // the violations say what; detail says which error
		}
	case tipo == "":
		tipo = "RequisicaoInvalida"
	case e.Kind == errs.ENotFound && e.Code == "" && res.NotFound != "":
		tipo, title, detail = res.NotFound, res.NotFoundTitle, res.NotFoundDetail
	}
	if detail == "" || e.Kind == errs.EInternal {
		detail = spec.detail // an internal error's message and cause are never shown
	}
	p := &pixapi.Problem{Type: pixapi.ErrorTypeBase + tipo, Title: title, Status: spec.status, Detail: detail, CorrelationID: correlationID}
	if e.Kind != errs.EInternal {
		for _, v := range e.Violations {
			p.Violacoes = append(p.Violacoes, pixapi.Violacao{Razao: v.Reason, Propriedade: v.Property, Valor: v.Value})
		}
	}
	return p
}

// writeProblem renders err as application/problem+json. asArray wraps the
// body in a one-element array, as Sicredi's token endpoint answers its 400
// errors (seed 000 Anexo III, "Escopo vazio" and "Escopo negado").
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error, res Resource, asArray bool) {
	cid := api.CorrelationID(r.Context())
	p := Problem(err, res, cid)
	if p.Status == http.StatusInternalServerError {
		api.LogFailure(s.log, r, "request failed", "path", r.URL.Path, "correlationId", cid, "err", err)
	} else if err != nil {
		api.AddLogAttrs(r.Context(), slog.String("error", err.Error()))
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="brasa", error="invalid_token"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if asArray && p.Status == http.StatusBadRequest {
		_ = enc.Encode([]*pixapi.Problem{p})
		return
	}
	_ = enc.Encode(p)
}

// writeAccessDenied answers a request whose mutual TLS failed (no client
// certificate, or one that does not verify) with the page Sicredi's edge
// serves (seed 000 Anexo III, status 403): "Access Denied ... You don't have
// permission to access "<url>" on this server." with a reference number.
func (s *Server) writeAccessDenied(w http.ResponseWriter, r *http.Request, err error) {
	if e := errs.As(err); e == nil || e.Kind == errs.EInternal {
		s.writeProblem(w, r, err, Resource{}, false)
		return
	}
	api.AddLogAttrs(r.Context(), slog.String("error", err.Error()))
	url := "http://" + r.Host + r.URL.Path + "?"
	ref := "#18." + strings.ReplaceAll(api.CorrelationID(r.Context()), "-", ".")
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \nYou don't have permission to access \"%s\" on this server.<P>\nReference&#32;%s\n</BODY>\n</HTML>\n",
		entities(url), entities(ref))
}

// entities encodes every character but letters and digits as an HTML numeric
// entity, as the edge's page does ("http&#58;&#47;&#47;api&#46;...").
func entities(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, "&#%d;", r)
	}
	return b.String()
}
