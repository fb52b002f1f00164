package pix

import (
	"fmt"
	"strconv"

	"github.com/brasa-dev/brasa/internal/errs"
)

// This file computes what a cobv (cobrança com vencimento) charges on a
// payment date. [RegrasCobV.ValorEm] is the one implementation: the payload
// with DPP (GET /cobv/{pixUrlAccessToken}?DPP=), the payer simulator and
// settlement all call it, so they agree to the centavo.
//
// Sources: the spec (pix-api 2.9.0, schemas CobVValor, CobDataDeVencimento,
// CobVPayloadValor, Pix.componentesValor and the CobVOperacaoInvalida
// violations), and the BCB "Manual de Padrões para Iniciação do Pix" as
// quoted by BACEN's maintainers in bacen/pix-api issues (the manual itself
// could not be consulted; each convention below names its source).

// The modalidades of multa and abatimento (spec: "Valor Fixo" 1,
// "Percentual" 2).
const (
	MultaValorFixo       = 1
	MultaPercentual      = 2
	AbatimentoValorFixo  = 1
	AbatimentoPercentual = 2
)

// The modalidades of juros (spec table "Modalidade de juros").
const (
	JurosValorDiasCorridos         = 1 // Valor (dias corridos)
	JurosPercentualDiaDiasCorridos = 2 // Percentual ao dia (dias corridos)
	JurosPercentualMesDiasCorridos = 3 // Percentual ao mês (dias corridos)
	JurosPercentualAnoDiasCorridos = 4 // Percentual ao ano (dias corridos)
	JurosValorDiasUteis            = 5 // Valor (dias úteis)
	JurosPercentualDiaDiasUteis    = 6 // Percentual ao dia (dias úteis)
	JurosPercentualMesDiasUteis    = 7 // Percentual ao mês (dias úteis)
	JurosPercentualAnoDiasUteis    = 8 // Percentual ao ano (dias úteis)
)

// The modalidades of desconto (spec table "Modalidade de desconto").
const (
	DescontoValorFixoAteData             = 1 // Valor Fixo até a[s] data[s] informada[s]
	DescontoPercentualAteData            = 2 // Percentual até a data informada
	DescontoValorAntecipacaoCorrido      = 3 // Valor por antecipação dia corrido
	DescontoValorAntecipacaoUtil         = 4 // Valor por antecipação dia útil
	DescontoPercentualAntecipacaoCorrido = 5 // Percentual por antecipação dia corrido
	DescontoPercentualAntecipacaoUtil    = 6 // Percentual por antecipação dia útil
)

// ValidadeAposVencimentoPadrao is the spec's default of
// calendario.validadeAposVencimento, in days.
const ValidadeAposVencimentoPadrao = 30

const (
	maxDescontosDataFixa = 3 // schema: descontoDataFixa maxItems
	// n of the manual's juros formula: days per month and per year, for
	// calendar-day and business-day modalidades (see RegrasCobV.ValorEm).
	diasPorMesCorridos, diasPorAnoCorridos = 30, 360
	diasPorMesUteis, diasPorAnoUteis       = 21, 252
)

// Multa is the late fine of a cobv (spec valor.multa: "Multa do documento em
// valor absoluto ou percentual, conforme valor.multa.modalidade"). Modalidade
// 1 (valor fixo) uses Valor; 2 (percentual) uses Perc. The wire's single
// valorPerc goes to the field its modalidade names; the other stays 0.
type Multa struct {
	Modalidade int
	Valor      Centavos
	Perc       Percentual
}

// Juros is the late interest of a cobv (spec valor.juros). Modalidades 1 and
// 5 use Valor (an amount per late day); 2–4 and 6–8 use Perc (a rate per
// day, month or year), counting calendar days (1–4) or business days (5–8).
type Juros struct {
	Modalidade int
	Valor      Centavos
	Perc       Percentual
}

