package store

import (
	"cmp"
	"context"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
)

// Counting charges.
//
// Every list response carries the number of all matching charges
// (quantidadeTotalDeItens), and counting a million rows in an index takes a
// hundred times as long as counting ten thousand. So the store keeps, in
// cob_counts, how many charges of each (documento, tipo, status) were
// created in each minute, hour and day (UTC), and changes those counters in
// the transaction that creates a charge or changes its status: one multi-row
// upsert, no extra commit.
//
// A range [lo, hi) of creation times is cut into spans (see [spans]): the
// whole days inside it, the whole hours at its edges outside those days, the
// whole minutes at its edges outside those hours, and at the very ends the
// parts of two minutes, whose charges are counted in the cobs_by_criacao
// index. Its count reads at most 118 minute buckets, 46 hour buckets and
// one per whole day (each up to 4 statuses × shards rows) plus the charges
// of two partial minutes, in one query of seven index range scans: O(log n)
// plus the buckets, however many charges match. The same
// buckets find where a page at a large offset starts (see
// cobSeek), so a middle page costs about what the first does.
//
// Only filters on documento, tipo, creation time and status have counters.
// The others (devedor CPF/CNPJ, locationPresente, loteId) and a list without
// tipo are counted by scanning their matches (see ListCobs).

// The counters' granularities: a bucket's width in seconds (the gran column).
const (
	granMinute int64 = 60
	granHour   int64 = 60 * granMinute
	granDay    int64 = 24 * granHour
)

// grans lists the granularities from the finest.
var grans = [...]int64{granMinute, granHour, granDay}

// counterShards is how many rows share each counter on engines with
// concurrent writers (PostgreSQL), so that writers of one recebedor do not
// all queue on one row lock until they commit. SQLite serializes its writers
// anyway and uses one.
const counterShards = 4

// Creation times outside [minMicros, maxMicros) are not representable; the
// bounds stand for an open end of a range.
const (
	minMicros int64 = -1 << 60
	maxMicros int64 = 1 << 60
)

// width returns the width of a bucket of granularity gran in microseconds.
func width(gran int64) int64 { return gran * 1_000_000 }

// floorTo returns the largest multiple of w not above t.
func floorTo(t, w int64) int64 {
	q := t / w
	if t%w != 0 && t < 0 {
		q--
	}
	return q * w
}

// ceilTo returns the smallest multiple of w not below t.
func ceilTo(t, w int64) int64 {
	f := floorTo(t, w)
	if f < t {
		f += w
	}
	return f
}

// span is a part [from, to) of a range of creation times counted one way:
// gran 0 by the charges in the index, otherwise by the counters of that
// granularity (from and to are then multiples of its width).
type span struct {
	gran     int64
	from, to int64
}

// spans cuts [lo, hi) into the spans whose counts add up to its count, in
// ascending order: the widest buckets possible in the middle, finer ones
// toward the edges. Levels appear in a fixed pattern — at most one span
// before and one after the middle at each level finer than the middle's —
// so at most seven spans.
func spans(lo, hi int64) []span {
	if lo >= hi {
		return nil
	}
	var head, tail []span
	from, to, g := lo, hi, int64(0)
	for _, next := range grans {
		w := width(next)
		a, b := ceilTo(from, w), floorTo(to, w)
		if a >= b {
			break // no whole bucket of the next level inside: count [from, to) at level g
		}
		if from < a {
			head = append(head, span{g, from, a})
		}
		if b < to {
			tail = append(tail, span{g, b, to})
		}
		from, to, g = a, b, next
	}
	out := append(head, span{g, from, to})
	for i := len(tail) - 1; i >= 0; i-- {
		out = append(out, tail[i])
	}
	return out
}

// countSlots places the spans in the seven slots of the count query, one
// per level on either side of the day slot:
//
//	raw, minute, hour, day, hour, minute, raw
//
// The spans up to and including the middle (the one span of the highest
// level; a day span is always the middle) take the left slot of their level,
// the spans after it the right one, so no slot gets two.
func countSlots(ss []span) [7]span {
	var slots [7]span               // unused slots count the empty range [0, 0)
	level := func(gran int64) int { // 0 raw, 1 minute, 2 hour, 3 day
		if gran == 0 {
			return 0
		}
		return slices.Index(grans[:], gran) + 1
	}
	mid := 0 // the middle is the one span of the highest level
	for i, sp := range ss {
		if sp.gran > ss[mid].gran {
			mid = i
		}
	}
	for i, sp := range ss {
		if i <= mid {
			slots[level(sp.gran)] = sp
		} else {
			slots[6-level(sp.gran)] = sp
		}
	}
	return slots
}

