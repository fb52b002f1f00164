package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/pixapi"
)

// Interface guards.
var (
	_ pix.LoteStore = (*DB)(nil)
	_ pix.LoteStore = (*Tx)(nil)
)

// The Codes of the batch errors, as [pix.LoteStore] documents them.
const (
	codeLote     = "lote"     // EConflict: the recebedor already has the batch id
	codePendente = "pendente" // EConflict: the item still has a pending request
)

// maxLoteRows is how many items one INSERT of CreateLote holds, and how many
// txids one IN list of LoteTxIDsEmUso names (12 parameters an item: well
// under both engines' limits).
const maxLoteRows = 200

// CreateLote stores l and its items in one transaction. EConflict (Code
// "lote") if documento has batch l.ID; EConflict (Code "txid") if an item's
// txid is already an item of a batch of documento.
func (s *session) CreateLote(ctx context.Context, l *pix.Lote) error {
	return s.inTx(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO lotes (documento, id, descricao, criacao, updated_at) VALUES (?, ?, ?, ?, ?)`),
			l.Documento, l.ID, l.Descricao, micros(l.Criacao), micros(l.UpdatedAt))
		if err != nil {
			if s.sh.isUnique(err) {
				return &errs.Error{Kind: errs.EConflict, Code: codeLote, Message: "lote already exists", Err: err}
			}
			return s.fail(err, "create lote", "", "")
		}
		for itens := l.Itens; len(itens) > 0; {
			chunk := itens[:min(len(itens), maxLoteRows)]
			itens = itens[len(chunk):]
			var b strings.Builder
			b.WriteString(`INSERT INTO lote_itens (documento, lote_id, txid, pos, status, solicitacao, pedido, pedido_tipo,
				seq, problema, criacao, updated_at) VALUES `)
			args := make([]any, 0, 12*len(chunk))
			for i, it := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, l.Documento, l.ID, it.TxID, it.Pos, string(it.Status), blob(it.Solicitacao),
					nullBlob(it.Pedido), nullString(it.PedidoTipo), it.Seq, nullBlob(it.Problema), micros(it.Criacao), micros(it.UpdatedAt))
			}
			if _, err := s.w.ExecContext(ctx, s.q(b.String()), args...); err != nil {
				if s.sh.isUnique(err) {
					return &errs.Error{Kind: errs.EConflict, Code: codeTxID, Message: "txid already in a lote", Err: err}
				}
				return s.fail(err, "create lote items", "", "")
			}
		}
		return nil
	})
}

// loteItemColumns are an item's columns as scanLoteItem reads them; lean
// leaves out the request bodies (solicitacao, pedido).
func loteItemColumns(lean bool) string {
	if lean {
		return `documento, lote_id, txid, pos, status, pedido_tipo, seq, problema, criacao, updated_at`
	}
	return `documento, lote_id, txid, pos, status, pedido_tipo, seq, problema, criacao, updated_at, solicitacao, pedido`
}

func scanLoteItem(sc scanner, it *pix.LoteItem, lean bool) error {
	var status string
	var tipo sql.NullString
	var criacao, updated int64
	dest := []any{&it.Documento, &it.LoteID, &it.TxID, &it.Pos, &status, &tipo, &it.Seq, &it.Problema, &criacao, &updated}
	if !lean {
		dest = append(dest, &it.Solicitacao, &it.Pedido)
	}
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	it.Status = pixapi.LoteCobVItemStatus(status)
	it.PedidoTipo = tipo.String
	it.Problema = nilIfEmpty(it.Problema)
	it.Solicitacao = nilIfEmpty(it.Solicitacao)
	it.Pedido = nilIfEmpty(it.Pedido)
	it.Criacao = fromMicros(criacao)
	it.UpdatedAt = fromMicros(updated)
	return nil
}

const loteColumns = `documento, id, descricao, criacao, updated_at`

func scanLote(sc scanner, l *pix.Lote) error {
	var criacao, updated int64
	if err := sc.Scan(&l.Documento, &l.ID, &l.Descricao, &criacao, &updated); err != nil {
		return err
	}
	l.Criacao = fromMicros(criacao)
	l.UpdatedAt = fromMicros(updated)
	return nil
}

// Lote returns a batch with its items in Pos order. ENotFound if none.
func (s *session) Lote(ctx context.Context, documento string, id int64) (*pix.Lote, error) {
	var l pix.Lote
	err := scanLote(s.readRow(ctx, `SELECT `+loteColumns+` FROM lotes WHERE documento = ? AND id = ?`, documento, id), &l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("lote not found")
	}
	if err != nil {
		return nil, s.fail(err, "read lote", "", "")
	}
	rows, err := s.read(ctx, `SELECT `+loteItemColumns(false)+` FROM lote_itens WHERE documento = ? AND lote_id = ? ORDER BY pos`,
		documento, id)
	if err != nil {
		return nil, s.fail(err, "read lote items", "", "")
	}
	defer rows.Close()
	for rows.Next() {
		var it pix.LoteItem
		if err := scanLoteItem(rows, &it, false); err != nil {
			return nil, s.fail(err, "read lote items", "", "")
		}
		l.Itens = append(l.Itens, it)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "read lote items", "", "")
	}
	return &l, nil
}

// ListLotes returns the page [f.Offset, f.Offset+f.Limit) of the batches
// matching f in (Criacao, ID) order, with their items (without request
// bodies), and the number of all matching batches. A Limit of 0 or less asks
// for the count only. The count scans the recebedor's batches created in the
// range, in the lotes_by_criacao index.
func (s *session) ListLotes(ctx context.Context, f pix.LoteFilter) ([]pix.Lote, int, error) {
	lo, hi := timeRange(f.Inicio, f.Fim)
	if lo >= hi {
		return nil, 0, nil
	}
	var total int64
	if err := s.readRow(ctx, `SELECT COUNT(*) FROM lotes WHERE documento = ? AND criacao >= ? AND criacao < ?`,
		f.Documento, lo, hi).Scan(&total); err != nil {
		return nil, 0, s.fail(err, "count lotes", "", "")
	}
	offset := int64(max(f.Offset, 0))
	if f.Limit <= 0 || offset >= total {
		return nil, int(total), nil
	}
	rows, err := s.read(ctx, `SELECT `+loteColumns+` FROM lotes WHERE documento = ? AND criacao >= ? AND criacao < ?
		ORDER BY criacao, id LIMIT ? OFFSET ?`, f.Documento, lo, hi, f.Limit, offset)
	if err != nil {
		return nil, 0, s.fail(err, "list lotes", "", "")
	}
	var out []pix.Lote
	for rows.Next() {
		var l pix.Lote
		if err := scanLote(rows, &l); err != nil {
			rows.Close()
			return nil, 0, s.fail(err, "list lotes", "", "")
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, s.fail(err, "list lotes", "", "")
	}
	if len(out) == 0 {
		return nil, int(total), nil
	}

	// The items of the page's batches, in one query (the IN list varies
	// with the page: not a cached statement).
	index := make(map[int64]int, len(out))
	args := []any{f.Documento}
	for i, l := range out {
		index[l.ID] = i
		args = append(args, l.ID)
	}
	rows, err = s.r.QueryContext(ctx, s.q(`SELECT `+loteItemColumns(true)+` FROM lote_itens
		WHERE documento = ? AND lote_id IN (`+placeholders(len(out))+`) ORDER BY lote_id, pos`), args...)
	if err != nil {
		return nil, 0, s.fail(err, "list lote items", "", "")
	}
	defer rows.Close()
	for rows.Next() {
		var it pix.LoteItem
		if err := scanLoteItem(rows, &it, true); err != nil {
			return nil, 0, s.fail(err, "list lote items", "", "")
		}
		l := &out[index[it.LoteID]]
		l.Itens = append(l.Itens, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.fail(err, "list lote items", "", "")
	}
	return out, int(total), nil
}

// UpdateLote gives items of batch id new pending requests in one
// transaction; see [pix.LoteStore.UpdateLote]. Each item's UPDATE is
// conditional on it having no pending request, so a request never replaces
// one a processor may be working on.
func (s *session) UpdateLote(ctx context.Context, documento string, id int64, descricao string, itens []pix.LoteItem, at time.Time) error {
	return s.inTx(ctx, func(s *session) error {
		var res sql.Result
		var err error
		if descricao != "" {
			res, err = s.w.ExecContext(ctx, s.q(`UPDATE lotes SET descricao = ?, updated_at = ? WHERE documento = ? AND id = ?`),
				descricao, micros(at), documento, id)
		} else {
			res, err = s.w.ExecContext(ctx, s.q(`UPDATE lotes SET updated_at = ? WHERE documento = ? AND id = ?`),
				micros(at), documento, id)
		}
		if err != nil {
			return s.fail(err, "update lote", "", "")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.fail(err, "update lote", "", "")
		} else if n == 0 {
			return notFound("lote not found")
		}
		for _, it := range itens {
			res, err := s.w.ExecContext(ctx, s.q(`UPDATE lote_itens SET status = ?, pedido = ?, pedido_tipo = ?,
				solicitacao = COALESCE(?, solicitacao), seq = seq + 1, problema = NULL, updated_at = ?
				WHERE documento = ? AND lote_id = ? AND txid = ? AND pedido IS NULL`),
				string(pixapi.LoteItemEmProcessamento), blob(it.Pedido), it.PedidoTipo, nullBlob(it.Solicitacao), micros(at),
				documento, id, it.TxID)
			if err != nil {
				return s.fail(err, "update lote item", "", "")
			}
			n, err := res.RowsAffected()
			if err != nil {
				return s.fail(err, "update lote item", "", "")
			}
			if n == 1 {
				continue
			}
			var one int
			err = s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM lote_itens WHERE documento = ? AND lote_id = ? AND txid = ?`),
				documento, id, it.TxID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return &errs.Error{Kind: errs.ENotFound, Code: codeTxID, Message: "txid not in lote " + it.TxID}
			}
			if err != nil {
				return s.fail(err, "read lote item", "", "")
			}
			return &errs.Error{Kind: errs.EConflict, Code: codePendente, Message: "lote item still pending " + it.TxID}
		}
		return nil
	})
}

