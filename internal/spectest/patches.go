package spectest

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// patch is one in-memory correction of the official spec. apply must fail
// when the defect it corrects is no longer in the spec, so that a new spec
// release cannot leave a patch silently dangling: drop or rewrite the patch
// then.
type patch struct {
	name  string
	why   string
	apply func(doc *openapi3.T) error
}

// Servers under which brasa serves the Pix API resources (DESIGN.md,
// Surfaces): the spec's own /api/v2 (Sicredi) and /v2.
var apiServers = []string{"/api/v2", "/v2"}

// payloadServer is where brasa's web listener serves the payload locations
// (DESIGN.md, Surfaces: GET /qr/v2/{id}, GET /qr/v2/cobv/{id}).
const payloadServer = "/qr/v2"

// The payload (location) paths of the spec, by the kind ValidatePayload takes.
var payloadPaths = map[string]string{
	"cob":  "/{pixUrlAccessToken}",
	"cobv": "/cobv/{pixUrlAccessToken}",
}

// recPayloadPath is Pix Automático's payload location, which brasa does not
// serve.
const recPayloadPath = "/rec/{recUrlAccessToken}"

// listOperations are the list queries whose *ConsultaInvalida (400) error the
// spec's catalog documents but whose operation does not declare.
var listOperations = []string{"/cob", "/cobv", "/lotecobv", "/loc", "/pix", "/webhook"}

