package app

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"fmt"

	"github.com/brasa-dev/brasa/internal/api/pschttp"
	"github.com/brasa-dev/brasa/internal/config"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/pki/cms"
	"github.com/brasa-dev/brasa/internal/psc"
)

// Secret of the PSC service: the key its codes and access tokens are MACed
// with, shared by every instance.
const (
	secretPSCKey = "psc/mac-v1"
	sealADPSCKey = "brasa-psc-mac"
)

// setupPSC builds the PSC cloud signature service (seed 004) and its HTTP
// surface: a.PSC, and the server whose routes New registers. Its timestamp
// authority gets a fresh ECDSA key and certificate from the brasa CA at each
// start (tokens carry their certificate, so instances need not share it).
func (a *App) setupPSC(ctx context.Context, cfg *config.Config) (*pschttp.Server, error) {
	key, err := a.sealedSecret(ctx, secretPSCKey, sealADPSCKey)
	if err != nil {
		return nil, err
	}
	tsaKey, err := pki.GenerateKey(rand.Reader, pki.ECDSAP256)
	if err != nil {
		return nil, err
	}
	tsaCert, err := a.CA.IssueTimestamping(tsaKey.Public(), "AC brasa Carimbo do Tempo", []string{cfg.WebURL + psc.CRLPath}, 0)
	if err != nil {
		return nil, fmt.Errorf("app: psc timestamp authority: %w", err)
	}
	a.PSC, err = psc.New(psc.Deps{
		Store: a.Store, Sealer: a.Sealer, CA: a.CA, Hasher: a.Hasher, Clock: a.Clock, Key: key, WebURL: cfg.WebURL,
		TSA: &cms.TSA{Signer: tsaKey, Certificate: tsaCert, Chain: []*x509.Certificate{a.CA.Intermediate}, Clock: a.Clock.Now},
	})
	if err != nil {
		return nil, err
	}
	return pschttp.New(pschttp.Deps{Log: a.Log, PSC: a.PSC})
}
