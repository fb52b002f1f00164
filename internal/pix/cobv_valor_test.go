package pix_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
)

// V is a test helper: the Centavos of a money literal.
func V(tb testing.TB, s string) pix.Centavos {
	tb.Helper()
	c, err := pix.ParseValor(s)
	if err != nil {
		tb.Fatalf("ParseValor(%q): %v", s, err)
	}
	return c
}

// P is a test helper: the Percentual of a percentage literal.
func P(tb testing.TB, s string) pix.Percentual {
	tb.Helper()
	p, err := pix.ParsePercentual(s)
	if err != nil {
		tb.Fatalf("ParsePercentual(%q): %v", s, err)
	}
	return p
}

// valorCase is one payment date of a worked example and the expected
// components, as money strings ("" means 0.00).
type valorCase struct {
	pagamento                               string
	multa, juros, abatimento, desconto, fin string
}

func checkValor(t *testing.T, r pix.RegrasCobV, cases []valorCase) {
	t.Helper()
	for _, c := range cases {
		got, err := r.ValorEm(D(t, c.pagamento), nil)
		if err != nil {
			t.Errorf("ValorEm(%s): %v", c.pagamento, err)
			continue
		}
		m := func(s string) pix.Centavos {
			if s == "" {
				return 0
			}
			return V(t, s)
		}
		want := pix.ValorCobV{
			Original: r.Original, Multa: m(c.multa), Juros: m(c.juros),
			Abatimento: m(c.abatimento), Desconto: m(c.desconto), Final: m(c.fin),
		}
		if got != want {
			t.Errorf("ValorEm(%s) =\n  %s\nwant\n  %s", c.pagamento, fmtValor(got), fmtValor(want))
		}
	}
}

func fmtValor(v pix.ValorCobV) string {
	return "original " + v.Original.String() + " multa " + v.Multa.String() + " juros " + v.Juros.String() +
		" abatimento " + v.Abatimento.String() + " desconto " + v.Desconto.String() + " final " + v.Final.String()
}

