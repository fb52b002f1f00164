package partner_test

import (
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
