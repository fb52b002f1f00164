package payments_test

import (
	"context"
	"crypto/rand"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/pixapi"
)

// Issue 16 ("Fidelity sweep"), Pix, part 2.

// TestFidelitySaqueTrocoPrestadorISPB: seed 000 §11 says
// retirada.saque.prestadorDoServicoDeSaque and
// retirada.troco.prestadorDoServicoDeSaque must always be Sicredi's ISPB,
// 01181521. The sandbox refuses any other ISPB there, and the charge, its
// Pix and GET /pix all carry 01181521; `ispb` moves the rule with the PSP.
func TestFidelitySaqueTrocoPrestadorISPB(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	retirada := func(saque bool, ispb string) pixapi.CobValor {
		r := &pixapi.ValorRetirada{Valor: "50.00", ModalidadeAgente: pixapi.ModalidadeAgenteAGTEC, PrestadorDoServicoDeSaque: ispb}
		if saque {
			return pixapi.CobValor{Original: "0.00", Retirada: &pixapi.Retirada{Saque: r}}
		}
		return pixapi.CobValor{Original: "10.00", Retirada: &pixapi.Retirada{Troco: r}}
	}

	t.Run("Sandbox", func(t *testing.T) {
		t.Parallel()
		h := apptest.Boot(t, apptest.Options{})
		c := apptest.SpecClient(t, h)
		chave := h.Sandbox.Pix.Chave
		for _, tc := range []struct {
			name, txid, ispb, prop string
			saque                  bool
		}{
			{"saque of another PSP", "saqueoutropsp0000000000000000", "00000000", "cob.valor.retirada.saque.prestadorDoServicoDeSaque", true},
			{"troco of another PSP", "trocooutropsp0000000000000000", "12345678", "cob.valor.retirada.troco.prestadorDoServicoDeSaque", false},
		} {
			_, err := c.CreateCob(ctx, tc.txid, pixapi.CobSolicitada{Valor: retirada(tc.saque, tc.ispb), Chave: chave})
			p := apptest.ProblemOf(t, err)
			if p.Status != 400 || p.Tipo() != "CobOperacaoInvalida" || !apptest.HasViolation(p, tc.prop) {
				t.Errorf("%s: got %+v, want 400 CobOperacaoInvalida naming %s", tc.name, p, tc.prop)
			}
		}

		for _, saque := range []bool{true, false} {
			txid := "trocosicredi00000000000000000"
			if saque {
				txid = "saquesicredi00000000000000000"
			}
			cob, err := c.CreateCob(ctx, txid, pixapi.CobSolicitada{Valor: retirada(saque, "01181521"), Chave: chave})
			if err != nil {
				t.Fatal(err)
			}
			if got := cobPrestador(cob.Valor.Retirada); got != "01181521" {
				t.Errorf("%s: charge prestadorDoServicoDeSaque %q, want 01181521", txid, got)
			}
			paid := apptest.Pay(t, h, `{"pixCopiaECola":`+quote(cob.PixCopiaECola)+`}`)
			got, err := c.GetPix(ctx, paid.EndToEndID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []pixapi.Pix{paid, *got} {
				cv := p.ComponentesValor
				if pixPrestador(cv) != "01181521" {
					t.Errorf("%s: Pix componentesValor %+v, want the saque or troco of 01181521", txid, cv)
				}
			}
		}
	})

	t.Run("ConfiguredISPB", func(t *testing.T) {
		t.Parallel()
		h := apptest.Boot(t, apptest.Options{Configure: func(c *config.Config) { c.ISPB = "99999999" }})
		c := apptest.SpecClient(t, h)
		_, err := c.CreateCob(ctx, "trocosicredi00000000000000000", pixapi.CobSolicitada{Valor: retirada(false, "01181521"), Chave: h.Sandbox.Pix.Chave})
		if p := apptest.ProblemOf(t, err); p.Status != 400 || !apptest.HasViolation(p, "cob.valor.retirada.troco.prestadorDoServicoDeSaque") {
			t.Errorf("troco naming 01181521 under ispb 99999999: %+v", p)
		}
		if _, err := c.CreateCob(ctx, "trococonfig000000000000000000", pixapi.CobSolicitada{Valor: retirada(false, "99999999"), Chave: h.Sandbox.Pix.Chave}); err != nil {
			t.Errorf("troco naming the configured ispb: %v", err)
		}
	})
}

// TestFidelityWebhookPort443: in `serve`, a webhook URL must use port 443
// (seed 000 §10: the receiver implements TLS "na porta 443"); any other is
// the usual 400 WebhookOperacaoInvalida, its violation on webhookUrl naming
// the rule. The sandbox keeps any port (TestWebhook and the other e2e
// tests register receivers on random ports).
func TestFidelityWebhookPort443(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, _ := apptest.BootServe(t)
	const doc, chave = "11222333000181", "recebimentos@loja.example"
	if err := a.Store.CreateRecebedor(ctx, &pix.Recebedor{Documento: doc, Nome: "Loja", Cidade: "PORTO ALEGRE", UF: "RS", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.CreateChave(ctx, &pix.Chave{Chave: chave, Tipo: pix.ChaveEmail, Documento: doc, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	clientKey, _ := pki.GenerateKey(rand.Reader, pki.ECDSAP256)
	cert, err := a.CA.IssueClient(pki.ClientRequest{Subject: pkix.Name{CommonName: "integrador"}, PublicKey: clientKey.Public()})
	if err != nil {
		t.Fatal(err)
	}
	secret := oauth.NewSecret()
	if err := a.Store.CreateCredential(ctx, &oauth.Credential{ClientID: "prod-client", SecretHash: a.Hasher.Hash(secret), Kind: oauth.KindPix,
		Owner: doc, Scopes: []string{"webhook.read", "webhook.write"}, Thumbprints: []string{pki.Thumbprint(cert)}, Status: oauth.CredentialActive, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	c, err := pixapi.New("https://"+a.APIAddr().String(), pixapi.WithRootCAs(a.CA.Pool()),
		pixapi.WithCertificate(apptest.TLSCert(cert, clientKey, a.CA)), pixapi.WithCredentials("prod-client", secret))
	if err != nil {
		t.Fatal(err)
	}

	for _, u := range []string{"https://hooks.loja.example:8443/pix-sicredi", "https://hooks.loja.example:80/cb", "https://203.0.113.7:4443/cb"} {
		err := c.PutWebhook(ctx, chave, u)
		p := apptest.ProblemOf(t, err)
		if p.Status != 400 || p.Tipo() != "WebhookOperacaoInvalida" || !apptest.HasViolation(p, "webhookUrl") ||
			len(p.Violacoes) != 1 || !strings.Contains(p.Violacoes[0].Razao, "porta 443") {
			t.Errorf("PUT webhook %s: %+v, want 400 WebhookOperacaoInvalida naming porta 443", u, p)
		}
	}
	for _, u := range []string{"https://hooks.loja.example/pix-sicredi", "https://hooks.loja.example:443/pix-sicredi"} {
		if err := c.PutWebhook(ctx, chave, u); err != nil {
			t.Errorf("PUT webhook %s: %v", u, err)
		}
	}
}

// cobPrestador returns the prestadorDoServicoDeSaque of a charge's retirada.
func cobPrestador(r *pixapi.Retirada) string {
	switch {
	case r == nil:
		return ""
	case r.Saque != nil:
		return r.Saque.PrestadorDoServicoDeSaque
	case r.Troco != nil:
		return r.Troco.PrestadorDoServicoDeSaque
	}
	return ""
}

// pixPrestador returns the prestadorDoServicoDeSaque of a Pix's saque or
// troco component.
func pixPrestador(cv *pixapi.ComponentesValor) string {
	switch {
	case cv == nil:
		return ""
	case cv.Saque != nil:
		return cv.Saque.PrestadorDoServicoDeSaque
	case cv.Troco != nil:
		return cv.Troco.PrestadorDoServicoDeSaque
	}
	return ""
}