// LoteItem returns documento's batch item with txid, without request bodies.
// ENotFound if none.
func (s *session) LoteItem(ctx context.Context, documento, txid string) (*pix.LoteItem, error) {
	var it pix.LoteItem
	err := scanLoteItem(s.readRow(ctx, `SELECT `+loteItemColumns(true)+` FROM lote_itens WHERE documento = ? AND txid = ?`,
		documento, txid), &it, true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("lote item not found")
	}
	if err != nil {
		return nil, s.fail(err, "read lote item", "", "")
	}
	return &it, nil
}

// LoteTxIDsEmUso reports which of txids documento uses as a charge or as a
// batch item, maxLoteRows txids a query.
func (s *session) LoteTxIDsEmUso(ctx context.Context, documento string, txids []string) ([]string, map[string]int64, error) {
	var cobs []string
	itens := map[string]int64{}
	for len(txids) > 0 {
		chunk := txids[:min(len(txids), maxLoteRows)]
		txids = txids[len(chunk):]
		args := make([]any, 0, 1+len(chunk))
		args = append(args, documento)
		for _, t := range chunk {
			args = append(args, t)
		}
		in := placeholders(len(chunk))
		err := s.collect(ctx, `SELECT txid FROM cobs WHERE documento = ? AND txid IN (`+in+`)`, args, func(sc scanner) error {
			var t string
			if err := sc.Scan(&t); err != nil {
				return err
			}
			cobs = append(cobs, t)
			return nil
		})
		if err != nil {
			return nil, nil, s.fail(err, "read cobs", "", "")
		}
		err = s.collect(ctx, `SELECT txid, lote_id FROM lote_itens WHERE documento = ? AND txid IN (`+in+`)`, args, func(sc scanner) error {
			var t string
			var id int64
			if err := sc.Scan(&t, &id); err != nil {
				return err
			}
			itens[t] = id
			return nil
		})
		if err != nil {
			return nil, nil, s.fail(err, "read lote items", "", "")
		}
	}
	slices.Sort(cobs)
	return cobs, itens, nil
}

