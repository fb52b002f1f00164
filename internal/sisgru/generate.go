package sisgru

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// The generator's catalogs. UG names and códigos de recolhimento are public
// (the notes' "realistic data" [C]); serviço ids 16279 and 14671 are the
// notes'; tipoServico codes, provider ids, meioPagamento, agenteArrecadador,
// especie and origemArrecadacao codes are [G].

// KnownUGs names the UGs the notes give.
var KnownUGs = map[string]string{
	"158461": "INSTITUTO FEDERAL CATARINENSE - CAMPUS CONCORDIA",
	"153114": "UNIVERSIDADE FEDERAL DO RIO GRANDE DO SUL",
	"158148": "INSTITUTO FEDERAL DE RONDONIA",
	"200143": "SECRETARIA NACIONAL DE JUSTICA",
	"112408": "UNIDADE GESTORA 112408",
}

// UGName returns the name of ug for generated data.
func UGName(ug string) string {
	if n, ok := KnownUGs[ug]; ok {
		return n
	}
	return "UNIDADE GESTORA " + ug
}

type recolhimentoInfo struct {
	codigo    int64
	descricao string
}

var (
	recServicosAdministrativos = recolhimentoInfo{288306, "SERVICOS ADMINISTRATIVOS"}
	recServicosEducacionais    = recolhimentoInfo{288322, "SERVICOS EDUCACIONAIS"}
	recTaxaInscricao           = recolhimentoInfo{288837, "TAXA DE INSCRICAO EM CONCURSO PUBLICO"}
	recAlugueis                = recolhimentoInfo{288020, "ALUGUEIS"}
	recDevolucao               = recolhimentoInfo{188069, "DEVOLUCAO DE DESPESAS DE EXERCICIOS ANTERIORES"}
	recAnulacao                = recolhimentoInfo{688886, "ANULACAO DE DESPESA NO EXERCICIO"}
)

type servicoInfo struct {
	id       int64
	nome     string
	rec      recolhimentoInfo
	tipo     TipoServico
	min, max int64 // centavos
	pf       bool  // paid by people (CPF) rather than companies (CNPJ)
	weight   int
}

var servicos = []servicoInfo{
	{16279, "REPROGRAFIA", recServicosAdministrativos, TipoServico{1, "SERVICOS ADMINISTRATIVOS"}, 10, 2000, true, 30},
	{14671, "TICKET REFEICAO", recServicosAdministrativos, TipoServico{1, "SERVICOS ADMINISTRATIVOS"}, 300, 1500, true, 30},
	{16301, "TAXA DE INSCRICAO - PROCESSO SELETIVO", recTaxaInscricao, TipoServico{3, "TAXAS DE INSCRICAO"}, 5000, 15000, true, 15},
	{16302, "CURSO DE EXTENSAO", recServicosEducacionais, TipoServico{2, "SERVICOS EDUCACIONAIS"}, 10000, 150000, true, 10},
	{16303, "ALUGUEL DE ESPACO FISICO", recAlugueis, TipoServico{4, "ALUGUEIS"}, 50000, 500000, false, 5},
	{16304, "DEVOLUCAO DE BOLSA OU AUXILIO", recDevolucao, TipoServico{5, "DEVOLUCOES"}, 1000, 300000, true, 5},
}

type provedor struct {
	ProvedorPagamento
	tipo    TipoPagamento
	origem  int64
	agente  string
	meio    string
	weight  int
	cartaoP bool
}

var provedores = []provedor{
	{ProvedorPagamento{1, "BANCO DO BRASIL S.A."}, TipoPix, OrigemPix, "001", "2", 60, false},
	{ProvedorPagamento{1, "BANCO DO BRASIL S.A."}, TipoBoleto, OrigemBoleto, "001", "1", 22, false},
	{ProvedorPagamento{2, "MERCADO PAGO"}, TipoCartao, OrigemMercadoPago, "323", "3", 10, true},
	{ProvedorPagamento{3, "PICPAY"}, TipoCartao, OrigemPicPay, "380", "3", 6, true},
	{ProvedorPagamento{4, "PAGO PARCELADO"}, TipoCartao, OrigemPagoParcelado, "PGP", "3", 2, true},
}

