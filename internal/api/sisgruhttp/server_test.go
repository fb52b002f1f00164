package sisgruhttp_test

import (
	"compress/gzip"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/api/sisgruhttp"
	"github.com/brasa-dev/brasa/internal/sisgru"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
	"github.com/brasa-dev/brasa/internal/store/storetest"
)

// now is the surface's clock in these tests.
var now = storetest.SISGRUNow

const (
	userCPF  = "52998224725"
	userPass = "senha-do-siafi"
	issuer   = "meusistema"
)

var keys = sync.OnceValue(func() [3]*rsa.PrivateKey {
	var out [3]*rsa.PrivateKey // CA, system, another
	for i := range out {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		out[i] = k
	}
	return out
})

// certPEM returns a certificate for the system key signed by a test CA,
// valid in [nb, na].
func certPEM(t testing.TB, nb, na time.Time) []byte {
	t.Helper()
	k := keys()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "AC Teste"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: nb, NotAfter: na.Add(time.Hour)}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: issuer}, NotBefore: nb, NotAfter: na}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &k[1].PublicKey, k[0])
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// signJWT signs an RS256 JWT by hand.
func signJWT(t testing.TB, key *rsa.PrivateKey, header, claims any) string {
	t.Helper()
	seg := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	in := seg(header) + "." + seg(claims)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// env is a running surface over a SQLite store with data.
type env struct {
	t    *testing.T
	srv  *httptest.Server
	db   *store.DB
	grus []sisgru.GRU
	pags []sisgru.Pagamento
}

func newEnv(t *testing.T, n int) *env {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "brasa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := t.Context()
	hash, err := sisgru.HashPassword(userPass)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreateSIAFIUser(ctx, &sisgru.User{CPF: userCPF, PasswordHash: hash, UGs: []string{"153114", "158461"}, Status: sisgru.UserActive}))
	must(db.CreateExternalSystem(ctx, &sisgru.System{Issuer: issuer, Certificate: certPEM(t, now.Add(-time.Hour), now.Add(time.Hour*24*365)),
		UGs: []string{"158461"}, Status: sisgru.SystemActive}))
	must(db.CreateExternalSystem(ctx, &sisgru.System{Issuer: "excluido", Certificate: certPEM(t, now.Add(-time.Hour), now.Add(time.Hour)), Status: sisgru.SystemDeleted}))
	must(db.CreateExternalSystem(ctx, &sisgru.System{Issuer: "vencido", Certificate: certPEM(t, now.Add(-48*time.Hour), now.Add(-time.Hour)), Status: sisgru.SystemActive}))
	e := &env{t: t, db: db}
	e.grus, e.pags = storetest.SISGRUData(11, n, "158461", "153114", "200143")
	storetest.MustInsertSISGRU(t, db, e.grus, e.pags)

	mux := http.NewServeMux()
	e.srv = httptest.NewUnstartedServer(mux)
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	sisgruhttp.New(sisgruhttp.Deps{Log: slog.New(slog.DiscardHandler), Store: db,
		Auth: sisgru.NewAuthenticator(db, func() time.Time { return now }), BaseURL: e.srv.URL}).Register(mux)
	return e
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func (e *env) bearer(claims map[string]any) string {
	return "Bearer " + signJWT(e.t, keys()[1], map[string]any{"alg": "RS256", "typ": "JWT"}, claims)
}

// get sends GET path with authz (and Accept-Encoding: gzip when gz),
// returning the response and its decompressed body.
func (e *env) get(path, authz string, gz bool) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(req, authz, gz)
}

func (e *env) do(req *http.Request, authz string, gz bool) (*http.Response, string) {
	e.t.Helper()
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	req.Header.Set("Accept", "application/xml")
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			e.t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, string(b)
}

// xmlError is the seed's error body, as a consumer decodes it.
type xmlError struct {
	XMLName xml.Name `xml:"errors"`
	Error   []struct {
		Code    string `xml:"code"`
		Message string `xml:"message"`
	} `xml:"error"`
}

