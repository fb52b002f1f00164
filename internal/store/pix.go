package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/pixapi"
)

// Interface guards.
var (
	_ pix.PixStore   = (*DB)(nil)
	_ pix.TxStore    = (*Tx)(nil)
	_ pix.Transactor = (*DB)(nil)
)

// InTx runs fn in one write transaction (see [DB.Tx]) with the transaction
// as a [pix.TxStore].
func (db *DB) InTx(ctx context.Context, fn func(tx pix.TxStore) error) error {
	return db.Tx(ctx, func(tx *Tx) error { return fn(tx) })
}

// CreatePix stores p. EConflict if its EndToEndID exists.
func (s *session) CreatePix(ctx context.Context, p *pix.PixRecord) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(s.ctx(ctx), s.q(`INSERT INTO pix (end_to_end_id, documento, txid, chave, valor, retirada, horario, pagador_cpf, pagador_cnpj, devolucoes, body)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`),
			p.EndToEndID, p.Documento, nullString(p.TxID), p.Chave, int64(p.Valor), int64(p.Retirada), micros(p.Horario),
			nullString(p.PagadorCPF), nullString(p.PagadorCNPJ), blob(p.Body))
		return s.fail(err, "create pix", "endToEndId already exists", "")
	})
}

const pixColumns = `end_to_end_id, documento, COALESCE(txid, ''), chave, valor, retirada, horario, COALESCE(pagador_cpf, ''), COALESCE(pagador_cnpj, ''), body`

func scanPix(sc interface{ Scan(...any) error }, p *pix.PixRecord) error {
	var valor, retirada, horario int64
	if err := sc.Scan(&p.EndToEndID, &p.Documento, &p.TxID, &p.Chave, &valor, &retirada, &horario, &p.PagadorCPF, &p.PagadorCNPJ, &p.Body); err != nil {
		return err
	}
	p.Valor, p.Retirada, p.Horario = pix.Centavos(valor), pix.Centavos(retirada), fromMicros(horario)
	p.Body = nilIfEmpty(p.Body)
	return nil
}

// Pix returns the Pix e2eid of documento with its devoluções. ENotFound if
// none.
func (s *session) Pix(ctx context.Context, documento, e2eid string) (*pix.PixRecord, error) {
	return s.onePix(ctx, documento, e2eid, "")
}

// LockPix is Pix, locking the row for the rest of the transaction (FOR
// UPDATE on PostgreSQL; SQLite's writer is already exclusive).
func (s *session) LockPix(ctx context.Context, documento, e2eid string) (*pix.PixRecord, error) {
	return s.onePix(ctx, documento, e2eid, s.sh.forUpdate)
}

