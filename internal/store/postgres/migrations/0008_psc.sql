-- PSC cloud signatures (seed 004): applications, holders and their cloud
-- certificates (keys sealed under the master key), authorization requests,
-- access tokens and the usage counters of the seed's limits.

CREATE TABLE psc_applications (
	client_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	secret_hash   BYTEA   NOT NULL,
	name          TEXT    NOT NULL,
	comments      TEXT    NOT NULL,
	email         TEXT    NOT NULL,
	redirect_uris TEXT    NOT NULL, -- JSON array
	created_at    BIGINT  NOT NULL
);

CREATE TABLE psc_holders (
	documento     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	type          TEXT    NOT NULL,
	name          TEXT    NOT NULL,
	email         TEXT    NOT NULL,
	password_hash TEXT    NOT NULL,
	created_at    BIGINT  NOT NULL
);

CREATE TABLE psc_certificates (
	alias      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	documento  TEXT    NOT NULL REFERENCES psc_holders (documento),
	label      TEXT    NOT NULL,
	cert_der   BYTEA   NOT NULL,
	sealed_key BYTEA   NOT NULL,
	not_before BIGINT  NOT NULL,
	not_after  BIGINT  NOT NULL,
	created_at BIGINT  NOT NULL
);

CREATE INDEX psc_certificates_by_documento ON psc_certificates (documento, created_at, alias);

CREATE TABLE psc_authorizations (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	client_id      TEXT    NOT NULL REFERENCES psc_applications (client_id),
	login_hint     TEXT    NOT NULL,
	documento      TEXT    NOT NULL,
	scope          TEXT    NOT NULL,
	lifetime       BIGINT  NOT NULL, -- seconds
	code_challenge TEXT    NOT NULL,
	redirect_uri   TEXT    NOT NULL,
	state          TEXT    NOT NULL,
	push           BIGINT  NOT NULL,
	status         TEXT    NOT NULL,
	created_at     BIGINT  NOT NULL,
	expires_at     BIGINT  NOT NULL,
	decided_at     BIGINT  NOT NULL,
	code_used_at   BIGINT  NOT NULL,
	last_poll_at   BIGINT  NOT NULL
);

CREATE INDEX psc_authorizations_pending ON psc_authorizations (login_hint, status, created_at);

CREATE TABLE psc_tokens (
	id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	client_id  TEXT    NOT NULL REFERENCES psc_applications (client_id),
	documento  TEXT    NOT NULL,
	scope      TEXT    NOT NULL,
	created_at BIGINT  NOT NULL,
	expires_at BIGINT  NOT NULL,
	used_at    BIGINT  NOT NULL
);

CREATE TABLE psc_counters (
	key          TEXT    NOT NULL,
	period_start BIGINT  NOT NULL, -- unix seconds of the period's start
	n            BIGINT  NOT NULL,
	PRIMARY KEY (key, period_start)
);

CREATE INDEX psc_counters_by_window ON psc_counters (period_start);
