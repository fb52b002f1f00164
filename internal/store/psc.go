package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/psc"
)

// Interface guards.
var (
	_ psc.Store = (*DB)(nil)
	_ psc.Store = (*Tx)(nil)
)

// PSC tables: psc_applications, psc_holders, psc_certificates,
// psc_authorizations, psc_tokens, psc_counters (migrations 0008_psc.sql).
// Conditional updates (a decision, a code or token spent, a poll) are single
// UPDATE statements whose WHERE states the precondition, so concurrent
// instances cannot both win.

// CreatePSCApplication stores a. EConflict if its client_id exists.
func (s *session) CreatePSCApplication(ctx context.Context, a *psc.Application) error {
	uris, err := json.Marshal(a.RedirectURIs)
	if err != nil {
		return err
	}
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(s.ctx(ctx), s.q(`INSERT INTO psc_applications
			(client_id, secret_hash, name, comments, email, redirect_uris, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			a.ClientID, blob(a.SecretHash), a.Name, a.Comments, a.Email, string(uris), micros(a.CreatedAt))
		return s.fail(err, "create psc application", "application exists", "")
	})
}

// PSCApplication returns the application clientID. ENotFound if none.
func (s *session) PSCApplication(ctx context.Context, clientID string) (*psc.Application, error) {
	var a psc.Application
	var uris string
	var created int64
	err := s.readRow(ctx, `SELECT client_id, secret_hash, name, comments, email, redirect_uris, created_at
		FROM psc_applications WHERE client_id = ?`, clientID).
		Scan(&a.ClientID, &a.SecretHash, &a.Name, &a.Comments, &a.Email, &uris, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("psc application not found")
	}
	if err != nil {
		return nil, s.fail(err, "read psc application", "", "")
	}
	if err := json.Unmarshal([]byte(uris), &a.RedirectURIs); err != nil {
		return nil, s.fail(err, "read psc application redirect_uris", "", "")
	}
	a.CreatedAt = fromMicros(created)
	return &a, nil
}

// CreatePSCHolder stores h and its certificates in one transaction.
func (s *session) CreatePSCHolder(ctx context.Context, h *psc.Holder, certs []psc.Certificate) error {
	return s.inTx(ctx, func(s *session) error {
		_, err := s.w.ExecContext(s.ctx(ctx), s.q(`INSERT INTO psc_holders
			(documento, type, name, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			h.Documento, string(h.Type), h.Name, h.Email, h.PasswordHash, micros(h.CreatedAt))
		if err != nil {
			return s.fail(err, "create psc holder", "holder exists", "")
		}
		for _, c := range certs {
			_, err := s.w.ExecContext(s.ctx(ctx), s.q(`INSERT INTO psc_certificates
				(alias, documento, label, cert_der, sealed_key, not_before, not_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
				c.Alias, h.Documento, c.Label, blob(c.CertDER), blob(c.SealedKey), micros(c.NotBefore), micros(c.NotAfter), micros(c.CreatedAt))
			if err != nil {
				return s.fail(err, "create psc certificate", "certificate alias exists", "")
			}
		}
		return nil
	})
}

// PSCHolder returns the holder documento. ENotFound if none.
func (s *session) PSCHolder(ctx context.Context, documento string) (*psc.Holder, error) {
	var h psc.Holder
	var typ string
	var created int64
	err := s.readRow(ctx, `SELECT documento, type, name, email, password_hash, created_at FROM psc_holders WHERE documento = ?`, documento).
		Scan(&h.Documento, &typ, &h.Name, &h.Email, &h.PasswordHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("psc holder not found")
	}
	if err != nil {
		return nil, s.fail(err, "read psc holder", "", "")
	}
	h.Type, h.CreatedAt = psc.PersonType(typ), fromMicros(created)
	return &h, nil
}

// PSCCertificates lists documento's certificates, oldest first.
func (s *session) PSCCertificates(ctx context.Context, documento string) ([]psc.Certificate, error) {
	rows, err := s.read(ctx, `SELECT alias, documento, label, cert_der, sealed_key, not_before, not_after, created_at
		FROM psc_certificates WHERE documento = ? ORDER BY created_at, alias`, documento)
	if err != nil {
		return nil, s.fail(err, "list psc certificates", "", "")
	}
	defer rows.Close()
	var out []psc.Certificate
	for rows.Next() {
		var c psc.Certificate
		var nb, na, created int64
		if err := rows.Scan(&c.Alias, &c.Documento, &c.Label, &c.CertDER, &c.SealedKey, &nb, &na, &created); err != nil {
			return nil, s.fail(err, "list psc certificates", "", "")
		}
		c.NotBefore, c.NotAfter, c.CreatedAt = fromMicros(nb), fromMicros(na), fromMicros(created)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list psc certificates", "", "")
	}
	return out, nil
}

const pscAuthColumns = `id, client_id, login_hint, documento, scope, lifetime, code_challenge, redirect_uri, state, push, status,
	created_at, expires_at, decided_at, code_used_at, last_poll_at`

// CreatePSCAuthorization stores a. EConflict if its ID exists.
func (s *session) CreatePSCAuthorization(ctx context.Context, a *psc.Authorization) error {
	push := 0
	if a.Push {
		push = 1
	}
	return s.write(ctx, func(s *session) error {
		_, err := s.execHot(ctx, `INSERT INTO psc_authorizations (`+pscAuthColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.ClientID, a.LoginHint, a.Documento, string(a.Scope), int64(a.Lifetime/time.Second), a.CodeChallenge,
			a.RedirectURI, a.State, push, string(a.Status), micros(a.CreatedAt), micros(a.ExpiresAt), micros(a.DecidedAt),
			micros(a.CodeUsedAt), micros(a.LastPollAt))
		return s.fail(err, "create psc authorization", "authorization exists", "psc application not found")
	})
}

func scanPSCAuth(sc interface{ Scan(...any) error }) (*psc.Authorization, error) {
	var a psc.Authorization
	var scope, status string
	var lifetime, push, created, expires, decided, used, polled int64
	err := sc.Scan(&a.ID, &a.ClientID, &a.LoginHint, &a.Documento, &scope, &lifetime, &a.CodeChallenge, &a.RedirectURI, &a.State,
		&push, &status, &created, &expires, &decided, &used, &polled)
	if err != nil {
		return nil, err
	}
	a.Scope, a.Status, a.Lifetime, a.Push = psc.Scope(scope), psc.AuthStatus(status), time.Duration(lifetime)*time.Second, push != 0
	a.CreatedAt, a.ExpiresAt, a.DecidedAt, a.CodeUsedAt, a.LastPollAt = fromMicros(created), fromMicros(expires), fromMicros(decided), fromMicros(used), fromMicros(polled)
	return &a, nil
}

// PSCAuthorization returns the authorization id. ENotFound if none.
func (s *session) PSCAuthorization(ctx context.Context, id string) (*psc.Authorization, error) {
	a, err := scanPSCAuth(s.readRow(ctx, `SELECT `+pscAuthColumns+` FROM psc_authorizations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("psc authorization not found")
	}
	if err != nil {
		return nil, s.fail(err, "read psc authorization", "", "")
	}
	return a, nil
}

// PendingPSCAuthorizations lists pending, unexpired requests for loginHint
// (empty: QR requests without a hint), newest first.
func (s *session) PendingPSCAuthorizations(ctx context.Context, loginHint string, now time.Time) ([]psc.Authorization, error) {
	q := `SELECT ` + pscAuthColumns + ` FROM psc_authorizations
		WHERE login_hint = ? AND status = 'pending' AND expires_at > ?`
	if loginHint == "" {
		q += ` AND push = 0`
	}
	rows, err := s.read(ctx, q+` ORDER BY created_at DESC, id LIMIT 100`, loginHint, micros(now))
	if err != nil {
		return nil, s.fail(err, "list psc authorizations", "", "")
	}
	defer rows.Close()
	var out []psc.Authorization
	for rows.Next() {
		a, err := scanPSCAuth(rows)
		if err != nil {
			return nil, s.fail(err, "list psc authorizations", "", "")
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list psc authorizations", "", "")
	}
	return out, nil
}

// conditional runs an UPDATE whose WHERE is its precondition and reports
// EConflict (or ENotFound when the row id does not exist) when no row
// changed.
func (s *session) conditional(ctx context.Context, op, table, id, query string, args ...any) error {
	return s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(s.ctx(ctx), s.q(query), args...)
		if err != nil {
			return s.fail(err, op, "", "")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.fail(err, op, "", "")
		} else if n == 1 {
			return nil
		}
		var one int
		err = s.w.QueryRowContext(s.ctx(ctx), s.q(`SELECT 1 FROM `+table+` WHERE id = ?`), id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(strings.TrimPrefix(table, "psc_") + " not found")
		}
		if err != nil {
			return s.fail(err, op, "", "")
		}
		return &errs.Error{Kind: errs.EConflict, Message: op + ": precondition failed"}
	})
}

// DecidePSCAuthorization moves a pending, unexpired request to status.
func (s *session) DecidePSCAuthorization(ctx context.Context, id string, status psc.AuthStatus, documento string, at time.Time) error {
	return s.conditional(ctx, "decide psc authorization", "psc_authorizations", id,
		`UPDATE psc_authorizations SET status = ?, documento = ?, decided_at = ?
		WHERE id = ? AND status = 'pending' AND expires_at > ?`, string(status), documento, micros(at), id, micros(at))
}

// UsePSCCode marks an approved request's code used.
func (s *session) UsePSCCode(ctx context.Context, id string, at time.Time) error {
	return s.conditional(ctx, "use psc code", "psc_authorizations", id,
		`UPDATE psc_authorizations SET code_used_at = ? WHERE id = ? AND status = 'approved' AND code_used_at = 0`, micros(at), id)
}

// PollPSCAuthorization records a poll unless the previous was less than gap
// ago.
func (s *session) PollPSCAuthorization(ctx context.Context, id string, now time.Time, gap time.Duration) (bool, error) {
	err := s.conditional(ctx, "poll psc authorization", "psc_authorizations", id,
		`UPDATE psc_authorizations SET last_poll_at = ? WHERE id = ? AND last_poll_at <= ?`, micros(now), id, micros(now.Add(-gap)))
	if errs.Is(err, errs.EConflict) {
		return false, nil
	}
	return err == nil, err
}

// CreatePSCToken stores t.
func (s *session) CreatePSCToken(ctx context.Context, t *psc.Token) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.execHot(ctx, `INSERT INTO psc_tokens (id, client_id, documento, scope, authorization_id, created_at, expires_at, used_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, t.ClientID, t.Documento, string(t.Scope), t.AuthorizationID,
			micros(t.CreatedAt), micros(t.ExpiresAt), micros(t.UsedAt), micros(t.RevokedAt))
		return s.fail(err, "create psc token", "token exists", "psc application not found")
	})
}

// PSCToken returns the token id. ENotFound if none.
func (s *session) PSCToken(ctx context.Context, id string) (*psc.Token, error) {
	var t psc.Token
	var scope string
	var created, expires, used, revoked int64
	err := s.readRow(ctx, `SELECT id, client_id, documento, scope, authorization_id, created_at, expires_at, used_at, revoked_at
		FROM psc_tokens WHERE id = ?`, id).
		Scan(&t.ID, &t.ClientID, &t.Documento, &scope, &t.AuthorizationID, &created, &expires, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("psc token not found")
	}
	if err != nil {
		return nil, s.fail(err, "read psc token", "", "")
	}
	t.Scope, t.CreatedAt, t.ExpiresAt, t.UsedAt = psc.Scope(scope), fromMicros(created), fromMicros(expires), fromMicros(used)
	t.RevokedAt = fromMicros(revoked)
	return &t, nil
}

// RevokePSCTokens marks the unrevoked tokens matching f revoked.
func (s *session) RevokePSCTokens(ctx context.Context, f psc.TokenFilter, at time.Time) (int64, error) {
	query := `UPDATE psc_tokens SET revoked_at = ? WHERE revoked_at = 0`
	args := []any{micros(at)}
	for _, c := range []struct{ col, v string }{{"id", f.ID}, {"authorization_id", f.AuthorizationID}, {"documento", f.Documento}, {"client_id", f.ClientID}} {
		if c.v != "" {
			query += " AND " + c.col + " = ?"
			args = append(args, c.v)
		}
	}
	if len(args) == 1 {
		return 0, errs.New(errs.EInvalid, "store: revoke psc tokens: empty filter")
	}
	var n int64
	err := s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(s.ctx(ctx), s.q(query), args...)
		if err != nil {
			return s.fail(err, "revoke psc tokens", "", "")
		}
		n, err = res.RowsAffected()
		return s.fail(err, "revoke psc tokens", "", "")
	})
	return n, err
}

// UsePSCToken marks a one-use token spent.
func (s *session) UsePSCToken(ctx context.Context, id string, at time.Time) error {
	return s.conditional(ctx, "use psc token", "psc_tokens", id,
		`UPDATE psc_tokens SET used_at = ? WHERE id = ? AND used_at = 0`, micros(at), id)
}

// CountPSC adds each increment to its counter of the period starting at
// window and returns the totals, in one transaction; counters of periods
// before forgetBefore (when not 0) are deleted first.
func (s *session) CountPSC(ctx context.Context, window int64, forgetBefore int64, incs []psc.Increment) ([]int64, error) {
	out := make([]int64, len(incs))
	err := s.inTx(ctx, func(s *session) error {
		if forgetBefore > 0 {
			if _, err := s.w.ExecContext(s.ctx(ctx), s.q(`DELETE FROM psc_counters WHERE period_start < ?`), forgetBefore); err != nil {
				return s.fail(err, "forget psc counters", "", "")
			}
		}
		for i, inc := range incs {
			err := s.queryRowHot(ctx, `INSERT INTO psc_counters (key, period_start, n) VALUES (?, ?, ?)
				ON CONFLICT (key, period_start) DO UPDATE SET n = psc_counters.n + excluded.n RETURNING n`,
				inc.Key, window, inc.N).Scan(&out[i])
			if err != nil {
				return s.fail(err, "count psc", "", "")
			}
		}
		return nil
	})
	return out, err
}
