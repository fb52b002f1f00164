package sisgru

import "github.com/brasa-dev/brasa/internal/errs"

// The messages of seed 003, verbatim. "Due to Hyrum's law" they cannot
// change: clients match on them.
const (
	// MsgNotFound is the 404 body's message ("O recurso requisitado não foi
	// encontrado ou não existe").
	MsgNotFound = "Página não encontrada."
	// MsgRequired is the 422 body's message of the seed's example: q absent.
	MsgRequired = "Parâmetro obrigatório."

	// MsgBasicUnauthorized: Basic credentials absent or malformed (401).
	MsgBasicUnauthorized = "As credenciais não foram informadas ou foram de forma incorreta."
	// MsgForbidden: credentials unknown, or without permission over the
	// data asked for (403). It is the seed's text for Senha SIAFI; brasa
	// also answers it to a valid JWT whose system may not read the UG [G].
	MsgForbidden = "As credenciais são desconhecidas ou não possuem permissão para acessar os dados requisitados."

	// MsgJWTUnauthorized: a Bearer header that is not a JWT (401).
	MsgJWTUnauthorized = "As credenciais (token JWT) não foram informadas corretamente."
	// The seven 403 messages of the JWT table.
	MsgJWTAlgorithm          = "O algoritmo utilizado pelo Token não é aceito. Utilize o RS256."
	MsgJWTIssuerRequired     = "O Emissor do Token (issuer) é obrigatório."
	MsgJWTUnknownIssuer      = "Nenhum Sistema Externo cadastrado para o Emissor do Token (issuer) informado."
	MsgJWTSystemDeleted      = "O Sistema Externo correspondente ao Emissor do Token (issuer) encontra-se excluído."
	MsgJWTExpired            = "Token expirado."
	MsgJWTCertificateExpired = "O Certificado cadastrado para o Sistema Externo está vencido."
	MsgJWTBadSignature       = "Não foi possível validar a assinatura do Token com a Chave Pública cadastrada para o Sistema Externo. Atualize o Certificado no SISGRU."
)

// ErrNotFound is the 404 of an unknown path or id (and of a record the
// caller may not read: its existence is not revealed).
var ErrNotFound = &errs.Error{Kind: errs.ENotFound, Message: MsgNotFound}

// ErrForbidden is the 403 of unknown credentials or a UG not allowed.
var ErrForbidden = &errs.Error{Kind: errs.EForbidden, Message: MsgForbidden}

func unauthorized(msg string) error { return &errs.Error{Kind: errs.EUnauthorized, Message: msg} }

func forbidden(msg string) error { return &errs.Error{Kind: errs.EForbidden, Message: msg} }

// ErrBasicUnauthorized is the 401 of absent or malformed credentials.
var ErrBasicUnauthorized = &errs.Error{Kind: errs.EUnauthorized, Message: MsgBasicUnauthorized}

// ErrJWTUnauthorized is the 401 of a malformed Bearer token.
var ErrJWTUnauthorized = &errs.Error{Kind: errs.EUnauthorized, Message: MsgJWTUnauthorized}
