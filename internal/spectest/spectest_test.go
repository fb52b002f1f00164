package spectest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/brasa-dev/brasa/internal/spectest"
)

// recorder is a testing.TB that records what would fail or skip a test
// instead of doing it. Fatal and Skip end the calling goroutine, as they
// do on a real T: call them inside run.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errors  []string
	logs    []string
	fatal   string
	skipped string
}

func (r *recorder) Logf(format string, args ...any) { r.add(&r.logs, fmt.Sprintf(format, args...)) }

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) { r.add(&r.errors, fmt.Sprintf(format, args...)) }
func (r *recorder) Error(args ...any)                 { r.add(&r.errors, fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) { r.stop(&r.fatal, fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any)                 { r.stop(&r.fatal, fmt.Sprint(args...)) }
func (r *recorder) Skip(args ...any)                  { r.stop(&r.skipped, fmt.Sprint(args...)) }
func (r *recorder) Skipf(format string, args ...any) {
	r.stop(&r.skipped, fmt.Sprintf(format, args...))
}

func (r *recorder) add(to *[]string, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*to = append(*to, msg)
}

func (r *recorder) stop(to *string, msg string) {
	r.mu.Lock()
	*to = msg
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errors)
}

// run calls f with a recorder in its own goroutine (Fatal and Skip end it)
// and returns the recorder.
func run(t *testing.T, f func(tb testing.TB)) *recorder {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

// wantClean fails t when r recorded anything.
func wantClean(t *testing.T, r *recorder) {
	t.Helper()
	for _, e := range r.Errors() {
		t.Errorf("unexpected report: %s", e)
	}
	if r.fatal != "" {
		t.Errorf("unexpected fatal: %s", r.fatal)
	}
}

// wantReport fails t unless r recorded an error containing every one of
// parts.
func wantReport(t *testing.T, r *recorder, parts ...string) {
	t.Helper()
	errs := r.Errors()
	for _, e := range errs {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(e, p)
		}
		if ok {
			t.Logf("reported as expected: %s", e)
			return
		}
	}
	t.Errorf("no report containing %q; got %q", parts, errs)
}

// example returns the spec's example name as a map.
func example(t *testing.T, spec *spectest.Spec, name string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(spec.Example(t, name), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	jsonHeader    = http.Header{"Content-Type": {"application/json"}}
	problemHeader = http.Header{"Content-Type": {"application/problem+json"}}
)

// request returns a server-side request as brasa's handlers see it.
func request(method, target string, body []byte) *http.Request {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// cobGerada returns the spec's cobResponse example name with what the
// schema requires and the examples omit: the loc of CobGerada and CobVGerada
// requires txid and criacao, and CobVGerada requires location (the spec's
// examples predate that).
func cobGerada(t *testing.T, spec *spectest.Spec, name string) map[string]any {
	t.Helper()
	cob := example(t, spec, name)
	loc := cob["loc"].(map[string]any)
	loc["txid"] = cob["txid"]
	loc["criacao"] = "2020-09-09T20:15:00.358Z"
	cob["location"] = loc["location"]
	return cob
}

func TestLoad(t *testing.T) {
	spec := spectest.Load(t)
	if spec != spectest.Load(t) {
		t.Error("Load parsed the spec twice")
	}
	t.Logf("spec %s, patched:", spec.Path())
	for _, name := range spectest.Patches() {
		t.Logf("  %s: %s", name, spectest.PatchWhy(name))
	}
	if got := spec.Doc().Paths.Value("/cobv/{pixUrlAccessToken}"); got != nil {
		t.Error("the payload path /cobv/{pixUrlAccessToken} is still in the API view")
	}
	if got := spec.Doc().Paths.Value("/cob/{txid}"); got == nil {
		t.Error("the API view lost /cob/{txid}")
	}
}

func TestPatches(t *testing.T) {
	want := []string{
		"unwrap-slash-patterns",
		"anchor-patterns",
		"pix-txid-allof",
		"expiracao-default-integer",
		"pixconsultados-requires-pix",
		"cobsconsultadas-drop-idcob",
		"webhookcompleto-chave-not-cnpj",
		"payloadlocationcob-request",
		"retirada-oneof-exclusive",
		"desconto-oneof-exclusive",
		"dadosrecebedor-required-misplaced",
		"list-operations-400",
		"separate-payload-paths",
		"servers-api-v2",
	}
	if got := spectest.Patches(); !slices.Equal(got, want) {
		t.Errorf("Patches() = %q, want %q", got, want)
	}
	for _, name := range spectest.Patches() {
		if spectest.PatchWhy(name) == "" {
			t.Errorf("patch %s has no reason", name)
		}
	}
}

func TestGeneralStatuses(t *testing.T) {
	got := spectest.GeneralStatuses()
	codes := slices.Sorted(func(yield func(int) bool) {
		for c := range got {
			if !yield(c) {
				return
			}
		}
	})
	want := []int{400, 401, 403, 404, 410, 413, 429, 500, 503, 504}
	if !slices.Equal(codes, want) {
		t.Errorf("GeneralStatuses() = %v, want %v", codes, want)
	}
}

func TestLoadMissingSpec(t *testing.T) {
	t.Run("skips", func(t *testing.T) {
		t.Setenv(spectest.EnvRequireSpec, "")
		r := run(t, func(tb testing.TB) { spectest.ReportLoad(tb, "/nonexistent/pix.yaml", true, nil) })
		want := "Pix spec not found at /nonexistent/pix.yaml: set BRASA_PIX_SPEC (CI does) — responses are not validated"
		if r.skipped != want || r.fatal != "" {
			t.Errorf("skipped %q, fatal %q; want skipped %q", r.skipped, r.fatal, want)
		}
	})
	t.Run("fails when required", func(t *testing.T) {
		t.Setenv(spectest.EnvRequireSpec, "1")
		r := run(t, func(tb testing.TB) { spectest.ReportLoad(tb, "/nonexistent/pix.yaml", true, nil) })
		if !strings.Contains(r.fatal, "Pix spec not found at /nonexistent/pix.yaml") || r.skipped != "" {
			t.Errorf("fatal %q, skipped %q; want a failure", r.fatal, r.skipped)
		}
	})
}

// TestValidatorWithoutSpec: on a fresh clone without ../shared an end-to-end
// test goes on with its own assertions; only the spec checks are skipped,
// and the test log says so. CI (BRASA_REQUIRE_SPEC) fails instead.
func TestValidatorWithoutSpec(t *testing.T) {
	t.Run("checks skipped, test goes on", func(t *testing.T) {
		t.Setenv(spectest.EnvRequireSpec, "")
		base := &http.Transport{}
		var client *http.Client
		r := run(t, func(tb testing.TB) {
			s := spectest.ReportValidator(tb, "/nonexistent/pix.yaml", true, nil, nil)
			if s != nil {
				tb.Fatalf("Validator = %v, want nil without the spec file", s)
			}
			garbage := []byte("not a Pix answer")
			s.ValidateResponse(tb, request("GET", "/api/v2/cob/abc", nil), 500, jsonHeader, garbage)
			s.ValidatePayloadResponse(tb, request("GET", "/qr/v2/abc", nil), 200, jsonHeader, garbage)
			s.ValidatePayload(tb, "cob", garbage)
			s.ValidateWebhookNotification(tb, garbage)
			client = s.Client(tb, &http.Client{Transport: base})
		})
		if r.skipped != "" || r.fatal != "" || len(r.Errors()) > 0 {
			t.Fatalf("skipped %q, fatal %q, errors %q; want the test to go on unchecked", r.skipped, r.fatal, r.Errors())
		}
		if client == nil || client.Transport != base {
			t.Errorf("Client on a nil Spec wrapped the transport: %#v", client)
		}
		want := "spec validation skipped: Pix spec not found at /nonexistent/pix.yaml"
		if len(r.logs) != 1 || !strings.HasPrefix(r.logs[0], want) {
			t.Errorf("logs %q, want one line starting %q", r.logs, want)
		}
	})
	t.Run("fails when required", func(t *testing.T) {
		t.Setenv(spectest.EnvRequireSpec, "1")
		r := run(t, func(tb testing.TB) { spectest.ReportValidator(tb, "/nonexistent/pix.yaml", true, nil, nil) })
		if !strings.Contains(r.fatal, "Pix spec not found at /nonexistent/pix.yaml") || r.skipped != "" {
			t.Errorf("fatal %q, skipped %q; want a failure", r.fatal, r.skipped)
		}
	})
	t.Run("a broken spec fails", func(t *testing.T) {
		t.Setenv(spectest.EnvRequireSpec, "")
		r := run(t, func(tb testing.TB) {
			spectest.ReportValidator(tb, "/x/pix.yaml", false, errors.New("yaml: bad"), nil)
		})
		if !strings.Contains(r.fatal, "yaml: bad") {
			t.Errorf("fatal %q; want the parse error", r.fatal)
		}
	})
}

func TestPutCob(t *testing.T) {
	spec := spectest.Load(t)
	cob := cobGerada(t, spec, "cobResponse1")
	txid := cob["txid"].(string)
	reqBody := spec.Example(t, "cobBody2") // PUT /cob/{txid}'s own request example

	for _, root := range []string{"/api/v2", "/v2"} {
		t.Run("valid "+root, func(t *testing.T) {
			r := run(t, func(tb testing.TB) {
				spec.ValidateResponse(tb, request("PUT", root+"/cob/"+txid, reqBody), 201, jsonHeader, mustJSON(t, cob))
			})
			wantClean(t, r)
		})
	}
	t.Run("charset allowed", func(t *testing.T) {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("PUT", "/api/v2/cob/"+txid, reqBody), 201, h, mustJSON(t, cob))
		})
		wantClean(t, r)
	})
	t.Run("missing status", func(t *testing.T) {
		bad := cobGerada(t, spec, "cobResponse1")
		delete(bad, "status")
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("PUT", "/api/v2/cob/"+txid, reqBody), 201, jsonHeader, mustJSON(t, bad))
		})
		wantReport(t, r, "PUT /api/v2/cob/"+txid, "201", `"status" is missing`)
	})
	t.Run("unanchored money", func(t *testing.T) {
		bad := cobGerada(t, spec, "cobResponse1")
		bad["valor"].(map[string]any)["original"] = "x37.00y"
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("PUT", "/api/v2/cob/"+txid, reqBody), 201, jsonHeader, mustJSON(t, bad))
		})
		wantReport(t, r, `doesn't match the regular expression "^\d{1,10}\.\d{2}$"`, "x37.00y")
	})
	t.Run("wrong content type", func(t *testing.T) {
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("PUT", "/api/v2/cob/"+txid, reqBody), 201, http.Header{"Content-Type": {"text/plain"}}, mustJSON(t, cob))
		})
		wantReport(t, r, "text/plain")
	})
	t.Run("undeclared status", func(t *testing.T) {
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("PUT", "/api/v2/cob/"+txid, reqBody), 200, jsonHeader, mustJSON(t, cob))
		})
		wantReport(t, r, "status 200 is neither declared")
	})
	t.Run("2xx to an invalid request", func(t *testing.T) {
		var body map[string]any
		if err := json.Unmarshal(reqBody, &body); err != nil {
			t.Fatal(err)
		}
		delete(body, "chave")
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("PUT", "/api/v2/cob/"+txid, mustJSON(t, body)), 201, jsonHeader, mustJSON(t, cob))
		})
		wantReport(t, r, "the request violates the spec, yet was answered 201", "chave")
	})
	t.Run("request loc.id", func(t *testing.T) {
		// payloadlocationcob-request: the client names the location by id.
		var body map[string]any
		if err := json.Unmarshal(reqBody, &body); err != nil {
			t.Fatal(err)
		}
		body["loc"] = map[string]any{"id": 789}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("PUT", "/api/v2/cob/"+txid, mustJSON(t, body)), 201, jsonHeader, mustJSON(t, cob))
		})
		wantClean(t, r)
	})
	t.Run("saque", func(t *testing.T) {
		// retirada-oneof-exclusive: the spec's Saque example validates.
		saque := cobGerada(t, spec, "cobResponse5")
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", "/api/v2/cob/"+saque["txid"].(string), nil), 200, jsonHeader, mustJSON(t, saque))
		})
		wantClean(t, r)
	})
}

