// Package api holds the HTTP plumbing every surface reuses: correlation ids,
// JSON access logs, panic recovery, body limits, Prometheus metrics, the
// operations endpoints and client-certificate checking. Each surface lives in
// a subpackage (pixhttp, ...) that renders its own error dialect from one
// table; this package knows no dialect.
//
// Listeners request client certificates at the handshake
// (tls.RequestClientCert) and [CertChecker] verifies them here, so every
// failure gets the documented response of the surface (DESIGN.md).
package api
