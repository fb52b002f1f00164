package pixapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// exchange is one request the fake API received.
type exchange struct {
	Method, Path, RawQuery, ContentType, Body string
}

// recorder is a fake Pix API resource server: it records each request and
// answers with a canned status and body.
type recorder struct {
	mu     sync.Mutex
	got    []exchange
	status int
	body   string
}

func (rec *recorder) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.got = append(rec.got, exchange{
		Method:      r.Method,
		Path:        r.URL.EscapedPath(),
		RawQuery:    r.URL.RawQuery,
		ContentType: r.Header.Get("Content-Type"),
		Body:        string(b),
	})
	status, body := rec.status, rec.body
	rec.mu.Unlock()
	if body != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// respond sets the next answers.
func (rec *recorder) respond(status int, body string) {
	rec.mu.Lock()
	rec.status, rec.body, rec.got = status, body, nil
	rec.mu.Unlock()
}

// requests returns the requests received since the last respond.
func (rec *recorder) requests() []exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]exchange(nil), rec.got...)
}

// newRecorded starts the fake mTLS Pix API of helpers_test.go with a
// recorder serving /api/v2/ and returns a client of it.
func newRecorded(t *testing.T) (*pixapi.Client, *recorder) {
	t.Helper()
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	rec := &recorder{status: http.StatusOK}
	f.SetAPI(rec.serve)
	return MustNewClient(t, f, p), rec
}

const (
	txid   = "7978c0c97ea847e78e8849634473c1f1"
	e2eid  = "E12345678202009091221abcdef12345"
	inicio = "2020-04-01T00%3A00%3A00Z"
	fim    = "2020-04-01T23%3A59%3A59Z"

	parametrosExample = `{"inicio":"2020-04-01T00:00:00Z","fim":"2020-04-01T23:59:59Z","paginacao":{"paginaAtual":0,"itensPorPagina":100,"quantidadeDePaginas":1,"quantidadeTotalDeItens":1}}`
)

var (
	day0 = time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC)
	day1 = time.Date(2020, 4, 1, 23, 59, 59, 0, time.UTC)
)

// Known deviations of the spec's examples from its schemas, which the
// re-encoded value makes explicit.
var (
	// cobResponse2: loc lacks tipoCob, which PayloadLocation requires.
	fixLocTipoCob = func(w any) { at(w, "loc")["tipoCob"] = "" }
	// cobResponse4: lacks location, which CobVGerada requires.
	fixCobVLocation = func(w any) { at(w)["location"] = "" }
	// loteCobVResponse1 and 2: lack id, which LoteCobVConsultado requires.
	fixLoteID = func(w any) { at(w)["id"] = json.Number("0") }
	// pixResponse3: "prestadorDeServicoDeSaque", where the schema
	// (PixValorSaque) says "prestadorDoServicoDeSaque".
	fixPrestador = func(w any) {
		s := at(w, "componentesValor", "saque")
		s["prestadorDoServicoDeSaque"] = s["prestadorDeServicoDeSaque"]
		delete(s, "prestadorDeServicoDeSaque")
	}
	// cobBody6: lacks calendario, which CobSolicitada requires (its fields
	// are optional, so {} is the smallest valid value).
	fixCalendario = func(w any) { at(w)["calendario"] = map[string]any{} }
	// cobBody1: modalidade of multa, juros and desconto are strings ("2"),
	// where the schema (CobVValor) says integer.
	fixModalidades = func(w any) {
		for _, k := range []string{"multa", "juros", "desconto"} {
			m := at(w, "valor", k)
			m["modalidade"] = json.Number(m["modalidade"].(string))
		}
	}
)

// cobBody1Fixed is cobBody1 with integer modalidades, as its schema says.
var cobBody1Fixed = strings.NewReplacer(`"modalidade": "2"`, `"modalidade": 2`, `"modalidade": "1"`, `"modalidade": 1`).Replace(exCobBody1)

