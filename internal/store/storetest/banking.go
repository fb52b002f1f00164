package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/store"
)

func init() {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s banking.Store)
	}{
		{"BankingAccount/RoundTripConflictNotFound", testBankingAccount},
		{"BindBankingCertificate/AtMostTwoActive", testBindBankingMax},
		{"BindBankingCertificate/ConcurrentBindsKeepTwo", testBindBankingConcurrent},
		{"SetAllowedCIDRs/ReplacesSortedAndErrNotFound", testSetAllowedCIDRs},
		{"BankingAccountsByDocument/ListsTheHoldersAccounts", testBankingAccountsByDocument},
	} {
		cobTests = append(cobTests, struct {
			name string
			run  func(t *testing.T, s store.Store)
		}{tc.name, func(t *testing.T, s store.Store) {
			bs, ok := s.(banking.Store)
			if !ok {
				t.Skip("store does not implement banking.Store")
			}
			tc.run(t, bs)
		}})
	}
}

func testBankingAccount(t *testing.T, s banking.Store) {
	ctx := t.Context()
	a := &banking.Account{ID: "123", Holder: "EMPRESA LTDA", Document: "12345678000195", Balance: 1_500_000, Blocked: 250, CreatedAt: T0, UpdatedAt: At(time.Second)}
	wantOK(t, "CreateBankingAccount", s.CreateBankingAccount(ctx, a))
	wantKind(t, "CreateBankingAccount again", s.CreateBankingAccount(ctx, a), errs.EConflict)
	got, err := s.BankingAccount(ctx, "123")
	wantOK(t, "BankingAccount", err)
	want := *a
	want.CreatedAt, want.UpdatedAt = Stored(T0), Stored(At(time.Second))
	if d := Diff(got, &want); d != "" {
		t.Errorf("BankingAccount: %s", d)
	}
	_, err = s.BankingAccount(ctx, "999")
	wantKind(t, "BankingAccount unknown", err, errs.ENotFound)
}

// bankingCred creates a banking credential with no certificates and n
// certificates of the account, returning their thumbprints.
func bankingCred(t *testing.T, s banking.Store, clientID string, n int) []string {
	t.Helper()
	c := NewCredential(clientID, "123")
	c.Kind, c.Thumbprints = oauth.KindBanking, nil
	wantOK(t, "CreateCredential", s.CreateCredential(t.Context(), c))
	var ths []string
	for i := range n {
		rec := NewCertificate(fmt.Sprintf("%s-%d", clientID, i), "123")
		rec.Type = pki.CertBanking
		wantOK(t, "CreateCertificate", s.CreateCertificate(t.Context(), rec))
		ths = append(ths, rec.Thumbprint)
	}
	return ths
}

func testBindBankingMax(t *testing.T, s banking.Store) {
	ctx := t.Context()
	ths := bankingCred(t, s, "cli", 4)
	for _, th := range ths[:2] {
		wantOK(t, "BindBankingCertificate", s.BindBankingCertificate(ctx, "cli", th, 2, T0))
	}
	wantOK(t, "BindBankingCertificate bound one again", s.BindBankingCertificate(ctx, "cli", ths[0], 2, T0))
	err := s.BindBankingCertificate(ctx, "cli", ths[2], 2, T0)
	if e := errs.As(err); e == nil || e.Code != banking.CodeMaxCertificates {
		t.Fatalf("third bind: %v, want code %s", err, banking.CodeMaxCertificates)
	}
	// A revoked certificate no longer counts.
	rec, err := s.CertificateByThumbprint(ctx, ths[0])
	wantOK(t, "CertificateByThumbprint", err)
	wantOK(t, "RevokeCertificate", s.RevokeCertificate(ctx, rec.Serial, "test", T0))
	wantOK(t, "bind after a revocation", s.BindBankingCertificate(ctx, "cli", ths[2], 2, T0))
	// Nor does an expired one (all expire after a year).
	wantOK(t, "bind once the others expired", s.BindBankingCertificate(ctx, "cli", ths[3], 2, At(400*24*time.Hour)))
	c, err := s.Credential(ctx, "cli")
	wantOK(t, "Credential", err)
	want := slices.Clone(ths)
	slices.Sort(want)
	if d := Diff(c.Thumbprints, want); d != "" {
		t.Errorf("thumbprints: %s", d)
	}
	wantKind(t, "bind to an unknown credential", s.BindBankingCertificate(ctx, "nobody", ths[0], 2, T0), errs.ENotFound)
}

