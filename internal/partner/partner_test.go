package partner_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/partner"
)

func TestCheckPassphrase(t *testing.T) {
	const good = "cX@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aa"
	for _, tc := range []struct {
		name string
		p    string
		ok   bool
	}{
		{"Good", good, true},
		{"AllSpecials", "Aa1!@#$%&*()?" + strings.Repeat("x", 51), true},
		{"Short", good[:63], false},
		{"Long", good + "a", false},
		{"NoUpper", strings.ToLower(good), false},
		{"NoLower", strings.ToUpper(good), false},
		{"NoDigit", strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return 'z'
			}
			return r
		}, good), false},
		{"NoSpecial", strings.ReplaceAll(good, "@", "q"), false},
		{"OtherSpecial", strings.Replace(good, "a", "-", 1), false},
		{"Space", strings.Replace(good, "a", " ", 1), false},
		{"NonASCII", strings.Replace(good, "aa", "ç", 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := partner.CheckPassphrase(tc.p)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckPassphrase(%q) = %v, want ok=%v", tc.p, err, tc.ok)
			}
			if err != nil {
				e := errs.As(err)
				if e == nil || e.Kind != errs.EInvalid || e.Code != partner.CodeInvalidParameter || e.Violations[0].Property != "passphrase" {
					t.Errorf("error %#v", err)
				}
			}
		})
	}
}

func TestSubjectDN(t *testing.T) {
	p := partner.Partner{CompanyKey: "ck", UUID: "u-1", CNPJ: "12345678000195", RazaoSocial: "ACME LTDA",
		BusinessCategory: partner.CategoryFullBank, State: "SP", City: "Sao Paulo", ServiceDomain: "api.acme.example"}
	want := "serialNumber = 12345678000195, businessCategory = FULL_BANK, UID = u-1, C = BR, O = ACME LTDA, ST = SP, L = Sao Paulo, OU = ck, CN = api.acme.example"
	if got := p.SubjectDN(); got != want {
		t.Errorf("SubjectDN = %q\nwant        %q", got, want)
	}
	if n := p.Subject(); len(n.ExtraNames) != 9 || n.ExtraNames[7].Value != "ck" {
		t.Errorf("Subject = %+v", n)
	}
}

func TestNewUUID(t *testing.T) {
	u := partner.NewUUID()
	if len(u) != 36 || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) || u == partner.NewUUID() {
		t.Errorf("NewUUID = %q", u)
	}
}

// TestCheckPassphraseNamesEveryMissingRequirement: each requirement the
// passphrase misses is its own violation, named; characters outside the set
// are named by position and never echoed.
func TestCheckPassphraseNamesEveryMissingRequirement(t *testing.T) {
	const table = "cx@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aa" // the seed's request table
	for _, tc := range []struct {
		name string
		p    string
		want []string
	}{
		{"SeedTableExample", table, []string{"upper-case letter (A-Z)"}},
		{"Empty", "", []string{"exactly 64 characters; it has 0", "upper-case", "lower-case", "number (0-9)", "special characters !@#$%&*()?"}},
		{"ShortNoDigitNoSpecial", "Abcdef", []string{"it has 6", "number (0-9)", "special characters"}},
		{"Outside", "Aa1!^" + strings.Repeat("x", 57) + " ~", []string{"characters at positions 5, 63 and 64 are not"}},
		{"OneOutsideCountsRunes", "Aa1!ç" + strings.Repeat("x", 59), []string{"character at position 5 is not"}},
		{"ManyOutside", "Aa1!" + strings.Repeat("-", 60), []string{"positions 5, 6, 7, 8, 9, 10, 11 and 12 (and 52 more) are not"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := errs.As(partner.CheckPassphrase(tc.p))
			if e == nil || len(e.Violations) != len(tc.want) {
				t.Fatalf("CheckPassphrase(%q) = %v, want %d violations", tc.p, e, len(tc.want))
			}
			for i, v := range e.Violations {
				if v.Property != "passphrase" || !strings.Contains(v.Reason, tc.want[i]) {
					t.Errorf("violation %d = %+v, want passphrase naming %q", i, v, tc.want[i])
				}
				if strings.ContainsAny(v.Reason, "^~ç") {
					t.Errorf("violation %q echoes the passphrase", v.Reason)
				}
			}
		})
	}
}

func TestPartnerAllowsSource(t *testing.T) {
	cidrs, err := partner.NormalizeAllowlist([]string{"10.1.2.3/8", "192.0.2.7", "::ffff:192.0.2.7", "2001:db8::1/32"})
	if err != nil || strings.Join(cidrs, " ") != "10.0.0.0/8 192.0.2.7/32 2001:db8::/32" {
		t.Fatalf("NormalizeAllowlist = %q, %v", cidrs, err)
	}
	p := partner.Partner{AllowedCIDRs: cidrs}
	for addr, want := range map[string]bool{"10.9.9.9": true, "192.0.2.7": true, "::ffff:10.0.0.1": true, "2001:db8::5": true,
		"192.0.2.8": false, "127.0.0.1": false, "::1": false} {
		if got := p.AllowsSource(netip.MustParseAddr(addr)); got != want {
			t.Errorf("AllowsSource(%s) = %v, want %v", addr, got, want)
		}
	}
	if p.AllowsSource(netip.Addr{}) {
		t.Error("an unknown source passes a non-empty allowlist")
	}
	if any := (partner.Partner{}); !any.AllowsSource(netip.Addr{}) || !any.AllowsSource(netip.MustParseAddr("203.0.113.1")) {
		t.Error("an empty allowlist must allow any source")
	}
	if _, err := partner.NormalizeAllowlist([]string{"x", "10.0.0.0/33", "fe80::1%eth0"}); len(errs.As(err).Violations) != 3 {
		t.Errorf("NormalizeAllowlist of three bad entries = %v, want three violations", err)
	}
}
