package spectest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Environment variables read by [Load].
const (
	// EnvSpec names the spec file; relative paths are relative to the
	// working directory of the test.
	EnvSpec = "BRASA_PIX_SPEC"
	// EnvRequireSpec, when not empty, turns a missing spec into a failure.
	EnvRequireSpec = "BRASA_REQUIRE_SPEC"
	// DefaultSpec is the spec file relative to the module root.
	DefaultSpec = "../shared/specs/pix-api-2.9.0.yaml"
)

// ErrorTypePrefix starts the type URI of every Pix API problem (the spec's
// preamble, "Tratamento de erros").
const ErrorTypePrefix = "https://pix.bcb.gov.br/api/v2/error/"

// generalStatuses are the statuses any Pix API operation may answer without
// declaring them, each with the reason. Their bodies are Problema.
var generalStatuses = map[int]string{
	400: "RequisicaoInvalida: the spec's preamble lists it among the errors any endpoint may return",
	401: "missing, invalid or expired bearer token: every operation requires OAuth2 and RFC 6750 §3.1 " +
		"answers invalid_token with 401 and WWW-Authenticate; the spec omits it, Sicredi's gateway answers it " +
		"(seed 000 Anexo III)",
	403: "AcessoNegado: the spec's preamble (any endpoint)",
	404: "NaoEncontrado: the spec's preamble (any endpoint)",
	410: "PermanentementeRemovido: the spec's preamble (any endpoint)",
	413: "request body over brasa's size limit (DESIGN.md, Input: \"A body over the size limit is 413\")",
	429: "rate limit (DESIGN.md, Security model: \"abusive clients get 429 with Retry-After\")",
	500: "ErroInternoDoServidor: the spec's preamble (any endpoint)",
	503: "ServicoIndisponivel: the spec's preamble (any endpoint)",
	504: "IndisponibilidadePorTempoEsgotado: the spec's preamble (any endpoint)",
}

// GeneralStatuses returns the statuses every operation may answer although
// it does not declare them, each with its justification. 405, 409 and 422
// are not among them: brasa answers a request the spec defines with the
// spec's statuses.
func GeneralStatuses() map[int]string {
	return maps.Clone(generalStatuses)
}

// Patches returns the names of the corrections [Load] applies to the spec,
// in order. [PatchWhy] tells why each is needed.
func Patches() []string {
	names := make([]string, len(patches))
	for i, p := range patches {
		names[i] = p.name
	}
	return names
}

// PatchWhy returns the reason for the patch called name, or "".
func PatchWhy(name string) string {
	for _, p := range patches {
		if p.name == name {
			return p.why
		}
	}
	return ""
}

// Spec is the patched Pix API spec with its routers. It is safe for
// concurrent use and must not be modified.
type Spec struct {
	path     string
	doc      *openapi3.T // API view: the operations under /api/v2 and /v2
	payloads *openapi3.T // payload view: the cob and cobv locations under /qr/v2
	api      routers.Router
	payload  routers.Router
	problema *openapi3.SchemaRef
}

var (
	loadOnce     sync.Once
	loadedSpec   *Spec
	loadErr      error
	loadPath     string
	loadNotFound bool
)

// Load returns the spec, read, patched and routed once per process. When
// the spec file does not exist it skips tb (or fails it when
// BRASA_REQUIRE_SPEC is set); it fails tb when the spec cannot be parsed or
// a patch does not apply. The file is located on the first call: later
// changes to BRASA_PIX_SPEC have no effect.
func Load(tb testing.TB) *Spec {
	tb.Helper()
	loadOnce.Do(func() {
		loadPath, loadNotFound, loadedSpec, loadErr = load()
	})
	reportLoad(tb, loadPath, loadNotFound, loadErr)
	return loadedSpec
}

