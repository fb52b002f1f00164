package pixapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Pix is a Pix received (the spec's Pix).
type Pix struct {
	// EndToEndID identifies the payment: 32 letters and digits, "E" + the
	// payer PSP's ISPB + yyyyMMddHHmm + 11 more.
	EndToEndID string `json:"endToEndId"`
	// TxID is the txid of the charge paid, if any (1 to 35 characters; a
	// static QR code carries at most 25).
	TxID string `json:"txid,omitempty"`
	// Valor is the amount received.
	Valor string `json:"valor"`
	// ComponentesValor breaks Valor down.
	ComponentesValor *ComponentesValor `json:"componentesValor,omitempty"`
	// Chave is the recebedor's DICT key the payment was made to.
	Chave string `json:"chave,omitempty"`
	// Horario is when the PSP processed the Pix.
	Horario Timestamp `json:"horario,omitzero"`
	// Pagador is who paid. It is not in the BACEN spec's Pix (which does
	// not forbid extra properties); brasa returns it, as several PSPs do,
	// because GET /pix filters on the pagador's cpf and cnpj.
	Pagador *Pessoa `json:"pagador,omitempty"`
	// InfoPagador is the payer's free text, at most 140 characters.
	InfoPagador string      `json:"infoPagador,omitempty"`
	Devolucoes  []Devolucao `json:"devolucoes,omitempty"`
}

// ComponentesValor is the breakdown of a Pix's amount
// (Pix.componentesValor): Valor = Original + Saque + Troco + Multa + Juros -
// Abatimento - Desconto, counting the components present. Saque and Troco
// (never both) appear for a Pix Saque or Pix Troco; Multa, Juros, Abatimento
// and Desconto for the payment of a charge with a due date.
type ComponentesValor struct {
	Original   *ComponenteValor    `json:"original,omitempty"`
	Saque      *ComponenteRetirada `json:"saque,omitempty"`
	Troco      *ComponenteRetirada `json:"troco,omitempty"`
	Juros      *ComponenteValor    `json:"juros,omitempty"`
	Multa      *ComponenteValor    `json:"multa,omitempty"`
	Abatimento *ComponenteValor    `json:"abatimento,omitempty"`
	Desconto   *ComponenteValor    `json:"desconto,omitempty"`
}

// ComponenteValor is one amount of [ComponentesValor] (PixValorOriginal,
// PixValorJuros, PixValorMulta, PixValorAbatimento, PixValorDesconto).
type ComponenteValor struct {
	Valor string `json:"valor"`
}

// ComponenteRetirada is the saque or troco of [ComponentesValor]
// (PixValorSaque, PixValorTroco).
type ComponenteRetirada struct {
	Valor                     string           `json:"valor"`
	ModalidadeAgente          ModalidadeAgente `json:"modalidadeAgente"`
	PrestadorDoServicoDeSaque string           `json:"prestadorDoServicoDeSaque"`
}

// UnmarshalJSON also reads the provider's ISPB from
// "prestadorDeServicoDeSaque", the misspelling of the spec's own examples
// (pixResponse3 and the componentesValor description), which some servers
// copy. It is always written as "prestadorDoServicoDeSaque", the schema's
// name.
func (c *ComponenteRetirada) UnmarshalJSON(b []byte) error {
	type plain ComponenteRetirada
	var v struct {
		plain
		Misspelt *string `json:"prestadorDeServicoDeSaque"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = ComponenteRetirada(v.plain)
	if c.PrestadorDoServicoDeSaque == "" && v.Misspelt != nil {
		c.PrestadorDoServicoDeSaque = *v.Misspelt
	}
	return nil
}

// DevolucaoSolicitada is the body of PUT /pix/{e2eid}/devolucao/{id} (the
// spec's DevolucaoSolicitada): a refund to send the payer.
type DevolucaoSolicitada struct {
	// Valor is the amount to refund; all refunds of a Pix add up to at most
	// its amount.
	Valor string `json:"valor"`
	// Natureza is ORIGINAL (the default) or RETIRADA (the cash of a Pix
	// Saque or Pix Troco).
	Natureza DevolucaoNatureza `json:"natureza,omitempty"`
	// Descricao is a text for the payer, at most 140 characters.
	Descricao string `json:"descricao,omitempty"`
}

// Devolucao is a refund of a Pix (the spec's Devolucao).
type Devolucao struct {
	// ID is the id the recebedor chose, 1 to 35 letters and digits, unique
	// per Pix.
	ID string `json:"id"`
	// RtrID identifies the return: 32 letters and digits starting with "D".
	RtrID     string            `json:"rtrId"`
	Valor     string            `json:"valor"`
	Natureza  DevolucaoNatureza `json:"natureza,omitempty"`
	Descricao string            `json:"descricao,omitempty"`
	Horario   DevolucaoHorario  `json:"horario"`
	Status    DevolucaoStatus   `json:"status"`
	// Motivo may explain the status, such as why it was NAO_REALIZADO; at
	// most 140 characters.
	Motivo string `json:"motivo,omitempty"`
}

// DevolucaoHorario holds when a refund was requested and settled
// (Devolucao.horario).
type DevolucaoHorario struct {
	Solicitacao Timestamp `json:"solicitacao,omitzero"`
	Liquidacao  Timestamp `json:"liquidacao,omitzero"`
}

// DevolucaoStatus is the status of a refund (Devolucao.status).
type DevolucaoStatus string

// The statuses of a refund: EM_PROCESSAMENTO, then DEVOLVIDO or
// NAO_REALIZADO.
const (
	DevolucaoEmProcessamento DevolucaoStatus = "EM_PROCESSAMENTO"
	DevolucaoDevolvido       DevolucaoStatus = "DEVOLVIDO"
	DevolucaoNaoRealizado    DevolucaoStatus = "NAO_REALIZADO"
)

// DevolucaoNatureza is the nature of a refund (the spec's DevolucaoNatureza;
// a request may only use ORIGINAL and RETIRADA, DevolucaoSolicitadaNatureza).
// Absent means ORIGINAL.
type DevolucaoNatureza string

// The natures of a refund.
const (
	// NaturezaOriginal: requested by the recebedor, of a common Pix or of
	// the purchase part of a Pix Troco (pacs.004 MD06).
	NaturezaOriginal DevolucaoNatureza = "ORIGINAL"
	// NaturezaRetirada: requested by the recebedor, of the cash of a Pix
	// Saque or Pix Troco (SL02).
	NaturezaRetirada DevolucaoNatureza = "RETIRADA"
	// NaturezaMedOperacional: under the MED, for an operational failure
	// (BE08).
	NaturezaMedOperacional DevolucaoNatureza = "MED_OPERACIONAL"
	// NaturezaMedFraude: under the MED, for suspected fraud (FR01).
	NaturezaMedFraude DevolucaoNatureza = "MED_FRAUDE"
	// NaturezaMedPixAutomatico: under the MED of Pix Automático (pacs.008
	// REFU).
	NaturezaMedPixAutomatico DevolucaoNatureza = "MED_PIX_AUTOMATICO"
)

// PixConsultados is the response of GET /pix (the spec's PixConsultados).
type PixConsultados struct {
	Parametros ParametrosConsultaPix `json:"parametros"`
	Pix        []Pix                 `json:"pix"`
}

// MarshalJSON writes a nil Pix as [], so the list is always present.
func (l PixConsultados) MarshalJSON() ([]byte, error) {
	type plain PixConsultados
	if l.Pix == nil {
		l.Pix = []Pix{}
	}
	return json.Marshal(plain(l))
}

// ParametrosConsultaPix echoes the filters of GET /pix (the spec's
// ParametrosConsultaPix).
type ParametrosConsultaPix struct {
	Inicio            Timestamp `json:"inicio,omitzero"`
	Fim               Timestamp `json:"fim,omitzero"`
	TxID              string    `json:"txid,omitempty"`
	TxIDPresente      *bool     `json:"txIdPresente,omitempty"`
	DevolucaoPresente *bool     `json:"devolucaoPresente,omitempty"`
	CPF               string    `json:"cpf,omitempty"`
	CNPJ              string    `json:"cnpj,omitempty"`
	Paginacao         Paginacao `json:"paginacao"`
}

// PixListParams are the query parameters of GET /pix. Inicio and Fim are
// required by the server.
type PixListParams struct {
	// Inicio and Fim bound the time the Pix were received, inclusive.
	Inicio, Fim time.Time
	// TxID keeps the Pix paying that charge.
	TxID string
	// TxIDPresente filters on whether the Pix has a txid.
	TxIDPresente *bool
	// DevolucaoPresente filters on whether the Pix has refunds.
	DevolucaoPresente *bool
	// CPF or CNPJ (not both) of the payer.
	CPF, CNPJ      string
	PaginaAtual    int
	ItensPorPagina int
}

func (p PixListParams) query() string {
	var q query
	q.time("inicio", p.Inicio)
	q.time("fim", p.Fim)
	q.str("txid", p.TxID)
	q.boolean("txIdPresente", p.TxIDPresente)
	q.boolean("devolucaoPresente", p.DevolucaoPresente)
	q.str("cpf", p.CPF)
	q.str("cnpj", p.CNPJ)
	q.paging(p.PaginaAtual, p.ItensPorPagina)
	return q.String()
}

// GetPix returns a Pix received and its refunds (GET /pix/{e2eid}, scope
// pix.read).
func (c *Client) GetPix(ctx context.Context, e2eid string) (*Pix, error) {
	e, err := seg("e2eid", e2eid)
	if err != nil {
		return nil, err
	}
	var out Pix
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/pix/"+e, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListPix returns one page of the Pix received between p.Inicio and p.Fim
// (GET /pix, scope pix.read).
func (c *Client) ListPix(ctx context.Context, p PixListParams) (*PixConsultados, error) {
	var out PixConsultados
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/pix"+p.query(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateDevolucao requests a refund of the Pix e2eid under the id the caller
// chooses (PUT /pix/{e2eid}/devolucao/{id}, scope pix.write, 201). The
// refund starts EM_PROCESSAMENTO; follow it with [Client.GetDevolucao] or the
// webhook.
func (c *Client) CreateDevolucao(ctx context.Context, e2eid, id string, d DevolucaoSolicitada) (*Devolucao, error) {
	path, err := devolucaoPath(e2eid, id)
	if err != nil {
		return nil, err
	}
	var out Devolucao
	if err := c.Do(ctx, http.MethodPut, path, d, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetDevolucao returns a refund (GET /pix/{e2eid}/devolucao/{id}, scope
// pix.read).
func (c *Client) GetDevolucao(ctx context.Context, e2eid, id string) (*Devolucao, error) {
	path, err := devolucaoPath(e2eid, id)
	if err != nil {
		return nil, err
	}
	var out Devolucao
	if err := c.Do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func devolucaoPath(e2eid, id string) (string, error) {
	e, err := seg("e2eid", e2eid)
	if err != nil {
		return "", err
	}
	i, err := seg("id", id)
	if err != nil {
		return "", err
	}
	return APIPrefix + "/pix/" + e + "/devolucao/" + i, nil
}
