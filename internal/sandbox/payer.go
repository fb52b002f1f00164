package sandbox

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/brasa-dev/brasa/brcode"
	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/pixapi"
)

// PagadorPadrao is who pays when a payment names no pagador: a test CPF
// with valid check digits.
var PagadorPadrao = pixapi.Pessoa{CPF: "12345678909", Nome: "Pagador de Teste"}

// PaymentRequest is the body of POST /sandbox/v1/payments (DESIGN.md "The
// sandbox contract"), also what `brasa pay` sends: the SDK's type.
type PaymentRequest = pixapi.SandboxPayment

// Payer is the sandbox's payer simulator: it pays BR Codes as a payer's PSP
// would, then settles the payment through the Pix service.
type Payer struct {
	Pix *pix.Service
	// Client fetches locations and JWKS over HTTPS (trusting the web
	// listener's certificate).
	Client *http.Client
	// Roots are the CAs the payload signing certificate must chain to.
	Roots *x509.CertPool
	Clock clock.Clock

	// The JWKS fetched, by jku: payer PSPs cache them (for
	// [jwksCacheTTL]) rather than fetch one per payment.
	jwksMu sync.Mutex
	jwks   map[string]cachedJWKS
}

// jwksCacheTTL is how long the simulator reuses a fetched JWKS. A key set
// that does not verify the payload is fetched again at once (key rotation).
const jwksCacheTTL = 5 * time.Minute

type cachedJWKS struct {
	body []byte
	at   time.Time
}

// Pay pays req.PixCopiaECola and returns the settled Pix. Like a payer's
// PSP it parses the BR Code (CRC checked); for a dynamic code it fetches the
// location over HTTPS (for a cobv with DPP = today and the recebedor's
// codMun absent) and verifies the JWS against the JWKS its jku names; it
// refuses expired, removed or concluded charges (the location answers 404
// or 410) and payloads whose status is not ATIVA; it honours
// modalidadeAlteracao and retirada; a cobv is paid at the amount of today's
// date. For a static code it pays the chave with the code's amount (or the
// payer's, when the code has none) and the code's txid, if any. The Pix
// service re-checks everything against the charge as stored when it settles
// (the recebedor's PSP has the last word).
//
// Errors: EInvalid (400) for a malformed request or BR Code, or an amount
// the charge does not allow; ENotFound (404) for an unknown location or
// chave; EGone (410) for a charge that can no longer be paid; EInternal when
// the payload cannot be fetched or does not verify.
func (p *Payer) Pay(ctx context.Context, req PaymentRequest) (*pixapi.Pix, error) {
	code, err := brcode.Parse(strings.TrimSpace(req.PixCopiaECola))
	if err != nil {
		return nil, errs.Invalid("pixCopiaECola", "O BR Code não pôde ser lido: "+err.Error())
	}
	pg := pix.Pagamento{ISPB: req.ISPB, InfoPagador: req.InfoPagador, Pagador: PagadorPadrao}
	if req.Pagador != nil {
		pg.Pagador = *req.Pagador
	}
	if req.Valor != "" {
		if pg.Valor, err = pix.ParseValor(req.Valor); err != nil || pg.Valor <= 0 {
			return nil, errs.Invalid("valor", "O campo valor não respeita o schema (\\d{1,10}\\.\\d{2}, maior que zero).")
		}
	}
	if req.ValorRetirada != "" {
		if pg.Retirada, err = pix.ParseValor(req.ValorRetirada); err != nil || pg.Retirada <= 0 {
			return nil, errs.Invalid("valorRetirada", "O campo valorRetirada não respeita o schema (\\d{1,10}\\.\\d{2}, maior que zero).")
		}
	}
	switch {
	case code.IsDynamic():
		payload, err := p.fetchPayload(ctx, code.URL)
		if err != nil {
			return nil, err
		}
		if payload.Status != string(pixapi.StatusAtiva) {
			return nil, errs.New(errs.EGone, "A cobrança não está disponível para pagamento (status %s).", payload.Status)
		}
		pg.Chave, pg.TxID = payload.Chave, payload.TxID
		if payload.Valor.Final != "" && pg.Valor == 0 {
			// cobv: the amount of today's date, as the payload computed it.
			if pg.Valor, err = pix.ParseValor(payload.Valor.Final); err != nil {
				return nil, errs.Wrap(errs.EInternal, err, "payload valor.final")
			}
		}
	case code.IsStatic():
		pg.Chave = code.Chave
		if code.TxID != "***" {
			pg.TxID = code.TxID
		}
		if code.Amount != "" {
			amount, err := pix.ParseValor(normalizeAmount(code.Amount))
			if err != nil {
				return nil, errs.Invalid("pixCopiaECola", "O valor (campo 54) do BR Code não é válido.")
			}
			if pg.Valor != 0 && pg.Valor != amount {
				return nil, errs.Invalid("valor", "Este QR Code estático tem valor definido ("+amount.String()+"): o pagador não pode alterá-lo.")
			}
			pg.Valor = amount
		}
		if pg.Valor == 0 {
			return nil, errs.Invalid("valor", "Este QR Code estático não tem valor: informe o valor a pagar.")
		}
	default:
		return nil, errs.Invalid("pixCopiaECola", "O BR Code não é um Pix (sem chave nem location).")
	}
	return p.Pix.Liquidar(ctx, pg)
}