// collect runs the read query (not cached: its text varies) and calls row
// for each row.
func (s *session) collect(ctx context.Context, query string, args []any, row func(scanner) error) error {
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ClaimLoteItens claims up to limit pending items, oldest request first, in
// one conditional UPDATE: an item is taken only if it is still unclaimed (or
// its claim ended) when the UPDATE reaches it, so concurrent claimers never
// take the same item. On PostgreSQL the candidates are read FOR UPDATE SKIP
// LOCKED, so a claimer passes over the rows another is taking instead of
// waiting for it.
func (s *session) ClaimLoteItens(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]pix.LoteItem, error) {
	if limit <= 0 {
		return nil, nil
	}
	// Most polls find nothing: a read says so without taking the writer.
	var one int
	err := s.readRow(ctx, `SELECT 1 FROM lote_itens WHERE pedido IS NOT NULL AND claim_ate <= ? LIMIT 1`, micros(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail(err, "claim lote items", "", "")
	}
	skip := ""
	if s.sh.forUpdate != "" {
		skip = s.sh.forUpdate + " SKIP LOCKED"
	}
	t := micros(now)
	query := `UPDATE lote_itens SET claim = ?, claim_ate = ?
			WHERE (documento, lote_id, txid) IN (
				SELECT documento, lote_id, txid FROM lote_itens
				WHERE pedido IS NOT NULL AND claim_ate <= ?
				ORDER BY updated_at, lote_id, pos LIMIT ?)
			AND pedido IS NOT NULL AND claim_ate <= ?
			RETURNING ` + loteItemColumns(false)
	args := []any{claim, micros(now.Add(lease)), t, limit, t}
	if skip != "" {
		// PostgreSQL: pick and lock once, then update exactly those rows
		// (see the webhook outbox's Claim for why not IN (SELECT ... SKIP
		// LOCKED)).
		query = `WITH picked AS MATERIALIZED (
				SELECT documento, lote_id, txid FROM lote_itens
				WHERE pedido IS NOT NULL AND claim_ate <= ?
				ORDER BY updated_at, lote_id, pos LIMIT ?` + skip + `)
			UPDATE lote_itens l SET claim = ?, claim_ate = ?
			FROM picked WHERE l.documento = picked.documento AND l.lote_id = picked.lote_id AND l.txid = picked.txid
			RETURNING ` + qualified("l", loteItemColumns(false))
		args = []any{t, limit, claim, micros(now.Add(lease))}
	}
	var out []pix.LoteItem
	err = s.write(ctx, func(s *session) error {
		out = out[:0]
		rows, err := s.w.QueryContext(ctx, s.q(query), args...)
		if err != nil {
			return s.fail(err, "claim lote items", "", "")
		}
		defer rows.Close()
		for rows.Next() {
			var it pix.LoteItem
			if err := scanLoteItem(rows, &it, false); err != nil {
				return s.fail(err, "claim lote items", "", "")
			}
			out = append(out, it)
		}
		return s.fail(rows.Err(), "claim lote items", "", "")
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b pix.LoteItem) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		if a.LoteID != b.LoteID {
			if a.LoteID < b.LoteID {
				return -1
			}
			return 1
		}
		return a.Pos - b.Pos
	})
	return nilIfEmptyList(out), nil
}

