package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/webhook"
)

// Interface guards: the DB is the dispatcher's store and an outbox; a Tx is
// the outbox the state change's transaction writes to.
var (
	_ webhook.Store  = (*DB)(nil)
	_ webhook.Outbox = (*DB)(nil)
	_ webhook.Outbox = (*Tx)(nil)
)

// notificationColumns are a webhook_notification row's columns, as
// scanNotification reads them.
const notificationColumns = `id, documento, chave, webhook_url, kind, end_to_end_id, payload, created_at,
	next_attempt, attempts, deadline, status, delivered_at, claim, claimed_until`

func scanNotification(sc scanner, n *webhook.Notification) error {
	var kind, status string
	var claim sql.NullString
	var created, next, deadline, delivered, until int64
	err := sc.Scan(&n.ID, &n.Documento, &n.Chave, &n.WebhookURL, &kind, &n.EndToEndID, &n.Payload, &created,
		&next, &n.Attempts, &deadline, &status, &delivered, &claim, &until)
	if err != nil {
		return err
	}
	n.Kind = webhook.Kind(kind)
	n.Status = webhook.Status(status)
	n.Payload = nilIfEmpty(n.Payload)
	n.CreatedAt = fromMicros(created)
	n.NextAttempt = fromMicros(next)
	n.Deadline = fromMicros(deadline)
	n.DeliveredAt = fromMicros(delivered)
	n.Claim = claim.String
	n.ClaimedUntil = fromMicros(until)
	return nil
}

// Enqueue stores n as a new pending-or-given-status notification and sets
// n.ID (see [webhook.Outbox.Enqueue]); the claim fields are not stored (a new
// row is never claimed). In a [Tx] it commits or rolls back with the
// transaction, which is the point: call it in the transaction of the state
// change that notifies.
func (s *session) Enqueue(ctx context.Context, n *webhook.Notification) error {
	var id int64
	err := s.write(ctx, func(s *session) error {
		err := s.queryRowHot(ctx, `INSERT INTO webhook_notification (documento, chave, webhook_url, kind, end_to_end_id,
			payload, created_at, next_attempt, attempts, deadline, status, delivered_at, claim, claimed_until)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0) RETURNING id`,
			n.Documento, n.Chave, n.WebhookURL, string(n.Kind), n.EndToEndID, blob(n.Payload),
			micros(n.CreatedAt), micros(n.NextAttempt), n.Attempts, micros(n.Deadline), string(n.Status),
			micros(n.DeliveredAt)).Scan(&id)
		return s.fail(err, "enqueue webhook notification", "", "")
	})
	if err != nil {
		return err
	}
	n.ID = id
	return nil
}

