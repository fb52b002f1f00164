package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/portal"
)

// The developer portal's tables (migration 0005_portal.sql). Rules live in
// internal/portal; these methods only persist.

// Interface guard.
var _ portal.Store = (*DB)(nil)

// CreateDeveloper stores d. EConflict if the e-mail is taken.
func (s *session) CreateDeveloper(ctx context.Context, d *portal.Developer) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO portal_developers (id, email, name, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?)`), d.ID, d.Email, d.Name, d.PasswordHash, micros(d.CreatedAt))
		return s.fail(err, "create developer", "developer e-mail already registered", "")
	})
}

const developerColumns = `id, email, name, password_hash, created_at`

// Developer returns the developer id. ENotFound if none.
func (s *session) Developer(ctx context.Context, id string) (*portal.Developer, error) {
	return s.developer(ctx, `SELECT `+developerColumns+` FROM portal_developers WHERE id = ?`, id)
}

// DeveloperByEmail returns the developer with e-mail email. ENotFound if none.
func (s *session) DeveloperByEmail(ctx context.Context, email string) (*portal.Developer, error) {
	return s.developer(ctx, `SELECT `+developerColumns+` FROM portal_developers WHERE email = ?`, email)
}

func (s *session) developer(ctx context.Context, query, key string) (*portal.Developer, error) {
	var d portal.Developer
	var created int64
	err := s.readRow(ctx, query, key).Scan(&d.ID, &d.Email, &d.Name, &d.PasswordHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("developer not found")
	}
	if err != nil {
		return nil, s.fail(err, "read developer", "", "")
	}
	d.CreatedAt = fromMicros(created)
	return &d, nil
}

// CreateSession stores a portal session.
func (s *session) CreateSession(ctx context.Context, ps *portal.Session) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO portal_sessions (token_hash, developer_id, created_at, expires_at)
			VALUES (?, ?, ?, ?)`), blob(ps.TokenHash), ps.DeveloperID, micros(ps.CreatedAt), micros(ps.ExpiresAt))
		return s.fail(err, "create session", "session already exists", "developer not found")
	})
}

// Session returns the portal session whose token hashes to tokenHash.
// ENotFound if none.
func (s *session) Session(ctx context.Context, tokenHash []byte) (*portal.Session, error) {
	var ps portal.Session
	var created, expires int64
	err := s.readRow(ctx, `SELECT token_hash, developer_id, created_at, expires_at FROM portal_sessions WHERE token_hash = ?`,
		blob(tokenHash)).Scan(&ps.TokenHash, &ps.DeveloperID, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("session not found")
	}
	if err != nil {
		return nil, s.fail(err, "read session", "", "")
	}
	ps.CreatedAt, ps.ExpiresAt = fromMicros(created), fromMicros(expires)
	return &ps, nil
}

// DeleteSession removes a portal session (idempotent).
func (s *session) DeleteSession(ctx context.Context, tokenHash []byte) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`DELETE FROM portal_sessions WHERE token_hash = ?`), blob(tokenHash))
		return s.fail(err, "delete session", "", "")
	})
}

// CreateChamado stores a support ticket.
func (s *session) CreateChamado(ctx context.Context, c *portal.Chamado) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO portal_chamados
			(id, developer_id, tipo, cnpj, id_adesao, status, modalidades, created_at, decided_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ID, c.DeveloperID, string(c.Tipo), c.CNPJ, c.IDAdesao, string(c.Status), joinModalidades(c.Modalidades),
			micros(c.CreatedAt), micros(c.DecidedAt))
		return s.fail(err, "create chamado", "chamado already exists", "developer not found")
	})
}

const chamadoColumns = `id, developer_id, tipo, cnpj, id_adesao, status, modalidades, created_at, decided_at`

// Chamado returns the ticket id. ENotFound if none.
func (s *session) Chamado(ctx context.Context, id string) (*portal.Chamado, error) {
	var c portal.Chamado
	err := scanChamado(s.readRow(ctx, `SELECT `+chamadoColumns+` FROM portal_chamados WHERE id = ?`, id), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("chamado not found")
	}
	if err != nil {
		return nil, s.fail(err, "read chamado", "", "")
	}
	return &c, nil
}

// Chamados lists a developer's tickets, oldest first.
func (s *session) Chamados(ctx context.Context, developerID string) ([]portal.Chamado, error) {
	return s.chamados(ctx, `SELECT `+chamadoColumns+` FROM portal_chamados WHERE developer_id = ? ORDER BY created_at, id`, developerID)
}

// ChamadosByStatus lists every ticket in status, oldest first.
func (s *session) ChamadosByStatus(ctx context.Context, status portal.ChamadoStatus) ([]portal.Chamado, error) {
	return s.chamados(ctx, `SELECT `+chamadoColumns+` FROM portal_chamados WHERE status = ? ORDER BY created_at, id`, string(status))
}

