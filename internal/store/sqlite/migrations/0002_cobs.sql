-- Charges (cob and cobv), their revisions, payload locations, and the
-- counters that keep list totals cheap (see cobcount.go). Timestamps are unix
-- microseconds UTC; an absent devedor document or lote is NULL, so the
-- partial indexes on them hold only the charges that have one.

CREATE TABLE cobs (
	documento    TEXT    NOT NULL,
	txid         TEXT    NOT NULL,
	tipo         TEXT    NOT NULL,
	status       TEXT    NOT NULL,
	revisao      INTEGER NOT NULL,
	criacao      INTEGER NOT NULL,
	devedor_cpf  TEXT,
	devedor_cnpj TEXT,
	loc_id       INTEGER NOT NULL DEFAULT 0,
	lote_id      INTEGER,
	updated_at   INTEGER NOT NULL,
	PRIMARY KEY (documento, txid)
) WITHOUT ROWID;

-- Lists: one recebedor's charges of one tipo in (criacao, txid) order. Status
-- and loc_id trail so that their filters and the edge counts read the index
-- only.
CREATE INDEX cobs_by_criacao ON cobs (documento, tipo, criacao, txid, status, loc_id);
CREATE INDEX cobs_by_cpf ON cobs (documento, devedor_cpf, tipo, criacao, txid) WHERE devedor_cpf IS NOT NULL;
CREATE INDEX cobs_by_cnpj ON cobs (documento, devedor_cnpj, tipo, criacao, txid) WHERE devedor_cnpj IS NOT NULL;
CREATE INDEX cobs_by_lote ON cobs (documento, lote_id, tipo, criacao, txid) WHERE lote_id IS NOT NULL;

-- Every revision's body, the current one included (GET ?revisao=N).
CREATE TABLE cob_revisoes (
	documento TEXT    NOT NULL,
	txid      TEXT    NOT NULL,
	revisao   INTEGER NOT NULL,
	body      BLOB    NOT NULL,
	PRIMARY KEY (documento, txid, revisao)
) WITHOUT ROWID;

-- How many charges of a recebedor, tipo and status were created in each
-- minute, hour and day (gran: the bucket's width in seconds; bucket: its
-- start). Updated in the transaction that creates a charge or changes its
-- status. shard spreads hot rows over several when writers are concurrent
-- (PostgreSQL); readers add the shards up.
CREATE TABLE cob_counts (
	documento TEXT    NOT NULL,
	tipo      TEXT    NOT NULL,
	gran      INTEGER NOT NULL,
	bucket    INTEGER NOT NULL,
	status    TEXT    NOT NULL,
	shard     INTEGER NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (documento, tipo, gran, bucket, status, shard)
) WITHOUT ROWID;

-- Payload locations. AUTOINCREMENT: an id is never reused, even after the
-- highest row is gone. txid is NULL while no charge uses the location.
CREATE TABLE locs (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	documento TEXT    NOT NULL,
	tipo_cob  TEXT    NOT NULL,
	token     TEXT    NOT NULL UNIQUE,
	location  TEXT    NOT NULL,
	criacao   INTEGER NOT NULL,
	txid      TEXT
);

CREATE INDEX locs_by_criacao ON locs (documento, criacao, id);
CREATE UNIQUE INDEX locs_by_txid ON locs (documento, txid) WHERE txid IS NOT NULL;
