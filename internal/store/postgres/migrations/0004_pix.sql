-- Pix received, their devoluções, and the webhooks configured per chave.
-- Timestamps are unix microseconds UTC (0 for none).

-- A Pix received. txid is NULL when the Pix has none; retirada is the cash
-- part (saque or troco); devolucoes counts its devoluções (GET /pix
-- devolucaoPresente); body is the Pix JSON as settled, without devolucoes.
CREATE TABLE pix (
	end_to_end_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	documento     TEXT COLLATE "C" NOT NULL,
	txid          TEXT COLLATE "C",
	chave         TEXT COLLATE "C" NOT NULL,
	valor         BIGINT  NOT NULL,
	retirada      BIGINT  NOT NULL,
	horario       BIGINT  NOT NULL,
	pagador_cpf   TEXT COLLATE "C",
	pagador_cnpj  TEXT COLLATE "C",
	devolucoes    INTEGER NOT NULL DEFAULT 0,
	body          BYTEA   NOT NULL
);

-- GET /pix: one recebedor's Pix in (horario, end_to_end_id) order.
CREATE INDEX pix_by_horario ON pix (documento, horario, end_to_end_id);
-- GET /cob/{txid} of a concluded charge, GET /pix?txid=.
CREATE INDEX pix_by_txid ON pix (documento, txid) WHERE txid IS NOT NULL;

-- A devolução; id is the client's, unique per Pix. seq orders a Pix's
-- devoluções by request.
CREATE TABLE devolucoes (
	end_to_end_id TEXT COLLATE "C" NOT NULL REFERENCES pix (end_to_end_id),
	id            TEXT COLLATE "C" NOT NULL,
	seq           INTEGER NOT NULL,
	documento     TEXT COLLATE "C" NOT NULL,
	rtr_id        TEXT COLLATE "C" NOT NULL UNIQUE,
	valor         BIGINT  NOT NULL,
	natureza      TEXT COLLATE "C" NOT NULL,
	descricao     TEXT    NOT NULL DEFAULT '',
	status        TEXT COLLATE "C" NOT NULL,
	motivo        TEXT    NOT NULL DEFAULT '',
	solicitacao   BIGINT  NOT NULL,
	liquidacao    BIGINT  NOT NULL DEFAULT 0,
	liquidar_em   BIGINT  NOT NULL,
	PRIMARY KEY (end_to_end_id, id)
);

-- The refund processor's queue.
CREATE INDEX devolucoes_pendentes ON devolucoes (liquidar_em) WHERE status = 'EM_PROCESSAMENTO';

-- The webhook of a chave (PUT /webhook/{chave}).
CREATE TABLE webhooks (
	documento TEXT COLLATE "C" NOT NULL,
	chave     TEXT COLLATE "C" NOT NULL,
	url       TEXT   NOT NULL,
	criacao   BIGINT NOT NULL,
	PRIMARY KEY (documento, chave)
);

-- GET /webhook: one recebedor's webhooks in (criacao, chave) order.
CREATE INDEX webhooks_by_criacao ON webhooks (documento, criacao, chave);