func TestCobV(t *testing.T) {
	spec := spectest.Load(t)
	cobv := cobGerada(t, spec, "cobResponse4")
	txid := cobv["txid"].(string)
	t.Run("valid", func(t *testing.T) {
		// dadosrecebedor-required-misplaced: the spec's own cobv example.
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", "/api/v2/cobv/"+txid, nil), 200, jsonHeader, mustJSON(t, cobv))
		})
		wantClean(t, r)
	})
	t.Run("percentage discount", func(t *testing.T) {
		// desconto-oneof-exclusive.
		cobv := cobGerada(t, spec, "cobResponse4")
		cobv["valor"].(map[string]any)["desconto"] = map[string]any{"modalidade": 3, "valorPerc": "1.50"}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", "/api/v2/cobv/"+txid, nil), 200, jsonHeader, mustJSON(t, cobv))
		})
		wantClean(t, r)
	})
}

func TestProblem(t *testing.T) {
	spec := spectest.Load(t)
	const path = "/api/v2/cob/7978c0c97ea847e78e8849634473c1f1"
	notFound := example(t, spec, "NaoEncontradoExample1")
	t.Run("404", func(t *testing.T) {
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", path, nil), 404, problemHeader, mustJSON(t, notFound))
		})
		wantClean(t, r)
	})
	t.Run("status as string", func(t *testing.T) {
		bad := example(t, spec, "NaoEncontradoExample1")
		bad["status"] = "404"
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", path, nil), 404, problemHeader, mustJSON(t, bad))
		})
		wantReport(t, r, "GET "+path, "404", "/status")
	})
	t.Run("status differs", func(t *testing.T) {
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", path, nil), 403, problemHeader, mustJSON(t, notFound))
		})
		wantReport(t, r, "problem status is 404, HTTP status 403")
	})
	t.Run("as application/json", func(t *testing.T) {
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", path, nil), 404, jsonHeader, mustJSON(t, notFound))
		})
		wantReport(t, r, "application/json")
	})
	t.Run("general 401", func(t *testing.T) {
		p := map[string]any{"type": spectest.ErrorTypePrefix + "AcessoNegado", "title": "Acesso Negado", "status": 401}
		h := problemHeader.Clone()
		h.Set("WWW-Authenticate", `Bearer realm="brasa", error="invalid_token"`)
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", path, nil), 401, h, mustJSON(t, p))
		})
		wantClean(t, r)
		r = run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", path, nil), 401, problemHeader, mustJSON(t, p))
		})
		wantReport(t, r, "WWW-Authenticate")
	})
	t.Run("undeclared 409", func(t *testing.T) {
		p := map[string]any{"type": spectest.ErrorTypePrefix + "CobOperacaoInvalida", "title": "x", "status": 409}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", path, nil), 409, problemHeader, mustJSON(t, p))
		})
		wantReport(t, r, "status 409 is neither declared")
	})
	t.Run("mTLS edge page", func(t *testing.T) {
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", path, nil), 403, http.Header{"Content-Type": {"text/html"}},
				[]byte("<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD></HTML>"))
		})
		wantClean(t, r)
	})
	t.Run("list 400", func(t *testing.T) {
		// list-operations-400.
		p := map[string]any{"type": spectest.ErrorTypePrefix + "CobConsultaInvalida", "title": "Consulta inválida", "status": 400,
			"violacoes": []any{map[string]any{"razao": "fim anterior a inicio", "propriedade": "fim"}}}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", "/api/v2/cob?inicio=2020-04-02T00:00:00Z&fim=2020-04-01T00:00:00Z", nil),
				400, problemHeader, mustJSON(t, p))
		})
		wantClean(t, r)
	})
}