// payerISPBs are payers' PSPs for Pix pagamentos: Banco do Brasil, Caixa,
// Bradesco, Itaú, Santander, Nubank, Sicredi.
var payerISPBs = []string{"00000000", "00360305", "60746948", "60701190", "90400888", "18236120", "01181521"}

var (
	firstNames = []string{"MARIA", "JOSE", "ANA", "JOAO", "FRANCISCA", "ANTONIO", "ADRIANA", "CARLOS", "JULIANA", "PAULO", "MARCIA", "LUCAS", "PATRICIA", "PEDRO", "ALINE", "RAFAEL", "CAMILA", "GABRIEL", "LETICIA", "MATEUS"}
	lastNames  = []string{"SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "RODRIGUES", "FERREIRA", "ALVES", "PEREIRA", "LIMA", "GOMES", "COSTA", "RIBEIRO", "MARTINS", "CARVALHO", "ALMEIDA", "LOPES", "SOARES", "FERNANDES", "VIEIRA", "BARBOSA"}
	companies  = []string{"COMERCIO DE ALIMENTOS LTDA", "SERVICOS GRAFICOS EIRELI", "CANTINA UNIVERSITARIA LTDA", "EVENTOS E FORMATURAS LTDA", "COOPERATIVA DE CONSUMO"}
	notes      = []string{"Pagamento referente a servico prestado", "Reprografia & impressao <A4>", "Ref. processo n. 23000.012345/2026-11", "Inscricao: candidato(a) \"PCD\"", "Devolucao de valor pago a maior"}
)

// Generator makes realistic GRUs and pagamentos for a set of UGs, issued on
// days in [From, To]. Its output depends only on its seed, and ids are a
// random base plus a sequence, so two generators with different seeds
// practically never collide.
type Generator struct {
	UGs      []string
	From, To Date
	// Now bounds timestamps and decides which GRUs are still pending
	// accounting (those of the last day).
	Now time.Time

	rnd     *rand.Rand
	gruBase int64
	pagBase int64
	seq     int64
	raSeq   int64
	sumServ int
	sumProv int
	days    int
}

// NewGenerator returns a generator of records of ugs issued from from to to
// (inclusive), as of now, deterministic for seed.
func NewGenerator(seed uint64, ugs []string, from, to Date, now time.Time) *Generator {
	g := &Generator{UGs: ugs, From: from, To: to, Now: now, rnd: rand.New(rand.NewPCG(seed, seed^0x5157_4752_5553_4752))}
	g.days = max(1, int(to.Start().Sub(from.Start()).Round(24*time.Hour)/(24*time.Hour))+1)
	g.gruBase = 1e14 + g.rnd.Int64N(8e15)
	g.pagBase = 1e11 + g.rnd.Int64N(8e11)
	for _, s := range servicos {
		g.sumServ += s.weight
	}
	for _, p := range provedores {
		g.sumProv += p.weight
	}
	return g
}

// Batch returns n GRUs and the pagamentos that go with them: about nine GRUs
// in ten come from a PagTesouro pagamento (Pix, boleto or card; the GRU's
// codigoPagamento is the pagamento's codigo and both carry the PSP's
// transaction), the rest from Intrasiafi without one; besides, about one
// pagamento in ten never concluded (created, cancelled, rejected...) and has
// no GRU.
func (g *Generator) Batch(n int) ([]GRU, []Pagamento) {
	grus := make([]GRU, 0, n)
	pags := make([]Pagamento, 0, n+n/8)
	for len(grus) < n {
		g.seq++
		ug := g.UGs[g.rnd.IntN(len(g.UGs))]
		if g.rnd.IntN(10) == 0 {
			grus = append(grus, g.intrasiafi(ug))
			continue
		}
		p := g.pagamento(ug)
		if p.Situacao == PagamentoConcluido {
			grus = append(grus, g.gruFor(&p))
		}
		pags = append(pags, p)
	}
	return grus, pags
}

// moment returns a random time on a random day of [From, To], not after Now.
func (g *Generator) moment() time.Time {
	d := g.From.AddDays(g.rnd.IntN(g.days))
	// Office hours mostly, 07:00 to 22:00.
	t := d.Start().Add(7*time.Hour + time.Duration(g.rnd.Int64N(int64(15*time.Hour))))
	if !g.Now.IsZero() && t.After(g.Now) {
		t = g.Now.Add(-time.Duration(g.rnd.Int64N(int64(time.Hour))))
	}
	return t.Truncate(time.Second)
}

func (g *Generator) pick(weights func(i int) int, total, n int) int {
	r := g.rnd.IntN(total)
	for i := 0; i < n; i++ {
		if r -= weights(i); r < 0 {
			return i
		}
	}
	return n - 1
}

func (g *Generator) pagamento(ug string) Pagamento {
	s := servicos[g.pick(func(i int) int { return servicos[i].weight }, g.sumServ, len(servicos))]
	pv := provedores[g.pick(func(i int) int { return provedores[i].weight }, g.sumProv, len(provedores))]
	data := g.moment()
	year := int64(data.In(Brasilia).Year())
	valor := s.min + g.rnd.Int64N(s.max-s.min+1)
	p := Pagamento{
		ID:                              g.pagBase + g.seq,
		Codigo:                          g.alnum(22),
		UG:                              UG{Codigo: ug, Exercicio: year, Nome: UGName(ug)},
		TipoServico:                     s.tipo,
		Servico:                         Servico{ID: s.id, Nome: s.nome},
		Data:                            data,
		Recolhimento:                    Recolhimento{Codigo: s.rec.codigo, Exercicio: year, Descricao: s.rec.descricao},
		Situacao:                        PagamentoConcluido,
		ValorTotal:                      valor,
		DataAlteracaoSituacaoPagTesouro: data,
		FormaUtilizacaoPagTesouro:       1 + g.rnd.Int64N(2),
	}
	if s.pf && g.rnd.IntN(10) > 0 {
		p.CodigoContribuinte, p.NomeContribuinte = g.cpf(), g.person()
	} else {
		p.CodigoContribuinte, p.NomeContribuinte = g.cnpj(), lastNames[g.rnd.IntN(len(lastNames))]+" "+companies[g.rnd.IntN(len(companies))]
	}
	if g.rnd.IntN(2) == 0 {
		p.NumeroReferencia = 100000 + g.rnd.Int64N(9_900_000)
	}
	if g.rnd.IntN(5) < 2 {
		p.DataVencimento = DateOf(data).AddDays(g.rnd.IntN(11))
	}
	if g.rnd.IntN(2) == 0 {
		t := data.In(Brasilia)
		p.Competencia = Month(t.Year()*100 + int(t.Month()))
	}
	switch r := g.rnd.IntN(100); {
	case r < 4:
		p.Situacao = PagamentoCriado
		return p
	case r < 6:
		p.Situacao = PagamentoIniciado
	case r < 7:
		p.Situacao = PagamentoSubmetido
	case r < 9:
		p.Situacao = PagamentoCancelado
	case r < 10:
		p.Situacao = PagamentoRejeitado
	}
	p.TipoPagamento, p.ProvedorPagamento = pv.tipo, pv.ProvedorPagamento
	if p.Situacao != PagamentoConcluido {
		p.DataAlteracaoSituacaoPagTesouro = data.Add(time.Duration(1+g.rnd.IntN(3600)) * time.Second)
		return p
	}
	paid := data.Add(time.Duration(30+g.rnd.IntN(1800)) * time.Second)
	if !g.Now.IsZero() && paid.After(g.Now) {
		paid = data
	}
	p.DataPagamentoPSP = paid
	p.DataAlteracaoSituacaoPagTesouro = paid.Add(time.Duration(1+g.rnd.IntN(20)) * time.Second)
	switch pv.tipo {
	case TipoPix:
		p.ISPB = payerISPBs[g.rnd.IntN(len(payerISPBs))]
		p.NumeroTransacaoPSP = EndToEndID(p.ISPB, paid, g.alnum(11))
	case TipoCartao:
		p.NumeroTransacaoPSP = strconv.FormatInt(10_000_000_000+g.rnd.Int64N(89_999_999_999), 10)
	}
	return p
}

// EndToEndID builds a Pix endToEndId: E, the ISPB, yyyyMMddHHmm in UTC and
// 11 alphanumerics.
func EndToEndID(ispb string, at time.Time, suffix string) string {
	return "E" + ispb + at.UTC().Format("200601021504") + suffix
}

// gruFor returns the GRU SISGRU generates for a concluded pagamento.
func (g *Generator) gruFor(p *Pagamento) GRU {
	var pv provedor
	for _, x := range provedores {
		if x.tipo == p.TipoPagamento && x.ID == p.ProvedorPagamento.ID {
			pv = x
		}
	}
	paid := p.DataPagamentoPSP
	gr := GRU{
		ID:                        g.gruID(paid),
		Exercicio:                 p.Recolhimento.Exercicio,
		Recolhimento:              p.Recolhimento.Codigo,
		RecolhimentoContabilizado: p.Recolhimento.Codigo,
		UGEmitente:                p.UG.Codigo,
		UGArrecadadora:            p.UG.Codigo,
		NumeroRA:                  g.numeroRA(paid),
		EspecieGR:                 1,
		TipoRegistroGRU:           1,
		TipoRecolhedor:            2,
		CodigoRecolhedor:          p.CodigoContribuinte,
		NumReferencia:             p.NumeroReferencia,
		DataVencimento:            p.DataVencimento,
		DataCompetencia:           p.Competencia,
		AgenteArrecadador:         pv.agente,
		MeioPagamento:             pv.meio,
		VlPrincipal:               p.ValorTotal,
		VlTotal:                   p.ValorTotal,
		DtEmissao:                 DateOf(paid),
		OrigemArrecadacao:         1,
		EspecieIngresso:           1,
		DtCriacaoSISGRU:           paid.Add(time.Duration(60+g.rnd.IntN(540)) * time.Second),
		CodigoPagamento:           p.Codigo,
		TipoServico:               p.TipoServico.Codigo,
		Servico:                   p.Servico.ID,
		NumeroTransacaoPSP:        p.NumeroTransacaoPSP,
		OrigemGRU:                 pv.origem,
	}
	if len(p.CodigoContribuinte) == 14 {
		gr.TipoRecolhedor = 1
	}
	if p.TipoPagamento == TipoBoleto {
		gr.NumAutBancaria = g.hex(16)
	}
	if g.rnd.IntN(20) == 0 && gr.VlTotal > 1000 { // a late payment: fine and interest
		gr.VlMulta = gr.VlPrincipal * 2 / 100
		gr.VlJuros = gr.VlPrincipal / 100
		gr.VlTotal = gr.VlPrincipal + gr.VlMulta + gr.VlJuros
	}
	if g.rnd.IntN(5) == 0 {
		gr.Observacao = notes[g.rnd.IntN(len(notes))]
	}
	g.account(&gr)
	return gr
}

// intrasiafi returns a GRU another UG paid through SIAFI, with no
// pagamento.
func (g *Generator) intrasiafi(ug string) GRU {
	at := g.moment()
	emit := "1" + strconv.Itoa(10000+g.rnd.IntN(89999))
	rec := recDevolucao
	if g.rnd.IntN(2) == 0 {
		rec = recAnulacao
	}
	v := 1000 + g.rnd.Int64N(1_000_000)
	gr := GRU{
		ID:                        g.gruID(at),
		Exercicio:                 int64(at.In(Brasilia).Year()),
		Recolhimento:              rec.codigo,
		RecolhimentoContabilizado: rec.codigo,
		UGEmitente:                emit,
		UGArrecadadora:            ug,
		NumeroRA:                  g.numeroRA(at),
		EspecieGR:                 2,
		TipoRegistroGRU:           2,
		TipoRecolhedor:            3,
		CodigoRecolhedor:          emit,
		AgenteArrecadador:         "SIAFI",
		MeioPagamento:             "4",
		VlPrincipal:               v,
		VlTotal:                   v,
		Observacao:                "GRU INTRA-SIAFI - " + rec.descricao,
		DtEmissao:                 DateOf(at),
		OrigemArrecadacao:         2,
		EspecieIngresso:           1,
		DtCriacaoSISGRU:           at,
		OrigemGRU:                 OrigemIntrasiafi,
	}
	g.account(&gr)
	return gr
}

// account sets a GRU's situation and accounting dates: contabilizada the
// next day unless it was issued on Now's day; a few restituted, rectified
// or cancelled.
func (g *Generator) account(gr *GRU) {
	today := DateOf(g.Now)
	if g.Now.IsZero() {
		today = g.To.AddDays(1)
	}
	if gr.DtEmissao >= today {
		gr.Situacao = SituacaoPendenteContabilizacao
		return
	}
	gr.Situacao = SituacaoContabilizado
	switch r := g.rnd.IntN(200); {
	case r == 0:
		gr.Situacao = SituacaoRestituido
	case r == 1:
		gr.Situacao = SituacaoRetificado
	case r == 2:
		gr.Situacao = SituacaoCancelado
	}
	next := gr.DtEmissao.AddDays(1)
	gr.DtTransferencia = next
	at := next.Start().Add(3*time.Hour + time.Duration(g.rnd.IntN(3*3600))*time.Second)
	if !g.Now.IsZero() && at.After(g.Now) {
		at = g.Now
	}
	gr.DtContabilizacaoSiafi = at
}

func (g *Generator) gruID(at time.Time) string {
	return fmt.Sprintf("%04d%016d", at.In(Brasilia).Year(), g.gruBase+g.seq)
}

func (g *Generator) numeroRA(at time.Time) string {
	g.raSeq++
	return fmt.Sprintf("%04dRA%06d", at.In(Brasilia).Year(), (g.gruBase/7+g.raSeq)%1_000_000)
}

const alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (g *Generator) alnum(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnumChars[g.rnd.IntN(len(alnumChars))]
	}
	return string(b)
}

