// Package sandbox turns brasa into a local sandbox: it creates the demo
// tenant and its files on first start, writes DIR/sandbox.json (the contract
// integrators and tests read, DESIGN.md "The sandbox contract"), and, in later
// files, hosts the payer simulator and the control API.
package sandbox

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/pixapi"
)

// Store is what the bootstrap reads and writes.
type Store interface {
	CreateRecebedor(ctx context.Context, r *pix.Recebedor) error
	CreateChave(ctx context.Context, c *pix.Chave) error
	Chaves(ctx context.Context, documento string) ([]pix.Chave, error)
	CreateCredential(ctx context.Context, c *oauth.Credential) error
	Credential(ctx context.Context, clientID string) (*oauth.Credential, error)
	CreateCertificate(ctx context.Context, c *pki.CertificateRecord) error
}

// The demo Pix tenant: Sicredi's example CNPJ, cooperative and account
// (seed 000 Anexo I and II).
var DemoRecebedor = pix.Recebedor{
	Documento:    "12345678000195",
	Nome:         "EMPRESA DEMONSTRACAO LTDA",
	NomeFantasia: "Empresa Demo",
	Logradouro:   "Rua da Praia, 100",
	Cidade:       "PORTO ALEGRE",
	UF:           "RS",
	CEP:          "90010000",
	Cooperativa:  "0116",
	Conta:        "471406",
}

// File names under the data directory.
const (
	FileJSON       = "sandbox.json"
	FileCA         = "ca.pem"    // the root CA certificate: the trust anchor
	FileChain      = "chain.pem" // issuing CA + root ("cadeia completa")
	FileServerCert = "server.pem"
	FileServerKey  = "server.key"
	FilePixCert    = "pix-client.pem"
	FilePixKey     = "pix-client.key"
	FilePixPFX     = "pix-client.pfx"
)

// Deps are what [Ensure] needs.
type Deps struct {
	Store  Store
	CA     *pki.CA
	Hasher *oauth.Hasher
	Clock  clock.Clock
	Dir    string // absolute data directory
	APIURL string
	WebURL string
	// AdminToken is the control API's bearer token (see [AdminToken]).
	AdminToken string
	// SISGRU, when set, makes sure the SISGRU demo tenant works and returns
	// the sisgru block, given the previous one (see [EnsureSISGRU]).
	SISGRU func(ctx context.Context, prev json.RawMessage) (json.RawMessage, error)
	// PSC, when set, makes sure the PSC demo tenant works and returns the
	// psc block, given the previous one (see [EnsurePSC]).
	PSC func(ctx context.Context, prev json.RawMessage) (json.RawMessage, error)
	// Bankly, when set, makes sure the Bankly demo partner works and
	// returns the bankly block, given the previous one (see [EnsureBankly]).
	Bankly func(ctx context.Context, prev json.RawMessage) (json.RawMessage, error)
	// Banking, when set, makes sure the Banking API demo credential works
	// and returns the banking block, given the previous one (see
	// [EnsureBanking]).
	Banking func(ctx context.Context, prev json.RawMessage) (json.RawMessage, error)
}

// Ensure makes sure the data directory holds a working demo tenant and an
// up-to-date sandbox.json, creating what is missing: on first start
// everything, on later starts nothing but the listener URLs (so the same
// sandbox.json keeps working across restarts). It returns the file's content.
func Ensure(ctx context.Context, d Deps) (*pixapi.Sandbox, error) {
	path := filepath.Join(d.Dir, FileJSON)
	if err := writeFile(filepath.Join(d.Dir, FileCA), pki.EncodeCertificatesPEM(d.CA.Root), 0o644); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(d.Dir, FileChain), d.CA.ChainPEM(), 0o644); err != nil {
		return nil, err
	}
	sb, err := pixapi.LoadSandbox(path)
	if err != nil || !usable(ctx, d, sb) {
		sb = &pixapi.Sandbox{}
		if sb.Pix, err = createPixTenant(ctx, d); err != nil {
			return nil, err
		}
	}
	sb.APIURL, sb.WebURL, sb.AdminToken = d.APIURL, d.WebURL, d.AdminToken
	if d.SISGRU != nil {
		if sb.SISGRU, err = d.SISGRU(ctx, sb.SISGRU); err != nil {
			return nil, err
		}
	}
	if d.PSC != nil {
		if sb.PSC, err = d.PSC(ctx, sb.PSC); err != nil {
			return nil, err
		}
	}
	if d.Bankly != nil {
		if sb.Bankly, err = d.Bankly(ctx, sb.Bankly); err != nil {
			return nil, err
		}
	}
	if d.Banking != nil {
		if sb.Banking, err = d.Banking(ctx, sb.Banking); err != nil {
			return nil, err
		}
	}
	sb.CAFile = filepath.Join(d.Dir, FileCA)
	b, err := json.MarshalIndent(sb, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFile(path, append(b, '\n'), 0o600); err != nil {
		return nil, err
	}
	return sb, nil
}

