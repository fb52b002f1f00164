package banking

import (
	"context"

	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
)

// Reads the developer portal's Banking API page needs (the CLI and the
// admin API address one object at a time).

// AccountsByDocument lists the accounts whose holder has the CPF/CNPJ
// document, by id.
func (s *Service) AccountsByDocument(ctx context.Context, document string) ([]Account, error) {
	if document == "" {
		return nil, nil
	}
	return s.d.Store.BankingAccountsByDocument(ctx, document)
}

// Credentials lists the banking credentials of accountID, oldest first,
// without their secret hashes.
func (s *Service) Credentials(ctx context.Context, accountID string) ([]oauth.Credential, error) {
	all, err := s.d.Store.Credentials(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if c.Kind == oauth.KindBanking {
			c.SecretHash = nil
			out = append(out, c)
		}
	}
	return out, nil
}

// Certificates lists the client certificates registered or issued for
// accountID (type BANKING), oldest first, revoked ones included.
func (s *Service) Certificates(ctx context.Context, accountID string) ([]pki.CertificateRecord, error) {
	return s.d.Store.Certificates(ctx, accountID, pki.CertBanking)
}
