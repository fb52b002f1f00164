package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/brasa-dev/brasa/internal/oauth"
)

// CreateCredential stores c with its scopes, bound thumbprints and allowed
// CIDRs; each list is stored sorted and without duplicates. EConflict if the
// client_id exists; EInvalid if a list element is empty or holds white space.
func (s *session) CreateCredential(ctx context.Context, c *oauth.Credential) error {
	scopes, err := joinList("scopes", c.Scopes)
	if err != nil {
		return err
	}
	thumbs, err := joinList("thumbprints", c.Thumbprints)
	if err != nil {
		return err
	}
	cidrs, err := joinList("allowedCIDRs", c.AllowedCIDRs)
	if err != nil {
		return err
	}
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO credentials
			(client_id, secret_hash, kind, owner, scopes, thumbprints, allowed_cidrs, status, created_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ClientID, blob(c.SecretHash), string(c.Kind), c.Owner, scopes, thumbs, cidrs, string(c.Status),
			micros(c.CreatedAt), micros(c.RevokedAt))
		return s.fail(err, "create credential", "client_id already exists", "")
	})
}

const credentialColumns = `client_id, secret_hash, kind, owner, scopes, thumbprints, allowed_cidrs, status, created_at, revoked_at`

// Credential returns the credential clientID. ENotFound if none. It is one
// primary-key lookup (the token endpoint's hot path).
func (s *session) Credential(ctx context.Context, clientID string) (*oauth.Credential, error) {
	var c oauth.Credential
	err := scanCredential(s.readRow(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE client_id = ?`, clientID), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("credential not found")
	}
	if err != nil {
		return nil, s.fail(err, "read credential", "", "")
	}
	return &c, nil
}

// Credentials lists the credentials of owner (any kind), oldest first, then
// by client_id.
func (s *session) Credentials(ctx context.Context, owner string) ([]oauth.Credential, error) {
	rows, err := s.read(ctx, `SELECT `+credentialColumns+` FROM credentials
		WHERE owner = ? ORDER BY created_at, client_id`, owner)
	if err != nil {
		return nil, s.fail(err, "list credentials", "", "")
	}
	defer rows.Close()
	var out []oauth.Credential
	for rows.Next() {
		var c oauth.Credential
		if err := scanCredential(rows, &c); err != nil {
			return nil, s.fail(err, "list credentials", "", "")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list credentials", "", "")
	}
	return out, nil
}

func scanCredential(sc scanner, c *oauth.Credential) error {
	var kind, scopes, thumbs, cidrs, status string
	var created, revoked int64
	err := sc.Scan(&c.ClientID, &c.SecretHash, &kind, &c.Owner, &scopes, &thumbs, &cidrs, &status, &created, &revoked)
	if err != nil {
		return err
	}
	c.SecretHash = nilIfEmpty(c.SecretHash)
	c.Kind = oauth.CredentialKind(kind)
	c.Scopes = splitList(scopes)
	c.Thumbprints = splitList(thumbs)
	c.AllowedCIDRs = splitList(cidrs)
	c.Status = oauth.CredentialStatus(status)
	c.CreatedAt = fromMicros(created)
	c.RevokedAt = fromMicros(revoked)
	return nil
}

// SetCredentialStatus changes clientID's status; at is recorded as RevokedAt
// when status is revoked, and RevokedAt is cleared otherwise. ENotFound if
// none.
func (s *session) SetCredentialStatus(ctx context.Context, clientID string, status oauth.CredentialStatus, at time.Time) error {
	var revoked int64
	if status == oauth.CredentialRevoked {
		revoked = micros(at)
	}
	return s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE credentials SET status = ?, revoked_at = ? WHERE client_id = ?`),
			string(status), revoked, clientID)
		if err != nil {
			return s.fail(err, "set credential status", "", "")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.fail(err, "set credential status", "", "")
		}
		if n == 0 {
			return notFound("credential not found")
		}
		return nil
	})
}

// BindCertificate binds the certificate thumbprint to clientID (idempotent).
// ENotFound if the credential does not exist; EInvalid if thumbprint is empty
// or holds white space.
func (s *session) BindCertificate(ctx context.Context, clientID, thumbprint string) error {
	if _, err := joinList("thumbprint", []string{thumbprint}); err != nil {
		return err
	}
	return s.updateThumbprints(ctx, clientID, true, func(ts []string) []string {
		if slices.Contains(ts, thumbprint) {
			return nil
		}
		return append(ts, thumbprint)
	})
}

// UnbindCertificate removes a binding (idempotent: removing a binding that
// does not exist, even of a credential that does not exist, is not an error).
func (s *session) UnbindCertificate(ctx context.Context, clientID, thumbprint string) error {
	return s.updateThumbprints(ctx, clientID, false, func(ts []string) []string {
		i := slices.Index(ts, thumbprint)
		if i < 0 {
			return nil
		}
		return slices.Delete(ts, i, i+1)
	})
}

// updateThumbprints is the read-modify-write of a credential's thumbprints,
// in one transaction with the row locked so concurrent changes do not lose
// each other. change returns the new list, or nil for no change. A missing
// credential is ENotFound if mustExist, else no change.
func (s *session) updateThumbprints(ctx context.Context, clientID string, mustExist bool, change func([]string) []string) error {
	return s.inTx(ctx, func(s *session) error {
		var cur string
		err := s.w.QueryRowContext(ctx, s.q(`SELECT thumbprints FROM credentials WHERE client_id = ?`+s.sh.forUpdate), clientID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			if mustExist {
				return notFound("credential not found")
			}
			return nil
		}
		if err != nil {
			return s.fail(err, "read thumbprints", "", "")
		}
		next := change(splitList(cur))
		if next == nil {
			return nil
		}
		list, err := joinList("thumbprints", next)
		if err != nil {
			return err
		}
		_, err = s.w.ExecContext(ctx, s.q(`UPDATE credentials SET thumbprints = ? WHERE client_id = ?`), list, clientID)
		return s.fail(err, "update thumbprints", "", "")
	})
}
