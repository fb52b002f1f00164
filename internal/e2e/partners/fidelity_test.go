package partners_test

import (
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/partner"
)

// Fidelity sweep (issue 16): the Bankly surface against seed 001's details.

// TestFidelityBanklyPassphraseNamesTheMissingRule: the seed's request table
// gives a passphrase without an upper-case letter while its rule asks for
// one; brasa keeps the rule, and the 400 names every requirement missed,
// one error item each, so the table's example is fixed in one try.
func TestFidelityBanklyPassphraseNamesTheMissingRule(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	sb := banklySandbox(t, h)
	tok := legacyToken(t, h, sb.ClientID, sb.ClientSecret)
	const table = "cx@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aacx@123aa"
	for _, tc := range []struct {
		name       string
		passphrase string
		want       []string // one error item each, in this order
	}{
		{"SeedTableExample", table, []string{"The passphrase must contain at least one upper-case letter (A-Z)."}},
		{"Everything", "ç ", []string{
			"The passphrase must have exactly 64 characters; it has 2.",
			"The passphrase must contain at least one upper-case letter (A-Z).",
			"The passphrase must contain at least one lower-case letter (a-z).",
			"The passphrase must contain at least one number (0-9).",
			"The passphrase must contain at least one of the special characters !@#$%&*()?.",
			"The passphrase may contain only letters A-Z and a-z, numbers and the special characters !@#$%&*()?; the characters at positions 1 and 2 are not.",
		}},
		{"NoDigitOneOutside", strings.NewReplacer("1", "b", "2", "b", "3", "b").Replace(strongPassphrase[:63]) + "^", []string{
			"The passphrase must contain at least one number (0-9).",
			"The passphrase may contain only letters A-Z and a-z, numbers and the special characters !@#$%&*()?; the character at position 64 is not one of them.",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": tc.passphrase})
			e := banklyError(t, tc.name, resp, b, 400, partner.CodeInvalidParameter)
			if len(e.Errors) != len(tc.want) {
				t.Fatalf("%d error items, want %d: %s", len(e.Errors), len(tc.want), b)
			}
			for i, it := range e.Errors {
				if it.Code != partner.CodeInvalidParameter || it.PropertyName != "passphrase" || len(it.Messages) != 1 || it.Messages[0] != tc.want[i] {
					t.Errorf("item %d = %+v, want passphrase %q", i, it, tc.want[i])
				}
			}
		})
	}
	// Fixed as the first answer says, the table's example is accepted.
	resp, b := issuePartnerCert(t, h, sb.CompanyKey, tok, map[string]any{"passphrase": "C" + table[1:]})
	if resp.StatusCode != 200 {
		t.Fatalf("the table's example with one upper-case letter: %d %s", resp.StatusCode, b)
	}
}
