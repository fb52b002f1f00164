// Package certdoctor diagnoses the certificate files an integrator holds for
// mutual TLS with a Pix API, the way seed 000 (Guia Técnico API Pix Sicredi,
// Anexos II to V) describes their failures: a certificate (.CER) in DER where
// PEM is expected, a requisição (.CSR) given in place of the certificate, a
// chave privada (.KEY) protected by a passphrase that some tools cannot
// read, a key and a certificate that do not correspond (KEY_VALUES_MISMATCH,
// checked by comparing the MD5 of the RSA modulus), an expired certificate,
// a chain that does not reach the "cadeia completa", a certificate not meant
// for client authentication.
//
// [Examine] reads any mix of files (PEM or DER; certificates, chains, CSRs,
// PKCS#8/PKCS#1/SEC 1 keys, encrypted keys, PKCS#12 "PFX" files) and returns
// a [Report]: what each file holds and a list of [Finding]s, each with a
// stable [Code], a message in Portuguese in the seed's terms, and the
// commands (OpenSSL as the seed writes them, and the `brasa cert`
// equivalent) that fix it. [Report.OK] reports whether nothing is wrong.
//
// [ConvertToPEM] is the conversion behind `brasa cert pem`: DER to PEM
// keeping each structure (and PKCS#12 to PEM), PEM passing through.
//
// Parsing, decryption and PKCS#12 are the [pki] package's; certdoctor adds
// only what a diagnosis needs on top: telling apart DER structures, the
// MD5 of the modulus as `openssl x509 -modulus | openssl md5` prints it, and
// the chain walk that says which link is missing.
package certdoctor
