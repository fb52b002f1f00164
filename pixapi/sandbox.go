package pixapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
)

// Sandbox is the sandbox.json file `brasa sandbox` writes in its data
// directory: where the sandbox listens, the CA that signed its server
// certificates, and a demo tenant for every surface. Only the Pix block is
// decoded here; the other surfaces' blocks are kept raw.
type Sandbox struct {
	// APIURL is the base URL of the API listener, as given to [New].
	APIURL string `json:"api_url"`
	// WebURL is the base URL of the web listener (portal, payload host).
	WebURL string `json:"web_url"`
	// CAFile is the PEM file of the sandbox CA, to trust with
	// [WithRootCAFile].
	CAFile string `json:"ca_file"`
	// AdminToken is the bearer token of the sandbox control API
	// (/sandbox/v1/...).
	AdminToken string `json:"admin_token"`
	// Pix is the demo tenant of the Pix API.
	Pix SandboxPix `json:"pix"`

	// The other surfaces' demo tenants, not interpreted by this package.
	Banking json.RawMessage `json:"banking,omitempty"`
	Bankly  json.RawMessage `json:"bankly,omitempty"`
	SISGRU  json.RawMessage `json:"sisgru,omitempty"`
	PSC     json.RawMessage `json:"psc,omitempty"`
}

// SandboxPix is the Pix API demo tenant of a [Sandbox]: its OAuth2
// credentials, its client certificate (as PEM files and as a PKCS#12 file),
// and the receiving account (Pix key, CNPJ, cooperative and account number).
type SandboxPix struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	CertFile     string   `json:"cert_file"`
	KeyFile      string   `json:"key_file"`
	PFXFile      string   `json:"pfx_file"`
	PFXPassword  string   `json:"pfx_password"`
	Chave        string   `json:"chave"`
	CNPJ         string   `json:"cnpj"`
	Cooperativa  string   `json:"cooperativa"`
	Conta        string   `json:"conta"`
	Scopes       []string `json:"scopes"`
}

// LoadSandbox reads a sandbox.json file. path may name the file or the
// sandbox data directory that holds it. Relative file paths in it are
// resolved against the file's directory (brasa writes absolute ones).
func LoadSandbox(path string) (*Sandbox, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "sandbox.json")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pixapi: reading sandbox: %w", err)
	}
	var sb Sandbox
	if err := json.Unmarshal(b, &sb); err != nil {
		return nil, fmt.Errorf("pixapi: parsing sandbox %s: %w", path, err)
	}
	if sb.APIURL == "" {
		return nil, fmt.Errorf("pixapi: sandbox %s has no api_url", path)
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&sb.CAFile, &sb.Pix.CertFile, &sb.Pix.KeyFile, &sb.Pix.PFXFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	return &sb, nil
}

// NewFromSandbox returns a client of the sandbox described by the
// sandbox.json at path (the file or its directory, see [LoadSandbox]): it
// trusts the sandbox CA and uses the Pix demo tenant's certificate,
// credentials and scopes. opts are applied after those and may override
// them, for example [WithScopes] to request fewer scopes.
func NewFromSandbox(path string, opts ...Option) (*Client, error) {
	sb, err := LoadSandbox(path)
	if err != nil {
		return nil, err
	}
	return New(sb.APIURL, append(sb.Options(), opts...)...)
}

// Options returns the options that configure a [Client] for the Pix demo
// tenant of sb: root CA, client certificate (the PEM files, or else the
// PKCS#12 file), credentials and scopes.
func (sb *Sandbox) Options() []Option {
	var opts []Option
	if sb.CAFile != "" {
		opts = append(opts, WithRootCAFile(sb.CAFile))
	}
	switch p := sb.Pix; {
	case p.CertFile != "" && p.KeyFile != "":
		opts = append(opts, WithCertificateFiles(p.CertFile, p.KeyFile))
	case p.PFXFile != "":
		opts = append(opts, WithPKCS12File(p.PFXFile, p.PFXPassword))
	default:
		opts = append(opts, func(*settings) error {
			return errors.New("pixapi: sandbox has no Pix client certificate (cert_file/key_file or pfx_file)")
		})
	}
	if sb.Pix.ClientID != "" {
		opts = append(opts, WithCredentials(sb.Pix.ClientID, sb.Pix.ClientSecret))
	}
	if len(sb.Pix.Scopes) > 0 {
		opts = append(opts, WithScopes(sb.Pix.Scopes...))
	}
	return opts
}

// SandboxPayment is the body of the sandbox's POST /sandbox/v1/payments
// (DESIGN.md, "The sandbox contract"): a BR Code for its payer simulator to
// pay.
type SandboxPayment struct {
	// PixCopiaECola is the BR Code to pay (a charge's pixCopiaECola, or a
	// static code).
	PixCopiaECola string `json:"pixCopiaECola"`
	// Valor is the amount the payer types: allowed where the charge's
	// valor.modalidadeAlteracao is 1, and required by a static code
	// without an amount. Empty pays the charge's amount.
	Valor string `json:"valor,omitempty"`
	// ValorRetirada is the cash amount of a Pix Saque or Pix Troco, where
	// the charge's saque or troco lets the payer change it.
	ValorRetirada string `json:"valorRetirada,omitempty"`
	// Pagador is who pays (the sandbox's test payer when nil).
	Pagador *Pessoa `json:"pagador,omitempty"`
	// ISPB is the payer's PSP (00000000 when empty).
	ISPB        string `json:"ispb,omitempty"`
	InfoPagador string `json:"infoPagador,omitempty"`
}

// Pay pays a BR Code with the sandbox's payer simulator (POST
// /sandbox/v1/payments, authorized by sb.AdminToken) over c's connection,
// and returns the settled Pix: the charge is then CONCLUIDA and the webhook
// of its chave is called. The sandbox's refusals (an expired or concluded
// charge is 410, an amount the charge does not allow 400) come back as a
// *[Problem].
func (sb *Sandbox) Pay(ctx context.Context, c *Client, p SandboxPayment) (*Pix, error) {
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("pixapi: encoding payment: %w", err)
	}
	var out Pix
	if _, err := c.send(ctx, http.MethodPost, sb.APIURL+"/sandbox/v1/payments", payload, true, sb.AdminToken, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
