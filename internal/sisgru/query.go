package sisgru

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/brasa-dev/brasa/internal/errs"
)

// Page sizes of the lists (seed: page_size default and maximum 30000).
const (
	MaxPageSize     = 30000
	DefaultPageSize = MaxPageSize
)

// The list parameters (seed: "Query Parameters").
const (
	ParamQ             = "q"
	ParamFields        = "fields"
	ParamFieldsExclude = "fields_exclude"
	ParamSort          = "sort"
	ParamOffset        = "offset"
	ParamPageSize      = "page_size"
)

// Order is one sort key: a leaf (by [Field.Index]) and its direction.
type Order struct {
	Leaf int
	Desc bool
}

// Cond restricts a leaf to the values [Lo, Hi], both inclusive (Lo == Hi
// for equality). Text is only compared for equality.
type Cond struct {
	Leaf   int
	Kind   Kind
	Lo, Hi Value
	// FromDay and ToDay are the days a date or timestamp condition names
	// (for a timestamp, Lo and Hi are the microseconds of those days in
	// Brasília), so that stores may count by day.
	FromDay, ToDay Date
}

// Query is what a store reads for a list: the records matching every Cond
// (and, when Scoped, whose UG is in Scope), in Sort order, the page
// [Offset, Offset+Limit), loading the leaves in Columns.
type Query struct {
	Conds   []Cond
	Scoped  bool
	Scope   []string
	Sort    []Order
	Offset  int64
	Limit   int
	Columns ColumnSet
}

// Cond returns the condition on leaf, or nil.
func (q *Query) Cond(leaf int) *Cond {
	for i := range q.Conds {
		if q.Conds[i].Leaf == leaf {
			return &q.Conds[i]
		}
	}
	return nil
}

// List is a parsed list request of a resource.
type List[T any] struct {
	Query Query
	// Shown are the top-level elements to write, in element order.
	Shown []*Field[T]
	// Carry are the parameters the Link header repeats (q, fields,
	// fields_exclude, sort), as received.
	Carry url.Values
}

// unprocessable returns the EUnprocessable error (422) with message msg.
func unprocessable(msg string) error { return &errs.Error{Kind: errs.EUnprocessable, Message: msg} }

// quote returns s for an error message, cut to 60 characters.
func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return "'" + s + "'"
}

// ParseList parses the query parameters of a list request as the seed
// documents them. q is required: one value, percent-decoded once by the URL
// parser, then split on '&' into <element>=<value> filters (at least one).
// A filter names a top-level element (an object by its own name, matching its
// key child), compares equality, and for date and timestamp elements takes a
// day dd/MM/yyyy or a range dd/MM/yyyy-dd/MM/yyyy (months MM/yyyy likewise).
// fields and fields_exclude are comma lists of element names (unknown names
// are ignored [G]); sort is "col[ asc|desc],..." (id is always the last key,
// so the order is total); offset >= 0, page_size 1..30000. Every problem is
// an EUnprocessable error whose message says which (422).
func ParseList[T any](s *Schema[T], v url.Values) (*List[T], error) {
	l := &List[T]{Carry: url.Values{}}
	for _, p := range []string{ParamQ, ParamFields, ParamFieldsExclude, ParamSort} {
		if x, ok := v[p]; ok && len(x) > 0 {
			l.Carry.Set(p, x[0])
		}
	}
	// A filter outside q is a client that did not encode q: its filters
	// after the first '&' would be silently dropped.
	for name := range v {
		if s.Field(name) != nil {
			return nil, unprocessable("Filtro " + quote(name) + " fora do parâmetro q: os filtros devem ser informados em q, no formato <parametro>=<valor>, separados por \"&\" e codificados (Codificação por Cento).")
		}
	}

	conds, err := parseQ(s, v.Get(ParamQ))
	if err != nil {
		return nil, err
	}
	l.Query.Conds = conds
	if l.Query.Sort, err = parseSort(s, v.Get(ParamSort)); err != nil {
		return nil, err
	}
	if l.Query.Offset, err = parseInt(v.Get(ParamOffset), 0, 0, 1<<62,
		"Parâmetro offset inválido: informe um inteiro maior ou igual a 0."); err != nil {
		return nil, err
	}
	size, err := parseInt(v.Get(ParamPageSize), DefaultPageSize, 1, MaxPageSize,
		"Parâmetro page_size inválido: informe um inteiro entre 1 e "+strconv.Itoa(MaxPageSize)+".")
	if err != nil {
		return nil, err
	}
	l.Query.Limit = int(size)
	l.Shown = parseFields(s, v.Get(ParamFields), v.Get(ParamFieldsExclude))
	l.Query.Columns = s.Columns(l.Shown) | 1<<uint(s.ID.Index)
	return l, nil
}

// parseInt parses an optional integer parameter in [lo, hi].
func parseInt(raw string, def, lo, hi int64, msg string) (int64, error) {
	if raw == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, unprocessable(msg)
	}
	return n, nil
}

