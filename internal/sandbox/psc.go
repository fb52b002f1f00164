package sandbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/psc"
)

// The PSC demo tenant: an application and two holders, a natural person
// (e-CPF) and a company (e-CNPJ, Sicredi's demo CNPJ, with the person as its
// responsible).
const (
	PSCDemoCPF         = "12345678909" // a valid CPF (check digits 0 and 9)
	PSCDemoCNPJ        = "12345678000195"
	PSCDemoName        = "MARIA DEMONSTRACAO DA SILVA"
	PSCDemoCompany     = "EMPRESA DEMONSTRACAO LTDA"
	PSCDemoRedirectURI = "http://127.0.0.1:8080/callback"
)

// SandboxPSC is the psc block of sandbox.json (DESIGN.md: client_id,
// client_secret, holder_cpf, holder_cnpj), plus the holders' certificate
// passwords (what the holder types on the approval page), the registered
// redirect URI and the certificates' aliases.
type SandboxPSC struct {
	ClientID           string `json:"client_id"`
	ClientSecret       string `json:"client_secret"`
	HolderCPF          string `json:"holder_cpf"`
	HolderCNPJ         string `json:"holder_cnpj"`
	HolderPassword     string `json:"holder_password"`
	HolderCNPJPassword string `json:"holder_cnpj_password"`
	RedirectURI        string `json:"redirect_uri"`
	CertificateCPF     string `json:"certificate_alias_cpf"`
	CertificateCNPJ    string `json:"certificate_alias_cnpj"`
}

// PSCDeps are what [EnsurePSC] needs.
type PSCDeps struct {
	Service *psc.Service
	Store   psc.Store
	Hasher  *oauth.Hasher
}

// EnsurePSC makes sure the PSC demo tenant works and returns its sandbox.json
// block: prev when its application secret and both holders' passwords still
// match the database; otherwise whatever is missing is created. A holder
// that exists with a password prev does not know (another instance on the
// same database created it) is listed with an empty password.
func EnsurePSC(ctx context.Context, d PSCDeps, prev json.RawMessage) (json.RawMessage, error) {
	var sb SandboxPSC
	if len(prev) > 0 {
		_ = json.Unmarshal(prev, &sb)
	}
	if sb.ClientID != "" {
		if app, err := d.Store.PSCApplication(ctx, sb.ClientID); err != nil || !d.Hasher.Equal(sb.ClientSecret, app.SecretHash) {
			sb.ClientID = ""
		}
	}
	if sb.ClientID == "" {
		app, secret, err := d.Service.RegisterApplication(ctx, psc.RegisterRequest{
			Name: "brasa sandbox", Comments: "Aplicação de demonstração do sandbox", RedirectURIs: []string{PSCDemoRedirectURI},
			Email: "sandbox@brasa.local",
		})
		if err != nil {
			return nil, fmt.Errorf("sandbox: psc application: %w", err)
		}
		sb.ClientID, sb.ClientSecret, sb.RedirectURI = app.ClientID, secret, PSCDemoRedirectURI
	}
	for _, h := range []struct {
		doc, name       string
		password, alias *string
		responsibleCPF  string
		responsibleName string
	}{
		{PSCDemoCPF, PSCDemoName, &sb.HolderPassword, &sb.CertificateCPF, "", ""},
		{PSCDemoCNPJ, PSCDemoCompany, &sb.HolderCNPJPassword, &sb.CertificateCNPJ, PSCDemoCPF, PSCDemoName},
	} {
		holder, err := d.Store.PSCHolder(ctx, h.doc)
		switch {
		case err == nil:
			if oauth.VerifyPassword(holder.PasswordHash, *h.password) != nil {
				// Created by another instance sharing the database: its
				// sandbox.json has the password.
				*h.password = ""
			}
			if err := pscAlias(ctx, d.Store, h.doc, h.alias); err != nil {
				return nil, err
			}
			continue
		case !errs.Is(err, errs.ENotFound):
			return nil, err
		}
		*h.password = randomToken(12)
		_, cert, err := d.Service.CreateHolder(ctx, psc.HolderSpec{
			Documento: h.doc, Name: h.name, Email: "maria@empresa-demo.com.br", Password: *h.password,
			BirthDate: "01011980", ResponsibleCPF: h.responsibleCPF, ResponsibleName: h.responsibleName,
		})
		if errs.Is(err, errs.EConflict) { // another instance won the race
			*h.password = ""
			if err := pscAlias(ctx, d.Store, h.doc, h.alias); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("sandbox: psc holder %s: %w", h.doc, err)
		}
		*h.alias = cert.Alias
	}
	sb.HolderCPF, sb.HolderCNPJ = PSCDemoCPF, PSCDemoCNPJ
	if sb.RedirectURI == "" {
		sb.RedirectURI = PSCDemoRedirectURI
	}
	return json.Marshal(sb)
}

// pscAlias sets alias to documento's first certificate.
func pscAlias(ctx context.Context, st psc.Store, documento string, alias *string) error {
	certs, err := st.PSCCertificates(ctx, documento)
	if err != nil {
		return err
	}
	if len(certs) > 0 {
		*alias = certs[0].Alias
	}
	return nil
}
