package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/partner"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/store"
)

func init() {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s partner.Store)
	}{
		{"Partner/RoundTripConflictNotFound", testPartnerRoundTrip},
		{"Partner/AllowedCIDRsSetClearNotFound", testPartnerAllowedCIDRs},
		{"PartnerCertificate/TwoSlotsThirdRefusedRevokeFrees", testPartnerCertSlots},
		{"PartnerCertificate/ExpiredFreesSlot", testPartnerCertExpired},
		{"PartnerCertificate/ConcurrentIssuesKeepTwo", testPartnerCertConcurrent},
		{"PartnerCertificate/ErrNotFoundWithoutPartner", testPartnerCertNoPartner},
	} {
		cobTests = append(cobTests, struct {
			name string
			run  func(t *testing.T, s store.Store)
		}{tc.name, func(t *testing.T, s store.Store) {
			ps, ok := s.(partner.Store)
			if !ok {
				t.Skip("store does not implement partner.Store")
			}
			tc.run(t, ps)
		}})
	}
}

// NewPartner returns a partner with every field set, created at T0.
func NewPartner(companyKey string) *partner.Partner {
	return &partner.Partner{CompanyKey: companyKey, UUID: "uuid-" + companyKey, CNPJ: "12345678000195", RazaoSocial: "EMPRESA LTDA",
		BusinessCategory: partner.CategoryOpenAPI, State: "SP", City: "São Paulo", ServiceDomain: companyKey + ".example", CreatedAt: T0}
}

// newPartnerCert returns a certificate record and partner certificate of
// companyKey valid until notAfter.
func newPartnerCert(companyKey, serial string, notAfter time.Time) (*pki.CertificateRecord, *partner.Certificate) {
	rec := NewCertificate(serial, companyKey)
	rec.Type, rec.NotAfter = pki.CertPartner, notAfter
	return rec, &partner.Certificate{UUID: "u-" + serial, CompanyKey: companyKey, Serial: serial, SubjectDN: "OU = " + companyKey,
		Status: partner.StatusActive, IssuedAt: rec.NotBefore, NotAfter: notAfter, CreatedAt: T0, UpdatedAt: T0}
}

func testPartnerRoundTrip(t *testing.T, s partner.Store) {
	ctx := t.Context()
	p := NewPartner("acme")
	wantOK(t, "CreatePartner", s.CreatePartner(ctx, p))
	wantKind(t, "CreatePartner again", s.CreatePartner(ctx, NewPartner("acme")), errs.EConflict)
	got, err := s.Partner(ctx, "acme")
	wantOK(t, "Partner", err)
	want := *p
	want.CreatedAt = Stored(T0)
	if d := Diff(got, &want); d != "" {
		t.Errorf("Partner: %s", d)
	}
	_, err = s.Partner(ctx, "nobody")
	wantKind(t, "Partner unknown", err, errs.ENotFound)
}

func testPartnerAllowedCIDRs(t *testing.T, s partner.Store) {
	ctx := t.Context()
	p := NewPartner("listed")
	p.AllowedCIDRs = []string{"10.0.0.0/8"}
	wantOK(t, "CreatePartner", s.CreatePartner(ctx, p))
	got, err := s.Partner(ctx, "listed")
	wantOK(t, "Partner", err)
	if d := Diff(got.AllowedCIDRs, []string{"10.0.0.0/8"}); d != "" {
		t.Errorf("created allowlist: %s", d)
	}
	want := []string{"192.0.2.7/32", "2001:db8::/32"}
	wantOK(t, "SetPartnerAllowedCIDRs", s.SetPartnerAllowedCIDRs(ctx, "listed", want))
	got, err = s.Partner(ctx, "listed")
	wantOK(t, "Partner", err)
	if d := Diff(got.AllowedCIDRs, want); d != "" {
		t.Errorf("allowlist: %s", d)
	}
	wantOK(t, "SetPartnerAllowedCIDRs empty", s.SetPartnerAllowedCIDRs(ctx, "listed", nil))
	got, err = s.Partner(ctx, "listed")
	wantOK(t, "Partner", err)
	if len(got.AllowedCIDRs) != 0 {
		t.Errorf("cleared allowlist = %q, want empty", got.AllowedCIDRs)
	}
	wantKind(t, "SetPartnerAllowedCIDRs unknown", s.SetPartnerAllowedCIDRs(ctx, "nobody", want), errs.ENotFound)
}

