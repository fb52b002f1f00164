package pixapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// CobVSolicitada is the body of PUT /cobv/{txid} (the spec's CobVSolicitada):
// a charge with a due date to create, or to replace while it is ATIVA.
// Calendario.DataDeVencimento, Devedor, Valor.Original and Chave are
// required.
type CobVSolicitada struct {
	Calendario CobVCalendarioSolicitado `json:"calendario"`
	Devedor    Devedor                  `json:"devedor"`
	// Loc links a location created with [Client.CreateLoc] (tipoCob cobv).
	Loc                *PayloadLocationCob `json:"loc,omitempty"`
	Valor              CobVValor           `json:"valor"`
	Chave              string              `json:"chave"`
	SolicitacaoPagador string              `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional     `json:"infoAdicionais,omitempty"`
}

// CobVRevisada is the body of PATCH /cobv/{txid} (the spec's CobVRevisada):
// the fields to change, all optional. Setting Status to
// [StatusRemovidaPeloUsuarioRecebedor] removes the charge.
type CobVRevisada struct {
	// Calendario, when sent, must carry DataDeVencimento.
	Calendario         *CobVCalendarioSolicitado `json:"calendario,omitempty"`
	Devedor            *Devedor                  `json:"devedor,omitempty"`
	Loc                *PayloadLocationCob       `json:"loc,omitempty"`
	Status             CobStatus                 `json:"status,omitempty"`
	Valor              *CobVValorRevisado        `json:"valor,omitempty"`
	Chave              string                    `json:"chave,omitempty"`
	SolicitacaoPagador string                    `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional           `json:"infoAdicionais,omitempty"`
}

// CobVCompleta is a charge with a due date as the PSP returns it (the spec's
// CobVCompleta, which is CobVGerada plus the Pix received). PUT and PATCH
// answer CobVGerada, the same object without Pix.
type CobVCompleta struct {
	Calendario CobVCalendario   `json:"calendario"`
	TxID       string           `json:"txid"`
	Revisao    int              `json:"revisao"`
	Loc        *PayloadLocation `json:"loc,omitempty"`
	// Location is the URL of Loc, as for a cob. CobVGerada lists it as
	// required without declaring it (and its example lacks it); it is
	// always sent, so a response passes a validator of the spec.
	Location           string          `json:"location"`
	Status             CobStatus       `json:"status"`
	Devedor            Devedor         `json:"devedor"`
	Recebedor          Recebedor       `json:"recebedor"`
	Valor              CobVValor       `json:"valor"`
	Chave              string          `json:"chave"`
	SolicitacaoPagador string          `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
	PixCopiaECola      string          `json:"pixCopiaECola,omitempty"`
	Pix                []Pix           `json:"pix,omitempty"`
}

// CobVCalendarioSolicitado is the calendario of a [CobVSolicitada] or
// [CobVRevisada] (the spec's CobDataDeVencimento).
type CobVCalendarioSolicitado struct {
	// DataDeVencimento is the due date; the charge may be paid until the
	// end of that day. A weekend or holiday rolls to the next business day.
	DataDeVencimento Data `json:"dataDeVencimento"`
	// ValidadeAposVencimento is how many calendar days after the due date
	// the charge may still be paid. Nil means the default, 30; 0 is valid.
	ValidadeAposVencimento *int `json:"validadeAposVencimento,omitempty"`
}

// CobVCalendario is the calendario of a [CobVCompleta] (CobCriacao and
// CobDataDeVencimento).
type CobVCalendario struct {
	Criacao                Timestamp `json:"criacao,omitzero"`
	DataDeVencimento       Data      `json:"dataDeVencimento"`
	ValidadeAposVencimento int       `json:"validadeAposVencimento"`
}

// CobVValor is the valor of a charge with a due date (the spec's CobVValor):
// the amount and the rules that change it with the payment date. Amounts and
// percentages are strings with two decimals ("2.00" is 2%).
type CobVValor struct {
	Original   string      `json:"original"`
	Multa      *Multa      `json:"multa,omitempty"`
	Juros      *Juros      `json:"juros,omitempty"`
	Abatimento *Abatimento `json:"abatimento,omitempty"`
	Desconto   *Desconto   `json:"desconto,omitempty"`
}

// CobVValorRevisado is the valor of a [CobVRevisada] (CobVRevisada.valor,
// a CobVValor with nothing required): a [CobVValor] whose
// fields are all optional.
type CobVValorRevisado struct {
	Original   string      `json:"original,omitempty"`
	Multa      *Multa      `json:"multa,omitempty"`
	Juros      *Juros      `json:"juros,omitempty"`
	Abatimento *Abatimento `json:"abatimento,omitempty"`
	Desconto   *Desconto   `json:"desconto,omitempty"`
}

// Multa is the fine for paying after the due date (CobVValor.multa).
// Modalidade: 1 fixed amount, 2 percentage of the original amount.
type Multa struct {
	Modalidade int    `json:"modalidade"`
	ValorPerc  string `json:"valorPerc"`
}

// Juros is the interest for paying after the due date (CobVValor.juros).
// Modalidade, counting calendar days: 1 amount per day, 2 percent per day,
// 3 percent per month, 4 percent per year; counting business days: 5 amount,
// 6 percent per day, 7 percent per month, 8 percent per year.
type Juros struct {
	Modalidade int    `json:"modalidade"`
	ValorPerc  string `json:"valorPerc"`
}

// Abatimento is a reduction of the amount (CobVValor.abatimento).
// Modalidade: 1 fixed amount, 2 percentage.
type Abatimento struct {
	Modalidade int    `json:"modalidade"`
	ValorPerc  string `json:"valorPerc"`
}

// Desconto is the discount for paying early (CobVValor.desconto).
// Modalidade: 1 fixed amount until the dates given, 2 percentage until the
// dates given (both with DescontoDataFixa and without ValorPerc); 3 amount
// per calendar day of anticipation, 4 amount per business day, 5 percentage
// per calendar day, 6 percentage per business day (all four with ValorPerc
// and without DescontoDataFixa).
type Desconto struct {
	Modalidade       int                `json:"modalidade"`
	ValorPerc        string             `json:"valorPerc,omitempty"`
	DescontoDataFixa []DescontoDataFixa `json:"descontoDataFixa,omitempty"`
}

// DescontoDataFixa is one of up to three fixed-date discounts
// (CobVValor.desconto.descontoDataFixa items): ValorPerc applies to payments
// up to Data, which is no later than the due date.
type DescontoDataFixa struct {
	Data      Data   `json:"data"`
	ValorPerc string `json:"valorPerc"`
}

// CobVPayload is the payload JSON of a charge with a due date (the spec's
// CobVPayload), which the PSP serves signed (JWS) at the charge's location,
// with the amounts computed for the payment date.
type CobVPayload struct {
	Calendario         CobVPayloadCalendario `json:"calendario"`
	Devedor            Pessoa                `json:"devedor"`
	Recebedor          Recebedor             `json:"recebedor"`
	TxID               string                `json:"txid"`
	Revisao            int                   `json:"revisao"`
	Status             CobStatus             `json:"status"`
	Valor              CobVPayloadValor      `json:"valor"`
	Chave              string                `json:"chave"`
	SolicitacaoPagador string                `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional       `json:"infoAdicionais,omitempty"`
}

