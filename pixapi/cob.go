package pixapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// CobSolicitada is the body of PUT /cob/{txid} and POST /cob (the spec's
// CobSolicitada): an immediate charge to create, or to replace while it is
// ATIVA. Calendario, Valor.Original and Chave are required.
type CobSolicitada struct {
	Calendario CobCalendarioSolicitado `json:"calendario"`
	// Devedor, optional, is whom the charge is addressed to (not
	// necessarily who pays it).
	Devedor *Pessoa `json:"devedor,omitempty"`
	// Loc links a location created with [Client.CreateLoc] (tipoCob cob).
	// Without it the PSP generates one.
	Loc   *PayloadLocationCob `json:"loc,omitempty"`
	Valor CobValor            `json:"valor"`
	// Chave is the recebedor's DICT key, at most 77 characters.
	Chave string `json:"chave"`
	// SolicitacaoPagador is a text shown to the payer, at most 140
	// characters.
	SolicitacaoPagador string          `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
}

// CobRevisada is the body of PATCH /cob/{txid} (the spec's CobRevisada):
// the fields to change, all optional. Setting Status to
// [StatusRemovidaPeloUsuarioRecebedor] removes the charge and may not be
// combined with other changes.
type CobRevisada struct {
	Calendario         *CobCalendarioSolicitado `json:"calendario,omitempty"`
	Devedor            *Pessoa                  `json:"devedor,omitempty"`
	Loc                *PayloadLocationCob      `json:"loc,omitempty"`
	Status             CobStatus                `json:"status,omitempty"`
	Valor              *CobValorRevisado        `json:"valor,omitempty"`
	Chave              string                   `json:"chave,omitempty"`
	SolicitacaoPagador string                   `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional          `json:"infoAdicionais,omitempty"`
}