// TestDocumentedErrors checks each documented 401/403/404/422 case: status
// and message verbatim, in the seed's XML.
func TestDocumentedErrors(t *testing.T) {
	e := newEnv(t, 60)
	k := keys()
	user := basic(userCPF, userPass)
	iat := now.Unix()
	other := e.grus[slices.IndexFunc(e.grus, func(g sisgru.GRU) bool { return g.UGArrecadadora == "200143" && g.UGEmitente == "200143" })]
	q := "?q=" + url.QueryEscape("ugArrecadadora=158461")
	for _, tc := range []struct {
		name, method, path, authz string
		status                    int
		msg                       string
	}{
		{"no credentials", "GET", "/grus" + q, "", 401, sisgru.MsgBasicUnauthorized},
		{"Basic not base64", "GET", "/grus" + q, "Basic !!!", 401, sisgru.MsgBasicUnauthorized},
		{"Basic without colon", "GET", "/grus" + q, "Basic " + base64.StdEncoding.EncodeToString([]byte(userCPF)), 401, sisgru.MsgBasicUnauthorized},
		{"other scheme", "GET", "/pagamentos" + q, "Digest x", 401, sisgru.MsgBasicUnauthorized},
		{"Bearer without token", "GET", "/grus" + q, "Bearer ", 401, sisgru.MsgJWTUnauthorized},
		{"Bearer not a JWT", "GET", "/grus" + q, "Bearer abc.def", 401, sisgru.MsgJWTUnauthorized},

		{"wrong password", "GET", "/grus" + q, basic(userCPF, "errada"), 403, sisgru.MsgForbidden},
		{"unknown user", "GET", "/grus" + q, basic("11144477735", userPass), 403, sisgru.MsgForbidden},
		{"user without the UG", "GET", "/grus?q=" + url.QueryEscape("ugArrecadadora=200143"), user, 403, sisgru.MsgForbidden},
		{"user without the pagamento UG", "GET", "/pagamentos?q=" + url.QueryEscape("ug=200143&data=25/03/2026"), user, 403, sisgru.MsgForbidden},
		{"JWT algorithm", "GET", "/grus" + q, "Bearer " + signJWT(t, k[1], map[string]any{"alg": "HS256", "typ": "JWT"}, map[string]any{"iss": issuer}), 403, sisgru.MsgJWTAlgorithm},
		{"JWT without issuer", "GET", "/grus" + q, e.bearer(map[string]any{"iat": iat}), 403, sisgru.MsgJWTIssuerRequired},
		{"JWT unknown issuer", "GET", "/grus" + q, e.bearer(map[string]any{"iss": "desconhecido"}), 403, sisgru.MsgJWTUnknownIssuer},
		{"JWT deleted system", "GET", "/grus" + q, e.bearer(map[string]any{"iss": "excluido"}), 403, sisgru.MsgJWTSystemDeleted},
		{"JWT expired", "GET", "/grus" + q, e.bearer(map[string]any{"iss": issuer, "iat": iat - 700, "exp": iat - 100}), 403, sisgru.MsgJWTExpired},
		{"JWT certificate expired", "GET", "/grus" + q, e.bearer(map[string]any{"iss": "vencido"}), 403, sisgru.MsgJWTCertificateExpired},
		{"JWT bad signature", "GET", "/grus" + q, "Bearer " + signJWT(t, k[2], map[string]any{"alg": "RS256"}, map[string]any{"iss": issuer}), 403, sisgru.MsgJWTBadSignature},
		{"JWT system without the UG", "GET", "/grus?q=" + url.QueryEscape("ugEmitente=153114"), e.bearer(map[string]any{"iss": issuer}), 403, sisgru.MsgForbidden},

		{"unknown path", "GET", "/nada", user, 404, sisgru.MsgNotFound},
		{"unknown nested path", "GET", "/grus/1/itens", user, 404, sisgru.MsgNotFound},
		{"POST", "POST", "/grus" + q, user, 404, sisgru.MsgNotFound},
		{"unknown GRU", "GET", "/grus/20260000000000000001", user, 404, sisgru.MsgNotFound},
		{"malformed GRU id", "GET", "/grus/abc", user, 404, sisgru.MsgNotFound},
		{"GRU of another UG", "GET", "/grus/" + other.ID, user, 404, sisgru.MsgNotFound},
		{"unknown pagamento", "GET", "/pagamentos/1", user, 404, sisgru.MsgNotFound},
		{"malformed pagamento id", "GET", "/pagamentos/1a", user, 404, sisgru.MsgNotFound},
		{"pagamento id 0", "GET", "/pagamentos/0", user, 404, sisgru.MsgNotFound},

		{"q absent", "GET", "/grus", user, 422, sisgru.MsgRequired},
		{"q absent on pagamentos", "GET", "/pagamentos?page_size=10", user, 422, sisgru.MsgRequired},
		{"bad percent-encoding", "GET", "/grus?q=ug%ZZ", user, 422, "Parâmetros da consulta mal codificados: use a Codificação por Cento."},
		{"unknown filter", "GET", "/pagamentos?q=" + url.QueryEscape("ugArrecadadora=158461"), user, 422, "Filtro desconhecido: 'ugArrecadadora'."},
		{"page_size too large", "GET", "/grus" + q + "&page_size=30001", user, 422, "Parâmetro page_size inválido: informe um inteiro entre 1 e 30000."},
		{"bad date", "GET", "/grus?q=" + url.QueryEscape("ugArrecadadora=158461&dtEmissao=2026-03-25"), user, 422, "Valor inválido para o filtro 'dtEmissao': '2026-03-25'."},
		{"bad sort", "GET", "/pagamentos?q=" + url.QueryEscape("ug=158461") + "&sort=valor", user, 422, "Parâmetro sort inválido: coluna desconhecida 'valor'."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, e.srv.URL+sisgruhttp.Prefix+tc.path, nil)
			resp, body := e.do(req, tc.authz, false)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.HasPrefix(body, `<?xml version="1.0" encoding="utf-8"?>`) {
				t.Errorf("body without the XML declaration: %s", body)
			}
			var x xmlError
			if err := xml.Unmarshal([]byte(body), &x); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if len(x.Error) != 1 || x.Error[0].Code != strconv.Itoa(tc.status) || x.Error[0].Message != tc.msg {
				t.Fatalf("body %+v, want code %d message %q", x, tc.status, tc.msg)
			}
			if tc.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// consumerGRU is <gru> shaped as the public consumers read it (every element
// a string, as xml2js gives it).
type consumerGRU struct {
	ID                        string `xml:"id"`
	Exercicio                 string `xml:"exercicio"`
	Recolhimento              string `xml:"recolhimento"`
	RecolhimentoContabilizado string `xml:"recolhimentoContabilizado"`
	UGEmitente                string `xml:"ugEmitente"`
	UGArrecadadora            string `xml:"ugArrecadadora"`
	NumeroRa                  string `xml:"numeroRa"`
	Situacao                  string `xml:"situacao"`
	EspecieGR                 string `xml:"especieGR"`
	TipoRegistroGRU           string `xml:"tipoRegistroGRU"`
	TipoRecolhedor            string `xml:"tipoRecolhedor"`
	CodigoRecolhedor          string `xml:"codigoRecolhedor"`
	NumReferencia             string `xml:"numReferencia"`
	DataVencimento            string `xml:"dataVencimento"`
	DataCompetencia           string `xml:"dataCompetencia"`
	AgenteArrecadador         string `xml:"agenteArrecadador"`
	MeioPagamento             string `xml:"meioPagamento"`
	VlPrincipal               string `xml:"vlPrincipal"`
	VlDesconto                string `xml:"vlDesconto"`
	VlOutradeducao            string `xml:"vlOutradeducao"`
	VlMulta                   string `xml:"vlMulta"`
	VlJuros                   string `xml:"vlJuros"`
	VlAcrescimo               string `xml:"vlAcrescimo"`
	VlTotal                   string `xml:"vlTotal"`
	Observacao                string `xml:"observacao"`
	DtEmissao                 string `xml:"dtEmissao"`
	DtTransferencia           string `xml:"dtTransferencia"`
	DtContabilizacaoSiafi     string `xml:"dtContabilizacaoSiafi"`
	OrigemArrecadacao         string `xml:"origemArrecadacao"`
	EspecieIngresso           string `xml:"especieIngresso"`
	DtCriacaoSISGRU           string `xml:"dtCriacaoSISGRU"`
	CodigoPagamento           string `xml:"codigoPagamento"`
	TipoServico               string `xml:"tipoServico"`
	Servico                   string `xml:"servico"`
	NumeroTransacaoPSP        string `xml:"numeroTransacaoPSP"`
	OrigemGRU                 string `xml:"origemGRU"`
	NumAutBancaria            string `xml:"numAutBancaria"`
}

type consumerGRUs struct {
	XMLName xml.Name      `xml:"grus"`
	GRU     []consumerGRU `xml:"gru"`
}

type codigoNome struct {
	Codigo    string `xml:"codigo"`
	ID        string `xml:"id"`
	Exercicio string `xml:"exercicio"`
	Nome      string `xml:"nome"`
	Descricao string `xml:"descricao"`
}

// consumerPagamento is <pagamento> as the public consumers read it.
type consumerPagamento struct {
	ID                              string     `xml:"id"`
	Codigo                          string     `xml:"codigo"`
	UG                              codigoNome `xml:"ug"`
	TipoServico                     codigoNome `xml:"tipoServico"`
	Servico                         codigoNome `xml:"servico"`
	Data                            string     `xml:"data"`
	DataPagamentoPSP                string     `xml:"dataPagamentoPSP"`
	DataVencimento                  string     `xml:"dataVencimento"`
	Competencia                     string     `xml:"competencia"`
	NumeroTransacaoPSP              string     `xml:"numeroTransacaoPSP"`
	Recolhimento                    codigoNome `xml:"recolhimento"`
	CodigoContribuinte              string     `xml:"codigoContribuinte"`
	NomeContribuinte                string     `xml:"nomeContribuinte"`
	NumeroReferencia                string     `xml:"numeroReferencia"`
	TipoPagamento                   codigoNome `xml:"tipoPagamento"`
	ProvedorPagamento               codigoNome `xml:"provedorPagamento"`
	Situacao                        string     `xml:"situacao"`
	ValorTotal                      string     `xml:"valorTotal"`
	DataAlteracaoSituacaoPagTesouro string     `xml:"dataAlteracaoSituacaoPagTesouro"`
	ISPB                            string     `xml:"ispb"`
	FormaUtilizacaoPagTesouro       string     `xml:"formaUtilizacaoPagTesouro"`
}

type consumerPagamentos struct {
	XMLName   xml.Name            `xml:"pagamentos"`
	Pagamento []consumerPagamento `xml:"pagamento"`
}

var (
	reDate  = regexp.MustCompile(`^\d\d/\d\d/\d{4}$`)
	reTS    = regexp.MustCompile(`^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d$`)
	reMoney = regexp.MustCompile(`^\d+\.\d\d$`)
	reMonth = regexp.MustCompile(`^\d\d/\d{4}$`)
)

func optional(t *testing.T, what, v string, re *regexp.Regexp) {
	t.Helper()
	if v != "" && !re.MatchString(v) {
		t.Errorf("%s %q has the wrong format", what, v)
	}
}

// TestXMLAsConsumersReadIt decodes lists and single records into structs
// shaped like the public consumers' parsers and checks every value and
// format against what is stored.
func TestXMLAsConsumersReadIt(t *testing.T) {
	e := newEnv(t, 400)
	user := basic(userCPF, userPass)
	resp, body := e.get(sisgruhttp.Prefix+"/grus?q="+url.QueryEscape("ugArrecadadora=158461"), user, false)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<grus>\n<gru>\n<id>") {
		t.Fatalf("%d %.200s", resp.StatusCode, body)
	}
	var gs consumerGRUs
	if err := xml.Unmarshal([]byte(body), &gs); err != nil {
		t.Fatal(err)
	}
	byID := map[string]*sisgru.GRU{}
	want := 0
	for i := range e.grus {
		byID[e.grus[i].ID] = &e.grus[i]
		if e.grus[i].UGArrecadadora == "158461" {
			want++
		}
	}
	if len(gs.GRU) != want || resp.Header.Get("X-Total-Count") != strconv.Itoa(want) {
		t.Fatalf("%d GRUs, X-Total-Count %s, want %d", len(gs.GRU), resp.Header.Get("X-Total-Count"), want)
	}
	sawEscaped, sawOmitted := false, false
	for _, c := range gs.GRU {
		g := byID[c.ID]
		if g == nil {
			t.Fatalf("unknown GRU %s", c.ID)
		}
		if c.UGArrecadadora != g.UGArrecadadora || c.VlTotal != string(sisgru.AppendMoney(nil, g.VlTotal)) ||
			c.DtEmissao != g.DtEmissao.String() || c.Recolhimento != strconv.FormatInt(g.Recolhimento, 10) ||
			c.CodigoPagamento != g.CodigoPagamento || c.Observacao != g.Observacao || c.Situacao != g.Situacao ||
			c.DtCriacaoSISGRU != sisgru.AppendTimestampString(g.DtCriacaoSISGRU) {
			t.Fatalf("GRU %s read as %+v, stored %+v", c.ID, c, g)
		}
		for what, v := range map[string]string{"vlPrincipal": c.VlPrincipal, "vlDesconto": c.VlDesconto, "vlMulta": c.VlMulta, "vlJuros": c.VlJuros, "vlOutradeducao": c.VlOutradeducao, "vlAcrescimo": c.VlAcrescimo} {
			if !reMoney.MatchString(v) {
				t.Errorf("%s %q", what, v)
			}
		}
		optional(t, "dataVencimento", c.DataVencimento, reDate)
		optional(t, "dtTransferencia", c.DtTransferencia, reDate)
		optional(t, "dataCompetencia", c.DataCompetencia, reMonth)
		optional(t, "dtContabilizacaoSiafi", c.DtContabilizacaoSiafi, reTS)
		if strings.ContainsAny(g.Observacao, "&<\"") {
			sawEscaped = true
		}
		if g.NumReferencia == 0 {
			sawOmitted = true
		}
	}
	if !sawEscaped || !sawOmitted {
		t.Errorf("data without escaped text (%v) or without an optional element (%v)", sawEscaped, sawOmitted)
	}
	// Optional elements that are empty are absent, not empty.
	if strings.Contains(body, "<numReferencia></numReferencia>") || strings.Contains(body, "<numReferencia>0</numReferencia>") ||
		strings.Contains(body, "<observacao></observacao>") {
		t.Error("an empty optional element is written")
	}

	resp, body = e.get(sisgruhttp.Prefix+"/pagamentos?q="+url.QueryEscape("ug=153114&data=16/03/2026-25/03/2026"), user, true)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	var ps consumerPagamentos
	if err := xml.Unmarshal([]byte(body), &ps); err != nil {
		t.Fatal(err)
	}
	if len(ps.Pagamento) == 0 || resp.Header.Get("X-Total-Count") != strconv.Itoa(len(ps.Pagamento)) {
		t.Fatalf("%d pagamentos, X-Total-Count %s", len(ps.Pagamento), resp.Header.Get("X-Total-Count"))
	}
	byPag := map[string]*sisgru.Pagamento{}
	for i := range e.pags {
		byPag[strconv.FormatInt(e.pags[i].ID, 10)] = &e.pags[i]
	}
	for _, c := range ps.Pagamento {
		p := byPag[c.ID]
		if p == nil || c.UG.Codigo != "153114" || c.UG.Nome != p.UG.Nome || c.UG.Exercicio != strconv.FormatInt(p.UG.Exercicio, 10) ||
			c.Servico.ID != strconv.FormatInt(p.Servico.ID, 10) || c.TipoPagamento.Codigo != p.TipoPagamento.Codigo ||
			c.Recolhimento.Descricao != p.Recolhimento.Descricao || c.ValorTotal != string(sisgru.AppendMoney(nil, p.ValorTotal)) ||
			c.Data != sisgru.AppendTimestampString(p.Data) || c.NumeroTransacaoPSP != p.NumeroTransacaoPSP || c.ISPB != p.ISPB {
			t.Fatalf("pagamento %s read as %+v, stored %+v", c.ID, c, p)
		}
		optional(t, "dataPagamentoPSP", c.DataPagamentoPSP, reTS)
		optional(t, "competencia", c.Competencia, reMonth)
	}
	if !strings.Contains(body, "<ug>\n<codigo>153114</codigo>\n<exercicio>2026</exercicio>\n<nome>") {
		t.Errorf("ug not nested as <ug><codigo/><exercicio/><nome/></ug>: %.600s", body)
	}

	// One record: the list's envelope, every element.
	g := e.grus[slices.IndexFunc(e.grus, func(g sisgru.GRU) bool { return g.UGEmitente == "153114" })]
	resp, body = e.get(sisgruhttp.Prefix+"/grus/"+g.ID, user, false)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	gs = consumerGRUs{}
	if err := xml.Unmarshal([]byte(body), &gs); err != nil || len(gs.GRU) != 1 || gs.GRU[0].ID != g.ID || gs.GRU[0].NumeroRa != g.NumeroRA {
		t.Fatalf("GET /grus/%s: %v %+v", g.ID, err, gs)
	}
	p := e.pags[slices.IndexFunc(e.pags, func(p sisgru.Pagamento) bool { return p.UG.Codigo == "158461" })]
	resp, body = e.get(sisgruhttp.Prefix+"/pagamentos/"+strconv.FormatInt(p.ID, 10), e.bearer(map[string]any{"iss": issuer, "exp": now.Unix() + 600}), true)
	ps = consumerPagamentos{}
	if err := xml.Unmarshal([]byte(body), &ps); resp.StatusCode != 200 || err != nil || len(ps.Pagamento) != 1 || ps.Pagamento[0].Codigo != p.Codigo {
		t.Fatalf("GET /pagamentos/%d: %d %v %s", p.ID, resp.StatusCode, err, body)
	}
}

func TestFieldsAndSort(t *testing.T) {
	e := newEnv(t, 300)
	user := basic(userCPF, userPass)
	resp, body := e.get(sisgruhttp.Prefix+"/grus?q="+url.QueryEscape("ugArrecadadora=153114")+"&fields=id,vlTotal,nada&sort="+url.QueryEscape("vlTotal desc"), user, false)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var gs consumerGRUs
	if err := xml.Unmarshal([]byte(body), &gs); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, "<ugArrecadadora>") || strings.Contains(body, "<dtEmissao>") {
		t.Errorf("fields=id,vlTotal wrote other elements: %.300s", body)
	}
	for i := 1; i < len(gs.GRU); i++ {
		a, _ := sisgru.ParseMoney(gs.GRU[i-1].VlTotal)
		b, _ := sisgru.ParseMoney(gs.GRU[i].VlTotal)
		if a < b || (a == b && gs.GRU[i-1].ID > gs.GRU[i].ID) {
			t.Fatalf("not in vlTotal desc, id order at %d: %+v %+v", i, gs.GRU[i-1], gs.GRU[i])
		}
	}
	_, body = e.get(sisgruhttp.Prefix+"/pagamentos?q="+url.QueryEscape("ug=153114")+"&fields_exclude=ug,recolhimento,tipoServico,servico,tipoPagamento,provedorPagamento&page_size=3", user, false)
	if strings.Contains(body, "<ug>") || strings.Contains(body, "<recolhimento>") || strings.Contains(body, "<nome>") ||
		!strings.Contains(body, "<valorTotal>") || strings.Count(body, "<pagamento>") != 3 {
		t.Errorf("fields_exclude: %s", body)
	}
	// A query naming no UG reads only the caller's UGs.
	resp, body = e.get(sisgruhttp.Prefix+"/grus?q="+url.QueryEscape("origemGRU=2"), e.bearer(map[string]any{"iss": issuer}), false)
	gs = consumerGRUs{}
	if err := xml.Unmarshal([]byte(body), &gs); err != nil || resp.StatusCode != 200 || len(gs.GRU) == 0 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	for _, g := range gs.GRU {
		if g.UGArrecadadora != "158461" && g.UGEmitente != "158461" {
			t.Fatalf("system of UG 158461 read a GRU of %s/%s", g.UGArrecadadora, g.UGEmitente)
		}
	}
}

