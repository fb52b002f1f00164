-- brasa schema, PostgreSQL flavour. Timestamps are unix microseconds UTC (0
-- for none); short lists are sorted, space-separated TEXT. Keys use the "C"
-- collation so lists sort byte-wise, as on SQLite.

CREATE TABLE recebedores (
	documento     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	nome          TEXT   NOT NULL,
	nome_fantasia TEXT   NOT NULL DEFAULT '',
	logradouro    TEXT   NOT NULL DEFAULT '',
	cidade        TEXT   NOT NULL DEFAULT '',
	uf            TEXT   NOT NULL DEFAULT '',
	cep           TEXT   NOT NULL DEFAULT '',
	cooperativa   TEXT   NOT NULL DEFAULT '',
	conta         TEXT   NOT NULL DEFAULT '',
	created_at    BIGINT NOT NULL
);

CREATE TABLE chaves (
	chave      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	tipo       TEXT   NOT NULL,
	documento  TEXT COLLATE "C" NOT NULL REFERENCES recebedores (documento),
	created_at BIGINT NOT NULL
);

CREATE INDEX chaves_by_documento ON chaves (documento, created_at, chave);

CREATE TABLE credentials (
	client_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	secret_hash   BYTEA  NOT NULL,
	kind          TEXT   NOT NULL,
	owner         TEXT COLLATE "C" NOT NULL,
	scopes        TEXT   NOT NULL DEFAULT '',
	thumbprints   TEXT   NOT NULL DEFAULT '',
	allowed_cidrs TEXT   NOT NULL DEFAULT '',
	status        TEXT   NOT NULL,
	created_at    BIGINT NOT NULL,
	revoked_at    BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX credentials_by_owner ON credentials (owner, created_at, client_id);

CREATE TABLE certificates (
	serial            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	thumbprint        TEXT COLLATE "C" NOT NULL UNIQUE,
	type              TEXT   NOT NULL,
	owner             TEXT COLLATE "C" NOT NULL,
	subject           TEXT   NOT NULL DEFAULT '',
	not_before        BIGINT NOT NULL,
	not_after         BIGINT NOT NULL,
	status            TEXT   NOT NULL,
	revoked_at        BIGINT NOT NULL DEFAULT 0,
	revocation_reason TEXT   NOT NULL DEFAULT '',
	der               BYTEA  NOT NULL,
	created_at        BIGINT NOT NULL
);

CREATE INDEX certificates_by_owner ON certificates (owner, created_at, serial);

CREATE TABLE secrets (
	name       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	value      BYTEA  NOT NULL,
	created_at BIGINT NOT NULL
);
