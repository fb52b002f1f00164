package webhook_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/webhook"
)

// TestTarget: "/pix" goes at the very end of the string as registered,
// query string included (bacen/pix-api#241).
func TestTarget(t *testing.T) {
	for _, c := range []struct {
		in, want, path, query string
	}{
		{"https://a.example/b", "https://a.example/b/pix", "/b/pix", ""},
		{"https://a.example", "https://a.example/pix", "/pix", ""},
		{"https://a.example/b/", "https://a.example/b//pix", "/b//pix", ""},
		{"https://a.example/b?x=1", "https://a.example/b?x=1/pix", "/b", "x=1/pix"},
		{"https://a.example:8443/b?x=1&token=abc", "https://a.example:8443/b?x=1&token=abc/pix", "/b", "x=1&token=abc/pix"},
	} {
		got := webhook.Target(c.in)
		if got != c.want {
			t.Errorf("Target(%q) = %q, want %q", c.in, got, c.want)
		}
		u, err := url.Parse(got)
		if err != nil || u.Path != c.path || u.RawQuery != c.query {
			t.Errorf("Target(%q) parses to path %q query %q (%v), want %q %q", c.in, u.Path, u.RawQuery, err, c.path, c.query)
		}
	}
}

func TestURLPolicy(t *testing.T) {
	for _, c := range []struct {
		url                 string
		production, sandbox bool
	}{
		{"https://hooks.example/pix", true, true},
		{"https://hooks.example:8443/cb?x=1", false, true}, // port 443 only in production (TestFidelityWebhookPort443)
		{"https://hooks.example:443/cb?x=1", true, true},
		{"HTTPS://hooks.example/cb", true, true},
		{"https://203.0.113.7/cb", true, true},
		{"https://[2001:db8::1]/cb", true, true},
		{"http://hooks.example/cb", false, false},
		{"https://127.0.0.1:8443/cb", false, true},
		{"http://127.0.0.1:8080/cb", false, false},
		{"http://127.1.2.3/cb", false, false},
		{"http://localhost:8080/cb", false, false},
		{"https://LOCALHOST/cb", false, true},
		{"http://[::1]:8080/cb", false, false},
		{"http://0.0.0.0/cb", false, false},
		{"https://[::]/cb", false, false},
		{"ftp://hooks.example/cb", false, false},
		{"https://user:secret@hooks.example/cb", false, false},
		{"https://hooks.example/cb#frag", false, false},
		{"https:///cb", false, false},
		{"https:hooks.example", false, false},
		{"hooks.example/cb", false, false},
		{"/cb", false, false},
		{"", false, false},
		{" https://hooks.example/cb", false, false},
		{"https://hooks.example/c b", false, false},
		{"https://hooks.example/" + strings.Repeat("a", webhook.MaxURLLength), false, false},
	} {
		for _, p := range []struct {
			name   string
			policy webhook.URLPolicy
			want   bool
		}{{"production", webhook.URLPolicy{}, c.production}, {"sandbox", webhook.URLPolicy{AllowLoopback: true, AllowAnyPort: true}, c.sandbox}} {
			err := p.policy.Check(c.url)
			if (err == nil) != p.want {
				t.Errorf("%s Check(%.60q) = %v, want ok %v", p.name, c.url, err, p.want)
			}
			if err != nil {
				e := errs.As(err)
				if e == nil || e.Kind != errs.EInvalid || len(e.Violations) != 1 || e.Violations[0].Property != "webhookUrl" {
					t.Errorf("%s Check(%.60q): error %#v, want EInvalid on webhookUrl", p.name, c.url, err)
				}
			}
		}
	}
}

// TestFidelityWebhookPort443: Sicredi's receiver must "implementar TLS na
// porta 443" (seed 000 §10). Production refuses any other port with a
// violation on webhookUrl naming the rule; the sandbox (AllowAnyPort) keeps
// any port.
func TestFidelityWebhookPort443(t *testing.T) {
	t.Parallel()
	prod, sandbox := webhook.URLPolicy{}, webhook.URLPolicy{AllowLoopback: true, AllowAnyPort: true}
	for _, u := range []string{"https://hooks.example/cb", "https://hooks.example:443/cb", "https://203.0.113.7:443/cb", "https://[2001:db8::1]:443/cb"} {
		if err := prod.Check(u); err != nil {
			t.Errorf("production Check(%q) = %v, want ok", u, err)
		}
	}
	for _, u := range []string{"https://hooks.example:8443/cb", "https://hooks.example:80/cb", "https://203.0.113.7:4443/cb", "https://[2001:db8::1]:8443/cb"} {
		err := prod.Check(u)
		e := errs.As(err)
		if e == nil || e.Kind != errs.EInvalid || len(e.Violations) != 1 || e.Violations[0].Property != "webhookUrl" ||
			!strings.Contains(e.Violations[0].Reason, "porta 443") {
			t.Errorf("production Check(%q) = %#v, want EInvalid on webhookUrl naming porta 443", u, err)
		}
		if err := sandbox.Check(u); err != nil {
			t.Errorf("sandbox Check(%q) = %v, want ok (any port)", u, err)
		}
	}
	if err := sandbox.Check("https://127.0.0.1:8443/cb"); err != nil {
		t.Errorf("sandbox loopback receiver on 8443: %v", err)
	}
}
