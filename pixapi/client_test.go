package pixapi_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
	"software.sslmate.com/src/go-pkcs12"
)

type cob struct {
	Txid   string `json:"txid"`
	Status string `json:"status"`
	Chave  string `json:"chave,omitempty"`
}

func TestTokenCachedAcrossCalls(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p, pixapi.WithScopes("cob.read", "cob.write"))
	ctx := t.Context()

	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tok.AccessToken, "tok-1"; got != want {
		t.Errorf("AccessToken = %q, want %q", got, want)
	}
	if got, want := tok.Scope, "cob.read cob.write"; got != want {
		t.Errorf("Scope = %q, want %q", got, want)
	}
	for range 3 {
		var got cob
		if err := c.Do(ctx, http.MethodGet, pixapi.APIPrefix+"/cob/abc", nil, &got); err != nil {
			t.Fatal(err)
		}
		if got.Txid != "abc" || got.Status != "ATIVA" {
			t.Errorf("cob = %+v", got)
		}
	}
	tok.AccessToken = "changed by caller"
	if tok2, err := c.Token(ctx); err != nil || tok2.AccessToken != "tok-1" {
		t.Errorf("Token() = %v, %v; want the cached tok-1", tok2, err)
	}
	if got := f.tokenCalls.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

func TestTokenRequestFormat(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p, pixapi.WithScopes("cob.read", "pix.read"))
	if _, err := c.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// RFC 6749 §2.3.1: id and secret are form-encoded before Basic.
	wantBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(testClientID)+":"+url.QueryEscape(testClientSecret)))
	if f.lastBasic != wantBasic {
		t.Errorf("Authorization = %q, want %q", f.lastBasic, wantBasic)
	}
	if got, want := f.lastScope, "cob.read pix.read"; got != want {
		t.Errorf("scope = %q, want %q", got, want)
	}
}

func TestTokenRefreshWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		expiresIn int
		refreshAt time.Duration // after t0
	}{
		{name: "FiveMinutesBeforeExpiry", expiresIn: 3600, refreshAt: 55 * time.Minute},
		{name: "HalfLifeOfShortToken", expiresIn: 300, refreshAt: 150 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := MustNewPKI(t)
			f := MustStartFakePix(t, p)
			f.expiresIn = tc.expiresIn
			clock := &fakeClock{t: t0}
			c := MustNewClient(t, f, p, pixapi.WithClock(clock.Now))
			ctx := t.Context()

			tok, err := c.Token(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := tok.Expiry, t0.Add(time.Duration(tc.expiresIn)*time.Second); !got.Equal(want) {
				t.Errorf("Expiry = %v, want %v", got, want)
			}

			clock.Advance(tc.refreshAt - time.Second)
			if tok, err = c.Token(ctx); err != nil || tok.AccessToken != "tok-1" {
				t.Fatalf("before the window: Token() = %v, %v; want tok-1", tok, err)
			}
			clock.Advance(time.Second)
			if tok, err = c.Token(ctx); err != nil || tok.AccessToken != "tok-2" {
				t.Fatalf("inside the window: Token() = %v, %v; want tok-2", tok, err)
			}
			if got, want := tok.Expiry, t0.Add(tc.refreshAt+time.Duration(tc.expiresIn)*time.Second); !got.Equal(want) {
				t.Errorf("new Expiry = %v, want %v", got, want)
			}
			if got := f.tokenCalls.Load(); got != 2 {
				t.Errorf("token requests = %d, want 2", got)
			}
		})
	}
}

func TestTokenRefreshBeforeOption(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	clock := &fakeClock{t: t0}
	c := MustNewClient(t, f, p, pixapi.WithClock(clock.Now), pixapi.WithRefreshBefore(0))
	if _, err := c.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour - time.Second)
	if tok, err := c.Token(t.Context()); err != nil || tok.AccessToken != "tok-1" {
		t.Fatalf("Token() = %v, %v; want tok-1 until expiry", tok, err)
	}
	clock.Advance(time.Second)
	if tok, err := c.Token(t.Context()); err != nil || tok.AccessToken != "tok-2" {
		t.Fatalf("Token() = %v, %v; want tok-2 at expiry", tok, err)
	}
}