// Abatimento is a deduction that always applies (spec valor.abatimento:
// "Abatimentos ou outras deduções aplicadas ao documento, em valor absoluto
// ou percentual do valor original do documento"). Modalidade 1 uses Valor, 2
// uses Perc.
type Abatimento struct {
	Modalidade int
	Valor      Centavos
	Perc       Percentual
}

// DescontoDataFixa is one entry of valor.desconto.descontoDataFixa: a
// discount valid for payments up to Data (spec: "Descontos por pagamento
// antecipado, com data fixa. Matriz com até três elementos, sendo que cada
// elemento é composto por um par "data e valorPerc", para estabelecer
// descontos percentuais ou absolutos, até aquela data de pagamento."). Valor
// is used by modalidade 1, Perc by modalidade 2.
type DescontoDataFixa struct {
	Data  Data
	Valor Centavos
	Perc  Percentual
}

// Desconto is the early-payment discount of a cobv (spec valor.desconto).
// Modalidades 1 and 2 use DatasFixas (1 to 3 entries) and leave Valor and Perc
// 0; modalidades 3–6 use Valor (3, 4: an amount per day of anticipation) or
// Perc (5, 6: a percentage per day of anticipation) and no DatasFixas.
type Desconto struct {
	Modalidade int
	DatasFixas []DescontoDataFixa
	Valor      Centavos
	Perc       Percentual
}

// RegrasCobV is what decides a cobv's amount: valor.original, the due date and
// its validity, and the optional multa, juros, abatimento and desconto. It is
// a domain type; the JSON wire types live with the API handlers.
//
// ValidadeAposVencimento is taken as given: 0 means 0 days. The spec's
// default of 30 ([ValidadeAposVencimentoPadrao]) for an absent field is
// applied by the decoder, which can tell absent from 0.
type RegrasCobV struct {
	Original               Centavos
	Vencimento             Data // calendario.dataDeVencimento
	ValidadeAposVencimento int  // calendario.validadeAposVencimento, days
	Multa                  *Multa
	Juros                  *Juros
	Abatimento             *Abatimento
	Desconto               *Desconto
}

// ValorCobV is a cobv's amount on one payment date, as the payload
// (CobVPayloadValor) and Pix.componentesValor show it:
// Final = Original − Abatimento − Desconto + Multa + Juros, with every
// component >= 0 and Final >= 0.01. A component that does not apply is 0;
// whether a 0 is shown or omitted on the wire is the encoder's choice.
type ValorCobV struct {
	Original, Multa, Juros, Abatimento, Desconto, Final Centavos
}

// ErrCobVForaDoPrazo is returned by [RegrasCobV.ValorEm] for a payment date
// after [RegrasCobV.UltimoDiaPagavel]: the cobv can no longer be paid (for
// GET /cobv/{pixUrlAccessToken}, the spec's CobPayloadOperacaoInvalida
// violation "DPP superior à validade da cobrança"). Compare with errors.Is;
// do not modify it (use WithMessage for a copy).
var ErrCobVForaDoPrazo = &errs.Error{Kind: errs.EInvalid, Message: "a data de pagamento é posterior à validade da cobrança"}

