// Package pschttp is the HTTP surface of the PSC cloud signature service
// (seed 004, VIDaaS): the API routes under /v0/oauth/ and
// /valid/api/v1/trusted-services/authentications on the API listener, and on
// the web listener the QR code page, the holder's approval pages (standing in
// for the phone app), the issuing CA's certificate and CRL. Errors are
// OAuth-style {"error","error_description"} rendered from one table.
package pschttp
