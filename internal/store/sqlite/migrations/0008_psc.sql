-- PSC cloud signatures (seed 004): applications, holders and their cloud
-- certificates (keys sealed under the master key), authorization requests,
-- access tokens and the usage counters of the seed's limits.

CREATE TABLE psc_applications (
	client_id     TEXT    NOT NULL PRIMARY KEY,
	secret_hash   BLOB    NOT NULL,
	name          TEXT    NOT NULL,
	comments      TEXT    NOT NULL,
	email         TEXT    NOT NULL,
	redirect_uris TEXT    NOT NULL, -- JSON array
	created_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE psc_holders (
	documento     TEXT    NOT NULL PRIMARY KEY,
	type          TEXT    NOT NULL,
	name          TEXT    NOT NULL,
	email         TEXT    NOT NULL,
	password_hash TEXT    NOT NULL,
	created_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE psc_certificates (
	alias      TEXT    NOT NULL PRIMARY KEY,
	documento  TEXT    NOT NULL REFERENCES psc_holders (documento),
	label      TEXT    NOT NULL,
	cert_der   BLOB    NOT NULL,
	sealed_key BLOB    NOT NULL,
	not_before INTEGER NOT NULL,
	not_after  INTEGER NOT NULL,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX psc_certificates_by_documento ON psc_certificates (documento, created_at, alias);

CREATE TABLE psc_authorizations (
	id             TEXT    NOT NULL PRIMARY KEY,
	client_id      TEXT    NOT NULL REFERENCES psc_applications (client_id),
	login_hint     TEXT    NOT NULL,
	documento      TEXT    NOT NULL,
	scope          TEXT    NOT NULL,
	lifetime       INTEGER NOT NULL, -- seconds
	code_challenge TEXT    NOT NULL,
	redirect_uri   TEXT    NOT NULL,
	state          TEXT    NOT NULL,
	push           INTEGER NOT NULL,
	status         TEXT    NOT NULL,
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL,
	decided_at     INTEGER NOT NULL,
	code_used_at   INTEGER NOT NULL,
	last_poll_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX psc_authorizations_pending ON psc_authorizations (login_hint, status, created_at);

CREATE TABLE psc_tokens (
	id         TEXT    NOT NULL PRIMARY KEY,
	client_id  TEXT    NOT NULL REFERENCES psc_applications (client_id),
	documento  TEXT    NOT NULL,
	scope      TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE psc_counters (
	key          TEXT    NOT NULL,
	period_start INTEGER NOT NULL, -- unix seconds of the period's start
	n            INTEGER NOT NULL,
	PRIMARY KEY (key, period_start)
) WITHOUT ROWID;

CREATE INDEX psc_counters_by_window ON psc_counters (period_start);