func TestTokenConcurrentCallersShareOneRequest(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	f.tokenDelay = 50 * time.Millisecond
	c := MustNewClient(t, f, p)

	const n = 50
	var wg sync.WaitGroup
	toks := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			tok, err := c.Token(t.Context())
			errs[i] = err
			if err == nil {
				toks[i] = tok.AccessToken
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || toks[i] != "tok-1" {
			t.Errorf("caller %d: %q, %v; want tok-1", i, toks[i], errs[i])
		}
	}
	if got := f.tokenCalls.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

func TestTokenFailureIsSharedAndNotCached(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	f.tokenDelay = 50 * time.Millisecond
	f.failTokens = 1
	c := MustNewClient(t, f, p)

	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { _, errs[i] = c.Token(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		var prob *pixapi.Problem
		if !errors.As(err, &prob) || prob.Status != http.StatusInternalServerError {
			t.Errorf("caller %d: err = %v, want the 500 problem", i, err)
		}
	}
	if got := f.tokenCalls.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
	if tok, err := c.Token(t.Context()); err != nil || tok.AccessToken != "tok-1" {
		t.Errorf("after a failure: Token() = %v, %v; want a new request", tok, err)
	}
}

func TestTokenCallerCancelDoesNotFailOthers(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	f.tokenDelay = 100 * time.Millisecond
	c := MustNewClient(t, f, p)

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Token(short ctx) error = %v, want DeadlineExceeded", err)
	}
	tok, err := c.Token(t.Context())
	if err != nil || tok.AccessToken != "tok-1" {
		t.Fatalf("Token() = %v, %v; want tok-1 from the shared request", tok, err)
	}
	if got := f.tokenCalls.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

func TestTokenWithoutCredentials(t *testing.T) {
	c, err := pixapi.New("https://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(t.Context()); !errors.Is(err, pixapi.ErrNoCredentials) {
		t.Errorf("Token() error = %v, want ErrNoCredentials", err)
	}
}

func TestDoRetriesOnceAfter401(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p)
	ctx := t.Context()
	if _, err := c.Token(ctx); err != nil {
		t.Fatal(err)
	}
	f.RevokeAll()

	in := cob{Chave: "7d9f0335-8dcc-4054-9bf9-0dbd61d36906"}
	var out cob
	if err := c.Do(ctx, http.MethodPut, pixapi.APIPrefix+"/cob/abc", in, &out); err != nil {
		t.Fatal(err)
	}
	if out.Txid != "abc" || out.Chave != in.Chave {
		t.Errorf("out = %+v", out)
	}
	if got := f.tokenCalls.Load(); got != 2 {
		t.Errorf("token requests = %d, want 2", got)
	}
	// The first PUT was rejected by the auth check; the replay reached the
	// handler with the same body.
	f.mu.Lock()
	bodies := f.putBodies
	f.mu.Unlock()
	if len(bodies) != 1 || !strings.Contains(bodies[0], in.Chave) {
		t.Errorf("bodies = %q, want one with the chave", bodies)
	}
	if tok, _ := c.Token(ctx); tok.AccessToken != "tok-2" {
		t.Errorf("cached token = %q, want tok-2", tok.AccessToken)
	}
}

func TestDoRetriesOnlyOnce(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p)
	err := c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/always401", nil, nil)
	if !errors.Is(err, pixapi.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if got := f.tokenCalls.Load(); got != 2 {
		t.Errorf("token requests = %d, want 2 (first + one refresh)", got)
	}
}

func TestDoProblemObject(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p)

	err := c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/cob/missing", nil, &cob{})
	if !errors.Is(err, pixapi.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
	var prob *pixapi.Problem
	if !errors.As(err, &prob) {
		t.Fatalf("err = %T, want *Problem", err)
	}
	if got, want := prob.Tipo(), "NaoEncontrado"; got != want {
		t.Errorf("Tipo() = %q, want %q", got, want)
	}
	if got, want := prob.CorrelationID, "fc105e34-12615826"; got != want {
		t.Errorf("CorrelationID = %q, want %q", got, want)
	}

	err = c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/cob/invalid", nil, nil)
	if !errors.As(err, &prob) {
		t.Fatalf("err = %T, want *Problem", err)
	}
	want := pixapi.Problem{
		Type:          pixapi.ErrorTypeBase + "CobOperacaoInvalida",
		Title:         "Cobrança inválida.",
		Status:        400,
		Detail:        "A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o schema ou está semanticamente errada.",
		CorrelationID: "fc105e34-12615826",
		Violacoes:     []pixapi.Violacao{{Razao: "Não foi localizada a chave informada", Propriedade: "cob.chave"}},
	}
	gotJSON, _ := json.Marshal(prob)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("problem = %s\nwant %s", gotJSON, wantJSON)
	}
	if errors.Is(err, pixapi.ErrNotFound) || errors.Is(err, pixapi.ErrForbidden) {
		t.Errorf("a 400 matches a status sentinel")
	}
}