// TestValorEmWorkedExamples computes each modalidade by hand. In the
// comments, V = original − abatimento (centavos), p = rate in basis points
// (1.00 % = 100), d = days; a percentage amount is V × p × d ÷ (10000 × n),
// rounded once, half up.
func TestValorEmWorkedExamples(t *testing.T) {
	t.Run("SpecComponentesValorExample", func(t *testing.T) {
		// Pix.componentesValor: "cobrança com vencimento de R$100,00
		// considerando-se um atraso de 2 dias a uma multa de 3% e juros de 1% ao
		// dia. O valor do Pix será R$105,00." Due Tuesday 2025-06-10.
		// multa 10000 × 300 ÷ 10000 = 300; juros 10000 × 100 × d ÷ 10000 = 100·d.
		r := pix.RegrasCobV{
			Original: V(t, "100.00"), Vencimento: D(t, "2025-06-10"), ValidadeAposVencimento: 30,
			Multa: &pix.Multa{Modalidade: pix.MultaPercentual, Perc: P(t, "3.00")},
			Juros: &pix.Juros{Modalidade: pix.JurosPercentualDiaDiasCorridos, Perc: P(t, "1.00")},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2025-06-10", fin: "100.00"},                               // on the due date: nothing added
			{pagamento: "2025-06-11", multa: "3.00", juros: "1.00", fin: "104.00"}, // 1 day late
			{pagamento: "2025-06-12", multa: "3.00", juros: "2.00", fin: "105.00"}, // the spec's R$105,00
		})
	})

	t.Run("Juros3PercentualMes_issue607", func(t *testing.T) {
		// bacen/pix-api#607: 30000.00 at 1.00 % a.m. (dias corridos), due
		// 2024-09-04, paid 2024-09-05. 3000000 × 100 × 1 ÷ (10000 × 30) = 1000
		// exactly: 10.00 (a factor rounded to 0.00033 first would give 9.90).
		r := pix.RegrasCobV{
			Original: V(t, "30000.00"), Vencimento: D(t, "2024-09-04"), ValidadeAposVencimento: 30,
			Juros: &pix.Juros{Modalidade: pix.JurosPercentualMesDiasCorridos, Perc: P(t, "1.00")},
		}
		checkValor(t, r, []valorCase{{pagamento: "2024-09-05", juros: "10.00", fin: "30010.00"}})
	})

	t.Run("Juros1ValorDueSaturday_issue347", func(t *testing.T) {
		// bacen/pix-api#347: 10.00 with 0.10 per calendar day, due Saturday
		// 2021-02-27 → adjusted Monday 2021-03-01. Monday is on time; on
		// Tuesday the late days count from the adjusted date: 1 × 0.10 = 0.10
		// (not 3 days from Saturday, 0.30).
		r := pix.RegrasCobV{
			Original: V(t, "10.00"), Vencimento: D(t, "2021-02-27"), ValidadeAposVencimento: 30,
			Juros: &pix.Juros{Modalidade: pix.JurosValorDiasCorridos, Valor: V(t, "0.10")},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2021-02-28", fin: "10.00"},
			{pagamento: "2021-03-01", fin: "10.00"},
			{pagamento: "2021-03-02", juros: "0.10", fin: "10.10"},
			{pagamento: "2021-03-06", juros: "0.50", fin: "10.50"}, // Saturday: calendar days run
		})
	})

	t.Run("Juros4PercentualAno", func(t *testing.T) {
		// 1000.00 at 12.00 % a.a. (dias corridos, n = 360), due Monday
		// 2025-03-10, paid 10 days later: 100000 × 1200 × 10 ÷ (10000 × 360)
		// = 1200000000 ÷ 3600000 = 333.33… → 333: 3.33.
		r := pix.RegrasCobV{
			Original: V(t, "1000.00"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
			Juros: &pix.Juros{Modalidade: pix.JurosPercentualAnoDiasCorridos, Perc: P(t, "12.00")},
		}
		checkValor(t, r, []valorCase{{pagamento: "2025-03-20", juros: "3.33", fin: "1003.33"}})
	})

	t.Run("Juros5ValorDiasUteisAndMultaFromNextBusinessDay", func(t *testing.T) {
		// Due Thursday 2025-04-17; Friday 18 is Sexta-feira da Paixão, 19–20 a
		// weekend, Monday 21 Tiradentes: the first business day after the due
		// date is Tuesday 22. Juros 0.50 per business day, multa 2.00.
		r := pix.RegrasCobV{
			Original: V(t, "100.00"), Vencimento: D(t, "2025-04-17"), ValidadeAposVencimento: 30,
			Multa: &pix.Multa{Modalidade: pix.MultaValorFixo, Valor: V(t, "2.00")},
			Juros: &pix.Juros{Modalidade: pix.JurosValorDiasUteis, Valor: V(t, "0.50")},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2025-04-18", fin: "100.00"}, // 0 business days late: no multa, no juros
			{pagamento: "2025-04-21", fin: "100.00"},
			{pagamento: "2025-04-22", multa: "2.00", juros: "0.50", fin: "102.50"}, // 1 business day
			{pagamento: "2025-04-25", multa: "2.00", juros: "2.00", fin: "104.00"}, // 22, 23, 24, 25
		})
		// The same with calendar-day juros: on Monday 21 four calendar days
		// have run (4 × 0.50 = 2.00) but the multa waits for the first
		// business day (bacen/pix-api#297).
		r.Juros = &pix.Juros{Modalidade: pix.JurosValorDiasCorridos, Valor: V(t, "0.50")}
		checkValor(t, r, []valorCase{
			{pagamento: "2025-04-21", juros: "2.00", fin: "102.00"},
			{pagamento: "2025-04-22", multa: "2.00", juros: "2.50", fin: "104.50"},
		})
	})

	t.Run("Juros6PercentualDiaDiasUteis", func(t *testing.T) {
		// 250.00 at 0.33 % a.d. (dias úteis), due 2025-04-17, paid Wednesday
		// 2025-04-23: business days 22 and 23, so d = 2.
		// 25000 × 33 × 2 ÷ 10000 = 165: 1.65.
		r := pix.RegrasCobV{
			Original: V(t, "250.00"), Vencimento: D(t, "2025-04-17"), ValidadeAposVencimento: 30,
			Juros: &pix.Juros{Modalidade: pix.JurosPercentualDiaDiasUteis, Perc: P(t, "0.33")},
		}
		checkValor(t, r, []valorCase{{pagamento: "2025-04-23", juros: "1.65", fin: "251.65"}})
	})

	t.Run("Juros7PercentualMesDiasUteis", func(t *testing.T) {
		// 2100.00 at 2.00 % a.m. (dias úteis, n = 21), due Monday 2025-03-10,
		// paid Thursday 13: d = 3. 210000 × 200 × 3 ÷ (10000 × 21) = 600: 6.00.
		r := pix.RegrasCobV{
			Original: V(t, "2100.00"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
			Juros: &pix.Juros{Modalidade: pix.JurosPercentualMesDiasUteis, Perc: P(t, "2.00")},
		}
		checkValor(t, r, []valorCase{{pagamento: "2025-03-13", juros: "6.00", fin: "2106.00"}})
	})

	t.Run("Juros8PercentualAnoDiasUteis", func(t *testing.T) {
		// 5040.00 at 25.20 % a.a. (dias úteis, n = 252), 1 business day:
		// 504000 × 2520 × 1 ÷ (10000 × 252) = 504: 5.04.
		r := pix.RegrasCobV{
			Original: V(t, "5040.00"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
			Juros: &pix.Juros{Modalidade: pix.JurosPercentualAnoDiasUteis, Perc: P(t, "25.20")},
		}
		checkValor(t, r, []valorCase{{pagamento: "2025-03-11", juros: "5.04", fin: "5045.04"}})
	})

	t.Run("SpecCobBody1", func(t *testing.T) {
		// The spec's example cobBody1: 123.45, due Thursday 2020-12-31,
		// validade 30, multa 15.00 %, juros 2.00 % a.d., desconto 30.00 until
		// 2020-11-30.
		//   multa: 12345 × 1500 ÷ 10000 = 1851.75 → 1852 (18.52)
		//   juros: 12345 × 200 × d ÷ 10000 = 246.9·d
		//     d = 1 → 246.9 → 247 (2.47); d = 4 → 987.6 → 988 (9.88);
		//     d = 32 → 7900.8 → 7901 (79.01)
		//   last payable day: 2020-12-31 + 30 = Saturday 2021-01-30 → Monday 2021-02-01.
		r := pix.RegrasCobV{
			Original: V(t, "123.45"), Vencimento: D(t, "2020-12-31"), ValidadeAposVencimento: 30,
			Multa: &pix.Multa{Modalidade: pix.MultaPercentual, Perc: P(t, "15.00")},
			Juros: &pix.Juros{Modalidade: pix.JurosPercentualDiaDiasCorridos, Perc: P(t, "2.00")},
			Desconto: &pix.Desconto{Modalidade: pix.DescontoValorFixoAteData, DatasFixas: []pix.DescontoDataFixa{
				{Data: D(t, "2020-11-30"), Valor: V(t, "30.00")},
			}},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2020-11-27", desconto: "30.00", fin: "93.45"},
			{pagamento: "2020-11-30", desconto: "30.00", fin: "93.45"},
			{pagamento: "2020-12-01", fin: "123.45"},
			{pagamento: "2020-12-31", fin: "123.45"},
			{pagamento: "2021-01-01", juros: "2.47", fin: "125.92"}, // holiday: no business day yet, no multa
			{pagamento: "2021-01-04", multa: "18.52", juros: "9.88", fin: "151.85"},
			{pagamento: "2021-02-01", multa: "18.52", juros: "79.01", fin: "220.98"}, // last payable day
		})
		if got := r.UltimoDiaPagavel(nil); got != D(t, "2021-02-01") {
			t.Errorf("UltimoDiaPagavel = %v", got)
		}
		if _, err := r.ValorEm(D(t, "2021-02-02"), nil); !errors.Is(err, pix.ErrCobVForaDoPrazo) {
			t.Errorf("ValorEm(day after the last payable day) = %v, want ErrCobVForaDoPrazo", err)
		}
	})

	t.Run("Desconto1DatasFixasRolled_issue390", func(t *testing.T) {
		// 100.00 due Saturday 2021-04-10 (adjusted Monday 12), with 3.00 until
		// 2021-04-02 (Sexta-feira da Paixão → rolled to Monday 05), 2.00 until
		// 04-05 and 1.00 until 04-08. The applicable entry is the earliest date
		// whose rolled date is on or after the payment: on Monday 05 the
		// holiday's 3.00 still applies (bacen/pix-api#390).
		datas := []pix.DescontoDataFixa{
			{Data: D(t, "2021-04-08"), Valor: V(t, "1.00")}, // order in the list does not matter
			{Data: D(t, "2021-04-02"), Valor: V(t, "3.00")},
			{Data: D(t, "2021-04-05"), Valor: V(t, "2.00")},
		}
		r := pix.RegrasCobV{
			Original: V(t, "100.00"), Vencimento: D(t, "2021-04-10"), ValidadeAposVencimento: 30,
			Multa:    &pix.Multa{Modalidade: pix.MultaValorFixo, Valor: V(t, "5.00")},
			Desconto: &pix.Desconto{Modalidade: pix.DescontoValorFixoAteData, DatasFixas: datas},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2021-04-01", desconto: "3.00", fin: "97.00"},
			{pagamento: "2021-04-03", desconto: "3.00", fin: "97.00"},
			{pagamento: "2021-04-05", desconto: "3.00", fin: "97.00"},
			{pagamento: "2021-04-06", desconto: "1.00", fin: "99.00"},
			{pagamento: "2021-04-08", desconto: "1.00", fin: "99.00"},
			{pagamento: "2021-04-09", fin: "100.00"},
			{pagamento: "2021-04-12", fin: "100.00"}, // adjusted due date: on time
			{pagamento: "2021-04-13", multa: "5.00", fin: "105.00"},
		})
	})

	t.Run("Desconto2PercentualAteData", func(t *testing.T) {
		// 200.00 due 2025-03-10: 5.00 % until 03-05, 2.50 % until 03-10.
		// 20000 × 500 ÷ 10000 = 1000 (10.00); 20000 × 250 ÷ 10000 = 500 (5.00).
		r := pix.RegrasCobV{
			Original: V(t, "200.00"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
			Desconto: &pix.Desconto{Modalidade: pix.DescontoPercentualAteData, DatasFixas: []pix.DescontoDataFixa{
				{Data: D(t, "2025-03-05"), Perc: P(t, "5.00")},
				{Data: D(t, "2025-03-10"), Perc: P(t, "2.50")},
			}},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2025-03-05", desconto: "10.00", fin: "190.00"},
			{pagamento: "2025-03-06", desconto: "5.00", fin: "195.00"},
			{pagamento: "2025-03-10", desconto: "5.00", fin: "195.00"},
			{pagamento: "2025-03-11", fin: "200.00"},
		})
		// With an abatimento of 20.00 the percentage applies to V = 180.00:
		// 18000 × 500 ÷ 10000 = 900 (9.00); final 200 − 20 − 9 = 171.00.
		r.Abatimento = &pix.Abatimento{Modalidade: pix.AbatimentoValorFixo, Valor: V(t, "20.00")}
		checkValor(t, r, []valorCase{{pagamento: "2025-03-05", abatimento: "20.00", desconto: "9.00", fin: "171.00"}})
	})

	t.Run("Desconto3to6Antecipacao", func(t *testing.T) {
		// 50.00 due Monday 2025-03-10, paid Friday 03-07: 3 calendar days or
		// 1 business day (Monday 10) of anticipation.
		//   3: 0.10 × 3 = 0.30      4: 0.10 × 1 = 0.10
		//   5: 5000 × 50 × 3 ÷ 10000 = 75 (0.75)
		//   6: 5000 × 50 × 1 ÷ 10000 = 25 (0.25)
		base := pix.RegrasCobV{Original: V(t, "50.00"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30}
		for _, c := range []struct {
			d        pix.Desconto
			desconto string
			fin      string
		}{
			{pix.Desconto{Modalidade: pix.DescontoValorAntecipacaoCorrido, Valor: V(t, "0.10")}, "0.30", "49.70"},
			{pix.Desconto{Modalidade: pix.DescontoValorAntecipacaoUtil, Valor: V(t, "0.10")}, "0.10", "49.90"},
			{pix.Desconto{Modalidade: pix.DescontoPercentualAntecipacaoCorrido, Perc: P(t, "0.50")}, "0.75", "49.25"},
			{pix.Desconto{Modalidade: pix.DescontoPercentualAntecipacaoUtil, Perc: P(t, "0.50")}, "0.25", "49.75"},
		} {
			r := base
			r.Desconto = &c.d
			checkValor(t, r, []valorCase{
				{pagamento: "2025-03-07", desconto: c.desconto, fin: c.fin},
				{pagamento: "2025-03-10", fin: "50.00"}, // no anticipation on the due date
				{pagamento: "2025-03-11", fin: "50.00"}, // late: no discount
			})
		}
	})

	t.Run("DescontoCappedAtFinal001", func(t *testing.T) {
		// 10.00 with 1.00 per day of anticipation, paid 20 days early: 20.00
		// would exceed the charge; the discount is capped at 9.99 so that the
		// final amount is 0.01 (bacen/pix-api#408).
		r := pix.RegrasCobV{
			Original: V(t, "10.00"), Vencimento: D(t, "2025-03-31"), ValidadeAposVencimento: 30,
			Desconto: &pix.Desconto{Modalidade: pix.DescontoValorAntecipacaoCorrido, Valor: V(t, "1.00")},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2025-03-11", desconto: "9.99", fin: "0.01"},
			{pagamento: "2025-03-22", desconto: "9.00", fin: "1.00"},
		})
		// 99.99 % per day for 2 days: 1000 × 9999 × 2 ÷ 10000 = 1999.8 → capped.
		r.Desconto = &pix.Desconto{Modalidade: pix.DescontoPercentualAntecipacaoCorrido, Perc: P(t, "99.99")}
		checkValor(t, r, []valorCase{{pagamento: "2025-03-29", desconto: "9.99", fin: "0.01"}})
	})

	t.Run("Abatimento", func(t *testing.T) {
		// Fixed 10.00 on 100.00: always deducted; late charges on V = 90.00:
		// multa 9000 × 200 ÷ 10000 = 180, juros 9000 × 100 × 1 ÷ 10000 = 90.
		r := pix.RegrasCobV{
			Original: V(t, "100.00"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
			Abatimento: &pix.Abatimento{Modalidade: pix.AbatimentoValorFixo, Valor: V(t, "10.00")},
			Multa:      &pix.Multa{Modalidade: pix.MultaPercentual, Perc: P(t, "2.00")},
			Juros:      &pix.Juros{Modalidade: pix.JurosPercentualDiaDiasCorridos, Perc: P(t, "1.00")},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2025-03-01", abatimento: "10.00", fin: "90.00"},
			{pagamento: "2025-03-10", abatimento: "10.00", fin: "90.00"},
			{pagamento: "2025-03-11", abatimento: "10.00", multa: "1.80", juros: "0.90", fin: "92.70"},
		})
		// 10.00 % of the original 123.45: 12345 × 1000 ÷ 10000 = 1234.5 → 1235 (12.35).
		r = pix.RegrasCobV{
			Original: V(t, "123.45"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
			Abatimento: &pix.Abatimento{Modalidade: pix.AbatimentoPercentual, Perc: P(t, "10.00")},
		}
		checkValor(t, r, []valorCase{{pagamento: "2025-03-10", abatimento: "12.35", fin: "111.10"}})
	})
}

