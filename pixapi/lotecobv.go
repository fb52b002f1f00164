package pixapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// LoteCobVSolicitado is the body of PUT /lotecobv/{id} (the spec's
// LoteCobVBody request body): a batch of charges with a due date to create,
// or, for an existing batch, new versions of exactly the same charges.
type LoteCobVSolicitado struct {
	Descricao string                 `json:"descricao"`
	CobsV     []CobVSolicitadaEmLote `json:"cobsv"`
}

// MarshalJSON writes a nil CobsV as [], as the spec requires an array.
func (l LoteCobVSolicitado) MarshalJSON() ([]byte, error) {
	type plain LoteCobVSolicitado
	if l.CobsV == nil {
		l.CobsV = []CobVSolicitadaEmLote{}
	}
	return json.Marshal(plain(l))
}

// CobVSolicitadaEmLote is one charge of a [LoteCobVSolicitado]: a
// [CobVSolicitada] with its txid.
type CobVSolicitadaEmLote struct {
	TxID string `json:"txid"`
	CobVSolicitada
}

// LoteCobVRevisado is the body of PATCH /lotecobv/{id} (the spec's
// LoteCobVBodyRevisado request body): revisions of some of the batch's
// charges, each naming its txid.
type LoteCobVRevisado struct {
	Descricao string               `json:"descricao,omitempty"`
	CobsV     []CobVRevisadaEmLote `json:"cobsv,omitempty"`
}

// CobVRevisadaEmLote is one charge of a [LoteCobVRevisado]: a
// [CobVRevisada] with its txid.
type CobVRevisadaEmLote struct {
	TxID string `json:"txid"`
	CobVRevisada
}

// LoteCobVConsultado is a batch of charges with a due date and the outcome
// of each request in it (the spec's LoteCobVConsultado).
type LoteCobVConsultado struct {
	ID        int64          `json:"id"`
	Descricao string         `json:"descricao"`
	Criacao   Timestamp      `json:"criacao,omitzero"`
	CobsV     []LoteCobVItem `json:"cobsv"`
}

// MarshalJSON writes a nil CobsV as [], as the spec requires an array.
func (l LoteCobVConsultado) MarshalJSON() ([]byte, error) {
	type plain LoteCobVConsultado
	if l.CobsV == nil {
		l.CobsV = []LoteCobVItem{}
	}
	return json.Marshal(plain(l))
}

// LoteCobVItem is the outcome of one charge request of a batch
// (LoteCobVConsultado.cobsv items).
type LoteCobVItem struct {
	TxID   string             `json:"txid"`
	Status LoteCobVItemStatus `json:"status"`
	// Problema tells why a NEGADA request was refused.
	Problema *Problem `json:"problema,omitempty"`
	// Criacao is when the charge was created (CRIADA).
	Criacao Timestamp `json:"criacao,omitzero"`
}

// LoteCobVItemStatus is the status of one charge request of a batch
// (LoteCobVConsultado.cobsv.status).
// Requests EM_PROCESSAMENTO or NEGADA have no charge: GET /cobv does not
// list them.
type LoteCobVItemStatus string

// The statuses of a batch's charge request.
const (
	LoteItemEmProcessamento LoteCobVItemStatus = "EM_PROCESSAMENTO"
	LoteItemCriada          LoteCobVItemStatus = "CRIADA"
	LoteItemNegada          LoteCobVItemStatus = "NEGADA"
)

// LotesCobVConsultados is the response of GET /lotecobv (the spec's
// LotesCobVConsultados).
type LotesCobVConsultados struct {
	Parametros ParametrosConsultaLote `json:"parametros"`
	Lotes      []LoteCobVConsultado   `json:"lotes"`
}

// MarshalJSON writes a nil Lotes as [], as the spec requires an array.
func (l LotesCobVConsultados) MarshalJSON() ([]byte, error) {
	type plain LotesCobVConsultados
	if l.Lotes == nil {
		l.Lotes = []LoteCobVConsultado{}
	}
	return json.Marshal(plain(l))
}

// ParametrosConsultaLote echoes the filters of GET /lotecobv (the spec's
// ParametrosConsultaLote).
type ParametrosConsultaLote struct {
	Inicio    Timestamp `json:"inicio,omitzero"`
	Fim       Timestamp `json:"fim,omitzero"`
	Paginacao Paginacao `json:"paginacao"`
}

// LoteCobVListParams are the query parameters of GET /lotecobv. Inicio and
// Fim are required by the server.
type LoteCobVListParams struct {
	Inicio, Fim    time.Time
	PaginaAtual    int
	ItensPorPagina int
}

func (p LoteCobVListParams) query() string {
	var q query
	q.time("inicio", p.Inicio)
	q.time("fim", p.Fim)
	q.paging(p.PaginaAtual, p.ItensPorPagina)
	return q.String()
}

// PutLoteCobV creates the batch id, or re-submits all of its charges
// (PUT /lotecobv/{id}, scope lotecobv.write, 202 without a body). The
// charges are processed asynchronously: follow them with [Client.GetLoteCobV].
func (c *Client) PutLoteCobV(ctx context.Context, id int64, lote LoteCobVSolicitado) error {
	return c.Do(ctx, http.MethodPut, APIPrefix+"/lotecobv/"+strconv.FormatInt(id, 10), lote, nil)
}

// PatchLoteCobV revises some of the charges of batch id (PATCH
// /lotecobv/{id}, scope lotecobv.write, 202 without a body).
func (c *Client) PatchLoteCobV(ctx context.Context, id int64, lote LoteCobVRevisado) error {
	return c.Do(ctx, http.MethodPatch, APIPrefix+"/lotecobv/"+strconv.FormatInt(id, 10), lote, nil)
}

// GetLoteCobV returns batch id and the status of each of its charge requests
// (GET /lotecobv/{id}, scope lotecobv.read).
func (c *Client) GetLoteCobV(ctx context.Context, id int64) (*LoteCobVConsultado, error) {
	var out LoteCobVConsultado
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/lotecobv/"+strconv.FormatInt(id, 10), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListLotesCobV returns one page of the batches created between p.Inicio
// and p.Fim (GET /lotecobv, scope lotecobv.read).
func (c *Client) ListLotesCobV(ctx context.Context, p LoteCobVListParams) (*LotesCobVConsultados, error) {
	var out LotesCobVConsultados
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/lotecobv"+p.query(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