// Validator returns the spec for validating an end-to-end test's traffic.
// Unlike [Load], a missing spec file does not skip the test: Validator logs
// that the spec checks are skipped and returns nil, whose validating methods
// ([Spec.ValidateResponse], [Spec.ValidatePayloadResponse],
// [Spec.ValidatePayload], [Spec.ValidateWebhookNotification]) do nothing and
// whose [Spec.Client] and [Spec.Transport] pass traffic through unchecked;
// the test still asserts everything else on a fresh clone without
// ../shared. With BRASA_REQUIRE_SPEC set (CI) a missing spec fails tb, and a
// spec that does not parse or patch fails it always.
func Validator(tb testing.TB) *Spec {
	tb.Helper()
	loadOnce.Do(func() {
		loadPath, loadNotFound, loadedSpec, loadErr = load()
	})
	return reportValidator(tb, loadPath, loadNotFound, loadErr, loadedSpec)
}

func reportValidator(tb testing.TB, path string, notFound bool, err error, s *Spec) *Spec {
	tb.Helper()
	if notFound && os.Getenv(EnvRequireSpec) == "" {
		tb.Logf("spec validation skipped: Pix spec not found at %s: set %s (CI does); the test's other checks run", path, EnvSpec)
		return nil
	}
	reportLoad(tb, path, notFound, err)
	return s
}

// reportLoad skips or fails tb when the spec at path was not found or did
// not load.
func reportLoad(tb testing.TB, path string, notFound bool, err error) {
	tb.Helper()
	if notFound {
		msg := fmt.Sprintf("Pix spec not found at %s: set %s (CI does) — responses are not validated", path, EnvSpec)
		if os.Getenv(EnvRequireSpec) != "" {
			tb.Fatal(msg + " (" + EnvRequireSpec + " is set)")
		}
		tb.Skip(msg)
	}
	if err != nil {
		tb.Fatalf("spectest: %s: %v", path, err)
	}
}

// specPath returns the spec's file name: $BRASA_PIX_SPEC, or DefaultSpec
// under the module root (the nearest directory above the working directory
// holding go.mod).
func specPath() (string, error) {
	if p := os.Getenv(EnvSpec); p != "" {
		return p, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return DefaultSpec, err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, filepath.FromSlash(DefaultSpec)), nil
		}
		if filepath.Dir(dir) == dir {
			return DefaultSpec + " (relative to the module root)", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

func load() (path string, notFound bool, spec *Spec, err error) {
	path, err = specPath()
	if err != nil {
		return path, true, nil, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, true, nil, nil
	}
	if err != nil {
		return path, false, nil, err
	}
	spec, err = parse(path, data)
	return path, false, spec, err
}

// parse loads the spec from data, applies the patches and builds the
// routers.
func parse(path string, data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: filepath.ToSlash(path)})
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	payloads, err := newPayloadView(doc)
	if err != nil {
		return nil, fmt.Errorf("payload view: %w", err)
	}
	for _, p := range patches {
		if err := p.apply(doc); err != nil {
			return nil, fmt.Errorf("patch %s no longer applies: %w", p.name, err)
		}
	}
	// With its defects patched the spec passes kin-openapi's own checks; they
	// catch a patch that broke it. Examples are not validated: several of the
	// spec's examples are themselves wrong (pixWebhook1 has "devolucoes" as an
	// object, getPix1 and getWebhook1 embed {"allOf":[{"$ref":...}]} in their
	// values, the payload examples carry strings for integers) and examples
	// play no part in validating traffic.
	ctx := context.Background()
	for name, d := range map[string]*openapi3.T{"API view": doc, "payload view": payloads} {
		if err := d.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
			return nil, fmt.Errorf("patched spec (%s) does not validate: %w", name, err)
		}
	}
	s := &Spec{path: path, doc: doc, payloads: payloads}
	if s.api, err = gorillamux.NewRouter(doc); err != nil {
		return nil, fmt.Errorf("API router: %w", err)
	}
	if s.payload, err = gorillamux.NewRouter(payloads); err != nil {
		return nil, fmt.Errorf("payload router: %w", err)
	}
	if s.problema, err = schemaRef(doc, "Problema"); err != nil {
		return nil, err
	}
	for kind := range payloadPaths {
		if _, err := s.payloadSchema(kind); err != nil {
			return nil, err
		}
	}
	if _, err := s.webhookNotificationSchema(); err != nil {
		return nil, err
	}
	return s, nil
}

