package psc_test

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/api/pschttp"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/pki/cms/cmstest"
	"github.com/brasa-dev/brasa/internal/psc"
)

// TestPSCRegistrationAndDiscovery: POST /v0/oauth/application answers
// exactly the seed's example (its misspelling included), client_token and
// user-discovery work with the credentials it returns, and the demo holders
// have their cloud certificates with the ICP-Brasil profile.
func TestPSCRegistrationAndDiscovery(t *testing.T) {
	t.Parallel()
	// Fresh: its holder certificates name this boot's CRL distribution points.
	e := bootPSC(t, apptest.Options{Fresh: true})
	st, body, _ := e.postJSON("/v0/oauth/application", map[string]any{
		"name": "App Demo", "comments": "App Demo Observação", "redirect_uris": []string{"https://valid.com.br"}, "email": "demo@valid.com"})
	var reg map[string]string
	if err := json.Unmarshal(body, &reg); st != 200 || err != nil {
		t.Fatalf("application: %d %s", st, body)
	}
	if len(reg) != 4 || reg["status"] != "success" || reg["message"] != "New Client Application registered with Sucess" ||
		!regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(reg["client_id"]) ||
		!regexp.MustCompile(`^[A-Za-z0-9]{16}$`).MatchString(reg["client_secret"]) {
		t.Fatalf("application response differs from the seed's: %s", body)
	}

	t.Run("ApplicationMissingFields", func(t *testing.T) {
		st, body, _ := e.postJSON("/v0/oauth/application", map[string]any{"name": "x"})
		wantOAuthError(t, "missing fields", st, body, 400, "invalid_request")
		st, body, _ = e.call("POST", "/v0/oauth/application", "application/json", []byte("{broken"))
		wantOAuthError(t, "broken JSON", st, body, 400, "invalid_request")
	})

	t.Run("ClientToken", func(t *testing.T) {
		st, body, _ := e.postForm("/v0/oauth/client_token", url.Values{"grant_type": {"client_credentials"}, "client_id": {reg["client_id"]}, "client_secret": {reg["client_secret"]}})
		var tok map[string]any
		if err := json.Unmarshal(body, &tok); st != 200 || err != nil || tok["token_type"] != "Bearer" || tok["access_token"] == "" || tok["expires_in"] != float64(3600) {
			t.Fatalf("client_token: %d %s", st, body)
		}
		st, body, _ = e.postForm("/v0/oauth/client_token", url.Values{"grant_type": {"client_credentials"}, "client_id": {reg["client_id"]}, "client_secret": {"wrong"}})
		wantOAuthError(t, "wrong secret", st, body, 401, "invalid_client")
		st, body, _ = e.postForm("/v0/oauth/client_token", url.Values{"grant_type": {"password"}, "client_id": {reg["client_id"]}, "client_secret": {reg["client_secret"]}})
		wantOAuthError(t, "grant password", st, body, 400, "unsupported_grant_type")
	})

	t.Run("UserDiscovery", func(t *testing.T) {
		ask := func(kind, doc, secret string) (int, []byte) {
			st, body, _ := e.postJSON("/v0/oauth/user-discovery", map[string]string{"client_id": reg["client_id"], "client_secret": secret, "user_cpf_cnpj": kind, "val_cpf_cnpj": doc})
			return st, body
		}
		for _, c := range []struct{ kind, doc, label, alias string }{
			{"CPF", e.sb.HolderCPF, "e-CPF A3 em nuvem", e.sb.CertificateCPF},
			{"CNPJ", e.sb.HolderCNPJ, "e-CNPJ A3 em nuvem", e.sb.CertificateCNPJ},
		} {
			st, body := ask(c.kind, c.doc, reg["client_secret"])
			want := `{"status":"S","slots":[{"slot_alias":"` + c.alias + `","label":"` + c.label + `"}]}`
			if st != 200 || strings.TrimSpace(string(body)) != want {
				t.Fatalf("user-discovery %s: %d %s, want %s", c.kind, st, body, want)
			}
		}
		if st, body := ask("CPF", "52998224725", reg["client_secret"]); st != 200 || strings.TrimSpace(string(body)) != `{"status":"N"}` {
			t.Fatalf("unknown CPF: %d %s", st, body)
		}
		st, body := ask("CPF", e.sb.HolderCPF, "bad")
		wantOAuthError(t, "bad secret", st, body, 401, "invalid_client")
		st, body = ask("RG", e.sb.HolderCPF, reg["client_secret"])
		wantOAuthError(t, "bad kind", st, body, 400, "invalid_request")
		st, body = ask("CNPJ", e.sb.HolderCPF, reg["client_secret"])
		wantOAuthError(t, "CPF as CNPJ", st, body, 400, "invalid_request")
	})

	t.Run("CertificateProfile", func(t *testing.T) {
		tok := e.pushToken("authentication_session", e.sb.HolderCNPJ, "")
		cert := e.holderCert(tok.AccessToken, e.sb.CertificateCNPJ)
		cpf, cnpj := pki.ICPBrasilDocument(cert)
		if cnpj != e.sb.HolderCNPJ || cpf != e.sb.HolderCPF {
			t.Fatalf("otherNames: cpf %q cnpj %q", cpf, cnpj)
		}
		if cert.Subject.CommonName != "EMPRESA DEMONSTRACAO LTDA:"+e.sb.HolderCNPJ || len(cert.CRLDistributionPoints) != 2 {
			t.Fatalf("subject %v, CRL DPs %v", cert.Subject, cert.CRLDistributionPoints)
		}
		// Both CRL distribution points are served, signed by the issuing CA.
		for _, crlURL := range cert.CRLDistributionPoints {
			resp, body := apptest.Do(t, e.c, mustGet(t, crlURL))
			crl, err := x509ParseCRL(body)
			if resp.StatusCode != 200 || err != nil || crl.CheckSignatureFrom(e.h.App.CA.Intermediate) != nil {
				t.Fatalf("CRL at %s: %d %v", crlURL, resp.StatusCode, err)
			}
		}
		// So is the caIssuers certificate.
		if len(cert.IssuingCertificateURL) != 1 {
			t.Fatalf("AIA %v", cert.IssuingCertificateURL)
		}
		resp, body := apptest.Do(t, e.c, mustGet(t, cert.IssuingCertificateURL[0]))
		if resp.StatusCode != 200 || !bytes.Equal(body, e.h.App.CA.Intermediate.Raw) {
			t.Fatalf("caIssuers: %d", resp.StatusCode)
		}
	})
}

