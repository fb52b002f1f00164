package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
)

// Creating a charge in one statement (PostgreSQL).
//
// A charge's creation writes up to four tables: the location (new, or an
// existing one linked), the charge, its revision and three counter rows. As
// separate statements in a transaction that is seven round trips to the
// server (BEGIN, four writes, the counters, COMMIT), and on PostgreSQL a
// PUT /cob spends most of its time waiting for them. PostgreSQL runs
// data-modifying WITH queries as one statement, atomic by itself: so
// [session.CreateCob] sends one, whose first part (the gate g) yields one
// row when the charge may be written, and whose other parts write only
// after it: the charge FROM g, then the revision and the counters FROM the
// charge's RETURNING, so that the charge's unique key is taken (or found
// taken) before any counter row is locked, as in the transaction (the
// parts of such a statement otherwise run in no defined order, and two
// creations of one txid could deadlock on a counter row and the key):
//
//   - new location (NewLoc): g inserts it, already linked, ON CONFLICT
//     (token) DO NOTHING; its id is drawn from the locs identity first (one
//     more round trip), since the charge's body names it and is rendered by
//     the caller (BodyFor) before the statement;
//   - existing location (LocID): g is the same conditional UPDATE as
//     linkLoc, so of concurrent links of one location one wins;
//   - no location: g is one constant row.
//
// Two round trips for a PUT /cob, one for a charge with a location or none.
// The guarantees are those of the transaction: a txid already taken fails
// the statement on a unique key (cobs, cob_revisoes or, for a linked
// location, locs_by_txid: all keyed by the txid) and nothing is written;
// an empty gate writes nothing and is explained by reads afterwards (token
// taken; txid taken, location missing or in use, in linkLoc's order); the
// counters change in the same statement, upserted in key order. SQLite,
// whose statements cost microseconds, keeps the transaction.

// cobStatements are the three shapes of the statement, by gate.
var cobStatements = [3]string{
	gateNone: cobStatement(`SELECT 1 AS id`),
	gateNewLoc: cobStatement(`INSERT INTO locs (id, documento, tipo_cob, token, location, criacao, txid) OVERRIDING SYSTEM VALUE
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING RETURNING id`),
	gateLink: cobStatement(`UPDATE locs SET txid = ? WHERE id = ? AND documento = ? AND (txid IS NULL OR txid = ?) RETURNING id`),
}

const (
	gateNone = iota
	gateNewLoc
	gateLink
)

// cobCounterRows is how many counter rows a charge's creation changes: one
// per granularity.
const cobCounterRows = len(grans)

// cobStatement returns the creation statement behind gate. Its parameters
// are the gate's, then the charge's 11 columns, the revision's 4, and 7 per
// counter row.
func cobStatement(gate string) string {
	var b strings.Builder
	b.WriteString(`WITH g AS (` + gate + `), c AS (
	INSERT INTO cobs (documento, txid, tipo, status, revisao, criacao, devedor_cpf, devedor_cnpj, loc_id, lote_id, updated_at)
	SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS BIGINT),
		CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT) FROM g
	RETURNING 1 AS one
), r AS (
	INSERT INTO cob_revisoes (documento, txid, revisao, body)
	SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS BYTEA) FROM c
), n AS (
	INSERT INTO cob_counts (documento, tipo, gran, bucket, status, shard, n)
	SELECT * FROM (VALUES `)
	for i := range cobCounterRows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS BIGINT))`)
	}
	b.WriteString(`) AS v WHERE EXISTS (SELECT 1 FROM c)
	ON CONFLICT (documento, tipo, gran, bucket, status, shard) DO UPDATE SET n = cob_counts.n + excluded.n
)
SELECT COUNT(*) FROM g`)
	return b.String()
}

// createCobStatement is [session.CreateCob] as one statement: see above.
func (s *session) createCobStatement(ctx context.Context, rec *pix.CobRecord) error {
	gate := gateNone
	var args []any
	switch {
	case rec.NewLoc != nil:
		gate = gateNewLoc
		l := rec.NewLoc
		if err := s.w.QueryRowContext(ctx, `SELECT nextval(pg_get_serial_sequence('locs', 'id'))`).Scan(&l.ID); err != nil {
			l.ID = 0
			return s.fail(err, "create location", "", "")
		}
		l.TxID = ""
		rec.LocID = l.ID
		if rec.BodyFor != nil {
			body, err := rec.BodyFor(l)
			if err != nil {
				l.ID, rec.LocID = 0, 0
				return err
			}
			rec.Body = body
		}
		args = append(args, l.ID, l.Documento, string(l.TipoCob), l.Token, l.Location, micros(l.Criacao), rec.TxID)
	case rec.LocID != 0:
		gate = gateLink
		args = append(args, rec.TxID, rec.LocID, rec.Documento, rec.TxID)
	}
	args = append(args,
		rec.Documento, rec.TxID, string(rec.Tipo), rec.Status, rec.Revisao, micros(rec.Criacao),
		nullString(rec.DevedorCPF), nullString(rec.DevedorCNPJ), rec.LocID, nullInt(rec.LoteID), micros(rec.UpdatedAt),
		rec.Documento, rec.TxID, rec.Revisao, blob(rec.Body))
	c := counts{}
	c.add(rec.Documento, string(rec.Tipo), rec.Status, micros(rec.Criacao), s.shard(rec.TxID), 1)
	for _, k := range c.sorted() {
		args = append(args, k.documento, k.tipo, k.gran, k.bucket, k.status, k.shard, c[k])
	}

	var n int64
	err := s.w.QueryRowContext(ctx, s.q(cobStatements[gate]), args...).Scan(&n)
	if err == nil && n == 1 {
		if rec.NewLoc != nil {
			rec.NewLoc.TxID = rec.TxID
		}
		return nil
	}
	if rec.NewLoc != nil {
		rec.NewLoc.ID, rec.LocID = 0, 0
	}
	if err != nil {
		if s.sh.isUnique(err) {
			return &errs.Error{Kind: errs.EConflict, Code: codeTxID, Message: "txid already in use", Err: err}
		}
		return s.fail(err, "create cob", "", "")
	}
	// The gate let nothing through.
	if gate == gateNewLoc {
		return &errs.Error{Kind: errs.EConflict, Code: codeToken, Message: "location token already exists"}
	}
	var one int
	err = s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM cobs WHERE documento = ? AND txid = ?`), rec.Documento, rec.TxID).Scan(&one)
	switch {
	case err == nil:
		return &errs.Error{Kind: errs.EConflict, Code: codeTxID, Message: "txid already in use"}
	case !errors.Is(err, sql.ErrNoRows):
		return s.fail(err, "read cob", "", "")
	}
	err = s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM locs WHERE id = ? AND documento = ?`), rec.LocID, rec.Documento).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return &errs.Error{Kind: errs.ENotFound, Code: codeLoc, Message: "location not found"}
	case err != nil:
		return s.fail(err, "read location", "", "")
	}
	return &errs.Error{Kind: errs.EConflict, Code: codeLoc, Message: "location in use by another charge"}
}