func TestLists(t *testing.T) {
	spec := spectest.Load(t)
	params := example(t, spec, "getCobs1")["parametros"]
	t.Run("GET /pix with pix", func(t *testing.T) {
		// pixconsultados-requires-pix.
		body := map[string]any{"parametros": params, "pix": []any{example(t, spec, "pixResponse1")}}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", "/api/v2/pix?inicio=2020-04-01T00:00:00Z&fim=2020-04-02T10:00:00Z", nil),
				200, jsonHeader, mustJSON(t, body))
		})
		wantClean(t, r)
	})
	t.Run("GET /pix with cobs", func(t *testing.T) {
		body := map[string]any{"parametros": params, "cobs": []any{example(t, spec, "pixResponse1")}}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", "/api/v2/pix?inicio=2020-04-01T00:00:00Z&fim=2020-04-02T10:00:00Z", nil),
				200, jsonHeader, mustJSON(t, body))
		})
		wantReport(t, r, `"pix" is missing`)
	})
	t.Run("GET /cob by cpf", func(t *testing.T) {
		// unwrap-slash-patterns (the cpf filter) and cobsconsultadas-drop-idcob.
		body := map[string]any{"parametros": params, "cobs": []any{cobGerada(t, spec, "cobResponse1")}}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", "/api/v2/cob?inicio=2020-04-01T00:00:00Z&fim=2020-04-02T10:00:00Z&cpf=12345678909", nil),
				200, jsonHeader, mustJSON(t, body))
		})
		wantClean(t, r)
	})
	t.Run("GET /cob without inicio", func(t *testing.T) {
		body := map[string]any{"parametros": params, "cobs": []any{}}
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("GET", "/api/v2/cob?fim=2020-04-02T10:00:00Z", nil), 200, jsonHeader, mustJSON(t, body))
		})
		wantReport(t, r, "the request violates the spec", "inicio")
	})
}