// patches corrects the spec's known defects (notes/pix-api.md, "Spec defects
// to handle deliberately" and "Conventions"; notes/go-libraries.md, the
// kin-openapi row) and what else stood in the way of loading, routing and
// validating. They run in order; separate-payload-paths must run after the
// pattern patches, so that these also cover the payload paths' own
// parameters (codMun), which the payload view shares.
var patches = []patch{
	{
		name: "unwrap-slash-patterns",
		why: "notes/pix-api.md Conventions: CPF is written \"/^\\d{11}$/\" (a JavaScript regex literal, " +
			"a spec bug), and so is the codMun query parameter (\"/^\\d{7}$/\"); as a Go regexp the slashes " +
			"are literal characters, so no valid CPF could match. Strip the slashes: ^\\d{11}$, ^\\d{7}$.",
		apply: unwrapSlashPatterns,
	},
	{
		name: "anchor-patterns",
		why: "notes/pix-api.md Conventions: the spec's regexes are unanchored (TxId [a-zA-Z0-9]{26,35}, " +
			"money \\d{1,10}\\.\\d{2}, EndToEndId ...), and JSON Schema patterns match anywhere in the string, " +
			"so \"x1.00y\" would pass as money. Anchor every pattern with ^ and $, in schemas, parameters, " +
			"request bodies, responses, headers and callbacks.",
		apply: anchorPatterns,
	},
	{
		name: "pix-txid-allof",
		why: "notes/pix-api.md State and rules: a Pix's txid is [a-zA-Z0-9]{1,35} (static QR codes carry at " +
			"most 25 characters). The spec writes Pix.txid, and GET /pix's txid parameter, as allOf [TxId, " +
			"{pattern [a-zA-Z0-9]{1,35}}], but TxId itself has the pattern [a-zA-Z0-9]{26,35} and allOf demands " +
			"both, so every Pix of a static code with its txid (and a GET /pix?txid= for it) would fail. Replace " +
			"the allOf with the {1,35} pattern alone, anchored.",
		apply: pixTxIDAllOf,
	},
	{
		name: "expiracao-default-integer",
		why: "CobExpiracao.expiracao is an integer whose default is the string \"86400\"; doc.Validate " +
			"rejects it, and a validator that applied defaults would inject a string. Use the integer 86400.",
		apply: expiracaoDefault,
	},
	{
		name: "pixconsultados-requires-pix",
		why: "notes/pix-api.md Spec defects: PixConsultados (GET /pix) requires \"cobs\" but its list " +
			"property is \"pix\" (copied from CobsConsultadas); a correct answer {parametros, pix} would fail. " +
			"Require \"pix\" instead.",
		apply: pixConsultadosRequiresPix,
	},
	{
		name: "cobsconsultadas-drop-idcob",
		why: "notes/pix-api.md Spec defects: the items of CobsConsultadas (GET /cob) and CobsVConsultadas " +
			"(GET /cobv) require \"idCob\", a property that no Cob schema defines and no PSP answers. Drop it " +
			"from required (status and txid stay required).",
		apply: cobsConsultadasDropIDCob,
	},
	{
		name: "webhookcompleto-chave-not-cnpj",
		why: "notes/pix-api.md Spec defects: since 2.7.0 WebhookCompleto (GET /webhook/{chave}, GET /webhook) " +
			"requires \"cnpj\", whose description (\"Filtro pelo CNPJ do devedor...\") is the GET /cob query " +
			"filter pasted in: a webhook belongs to a chave, not to a debtor. The schema has no \"chave\" " +
			"property at all, yet the spec's own example webhookResponse1 answers {webhookUrl, chave, criacao}, " +
			"exactly what 2.6.3 required and what brasa answers. Drop \"cnpj\" from required and restore 2.6.3's " +
			"required \"chave\" (string, maxLength 77, as CobBase.chave).",
		apply: webhookCompletoChave,
	},
	{
		name: "payloadlocationcob-request",
		why: "PayloadLocationCob, the \"loc\" of the request bodies (PUT/PATCH /cob/{txid}, /cobv/{txid}, " +
			"PUT /lotecobv/{id}), requires [id, tipoCob] but takes id from PayloadLocationId, which is readOnly " +
			"(right in responses, where it is shared), and requires tipoCob without defining it. The client " +
			"sends {\"loc\": {\"id\": 789}} (the spec's own cobBody1/cobBody3/cobBody7/loteCobVBody1; " +
			"notes/pix-api.md: \"loc.id missing, in use, or of tipoCob cobv\" are the PSP's checks), which would " +
			"fail as \"readOnly property id in request\" and \"tipoCob is missing\", so a correct 201 would be " +
			"reported. Give it a writable copy of PayloadLocationId and require only id.",
		apply: payloadLocationCobRequest,
	},
	{
		name: "retirada-oneof-exclusive",
		why: "CobValor.retirada and CobPayloadValor.retirada are oneOf [{properties: saque}, {properties: troco}] " +
			"with neither branch requiring its property, so every retirada matches both branches and oneOf always " +
			"fails (\"input matches more than one oneOf schemas\"; the spec's cobBody6/8/9 and cobResponse5/6/7 " +
			"fail so). notes/pix-api.md: retirada has exactly one of saque/troco. Make the branches require " +
			"saque and troco respectively.",
		apply: retiradaOneOfExclusive,
	},
	{
		name: "desconto-oneof-exclusive",
		why: "CobVValor.desconto is oneOf [{properties: descontoDataFixa}, {required: [valorPerc]}]; the first " +
			"branch requires nothing, so a percentage discount (modalidades 3-6, {modalidade, valorPerc}) matches " +
			"both and oneOf fails. notes/pix-api.md: modalidades 1-2 use descontoDataFixa, 3-6 valorPerc. Make " +
			"the first branch require descontoDataFixa.",
		apply: descontoOneOfExclusive,
	},
	{
		name: "dadosrecebedor-required-misplaced",
		why: "DadosRecebedor (allOf of CobVGerada and so of every cobv answer, and of CobVPayload) requires " +
			"[logradouro, cidade, uf, cep] at its own level, i.e. on the charge itself, where these properties do " +
			"not exist; the same list is (rightly) required again inside \"recebedor\". Every cobv, including " +
			"the spec's cobResponse4 and cobPayload2, fails. Drop the misplaced top-level required.",
		apply: dadosRecebedorRequired,
	},
	{
		name: "list-operations-400",
		why: "notes/pix-api.md Spec defects: GET /cob, /cobv, /lotecobv, /loc, /pix and /webhook declare no 400 " +
			"although the error catalog in the spec's preamble gives each its *ConsultaInvalida (400), e.g. " +
			"\"fim\" before \"inicio\" or negative paging; brasa answers 400 as the catalog says. Declare a 400 " +
			"application/problem+json Problema response (as the other operations declare theirs).",
		apply: listOperations400,
	},
	{
		name: "separate-payload-paths",
		why: "notes/pix-api.md Conventions and notes/go-libraries.md: the payload locations GET " +
			"/{pixUrlAccessToken} and GET /cobv/{pixUrlAccessToken} (public, served by the PSP's QR host) " +
			"collide with /cobv/{txid} and would swallow every one-segment path such as /api/v2/nada; " +
			"GET /rec/{recUrlAccessToken} collides with /rec/{idRec} likewise (doc.Validate: \"conflicting " +
			"paths\"). Remove them from the API view. Load keeps the cob and cobv ones in a separate payload " +
			"view served under " + payloadServer + " (brasa's web listener, DESIGN.md) for ValidatePayload and " +
			"ValidatePayloadResponse; their operation-level servers \"https://{fdqnPSPRecebedor}/{endpointOpcional}\" " +
			"(whose endpointOpcional variable is not even defined) are dropped. The rec one is dropped: brasa " +
			"serves no Pix Automático payloads.",
		apply: separatePayloadPaths,
	},
	{
		name: "servers-api-v2",
		why: "notes/pix-api.md Conventions: the spec's servers are https://pix.example.com/api/ (and pix-h.) " +
			"while its paths are /cob/{txid} etc., but the API is served under /api/v2 (the \"v2\" of the " +
			"error type URIs; Sicredi) and brasa also serves it under /v2 (DESIGN.md). Replace them with two " +
			"host-less servers, /api/v2 and /v2, so that the router matches both /api/v2/cob/{txid} and " +
			"/v2/cob/{txid} on any host.",
		apply: serversAPIV2,
	},
}

