package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"

	"github.com/brasa-dev/brasa/internal/sisgru"
)

// Interface guards.
var (
	_ sisgru.Store = (*DB)(nil)
	_ sisgru.Store = (*Tx)(nil)
)

// SISGRU's records live in one table per resource whose columns are the
// schema's leaves (sisgru.GRUs, sisgru.Pagamentos), named by their paths in
// snake case; see migrations 0007_sisgru.sql. The store builds its SQL from
// the schema, so a list reads only the columns the caller shows, filters on
// any element and sorts on any, and rows stream to the caller as they are
// read (EachGRU): memory does not grow with the page.
//
// Counting. X-Total-Count accompanies every page, and counting a million
// matching rows in an index costs a scan of a million index entries. So
// sisgru_counts keeps, for each counter dimension, how many records of each
// UG, day and situacao there are, changed in the transaction that inserts
// them. A query whose conditions are one dimension's UG (or, scoped, a
// principal's UGs), optionally its day range and situacao, and nothing else
// (the shape of every consumer's query: ugArrecadadora + dtEmissao, ug +
// data) is counted by adding up at most a row per day, situacao and shard.
// Other queries are counted with COUNT(*) over their conditions, in the
// index that serves them (codigo_recolhedor, ...) or by scanning.
//
// Seeking. With such a query in the dimension's default order (date, then
// id), the per-day counters also find the day on which a page at a large
// offset starts, so that page costs about what the first does.

// sisgruDim is a counter dimension: the records of a UG leaf by the day of
// a date or timestamp leaf.
type sisgruDim struct {
	name string // sisgru_counts.dim
	ug   int    // leaf index of the UG
	date int    // leaf index of the date or timestamp
}

// sisgruTable is a resource's table and how its leaves map to columns.
type sisgruTable[T any] struct {
	name   string
	schema *sisgru.Schema[T]
	cols   []string // by leaf index
	dims   []sisgruDim
	id     int
	sit    int
	// selectAll lists every column, for reads by id.
	selectAll string
}

func newSISGRUTable[T any](name string, s *sisgru.Schema[T], dims ...[3]string) *sisgruTable[T] {
	t := &sisgruTable[T]{name: name, schema: s, id: s.ID.Index, sit: s.Situacao.Index}
	for _, f := range s.Leaves {
		t.cols = append(t.cols, sisgruColumn(f.Path))
	}
	for _, d := range dims {
		t.dims = append(t.dims, sisgruDim{name: d[0], ug: s.LeafByPath(d[1]).Index, date: s.LeafByPath(d[2]).Index})
	}
	t.selectAll = `SELECT ` + strings.Join(t.cols, ", ") + ` FROM ` + name + ` WHERE ` + t.cols[t.id] + ` = ?`
	return t
}

var (
	gruTable = newSISGRUTable("sisgru_grus", sisgru.GRUs,
		[3]string{"gru_arrecadadora", "ugArrecadadora", "dtEmissao"},
		[3]string{"gru_emitente", "ugEmitente", "dtEmissao"})
	pagamentoTable = newSISGRUTable("sisgru_pagamentos", sisgru.Pagamentos,
		[3]string{"pagamento_data", "ug.codigo", "data"},
		[3]string{"pagamento_alteracao", "ug.codigo", "dataAlteracaoSituacaoPagTesouro"})
)

// sisgruColumn turns an element path into a column name: dtCriacaoSISGRU is
// dt_criacao_sisgru, ug.codigo is ug_codigo.
func sisgruColumn(path string) string {
	var b strings.Builder
	rs := []rune(path)
	for i, r := range rs {
		switch {
		case r == '.':
			b.WriteByte('_')
		case unicode.IsUpper(r):
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Users and external systems.

const sisgruUserColumns = `cpf, nome, password_hash, ugs, status, created_at, updated_at`

// CreateSIAFIUser stores u. EConflict if its CPF exists.
func (s *session) CreateSIAFIUser(ctx context.Context, u *sisgru.User) error {
	ugs, err := joinList("ugs", u.UGs)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO sisgru_users (`+sisgruUserColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			u.CPF, u.Nome, u.PasswordHash, ugs, string(u.Status), micros(u.CreatedAt), micros(u.UpdatedAt))
		return s.fail(err, "create siafi user", "siafi user already exists", "")
	})
}

// UpdateSIAFIUser replaces the user u.CPF. ENotFound if none.
func (s *session) UpdateSIAFIUser(ctx context.Context, u *sisgru.User) error {
	ugs, err := joinList("ugs", u.UGs)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(s *session) error {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE sisgru_users SET nome = ?, password_hash = ?, ugs = ?, status = ?, updated_at = ?
			WHERE cpf = ?`), u.Nome, u.PasswordHash, ugs, string(u.Status), micros(u.UpdatedAt), u.CPF)
		return s.sisgruOneRow(res, err, "update siafi user", "siafi user not found")
	})
}

// DeleteSIAFIUser removes the user cpf. ENotFound if none.
func (s *session) DeleteSIAFIUser(ctx context.Context, cpf string) error {
	return s.inTx(ctx, func(s *session) error {
		res, err := s.w.ExecContext(ctx, s.q(`DELETE FROM sisgru_users WHERE cpf = ?`), cpf)
		return s.sisgruOneRow(res, err, "delete siafi user", "siafi user not found")
	})
}

