package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/brasa-dev/brasa/internal/pix"
)

// CreateRecebedor stores r. EConflict if its Documento exists.
func (s *session) CreateRecebedor(ctx context.Context, r *pix.Recebedor) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO recebedores
			(documento, nome, nome_fantasia, logradouro, cidade, uf, cep, cooperativa, conta, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			r.Documento, r.Nome, r.NomeFantasia, r.Logradouro, r.Cidade, r.UF, r.CEP, r.Cooperativa, r.Conta, micros(r.CreatedAt))
		return s.fail(err, "create recebedor", "recebedor already exists", "")
	})
}

// Recebedor returns the recebedor with documento. ENotFound if none.
func (s *session) Recebedor(ctx context.Context, documento string) (*pix.Recebedor, error) {
	var r pix.Recebedor
	var created int64
	err := s.readRow(ctx, `SELECT
		documento, nome, nome_fantasia, logradouro, cidade, uf, cep, cooperativa, conta, created_at
		FROM recebedores WHERE documento = ?`, documento).
		Scan(&r.Documento, &r.Nome, &r.NomeFantasia, &r.Logradouro, &r.Cidade, &r.UF, &r.CEP, &r.Cooperativa, &r.Conta, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("recebedor not found")
	}
	if err != nil {
		return nil, s.fail(err, "read recebedor", "", "")
	}
	r.CreatedAt = fromMicros(created)
	return &r, nil
}

// CreateChave stores c. EConflict if the key is registered to anyone;
// ENotFound if its recebedor does not exist.
func (s *session) CreateChave(ctx context.Context, c *pix.Chave) error {
	return s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO chaves (chave, tipo, documento, created_at) VALUES (?, ?, ?, ?)`),
			c.Chave, string(c.Tipo), c.Documento, micros(c.CreatedAt))
		return s.fail(err, "create chave", "chave already registered", "recebedor not found")
	})
}

const chaveColumns = `chave, tipo, documento, created_at`

// Chave returns the registered key chave. ENotFound if none.
func (s *session) Chave(ctx context.Context, chave string) (*pix.Chave, error) {
	var c pix.Chave
	err := scanChave(s.readRow(ctx, `SELECT `+chaveColumns+` FROM chaves WHERE chave = ?`, chave), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("chave not found")
	}
	if err != nil {
		return nil, s.fail(err, "read chave", "", "")
	}
	return &c, nil
}

// Chaves lists documento's keys in creation order (then by key).
func (s *session) Chaves(ctx context.Context, documento string) ([]pix.Chave, error) {
	rows, err := s.read(ctx, `SELECT `+chaveColumns+` FROM chaves
		WHERE documento = ? ORDER BY created_at, chave`, documento)
	if err != nil {
		return nil, s.fail(err, "list chaves", "", "")
	}
	defer rows.Close()
	var out []pix.Chave
	for rows.Next() {
		var c pix.Chave
		if err := scanChave(rows, &c); err != nil {
			return nil, s.fail(err, "list chaves", "", "")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list chaves", "", "")
	}
	return out, nil
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanChave(sc scanner, c *pix.Chave) error {
	var tipo string
	var created int64
	if err := sc.Scan(&c.Chave, &tipo, &c.Documento, &created); err != nil {
		return err
	}
	c.Tipo = pix.ChaveTipo(tipo)
	c.CreatedAt = fromMicros(created)
	return nil
}
