package pix

import (
	"context"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// Lote is a batch of charges with a due date (spec LoteCobV): a recebedor's
// set of charge requests, each processed asynchronously into a cobv (item
// CRIADA) or refused (item NEGADA).
type Lote struct {
	Documento string
	ID        int64 // chosen by the client (PUT /lotecobv/{id}), unique per recebedor
	Descricao string
	Criacao   time.Time // when the batch was created; GET /lotecobv filters on it
	UpdatedAt time.Time
	Itens     []LoteItem // in the order of the request that created the batch
}

// The kinds of a LoteItem's pending request.
const (
	// PedidoSolicitada is a full request (CobVSolicitada, from PUT): it
	// creates the charge, or revises the charge the batch created.
	PedidoSolicitada = "put"
	// PedidoRevisada is a revision (CobVRevisada, from PATCH) of a charge
	// the batch created.
	PedidoRevisada = "patch"
)

// LoteItem is one charge request of a [Lote]. While it has a pending
// request (Pedido not nil) its status is EM_PROCESSAMENTO; processing
// clears Pedido and sets CRIADA or NEGADA.
type LoteItem struct {
	Documento string
	LoteID    int64
	TxID      string // unique per recebedor among all batches' items
	Pos       int    // index in the request that created the batch
	Status    pixapi.LoteCobVItemStatus
	// Solicitacao is the item's last full request (CobVSolicitada JSON):
	// the PUT's, with the PATCHes that came while the charge did not
	// exist merged in.
	Solicitacao []byte
	// Pedido is the pending request (JSON of a CobVSolicitada or a
	// CobVRevisada, as PedidoTipo says); nil when none.
	Pedido     []byte
	PedidoTipo string
	// Seq grows with every request written to the item, so that
	// processing finishes only the request it read.
	Seq int64
	// Problema is the refusal of a NEGADA item (see loteErro); nil
	// otherwise.
	Problema []byte
	// Criacao is when the charge was created (calendario.criacao); zero
	// while it does not exist.
	Criacao   time.Time
	UpdatedAt time.Time
}

// LoteFilter selects the batches of one recebedor for GET /lotecobv.
// Inicio and Fim bound Criacao, both inclusive.
type LoteFilter struct {
	Documento     string
	Inicio, Fim   time.Time
	Offset, Limit int
}

// LoteStore persists batches and their items. A [Service] keeps batches
// when its [Store] implements it too.
//
// Processing claims items with a lease: [LoteStore.ClaimLoteItens] marks
// pending items as taken by one processor until a deadline, so that
// processors sharing a database (several instances on PostgreSQL) do not
// process one item at the same time; a processor that dies leaves its
// items to be claimed again when the lease ends.
type LoteStore interface {
	// CreateLote stores l and its items, each with its pending request, in
	// one transaction. EConflict (Code "lote") if documento has batch
	// l.ID; EConflict (Code "txid") if an item's txid is already another
	// item's (of any batch of documento).
	CreateLote(ctx context.Context, l *Lote) error
	// Lote returns a batch with its items (in Pos order, every field set).
	// ENotFound if none.
	Lote(ctx context.Context, documento string, id int64) (*Lote, error)
	// ListLotes returns one page of the batches matching f ordered by
	// Criacao then ID, with their items but without the items'
	// Solicitacao and Pedido, and the number of all matching batches.
	ListLotes(ctx context.Context, f LoteFilter) ([]Lote, int, error)
	// UpdateLote gives items of batch id new pending requests, in one
	// transaction: for each of itens (by TxID) Pedido, PedidoTipo and,
	// when not nil, Solicitacao are stored, Status becomes
	// EM_PROCESSAMENTO, Seq grows by one and Problema is cleared. The
	// batch's Descricao changes when descricao is not "". ENotFound if
	// there is no such batch; ENotFound (Code "txid") if an item is not in
	// it; EConflict (Code "pendente") if an item still has a pending
	// request. Nothing changes when it fails.
	UpdateLote(ctx context.Context, documento string, id int64, descricao string, itens []LoteItem, at time.Time) error
	// LoteItem returns the item of documento's batches with txid, without
	// Solicitacao and Pedido. ENotFound if none.
	LoteItem(ctx context.Context, documento, txid string) (*LoteItem, error)
	// LoteTxIDsEmUso reports which of txids documento already uses: as a
	// charge, cob or cobv (cobs), or as an item of a batch (itens: txid
	// -> batch id).
	LoteTxIDsEmUso(ctx context.Context, documento string, txids []string) (cobs []string, itens map[string]int64, err error)

	// ClaimLoteItens claims up to limit items (of any recebedor) that have
	// a pending request and are not claimed (or whose claim ended by
	// now), oldest request first: claim holds them until now+lease. The
	// items come back with every field set.
	ClaimLoteItens(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]LoteItem, error)
	// FinishLoteItem stores the outcome of the request it.Seq: Status,
	// Problema, Criacao and UpdatedAt; the pending request and the claim
	// are cleared. If another request came meanwhile (Seq changed) or the
	// request is no longer pending, nothing but the claim changes (it is
	// released if claim still holds it) and the error is EConflict (Code
	// "stale").
	FinishLoteItem(ctx context.Context, it *LoteItem, claim string) error
	// ReleaseLoteItem gives up claim's hold on the item (documento,
	// loteID, txid), which another processor may claim from retryAt.
	ReleaseLoteItem(ctx context.Context, documento string, loteID int64, txid, claim string, retryAt time.Time) error
	// ReleaseLoteClaims is called when a processor starts: it releases
	// the claims no live processor can hold. On an engine that one process
	// owns (SQLite) that is all of them; elsewhere (PostgreSQL), none (they
	// end with their lease).
	ReleaseLoteClaims(ctx context.Context) error
}