func (g *Generator) hex(n int) string {
	const h = "0123456789ABCDEF"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[g.rnd.IntN(16)]
	}
	return string(b)
}

func (g *Generator) person() string {
	return firstNames[g.rnd.IntN(len(firstNames))] + " " + lastNames[g.rnd.IntN(len(lastNames))] + " " + lastNames[g.rnd.IntN(len(lastNames))]
}

// cpf returns a random CPF with valid check digits.
func (g *Generator) cpf() string {
	d := make([]int, 11)
	for i := 0; i < 9; i++ {
		d[i] = g.rnd.IntN(10)
	}
	for k := 9; k < 11; k++ {
		s := 0
		for i := 0; i < k; i++ {
			s += d[i] * (k + 1 - i)
		}
		d[k] = s * 10 % 11 % 10
	}
	return digitsString(d)
}

// cnpj returns a random CNPJ (branch 0001) with valid check digits.
func (g *Generator) cnpj() string {
	d := make([]int, 14)
	for i := 0; i < 8; i++ {
		d[i] = g.rnd.IntN(10)
	}
	d[11] = 1
	w1 := []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
	w2 := []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
	for k, w := range [][]int{w1, w2} {
		s := 0
		for i, x := range w {
			s += d[i] * x
		}
		r := s % 11
		if r < 2 {
			d[12+k] = 0
		} else {
			d[12+k] = 11 - r
		}
	}
	return digitsString(d)
}

func digitsString(d []int) string {
	b := make([]byte, len(d))
	for i, x := range d {
		b[i] = byte('0' + x)
	}
	return string(b)
}

// ValidCPF reports whether s is 11 digits with valid check digits (not all
// equal).
func ValidCPF(s string) bool {
	if !isDigits(s, 11) {
		return false
	}
	same := true
	for i := 1; i < 11; i++ {
		same = same && s[i] == s[0]
	}
	if same {
		return false
	}
	for k := 9; k < 11; k++ {
		sum := 0
		for i := 0; i < k; i++ {
			sum += int(s[i]-'0') * (k + 1 - i)
		}
		if sum*10%11%10 != int(s[k]-'0') {
			return false
		}
	}
	return true
}

// ValidUG reports whether s is a UG code: six digits.
func ValidUG(s string) bool { return isUG(s) }
