package sisgru_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/sisgru"
)

var (
	G = sisgru.GRUs
	P = sisgru.Pagamentos
)

func leaf[T any](s *sisgru.Schema[T], path string) int { return s.LeafByPath(path).Index }

func text(l int, v string) sisgru.Cond {
	return sisgru.Cond{Leaf: l, Kind: sisgru.KindText, Lo: sisgru.Value{S: v}, Hi: sisgru.Value{S: v}}
}

func num(l int, k sisgru.Kind, lo, hi int64) sisgru.Cond {
	return sisgru.Cond{Leaf: l, Kind: k, Lo: sisgru.Value{N: lo}, Hi: sisgru.Value{N: hi}}
}

func TestParseQ(t *testing.T) {
	d1, d2 := sisgru.Date(20210701), sisgru.Date(20210731)
	dateRange := num(leaf(G, "dtEmissao"), sisgru.KindDate, int64(d1), int64(d2))
	dateRange.FromDay, dateRange.ToDay = d1, d2
	oneDay := num(leaf(P, "data"), sisgru.KindTimestamp, d1.Start().UnixMicro(), d1.AddDays(1).Start().UnixMicro()-1)
	oneDay.FromDay, oneDay.ToDay = d1, d1
	for _, tc := range []struct {
		name   string
		schema string // "g" or "p"
		q      string
		want   []sisgru.Cond
	}{
		{"notes example", "g", "ugArrecadadora=123456&situacao=02&dtEmissao=01/07/2021-31/07/2021",
			[]sisgru.Cond{text(leaf(G, "ugArrecadadora"), "123456"), text(leaf(G, "situacao"), "02"), dateRange}},
		{"seed example", "g", "ugEmitente=123456&recolhimento=654321",
			[]sisgru.Cond{text(leaf(G, "ugEmitente"), "123456"), num(leaf(G, "recolhimento"), sisgru.KindInt, 654321, 654321)}},
		{"nested object by parent name", "p", "ug=158461&data=01/07/2021",
			[]sisgru.Cond{text(leaf(P, "ug.codigo"), "158461"), oneDay}},
		{"money and month", "g", "vlTotal=10.5&dataCompetencia=01/2021-06/2021",
			[]sisgru.Cond{num(leaf(G, "vlTotal"), sisgru.KindMoney, 1050, 1050), num(leaf(G, "dataCompetencia"), sisgru.KindMonth, 202101, 202106)}},
		{"empty segments skipped", "p", "&servico=16279&&tipoPagamento=PX&",
			[]sisgru.Cond{num(leaf(P, "servico.id"), sisgru.KindInt, 16279, 16279), text(leaf(P, "tipoPagamento.codigo"), "PX")}},
		{"value holding =", "g", "observacao=a=b",
			[]sisgru.Cond{text(leaf(G, "observacao"), "a=b")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var conds []sisgru.Cond
			var err error
			v := url.Values{"q": {tc.q}}
			if tc.schema == "g" {
				var l *sisgru.List[sisgru.GRU]
				if l, err = sisgru.ParseList(G, v); err == nil {
					conds = l.Query.Conds
				}
			} else {
				var l *sisgru.List[sisgru.Pagamento]
				if l, err = sisgru.ParseList(P, v); err == nil {
					conds = l.Query.Conds
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(conds, tc.want) {
				t.Errorf("conds\n got %+v\nwant %+v", conds, tc.want)
			}
		})
	}
}

// TestParseListErrors checks every 422 of the list parameters, message
// verbatim.
func TestParseListErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query string // raw query string
		msg   string
	}{
		{"q absent", "", "Parâmetro obrigatório."},
		{"q empty", "q=", "Parâmetro obrigatório."},
		{"q blank", "q=%20", "Parâmetro obrigatório."},
		{"q without filters", "q=%26%26", "Pelo menos um filtro é obrigatório."},
		{"filter without =", "q=ugArrecadadora", "Filtro inválido: 'ugArrecadadora'. Informe os filtros no formato <parametro>=<valor>."},
		{"filter without name", "q=%3D158461", "Filtro inválido: '=158461'. Informe os filtros no formato <parametro>=<valor>."},
		{"unknown filter", "q=foo%3D1", "Filtro desconhecido: 'foo'."},
		{"nested path not a filter", "q=ug.codigo%3D158461", "Filtro desconhecido: 'ug.codigo'."},
		{"repeated filter", "q=situacao%3D02%26situacao%3D03", "Filtro repetido: 'situacao'."},
		{"UG not six digits", "q=ugArrecadadora%3D12345", "Valor inválido para o filtro 'ugArrecadadora': '12345'."},
		{"situacao not two digits", "q=situacao%3D2", "Valor inválido para o filtro 'situacao': '2'."},
		{"empty value", "q=situacao%3D", "Valor inválido para o filtro 'situacao': ''."},
		{"bad date", "q=dtEmissao%3D2021-07-01", "Valor inválido para o filtro 'dtEmissao': '2021-07-01'."},
		{"date that does not exist", "q=dtEmissao%3D31%2F02%2F2021", "Valor inválido para o filtro 'dtEmissao': '31/02/2021'."},
		{"reversed range", "q=dtEmissao%3D31%2F07%2F2021-01%2F07%2F2021", "Valor inválido para o filtro 'dtEmissao': '31/07/2021-01/07/2021'."},
		{"open range", "q=dtEmissao%3D01%2F07%2F2021-", "Valor inválido para o filtro 'dtEmissao': '01/07/2021-'."},
		{"bad integer", "q=recolhimento%3D28830-6", "Valor inválido para o filtro 'recolhimento': '28830-6'."},
		{"range on an integer", "q=exercicio%3D2020-2021", "Valor inválido para o filtro 'exercicio': '2020-2021'."},
		{"bad money", "q=vlTotal%3D10%2C50", "Valor inválido para o filtro 'vlTotal': '10,50'."},
		{"bad month", "q=dataCompetencia%3D2021-07", "Valor inválido para o filtro 'dataCompetencia': '2021-07'."},
		{"filter outside q (q not encoded)", "q=ugArrecadadora=158461&dtEmissao=01/07/2021",
			"Filtro 'dtEmissao' fora do parâmetro q: os filtros devem ser informados em q, no formato <parametro>=<valor>, separados por \"&\" e codificados (Codificação por Cento)."},
		{"negative offset", "q=situacao%3D02&offset=-1", "Parâmetro offset inválido: informe um inteiro maior ou igual a 0."},
		{"offset not a number", "q=situacao%3D02&offset=a", "Parâmetro offset inválido: informe um inteiro maior ou igual a 0."},
		{"page_size 0", "q=situacao%3D02&page_size=0", "Parâmetro page_size inválido: informe um inteiro entre 1 e 30000."},
		{"page_size 30001", "q=situacao%3D02&page_size=30001", "Parâmetro page_size inválido: informe um inteiro entre 1 e 30000."},
		{"unknown sort column", "q=situacao%3D02&sort=foo", "Parâmetro sort inválido: coluna desconhecida 'foo'."},
		{"bad sort direction", "q=situacao%3D02&sort=vlTotal%20down", "Parâmetro sort inválido: direção 'down' (use asc ou desc)."},
		{"sort with three words", "q=situacao%3D02&sort=vlTotal%20desc%20x", "Parâmetro sort inválido: 'vlTotal desc x'. Use <coluna> ou <coluna> desc."},
		{"repeated sort column", "q=situacao%3D02&sort=vlTotal,vlTotal%20desc", "Parâmetro sort inválido: coluna repetida 'vlTotal'."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			_, err = sisgru.ParseList(G, v)
			e := errs.As(err)
			if e == nil || e.Kind != errs.EUnprocessable || e.Message != tc.msg {
				t.Fatalf("ParseList(%s) = %v, want 422 %q", tc.query, err, tc.msg)
			}
		})
	}
}