func (s *session) chamados(ctx context.Context, query, arg string) ([]portal.Chamado, error) {
	rows, err := s.read(ctx, query, arg)
	if err != nil {
		return nil, s.fail(err, "list chamados", "", "")
	}
	defer rows.Close()
	var out []portal.Chamado
	for rows.Next() {
		var c portal.Chamado
		if err := scanChamado(rows, &c); err != nil {
			return nil, s.fail(err, "list chamados", "", "")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list chamados", "", "")
	}
	return out, nil
}

func scanChamado(sc scanner, c *portal.Chamado) error {
	var tipo, status, mods string
	var created, decided int64
	if err := sc.Scan(&c.ID, &c.DeveloperID, &tipo, &c.CNPJ, &c.IDAdesao, &status, &mods, &created, &decided); err != nil {
		return err
	}
	c.Tipo, c.Status = portal.ChamadoTipo(tipo), portal.ChamadoStatus(status)
	for _, m := range strings.Fields(mods) {
		c.Modalidades = append(c.Modalidades, portal.Modalidade(m))
	}
	c.CreatedAt, c.DecidedAt = fromMicros(created), fromMicros(decided)
	return nil
}

func joinModalidades(ms []portal.Modalidade) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return strings.Join(parts, " ")
}

// DecideChamado moves an ABERTO ticket to status with modalidades at at.
// ENotFound if none; EConflict if it is not ABERTO.
func (s *session) DecideChamado(ctx context.Context, id string, status portal.ChamadoStatus, modalidades []portal.Modalidade, at time.Time) error {
	return s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE portal_chamados SET status = ?, modalidades = ?, decided_at = ?
			WHERE id = ? AND status = ?`),
			string(status), joinModalidades(modalidades), micros(at), id, string(portal.ChamadoAberto))
		if err != nil {
			return s.fail(err, "decide chamado", "", "")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.fail(err, "decide chamado", "", "")
		} else if n > 0 {
			return nil
		}
		var one int
		err = s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM portal_chamados WHERE id = ?`), id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("chamado not found")
		}
		if err != nil {
			return s.fail(err, "decide chamado", "", "")
		}
		return &errs.Error{Kind: errs.EConflict, Message: "chamado already decided"}
	})
}

// CreateAccount stores a. EConflict if cooperativa+conta exists.
func (s *session) CreateAccount(ctx context.Context, a *portal.Account) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO portal_accounts (cooperativa, conta, documento, created_at)
			VALUES (?, ?, ?, ?)`), a.Cooperativa, a.Conta, a.Documento, micros(a.CreatedAt))
		return s.fail(err, "create account", "account already exists", "")
	})
}

// Account returns an account. ENotFound if none.
func (s *session) Account(ctx context.Context, cooperativa, conta string) (*portal.Account, error) {
	var a portal.Account
	var created int64
	err := s.readRow(ctx, `SELECT cooperativa, conta, documento, created_at FROM portal_accounts
		WHERE cooperativa = ? AND conta = ?`, cooperativa, conta).Scan(&a.Cooperativa, &a.Conta, &a.Documento, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("account not found")
	}
	if err != nil {
		return nil, s.fail(err, "read account", "", "")
	}
	a.CreatedAt = fromMicros(created)
	return &a, nil
}

const fileColumns = `id, cooperativa, conta, documento, nome, tipo, status, usuario, origin_id, serial, thumbprint,
	message, content, key_encrypted, key_sealed, created_at, updated_at`

func (s *session) insertFile(ctx context.Context, f *portal.File) error {
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO portal_files (`+fileColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		f.ID, f.Cooperativa, f.Conta, f.Documento, f.Nome, string(f.Tipo), string(f.Status), f.Usuario, f.OriginID,
		f.Serial, f.Thumbprint, f.Message, blob(f.Content), blob(f.KeyEncrypted), blob(f.KeySealed),
		micros(f.CreatedAt), micros(f.UpdatedAt))
	return s.fail(err, "create file", "file already exists", "account not found")
}

// CreateFile stores f. ENotFound if its account does not exist.
func (s *session) CreateFile(ctx context.Context, f *portal.File) error {
	return s.write(ctx, func(s *session) error { return s.insertFile(ctx, f) })
}

// File returns the file id. ENotFound if none.
func (s *session) File(ctx context.Context, id string) (*portal.File, error) {
	var f portal.File
	err := scanFile(s.readRow(ctx, `SELECT `+fileColumns+` FROM portal_files WHERE id = ?`, id), &f)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("file not found")
	}
	if err != nil {
		return nil, s.fail(err, "read file", "", "")
	}
	return &f, nil
}

// Files lists an account's files, newest first (then by id, descending).
func (s *session) Files(ctx context.Context, cooperativa, conta string) ([]portal.File, error) {
	return s.files(ctx, `SELECT `+fileColumns+` FROM portal_files WHERE cooperativa = ? AND conta = ?
		ORDER BY created_at DESC, id DESC`, cooperativa, conta)
}

// PendingCSRs lists up to limit CSRs still EM_PROCESSAMENTO imported before
// before, oldest first.
func (s *session) PendingCSRs(ctx context.Context, before time.Time, limit int) ([]portal.File, error) {
	return s.files(ctx, `SELECT `+fileColumns+` FROM portal_files WHERE status = ? AND tipo = ? AND created_at <= ?
		ORDER BY created_at, id LIMIT ?`,
		string(portal.StatusEmProcessamento), string(portal.TipoOriginal), micros(before), limit)
}

