// Package partner is the Bankly partner-certificate domain (seed 001): a
// partner (company key) obtains a legacy access token with the scope
// certificate.create (POST /connect/token) and with it issues mTLS
// certificates from brasa's CA (POST /partners/{companyKey}/certificates).
//
// The rules live here: the passphrase policy, ttlInDays (1..365, default
// 365), the subject DN layout the seed prints, the private key returned once
// as an encrypted PKCS#8 under the passphrase and never stored, at most
// [MaxCertificates] active certificates per partner (the database enforces
// it, see the store), listing and revocation, and the checks an
// mTLS-protected partner route makes on the certificate it is presented
// ([Service.Identify]). Errors are *errs.Error whose Code is one of Bankly's
// codes (CLIENT_CERTIFICATE_*, PARTNER_*); internal/api/banklyhttp renders
// them from one table.
package partner
