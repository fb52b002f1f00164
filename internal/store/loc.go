package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
)

// CreateLoc stores l and sets l.ID to the id the database assigned: ids
// increase and are never reused. l.TxID is stored as given ("" for none).
// EConflict (Code "token") if the token exists.
func (s *session) CreateLoc(ctx context.Context, l *pix.Loc) error {
	var id int64
	err := s.queryRowHot(ctx, `INSERT INTO locs (documento, tipo_cob, token, location, criacao, txid)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		l.Documento, string(l.TipoCob), l.Token, l.Location, micros(l.Criacao), nullString(l.TxID)).Scan(&id)
	if err != nil {
		if s.sh.isUnique(err) {
			return &errs.Error{Kind: errs.EConflict, Code: codeToken, Message: "location token already exists", Err: err}
		}
		return s.fail(err, "create location", "", "")
	}
	l.ID = id
	return nil
}

const locColumns = `id, documento, tipo_cob, token, location, criacao, txid`

func scanLoc(sc scanner, l *pix.Loc) error {
	var tipo string
	var criacao int64
	var txid sql.NullString
	if err := sc.Scan(&l.ID, &l.Documento, &tipo, &l.Token, &l.Location, &criacao, &txid); err != nil {
		return err
	}
	l.TipoCob = pix.TipoCob(tipo)
	l.Criacao = fromMicros(criacao)
	l.TxID = txid.String
	return nil
}

// Loc returns location id of documento. ENotFound if none (or if it is
// another recebedor's).
func (s *session) Loc(ctx context.Context, documento string, id int64) (*pix.Loc, error) {
	var l pix.Loc
	err := scanLoc(s.readRow(ctx, `SELECT `+locColumns+` FROM locs WHERE id = ? AND documento = ?`, id, documento), &l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("location not found")
	}
	if err != nil {
		return nil, s.fail(err, "read location", "", "")
	}
	return &l, nil
}

// LocByToken returns the location with path token, of any recebedor.
// ENotFound if none.
func (s *session) LocByToken(ctx context.Context, token string) (*pix.Loc, error) {
	var l pix.Loc
	err := scanLoc(s.readRow(ctx, `SELECT `+locColumns+` FROM locs WHERE token = ?`, token), &l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("location not found")
	}
	if err != nil {
		return nil, s.fail(err, "read location", "", "")
	}
	return &l, nil
}

// ListLocs returns the page [f.Offset, f.Offset+f.Limit) of the locations
// matching f in (Criacao, ID) order, and the number of all matching
// locations. A Limit of 0 or less asks for the count only. Locations have no
// counters: the count scans the recebedor's locations created in the range
// (in the locs_by_criacao index, reading the rows only for the TxIDPresente
// and TipoCob filters).
func (s *session) ListLocs(ctx context.Context, f pix.LocFilter) ([]pix.Loc, int, error) {
	lo, hi := timeRange(f.Inicio, f.Fim)
	if lo >= hi {
		return nil, 0, nil
	}
	conds := []string{"documento = ?", "criacao >= ?", "criacao < ?"}
	args := []any{f.Documento, lo, hi}
	if f.TxIDPresente != nil {
		if *f.TxIDPresente {
			conds = append(conds, "txid IS NOT NULL")
		} else {
			conds = append(conds, "txid IS NULL")
		}
	}
	if f.TipoCob != "" {
		conds = append(conds, "tipo_cob = ?")
		args = append(args, string(f.TipoCob))
	}
	where := strings.Join(conds, " AND ")

	var total int64
	if err := s.readRow(ctx, `SELECT COUNT(*) FROM locs WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, s.fail(err, "count locations", "", "")
	}
	offset := int64(max(f.Offset, 0))
	if f.Limit <= 0 || offset >= total {
		return nil, int(total), nil
	}
	rows, err := s.read(ctx, `SELECT `+locColumns+` FROM locs WHERE `+where+` ORDER BY criacao, id LIMIT ? OFFSET ?`,
		append(args, f.Limit, offset)...)
	if err != nil {
		return nil, 0, s.fail(err, "list locations", "", "")
	}
	defer rows.Close()
	var out []pix.Loc
	for rows.Next() {
		var l pix.Loc
		if err := scanLoc(rows, &l); err != nil {
			return nil, 0, s.fail(err, "list locations", "", "")
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.fail(err, "list locations", "", "")
	}
	return out, int(total), nil
}