func (s *session) onePix(ctx context.Context, documento, e2eid, suffix string) (*pix.PixRecord, error) {
	var p pix.PixRecord
	err := scanPix(s.readRow(ctx, `SELECT `+pixColumns+` FROM pix WHERE end_to_end_id = ? AND documento = ?`+suffix, e2eid, documento), &p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("pix not found")
	}
	if err != nil {
		return nil, s.fail(err, "get pix", "", "")
	}
	list := []pix.PixRecord{p}
	if err := s.attachDevolucoes(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// PixDocumento returns the recebedor of the Pix e2eid. ENotFound if none.
func (s *session) PixDocumento(ctx context.Context, e2eid string) (string, error) {
	var d string
	err := s.readRow(ctx, `SELECT documento FROM pix WHERE end_to_end_id = ?`, e2eid).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("pix not found")
	}
	return d, s.fail(err, "get pix", "", "")
}

// ListPix returns one page of the Pix matching f in (horario,
// end_to_end_id) order, with their devoluções, and the number of all
// matching Pix.
func (s *session) ListPix(ctx context.Context, f pix.PixFilter) ([]pix.PixRecord, int, error) {
	lo, hi := timeRange(f.Inicio, f.Fim)
	if lo >= hi {
		return nil, 0, nil
	}
	conds := []string{"documento = ?", "horario >= ?", "horario < ?"}
	args := []any{f.Documento, lo, hi}
	if f.TxID != "" {
		conds, args = append(conds, "txid = ?"), append(args, f.TxID)
	}
	if f.TxIDPresente != nil {
		if *f.TxIDPresente {
			conds = append(conds, "txid IS NOT NULL")
		} else {
			conds = append(conds, "txid IS NULL")
		}
	}
	if f.DevolucaoPresente != nil {
		if *f.DevolucaoPresente {
			conds = append(conds, "devolucoes > 0")
		} else {
			conds = append(conds, "devolucoes = 0")
		}
	}
	if f.CPF != "" {
		conds, args = append(conds, "pagador_cpf = ?"), append(args, f.CPF)
	}
	if f.CNPJ != "" {
		conds, args = append(conds, "pagador_cnpj = ?"), append(args, f.CNPJ)
	}
	where := strings.Join(conds, " AND ")
	var total int64
	if err := s.readRow(ctx, `SELECT COUNT(*) FROM pix WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, s.fail(err, "count pix", "", "")
	}
	offset := int64(max(f.Offset, 0))
	if f.Limit <= 0 || offset >= total {
		return nil, int(total), nil
	}
	rows, err := s.read(ctx, `SELECT `+pixColumns+` FROM pix WHERE `+where+` ORDER BY horario, end_to_end_id LIMIT ? OFFSET ?`,
		append(args, f.Limit, offset)...)
	if err != nil {
		return nil, 0, s.fail(err, "list pix", "", "")
	}
	out, err := collectPix(rows)
	if err != nil {
		return nil, 0, s.fail(err, "list pix", "", "")
	}
	if err := s.attachDevolucoes(ctx, out); err != nil {
		return nil, 0, err
	}
	return nilIfEmptyList(out), int(total), nil
}

// PixDoTxID returns the Pix paying txid of documento, oldest first, with
// their devoluções.
func (s *session) PixDoTxID(ctx context.Context, documento, txid string) ([]pix.PixRecord, error) {
	rows, err := s.read(ctx, `SELECT `+pixColumns+` FROM pix WHERE documento = ? AND txid = ? ORDER BY horario, end_to_end_id`, documento, txid)
	if err != nil {
		return nil, s.fail(err, "list pix of txid", "", "")
	}
	out, err := collectPix(rows)
	if err != nil {
		return nil, s.fail(err, "list pix of txid", "", "")
	}
	if err := s.attachDevolucoes(ctx, out); err != nil {
		return nil, err
	}
	return nilIfEmptyList(out), nil
}

func collectPix(rows *sql.Rows) ([]pix.PixRecord, error) {
	defer rows.Close()
	var out []pix.PixRecord
	for rows.Next() {
		var p pix.PixRecord
		if err := scanPix(rows, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

const devolucaoColumns = `end_to_end_id, id, documento, rtr_id, valor, natureza, descricao, status, motivo, solicitacao, liquidacao, liquidar_em`

func scanDevolucao(sc interface{ Scan(...any) error }, d *pix.DevolucaoRecord) error {
	var valor, sol, liq, em int64
	var natureza, status string
	if err := sc.Scan(&d.EndToEndID, &d.ID, &d.Documento, &d.RtrID, &valor, &natureza, &d.Descricao, &status, &d.Motivo, &sol, &liq, &em); err != nil {
		return err
	}
	d.Valor = pix.Centavos(valor)
	d.Natureza, d.Status = pixapi.DevolucaoNatureza(natureza), pixapi.DevolucaoStatus(status)
	d.Solicitacao, d.Liquidacao, d.LiquidarEm = fromMicros(sol), fromMicros(liq), fromMicros(em)
	return nil
}

// attachDevolucoes reads the devoluções of ps (one query) into them, in
// request order.
func (s *session) attachDevolucoes(ctx context.Context, ps []pix.PixRecord) error {
	if len(ps) == 0 {
		return nil
	}
	idx := make(map[string]int, len(ps))
	args := make([]any, 0, len(ps))
	for i := range ps {
		idx[ps[i].EndToEndID] = i
		args = append(args, ps[i].EndToEndID)
	}
	rows, err := s.read(ctx, `SELECT `+devolucaoColumns+` FROM devolucoes WHERE end_to_end_id IN (?`+strings.Repeat(", ?", len(ps)-1)+`) ORDER BY end_to_end_id, seq`, args...)
	if err != nil {
		return s.fail(err, "list devolucoes", "", "")
	}
	defer rows.Close()
	for rows.Next() {
		var d pix.DevolucaoRecord
		if err := scanDevolucao(rows, &d); err != nil {
			return s.fail(err, "list devolucoes", "", "")
		}
		i := idx[d.EndToEndID]
		ps[i].Devolucoes = append(ps[i].Devolucoes, d)
	}
	return s.fail(rows.Err(), "list devolucoes", "", "")
}

// CreateDevolucao stores d and counts it on its Pix. EConflict if
// (EndToEndID, ID) exists; ENotFound if the Pix does not.
func (s *session) CreateDevolucao(ctx context.Context, d *pix.DevolucaoRecord) error {
	return s.inTx(ctx, func(s *session) error {
		res, err := s.w.ExecContext(s.ctx(ctx), s.q(`UPDATE pix SET devolucoes = devolucoes + 1 WHERE end_to_end_id = ? AND documento = ?`), d.EndToEndID, d.Documento)
		if err != nil {
			return s.fail(err, "create devolucao", "", "")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("pix not found")
		}
		_, err = s.w.ExecContext(s.ctx(ctx), s.q(`INSERT INTO devolucoes (`+devolucaoColumns+`, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT devolucoes FROM pix WHERE end_to_end_id = ?))`),
			d.EndToEndID, d.ID, d.Documento, d.RtrID, int64(d.Valor), string(d.Natureza), d.Descricao, string(d.Status), d.Motivo,
			micros(d.Solicitacao), micros(d.Liquidacao), micros(d.LiquidarEm), d.EndToEndID)
		return s.fail(err, "create devolucao", "devolucao id already used for this pix", "pix not found")
	})
}

// FinishDevolucao gives d its final status if it is still
// EM_PROCESSAMENTO, and reports whether it did.
func (s *session) FinishDevolucao(ctx context.Context, d *pix.DevolucaoRecord) (bool, error) {
	var changed bool
	err := s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(s.ctx(ctx), s.q(`UPDATE devolucoes SET status = ?, motivo = ?, liquidacao = ?
			WHERE end_to_end_id = ? AND id = ? AND status = ?`),
			string(d.Status), d.Motivo, micros(d.Liquidacao), d.EndToEndID, d.ID, string(pixapi.DevolucaoEmProcessamento))
		if err != nil {
			return s.fail(err, "finish devolucao", "", "")
		}
		n, err := res.RowsAffected()
		changed = n == 1
		return s.fail(err, "finish devolucao", "", "")
	})
	return changed, err
}

// DueDevolucoes returns up to limit devoluções EM_PROCESSAMENTO due at now.
func (s *session) DueDevolucoes(ctx context.Context, now time.Time, limit int) ([]pix.DevolucaoRecord, error) {
	rows, err := s.read(ctx, `SELECT `+devolucaoColumns+` FROM devolucoes WHERE status = 'EM_PROCESSAMENTO' AND liquidar_em <= ?
		ORDER BY liquidar_em, end_to_end_id, id LIMIT ?`, micros(now), limit)
	if err != nil {
		return nil, s.fail(err, "due devolucoes", "", "")
	}
	defer rows.Close()
	var out []pix.DevolucaoRecord
	for rows.Next() {
		var d pix.DevolucaoRecord
		if err := scanDevolucao(rows, &d); err != nil {
			return nil, s.fail(err, "due devolucoes", "", "")
		}
		out = append(out, d)
	}
	return out, s.fail(rows.Err(), "due devolucoes", "", "")
}

// NextDevolucao returns the earliest liquidar_em of the devoluções
// EM_PROCESSAMENTO, zero when none.
func (s *session) NextDevolucao(ctx context.Context) (time.Time, error) {
	var v sql.NullInt64
	err := s.readRow(ctx, `SELECT MIN(liquidar_em) FROM devolucoes WHERE status = 'EM_PROCESSAMENTO'`).Scan(&v)
	if err != nil || !v.Valid {
		return time.Time{}, s.fail(err, "next devolucao", "", "")
	}
	return fromMicros(v.Int64), nil
}

// PutWebhook stores w, replacing the webhook of (Documento, Chave).
func (s *session) PutWebhook(ctx context.Context, w *pix.WebhookRecord) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(s.ctx(ctx), s.q(`INSERT INTO webhooks (documento, chave, url, criacao) VALUES (?, ?, ?, ?)
			ON CONFLICT (documento, chave) DO UPDATE SET url = excluded.url, criacao = excluded.criacao`),
			w.Documento, w.Chave, w.URL, micros(w.Criacao))
		return s.fail(err, "put webhook", "", "")
	})
}

// Webhook returns the webhook of chave of documento. ENotFound if none.
func (s *session) Webhook(ctx context.Context, documento, chave string) (*pix.WebhookRecord, error) {
	w := pix.WebhookRecord{Documento: documento, Chave: chave}
	var criacao int64
	err := s.readRow(ctx, `SELECT url, criacao FROM webhooks WHERE documento = ? AND chave = ?`, documento, chave).Scan(&w.URL, &criacao)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("webhook not found")
	}
	if err != nil {
		return nil, s.fail(err, "get webhook", "", "")
	}
	w.Criacao = fromMicros(criacao)
	return &w, nil
}

// DeleteWebhook removes the webhook of chave. ENotFound if none.
func (s *session) DeleteWebhook(ctx context.Context, documento, chave string) error {
	return s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(s.ctx(ctx), s.q(`DELETE FROM webhooks WHERE documento = ? AND chave = ?`), documento, chave)
		if err != nil {
			return s.fail(err, "delete webhook", "", "")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("webhook not found")
		}
		return nil
	})
}

// ListWebhooks returns one page of documento's webhooks in (criacao, chave)
// order and the number of all matching ones.
func (s *session) ListWebhooks(ctx context.Context, f pix.WebhookFilter) ([]pix.WebhookRecord, int, error) {
	lo, hi := timeRange(f.Inicio, f.Fim)
	if lo >= hi {
		return nil, 0, nil
	}
	var total int64
	if err := s.readRow(ctx, `SELECT COUNT(*) FROM webhooks WHERE documento = ? AND criacao >= ? AND criacao < ?`, f.Documento, lo, hi).Scan(&total); err != nil {
		return nil, 0, s.fail(err, "count webhooks", "", "")
	}
	offset := int64(max(f.Offset, 0))
	if f.Limit <= 0 || offset >= total {
		return nil, int(total), nil
	}
	rows, err := s.read(ctx, `SELECT chave, url, criacao FROM webhooks WHERE documento = ? AND criacao >= ? AND criacao < ?
		ORDER BY criacao, chave LIMIT ? OFFSET ?`, f.Documento, lo, hi, f.Limit, offset)
	if err != nil {
		return nil, 0, s.fail(err, "list webhooks", "", "")
	}
	defer rows.Close()
	var out []pix.WebhookRecord
	for rows.Next() {
		w := pix.WebhookRecord{Documento: f.Documento}
		var criacao int64
		if err := rows.Scan(&w.Chave, &w.URL, &criacao); err != nil {
			return nil, 0, s.fail(err, "list webhooks", "", "")
		}
		w.Criacao = fromMicros(criacao)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.fail(err, "list webhooks", "", "")
	}
	return out, int(total), nil
}
