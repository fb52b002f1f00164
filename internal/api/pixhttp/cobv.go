package pixhttp

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
)

// registerCobV adds the CobV operations (spec tag CobV) under prefix, each
// guarded by its scope.
func (s *Server) registerCobV(mux *http.ServeMux, prefix string, mtls api.Middleware) {
	route := func(pattern, scope string, res Resource, h func(http.ResponseWriter, *http.Request) error) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.Handle(method+" "+prefix+path, mtls(s.Protect(scope, s.handle(res, h))))
	}
	route("PUT /cobv/{txid}", "cobv.write", CobVWrite, chargeWrite("cobv", http.StatusCreated, s.pix.CreateCobV))
	route("PATCH /cobv/{txid}", "cobv.write", CobVWrite, chargeWrite("cobv", http.StatusOK, s.pix.ReviseCobV))
	route("GET /cobv/{txid}", "cobv.read", CobVRead, s.getCobV)
	route("GET /cobv", "cobv.read", CobVRead, s.listCobsV)
	route("GET /cobv/{$}", "cobv.read", CobVRead, s.listCobsV) // a trailing slash (Efí's SDK) lists too
}

func (s *Server) getCobV(w http.ResponseWriter, r *http.Request) error {
	revisao, err := revisaoParam(r)
	if err != nil {
		return err
	}
	body, err := s.pix.CobV(r.Context(), documento(r), r.PathValue("txid"), revisao)
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, body)
}

func (s *Server) listCobsV(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	lq := pix.CobListQuery{ListQuery: q.list(), CPF: q.v.Get("cpf"), CNPJ: q.v.Get("cnpj"),
		LocationPresente: q.boolean("locationPresente"), Status: q.v.Get("status")}
	if v := q.v.Get("loteCobVId"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			q.e = append(q.e, errs.Violation{Property: "loteCobVId", Reason: "O parâmetro loteCobVId não respeita o schema (inteiro positivo).", Value: v})
		}
		lq.LoteCobVID = id
	}
	if err := q.err(); err != nil {
		return err
	}
	body, err := s.pix.ListCobsV(r.Context(), documento(r), lq)
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, body)
}
