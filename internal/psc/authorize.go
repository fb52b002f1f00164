package psc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
)

// PushRedirectURI is the redirect_uri of push requests.
const PushRedirectURI = "push://"

// AuthorizeRequest is the query of GET /v0/oauth/authorize.
type AuthorizeRequest struct {
	ClientID            string
	CodeChallenge       string
	CodeChallengeMethod string
	ResponseType        string
	Scope               string
	LoginHint           string
	Lifetime            string
	RedirectURI         string
	State               string
}

// Authorize validates an authorization request and stores it pending for the
// holder's decision (seed §3.1.1, §3.1.2). PKCE S256 is required; the scope
// defaults to single_signature; lifetime is whole seconds, capped later at
// 7 days (CPF) or 30 days (CNPJ); redirect_uri is a registered URI or
// push:// (which needs a login_hint). Each application may call it 100 times
// a second.
func (s *Service) Authorize(ctx context.Context, r AuthorizeRequest) (*Authorization, error) {
	if r.ClientID == "" {
		return nil, Error(CodeInvalidRequest, "client_id é obrigatório")
	}
	app, err := s.Store.PSCApplication(ctx, r.ClientID)
	if errs.Is(err, errs.ENotFound) {
		return nil, Error(CodeInvalidClient, "Aplicação não cadastrada")
	}
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	if err := s.limit(ctx, now, time.Second, Increment{"authorize:" + app.ClientID, 1}, s.limits.AuthorizePerSecond); err != nil {
		return nil, err
	}
	switch {
	case r.RedirectURI == "":
		return nil, Error(CodeInvalidRequest, "redirect_uri é obrigatória")
	case r.RedirectURI != PushRedirectURI && !slices.Contains(app.RedirectURIs, r.RedirectURI):
		return nil, Error(CodeInvalidRequest, "redirect_uri não cadastrada para a aplicação")
	case r.ResponseType != "code":
		return nil, Error(CodeInvalidRequest, "response_type deve ser code")
	case r.CodeChallenge == "":
		return nil, Error(CodeInvalidRequest, "code_challenge é obrigatório (PKCE, RFC 7636)")
	case r.CodeChallengeMethod != "S256":
		return nil, Error(CodeInvalidRequest, "code_challenge_method deve ser S256")
	}
	if b, err := base64.RawURLEncoding.DecodeString(r.CodeChallenge); err != nil || len(b) != sha256.Size {
		return nil, Error(CodeInvalidRequest, "code_challenge deve ser o SHA-256 do code_verifier em base64url sem preenchimento")
	}
	scope := Scope(r.Scope)
	if r.Scope == "" {
		scope = ScopeSingle
	}
	if !scope.Valid() {
		return nil, Error(CodeInvalidRequest, "scope inválido: %q", r.Scope)
	}
	lifetime := DefaultLifetime
	if r.Lifetime != "" {
		n, err := strconv.ParseInt(r.Lifetime, 10, 64)
		if err != nil || n <= 0 {
			return nil, Error(CodeInvalidRequest, "lifetime deve ser um inteiro positivo de segundos")
		}
		lifetime = time.Duration(min(n, int64(MaxLifetimePJ/time.Second))) * time.Second
	}
	hint := onlyDigits(r.LoginHint)
	if hint != "" && TypeOf(hint) == "" {
		return nil, Error(CodeInvalidRequest, "login_hint deve ser um CPF ou CNPJ")
	}
	push := r.RedirectURI == PushRedirectURI
	if push && hint == "" {
		return nil, Error(CodeInvalidRequest, "login_hint (CPF ou CNPJ do titular) é obrigatório no push")
	}
	if hint != "" {
		lifetime = capLifetime(lifetime, TypeOf(hint))
		// A known holder without a valid certificate is refused now, not
		// after approving (an unknown one waits, as the PSC cannot say).
		if _, err := s.Store.PSCHolder(ctx, hint); err == nil {
			if err := s.hasValidCertificate(ctx, hint); err != nil {
				return nil, err
			}
		} else if !errs.Is(err, errs.ENotFound) {
			return nil, err
		}
	}
	if len(r.State) > 500 {
		return nil, Error(CodeInvalidRequest, "state longo demais")
	}
	a := &Authorization{
		ID: newUUID(), ClientID: app.ClientID, LoginHint: hint, Scope: scope, Lifetime: lifetime,
		CodeChallenge: r.CodeChallenge, RedirectURI: r.RedirectURI, State: r.State, Push: push,
		Status: AuthPending, CreatedAt: now, ExpiresAt: now.Add(AuthorizationWindow),
	}
	if err := s.Store.CreatePSCAuthorization(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

func capLifetime(d time.Duration, t PersonType) time.Duration {
	if t == CPF && d > MaxLifetimePF {
		return MaxLifetimePF
	}
	if d > MaxLifetimePJ {
		return MaxLifetimePJ
	}
	return d
}

// stateOrNone is the state echoed in redirects: NONE when absent (the
// seed's examples).
func stateOrNone(s string) string {
	if s == "" {
		return "NONE"
	}
	return s
}

// Code returns the authorization code of an approved request: the QR
// redirect's code and the push flow's authorizationToken.
func (s *Service) Code(a *Authorization) string { return s.seal(purposeCode, a.ID) }

// RedirectURL is where the QR page sends the browser once a is decided:
// redirect_uri?code=…&state=… when approved, ?error=access_denied&state=…
// when denied (RFC 6749 §4.1.2.1).
func (s *Service) RedirectURL(a *Authorization) string {
	q := url.Values{}
	if a.Status == AuthApproved {
		q.Set("code", s.Code(a))
	} else {
		q.Set("error", CodeAccessDenied)
	}
	q.Set("state", stateOrNone(a.State))
	sep := "?"
	if strings.Contains(a.RedirectURI, "?") {
		sep = "&"
	}
	return a.RedirectURI + sep + q.Encode()
}

// PollResult is the answer of the push status endpoint: RedirectURL is
// push://<client_id>?code=<id>&state=<state|NONE>.
type PollResult struct {
	Pending            bool
	AuthorizationToken string
	RedirectURL        string
}

// Poll answers GET /valid/api/v1/trusted-services/authentications?code=:
// pending (304) until the holder approves, then the authorizationToken. A
// poll less than a second after the previous one is refused with 429
// (the seed warns that faster polling gets the application blocked).
func (s *Service) Poll(ctx context.Context, code string) (*PollResult, error) {
	if code == "" {
		return nil, Error(CodeInvalidRequest, "code é obrigatório")
	}
	a, err := s.Store.PSCAuthorization(ctx, code)
	if errs.Is(err, errs.ENotFound) || (err == nil && !a.Push) {
		return nil, Error(CodeInvalidGrant, "code desconhecido")
	}
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	ok, err := s.Store.PollPSCAuthorization(ctx, a.ID, now, PollInterval)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, tooMany(PollInterval)
	}
	switch {
	case a.Status == AuthDenied:
		return nil, Error(CodeAccessDenied, "O titular recusou a autorização")
	case a.Status == AuthPending && !now.Before(a.ExpiresAt):
		return nil, Error(CodeInvalidGrant, "A solicitação expirou sem autorização do titular")
	case a.Status == AuthPending:
		return &PollResult{Pending: true}, nil
	}
	q := url.Values{"code": {a.ID}, "state": {stateOrNone(a.State)}}
	return &PollResult{AuthorizationToken: s.Code(a), RedirectURL: PushRedirectURL(a.ClientID) + "?" + q.Encode()}, nil
}

// PushRedirectURL is an application's push URI, the base of the push
// flow's redirectUrl: the seed shows "push://<URI gerada no cadastro de
// aplicação>?code=…&state=NONE", and the one thing registration generates
// for an application is its client_id (a UUID, safe as a URI authority).
func PushRedirectURL(clientID string) string { return PushRedirectURI + clientID }

// Status returns the request id for the QR page (ENotFound if none),
// reporting a pending request past its window as expired (second value).
func (s *Service) Status(ctx context.Context, id string) (*Authorization, bool, error) {
	a, err := s.Store.PSCAuthorization(ctx, id)
	if err != nil {
		return nil, false, err
	}
	return a, a.Status == AuthPending && !s.Clock.Now().Before(a.ExpiresAt), nil
}

// Pending lists the requests waiting for the holder documento (those naming
// it in login_hint), newest first.
func (s *Service) Pending(ctx context.Context, documento string) ([]Authorization, error) {
	documento = onlyDigits(documento)
	if TypeOf(documento) == "" {
		return nil, Error(CodeInvalidRequest, "Informe um CPF (11 dígitos) ou CNPJ (14 dígitos)")
	}
	return s.Store.PendingPSCAuthorizations(ctx, documento, s.Clock.Now())
}

// Application returns the application clientID (for the holder's pages).
func (s *Service) Application(ctx context.Context, clientID string) (*Application, error) {
	return s.Store.PSCApplication(ctx, clientID)
}

// ErrWrongPassword is the cause of a refused approval.
var ErrWrongPassword = errors.New("psc: wrong certificate password")

// Approve is the holder's approval of request id with the certificate
// password. The request must be pending, unexpired, and for documento (or
// for anyone, a QR request without login_hint). A wrong password is
// access_denied with cause ErrWrongPassword; five wrong passwords in a
// minute lock the holder's approvals for the rest of that minute.
func (s *Service) Approve(ctx context.Context, id, documento, password string) (*Authorization, error) {
	a, h, err := s.decidable(ctx, id, documento)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	totals, err := s.Store.CountPSC(ctx, window(now, time.Minute), s.forgetBefore(now), []Increment{{"password-fail:" + h.Documento, 0}})
	if err != nil {
		return nil, err
	}
	if totals[0] >= 5 {
		return nil, tooMany(time.Unix(window(now, time.Minute)+60, 0).Sub(now))
	}
	if err := oauth.VerifyPassword(h.PasswordHash, password); err != nil {
		if _, cerr := s.Store.CountPSC(ctx, window(now, time.Minute), 0, []Increment{{"password-fail:" + h.Documento, 1}}); cerr != nil {
			return nil, cerr
		}
		e := Error(CodeAccessDenied, "Senha do certificado incorreta")
		e.Err = ErrWrongPassword
		return nil, e
	}
	if err := s.Store.DecidePSCAuthorization(ctx, a.ID, AuthApproved, h.Documento, s.Clock.Now()); err != nil {
		return nil, s.decideError(err)
	}
	return s.Store.PSCAuthorization(ctx, a.ID)
}

// Deny is the holder's refusal of request id.
func (s *Service) Deny(ctx context.Context, id, documento string) (*Authorization, error) {
	a, h, err := s.decidable(ctx, id, documento)
	if err != nil {
		return nil, err
	}
	if err := s.Store.DecidePSCAuthorization(ctx, a.ID, AuthDenied, h.Documento, s.Clock.Now()); err != nil {
		return nil, s.decideError(err)
	}
	return s.Store.PSCAuthorization(ctx, a.ID)
}

func (s *Service) decideError(err error) error {
	if errs.Is(err, errs.EConflict) {
		return Error(CodeInvalidGrant, "A solicitação não está mais pendente")
	}
	return err
}

// decidable loads request id and holder documento and checks that the holder
// may decide it now.
func (s *Service) decidable(ctx context.Context, id, documento string) (*Authorization, *Holder, error) {
	documento = onlyDigits(documento)
	a, err := s.Store.PSCAuthorization(ctx, id)
	if errs.Is(err, errs.ENotFound) {
		return nil, nil, Error(CodeNotFound, "Solicitação não encontrada")
	}
	if err != nil {
		return nil, nil, err
	}
	if a.Status != AuthPending || !s.Clock.Now().Before(a.ExpiresAt) {
		return nil, nil, Error(CodeInvalidGrant, "A solicitação não está mais pendente")
	}
	if a.LoginHint != "" && a.LoginHint != documento {
		return nil, nil, Error(CodeAccessDenied, "A solicitação é destinada a outro titular")
	}
	h, err := s.Store.PSCHolder(ctx, documento)
	if errs.Is(err, errs.ENotFound) {
		return nil, nil, Error(CodeAccessDenied, "Titular não encontrado")
	}
	if err != nil {
		return nil, nil, err
	}
	if err := s.hasValidCertificate(ctx, documento); err != nil {
		return nil, nil, err
	}
	return a, h, nil
}

// SandboxDecide approves or denies the holder's pending request without a
// password (sandbox only: automated tests have no phone to tap). It takes the
// newest request naming loginHint, or else the newest QR request without a
// login_hint. ENotFound (not_found) when there is none.
func (s *Service) SandboxDecide(ctx context.Context, loginHint string, approve bool) (*Authorization, error) {
	doc := onlyDigits(loginHint)
	if TypeOf(doc) == "" {
		return nil, Error(CodeInvalidRequest, "login_hint deve ser um CPF ou CNPJ")
	}
	if _, err := s.Store.PSCHolder(ctx, doc); errs.Is(err, errs.ENotFound) {
		return nil, Error(CodeNotFound, "Titular não encontrado")
	} else if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	list, err := s.Store.PendingPSCAuthorizations(ctx, doc, now)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		if list, err = s.Store.PendingPSCAuthorizations(ctx, "", now); err != nil {
			return nil, err
		}
	}
	if len(list) == 0 {
		return nil, Error(CodeNotFound, "Nenhuma solicitação pendente para o titular")
	}
	status := AuthDenied
	if approve {
		if err := s.hasValidCertificate(ctx, doc); err != nil {
			return nil, err
		}
		status = AuthApproved
	}
	if err := s.Store.DecidePSCAuthorization(ctx, list[0].ID, status, doc, now); err != nil {
		return nil, s.decideError(err)
	}
	return s.Store.PSCAuthorization(ctx, list[0].ID)
}

