package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

const selectSecret = `SELECT value FROM secrets WHERE name = ?`

// PutSecretIfAbsent stores value under name unless name exists, and returns
// what is stored under name afterwards. It inserts with ON CONFLICT DO
// NOTHING and then reads the row back, so instances starting at once on one
// database all converge on the first writer's value.
func (s *session) PutSecretIfAbsent(ctx context.Context, name string, value []byte) ([]byte, error) {
	var stored []byte
	err := s.write(ctx, func(s *session) error {
		_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`), name, blob(value), time.Now().UnixMicro())
		if err != nil {
			return s.fail(err, "put secret", "", "")
		}
		// Read through the writer: it has seen the row just written or the
		// one that won.
		stored, err = s.scanSecret(s.w.QueryRowContext(ctx, s.q(selectSecret), name))
		return err
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// Secret returns the value stored under name. ENotFound if none.
func (s *session) Secret(ctx context.Context, name string) ([]byte, error) {
	return s.scanSecret(s.readRow(ctx, selectSecret, name))
}

func (s *session) scanSecret(row *sql.Row) ([]byte, error) {
	var v []byte
	err := row.Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("secret not found")
	}
	if err != nil {
		return nil, s.fail(err, "read secret", "", "")
	}
	return nilIfEmpty(v), nil
}
