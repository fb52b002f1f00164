-- The webhook outbox (internal/webhook): one row per Pix to announce to a
-- webhook, written in the transaction of the state change, and the log of
-- every attempt to deliver. Timestamps are unix microseconds UTC (0 for
-- none).

-- A notification. AUTOINCREMENT: ids increase and are never reused. claim
-- is the token of the lease holding the row (NULL: none) and claimed_until
-- when that lease runs out (0 when none). payload is the Pix's JSON, kept
-- byte for byte.
CREATE TABLE webhook_notification (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	documento     TEXT    NOT NULL,
	chave         TEXT    NOT NULL,
	webhook_url   TEXT    NOT NULL,
	kind          TEXT    NOT NULL,
	end_to_end_id TEXT    NOT NULL,
	payload       BLOB    NOT NULL,
	created_at    INTEGER NOT NULL,
	next_attempt  INTEGER NOT NULL,
	attempts      INTEGER NOT NULL DEFAULT 0,
	deadline      INTEGER NOT NULL DEFAULT 0,
	status        TEXT    NOT NULL,
	delivered_at  INTEGER NOT NULL DEFAULT 0,
	claim         TEXT,
	claimed_until INTEGER NOT NULL DEFAULT 0
);

-- The dispatcher's queue: pending rows only, in the order Claim picks them.
CREATE INDEX webhook_notification_due ON webhook_notification (next_attempt, id) WHERE status = 'pending';
-- Retarget: the pending rows of one chave.
CREATE INDEX webhook_notification_pending_chave ON webhook_notification (documento, chave) WHERE status = 'pending';
-- Listings, in (created_at, id) order, all or one recebedor's.
CREATE INDEX webhook_notification_by_created ON webhook_notification (created_at, id);
CREATE INDEX webhook_notification_by_documento ON webhook_notification (documento, created_at, id);
CREATE INDEX webhook_notification_by_e2e ON webhook_notification (end_to_end_id);

-- One POST (or refusal to send) covering a batch of notifications.
-- notification_ids lists them space-separated in the order of the body's
-- "pix" array; webhook_attempt_notification indexes the same link for the
-- per-notification history.
CREATE TABLE webhook_attempt (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	documento        TEXT    NOT NULL,
	chave            TEXT    NOT NULL,
	at               INTEGER NOT NULL,
	url              TEXT    NOT NULL,
	status_code      INTEGER NOT NULL,
	latency_us       INTEGER NOT NULL,
	error            TEXT    NOT NULL,
	response         TEXT    NOT NULL,
	notification_ids TEXT    NOT NULL
);

CREATE INDEX webhook_attempt_by_at ON webhook_attempt (at, id);
CREATE INDEX webhook_attempt_by_documento ON webhook_attempt (documento, at, id);

CREATE TABLE webhook_attempt_notification (
	attempt_id      INTEGER NOT NULL REFERENCES webhook_attempt (id),
	notification_id INTEGER NOT NULL,
	pos             INTEGER NOT NULL,
	PRIMARY KEY (attempt_id, pos)
) WITHOUT ROWID;

CREATE INDEX webhook_attempt_notification_by_notification ON webhook_attempt_notification (notification_id, attempt_id);
