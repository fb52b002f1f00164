package pixapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// PayloadLocation is a location: the URL where the PSP serves a charge's
// payload, which the charge's QR code carries (the spec's
// PayloadLocationCompleta, returned by GET /loc/{id}; POST /loc and DELETE
// /loc/{id}/txid return PayloadLocation, the same object without TxID; and
// the loc of a charge).
type PayloadLocation struct {
	ID int64 `json:"id"`
	// TxID is the charge the location serves, if any. (A charge's loc must
	// carry it too: CobGerada requires loc.txid.)
	TxID string `json:"txid,omitempty"`
	// Location is the URL without "https://", at most 77 characters.
	Location string    `json:"location"`
	TipoCob  TipoCob   `json:"tipoCob"`
	Criacao  Timestamp `json:"criacao,omitzero"`
}

// Loc is a [PayloadLocation].
type Loc = PayloadLocation

// PayloadLocationSolicitada is the body of POST /loc (the spec's
// PayloadLocationSolicitada).
type PayloadLocationSolicitada struct {
	TipoCob TipoCob `json:"tipoCob"`
}

// PayloadLocationConsultadas is the response of GET /loc (the spec's
// PayloadLocationConsultadas).
type PayloadLocationConsultadas struct {
	Parametros ParametrosConsultaPayloadLocation `json:"parametros"`
	Loc        []PayloadLocation                 `json:"loc"`
}

// MarshalJSON writes a nil Loc as [], as the spec requires an array.
func (l PayloadLocationConsultadas) MarshalJSON() ([]byte, error) {
	type plain PayloadLocationConsultadas
	if l.Loc == nil {
		l.Loc = []PayloadLocation{}
	}
	return json.Marshal(plain(l))
}

// ParametrosConsultaPayloadLocation echoes the filters of GET /loc (the
// spec's ParametrosConsultaPayloadLocation).
type ParametrosConsultaPayloadLocation struct {
	Inicio       Timestamp `json:"inicio,omitzero"`
	Fim          Timestamp `json:"fim,omitzero"`
	TxIDPresente *bool     `json:"txIdPresente,omitempty"`
	TipoCob      TipoCob   `json:"tipoCob,omitempty"`
	Paginacao    Paginacao `json:"paginacao"`
}

// LocListParams are the query parameters of GET /loc. Inicio and Fim are
// required by the server.
type LocListParams struct {
	Inicio, Fim time.Time
	// TxIDPresente filters on whether a charge uses the location.
	TxIDPresente   *bool
	TipoCob        TipoCob
	PaginaAtual    int
	ItensPorPagina int
}

func (p LocListParams) query() string {
	var q query
	q.time("inicio", p.Inicio)
	q.time("fim", p.Fim)
	q.boolean("txIdPresente", p.TxIDPresente)
	q.str("tipoCob", string(p.TipoCob))
	q.paging(p.PaginaAtual, p.ItensPorPagina)
	return q.String()
}

// CreateLoc creates a location for a charge of the given kind (POST /loc,
// scope payloadlocation.write, 201), to link in a charge's Loc.
func (c *Client) CreateLoc(ctx context.Context, tipoCob TipoCob) (*Loc, error) {
	var out Loc
	if err := c.Do(ctx, http.MethodPost, APIPrefix+"/loc", PayloadLocationSolicitada{TipoCob: tipoCob}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetLoc returns a location and the txid of the charge it serves (GET
// /loc/{id}, scope payloadlocation.read).
func (c *Client) GetLoc(ctx context.Context, id int64) (*Loc, error) {
	var out Loc
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/loc/"+strconv.FormatInt(id, 10), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListLocs returns one page of the locations created between p.Inicio and
// p.Fim (GET /loc, scope payloadlocation.read).
func (c *Client) ListLocs(ctx context.Context, p LocListParams) (*PayloadLocationConsultadas, error) {
	var out PayloadLocationConsultadas
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/loc"+p.query(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UnlinkLocTxID detaches location id from its charge (DELETE
// /loc/{id}/txid, scope payloadlocation.write, 200), so it can serve another
// charge. The charge's status does not change.
func (c *Client) UnlinkLocTxID(ctx context.Context, id int64) (*Loc, error) {
	var out Loc
	if err := c.Do(ctx, http.MethodDelete, APIPrefix+"/loc/"+strconv.FormatInt(id, 10)+"/txid", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