func TestDoErrorBodySniffing(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p)

	err := c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/cob/plain", nil, nil)
	var prob *pixapi.Problem
	if !errors.As(err, &prob) || prob.Tipo() != "AcessoNegado" || !errors.Is(err, pixapi.ErrForbidden) {
		t.Errorf("text/plain problem: err = %v (%T), want a 403 *Problem", err, err)
	}

	err = c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/cob/oauth", nil, nil)
	var he *pixapi.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 400 || he.Body != `{"error":"invalid_request","error_description":"bad"}` {
		t.Errorf("OAuth-style body: err = %v (%T), want an *HTTPError keeping the body", err, err)
	}
}

func TestTokenProblemArray(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p, pixapi.WithScopes("cob.read", "cobv.read"))

	_, err := c.Token(t.Context())
	var prob *pixapi.Problem
	if !errors.As(err, &prob) {
		t.Fatalf("err = %v (%T), want a *Problem", err, err)
	}
	if prob.Status != 400 || prob.Tipo() != "RequisicaoInvalida" || !strings.HasPrefix(prob.Detail, "Escopo negado") {
		t.Errorf("problem = %+v", prob)
	}
	if got, want := err.Error(), "pixapi: token request: 400 RequisicaoInvalida: Escopo negado (o usuário não tem acesso ao escopo solicitado): cobv.read"; got != want {
		t.Errorf("Error() = %q\nwant %q", got, want)
	}
	// Do reports the token failure without sending the request.
	if err := c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/cob/abc", nil, nil); !errors.As(err, &prob) {
		t.Errorf("Do error = %v, want the token problem", err)
	}
}

func TestDoProblemList(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p)

	err := c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/multi", nil, nil)
	var list *pixapi.ProblemList
	if !errors.As(err, &list) || len(list.Problems) != 2 {
		t.Fatalf("err = %v (%T), want a *ProblemList of 2", err, err)
	}
	var prob *pixapi.Problem
	if !errors.As(err, &prob) || prob.Detail != "um" {
		t.Errorf("errors.As *Problem = %+v, want the first", prob)
	}
	if !errors.Is(err, pixapi.ErrNotFound) {
		t.Errorf("errors.Is(ErrNotFound) = false, want true (second problem is a 404)")
	}
	if got, want := err.Error(), "pixapi: 400 RequisicaoInvalida: um (and 1 more)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestHTMLForbiddenWithoutCertificate(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c, err := pixapi.New(f.srv.URL, pixapi.WithRootCAs(p.pool), pixapi.WithCredentials(testClientID, testClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Token(t.Context())
	if !errors.Is(err, pixapi.ErrForbidden) {
		t.Errorf("err = %v, want ErrForbidden", err)
	}
	var he *pixapi.HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("err = %T, want *HTTPError", err)
	}
	if he.StatusCode != http.StatusForbidden || len(he.Body) != 512 || !strings.Contains(he.Body, "<H1>Access Denied</H1>") {
		t.Errorf("HTTPError = {%d, %d bytes: %q}", he.StatusCode, len(he.Body), he.Body)
	}
	if got, want := err.Error(), "pixapi: token request: 403 Forbidden: Access Denied"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var prob *pixapi.Problem
	if errors.As(err, &prob) {
		t.Errorf("an HTML body decoded as a Problem: %+v", prob)
	}
}

