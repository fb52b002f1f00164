-- Bankly partner certificates (seed 001) and Banking API accounts (seed 002).

CREATE TABLE partners (
	company_key       TEXT    NOT NULL PRIMARY KEY,
	uuid              TEXT    NOT NULL UNIQUE,
	cnpj              TEXT    NOT NULL,
	razao_social      TEXT    NOT NULL,
	business_category TEXT    NOT NULL,
	state             TEXT    NOT NULL,
	city              TEXT    NOT NULL,
	service_domain    TEXT    NOT NULL,
	created_at        INTEGER NOT NULL
) WITHOUT ROWID;

-- A partner certificate holds one of the partner's two slots while ACTIVE:
-- the partial unique index is what refuses a third active certificate, even
-- when two requests race.
CREATE TABLE partner_certificates (
	uuid        TEXT    NOT NULL PRIMARY KEY,
	company_key TEXT    NOT NULL REFERENCES partners (company_key),
	serial      TEXT    NOT NULL UNIQUE REFERENCES certificates (serial),
	slot        INTEGER NOT NULL CHECK (slot IN (1, 2)),
	subject_dn  TEXT    NOT NULL,
	status      TEXT    NOT NULL,
	issued_at   INTEGER NOT NULL,
	not_after   INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	revoked_at  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE UNIQUE INDEX partner_certificates_active_slot ON partner_certificates (company_key, slot) WHERE status = 'ACTIVE';
CREATE INDEX partner_certificates_by_partner ON partner_certificates (company_key, created_at, uuid);

CREATE TABLE banking_accounts (
	account_id       TEXT    NOT NULL PRIMARY KEY,
	holder           TEXT    NOT NULL,
	document         TEXT    NOT NULL DEFAULT '',
	balance_centavos INTEGER NOT NULL DEFAULT 0,
	blocked_centavos INTEGER NOT NULL DEFAULT 0,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL
) WITHOUT ROWID;

-- The portal lists a CPF/CNPJ's accounts (BankingAccountsByDocument).
CREATE INDEX banking_accounts_by_document ON banking_accounts (document, account_id);