// countQueries caches the two count queries, without and with a status.
var countQueries [2]struct {
	once sync.Once
	sql  string
}

// cobCountQuery returns the query that adds up the seven slots of
// [countSlots]: two index counts of charges and five sums of counters.
// withStatus adds a status condition to each.
func cobCountQuery(withStatus bool) string {
	i := 0
	if withStatus {
		i = 1
	}
	c := &countQueries[i]
	c.once.Do(func() {
		st := ""
		if withStatus {
			st = " AND status = ?"
		}
		raw := `(SELECT COUNT(*) FROM cobs WHERE documento = ? AND tipo = ? AND criacao >= ? AND criacao < ?` + st + `)`
		sum := `(SELECT COALESCE(SUM(n), 0) FROM cob_counts WHERE documento = ? AND tipo = ? AND gran = ? AND bucket >= ? AND bucket < ?` + st + `)`
		parts := []string{raw, sum, sum, sum, sum, sum, raw}
		c.sql = `SELECT CAST(` + strings.Join(parts, " + ") + ` AS BIGINT)`
	})
	return c.sql
}

// countCobs returns how many charges of documento and tipo (and status, when
// not empty) were created in [lo, hi), from the counters.
func (s *session) countCobs(ctx context.Context, documento, tipo, status string, lo, hi int64) (int64, error) {
	ss := spans(lo, hi)
	if len(ss) == 0 {
		return 0, nil
	}
	slots := countSlots(ss)
	args := make([]any, 0, 7*6)
	for i, sp := range slots {
		args = append(args, documento, tipo)
		if i != 0 && i != 6 {
			args = append(args, sp.gran)
		}
		args = append(args, sp.from, sp.to)
		if status != "" {
			args = append(args, status)
		}
	}
	var n int64
	if err := s.readRow(ctx, cobCountQuery(status != ""), args...).Scan(&n); err != nil {
		return 0, s.fail(err, "count cobs", "", "")
	}
	return n, nil
}

// countRaw counts the charges of documento and tipo (and status) created in
// [from, to) in the index.
func (s *session) countRaw(ctx context.Context, documento, tipo, status string, from, to int64) (int64, error) {
	q := `SELECT COUNT(*) FROM cobs WHERE documento = ? AND tipo = ? AND criacao >= ? AND criacao < ?`
	args := []any{documento, tipo, from, to}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	var n int64
	if err := s.readRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, s.fail(err, "count cobs", "", "")
	}
	return n, nil
}

// bucketCount is one bucket's count, all statuses or shards added up.
type bucketCount struct{ start, n int64 }

// buckets returns the non-empty buckets of granularity gran starting in
// [from, to), in order.
func (s *session) buckets(ctx context.Context, documento, tipo, status string, gran, from, to int64) ([]bucketCount, error) {
	q := `SELECT bucket, CAST(SUM(n) AS BIGINT) FROM cob_counts WHERE documento = ? AND tipo = ? AND gran = ? AND bucket >= ? AND bucket < ?`
	args := []any{documento, tipo, gran, from, to}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	rows, err := s.read(ctx, q+` GROUP BY bucket ORDER BY bucket`, args...)
	if err != nil {
		return nil, s.fail(err, "read cob counts", "", "")
	}
	defer rows.Close()
	var out []bucketCount
	for rows.Next() {
		var b bucketCount
		if err := rows.Scan(&b.start, &b.n); err != nil {
			return nil, s.fail(err, "read cob counts", "", "")
		}
		if b.n > 0 {
			out = append(out, b)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "read cob counts", "", "")
	}
	return out, nil
}

// cobSeek finds where the charges of documento and tipo (and status)
// created in [lo, hi), in (criacao, txid) order, reach position k (0-based):
// it returns a time from in [lo, hi] and how many of those charges were
// created in [lo, from), at most k, so that the page at offset k is the page
// at offset k-skipped of [from, hi). from is the start of the minute
// holding charge k, or lo when charge k lies in the partial minute at lo,
// or hi when there are at most k charges. The counters make it cost about
// the same for any k.
func (s *session) cobSeek(ctx context.Context, documento, tipo, status string, lo, hi, k int64) (from, skipped int64, err error) {
	for _, sp := range spans(lo, hi) {
		if sp.gran == 0 {
			n, err := s.countRaw(ctx, documento, tipo, status, sp.from, sp.to)
			if err != nil {
				return 0, 0, err
			}
			if skipped+n > k {
				return sp.from, skipped, nil
			}
			skipped += n
			continue
		}
		t, sk, found, err := s.seekBuckets(ctx, documento, tipo, status, sp.gran, sp.from, sp.to, k-skipped)
		if err != nil {
			return 0, 0, err
		}
		if found {
			return t, skipped + sk, nil
		}
		skipped += sk
	}
	return hi, skipped, nil
}