// Retarget points the pending notifications of chave of documento at
// webhookURL and makes those not due yet due at now; see
// [webhook.Outbox.Retarget]. It returns how many rows it changed.
func (s *session) Retarget(ctx context.Context, documento, chave, webhookURL string, now time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(s *session) error {
		t := micros(now)
		res, err := s.w.ExecContext(s.ctx(ctx), s.q(`UPDATE webhook_notification
			SET webhook_url = ?, next_attempt = CASE WHEN next_attempt > ? THEN ? ELSE next_attempt END
			WHERE documento = ? AND chave = ? AND status = 'pending'`), webhookURL, t, t, documento, chave)
		if err != nil {
			return s.fail(err, "retarget webhook notifications", "", "")
		}
		n, err = res.RowsAffected()
		return s.fail(err, "retarget webhook notifications", "", "")
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// Claim leases up to req.Limit due notifications to req.Claim until
// req.Until, in one conditional UPDATE of the rows a subquery picks in
// (next_attempt, id) order: a row is taken only if it is still pending, due
// and not under a live lease when the UPDATE reaches it, so concurrent
// claims never take the same row. On PostgreSQL the subquery reads FOR
// UPDATE SKIP LOCKED, so a claim passes over the rows another is taking
// instead of waiting for them; on SQLite the single writer serializes
// claims. See [webhook.Store.Claim].
func (s *session) Claim(ctx context.Context, req webhook.ClaimRequest) ([]webhook.Notification, error) {
	if err := ctx.Err(); err != nil {
		return nil, s.fail(err, "claim webhook notifications", "", "")
	}
	if req.Limit <= 0 {
		return nil, nil
	}
	now := micros(req.Now)
	// Most polls find nothing: a read says so without taking the writer.
	var one int
	err := s.readRow(ctx, `SELECT 1 FROM webhook_notification
		WHERE status = 'pending' AND next_attempt <= ? AND (claim IS NULL OR claimed_until <= ?) LIMIT 1`, now, now).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail(err, "claim webhook notifications", "", "")
	}
	skip := ""
	if s.sh.forUpdate != "" {
		skip = s.sh.forUpdate + " SKIP LOCKED"
	}
	// SQLite: the single writer makes the UPDATE of the subquery's rows
	// atomic. PostgreSQL: the rows are picked and locked once, in a
	// MATERIALIZED CTE, then updated by id: the pattern PostgreSQL's
	// documentation gives for queue consumers, where exactly the locked
	// rows are the updated ones whatever plan the UPDATE gets. (The first
	// form, UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT
	// n), failed the conformance suite once in CI under load, 55 of 60 rows
	// claimed by six concurrent claimers; it did not reproduce in 40 quiet
	// runs, so the cause is not proven.)
	query := `UPDATE webhook_notification SET claim = ?, claimed_until = ?
			WHERE id IN (
				SELECT id FROM webhook_notification
				WHERE status = 'pending' AND next_attempt <= ? AND (claim IS NULL OR claimed_until <= ?)
				ORDER BY next_attempt, id LIMIT ?)
			AND status = 'pending' AND next_attempt <= ? AND (claim IS NULL OR claimed_until <= ?)
			RETURNING ` + notificationColumns
	args := []any{req.Claim, micros(req.Until), now, now, req.Limit, now, now}
	if skip != "" {
		query = `WITH picked AS MATERIALIZED (
				SELECT id FROM webhook_notification
				WHERE status = 'pending' AND next_attempt <= ? AND (claim IS NULL OR claimed_until <= ?)
				ORDER BY next_attempt, id LIMIT ?` + skip + `)
			UPDATE webhook_notification w SET claim = ?, claimed_until = ?
			FROM picked WHERE w.id = picked.id
			RETURNING ` + qualified("w", notificationColumns)
		args = []any{now, now, req.Limit, req.Claim, micros(req.Until)}
	}
	var out []webhook.Notification
	err = s.write(ctx, func(s *session) error {
		out = out[:0]
		rows, err := s.w.QueryContext(s.ctx(ctx), s.q(query), args...)
		if err != nil {
			return s.fail(err, "claim webhook notifications", "", "")
		}
		defer rows.Close()
		for rows.Next() {
			var n webhook.Notification
			if err := scanNotification(rows, &n); err != nil {
				return s.fail(err, "claim webhook notifications", "", "")
			}
			out = append(out, n)
		}
		return s.fail(rows.Err(), "claim webhook notifications", "", "")
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b webhook.Notification) int {
		if c := a.NextAttempt.Compare(b.NextAttempt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return nilIfEmptyList(out), nil
}

// maxTransitions bounds the rows one UPDATE of Record changes (3 parameters
// each).
const maxTransitions = 500

// Record stores attempt a (setting a.ID) and, in the same transaction,
// applies the transitions next to the rows still pending under claim; see
// [webhook.Store.Record].
func (s *session) Record(ctx context.Context, claim string, a *webhook.Attempt, next []webhook.Transition) error {
	ids := make([]string, len(a.NotificationIDs))
	for i, id := range a.NotificationIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	var id int64
	err := s.inTx(ctx, func(s *session) error {
		err := s.queryRowHot(ctx, `INSERT INTO webhook_attempt (documento, chave, at, url, status_code, latency_us,
			error, response, notification_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.Documento, a.Chave, micros(a.At), a.URL, a.StatusCode, a.Latency.Microseconds(),
			a.Error, a.Response, strings.Join(ids, " ")).Scan(&id)
		if err != nil {
			return s.fail(err, "record webhook attempt", "", "")
		}
		if err := s.linkAttempt(ctx, id, a.NotificationIDs); err != nil {
			return err
		}
		if claim == "" {
			return nil // matches no row: the attempt is history only
		}
		for len(next) > 0 {
			batch := next[:min(len(next), maxTransitions)]
			next = next[len(batch):]
			if err := s.transition(ctx, claim, micros(a.At), batch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.ID = id
	return nil
}

// linkAttempt links attempt id to the notifications ids, in order.
func (s *session) linkAttempt(ctx context.Context, id int64, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), maxTransitions)
		var b strings.Builder
		b.WriteString(`INSERT INTO webhook_attempt_notification (attempt_id, notification_id, pos) VALUES `)
		args := make([]any, 0, 3*n)
		for i, nid := range ids[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?)")
			args = append(args, id, nid, i)
		}
		ids = ids[n:]
		if _, err := s.execBatch(ctx, n, b.String(), args...); err != nil {
			return s.fail(err, "link webhook attempt", "", "")
		}
	}
	return nil
}

// transition applies ts to the rows still pending under claim, in one
// UPDATE joined with the transitions as a VALUES list (columns column1..3:
// id, status, next_attempt, on both engines).
func (s *session) transition(ctx context.Context, claim string, at int64, ts []webhook.Transition) error {
	var b strings.Builder
	b.WriteString(`UPDATE webhook_notification SET attempts = attempts + 1, status = t.column2,
		next_attempt = CASE WHEN t.column2 = 'pending' THEN t.column3 ELSE next_attempt END,
		delivered_at = CASE WHEN t.column2 = 'delivered' THEN CAST(? AS BIGINT) ELSE delivered_at END,
		claim = NULL, claimed_until = 0
		FROM (VALUES `)
	args := make([]any, 0, 2+3*len(ts))
	args = append(args, at)
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT))")
		args = append(args, t.ID, string(t.Status), micros(t.NextAttempt))
	}
	b.WriteString(`) AS t WHERE webhook_notification.id = t.column1 AND status = 'pending' AND claim = ?`)
	args = append(args, claim)
	_, err := s.execBatch(ctx, len(ts), b.String(), args...)
	return s.fail(err, "record webhook transitions", "", "")
}

// Renew extends to until the lease of the rows ids still pending under
// claim, in one conditional UPDATE per chunk, and returns their IDs; see
// [webhook.Store.Renew]. The condition on claim fences it: a row another
// Claim took since, or that was recorded or released, is not touched.
func (s *session) Renew(ctx context.Context, claim string, ids []int64, until time.Time) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, s.fail(err, "renew webhook leases", "", "")
	}
	if claim == "" || len(ids) == 0 {
		return nil, nil
	}
	var held []int64
	err := s.write(ctx, func(s *session) error {
		held = held[:0]
		for rest := ids; len(rest) > 0; {
			n := min(len(rest), maxTransitions)
			args := make([]any, 0, n+2)
			args = append(args, micros(until), claim)
			for _, id := range rest[:n] {
				args = append(args, id)
			}
			rest = rest[n:]
			rows, err := s.w.QueryContext(s.ctx(ctx), s.q(`UPDATE webhook_notification SET claimed_until = ?
				WHERE claim = ? AND status = 'pending' AND id IN (`+placeholders(n)+`) RETURNING id`), args...)
			if err != nil {
				return s.fail(err, "renew webhook leases", "", "")
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return s.fail(err, "renew webhook leases", "", "")
				}
				held = append(held, id)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return s.fail(err, "renew webhook leases", "", "")
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nilIfEmptyList(held), nil
}

// Release clears claim from the rows ids still pending under it; see
// [webhook.Store.Release].
func (s *session) Release(ctx context.Context, claim string, ids []int64) error {
	if err := ctx.Err(); err != nil {
		return s.fail(err, "release webhook notifications", "", "")
	}
	if claim == "" || len(ids) == 0 {
		return nil
	}
	return s.write(ctx, func(s *session) error {
		for len(ids) > 0 {
			n := min(len(ids), maxTransitions)
			args := make([]any, 0, n+1)
			args = append(args, claim)
			for _, id := range ids[:n] {
				args = append(args, id)
			}
			ids = ids[n:]
			_, err := s.w.ExecContext(s.ctx(ctx), s.q(`UPDATE webhook_notification SET claim = NULL, claimed_until = 0
				WHERE claim = ? AND status = 'pending' AND id IN (`+placeholders(n)+`)`), args...)
			if err != nil {
				return s.fail(err, "release webhook notifications", "", "")
			}
		}
		return nil
	})
}

// ReleaseWebhookClaims clears, on SQLite, the claim of every pending
// notification: one process owns a SQLite database, and it calls this when
// it starts, before its dispatcher runs, so that the rows its previous run
// held when it died are sent at once rather than when their leases run out.
// On PostgreSQL other instances may be delivering: it does nothing there,
// and a dead instance's rows return when their leases end.
func (s *session) ReleaseWebhookClaims(ctx context.Context) error {
	if s.sh.name != "sqlite" {
		return nil
	}
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(s.ctx(ctx), `UPDATE webhook_notification SET claim = NULL, claimed_until = 0
			WHERE status = 'pending' AND claim IS NOT NULL`)
		return s.fail(err, "release webhook claims", "", "")
	})
}

// Notifications lists the notifications matching f in (created_at, id)
// order, and counts them; see [webhook.Store.Notifications].
func (s *session) Notifications(ctx context.Context, f webhook.NotificationFilter) ([]webhook.Notification, int, error) {
	var c conds
	if f.Documento != "" {
		c.add("documento = ?", f.Documento)
	}
	if f.Chave != "" {
		c.add("chave = ?", f.Chave)
	}
	if f.EndToEndID != "" {
		c.add("end_to_end_id = ?", f.EndToEndID)
	}
	if f.Status != "" {
		c.add("status = ?", string(f.Status))
	}
	if !f.Inicio.IsZero() {
		c.add("created_at >= ?", micros(f.Inicio))
	}
	if !f.Fim.IsZero() {
		c.add("created_at <= ?", micros(f.Fim))
	}
	return page(ctx, s, "webhook notifications", "webhook_notification", notificationColumns, "created_at, id",
		c, f.Limit, f.Offset, scanNotification)
}

// Attempts lists the attempts matching f in (at, id) order, and counts them;
// see [webhook.Store.Attempts].
func (s *session) Attempts(ctx context.Context, f webhook.AttemptFilter) ([]webhook.Attempt, int, error) {
	var c conds
	if f.Documento != "" {
		c.add("documento = ?", f.Documento)
	}
	if f.Chave != "" {
		c.add("chave = ?", f.Chave)
	}
	if f.NotificationID != 0 {
		c.add("id IN (SELECT attempt_id FROM webhook_attempt_notification WHERE notification_id = ?)", f.NotificationID)
	}
	if !f.Inicio.IsZero() {
		c.add("at >= ?", micros(f.Inicio))
	}
	if !f.Fim.IsZero() {
		c.add("at <= ?", micros(f.Fim))
	}
	return page(ctx, s, "webhook attempts", "webhook_attempt",
		"id, documento, chave, at, url, status_code, latency_us, error, response, notification_ids", "at, id",
		c, f.Limit, f.Offset, scanAttempt)
}

func scanAttempt(sc scanner, a *webhook.Attempt) error {
	var at, latency int64
	var ids string
	if err := sc.Scan(&a.ID, &a.Documento, &a.Chave, &at, &a.URL, &a.StatusCode, &latency,
		&a.Error, &a.Response, &ids); err != nil {
		return err
	}
	a.At = fromMicros(at)
	a.Latency = time.Duration(latency) * time.Microsecond
	for _, v := range splitList(ids) {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return &errs.Error{Kind: errs.EInternal, Message: "store: malformed webhook attempt notification ids", Err: err}
		}
		a.NotificationIDs = append(a.NotificationIDs, id)
	}
	return nil
}

// conds collects the AND-ed conditions of a list query and their arguments.
type conds struct {
	list []string
	args []any
}

func (c *conds) add(cond string, arg any) {
	c.list = append(c.list, cond)
	c.args = append(c.args, arg)
}

// page counts the rows of table matching c and reads the page [offset,
// offset+limit) of them in order, with cols scanned by scan. A limit of 0
// (or an offset past the end) only counts. what names the rows in errors.
func page[T any](ctx context.Context, s *session, what, table, cols, order string, c conds, limit, offset int,
	scan func(scanner, *T) error) ([]T, int, error) {
	where := whereClause(c.list)
	var total int64
	if err := s.readRow(ctx, `SELECT COUNT(*) FROM `+table+where, c.args...).Scan(&total); err != nil {
		return nil, 0, s.fail(err, "count "+what, "", "")
	}
	off := int64(max(offset, 0))
	if limit <= 0 || off >= total {
		return nil, int(total), nil
	}
	rows, err := s.read(ctx, `SELECT `+cols+` FROM `+table+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(c.args, limit, off)...)
	if err != nil {
		return nil, 0, s.fail(err, "list "+what, "", "")
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			if e := errs.As(err); e != nil {
				return nil, 0, err
			}
			return nil, 0, s.fail(err, "list "+what, "", "")
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.fail(err, "list "+what, "", "")
	}
	return out, int(total), nil
}

// whereClause returns " WHERE c1 AND c2 ..." or "" for no conditions.
func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// qualified prefixes every column of the comma-separated list cols with
// table alias t.
func qualified(t, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = t + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