// slashWrapped matches a pattern written as a JavaScript regex literal.
var slashWrapped = regexp.MustCompile(`^/(.+)/$`)

func unwrapSlashPatterns(doc *openapi3.T) error {
	n := 0
	walkSchemas(doc, func(s *openapi3.Schema) {
		if m := slashWrapped.FindStringSubmatch(s.Pattern); m != nil {
			s.Pattern = m[1]
			n++
		}
	})
	if n == 0 {
		return errors.New("no slash-wrapped pattern left (CPF, codMun): the spec fixed them, drop this patch")
	}
	return nil
}

func anchorPatterns(doc *openapi3.T) error {
	var n int
	var bad []string
	walkSchemas(doc, func(s *openapi3.Schema) {
		p := s.Pattern
		if p == "" {
			return
		}
		if !strings.HasPrefix(p, "^") {
			p = "^" + p
		}
		if !strings.HasSuffix(p, "$") || strings.HasSuffix(p, `\$`) {
			p += "$"
		}
		if p != s.Pattern {
			if strings.Contains(p, "|") {
				// Anchors added around an alternation would bind to its
				// first and last branch only.
				p = "^(?:" + p[1:len(p)-1] + ")$"
			}
			s.Pattern = p
			n++
		}
		if _, err := regexp.Compile(s.Pattern); err != nil {
			bad = append(bad, fmt.Sprintf("%q: %v", s.Pattern, err))
		}
	})
	if len(bad) > 0 {
		return fmt.Errorf("patterns Go cannot compile: %s", strings.Join(bad, "; "))
	}
	if n == 0 {
		return errors.New("every pattern is already anchored: the spec fixed them, drop this patch")
	}
	return nil
}

func expiracaoDefault(doc *openapi3.T) error {
	s, err := schema(doc, "CobExpiracao")
	if err != nil {
		return err
	}
	p := s.Properties["expiracao"]
	if p == nil || p.Value == nil {
		return errors.New("CobExpiracao has no property expiracao")
	}
	if d, ok := p.Value.Default.(string); !ok || d != "86400" {
		return fmt.Errorf("CobExpiracao.expiracao default is %#v, not the string \"86400\": drop this patch", p.Value.Default)
	}
	p.Value.Default = 86400
	return nil
}

func pixConsultadosRequiresPix(doc *openapi3.T) error {
	s, err := schema(doc, "PixConsultados")
	if err != nil {
		return err
	}
	if s.Properties["pix"] == nil || s.Properties["cobs"] != nil {
		return errors.New("PixConsultados no longer has property pix without cobs: review this patch")
	}
	return replaceRequired(s, "PixConsultados", "cobs", "pix")
}

