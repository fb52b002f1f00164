package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/partner"
	"github.com/brasa-dev/brasa/internal/pki"
)

// Interface guard: the DB is the partner domain's store.
var _ partner.Store = (*DB)(nil)

// CreatePartner stores p. EConflict if its company key (or UUID) exists.
func (s *session) CreatePartner(ctx context.Context, p *partner.Partner) error {
	cidrs, err := joinList("allowedCIDRs", p.AllowedCIDRs)
	if err != nil {
		return err
	}
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO partners
			(company_key, uuid, cnpj, razao_social, business_category, state, city, service_domain, allowed_cidrs, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			p.CompanyKey, p.UUID, p.CNPJ, p.RazaoSocial, p.BusinessCategory, p.State, p.City, p.ServiceDomain, cidrs, micros(p.CreatedAt))
		return s.fail(err, "create partner", "partner already exists", "")
	})
}

// Partner returns the partner companyKey. ENotFound if none.
func (s *session) Partner(ctx context.Context, companyKey string) (*partner.Partner, error) {
	var p partner.Partner
	var cidrs string
	var created int64
	err := s.readRow(ctx, `SELECT company_key, uuid, cnpj, razao_social, business_category, state, city, service_domain, allowed_cidrs, created_at
		FROM partners WHERE company_key = ?`, companyKey).
		Scan(&p.CompanyKey, &p.UUID, &p.CNPJ, &p.RazaoSocial, &p.BusinessCategory, &p.State, &p.City, &p.ServiceDomain, &cidrs, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("partner not found")
	}
	if err != nil {
		return nil, s.fail(err, "read partner", "", "")
	}
	p.AllowedCIDRs = splitList(cidrs)
	p.CreatedAt = fromMicros(created)
	return &p, nil
}

