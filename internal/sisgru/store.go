package sisgru

import "context"

// Store persists SISGRU's users, external systems, GRUs and pagamentos.
// Implementations: store.DB on SQLite and PostgreSQL (storetest checks
// both). Errors are *errs.Error of kind ENotFound or EConflict as each
// method says, EInternal otherwise.
type Store interface {
	AuthStore

	// CreateSIAFIUser stores u. EConflict if its CPF exists.
	CreateSIAFIUser(ctx context.Context, u *User) error
	// UpdateSIAFIUser replaces the user u.CPF (name, password hash, UGs,
	// status, UpdatedAt). ENotFound if none.
	UpdateSIAFIUser(ctx context.Context, u *User) error
	// DeleteSIAFIUser removes the user cpf. ENotFound if none.
	DeleteSIAFIUser(ctx context.Context, cpf string) error

	// CreateExternalSystem stores s. EConflict if its issuer exists
	// (deleted systems included).
	CreateExternalSystem(ctx context.Context, s *System) error
	// UpdateExternalSystem replaces the system s.Issuer (name,
	// certificate, UGs, status, UpdatedAt). ENotFound if none.
	UpdateExternalSystem(ctx context.Context, s *System) error

	// InsertGRUs stores grus and pagamentos in one transaction, with
	// multi-row inserts (for the generator and, later, the Pix link).
	// EConflict if an id exists or repeats; nothing is stored then.
	InsertGRUs(ctx context.Context, grus []GRU, pagamentos []Pagamento) error

	// GRU returns the GRU id. ENotFound if none.
	GRU(ctx context.Context, id string) (*GRU, error)
	// CountGRUs returns how many GRUs match q (its Conds and Scope; paging
	// ignored).
	CountGRUs(ctx context.Context, q *Query) (int64, error)
	// EachGRU calls fn with each GRU of q's page, in q.Sort order, while
	// reading them: only q.Columns are loaded (the others are zero), and the
	// *GRU is reused between calls. fn's error stops the reading and is
	// returned unchanged.
	EachGRU(ctx context.Context, q *Query, fn func(*GRU) error) error

	// Pagamento returns the pagamento id. ENotFound if none.
	Pagamento(ctx context.Context, id int64) (*Pagamento, error)
	// CountPagamentos is CountGRUs for pagamentos.
	CountPagamentos(ctx context.Context, q *Query) (int64, error)
	// EachPagamento is EachGRU for pagamentos.
	EachPagamento(ctx context.Context, q *Query, fn func(*Pagamento) error) error
}