func cobsConsultadasDropIDCob(doc *openapi3.T) error {
	for _, name := range []string{"CobsConsultadas", "CobsVConsultadas"} {
		s, err := schema(doc, name)
		if err != nil {
			return err
		}
		cobs := s.Properties["cobs"]
		if cobs == nil || cobs.Value == nil || cobs.Value.Items == nil || cobs.Value.Items.Value == nil {
			return fmt.Errorf("%s has no cobs array", name)
		}
		found := false
		for _, part := range cobs.Value.Items.Value.AllOf {
			if part.Value != nil && slices.Contains(part.Value.Required, "idCob") {
				if part.Value.Properties["idCob"] != nil {
					return fmt.Errorf("%s items now define idCob: drop this patch", name)
				}
				if err := replaceRequired(part.Value, name+".cobs[]", "idCob", ""); err != nil {
					return err
				}
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%s items no longer require idCob: drop this patch", name)
		}
	}
	return nil
}

func webhookCompletoChave(doc *openapi3.T) error {
	s, err := schema(doc, "WebhookCompleto")
	if err != nil {
		return err
	}
	if s.Properties["chave"] != nil {
		return errors.New("WebhookCompleto defines chave again: review this patch")
	}
	base, err := schema(doc, "CobBase")
	if err != nil {
		return err
	}
	chave := base.Properties["chave"]
	if chave == nil {
		return errors.New("CobBase has no property chave to copy")
	}
	if err := replaceRequired(s, "WebhookCompleto", "cnpj", "chave"); err != nil {
		return err
	}
	s.Properties["chave"] = chave
	return nil
}

func payloadLocationCobRequest(doc *openapi3.T) error {
	s, err := schema(doc, "PayloadLocationCob")
	if err != nil {
		return err
	}
	id := s.Properties["id"]
	if id == nil || id.Value == nil || !id.Value.ReadOnly {
		return errors.New("PayloadLocationCob.id is no longer readOnly: review this patch")
	}
	if s.Properties["tipoCob"] != nil {
		return errors.New("PayloadLocationCob defines tipoCob now: review this patch")
	}
	writable := *id.Value
	writable.ReadOnly = false
	s.Properties["id"] = &openapi3.SchemaRef{Value: &writable}
	return replaceRequired(s, "PayloadLocationCob", "tipoCob", "")
}

func retiradaOneOfExclusive(doc *openapi3.T) error {
	for _, name := range []string{"CobValor", "CobPayloadValor"} {
		s, err := schema(doc, name)
		if err != nil {
			return err
		}
		r := s.Properties["retirada"]
		if r == nil || r.Value == nil || len(r.Value.OneOf) != 2 {
			return fmt.Errorf("%s.retirada is no longer a oneOf of two: review this patch", name)
		}
		for i, prop := range []string{"saque", "troco"} {
			b := r.Value.OneOf[i].Value
			if b == nil || b.Properties[prop] == nil || len(b.Properties) != 1 {
				return fmt.Errorf("%s.retirada.oneOf[%d] is no longer {%s}: review this patch", name, i, prop)
			}
			if len(b.Required) > 0 {
				return fmt.Errorf("%s.retirada.oneOf[%d] requires %v now: drop this patch", name, i, b.Required)
			}
			b.Required = []string{prop}
		}
	}
	return nil
}

func descontoOneOfExclusive(doc *openapi3.T) error {
	s, err := schema(doc, "CobVValor")
	if err != nil {
		return err
	}
	d := s.Properties["desconto"]
	if d == nil || d.Value == nil || len(d.Value.OneOf) != 2 {
		return errors.New("CobVValor.desconto is no longer a oneOf of two: review this patch")
	}
	fixa, perc := d.Value.OneOf[0].Value, d.Value.OneOf[1].Value
	if fixa == nil || fixa.Properties["descontoDataFixa"] == nil || perc == nil || !slices.Contains(perc.Required, "valorPerc") {
		return errors.New("CobVValor.desconto.oneOf is no longer [descontoDataFixa, valorPerc]: review this patch")
	}
	if len(fixa.Required) > 0 {
		return fmt.Errorf("CobVValor.desconto.oneOf[0] requires %v now: drop this patch", fixa.Required)
	}
	fixa.Required = []string{"descontoDataFixa"}
	return nil
}

func dadosRecebedorRequired(doc *openapi3.T) error {
	s, err := schema(doc, "DadosRecebedor")
	if err != nil {
		return err
	}
	if len(s.Required) == 0 {
		return errors.New("DadosRecebedor no longer requires anything at its own level: drop this patch")
	}
	for _, p := range s.Required {
		if s.Properties[p] != nil {
			return fmt.Errorf("DadosRecebedor defines its required %q now: review this patch", p)
		}
	}
	s.Required = nil
	return nil
}

func listOperations400(doc *openapi3.T) error {
	problema, err := schemaRef(doc, "Problema")
	if err != nil {
		return err
	}
	for _, path := range listOperations {
		item := doc.Paths.Value(path)
		if item == nil || item.Get == nil {
			return fmt.Errorf("GET %s is gone from the spec", path)
		}
		if item.Get.Responses.Value("400") != nil {
			return fmt.Errorf("GET %s declares 400 now: drop it from this patch", path)
		}
		desc := "Requisição com formato inválido (*ConsultaInvalida; patched in by brasa's spectest)."
		item.Get.Responses.Set("400", &openapi3.ResponseRef{Value: &openapi3.Response{
			Description: &desc,
			Content:     openapi3.NewContentWithSchemaRef(problema, []string{"application/problem+json"}),
		}})
	}
	return nil
}

// separatePayloadPaths removes the payload paths from doc. Load has taken
// the cob and cobv ones into the payload view (newPayloadView) before.
func separatePayloadPaths(doc *openapi3.T) error {
	for _, path := range []string{payloadPaths["cob"], payloadPaths["cobv"], recPayloadPath} {
		item := doc.Paths.Value(path)
		if item == nil || item.Get == nil {
			return fmt.Errorf("payload path GET %s is gone from the spec", path)
		}
		if !slices.Contains(item.Get.Tags, "CobPayload") && !slices.Contains(item.Get.Tags, "RecPayload") {
			return fmt.Errorf("GET %s is no longer tagged CobPayload or RecPayload", path)
		}
		if item.Get.Servers == nil || len(*item.Get.Servers) == 0 {
			return fmt.Errorf("GET %s no longer declares its own servers: review this patch", path)
		}
		item.Get.Servers = nil
		doc.Paths.Delete(path)
	}
	return nil
}

func serversAPIV2(doc *openapi3.T) error {
	if len(doc.Servers) == 0 {
		return errors.New("the spec declares no servers")
	}
	for _, s := range doc.Servers {
		u, err := url.Parse(s.URL)
		if err != nil {
			return fmt.Errorf("server %q: %w", s.URL, err)
		}
		if u.Path != "/api/" {
			return fmt.Errorf("server %q no longer ends in /api/: review this patch", s.URL)
		}
	}
	for _, p := range doc.Paths.Keys() {
		if strings.HasPrefix(p, "/v2/") || strings.HasPrefix(p, "/api/") {
			return fmt.Errorf("path %s carries the version itself: review this patch", p)
		}
	}
	doc.Servers = nil
	for _, u := range apiServers {
		doc.Servers = append(doc.Servers, &openapi3.Server{URL: u, Description: "brasa (patched in by spectest)"})
	}
	return nil
}

// replaceRequired replaces old by repl in s.Required, or removes it when repl
// is empty. It fails when old is not required.
func replaceRequired(s *openapi3.Schema, name, old, repl string) error {
	i := slices.Index(s.Required, old)
	if i < 0 {
		return fmt.Errorf("%s no longer requires %q: drop this patch", name, old)
	}
	if repl == "" || slices.Contains(s.Required, repl) {
		s.Required = slices.Delete(slices.Clone(s.Required), i, i+1)
	} else {
		s.Required = slices.Clone(s.Required)
		s.Required[i] = repl
	}
	return nil
}

func schemaRef(doc *openapi3.T, name string) (*openapi3.SchemaRef, error) {
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("schema %s is gone from the spec", name)
	}
	return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: ref.Value}, nil
}

