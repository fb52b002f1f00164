package pix

import (
	"context"
	"time"
)

// TipoCob is the kind of charge a location serves: immediate (cob) or with a
// due date (cobv). Spec: PayloadLocation.tipoCob.
type TipoCob string

// The charge kinds.
const (
	TipoCobImediata   TipoCob = "cob"
	TipoCobVencimento TipoCob = "cobv"
)

// CobRecord is what the store keeps of a charge (cob or cobv): the columns
// lists filter and sort on, and Body, the JSON the API serves for the current
// revision (CobCompleta / CobVCompleta). Every revision's Body is kept too
// (GET ?revisao=N).
type CobRecord struct {
	Documento   string // the recebedor's CPF/CNPJ: txid is unique per recebedor
	TxID        string
	Tipo        TipoCob
	Status      string // ATIVA, CONCLUIDA, REMOVIDA_PELO_USUARIO_RECEBEDOR, REMOVIDA_PELO_PSP
	Revisao     int
	Criacao     time.Time // calendario.criacao; lists filter and order on it
	DevedorCPF  string
	DevedorCNPJ string
	LocID       int64 // 0 when the charge has no location
	LoteID      int64 // lotecobv id, 0 when none
	// NewLoc, when not nil on CreateCob, is a location to create for the
	// charge in the same transaction (a charge made without loc.id); the
	// store sets its ID and TxID and the record's LocID.
	NewLoc *Loc
	// BodyFor, with NewLoc, renders Body once the new location has its ID
	// (the body carries loc.id); the store calls it inside the transaction.
	BodyFor   func(*Loc) ([]byte, error)
	Body      []byte
	UpdatedAt time.Time
}

// Loc is a payload location (spec PayloadLocation): a capability URL on the
// web listener whose path token is random, serving the charge it is linked
// to.
type Loc struct {
	ID        int64 // assigned by the store on creation, increasing
	Documento string
	TipoCob   TipoCob
	Token     string // random path segment: location = <web host>/qr/v2/[cobv/]<Token>
	Location  string // without scheme, <= 77 characters
	Criacao   time.Time
	TxID      string // "" while no charge uses it
}

// CobFilter selects charges of one recebedor for GET /cob and GET /cobv.
// Inicio and Fim bound Criacao, both inclusive. Empty fields do not filter.
type CobFilter struct {
	Documento        string
	Tipo             TipoCob
	Inicio, Fim      time.Time
	CPF, CNPJ        string // of the devedor
	Status           string
	LocationPresente *bool
	LoteID           int64
	Offset, Limit    int
}

// LocFilter selects locations of one recebedor for GET /loc.
type LocFilter struct {
	Documento     string
	Inicio, Fim   time.Time
	TxIDPresente  *bool
	TipoCob       TipoCob
	Offset, Limit int
}

// CobStore persists charges and locations. Implementations enforce, with
// unique constraints and transactions, what must hold under concurrency:
// one charge per (Documento, TxID) and one charge per location.
type CobStore interface {
	// CreateCob stores rec as revision rec.Revisao and, when rec.LocID is
	// not 0, links the location to rec.TxID in the same transaction; when
	// rec.NewLoc is not nil it creates that location, linked, instead
	// (nothing is created if the charge is refused).
	// EConflict (Code "txid") if the recebedor already has rec.TxID;
	// ENotFound (Code "loc") if the location does not exist for
	// rec.Documento; EConflict (Code "loc") if it is linked to another
	// charge.
	CreateCob(ctx context.Context, rec *CobRecord) error
	// Cob returns the current state of a charge. ENotFound if none.
	Cob(ctx context.Context, documento, txid string) (*CobRecord, error)
	// CobRevisao returns the Body of revision revisao. ENotFound if none.
	CobRevisao(ctx context.Context, documento, txid string, revisao int) ([]byte, error)
	// UpdateCob replaces the charge with rec if its stored revision is still
	// prevRevisao and its status prevStatus (optimistic concurrency;
	// EConflict (Code "stale") otherwise). When rec.Revisao > prevRevisao the
	// new Body is kept as that revision; otherwise (a location-only change)
	// the current revision's Body is replaced in place. Location links
	// change in the same transaction: rec.LocID linked (same errors as
	// CreateCob) and the previous location unlinked when it differs.
	UpdateCob(ctx context.Context, rec *CobRecord, prevRevisao int, prevStatus string) error
	// ListCobs returns one page of charges matching f ordered by Criacao
	// then TxID, and the number of all matching charges.
	ListCobs(ctx context.Context, f CobFilter) ([]CobRecord, int, error)

	// CreateLoc stores l, assigning l.ID. EConflict if the token exists.
	CreateLoc(ctx context.Context, l *Loc) error
	// Loc returns location id of documento. ENotFound if none.
	Loc(ctx context.Context, documento string, id int64) (*Loc, error)
	// LocByToken returns the location with path token (payload host; any
	// recebedor). ENotFound if none.
	LocByToken(ctx context.Context, token string) (*Loc, error)
	// ListLocs returns one page of locations matching f ordered by Criacao
	// then ID, and the number of all matching locations.
	ListLocs(ctx context.Context, f LocFilter) ([]Loc, int, error)
}
