-- SISGRU (seed 003): SIAFI users, external systems, GRUs, PagTesouro
-- pagamentos, and the counters that keep X-Total-Count cheap (see
-- internal/store/sisgru.go). Every column is NOT NULL: an optional element
-- that is absent is '' or 0. Column names are the elements' paths in snake
-- case (dtCriacaoSISGRU: dt_criacao_sisgru, ug/codigo: ug_codigo). Dates are
-- yyyymmdd integers, months yyyymm, amounts centavos, timestamps unix
-- microseconds UTC.
--
-- Reserved for the link to Pix (not wired yet): a pagamento paid by Pix has
-- tipo_pagamento_codigo 'PX', numero_transacao_psp = the endToEndId and ispb
-- = the payer's PSP; its GRU has origem_gru 7 and codigo_pagamento = the
-- pagamento's codigo. Both numero_transacao_psp columns are indexed for that
-- lookup; pagamento codigo is unique, so a settlement can be recorded once.

-- SIAFI users ("Senha SIAFI"): password_hash is argon2id (PHC string), ugs
-- the UGs the user may read, space-separated and sorted.
CREATE TABLE sisgru_users (
	cpf           TEXT NOT NULL PRIMARY KEY,
	nome          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	ugs           TEXT NOT NULL,
	status        TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);

-- External systems: issuer is the JWT's iss ("Emissor"), certificate the
-- registered PEM whose key verifies its tokens; a deleted system keeps its
-- row with status 'excluido'.
CREATE TABLE sisgru_systems (
	issuer      TEXT NOT NULL PRIMARY KEY,
	nome        TEXT NOT NULL,
	certificate BLOB NOT NULL,
	ugs         TEXT NOT NULL,
	status      TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);

-- GRUs (GET /grus).
CREATE TABLE sisgru_grus (
	id                         TEXT    NOT NULL PRIMARY KEY,
	exercicio                  INTEGER NOT NULL,
	recolhimento               INTEGER NOT NULL,
	recolhimento_contabilizado INTEGER NOT NULL,
	ug_emitente                TEXT    NOT NULL,
	ug_arrecadadora            TEXT    NOT NULL,
	numero_ra                  TEXT    NOT NULL,
	situacao                   TEXT    NOT NULL,
	especie_gr                 INTEGER NOT NULL,
	tipo_registro_gru          INTEGER NOT NULL,
	tipo_recolhedor            INTEGER NOT NULL,
	codigo_recolhedor          TEXT    NOT NULL,
	num_referencia             INTEGER NOT NULL,
	data_vencimento            INTEGER NOT NULL,
	data_competencia           INTEGER NOT NULL,
	agente_arrecadador         TEXT    NOT NULL,
	meio_pagamento             TEXT    NOT NULL,
	vl_principal               INTEGER NOT NULL,
	vl_desconto                INTEGER NOT NULL,
	vl_outradeducao            INTEGER NOT NULL,
	vl_multa                   INTEGER NOT NULL,
	vl_juros                   INTEGER NOT NULL,
	vl_acrescimo               INTEGER NOT NULL,
	vl_total                   INTEGER NOT NULL,
	observacao                 TEXT    NOT NULL,
	dt_emissao                 INTEGER NOT NULL,
	dt_transferencia           INTEGER NOT NULL,
	dt_contabilizacao_siafi    INTEGER NOT NULL,
	origem_arrecadacao         INTEGER NOT NULL,
	especie_ingresso           INTEGER NOT NULL,
	dt_criacao_sisgru          INTEGER NOT NULL,
	codigo_pagamento           TEXT    NOT NULL,
	tipo_servico               INTEGER NOT NULL,
	servico                    INTEGER NOT NULL,
	numero_transacao_psp       TEXT    NOT NULL,
	origem_gru                 INTEGER NOT NULL,
	num_aut_bancaria           TEXT    NOT NULL
);