// sisgruOneRow checks that a write changed exactly one row: ENotFound with
// message missing when it changed none.
func (s *session) sisgruOneRow(res sql.Result, err error, op, missing string) error {
	if err != nil {
		return s.fail(err, op, "", "")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.fail(err, op, "", "")
	}
	if n == 0 {
		return notFound(missing)
	}
	return nil
}

// SIAFIUser returns the user cpf. ENotFound if none.
func (s *session) SIAFIUser(ctx context.Context, cpf string) (*sisgru.User, error) {
	var u sisgru.User
	var ugs, status string
	var created, updated int64
	err := s.readRow(ctx, `SELECT `+sisgruUserColumns+` FROM sisgru_users WHERE cpf = ?`, cpf).
		Scan(&u.CPF, &u.Nome, &u.PasswordHash, &ugs, &status, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("siafi user not found")
	}
	if err != nil {
		return nil, s.fail(err, "read siafi user", "", "")
	}
	u.UGs, u.Status = splitList(ugs), sisgru.UserStatus(status)
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &u, nil
}

const sisgruSystemColumns = `issuer, nome, certificate, ugs, status, created_at, updated_at`

// CreateExternalSystem stores sys. EConflict if its issuer exists.
func (s *session) CreateExternalSystem(ctx context.Context, sys *sisgru.System) error {
	ugs, err := joinList("ugs", sys.UGs)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO sisgru_systems (`+sisgruSystemColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			sys.Issuer, sys.Nome, blob(sys.Certificate), ugs, string(sys.Status), micros(sys.CreatedAt), micros(sys.UpdatedAt))
		return s.fail(err, "create external system", "external system already exists", "")
	})
}

// UpdateExternalSystem replaces the system sys.Issuer. ENotFound if none.
func (s *session) UpdateExternalSystem(ctx context.Context, sys *sisgru.System) error {
	ugs, err := joinList("ugs", sys.UGs)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(s *session) error {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE sisgru_systems SET nome = ?, certificate = ?, ugs = ?, status = ?, updated_at = ?
			WHERE issuer = ?`), sys.Nome, blob(sys.Certificate), ugs, string(sys.Status), micros(sys.UpdatedAt), sys.Issuer)
		return s.sisgruOneRow(res, err, "update external system", "external system not found")
	})
}

// ExternalSystem returns the system iss. ENotFound if none.
func (s *session) ExternalSystem(ctx context.Context, iss string) (*sisgru.System, error) {
	var sys sisgru.System
	var ugs, status string
	var created, updated int64
	err := s.readRow(ctx, `SELECT `+sisgruSystemColumns+` FROM sisgru_systems WHERE issuer = ?`, iss).
		Scan(&sys.Issuer, &sys.Nome, &sys.Certificate, &ugs, &status, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("external system not found")
	}
	if err != nil {
		return nil, s.fail(err, "read external system", "", "")
	}
	sys.Certificate = nilIfEmpty(sys.Certificate)
	sys.UGs, sys.Status = splitList(ugs), sisgru.SystemStatus(status)
	sys.CreatedAt, sys.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &sys, nil
}

// GRUs and pagamentos.

// InsertGRUs stores grus and pagamentos and their counters in one
// transaction. EConflict if an id (or a pagamento's codigo) exists or
// repeats.
func (s *session) InsertGRUs(ctx context.Context, grus []sisgru.GRU, pagamentos []sisgru.Pagamento) error {
	if len(grus) == 0 && len(pagamentos) == 0 {
		return nil
	}
	return s.inTx(ctx, func(s *session) error {
		c := sisgruCounts{}
		if err := insertSISGRU(ctx, s, gruTable, grus, c); err != nil {
			return err
		}
		if err := insertSISGRU(ctx, s, pagamentoTable, pagamentos, c); err != nil {
			return err
		}
		return c.apply(ctx, s)
	})
}

// GRU returns the GRU id. ENotFound if none.
func (s *session) GRU(ctx context.Context, id string) (*sisgru.GRU, error) {
	return readSISGRU(ctx, s, gruTable, id, "gru not found")
}

// Pagamento returns the pagamento id. ENotFound if none.
func (s *session) Pagamento(ctx context.Context, id int64) (*sisgru.Pagamento, error) {
	return readSISGRU(ctx, s, pagamentoTable, id, "pagamento not found")
}

// CountGRUs returns how many GRUs match q.
func (s *session) CountGRUs(ctx context.Context, q *sisgru.Query) (int64, error) {
	return countSISGRU(ctx, s, gruTable, q)
}

// EachGRU calls fn with each GRU of q's page, as it reads them.
func (s *session) EachGRU(ctx context.Context, q *sisgru.Query, fn func(*sisgru.GRU) error) error {
	return eachSISGRU(ctx, s, gruTable, q, fn)
}

// CountPagamentos returns how many pagamentos match q.
func (s *session) CountPagamentos(ctx context.Context, q *sisgru.Query) (int64, error) {
	return countSISGRU(ctx, s, pagamentoTable, q)
}

// EachPagamento calls fn with each pagamento of q's page, as it reads them.
func (s *session) EachPagamento(ctx context.Context, q *sisgru.Query, fn func(*sisgru.Pagamento) error) error {
	return eachSISGRU(ctx, s, pagamentoTable, q, fn)
}
