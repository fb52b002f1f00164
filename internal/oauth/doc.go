// Package oauth issues and checks brasa's OAuth 2.0 access tokens: the
// client_credentials grant over mutual TLS with certificate-bound tokens
// (RFC 6749 §4.4, RFC 8705 §3), as the Pix API requires (BACEN manual of
// security, seed 000 §8), and the credentials behind it.
//
// Tokens are JWTs (RFC 7519) signed with HS256 under a server key that all
// instances share through the database; they carry kid, jti, exp, scope and
// cnf.x5t#S256, the SHA-256 thumbprint of the client certificate the token was
// issued to. Every protected request is checked for signature, expiry, scope,
// the certificate binding and the credential still being active.
package oauth
