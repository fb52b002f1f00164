// Package pki holds brasa's public-key machinery: the certificate authority
// that issues the listeners' server certificates and the integrators' client
// certificates, key generation and encoding, keys encrypted at rest, the TLS
// configurations of every listener and client, and the verification of
// client certificates presented to the API listener.
//
// # What each piece follows
//
//   - Certificates and chains follow RFC 5280 (X.509 v3 profile): a root CA
//     and an issuing intermediate ("cadeia completa"), 128-bit random serial
//     numbers, key identifiers, basic constraints with path length limits,
//     and leaves whose lifetime never exceeds the intermediate's. See [NewCA],
//     [CA.IssueServer], [CA.IssueClient] and [CA.SignCSR].
//   - Certificate thumbprints follow RFC 8705 §3.1 (x5t#S256, the
//     confirmation claim of certificate-bound access tokens) and RFC 7515
//     §4.1.7 (x5t, SHA-1). See [Thumbprint] and [ThumbprintSHA1].
//   - Private keys are written as PKCS#8 (RFC 5208, RFC 5958). Encrypted keys
//     use PBES2 (RFC 8018 §6.2) with PBKDF2-HMAC-SHA256 and AES-256-CBC, the
//     structure OpenSSL 3 writes, so `openssl pkey` reads them and keys made
//     by `openssl genrsa -aes256` are read back. See [EncryptPKCS8PEM] and
//     [DecryptPKCS8PEM].
//   - PKCS#12 files (RFC 7292) are written with PBES2/AES-256-CBC and an
//     HMAC-SHA-256 MAC, readable by OpenSSL 1.1.1+, Java 12+ and Windows
//     Server 2019+. See [EncodePKCS12].
//   - Keys at rest (the CA's, the PSC holders') are sealed with AES-256-GCM
//     under a master key. See [Sealer].
//   - TLS is 1.2 at least, with ECDHE and AEAD cipher suites only. See
//     [ServerTLSConfig] and [ClientTLSConfig].
//
// # Client certificates
//
// The API listener requests a client certificate at the handshake
// ([tls.RequestClientCert]) but does not verify it there: HTTP middleware
// calls [Verifier.Verify] so that every failure can be answered with the
// error body each API documents. Verify reports the reason as a sentinel
// error ([ErrNoCertificate], [ErrCertificateExpired], [ErrUnknownAuthority],
// ...). Revocation is the caller's concern: it checks the returned leaf's
// serial number or [Thumbprint] against its revocation set.
//
// # Randomness and time
//
// Functions that need randomness take an [io.Reader] (nil means
// [crypto/rand.Reader]) and the CA takes a clock, as the rest of brasa does.
// Since Go 1.26 the standard library ignores the reader passed to key
// generation and signing and always uses a secure source; tests that need
// deterministic keys use [testing/cryptotest.SetGlobalRandom]. The reader is
// still used for what pki draws itself: serial numbers, salts, IVs and
// master keys.
package pki