// TestValorEmRoundsHalfUp pins the rounding rule on exact half centavos
// (x.xx5), where half-up differs from half-even and from truncation.
func TestValorEmRoundsHalfUp(t *testing.T) {
	tests := []struct {
		name     string
		original string
		multa    *pix.Multa
		juros    *pix.Juros
		want     string // multa + juros, paid 1 day late
	}{
		// 1250 × 100 ÷ 10000 = 12.5 → 13 (half-even would give 12)
		{"juros 1% of 12.50 = 0.125", "12.50", nil, &pix.Juros{Modalidade: 2, Perc: 100}, "0.13"},
		// 1249 × 100 ÷ 10000 = 12.49 → 12
		{"juros 1% of 12.49 = 0.1249", "12.49", nil, &pix.Juros{Modalidade: 2, Perc: 100}, "0.12"},
		// 1350 × 100 ÷ 10000 = 13.5 → 14 (half-even would also give 14)
		{"juros 1% of 13.50 = 0.135", "13.50", nil, &pix.Juros{Modalidade: 2, Perc: 100}, "0.14"},
		// 10025 × 200 ÷ 10000 = 200.5 → 201
		{"multa 2% of 100.25 = 2.005", "100.25", &pix.Multa{Modalidade: 2, Perc: 200}, nil, "2.01"},
		// 10024 × 200 ÷ 10000 = 200.48 → 200
		{"multa 2% of 100.24 = 2.0048", "100.24", &pix.Multa{Modalidade: 2, Perc: 200}, nil, "2.00"},
		// 1 × 5000 ÷ 10000 = 0.5 → 1: the smallest amount rounds up too
		{"multa 50% of 0.01 = 0.005", "0.01", &pix.Multa{Modalidade: 2, Perc: 5000}, nil, "0.01"},
		// 15 × 1000 × 1 ÷ (10000 × 30) = 0.05 → 0
		{"juros 10% a.m. of 0.15 for a day = 0.0005", "0.15", nil, &pix.Juros{Modalidade: 3, Perc: 1000}, "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pix.RegrasCobV{
				Original: V(t, tt.original), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
				Multa: tt.multa, Juros: tt.juros,
			}
			got, err := r.ValorEm(D(t, "2025-03-11"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if s := (got.Multa + got.Juros).String(); s != tt.want {
				t.Errorf("multa + juros = %s, want %s (%s)", s, tt.want, fmtValor(got))
			}
		})
	}
}