// newPayloadView returns a document sharing doc's components whose paths
// are the spec's cob and cobv payload locations, served under
// payloadServer. The separate-payload-paths patch then removes them from
// doc.
func newPayloadView(doc *openapi3.T) (*openapi3.T, error) {
	view := &openapi3.T{
		OpenAPI:    doc.OpenAPI,
		Info:       doc.Info,
		Components: doc.Components,
		Servers:    openapi3.Servers{{URL: payloadServer, Description: "brasa's web listener (spectest)"}},
		Paths:      openapi3.NewPaths(),
	}
	for _, kind := range slices.Sorted(maps.Keys(payloadPaths)) {
		path := payloadPaths[kind]
		item := doc.Paths.Value(path)
		if item == nil {
			return nil, fmt.Errorf("payload path %s is gone from the spec", path)
		}
		view.Paths.Set(path, item)
	}
	return view, nil
}

// Path returns the file the spec was read from.
func (s *Spec) Path() string { return s.path }

// Doc returns the patched spec (the API view, without the payload paths).
// It is shared: do not modify it.
func (s *Spec) Doc() *openapi3.T { return s.doc }

// Example returns the value of the spec's example components.examples[name]
// as JSON; it fails tb when there is no such example.
func (s *Spec) Example(tb testing.TB, name string) []byte {
	tb.Helper()
	ex := s.doc.Components.Examples[name]
	if ex == nil || ex.Value == nil {
		tb.Fatalf("spectest: the spec has no example %q", name)
		return nil
	}
	b, err := json.Marshal(ex.Value.Value)
	if err != nil {
		tb.Fatalf("spectest: example %q: %v", name, err)
	}
	return b
}

// IsAPIPath reports whether path is under one of the roots brasa serves the
// Pix API resources under (/api/v2/ and /v2/).
func IsAPIPath(path string) bool {
	for _, root := range apiServers {
		if strings.HasPrefix(path, root+"/") {
			return true
		}
	}
	return false
}

// ValidateResponse checks one Pix API exchange against the spec (see the
// package documentation for what is checked) and reports every violation
// with tb.Errorf, naming the method, path and status. body is the decoded
// response body. req's body, when the spec defines one, is read through
// req.GetBody when set, else from req.Body, which is then restored.
func (s *Spec) ValidateResponse(tb testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	tb.Helper()
	if s == nil { // Validator without the spec file
		return
	}
	reqBody, err := requestBody(req)
	if err != nil {
		tb.Errorf("Pix spec: %s %s → %d: reading the request body: %v", req.Method, req.URL.RequestURI(), status, err)
		return
	}
	if problems := s.check(s.api, req, reqBody, status, header, body); len(problems) > 0 {
		tb.Errorf("Pix spec: %s %s → %d:\n\t%s", req.Method, req.URL.RequestURI(), status, strings.Join(problems, "\n\t"))
	}
}

// ValidatePayloadResponse checks the answer of brasa's web listener to a
// payload (location) request, GET /qr/v2/{id} or GET /qr/v2/cobv/{id}: a 200
// must be an application/jose compact JWS whose header names an asymmetric
// alg and whose payload is a CobPayload or CobVPayload (see
// [Spec.ValidatePayload]); errors are checked as for [Spec.ValidateResponse].
// The signature is not verified.
func (s *Spec) ValidatePayloadResponse(tb testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	tb.Helper()
	if s == nil { // Validator without the spec file
		return
	}
	if problems := s.check(s.payload, req, nil, status, header, body); len(problems) > 0 {
		tb.Errorf("Pix spec: %s %s → %d:\n\t%s", req.Method, req.URL.RequestURI(), status, strings.Join(problems, "\n\t"))
	}
}