func schema(doc *openapi3.T, name string) (*openapi3.Schema, error) {
	ref, err := schemaRef(doc, name)
	if err != nil {
		return nil, err
	}
	return ref.Value, nil
}

// walkSchemas calls fn once for every schema reachable from doc: components
// (schemas, parameters, headers, request bodies, responses, callbacks) and
// paths (parameters, request bodies, responses and their headers, callbacks),
// recursing into properties, items, allOf/oneOf/anyOf/not and
// additionalProperties.
func walkSchemas(doc *openapi3.T, fn func(*openapi3.Schema)) {
	w := &walker{fn: fn, seen: map[*openapi3.Schema]bool{}, seenItems: map[*openapi3.PathItem]bool{}}
	if c := doc.Components; c != nil {
		for _, k := range sortedKeys(c.Schemas) {
			w.schema(c.Schemas[k])
		}
		for _, k := range sortedKeys(c.Parameters) {
			w.parameter(c.Parameters[k])
		}
		for _, k := range sortedKeys(c.Headers) {
			w.header(c.Headers[k])
		}
		for _, k := range sortedKeys(c.RequestBodies) {
			w.requestBody(c.RequestBodies[k])
		}
		for _, k := range sortedKeys(c.Responses) {
			w.response(c.Responses[k])
		}
		for _, k := range sortedKeys(c.Callbacks) {
			w.callback(c.Callbacks[k])
		}
	}
	if doc.Paths != nil {
		for _, p := range doc.Paths.Keys() {
			w.pathItem(doc.Paths.Value(p))
		}
	}
}

