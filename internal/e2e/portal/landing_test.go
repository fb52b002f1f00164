package portal_test

import (
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pki"
)

var hrefAttr = regexp.MustCompile(`href="([^"]+)"`)

// jargon is internal wording no page may show a user: the project's
// seeds, issues and annexes.
var jargon = regexp.MustCompile(`(?i)\b(seeds?|anexos?|issues?)\b`)

// followLinks GETs every link of page (relative to base) and wants 200.
func followLinks(t *testing.T, c *http.Client, base, page string) int {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range hrefAttr.FindAllStringSubmatch(page, -1) {
		ref, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Errorf("link %q: %v", m[1], err)
			continue
		}
		u := b.ResolveReference(ref)
		resp, _ := apptest.Do(t, c, mustReq(t, "GET", u.String(), ""))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("link %s: %d, want 200", u, resp.StatusCode)
		}
		n++
	}
	return n
}

// TestLandingPageSandbox: the web root, the address the sandbox prints,
// says what runs where, where the demo credentials and the CA are, how to
// trust the CA, and every link it has works. It shows no secret.
func TestLandingPageSandbox(t *testing.T) {
	t.Parallel()
	h := apptest.Boot(t, apptest.Options{})
	c := h.Client(nil)
	web := strings.TrimSuffix(h.Sandbox.WebURL, "/")

	resp, body := apptest.Do(t, c, mustReq(t, "GET", web+"/", ""))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	page := string(body)
	text := html.UnescapeString(page)
	for _, want := range []string{
		h.Sandbox.APIURL, h.Sandbox.WebURL,
		filepath.Join(h.Dir, "sandbox.json"), h.Sandbox.CAFile,
		"curl --cacert " + h.Sandbox.CAFile,
		`href="/portal/"`, `href="/jwks.json"`,
	} {
		if !strings.Contains(text, want) && !strings.Contains(page, want) {
			t.Errorf("landing page lacks %q", want)
		}
	}
	for name, secret := range map[string]string{
		"admin_token": h.Sandbox.AdminToken, "pix client_secret": h.Sandbox.Pix.ClientSecret,
		"pfx_password": h.Sandbox.Pix.PFXPassword,
	} {
		if secret != "" && strings.Contains(text, secret) {
			t.Errorf("landing page shows the %s", name)
		}
	}
	if m := jargon.FindString(text); m != "" {
		t.Errorf("landing page says %q", m)
	}
	if n := followLinks(t, c, web+"/", page); n < 3 {
		t.Errorf("landing page has %d links", n)
	}
	// Other paths are still not found.
	if resp, _ := apptest.Do(t, c, mustReq(t, "GET", web+"/nada", "")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nada: %d", resp.StatusCode)
	}
}

// TestLandingPageServe: in serve mode the root is a minimal page without
// sandbox material.
func TestLandingPageServe(t *testing.T) {
	t.Parallel()
	a, dir := apptest.BootServe(t)

	c := &http.Client{Transport: &http.Transport{TLSClientConfig: pki.ClientTLSConfig(nil, a.CA.Pool())}}
	web := "https://" + a.WebAddr().String()
	resp, body := apptest.Do(t, c, mustReq(t, "GET", web+"/", ""))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: %d %s", resp.StatusCode, body)
	}
	page := string(body)
	for _, bad := range []string{"sandbox", "ca.pem", "--cacert", dir} {
		if strings.Contains(strings.ToLower(page), strings.ToLower(bad)) {
			t.Errorf("serve landing page mentions %q", bad)
		}
	}
	if !strings.Contains(page, `href="/portal/"`) {
		t.Error("serve landing page has no link to the portal")
	}
	followLinks(t, c, web+"/", page)
}
