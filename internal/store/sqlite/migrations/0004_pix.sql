-- Pix received, their devoluções, and the webhooks configured per chave.
-- Timestamps are unix microseconds UTC (0 for none).

-- A Pix received. txid is NULL when the Pix has none; retirada is the cash
-- part (saque or troco); devolucoes counts its devoluções (GET /pix
-- devolucaoPresente); body is the Pix JSON as settled, without devolucoes.
CREATE TABLE pix (
	end_to_end_id TEXT    NOT NULL PRIMARY KEY,
	documento     TEXT    NOT NULL,
	txid          TEXT,
	chave         TEXT    NOT NULL,
	valor         INTEGER NOT NULL,
	retirada      INTEGER NOT NULL,
	horario       INTEGER NOT NULL,
	pagador_cpf   TEXT,
	pagador_cnpj  TEXT,
	devolucoes    INTEGER NOT NULL DEFAULT 0,
	body          BLOB    NOT NULL
) WITHOUT ROWID;

-- GET /pix: one recebedor's Pix in (horario, end_to_end_id) order.
CREATE INDEX pix_by_horario ON pix (documento, horario, end_to_end_id);
-- GET /cob/{txid} of a concluded charge, GET /pix?txid=.
CREATE INDEX pix_by_txid ON pix (documento, txid) WHERE txid IS NOT NULL;

-- A devolução; id is the client's, unique per Pix. seq orders a Pix's
-- devoluções by request.
CREATE TABLE devolucoes (
	end_to_end_id TEXT    NOT NULL REFERENCES pix (end_to_end_id),
	id            TEXT    NOT NULL,
	seq           INTEGER NOT NULL,
	documento     TEXT    NOT NULL,
	rtr_id        TEXT    NOT NULL UNIQUE,
	valor         INTEGER NOT NULL,
	natureza      TEXT    NOT NULL,
	descricao     TEXT    NOT NULL DEFAULT '',
	status        TEXT    NOT NULL,
	motivo        TEXT    NOT NULL DEFAULT '',
	solicitacao   INTEGER NOT NULL,
	liquidacao    INTEGER NOT NULL DEFAULT 0,
	liquidar_em   INTEGER NOT NULL,
	PRIMARY KEY (end_to_end_id, id)
) WITHOUT ROWID;

-- The refund processor's queue.
CREATE INDEX devolucoes_pendentes ON devolucoes (liquidar_em) WHERE status = 'EM_PROCESSAMENTO';

-- The webhook of a chave (PUT /webhook/{chave}).
CREATE TABLE webhooks (
	documento TEXT    NOT NULL,
	chave     TEXT    NOT NULL,
	url       TEXT    NOT NULL,
	criacao   INTEGER NOT NULL,
	PRIMARY KEY (documento, chave)
) WITHOUT ROWID;

-- GET /webhook: one recebedor's webhooks in (criacao, chave) order.
CREATE INDEX webhooks_by_criacao ON webhooks (documento, criacao, chave);
