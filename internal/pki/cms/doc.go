// Package cms builds the signatures of brasa's PSC (cloud signature) service:
// CMS SignedData (RFC 5652), detached or attached, with the CAdES-BES
// attributes (RFC 5035 signingCertificateV2) and the ICP-Brasil signature
// policies AD-RB and AD-RT (DOC-ICP-15.03), RFC 3161 timestamp tokens from a
// timestamp authority of brasa's own, and PAdES signatures written as an
// incremental update of a PDF.
//
// The ASN.1 is written by hand with a few DER builders: the signed attributes
// must be encoded exactly once, sorted as a DER SET OF, and both the plain
// CMS profile of the PSC standard (with signingTime) and PAdES (without) need
// control over which attributes appear.
package cms
