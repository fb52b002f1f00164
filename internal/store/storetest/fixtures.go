package storetest

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/store"
)

// T0 is the fixtures' creation time. It has nanoseconds and a zone other than
// UTC, so round trips show the store's normalization to UTC microseconds.
var T0 = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("BRT", -3*60*60))

// At returns T0 plus d.
func At(d time.Duration) time.Time { return T0.Add(d) }

// Stored returns t as a store gives it back: UTC, truncated to the
// microsecond; the zero time stays zero.
func Stored(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// CPF returns a valid CPF whose first nine digits are n (zero-padded).
func CPF(n int) string {
	s := fmt.Sprintf("%09d", n%1_000_000_000)
	for k := 9; k <= 10; k++ {
		sum := 0
		for i := 0; i < k; i++ {
			sum += int(s[i]-'0') * (k + 1 - i)
		}
		s += fmt.Sprint(sum * 10 % 11 % 10)
	}
	return s
}

// NewRecebedor returns a recebedor with every field set, created at T0.
func NewRecebedor(documento string) *pix.Recebedor {
	return &pix.Recebedor{
		Documento:    documento,
		Nome:         "Padaria São João Ltda " + documento,
		NomeFantasia: "Pão & Cia",
		Logradouro:   "Rua das Acácias, 123 – fundos",
		Cidade:       "Brasília",
		UF:           "DF",
		CEP:          "70040-010",
		Cooperativa:  "0116",
		Conta:        "471406",
		CreatedAt:    T0,
	}
}

// NewChave returns documento's e-mail key name@example.com, created at T0.
func NewChave(name, documento string) *pix.Chave {
	return &pix.Chave{Chave: name + "@example.com", Tipo: pix.ChaveEmail, Documento: documento, CreatedAt: T0}
}

// NewCredential returns an active Pix credential of owner with every field
// set (lists sorted), created at T0.
func NewCredential(clientID, owner string) *oauth.Credential {
	h := sha256.Sum256([]byte("secret of " + clientID))
	thumbs := []string{Thumbprint(clientID + "/1"), Thumbprint(clientID + "/2")}
	slices.Sort(thumbs)
	return &oauth.Credential{
		ClientID:     clientID,
		SecretHash:   h[:],
		Kind:         oauth.KindPix,
		Owner:        owner,
		Scopes:       []string{"cob.read", "cob.write", "pix.read"},
		Thumbprints:  thumbs,
		AllowedCIDRs: []string{"10.0.0.0/8", "2001:db8::/32"},
		Status:       oauth.CredentialActive,
		CreatedAt:    T0,
	}
}

// Thumbprint returns a well-formed x5t#S256 thumbprint derived from seed.
func Thumbprint(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// NewCertificate returns an active client certificate record of owner with
// every field but the revocation set, its thumbprint derived from serial,
// created at T0.
func NewCertificate(serial, owner string) *pki.CertificateRecord {
	return &pki.CertificateRecord{
		Serial:     serial,
		Thumbprint: Thumbprint("cert " + serial),
		Type:       pki.CertClient,
		Owner:      owner,
		Subject:    "CN=" + owner + ",O=Padaria São João,C=BR",
		NotBefore:  At(-time.Hour),
		NotAfter:   At(365 * 24 * time.Hour),
		Status:     pki.CertActive,
		DER:        []byte{0x30, 0x82, 0x00, 0x00, 0xff, 0x00, byte(len(serial))},
		CreatedAt:  T0,
	}
}

// WantRecebedor returns r as the store gives it back.
func WantRecebedor(r *pix.Recebedor) *pix.Recebedor {
	c := *r
	c.CreatedAt = Stored(c.CreatedAt)
	return &c
}

// WantChave returns c as the store gives it back.
func WantChave(c *pix.Chave) *pix.Chave {
	w := *c
	w.CreatedAt = Stored(w.CreatedAt)
	return &w
}

// WantCredential returns c as the store gives it back (c's lists must already
// be sorted and without duplicates; empty lists come back nil).
func WantCredential(c *oauth.Credential) *oauth.Credential {
	w := *c
	w.SecretHash = nilIfEmpty(w.SecretHash)
	w.Scopes = nilIfEmpty(w.Scopes)
	w.Thumbprints = nilIfEmpty(w.Thumbprints)
	w.AllowedCIDRs = nilIfEmpty(w.AllowedCIDRs)
	w.CreatedAt = Stored(w.CreatedAt)
	w.RevokedAt = Stored(w.RevokedAt)
	return &w
}

// WantCertificate returns c as the store gives it back.
func WantCertificate(c *pki.CertificateRecord) *pki.CertificateRecord {
	w := *c
	w.DER = nilIfEmpty(w.DER)
	w.NotBefore = Stored(w.NotBefore)
	w.NotAfter = Stored(w.NotAfter)
	w.RevokedAt = Stored(w.RevokedAt)
	w.CreatedAt = Stored(w.CreatedAt)
	return &w
}

func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

// MustCreateRecebedor stores r or fails tb.
func MustCreateRecebedor(tb testing.TB, s store.Store, r *pix.Recebedor) *pix.Recebedor {
	tb.Helper()
	if err := s.CreateRecebedor(tb.Context(), r); err != nil {
		tb.Fatalf("CreateRecebedor(%s): %v", r.Documento, err)
	}
	return r
}

// MustCreateChave stores c or fails tb.
func MustCreateChave(tb testing.TB, s store.Store, c *pix.Chave) *pix.Chave {
	tb.Helper()
	if err := s.CreateChave(tb.Context(), c); err != nil {
		tb.Fatalf("CreateChave(%s): %v", c.Chave, err)
	}
	return c
}

// MustCreateCredential stores c or fails tb.
func MustCreateCredential(tb testing.TB, s store.Store, c *oauth.Credential) *oauth.Credential {
	tb.Helper()
	if err := s.CreateCredential(tb.Context(), c); err != nil {
		tb.Fatalf("CreateCredential(%s): %v", c.ClientID, err)
	}
	return c
}

// MustCreateCertificate stores c or fails tb.
func MustCreateCertificate(tb testing.TB, s store.Store, c *pki.CertificateRecord) *pki.CertificateRecord {
	tb.Helper()
	if err := s.CreateCertificate(tb.Context(), c); err != nil {
		tb.Fatalf("CreateCertificate(%s): %v", c.Serial, err)
	}
	return c
}
