package banking_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/banking"
)

func TestNormalizeCIDRs(t *testing.T) {
	got, err := banking.NormalizeCIDRs([]string{" 127.0.0.1 ", "10.1.2.3/8", "::1", "::ffff:192.0.2.1", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "10.0.0.0/8 127.0.0.1/32 192.0.2.1/32 ::1/128"; strings.Join(got, " ") != want {
		t.Errorf("NormalizeCIDRs = %v, want %s", got, want)
	}
	for _, bad := range []string{"", "localhost", "10.0.0.0/33", "1.2.3"} {
		if _, err := banking.NormalizeCIDRs([]string{bad}); err == nil {
			t.Errorf("NormalizeCIDRs(%q) accepted", bad)
		}
	}
}

func TestAllowed(t *testing.T) {
	cidrs := []string{"127.0.0.0/8", "2001:db8::/32"}
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.255.0.9", true},
		{"::ffff:127.0.0.1", true},
		{"2001:db8::5", true},
		{"10.0.0.1", false},
		{"::1", false},
	} {
		if got := banking.Allowed(cidrs, netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("Allowed(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
	if banking.Allowed(nil, netip.MustParseAddr("127.0.0.1")) {
		t.Error("an empty allowlist allowed an address")
	}
	if banking.Allowed(cidrs, netip.Addr{}) {
		t.Error("the zero address was allowed")
	}
}

func TestAdminTokenStable(t *testing.T) {
	p := []byte("0123456789abcdef0123456789abcdef")
	a, b := banking.AdminToken(p), banking.AdminToken(append([]byte{}, p...))
	if a != b || !strings.HasPrefix(a, "adm_") || a == banking.AdminToken([]byte("another pepper of thirty-two byt")) {
		t.Errorf("AdminToken: %q %q", a, b)
	}
}