func TestValorEmDueDateOnCarnavalAndSaturday(t *testing.T) {
	t.Run("Carnaval", func(t *testing.T) {
		// Due Monday 2026-02-16 (Carnaval): adjusted to Wednesday 2026-02-18
		// (Ash Wednesday is a business day). Validade 0: payable until the
		// 18th.
		r := pix.RegrasCobV{
			Original: V(t, "100.00"), Vencimento: D(t, "2026-02-16"), ValidadeAposVencimento: 0,
			Multa: &pix.Multa{Modalidade: pix.MultaValorFixo, Valor: V(t, "2.00")},
			Juros: &pix.Juros{Modalidade: pix.JurosValorDiasCorridos, Valor: V(t, "0.10")},
		}
		if got := r.VencimentoAjustado(nil); got != D(t, "2026-02-18") {
			t.Errorf("VencimentoAjustado = %v", got)
		}
		if got := r.UltimoDiaPagavel(nil); got != D(t, "2026-02-18") {
			t.Errorf("UltimoDiaPagavel = %v", got)
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2026-02-16", fin: "100.00"},
			{pagamento: "2026-02-17", fin: "100.00"},
			{pagamento: "2026-02-18", fin: "100.00"},
		})
		if _, err := r.ValorEm(D(t, "2026-02-19"), nil); !errors.Is(err, pix.ErrCobVForaDoPrazo) {
			t.Errorf("ValorEm(2026-02-19) = %v, want ErrCobVForaDoPrazo", err)
		}
		// Validade 5: 02-18 + 5 = Monday 02-23. On Thursday 19: 1 day late
		// from the adjusted date (0.10), multa 2.00.
		r.ValidadeAposVencimento = 5
		checkValor(t, r, []valorCase{
			{pagamento: "2026-02-19", multa: "2.00", juros: "0.10", fin: "102.10"},
			{pagamento: "2026-02-23", multa: "2.00", juros: "0.50", fin: "102.50"},
		})
		// Anticipation counts up to the adjusted date: Friday 02-13 → 5 days.
		r.Desconto = &pix.Desconto{Modalidade: pix.DescontoValorAntecipacaoCorrido, Valor: V(t, "0.10")}
		checkValor(t, r, []valorCase{{pagamento: "2026-02-13", desconto: "0.50", fin: "99.50"}})
	})

	t.Run("Saturday", func(t *testing.T) {
		// Due Saturday 2025-03-15 → Monday 17; validade 2 → Wednesday 19.
		r := pix.RegrasCobV{
			Original: V(t, "100.00"), Vencimento: D(t, "2025-03-15"), ValidadeAposVencimento: 2,
			Multa: &pix.Multa{Modalidade: pix.MultaPercentual, Perc: P(t, "2.00")},
			Juros: &pix.Juros{Modalidade: pix.JurosPercentualDiaDiasCorridos, Perc: P(t, "1.00")},
		}
		checkValor(t, r, []valorCase{
			{pagamento: "2025-03-16", fin: "100.00"},
			{pagamento: "2025-03-17", fin: "100.00"},
			{pagamento: "2025-03-18", multa: "2.00", juros: "1.00", fin: "103.00"},
			{pagamento: "2025-03-19", multa: "2.00", juros: "2.00", fin: "104.00"},
		})
		if _, err := r.ValorEm(D(t, "2025-03-20"), nil); !errors.Is(err, pix.ErrCobVForaDoPrazo) {
			t.Errorf("ValorEm(2025-03-20) = %v, want ErrCobVForaDoPrazo", err)
		}
	})
}

