-- Batches of charges with a due date (lotecobv) and their items. Timestamps
-- are unix microseconds UTC (0 for none).

-- A batch; id is the client's (PUT /lotecobv/{id}), unique per recebedor.
CREATE TABLE lotes (
	documento  TEXT COLLATE "C" NOT NULL,
	id         BIGINT NOT NULL,
	descricao  TEXT   NOT NULL,
	criacao    BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (documento, id)
);

-- GET /lotecobv: one recebedor's batches in (criacao, id) order.
CREATE INDEX lotes_by_criacao ON lotes (documento, criacao, id);

-- One charge request of a batch. A txid belongs to at most one batch of a
-- recebedor. pedido is the pending request (NULL when none: status is then
-- CRIADA or NEGADA); seq grows with every request written, so processing
-- finishes only the request it read. claim/claim_ate: the processor holding
-- the item and until when (0: free; a later time with claim NULL: retry
-- not before then).
CREATE TABLE lote_itens (
	documento   TEXT COLLATE "C" NOT NULL,
	lote_id     BIGINT  NOT NULL,
	txid        TEXT COLLATE "C" NOT NULL,
	pos         INTEGER NOT NULL,
	status      TEXT COLLATE "C" NOT NULL,
	solicitacao BYTEA   NOT NULL,
	pedido      BYTEA,
	pedido_tipo TEXT COLLATE "C",
	seq         BIGINT  NOT NULL,
	problema    BYTEA,
	criacao     BIGINT  NOT NULL DEFAULT 0,
	claim       TEXT COLLATE "C",
	claim_ate   BIGINT  NOT NULL DEFAULT 0,
	updated_at  BIGINT  NOT NULL,
	PRIMARY KEY (documento, lote_id, txid),
	FOREIGN KEY (documento, lote_id) REFERENCES lotes (documento, id)
);

CREATE UNIQUE INDEX lote_itens_by_txid ON lote_itens (documento, txid);
CREATE INDEX lote_itens_by_pos ON lote_itens (documento, lote_id, pos);
-- The processor's queue: only items with a pending request, oldest first.
CREATE INDEX lote_itens_pendentes ON lote_itens (updated_at, lote_id, pos) WHERE pedido IS NOT NULL;
