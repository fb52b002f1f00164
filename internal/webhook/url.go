package webhook

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/brasa-dev/brasa/internal/errs"
)

// MaxURLLength is the longest webhook URL accepted, in bytes.
const MaxURLLength = 2048

// Target returns the URL a notification is POSTed to: webhookURL with
// "/pix" appended to the very end of the string as registered, exactly as
// the spec's callback "{webhookUrl}/pix" reads (bacen/pix-api#241). Nothing
// is parsed, cleaned or reordered:
//
//	https://a.example/b       → https://a.example/b/pix
//	https://a.example/b/      → https://a.example/b//pix
//	https://a.example/b?x=1   → https://a.example/b?x=1/pix (the query becomes x=1/pix; the path stays /b)
//
// Integrators whose URL carries a query string receive the suffix in the
// query's last value, as they would from other PSPs following #241.
func Target(webhookURL string) string { return webhookURL + "/pix" }

// URLPolicy says which webhook URLs are accepted, both when a webhook is
// configured (PUT /webhook/{chave}) and before each POST.
//
// Every URL must be absolute, https, name a host, carry no user
// information (credentials do not belong in a URL that is logged and shown
// in the delivery history; the channel is authenticated by mutual TLS) and
// no fragment (it would swallow the "/pix" suffix), and be at most
// [MaxURLLength] bytes. Its port must be 443 (absent or ":443") unless
// AllowAnyPort is set. The loopback hosts localhost, 127.0.0.1 (any
// 127.0.0.0/8 address) and ::1 are refused unless AllowLoopback is set, and
// the unspecified addresses (0.0.0.0, ::) always are.
type URLPolicy struct {
	// AllowAnyPort accepts any port: the sandbox's rule, so that an
	// integrator's receiver need not bind 443. Without it only 443 is
	// accepted, Sicredi's rule: the receiver must "implementar TLS na porta
	// 443" (seed 000 §10).
	AllowAnyPort bool
	// AllowLoopback accepts the loopback hosts (still over https: the
	// channel is mutual TLS, so that the receiver knows the PSP is calling):
	// the sandbox's rule, so that an integrator can receive on their own
	// machine. In production brasa must not call itself or its host.
	AllowLoopback bool
	// AllowPrivate lets the dispatcher connect to private, shared
	// (100.64.0.0/10), link-local (169.254.0.0/16, the cloud metadata
	// address included) and unique-local addresses. Without it, an address
	// a receiver's host name resolves to is checked at dial time, so that a
	// webhook URL cannot make brasa reach its own network (SSRF). The
	// sandbox allows them; `brasa serve` does when webhook_allow_private is
	// set (receivers on an internal network, or an egress proxy on one).
	AllowPrivate bool
}

// checkDial refuses, at dial time, the addresses p does not let the
// dispatcher connect to: loopback and unspecified addresses unless
// AllowLoopback; private, shared, link-local and unique-local ones, and
// multicast, unless AllowPrivate. address is host:port with host an IP (the
// resolved address, as net.Dialer.Control sees it).
func (p URLPolicy) checkDial(address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i]
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return fmt.Errorf("webhook: refusing to connect to %q: not an IP address", host)
	}
	switch {
	case ip.IsLoopback() || ip.IsUnspecified():
		if !p.AllowLoopback {
			return fmt.Errorf("webhook: refusing to connect to %s: a loopback address", ip)
		}
	case ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() || sharedAddressSpace.Contains(ip):
		if !p.AllowPrivate {
			return fmt.Errorf("webhook: refusing to connect to %s: a private or link-local address (set webhook_allow_private to allow)", ip)
		}
	}
	return nil
}

// sharedAddressSpace is RFC 6598's carrier-grade NAT range.
var sharedAddressSpace = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

// Check returns nil if raw is an acceptable webhook URL, and otherwise an
// error of kind errs.EInvalid with one violation of property "webhookUrl"
// whose reason is safe to show.
func (p URLPolicy) Check(raw string) error {
	invalid := func(reason string) error { return errs.Invalid("webhookUrl", reason) }
	if raw == "" {
		return invalid("A URL do webhook é obrigatória.")
	}
	if len(raw) > MaxURLLength {
		return invalid("A URL do webhook é longa demais.")
	}
	if strings.TrimSpace(raw) != raw || strings.ContainsAny(raw, " \t\r\n") {
		return invalid("A URL do webhook não pode conter espaços.")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return invalid("A URL do webhook deve ser uma URL absoluta.")
	}
	if u.User != nil {
		return invalid("A URL do webhook não pode conter usuário ou senha.")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return invalid("A URL do webhook não pode conter fragmento (#).")
	}
	host := u.Hostname()
	if host == "" {
		return invalid("A URL do webhook deve indicar o servidor.")
	}
	loopback, unspecified := classifyHost(host)
	if unspecified {
		return invalid("A URL do webhook deve indicar um servidor válido.")
	}
	switch {
	case loopback && !p.AllowLoopback:
		return invalid("A URL do webhook não pode apontar para o próprio servidor.")
	case u.Scheme == "https":
	default:
		return invalid("A URL do webhook deve usar o protocolo HTTPS.")
	}
	if port := u.Port(); port != "" && port != "443" && !p.AllowAnyPort {
		return invalid("A URL do webhook deve usar a porta 443 (o servidor do webhook deve implementar TLS na porta 443); porta informada: " + port + ".")
	}
	if _, err := url.Parse(Target(raw)); err != nil {
		return invalid("A URL do webhook deve ser uma URL absoluta.")
	}
	return nil
}

// classifyHost reports whether host (no brackets, no port) is a loopback
// host and whether it is an unspecified address.
func classifyHost(host string) (loopback, unspecified bool) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true, false
	}
	if i := strings.IndexByte(h, '%'); i >= 0 { // IPv6 zone
		h = h[:i]
	}
	ip := net.ParseIP(h)
	if ip == nil {
		return false, false
	}
	return ip.IsLoopback(), ip.IsUnspecified()
}