// TestUltimoDiaPagavelSpecExamples runs the seven examples (A–G) of the
// spec's validadeAposVencimento description: every "aceito" date is payable
// and the first "negado" date is not.
func TestUltimoDiaPagavelSpecExamples(t *testing.T) {
	tests := []struct {
		name       string
		vencimento string
		validade   int
		ultimo     string
	}{
		{"A", "2020-10-20", 4, "2020-10-26"},
		{"B", "2020-12-25", 0, "2020-12-28"},
		{"C", "2020-12-25", 1, "2020-12-29"},
		{"D", "2020-12-25", 3, "2020-12-31"},
		{"E", "2020-12-25", 4, "2021-01-04"},
		{"F", "2021-08-27", 5, "2021-09-01"},
		{"G", "2021-08-28", 5, "2021-09-06"},
		// The error catalog's DPP example (validade 10, DPP 2021-01-05 said
		// invalid) contradicts B–E; brasa follows the field description:
		// 2020-12-28 + 10 = Thursday 2021-01-07.
		{"ErrorCatalogDPP", "2020-12-25", 10, "2021-01-07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pix.RegrasCobV{Original: V(t, "1.00"), Vencimento: D(t, tt.vencimento), ValidadeAposVencimento: tt.validade}
			ultimo := D(t, tt.ultimo)
			if got := r.UltimoDiaPagavel(nil); got != ultimo {
				t.Fatalf("UltimoDiaPagavel = %v, want %v", got, ultimo)
			}
			for d := r.Vencimento; !d.After(ultimo); d = d.AddDays(1) {
				if _, err := r.ValorEm(d, nil); err != nil {
					t.Errorf("ValorEm(%v): %v, want aceito", d, err)
				}
			}
			if _, err := r.ValorEm(ultimo.AddDays(1), nil); !errors.Is(err, pix.ErrCobVForaDoPrazo) {
				t.Errorf("ValorEm(%v) = %v, want negado (ErrCobVForaDoPrazo)", ultimo.AddDays(1), err)
			}
		})
	}
}