// CobCompleta is an immediate charge as the PSP returns it (the spec's
// CobCompleta, which is CobGerada plus the Pix received). PUT, POST and
// PATCH answer CobGerada, the same object without Pix.
type CobCompleta struct {
	Calendario CobCalendario `json:"calendario"`
	TxID       string        `json:"txid"`
	// Revisao starts at 0 and grows by 1 with each change (changing only
	// Loc does not count). It is always sent.
	Revisao int `json:"revisao"`
	// Loc is the location serving the charge's payload.
	Loc *PayloadLocation `json:"loc,omitempty"`
	// Location is Loc.Location: the URL, without "https://", that the QR
	// code carries.
	Location           string          `json:"location,omitempty"`
	Status             CobStatus       `json:"status"`
	Devedor            *Pessoa         `json:"devedor,omitempty"`
	Valor              CobValor        `json:"valor"`
	Chave              string          `json:"chave"`
	SolicitacaoPagador string          `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
	// PixCopiaECola is the BR Code of the charge, at most 512 characters.
	PixCopiaECola string `json:"pixCopiaECola,omitempty"`
	// Pix lists the payments received (GET only).
	Pix []Pix `json:"pix,omitempty"`
}

// CobCalendarioSolicitado is the calendario of a [CobSolicitada] or
// [CobRevisada] (the spec's CobExpiracao).
type CobCalendarioSolicitado struct {
	// Expiracao is the charge's lifetime in seconds from its creation. Nil
	// means the default, 86400; zero or less is rejected.
	Expiracao *int `json:"expiracao,omitempty"`
}

// CobCalendario is the calendario of a [CobCompleta] (CobCriacao and
// CobExpiracao).
type CobCalendario struct {
	Criacao   Timestamp `json:"criacao,omitzero"`
	Expiracao int       `json:"expiracao"`
}

// CobValor is the valor of an immediate charge (the spec's CobValor, also
// CobPayloadValor): the amount and, for Pix Saque or Pix Troco, the cash
// withdrawal. Amounts are strings with two decimals, "10.00".
type CobValor struct {
	// Original is the amount; "0.00" for a Pix Saque.
	Original string `json:"original"`
	// ModalidadeAlteracao 1 lets the payer change the amount. Nil (absent)
	// means 0, which [Ptr](0) sends explicitly.
	ModalidadeAlteracao *int `json:"modalidadeAlteracao,omitempty"`
	// Retirada turns the charge into a Pix Saque or Pix Troco.
	Retirada *Retirada `json:"retirada,omitempty"`
}

// CobValorRevisado is the valor of a [CobRevisada] (CobRevisada.valor, a
// CobValor with nothing required): a [CobValor] whose fields are all
// optional.
type CobValorRevisado struct {
	Original            string    `json:"original,omitempty"`
	ModalidadeAlteracao *int      `json:"modalidadeAlteracao,omitempty"`
	Retirada            *Retirada `json:"retirada,omitempty"`
}

// Retirada is the cash withdrawal of a charge (CobValor.retirada): exactly
// one of Saque (Pix Saque: Original "0.00") and Troco (Pix Troco: Original
// greater than zero). With a Retirada, ModalidadeAlteracao of the charge
// must be 0 or absent.
type Retirada struct {
	Saque *ValorRetirada `json:"saque,omitempty"`
	Troco *ValorRetirada `json:"troco,omitempty"`
}

// ValorRetirada is the saque or troco of a [Retirada]
// (CobValor.retirada.saque and .troco).
type ValorRetirada struct {
	// Valor is the amount withdrawn.
	Valor string `json:"valor"`
	// ModalidadeAlteracao 1 lets the payer change Valor. Nil (absent) means
	// 0.
	ModalidadeAlteracao *int `json:"modalidadeAlteracao,omitempty"`
	// ModalidadeAgente is AGTEC, AGTOT or (saque only) AGPSS.
	ModalidadeAgente ModalidadeAgente `json:"modalidadeAgente"`
	// PrestadorDoServicoDeSaque is the ISPB (8 characters) of the withdrawal
	// service provider; Sicredi asks for its own, 01181521.
	PrestadorDoServicoDeSaque string `json:"prestadorDoServicoDeSaque"`
}

// ModalidadeAgente is the kind of agent handing out cash in a Pix Saque or
// Pix Troco (modalidadeAgente of CobValor.retirada and of
// Pix.componentesValor).
type ModalidadeAgente string

// The agent kinds.
const (
	// ModalidadeAgenteAGTEC: a commercial establishment.
	ModalidadeAgenteAGTEC ModalidadeAgente = "AGTEC"
	// ModalidadeAgenteAGTOT: another kind of legal entity, or a
	// correspondent in the country.
	ModalidadeAgenteAGTOT ModalidadeAgente = "AGTOT"
	// ModalidadeAgenteAGPSS: a withdrawal service facilitator (saque only;
	// AGFSS in the pacs.008).
	ModalidadeAgenteAGPSS ModalidadeAgente = "AGPSS"
)

// PayloadLocationCob links a charge to an existing location (the spec's
// PayloadLocationCob, the loc of a request body).
type PayloadLocationCob struct {
	ID int64 `json:"id"`
}

// CobPayload is the payload JSON of an immediate charge (the spec's
// CobPayload), which the PSP serves signed (JWS) at the charge's location and
// payers' apps read.
type CobPayload struct {
	Calendario         CobPayloadCalendario `json:"calendario"`
	TxID               string               `json:"txid"`
	Revisao            int                  `json:"revisao"`
	Devedor            *Pessoa              `json:"devedor,omitempty"`
	Status             CobStatus            `json:"status"`
	Valor              CobValor             `json:"valor"`
	Chave              string               `json:"chave"`
	SolicitacaoPagador string               `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional      `json:"infoAdicionais,omitempty"`
}

// CobPayloadCalendario is the calendario of a [CobPayload]: CobCriacao,
// CobApresentacao (when the payload was fetched) and CobExpiracao.
type CobPayloadCalendario struct {
	Criacao      Timestamp `json:"criacao,omitzero"`
	Apresentacao Timestamp `json:"apresentacao,omitzero"`
	Expiracao    int       `json:"expiracao"`
}

// CobsConsultadas is the response of GET /cob (the spec's CobsConsultadas).
type CobsConsultadas struct {
	Parametros ParametrosConsultaCob `json:"parametros"`
	Cobs       []CobCompleta         `json:"cobs"`
}

