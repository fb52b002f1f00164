package pixapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// Connect to a sandbox started with `brasa sandbox --data brasa-data` and
// read a charge.
func ExampleNewFromSandbox() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data/sandbox.json")
	if err != nil {
		log.Fatal(err)
	}
	var cob struct {
		Txid   string `json:"txid"`
		Status string `json:"status"`
	}
	err = c.Do(ctx, http.MethodGet, pixapi.APIPrefix+"/cob/7978c0c97ea847e78e8849634473c1f1", nil, &cob)
	switch {
	case errors.Is(err, pixapi.ErrNotFound):
		fmt.Println("no such charge")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(cob.Txid, cob.Status)
	}
}

// Configure a client for a PSP from the files its developer portal issues.
func ExampleNew() {
	c, err := pixapi.New("https://api-pix-h.sicredi.com.br",
		pixapi.WithCertificateFiles("12345678000195.cer", "APLICACAO.key"),
		pixapi.WithRootCAFile("cadeia-completa.pem"),
		pixapi.WithCredentials("client-id", "client-secret"),
		pixapi.WithScopes("cob.read", "cob.write", "pix.read"),
	)
	if errors.Is(err, pixapi.ErrKeyMismatch) {
		log.Fatal("the key was not the one used to request the certificate")
	}
	if err != nil {
		log.Fatal(err)
	}
	_ = c
}

// Obtain the access token, for example to make a raw call with
// [pixapi.Client.HTTPClient]. The token is cached and refreshed by the client.
func ExampleClient_Token() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	tok, err := c.Token(ctx)
	var p *pixapi.Problem
	switch {
	case errors.As(err, &p):
		// For example "Escopo negado (...)" when a scope is not enabled.
		log.Fatalf("token refused: %s (%s)", p.Detail, p.Tipo())
	case err != nil:
		log.Fatal(err) // *HTTPError, transport error...
	}
	fmt.Println("scopes:", tok.Scope, "valid until", tok.Expiry.Format(time.RFC3339))

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://127.0.0.1:8443"+pixapi.APIPrefix+"/webhook", nil)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := c.HTTPClient().Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
}

// Inspect the violations of a rejected request.
func ExampleProblem() {
	// What Client.Do returns for a 400 with an RFC 7807 body:
	var err error = &pixapi.Problem{
		Type:   pixapi.ErrorTypeBase + "CobOperacaoInvalida",
		Title:  "Cobrança inválida.",
		Status: 400,
		Detail: "A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o schema ou está semanticamente errada.",
		Violacoes: []pixapi.Violacao{
			{Razao: "Não foi localizada a chave informada", Propriedade: "cob.chave"},
		},
	}
	err = fmt.Errorf("creating charge: %w", err)

	var p *pixapi.Problem
	if errors.As(err, &p) {
		fmt.Println(p.Tipo(), p.Status)
		for _, v := range p.Violacoes {
			fmt.Printf("%s: %s\n", v.Propriedade, v.Razao)
		}
	}
	fmt.Println(errors.Is(err, pixapi.ErrNotFound))
	// Output:
	// CobOperacaoInvalida 400
	// cob.chave: Não foi localizada a chave informada
	// false
}

// Tell a missing certificate (an HTML 403 page) from other failures.
func ExampleHTTPError() {
	var err error = &pixapi.HTTPError{
		StatusCode: http.StatusForbidden,
		Body:       "<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY>...",
	}
	var he *pixapi.HTTPError
	if errors.As(err, &he) {
		fmt.Println(he.StatusCode, errors.Is(err, pixapi.ErrForbidden))
	}
	fmt.Println(err)
	// Output:
	// 403 true
	// pixapi: 403 Forbidden: Access Denied
}
