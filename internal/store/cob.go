package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
)

// Interface guards.
var (
	_ pix.CobStore = (*DB)(nil)
	_ pix.CobStore = (*Tx)(nil)
)

// The Codes of the charge and location errors, as [pix.CobStore] documents
// them.
const (
	codeTxID  = "txid"  // EConflict: the recebedor already has the txid
	codeLoc   = "loc"   // ENotFound: no such location; EConflict: linked to another charge
	codeStale = "stale" // EConflict: the charge changed since it was read
	codeToken = "token" // EConflict: the location token exists
)

// CreateCob stores rec as revision rec.Revisao and, when rec.LocID is not 0,
// links the location to rec.TxID, in one transaction. EConflict (Code
// "txid") if the recebedor already has rec.TxID; ENotFound (Code "loc") if
// the location does not exist for rec.Documento; EConflict (Code "loc") if it
// is linked to another charge.
//
// On PostgreSQL it is one statement rather than a transaction of several
// (see cobcreate.go), with the same guarantees and errors.
func (s *session) CreateCob(ctx context.Context, rec *pix.CobRecord) error {
	if s.sh.name == "postgres" {
		return s.createCobStatement(ctx, rec)
	}
	return s.inTx(ctx, func(s *session) error {
		if rec.NewLoc != nil {
			// Created unlinked, then the charge (a txid already taken fails
			// here and rolls the location back), then linked.
			rec.NewLoc.TxID = ""
			if err := s.CreateLoc(ctx, rec.NewLoc); err != nil {
				return err
			}
			rec.LocID = rec.NewLoc.ID
			if rec.BodyFor != nil {
				body, err := rec.BodyFor(rec.NewLoc)
				if err != nil {
					return err
				}
				rec.Body = body
			}
		}
		if err := s.insertCobs(ctx, []*pix.CobRecord{rec}); err != nil {
			if rec.NewLoc != nil {
				rec.NewLoc.ID, rec.LocID = 0, 0
			}
			return err
		}
		if rec.LocID != 0 {
			if err := s.linkLoc(ctx, rec.Documento, rec.TxID, rec.LocID); err != nil {
				return err
			}
			if rec.NewLoc != nil {
				rec.NewLoc.TxID = rec.TxID
			}
		}
		c := counts{}
		c.add(rec.Documento, string(rec.Tipo), rec.Status, micros(rec.Criacao), s.shard(rec.TxID), 1)
		return c.apply(ctx, s)
	})
}

// CreateCobs stores recs as [DB.CreateCob] stores each, in one transaction
// and with multi-row inserts: for imports and for loading benchmark data
// (tens of thousands of charges a second on SQLite). Locations are linked one
// by one. EConflict (Code "txid") if a recebedor already has one of the txids
// or recs repeats one; ENotFound or EConflict (Code "loc") as CreateCob.
// Nothing is stored when it fails.
func (s *session) CreateCobs(ctx context.Context, recs []*pix.CobRecord) error {
	return s.inTx(ctx, func(s *session) error {
		c := counts{}
		for len(recs) > 0 {
			batch := recs[:min(len(recs), maxCobBatch)]
			recs = recs[len(batch):]
			if err := s.insertCobs(ctx, batch); err != nil {
				return err
			}
			for _, rec := range batch {
				if rec.LocID != 0 {
					if err := s.linkLoc(ctx, rec.Documento, rec.TxID, rec.LocID); err != nil {
						return err
					}
				}
				c.add(rec.Documento, string(rec.Tipo), rec.Status, micros(rec.Criacao), s.shard(rec.TxID), 1)
			}
		}
		return c.apply(ctx, s)
	})
}

// maxCobBatch is how many charges one INSERT statement of CreateCobs holds
// (11 parameters each: well under both engines' limits).
const maxCobBatch = 500