func TestResourceMethods(t *testing.T) {
	c, rec := newRecorded(t)

	tests := []struct {
		name string
		// do calls the method and returns its result (nil for methods
		// without one).
		do       func(ctx context.Context) (any, error)
		method   string
		path     string
		rawQuery string
		// reqBody is the JSON body the server must receive, "" for none;
		// reqFix states the known differences from it.
		reqBody string
		reqFix  func(any)
		// status and resp are the canned answer; respFix states the known
		// differences between resp and the result re-encoded.
		status  int
		resp    string
		respFix func(any)
	}{
		// cob
		{
			name: "CreateCob",
			do: func(ctx context.Context) (any, error) {
				return c.CreateCob(ctx, txid, mustDecode[pixapi.CobSolicitada](t, exCobBody2))
			},
			method: "PUT", path: "/api/v2/cob/" + txid, reqBody: exCobBody2,
			status: 201, resp: exCobResponse1,
		},
		{
			name: "CreateCobPSPTxID saque",
			do: func(ctx context.Context) (any, error) {
				return c.CreateCobPSPTxID(ctx, mustDecode[pixapi.CobSolicitada](t, exCobBody6))
			},
			method: "POST", path: "/api/v2/cob", reqBody: exCobBody6, reqFix: fixCalendario,
			status: 201, resp: exCobResponse5,
		},
		{
			name: "UpdateCob",
			do: func(ctx context.Context) (any, error) {
				return c.UpdateCob(ctx, txid, mustDecode[pixapi.CobRevisada](t, exCobBody3))
			},
			method: "PATCH", path: "/api/v2/cob/" + txid, reqBody: exCobBody3,
			status: 200, resp: exCobResponse3,
		},
		{
			name: "UpdateCob remove",
			do: func(ctx context.Context) (any, error) {
				return c.UpdateCob(ctx, txid, pixapi.CobRevisada{Status: pixapi.StatusRemovidaPeloUsuarioRecebedor})
			},
			method: "PATCH", path: "/api/v2/cob/" + txid, reqBody: exCobBody5,
			status: 200, resp: exCobResponse7,
		},
		{
			name:   "GetCob",
			do:     func(ctx context.Context) (any, error) { return c.GetCob(ctx, txid, nil) },
			method: "GET", path: "/api/v2/cob/" + txid,
			status: 200, resp: exCobResponse2, respFix: fixLocTipoCob,
		},
		{
			name:   "GetCob revisao 0",
			do:     func(ctx context.Context) (any, error) { return c.GetCob(ctx, txid, pixapi.Ptr(0)) },
			method: "GET", path: "/api/v2/cob/" + txid, rawQuery: "revisao=0",
			status: 200, resp: exCobResponse1,
		},
		{
			name: "ListCobs cpf page 2",
			do: func(ctx context.Context) (any, error) {
				return c.ListCobs(ctx, pixapi.CobListParams{Inicio: day0, Fim: day1, CPF: "12345678909", PaginaAtual: 2})
			},
			method: "GET", path: "/api/v2/cob",
			rawQuery: "inicio=" + inicio + "&fim=" + fim + "&cpf=12345678909&paginacao.paginaAtual=2",
			status:   200, resp: listOf(parametrosExample, "cobs", exCobResponse1), // getCobs2
		},
		{
			name: "ListCobs all filters",
			do: func(ctx context.Context) (any, error) {
				brt := time.FixedZone("BRT", -3*3600)
				return c.ListCobs(ctx, pixapi.CobListParams{
					Inicio:           time.Date(2020, 3, 31, 21, 0, 0, 0, brt),
					Fim:              time.Date(2020, 4, 1, 20, 59, 59, 999000000, brt),
					CNPJ:             "12ABC34501DE35",
					LocationPresente: pixapi.Ptr(false),
					Status:           pixapi.StatusConcluida,
					PaginaAtual:      0,
					ItensPorPagina:   1000,
				})
			},
			method: "GET", path: "/api/v2/cob",
			rawQuery: "inicio=" + inicio + "&fim=2020-04-01T23%3A59%3A59.999Z&cnpj=12ABC34501DE35&locationPresente=false&status=CONCLUIDA&paginacao.itensPorPagina=1000",
			status:   200, resp: listOf(parametrosExample, "cobs", exCobResponse2, exCobResponse5),
			respFix: func(w any) { fixLocTipoCob(at(w, "cobs", 0)) },
		},

		// cobv
		{
			name: "CreateCobV",
			do: func(ctx context.Context) (any, error) {
				return c.CreateCobV(ctx, txid, mustDecode[pixapi.CobVSolicitada](t, cobBody1Fixed))
			},
			method: "PUT", path: "/api/v2/cobv/" + txid, reqBody: exCobBody1, reqFix: fixModalidades,
			status: 201, resp: exCobResponse4, respFix: fixCobVLocation,
		},
		{
			name: "UpdateCobV",
			do: func(ctx context.Context) (any, error) {
				return c.UpdateCobV(ctx, txid, mustDecode[pixapi.CobVRevisada](t, exCobBody7))
			},
			method: "PATCH", path: "/api/v2/cobv/" + txid, reqBody: exCobBody7,
			status: 200, resp: exCobResponse4, respFix: fixCobVLocation,
		},
		{
			name:   "GetCobV revisao 2",
			do:     func(ctx context.Context) (any, error) { return c.GetCobV(ctx, txid, pixapi.Ptr(2)) },
			method: "GET", path: "/api/v2/cobv/" + txid, rawQuery: "revisao=2",
			status: 200, resp: exCobResponse4, respFix: fixCobVLocation,
		},
		{
			name: "ListCobsV lote",
			do: func(ctx context.Context) (any, error) {
				return c.ListCobsV(ctx, pixapi.CobVListParams{Inicio: day0, Fim: day1, Status: pixapi.StatusAtiva, LoteCobVID: pixapi.Ptr[int64](9007199254740993), ItensPorPagina: 10})
			},
			method: "GET", path: "/api/v2/cobv",
			rawQuery: "inicio=" + inicio + "&fim=" + fim + "&status=ATIVA&loteCobVId=9007199254740993&paginacao.itensPorPagina=10",
			status:   200, resp: listOf(parametrosExample, "cobs", exCobResponse4), // getCobsV1
			respFix: func(w any) { fixCobVLocation(at(w, "cobs", 0)) },
		},

		// lotecobv
		{
			name: "PutLoteCobV",
			do: func(ctx context.Context) (any, error) {
				return nil, c.PutLoteCobV(ctx, 42, mustDecode[pixapi.LoteCobVSolicitado](t, exLoteCobVBody1))
			},
			method: "PUT", path: "/api/v2/lotecobv/42", reqBody: exLoteCobVBody1,
			status: 202,
		},
		{
			name: "PatchLoteCobV",
			do: func(ctx context.Context) (any, error) {
				return nil, c.PatchLoteCobV(ctx, 42, mustDecode[pixapi.LoteCobVRevisado](t, exLoteCobVBodyRevisado1))
			},
			method: "PATCH", path: "/api/v2/lotecobv/42", reqBody: exLoteCobVBodyRevisado1,
			status: 202,
		},
		{
			name:   "GetLoteCobV",
			do:     func(ctx context.Context) (any, error) { return c.GetLoteCobV(ctx, 42) },
			method: "GET", path: "/api/v2/lotecobv/42",
			status: 200, resp: exLoteCobVResponse1, respFix: fixLoteID,
		},
		{
			name: "ListLotesCobV",
			do: func(ctx context.Context) (any, error) {
				return c.ListLotesCobV(ctx, pixapi.LoteCobVListParams{Inicio: day0, Fim: day1, PaginaAtual: 1, ItensPorPagina: 2})
			},
			method: "GET", path: "/api/v2/lotecobv",
			rawQuery: "inicio=" + inicio + "&fim=" + fim + "&paginacao.paginaAtual=1&paginacao.itensPorPagina=2",
			status:   200, resp: listOf(parametrosExample, "lotes", exLoteCobVResponse1, exLoteCobVResponse2), // getLotesCobsV
			respFix: func(w any) { fixLoteID(at(w, "lotes", 0)); fixLoteID(at(w, "lotes", 1)) },
		},

		// loc
		{
			name:   "CreateLoc",
			do:     func(ctx context.Context) (any, error) { return c.CreateLoc(ctx, pixapi.TipoCobCob) },
			method: "POST", path: "/api/v2/loc", reqBody: exPayloadLocationBody1,
			status: 201, resp: exPayloadLocationResponse4,
		},
		{
			name:   "GetLoc",
			do:     func(ctx context.Context) (any, error) { return c.GetLoc(ctx, 7716) },
			method: "GET", path: "/api/v2/loc/7716",
			status: 200, resp: exPayloadLocationResponse1,
		},
		{
			name: "ListLocs",
			do: func(ctx context.Context) (any, error) {
				return c.ListLocs(ctx, pixapi.LocListParams{Inicio: day0, Fim: day1, TxIDPresente: pixapi.Ptr(true), TipoCob: pixapi.TipoCobCobV})
			},
			method: "GET", path: "/api/v2/loc",
			rawQuery: "inicio=" + inicio + "&fim=" + fim + "&txIdPresente=true&tipoCob=cobv",
			status:   200, resp: listOf(parametrosExample, "loc", exPayloadLocationResponse1, exPayloadLocationResponse2, exPayloadLocationResponse3), // getPayloadLocation1
		},
		{
			name:   "UnlinkLocTxID",
			do:     func(ctx context.Context) (any, error) { return c.UnlinkLocTxID(ctx, 2316) },
			method: "DELETE", path: "/api/v2/loc/2316/txid",
			status: 200, resp: exPayloadLocationResponse4,
		},

		// pix
		{
			name:   "GetPix",
			do:     func(ctx context.Context) (any, error) { return c.GetPix(ctx, e2eid) },
			method: "GET", path: "/api/v2/pix/" + e2eid,
			status: 200, resp: exPixResponse1,
		},
		{
			name: "ListPix",
			do: func(ctx context.Context) (any, error) {
				return c.ListPix(ctx, pixapi.PixListParams{
					Inicio: day0, Fim: day1, TxID: "cd1fe328c875481285a6f233ae41b662",
					TxIDPresente: pixapi.Ptr(true), DevolucaoPresente: pixapi.Ptr(false), CPF: "12345678909", PaginaAtual: 3,
				})
			},
			method: "GET", path: "/api/v2/pix",
			rawQuery: "inicio=" + inicio + "&fim=" + fim + "&txid=cd1fe328c875481285a6f233ae41b662&txIdPresente=true&devolucaoPresente=false&cpf=12345678909&paginacao.paginaAtual=3",
			status:   200, resp: listOf(parametrosExample, "pix", exPixResponse1, exPixResponse2, exPixResponse3), // getPix1
			respFix: func(w any) { fixPrestador(at(w, "pix", 2)) },
		},
		{
			name: "CreateDevolucao",
			do: func(ctx context.Context) (any, error) {
				return c.CreateDevolucao(ctx, e2eid, "123456", mustDecode[pixapi.DevolucaoSolicitada](t, exDevolucaoSolicitada1))
			},
			method: "PUT", path: "/api/v2/pix/" + e2eid + "/devolucao/123456", reqBody: exDevolucaoSolicitada1,
			status: 201, resp: exDevolucaoResponse1,
		},
		{
			name: "CreateDevolucao retirada",
			do: func(ctx context.Context) (any, error) {
				return c.CreateDevolucao(ctx, e2eid, "d1", pixapi.DevolucaoSolicitada{Valor: "20.00", Natureza: pixapi.NaturezaRetirada, Descricao: "Troco"})
			},
			method: "PUT", path: "/api/v2/pix/" + e2eid + "/devolucao/d1", reqBody: `{"valor":"20.00","natureza":"RETIRADA","descricao":"Troco"}`,
			status: 201, resp: exDevolucaoResponse1,
		},
		{
			name:   "GetDevolucao",
			do:     func(ctx context.Context) (any, error) { return c.GetDevolucao(ctx, e2eid, "502") },
			method: "GET", path: "/api/v2/pix/" + e2eid + "/devolucao/502",
			status: 200, resp: exDevolucaoResponse2,
		},

		// webhook
		{
			name: "PutWebhook",
			do: func(ctx context.Context) (any, error) {
				return nil, c.PutWebhook(ctx, "40a0932d-1918-4eee-845d-35a2da1690dc", "https://pix.example.com/api/webhook/")
			},
			method: "PUT", path: "/api/v2/webhook/40a0932d-1918-4eee-845d-35a2da1690dc", reqBody: exWebhookBody1,
			status: 200,
		},
		{
			name:   "GetWebhook phone key",
			do:     func(ctx context.Context) (any, error) { return c.GetWebhook(ctx, "+5561988887777") },
			method: "GET", path: "/api/v2/webhook/+5561988887777",
			status: 200, resp: exWebhookResponse1,
		},
		{
			name:   "GetWebhook escaped key",
			do:     func(ctx context.Context) (any, error) { return c.GetWebhook(ctx, "a b/c?d#e%f") },
			method: "GET", path: "/api/v2/webhook/a%20b%2Fc%3Fd%23e%25f",
			status: 200, resp: exWebhookResponse1,
		},
		{
			name:   "DeleteWebhook",
			do:     func(ctx context.Context) (any, error) { return nil, c.DeleteWebhook(ctx, "fulano@example.com") },
			method: "DELETE", path: "/api/v2/webhook/fulano@example.com",
			status: 204,
		},
		{
			name:   "ListWebhooks",
			do:     func(ctx context.Context) (any, error) { return c.ListWebhooks(ctx, pixapi.WebhookListParams{}) },
			method: "GET", path: "/api/v2/webhook",
			status: 200, resp: listOf(parametrosExample, "webhooks", exRecWebhookResponse1), // getWebhook1
		},
		{
			name: "ListWebhooks inicio",
			do: func(ctx context.Context) (any, error) {
				return c.ListWebhooks(ctx, pixapi.WebhookListParams{Inicio: day0, ItensPorPagina: 5})
			},
			method: "GET", path: "/api/v2/webhook", rawQuery: "inicio=" + inicio + "&paginacao.itensPorPagina=5",
			status: 200, resp: `{"webhooks":[` + exWebhookResponse1 + `]}`,
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec.respond(tc.status, tc.resp)
			got, err := tc.do(t.Context())
			if err != nil {
				t.Fatal(err)
			}

			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("server got %d requests, want 1: %+v", len(reqs), reqs)
			}
			r := reqs[0]
			if r.Method != tc.method || r.Path != tc.path || r.RawQuery != tc.rawQuery {
				t.Errorf("request %s %s?%s\nwant    %s %s?%s", r.Method, r.Path, r.RawQuery, tc.method, tc.path, tc.rawQuery)
			}
			if tc.reqBody == "" {
				if r.Body != "" || r.ContentType != "" {
					t.Errorf("request has body %q (Content-Type %q), want none", r.Body, r.ContentType)
				}
			} else {
				if r.ContentType != "application/json" {
					t.Errorf("Content-Type %q, want application/json", r.ContentType)
				}
				assertJSON(t, "request body", []byte(r.Body), []byte(tc.reqBody), tc.reqFix)
			}

			if tc.resp == "" {
				if got != nil {
					t.Errorf("result %v for an empty response", got)
				}
				return
			}
			strictDecode(t, []byte(tc.resp), got)
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			assertJSON(t, "re-encoded response", b, []byte(tc.resp), tc.respFix)
		})
	}
}