var reLink = regexp.MustCompile(`<([^>]+)>; rel="(prev|next)"`)

// links parses a Link header into rel → URL.
func links(t *testing.T, h string) map[string]string {
	out := map[string]string{}
	for _, m := range reLink.FindAllStringSubmatch(h, -1) {
		out[m[2]] = m[1]
	}
	if h != "" && len(out) == 0 {
		t.Fatalf("Link %q does not parse", h)
	}
	return out
}

// TestPagingFollowsLinks follows rel="next" from the first page to the last
// and sees every record once, in order, with X-Total-Count; then walks back
// with rel="prev".
func TestPagingFollowsLinks(t *testing.T) {
	e := newEnv(t, 900)
	user := basic(userCPF, userPass)
	q := "ugArrecadadora=158461&dtEmissao=17/03/2026-25/03/2026"
	next := e.srv.URL + sisgruhttp.Prefix + "/grus?q=" + url.QueryEscape(q) + "&page_size=37&fields=id,dtEmissao"
	var ids []string
	var pages []string
	total := ""
	for next != "" {
		req, _ := http.NewRequest("GET", next, nil)
		resp, body := e.do(req, user, true)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", next, resp.StatusCode, body)
		}
		if total == "" {
			total = resp.Header.Get("X-Total-Count")
		} else if resp.Header.Get("X-Total-Count") != total {
			t.Fatalf("X-Total-Count changed: %s, %s", total, resp.Header.Get("X-Total-Count"))
		}
		var gs consumerGRUs
		if err := xml.Unmarshal([]byte(body), &gs); err != nil {
			t.Fatal(err)
		}
		for _, g := range gs.GRU {
			if g.UGArrecadadora != "" {
				t.Fatal("fields not carried by the Link")
			}
			ids = append(ids, g.ID)
		}
		pages = append(pages, next)
		l := links(t, resp.Header.Get("Link"))
		if len(pages) > 2 && l["prev"] != pages[len(pages)-2] {
			t.Fatalf("rel=prev %q, want %q", l["prev"], pages[len(pages)-2])
		}
		if (len(pages) == 1) != (l["prev"] == "") {
			t.Fatalf("page %d: rel=prev %q", len(pages), l["prev"])
		}
		next = l["next"]
		if next != "" {
			u, _ := url.Parse(next)
			if u.Query().Get("q") != q || u.Query().Get("fields") != "id,dtEmissao" {
				t.Fatalf("next %s does not carry q and fields", next)
			}
		}
	}
	var want []string
	var stored []sisgru.GRU
	for _, g := range e.grus {
		if g.UGArrecadadora == "158461" && g.DtEmissao >= 20260317 {
			stored = append(stored, g)
		}
	}
	slices.SortFunc(stored, func(a, b sisgru.GRU) int {
		if a.DtEmissao != b.DtEmissao {
			return int(a.DtEmissao - b.DtEmissao)
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, g := range stored {
		want = append(want, g.ID)
	}
	if total != strconv.Itoa(len(want)) || !slices.Equal(ids, want) {
		t.Fatalf("paged %d ids (X-Total-Count %s), want %d in (dtEmissao, id) order", len(ids), total, len(want))
	}
	if n := (len(want) + 36) / 37; len(pages) != n {
		t.Errorf("%d pages, want %d", len(pages), n)
	}
}
