package pixapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Ptr returns a pointer to v. It fills the optional numeric and boolean
// fields whose zero value means something different from their absence,
// such as [CobValor.ModalidadeAlteracao] or [CobListParams.LocationPresente]:
//
//	Valor: pixapi.CobValor{Original: "10.00", ModalidadeAlteracao: pixapi.Ptr(1)}
func Ptr[T any](v T) *T { return &v }

// timestampLayout is how a [Timestamp] is written: RFC 3339 in UTC with
// exactly three fraction digits.
const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

// Timestamp is a date-time of the Pix API (the spec's `format: date-time`,
// "Respeita RFC 3339"), such as a charge's calendario.criacao or a Pix's
// horario.
//
// It is written in UTC with exactly three fraction digits
// ("2020-09-09T20:15:00.358Z"), the form the BACEN examples and PSPs use; a
// finer fraction is truncated to the millisecond. It reads any RFC 3339
// date-time: with or without a fraction, with "Z" or any offset (kept, so
// compare with [time.Time.Equal]), and with a lower-case "t" or "z".
//
// The zero Timestamp means absent: the wire types declare their Timestamp
// fields `omitzero`, so an unset one is left out rather than written as the
// year 1.
type Timestamp struct {
	time.Time
}

// String returns the wire form of t.
func (t Timestamp) String() string { return t.UTC().Format(timestampLayout) }

// AppendText appends the wire form of t to b. It fails, like
// [time.Time.AppendText], for a year outside 0-9999.
func (t Timestamp) AppendText(b []byte) ([]byte, error) {
	u := t.UTC()
	if y := u.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("pixapi: Timestamp year %d outside of range [0,9999]", y)
	}
	return u.AppendFormat(b, timestampLayout), nil
}

// MarshalText writes t in UTC with milliseconds, like [Timestamp.AppendText].
func (t Timestamp) MarshalText() ([]byte, error) { return t.AppendText(nil) }

// MarshalJSON writes t as a JSON string in UTC with milliseconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	b, err := t.MarshalText()
	if err != nil {
		return nil, err
	}
	return strconv.AppendQuote(nil, string(b)), nil
}

// UnmarshalText reads any RFC 3339 date-time.
func (t *Timestamp) UnmarshalText(b []byte) error {
	// RFC 3339 §5.6 allows "t" and "z" in lower case; time.Parse does not.
	s := strings.ToUpper(string(b))
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("pixapi: timestamp %q is not an RFC 3339 date-time", b)
	}
	t.Time = v
	return nil
}

// UnmarshalJSON reads a JSON string holding any RFC 3339 date-time. JSON
// null leaves t unchanged.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("pixapi: timestamp %s is not a JSON string", b)
	}
	return t.UnmarshalText([]byte(s))
}

// dataLayout is the layout of a [Data].
const dataLayout = "2006-01-02"

// Data is a calendar date of the Pix API (the spec's `format: date`),
// "YYYY-MM-DD", such as a cobv's calendario.dataDeVencimento. It is a string
// on the wire and in Go; it is not checked when decoded, so that a server can
// report a malformed date as a violation of its property (see [Data.Valid]).
//
// Pix dates are dates in Brasília: build them with [DataOf] from a time in
// the America/Sao_Paulo location.
type Data string

// DataOf returns the date of t in t's location.
func DataOf(t time.Time) Data { return Data(t.Format(dataLayout)) }

// Time returns midnight of d in loc (UTC if loc is nil), or an error if d is
// not a valid YYYY-MM-DD date.
func (d Data) Time(loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(dataLayout, string(d), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("pixapi: date %q is not YYYY-MM-DD", string(d))
	}
	return t, nil
}

// Valid reports whether d is a valid YYYY-MM-DD date.
func (d Data) Valid() bool {
	_, err := d.Time(nil)
	return err == nil
}

// CobStatus is the status of a charge's record (the spec's CobrancaStatus),
// shared by cob and cobv. Only ATIVA changes; the others are final. An
// expired or overdue charge stays ATIVA.
type CobStatus string

// The statuses of a charge.
const (
	// StatusAtiva: created, neither paid nor removed.
	StatusAtiva CobStatus = "ATIVA"
	// StatusConcluida: paid; accepts no other payment.
	StatusConcluida CobStatus = "CONCLUIDA"
	// StatusRemovidaPeloUsuarioRecebedor: removed by the recebedor, the only
	// status a PATCH may set.
	StatusRemovidaPeloUsuarioRecebedor CobStatus = "REMOVIDA_PELO_USUARIO_RECEBEDOR"
	// StatusRemovidaPeloPSP: removed by the recebedor's PSP.
	StatusRemovidaPeloPSP CobStatus = "REMOVIDA_PELO_PSP"
)

// TipoCob is the kind of charge a location serves (PayloadLocation.tipoCob):
// an immediate charge (cob) or a charge with a due date (cobv).
type TipoCob string

// The kinds of charge.
const (
	TipoCobCob  TipoCob = "cob"
	TipoCobCobV TipoCob = "cobv"
)

