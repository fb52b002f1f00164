// Package bench is the load generator behind `brasa bench`: it drives a
// running brasa (or any OAuth2 client_credentials + mutual TLS API) with a
// fixed number of concurrent workers and reports throughput, status codes and
// latency percentiles. The numbers in docs/BENCHMARKS.md come from it.
//
// # Scenarios
//
// Every scenario talks HTTPS with mutual TLS (TLS 1.2 minimum): the client
// presents [Options.CertFile]/[Options.KeyFile] and trusts [Options.CAFile].
// It verifies each distinct server chain once for the URL's host and then
// remembers it until the chain expires; crypto/tls still checks the server's
// CertificateVerify signature on every handshake. The generator shares the
// machine with the server it measures, and re-proving an unchanged chain
// would cost it two ECDSA verifications per new connection.
//
//   - "token" POSTs a client_credentials grant to {URL}/oauth/token over
//     kept-alive HTTP/1.1 connections shared by all workers.
//   - "token-newconn" sends the same grant on a new TLS connection every time,
//     without session resumption, so each request pays a full mTLS handshake.
//   - "request" obtains one access token, then sends [Options.Method]
//     [Options.Path] with it over kept-alive connections. The token is
//     refreshed, by one worker at a time, after a 401 (which itself counts
//     as an error) or shortly before it expires; the time spent waiting for
//     a refresh is part of the latency of the request that waited. Token
//     requests are not counted as requests.
//
// # Measurement
//
// Each worker loops: build the request, send it, read and discard the whole
// body, record the latency and status. A transport error or a status of 400
// or above counts as an error. Latencies are kept per worker and merged and
// sorted once at the end; percentiles use the nearest-rank method. A run ends
// when [Options.Count] requests have been made, when [Options.Duration] has
// elapsed (requests in flight then are allowed to finish), or when the context
// is cancelled (requests cut short by the cancellation are not counted).
//
// [Run] is the entry point; [Report.WriteText] and [Report.WriteJSON] render
// the result.
package bench