func TestWebhook(t *testing.T) {
	spec := spectest.Load(t)
	// webhookcompleto-chave-not-cnpj: the spec's own example.
	wh := example(t, spec, "webhookResponse1")
	path := "/api/v2/webhook/" + wh["chave"].(string)
	r := run(t, func(tb testing.TB) {
		spec.ValidateResponse(tb, request("GET", path, nil), 200, jsonHeader, mustJSON(t, wh))
	})
	wantClean(t, r)

	delete(wh, "chave")
	r = run(t, func(tb testing.TB) {
		spec.ValidateResponse(tb, request("GET", path, nil), 200, jsonHeader, mustJSON(t, wh))
	})
	wantReport(t, r, `"chave" is missing`)

	t.Run("no body declared", func(t *testing.T) {
		r := run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("DELETE", path, nil), 204, nil, nil)
		})
		wantClean(t, r)
		r = run(t, func(tb testing.TB) {
			spec.ValidateResponse(tb, request("PUT", path, spec.Example(tb, "webhookBody1")), 200, jsonHeader, []byte(`{"ok":true}`))
		})
		wantReport(t, r, "declares no body for 200")
	})
	t.Run("notification", func(t *testing.T) {
		body := map[string]any{"pix": []any{example(t, spec, "pixWebhook2")}}
		r := run(t, func(tb testing.TB) { spec.ValidateWebhookNotification(tb, mustJSON(t, body)) })
		wantClean(t, r)
		// pixWebhook1 has devolucoes as an object (a defect of the example).
		body = map[string]any{"pix": []any{example(t, spec, "pixWebhook1")}}
		r = run(t, func(tb testing.TB) { spec.ValidateWebhookNotification(tb, mustJSON(t, body)) })
		wantReport(t, r, "/devolucoes")
	})
	t.Run("static code txid", func(t *testing.T) {
		// pix-txid-allof: a static QR code's txid (at most 25 characters)
		// passes; a txid with other characters does not.
		pix := map[string]any{"endToEndId": "E12345678202009091221abcdef12345", "txid": "LOJA42", "valor": "10.00", "horario": "2020-09-09T20:15:00.358Z"}
		r := run(t, func(tb testing.TB) {
			spec.ValidateWebhookNotification(tb, mustJSON(t, map[string]any{"pix": []any{pix}}))
		})
		wantClean(t, r)
		pix["txid"] = "LOJA-42"
		r = run(t, func(tb testing.TB) {
			spec.ValidateWebhookNotification(tb, mustJSON(t, map[string]any{"pix": []any{pix}}))
		})
		wantReport(t, r, "/txid")
	})
}