// usable reports whether an existing sandbox.json still matches the database
// and the files on disk.
func usable(ctx context.Context, d Deps, sb *pixapi.Sandbox) bool {
	c, err := d.Store.Credential(ctx, sb.Pix.ClientID)
	if err != nil || !c.Active() || !d.Hasher.Equal(sb.Pix.ClientSecret, c.SecretHash) {
		return false
	}
	certPEM, err := os.ReadFile(sb.Pix.CertFile)
	if err != nil {
		return false
	}
	certs, err := pki.ParseCertificates(certPEM)
	if err != nil || len(certs) == 0 || !c.BoundTo(pki.Thumbprint(certs[0])) {
		return false
	}
	if _, err := x509Verify(d.CA, certs[0], d.Clock.Now()); err != nil {
		return false
	}
	_, err = os.Stat(sb.Pix.KeyFile)
	return err == nil
}

func x509Verify(ca *pki.CA, leaf *x509.Certificate, now time.Time) ([][]*x509.Certificate, error) {
	return leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), Intermediates: ca.Intermediates(), CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
}

var oidJurisdictionCountry = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3}

// createPixTenant creates (or completes) the demo recebedor with its chaves,
// issues an RSA-2048 client certificate with the subject layout of seed 000
// Anexo IV, writes it as PEM and PKCS#12, and creates a credential bound to
// it with every Pix scope.
func createPixTenant(ctx context.Context, d Deps) (pixapi.SandboxPix, error) {
	var out pixapi.SandboxPix
	now := d.Clock.Now()
	r := DemoRecebedor
	r.CreatedAt = now
	if err := d.Store.CreateRecebedor(ctx, &r); err != nil && !errs.Is(err, errs.EConflict) {
		return out, err
	}
	chaves, err := d.Store.Chaves(ctx, r.Documento)
	if err != nil {
		return out, err
	}
	var evp string
	for _, c := range chaves {
		if c.Tipo == pix.ChaveEVP {
			evp = c.Chave
		}
	}
	if evp == "" {
		evp = newEVP()
		for _, c := range []pix.Chave{
			{Chave: evp, Tipo: pix.ChaveEVP},
			{Chave: r.Documento, Tipo: pix.ChaveCNPJ},
			{Chave: "pix@empresa-demo.com.br", Tipo: pix.ChaveEmail},
			{Chave: "+5551999990000", Tipo: pix.ChaveTelefone},
		} {
			c.Documento, c.CreatedAt = r.Documento, now
			if err := d.Store.CreateChave(ctx, &c); err != nil && !errs.Is(err, errs.EConflict) {
				return out, err
			}
		}
	}

	key, err := pki.GenerateKey(rand.Reader, pki.RSA2048)
	if err != nil {
		return out, err
	}
	subject := pkix.Name{
		Country:            []string{"BR"},
		Organization:       []string{r.Nome},
		OrganizationalUnit: []string{"API Pix"},
		Province:           []string{r.UF},
		Locality:           []string{"Porto Alegre"},
		CommonName:         "api-parceiros-empresademo.brasa.local",
		SerialNumber:       "urn:cpfcnpj:" + r.Documento,
		ExtraNames:         []pkix.AttributeTypeAndValue{{Type: oidJurisdictionCountry, Value: "BR"}},
	}
	cert, err := d.CA.IssueClient(pki.ClientRequest{Subject: subject, PublicKey: key.Public(), Validity: 2 * 365 * 24 * time.Hour})
	if err != nil {
		return out, err
	}
	if err := d.Store.CreateCertificate(ctx, pki.NewCertificateRecord(cert, pki.CertClient, r.Documento, now)); err != nil {
		return out, err
	}
	keyPEM, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		return out, err
	}
	pfxPassword := randomToken(12)
	pfx, err := pki.EncodePKCS12(key, cert, d.CA.Chain(), pfxPassword)
	if err != nil {
		return out, err
	}
	out.CertFile = filepath.Join(d.Dir, FilePixCert)
	out.KeyFile = filepath.Join(d.Dir, FilePixKey)
	out.PFXFile = filepath.Join(d.Dir, FilePixPFX)
	for _, f := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{{out.CertFile, pki.EncodeCertificatesPEM(cert), 0o644}, {out.KeyFile, keyPEM, 0o600}, {out.PFXFile, pfx, 0o600}} {
		if err := writeFile(f.path, f.data, f.mode); err != nil {
			return out, err
		}
	}

	secret := oauth.NewSecret()
	cred := &oauth.Credential{
		ClientID:    oauth.NewClientID(),
		SecretHash:  d.Hasher.Hash(secret),
		Kind:        oauth.KindPix,
		Owner:       r.Documento,
		Scopes:      slices.Sorted(slices.Values(oauth.PixScopes)),
		Thumbprints: []string{pki.Thumbprint(cert)},
		Status:      oauth.CredentialActive,
		CreatedAt:   now,
	}
	if err := d.Store.CreateCredential(ctx, cred); err != nil {
		return out, err
	}
	out.ClientID, out.ClientSecret, out.PFXPassword = cred.ClientID, secret, pfxPassword
	out.Chave, out.CNPJ, out.Cooperativa, out.Conta = evp, r.Documento, r.Cooperativa, r.Conta
	out.Scopes = slices.Clone(oauth.PixScopes)
	return out, nil
}

