// Package psc is brasa's PSC (Prestador de Serviço de Confiança) cloud
// signature service, the VIDaaS flows of seed 004 (the ITI "API v0" standard,
// DOC-ICP-17.01 §6.4): applications register; holders (titulares) keep their
// cloud certificates and keys here; an application asks a holder for
// authorization (QR code or push) with OAuth 2.0 authorization code + PKCE
// S256; the holder approves with the certificate password; the application
// exchanges the code for an access token whose scope says how much it may
// sign; and the service signs hashes and documents in the formats of the
// seed (RAW, CMS, CAdES AD-RB/AD-RT, PAdES AD-RB/AD-RT, RAW_DIGESTED_DATA).
//
// The package holds the rules; internal/store persists them and
// internal/api/pschttp renders them. Errors are *errs.Error whose Code is the
// OAuth error code of the response ("invalid_request", "invalid_grant", ...).
package psc