func testPartnerCertSlots(t *testing.T, s partner.Store) {
	ctx := t.Context()
	wantOK(t, "CreatePartner", s.CreatePartner(ctx, NewPartner("acme")))
	var certs []*partner.Certificate
	for i := range 2 {
		rec, c := newPartnerCert("acme", fmt.Sprintf("a%d", i), At(24*time.Hour))
		wantOK(t, "CreatePartnerCertificate", s.CreatePartnerCertificate(ctx, rec, c, T0))
		if c.Slot != i+1 {
			t.Errorf("certificate %d got slot %d", i, c.Slot)
		}
		certs = append(certs, c)
	}
	rec, c := newPartnerCert("acme", "a2", At(24*time.Hour))
	err := s.CreatePartnerCertificate(ctx, rec, c, T0)
	if e := errs.As(err); e == nil || e.Code != partner.CodeMaxCertificates {
		t.Fatalf("third certificate: err = %v, want code %s", err, partner.CodeMaxCertificates)
	}
	if _, err := s.(store.Store).CertificateBySerial(ctx, "a2"); !errs.Is(err, errs.ENotFound) {
		t.Errorf("the refused certificate's record was kept: %v", err)
	}
	got, err := s.RevokePartnerCertificate(ctx, "acme", certs[0].UUID, "test", At(time.Minute))
	wantOK(t, "RevokePartnerCertificate", err)
	if got.Status != partner.StatusRevoked || !got.RevokedAt.Equal(Stored(At(time.Minute))) || len(got.DER) == 0 {
		t.Errorf("revoked: %+v", got)
	}
	crec, err := s.(store.Store).CertificateBySerial(ctx, "a0")
	wantOK(t, "CertificateBySerial", err)
	if crec.Status != pki.CertRevoked {
		t.Errorf("the certificates row was not revoked: %+v", crec)
	}
	_, err = s.RevokePartnerCertificate(ctx, "acme", certs[0].UUID, "again", At(time.Hour))
	wantOK(t, "RevokePartnerCertificate again", err)
	_, err = s.RevokePartnerCertificate(ctx, "other", certs[1].UUID, "x", T0)
	wantKind(t, "RevokePartnerCertificate of another partner", err, errs.ENotFound)
	rec, c = newPartnerCert("acme", "a3", At(24*time.Hour))
	wantOK(t, "CreatePartnerCertificate after a revocation", s.CreatePartnerCertificate(ctx, rec, c, T0))
	if c.Slot != 1 {
		t.Errorf("the freed slot 1 was not reused: slot %d", c.Slot)
	}
	list, err := s.PartnerCertificates(ctx, "acme")
	wantOK(t, "PartnerCertificates", err)
	if len(list) != 3 || list[0].Status != partner.StatusRevoked || list[2].UUID != c.UUID {
		t.Errorf("list: %+v", list)
	}
	one, err := s.PartnerCertificate(ctx, "acme", c.UUID)
	wantOK(t, "PartnerCertificate", err)
	if one.Serial != "a3" || one.SubjectDN != "OU = acme" {
		t.Errorf("PartnerCertificate: %+v", one)
	}
	_, err = s.PartnerCertificate(ctx, "acme", "nope")
	wantKind(t, "PartnerCertificate unknown", err, errs.ENotFound)
}

func testPartnerCertExpired(t *testing.T, s partner.Store) {
	ctx := t.Context()
	wantOK(t, "CreatePartner", s.CreatePartner(ctx, NewPartner("acme")))
	for i := range 2 {
		rec, c := newPartnerCert("acme", fmt.Sprintf("e%d", i), At(time.Hour))
		wantOK(t, "CreatePartnerCertificate", s.CreatePartnerCertificate(ctx, rec, c, T0))
	}
	rec, c := newPartnerCert("acme", "e2", At(48*time.Hour))
	wantOK(t, "CreatePartnerCertificate once the others expired", s.CreatePartnerCertificate(ctx, rec, c, At(2*time.Hour)))
	list, err := s.PartnerCertificates(ctx, "acme")
	wantOK(t, "PartnerCertificates", err)
	if len(list) != 3 || list[0].Status != partner.StatusExpired || list[1].Status != partner.StatusExpired || list[2].Status != partner.StatusActive {
		t.Errorf("list: %+v", list)
	}
}

func testPartnerCertConcurrent(t *testing.T, s partner.Store) {
	ctx := t.Context()
	wantOK(t, "CreatePartner", s.CreatePartner(ctx, NewPartner("acme")))
	const n = 8
	errList := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, c := newPartnerCert("acme", fmt.Sprintf("c%d", i), At(24*time.Hour))
			errList[i] = s.CreatePartnerCertificate(ctx, rec, c, T0)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errList {
		if err == nil {
			ok++
		} else if e := errs.As(err); e == nil || e.Code != partner.CodeMaxCertificates {
			t.Errorf("a concurrent issuance failed otherwise: %v", err)
		}
	}
	if ok != 2 {
		t.Errorf("%d concurrent issuances: %d stored, want 2", n, ok)
	}
}

func testPartnerCertNoPartner(t *testing.T, s partner.Store) {
	rec, c := newPartnerCert("ghost", "g1", At(time.Hour))
	wantKind(t, "CreatePartnerCertificate", s.CreatePartnerCertificate(t.Context(), rec, c, T0), errs.ENotFound)
}