// FinishLoteItem stores the outcome of request it.Seq; see
// [pix.LoteStore.FinishLoteItem].
func (s *session) FinishLoteItem(ctx context.Context, it *pix.LoteItem, claim string) error {
	stale := false
	err := s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE lote_itens SET status = ?, problema = ?, criacao = ?, updated_at = ?,
			pedido = NULL, pedido_tipo = NULL, claim = NULL, claim_ate = 0
			WHERE documento = ? AND lote_id = ? AND txid = ? AND seq = ? AND pedido IS NOT NULL`),
			string(it.Status), nullBlob(it.Problema), micros(it.Criacao), micros(it.UpdatedAt),
			it.Documento, it.LoteID, it.TxID, it.Seq)
		if err != nil {
			return s.fail(err, "finish lote item", "", "")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.fail(err, "finish lote item", "", "")
		}
		if n == 1 {
			return nil
		}
		_, err = s.w.ExecContext(ctx, s.q(`UPDATE lote_itens SET claim = NULL, claim_ate = 0
			WHERE documento = ? AND lote_id = ? AND txid = ? AND claim = ?`), it.Documento, it.LoteID, it.TxID, claim)
		if err != nil {
			return s.fail(err, "release lote item", "", "")
		}
		stale = true // not an error of the write: the release must commit
		return nil
	})
	if err == nil && stale {
		err = &errs.Error{Kind: errs.EConflict, Code: codeStale, Message: "lote item changed since it was claimed"}
	}
	return err
}

// ReleaseLoteItem gives up claim's hold on an item until retryAt.
func (s *session) ReleaseLoteItem(ctx context.Context, documento string, loteID int64, txid, claim string, retryAt time.Time) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`UPDATE lote_itens SET claim = NULL, claim_ate = ?
			WHERE documento = ? AND lote_id = ? AND txid = ? AND claim = ?`), micros(retryAt), documento, loteID, txid, claim)
		return s.fail(err, "release lote item", "", "")
	})
}

// ReleaseLoteClaims releases, on SQLite (one process owns the database, and
// it is starting its processor), every claim: they belong to a process that
// is gone. On PostgreSQL other instances may be processing: claims end with
// their lease.
func (s *session) ReleaseLoteClaims(ctx context.Context) error {
	if s.sh.name != "sqlite" {
		return nil
	}
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, `UPDATE lote_itens SET claim = NULL, claim_ate = 0 WHERE claim IS NOT NULL`)
		return s.fail(err, "release lote claims", "", "")
	})
}

// placeholders returns n comma-separated '?'.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// nullBlob returns NULL for an empty value, for binary columns where absent
// is NULL.
func nullBlob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
