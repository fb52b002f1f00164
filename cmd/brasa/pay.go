package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"

	"github.com/brasa-dev/brasa/internal/sandbox"
	"github.com/brasa-dev/brasa/pixapi"
)

const payUsage = `Usage: brasa pay [--sandbox DIR] [--valor 10.00] [--pagador-cpf CPF | --pagador-cnpj CNPJ] [--pagador-nome NOME] PIX_COPIA_E_COLA

Pays a BR Code through the running sandbox's payer simulator
(POST /sandbox/v1/payments): the charge moves to CONCLUIDA, the Pix appears in
GET /pix, and the webhook of its chave (if any) is called. It prints the Pix.
Quote the code: it usually holds spaces.

Flags:
`

// runPay is `brasa pay`: a client of POST /sandbox/v1/payments that reads
// the API URL, CA and admin token from DIR/sandbox.json.
func (m *Main) runPay(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pay", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, payUsage)
		fs.PrintDefaults()
	}
	dir := fs.String("sandbox", "brasa-data", "the sandbox data `directory` (holds sandbox.json)")
	var req sandbox.PaymentRequest
	var pg pixapi.Pessoa
	fs.StringVar(&req.Valor, "valor", "", "amount to pay, where the charge lets the payer choose it (or a static code has none)")
	fs.StringVar(&req.ValorRetirada, "valor-retirada", "", "cash amount of a Pix Saque/Troco, where the charge lets the payer choose it")
	fs.StringVar(&pg.CPF, "pagador-cpf", "", "payer's CPF (default "+sandbox.PagadorPadrao.CPF+")")
	fs.StringVar(&pg.CNPJ, "pagador-cnpj", "", "payer's CNPJ")
	fs.StringVar(&pg.Nome, "pagador-nome", "", "payer's name")
	fs.StringVar(&req.InfoPagador, "info", "", "infoPagador: the payer's message (at most 140 characters)")
	fs.StringVar(&req.ISPB, "ispb", "", "payer PSP's ISPB (default 00000000)")
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &exitError{code: 2, err: fmt.Errorf("pay: %w", err)}
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	req.PixCopiaECola = strings.TrimSpace(strings.Join(words, " "))
	if req.PixCopiaECola == "" {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("pay: give the BR Code (Pix Copia e Cola) to pay")}
	}
	if pg != (pixapi.Pessoa{}) {
		if pg.Nome == "" {
			pg.Nome = sandbox.PagadorPadrao.Nome
		}
		if pg.CPF == "" && pg.CNPJ == "" {
			pg.CPF = sandbox.PagadorPadrao.CPF
		}
		req.Pagador = &pg
	}
	status, out, err := sandboxControl(ctx, "pay", *dir, "/sandbox/v1/payments", req)
	if err != nil {
		return err
	}
	if status != http.StatusCreated {
		fmt.Fprintln(m.Stderr, out)
		return fmt.Errorf("pay: the sandbox refused the payment (%d %s)", status, http.StatusText(status))
	}
	fmt.Fprintln(m.Stdout, out)
	return nil
}
