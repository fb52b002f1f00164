package partner

import (
	"fmt"
	"strconv"

	"github.com/brasa-dev/brasa/internal/errs"
)

// Bankly's error codes (seed 001 "Erros"), and the few brasa adds for
// requests the seed does not cover (marked "brasa").
const (
	CodeCertRevoked      = "CLIENT_CERTIFICATE_WAS_REVOKED"
	CodeCertNotPresented = "CLIENT_CERTIFICATE_NOT_PRESENTED"
	CodeCertUnknown      = "CLIENT_CERTIFICATE_IS_UNKNOWN"
	CodeCertInvalid      = "CLIENT_CERTIFICATE_IS_INVALID"
	CodeCertIDUnknown    = "CLIENT_CERTIFICATE_ID_IS_UNKNOWN"
	CodeCertExpired      = "CLIENT_CERTIFICATE_HAS_EXPIRED"
	CodeAuthRequired     = "CLIENT_AUTHENTICATION_IS_REQUIRED"
	CodePartnerNotFound  = "PARTNER_NOT_FOUND"
	CodeMaxCertificates  = "PARTNER_HAS_REACHED_MAX_CERTIFICATES"
	CodeAuthFailure      = "CLIENT_AUTHENTICATION_FAILURE"
	CodeNetworkFailure   = "CLIENT_NETWORK_FAILURE"

	CodeInvalidParameter      = "INVALID_PARAMETER"         // brasa: a body field breaks a rule (propertyName names it)
	CodeInvalidBody           = "INVALID_REQUEST_BODY"      // brasa: the body is not the JSON object expected
	CodeAPIVersion            = "API_VERSION_NOT_SUPPORTED" // brasa: api-version missing or not 1
	CodeUnauthorized          = "UNAUTHORIZED"              // brasa: bearer token missing, malformed, expired or revoked
	CodeForbidden             = "FORBIDDEN"                 // brasa: the token lacks certificate.create
	CodeCertificateNotFound   = "CERTIFICATE_NOT_FOUND"     // brasa: no such certificate uuid for the partner
	CodeUnsupportedMediaType  = "UNSUPPORTED_MEDIA_TYPE"    // brasa: a JSON route's Content-Type is not application/json
	CodeTokenInvalidClient    = "invalid_client"            // /connect/token (OAuth2 error)
	CodeTokenInvalidRequest   = "invalid_request"
	CodeTokenUnsupportedGrant = "unsupported_grant_type"
	CodeTokenInvalidScope     = "invalid_scope"
)

// ErrPartnerNotFound returns PARTNER_NOT_FOUND for companyKey.
func ErrPartnerNotFound(companyKey string) *errs.Error {
	return &errs.Error{Kind: errs.EUnprocessable, Code: CodePartnerNotFound,
		Message: fmt.Sprintf("Partner with company key %s not found.", companyKey)}
}

// ErrMaxCertificates returns PARTNER_HAS_REACHED_MAX_CERTIFICATES for
// companyKey.
func ErrMaxCertificates(companyKey string) *errs.Error {
	return &errs.Error{Kind: errs.EUnprocessable, Code: CodeMaxCertificates,
		Message: "Partner " + companyKey + " has reached the max number of certificates: " + strconv.Itoa(MaxCertificates) + "."}
}

// ErrNetworkFailure returns CLIENT_NETWORK_FAILURE, the seed's answer to an
// IP validation failure ("Erro interno durante a validação de IP"): the
// request's source is not in the partner's allowlist. Its status is the
// seed's 500.
func ErrNetworkFailure() *errs.Error {
	return &errs.Error{Kind: errs.EForbidden, Code: CodeNetworkFailure, Message: "Unknown client network failure."}
}

// certError returns the seed's error for a client-certificate code.
func certError(code string) *errs.Error {
	return &errs.Error{Kind: errs.EForbidden, Code: code, Message: CertMessages[code]}
}

// CertError returns the seed's 403 error for one of the CLIENT_CERTIFICATE_*
// or CLIENT_AUTHENTICATION_IS_REQUIRED codes.
func CertError(code string) *errs.Error { return certError(code) }

// CertMessages are the seed's messages of the certificate codes.
var CertMessages = map[string]string{
	CodeCertRevoked:      "Client certificate was revoked.",
	CodeCertNotPresented: "Client certificate not presented or called route has no mtls policy.",
	CodeCertUnknown:      "Client certificate is unknown.",
	CodeCertInvalid:      "Client certificate is invalid.",
	CodeCertIDUnknown:    "Client certificate subject DN doesn't have a defined organization unit name (OU) as partner identification.",
	CodeCertExpired:      "Client certificate has expired.",
	CodeAuthRequired:     "tls client authentication is required.",
}

func invalidParam(property, msg string) *errs.Error {
	return &errs.Error{Kind: errs.EInvalid, Code: CodeInvalidParameter, Message: msg,
		Violations: []errs.Violation{{Property: property, Reason: msg}}}
}