func (s *session) files(ctx context.Context, query string, args ...any) ([]portal.File, error) {
	rows, err := s.read(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "list files", "", "")
	}
	defer rows.Close()
	var out []portal.File
	for rows.Next() {
		var f portal.File
		if err := scanFile(rows, &f); err != nil {
			return nil, s.fail(err, "list files", "", "")
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list files", "", "")
	}
	return out, nil
}

func scanFile(sc scanner, f *portal.File) error {
	var tipo, status string
	var created, updated int64
	err := sc.Scan(&f.ID, &f.Cooperativa, &f.Conta, &f.Documento, &f.Nome, &tipo, &status, &f.Usuario, &f.OriginID,
		&f.Serial, &f.Thumbprint, &f.Message, &f.Content, &f.KeyEncrypted, &f.KeySealed, &created, &updated)
	if err != nil {
		return err
	}
	f.Tipo, f.Status = portal.FileTipo(tipo), portal.FileStatus(status)
	f.Content, f.KeyEncrypted, f.KeySealed = nilIfEmpty(f.Content), nilIfEmpty(f.KeyEncrypted), nilIfEmpty(f.KeySealed)
	f.CreatedAt, f.UpdatedAt = fromMicros(created), fromMicros(updated)
	return nil
}

// finishCSR moves a pending CSR to status with message; EConflict if it is
// not pending, ENotFound if none.
func (s *session) finishCSR(ctx context.Context, csrID string, status portal.FileStatus, message string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, s.q(`UPDATE portal_files SET status = ?, message = ?, updated_at = ?
		WHERE id = ? AND status = ? AND tipo = ?`),
		string(status), message, micros(at), csrID, string(portal.StatusEmProcessamento), string(portal.TipoOriginal))
	if err != nil {
		return s.fail(err, "finish CSR", "", "")
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.fail(err, "finish CSR", "", "")
	} else if n > 0 {
		return nil
	}
	var one int
	err = s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM portal_files WHERE id = ?`), csrID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("file not found")
	}
	if err != nil {
		return s.fail(err, "finish CSR", "", "")
	}
	return &errs.Error{Kind: errs.EConflict, Message: "CSR is not pending"}
}

// CompleteCSR marks the CSR OK and stores the certificate record and files,
// in one transaction. EConflict if the CSR is no longer pending (nothing is
// stored then); ENotFound if none.
func (s *session) CompleteCSR(ctx context.Context, csrID string, cert *pki.CertificateRecord, files []portal.File, at time.Time) error {
	return s.inTx(ctx, func(s *session) error {
		// The conditional update comes first: on PostgreSQL a concurrent
		// completion waits for this one's commit and then finds nothing
		// pending.
		if err := s.finishCSR(ctx, csrID, portal.StatusOK, "", at); err != nil {
			return err
		}
		if err := s.CreateCertificate(ctx, cert); err != nil {
			return err
		}
		for i := range files {
			if err := s.insertFile(ctx, &files[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// RefuseCSR marks a pending CSR RECUSADO with message. EConflict if it is
// not pending; ENotFound if none.
func (s *session) RefuseCSR(ctx context.Context, csrID, message string, at time.Time) error {
	return s.write(ctx, func(s *session) error {
		return s.finishCSR(ctx, csrID, portal.StatusRecusado, message, at)
	})
}

// CreatePortalCredential stores c and its link to a validated certificate's
// file in one transaction.
func (s *session) CreatePortalCredential(ctx context.Context, c *oauth.Credential, link *portal.PortalCredential) error {
	return s.inTx(ctx, func(s *session) error {
		if err := s.CreateCredential(ctx, c); err != nil {
			return err
		}
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO portal_credentials (client_id, file_id, developer_id, created_at)
			VALUES (?, ?, ?, ?)`), link.ClientID, link.FileID, link.DeveloperID, micros(link.CreatedAt))
		return s.fail(err, "create portal credential", "credential already linked", "file not found")
	})
}

// PortalCredentials lists the credentials generated on fileID, oldest first.
func (s *session) PortalCredentials(ctx context.Context, fileID string) ([]portal.PortalCredential, error) {
	rows, err := s.read(ctx, `SELECT client_id, file_id, developer_id, created_at FROM portal_credentials
		WHERE file_id = ? ORDER BY created_at, client_id`, fileID)
	if err != nil {
		return nil, s.fail(err, "list portal credentials", "", "")
	}
	defer rows.Close()
	var out []portal.PortalCredential
	for rows.Next() {
		var l portal.PortalCredential
		var created int64
		if err := rows.Scan(&l.ClientID, &l.FileID, &l.DeveloperID, &created); err != nil {
			return nil, s.fail(err, "list portal credentials", "", "")
		}
		l.CreatedAt = fromMicros(created)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list portal credentials", "", "")
	}
	return out, nil
}