// TokenRequest is the body of POST /v0/oauth/token.
type TokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	Code         string
	CodeVerifier string
	RedirectURI  string
}

// TokenResponse is what the token endpoint answers.
type TokenResponse struct {
	AccessToken string
	ExpiresIn   time.Duration
	Scope       Scope
	Documento   string
	Type        PersonType
}

// Exchange trades an authorization code (QR: the redirect's code; push: the
// authorizationToken) and its PKCE verifier for an access token (seed
// §3.1.3). Checks, in order: grant type, client, code (issued here, for this
// client, approved, not used, not older than 10 minutes), redirect_uri when
// sent, code_verifier. The code is spent by the first successful exchange.
func (s *Service) Exchange(ctx context.Context, r TokenRequest) (*TokenResponse, error) {
	switch r.GrantType {
	case "authorization_code":
	case "":
		return nil, Error(CodeInvalidRequest, "grant_type é obrigatório")
	default:
		return nil, Error(CodeUnsupportedGrantType, "grant_type deve ser authorization_code")
	}
	app, err := s.AuthenticateClient(ctx, r.ClientID, r.ClientSecret)
	if err != nil {
		return nil, err
	}
	if r.Code == "" || r.CodeVerifier == "" {
		return nil, Error(CodeInvalidRequest, "code e code_verifier são obrigatórios")
	}
	id, ok := s.unseal(purposeCode, r.Code)
	if !ok {
		return nil, Error(CodeInvalidGrant, "code inválido")
	}
	a, err := s.Store.PSCAuthorization(ctx, id)
	if errs.Is(err, errs.ENotFound) {
		return nil, Error(CodeInvalidGrant, "code inválido")
	}
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	switch {
	case a.ClientID != app.ClientID:
		return nil, Error(CodeInvalidGrant, "code emitido para outra aplicação")
	case a.Status != AuthApproved:
		return nil, Error(CodeInvalidGrant, "code não autorizado pelo titular")
	case !a.CodeUsedAt.IsZero():
		return nil, s.codeReused(ctx, a, now)
	case now.After(a.DecidedAt.Add(CodeLifetime)):
		return nil, Error(CodeInvalidGrant, "code expirado")
	case r.RedirectURI != "" && r.RedirectURI != a.RedirectURI && !(a.Push && strings.HasPrefix(r.RedirectURI, PushRedirectURI)):
		return nil, Error(CodeInvalidGrant, "redirect_uri difere da usada na autorização")
	}
	if len(r.CodeVerifier) < 43 || len(r.CodeVerifier) > 128 {
		return nil, Error(CodeInvalidGrant, "code_verifier deve ter de 43 a 128 caracteres (RFC 7636)")
	}
	sum := sha256.Sum256([]byte(r.CodeVerifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(a.CodeChallenge)) != 1 {
		return nil, Error(CodeInvalidGrant, "code_verifier não corresponde ao code_challenge")
	}
	if err := s.Store.UsePSCCode(ctx, a.ID, now); err != nil {
		if errs.Is(err, errs.EConflict) {
			return nil, s.codeReused(ctx, a, now)
		}
		return nil, err
	}
	typ := TypeOf(a.Documento)
	lifetime := capLifetime(a.Lifetime, typ)
	t := &Token{ID: newUUID(), ClientID: app.ClientID, Documento: a.Documento, Scope: a.Scope, AuthorizationID: a.ID,
		CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := s.Store.CreatePSCToken(ctx, t); err != nil {
		return nil, err
	}
	return &TokenResponse{AccessToken: s.seal(purposeToken, t.ID), ExpiresIn: lifetime, Scope: t.Scope, Documento: a.Documento, Type: typ}, nil
}

// codeReused answers a second exchange of a's code: invalid_grant, after
// revoking the tokens already issued for it (RFC 6749 §4.1.2: the code may
// have been stolen, so whatever it bought is no longer trusted). A token
// issued by a concurrent exchange that has not stored it yet escapes; the
// window is that of one INSERT.
func (s *Service) codeReused(ctx context.Context, a *Authorization, now time.Time) error {
	if _, err := s.Store.RevokePSCTokens(ctx, TokenFilter{AuthorizationID: a.ID}, now); err != nil {
		return err
	}
	return Error(CodeInvalidGrant, "code já utilizado; os tokens emitidos com ele foram revogados")
}

// Authenticate returns the token behind a bearer access token, checking its
// MAC, expiry and revocation. invalid_token (401) otherwise.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*Token, error) {
	if bearer == "" {
		return nil, Error(CodeInvalidToken, "Authorization: Bearer <access_token> é obrigatório")
	}
	id, ok := s.unseal(purposeToken, bearer)
	if !ok {
		return nil, Error(CodeInvalidToken, "access_token inválido")
	}
	t, err := s.Store.PSCToken(ctx, id)
	if errs.Is(err, errs.ENotFound) {
		return nil, Error(CodeInvalidToken, "access_token inválido")
	}
	if err != nil {
		return nil, err
	}
	if !t.RevokedAt.IsZero() {
		return nil, Error(CodeInvalidToken, "access_token revogado")
	}
	if !s.Clock.Now().Before(t.ExpiresAt) {
		return nil, Error(CodeInvalidToken, "access_token expirado")
	}
	if t.Scope.OneUse() && !t.UsedAt.IsZero() {
		return nil, Error(CodeInvalidToken, "access_token já utilizado")
	}
	return t, nil
}

// window returns the start (unix seconds) of the period containing t.
func window(t time.Time, period time.Duration) int64 {
	p := int64(period / time.Second)
	return t.Unix() / p * p
}

// limit adds inc to its counter for the current period and refuses with 429
// when the total passes max.
func (s *Service) limit(ctx context.Context, now time.Time, period time.Duration, inc Increment, max int64) error {
	return s.limits2(ctx, now, period, []Increment{inc}, []int64{max})
}

// limits2 is limit for several counters of one period, counted in one
// transaction.
func (s *Service) limits2(ctx context.Context, now time.Time, period time.Duration, incs []Increment, maxes []int64) error {
	w := window(now, period)
	totals, err := s.Store.CountPSC(ctx, w, s.forgetBefore(now), incs)
	if err != nil {
		return err
	}
	for i, n := range totals {
		if n > maxes[i] {
			// A refused call consumes no budget: take the increments back.
			undo := make([]Increment, len(incs))
			for j, inc := range incs {
				undo[j] = Increment{Key: inc.Key, N: -inc.N}
			}
			if _, err := s.Store.CountPSC(ctx, w, 0, undo); err != nil {
				return err
			}
			retry := time.Unix(w, 0).Add(period).Sub(now)
			if retry < time.Second {
				retry = time.Second
			}
			return tooMany(retry)
		}
	}
	return nil
}

// forgetBefore returns, about once a minute, the window start before which
// counters may be deleted (five minutes ago: every period is at most a
// minute), and 0 (delete nothing) otherwise.
func (s *Service) forgetBefore(now time.Time) int64 {
	last := s.lastSweep.Load()
	if now.Unix()-last < 60 || !s.lastSweep.CompareAndSwap(last, now.Unix()) {
		return 0
	}
	return now.Add(-5 * time.Minute).Unix()
}
