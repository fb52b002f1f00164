// Package banking is the Banking API domain (seed 002): accounts, the
// provisioning a bank's CORE does (register or issue a client certificate,
// create a credential, set its allowed source IPs, bind up to
// [MaxActiveCertificates] active certificates for rotation, the secret shown
// once), POST /public/gw_banking/v1/auth/token-v2 (a token only when the
// credential, the certificate bound to it and the source IP all check) and
// the balance, which demands the certificate the token was issued to.
//
// Credentials are oauth.Credential of kind banking whose Owner is the
// account id, Thumbprints the bound certificates and AllowedCIDRs the source
// allowlist; certificates are pki.CertificateRecord (type BANKING) in the
// shared certificates table, so revocation works as everywhere else.
// Errors are *errs.Error whose Code is one of this package's codes;
// internal/api/bankinghttp renders them from one table.
package banking
