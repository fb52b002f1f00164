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
	cpf           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	nome          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	ugs           TEXT COLLATE "C" NOT NULL,
	status        TEXT COLLATE "C" NOT NULL,
	created_at    BIGINT NOT NULL,
	updated_at    BIGINT NOT NULL
);

-- External systems: issuer is the JWT's iss ("Emissor"), certificate the
-- registered PEM whose key verifies its tokens; a deleted system keeps its
-- row with status 'excluido'.
CREATE TABLE sisgru_systems (
	issuer      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	nome        TEXT NOT NULL,
	certificate BYTEA NOT NULL,
	ugs         TEXT COLLATE "C" NOT NULL,
	status      TEXT COLLATE "C" NOT NULL,
	created_at  BIGINT NOT NULL,
	updated_at  BIGINT NOT NULL
);

-- GRUs (GET /grus).
CREATE TABLE sisgru_grus (
	id                         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	exercicio                  BIGINT NOT NULL,
	recolhimento               BIGINT NOT NULL,
	recolhimento_contabilizado BIGINT NOT NULL,
	ug_emitente                TEXT COLLATE "C" NOT NULL,
	ug_arrecadadora            TEXT COLLATE "C" NOT NULL,
	numero_ra                  TEXT COLLATE "C" NOT NULL,
	situacao                   TEXT COLLATE "C" NOT NULL,
	especie_gr                 BIGINT NOT NULL,
	tipo_registro_gru          BIGINT NOT NULL,
	tipo_recolhedor            BIGINT NOT NULL,
	codigo_recolhedor          TEXT COLLATE "C" NOT NULL,
	num_referencia             BIGINT NOT NULL,
	data_vencimento            BIGINT NOT NULL,
	data_competencia           BIGINT NOT NULL,
	agente_arrecadador         TEXT COLLATE "C" NOT NULL,
	meio_pagamento             TEXT COLLATE "C" NOT NULL,
	vl_principal               BIGINT NOT NULL,
	vl_desconto                BIGINT NOT NULL,
	vl_outradeducao            BIGINT NOT NULL,
	vl_multa                   BIGINT NOT NULL,
	vl_juros                   BIGINT NOT NULL,
	vl_acrescimo               BIGINT NOT NULL,
	vl_total                   BIGINT NOT NULL,
	observacao                 TEXT COLLATE "C" NOT NULL,
	dt_emissao                 BIGINT NOT NULL,
	dt_transferencia           BIGINT NOT NULL,
	dt_contabilizacao_siafi    BIGINT NOT NULL,
	origem_arrecadacao         BIGINT NOT NULL,
	especie_ingresso           BIGINT NOT NULL,
	dt_criacao_sisgru          BIGINT NOT NULL,
	codigo_pagamento           TEXT COLLATE "C" NOT NULL,
	tipo_servico               BIGINT NOT NULL,
	servico                    BIGINT NOT NULL,
	numero_transacao_psp       TEXT COLLATE "C" NOT NULL,
	origem_gru                 BIGINT NOT NULL,
	num_aut_bancaria           TEXT COLLATE "C" NOT NULL
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
	id                                  BIGINT NOT NULL PRIMARY KEY,
	codigo                              TEXT COLLATE "C" NOT NULL,
	ug_codigo                           TEXT COLLATE "C" NOT NULL,
	ug_exercicio                        BIGINT NOT NULL,
	ug_nome                             TEXT COLLATE "C" NOT NULL,
	tipo_servico_codigo                 BIGINT NOT NULL,
	tipo_servico_nome                   TEXT COLLATE "C" NOT NULL,
	servico_id                          BIGINT NOT NULL,
	servico_nome                        TEXT COLLATE "C" NOT NULL,
	data                                BIGINT NOT NULL,
	data_pagamento_psp                  BIGINT NOT NULL,
	data_vencimento                     BIGINT NOT NULL,
	competencia                         BIGINT NOT NULL,
	numero_transacao_psp                TEXT COLLATE "C" NOT NULL,
	recolhimento_codigo                 BIGINT NOT NULL,
	recolhimento_exercicio              BIGINT NOT NULL,
	recolhimento_descricao              TEXT COLLATE "C" NOT NULL,
	codigo_contribuinte                 TEXT COLLATE "C" NOT NULL,
	nome_contribuinte                   TEXT COLLATE "C" NOT NULL,
	numero_referencia                   BIGINT NOT NULL,
	tipo_pagamento_codigo               TEXT COLLATE "C" NOT NULL,
	tipo_pagamento_nome                 TEXT COLLATE "C" NOT NULL,
	provedor_pagamento_id               BIGINT NOT NULL,
	provedor_pagamento_nome             TEXT COLLATE "C" NOT NULL,
	situacao                            TEXT COLLATE "C" NOT NULL,
	valor_total                         BIGINT NOT NULL,
	data_alteracao_situacao_pag_tesouro BIGINT NOT NULL,
	ispb                                TEXT COLLATE "C" NOT NULL,
	forma_utilizacao_pag_tesouro        BIGINT NOT NULL
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
	dim      TEXT COLLATE "C" NOT NULL,
	ug       TEXT COLLATE "C" NOT NULL,
	day      BIGINT NOT NULL,
	situacao TEXT COLLATE "C" NOT NULL,
	shard    BIGINT NOT NULL,
	n        BIGINT NOT NULL,
	PRIMARY KEY (dim, ug, day, situacao, shard)
);
