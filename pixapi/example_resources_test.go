package pixapi_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/brasa-dev/brasa/pixapi"
)

// Create an immediate charge, show its BR Code, and later read it back.
func ExampleClient_CreateCob() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	txid := "7978c0c97ea847e78e8849634473c1f1" // 26 to 35 letters and digits, yours to choose
	cob, err := c.CreateCob(ctx, txid, pixapi.CobSolicitada{
		Calendario: pixapi.CobCalendarioSolicitado{Expiracao: pixapi.Ptr(3600)},
		Devedor:    &pixapi.Pessoa{CNPJ: "12345678000195", Nome: "Empresa de Serviços SA"},
		Valor:      pixapi.CobValor{Original: "37.00"},
		Chave:      "7d9f0335-8dcc-4054-9bf9-0dbd61d36906",
		InfoAdicionais: []pixapi.InfoAdicional{
			{Nome: "Pedido", Valor: "1234"},
		},
	})
	var p *pixapi.Problem
	if errors.As(err, &p) {
		for _, v := range p.Violacoes {
			log.Printf("%s: %s", v.Propriedade, v.Razao)
		}
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cob.Status, cob.Revisao, cob.PixCopiaECola)

	// Later: has it been paid?
	cob, err = c.GetCob(ctx, txid, nil)
	if err != nil {
		log.Fatal(err)
	}
	if cob.Status == pixapi.StatusConcluida {
		for _, pix := range cob.Pix {
			fmt.Println("paid", pix.Valor, "at", pix.Horario, "e2e", pix.EndToEndID)
		}
	}
}

// Create a charge with a due date, a 2% fine and 1% interest per month.
func ExampleClient_CreateCobV() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	loc, err := c.CreateLoc(ctx, pixapi.TipoCobCobV)
	if err != nil {
		log.Fatal(err)
	}
	brasilia, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		log.Fatal(err)
	}
	cob, err := c.CreateCobV(ctx, "fb2761260e554ad593c7226beb5cb650", pixapi.CobVSolicitada{
		Calendario: pixapi.CobVCalendarioSolicitado{
			DataDeVencimento:       pixapi.DataOf(time.Now().In(brasilia).AddDate(0, 0, 10)),
			ValidadeAposVencimento: pixapi.Ptr(30),
		},
		Devedor: pixapi.Devedor{CPF: "12345678909", Nome: "Francisco da Silva", Cidade: "Recife", UF: "PE"},
		Loc:     &pixapi.PayloadLocationCob{ID: loc.ID},
		Valor: pixapi.CobVValor{
			Original: "123.45",
			Multa:    &pixapi.Multa{Modalidade: 2, ValorPerc: "2.00"},
			Juros:    &pixapi.Juros{Modalidade: 3, ValorPerc: "1.00"},
		},
		Chave: "5f84a4c5-c5cb-4599-9f13-7eb4d419dacc",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cob.Location, cob.Recebedor.Nome)
}

// Walk every page of the charges created yesterday.
func ExampleClient_ListCobs() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	fim := time.Now()
	params := pixapi.CobListParams{
		Inicio:         fim.Add(-24 * time.Hour),
		Fim:            fim,
		Status:         pixapi.StatusConcluida,
		ItensPorPagina: 1000,
	}
	for {
		res, err := c.ListCobs(ctx, params)
		if err != nil {
			log.Fatal(err)
		}
		for _, cob := range res.Cobs {
			fmt.Println(cob.TxID, cob.Valor.Original)
		}
		if params.PaginaAtual+1 >= res.Parametros.Paginacao.QuantidadeDePaginas {
			break
		}
		params.PaginaAtual++
	}
}

// Refund part of a Pix received, then follow the refund.
func ExampleClient_CreateDevolucao() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	const e2eid = "E12345678202009091221abcdef12345"
	// The id is yours: reusing it for the same Pix is an error, so a retry
	// after a timeout cannot refund twice.
	dev, err := c.CreateDevolucao(ctx, e2eid, "D1", pixapi.DevolucaoSolicitada{
		Valor:     "7.89",
		Descricao: "Item fora de estoque",
	})
	if err != nil {
		log.Fatal(err)
	}
	for dev.Status == pixapi.DevolucaoEmProcessamento {
		time.Sleep(2 * time.Second)
		if dev, err = c.GetDevolucao(ctx, e2eid, "D1"); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(dev.Status, dev.RtrID, dev.Motivo)
}

// Point the notifications of a Pix key at your server; the PSP POSTs a
// WebhookPixBody to the URL followed by "/pix".
func ExampleClient_PutWebhook() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	chave := "7d9f0335-8dcc-4054-9bf9-0dbd61d36906"
	if err := c.PutWebhook(ctx, chave, "https://erp.example.com/pix/webhook"); err != nil {
		log.Fatal(err)
	}
	wh, err := c.GetWebhook(ctx, chave)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(wh.WebhookURL, wh.Criacao)
}

