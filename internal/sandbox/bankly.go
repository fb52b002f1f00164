package sandbox

import (
	"context"
	"encoding/json"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/partner"
)

// DemoPartner is the sandbox's Bankly partner (seed 001): the demo
// company's data, company key "empresa-demo".
var DemoPartner = partner.Partner{
	CompanyKey:       "empresa-demo",
	CNPJ:             DemoRecebedor.Documento,
	RazaoSocial:      DemoRecebedor.Nome,
	BusinessCategory: partner.CategoryOpenAPI,
	State:            "RS",
	City:             "Porto Alegre",
	ServiceDomain:    "api.empresa-demo.brasa.local",
}

// SandboxBankly is the bankly block of sandbox.json (DESIGN.md): the demo
// partner's company key and the client that obtains legacy tokens with the
// scope certificate.create (POST /connect/token).
type SandboxBankly struct {
	CompanyKey   string `json:"company_key"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// BanklyDeps are what [EnsureBankly] needs.
type BanklyDeps struct {
	Partner *partner.Service
	Store   partner.Store
	Hasher  *oauth.Hasher
}

// EnsureBankly makes sure the demo partner exists with a working legacy
// credential and returns the bankly block: prev while its credential still
// works, else a new credential.
func EnsureBankly(ctx context.Context, d BanklyDeps, prev json.RawMessage) (json.RawMessage, error) {
	var sb SandboxBankly
	if len(prev) > 0 && json.Unmarshal(prev, &sb) == nil && sb.CompanyKey == DemoPartner.CompanyKey {
		c, err := d.Store.Credential(ctx, sb.ClientID)
		if err == nil && c.Active() && c.Kind == oauth.KindBankly && c.Owner == sb.CompanyKey && d.Hasher.Equal(sb.ClientSecret, c.SecretHash) {
			if _, err := d.Store.Partner(ctx, sb.CompanyKey); err == nil {
				return prev, nil
			}
		}
	}
	p := DemoPartner
	if err := d.Partner.CreatePartner(ctx, &p); err != nil && !errs.Is(err, errs.EConflict) {
		return nil, err
	}
	c, secret, err := d.Partner.NewCredential(ctx, p.CompanyKey)
	if err != nil {
		return nil, err
	}
	return json.Marshal(SandboxBankly{CompanyKey: p.CompanyKey, ClientID: c.ClientID, ClientSecret: secret})
}
