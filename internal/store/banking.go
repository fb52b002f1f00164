package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki"
)

// Interface guard: the DB is the Banking API's store.
var _ banking.Store = (*DB)(nil)

// CreateBankingAccount stores a. EConflict if its id exists.
func (s *session) CreateBankingAccount(ctx context.Context, a *banking.Account) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO banking_accounts
			(account_id, holder, document, balance_centavos, blocked_centavos, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`),
			a.ID, a.Holder, a.Document, a.Balance, a.Blocked, micros(a.CreatedAt), micros(a.UpdatedAt))
		return s.fail(err, "create banking account", "account already exists", "")
	})
}

// BankingAccount returns the account id. ENotFound if none.
func (s *session) BankingAccount(ctx context.Context, id string) (*banking.Account, error) {
	var a banking.Account
	var created, updated int64
	err := s.readRow(ctx, `SELECT account_id, holder, document, balance_centavos, blocked_centavos, created_at, updated_at
		FROM banking_accounts WHERE account_id = ?`, id).
		Scan(&a.ID, &a.Holder, &a.Document, &a.Balance, &a.Blocked, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("account not found")
	}
	if err != nil {
		return nil, s.fail(err, "read banking account", "", "")
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &a, nil
}

// BankingAccountsByDocument lists the accounts whose holder has the CPF/CNPJ
// document, by id. None is an empty list.
func (s *session) BankingAccountsByDocument(ctx context.Context, document string) ([]banking.Account, error) {
	rows, err := s.read(ctx, `SELECT account_id, holder, document, balance_centavos, blocked_centavos, created_at, updated_at
		FROM banking_accounts WHERE document = ? ORDER BY account_id`, document)
	if err != nil {
		return nil, s.fail(err, "list banking accounts", "", "")
	}
	defer rows.Close()
	var out []banking.Account
	for rows.Next() {
		var a banking.Account
		var created, updated int64
		if err := rows.Scan(&a.ID, &a.Holder, &a.Document, &a.Balance, &a.Blocked, &created, &updated); err != nil {
			return nil, s.fail(err, "list banking accounts", "", "")
		}
		a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list banking accounts", "", "")
	}
	return out, nil
}

// BindBankingCertificate binds thumbprint to clientID unless max of the
// certificates already bound are active at now (not revoked, not expired):
// then it fails with Code banking.CodeMaxCertificates. The credential row is
// locked (PostgreSQL FOR UPDATE; SQLite serializes writes), so concurrent
// binds cannot exceed max. Idempotent. ENotFound if the credential does not
// exist; EInvalid if thumbprint is empty or holds white space.
func (s *session) BindBankingCertificate(ctx context.Context, clientID, thumbprint string, max int, now time.Time) error {
	if _, err := joinList("thumbprint", []string{thumbprint}); err != nil {
		return err
	}
	return s.inTx(ctx, func(s *session) error {
		var cur string
		err := s.w.QueryRowContext(ctx, s.q(`SELECT thumbprints FROM credentials WHERE client_id = ?`+s.sh.forUpdate), clientID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("credential not found")
		}
		if err != nil {
			return s.fail(err, "read thumbprints", "", "")
		}
		ts := splitList(cur)
		if slices.Contains(ts, thumbprint) {
			return nil
		}
		active := 0
		for _, t := range ts {
			var status string
			var notAfter int64
			err := s.w.QueryRowContext(ctx, s.q(`SELECT status, not_after FROM certificates WHERE thumbprint = ?`), t).Scan(&status, &notAfter)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return s.fail(err, "read bound certificate", "", "")
			}
			if status == string(pki.CertActive) && notAfter > micros(now) {
				active++
			}
		}
		if active >= max {
			return &errs.Error{Kind: errs.EUnprocessable, Code: banking.CodeMaxCertificates, Message: "too many active certificates"}
		}
		list, err := joinList("thumbprints", append(ts, thumbprint))
		if err != nil {
			return err
		}
		_, err = s.w.ExecContext(ctx, s.q(`UPDATE credentials SET thumbprints = ? WHERE client_id = ?`), list, clientID)
		return s.fail(err, "update thumbprints", "", "")
	})
}

// SetAllowedCIDRs replaces clientID's allowlist (stored sorted, without
// duplicates). ENotFound if none; EInvalid if an element is empty or holds
// white space.
func (s *session) SetAllowedCIDRs(ctx context.Context, clientID string, cidrs []string) error {
	list, err := joinList("allowedCIDRs", cidrs)
	if err != nil {
		return err
	}
	return s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE credentials SET allowed_cidrs = ? WHERE client_id = ?`), list, clientID)
		if err != nil {
			return s.fail(err, "set allowed cidrs", "", "")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.fail(err, "set allowed cidrs", "", "")
		}
		if n == 0 {
			return notFound("credential not found")
		}
		return nil
	})
}