// TestPSCPushFlowAndSignatures runs the push flow (pending 304, polling
// faster than once a second blocked, approval, 200 with the
// authorizationToken, token exchange) and signs in every format, each checked
// by a third-party verifier.
func TestPSCPushFlowAndSignatures(t *testing.T) {
	t.Parallel()
	needOpenSSL(t)
	e := bootPSC(t, apptest.Options{})
	verifier, challenge := pkce()
	st, body, _ := e.call("GET", e.authorizeQuery(challenge, "signature_session", e.sb.HolderCPF, "43200", "push://")+"&state=abc", "", nil)
	if st != 200 || !regexp.MustCompile(`^code=[0-9a-f-]{36}$`).Match(body) {
		t.Fatalf("authorize push: %d %q", st, body)
	}
	code := strings.TrimPrefix(string(body), "code=")
	poll := func() (int, []byte, string) {
		st, body, hdr := e.call("GET", "/valid/api/v1/trusted-services/authentications?code="+code, "", nil)
		return st, body, hdr.Get("Retry-After")
	}
	if st, body, _ := poll(); st != 304 || len(body) != 0 {
		t.Fatalf("pending poll: %d %s", st, body)
	}
	st, body, retry := poll() // at once: faster than once a second
	if st != 429 || retry != "1" || !strings.Contains(string(body), "To many requests") {
		t.Fatalf("fast poll: %d %s Retry-After %q", st, body, retry)
	}
	if st, b := e.approve(e.sb.HolderCPF, true); st != 200 {
		t.Fatalf("approve: %d %s", st, b)
	}
	time.Sleep(1100 * time.Millisecond)
	st, body, _ = poll()
	var auth struct {
		AuthorizationToken string `json:"authorizationToken"`
		RedirectURL        string `json:"redirectUrl"`
	}
	if err := json.Unmarshal(body, &auth); st != 200 || err != nil || auth.AuthorizationToken == "" ||
		auth.RedirectURL != "push://"+e.sb.ClientID+"?code="+code+"&state=abc" {
		t.Fatalf("approved poll: %d %s", st, body)
	}
	exchange := func(v url.Values) (int, []byte) {
		st, body, _ := e.postForm("/v0/oauth/token", v)
		return st, body
	}
	base := url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sb.ClientID}, "client_secret": {e.sb.ClientSecret},
		"code": {auth.AuthorizationToken}, "code_verifier": {verifier}}
	with := func(k, v string) url.Values {
		c := url.Values{}
		for kk, vv := range base {
			c[kk] = vv
		}
		c.Set(k, v)
		return c
	}
	st, body = exchange(with("code_verifier", strings.Repeat("x", 43)))
	wantOAuthError(t, "wrong verifier", st, body, 400, "invalid_grant")
	st, body = exchange(with("grant_type", "refresh_token"))
	wantOAuthError(t, "refresh_token grant", st, body, 400, "unsupported_grant_type")
	st, body = exchange(with("client_secret", "nope"))
	wantOAuthError(t, "bad secret", st, body, 401, "invalid_client")
	st, body = exchange(with("code", auth.AuthorizationToken+"x"))
	wantOAuthError(t, "forged code", st, body, 400, "invalid_grant")
	st, body = exchange(base)
	var tok pscToken
	if err := json.Unmarshal(body, &tok); st != 200 || err != nil {
		t.Fatalf("token: %d %s", st, body)
	}
	if tok.TokenType != "Bearer" || tok.ExpiresIn != 43200 || tok.Scope != "signature_session" || tok.AuthorizedID != e.sb.HolderCPF || tok.AuthorizedTy != "CPF" {
		t.Fatalf("token response: %s", body)
	}
	st, body = exchange(base)
	wantOAuthError(t, "code used twice", st, body, 400, "invalid_grant")
	// The reuse revoked the token the code bought (RFC 6749 §4.1.2): sign
	// with another.
	e.wantSigns(tok.AccessToken, 401)
	tok = e.pushToken("signature_session", e.sb.HolderCPF, "43200")

	cert := e.holderCert(tok.AccessToken, e.sb.CertificateCPF)
	dir := t.TempDir()
	pub := writeTemp(t, dir, "pub.pem", pubPEM(t, cert))
	doc := []byte("Receita médica digital - paciente João\n")
	docPath := writeTemp(t, dir, "doc.txt", doc)
	sum := sha256.Sum256(doc)
	hashPath := writeTemp(t, dir, "hash.bin", sum[:])
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	item := func(id, format string, extra ...string) map[string]any {
		m := map[string]any{"id": id, "alias": id + ".txt", "hash": b64, "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": format}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	flip := func(b []byte) []byte { c := bytes.Clone(b); c[len(c)/2] ^= 1; return c }

	t.Run("RAW_PKCS1_and_PSS", func(t *testing.T) {
		st, body, alias, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": []any{
			item("a", "RAW"), item("b", "RAW", "padding_method", "PSS"), item("c", "RAW_DATA", "padding_method", "PKCS1V1_5"),
		}})
		if st != 200 || alias != e.sb.CertificateCPF || len(sigs) != 3 {
			t.Fatalf("sign: %d %s", st, body)
		}
		for i, s := range sigs {
			sig := writeTemp(t, dir, "raw"+strconv.Itoa(i), s.rawDER)
			args := []string{"pkeyutl", "-verify", "-pubin", "-inkey", pub, "-in", hashPath, "-sigfile", sig, "-pkeyopt", "digest:sha256"}
			if s.ID == "b" {
				args = append(args, "-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:digest")
			}
			if out, ok := openssl(t, args...); !ok {
				t.Fatalf("openssl pkeyutl -verify %s: %s", s.ID, out)
			}
			bad := writeTemp(t, dir, "bad"+strconv.Itoa(i), flip(s.rawDER))
			args[8] = bad
			if out, ok := openssl(t, args...); ok {
				t.Fatalf("flipped signature %s verified: %s", s.ID, out)
			}
		}
	})

	t.Run("RAW_DIGESTED_DATA", func(t *testing.T) {
		di, _ := asn1.Marshal(struct {
			Alg struct {
				OID  asn1.ObjectIdentifier
				Null asn1.RawValue
			}
			Digest []byte
		}{struct {
			OID  asn1.ObjectIdentifier
			Null asn1.RawValue
		}{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}, asn1.NullRawValue}, sum[:]})
		st, body, _, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": []any{
			map[string]any{"id": "d", "hash": base64.StdEncoding.EncodeToString(di), "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": "RAW_DIGESTED_DATA"}}})
		if st != 200 {
			t.Fatalf("sign: %d %s", st, body)
		}
		sig := writeTemp(t, dir, "digested.sig", sigs[0].rawDER)
		if out, ok := openssl(t, "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-in", writeTemp(t, dir, "di.der", di), "-sigfile", sig); !ok {
			t.Fatalf("openssl pkeyutl -verify: %s", out)
		}
		// The same signature is the PKCS#1 v1.5 signature of the hash.
		if out, ok := openssl(t, "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-in", hashPath, "-sigfile", sig, "-pkeyopt", "digest:sha256"); !ok {
			t.Fatalf("as RAW: %s", out)
		}
	})

	t.Run("CMS_and_CAdES", func(t *testing.T) {
		st, body, _, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": []any{
			item("cms", "CMS"), item("rb", "CAdES_AD_RB"), item("rt", "CAdES_AD_RT"),
			// hex is accepted too
			map[string]any{"id": "hex", "hash": hex.EncodeToString(sum[:]), "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": "CMS"},
		}})
		if st != 200 || len(sigs) != 4 {
			t.Fatalf("sign: %d %s", st, body)
		}
		for _, s := range sigs {
			if out, err := cmstest.OpenSSLVerify(t, e.h.Sandbox.CAFile, s.rawDER, doc); err != nil {
				t.Fatalf("openssl cms -verify %s: %v\n%s", s.ID, err, out)
			}
			if _, err := cmstest.OpenSSLVerify(t, e.h.Sandbox.CAFile, s.rawDER, flip(doc)); err == nil {
				t.Fatalf("%s: a flipped byte of the document verified", s.ID)
			}
			info := cmstest.MustParse(t, s.rawDER)
			if err := info.CheckSigningCertificateV2(cert); err != nil {
				t.Fatalf("%s: %v", s.ID, err)
			}
			if !bytes.Equal(info.MessageDigest, sum[:]) {
				t.Fatalf("%s: messageDigest is not the client's hash", s.ID)
			}
			switch s.ID {
			case "cms", "hex":
				if info.SigningTime.IsZero() || info.PolicyOID != nil {
					t.Fatalf("%s: signingTime %v policy %v", s.ID, info.SigningTime, info.PolicyOID)
				}
			case "rb":
				if info.PolicyOID.String() != "2.16.76.1.7.1.1.2.3" || info.TimestampToken != nil {
					t.Fatalf("rb: policy %v, token %v", info.PolicyOID, info.TimestampToken != nil)
				}
			case "rt":
				if info.PolicyOID.String() != "2.16.76.1.7.1.2.2.3" || info.TimestampToken == nil {
					t.Fatalf("rt: policy %v, token %v", info.PolicyOID, info.TimestampToken != nil)
				}
				sigSum := sha256.Sum256(info.Signature)
				if out, err := cmstest.OpenSSLVerifyTimestamp(t, e.h.Sandbox.CAFile, info.TimestampToken, sigSum[:]); err != nil {
					t.Fatalf("openssl ts -verify: %v\n%s", err, out)
				}
			}
		}
		_ = docPath
	})

	t.Run("SHA512_and_attached_content", func(t *testing.T) {
		sum512 := sha512.Sum512(doc)
		st, body, _, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": []any{
			map[string]any{"id": "512", "hash": base64.StdEncoding.EncodeToString(sum512[:]), "hash_algorithm": "2.16.840.1.101.3.4.2.3", "signature_format": "CMS"},
			map[string]any{"id": "att", "signature_format": "CAdES_AD_RB", "base64_content": base64.StdEncoding.EncodeToString(doc)},
		}})
		if st != 200 {
			t.Fatalf("sign: %d %s", st, body)
		}
		if out, err := cmstest.OpenSSLVerify(t, e.h.Sandbox.CAFile, sigs[0].rawDER, doc); err != nil {
			t.Fatalf("SHA-512 CMS: %v %s", err, out)
		}
		if sigs[1].fileRaw == nil || sigs[1].Raw != "" {
			t.Fatalf("content signature should come as file_base64_signed: %s", body)
		}
		out, err := cmstest.OpenSSLVerify(t, e.h.Sandbox.CAFile, sigs[1].fileRaw, nil)
		if err != nil || !bytes.Equal(out, doc) {
			t.Fatalf("attached CAdES: %v %q", err, out)
		}
	})

	t.Run("PAdES", func(t *testing.T) {
		for _, c := range []struct {
			format  string
			xref    bool
			visible any
		}{{"PAdES_AD_RB", false, false}, {"PAdES_AD_RT", true, "true"}, {"PAdES_AD_RB", true, true}} {
			pdf := cmstest.MinimalPDF(1, c.xref, 0)
			st, body, _, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": []any{map[string]any{
				"id": "pdf", "alias": "doc.pdf", "signature_format": c.format, "pdf_signature_page": c.visible,
				"base64_content": base64.StdEncoding.EncodeToString(pdf)}}})
			if st != 200 {
				t.Fatalf("sign %s: %d %s", c.format, st, body)
			}
			signed := sigs[0].fileRaw
			if !bytes.HasPrefix(signed, pdf) {
				t.Fatal("the signed PDF does not start with the original (not an incremental update)")
			}
			out := cmstest.Pdfsig(t, signed)
			cmstest.CheckPdfsig(t, out, 1)
			if !strings.Contains(out, "MARIA DEMONSTRACAO DA SILVA:"+e.sb.HolderCPF) || !strings.Contains(out, "ETSI.CAdES.detached") {
				t.Fatalf("pdfsig:\n%s", out)
			}
			bad := bytes.Clone(signed)
			i := bytes.Index(bad, []byte("Documento de teste"))
			bad[i] ^= 0x20
			if out := cmstest.Pdfsig(t, bad); !strings.Contains(out, "Digest Mismatch") {
				t.Fatalf("flipped byte not caught:\n%s", out)
			}
			// pdfcpu, offline (the CRL is on the HTTPS web listener, whose CA
			// pdfcpu's revocation client cannot be told about; the cms
			// package's test serves one over HTTP and gets "valid"): the
			// signature is intact, only its revocation status is unknown,
			// and a flipped byte makes it invalid.
			res := cmstest.Pdfcpu(t, signed, []*x509.Certificate{e.h.App.CA.Root})
			if len(res) != 1 || res[0].Invalid || !strings.Contains(res[0].Report, "revocation status is unknown") {
				t.Fatalf("pdfcpu: %+v", res)
			}
			if res := cmstest.Pdfcpu(t, bad, []*x509.Certificate{e.h.App.CA.Root}); len(res) != 1 || !res[0].Invalid {
				t.Fatalf("pdfcpu accepted a flipped byte: %+v", res)
			}
			info := pdfCMS(t, signed)
			if err := info.CheckSigningCertificateV2(cert); err != nil {
				t.Fatal(err)
			}
			if !info.SigningTime.IsZero() {
				t.Fatal("PAdES CMS carries signingTime (forbidden by the policy)")
			}
			wantPolicy := map[string]string{"PAdES_AD_RB": "2.16.76.1.7.1.11.1.1", "PAdES_AD_RT": "2.16.76.1.7.1.12.1.1"}[c.format]
			if info.PolicyOID.String() != wantPolicy || (c.format == "PAdES_AD_RT") != (info.TimestampToken != nil) {
				t.Fatalf("%s: policy %v, timestamp %v", c.format, info.PolicyOID, info.TimestampToken != nil)
			}
		}
	})

	t.Run("BadRequests", func(t *testing.T) {
		for _, c := range []struct {
			name string
			body map[string]any
		}{
			{"NoHashes", map[string]any{"hashes": []any{}}},
			{"BadFormat", map[string]any{"hashes": []any{item("x", "XAdES")}}},
			{"BadAlgorithm", map[string]any{"hashes": []any{item("x", "RAW", "hash_algorithm", "1.3.14.3.2.26")}}},
			{"WrongLength", map[string]any{"hashes": []any{item("x", "RAW", "hash", "AAAA")}}},
			{"NotBase64", map[string]any{"hashes": []any{item("x", "RAW", "hash", "***")}}},
			{"PAdESWithoutContent", map[string]any{"hashes": []any{item("x", "PAdES_AD_RB")}}},
			{"PAdESNotPDF", map[string]any{"hashes": []any{item("x", "PAdES_AD_RB", "base64_content", base64.StdEncoding.EncodeToString([]byte("hello")))}}},
			{"PAdESBrokenPDF", map[string]any{"hashes": []any{item("x", "PAdES_AD_RB", "base64_content", base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 broken")))}}},
			{"BadPadding", map[string]any{"hashes": []any{item("x", "RAW", "padding_method", "OAEP")}}},
			{"UnknownAlias", map[string]any{"certificate_alias": "nope", "hashes": []any{item("x", "RAW")}}},
		} {
			st, body, _, _ := e.sign(tok.AccessToken, c.body)
			wantOAuthError(t, c.name, st, body, 400, "invalid_request")
		}
		st, body, _, _ := e.sign("forged.token", map[string]any{"hashes": []any{item("x", "RAW")}})
		wantOAuthError(t, "forged token", st, body, 401, "invalid_token")
		st, body, _, _ = e.sign("", map[string]any{"hashes": []any{item("x", "RAW")}})
		wantOAuthError(t, "no token", st, body, 401, "invalid_token")
	})
}

// TestPSCScopes: single_signature signs exactly one hash once,
// multi_signature up to 20 once, signature_session any number until expiry,
// authentication_session never; lifetimes are capped at 7 days (CPF) and 30
// days (CNPJ).
func TestPSCScopes(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	sum := sha256.Sum256([]byte("x"))
	hashes := func(n int) map[string]any {
		var hs []any
		for i := 0; i < n; i++ {
			hs = append(hs, map[string]any{"id": strconv.Itoa(i), "hash": base64.StdEncoding.EncodeToString(sum[:]), "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": "RAW"})
		}
		return map[string]any{"hashes": hs}
	}

	tok := e.pushToken("", e.sb.HolderCPF, "") // default scope
	if tok.Scope != "single_signature" || tok.ExpiresIn != 3600 {
		t.Fatalf("default scope and lifetime: %+v", tok)
	}
	st, body, _, _ := e.sign(tok.AccessToken, hashes(2))
	wantOAuthError(t, "single with two hashes", st, body, 400, "invalid_request")
	if st, body, _, sigs := e.sign(tok.AccessToken, hashes(1)); st != 200 || len(sigs) != 1 {
		t.Fatalf("single: %d %s", st, body)
	}
	st, body, _, _ = e.sign(tok.AccessToken, hashes(1))
	wantOAuthError(t, "single reused", st, body, 401, "invalid_token")

	tok = e.pushToken("multi_signature", e.sb.HolderCPF, "")
	st, body, hdr := e.postJSON("/v0/oauth/signature", hashes(21), "Authorization", "Bearer "+tok.AccessToken)
	wantOAuthError(t, "21 documents", st, body, 429, "too_many_requests")
	if hdr.Get("Retry-After") == "" || !strings.Contains(string(body), "To many requests") {
		t.Fatalf("429 without Retry-After or the seed's wording: %v %s", hdr, body)
	}
	if st, body, _, sigs := e.sign(tok.AccessToken, hashes(20)); st != 200 || len(sigs) != 20 {
		t.Fatalf("multi 20: %d %.200s", st, body)
	}
	st, body, _, _ = e.sign(tok.AccessToken, hashes(1))
	wantOAuthError(t, "multi reused", st, body, 401, "invalid_token")

	tok = e.pushToken("signature_session", e.sb.HolderCPF, "60")
	for i := 0; i < 3; i++ {
		if st, body, _, _ := e.sign(tok.AccessToken, hashes(5)); st != 200 {
			t.Fatalf("session call %d: %d %s", i, st, body)
		}
	}
	e.h.App.SandboxClock.Advance(61 * time.Second)
	st, body, _, _ = e.sign(tok.AccessToken, hashes(1))
	wantOAuthError(t, "session expired", st, body, 401, "invalid_token")

	tok = e.pushToken("authentication_session", e.sb.HolderCPF, "")
	st, body, _, _ = e.sign(tok.AccessToken, hashes(1))
	wantOAuthError(t, "authentication_session signs", st, body, 403, "access_denied")

	tok = e.pushToken("signature_session", e.sb.HolderCPF, strconv.Itoa(40*24*3600))
	if tok.ExpiresIn != 7*24*3600 {
		t.Fatalf("CPF lifetime %d, want capped at 7 days", tok.ExpiresIn)
	}
	tok = e.pushToken("signature_session", e.sb.HolderCNPJ, strconv.Itoa(40*24*3600))
	if tok.ExpiresIn != 30*24*3600 || tok.AuthorizedTy != "CNPJ" {
		t.Fatalf("CNPJ lifetime %d (%s), want capped at 30 days", tok.ExpiresIn, tok.AuthorizedTy)
	}
}

// TestPSCAuthorizeErrors: each malformed authorize request and each
// authorization failure answers its OAuth error.
func TestPSCAuthorizeErrors(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	_, challenge := pkce()
	q := func(mod func(url.Values)) string {
		v, _ := url.ParseQuery(strings.TrimPrefix(e.authorizeQuery(challenge, "", e.sb.HolderCPF, "", "push://"), "/v0/oauth/authorize?"))
		mod(v)
		return "/v0/oauth/authorize?" + v.Encode()
	}
	for _, c := range []struct {
		name   string
		mod    func(url.Values)
		status int
		code   string
	}{
		{"NoChallenge", func(v url.Values) { v.Del("code_challenge") }, 400, "invalid_request"},
		{"PlainMethod", func(v url.Values) { v.Set("code_challenge_method", "plain") }, 400, "invalid_request"},
		{"ShortChallenge", func(v url.Values) { v.Set("code_challenge", "abc") }, 400, "invalid_request"},
		{"ResponseToken", func(v url.Values) { v.Set("response_type", "token") }, 400, "invalid_request"},
		{"BadScope", func(v url.Values) { v.Set("scope", "everything") }, 400, "invalid_request"},
		{"BadLifetime", func(v url.Values) { v.Set("lifetime", "-5") }, 400, "invalid_request"},
		{"UnregisteredRedirect", func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") }, 400, "invalid_request"},
		{"PushWithoutHint", func(v url.Values) { v.Del("login_hint") }, 400, "invalid_request"},
		{"BadHint", func(v url.Values) { v.Set("login_hint", "123") }, 400, "invalid_request"},
		{"UnknownClient", func(v url.Values) { v.Set("client_id", "nope") }, 401, "invalid_client"},
	} {
		st, body, _ := e.call("GET", q(c.mod), "", nil)
		wantOAuthError(t, c.name, st, body, c.status, c.code)
	}

	// A denied push request: polling says access_denied; no code to exchange.
	st, body, _ := e.call("GET", q(func(url.Values) {}), "", nil)
	code := strings.TrimPrefix(string(body), "code=")
	if st != 200 {
		t.Fatalf("authorize: %d %s", st, body)
	}
	if st, b := e.approve(e.sb.HolderCPF, false); st != 200 || !strings.Contains(string(b), `"denied"`) {
		t.Fatalf("deny: %d %s", st, b)
	}
	st, body, _ = e.call("GET", "/valid/api/v1/trusted-services/authentications?code="+code, "", nil)
	wantOAuthError(t, "denied poll", st, body, 403, "access_denied")
	st, body = e.approve(e.sb.HolderCPF, true)
	wantOAuthError(t, "nothing pending", st, body, 404, "not_found")
	st, body = e.approve("00000000000", true)
	wantOAuthError(t, "unknown holder", st, body, 404, "not_found")
	st, body, _ = e.postJSON("/sandbox/v1/psc/approvals", map[string]any{"login_hint": e.sb.HolderCPF, "approve": true})
	if st != 401 {
		t.Fatalf("approvals without the admin token: %d %s", st, body)
	}

	// An expired request: the holder can no longer approve, polling says so.
	st, body, _ = e.call("GET", q(func(url.Values) {}), "", nil)
	code = strings.TrimPrefix(string(body), "code=")
	e.h.App.SandboxClock.Advance(2*time.Minute + time.Second)
	st, body, _ = e.call("GET", "/valid/api/v1/trusted-services/authentications?code="+code, "", nil)
	wantOAuthError(t, "expired poll", st, body, 400, "invalid_grant")
	st, body = e.approve(e.sb.HolderCPF, true)
	wantOAuthError(t, "approve expired", st, body, 404, "not_found")
	st, body, _ = e.call("GET", "/valid/api/v1/trusted-services/authentications?code=unknown", "", nil)
	wantOAuthError(t, "unknown code", st, body, 400, "invalid_grant")
}

// TestPSCLimits reproduces the seed's limits as 429 "To many requests" with
// Retry-After: 100 authorize calls a second per application, 100 signature
// calls a minute per CPF/CNPJ, 5,000 signatures a minute per application
// (the last two lowered through SetLimits to keep the test short; the
// counting is the same).
//
// Not parallel: it sends 101 authorize calls within one second, which the
// package's other tests running beside it would make impossible on 2 cores.
func TestPSCLimits(t *testing.T) {
	e := bootPSC(t, apptest.Options{})
	_, challenge := pkce()
	path := e.authorizeQuery(challenge, "", e.sb.HolderCPF, "", "push://")
	for attempt := 0; ; attempt++ {
		sleepToNextSecond()
		start := time.Now()
		var mu sync.Mutex
		counts := map[int]int{}
		retry := ""
		var wg sync.WaitGroup
		for range 101 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, _, hdr := e.call("GET", path, "", nil)
				mu.Lock()
				counts[st]++
				if st == 429 {
					retry = hdr.Get("Retry-After")
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		if time.Now().Truncate(time.Second) != start.Truncate(time.Second) {
			if attempt < 3 {
				continue // the burst straddled a second: counted in two windows
			}
			t.Skip("the machine is too slow to send 101 authorize calls within one second")
		}
		if counts[200] != 100 || counts[429] != 1 || retry != "1" {
			t.Fatalf("101 authorize calls in one second: %v (Retry-After %q), want 100 × 200 and 1 × 429", counts, retry)
		}
		break
	}

	e.h.App.PSC.SetLimits(psc.Limits{SignCallsPerMinute: 3, SignaturesPerMinuteApp: 7})
	sum := sha256.Sum256([]byte("x"))
	one := map[string]any{"hashes": []any{map[string]any{"id": "1", "hash": base64.StdEncoding.EncodeToString(sum[:]), "signature_format": "RAW"}}}
	four := map[string]any{"hashes": []any{one["hashes"].([]any)[0], one["hashes"].([]any)[0], one["hashes"].([]any)[0], one["hashes"].([]any)[0]}}
	sleepToNextSecond()           // the authorize budget of this second is spent
	if time.Now().Second() > 55 { // keep the calls in one minute
		time.Sleep(6 * time.Second)
	}
	cpf := e.pushToken("signature_session", e.sb.HolderCPF, "")
	for i := 0; i < 3; i++ {
		if st, body, _, _ := e.sign(cpf.AccessToken, one); st != 200 {
			t.Fatalf("call %d: %d %s", i, st, body)
		}
	}
	st, body, hdr := e.postJSON("/v0/oauth/signature", one, "Authorization", "Bearer "+cpf.AccessToken)
	wantOAuthError(t, "4th call of the CPF in a minute", st, body, 429, "too_many_requests")
	if ra, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Fatalf("Retry-After %q", hdr.Get("Retry-After"))
	}
	// The CNPJ has its own call budget, but the application's signature
	// budget (7) is shared: 3 signed above + 4 = 7 passes, 1 more does not.
	cnpj := e.pushToken("signature_session", e.sb.HolderCNPJ, "")
	if st, body, _, _ := e.sign(cnpj.AccessToken, four); st != 200 {
		t.Fatalf("CNPJ four: %d %s", st, body)
	}
	st, body, _ = e.postJSON("/v0/oauth/signature", one, "Authorization", "Bearer "+cnpj.AccessToken)
	wantOAuthError(t, "application signature budget", st, body, 429, "too_many_requests")
	e.h.App.SandboxClock.Advance(time.Minute)
	if st, body, _, _ := e.sign(cnpj.AccessToken, one); st != 200 {
		t.Fatalf("next minute: %d %s", st, body)
	}
}

var _ = crypto.SHA256

// TestPSCSevenMegabytePDF: a 7 MB PDF (9.4 MB of base64, over the API's
// default 1 MiB body limit) is signed and verifies; a larger document is
// refused with 400, a body over pschttp.SignatureBodyLimit with 413.
func TestPSCSevenMegabytePDF(t *testing.T) {
	t.Parallel()
	e := bootPSC(t, apptest.Options{})
	tok := e.pushToken("signature_session", e.sb.HolderCPF, "")
	pdf := cmstest.MinimalPDF(1, false, 7<<20-4096)
	if len(pdf) > 7<<20 {
		t.Fatalf("fixture of %d bytes", len(pdf))
	}
	st, body, _, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": []any{map[string]any{"id": "big", "signature_format": "PAdES_AD_RB", "base64_content": base64.StdEncoding.EncodeToString(pdf)}}})
	if st != 200 {
		t.Fatalf("7 MB: %d %.300s", st, body)
	}
	cmstest.CheckPdfsig(t, cmstest.Pdfsig(t, sigs[0].fileRaw), 1)

	over := append(bytes.Clone(pdf), make([]byte, 7<<20-len(pdf)+1)...)
	st, body, _, _ = e.sign(tok.AccessToken, map[string]any{"hashes": []any{map[string]any{"id": "big", "signature_format": "PAdES_AD_RB", "base64_content": base64.StdEncoding.EncodeToString(over)}}})
	wantOAuthError(t, "7 MB + 1", st, body, 400, "invalid_request")
	st, body = e.postOversized("/v0/oauth/signature", pschttp.SignatureBodyLimit+1, "Authorization", "Bearer "+tok.AccessToken)
	wantOAuthError(t, "body over the signature limit", st, body, 413, "invalid_request")
}