// Timestamps are written in UTC with milliseconds, whatever they were read
// as.
func ExampleTimestamp() {
	var pix pixapi.Pix
	err := json.Unmarshal([]byte(`{"endToEndId":"E12345678202009091221abcdef12345","valor":"10.00","horario":"2020-09-09T17:15:00-03:00"}`), &pix)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pix.Horario.Equal(time.Date(2020, 9, 9, 20, 15, 0, 0, time.UTC)))
	b, _ := json.Marshal(pix)
	fmt.Println(string(b))
	// Output:
	// true
	// {"endToEndId":"E12345678202009091221abcdef12345","valor":"10.00","horario":"2020-09-09T20:15:00.000Z"}
}

// A Pix Saque: the amount is zero and the cash is in retirada. Optional
// numbers whose zero means something are pointers, set with Ptr.
func ExampleCobValor() {
	v := pixapi.CobValor{
		Original: "0.00",
		Retirada: &pixapi.Retirada{Saque: &pixapi.ValorRetirada{
			Valor:                     "50.00",
			ModalidadeAlteracao:       pixapi.Ptr(1), // the payer may change the amount
			ModalidadeAgente:          pixapi.ModalidadeAgenteAGPSS,
			PrestadorDoServicoDeSaque: "01181521",
		}},
	}
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
	// Output:
	// {"original":"0.00","retirada":{"saque":{"valor":"50.00","modalidadeAlteracao":1,"modalidadeAgente":"AGPSS","prestadorDoServicoDeSaque":"01181521"}}}
}

// Create a batch of charges with a due date: the PSP answers 202 and
// creates them asynchronously; GetLoteCobV shows each one's status.
func ExampleClient_PutLoteCobV() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	lote := pixapi.LoteCobVSolicitado{Descricao: "Mensalidades de dezembro", CobsV: []pixapi.CobVSolicitadaEmLote{{
		TxID: "mensalidade2026120000000000001",
		CobVSolicitada: pixapi.CobVSolicitada{
			Calendario: pixapi.CobVCalendarioSolicitado{DataDeVencimento: "2026-12-10"},
			Devedor:    pixapi.Devedor{CPF: "12345678909", Nome: "Fulano de Tal"},
			Valor:      pixapi.CobVValor{Original: "350.00"},
			Chave:      "7d9f0335-8dcc-4054-9bf9-0dbd61d36906",
		},
	}}}
	if err := c.PutLoteCobV(ctx, 202612, lote); err != nil {
		log.Fatal(err)
	}
	got, err := c.GetLoteCobV(ctx, 202612)
	if err != nil {
		log.Fatal(err)
	}
	for _, item := range got.CobsV {
		fmt.Println(item.TxID, item.Status)
	}
}

// Reserve a location before the charge exists, e.g. to print the QR code on
// an invoice; link it with CobSolicitada.Loc.
func ExampleClient_CreateLoc() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	loc, err := c.CreateLoc(ctx, pixapi.TipoCobCob)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loc.ID, loc.Location)
}

// List the Pix received today that have not been refunded.
func ExampleClient_ListPix() {
	ctx := context.Background()
	c, err := pixapi.NewFromSandbox("brasa-data")
	if err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	semDevolucao := false
	page, err := c.ListPix(ctx, pixapi.PixListParams{
		Inicio: now.Truncate(24 * time.Hour), Fim: now, DevolucaoPresente: &semDevolucao,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range page.Pix {
		fmt.Println(p.EndToEndID, p.TxID, p.Valor)
	}
}

// Receive the PSP's callbacks: mutual TLS with the PSP's CA, the Pix
// decoded; answer 2xx only once they are stored (delivery is at least once,
// so store them keyed by endToEndId).
func ExampleReceiver() {
	cert, err := tls.LoadX509KeyPair("webhook.example.com.pem", "webhook.example.com.key")
	if err != nil {
		log.Fatal(err)
	}
	pspCAs := x509.NewCertPool()
	pspCAs.AppendCertsFromPEM(mustRead("psp-ca.pem")) // e.g. brasa-data/ca.pem, or the PSP's webhook CA
	srv := &http.Server{
		Addr:      ":8443",
		TLSConfig: pixapi.ReceiverTLSConfig(cert, pspCAs),
		Handler: pixapi.Receiver(func(ctx context.Context, pix []pixapi.Pix) error {
			for _, p := range pix {
				fmt.Println("received", p.EndToEndID, p.TxID, p.Valor)
			}
			return nil
		}),
	}
	log.Fatal(srv.ListenAndServeTLS("", ""))
}
