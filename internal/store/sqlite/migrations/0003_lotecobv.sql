-- Batches of charges with a due date (lotecobv) and their items. Timestamps
-- are unix microseconds UTC (0 for none).

-- A batch; id is the client's (PUT /lotecobv/{id}), unique per recebedor.
CREATE TABLE lotes (
	documento  TEXT    NOT NULL,
	id         INTEGER NOT NULL,
	descricao  TEXT    NOT NULL,
	criacao    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (documento, id)
) WITHOUT ROWID;

-- GET /lotecobv: one recebedor's batches in (criacao, id) order.
CREATE INDEX lotes_by_criacao ON lotes (documento, criacao, id);

-- One charge request of a batch. A txid belongs to at most one batch of a
-- recebedor. pedido is the pending request (NULL when none: status is then
-- CRIADA or NEGADA); seq grows with every request written, so processing
-- finishes only the request it read. claim/claim_ate: the processor holding
-- the item and until when (0: free; a later time with claim NULL: retry
-- not before then).
CREATE TABLE lote_itens (
	documento   TEXT    NOT NULL,
	lote_id     INTEGER NOT NULL,
	txid        TEXT    NOT NULL,
	pos         INTEGER NOT NULL,
	status      TEXT    NOT NULL,
	solicitacao BLOB    NOT NULL,
	pedido      BLOB,
	pedido_tipo TEXT,
	seq         INTEGER NOT NULL,
	problema    BLOB,
	criacao     INTEGER NOT NULL DEFAULT 0,
	claim       TEXT,
	claim_ate   INTEGER NOT NULL DEFAULT 0,
	updated_at  INTEGER NOT NULL,
	PRIMARY KEY (documento, lote_id, txid),
	FOREIGN KEY (documento, lote_id) REFERENCES lotes (documento, id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX lote_itens_by_txid ON lote_itens (documento, txid);
CREATE INDEX lote_itens_by_pos ON lote_itens (documento, lote_id, pos);
-- The processor's queue: only items with a pending request, oldest first.
CREATE INDEX lote_itens_pendentes ON lote_itens (updated_at, lote_id, pos) WHERE pedido IS NOT NULL;