type walker struct {
	fn        func(*openapi3.Schema)
	seen      map[*openapi3.Schema]bool
	seenItems map[*openapi3.PathItem]bool
}

func (w *walker) schema(ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil || w.seen[ref.Value] {
		return
	}
	s := ref.Value
	w.seen[s] = true
	w.fn(s)
	for _, k := range sortedKeys(s.Properties) {
		w.schema(s.Properties[k])
	}
	w.schema(s.Items)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range list {
			w.schema(r)
		}
	}
	w.schema(s.Not)
	w.schema(s.AdditionalProperties.Schema)
}

func (w *walker) content(c openapi3.Content) {
	for _, k := range sortedKeys(c) {
		if mt := c[k]; mt != nil {
			w.schema(mt.Schema)
		}
	}
}

func (w *walker) parameter(ref *openapi3.ParameterRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	w.schema(ref.Value.Schema)
	w.content(ref.Value.Content)
}

func (w *walker) header(ref *openapi3.HeaderRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	w.schema(ref.Value.Schema)
	w.content(ref.Value.Content)
}

func (w *walker) requestBody(ref *openapi3.RequestBodyRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	w.content(ref.Value.Content)
}

func (w *walker) response(ref *openapi3.ResponseRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	for _, k := range sortedKeys(ref.Value.Headers) {
		w.header(ref.Value.Headers[k])
	}
	w.content(ref.Value.Content)
}

func (w *walker) callback(ref *openapi3.CallbackRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	for _, k := range sortedKeys(ref.Value.Map()) {
		w.pathItem(ref.Value.Value(k))
	}
}

func (w *walker) pathItem(item *openapi3.PathItem) {
	if item == nil || w.seenItems[item] {
		return
	}
	w.seenItems[item] = true
	for _, p := range item.Parameters {
		w.parameter(p)
	}
	ops := item.Operations()
	for _, m := range sortedKeys(ops) {
		op := ops[m]
		for _, p := range op.Parameters {
			w.parameter(p)
		}
		w.requestBody(op.RequestBody)
		if op.Responses != nil {
			for _, code := range op.Responses.Keys() {
				w.response(op.Responses.Value(code))
			}
		}
		for _, k := range sortedKeys(op.Callbacks) {
			w.callback(op.Callbacks[k])
		}
	}
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func pixTxIDAllOf(doc *openapi3.T) error {
	fix := func(ref *openapi3.SchemaRef, where string) error {
		if ref == nil || ref.Value == nil || len(ref.Value.AllOf) != 2 || ref.Value.AllOf[0].Ref != "#/components/schemas/TxId" {
			return fmt.Errorf("%s is no longer allOf [TxId, pattern]: review this patch", where)
		}
		ref.Ref = ""
		ref.Value = &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Pattern: "^[a-zA-Z0-9]{1,35}$"}
		return nil
	}
	s, err := schema(doc, "Pix")
	if err != nil {
		return err
	}
	if err := fix(s.Properties["txid"], "Pix.txid"); err != nil {
		return err
	}
	op := doc.Paths.Value("/pix")
	if op == nil || op.Get == nil {
		return errors.New("GET /pix is gone: review this patch")
	}
	for _, p := range op.Get.Parameters {
		if p.Value != nil && p.Value.Name == "txid" {
			return fix(p.Value.Schema, "GET /pix txid")
		}
	}
	return errors.New("GET /pix has no txid parameter: review this patch")
}