// Pessoa identifies a natural person (PessoaFisica: CPF and name) or a legal
// entity (PessoaJuridica: CNPJ and name). Exactly one of CPF and CNPJ is set.
// It is the devedor of an immediate charge and of a cobv payload.
type Pessoa struct {
	// CPF has 11 digits. Not set together with CNPJ.
	CPF string `json:"cpf,omitempty"`
	// CNPJ has 14 characters, digits or upper-case letters (alphanumeric
	// CNPJ). Not set together with CPF.
	CNPJ string `json:"cnpj,omitempty"`
	// Nome is the name, at most 200 characters.
	Nome string `json:"nome"`
}

// Devedor is the debtor of a charge with a due date (DadosDevedor.devedor):
// a [Pessoa] (exactly one of CPF and CNPJ, and the name) with optional
// contact and address (DadosComplementaresPessoa).
type Devedor struct {
	CPF        string `json:"cpf,omitempty"`
	CNPJ       string `json:"cnpj,omitempty"`
	Nome       string `json:"nome"`
	Email      string `json:"email,omitempty"`
	Logradouro string `json:"logradouro,omitempty"` // at most 200 characters
	Cidade     string `json:"cidade,omitempty"`     // at most 200 characters
	UF         string `json:"uf,omitempty"`         // 2 characters
	CEP        string `json:"cep,omitempty"`        // 8 digits
}

// Recebedor is the creditor of a charge with a due date
// (DadosRecebedor.recebedor), filled by the PSP: a person (CPF) or a company
// (CNPJ, with an optional trade name) and its address, which is required.
type Recebedor struct {
	CPF          string `json:"cpf,omitempty"`
	CNPJ         string `json:"cnpj,omitempty"`
	Nome         string `json:"nome"`
	NomeFantasia string `json:"nomeFantasia,omitempty"` // companies only, at most 200 characters
	Logradouro   string `json:"logradouro"`
	Cidade       string `json:"cidade"`
	UF           string `json:"uf"`
	CEP          string `json:"cep"`
}

// InfoAdicional is one additional name/value pair shown to the payer
// (CobBase.infoAdicionais items). A charge carries at most 50.
type InfoAdicional struct {
	Nome  string `json:"nome"`  // at most 50 characters
	Valor string `json:"valor"` // at most 200 characters
}

// Paginacao describes the page of a list response (the spec's Paginacao).
type Paginacao struct {
	// PaginaAtual is the page returned, from 0.
	PaginaAtual int `json:"paginaAtual"`
	// ItensPorPagina is the page size asked for (1 to 1000).
	ItensPorPagina int `json:"itensPorPagina"`
	// QuantidadeDePaginas is the number of pages available.
	QuantidadeDePaginas int `json:"quantidadeDePaginas"`
	// QuantidadeTotalDeItens is the number of items matching the filters.
	QuantidadeTotalDeItens int `json:"quantidadeTotalDeItens"`
}

// query builds a query string in the order of the spec's parameters.
type query struct {
	b strings.Builder
}

func (q *query) add(name, value string) {
	if q.b.Len() == 0 {
		q.b.WriteByte('?')
	} else {
		q.b.WriteByte('&')
	}
	q.b.WriteString(url.QueryEscape(name))
	q.b.WriteByte('=')
	q.b.WriteString(url.QueryEscape(value))
}

// time adds t as RFC 3339 in UTC, with as many fraction digits as it has
// (none for a whole second), unless t is zero.
func (q *query) time(name string, t time.Time) {
	if !t.IsZero() {
		q.add(name, t.UTC().Format(time.RFC3339Nano))
	}
}

func (q *query) str(name, v string) {
	if v != "" {
		q.add(name, v)
	}
}

func (q *query) boolean(name string, v *bool) {
	if v != nil {
		q.add(name, strconv.FormatBool(*v))
	}
}

func (q *query) int64p(name string, v *int64) {
	if v != nil {
		q.add(name, strconv.FormatInt(*v, 10))
	}
}

// paging adds paginacao.paginaAtual and paginacao.itensPorPagina unless they
// are zero (the server then uses its defaults, page 0 and 100 items).
func (q *query) paging(paginaAtual, itensPorPagina int) {
	if paginaAtual != 0 {
		q.add("paginacao.paginaAtual", strconv.Itoa(paginaAtual))
	}
	if itensPorPagina != 0 {
		q.add("paginacao.itensPorPagina", strconv.Itoa(itensPorPagina))
	}
}

func (q *query) String() string { return q.b.String() }

// errEmptyPathParam is returned before any request when a path parameter
// (txid, e2eid, chave, devolução id) is empty: the request would address
// another resource (PUT /cob/ is not PUT /cob/{txid}).
var errEmptyPathParam = errors.New("pixapi: empty path parameter")

// seg escapes one path segment and rejects an empty one.
func seg(name, v string) (string, error) {
	if v == "" {
		return "", fmt.Errorf("%w %s", errEmptyPathParam, name)
	}
	return url.PathEscape(v), nil
}