// The txid, e2eid, devolução id and chave path segments must not be empty:
// PUT /cob/ would address another resource. Nothing is sent.
func TestEmptyPathParameter(t *testing.T) {
	c, rec := newRecorded(t)
	rec.respond(200, `{}`)
	ctx := t.Context()
	calls := map[string]func() error{
		"CreateCob":       func() error { _, err := c.CreateCob(ctx, "", pixapi.CobSolicitada{}); return err },
		"UpdateCob":       func() error { _, err := c.UpdateCob(ctx, "", pixapi.CobRevisada{}); return err },
		"GetCob":          func() error { _, err := c.GetCob(ctx, "", nil); return err },
		"CreateCobV":      func() error { _, err := c.CreateCobV(ctx, "", pixapi.CobVSolicitada{}); return err },
		"UpdateCobV":      func() error { _, err := c.UpdateCobV(ctx, "", pixapi.CobVRevisada{}); return err },
		"GetCobV":         func() error { _, err := c.GetCobV(ctx, "", nil); return err },
		"GetPix":          func() error { _, err := c.GetPix(ctx, ""); return err },
		"CreateDevolucao": func() error { _, err := c.CreateDevolucao(ctx, e2eid, "", pixapi.DevolucaoSolicitada{}); return err },
		"GetDevolucao":    func() error { _, err := c.GetDevolucao(ctx, "", "1"); return err },
		"PutWebhook":      func() error { return c.PutWebhook(ctx, "", "https://example.com") },
		"GetWebhook":      func() error { _, err := c.GetWebhook(ctx, ""); return err },
		"DeleteWebhook":   func() error { return c.DeleteWebhook(ctx, "") },
	}
	for name, call := range calls {
		if err := call(); err == nil || !strings.Contains(err.Error(), "empty path parameter") {
			t.Errorf("%s: err = %v, want empty path parameter", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Errors come back as the typed errors of Do, and no result.
func TestResourceMethodError(t *testing.T) {
	c, rec := newRecorded(t)
	rec.respond(404, `{"type":"https://pix.bcb.gov.br/api/v2/error/CobNaoEncontrado","title":"Cobrança não encontrada","status":404,"detail":"Não foi encontrada a cobrança."}`)
	cob, err := c.GetCob(t.Context(), txid, nil)
	var p *pixapi.Problem
	if cob != nil || !errors.Is(err, pixapi.ErrNotFound) || !errors.As(err, &p) || p.Tipo() != "CobNaoEncontrado" {
		t.Fatalf("GetCob = %v, %v; want nil and a CobNaoEncontrado problem", cob, err)
	}

	rec.respond(400, `{"type":"https://pix.bcb.gov.br/api/v2/error/LoteCobVOperacaoInvalida","title":"Lote inválido","status":400,"violacoes":[{"razao":"txid fora do lote","propriedade":"cobsv[0].txid"}]}`)
	err = c.PatchLoteCobV(t.Context(), 1, pixapi.LoteCobVRevisado{})
	if !errors.As(err, &p) || p.Status != 400 || len(p.Violacoes) != 1 {
		t.Fatalf("PatchLoteCobV = %v, want a 400 problem with a violation", err)
	}
	if r := rec.requests()[0]; r.Body != `{}` {
		t.Errorf("empty LoteCobVRevisado sent as %s, want {}", r.Body)
	}
}

// A 2xx answer without a body is fine for the methods that return nothing,
// and a 200 with a body is read and dropped.
func TestNoContentAnswers(t *testing.T) {
	c, rec := newRecorded(t)
	for _, status := range []int{200, 201, 202, 204} {
		rec.respond(status, "")
		if err := c.DeleteWebhook(t.Context(), "k"); err != nil {
			t.Errorf("status %d: %v", status, err)
		}
	}
	rec.respond(200, `{"webhookUrl":"https://x"}`) // some PSPs echo the webhook
	if err := c.PutWebhook(t.Context(), "k", "https://x"); err != nil {
		t.Error(err)
	}
}
