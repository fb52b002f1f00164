package partner

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
)

// KindMTLS is the credential kind of clients registered on the mTLS routes
// (RFC 8705 tls_client_auth): they have no usable secret; the partner
// certificate authenticates them.
const KindMTLS oauth.CredentialKind = "bankly-mtls"

// Registration is a dynamic client registration (notes: POST
// /oauth2/register on Bankly's mTLS host).
type Registration struct {
	GrantTypes              []string
	SubjectDN               string // tls_client_auth_subject_dn
	TokenEndpointAuthMethod string
	ResponseTypes           []string
	CompanyKey              string
	Scope                   string
}

// Register registers a tls_client_auth client for the partner the
// certificate identifies. The registration must name that partner's
// company key and its certificates' subject DN (the subjectDn of the
// issuance response), grant type client_credentials and auth method
// tls_client_auth.
func (s *Service) Register(ctx context.Context, id *Identity, reg Registration) (*oauth.Credential, error) {
	var vs []errs.Violation
	bad := func(prop, msg string) { vs = append(vs, errs.Violation{Property: prop, Reason: msg}) }
	if len(reg.GrantTypes) != 1 || reg.GrantTypes[0] != "client_credentials" {
		bad("grant_types", "grant_types must be [\"client_credentials\"].")
	}
	if reg.TokenEndpointAuthMethod != "tls_client_auth" {
		bad("token_endpoint_auth_method", "token_endpoint_auth_method must be tls_client_auth.")
	}
	if len(reg.ResponseTypes) > 0 && !slices.Equal(reg.ResponseTypes, []string{"access_token"}) {
		bad("response_types", "response_types must be [\"access_token\"].")
	}
	if normDN(reg.SubjectDN) != normDN(id.Partner.SubjectDN()) {
		bad("tls_client_auth_subject_dn", "tls_client_auth_subject_dn must be the subjectDn of the partner's certificates.")
	}
	scopes := oauth.ParseScope(reg.Scope)
	if len(scopes) == 0 {
		bad("scope", "scope is required.")
	}
	if len(vs) > 0 {
		return nil, &errs.Error{Kind: errs.EInvalid, Code: CodeInvalidParameter, Message: vs[0].Reason, Violations: vs}
	}
	if reg.CompanyKey != id.Partner.CompanyKey {
		return nil, &errs.Error{Kind: errs.EForbidden, Code: CodeForbidden, Message: "company_key is not the certificate's partner."}
	}
	secret := oauth.NewSecret() // never shown: tls_client_auth clients authenticate by certificate
	c := &oauth.Credential{ClientID: oauth.NewClientID(), SecretHash: s.hasher.Hash(secret), Kind: KindMTLS,
		Owner: id.Partner.CompanyKey, Scopes: scopes, Status: oauth.CredentialActive, CreatedAt: s.clock.Now()}
	if err := s.store.CreateCredential(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// normDN compares DNs regardless of the spacing around "=" and ",".
func normDN(dn string) string {
	parts := strings.Split(dn, ",")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		parts[i] = strings.TrimSpace(k) + "=" + strings.TrimSpace(v)
	}
	return strings.Join(parts, ",")
}

// MTLSToken is a token of the mTLS token endpoint.
type MTLSToken struct {
	AccessToken string
	ExpiresIn   int
	Scope       string
	Claims      *oauth.Claims
}

// IssueMTLSToken issues a certificate-bound token (RFC 8705) to a client
// registered by the partner the certificate identifies. Errors carry the
// OAuth2 codes invalid_client, unsupported_grant_type, invalid_scope.
func (s *Service) IssueMTLSToken(ctx context.Context, id *Identity, clientID, grantType, scope string) (*MTLSToken, error) {
	if clientID == "" {
		return nil, tokenErr(CodeTokenInvalidRequest, "client_id is required")
	}
	cred, err := s.credential(ctx, clientID)
	if errs.Is(err, errs.ENotFound) || (err == nil && (!cred.Active() || cred.Kind != KindMTLS || cred.Owner != id.Partner.CompanyKey)) {
		return nil, tokenErr(CodeTokenInvalidClient, "")
	}
	if err != nil {
		return nil, err
	}
	if grantType != "client_credentials" {
		return nil, tokenErr(CodeTokenUnsupportedGrant, "")
	}
	scopes := cred.Scopes
	if strings.TrimSpace(scope) != "" {
		scopes = oauth.ParseScope(scope)
		for _, sc := range scopes {
			if !contains(cred.Scopes, sc) {
				return nil, tokenErr(CodeTokenInvalidScope, "")
			}
		}
	}
	now := s.clock.Now()
	c := &oauth.Claims{Issuer: s.issuer, Subject: id.Partner.CompanyKey, ClientID: cred.ClientID, Scope: strings.Join(scopes, " "),
		IssuedAt: now.Unix(), Expiry: now.Add(s.TokenTTL).Unix(), JTI: NewUUID(), Cnf: &oauth.Cnf{X5tS256: pki.Thumbprint(id.Leaf)}}
	tok, err := s.signer.Sign(c)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "sign token")
	}
	return &MTLSToken{AccessToken: tok, ExpiresIn: int(s.TokenTTL / time.Second), Scope: c.Scope, Claims: c}, nil
}