// insertCobs inserts the charges and their current revisions, without
// locations or counters.
func (s *session) insertCobs(ctx context.Context, recs []*pix.CobRecord) error {
	if len(recs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO cobs (documento, txid, tipo, status, revisao, criacao, devedor_cpf, devedor_cnpj, loc_id, lote_id, updated_at) VALUES `)
	args := make([]any, 0, 11*len(recs))
	for i, r := range recs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, r.Documento, r.TxID, string(r.Tipo), r.Status, r.Revisao, micros(r.Criacao),
			nullString(r.DevedorCPF), nullString(r.DevedorCNPJ), r.LocID, nullInt(r.LoteID), micros(r.UpdatedAt))
	}
	if _, err := s.execBatch(ctx, len(recs), b.String(), args...); err != nil {
		if s.sh.isUnique(err) {
			return &errs.Error{Kind: errs.EConflict, Code: codeTxID, Message: "txid already in use", Err: err}
		}
		return s.fail(err, "create cob", "", "")
	}
	b.Reset()
	b.WriteString(`INSERT INTO cob_revisoes (documento, txid, revisao, body) VALUES `)
	args = args[:0]
	for i, r := range recs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
		args = append(args, r.Documento, r.TxID, r.Revisao, blob(r.Body))
	}
	_, err := s.execBatch(ctx, len(recs), b.String(), args...)
	return s.fail(err, "create cob revision", "", "")
}

// execBatch runs a multi-row write of n rows: as a hot statement when n is
// small (the shapes single requests use), unprepared otherwise.
func (s *session) execBatch(ctx context.Context, n int, query string, args ...any) (sql.Result, error) {
	if n <= maxHotRows {
		return s.execHot(ctx, query, args...)
	}
	return s.w.ExecContext(ctx, s.q(query), args...)
}

// maxHotRows bounds the multi-row statements prepared and cached: one row
// for charges, up to six counter rows (a status change).
const maxHotRows = 6

// linkLoc links location id of documento to the charge txid. A location
// already linked to txid stays so. ENotFound (Code "loc") if documento has no
// such location; EConflict (Code "loc") if another charge uses it.
//
// The conditional UPDATE is what makes one charge per location hold under
// concurrency: on PostgreSQL a second transaction waits for the first's row
// lock, then finds txid no longer NULL and changes nothing.
func (s *session) linkLoc(ctx context.Context, documento, txid string, id int64) error {
	res, err := s.execHot(ctx, `UPDATE locs SET txid = ? WHERE id = ? AND documento = ? AND (txid IS NULL OR txid = ?)`,
		txid, id, documento, txid)
	if err != nil {
		if s.sh.isUnique(err) { // another location already serves txid: a broken link
			return &errs.Error{Kind: errs.EConflict, Code: codeLoc, Message: "charge already has a location", Err: err}
		}
		return s.fail(err, "link location", "", "")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.fail(err, "link location", "", "")
	}
	if n == 1 {
		return nil
	}
	var one int
	err = s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM locs WHERE id = ? AND documento = ?`), id, documento).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return &errs.Error{Kind: errs.ENotFound, Code: codeLoc, Message: "location not found"}
	}
	if err != nil {
		return s.fail(err, "read location", "", "")
	}
	return &errs.Error{Kind: errs.EConflict, Code: codeLoc, Message: "location in use by another charge"}
}

// cobColumns are a charge c's columns and its current revision r's body, as
// scanCob reads them.
const cobColumns = `c.documento, c.txid, c.tipo, c.status, c.revisao, c.criacao, c.devedor_cpf, c.devedor_cnpj,
	c.loc_id, c.lote_id, c.updated_at, r.body`

// cobJoin joins a charge c with its current revision r.
const cobJoin = ` JOIN cob_revisoes r ON r.documento = c.documento AND r.txid = c.txid AND r.revisao = c.revisao`

func scanCob(sc scanner, rec *pix.CobRecord) error {
	var tipo string
	var cpf, cnpj sql.NullString
	var lote sql.NullInt64
	var criacao, updated int64
	err := sc.Scan(&rec.Documento, &rec.TxID, &tipo, &rec.Status, &rec.Revisao, &criacao, &cpf, &cnpj,
		&rec.LocID, &lote, &updated, &rec.Body)
	if err != nil {
		return err
	}
	rec.Tipo = pix.TipoCob(tipo)
	rec.Criacao = fromMicros(criacao)
	rec.DevedorCPF = cpf.String
	rec.DevedorCNPJ = cnpj.String
	rec.LoteID = lote.Int64
	rec.Body = nilIfEmpty(rec.Body)
	rec.UpdatedAt = fromMicros(updated)
	return nil
}

// Cob returns the current state of a charge. ENotFound if none.
func (s *session) Cob(ctx context.Context, documento, txid string) (*pix.CobRecord, error) {
	var rec pix.CobRecord
	err := scanCob(s.readRow(ctx, `SELECT `+cobColumns+` FROM cobs c`+cobJoin+`
		WHERE c.documento = ? AND c.txid = ?`, documento, txid), &rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("cob not found")
	}
	if err != nil {
		return nil, s.fail(err, "read cob", "", "")
	}
	return &rec, nil
}

