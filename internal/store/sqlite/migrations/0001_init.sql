-- brasa schema, SQLite flavour. Timestamps are unix microseconds UTC (0 for
-- none); short lists are sorted, space-separated TEXT. Tables keyed by text
-- are WITHOUT ROWID: one B-tree per lookup.

CREATE TABLE recebedores (
	documento     TEXT    NOT NULL PRIMARY KEY,
	nome          TEXT    NOT NULL,
	nome_fantasia TEXT    NOT NULL DEFAULT '',
	logradouro    TEXT    NOT NULL DEFAULT '',
	cidade        TEXT    NOT NULL DEFAULT '',
	uf            TEXT    NOT NULL DEFAULT '',
	cep           TEXT    NOT NULL DEFAULT '',
	cooperativa   TEXT    NOT NULL DEFAULT '',
	conta         TEXT    NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE chaves (
	chave      TEXT    NOT NULL PRIMARY KEY,
	tipo       TEXT    NOT NULL,
	documento  TEXT    NOT NULL REFERENCES recebedores (documento),
	created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX chaves_by_documento ON chaves (documento, created_at, chave);

CREATE TABLE credentials (
	client_id     TEXT    NOT NULL PRIMARY KEY,
	secret_hash   BLOB    NOT NULL,
	kind          TEXT    NOT NULL,
	owner         TEXT    NOT NULL,
	scopes        TEXT    NOT NULL DEFAULT '',
	thumbprints   TEXT    NOT NULL DEFAULT '',
	allowed_cidrs TEXT    NOT NULL DEFAULT '',
	status        TEXT    NOT NULL,
	created_at    INTEGER NOT NULL,
	revoked_at    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE INDEX credentials_by_owner ON credentials (owner, created_at, client_id);

CREATE TABLE certificates (
	serial            TEXT    NOT NULL PRIMARY KEY,
	thumbprint        TEXT    NOT NULL UNIQUE,
	type              TEXT    NOT NULL,
	owner             TEXT    NOT NULL,
	subject           TEXT    NOT NULL DEFAULT '',
	not_before        INTEGER NOT NULL,
	not_after         INTEGER NOT NULL,
	status            TEXT    NOT NULL,
	revoked_at        INTEGER NOT NULL DEFAULT 0,
	revocation_reason TEXT    NOT NULL DEFAULT '',
	der               BLOB    NOT NULL,
	created_at        INTEGER NOT NULL
);

CREATE INDEX certificates_by_owner ON certificates (owner, created_at, serial);

CREATE TABLE secrets (
	name       TEXT    NOT NULL PRIMARY KEY,
	value      BLOB    NOT NULL,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