// ValidatePayload checks a decoded JWS payload (the JSON the location serves,
// signed) against the spec's CobPayload (kind "cob", GET /{pixUrlAccessToken})
// or CobVPayload (kind "cobv", GET /cobv/{pixUrlAccessToken}), and reports a
// violation with tb.Errorf.
func (s *Spec) ValidatePayload(tb testing.TB, kind string, payload []byte) {
	tb.Helper()
	if s == nil { // Validator without the spec file
		return
	}
	if err := s.checkPayload(kind, payload); err != nil {
		tb.Errorf("Pix spec: %s payload: %v", kind, err)
	}
}

// ValidateWebhookNotification checks the body brasa POSTs to
// {webhookUrl}/pix, {"pix":[...]}, against the request body of the spec's
// callback of PUT /webhook/{chave}, and reports a violation with tb.Errorf.
func (s *Spec) ValidateWebhookNotification(tb testing.TB, body []byte) {
	tb.Helper()
	if s == nil { // Validator without the spec file
		return
	}
	schema, err := s.webhookNotificationSchema()
	if err == nil {
		err = s.validateJSON("the callback body of PUT /webhook/{chave}", schema, body)
	}
	if err != nil {
		tb.Errorf("Pix spec: webhook notification: %v", err)
	}
}

func (s *Spec) checkPayload(kind string, payload []byte) error {
	schema, err := s.payloadSchema(kind)
	if err != nil {
		return err
	}
	return s.validateJSON(schema.Ref, schema, payload)
}

// payloadSchema returns the schema of the 200 answer of kind's payload
// location.
func (s *Spec) payloadSchema(kind string) (*openapi3.SchemaRef, error) {
	path, ok := payloadPaths[kind]
	if !ok {
		return nil, fmt.Errorf("unknown payload kind %q (want cob or cobv)", kind)
	}
	item := s.payloads.Paths.Value(path)
	if item == nil || item.Get == nil {
		return nil, fmt.Errorf("payload view lacks GET %s", path)
	}
	mt := mediaTypeOf(item.Get, 200, "application/jose")
	if mt == nil || mt.Schema == nil {
		return nil, fmt.Errorf("GET %s declares no application/jose schema for 200", path)
	}
	return mt.Schema, nil
}

// webhookNotificationSchema returns the schema of the body of the callback
// of PUT /webhook/{chave}.
func (s *Spec) webhookNotificationSchema() (*openapi3.SchemaRef, error) {
	item := s.doc.Paths.Value("/webhook/{chave}")
	if item == nil || item.Put == nil {
		return nil, errors.New("the spec lacks PUT /webhook/{chave}")
	}
	for _, name := range sortedKeys(item.Put.Callbacks) {
		cb := item.Put.Callbacks[name]
		if cb == nil || cb.Value == nil {
			continue
		}
		for _, expr := range sortedKeys(cb.Value.Map()) {
			post := cb.Value.Value(expr).Post
			if post == nil || post.RequestBody == nil || post.RequestBody.Value == nil {
				continue
			}
			if mt := post.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				return mt.Schema, nil
			}
		}
	}
	return nil, errors.New("PUT /webhook/{chave} declares no callback with a JSON body")
}

func mediaTypeOf(op *openapi3.Operation, status int, contentType string) *openapi3.MediaType {
	if op.Responses == nil {
		return nil
	}
	r := op.Responses.Status(status)
	if r == nil || r.Value == nil {
		return nil
	}
	return r.Value.Content.Get(contentType)
}

