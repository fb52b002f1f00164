package pixhttp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/pixapi"
)

// registerCob adds the Cob and PayloadLocation operations (spec tags Cob and
// PayloadLocation) under prefix, each guarded by its scope.
func (s *Server) registerCob(mux *http.ServeMux, prefix string, mtls api.Middleware) {
	route := func(pattern, scope string, res Resource, h func(http.ResponseWriter, *http.Request) error) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.Handle(method+" "+prefix+path, mtls(s.Protect(scope, s.handle(res, h))))
	}
	route("PUT /cob/{txid}", "cob.write", CobWrite, chargeWrite("cob", http.StatusCreated, s.pix.CreateCob))
	route("POST /cob", "cob.write", CobWrite, chargeWrite("cob", http.StatusCreated, s.pix.CreateCob)) // no {txid}: the PSP makes one
	route("PATCH /cob/{txid}", "cob.write", CobWrite, chargeWrite("cob", http.StatusOK, s.pix.ReviseCob))
	route("GET /cob/{txid}", "cob.read", CobRead, s.getCob)
	route("GET /cob", "cob.read", CobRead, s.listCobs)
	route("GET /cob/{$}", "cob.read", CobRead, s.listCobs) // a trailing slash (Efí's SDK) lists too
	route("POST /loc", "payloadlocation.write", LocWrite, s.postLoc)
	route("GET /loc/{id}", "payloadlocation.read", LocRead, s.getLoc)
	route("GET /loc", "payloadlocation.read", LocRead, s.listLocs)
	route("GET /loc/{$}", "payloadlocation.read", LocRead, s.listLocs) // a trailing slash (Efí's SDK) lists too
	route("DELETE /loc/{id}/txid", "payloadlocation.write", LocWrite, s.deleteLocTxid)
}

// documento is the authenticated recebedor.
func documento(r *http.Request) string { return PrincipalFrom(r.Context()).Credential.Owner }

// chargeWrite adapts a charge write of the Pix service (PUT, POST, PATCH of
// cob and cobv) to a handler: the JSON body decoded as Req (violations
// rooted at root, e.g. "cob.valor"), the operation called for the caller's
// recebedor and the path's txid ("" for POST /cob), and the result answered
// with status.
func chargeWrite[Req, Resp any](root string, status int, op func(ctx context.Context, documento, txid string, req *Req) (Resp, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var req Req
		if err := decodeBody(r, &req, root); err != nil {
			return err
		}
		out, err := op(r.Context(), documento(r), r.PathValue("txid"), &req)
		if err != nil {
			return err
		}
		return writeJSON(w, status, out)
	}
}

// revisaoParam reads the optional ?revisao= of GET /cob/{txid} and GET
// /cobv/{txid}.
func revisaoParam(r *http.Request) (*int, error) {
	v := r.URL.Query().Get("revisao")
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return nil, errs.Invalid("revisao", "O parâmetro revisao não respeita o schema.")
	}
	return &n, nil
}

func (s *Server) getCob(w http.ResponseWriter, r *http.Request) error {
	revisao, err := revisaoParam(r)
	if err != nil {
		return err
	}
	body, err := s.pix.Cob(r.Context(), documento(r), r.PathValue("txid"), revisao)
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, body)
}

func (s *Server) listCobs(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	lq := pix.CobListQuery{ListQuery: q.list(), CPF: q.v.Get("cpf"), CNPJ: q.v.Get("cnpj"),
		LocationPresente: q.boolean("locationPresente"), Status: q.v.Get("status")}
	if err := q.err(); err != nil {
		return err
	}
	body, err := s.pix.ListCobs(r.Context(), documento(r), pix.TipoCobImediata, lq)
	if err != nil {
		return err
	}
	return writeRaw(w, http.StatusOK, body)
}

func (s *Server) postLoc(w http.ResponseWriter, r *http.Request) error {
	var req pixapi.PayloadLocationSolicitada
	if err := decodeBody(r, &req, ""); err != nil {
		return err
	}
	loc, err := s.pix.CreateLoc(r.Context(), documento(r), pix.TipoCob(req.TipoCob))
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/loc/%d", strings.TrimSuffix(r.URL.Path, "/loc"), loc.ID))
	return writeJSON(w, http.StatusCreated, loc)
}

func (s *Server) getLoc(w http.ResponseWriter, r *http.Request) error {
	id, err := locID(r)
	if err != nil {
		return err
	}
	loc, err := s.pix.Loc(r.Context(), documento(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loc)
}

func (s *Server) listLocs(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	lq := pix.LocListQuery{ListQuery: q.list(), TxIDPresente: q.boolean("txIdPresente"), TipoCob: pix.TipoCob(q.v.Get("tipoCob"))}
	if err := q.err(); err != nil {
		return err
	}
	out, err := s.pix.ListLocs(r.Context(), documento(r), lq)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteLocTxid(w http.ResponseWriter, r *http.Request) error {
	id, err := locID(r)
	if err != nil {
		return err
	}
	loc, err := s.pix.UnlinkLoc(r.Context(), documento(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loc)
}

func locID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.New(errs.ENotFound, "")
	}
	return id, nil
}

// query parses list parameters, collecting violations.
type query struct {
	v url.Values
	e []errs.Violation
}

func (q *query) list() pix.ListQuery {
	return pix.ListQuery{Inicio: q.time("inicio"), Fim: q.time("fim"),
		PaginaAtual: q.int("paginacao.paginaAtual"), ItensPorPagina: q.int("paginacao.itensPorPagina")}
}

func (q *query) time(name string) time.Time {
	s := q.v.Get(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		q.e = append(q.e, errs.Violation{Property: name, Reason: "O parâmetro " + name + " não respeita o schema (date-time RFC 3339).", Value: s})
	}
	return t
}

func (q *query) int(name string) int {
	s := q.v.Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.e = append(q.e, errs.Violation{Property: name, Reason: "O parâmetro " + name + " não respeita o schema (inteiro).", Value: s})
	}
	return n
}

func (q *query) boolean(name string) *bool {
	switch q.v.Get(name) {
	case "":
		return nil
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	q.e = append(q.e, errs.Violation{Property: name, Reason: "O parâmetro " + name + " deve ser true ou false.", Value: q.v.Get(name)})
	return nil
}

func (q *query) err() error {
	if len(q.e) == 0 {
		return nil
	}
	return &errs.Error{Kind: errs.EInvalid, Message: "parâmetros de consulta inválidos", Violations: q.e}
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return errs.Wrap(errs.EInternal, err, "encode response")
	}
	return writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return nil
}