// SetPartnerAllowedCIDRs replaces companyKey's source allowlist (nil or
// empty: any source). ENotFound if the partner does not exist.
func (s *session) SetPartnerAllowedCIDRs(ctx context.Context, companyKey string, cidrs []string) error {
	list, err := joinList("allowedCIDRs", cidrs)
	if err != nil {
		return err
	}
	return s.write(ctx, func(s *session) error {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE partners SET allowed_cidrs = ? WHERE company_key = ?`), list, companyKey)
		if err != nil {
			return s.fail(err, "set partner allowed cidrs", "", "")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.fail(err, "set partner allowed cidrs", "", "")
		}
		if n == 0 {
			return notFound("partner not found")
		}
		return nil
	})
}

// errNoSlot is what a slot search returns when both are taken.
var errNoSlot = &errs.Error{Kind: errs.EUnprocessable, Code: partner.CodeMaxCertificates, Message: "no free certificate slot"}

// CreatePartnerCertificate stores rec and c in one transaction in a free
// slot (c.Slot is set), after marking the partner's active certificates past
// their NotAfter at now EXPIRED. The partial unique index on (company_key,
// slot) of active rows is the arbiter: when two issuances race for the last
// slot, one insert violates it and is retried, finds no slot and fails with
// Code partner.CodeMaxCertificates. ENotFound if the partner does not
// exist.
func (s *session) CreatePartnerCertificate(ctx context.Context, rec *pki.CertificateRecord, c *partner.Certificate, now time.Time) error {
	for attempt := 0; ; attempt++ {
		err := s.inTx(ctx, func(s *session) error {
			_, err := s.w.ExecContext(ctx, s.q(`UPDATE partner_certificates SET status = ?, updated_at = ?
				WHERE company_key = ? AND status = ? AND not_after <= ?`),
				string(partner.StatusExpired), micros(now), c.CompanyKey, string(partner.StatusActive), micros(now))
			if err != nil {
				return s.fail(err, "expire partner certificates", "", "")
			}
			rows, err := s.w.QueryContext(ctx, s.q(`SELECT slot FROM partner_certificates WHERE company_key = ? AND status = ?`),
				c.CompanyKey, string(partner.StatusActive))
			if err != nil {
				return s.fail(err, "read partner slots", "", "")
			}
			taken := map[int]bool{}
			for rows.Next() {
				var n int
				if err := rows.Scan(&n); err != nil {
					rows.Close()
					return s.fail(err, "read partner slots", "", "")
				}
				taken[n] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return s.fail(err, "read partner slots", "", "")
			}
			c.Slot = 0
			for n := 1; n <= partner.MaxCertificates; n++ {
				if !taken[n] {
					c.Slot = n
					break
				}
			}
			if c.Slot == 0 {
				return errNoSlot
			}
			_, err = s.w.ExecContext(ctx, s.q(`INSERT INTO certificates
				(serial, thumbprint, type, owner, subject, not_before, not_after, status, revoked_at, revocation_reason, der, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				rec.Serial, rec.Thumbprint, string(rec.Type), rec.Owner, rec.Subject, micros(rec.NotBefore), micros(rec.NotAfter),
				string(rec.Status), micros(rec.RevokedAt), rec.RevocationReason, blob(rec.DER), micros(rec.CreatedAt))
			if err != nil {
				return s.fail(err, "create certificate", "certificate serial or thumbprint already exists", "")
			}
			_, err = s.w.ExecContext(ctx, s.q(`INSERT INTO partner_certificates
				(uuid, company_key, serial, slot, subject_dn, status, issued_at, not_after, created_at, updated_at, revoked_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				c.UUID, c.CompanyKey, c.Serial, c.Slot, c.SubjectDN, string(c.Status), micros(c.IssuedAt), micros(c.NotAfter),
				micros(c.CreatedAt), micros(c.UpdatedAt), micros(c.RevokedAt))
			return s.fail(err, "create partner certificate", "slot taken", "partner not found")
		})
		if errs.Is(err, errs.EConflict) && attempt < 3 {
			if e := errs.As(err); e != nil && e.Message == "slot taken" {
				continue // lost a race for the slot: look again
			}
		}
		if e := errs.As(err); e != nil && e.Kind == errs.EConflict && e.Message == "slot taken" {
			return errNoSlot
		}
		return err
	}
}

const partnerCertColumns = `p.uuid, p.company_key, p.serial, p.slot, p.subject_dn, p.status, p.issued_at, p.not_after,
	p.created_at, p.updated_at, p.revoked_at, c.der`

func scanPartnerCert(sc scanner, c *partner.Certificate) error {
	var status string
	var issued, notAfter, created, updated, revoked int64
	if err := sc.Scan(&c.UUID, &c.CompanyKey, &c.Serial, &c.Slot, &c.SubjectDN, &status, &issued, &notAfter,
		&created, &updated, &revoked, &c.DER); err != nil {
		return err
	}
	c.Status = partner.Status(status)
	c.IssuedAt, c.NotAfter = fromMicros(issued), fromMicros(notAfter)
	c.CreatedAt, c.UpdatedAt, c.RevokedAt = fromMicros(created), fromMicros(updated), fromMicros(revoked)
	c.DER = nilIfEmpty(c.DER)
	return nil
}

// PartnerCertificates lists companyKey's certificates, oldest first (then
// by uuid).
func (s *session) PartnerCertificates(ctx context.Context, companyKey string) ([]partner.Certificate, error) {
	rows, err := s.read(ctx, `SELECT `+partnerCertColumns+` FROM partner_certificates p
		JOIN certificates c ON c.serial = p.serial
		WHERE p.company_key = ? ORDER BY p.created_at, p.uuid`, companyKey)
	if err != nil {
		return nil, s.fail(err, "list partner certificates", "", "")
	}
	defer rows.Close()
	var out []partner.Certificate
	for rows.Next() {
		var c partner.Certificate
		if err := scanPartnerCert(rows, &c); err != nil {
			return nil, s.fail(err, "list partner certificates", "", "")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list partner certificates", "", "")
	}
	return out, nil
}

// PartnerCertificate returns companyKey's certificate uuid. ENotFound if
// none.
func (s *session) PartnerCertificate(ctx context.Context, companyKey, uuid string) (*partner.Certificate, error) {
	var c partner.Certificate
	err := scanPartnerCert(s.readRow(ctx, `SELECT `+partnerCertColumns+` FROM partner_certificates p
		JOIN certificates c ON c.serial = p.serial
		WHERE p.company_key = ? AND p.uuid = ?`, companyKey, uuid), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("partner certificate not found")
	}
	if err != nil {
		return nil, s.fail(err, "read partner certificate", "", "")
	}
	return &c, nil
}

// RevokePartnerCertificate revokes companyKey's certificate uuid and its
// certificates row at at, in one transaction, and returns it as stored.
// Revoking a revoked certificate keeps the first revocation. ENotFound if
// none.
func (s *session) RevokePartnerCertificate(ctx context.Context, companyKey, uuid, reason string, at time.Time) (*partner.Certificate, error) {
	var out *partner.Certificate
	err := s.inTx(ctx, func(s *session) error {
		var serial, status string
		err := s.w.QueryRowContext(ctx, s.q(`SELECT serial, status FROM partner_certificates WHERE company_key = ? AND uuid = ?`+s.sh.forUpdate),
			companyKey, uuid).Scan(&serial, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("partner certificate not found")
		}
		if err != nil {
			return s.fail(err, "read partner certificate", "", "")
		}
		if status != string(partner.StatusRevoked) {
			if _, err := s.w.ExecContext(ctx, s.q(`UPDATE partner_certificates SET status = ?, revoked_at = ?, updated_at = ?
				WHERE uuid = ?`), string(partner.StatusRevoked), micros(at), micros(at), uuid); err != nil {
				return s.fail(err, "revoke partner certificate", "", "")
			}
			if err := s.revokeCertificate(ctx, serial, reason, at); err != nil {
				return err
			}
		}
		var c partner.Certificate
		if err := scanPartnerCert(s.w.QueryRowContext(ctx, s.q(`SELECT `+partnerCertColumns+` FROM partner_certificates p
			JOIN certificates c ON c.serial = p.serial WHERE p.uuid = ?`), uuid), &c); err != nil {
			return s.fail(err, "read partner certificate", "", "")
		}
		out = &c
		return nil
	})
	return out, err
}
