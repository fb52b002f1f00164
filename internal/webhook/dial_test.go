package webhook

import "testing"

// TestCheckDial: the addresses a receiver's host may resolve to, per policy
// (the SSRF guard of production: a public host name pointing at the cloud
// metadata address or the PSP's own network is refused at dial time).
func TestCheckDial(t *testing.T) {
	prod, sandbox, internal := URLPolicy{}, URLPolicy{AllowLoopback: true, AllowPrivate: true}, URLPolicy{AllowPrivate: true}
	for _, c := range []struct {
		addr                   string
		prod, sandbox, private bool // allowed
	}{
		{"203.0.113.7:443", true, true, true},
		{"[2001:db8::1]:443", true, true, true},
		{"127.0.0.1:443", false, true, false},
		{"[::1]:443", false, true, false},
		{"0.0.0.0:443", false, true, false},
		{"10.1.2.3:443", false, true, true},
		{"172.16.0.9:443", false, true, true},
		{"192.168.1.10:8443", false, true, true},
		{"169.254.169.254:80", false, true, true},
		{"100.64.3.4:443", false, true, true},
		{"[fd00::5]:443", false, true, true},
		{"[fe80::1%eth0]:443", false, true, true},
		{"224.0.0.1:443", false, true, true},
	} {
		for _, p := range []struct {
			name  string
			pol   URLPolicy
			allow bool
		}{{"production", prod, c.prod}, {"sandbox", sandbox, c.sandbox}, {"allow-private", internal, c.private}} {
			err := p.pol.checkDial(c.addr)
			if (err == nil) != p.allow {
				t.Errorf("%s: checkDial(%s) = %v, want allowed %v", p.name, c.addr, err, p.allow)
			}
		}
	}
}