// check returns the violations of one exchange, routed with router.
func (s *Spec) check(router routers.Router, req *http.Request, reqBody []byte, status int, header http.Header, body []byte) []string {
	route, params, err := router.FindRoute(req)
	if err != nil {
		return []string{fmt.Sprintf("no operation of the spec matches %s %s (%v): brasa serves something the spec does not define",
			req.Method, req.URL.Path, err)}
	}
	vreq := req.Clone(req.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	vreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	vreq.ContentLength = int64(len(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: s.options()}

	var problems []string
	if status >= 200 && status < 300 {
		if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
			problems = append(problems, fmt.Sprintf("the request violates the spec, yet was answered %d: %v", status, err))
		}
	}
	return append(problems, s.checkResponse(in, status, header, body)...)
}

// checkResponse returns the violations of the response to the request in.
func (s *Spec) checkResponse(in *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) []string {
	op := in.Route.Operation
	ct := header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if status == http.StatusForbidden && mt == "text/html" {
		// The mTLS edge's "Access Denied" page (seed 000 Anexo III; DESIGN.md,
		// client certificates): not a Pix API answer.
		return nil
	}
	var problems []string
	declared := op.Responses.Status(status)
	if declared == nil {
		declared = op.Responses.Default()
	}
	switch {
	case declared == nil && generalStatuses[status] == "":
		return []string{fmt.Sprintf("status %d is neither declared by %s %s (declared: %s) nor a general status",
			status, in.Route.Method, in.Route.Path, strings.Join(op.Responses.Keys(), ", "))}
	case declared != nil && declared.Value != nil && declared.Value.Content.Get("application/jose") != nil && status < 300:
		problems = append(problems, s.checkJWS(in.Route.Path, header, body)...)
	case declared != nil:
		err := openapi3filter.ValidateResponse(in.Request.Context(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in,
			Status:                 status,
			Header:                 header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                s.options(),
		})
		if err != nil {
			return append(problems, fmt.Sprintf("response: %v", err))
		}
		if declared.Value != nil && len(declared.Value.Content) == 0 && len(bytes.TrimSpace(body)) > 0 {
			problems = append(problems, fmt.Sprintf("the spec declares no body for %d, got %d bytes (%s)", status, len(body), excerpt(body)))
		}
	}
	if status >= 400 {
		problems = append(problems, s.checkProblem(status, header, body)...)
	}
	switch status {
	case http.StatusUnauthorized:
		if header.Get("WWW-Authenticate") == "" {
			problems = append(problems, "401 without WWW-Authenticate (RFC 6750 §3)")
		}
	case http.StatusTooManyRequests:
		if header.Get("Retry-After") == "" {
			problems = append(problems, "429 without Retry-After (DESIGN.md, Security model)")
		}
	}
	return problems
}

// checkProblem returns the violations of an error answer: it must be an
// application/problem+json Problema whose status is the HTTP status and
// whose type is a Pix error type.
func (s *Spec) checkProblem(status int, header http.Header, body []byte) []string {
	ct := header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); mt != "application/problem+json" {
		return []string{fmt.Sprintf("error answered with Content-Type %q, want application/problem+json (RFC 7807; the spec's error responses): %s",
			ct, excerpt(body))}
	}
	v, err := decodeJSON(body)
	if err != nil {
		return []string{fmt.Sprintf("problem body is not JSON: %v: %s", err, excerpt(body))}
	}
	if err := s.problema.Value.VisitJSON(v, s.schemaOptions()...); err != nil {
		return []string{fmt.Sprintf("problem body doesn't match schema #/components/schemas/Problema: %v", err)}
	}
	var problems []string
	m, _ := v.(map[string]any)
	if n, ok := m["status"].(json.Number); !ok || n.String() != strconv.Itoa(status) {
		problems = append(problems, fmt.Sprintf("problem status is %v, HTTP status %d", m["status"], status))
	}
	if typ, _ := m["type"].(string); !strings.HasPrefix(typ, ErrorTypePrefix) || len(typ) == len(ErrorTypePrefix) {
		problems = append(problems, fmt.Sprintf("problem type %q is not %s<Tipo> (the spec's preamble)", typ, ErrorTypePrefix))
	}
	return problems
}

