package sisgru

import "time"

// Pagamento is a PagTesouro payment as GET /pagamentos serves it: one
// <pagamento> element with the nested objects of the notes (SISGRU [C]).
//
// A pagamento paid by Pix through brasa's Pix engine (see [FromPix]) has
// TipoPagamento {PX, Pix} [G: the notes know only BL], NumeroTransacaoPSP
// the Pix endToEndId and ISPB the payer's PSP; the GRU it produces has the
// same NumeroTransacaoPSP, CodigoPagamento = Codigo and OrigemGRU 7.
type Pagamento struct {
	ID                              int64
	Codigo                          string // PagTesouro's idPagamento: 22 alphanumerics; GRU.CodigoPagamento links to it
	UG                              UG
	TipoServico                     TipoServico
	Servico                         Servico
	Data                            time.Time
	DataPagamentoPSP                time.Time // optional
	DataVencimento                  Date      // optional
	Competencia                     Month     // optional
	NumeroTransacaoPSP              string    // optional
	Recolhimento                    Recolhimento
	CodigoContribuinte              string
	NomeContribuinte                string
	NumeroReferencia                int64 // optional
	TipoPagamento                   TipoPagamento
	ProvedorPagamento               ProvedorPagamento
	Situacao                        string // PagamentoConcluido, ...
	ValorTotal                      int64  // centavos
	DataAlteracaoSituacaoPagTesouro time.Time
	ISPB                            string // optional: the payer's PSP
	FormaUtilizacaoPagTesouro       int64
}

// UG is a unidade gestora: <ug><codigo/><exercicio/><nome/></ug>.
type UG struct {
	Codigo    string
	Exercicio int64
	Nome      string
}

// TipoServico is <tipoServico><codigo/><nome/></tipoServico>.
type TipoServico struct {
	Codigo int64
	Nome   string
}

// Servico is <servico><id/><nome/></servico>.
type Servico struct {
	ID   int64
	Nome string
}

// Recolhimento is <recolhimento><codigo/><exercicio/><descricao/></recolhimento>.
type Recolhimento struct {
	Codigo    int64
	Exercicio int64
	Descricao string
}

// TipoPagamento is <tipoPagamento><codigo/><nome/></tipoPagamento>.
type TipoPagamento struct {
	Codigo string
	Nome   string
}

// ProvedorPagamento is <provedorPagamento><id/><nome/></provedorPagamento>:
// the PSP that took the payment.
type ProvedorPagamento struct {
	ID   int64
	Nome string
}

// Payment methods (tipoPagamento). BL is the notes' [C]; PX and CC are [G].
var (
	TipoBoleto  = TipoPagamento{"BL", "Boleto"}
	TipoPix     = TipoPagamento{"PX", "Pix"}
	TipoCartao  = TipoPagamento{"CC", "Cartão de Crédito"}
	tiposByCode = map[string]TipoPagamento{"BL": TipoBoleto, "PX": TipoPix, "CC": TipoCartao}
)

// Pagamento situations (the notes' codes [C]; their meanings follow
// PagTesouro's states CRIADO, INICIADO, SUBMETIDO, CONCLUIDO, REJEITADO,
// CANCELADO [1]; CG and ER [G]).
const (
	PagamentoCriado         = "CR"
	PagamentoIniciado       = "IN"
	PagamentoSubmetido      = "SU"
	PagamentoConcluido      = "CO"
	PagamentoConcluidoGRU   = "CG" // concluded, its GRU generated [G]
	PagamentoErro           = "ER" // [G]
	PagamentoCancelado      = "CA"
	PagamentoRejeitado      = "RE"
	pagamentoSituacoesValid = "CR IN SU CO CG ER CA RE"
)

