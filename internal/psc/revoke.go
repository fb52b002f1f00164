package psc

import (
	"context"

	"github.com/brasa-dev/brasa/internal/errs"
)

// The seed (§3.1.1) says a signature_session token is good "desde que o
// token esteja dentro do prazo de validade ou que não tenha sido revogado
// pela aplicação ou pelo usuário", and names no endpoint for either. The
// application revokes by RFC 7009 ([Service.Revoke], POST
// /v0/oauth/revoke); the holder, who would do it in the PSC's phone app, by
// [Service.RevokeHolder] (the sandbox control API). A revoked token is
// refused by [Service.Authenticate] at once: tokens are read from the store
// on every request, never cached.

// RevokeRequest is the body of POST /v0/oauth/revoke (RFC 7009 §2.1).
type RevokeRequest struct {
	ClientID      string
	ClientSecret  string
	Token         string
	TokenTypeHint string
}

// Revoke is the application's revocation of one of its tokens (RFC 7009):
// the client authenticates (invalid_client, 401), token is required
// (invalid_request). A token that is invalid, unknown, expired or already
// revoked is answered as success (§2.2: the client cannot do anything about
// it); a token issued to another application is refused with
// unauthorized_client and left alone (§2.1). Every PSC token is an access
// token: the hints access_token and refresh_token are ignored, any other is
// unsupported_token_type (§2.2.1).
func (s *Service) Revoke(ctx context.Context, r RevokeRequest) error {
	app, err := s.AuthenticateClient(ctx, r.ClientID, r.ClientSecret)
	if err != nil {
		return err
	}
	if r.Token == "" {
		return Error(CodeInvalidRequest, "token é obrigatório")
	}
	switch r.TokenTypeHint {
	case "", "access_token", "refresh_token":
		// RFC 7009 §2.1: a wrong hint only widens the search; every PSC
		// token is an access token.
	default:
		return Error(CodeUnsupportedTokenType, "token_type_hint deve ser access_token")
	}
	id, ok := s.unseal(purposeToken, r.Token)
	if !ok {
		return nil
	}
	t, err := s.Store.PSCToken(ctx, id)
	if errs.Is(err, errs.ENotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if t.ClientID != app.ClientID {
		return Error(CodeUnauthorizedClient, "O token foi emitido para outra aplicação")
	}
	_, err = s.Store.RevokePSCTokens(ctx, TokenFilter{ID: t.ID, ClientID: app.ClientID}, s.Clock.Now())
	return err
}

// RevokeHolder is the holder's revocation of the tokens they authorized:
// all of them, or only those of application clientID when it is not empty.
// It returns how many were revoked (already revoked ones do not count).
// invalid_request for a malformed CPF/CNPJ, not_found for an unknown holder.
func (s *Service) RevokeHolder(ctx context.Context, documento, clientID string) (int64, error) {
	doc := onlyDigits(documento)
	if TypeOf(doc) == "" {
		return 0, Error(CodeInvalidRequest, "login_hint deve ser um CPF ou CNPJ")
	}
	if _, err := s.Store.PSCHolder(ctx, doc); errs.Is(err, errs.ENotFound) {
		return 0, Error(CodeNotFound, "Titular não encontrado")
	} else if err != nil {
		return 0, err
	}
	return s.Store.RevokePSCTokens(ctx, TokenFilter{Documento: doc, ClientID: clientID}, s.Clock.Now())
}