-- Lists filter on a UG and an issue-date range and sort by (dt_emissao, id)
-- by default: these indexes serve them in order, without sorting.
CREATE INDEX sisgru_grus_by_arrecadadora ON sisgru_grus (ug_arrecadadora, dt_emissao, id);
CREATE INDEX sisgru_grus_by_emitente ON sisgru_grus (ug_emitente, dt_emissao, id);
CREATE INDEX sisgru_grus_by_recolhedor ON sisgru_grus (codigo_recolhedor, dt_emissao, id);
CREATE INDEX sisgru_grus_by_pagamento ON sisgru_grus (codigo_pagamento);
CREATE INDEX sisgru_grus_by_psp ON sisgru_grus (numero_transacao_psp);

-- PagTesouro pagamentos (GET /pagamentos).
CREATE TABLE sisgru_pagamentos (
	id                                  INTEGER NOT NULL PRIMARY KEY,
	codigo                              TEXT    NOT NULL,
	ug_codigo                           TEXT    NOT NULL,
	ug_exercicio                        INTEGER NOT NULL,
	ug_nome                             TEXT    NOT NULL,
	tipo_servico_codigo                 INTEGER NOT NULL,
	tipo_servico_nome                   TEXT    NOT NULL,
	servico_id                          INTEGER NOT NULL,
	servico_nome                        TEXT    NOT NULL,
	data                                INTEGER NOT NULL,
	data_pagamento_psp                  INTEGER NOT NULL,
	data_vencimento                     INTEGER NOT NULL,
	competencia                         INTEGER NOT NULL,
	numero_transacao_psp                TEXT    NOT NULL,
	recolhimento_codigo                 INTEGER NOT NULL,
	recolhimento_exercicio              INTEGER NOT NULL,
	recolhimento_descricao              TEXT    NOT NULL,
	codigo_contribuinte                 TEXT    NOT NULL,
	nome_contribuinte                   TEXT    NOT NULL,
	numero_referencia                   INTEGER NOT NULL,
	tipo_pagamento_codigo               TEXT    NOT NULL,
	tipo_pagamento_nome                 TEXT    NOT NULL,
	provedor_pagamento_id               INTEGER NOT NULL,
	provedor_pagamento_nome             TEXT    NOT NULL,
	situacao                            TEXT    NOT NULL,
	valor_total                         INTEGER NOT NULL,
	data_alteracao_situacao_pag_tesouro INTEGER NOT NULL,
	ispb                                TEXT    NOT NULL,
	forma_utilizacao_pag_tesouro        INTEGER NOT NULL
);

CREATE UNIQUE INDEX sisgru_pagamentos_by_codigo ON sisgru_pagamentos (codigo);
CREATE INDEX sisgru_pagamentos_by_data ON sisgru_pagamentos (ug_codigo, data, id);
CREATE INDEX sisgru_pagamentos_by_alteracao ON sisgru_pagamentos (ug_codigo, data_alteracao_situacao_pag_tesouro, id);
CREATE INDEX sisgru_pagamentos_by_contribuinte ON sisgru_pagamentos (codigo_contribuinte, data, id);
CREATE INDEX sisgru_pagamentos_by_psp ON sisgru_pagamentos (numero_transacao_psp);

-- How many records of a counter dimension (dim: GRUs by ugArrecadadora or
-- ugEmitente and dtEmissao; pagamentos by ug and the Brasília day of data or
-- of dataAlteracaoSituacaoPagTesouro) each UG has on each day (yyyymmdd, 0
-- for none) in each situacao. Updated in the transaction that inserts the
-- records; shard spreads hot rows when writers are concurrent (PostgreSQL),
-- readers add the shards up.
CREATE TABLE sisgru_counts (
	dim      TEXT NOT NULL,
	ug       TEXT NOT NULL,
	day      INTEGER NOT NULL,
	situacao TEXT NOT NULL,
	shard    INTEGER NOT NULL,
	n        INTEGER NOT NULL,
	PRIMARY KEY (dim, ug, day, situacao, shard)
) WITHOUT ROWID;
