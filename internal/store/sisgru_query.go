package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/brasa-dev/brasa/internal/sisgru"
)

// maxSISGRURows is how many records one INSERT of InsertGRUs holds: 500 × 37
// parameters stays under both engines' limits (SQLite 32766, PostgreSQL
// 65535).
const maxSISGRURows = 500

// sisgruSQL returns query in the engine's placeholder style without keeping
// it: for queries whose text varies with the request (filters, sorts, batch
// sizes), which would otherwise grow the caches of [session.q] and
// [session.stmt] without bound.
func (s *session) sisgruSQL(query string) string {
	if s.sh.placeholder == PlaceholderQuestion {
		return query
	}
	return rebind(query)
}

// sisgruArg returns v as a query argument for a leaf of kind k.
func sisgruArg(k sisgru.Kind, v sisgru.Value) any {
	if k == sisgru.KindText {
		return v.S
	}
	return v.N
}

// sisgruMarks returns n comma-separated '?'.
func sisgruMarks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// insertSISGRU inserts rows into t with multi-row INSERTs and adds them to c.
func insertSISGRU[T any](ctx context.Context, s *session, t *sisgruTable[T], rows []T, c sisgruCounts) error {
	head := `INSERT INTO ` + t.name + ` (` + strings.Join(t.cols, ", ") + `) VALUES `
	row := "(" + sisgruMarks(len(t.cols)) + ")"
	leaves := t.schema.Leaves
	for len(rows) > 0 {
		batch := rows[:min(len(rows), maxSISGRURows)]
		rows = rows[len(batch):]
		var b strings.Builder
		b.Grow(len(head) + len(batch)*(len(row)+2))
		b.WriteString(head)
		args := make([]any, 0, len(batch)*len(leaves))
		for i := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			for _, f := range leaves {
				args = append(args, sisgruArg(f.Kind, f.Get(&batch[i])))
			}
			t.count(c, s, &batch[i])
		}
		if _, err := s.w.ExecContext(ctx, s.sisgruSQL(b.String()), args...); err != nil {
			return s.fail(err, "insert into "+t.name, "sisgru record already exists", "")
		}
	}
	return nil
}

// sisgruDests returns the scan destinations of leaves, pointing into vals.
func sisgruDests[T any](leaves []*sisgru.Field[T], vals []sisgru.Value) []any {
	dests := make([]any, len(leaves))
	for i, f := range leaves {
		if f.Kind == sisgru.KindText {
			dests[i] = &vals[i].S
		} else {
			dests[i] = &vals[i].N
		}
	}
	return dests
}

// readSISGRU returns the record of t whose id is id.
func readSISGRU[T any, K any](ctx context.Context, s *session, t *sisgruTable[T], id K, missing string) (*T, error) {
	leaves := t.schema.Leaves
	vals := make([]sisgru.Value, len(leaves))
	err := s.readRow(ctx, t.selectAll, id).Scan(sisgruDests(leaves, vals)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(missing)
	}
	if err != nil {
		return nil, s.fail(err, "read "+t.name, "", "")
	}
	rec := new(T)
	for i, f := range leaves {
		f.Set(rec, vals[i])
	}
	return rec, nil
}