// ServerCertificate returns the listeners' certificate, stored in the data
// directory: reused while it is valid for another 30 days, covers hosts and
// chains to ca; issued anew otherwise.
func ServerCertificate(dir string, ca *pki.CA, hosts []string, now time.Time) (tls.Certificate, error) {
	certFile, keyFile := filepath.Join(dir, FileServerCert), filepath.Join(dir, FileServerKey)
	if c, err := tls.LoadX509KeyPair(certFile, keyFile); err == nil && c.Leaf != nil &&
		now.Add(30*24*time.Hour).Before(c.Leaf.NotAfter) && coversAll(c.Leaf, hosts) {
		if _, err := c.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), Intermediates: ca.Intermediates(), CurrentTime: now}); err == nil {
			return c, nil
		}
	}
	c, err := ca.IssueServer(hosts, 0)
	if err != nil {
		return c, err
	}
	var chain []*x509.Certificate
	for _, der := range c.Certificate {
		x, err := x509.ParseCertificate(der)
		if err != nil {
			return c, err
		}
		chain = append(chain, x)
	}
	signer, ok := c.PrivateKey.(crypto.Signer)
	if !ok {
		return c, errors.New("sandbox: server key is not a crypto.Signer")
	}
	keyPEM, err := pki.MarshalPrivateKeyPEM(signer)
	if err != nil {
		return c, err
	}
	if err := writeFile(certFile, pki.EncodeCertificatesPEM(chain...), 0o644); err != nil {
		return c, err
	}
	return c, writeFile(keyFile, keyPEM, 0o600)
}

func coversAll(leaf *x509.Certificate, hosts []string) bool {
	for _, h := range hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

// AdminToken derives the sandbox control API's bearer token from the
// server's pepper: stable across restarts without storing it, and new after
// --reset.
func AdminToken(pepper []byte) string {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte("brasa sandbox admin token v1"))
	return "sbx_" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// writeFile writes data to path atomically (temporary file, fsync, rename),
// so a crash never leaves a half-written file behind.
func writeFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		tmp.Close()
		return fmt.Errorf("sandbox: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func newEVP() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
