package sandbox

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
)

// The Banking API demo: account "123" (the seed's example path
// /accounts/123/balance), its client certificate files, and the allowlist.
const (
	BankingDemoAccount  = "123"
	FileBankingCert     = "banking-client.pem"
	FileBankingKey      = "banking-client.key"
	BankingDemoBalance  = 1_500_000 // centavos: 15000.00
	BankingDemoAllowed  = "127.0.0.0/8"
	bankingDemoValidity = 2 * 365 * 24 * time.Hour
)

// SandboxBanking is the banking block of sandbox.json (DESIGN.md).
type SandboxBanking struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	CertFile     string `json:"cert_file"`
	KeyFile      string `json:"key_file"`
	AccountID    string `json:"account_id"`
}

// BankingDeps are what [EnsureBanking] needs.
type BankingDeps struct {
	Banking *banking.Service
	Store   banking.Store
	Hasher  *oauth.Hasher
	CA      *pki.CA
	Clock   clock.Clock
	Dir     string // absolute data directory
}

// EnsureBanking makes sure the demo account has a working credential: a
// client certificate bound to it, 127.0.0.0/8 allowed. It returns prev while
// it still works, else provisions anew.
func EnsureBanking(ctx context.Context, d BankingDeps, prev json.RawMessage) (json.RawMessage, error) {
	var sb SandboxBanking
	if len(prev) > 0 && json.Unmarshal(prev, &sb) == nil && bankingUsable(ctx, d, &sb) {
		return prev, nil
	}
	a := &banking.Account{ID: BankingDemoAccount, Holder: DemoRecebedor.Nome, Document: DemoRecebedor.Documento, Balance: BankingDemoBalance}
	if err := d.Banking.CreateAccount(ctx, a); err != nil && errs.KindOf(err) != errs.EInvalid {
		return nil, err
	}
	issued, err := d.Banking.IssueCertificate(ctx, BankingDemoAccount, "banking-demo.empresa-demo.brasa.local", nil, "", bankingDemoValidity)
	if err != nil {
		return nil, err
	}
	nc, err := d.Banking.CreateCredential(ctx, BankingDemoAccount, []string{BankingDemoAllowed}, []string{issued.Record.Thumbprint})
	if err != nil {
		return nil, err
	}
	sb = SandboxBanking{ClientID: nc.Credential.ClientID, ClientSecret: nc.Secret, AccountID: BankingDemoAccount,
		CertFile: filepath.Join(d.Dir, FileBankingCert), KeyFile: filepath.Join(d.Dir, FileBankingKey)}
	if err := writeFile(sb.KeyFile, issued.KeyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeFile(sb.CertFile, pki.EncodeCertificatesPEM(issued.Cert), 0o644); err != nil {
		return nil, err
	}
	return json.Marshal(sb)
}

func bankingUsable(ctx context.Context, d BankingDeps, sb *SandboxBanking) bool {
	c, err := d.Store.Credential(ctx, sb.ClientID)
	if err != nil || !c.Active() || c.Kind != oauth.KindBanking || c.Owner != sb.AccountID || !d.Hasher.Equal(sb.ClientSecret, c.SecretHash) {
		return false
	}
	certPEM, err := os.ReadFile(sb.CertFile)
	if err != nil {
		return false
	}
	certs, err := pki.ParseCertificates(certPEM)
	if err != nil || len(certs) == 0 || !c.BoundTo(pki.Thumbprint(certs[0])) {
		return false
	}
	if rec, err := d.Store.CertificateByThumbprint(ctx, pki.Thumbprint(certs[0])); err != nil || rec.Status != pki.CertActive {
		return false
	}
	if _, err := x509Verify(d.CA, certs[0], d.Clock.Now().Add(24*time.Hour)); err != nil {
		return false
	}
	_, err = os.Stat(sb.KeyFile)
	return err == nil
}