// parseQ parses the decoded value of q.
func parseQ[T any](s *Schema[T], q string) ([]Cond, error) {
	if strings.TrimSpace(q) == "" {
		return nil, unprocessable(MsgRequired)
	}
	var conds []Cond
	seen := map[string]bool{}
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok || name == "" {
			return nil, unprocessable("Filtro inválido: " + quote(part) + ". Informe os filtros no formato <parametro>=<valor>.")
		}
		f := s.Field(name)
		if f == nil {
			return nil, unprocessable("Filtro desconhecido: " + quote(name) + ".")
		}
		if seen[name] {
			return nil, unprocessable("Filtro repetido: " + quote(name) + ".")
		}
		seen[name] = true
		c, ok := parseCond(f.Leaf(), value)
		if !ok {
			return nil, unprocessable("Valor inválido para o filtro " + quote(name) + ": " + quote(value) + ".")
		}
		conds = append(conds, c)
	}
	if len(conds) == 0 {
		return nil, unprocessable("Pelo menos um filtro é obrigatório.")
	}
	return conds, nil
}

// parseCond parses one filter value for leaf f.
func parseCond[T any](f *Field[T], value string) (Cond, bool) {
	c := Cond{Leaf: f.Index, Kind: f.Kind}
	switch f.Kind {
	case KindText:
		if value == "" || (f.check != nil && !f.check(value)) {
			return c, false
		}
		c.Lo.S, c.Hi.S = value, value
	case KindInt:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || value[0] == '+' {
			return c, false
		}
		c.Lo.N, c.Hi.N = n, n
	case KindMoney:
		n, ok := ParseMoney(value)
		if !ok {
			return c, false
		}
		c.Lo.N, c.Hi.N = n, n
	case KindDate, KindTimestamp:
		d1, d2, ok := parseRange(value, ParseDate)
		if !ok {
			return c, false
		}
		c.FromDay, c.ToDay = d1, d2
		if f.Kind == KindDate {
			c.Lo.N, c.Hi.N = int64(d1), int64(d2)
		} else {
			c.Lo.N, c.Hi.N = d1.Start().UnixMicro(), d2.AddDays(1).Start().UnixMicro()-1
		}
	case KindMonth:
		m1, m2, ok := parseRange(value, ParseMonth)
		if !ok {
			return c, false
		}
		c.Lo.N, c.Hi.N = int64(m1), int64(m2)
	default:
		return c, false
	}
	return c, true
}

// parseRange parses "a" or "a-b" with parse, a <= b.
func parseRange[V ~int32](value string, parse func(string) (V, bool)) (V, V, bool) {
	a, b, isRange := strings.Cut(value, "-")
	lo, ok := parse(a)
	if !ok {
		return 0, 0, false
	}
	if !isRange {
		return lo, lo, true
	}
	hi, ok := parse(b)
	if !ok || hi < lo {
		return 0, 0, false
	}
	return lo, hi, true
}

// parseSort parses "col[ asc|desc],...". The default is s.DefaultSort; id
// ends every order.
func parseSort[T any](s *Schema[T], raw string) ([]Order, error) {
	if strings.TrimSpace(raw) == "" {
		return append([]Order(nil), s.DefaultSort...), nil
	}
	var out []Order
	seen := map[int]bool{}
	for _, part := range strings.Split(raw, ",") {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		f := s.Field(words[0])
		if f == nil {
			return nil, unprocessable("Parâmetro sort inválido: coluna desconhecida " + quote(words[0]) + ".")
		}
		o := Order{Leaf: f.Leaf().Index}
		if len(words) > 2 {
			return nil, unprocessable("Parâmetro sort inválido: " + quote(strings.TrimSpace(part)) + ". Use <coluna> ou <coluna> desc.")
		}
		if len(words) == 2 {
			switch strings.ToLower(words[1]) {
			case "asc":
			case "desc":
				o.Desc = true
			default:
				return nil, unprocessable("Parâmetro sort inválido: direção " + quote(words[1]) + " (use asc ou desc).")
			}
		}
		if seen[o.Leaf] {
			return nil, unprocessable("Parâmetro sort inválido: coluna repetida " + quote(words[0]) + ".")
		}
		seen[o.Leaf] = true
		out = append(out, o)
	}
	if len(out) == 0 {
		return append([]Order(nil), s.DefaultSort...), nil
	}
	if !seen[s.ID.Index] {
		out = append(out, Order{Leaf: s.ID.Index})
	}
	return out, nil
}

// parseFields returns the top-level elements to write: those in fields
// (all when fields names none that exists), minus those in exclude.
func parseFields[T any](s *Schema[T], fields, exclude string) []*Field[T] {
	include := map[string]bool{}
	for _, n := range strings.Split(fields, ",") {
		if n = strings.TrimSpace(n); s.Field(n) != nil {
			include[n] = true
		}
	}
	drop := map[string]bool{}
	for _, n := range strings.Split(exclude, ",") {
		drop[strings.TrimSpace(n)] = true
	}
	var out []*Field[T]
	for _, f := range s.Fields {
		if (len(include) == 0 || include[f.Name]) && !drop[f.Name] {
			out = append(out, f)
		}
	}
	return out
}
