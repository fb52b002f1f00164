package app

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki"
)

const sealADPayload = "brasa-payload-rs256"

// sealedPayloadKey is the stored form of the payload signing key and
// certificate.
type sealedPayloadKey struct {
	KeyPEM  []byte `json:"key"`
	CertDER []byte `json:"cert"`
}

// payloadSigner loads the RS256 key and certificate that sign payloads for
// the web host of cfg.WebURL, creating them on first use. They live sealed
// in the database, one pair per web host ("payload/rs256/<host>"), so every
// instance signs with the same key and certificate (the kid and x5t of a
// JWS must match the JWKS whichever instance serves it), and changing the
// web host gets a certificate naming the new one.
func (a *App) payloadSigner(ctx context.Context) (*pki.PayloadSigner, error) {
	u, err := url.Parse(a.Config.WebURL)
	if err != nil {
		return nil, err
	}
	host := u.Hostname()
	name := "payload/rs256/" + host
	blob, err := a.Store.Secret(ctx, name)
	if errs.Is(err, errs.ENotFound) {
		key, cert, err := a.CA.IssuePayloadSigning([]string{host}, 0)
		if err != nil {
			return nil, err
		}
		keyPEM, err := pki.MarshalPrivateKeyPEM(key)
		if err != nil {
			return nil, err
		}
		plain, err := json.Marshal(sealedPayloadKey{KeyPEM: keyPEM, CertDER: cert.Raw})
		if err != nil {
			return nil, err
		}
		sealed, err := a.Sealer.Seal(plain, []byte(sealADPayload))
		if err != nil {
			return nil, err
		}
		if blob, err = a.Store.PutSecretIfAbsent(ctx, name, sealed); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	plain, err := a.Sealer.Open(blob, []byte(sealADPayload))
	if err != nil {
		return nil, fmt.Errorf("app: opening the payload signing key: %w", err)
	}
	var sk sealedPayloadKey
	if err := json.Unmarshal(plain, &sk); err != nil {
		return nil, err
	}
	key, err := pki.ParsePrivateKeyPEM(sk.KeyPEM)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(sk.CertDER)
	if err != nil {
		return nil, err
	}
	return pki.NewPayloadSigner(key, []*x509.Certificate{cert, a.CA.Intermediate}, a.Config.WebURL+"/jwks.json")
}