// CobRevisao returns the Body of revision revisao of a charge. ENotFound if
// none.
func (s *session) CobRevisao(ctx context.Context, documento, txid string, revisao int) ([]byte, error) {
	var body []byte
	err := s.readRow(ctx, `SELECT body FROM cob_revisoes WHERE documento = ? AND txid = ? AND revisao = ?`,
		documento, txid, revisao).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("cob revision not found")
	}
	if err != nil {
		return nil, s.fail(err, "read cob revision", "", "")
	}
	return nilIfEmpty(body), nil
}

// UpdateCob replaces the charge with rec if its stored revision is still
// prevRevisao and its status prevStatus: one conditional UPDATE, so of
// concurrent updates from one revision exactly one wins. EConflict (Code
// "stale") otherwise; ENotFound if there is no such charge; EInvalid if
// rec.Revisao is below prevRevisao. When rec.Revisao > prevRevisao the new
// Body is kept as that revision; otherwise the current revision's Body is
// replaced in place. In the same transaction, rec.LocID is linked (errors as
// [DB.CreateCob]) and the location linked before, if different, is
// unlinked. A charge's Tipo and Criacao are fixed at creation: rec's are
// ignored.
func (s *session) UpdateCob(ctx context.Context, rec *pix.CobRecord, prevRevisao int, prevStatus string) error {
	if rec.Revisao < prevRevisao {
		return &errs.Error{Kind: errs.EInvalid, Message: "store: a charge's revisao cannot decrease"}
	}
	return s.inTx(ctx, func(s *session) error {
		var tipo string
		var criacao int64
		err := s.queryRowHot(ctx, `UPDATE cobs SET status = ?, revisao = ?, devedor_cpf = ?, devedor_cnpj = ?,
			loc_id = ?, lote_id = ?, updated_at = ?
			WHERE documento = ? AND txid = ? AND revisao = ? AND status = ?
			RETURNING tipo, criacao`,
			rec.Status, rec.Revisao, nullString(rec.DevedorCPF), nullString(rec.DevedorCNPJ),
			rec.LocID, nullInt(rec.LoteID), micros(rec.UpdatedAt),
			rec.Documento, rec.TxID, prevRevisao, prevStatus).Scan(&tipo, &criacao)
		if errors.Is(err, sql.ErrNoRows) {
			var one int
			err := s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM cobs WHERE documento = ? AND txid = ?`),
				rec.Documento, rec.TxID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("cob not found")
			}
			if err != nil {
				return s.fail(err, "read cob", "", "")
			}
			return &errs.Error{Kind: errs.EConflict, Code: codeStale, Message: "cob changed since it was read"}
		}
		if err != nil {
			return s.fail(err, "update cob", "", "")
		}

		// Unlink first: a location serves one charge and a charge has one
		// location (locs_by_txid).
		_, err = s.execHot(ctx, `UPDATE locs SET txid = NULL WHERE documento = ? AND txid = ? AND id <> ?`,
			rec.Documento, rec.TxID, rec.LocID)
		if err != nil {
			return s.fail(err, "unlink location", "", "")
		}
		if rec.LocID != 0 {
			if err := s.linkLoc(ctx, rec.Documento, rec.TxID, rec.LocID); err != nil {
				return err
			}
		}

		if rec.Revisao > prevRevisao {
			_, err = s.execHot(ctx, `INSERT INTO cob_revisoes (documento, txid, revisao, body) VALUES (?, ?, ?, ?)`,
				rec.Documento, rec.TxID, rec.Revisao, blob(rec.Body))
		} else {
			_, err = s.execHot(ctx, `UPDATE cob_revisoes SET body = ? WHERE documento = ? AND txid = ? AND revisao = ?`,
				blob(rec.Body), rec.Documento, rec.TxID, rec.Revisao)
		}
		if err != nil {
			return s.fail(err, "store cob revision", "", "")
		}

		if rec.Status == prevStatus {
			return nil
		}
		c := counts{}
		shard := s.shard(rec.TxID)
		c.add(rec.Documento, tipo, prevStatus, criacao, shard, -1)
		c.add(rec.Documento, tipo, rec.Status, criacao, shard, 1)
		return c.apply(ctx, s)
	})
}

// ListCobs returns the page [f.Offset, f.Offset+f.Limit) of the charges
// matching f in (Criacao, TxID) order, and the number of all matching
// charges. A Limit of 0 or less asks for the count only.
//
// With a Tipo and no filter but Inicio, Fim and Status (GET /cob and GET
// /cobv as clients mostly call them) the count comes from the counters, and
// an Offset is found with them too, so a page costs about the same with a
// million matching charges as with ten thousand (see cobcount.go). Other
// filters are counted by scanning, and an Offset skipped row by row: with a
// devedor CPF or CNPJ or a lote, that devedor's or lote's charges in their
// index; with LocationPresente, or without Tipo, every charge of the
// recebedor (and tipo) in the range.
func (s *session) ListCobs(ctx context.Context, f pix.CobFilter) ([]pix.CobRecord, int, error) {
	lo, hi := timeRange(f.Inicio, f.Fim)
	if lo >= hi {
		return nil, 0, nil
	}
	where, args := cobWhere(f)
	counted := f.Tipo != "" && f.CPF == "" && f.CNPJ == "" && f.LocationPresente == nil && f.LoteID == 0

	var total int64
	var err error
	if counted {
		total, err = s.countCobs(ctx, f.Documento, string(f.Tipo), f.Status, lo, hi)
	} else {
		err = s.readRow(ctx, `SELECT COUNT(*) FROM cobs WHERE `+where, append(args, lo, hi)...).Scan(&total)
		err = s.fail(err, "count cobs", "", "")
	}
	if err != nil {
		return nil, 0, err
	}
	offset := int64(max(f.Offset, 0))
	if f.Limit <= 0 || offset >= total {
		return nil, int(total), nil
	}

	from := lo
	if counted && offset > 0 {
		var skipped int64
		from, skipped, err = s.cobSeek(ctx, f.Documento, string(f.Tipo), f.Status, lo, hi, offset)
		if err != nil {
			return nil, 0, err
		}
		offset -= skipped
	}
	rows, err := s.read(ctx, `SELECT `+cobColumns+` FROM (
		SELECT documento, txid, tipo, status, revisao, criacao, devedor_cpf, devedor_cnpj, loc_id, lote_id, updated_at
		FROM cobs WHERE `+where+` ORDER BY criacao, txid LIMIT ? OFFSET ?) c`+cobJoin+`
		ORDER BY c.criacao, c.txid`, append(args, from, hi, f.Limit, offset)...)
	if err != nil {
		return nil, 0, s.fail(err, "list cobs", "", "")
	}
	defer rows.Close()
	out := make([]pix.CobRecord, 0, min(f.Limit, int(total)))
	for rows.Next() {
		var rec pix.CobRecord
		if err := scanCob(rows, &rec); err != nil {
			return nil, 0, s.fail(err, "list cobs", "", "")
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.fail(err, "list cobs", "", "")
	}
	return nilIfEmptyList(out), int(total), nil
}

// cobWhere returns the conditions on cobs of f and their arguments; the
// conditions end with a creation range whose two arguments the caller
// appends.
func cobWhere(f pix.CobFilter) (string, []any) {
	conds := []string{"documento = ?"}
	args := []any{f.Documento}
	if f.CPF != "" {
		conds = append(conds, "devedor_cpf = ?")
		args = append(args, f.CPF)
	}
	if f.CNPJ != "" {
		conds = append(conds, "devedor_cnpj = ?")
		args = append(args, f.CNPJ)
	}
	if f.LoteID != 0 {
		conds = append(conds, "lote_id = ?")
		args = append(args, f.LoteID)
	}
	if f.Tipo != "" {
		conds = append(conds, "tipo = ?")
		args = append(args, string(f.Tipo))
	}
	if f.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, f.Status)
	}
	if f.LocationPresente != nil {
		if *f.LocationPresente {
			conds = append(conds, "loc_id <> 0")
		} else {
			conds = append(conds, "loc_id = 0")
		}
	}
	conds = append(conds, "criacao >= ? AND criacao < ?")
	return strings.Join(conds, " AND "), args
}

// timeRange returns the creation times, in unix microseconds, that the
// inclusive bounds inicio and fim select as the half-open [lo, hi); a zero
// bound leaves its end open.
func timeRange(inicio, fim time.Time) (lo, hi int64) {
	lo, hi = minMicros, maxMicros
	if !inicio.IsZero() {
		lo = inicio.UnixMicro()
		if inicio.Nanosecond()%1000 != 0 {
			lo++ // stored times are whole microseconds
		}
		lo = max(lo, minMicros)
	}
	if !fim.IsZero() {
		hi = min(fim.UnixMicro()+1, maxMicros)
	}
	return lo, hi
}

// nullString returns NULL for "", for columns where absent is NULL.
func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// nullInt returns NULL for 0, for columns where absent is NULL.
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// nilIfEmptyList returns nil for an empty list.
func nilIfEmptyList[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}
