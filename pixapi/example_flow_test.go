package pixapi_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/brasa-dev/brasa/internal/app"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/pixapi"
)

// A whole integration against a sandbox: a token, a charge, its payment by
// the sandbox's payer simulator, the Pix listed, a refund, and both
// callbacks received by a webhook built with [pixapi.Receiver]. (The
// example starts its own sandbox in a temporary directory; against `brasa
// sandbox` use pixapi.LoadSandbox("brasa-data") and NewFromSandbox.)
func Example_fullFlow() {
	ctx := context.Background()
	sb, ca, stop := startSandbox()
	defer stop()

	c, err := pixapi.New(sb.APIURL, sb.Options()...)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := c.Token(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("token:", tok.TokenType)

	// The integrator's webhook: mutual TLS, the PSP's certificate checked
	// against the PSP's CA, {"pix":[...]} decoded.
	received := make(chan pixapi.Pix, 4)
	pspCAs := x509.NewCertPool()
	pspCAs.AppendCertsFromPEM(mustRead(sb.CAFile))
	hook := &http.Server{
		Handler: pixapi.Receiver(func(ctx context.Context, pix []pixapi.Pix) error {
			for _, p := range pix {
				received <- p
			}
			return nil
		}),
		TLSConfig: pixapi.ReceiverTLSConfig(ca.serverCert, pspCAs),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go hook.ServeTLS(ln, "", "")
	defer hook.Close()
	if err := c.PutWebhook(ctx, sb.Pix.Chave, "https://"+ln.Addr().String()+"/webhook"); err != nil {
		log.Fatal(err)
	}

	cob, err := c.CreateCob(ctx, "exemplo0000000000000000000000001", pixapi.CobSolicitada{
		Calendario: pixapi.CobCalendarioSolicitado{Expiracao: pixapi.Ptr(3600)},
		Valor:      pixapi.CobValor{Original: "25.00"},
		Chave:      sb.Pix.Chave,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cob:", cob.Status, cob.Valor.Original)

	pix, err := sb.Pay(ctx, c, pixapi.SandboxPayment{PixCopiaECola: cob.PixCopiaECola})
	if err != nil {
		log.Fatal(err)
	}
	got := next(received)
	fmt.Println("webhook:", got.EndToEndID == pix.EndToEndID, got.TxID, got.Valor)

	now := time.Now()
	list, err := c.ListPix(ctx, pixapi.PixListParams{Inicio: now.Add(-time.Hour), Fim: now.Add(time.Hour)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listed:", len(list.Pix), list.Pix[0].Valor)

	d, err := c.CreateDevolucao(ctx, pix.EndToEndID, "reembolso1", pixapi.DevolucaoSolicitada{Valor: "5.00"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("devolução:", d.Status)
	got = next(received)
	fmt.Println("webhook:", got.Devolucoes[0].ID, got.Devolucoes[0].Status)

	// Output:
	// token: bearer
	// cob: ATIVA 25.00
	// webhook: true exemplo0000000000000000000000001 25.00
	// listed: 1 25.00
	// devolução: EM_PROCESSAMENTO
	// webhook: reembolso1 DEVOLVIDO
}

type exampleCA struct{ serverCert tls.Certificate }

// startSandbox runs a sandbox on 127.0.0.1:0 in a temporary directory and
// returns its sandbox.json, a server certificate its CA issued for the
// example's webhook (the sandbox trusts its own CA for receivers), and a
// function that stops it.
func startSandbox() (*pixapi.Sandbox, exampleCA, func()) {
	dir, err := os.MkdirTemp("", "brasa-example")
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := config.Load(config.ModeSandbox, []string{"--data", dir, "--api", "127.0.0.1:0", "--web", "127.0.0.1:0", "--refund-delay", "100ms"}, func(string) string { return "" })
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	cert, err := a.CA.IssueServer([]string{"127.0.0.1"}, 0)
	if err != nil {
		log.Fatal(err)
	}
	return a.Sandbox, exampleCA{serverCert: cert}, func() {
		cancel()
		<-done
		a.Close()
		os.RemoveAll(dir)
	}
}

func mustRead(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// next waits for the next Pix the webhook received.
func next(received <-chan pixapi.Pix) pixapi.Pix {
	select {
	case p := <-received:
		return p
	case <-time.After(15 * time.Second):
		log.Fatal("no webhook callback within 15 s")
		return pixapi.Pix{}
	}
}
