package cms

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// OIDTSAPolicy is the TSA policy seen in real ICP-Brasil tokens.
var OIDTSAPolicy = asn1.ObjectIdentifier{2, 16, 76, 1, 6, 2}

// TSA is an RFC 3161 timestamp authority: it signs TSTInfo structures with a
// key whose certificate has the critical extended key usage timeStamping.
// Tokens are produced in-process (brasa timestamps its own AD-RT signatures);
// there is no network protocol.
type TSA struct {
	Signer      crypto.Signer
	Certificate *x509.Certificate
	// Chain are further certificates embedded in tokens (issuing CA).
	Chain []*x509.Certificate
	// Policy is the TSA policy; nil means OIDTSAPolicy.
	Policy asn1.ObjectIdentifier
	// Clock gives genTime; nil means time.Now.
	Clock func() time.Time
}

// Stamp returns a TimeStampToken (DER ContentInfo of a SignedData over a
// TSTInfo) for the digest of the hashed message, made with h. The serial
// number is 128 random bits; genTime has second precision and accuracy 1 s.
func (t *TSA) Stamp(h crypto.Hash, digest []byte) ([]byte, error) {
	if t == nil || t.Signer == nil || t.Certificate == nil {
		return nil, errors.New("cms: no timestamp authority")
	}
	hashOID, ok := HashOID(h)
	if !ok || len(digest) != h.Size() {
		return nil, fmt.Errorf("cms: timestamp: bad digest for %v", h)
	}
	now := time.Now
	if t.Clock != nil {
		now = t.Clock
	}
	serialBytes := make([]byte, 16)
	if _, err := rand.Read(serialBytes); err != nil {
		return nil, err
	}
	serial := new(big.Int).SetBytes(serialBytes)
	policy := t.Policy
	if policy == nil {
		policy = OIDTSAPolicy
	}
	tst := seq(
		smallInt(1),
		oid(policy),
		seq(seq(oid(hashOID)), octets(digest)),
		integer(serial),
		generalizedTime(now().Truncate(time.Second)),
		seq(smallInt(1)), // accuracy: 1 second
	)
	return Sign(Options{
		Signer:      t.Signer,
		Certificate: t.Certificate,
		Chain:       t.Chain,
		Hash:        crypto.SHA256,
		Content:     tst,
		Attached:    true,
		ContentType: OIDTSTInfo,
	})
}

// Timestamper returns an [Options.Timestamp] function stamping the SHA-256
// of the signature value, as the signatureTimeStampToken attribute requires
// (RFC 5126 §5.11.4).
func (t *TSA) Timestamper() func([]byte) ([]byte, error) {
	return func(sig []byte) ([]byte, error) {
		h := crypto.SHA256.New()
		h.Write(sig)
		return t.Stamp(crypto.SHA256, h.Sum(nil))
	}
}