// Pagamentos is the schema of GET /pagamentos.
var Pagamentos = newSchema("pagamentos", "pagamento", []*Field[Pagamento]{
	integer("id", func(p *Pagamento) *int64 { return &p.ID }),
	text("codigo", func(p *Pagamento) *string { return &p.Codigo }),
	object("ug",
		checked(text("codigo", func(p *Pagamento) *string { return &p.UG.Codigo }), isUG),
		integer("exercicio", func(p *Pagamento) *int64 { return &p.UG.Exercicio }),
		text("nome", func(p *Pagamento) *string { return &p.UG.Nome })),
	object("tipoServico",
		integer("codigo", func(p *Pagamento) *int64 { return &p.TipoServico.Codigo }),
		text("nome", func(p *Pagamento) *string { return &p.TipoServico.Nome })),
	object("servico",
		integer("id", func(p *Pagamento) *int64 { return &p.Servico.ID }),
		text("nome", func(p *Pagamento) *string { return &p.Servico.Nome })),
	timestamp("data", func(p *Pagamento) *time.Time { return &p.Data }),
	opt(timestamp("dataPagamentoPSP", func(p *Pagamento) *time.Time { return &p.DataPagamentoPSP })),
	opt(date("dataVencimento", func(p *Pagamento) *Date { return &p.DataVencimento })),
	opt(month("competencia", func(p *Pagamento) *Month { return &p.Competencia })),
	opt(text("numeroTransacaoPSP", func(p *Pagamento) *string { return &p.NumeroTransacaoPSP })),
	object("recolhimento",
		integer("codigo", func(p *Pagamento) *int64 { return &p.Recolhimento.Codigo }),
		integer("exercicio", func(p *Pagamento) *int64 { return &p.Recolhimento.Exercicio }),
		text("descricao", func(p *Pagamento) *string { return &p.Recolhimento.Descricao })),
	text("codigoContribuinte", func(p *Pagamento) *string { return &p.CodigoContribuinte }),
	text("nomeContribuinte", func(p *Pagamento) *string { return &p.NomeContribuinte }),
	opt(integer("numeroReferencia", func(p *Pagamento) *int64 { return &p.NumeroReferencia })),
	opt(object("tipoPagamento",
		text("codigo", func(p *Pagamento) *string { return &p.TipoPagamento.Codigo }),
		text("nome", func(p *Pagamento) *string { return &p.TipoPagamento.Nome }))),
	opt(object("provedorPagamento",
		integer("id", func(p *Pagamento) *int64 { return &p.ProvedorPagamento.ID }),
		text("nome", func(p *Pagamento) *string { return &p.ProvedorPagamento.Nome }))),
	checked(text("situacao", func(p *Pagamento) *string { return &p.Situacao }), validPagamentoSituacao),
	numeric("valorTotal", KindMoney, func(p *Pagamento) *int64 { return &p.ValorTotal }),
	timestamp("dataAlteracaoSituacaoPagTesouro", func(p *Pagamento) *time.Time { return &p.DataAlteracaoSituacaoPagTesouro }),
	opt(text("ispb", func(p *Pagamento) *string { return &p.ISPB })),
	integer("formaUtilizacaoPagTesouro", func(p *Pagamento) *int64 { return &p.FormaUtilizacaoPagTesouro }),
})

func init() {
	Pagamentos.ID = Pagamentos.LeafByPath("id")
	Pagamentos.DefaultSort = []Order{{Leaf: Pagamentos.LeafByPath("data").Index}, {Leaf: Pagamentos.ID.Index}}
	Pagamentos.UGs = []*Field[Pagamento]{Pagamentos.LeafByPath("ug.codigo")}
	Pagamentos.Situacao = Pagamentos.LeafByPath("situacao")
}

func validPagamentoSituacao(s string) bool {
	if len(s) != 2 {
		return false
	}
	for i := 0; i+2 <= len(pagamentoSituacoesValid); i += 3 {
		if pagamentoSituacoesValid[i:i+2] == s {
			return true
		}
	}
	return false
}

// ParsePagamentoID parses the id of GET /pagamentos/{id_pagamento}: a
// positive integer.
func ParsePagamentoID(s string) (int64, bool) {
	n, ok := digits64(s)
	return n, ok && n > 0
}
