-- Developer portal (seed 000 §7 and Anexo I): developer accounts and their
-- sessions, support tickets (chamados), the cooperativa+conta accounts a
-- developer works on, the files of each account (CSRs, validated
-- certificates, chains) and the credentials generated from them. Timestamps
-- are unix microseconds UTC (0 for none).

CREATE TABLE portal_developers (
	id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	email         TEXT COLLATE "C" NOT NULL UNIQUE,
	name          TEXT   NOT NULL,
	password_hash TEXT   NOT NULL,
	created_at    BIGINT NOT NULL
);

-- Sessions are found by the SHA-256 of the cookie's token; the token itself
-- is never stored.
CREATE TABLE portal_sessions (
	token_hash   BYTEA  NOT NULL PRIMARY KEY,
	developer_id TEXT COLLATE "C" NOT NULL REFERENCES portal_developers (id),
	created_at   BIGINT NOT NULL,
	expires_at   BIGINT NOT NULL
);

CREATE INDEX portal_sessions_by_developer ON portal_sessions (developer_id);

-- modalidades: the contract's modalities granted on approval, space-separated.
CREATE TABLE portal_chamados (
	id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	developer_id TEXT COLLATE "C" NOT NULL REFERENCES portal_developers (id),
	tipo         TEXT   NOT NULL,
	cnpj         TEXT COLLATE "C" NOT NULL,
	id_adesao    TEXT   NOT NULL,
	status       TEXT   NOT NULL,
	modalidades  TEXT   NOT NULL DEFAULT '',
	created_at   BIGINT NOT NULL,
	decided_at   BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX portal_chamados_by_developer ON portal_chamados (developer_id, created_at, id);
CREATE INDEX portal_chamados_by_status ON portal_chamados (status, created_at, id);

CREATE TABLE portal_accounts (
	cooperativa TEXT COLLATE "C" NOT NULL,
	conta       TEXT COLLATE "C" NOT NULL,
	documento   TEXT COLLATE "C" NOT NULL,
	created_at  BIGINT NOT NULL,
	PRIMARY KEY (cooperativa, conta)
);

-- Files of an account. content is the PEM offered for download (CSR,
-- certificate, chain); key_encrypted the private key as encrypted PKCS#8
-- under the developer's passphrase; key_sealed the same key unencrypted,
-- sealed under the master key. A CERTIFICADO_ORIGINAL row with status
-- EM_PROCESSAMENTO is a pending signing job.
CREATE TABLE portal_files (
	id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	cooperativa   TEXT COLLATE "C" NOT NULL,
	conta         TEXT COLLATE "C" NOT NULL,
	documento     TEXT COLLATE "C" NOT NULL,
	nome          TEXT   NOT NULL,
	tipo          TEXT   NOT NULL,
	status        TEXT   NOT NULL,
	usuario       TEXT   NOT NULL,
	origin_id     TEXT   NOT NULL DEFAULT '',
	serial        TEXT   NOT NULL DEFAULT '',
	thumbprint    TEXT   NOT NULL DEFAULT '',
	message       TEXT   NOT NULL DEFAULT '',
	content       BYTEA  NOT NULL,
	key_encrypted BYTEA  NOT NULL,
	key_sealed    BYTEA  NOT NULL,
	created_at    BIGINT NOT NULL,
	updated_at    BIGINT NOT NULL,
	FOREIGN KEY (cooperativa, conta) REFERENCES portal_accounts (cooperativa, conta)
);

CREATE INDEX portal_files_by_account ON portal_files (cooperativa, conta, created_at, id);
CREATE INDEX portal_files_pending ON portal_files (status, tipo, created_at, id);

-- Credentials generated in the portal, by the validated certificate they
-- are bound to.
CREATE TABLE portal_credentials (
	client_id    TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES credentials (client_id),
	file_id      TEXT COLLATE "C" NOT NULL REFERENCES portal_files (id),
	developer_id TEXT COLLATE "C" NOT NULL,
	created_at   BIGINT NOT NULL
);

CREATE INDEX portal_credentials_by_file ON portal_credentials (file_id, created_at, client_id);
