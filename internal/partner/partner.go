package partner

import (
	"context"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"

	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
)

// MaxCertificates is how many active certificates a partner may hold at once
// (seed 001: "no máximo, dois certificados").
const MaxCertificates = 2

// ScopeCertificateCreate is the legacy token scope that issues certificates.
const ScopeCertificateCreate = "certificate.create"

// Business categories of the subject DN (seed 001: OPEN_API | FULL_BANK).
const (
	CategoryOpenAPI  = "OPEN_API"
	CategoryFullBank = "FULL_BANK"
)

// Partner is a Bankly partner: a tenant identified by its company key.
type Partner struct {
	CompanyKey       string
	UUID             string // the subject's UID (Partner_UUID)
	CNPJ             string // the subject's serialNumber
	RazaoSocial      string // O
	BusinessCategory string // OPEN_API or FULL_BANK
	State            string // ST
	City             string // L
	ServiceDomain    string // CN: the partner's service domain name
	// AllowedCIDRs are the source addresses the partner's requests may
	// come from (masked CIDRs, sorted, see [NormalizeAllowlist]); empty
	// allows any. Requests from elsewhere are CLIENT_NETWORK_FAILURE.
	AllowedCIDRs []string
	CreatedAt    time.Time
}

// AllowsSource reports whether p's requests may come from addr: its
// allowlist is empty, or addr is in one of its CIDRs. An unknown (zero)
// addr passes only an empty allowlist.
func (p *Partner) AllowsSource(addr netip.Addr) bool {
	if len(p.AllowedCIDRs) == 0 {
		return true
	}
	addr = addr.Unmap()
	for _, c := range p.AllowedCIDRs {
		if pre, err := netip.ParsePrefix(c); err == nil && pre.Contains(addr) {
			return true
		}
	}
	return false
}

// MaxAllowedCIDRs bounds a partner's allowlist.
const MaxAllowedCIDRs = 50