func TestPayload(t *testing.T) {
	spec := spectest.Load(t)
	for kind, name := range map[string]string{"cob": "cobPayload1", "cobv": "cobPayload2"} {
		t.Run(kind, func(t *testing.T) {
			payload := spec.Example(t, name)
			wantClean(t, run(t, func(tb testing.TB) { spec.ValidatePayload(tb, kind, payload) }))

			bad := example(t, spec, name)
			delete(bad, "txid")
			r := run(t, func(tb testing.TB) { spec.ValidatePayload(tb, kind, mustJSON(t, bad)) })
			wantReport(t, r, kind+" payload", `"txid" is missing`)

			bad = example(t, spec, name)
			bad["valor"].(map[string]any)["original"] = "500"
			r = run(t, func(tb testing.TB) { spec.ValidatePayload(tb, kind, mustJSON(t, bad)) })
			wantReport(t, r, kind+" payload", "/valor/original", `(value "500")`)
		})
	}
	t.Run("unknown kind", func(t *testing.T) {
		r := run(t, func(tb testing.TB) { spec.ValidatePayload(tb, "rec", []byte(`{}`)) })
		wantReport(t, r, "unknown payload kind")
	})

	jws := func(header string, payload []byte) []byte {
		enc := base64.RawURLEncoding.EncodeToString
		return []byte(enc([]byte(header)) + "." + enc(payload) + "." + enc([]byte("signature")))
	}
	jose := http.Header{"Content-Type": {"application/jose"}}
	t.Run("served JWS", func(t *testing.T) {
		body := jws(`{"alg":"PS256","kid":"k1"}`, spec.Example(t, "cobPayload1"))
		r := run(t, func(tb testing.TB) {
			spec.ValidatePayloadResponse(tb, request("GET", "/qr/v2/8b3da2f39a4140d1a91abd93113bd441", nil), 200, jose, body)
		})
		wantClean(t, r)
		body = jws(`{"alg":"PS256"}`, spec.Example(t, "cobPayload2"))
		r = run(t, func(tb testing.TB) {
			spec.ValidatePayloadResponse(tb, request("GET", "/qr/v2/cobv/8b3da2f39a4140d1a91abd93113bd441?DPP=2020-12-31", nil), 200, jose, body)
		})
		wantClean(t, r)
	})
	t.Run("served JWS, alg none", func(t *testing.T) {
		body := jws(`{"alg":"none"}`, spec.Example(t, "cobPayload1"))
		r := run(t, func(tb testing.TB) {
			spec.ValidatePayloadResponse(tb, request("GET", "/qr/v2/8b3da2f39a4140d1a91abd93113bd441", nil), 200, jose, body)
		})
		wantReport(t, r, `JWS alg "none"`)
	})
	t.Run("gone", func(t *testing.T) {
		p := map[string]any{"type": spectest.ErrorTypePrefix + "CobPayloadNaoEncontrado", "title": "Não encontrado", "status": 410}
		r := run(t, func(tb testing.TB) {
			spec.ValidatePayloadResponse(tb, request("GET", "/qr/v2/8b3da2f39a4140d1a91abd93113bd441", nil), 410, problemHeader, mustJSON(t, p))
		})
		wantClean(t, r)
	})
	t.Run("bad codMun", func(t *testing.T) {
		// unwrap-slash-patterns also fixed codMun: a 200 to a bad one is reported.
		body := jws(`{"alg":"PS256"}`, spec.Example(t, "cobPayload2"))
		r := run(t, func(tb testing.TB) {
			spec.ValidatePayloadResponse(tb, request("GET", "/qr/v2/cobv/8b3da2f39a4140d1a91abd93113bd441?codMun=53000", nil), 200, jose, body)
		})
		wantReport(t, r, "codMun")
		r = run(t, func(tb testing.TB) {
			spec.ValidatePayloadResponse(tb, request("GET", "/qr/v2/cobv/8b3da2f39a4140d1a91abd93113bd441?codMun=5300108", nil), 200, jose, body)
		})
		wantClean(t, r)
	})
}