func TestProblemError(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    pixapi.Problem
		want string
	}{
		{
			name: "Detail",
			p:    pixapi.Problem{Type: pixapi.ErrorTypeBase + "RequisicaoInvalida", Title: "Requisição inválida.", Status: 400, Detail: "Escopo vazio"},
			want: "pixapi: 400 RequisicaoInvalida: Escopo vazio",
		},
		{
			name: "TitleWithoutDetail",
			p:    pixapi.Problem{Type: pixapi.ErrorTypeBase + "AcessoNegado", Title: "Acesso Negado", Status: 403},
			want: "pixapi: 403 AcessoNegado: Acesso Negado",
		},
		{
			name: "Violacoes",
			p: pixapi.Problem{Type: pixapi.ErrorTypeBase + "CobOperacaoInvalida", Status: 400, Detail: "inválida", Violacoes: []pixapi.Violacao{
				{Razao: "obrigatório", Propriedade: "cob.chave"},
				{Razao: "deve ser positivo", Propriedade: "cob.calendario.expiracao", Valor: "-1"},
			}},
			want: "pixapi: 400 CobOperacaoInvalida: inválida [cob.chave: obrigatório; cob.calendario.expiracao: deve ser positivo]",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProblemJSON(t *testing.T) {
	p := pixapi.Problem{Type: pixapi.ErrorTypeBase + "NaoEncontrado", Title: "Não Encontrado", Status: 404}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"type":"https://pix.bcb.gov.br/api/v2/error/NaoEncontrado","title":"Não Encontrado","status":404}`; got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
	tok := pixapi.Token{AccessToken: "a", TokenType: "bearer", ExpiresIn: 3600, Scope: "cob.read", Expiry: time.Now()}
	b, _ = json.Marshal(tok)
	if got, want := string(b), `{"access_token":"a","token_type":"bearer","expires_in":3600,"scope":"cob.read"}`; got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
}

func TestCertificateFiles(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	dir := t.TempDir()
	cert, key := p.Issue(t, "client", false)
	derCert := mustWrite(t, dir, "cert.cer", cert.Raw)
	pemCert := mustWrite(t, dir, "cert.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	pkcs8Key := mustWrite(t, dir, "pkcs8.key", pkcs8PEM(t, key))
	sec1DER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	sec1Key := mustWrite(t, dir, "sec1.key", append(
		pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1DER})...))
	_, otherKey := p.Issue(t, "other", false)
	otherKeyFile := mustWrite(t, dir, "other.key", pkcs8PEM(t, otherKey))

	for _, tc := range []struct{ name, cert, key string }{
		{"DERCertPKCS8Key", derCert, pkcs8Key},
		{"PEMCertSEC1Key", pemCert, sec1Key},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := pixapi.New(f.srv.URL,
				pixapi.WithCertificateFiles(tc.cert, tc.key),
				pixapi.WithRootCAFile(p.CAFile(t, t.TempDir())),
				pixapi.WithCredentials(testClientID, testClientSecret))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/cob/abc", nil, nil); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("MismatchedKey", func(t *testing.T) {
		_, err := pixapi.New(f.srv.URL, pixapi.WithCertificateFiles(derCert, otherKeyFile))
		if !errors.Is(err, pixapi.ErrKeyMismatch) {
			t.Fatalf("err = %v, want ErrKeyMismatch", err)
		}
		if !strings.HasPrefix(err.Error(), "pixapi: key does not match certificate (KEY_VALUES_MISMATCH)") {
			t.Errorf("Error() = %q", err)
		}
	})

	t.Run("MismatchedTLSCertificate", func(t *testing.T) {
		bad := tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: otherKey}
		if _, err := pixapi.New(f.srv.URL, pixapi.WithCertificate(bad)); !errors.Is(err, pixapi.ErrKeyMismatch) {
			t.Fatalf("err = %v, want ErrKeyMismatch", err)
		}
	})

	for _, tc := range []struct {
		name  string
		block *pem.Block
	}{
		{"EncryptedPKCS8", &pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x00}}},
		{"LegacyEncryptedPEM", &pem.Block{Type: "EC PRIVATE KEY", Headers: map[string]string{
			"Proc-Type": "4,ENCRYPTED",
			"DEK-Info":  "AES-256-CBC,00112233445566778899AABBCCDDEEFF",
		}, Bytes: []byte{1, 2, 3, 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := mustWrite(t, t.TempDir(), "enc.key", pem.EncodeToMemory(tc.block))
			_, err := pixapi.New(f.srv.URL, pixapi.WithCertificateFiles(pemCert, file))
			if !errors.Is(err, pixapi.ErrEncryptedKey) {
				t.Fatalf("err = %v, want ErrEncryptedKey", err)
			}
			if !strings.Contains(err.Error(), "encrypted") || !strings.Contains(err.Error(), file) {
				t.Errorf("Error() = %q, want it to say encrypted and name the file", err)
			}
		})
	}

	t.Run("SwappedFiles", func(t *testing.T) {
		_, err := pixapi.New(f.srv.URL, pixapi.WithCertificateFiles(pkcs8Key, pemCert))
		if err == nil {
			t.Fatal("New succeeded with swapped files")
		}
	})
}

func TestPKCS12File(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	cert, key := p.Issue(t, "client", false)
	pfx, err := pkcs12.Modern2023.Encode(key, cert, []*x509.Certificate{p.ca}, "s3nh@")
	if err != nil {
		t.Fatal(err)
	}
	file := mustWrite(t, t.TempDir(), "client.pfx", pfx)

	c, err := pixapi.New(f.srv.URL,
		pixapi.WithPKCS12File(file, "s3nh@"),
		pixapi.WithRootCAs(p.pool),
		pixapi.WithCredentials(testClientID, testClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(t.Context()); err != nil {
		t.Fatal(err)
	}

	if _, err := pixapi.New(f.srv.URL, pixapi.WithPKCS12File(file, "wrong")); !errors.Is(err, pkcs12.ErrIncorrectPassword) {
		t.Errorf("wrong password: err = %v, want ErrIncorrectPassword", err)
	}
}

// MustWriteSandbox writes the files of a sandbox serving f and its
// sandbox.json into a temporary directory, and returns the directory.
func MustWriteSandbox(t *testing.T, f *fakePix, p *testPKI, relative bool) string {
	t.Helper()
	dir := t.TempDir()
	cert, key := p.Issue(t, "sandbox", false)
	p.CAFile(t, dir)
	mustWrite(t, dir, "pix.crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	mustWrite(t, dir, "pix.key", pkcs8PEM(t, key))
	path := func(name string) string {
		if relative {
			return name
		}
		return filepath.Join(dir, name)
	}
	sb := map[string]any{
		"api_url": f.srv.URL, "web_url": "https://127.0.0.1:8444",
		"ca_file": path("ca.pem"), "admin_token": "adm",
		"pix": map[string]any{
			"client_id": testClientID, "client_secret": testClientSecret,
			"cert_file": path("pix.crt"), "key_file": path("pix.key"),
			"pfx_file": path("pix.pfx"), "pfx_password": "x",
			"chave": "7d9f0335-8dcc-4054-9bf9-0dbd61d36906", "cnpj": "12345678000195",
			"cooperativa": "0101", "conta": "12345",
			"scopes": []string{"cob.read", "cob.write"},
		},
		"banking": map[string]any{"account_id": "acc-1"},
		"psc":     map[string]any{"holder_cpf": "12345678909"},
	}
	b, err := json.Marshal(sb)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, dir, "sandbox.json", b)
	return dir
}

func TestNewFromSandbox(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	dir := MustWriteSandbox(t, f, p, false)

	c, err := pixapi.NewFromSandbox(filepath.Join(dir, "sandbox.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got cob
	if err := c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/cob/sandbox1", nil, &got); err != nil {
		t.Fatal(err)
	}
	if got.Txid != "sandbox1" {
		t.Errorf("txid = %q", got.Txid)
	}
	f.mu.Lock()
	scope := f.lastScope
	f.mu.Unlock()
	if want := "cob.read cob.write"; scope != want {
		t.Errorf("scope = %q, want %q", scope, want)
	}

	// Later options override the sandbox's.
	c, err = pixapi.NewFromSandbox(dir, pixapi.WithScopes("cob.read"))
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := c.Token(t.Context()); err != nil || tok.Scope != "cob.read" {
		t.Errorf("Token() = %v, %v; want scope cob.read", tok, err)
	}
}

func TestLoadSandbox(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	dir := MustWriteSandbox(t, f, p, true)

	sb, err := pixapi.LoadSandbox(dir) // the directory works too
	if err != nil {
		t.Fatal(err)
	}
	if sb.APIURL != f.srv.URL || sb.AdminToken != "adm" || sb.Pix.CNPJ != "12345678000195" || sb.Pix.Cooperativa != "0101" {
		t.Errorf("sandbox = %+v", sb)
	}
	if got, want := sb.CAFile, filepath.Join(dir, "ca.pem"); got != want {
		t.Errorf("CAFile = %q, want %q (resolved against the file's directory)", got, want)
	}
	if got, want := sb.Pix.PFXFile, filepath.Join(dir, "pix.pfx"); got != want {
		t.Errorf("PFXFile = %q, want %q", got, want)
	}
	if got, want := string(sb.Banking), `{"account_id":"acc-1"}`; got != want {
		t.Errorf("Banking = %s, want %s", got, want)
	}
	if sb.Bankly != nil {
		t.Errorf("Bankly = %s, want nil", sb.Bankly)
	}
	c, err := pixapi.New(sb.APIURL, sb.Options()...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(t.Context()); err != nil {
		t.Fatal(err)
	}

	if _, err := pixapi.LoadSandbox(filepath.Join(dir, "nope.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want ErrNotExist", err)
	}
}

func TestWithHTTPClient(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs:      p.pool,
		Certificates: []tls.Certificate{p.TLSCert(t)},
	}}}
	c, err := pixapi.New(f.srv.URL, pixapi.WithHTTPClient(hc), pixapi.WithCredentials(testClientID, testClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPClient() != hc {
		t.Error("HTTPClient() is not the given client")
	}
	if err := c.Do(t.Context(), http.MethodGet, pixapi.APIPrefix+"/cob/abc", nil, nil); err != nil {
		t.Fatal(err)
	}

	if _, err := pixapi.New(f.srv.URL, pixapi.WithHTTPClient(hc), pixapi.WithRootCAs(p.pool)); err == nil {
		t.Error("New accepted WithHTTPClient with WithRootCAs")
	}
}

func TestHTTPClientRawCall(t *testing.T) {
	p := MustNewPKI(t)
	f := MustStartFakePix(t, p)
	c := MustNewClient(t, f, p)
	tok, err := c.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, f.srv.URL+pixapi.APIPrefix+"/cob/raw", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := c.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d", resp.StatusCode)
	}
	if v := resp.TLS.Version; v < tls.VersionTLS12 {
		t.Errorf("TLS version = %x", v)
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  string
		opts []pixapi.Option
	}{
		{"RelativeURL", "api-pix.example.com", nil},
		{"FTP", "ftp://example.com", nil},
		{"Query", "https://example.com/?a=b", nil},
		{"MissingCertFile", "https://example.com", []pixapi.Option{pixapi.WithCertificateFiles("/nonexistent/cert.pem", "/nonexistent/key.pem")}},
		{"MissingRootCAFile", "https://example.com", []pixapi.Option{pixapi.WithRootCAFile("/nonexistent/ca.pem")}},
		{"NegativeRefresh", "https://example.com", []pixapi.Option{pixapi.WithRefreshBefore(-time.Second)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := pixapi.New(tc.url, tc.opts...); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}

func TestDoRejectsRelativePath(t *testing.T) {
	c, err := pixapi.New("https://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Do(t.Context(), http.MethodGet, "api/v2/cob", nil, nil); err == nil {
		t.Error("Do accepted a path without a leading slash")
	}
}