func testBindBankingConcurrent(t *testing.T, s banking.Store) {
	ths := bankingCred(t, s, "cli", 6)
	errList := make([]error, len(ths))
	var wg sync.WaitGroup
	for i, th := range ths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errList[i] = s.BindBankingCertificate(t.Context(), "cli", th, 2, T0)
		}()
	}
	wg.Wait()
	c, err := s.Credential(t.Context(), "cli")
	wantOK(t, "Credential", err)
	if len(c.Thumbprints) != 2 {
		t.Errorf("%d concurrent binds left %d certificates bound, want 2 (errors %v)", len(ths), len(c.Thumbprints), errList)
	}
}

func testSetAllowedCIDRs(t *testing.T, s banking.Store) {
	ctx := t.Context()
	bankingCred(t, s, "cli", 0)
	wantOK(t, "SetAllowedCIDRs", s.SetAllowedCIDRs(ctx, "cli", []string{"127.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8"}))
	c, err := s.Credential(ctx, "cli")
	wantOK(t, "Credential", err)
	if d := Diff(c.AllowedCIDRs, []string{"10.0.0.0/8", "127.0.0.0/8"}); d != "" {
		t.Errorf("AllowedCIDRs: %s", d)
	}
	wantOK(t, "SetAllowedCIDRs empty", s.SetAllowedCIDRs(ctx, "cli", nil))
	if c, _ := s.Credential(ctx, "cli"); c.AllowedCIDRs != nil {
		t.Errorf("AllowedCIDRs after clearing: %v", c.AllowedCIDRs)
	}
	wantKind(t, "SetAllowedCIDRs unknown", s.SetAllowedCIDRs(ctx, "nobody", []string{"10.0.0.0/8"}), errs.ENotFound)
}

func testBankingAccountsByDocument(t *testing.T, s banking.Store) {
	ctx := t.Context()
	for _, a := range []banking.Account{
		{ID: "0116-471406", Holder: "EMPRESA LTDA", Document: "12345678000195", CreatedAt: T0, UpdatedAt: T0},
		{ID: "123", Holder: "EMPRESA LTDA", Document: "12345678000195", Balance: 100, CreatedAt: At(time.Second), UpdatedAt: At(time.Second)},
		{ID: "0200-1", Holder: "OUTRA LTDA", Document: "11222333000181", CreatedAt: T0, UpdatedAt: T0},
	} {
		wantOK(t, "CreateBankingAccount", s.CreateBankingAccount(ctx, &a))
	}
	got, err := s.BankingAccountsByDocument(ctx, "12345678000195")
	wantOK(t, "BankingAccountsByDocument", err)
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
		if a.Document != "12345678000195" || a.Holder != "EMPRESA LTDA" {
			t.Errorf("account %s: %+v", a.ID, a)
		}
	}
	if !slices.Equal(ids, []string{"0116-471406", "123"}) {
		t.Errorf("BankingAccountsByDocument = %v, want [0116-471406 123]", ids)
	}
	if got[1].Balance != 100 || !got[1].CreatedAt.Equal(Stored(At(time.Second))) {
		t.Errorf("account 123 read back as %+v", got[1])
	}
	none, err := s.BankingAccountsByDocument(ctx, "98765432000198")
	wantOK(t, "BankingAccountsByDocument none", err)
	if len(none) != 0 {
		t.Errorf("BankingAccountsByDocument of a stranger = %v", none)
	}
}
