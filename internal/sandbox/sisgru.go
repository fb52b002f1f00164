package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/sisgru"
)

// The SISGRU demo tenant: a SIAFI user and an external system that may read
// two UGs of the notes (IFC Concórdia and UFRGS), which get demo GRUs and
// pagamentos.
const (
	SISGRUDemoCPF    = "52998224725" // a valid CPF, the usual test one
	SISGRUDemoIssuer = "brasa-sandbox"
	FileSISGRUKey    = "sisgru-jwt.key"
	FileSISGRUCert   = "sisgru-jwt.pem"
	// sisgruDemoRecords is how many demo GRUs the sandbox creates.
	sisgruDemoRecords = 500
)

// SISGRUDemoUGs are the UGs of the demo user and system.
var SISGRUDemoUGs = []string{"153114", "158461"}

// SandboxSISGRU is the sisgru block of sandbox.json (DESIGN.md): the demo
// SIAFI user's CPF and password (Basic), and the demo external system's
// issuer and RSA private key file (sign an RS256 JWT with {"iss": issuer}).
// UGs and CertFile are extras: the UGs both may read and the certificate
// registered for the system.
type SandboxSISGRU struct {
	SIAFIUser     string   `json:"siafi_user"`
	SIAFIPassword string   `json:"siafi_password"`
	JWTIssuer     string   `json:"jwt_issuer"`
	JWTKeyFile    string   `json:"jwt_key_file"`
	JWTCertFile   string   `json:"jwt_cert_file"`
	UGs           []string `json:"ugs"`
}

// SISGRUDeps are what [EnsureSISGRU] needs.
type SISGRUDeps struct {
	Store sisgru.Store
	CA    *pki.CA
	Clock clock.Clock
	Dir   string // absolute data directory
}

// EnsureSISGRU makes sure the SISGRU demo tenant works and returns its
// sandbox.json block: prev (the block of an existing sandbox.json) when its
// user, password, system and key file still match the database, otherwise a
// new password and a new key and certificate (issued by the sandbox CA, so
// not self-signed, RSA 2048, as the seed demands). The demo UGs get demo
// GRUs and pagamentos when they have none.
func EnsureSISGRU(ctx context.Context, d SISGRUDeps, prev json.RawMessage) (json.RawMessage, error) {
	var sb SandboxSISGRU
	if len(prev) == 0 || json.Unmarshal(prev, &sb) != nil || !sisgruUsable(ctx, d, &sb) {
		var err error
		if sb, err = createSISGRUTenant(ctx, d); err != nil {
			return nil, err
		}
	}
	if err := seedSISGRUDemo(ctx, d); err != nil {
		return nil, err
	}
	return json.Marshal(sb)
}

// sisgruUsable reports whether sb still matches the database and the files.
func sisgruUsable(ctx context.Context, d SISGRUDeps, sb *SandboxSISGRU) bool {
	u, err := d.Store.SIAFIUser(ctx, sb.SIAFIUser)
	if err != nil || u.Status != sisgru.UserActive || !sisgru.CheckPassword(u.PasswordHash, sb.SIAFIPassword) {
		return false
	}
	sys, err := d.Store.ExternalSystem(ctx, sb.JWTIssuer)
	if err != nil || sys.Status != sisgru.SystemActive {
		return false
	}
	cert, err := sisgru.CheckCertificate(sys.Certificate, d.Clock.Now().Add(30*24*time.Hour))
	if err != nil {
		return false
	}
	keyPEM, err := os.ReadFile(sb.JWTKeyFile)
	if err != nil {
		return false
	}
	key, err := pki.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		return false
	}
	pub, ok := key.Public().(*rsa.PublicKey)
	return ok && pub.Equal(cert.PublicKey)
}

// createSISGRUTenant creates (or resets) the demo user and system.
func createSISGRUTenant(ctx context.Context, d SISGRUDeps) (SandboxSISGRU, error) {
	now := d.Clock.Now()
	sb := SandboxSISGRU{SIAFIUser: SISGRUDemoCPF, SIAFIPassword: randomToken(12), JWTIssuer: SISGRUDemoIssuer,
		JWTKeyFile: filepath.Join(d.Dir, FileSISGRUKey), JWTCertFile: filepath.Join(d.Dir, FileSISGRUCert), UGs: SISGRUDemoUGs}

	hash, err := sisgru.HashPassword(sb.SIAFIPassword)
	if err != nil {
		return sb, err
	}
	u := &sisgru.User{CPF: sb.SIAFIUser, Nome: "USUARIO SIAFI DE DEMONSTRACAO", PasswordHash: hash, UGs: SISGRUDemoUGs,
		Status: sisgru.UserActive, CreatedAt: now, UpdatedAt: now}
	err = d.Store.CreateSIAFIUser(ctx, u)
	if errs.Is(err, errs.EConflict) {
		err = d.Store.UpdateSIAFIUser(ctx, u)
	}
	if err != nil {
		return sb, err
	}

	key, err := pki.GenerateKey(rand.Reader, pki.RSA2048)
	if err != nil {
		return sb, err
	}
	cert, err := d.CA.IssueClient(pki.ClientRequest{
		Subject:   pkix.Name{Country: []string{"BR"}, Organization: []string{"Sistema Externo de Demonstracao"}, CommonName: SISGRUDemoIssuer},
		PublicKey: key.Public(), Validity: 2 * 365 * 24 * time.Hour,
	})
	if err != nil {
		return sb, err
	}
	certPEM := pki.EncodeCertificatesPEM(cert)
	if _, err := sisgru.CheckCertificate(certPEM, now); err != nil {
		return sb, err
	}
	sys := &sisgru.System{Issuer: sb.JWTIssuer, Nome: "Sistema Externo de Demonstração", Certificate: certPEM, UGs: SISGRUDemoUGs,
		Status: sisgru.SystemActive, CreatedAt: now, UpdatedAt: now}
	err = d.Store.CreateExternalSystem(ctx, sys)
	if errs.Is(err, errs.EConflict) {
		err = d.Store.UpdateExternalSystem(ctx, sys)
	}
	if err != nil {
		return sb, err
	}
	keyPEM, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		return sb, err
	}
	if err := writeFile(sb.JWTKeyFile, keyPEM, 0o600); err != nil {
		return sb, err
	}
	return sb, writeFile(sb.JWTCertFile, certPEM, 0o644)
}

// seedSISGRUDemo gives the demo UGs GRUs and pagamentos over the last 30
// days when the first has none.
func seedSISGRUDemo(ctx context.Context, d SISGRUDeps) error {
	f := sisgru.GRUs.LeafByPath("ugArrecadadora")
	ug := sisgru.Value{S: SISGRUDemoUGs[0]}
	n, err := d.Store.CountGRUs(ctx, &sisgru.Query{Conds: []sisgru.Cond{{Leaf: f.Index, Kind: f.Kind, Lo: ug, Hi: ug}}})
	if err != nil || n > 0 {
		return err
	}
	now := d.Clock.Now()
	var seed [8]byte
	_, _ = rand.Read(seed[:])
	s := uint64(0)
	for _, b := range seed {
		s = s<<8 | uint64(b)
	}
	to := sisgru.DateOf(now)
	grus, pags := sisgru.NewGenerator(s, SISGRUDemoUGs, to.AddDays(-29), to, now).Batch(sisgruDemoRecords)
	return d.Store.InsertGRUs(ctx, grus, pags)
}