// Validate reports every problem of r at once, as one EInvalid error whose
// violations name the spec's properties ("cobv.valor.original",
// "cobv.calendario.validadeAposVencimento",
// "cobv.valor.desconto.descontoDataFixa[0].data", ...). It checks the spec's
// CobVOperacaoInvalida violations that need nothing but r:
//
//   - valor.original zero, or outside the money pattern;
//   - validadeAposVencimento negative; dataDeVencimento missing or invalid;
//   - multa, juros, abatimento, desconto not respecting the schema:
//     modalidade out of range (multa and abatimento 1–2, juros 1–8, desconto
//     1–6), a value outside `\d{1,10}\.\d{2}`, the value in the field the
//     modalidade does not use;
//   - "abatimento representa um valor maior ou igual ao valor da cobrança
//     original ou maior ou igual a 100%";
//   - "desconto apresenta algum elemento de desconto que representa um valor
//     maior ou igual ao valor da cobrança original ou maior ou igual a 100%"
//     (for 3–6 this is the amount or percentage per day);
//   - "desconto apresenta algum elemento cuja data seja posterior à data de
//     vencimento";
//   - modalidade 1 or 2 with valorPerc filled, or with descontoDataFixa empty
//     (and, from the schema, more than 3 entries or a repeated date);
//   - modalidade 3 to 6 without valorPerc, or with descontoDataFixa.
//
// Choices beyond the spec's list: a percentage multa above 100 % is refused
// (a fine larger than the debt is not a percentage anyone means); a fixed
// discount that, added to the abatimento, reaches the original is refused
// (it would make the final amount zero; a zero original is itself a spec
// violation, and in bacen/pix-api#408 BACEN says a zero-valued charge cannot
// exist and should be refused at creation). Juros rates have no upper
// bound besides the pattern.
//
// "dataDeVencimento anterior à data de criação" needs the creation date and
// is checked by the caller.
func (r RegrasCobV) Validate() error {
	var v []errs.Violation
	add := func(prop, reason, value string) {
		v = append(v, errs.Violation{Property: prop, Reason: reason, Value: value})
	}
	const pattern = `não respeita o padrão \d{1,10}\.\d{2}`
	valor := func(prop string, c Centavos) bool {
		if !c.Valid() {
			add(prop, pattern, c.String())
			return false
		}
		return true
	}
	perc := func(prop string, p Percentual) bool {
		if !p.Valid() {
			add(prop, pattern, p.String())
			return false
		}
		return true
	}
	// vazio reports a value the modalidade does not use; the decoder put
	// valorPerc in the wrong field.
	vazio := func(prop string, modalidade int, ok bool) {
		if !ok {
			add(prop, fmt.Sprintf("valorPerc no campo errado para a modalidade %d (valor absoluto ou percentual)", modalidade), "")
		}
	}

	origOK := true
	switch {
	case r.Original == 0:
		add("cobv.valor.original", "o valor original não pode ser zero", r.Original.String())
		origOK = false
	case !r.Original.Valid():
		add("cobv.valor.original", pattern, r.Original.String())
		origOK = false
	}
	vencOK := r.Vencimento.Valid()
	if !vencOK {
		add("cobv.calendario.dataDeVencimento", "data de vencimento ausente ou inválida", r.Vencimento.String())
	}
	if r.ValidadeAposVencimento < 0 {
		add("cobv.calendario.validadeAposVencimento", "validadeAposVencimento não pode ser menor do que zero", strconv.Itoa(r.ValidadeAposVencimento))
	}

	if m := r.Multa; m != nil {
		const p = "cobv.valor.multa"
		switch m.Modalidade {
		case MultaValorFixo:
			valor(p+".valorPerc", m.Valor)
			vazio(p+".valorPerc", m.Modalidade, m.Perc == 0)
		case MultaPercentual:
			if perc(p+".valorPerc", m.Perc) && m.Perc > CemPorCento {
				add(p+".valorPerc", "multa percentual maior que 100%", m.Perc.String())
			}
			vazio(p+".valorPerc", m.Modalidade, m.Valor == 0)
		default:
			add(p+".modalidade", "modalidade da multa deve ser 1 ou 2", strconv.Itoa(m.Modalidade))
		}
	}

	if j := r.Juros; j != nil {
		const p = "cobv.valor.juros"
		switch j.Modalidade {
		case JurosValorDiasCorridos, JurosValorDiasUteis:
			valor(p+".valorPerc", j.Valor)
			vazio(p+".valorPerc", j.Modalidade, j.Perc == 0)
		case JurosPercentualDiaDiasCorridos, JurosPercentualMesDiasCorridos, JurosPercentualAnoDiasCorridos,
			JurosPercentualDiaDiasUteis, JurosPercentualMesDiasUteis, JurosPercentualAnoDiasUteis:
			perc(p+".valorPerc", j.Perc)
			vazio(p+".valorPerc", j.Modalidade, j.Valor == 0)
		default:
			add(p+".modalidade", "modalidade de juros deve ser de 1 a 8", strconv.Itoa(j.Modalidade))
		}
	}

	// abat is the abatimento amount when it could be computed.
	var abat Centavos
	if a := r.Abatimento; a != nil {
		const p = "cobv.valor.abatimento"
		const reason = "abatimento maior ou igual ao valor original ou a 100%"
		switch a.Modalidade {
		case AbatimentoValorFixo:
			vazio(p+".valorPerc", a.Modalidade, a.Perc == 0)
			if valor(p+".valorPerc", a.Valor) && origOK {
				if a.Valor >= r.Original {
					add(p+".valorPerc", reason, a.Valor.String())
				} else {
					abat = a.Valor
				}
			}
		case AbatimentoPercentual:
			vazio(p+".valorPerc", a.Modalidade, a.Valor == 0)
			if perc(p+".valorPerc", a.Perc) && origOK {
				// < 100 % can still round up to the whole original (99.99 % of 0.01).
				if x, _ := arredonda(int64(r.Original), int64(a.Perc), 1, basePercentual); a.Perc >= CemPorCento || x >= r.Original {
					add(p+".valorPerc", reason, a.Perc.String())
				} else {
					abat = x
				}
			}
		default:
			add(p+".modalidade", "modalidade de abatimento deve ser 1 ou 2", strconv.Itoa(a.Modalidade))
		}
	}

	if d := r.Desconto; d != nil {
		const p = "cobv.valor.desconto"
		const reason = "desconto maior ou igual ao valor original ou a 100%"
		switch d.Modalidade {
		case DescontoValorFixoAteData, DescontoPercentualAteData:
			if d.Valor != 0 || d.Perc != 0 {
				add(p+".valorPerc", "modalidade 1 ou 2 não admite valorPerc: use descontoDataFixa", "")
			}
			switch n := len(d.DatasFixas); {
			case n == 0:
				add(p+".descontoDataFixa", "modalidade 1 ou 2 exige descontoDataFixa", "")
			case n > maxDescontosDataFixa:
				add(p+".descontoDataFixa", "descontoDataFixa tem no máximo 3 elementos", strconv.Itoa(n))
			}
			for i, e := range d.DatasFixas {
				pe := fmt.Sprintf("%s.descontoDataFixa[%d]", p, i)
				switch {
				case !e.Data.Valid():
					add(pe+".data", "data ausente ou inválida", e.Data.String())
				case vencOK && e.Data.After(r.Vencimento):
					add(pe+".data", "data de desconto posterior à data de vencimento", e.Data.String())
				default:
					for _, prev := range d.DatasFixas[:i] {
						if prev.Data == e.Data {
							add(pe+".data", "data de desconto repetida", e.Data.String())
							break
						}
					}
				}
				var x Centavos
				ok := false
				if d.Modalidade == DescontoValorFixoAteData {
					vazio(pe+".valorPerc", d.Modalidade, e.Perc == 0)
					if valor(pe+".valorPerc", e.Valor) && origOK {
						if e.Valor >= r.Original {
							add(pe+".valorPerc", reason, e.Valor.String())
						} else {
							x, ok = e.Valor, true
						}
					}
				} else {
					vazio(pe+".valorPerc", d.Modalidade, e.Valor == 0)
					if perc(pe+".valorPerc", e.Perc) && origOK {
						if e.Perc >= CemPorCento {
							add(pe+".valorPerc", reason, e.Perc.String())
						} else {
							x, ok = arredonda(int64(r.Original-abat), int64(e.Perc), 1, basePercentual)
						}
					}
				}
				if ok && abat+x >= r.Original {
					add(pe+".valorPerc", "desconto somado ao abatimento atinge o valor original", x.String())
				}
			}
		case DescontoValorAntecipacaoCorrido, DescontoValorAntecipacaoUtil:
			if len(d.DatasFixas) > 0 {
				add(p+".descontoDataFixa", "modalidades 3 a 6 não admitem descontoDataFixa", "")
			}
			vazio(p+".valorPerc", d.Modalidade, d.Perc == 0)
			switch {
			case d.Valor == 0 && d.Perc == 0:
				add(p+".valorPerc", "modalidades 3 a 6 exigem valorPerc", "")
			case valor(p+".valorPerc", d.Valor) && origOK && d.Valor >= r.Original:
				add(p+".valorPerc", reason, d.Valor.String())
			}
		case DescontoPercentualAntecipacaoCorrido, DescontoPercentualAntecipacaoUtil:
			if len(d.DatasFixas) > 0 {
				add(p+".descontoDataFixa", "modalidades 3 a 6 não admitem descontoDataFixa", "")
			}
			vazio(p+".valorPerc", d.Modalidade, d.Valor == 0)
			switch {
			case d.Perc == 0 && d.Valor == 0:
				add(p+".valorPerc", "modalidades 3 a 6 exigem valorPerc", "")
			case perc(p+".valorPerc", d.Perc) && d.Perc >= CemPorCento:
				add(p+".valorPerc", reason, d.Perc.String())
			}
		default:
			add(p+".modalidade", "modalidade de desconto deve ser de 1 a 6", strconv.Itoa(d.Modalidade))
		}
	}

	if len(v) > 0 {
		return &errs.Error{Kind: errs.EInvalid, Message: "cobrança com vencimento inválida", Violations: v}
	}
	return nil
}