// CobVPayloadCalendario is the calendario of a [CobVPayload]: CobCriacao,
// CobApresentacao and CobDataDeVencimento.
type CobVPayloadCalendario struct {
	Criacao                Timestamp `json:"criacao,omitzero"`
	Apresentacao           Timestamp `json:"apresentacao,omitzero"`
	DataDeVencimento       Data      `json:"dataDeVencimento"`
	ValidadeAposVencimento int       `json:"validadeAposVencimento"`
}

// CobVPayloadValor is the valor of a [CobVPayload] (the spec's
// CobVPayloadValor): the amounts computed for the payment date. Final is
// what the payer pays.
type CobVPayloadValor struct {
	Original   string `json:"original,omitempty"`
	Multa      string `json:"multa,omitempty"`
	Juros      string `json:"juros,omitempty"`
	Abatimento string `json:"abatimento,omitempty"`
	Desconto   string `json:"desconto,omitempty"`
	Final      string `json:"final"`
}

// CobsVConsultadas is the response of GET /cobv (the spec's
// CobsVConsultadas).
type CobsVConsultadas struct {
	Parametros ParametrosConsultaCob `json:"parametros"`
	Cobs       []CobVCompleta        `json:"cobs"`
}

// MarshalJSON writes a nil Cobs as [], as the spec requires an array.
func (l CobsVConsultadas) MarshalJSON() ([]byte, error) {
	type plain CobsVConsultadas
	if l.Cobs == nil {
		l.Cobs = []CobVCompleta{}
	}
	return json.Marshal(plain(l))
}

// CobVListParams are the query parameters of GET /cobv: those of
// [CobListParams] and LoteCobVID.
type CobVListParams struct {
	Inicio, Fim      time.Time
	CPF, CNPJ        string
	LocationPresente *bool
	Status           CobStatus
	// LoteCobVID keeps the charges created by that batch.
	LoteCobVID     *int64
	PaginaAtual    int
	ItensPorPagina int
}

func (p CobVListParams) query() string {
	var q query
	q.time("inicio", p.Inicio)
	q.time("fim", p.Fim)
	q.str("cpf", p.CPF)
	q.str("cnpj", p.CNPJ)
	q.boolean("locationPresente", p.LocationPresente)
	q.str("status", string(p.Status))
	q.int64p("loteCobVId", p.LoteCobVID)
	q.paging(p.PaginaAtual, p.ItensPorPagina)
	return q.String()
}

// CreateCobV creates a charge with a due date (PUT /cobv/{txid}, scope
// cobv.write, 201).
func (c *Client) CreateCobV(ctx context.Context, txid string, cob CobVSolicitada) (*CobVCompleta, error) {
	t, err := seg("txid", txid)
	if err != nil {
		return nil, err
	}
	var out CobVCompleta
	if err := c.Do(ctx, http.MethodPut, APIPrefix+"/cobv/"+t, cob, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateCobV revises an ATIVA charge with a due date (PATCH /cobv/{txid},
// scope cobv.write, 200).
func (c *Client) UpdateCobV(ctx context.Context, txid string, rev CobVRevisada) (*CobVCompleta, error) {
	t, err := seg("txid", txid)
	if err != nil {
		return nil, err
	}
	var out CobVCompleta
	if err := c.Do(ctx, http.MethodPatch, APIPrefix+"/cobv/"+t, rev, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetCobV returns a charge with a due date (GET /cobv/{txid}, scope
// cobv.read): its current revision if revisao is nil, else that revision.
func (c *Client) GetCobV(ctx context.Context, txid string, revisao *int) (*CobVCompleta, error) {
	t, err := seg("txid", txid)
	if err != nil {
		return nil, err
	}
	path := APIPrefix + "/cobv/" + t
	if revisao != nil {
		path += "?revisao=" + strconv.Itoa(*revisao)
	}
	var out CobVCompleta
	if err := c.Do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListCobsV returns one page of the charges with a due date created between
// p.Inicio and p.Fim (GET /cobv, scope cobv.read).
func (c *Client) ListCobsV(ctx context.Context, p CobVListParams) (*CobsVConsultadas, error) {
	var out CobsVConsultadas
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/cobv"+p.query(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
