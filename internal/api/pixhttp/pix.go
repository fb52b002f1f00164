package pixhttp

import (
	"net/http"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/pixapi"
)

// The problem types of the Pix, Devolução and Webhook operations (spec
// "Tipos de erro", tags Pix and Webhook).
var (
	PixRead = Resource{
		Invalid: "PixConsultaInvalida", InvalidTitle: "Consulta inválida.",
		InvalidDetail: "Os parâmetros de consulta à lista de pix recebidos não respeitam o schema ou não fazem sentido semanticamente.",
		NotFound:      "PixNaoEncontrado", NotFoundTitle: "Pix não encontrado.", NotFoundDetail: "Pix não encontrado para o e2eid informado.",
	}
	DevolucaoWrite = Resource{
		Invalid: "PixDevolucaoInvalida", InvalidTitle: "Devolução inválida.",
		InvalidDetail: "A presente requisição de devolução não respeita o schema ou não faz sentido semanticamente.",
		NotFound:      "PixNaoEncontrado", NotFoundTitle: "Pix não encontrado.", NotFoundDetail: "Pix não encontrado para o e2eid informado.",
	}
	DevolucaoRead = Resource{
		Invalid: "PixConsultaInvalida", InvalidTitle: "Consulta inválida.",
		NotFound: "PixDevolucaoNaoEncontrada", NotFoundTitle: "Devolução não encontrada.",
		NotFoundDetail: "Devolução representada por {id} não encontrada para o e2eid informado.",
	}
	WebhookWrite = Resource{
		Invalid: "WebhookOperacaoInvalida", InvalidTitle: "Webhook inválido.",
		InvalidDetail: "A presente requisição busca criar um webhook sem respeitar o schema ou, ainda, com sentido semanticamente inválido.",
		NotFound:      "WebhookNaoEncontrado", NotFoundTitle: "Webhook não encontrado.", NotFoundDetail: "O webhook denotado por {chave} não encontra-se estabelecido.",
	}
	WebhookRead = Resource{
		Invalid: "WebhookConsultaInvalida", InvalidTitle: "Consulta inválida.",
		InvalidDetail: "Os parâmetros de consulta à lista de webhooks ativados não respeitam o schema ou não fazem sentido semanticamente.",
		NotFound:      "WebhookNaoEncontrado", NotFoundTitle: "Webhook não encontrado.", NotFoundDetail: "O webhook denotado por {chave} não encontra-se estabelecido.",
	}
)

// registerPix adds the Pix, Devolução and Webhook operations (spec tags Pix
// and Webhook) under prefix, each guarded by its scope.
func (s *Server) registerPix(mux *http.ServeMux, prefix string, mtls api.Middleware) {
	route := func(pattern, scope string, res Resource, h func(http.ResponseWriter, *http.Request) error) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.Handle(method+" "+prefix+path, mtls(s.Protect(scope, s.handle(res, h))))
	}
	route("GET /pix/{e2eid}", "pix.read", PixRead, s.getPix)
	route("GET /pix", "pix.read", PixRead, s.listPix)
	route("GET /pix/{$}", "pix.read", PixRead, s.listPix) // a trailing slash (Efí's SDK) lists too
	route("PUT /pix/{e2eid}/devolucao/{id}", "pix.write", DevolucaoWrite, s.putDevolucao)
	route("GET /pix/{e2eid}/devolucao/{id}", "pix.read", DevolucaoRead, s.getDevolucao)
	route("PUT /webhook/{chave}", "webhook.write", WebhookWrite, s.putWebhook)
	route("GET /webhook/{chave}", "webhook.read", WebhookRead, s.getWebhook)
	route("DELETE /webhook/{chave}", "webhook.write", WebhookRead, s.deleteWebhook)
	route("GET /webhook", "webhook.read", WebhookRead, s.listWebhooks)
	route("GET /webhook/{$}", "webhook.read", WebhookRead, s.listWebhooks) // a trailing slash (Efí's SDK) lists too
}

func (s *Server) getPix(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pix.Pix(r.Context(), documento(r), r.PathValue("e2eid"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) listPix(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	lq := pix.PixListQuery{ListQuery: q.list(), TxID: q.v.Get("txid"), TxIDPresente: q.boolean("txIdPresente"),
		DevolucaoPresente: q.boolean("devolucaoPresente"), CPF: q.v.Get("cpf"), CNPJ: q.v.Get("cnpj")}
	if err := q.err(); err != nil {
		return err
	}
	out, err := s.pix.ListPix(r.Context(), documento(r), lq)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) putDevolucao(w http.ResponseWriter, r *http.Request) error {
	var req pixapi.DevolucaoSolicitada
	if err := decodeBody(r, &req, "devolucao"); err != nil {
		return err
	}
	d, err := s.pix.CreateDevolucao(r.Context(), documento(r), r.PathValue("e2eid"), r.PathValue("id"), &req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, d)
}

func (s *Server) getDevolucao(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pix.Devolucao(r.Context(), documento(r), r.PathValue("e2eid"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// putWebhook answers 200 with no body (spec: PUT /webhook/{chave} 200
// "Webhook para notificações acerca de Pix recebidos associados a um txid",
// without content).
func (s *Server) putWebhook(w http.ResponseWriter, r *http.Request) error {
	var req pixapi.WebhookSolicitado
	if err := decodeBody(r, &req, "webhook"); err != nil {
		return err
	}
	if err := s.pix.PutWebhook(r.Context(), documento(r), r.PathValue("chave"), &req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, err := s.pix.Webhook(r.Context(), documento(r), r.PathValue("chave"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, wh)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := s.pix.DeleteWebhook(r.Context(), documento(r), r.PathValue("chave")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	lq := pix.WebhookListQuery{ListQuery: q.list()}
	if err := q.err(); err != nil {
		return err
	}
	out, err := s.pix.ListWebhooks(r.Context(), documento(r), lq)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