// checkJWS returns the violations of a 200 payload answer of the payload
// path: an application/jose compact JWS with an asymmetric alg whose
// payload validates.
func (s *Spec) checkJWS(path string, header http.Header, body []byte) []string {
	ct := header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); mt != "application/jose" {
		return []string{fmt.Sprintf("payload answered with Content-Type %q, want application/jose", ct)}
	}
	parts := strings.Split(strings.TrimSpace(string(body)), ".")
	if len(parts) != 3 {
		return []string{fmt.Sprintf("payload is not a compact JWS (%d parts): %s", len(parts), excerpt(body))}
	}
	var problems []string
	var jwsHeader struct {
		Alg string `json:"alg"`
	}
	if h, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil {
		problems = append(problems, fmt.Sprintf("JWS header: %v", err))
	} else if err := json.Unmarshal(h, &jwsHeader); err != nil {
		problems = append(problems, fmt.Sprintf("JWS header: %v", err))
	} else if a := strings.ToUpper(jwsHeader.Alg); a == "" || a == "NONE" || strings.HasPrefix(a, "HS") {
		problems = append(problems, fmt.Sprintf("JWS alg %q: the payload must be signed with the PSP's key (notes/pix-api.md)", jwsHeader.Alg))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return append(problems, fmt.Sprintf("JWS payload: %v", err))
	}
	for kind, p := range payloadPaths {
		if p == path {
			if err := s.checkPayload(kind, payload); err != nil {
				problems = append(problems, fmt.Sprintf("JWS payload (%s): %v", kind, err))
			}
		}
	}
	return problems
}

// validateJSON validates data against schema, called name in errors.
func (s *Spec) validateJSON(name string, schema *openapi3.SchemaRef, data []byte) error {
	v, err := decodeJSON(data)
	if err != nil {
		return fmt.Errorf("not JSON: %w: %s", err, excerpt(data))
	}
	if err := schema.Value.VisitJSON(v, s.schemaOptions()...); err != nil {
		return fmt.Errorf("doesn't match %s: %w", name, err)
	}
	return nil
}

// options are the kin-openapi options for requests and responses: bodies
// validated, every error reported, authentication accepted (brasa's own
// business), defaults not written into the request.
func (s *Spec) options() *openapi3filter.Options {
	o := &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		SkipSettingDefaults:   true,
	}
	o.WithCustomSchemaErrorFunc(schemaErrorMessage)
	return o
}

func (s *Spec) schemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.VisitAsResponse(),
		openapi3.MultiErrors(),
		openapi3.SetSchemaErrorMessageCustomizer(schemaErrorMessage),
	}
}

// schemaErrorMessage renders a schema error on one line with the value, not
// kin-openapi's dump of the whole schema.
func schemaErrorMessage(e *openapi3.SchemaError) string {
	var b strings.Builder
	if p := e.JSONPointer(); len(p) > 0 {
		fmt.Fprintf(&b, "at /%s: ", strings.Join(p, "/"))
	}
	switch {
	case e.Origin != nil:
		b.WriteString(e.Origin.Error())
	case e.Reason != "":
		b.WriteString(e.Reason)
	default:
		fmt.Fprintf(&b, "doesn't match %q", e.SchemaField)
	}
	if v, err := json.Marshal(e.Value); err == nil && e.Origin == nil {
		const max = 200
		b.WriteString(" (value ")
		if len(v) > max {
			b.Write(v[:max])
			b.WriteString("...")
		} else {
			b.Write(v)
		}
		b.WriteString(")")
	}
	return b.String()
}

func decodeJSON(data []byte) (any, error) {
	v, err := openapi3filter.JSONBodyDecoder(bytes.NewReader(data), nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// excerpt returns b for a message, cut at 200 bytes.
func excerpt(b []byte) string {
	const max = 200
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}

// requestBody returns req's body, through GetBody when set, else reading
// req.Body and putting the bytes back.
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}