func TestParseSort(t *testing.T) {
	id, data := leaf(P, "id"), leaf(P, "data")
	for _, tc := range []struct {
		sort string
		want []sisgru.Order
	}{
		{"", []sisgru.Order{{Leaf: data}, {Leaf: id}}},
		{"data,valorTotal desc", []sisgru.Order{{Leaf: data}, {Leaf: leaf(P, "valorTotal"), Desc: true}, {Leaf: id}}},
		{" ug DESC , id asc", []sisgru.Order{{Leaf: leaf(P, "ug.codigo"), Desc: true}, {Leaf: id}}},
		{"id desc", []sisgru.Order{{Leaf: id, Desc: true}}},
		{",,", []sisgru.Order{{Leaf: data}, {Leaf: id}}},
	} {
		l, err := sisgru.ParseList(P, url.Values{"q": {"ug=158461"}, "sort": {tc.sort}})
		if err != nil {
			t.Fatalf("sort %q: %v", tc.sort, err)
		}
		if !reflect.DeepEqual(l.Query.Sort, tc.want) {
			t.Errorf("sort %q = %+v, want %+v", tc.sort, l.Query.Sort, tc.want)
		}
	}
}

func TestParseFieldsAndPaging(t *testing.T) {
	names := func(fs []*sisgru.Field[sisgru.Pagamento]) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Name)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		fields, exclude, want string
	}{
		{"", "", "id,codigo,ug,tipoServico,servico,data,dataPagamentoPSP,dataVencimento,competencia,numeroTransacaoPSP,recolhimento,codigoContribuinte,nomeContribuinte,numeroReferencia,tipoPagamento,provedorPagamento,situacao,valorTotal,dataAlteracaoSituacaoPagTesouro,ispb,formaUtilizacaoPagTesouro"},
		{"valorTotal, ug,numAutBancaria", "", "ug,valorTotal"}, // element order, unknown ignored
		{"nada,nenhum", "", "id,codigo,ug,tipoServico,servico,data,dataPagamentoPSP,dataVencimento,competencia,numeroTransacaoPSP,recolhimento,codigoContribuinte,nomeContribuinte,numeroReferencia,tipoPagamento,provedorPagamento,situacao,valorTotal,dataAlteracaoSituacaoPagTesouro,ispb,formaUtilizacaoPagTesouro"},
		{"id,ug,situacao", "ug", "id,situacao"},
		{"", "ug,recolhimento,tipoServico,servico,tipoPagamento,provedorPagamento,id,codigo,data,dataPagamentoPSP,dataVencimento,competencia,numeroTransacaoPSP,codigoContribuinte,nomeContribuinte,numeroReferencia,situacao,valorTotal,dataAlteracaoSituacaoPagTesouro,ispb", "formaUtilizacaoPagTesouro"},
	} {
		l, err := sisgru.ParseList(P, url.Values{"q": {"ug=158461"}, "fields": {tc.fields}, "fields_exclude": {tc.exclude}})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(l.Shown); got != tc.want {
			t.Errorf("fields=%q fields_exclude=%q shows %s, want %s", tc.fields, tc.exclude, got, tc.want)
		}
		if !l.Query.Columns.Has(P.ID.Index) {
			t.Errorf("id not loaded")
		}
	}
	l, err := sisgru.ParseList(P, url.Values{"q": {"ug=158461"}, "fields": {"ug"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"ug.codigo", "ug.exercicio", "ug.nome", "id"} {
		if !l.Query.Columns.Has(leaf(P, p)) {
			t.Errorf("fields=ug does not load %s", p)
		}
	}
	if l.Query.Columns.Has(leaf(P, "valorTotal")) {
		t.Errorf("fields=ug loads valorTotal")
	}
	if l.Query.Offset != 0 || l.Query.Limit != 30000 {
		t.Errorf("default paging %d/%d, want 0/30000", l.Query.Offset, l.Query.Limit)
	}
	l, err = sisgru.ParseList(P, url.Values{"q": {"ug=158461"}, "offset": {"900"}, "page_size": {"1"}, "sort": {"data desc"}, "other": {"x"}})
	if err != nil || l.Query.Offset != 900 || l.Query.Limit != 1 {
		t.Fatalf("paging: %+v %v", l, err)
	}
	if want := (url.Values{"q": {"ug=158461"}, "sort": {"data desc"}}); !reflect.DeepEqual(l.Carry, want) {
		t.Errorf("carried %v, want %v", l.Carry, want)
	}
}

func TestAuthorize(t *testing.T) {
	p := &sisgru.Principal{UGs: []string{"153114", "158461"}}
	for _, tc := range []struct {
		q      string
		err    bool
		scoped bool
	}{
		{"ugArrecadadora=158461", false, false},
		{"ugEmitente=153114&dtEmissao=01/07/2021", false, false},
		{"ugArrecadadora=158461&ugEmitente=200143", true, false},
		{"ugArrecadadora=200143", true, false},
		{"codigoRecolhedor=52998224725", false, true},
	} {
		l, err := sisgru.ParseList(G, url.Values{"q": {tc.q}})
		if err != nil {
			t.Fatal(err)
		}
		err = sisgru.Authorize(G, p, &l.Query)
		if (err != nil) != tc.err || (err != nil && err.Error() != sisgru.ErrForbidden.Error()) {
			t.Errorf("Authorize(%s) = %v, want error %v", tc.q, err, tc.err)
		}
		if err == nil && (l.Query.Scoped != tc.scoped || (tc.scoped && !reflect.DeepEqual(l.Query.Scope, p.UGs))) {
			t.Errorf("Authorize(%s): scoped %v %v", tc.q, l.Query.Scoped, l.Query.Scope)
		}
	}
	g := &sisgru.GRU{UGArrecadadora: "999999", UGEmitente: "158461"}
	if !sisgru.Visible(G, p, g) {
		t.Error("a GRU issued by one of the principal's UGs is not visible")
	}
	g.UGEmitente = "999998"
	if sisgru.Visible(G, p, g) {
		t.Error("a GRU of other UGs is visible")
	}
}

func FuzzParseList(f *testing.F) {
	for _, s := range []string{
		"q=ugArrecadadora%3D123456%26situacao%3D02%26dtEmissao%3D01%2F07%2F2021-31%2F07%2F2021",
		"q=ug%3D158461&sort=data,valorTotal%20desc&fields=ug,valorTotal&offset=10&page_size=5",
		"q=vlTotal%3D1.5%26dataCompetencia%3D01%2F2021-02%2F2021",
		"q=%26%3D%3D%26",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, parse := range []func() error{
			func() error { _, err := sisgru.ParseList(G, v); return err },
			func() error { _, err := sisgru.ParseList(P, v); return err },
		} {
			if err := parse(); err != nil && !errs.Is(err, errs.EUnprocessable) {
				t.Fatalf("ParseList(%q): %v is not a 422", raw, err)
			}
		}
		l, err := sisgru.ParseList(G, v)
		if err != nil {
			return
		}
		if len(l.Query.Conds) == 0 || l.Query.Limit < 1 || l.Query.Limit > sisgru.MaxPageSize || l.Query.Offset < 0 {
			t.Fatalf("ParseList(%q) accepted %+v", raw, l.Query)
		}
		for _, c := range l.Query.Conds {
			if c.Kind != sisgru.KindText && c.Lo.N > c.Hi.N {
				t.Fatalf("ParseList(%q): range %+v", raw, c)
			}
		}
	})
}