func TestUnknownPath(t *testing.T) {
	spec := spectest.Load(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v2/nada"},
		{"GET", "/v2/nada"},
		{"DELETE", "/api/v2/cob/7978c0c97ea847e78e8849634473c1f1"},
		{"GET", "/api/v2/8b3da2f39a4140d1a91abd93113bd441"}, // a payload location is not an API path
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := run(t, func(tb testing.TB) {
				spec.ValidateResponse(tb, request(tc.method, tc.path, nil), 200, jsonHeader, []byte(`{}`))
			})
			wantReport(t, r, tc.method+" "+tc.path, "no operation of the spec matches")
		})
	}
}

func TestTransport(t *testing.T) {
	spec := spectest.Load(t)
	cob := mustJSON(t, cobGerada(t, spec, "cobResponse1"))
	txid := "7978c0c97ea847e78e8849634473c1f1"
	reqBody := spec.Example(t, "cobBody2")

	var mu sync.Mutex
	var received []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth/token", "/healthz":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "not validated")
		case "/api/v2/cob/" + txid:
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			received = b
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			w.Write(cob)
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{}`)
		}
	}))
	defer srv.Close()

	r := run(t, func(tb testing.TB) {
		c := spec.Client(tb, srv.Client())
		for _, path := range []string{"/oauth/token", "/healthz"} {
			resp, err := c.Post(srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials"))
			if err != nil {
				tb.Fatal(err)
			}
			resp.Body.Close()
		}

		// A body without GetBody: the transport must still send it whole.
		req, err := http.NewRequest("PUT", srv.URL+"/api/v2/cob/"+txid, io.NopCloser(bytes.NewReader(reqBody)))
		if err != nil {
			tb.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 || !bytes.Equal(got, cob) {
			tb.Fatalf("caller got %d %q, want 201 and the server's body", resp.StatusCode, got)
		}

		resp, err = c.Get(srv.URL + "/api/v2/nada")
		if err != nil {
			tb.Fatal(err)
		}
		resp.Body.Close()
	})
	if r.fatal != "" {
		t.Fatal(r.fatal)
	}
	mu.Lock()
	if !bytes.Equal(received, reqBody) {
		t.Errorf("server received %q, want %q", received, reqBody)
	}
	mu.Unlock()
	errs := r.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "GET /api/v2/nada") {
		t.Errorf("reports %q, want exactly one, for GET /api/v2/nada", errs)
	}
}

func TestIsAPIPath(t *testing.T) {
	for path, want := range map[string]bool{
		"/api/v2/cob/x": true, "/v2/cob": true, "/v2/": true,
		"/oauth/token": false, "/sandbox/v1/clock": false, "/healthz": false, "/api/v2": false, "/v20/cob": false, "/qr/v2/x": false,
	} {
		if got := spectest.IsAPIPath(path); got != want {
			t.Errorf("IsAPIPath(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestConcurrent(t *testing.T) {
	spec := spectest.Load(t)
	cob := mustJSON(t, cobGerada(t, spec, "cobResponse1"))
	reqBody := spec.Example(t, "cobBody2")
	r := run(t, func(tb testing.TB) {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				spec.ValidateResponse(tb, request("PUT", "/api/v2/cob/7978c0c97ea847e78e8849634473c1f1", reqBody), 201, jsonHeader, cob)
				spec.ValidateResponse(tb, request("GET", "/api/v2/nada", nil), 200, jsonHeader, []byte(`{}`))
			})
		}
		wg.Wait()
	})
	if got := len(r.Errors()); got != 8 {
		t.Errorf("%d reports, want 8 (one per GET /api/v2/nada): %q", got, r.Errors())
	}
}

// TestPatchesFailWhenFixed applies every patch a second time: each must
// fail, as it will when a new spec release fixes its defect.
func TestPatchesFailWhenFixed(t *testing.T) {
	spec := spectest.Load(t)
	again := spectest.ReapplyPatches(t, spec.Path())
	for _, name := range spectest.Patches() {
		if err := again[name]; err == nil {
			t.Errorf("patch %s applied twice without complaint", name)
		} else {
			t.Logf("%s again: %v", name, err)
		}
	}
}
