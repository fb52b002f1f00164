package payments_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/brcode"
	"github.com/brasa-dev/brasa/internal/app"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/spectest"
	"github.com/brasa-dev/brasa/pixapi"
)

// nextCallback waits for the receiver's next POST, checks it as an
// integrator would (path, brasa's client certificate, the spec's schema)
// and returns its Pix.
func nextCallback(t *testing.T, spec *spectest.Spec, r *apptest.Receiver) []pixapi.Pix {
	t.Helper()
	c, ok := r.Next(15 * time.Second)
	if !ok {
		t.Fatal("no webhook callback within 15 s")
	}
	if c.Path != "/hook/pix" {
		t.Errorf("callback path %q, want /hook/pix", c.Path)
	}
	if c.ClientCN != app.WebhookClientCN {
		t.Errorf("callback client certificate CN %q, want %q", c.ClientCN, app.WebhookClientCN)
	}
	spec.ValidateWebhookNotification(t, c.Body)
	ps, err := pixapi.DecodeWebhook(c.Body)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func newCob(t *testing.T, c *pixapi.Client, chave, txid, valor string) *pixapi.CobCompleta {
	t.Helper()
	cob, err := c.CreateCob(context.Background(), txid, pixapi.CobSolicitada{
		Calendario: pixapi.CobCalendarioSolicitado{Expiracao: pixapi.Ptr(3600)},
		Valor:      pixapi.CobValor{Original: valor}, Chave: chave, SolicitacaoPagador: "Pedido " + txid[:6]})
	if err != nil {
		t.Fatal(err)
	}
	return cob
}

// TestPixReceivedRefundedAndNotified is the end-to-end path over
// real sockets: a cob is paid by the payer simulator, the integrator's mTLS
// receiver gets POST /pix (checked against the spec), GET /pix lists the
// Pix, and a devolução reaches DEVOLVIDO and triggers a second callback.
func TestPixReceivedRefundedAndNotified(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{Configure: func(c *config.Config) { c.RefundDelay = config.Duration(300 * time.Millisecond) }})
	spec := spectest.Validator(t)
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	chave := h.Sandbox.Pix.Chave
	recv := h.Receiver()

	if err := c.PutWebhook(ctx, chave, recv.URL()); err != nil {
		t.Fatal(err)
	}
	wh, err := c.GetWebhook(ctx, chave)
	if err != nil || wh.WebhookURL != recv.URL() || wh.CNPJ != h.Sandbox.Pix.CNPJ {
		t.Fatalf("GetWebhook = %+v, %v", wh, err)
	}

	txid := "e2epix00000000000000000000000001"
	cob := newCob(t, c, chave, txid, "123.45")
	p := apptest.PayCode(t, h, cob.PixCopiaECola)
	if p.TxID != txid || p.Valor != "123.45" || p.Chave != chave || len(p.EndToEndID) != 32 ||
		!strings.HasPrefix(p.EndToEndID, "E"+pix.ISPBPagadorPadrao) || p.Pagador == nil || p.Pagador.CPF == "" {
		t.Fatalf("settled Pix = %+v", p)
	}
	got := nextCallback(t, spec, recv)
	if len(got) != 1 || got[0].EndToEndID != p.EndToEndID || got[0].TxID != txid || got[0].Valor != "123.45" ||
		got[0].ComponentesValor == nil || got[0].ComponentesValor.Original.Valor != "123.45" {
		t.Fatalf("callback Pix = %+v", got)
	}

	// The charge is CONCLUIDA without a new revisao, and shows its Pix.
	cc, err := c.GetCob(ctx, txid, nil)
	if err != nil || cc.Status != pixapi.StatusConcluida || cc.Revisao != 0 || len(cc.Pix) != 1 || cc.Pix[0].EndToEndID != p.EndToEndID {
		t.Fatalf("GetCob after payment = %+v, %v", cc, err)
	}
	gp, err := c.GetPix(ctx, p.EndToEndID)
	if err != nil || gp.EndToEndID != p.EndToEndID || gp.Valor != "123.45" {
		t.Fatalf("GetPix = %+v, %v", gp, err)
	}
	now := time.Now()
	list, err := c.ListPix(ctx, pixapi.PixListParams{Inicio: now.Add(-time.Hour), Fim: now.Add(time.Hour), TxID: txid})
	if err != nil || len(list.Pix) != 1 || list.Pix[0].EndToEndID != p.EndToEndID || list.Parametros.Paginacao.QuantidadeTotalDeItens != 1 {
		t.Fatalf("ListPix = %+v, %v", list, err)
	}

	// A devolução: EM_PROCESSAMENTO at once, DEVOLVIDO later, with a
	// second callback carrying it.
	d, err := c.CreateDevolucao(ctx, p.EndToEndID, "dev1", pixapi.DevolucaoSolicitada{Valor: "23.45", Descricao: "Produto com defeito"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != pixapi.DevolucaoEmProcessamento || d.ID != "dev1" || len(d.RtrID) != 32 || !strings.HasPrefix(d.RtrID, "D01181521") ||
		d.Natureza != pixapi.NaturezaOriginal || d.Horario.Solicitacao.IsZero() {
		t.Fatalf("CreateDevolucao = %+v", d)
	}
	got = nextCallback(t, spec, recv)
	if len(got) != 1 || got[0].EndToEndID != p.EndToEndID || len(got[0].Devolucoes) != 1 ||
		got[0].Devolucoes[0].Status != pixapi.DevolucaoDevolvido || got[0].Devolucoes[0].Horario.Liquidacao.IsZero() {
		t.Fatalf("refund callback = %+v", got)
	}
	d, err = c.GetDevolucao(ctx, p.EndToEndID, "dev1")
	if err != nil || d.Status != pixapi.DevolucaoDevolvido || d.Valor != "23.45" {
		t.Fatalf("GetDevolucao = %+v, %v", d, err)
	}
	yes := true
	list, err = c.ListPix(ctx, pixapi.PixListParams{Inicio: now.Add(-time.Hour), Fim: now.Add(time.Hour), DevolucaoPresente: &yes})
	if err != nil || len(list.Pix) != 1 || len(list.Pix[0].Devolucoes) != 1 {
		t.Fatalf("ListPix devolucaoPresente = %+v, %v", list, err)
	}

	// The delivery history shows both POSTs, delivered (the receiver saw
	// the second one before answering it: wait for brasa to record it).
	type page struct {
		Deliveries []struct {
			StatusCode int    `json:"statusCode"`
			Delivered  bool   `json:"delivered"`
			URL        string `json:"url"`
		} `json:"deliveries"`
		Notifications []struct {
			Kind   string `json:"kind"`
			Status string `json:"status"`
		} `json:"notifications"`
	}
	var pg page
	for deadline := time.Now().Add(10 * time.Second); ; {
		status, body := h.Control("GET", "/sandbox/v1/webhook-deliveries?endToEndId="+p.EndToEndID, "")
		pg = page{}
		if err := json.Unmarshal(body, &pg); status != http.StatusOK || err != nil {
			t.Fatalf("webhook-deliveries: %d %s", status, body)
		}
		if len(pg.Notifications) == 2 && pg.Notifications[1].Status == "delivered" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(pg.Deliveries) != 2 || !pg.Deliveries[0].Delivered || pg.Deliveries[1].StatusCode != 200 || pg.Deliveries[0].URL != recv.URL()+"/pix" {
		t.Errorf("deliveries = %+v", pg.Deliveries)
	}
	if len(pg.Notifications) != 2 || pg.Notifications[0].Kind != "pix" || pg.Notifications[1].Kind != "devolucao" || pg.Notifications[1].Status != "delivered" {
		t.Errorf("notifications = %+v", pg.Notifications)
	}

	// A second devolução told to fail through the control API.
	if _, err := c.CreateDevolucao(ctx, p.EndToEndID, "dev2", pixapi.DevolucaoSolicitada{Valor: "1.00"}); err != nil {
		t.Fatal(err)
	}
	status, body := h.Control("POST", "/sandbox/v1/devolucoes/"+p.EndToEndID+"/dev2", `{"status":"NAO_REALIZADO","motivo":"Conta do pagador encerrada"}`)
	if status != http.StatusOK || !strings.Contains(string(body), "NAO_REALIZADO") {
		t.Fatalf("control devolucao: %d %s", status, body)
	}
	got = nextCallback(t, spec, recv)
	if len(got) != 1 || len(got[0].Devolucoes) != 2 || got[0].Devolucoes[1].Status != pixapi.DevolucaoNaoRealizado || got[0].Devolucoes[1].Motivo != "Conta do pagador encerrada" {
		t.Fatalf("NAO_REALIZADO callback = %+v", got)
	}
}

// TestPixPaymentRules pays the kinds of code a payer meets and checks what
// the simulator refuses, each with the documented status.
func TestPixPaymentRules(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	chave := h.Sandbox.Pix.Chave

	// Paying twice: the second finds the charge concluded (410).
	cob := newCob(t, c, chave, "e2epix00000000000000000000000002", "10.00")
	apptest.PayCode(t, h, cob.PixCopiaECola)
	if status, b := h.Control("POST", "/sandbox/v1/payments", `{"pixCopiaECola":`+quote(cob.PixCopiaECola)+`}`); status != http.StatusGone {
		t.Errorf("second payment: %d %s, want 410", status, b)
	}
	// The amount is fixed unless modalidadeAlteracao is 1.
	cob = newCob(t, c, chave, "e2epix00000000000000000000000003", "10.00")
	if status, b := h.Control("POST", "/sandbox/v1/payments", `{"pixCopiaECola":`+quote(cob.PixCopiaECola)+`,"valor":"9.00"}`); status != http.StatusBadRequest || !strings.Contains(string(b), "valor") {
		t.Errorf("changed amount: %d %s, want 400", status, b)
	}
	alt, err := c.CreateCob(ctx, "e2epix00000000000000000000000004", pixapi.CobSolicitada{
		Valor: pixapi.CobValor{Original: "10.00", ModalidadeAlteracao: pixapi.Ptr(1)}, Chave: chave})
	if err != nil {
		t.Fatal(err)
	}
	if p := apptest.Pay(t, h, `{"pixCopiaECola":`+quote(alt.PixCopiaECola)+`,"valor":"7.50","pagador":{"cnpj":"11222333000181","nome":"Loja"}}`); p.Valor != "7.50" || p.Pagador.CNPJ != "11222333000181" {
		t.Errorf("modalidadeAlteracao 1 payment = %+v", p)
	}
	// Expired: the location answers 410 and the payer refuses.
	exp, err := c.CreateCob(ctx, "e2epix00000000000000000000000005", pixapi.CobSolicitada{
		Calendario: pixapi.CobCalendarioSolicitado{Expiracao: pixapi.Ptr(60)}, Valor: pixapi.CobValor{Original: "5.00"}, Chave: chave})
	if err != nil {
		t.Fatal(err)
	}
	h.Control("POST", "/sandbox/v1/clock", `{"advance":"2m"}`)
	if status, b := h.Control("POST", "/sandbox/v1/payments", `{"pixCopiaECola":`+quote(exp.PixCopiaECola)+`}`); status != http.StatusGone {
		t.Errorf("expired cob payment: %d %s, want 410", status, b)
	}
	// A broken CRC is a 400 naming pixCopiaECola.
	bad := cob.PixCopiaECola[:len(cob.PixCopiaECola)-4] + "0000"
	if status, b := h.Control("POST", "/sandbox/v1/payments", `{"pixCopiaECola":`+quote(bad)+`}`); status != http.StatusBadRequest || !strings.Contains(string(b), "pixCopiaECola") {
		t.Errorf("bad CRC: %d %s, want 400", status, b)
	}
	if status, _ := h.Control("POST", "/sandbox/v1/payments", `{"pixCopiaECola":`); status != http.StatusBadRequest {
		t.Errorf("broken JSON: %d, want 400", status)
	}

	// A cobv is paid at today's amount: created due today, paid ten days
	// later (past any weekend or holiday the due date rolls over), with
	// its 2% fine.
	venc := pix.DataEm(h.App.Clock.Now())
	cobv, err := c.CreateCobV(ctx, "e2epix00000000000000000000000006", pixapi.CobVSolicitada{
		Calendario: pixapi.CobVCalendarioSolicitado{DataDeVencimento: pixapi.Data(venc.String()), ValidadeAposVencimento: pixapi.Ptr(30)},
		Devedor:    pixapi.Devedor{CPF: "12345678909", Nome: "Fulano"},
		Valor:      pixapi.CobVValor{Original: "100.00", Multa: &pixapi.Multa{Modalidade: 2, ValorPerc: "2.00"}},
		Chave:      chave})
	if err != nil {
		t.Fatalf("CreateCobV: %v", err)
	}
	h.Control("POST", "/sandbox/v1/clock", `{"advance":"240h"}`)
	pv := apptest.PayCode(t, h, cobv.PixCopiaECola)
	if pv.Valor != "102.00" || pv.ComponentesValor == nil || pv.ComponentesValor.Multa == nil ||
		pv.ComponentesValor.Multa.Valor != "2.00" || pv.ComponentesValor.Original.Valor != "100.00" {
		t.Fatalf("cobv Pix = %+v (componentes %+v), want 102.00 with a 2.00 fine", pv, pv.ComponentesValor)
	}

	// A static code: a Pix on the chave without a charge, with its txid.
	static := mustStatic(t, chave, "15.00", "LOJA42")
	sp := apptest.PayCode(t, h, static)
	if sp.TxID != "LOJA42" || sp.Valor != "15.00" || sp.ComponentesValor != nil {
		t.Errorf("static Pix = %+v", sp)
	}
	gp, err := c.GetPix(ctx, sp.EndToEndID)
	if err != nil || gp.TxID != "LOJA42" {
		t.Errorf("GetPix(static) = %+v, %v", gp, err)
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestPixErrors reproduces the bad inputs: each gets the spec's
// error type and status, never a 500.
func TestPixErrors(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	chave := h.Sandbox.Pix.Chave
	cob := newCob(t, c, chave, "e2eerr00000000000000000000000001", "50.00")
	p := apptest.PayCode(t, h, cob.PixCopiaECola)

	wantProblem := func(name string, err error, status int, tipo, prop string) {
		t.Helper()
		pr := apptest.ProblemOf(t, err)
		if pr.Status != status || pr.Type != pixapi.ErrorTypeBase+tipo || (prop != "" && !apptest.HasViolation(pr, prop)) {
			t.Errorf("%s: %d %s %+v, want %d %s (%s)", name, pr.Status, pr.Type, pr.Violacoes, status, tipo, prop)
		}
	}
	_, err := c.GetPix(ctx, "E00000000202611220000abcdefghijk")
	wantProblem("unknown e2eid", err, 404, "PixNaoEncontrado", "")
	_, err = c.CreateDevolucao(ctx, "E00000000202611220000abcdefghijk", "x1", pixapi.DevolucaoSolicitada{Valor: "1.00"})
	wantProblem("refund of unknown e2eid", err, 404, "PixNaoEncontrado", "")
	_, err = c.GetDevolucao(ctx, p.EndToEndID, "nada")
	wantProblem("unknown refund", err, 404, "PixDevolucaoNaoEncontrada", "")
	_, err = c.CreateDevolucao(ctx, p.EndToEndID, "over", pixapi.DevolucaoSolicitada{Valor: "50.01"})
	wantProblem("refund over the Pix", err, 400, "PixDevolucaoInvalida", "devolucao.valor")
	_, err = c.CreateDevolucao(ctx, p.EndToEndID, "bad", pixapi.DevolucaoSolicitada{Valor: "1,00"})
	wantProblem("malformed valor", err, 400, "PixDevolucaoInvalida", "devolucao.valor")
	if _, err := c.CreateDevolucao(ctx, p.EndToEndID, "half", pixapi.DevolucaoSolicitada{Valor: "30.00"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateDevolucao(ctx, p.EndToEndID, "half", pixapi.DevolucaoSolicitada{Valor: "1.00"})
	wantProblem("reused refund id", err, 400, "PixDevolucaoInvalida", "id")
	_, err = c.CreateDevolucao(ctx, p.EndToEndID, "rest", pixapi.DevolucaoSolicitada{Valor: "20.01"})
	wantProblem("sum over the Pix", err, 400, "PixDevolucaoInvalida", "devolucao.valor")
	_, err = c.CreateDevolucao(ctx, p.EndToEndID, "ret", pixapi.DevolucaoSolicitada{Valor: "1.00", Natureza: pixapi.NaturezaRetirada})
	wantProblem("RETIRADA of a Pix without cash", err, 400, "PixDevolucaoInvalida", "devolucao.valor")
	h.Control("POST", "/sandbox/v1/clock", `{"advance":"2184h"}`) // 91 days
	_, err = c.CreateDevolucao(ctx, p.EndToEndID, "late", pixapi.DevolucaoSolicitada{Valor: "1.00"})
	wantProblem("refund after 90 days", err, 400, "PixDevolucaoInvalida", "id")

	// Webhooks: someone else's chave, a chave that does not exist, http://.
	other := "outro@example.com"
	mustOtherRecebedor(t, h, other)
	err = c.PutWebhook(ctx, other, "https://127.0.0.1:9/hook")
	wantProblem("webhook for another recebedor's chave", err, 400, "WebhookOperacaoInvalida", "chave")
	err = c.PutWebhook(ctx, "naoexiste@example.com", "https://127.0.0.1:9/hook")
	wantProblem("webhook for an unknown chave", err, 400, "WebhookOperacaoInvalida", "chave")
	err = c.PutWebhook(ctx, chave, "http://127.0.0.1:9/hook")
	wantProblem("http webhook", err, 400, "WebhookOperacaoInvalida", "webhookUrl")
	err = c.PutWebhook(ctx, chave, "https://user:pw@127.0.0.1:9/hook")
	wantProblem("webhook with credentials", err, 400, "WebhookOperacaoInvalida", "webhookUrl")
	_, err = c.GetWebhook(ctx, chave)
	wantProblem("no webhook", err, 404, "WebhookNaoEncontrado", "")
	err = c.DeleteWebhook(ctx, chave)
	wantProblem("delete no webhook", err, 404, "WebhookNaoEncontrado", "")
	if err := c.PutWebhook(ctx, chave, "https://127.0.0.1:9/hook"); err != nil {
		t.Fatal(err)
	}
	ws, err := c.ListWebhooks(ctx, pixapi.WebhookListParams{})
	if err != nil || len(ws.Webhooks) != 1 || ws.Webhooks[0].WebhookURL != "https://127.0.0.1:9/hook" {
		t.Errorf("ListWebhooks = %+v, %v", ws, err)
	}
	if err := c.DeleteWebhook(ctx, chave); err != nil {
		t.Errorf("DeleteWebhook: %v", err)
	}
	// Lists: fim before inicio, cpf and cnpj together.
	now := time.Now()
	_, err = c.ListPix(ctx, pixapi.PixListParams{Inicio: now, Fim: now.Add(-time.Hour)})
	wantProblem("fim before inicio", err, 400, "PixConsultaInvalida", "fim")
	_, err = c.ListPix(ctx, pixapi.PixListParams{Inicio: now.Add(-time.Hour), Fim: now, CPF: "12345678909", CNPJ: "11222333000181"})
	wantProblem("cpf and cnpj", err, 400, "PixConsultaInvalida", "cpf")
	// The control API needs the admin token.
	req, _ := http.NewRequest("POST", h.APIURL()+"/sandbox/v1/payments", strings.NewReader(`{}`))
	if resp, _ := apptest.Do(t, h.Client(nil), req); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("payment without the admin token: %d, want 401", resp.StatusCode)
	}
}

// TestWebhookOutageThenRecovery: the receiver is down while Pix arrive;
// brasa keeps retrying (with backoff, the sandbox clock moved forward), and
// once it is back every callback arrives. A notification whose deadline
// passes while it is down fails for good.
func TestWebhookOutageThenRecovery(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{Configure: func(c *config.Config) { c.WebhookDeadline = config.Duration(2 * time.Hour) }})
	spec := spectest.Validator(t)
	c := apptest.SpecClient(t, h)
	ctx := context.Background()
	chave := h.Sandbox.Pix.Chave
	recv := h.Receiver()
	if err := c.PutWebhook(ctx, chave, recv.URL()); err != nil {
		t.Fatal(err)
	}
	recv.Stop()
	want := map[string]bool{}
	for i := 1; i <= 3; i++ {
		cob := newCob(t, c, chave, fmt.Sprintf("outage%026d", i), fmt.Sprintf("%d.00", i))
		want[apptest.PayCode(t, h, cob.PixCopiaECola).EndToEndID] = true
	}
	// Wait until every notification has failed at least once.
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, body := h.Control("GET", "/sandbox/v1/webhook-deliveries", "")
		var page struct {
			Notifications []struct{ Attempts int } `json:"notifications"`
		}
		_ = json.Unmarshal(body, &page)
		failed := 0
		for _, n := range page.Notifications {
			if n.Attempts > 0 {
				failed++
			}
		}
		if failed == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications did not fail while the receiver was down: %s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	recv.Start()
	h.Control("POST", "/sandbox/v1/clock", `{"advance":"30m"}`)
	for len(want) > 0 {
		for _, p := range nextCallback(t, spec, recv) {
			delete(want, p.EndToEndID)
		}
	}

	// Past the deadline: given up after one more attempt.
	recv.Stop()
	cob := newCob(t, c, chave, "outage00000000000000000000000099", "9.99")
	late := apptest.PayCode(t, h, cob.PixCopiaECola)
	h.Control("POST", "/sandbox/v1/clock", `{"advance":"3h"}`)
	deadline = time.Now().Add(15 * time.Second)
	for {
		_, body := h.Control("GET", "/sandbox/v1/webhook-deliveries?endToEndId="+late.EndToEndID, "")
		if strings.Contains(string(body), `"status":"failed"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notification past its deadline not failed: %s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mustStatic returns a static BR Code for chave.
func mustStatic(t *testing.T, chave, valor, txid string) string {
	t.Helper()
	code, err := brcode.Static(chave, "Loja Teste", "Porto Alegre", valor, txid, "")
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// mustOtherRecebedor registers chave to another recebedor.
func mustOtherRecebedor(t *testing.T, h *apptest.Harness, chave string) {
	t.Helper()
	ctx := context.Background()
	doc := "11222333000181"
	if err := h.App.Store.CreateRecebedor(ctx, &pix.Recebedor{Documento: doc, Nome: "Outra Empresa SA", Cidade: "Curitiba", UF: "PR",
		Cooperativa: "0101", Conta: "123456", CreatedAt: h.App.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := h.App.Store.CreateChave(ctx, &pix.Chave{Chave: chave, Tipo: pix.ChaveEmail, Documento: doc, CreatedAt: h.App.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
}

// concurrentRefunds fires 20 devoluções of 10.00 at once at a Pix of
// 100.00: exactly 10 are accepted (the caps are checked under a lock), the
// rest refused with PixDevolucaoInvalida, none with a 500.
func concurrentRefunds(t *testing.T, h *apptest.Harness) {
	c := h.PixClient()
	ctx := context.Background()
	cob := newCob(t, c, h.Sandbox.Pix.Chave, "concref0000000000000000000000001", "100.00")
	p := apptest.PayCode(t, h, cob.PixCopiaECola)
	if _, err := c.Token(ctx); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		go func() {
			_, err := c.CreateDevolucao(ctx, p.EndToEndID, fmt.Sprintf("c%d", i), pixapi.DevolucaoSolicitada{Valor: "10.00"})
			errs <- err
		}()
	}
	ok := 0
	for i := 0; i < 20; i++ {
		err := <-errs
		if err == nil {
			ok++
			continue
		}
		if pr := apptest.ProblemOf(t, err); pr.Status != 400 || pr.Type != pixapi.ErrorTypeBase+"PixDevolucaoInvalida" {
			t.Errorf("refused refund: %+v", pr)
		}
	}
	if ok != 10 {
		t.Errorf("%d of 20 concurrent refunds of 10.00 accepted on a 100.00 Pix, want 10", ok)
	}
	got, err := c.GetPix(ctx, p.EndToEndID)
	if err != nil || len(got.Devolucoes) != ok {
		t.Errorf("GetPix: %d devolucoes, %v; want %d", len(got.Devolucoes), err, ok)
	}
}

func TestConcurrentRefundsRespectTheCap(t *testing.T) {
	t.Parallel()
	concurrentRefunds(t, apptest.Boot(t, apptest.Options{}))
}

// TestPixBadBodiesNever500 sends malformed bodies, parameters and paths to
// the issue-4 endpoints: every answer is a 4xx problem, never a 500.
func TestPixBadBodiesNever500(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := h.PixClient()
	ctx := context.Background()
	cob := newCob(t, c, h.Sandbox.Pix.Chave, "badbody0000000000000000000000001", "10.00")
	p := apptest.PayCode(t, h, cob.PixCopiaECola)
	cert := h.DemoCertificate()
	// Every answer is also checked against the spec: a problem+json body
	// whose type and status agree.
	hc := spectest.Validator(t).Client(t, h.Client(&cert))
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bodies := []string{``, `null`, `[]`, `"x"`, `{`, `{"valor":1}`, `{"valor":null}`, `{"valor":"-1.00"}`, `{"valor":"1e3"}`,
		`{"valor":"10.00","natureza":7}`, `{"valor":"1.00","descricao":"` + strings.Repeat("x", 141) + `"}`, `{"webhookUrl":[]}`,
		`{"webhookUrl":"` + strings.Repeat("a", 5000) + `"}`, `{"pixCopiaECola":123}`, `{"pixCopiaECola":"` + strings.Repeat("0", 600) + `"}`,
		`{"pixCopiaECola":"000201","valor":"abc"}`, `{"status":"QUALQUER"}`, "\x00\xff"}
	type target struct{ method, path string }
	api := h.APIURL() + "/api/v2"
	targets := []target{
		{"PUT", api + "/pix/" + p.EndToEndID + "/devolucao/d1"},
		{"PUT", api + "/pix/" + p.EndToEndID + "/devolucao/" + strings.Repeat("x", 40)},
		{"PUT", api + "/pix/%00/devolucao/d1"},
		{"PUT", api + "/webhook/" + h.Sandbox.Pix.Chave},
		{"GET", api + "/pix?inicio=ontem&fim=hoje"},
		{"GET", api + "/pix?inicio=2026-01-01T00:00:00Z&fim=2026-01-02T00:00:00Z&paginacao.itensPorPagina=-1&txIdPresente=talvez"},
		{"GET", api + "/webhook?paginacao.paginaAtual=x"},
		{"GET", api + "/pix/" + strings.Repeat("E", 300)},
	}
	for _, tg := range targets {
		for _, b := range bodies {
			req, _ := http.NewRequest(tg.method, tg.path, strings.NewReader(b))
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			req.Header.Set("Content-Type", "application/json")
			resp, body := apptest.Do(t, hc, req)
			if resp.StatusCode >= 500 || resp.StatusCode < 400 && tg.method == "PUT" {
				t.Errorf("%s %s body %.40q: %d %.200s", tg.method, tg.path, b, resp.StatusCode, body)
			}
		}
	}
	for _, path := range []string{"/sandbox/v1/payments", "/sandbox/v1/devolucoes/" + p.EndToEndID + "/nada", "/sandbox/v1/devolucoes/x/y"} {
		for _, b := range bodies {
			if status, body := h.Control("POST", path, b); status >= 500 || status < 400 {
				t.Errorf("POST %s body %.40q: %d %.200s", path, b, status, body)
			}
		}
	}
	if status, body := h.Control("GET", "/sandbox/v1/webhook-deliveries?limit=-5", ""); status != http.StatusBadRequest {
		t.Errorf("deliveries with a negative limit: %d %s", status, body)
	}
}