// where returns q's conditions on t and their arguments.
func (t *sisgruTable[T]) where(q *sisgru.Query) (string, []any) {
	var conds []string
	var args []any
	for _, c := range q.Conds {
		col := t.cols[c.Leaf]
		if c.Kind == sisgru.KindText || c.Lo == c.Hi {
			conds = append(conds, col+" = ?")
			args = append(args, sisgruArg(c.Kind, c.Lo))
		} else {
			conds = append(conds, col+" >= ?", col+" <= ?")
			args = append(args, sisgruArg(c.Kind, c.Lo), sisgruArg(c.Kind, c.Hi))
		}
	}
	if q.Scoped {
		var ors []string
		for _, ug := range t.schema.UGs {
			ors = append(ors, t.cols[ug.Index]+" IN ("+sisgruMarks(len(q.Scope))+")")
			for _, s := range q.Scope {
				args = append(args, s)
			}
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// orderBy returns the ORDER BY list of q.
func (t *sisgruTable[T]) orderBy(q *sisgru.Query) string {
	parts := make([]string, 0, len(q.Sort))
	for _, o := range q.Sort {
		if o.Desc {
			parts = append(parts, t.cols[o.Leaf]+" DESC")
		} else {
			parts = append(parts, t.cols[o.Leaf])
		}
	}
	if len(parts) == 0 {
		return t.cols[t.id]
	}
	return strings.Join(parts, ", ")
}

// countPlan is how a query is counted from sisgru_counts.
type countPlan struct {
	dim      sisgruDim
	ugs      []string
	from, to sisgru.Date
	situacao string
}

// plan reports whether q can be counted from the counters of one of t's
// dimensions, and how: its conditions are that dimension's UG (or, scoped,
// the principal's UGs, when the resource has one UG leaf), and optionally
// its day range and situacao, nothing else.
func (t *sisgruTable[T]) plan(q *sisgru.Query) (countPlan, bool) {
dims:
	for _, d := range t.dims {
		p := countPlan{dim: d, to: 99999999}
		named := ""
		for _, c := range q.Conds {
			switch {
			case c.Leaf == d.ug:
				named = c.Lo.S
			case c.Leaf == d.date && c.FromDay != 0:
				p.from, p.to = c.FromDay, c.ToDay
			case c.Leaf == t.sit:
				p.situacao = c.Lo.S
			default:
				continue dims
			}
		}
		switch {
		case named != "" && (!q.Scoped || slices.Contains(q.Scope, named)):
			p.ugs = []string{named}
		case named != "": // a UG outside the scope: nothing
		case q.Scoped && len(t.schema.UGs) == 1:
			p.ugs = q.Scope
		default:
			continue dims
		}
		return p, true
	}
	return countPlan{}, false
}

// countWhere returns the conditions on sisgru_counts of p.
func (p *countPlan) countWhere() (string, []any) {
	w := `dim = ? AND ug IN (` + sisgruMarks(len(p.ugs)) + `) AND day >= ? AND day <= ?`
	args := []any{p.dim.name}
	for _, ug := range p.ugs {
		args = append(args, ug)
	}
	args = append(args, int64(p.from), int64(p.to))
	if p.situacao != "" {
		w += ` AND situacao = ?`
		args = append(args, p.situacao)
	}
	return w, args
}

// countSISGRU returns how many records of t match q.
func countSISGRU[T any](ctx context.Context, s *session, t *sisgruTable[T], q *sisgru.Query) (int64, error) {
	if q.Scoped && len(q.Scope) == 0 {
		return 0, nil
	}
	var n int64
	if p, ok := t.plan(q); ok {
		if len(p.ugs) == 0 {
			return 0, nil
		}
		w, args := p.countWhere()
		err := s.r.QueryRowContext(ctx, s.sisgruSQL(`SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM sisgru_counts WHERE `+w), args...).Scan(&n)
		return n, s.fail(err, "count "+t.name, "", "")
	}
	w, args := t.where(q)
	err := s.r.QueryRowContext(ctx, s.sisgruSQL(`SELECT COUNT(*) FROM `+t.name+` WHERE `+w), args...).Scan(&n)
	return n, s.fail(err, "count "+t.name, "", "")
}

// sisgruSeekDay returns the first day whose records reach position offset (0
// based) of p's records in day order, and how many records come before that
// day; found is false when there are at most offset records.
func (s *session) sisgruSeekDay(ctx context.Context, p *countPlan, offset int64) (day sisgru.Date, skipped int64, found bool, err error) {
	w, args := p.countWhere()
	rows, err := s.r.QueryContext(ctx, s.sisgruSQL(`SELECT day, CAST(SUM(n) AS BIGINT) FROM sisgru_counts WHERE `+w+` GROUP BY day ORDER BY day`), args...)
	if err != nil {
		return 0, 0, false, s.fail(err, "seek sisgru counts", "", "")
	}
	defer rows.Close()
	for rows.Next() {
		var d, n int64
		if err := rows.Scan(&d, &n); err != nil {
			return 0, 0, false, s.fail(err, "seek sisgru counts", "", "")
		}
		if skipped+n > offset {
			return sisgru.Date(d), skipped, true, nil
		}
		skipped += n
	}
	return 0, skipped, false, s.fail(rows.Err(), "seek sisgru counts", "", "")
}

// eachSISGRU reads q's page of t and calls fn with each record as it is
// read.
func eachSISGRU[T any](ctx context.Context, s *session, t *sisgruTable[T], q *sisgru.Query, fn func(*T) error) error {
	if q.Limit <= 0 || (q.Scoped && len(q.Scope) == 0) {
		return nil
	}
	where, args := t.where(q)
	offset := q.Offset
	if p, ok := t.plan(q); ok && offset > 0 && sisgruDefaultOrder(q, p.dim.date, t.id) {
		if len(p.ugs) == 0 {
			return nil
		}
		day, skipped, found, err := s.sisgruSeekDay(ctx, &p, offset)
		if err != nil {
			return err
		}
		if !found {
			return nil
		}
		if day > 0 {
			col, from := t.cols[p.dim.date], int64(day)
			if t.schema.Leaves[p.dim.date].Kind == sisgru.KindTimestamp {
				from = day.Start().UnixMicro()
			}
			where += " AND " + col + " >= ?"
			args = append(args, from)
			offset -= skipped
		}
	}

	var leaves []*sisgru.Field[T]
	var cols []string
	for _, f := range t.schema.Leaves {
		if q.Columns == 0 || q.Columns.Has(f.Index) {
			leaves = append(leaves, f)
			cols = append(cols, t.cols[f.Index])
		}
	}
	query := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + t.name + ` WHERE ` + where +
		` ORDER BY ` + t.orderBy(q) + ` LIMIT ? OFFSET ?`
	rows, err := s.r.QueryContext(ctx, s.sisgruSQL(query), append(args, q.Limit, offset)...)
	if err != nil {
		return s.fail(err, "list "+t.name, "", "")
	}
	defer rows.Close()
	vals := make([]sisgru.Value, len(leaves))
	dests := sisgruDests(leaves, vals)
	var rec, zero T
	for rows.Next() {
		if err := rows.Scan(dests...); err != nil {
			return s.fail(err, "list "+t.name, "", "")
		}
		rec = zero
		for i, f := range leaves {
			f.Set(&rec, vals[i])
		}
		if err := fn(&rec); err != nil {
			return err
		}
	}
	return s.fail(rows.Err(), "list "+t.name, "", "")
}

// sisgruDefaultOrder reports whether q is sorted by the date leaf, then id, both
// ascending: the order the per-day counters can seek in.
func sisgruDefaultOrder(q *sisgru.Query, date, id int) bool {
	return len(q.Sort) == 2 && q.Sort[0] == sisgru.Order{Leaf: date} && q.Sort[1] == sisgru.Order{Leaf: id}
}

// sisgruCounterKey identifies one row of sisgru_counts.
type sisgruCounterKey struct {
	dim, ug  string
	day      int64
	situacao string
	shard    int64
}

// sisgruCounts accumulates counter changes for one upsert.
type sisgruCounts map[sisgruCounterKey]int64

// count counts rec in every dimension of t.
func (t *sisgruTable[T]) count(c sisgruCounts, s *session, rec *T) {
	leaves := t.schema.Leaves
	sit := leaves[t.sit].Get(rec).S
	shard := s.shard(sisgruID(leaves[t.id].Get(rec)))
	for _, d := range t.dims {
		f := leaves[d.date]
		c[sisgruCounterKey{d.name, leaves[d.ug].Get(rec).S, sisgruDay(f.Kind, f.Get(rec)), sit, shard}]++
	}
}

// sisgruDay returns the day a dimension counts a record on: the date, or the
// Brasília day of the timestamp; 0 when absent.
func sisgruDay(k sisgru.Kind, v sisgru.Value) int64 {
	if v.N == 0 {
		return 0
	}
	if k == sisgru.KindTimestamp {
		return int64(sisgru.DateOf(sisgru.FromMicros(v.N)))
	}
	return v.N
}

// apply upserts the counters of c, in key order (so that concurrent
// transactions lock shared rows in the same order).
func (c sisgruCounts) apply(ctx context.Context, s *session) error {
	keys := make([]sisgruCounterKey, 0, len(c))
	for k, n := range c {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b sisgruCounterKey) int {
		return cmp.Or(cmp.Compare(a.dim, b.dim), cmp.Compare(a.ug, b.ug), cmp.Compare(a.day, b.day),
			cmp.Compare(a.situacao, b.situacao), cmp.Compare(a.shard, b.shard))
	})
	for len(keys) > 0 {
		batch := keys[:min(len(keys), maxCounterRows)]
		keys = keys[len(batch):]
		var b strings.Builder
		b.WriteString(`INSERT INTO sisgru_counts (dim, ug, day, situacao, shard, n) VALUES `)
		args := make([]any, 0, 6*len(batch))
		for i, k := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, k.dim, k.ug, k.day, k.situacao, k.shard, c[k])
		}
		b.WriteString(` ON CONFLICT (dim, ug, day, situacao, shard) DO UPDATE SET n = sisgru_counts.n + excluded.n`)
		if _, err := s.w.ExecContext(ctx, s.sisgruSQL(b.String()), args...); err != nil {
			return s.fail(err, "update sisgru counts", "", "")
		}
	}
	return nil
}

// sisgruID returns a record's id as the shard hash reads it.
func sisgruID(v sisgru.Value) string {
	if v.S != "" {
		return v.S
	}
	return strconv.FormatInt(v.N, 10)
}
