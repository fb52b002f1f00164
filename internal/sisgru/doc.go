// Package sisgru is the domain of the Treasury's SISGRU collection queries
// (seed 003, "SISGRU - Web Services API documentation version v1"): the GRU
// (Guia de Recolhimento da União) and the PagTesouro pagamento, their
// elements and wire formats, the query language of GET /grus and
// GET /pagamentos (q, fields, fields_exclude, sort, offset, page_size), the
// two authentication schemes (SIAFI user and password; RS256 JWT signed by a
// registered external system) with every documented refusal, the rules of
// registering an external system's certificate, and a generator of realistic
// data.
//
// It knows nothing of HTTP or SQL: sisgruhttp renders what it decides as the
// seed's XML, and the store persists what [Store] declares.
//
// # Wire formats
//
// Dates are dd/MM/yyyy, months MM/yyyy, timestamps dd/MM/yyyy HH:mm:ss in
// Brasília (America/Sao_Paulo), amounts dot decimals with two places. Inside,
// a date is a [Date] (yyyymmdd), a month a [Month] (yyyymm), an amount
// integer centavos and a timestamp a time.Time; an optional element is absent
// when its value is the zero value ("" or 0).
package sisgru
