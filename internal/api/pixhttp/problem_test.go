package pixhttp_test

import (
	"errors"
	"testing"

	"github.com/brasa-dev/brasa/internal/api/pixhttp"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/pixapi"
)

// TestProblemTable pins the Pix dialect: each error kind or code renders the
// spec's (or the seed's) type, title and status.
func TestProblemTable(t *testing.T) {
	base := pixapi.ErrorTypeBase
	tests := []struct {
		name     string
		err      error
		resource pixhttp.Resource
		status   int
		typ      string
		title    string
		detail   string
	}{
		{"invalid on a resource", errs.Invalid("cob.chave", "Não foi localizada a chave informada"), pixhttp.CobWrite, 400, base + "CobOperacaoInvalida", "Cobrança inválida.", pixhttp.CobWrite.InvalidDetail},
		{"invalid, no resource", errs.New(errs.EInvalid, "x"), pixhttp.Resource{}, 400, base + "RequisicaoInvalida", "Requisição inválida.", "x"},
		{"not found", errs.New(errs.ENotFound, ""), pixhttp.Resource{}, 404, base + "NaoEncontrado", "Não Encontrado", "Entidade não encontrada."},
		{"forbidden", errs.New(errs.EForbidden, ""), pixhttp.Resource{}, 403, base + "AcessoNegado", "Acesso Negado", "Requisição de participante autenticado que viola alguma regra de autorização."},
		{"cob not found", errs.New(errs.ENotFound, ""), pixhttp.CobRead, 404, base + "CobNaoEncontrado", "Cobrança não encontrada.", "Cobrança não encontrada para o txid informado."},
		{"gone", errs.New(errs.EGone, ""), pixhttp.Resource{}, 410, base + "PermanentementeRemovido", "Permanentemente Removido", "Indica que a entidade existia, mas foi permanentemente removida."},
		{"too large", errs.New(errs.ETooLarge, "grande"), pixhttp.Resource{}, 413, base + "RequisicaoInvalida", "Requisição inválida.", "grande"},
		{"invalid client", &errs.Error{Kind: errs.EForbidden, Code: oauth.CodeInvalidClient, Message: "Full authentication is required to access this resource"}, pixhttp.Resource{}, 403, base + "AcessoNegado", "Acesso Negado", "Full authentication is required to access this resource"},
		{"expired token", &errs.Error{Kind: errs.EUnauthorized, Code: oauth.CodeExpiredToken, Message: "Access token expired"}, pixhttp.Resource{}, 401, base + "AcessoNegado", "Acesso Negado", "Access token expired"},
		{"scope", &errs.Error{Kind: errs.EInvalid, Code: oauth.CodeInvalidScope, Message: "Escopo negado (o usuário não tem acesso ao escopo solicitado): cobv.read"}, pixhttp.CobWrite, 400, base + "RequisicaoInvalida", "Requisição inválida.", "Escopo negado (o usuário não tem acesso ao escopo solicitado): cobv.read"},
		{"internal never leaks", errs.Wrap(errs.EInternal, errors.New("pq: password authentication failed"), "db down"), pixhttp.Resource{}, 500, base + "ErroInternoDoServidor", "Erro Interno do Servidor", "Condição inesperada ao processar requisição."},
		{"plain error is internal", errors.New("boom /etc/passwd"), pixhttp.Resource{}, 500, base + "ErroInternoDoServidor", "Erro Interno do Servidor", "Condição inesperada ao processar requisição."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pixhttp.Problem(tt.err, tt.resource, "abc-123")
			if p.Status != tt.status || p.Type != tt.typ || p.Title != tt.title || p.Detail != tt.detail || p.CorrelationID != "abc-123" {
				t.Errorf("got %+v\nwant status %d type %s title %q detail %q", p, tt.status, tt.typ, tt.title, tt.detail)
			}
		})
	}
	p := pixhttp.Problem(errs.Invalid("cob.valor.original", "valor inválido"), pixhttp.CobWrite, "")
	if len(p.Violacoes) != 1 || p.Violacoes[0].Propriedade != "cob.valor.original" || p.Violacoes[0].Razao != "valor inválido" {
		t.Errorf("violacoes = %+v", p.Violacoes)
	}
}