// NormalizeAllowlist parses an allowlist of CIDRs or bare addresses (a /32
// or /128) and returns it masked, sorted and without duplicates. Every entry
// that is neither is named in one violation of property allowed_cidrs.
func NormalizeAllowlist(in []string) ([]string, error) {
	var out []string
	var vs []errs.Violation
	for _, c := range in {
		c = strings.TrimSpace(c)
		pre, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil || a.Zone() != "" {
				vs = append(vs, errs.Violation{Property: "allowed_cidrs", Reason: fmt.Sprintf("%q is neither a CIDR nor an IP address.", c)})
				continue
			}
			a = a.Unmap()
			pre = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, pre.Masked().String())
	}
	if len(in) > MaxAllowedCIDRs {
		vs = append(vs, errs.Violation{Property: "allowed_cidrs", Reason: fmt.Sprintf("At most %d entries.", MaxAllowedCIDRs)})
	}
	if len(vs) > 0 {
		return nil, &errs.Error{Kind: errs.EInvalid, Code: CodeInvalidParameter, Message: vs[0].Reason, Violations: vs}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Status is a partner certificate's state.
type Status string

// The certificate states. Only ACTIVE certificates hold a slot; EXPIRED is
// shown for an active certificate past its NotAfter, and stored when a new
// issuance frees its slot.
const (
	StatusActive  Status = "ACTIVE"
	StatusRevoked Status = "REVOKED"
	StatusExpired Status = "EXPIRED"
)

// Certificate is a partner certificate as brasa keeps it. The private key is
// never part of it.
type Certificate struct {
	UUID       string
	CompanyKey string
	Serial     string // of the pki.CertificateRecord holding the DER
	Slot       int    // 1 or 2 while active
	SubjectDN  string // the seed's "serialNumber = ..., CN = ..." form
	Status     Status
	IssuedAt   time.Time
	NotAfter   time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	RevokedAt  time.Time // zero unless revoked
	DER        []byte    // the certificate, filled by the store from the certificates table
}

// StatusAt returns c's status at now: an active certificate past its
// NotAfter is EXPIRED.
func (c *Certificate) StatusAt(now time.Time) Status {
	if c.Status == StatusActive && !now.Before(c.NotAfter) {
		return StatusExpired
	}
	return c.Status
}

// Store is what the Service reads and writes.
type Store interface {
	CreatePartner(ctx context.Context, p *Partner) error
	Partner(ctx context.Context, companyKey string) (*Partner, error)
	// SetPartnerAllowedCIDRs replaces companyKey's source allowlist with
	// cidrs (already normalized; nil or empty allows any). ENotFound if
	// the partner does not exist.
	SetPartnerAllowedCIDRs(ctx context.Context, companyKey string, cidrs []string) error
	// CreatePartnerCertificate stores rec (the certificates table, which
	// revocation checks read) and c in one transaction, in a free slot
	// (setting c.Slot); active certificates past their NotAfter at now are
	// marked EXPIRED first, freeing their slots. It returns an error with
	// Code CodeMaxCertificates when both slots are taken.
	CreatePartnerCertificate(ctx context.Context, rec *pki.CertificateRecord, c *Certificate, now time.Time) error
	// PartnerCertificates lists companyKey's certificates, oldest first.
	PartnerCertificates(ctx context.Context, companyKey string) ([]Certificate, error)
	// PartnerCertificate returns companyKey's certificate uuid. ENotFound
	// if none.
	PartnerCertificate(ctx context.Context, companyKey, uuid string) (*Certificate, error)
	// RevokePartnerCertificate revokes companyKey's certificate uuid (and
	// its certificates row) at at, freeing its slot, and returns it.
	// Revoking a revoked certificate changes nothing. ENotFound if none.
	RevokePartnerCertificate(ctx context.Context, companyKey, uuid, reason string, at time.Time) (*Certificate, error)

	CreateCredential(ctx context.Context, c *oauth.Credential) error
	Credential(ctx context.Context, clientID string) (*oauth.Credential, error)
	Credentials(ctx context.Context, owner string) ([]oauth.Credential, error)
}

// Object identifiers of the subject attributes the seed names.
var (
	oidSerialNumber     = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidBusinessCategory = asn1.ObjectIdentifier{2, 5, 4, 15}
	oidUID              = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}
	oidCountry          = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrganization     = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidProvince         = asn1.ObjectIdentifier{2, 5, 4, 8}
	oidLocality         = asn1.ObjectIdentifier{2, 5, 4, 7}
	oidOrgUnit          = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidCommonName       = asn1.ObjectIdentifier{2, 5, 4, 3}
)

type attr struct {
	label string
	oid   asn1.ObjectIdentifier
	value string
}

func (p *Partner) attrs() []attr {
	return []attr{
		{"serialNumber", oidSerialNumber, p.CNPJ},
		{"businessCategory", oidBusinessCategory, p.BusinessCategory},
		{"UID", oidUID, p.UUID},
		{"C", oidCountry, "BR"},
		{"O", oidOrganization, p.RazaoSocial},
		{"ST", oidProvince, p.State},
		{"L", oidLocality, p.City},
		{"OU", oidOrgUnit, p.CompanyKey},
		{"CN", oidCommonName, p.ServiceDomain},
	}
}

// Subject returns the certificate subject of p's certificates, its
// attributes in the seed's order: serialNumber (CNPJ), businessCategory,
// UID (partner UUID), C = BR, O (razão social), ST, L, OU (company key: the
// partner identification mTLS routes read), CN (service domain).
func (p *Partner) Subject() pkix.Name {
	var n pkix.Name
	for _, a := range p.attrs() {
		n.ExtraNames = append(n.ExtraNames, pkix.AttributeTypeAndValue{Type: a.oid, Value: a.value})
	}
	return n
}

// SubjectDN returns p's subject in the seed's textual form:
// "serialNumber = …, businessCategory = …, UID = …, C = BR, O = …, ST = …,
// L = …, OU = …, CN = …".
func (p *Partner) SubjectDN() string {
	var parts []string
	for _, a := range p.attrs() {
		parts = append(parts, a.label+" = "+a.value)
	}
	return strings.Join(parts, ", ")
}
