-- Charges (cob and cobv), their revisions, payload locations, and the
-- counters that keep list totals cheap (see cobcount.go). Timestamps are unix
-- microseconds UTC; an absent devedor document or lote is NULL, so the
-- partial indexes on them hold only the charges that have one.

CREATE TABLE cobs (
	documento    TEXT COLLATE "C" NOT NULL,
	txid         TEXT COLLATE "C" NOT NULL,
	tipo         TEXT COLLATE "C" NOT NULL,
	status       TEXT COLLATE "C" NOT NULL,
	revisao      INTEGER NOT NULL,
	criacao      BIGINT  NOT NULL,
	devedor_cpf  TEXT COLLATE "C",
	devedor_cnpj TEXT COLLATE "C",
	loc_id       BIGINT  NOT NULL DEFAULT 0,
	lote_id      BIGINT,
	updated_at   BIGINT  NOT NULL,
	PRIMARY KEY (documento, txid)
);

-- Lists: one recebedor's charges of one tipo in (criacao, txid) order. Status
-- and loc_id are included so that their filters and the edge counts can scan
-- the index only.
CREATE INDEX cobs_by_criacao ON cobs (documento, tipo, criacao, txid) INCLUDE (status, loc_id);
CREATE INDEX cobs_by_cpf ON cobs (documento, devedor_cpf, tipo, criacao, txid) WHERE devedor_cpf IS NOT NULL;
CREATE INDEX cobs_by_cnpj ON cobs (documento, devedor_cnpj, tipo, criacao, txid) WHERE devedor_cnpj IS NOT NULL;
CREATE INDEX cobs_by_lote ON cobs (documento, lote_id, tipo, criacao, txid) WHERE lote_id IS NOT NULL;

-- Every revision's body, the current one included (GET ?revisao=N).
CREATE TABLE cob_revisoes (
	documento TEXT COLLATE "C" NOT NULL,
	txid      TEXT COLLATE "C" NOT NULL,
	revisao   INTEGER NOT NULL,
	body      BYTEA   NOT NULL,
	PRIMARY KEY (documento, txid, revisao)
);

-- How many charges of a recebedor, tipo and status were created in each
-- minute, hour and day (gran: the bucket's width in seconds; bucket: its
-- start). Updated in the transaction that creates a charge or changes its
-- status. shard spreads hot rows over several, so that concurrent writers of
-- one recebedor do not queue on one row lock; readers add the shards up.
CREATE TABLE cob_counts (
	documento TEXT COLLATE "C" NOT NULL,
	tipo      TEXT COLLATE "C" NOT NULL,
	gran      INTEGER NOT NULL,
	bucket    BIGINT  NOT NULL,
	status    TEXT COLLATE "C" NOT NULL,
	shard     INTEGER NOT NULL,
	n         BIGINT  NOT NULL,
	PRIMARY KEY (documento, tipo, gran, bucket, status, shard)
);

-- Payload locations. An identity never hands out an id twice. txid is NULL
-- while no charge uses the location.
CREATE TABLE locs (
	id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	documento TEXT COLLATE "C" NOT NULL,
	tipo_cob  TEXT COLLATE "C" NOT NULL,
	token     TEXT COLLATE "C" NOT NULL UNIQUE,
	location  TEXT   NOT NULL,
	criacao   BIGINT NOT NULL,
	txid      TEXT COLLATE "C"
);

CREATE INDEX locs_by_criacao ON locs (documento, criacao, id);
CREATE UNIQUE INDEX locs_by_txid ON locs (documento, txid) WHERE txid IS NOT NULL;
