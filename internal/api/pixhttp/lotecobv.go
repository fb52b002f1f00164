package pixhttp

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/pixapi"
)

// registerLoteCobV adds the LoteCobV operations (spec tag LoteCobV) under
// prefix, each guarded by its scope.
func (s *Server) registerLoteCobV(mux *http.ServeMux, prefix string, mtls api.Middleware) {
	route := func(pattern, scope string, res Resource, h func(http.ResponseWriter, *http.Request) error) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.Handle(method+" "+prefix+path, mtls(s.Protect(scope, s.handle(res, h))))
	}
	route("PUT /lotecobv/{id}", "lotecobv.write", LoteCobVWrite, s.putLoteCobV)
	route("PATCH /lotecobv/{id}", "lotecobv.write", LoteCobVWrite, s.patchLoteCobV)
	route("GET /lotecobv/{id}", "lotecobv.read", LoteCobVRead, s.getLoteCobV)
	route("GET /lotecobv", "lotecobv.read", LoteCobVRead, s.listLotesCobV)
	route("GET /lotecobv/{$}", "lotecobv.read", LoteCobVRead, s.listLotesCobV) // a trailing slash (Efí's SDK) lists too
}

// loteProblema renders the refusal of a batch item as the problem PUT or
// PATCH /cobv/{txid} answers (CobVOperacaoInvalida, CobVNaoEncontrada...).
// It has no correlationId: it was not produced by the request that reads it.
func loteProblema(err error) *pixapi.Problem { return Problem(err, CobVWrite, "") }

func (s *Server) putLoteCobV(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return &errs.Error{Kind: errs.EInvalid, Message: "O parâmetro id não respeita o schema.", Violations: []errs.Violation{{
			Property: "id", Reason: "O parâmetro id não respeita o schema: o identificador do lote é um inteiro positivo (int64).", Value: r.PathValue("id")}}}
	}
	var req pixapi.LoteCobVSolicitado
	if err := decodeLote(r, &req); err != nil {
		return err
	}
	if err := s.pix.PutLoteCobV(r.Context(), documento(r), id, &req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func (s *Server) patchLoteCobV(w http.ResponseWriter, r *http.Request) error {
	id, err := loteID(r)
	if err != nil {
		return err
	}
	var req pixapi.LoteCobVRevisado
	if err := decodeLote(r, &req); err != nil {
		return err
	}
	if err := s.pix.PatchLoteCobV(r.Context(), documento(r), id, &req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func (s *Server) getLoteCobV(w http.ResponseWriter, r *http.Request) error {
	id, err := loteID(r)
	if err != nil {
		return err
	}
	lote, err := s.pix.LoteCobV(r.Context(), documento(r), id, loteProblema)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, lote)
}

func (s *Server) listLotesCobV(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	lq := q.list()
	if err := q.err(); err != nil {
		return err
	}
	out, err := s.pix.ListLotesCobV(r.Context(), documento(r), lq, loteProblema)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// loteID is the {id} of GET and PATCH: a batch that cannot exist is not
// found.
func loteID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.New(errs.ENotFound, "Lote não encontrado para o id informado.")
	}
	return id, nil
}

// decodeLote reads a batch body. A value of the wrong type anywhere in it,
// an item's included, refuses the whole batch ("O objeto loteCobV.cobsV não
// respeita o schema"), naming the property under loteCobV.cobsV as the spec
// spells it (encoding/json names the Go types items embed: dropped).
func decodeLote(r *http.Request, v any) error {
	err := decodeBody(r, v, "loteCobV")
	if e := errs.As(err); e != nil {
		name := strings.NewReplacer("loteCobV.cobsv", "loteCobV.cobsV", ".CobVSolicitada", "", ".CobVRevisada", "")
		e.Message = name.Replace(e.Message)
		for i := range e.Violations {
			e.Violations[i].Property = name.Replace(e.Violations[i].Property)
			e.Violations[i].Reason = name.Replace(e.Violations[i].Reason)
		}
	}
	return err
}