// VencimentoAjustado returns the due date after the spec's roll-over: the
// first business day on or after Vencimento (CobDataDeVencimento: "Sempre
// que a data de vencimento cair em um fim de semana ou em um feriado para o
// usuário pagador, ela deve ser automaticamente prorrogada para o primeiro
// dia útil subsequente. Todos os campos que façam referência a esta data
// (validadeAposVencimento; desconto; juros e multa) devem assumir essa
// prorrogação, quando for o caso."). A payment on this day is on time.
func (r RegrasCobV) VencimentoAjustado(cal *Calendario) Data {
	return cal.ProximoDiaUtil(r.Vencimento)
}

// UltimoDiaPagavel returns the last day on which the cobv can be paid:
// [RegrasCobV.VencimentoAjustado] plus ValidadeAposVencimento calendar days
// ("quantidade de dias corridos após calendario.dataDeVencimento, em que a
// cobrança poderá ser paga"), rolled forward to the next business day when
// that day is not one. A negative ValidadeAposVencimento counts as 0.
//
// This is the rule that reproduces all seven worked examples (A–G) of the
// spec's validadeAposVencimento description, e.g. E: due Friday 2020-12-25
// (Natal), validade 4 → adjusted 2020-12-28, + 4 = 2021-01-01 (a holiday) →
// payable until Monday 2021-01-04; G: due Saturday 2021-08-28, validade 5 →
// 2021-08-30 + 5 = Saturday 2021-09-04 → Monday 2021-09-06. The error
// catalog's DPP example (vencimento 2020-12-25, validade 10, DPP 2021-01-05
// said invalid) counts from the unadjusted date with no roll-over and
// contradicts examples B–E; the field's description, which is the more
// specific and more recent text, wins (see also bacen/pix-api#307, #523).
func (r RegrasCobV) UltimoDiaPagavel(cal *Calendario) Data {
	return cal.ProximoDiaUtil(r.VencimentoAjustado(cal).AddDays(max(r.ValidadeAposVencimento, 0)))
}

