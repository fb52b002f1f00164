package sisgru

import "time"

// GRU is a Guia de Recolhimento da União as GET /grus serves it: one
// <gru> element, flat, with the elements of the notes (SISGRU [C]) in their
// order. Codes are as SISGRU writes them in XML: a recolhimento is its six
// digits without the hyphen (28830-6 is 288306) [G], UGs six digits.
type GRU struct {
	ID                        string // ~20 digits, unique
	Exercicio                 int64
	Recolhimento              int64
	RecolhimentoContabilizado int64
	UGEmitente                string
	UGArrecadadora            string
	NumeroRA                  string
	Situacao                  string // two digits: SituacaoContabilizado, ...
	EspecieGR                 int64
	TipoRegistroGRU           int64
	TipoRecolhedor            int64
	CodigoRecolhedor          string // CPF, CNPJ or UG
	NumReferencia             int64  // optional
	DataVencimento            Date   // optional
	DataCompetencia           Month  // optional
	AgenteArrecadador         string
	MeioPagamento             string
	VlPrincipal               int64 // centavos, as every vl*
	VlDesconto                int64
	VlOutraDeducao            int64
	VlMulta                   int64
	VlJuros                   int64
	VlAcrescimo               int64
	VlTotal                   int64
	Observacao                string // optional
	DtEmissao                 Date
	DtTransferencia           Date      // optional
	DtContabilizacaoSiafi     time.Time // optional
	OrigemArrecadacao         int64
	EspecieIngresso           int64
	DtCriacaoSISGRU           time.Time
	CodigoPagamento           string // the pagamento's codigo; optional [G]: GRUs not paid through PagTesouro have none
	TipoServico               int64  // optional [G], as servico
	Servico                   int64  // optional [G]
	NumeroTransacaoPSP        string // optional; a Pix endToEndId for GRUs paid by Pix
	OrigemGRU                 int64
	NumAutBancaria            string // optional [1]: bank authentication of a boleto
}

// GRU situations (the notes' table [C]).
const (
	SituacaoContabilizado          = "02"
	SituacaoPendenteContabilizacao = "03"
	SituacaoRestituido             = "04"
	SituacaoPendenteRestituicao    = "05"
	SituacaoRetificado             = "06"
	SituacaoPendenteRetificacao    = "07"
	SituacaoCancelado              = "08"
)

// Origins of a GRU (origemGRU, the notes' table [C]).
const (
	OrigemBoleto        = 1
	OrigemIntrasiafi    = 2 // Intrasiafi / SPB
	OrigemDebitoEmConta = 3
	OrigemPicPay        = 4
	OrigemPagoParcelado = 5
	OrigemMercadoPago   = 6
	OrigemPix           = 7 // GRU via Pix
)

// GRUs is the schema of GET /grus.
var GRUs = newSchema("grus", "gru", []*Field[GRU]{
	text("id", func(g *GRU) *string { return &g.ID }),
	integer("exercicio", func(g *GRU) *int64 { return &g.Exercicio }),
	integer("recolhimento", func(g *GRU) *int64 { return &g.Recolhimento }),
	integer("recolhimentoContabilizado", func(g *GRU) *int64 { return &g.RecolhimentoContabilizado }),
	checked(text("ugEmitente", func(g *GRU) *string { return &g.UGEmitente }), isUG),
	checked(text("ugArrecadadora", func(g *GRU) *string { return &g.UGArrecadadora }), isUG),
	text("numeroRa", func(g *GRU) *string { return &g.NumeroRA }),
	checked(text("situacao", func(g *GRU) *string { return &g.Situacao }), func(s string) bool { return isDigits(s, 2) }),
	integer("especieGR", func(g *GRU) *int64 { return &g.EspecieGR }),
	integer("tipoRegistroGRU", func(g *GRU) *int64 { return &g.TipoRegistroGRU }),
	integer("tipoRecolhedor", func(g *GRU) *int64 { return &g.TipoRecolhedor }),
	text("codigoRecolhedor", func(g *GRU) *string { return &g.CodigoRecolhedor }),
	opt(integer("numReferencia", func(g *GRU) *int64 { return &g.NumReferencia })),
	opt(date("dataVencimento", func(g *GRU) *Date { return &g.DataVencimento })),
	opt(month("dataCompetencia", func(g *GRU) *Month { return &g.DataCompetencia })),
	text("agenteArrecadador", func(g *GRU) *string { return &g.AgenteArrecadador }),
	text("meioPagamento", func(g *GRU) *string { return &g.MeioPagamento }),
	numeric("vlPrincipal", KindMoney, func(g *GRU) *int64 { return &g.VlPrincipal }),
	numeric("vlDesconto", KindMoney, func(g *GRU) *int64 { return &g.VlDesconto }),
	numeric("vlOutradeducao", KindMoney, func(g *GRU) *int64 { return &g.VlOutraDeducao }),
	numeric("vlMulta", KindMoney, func(g *GRU) *int64 { return &g.VlMulta }),
	numeric("vlJuros", KindMoney, func(g *GRU) *int64 { return &g.VlJuros }),
	numeric("vlAcrescimo", KindMoney, func(g *GRU) *int64 { return &g.VlAcrescimo }),
	numeric("vlTotal", KindMoney, func(g *GRU) *int64 { return &g.VlTotal }),
	opt(text("observacao", func(g *GRU) *string { return &g.Observacao })),
	date("dtEmissao", func(g *GRU) *Date { return &g.DtEmissao }),
	opt(date("dtTransferencia", func(g *GRU) *Date { return &g.DtTransferencia })),
	opt(timestamp("dtContabilizacaoSiafi", func(g *GRU) *time.Time { return &g.DtContabilizacaoSiafi })),
	integer("origemArrecadacao", func(g *GRU) *int64 { return &g.OrigemArrecadacao }),
	integer("especieIngresso", func(g *GRU) *int64 { return &g.EspecieIngresso }),
	timestamp("dtCriacaoSISGRU", func(g *GRU) *time.Time { return &g.DtCriacaoSISGRU }),
	opt(text("codigoPagamento", func(g *GRU) *string { return &g.CodigoPagamento })),
	opt(integer("tipoServico", func(g *GRU) *int64 { return &g.TipoServico })),
	opt(integer("servico", func(g *GRU) *int64 { return &g.Servico })),
	opt(text("numeroTransacaoPSP", func(g *GRU) *string { return &g.NumeroTransacaoPSP })),
	integer("origemGRU", func(g *GRU) *int64 { return &g.OrigemGRU }),
	opt(text("numAutBancaria", func(g *GRU) *string { return &g.NumAutBancaria })),
})

func init() {
	GRUs.ID = GRUs.LeafByPath("id")
	GRUs.DefaultSort = []Order{{Leaf: GRUs.LeafByPath("dtEmissao").Index}, {Leaf: GRUs.ID.Index}}
	GRUs.UGs = []*Field[GRU]{GRUs.LeafByPath("ugArrecadadora"), GRUs.LeafByPath("ugEmitente")}
	GRUs.Situacao = GRUs.LeafByPath("situacao")
}

// ValidGRUID reports whether id can name a GRU: 1 to 30 digits (SISGRU's
// ids are numeric strings of about twenty digits [C]).
func ValidGRUID(id string) bool { return len(id) <= 30 && isDigits(id, 0) }
