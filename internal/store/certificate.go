package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/brasa-dev/brasa/internal/pki"
)

// CreateCertificate stores c. EConflict if its serial or thumbprint exists.
func (s *session) CreateCertificate(ctx context.Context, c *pki.CertificateRecord) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO certificates
			(serial, thumbprint, type, owner, subject, not_before, not_after, status, revoked_at, revocation_reason, der, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.Serial, c.Thumbprint, string(c.Type), c.Owner, c.Subject, micros(c.NotBefore), micros(c.NotAfter),
			string(c.Status), micros(c.RevokedAt), c.RevocationReason, blob(c.DER), micros(c.CreatedAt))
		return s.fail(err, "create certificate", "certificate serial or thumbprint already exists", "")
	})
}

const certificateColumns = `serial, thumbprint, type, owner, subject, not_before, not_after, status, revoked_at, revocation_reason, der, created_at`

// CertificateByThumbprint returns the certificate with x5t#S256 thumbprint.
// ENotFound if none.
func (s *session) CertificateByThumbprint(ctx context.Context, thumbprint string) (*pki.CertificateRecord, error) {
	return s.certificate(ctx, `SELECT `+certificateColumns+` FROM certificates WHERE thumbprint = ?`, thumbprint)
}

// CertificateBySerial returns the certificate with the hex serial. ENotFound
// if none.
func (s *session) CertificateBySerial(ctx context.Context, serial string) (*pki.CertificateRecord, error) {
	return s.certificate(ctx, `SELECT `+certificateColumns+` FROM certificates WHERE serial = ?`, serial)
}

func (s *session) certificate(ctx context.Context, query, key string) (*pki.CertificateRecord, error) {
	var c pki.CertificateRecord
	err := scanCertificate(s.readRow(ctx, query, key), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("certificate not found")
	}
	if err != nil {
		return nil, s.fail(err, "read certificate", "", "")
	}
	return &c, nil
}

// Certificates lists owner's certificates of type t ("" for all types),
// oldest first, then by serial.
func (s *session) Certificates(ctx context.Context, owner string, t pki.CertType) ([]pki.CertificateRecord, error) {
	var rows *sql.Rows
	var err error
	if t == "" {
		rows, err = s.read(ctx, `SELECT `+certificateColumns+` FROM certificates
			WHERE owner = ? ORDER BY created_at, serial`, owner)
	} else {
		rows, err = s.read(ctx, `SELECT `+certificateColumns+` FROM certificates
			WHERE owner = ? AND type = ? ORDER BY created_at, serial`, owner, string(t))
	}
	if err != nil {
		return nil, s.fail(err, "list certificates", "", "")
	}
	defer rows.Close()
	var out []pki.CertificateRecord
	for rows.Next() {
		var c pki.CertificateRecord
		if err := scanCertificate(rows, &c); err != nil {
			return nil, s.fail(err, "list certificates", "", "")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list certificates", "", "")
	}
	return out, nil
}

func scanCertificate(sc scanner, c *pki.CertificateRecord) error {
	var typ, status string
	var notBefore, notAfter, revoked, created int64
	err := sc.Scan(&c.Serial, &c.Thumbprint, &typ, &c.Owner, &c.Subject, &notBefore, &notAfter,
		&status, &revoked, &c.RevocationReason, &c.DER, &created)
	if err != nil {
		return err
	}
	c.Type = pki.CertType(typ)
	c.NotBefore = fromMicros(notBefore)
	c.NotAfter = fromMicros(notAfter)
	c.Status = pki.CertStatus(status)
	c.RevokedAt = fromMicros(revoked)
	c.DER = nilIfEmpty(c.DER)
	c.CreatedAt = fromMicros(created)
	return nil
}

// RevokeCertificate marks serial revoked at at with reason. Revoking a
// revoked certificate keeps the first revocation. ENotFound if none.
func (s *session) RevokeCertificate(ctx context.Context, serial, reason string, at time.Time) error {
	return s.write(ctx, func(s *session) error { return s.revokeCertificate(ctx, serial, reason, at) })
}

func (s *session) revokeCertificate(ctx context.Context, serial, reason string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, s.q(`UPDATE certificates SET status = ?, revoked_at = ?, revocation_reason = ?
		WHERE serial = ? AND status <> ?`),
		string(pki.CertRevoked), micros(at), reason, serial, string(pki.CertRevoked))
	if err != nil {
		return s.fail(err, "revoke certificate", "", "")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.fail(err, "revoke certificate", "", "")
	}
	if n > 0 {
		return nil
	}
	// Nothing changed: already revoked, or no such certificate. Ask the
	// writer, which has seen every committed write.
	var one int
	err = s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM certificates WHERE serial = ?`), serial).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("certificate not found")
	}
	return s.fail(err, "revoke certificate", "", "")
}