// seekBuckets is cobSeek over the whole buckets of granularity gran in
// [from, to): found reports whether charge k is in one of them, and then t
// is the start of its minute and skipped the charges before t; otherwise
// skipped is the count of all of them.
func (s *session) seekBuckets(ctx context.Context, documento, tipo, status string, gran, from, to, k int64) (t, skipped int64, found bool, err error) {
	bs, err := s.buckets(ctx, documento, tipo, status, gran, from, to)
	if err != nil {
		return 0, 0, false, err
	}
	for _, b := range bs {
		if skipped+b.n <= k {
			skipped += b.n
			continue
		}
		if gran == granMinute {
			return b.start, skipped, true, nil
		}
		finer := grans[slices.Index(grans[:], gran)-1]
		t, sk, ok, err := s.seekBuckets(ctx, documento, tipo, status, finer, b.start, b.start+width(gran), k-skipped)
		if err != nil {
			return 0, 0, false, err
		}
		if !ok {
			// The finer counters disagree with this one; they are kept in
			// one transaction, so this does not happen, but starting at the
			// bucket is right anyway.
			return b.start, skipped, true, nil
		}
		return t, skipped + sk, true, nil
	}
	return 0, skipped, false, nil
}

// counterKey identifies one counter row.
type counterKey struct {
	documento, tipo string
	gran, bucket    int64
	status          string
	shard           int64
}

// shard returns the counter shard of the charge txid.
func (s *session) shard(txid string) int64 {
	if s.sh.forUpdate == "" { // writers are serialized (SQLite): no contention to spread
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(txid))
	return int64(h.Sum32() % counterShards)
}

// counts accumulates counter changes for one upsert.
type counts map[counterKey]int64

// add counts delta charges of documento, tipo and status created at criacao
// (unix microseconds) in shard, at every granularity.
func (c counts) add(documento, tipo, status string, criacao, shard, delta int64) {
	for _, g := range grans {
		c[counterKey{documento, tipo, g, floorTo(criacao, width(g)), status, shard}] += delta
	}
}

// maxCounterRows is how many counter rows one upsert statement changes.
const maxCounterRows = 500

// sorted returns the keys of the non-zero changes of c in key order: the
// order their rows are upserted, so that concurrent transactions lock the
// counter rows they share in the same order.
func (c counts) sorted() []counterKey {
	keys := make([]counterKey, 0, len(c))
	for k, n := range c {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b counterKey) int {
		return cmp.Or(
			cmp.Compare(a.documento, b.documento), cmp.Compare(a.tipo, b.tipo), cmp.Compare(a.gran, b.gran),
			cmp.Compare(a.bucket, b.bucket), cmp.Compare(a.status, b.status), cmp.Compare(a.shard, b.shard))
	})
	return keys
}

// apply upserts the counters of c. Rows go in key order, so that concurrent
// transactions lock the counter rows they share in the same order (and
// never deadlock on them); call it last in a transaction, so that counter
// locks are held briefly.
func (c counts) apply(ctx context.Context, s *session) error {
	keys := c.sorted()
	for len(keys) > 0 {
		batch := keys[:min(len(keys), maxCounterRows)]
		keys = keys[len(batch):]
		var b strings.Builder
		b.WriteString(`INSERT INTO cob_counts (documento, tipo, gran, bucket, status, shard, n) VALUES `)
		args := make([]any, 0, 7*len(batch))
		for i, k := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, k.documento, k.tipo, k.gran, k.bucket, k.status, k.shard, c[k])
		}
		b.WriteString(` ON CONFLICT (documento, tipo, gran, bucket, status, shard) DO UPDATE SET n = cob_counts.n + excluded.n`)
		if _, err := s.execBatch(ctx, len(batch), b.String(), args...); err != nil {
			return s.fail(err, "update cob counts", "", "")
		}
	}
	return nil
}