// ValorEm returns the amount of the cobv for a payment on pagamento (the
// payload's DPP, or the Brasília date of a settlement, [DataEm]), with cal
// telling business days (nil is the national calendar).
//
// It returns the Validate error when r is invalid, [ErrCobVForaDoPrazo] when
// pagamento is after [RegrasCobV.UltimoDiaPagavel], and an EInvalid error when
// a computed amount exceeds what the wire can carry (9999999999.99). There is
// no lower bound on pagamento: rejecting a DPP "anterior ao momento presente"
// is the caller's rule.
//
// Conventions (Vo original, Va abatimento, V = Vo − Va, venc =
// [RegrasCobV.VencimentoAjustado]):
//
//   - Rounding: every computed amount is rounded once, half up to the
//     centavo, from exact integer arithmetic (one helper, arredonda in
//     valor.go); interest over n days is one product rate × n, not n
//     rounded daily amounts. bacen/pix-api#607 shows why: 30000.00 at 1 % a.m. for 1 day is exactly
//     10.00, while a factor rounded first (0.00033) gives 9.90.
//   - Abatimento always applies: modalidade 1 its value, 2 Vo × perc ("em
//     valor absoluto ou percentual do valor original do documento").
//   - Percentages of multa, juros and desconto apply to V, the original less
//     the abatimento: the manual's juros formula is Vj = (Vo − Va) ×
//     ((Ij/100)/n) × Dα (Equação 11, quoted in bacen/pix-api#607), and multa
//     and desconto are taken on the same base for consistency.
//   - Late days Dα are counted after venc, the adjusted due date, because the
//     spec says juros and multa "devem assumir essa prorrogação": due on
//     Saturday 2021-02-27, paid Tuesday 2021-03-02, juros count 1 day
//     (bacen/pix-api#347 asks the question). Juros modalidades 1–4 count
//     calendar days in (venc, pagamento]; 5–8 business days in that interval.
//   - Juros rates per month or year are pro rata with the manual's n: for
//     calendar days n = 1, 30, 360 (day, month, year; 30 as in #607 and 360
//     = 12 × 30, the commercial year); for business days n = 1, 21, 252
//     ("n: 1, 21 ou 252, conforme a taxa de juros seja diária, mensal ou
//     anual", BACEN in bacen/pix-api#205). Interest is simple, never
//     compounded.
//   - Multa applies once, as a flat amount (modalidade 1 its value, 2 V ×
//     perc), from the first business day after venc: "A multa é sempre
//     aplicada à cobrança começando no próximo dia efetivamente útil e é
//     sempre um valor 'flat'" (BACEN, bacen/pix-api#297). So a Saturday payment
//     of a Friday due date pays no multa, though calendar-day juros run.
//   - Desconto applies only when pagamento is on or before venc. Modalidades
//     1 and 2 take the entry with the earliest date that, rolled to the next
//     business day, is on or after pagamento (the manual: "Sempre que a data
//     limite para desconto cair em um fim de semana ou em um feriado para o
//     usuário pagador, ela deve ser automaticamente prorrogada para o
//     primeiro dia útil subsequente", quoted in bacen/pix-api#412; in #390
//     BACEN keeps the discount of a date falling on Good Friday through the
//     following weekend).
//     Modalidades 3–6 multiply the per-day value or V × perc by the days of
//     anticipation: calendar days (3, 5) or business days (4, 6) in
//     (pagamento, venc].
//   - Final = Vo − Va − desconto + multa + juros, never below 0.01: a
//     charge cannot be worth zero (#408), and Validate refuses rules whose
//     abatimento or fixed discount reach the original, but a per-day discount (3–6) grows with
//     the anticipation and can reach it for an early enough date
//     (bacen/pix-api#408). Then the desconto is capped so that Final is 0.01:
//     the charge stays payable and the identity above still holds.
func (r RegrasCobV) ValorEm(pagamento Data, cal *Calendario) (ValorCobV, error) {
	if err := r.Validate(); err != nil {
		return ValorCobV{}, err
	}
	if !pagamento.Valid() {
		return ValorCobV{}, errs.Invalid("DPP", "data de pagamento inválida")
	}
	if pagamento.After(r.UltimoDiaPagavel(cal)) {
		return ValorCobV{}, ErrCobVForaDoPrazo
	}
	venc := r.VencimentoAjustado(cal)
	out := ValorCobV{Original: r.Original}
	overflow := false
	calc := func(a, b, c, d int64) Centavos {
		x, ok := arredonda(a, b, c, d)
		overflow = overflow || !ok
		return x
	}

	if a := r.Abatimento; a != nil {
		if a.Modalidade == AbatimentoValorFixo {
			out.Abatimento = a.Valor
		} else {
			out.Abatimento = calc(int64(r.Original), int64(a.Perc), 1, basePercentual)
		}
	}
	base := int64(r.Original - out.Abatimento) // V = Vo − Va > 0 (Validate)

	if pagamento.After(venc) {
		if m := r.Multa; m != nil && cal.DiasUteisEntre(venc, pagamento) >= 1 {
			if m.Modalidade == MultaValorFixo {
				out.Multa = m.Valor
			} else {
				out.Multa = calc(base, int64(m.Perc), 1, basePercentual)
			}
		}
		if j := r.Juros; j != nil {
			corridos := int64(DaysBetween(venc, pagamento))
			uteis := int64(cal.DiasUteisEntre(venc, pagamento))
			switch j.Modalidade {
			case JurosValorDiasCorridos:
				out.Juros = calc(int64(j.Valor), corridos, 1, 1)
			case JurosPercentualDiaDiasCorridos:
				out.Juros = calc(base, int64(j.Perc), corridos, basePercentual)
			case JurosPercentualMesDiasCorridos:
				out.Juros = calc(base, int64(j.Perc), corridos, basePercentual*diasPorMesCorridos)
			case JurosPercentualAnoDiasCorridos:
				out.Juros = calc(base, int64(j.Perc), corridos, basePercentual*diasPorAnoCorridos)
			case JurosValorDiasUteis:
				out.Juros = calc(int64(j.Valor), uteis, 1, 1)
			case JurosPercentualDiaDiasUteis:
				out.Juros = calc(base, int64(j.Perc), uteis, basePercentual)
			case JurosPercentualMesDiasUteis:
				out.Juros = calc(base, int64(j.Perc), uteis, basePercentual*diasPorMesUteis)
			case JurosPercentualAnoDiasUteis:
				out.Juros = calc(base, int64(j.Perc), uteis, basePercentual*diasPorAnoUteis)
			}
		}
	} else if d := r.Desconto; d != nil {
		switch d.Modalidade {
		case DescontoValorFixoAteData, DescontoPercentualAteData:
			var best *DescontoDataFixa
			for i := range d.DatasFixas {
				e := &d.DatasFixas[i]
				if !cal.ProximoDiaUtil(e.Data).Before(pagamento) && (best == nil || e.Data.Before(best.Data)) {
					best = e
				}
			}
			if best != nil {
				if d.Modalidade == DescontoValorFixoAteData {
					out.Desconto = best.Valor
				} else {
					out.Desconto = calc(base, int64(best.Perc), 1, basePercentual)
				}
			}
		case DescontoValorAntecipacaoCorrido:
			out.Desconto = calc(int64(d.Valor), int64(DaysBetween(pagamento, venc)), 1, 1)
		case DescontoValorAntecipacaoUtil:
			out.Desconto = calc(int64(d.Valor), int64(cal.DiasUteisEntre(pagamento, venc)), 1, 1)
		case DescontoPercentualAntecipacaoCorrido:
			out.Desconto = calc(base, int64(d.Perc), int64(DaysBetween(pagamento, venc)), basePercentual)
		case DescontoPercentualAntecipacaoUtil:
			out.Desconto = calc(base, int64(d.Perc), int64(cal.DiasUteisEntre(pagamento, venc)), basePercentual)
		}
		if overflow || int64(out.Desconto) >= base {
			// Cap: Final must stay >= 0.01 (see the doc comment).
			out.Desconto, overflow = Centavos(base-1), false
		}
	}
	if overflow {
		return ValorCobV{}, errs.Invalid("cobv.valor", "valor calculado excede 9999999999.99")
	}
	final := base - int64(out.Desconto) + int64(out.Multa) + int64(out.Juros) // each term <= MaxCentavos: no int64 overflow
	if final > int64(MaxCentavos) {
		return ValorCobV{}, errs.Invalid("cobv.valor.final", "valor calculado excede 9999999999.99")
	}
	out.Final = Centavos(final)
	return out, nil
}