func TestValorEmErrors(t *testing.T) {
	r := pix.RegrasCobV{Original: V(t, "100.00"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30}
	if _, err := r.ValorEm(pix.Data{}, nil); !errs.Is(err, errs.EInvalid) || errors.Is(err, pix.ErrCobVForaDoPrazo) {
		t.Errorf("ValorEm(zero date) = %v", err)
	}
	bad := r
	bad.Original = 0
	if _, err := bad.ValorEm(D(t, "2025-03-10"), nil); !errs.Is(err, errs.EInvalid) || errs.As(err).Violations[0].Property != "cobv.valor.original" {
		t.Errorf("ValorEm with invalid rules = %v, want the Validate error", err)
	}
	// Interest beyond what the wire can carry is an error, not a wrap-around.
	huge := pix.RegrasCobV{
		Original: pix.MaxCentavos, Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
		Juros: &pix.Juros{Modalidade: pix.JurosPercentualDiaDiasCorridos, Perc: pix.MaxPercentual},
	}
	if _, err := huge.ValorEm(D(t, "2025-04-01"), nil); !errs.Is(err, errs.EInvalid) || errors.Is(err, pix.ErrCobVForaDoPrazo) {
		t.Errorf("ValorEm(huge juros) = %v, want EInvalid", err)
	}
	// A large but representable original with small interest is fine.
	huge.Juros = &pix.Juros{Modalidade: pix.JurosValorDiasCorridos, Valor: 0}
	if v, err := huge.ValorEm(D(t, "2025-04-01"), nil); err != nil || v.Final != pix.MaxCentavos {
		t.Errorf("ValorEm(max original) = %v, %v", v, err)
	}
	if e := errs.As(pix.ErrCobVForaDoPrazo); e == nil || e.Kind != errs.EInvalid {
		t.Errorf("ErrCobVForaDoPrazo kind = %v", e)
	}
}

func TestValorEmWithExtras(t *testing.T) {
	// A municipal holiday of the payer (São Paulo, Thursday 2024-01-25) rolls
	// the due date and delays the multa.
	cal := &pix.Calendario{Extras: []pix.Feriado{{Data: D(t, "2024-01-25"), Nome: "Aniversário de São Paulo"}}}
	r := pix.RegrasCobV{
		Original: V(t, "100.00"), Vencimento: D(t, "2024-01-25"), ValidadeAposVencimento: 0,
		Multa: &pix.Multa{Modalidade: pix.MultaValorFixo, Valor: V(t, "2.00")},
	}
	if got := r.UltimoDiaPagavel(cal); got != D(t, "2024-01-26") {
		t.Errorf("UltimoDiaPagavel = %v", got)
	}
	v, err := r.ValorEm(D(t, "2024-01-26"), cal)
	if err != nil || v.Final != V(t, "100.00") {
		t.Errorf("ValorEm(2024-01-26) = %v, %v", fmtValor(v), err)
	}
	if _, err := r.ValorEm(D(t, "2024-01-26"), nil); !errors.Is(err, pix.ErrCobVForaDoPrazo) {
		t.Errorf("national calendar: ValorEm(2024-01-26) = %v, want ErrCobVForaDoPrazo", err)
	}
}

func validRegras(t *testing.T) pix.RegrasCobV {
	return pix.RegrasCobV{
		Original: V(t, "100.00"), Vencimento: D(t, "2025-03-10"), ValidadeAposVencimento: 30,
		Multa:      &pix.Multa{Modalidade: pix.MultaPercentual, Perc: P(t, "2.00")},
		Juros:      &pix.Juros{Modalidade: pix.JurosPercentualMesDiasCorridos, Perc: P(t, "1.00")},
		Abatimento: &pix.Abatimento{Modalidade: pix.AbatimentoValorFixo, Valor: V(t, "5.00")},
		Desconto: &pix.Desconto{Modalidade: pix.DescontoValorFixoAteData, DatasFixas: []pix.DescontoDataFixa{
			{Data: D(t, "2025-03-01"), Valor: V(t, "10.00")},
			{Data: D(t, "2025-03-10"), Valor: V(t, "5.00")},
		}},
	}
}

func properties(err error) []string {
	e := errs.As(err)
	if e == nil {
		return nil
	}
	var ps []string
	for _, v := range e.Violations {
		ps = append(ps, v.Property)
	}
	return ps
}

func TestValidate(t *testing.T) {
	if err := validRegras(t).Validate(); err != nil {
		t.Fatalf("valid rules: %v", err)
	}
	datas := func(ds ...pix.DescontoDataFixa) []pix.DescontoDataFixa { return ds }
	tests := []struct {
		name   string
		modify func(r *pix.RegrasCobV)
		want   []string
	}{
		{"OriginalZero", func(r *pix.RegrasCobV) { r.Original = 0 }, []string{"cobv.valor.original"}},
		{"OriginalTooLarge", func(r *pix.RegrasCobV) { r.Original = pix.MaxCentavos + 1 }, []string{"cobv.valor.original"}},
		{"VencimentoMissing", func(r *pix.RegrasCobV) { r.Vencimento = pix.Data{}; r.Desconto = nil }, []string{"cobv.calendario.dataDeVencimento"}},
		{"ValidadeNegative", func(r *pix.RegrasCobV) { r.ValidadeAposVencimento = -1 }, []string{"cobv.calendario.validadeAposVencimento"}},
		{"ValidadeZeroIsValid", func(r *pix.RegrasCobV) { r.ValidadeAposVencimento = 0 }, nil},
		{"MultaModalidade", func(r *pix.RegrasCobV) { r.Multa.Modalidade = 3 }, []string{"cobv.valor.multa.modalidade"}},
		{"MultaOver100", func(r *pix.RegrasCobV) { r.Multa.Perc = P(t, "100.01") }, []string{"cobv.valor.multa.valorPerc"}},
		{"Multa100IsValid", func(r *pix.RegrasCobV) { r.Multa.Perc = pix.CemPorCento }, nil},
		{"MultaWrongField", func(r *pix.RegrasCobV) { r.Multa = &pix.Multa{Modalidade: 1, Valor: 100, Perc: 100} }, []string{"cobv.valor.multa.valorPerc"}},
		{"MultaNegative", func(r *pix.RegrasCobV) { r.Multa = &pix.Multa{Modalidade: 1, Valor: -1} }, []string{"cobv.valor.multa.valorPerc"}},
		{"JurosModalidade0", func(r *pix.RegrasCobV) { r.Juros.Modalidade = 0 }, []string{"cobv.valor.juros.modalidade"}},
		{"JurosModalidade9", func(r *pix.RegrasCobV) { r.Juros.Modalidade = 9 }, []string{"cobv.valor.juros.modalidade"}},
		{"JurosWrongField", func(r *pix.RegrasCobV) { r.Juros = &pix.Juros{Modalidade: 2, Valor: 1} }, []string{"cobv.valor.juros.valorPerc"}},
		{"JurosHighRateIsValid", func(r *pix.RegrasCobV) { r.Juros = &pix.Juros{Modalidade: 4, Perc: P(t, "400.00")} }, nil},
		{"AbatimentoModalidade", func(r *pix.RegrasCobV) { r.Abatimento.Modalidade = 0 }, []string{"cobv.valor.abatimento.modalidade"}},
		{"AbatimentoEqualsOriginal", func(r *pix.RegrasCobV) {
			r.Abatimento.Valor = r.Original
			r.Desconto = nil
		}, []string{"cobv.valor.abatimento.valorPerc"}},
		{"Abatimento100Percent", func(r *pix.RegrasCobV) {
			r.Abatimento = &pix.Abatimento{Modalidade: 2, Perc: pix.CemPorCento}
		}, []string{"cobv.valor.abatimento.valorPerc"}},
		{"AbatimentoRoundsToOriginal", func(r *pix.RegrasCobV) {
			// 99.99 % of 0.01 = 0.009999 → 0.01: the whole charge.
			r.Original = 1
			r.Abatimento = &pix.Abatimento{Modalidade: 2, Perc: P(t, "99.99")}
			r.Desconto = nil
		}, []string{"cobv.valor.abatimento.valorPerc"}},
		{"DescontoModalidade", func(r *pix.RegrasCobV) { r.Desconto.Modalidade = 7 }, []string{"cobv.valor.desconto.modalidade"}},
		{"Desconto1WithValorPerc", func(r *pix.RegrasCobV) { r.Desconto.Valor = V(t, "1.00") }, []string{"cobv.valor.desconto.valorPerc"}},
		{"Desconto2WithoutDatas", func(r *pix.RegrasCobV) {
			r.Desconto = &pix.Desconto{Modalidade: 2}
		}, []string{"cobv.valor.desconto.descontoDataFixa"}},
		{"Desconto1FourDatas", func(r *pix.RegrasCobV) {
			r.Desconto.DatasFixas = datas(
				pix.DescontoDataFixa{Data: D(t, "2025-03-01"), Valor: 100}, pix.DescontoDataFixa{Data: D(t, "2025-03-02"), Valor: 100},
				pix.DescontoDataFixa{Data: D(t, "2025-03-03"), Valor: 100}, pix.DescontoDataFixa{Data: D(t, "2025-03-04"), Valor: 100})
		}, []string{"cobv.valor.desconto.descontoDataFixa"}},
		{"DescontoDateAfterVencimento", func(r *pix.RegrasCobV) {
			r.Desconto.DatasFixas[1].Data = D(t, "2025-03-11")
		}, []string{"cobv.valor.desconto.descontoDataFixa[1].data"}},
		{"DescontoDateMissing", func(r *pix.RegrasCobV) {
			r.Desconto.DatasFixas[0].Data = pix.Data{}
		}, []string{"cobv.valor.desconto.descontoDataFixa[0].data"}},
		{"DescontoDateRepeated", func(r *pix.RegrasCobV) {
			r.Desconto.DatasFixas[1].Data = r.Desconto.DatasFixas[0].Data
		}, []string{"cobv.valor.desconto.descontoDataFixa[1].data"}},
		{"Desconto1EntryEqualsOriginal", func(r *pix.RegrasCobV) {
			r.Abatimento = nil
			r.Desconto.DatasFixas[0].Valor = r.Original
		}, []string{"cobv.valor.desconto.descontoDataFixa[0].valorPerc"}},
		{"Desconto1PlusAbatimentoReachesOriginal", func(r *pix.RegrasCobV) {
			r.Abatimento.Valor = V(t, "60.00")
			r.Desconto.DatasFixas[0].Valor = V(t, "40.00")
		}, []string{"cobv.valor.desconto.descontoDataFixa[0].valorPerc"}},
		{"Desconto2Entry100Percent", func(r *pix.RegrasCobV) {
			r.Desconto = &pix.Desconto{Modalidade: 2, DatasFixas: datas(pix.DescontoDataFixa{Data: D(t, "2025-03-01"), Perc: pix.CemPorCento})}
		}, []string{"cobv.valor.desconto.descontoDataFixa[0].valorPerc"}},
		{"Desconto2EntryWrongField", func(r *pix.RegrasCobV) {
			r.Desconto = &pix.Desconto{Modalidade: 2, DatasFixas: datas(pix.DescontoDataFixa{Data: D(t, "2025-03-01"), Valor: 100})}
		}, []string{"cobv.valor.desconto.descontoDataFixa[0].valorPerc"}},
		{"Desconto3WithoutValorPerc", func(r *pix.RegrasCobV) {
			r.Desconto = &pix.Desconto{Modalidade: 3}
		}, []string{"cobv.valor.desconto.valorPerc"}},
		{"Desconto6WithoutValorPerc", func(r *pix.RegrasCobV) {
			r.Desconto = &pix.Desconto{Modalidade: 6}
		}, []string{"cobv.valor.desconto.valorPerc"}},
		{"Desconto5WithDatas", func(r *pix.RegrasCobV) {
			r.Desconto.Modalidade = 5
			r.Desconto.Perc = P(t, "0.10")
		}, []string{"cobv.valor.desconto.descontoDataFixa"}},
		{"Desconto4PerDayEqualsOriginal", func(r *pix.RegrasCobV) {
			r.Desconto = &pix.Desconto{Modalidade: 4, Valor: r.Original}
		}, []string{"cobv.valor.desconto.valorPerc"}},
		{"Desconto6PerDay100Percent", func(r *pix.RegrasCobV) {
			r.Desconto = &pix.Desconto{Modalidade: 6, Perc: pix.CemPorCento}
		}, []string{"cobv.valor.desconto.valorPerc"}},
		{"Desconto3WrongField", func(r *pix.RegrasCobV) {
			r.Desconto = &pix.Desconto{Modalidade: 3, Perc: 10}
		}, []string{"cobv.valor.desconto.valorPerc"}},
		{"EverythingAtOnce", func(r *pix.RegrasCobV) {
			*r = pix.RegrasCobV{
				ValidadeAposVencimento: -5,
				Multa:                  &pix.Multa{Modalidade: 3},
				Juros:                  &pix.Juros{Modalidade: 9},
				Abatimento:             &pix.Abatimento{Modalidade: 0},
				Desconto:               &pix.Desconto{Modalidade: 7},
			}
		}, []string{
			"cobv.valor.original", "cobv.calendario.dataDeVencimento", "cobv.calendario.validadeAposVencimento",
			"cobv.valor.multa.modalidade", "cobv.valor.juros.modalidade", "cobv.valor.abatimento.modalidade",
			"cobv.valor.desconto.modalidade",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRegras(t)
			tt.modify(&r)
			err := r.Validate()
			if got := properties(err); !slices.Equal(got, tt.want) {
				t.Fatalf("Validate() violations = %q, want %q (err: %v)", got, tt.want, err)
			}
			if err != nil {
				if e := errs.As(err); e.Kind != errs.EInvalid || e.Message == "" {
					t.Errorf("Validate() = %#v, want an EInvalid error with a message", e)
				}
				for _, v := range errs.As(err).Violations {
					if v.Reason == "" {
						t.Errorf("violation of %s has no reason", v.Property)
					}
				}
			}
		})
	}
}

// randomRegras draws rules that are valid by construction or filtered by
// Validate: any modalidade, with and without abatimento and desconto.
func randomRegras(r *rand.Rand) pix.RegrasCobV {
	start := pix.Data{Ano: 2024, Mes: 1, Dia: 1}
	for {
		orig := pix.Centavos(1 + r.Int64N(5_000_000))
		rg := pix.RegrasCobV{
			Original:               orig,
			Vencimento:             start.AddDays(r.IntN(4 * 365)),
			ValidadeAposVencimento: r.IntN(61),
		}
		money := func(limit pix.Centavos) pix.Centavos { return pix.Centavos(r.Int64N(int64(limit) + 1)) }
		perc := func(limit pix.Percentual) pix.Percentual { return pix.Percentual(r.Int64N(int64(limit) + 1)) }
		if r.IntN(3) > 0 {
			m := &pix.Multa{Modalidade: 1 + r.IntN(2)}
			if m.Modalidade == 1 {
				m.Valor = money(orig)
			} else {
				m.Perc = perc(pix.CemPorCento)
			}
			rg.Multa = m
		}
		if r.IntN(3) > 0 {
			j := &pix.Juros{Modalidade: 1 + r.IntN(8)}
			if j.Modalidade == 1 || j.Modalidade == 5 {
				j.Valor = money(orig / 10)
			} else {
				j.Perc = perc(5000)
			}
			rg.Juros = j
		}
		if r.IntN(3) == 0 {
			a := &pix.Abatimento{Modalidade: 1 + r.IntN(2)}
			if a.Modalidade == 1 {
				a.Valor = money(orig - 1)
			} else {
				a.Perc = perc(pix.CemPorCento - 1)
			}
			rg.Abatimento = a
		}
		if r.IntN(3) > 0 {
			d := &pix.Desconto{Modalidade: 1 + r.IntN(6)}
			switch d.Modalidade {
			case 1, 2:
				for range 1 + r.IntN(3) {
					e := pix.DescontoDataFixa{Data: rg.Vencimento.AddDays(-r.IntN(40))}
					if d.Modalidade == 1 {
						e.Valor = money(orig - 1)
					} else {
						e.Perc = perc(pix.CemPorCento - 1)
					}
					d.DatasFixas = append(d.DatasFixas, e)
				}
			case 3, 4:
				d.Valor = 1 + money(orig/5)
			default:
				d.Perc = 1 + perc(2000)
			}
			rg.Desconto = d
		}
		if rg.Validate() == nil {
			return rg
		}
	}
}

// TestValorEmProperties checks, for random valid rules and dates, that
// ValorEm is consistent: Final = Original − Abatimento − Desconto + Multa +
// Juros, Final >= 0.01, no component is negative, late charges and discounts
// never mix, the result is deterministic, late charges never decrease with
// the payment date, and dates after UltimoDiaPagavel are refused.
func TestValorEmProperties(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	var cal pix.Calendario
	for range 3000 {
		rg := randomRegras(rnd)
		venc := rg.VencimentoAjustado(&cal)
		ultimo := rg.UltimoDiaPagavel(&cal)
		if ultimo.Before(venc) || !cal.DiaUtil(ultimo) || !cal.DiaUtil(venc) {
			t.Fatalf("venc %v, ultimo %v for %+v", venc, ultimo, rg)
		}
		var prevLate pix.Centavos
		for d := rg.Vencimento.AddDays(-45); !d.After(ultimo.AddDays(3)); d = d.AddDays(1 + rnd.IntN(4)) {
			v, err := rg.ValorEm(d, &cal)
			if d.After(ultimo) {
				if !errors.Is(err, pix.ErrCobVForaDoPrazo) {
					t.Fatalf("ValorEm(%v) after %v = %v, want ErrCobVForaDoPrazo", d, ultimo, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("ValorEm(%v): %v\nrules %+v", d, err, rg)
			}
			if v.Original != rg.Original {
				t.Fatalf("Original = %v, want %v", v.Original, rg.Original)
			}
			if v.Final != v.Original-v.Abatimento-v.Desconto+v.Multa+v.Juros {
				t.Fatalf("Final %v != %v − %v − %v + %v + %v", v.Final, v.Original, v.Abatimento, v.Desconto, v.Multa, v.Juros)
			}
			if v.Final < 1 || v.Multa < 0 || v.Juros < 0 || v.Abatimento < 0 || v.Desconto < 0 || !v.Final.Valid() {
				t.Fatalf("ValorEm(%v) = %s", d, fmtValor(v))
			}
			if d.After(venc) {
				if v.Desconto != 0 {
					t.Fatalf("late payment %v got desconto %v", d, v.Desconto)
				}
				if late := v.Multa + v.Juros; late < prevLate {
					t.Fatalf("late charges decreased on %v: %v < %v", d, late, prevLate)
				} else {
					prevLate = late
				}
			} else if v.Multa != 0 || v.Juros != 0 {
				t.Fatalf("on-time payment %v (venc %v) got multa %v juros %v", d, venc, v.Multa, v.Juros)
			}
			if again, _ := rg.ValorEm(d, nil); again != v {
				t.Fatalf("ValorEm(%v) not deterministic: %v vs %v", d, again, v)
			}
		}
	}
}