// normalizeAmount writes a BR Code amount ("10", "10.5", "10.50") with two
// decimals.
func normalizeAmount(a string) string {
	whole, frac, _ := strings.Cut(a, ".")
	if whole == "" {
		whole = "0"
	}
	return whole + "." + (frac + "00")[:2]
}

// payload is what the simulator reads of CobPayload and CobVPayload.
type payload struct {
	TxID   string `json:"txid"`
	Status string `json:"status"`
	Chave  string `json:"chave"`
	Valor  struct {
		Original string `json:"original"`
		Final    string `json:"final"`
	} `json:"valor"`
}

// fetchPayload GETs the location and verifies its JWS, as a payer's PSP.
func (p *Payer) fetchPayload(ctx context.Context, location string) (*payload, error) {
	u, err := url.Parse("https://" + location)
	if err != nil || u.Host == "" {
		return nil, errs.Invalid("pixCopiaECola", "A location do BR Code não é uma URL válida.")
	}
	now := time.Now()
	if p.Clock != nil {
		now = p.Clock.Now()
	}
	if strings.Contains(u.Path, "/cobv/") {
		q := u.Query()
		q.Set("DPP", pix.DataEm(now).String())
		u.RawQuery = q.Encode()
	}
	body, status, err := p.get(ctx, u.String())
	if err != nil {
		return nil, err
	}
	switch status {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, errs.New(errs.ENotFound, "A location %s não serve nenhuma cobrança.", location)
	case http.StatusGone:
		return nil, errs.New(errs.EGone, "A cobrança da location %s expirou, foi concluída ou removida.", location)
	default:
		return nil, errs.New(errs.EInternal, "a location %s respondeu %d", location, status)
	}
	hdr, err := pki.ParseJWSHeader(string(body))
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "payload is not a JWS")
	}
	plain, err := p.verify(ctx, string(body), hdr.JKU, u.Hostname(), now)
	if err != nil {
		return nil, err
	}
	var pl payload
	if err := json.Unmarshal(plain, &pl); err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "payload JSON")
	}
	return &pl, nil
}

func (p *Payer) get(ctx context.Context, u string) ([]byte, int, error) {
	if !strings.HasPrefix(u, "https://") {
		return nil, 0, errs.New(errs.EInternal, "refusing to fetch %q: not https", u)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, errs.Wrap(errs.EInternal, err, "payer request")
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return nil, 0, errs.Wrap(errs.EInternal, err, fmt.Sprintf("fetching %s", u))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, 0, errs.Wrap(errs.EInternal, err, fmt.Sprintf("reading %s", u))
	}
	return b, resp.StatusCode, nil
}

// verify checks the payload JWS against the key set at jku, cached; a
// cached set that does not verify it is fetched again once.
func (p *Payer) verify(ctx context.Context, token, jku, host string, now time.Time) ([]byte, error) {
	p.jwksMu.Lock()
	c, ok := p.jwks[jku]
	p.jwksMu.Unlock()
	if ok && time.Since(c.at) < jwksCacheTTL {
		if plain, err := pki.VerifyPayloadJWS(token, c.body, p.Roots, host, now); err == nil {
			return plain, nil
		}
	}
	jwks, status, err := p.get(ctx, jku)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, errs.New(errs.EInternal, "the JWKS %s answered %d", jku, status)
	}
	plain, err := pki.VerifyPayloadJWS(token, jwks, p.Roots, host, now)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "payload JWS")
	}
	p.jwksMu.Lock()
	if p.jwks == nil {
		p.jwks = map[string]cachedJWKS{}
	}
	p.jwks[jku] = cachedJWKS{body: jwks, at: time.Now()}
	p.jwksMu.Unlock()
	return plain, nil
}