// MarshalJSON writes a nil Cobs as [], as the spec requires an array.
func (l CobsConsultadas) MarshalJSON() ([]byte, error) {
	type plain CobsConsultadas
	if l.Cobs == nil {
		l.Cobs = []CobCompleta{}
	}
	return json.Marshal(plain(l))
}

// ParametrosConsultaCob echoes the filters of GET /cob and GET /cobv (the
// spec's ParametrosConsultaCob).
type ParametrosConsultaCob struct {
	Inicio           Timestamp `json:"inicio,omitzero"`
	Fim              Timestamp `json:"fim,omitzero"`
	CPF              string    `json:"cpf,omitempty"`
	CNPJ             string    `json:"cnpj,omitempty"`
	LocationPresente *bool     `json:"locationPresente,omitempty"`
	Status           CobStatus `json:"status,omitempty"`
	Paginacao        Paginacao `json:"paginacao"`
}

// CobListParams are the query parameters of GET /cob. Inicio and Fim are
// required by the server; the other fields are filters, left out when zero.
type CobListParams struct {
	// Inicio and Fim bound the charges' creation time, inclusive.
	Inicio, Fim time.Time
	// CPF or CNPJ (not both) of the devedor.
	CPF, CNPJ string
	// LocationPresente filters on whether a location is linked.
	LocationPresente *bool
	Status           CobStatus
	// PaginaAtual is the page to return, from 0 (the default).
	PaginaAtual int
	// ItensPorPagina is the page size, 1 to 1000; 0 means the server's
	// default, 100.
	ItensPorPagina int
}

func (p CobListParams) query() string {
	var q query
	q.time("inicio", p.Inicio)
	q.time("fim", p.Fim)
	q.str("cpf", p.CPF)
	q.str("cnpj", p.CNPJ)
	q.boolean("locationPresente", p.LocationPresente)
	q.str("status", string(p.Status))
	q.paging(p.PaginaAtual, p.ItensPorPagina)
	return q.String()
}

// CreateCob creates an immediate charge with the given txid
// (PUT /cob/{txid}, scope cob.write, 201). txid has 26 to 35 letters and
// digits and is unique per recebedor.
func (c *Client) CreateCob(ctx context.Context, txid string, cob CobSolicitada) (*CobCompleta, error) {
	t, err := seg("txid", txid)
	if err != nil {
		return nil, err
	}
	var out CobCompleta
	if err := c.Do(ctx, http.MethodPut, APIPrefix+"/cob/"+t, cob, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateCobPSPTxID creates an immediate charge whose txid the PSP generates
// (POST /cob, scope cob.write, 201); read it from the result's TxID.
func (c *Client) CreateCobPSPTxID(ctx context.Context, cob CobSolicitada) (*CobCompleta, error) {
	var out CobCompleta
	if err := c.Do(ctx, http.MethodPost, APIPrefix+"/cob", cob, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateCob revises an ATIVA immediate charge (PATCH /cob/{txid}, scope
// cob.write, 200) and returns it with its new revisao.
func (c *Client) UpdateCob(ctx context.Context, txid string, rev CobRevisada) (*CobCompleta, error) {
	t, err := seg("txid", txid)
	if err != nil {
		return nil, err
	}
	var out CobCompleta
	if err := c.Do(ctx, http.MethodPatch, APIPrefix+"/cob/"+t, rev, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetCob returns an immediate charge (GET /cob/{txid}, scope cob.read): its
// current revision if revisao is nil, else that revision.
func (c *Client) GetCob(ctx context.Context, txid string, revisao *int) (*CobCompleta, error) {
	t, err := seg("txid", txid)
	if err != nil {
		return nil, err
	}
	path := APIPrefix + "/cob/" + t
	if revisao != nil {
		path += "?revisao=" + strconv.Itoa(*revisao)
	}
	var out CobCompleta
	if err := c.Do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListCobs returns one page of the immediate charges created between
// p.Inicio and p.Fim (GET /cob, scope cob.read).
func (c *Client) ListCobs(ctx context.Context, p CobListParams) (*CobsConsultadas, error) {
	var out CobsConsultadas
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/cob"+p.query(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
