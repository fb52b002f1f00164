package psc_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/oauth2"

	"github.com/brasa-dev/brasa/internal/api/pschttp"
	"github.com/brasa-dev/brasa/internal/app/apptest"
	"github.com/brasa-dev/brasa/internal/browsertest"
)

// TestPSCQRFlowInBrowser: an independent OAuth client (golang.org/x/oauth2
// with PKCE S256) sends a real browser to authorize; the QR page shows a QR
// code naming the approval page; the holder opens it in another tab, types a
// wrong password (refused), then the right one; the QR page redirects to the
// application's redirect_uri with code and state; the client exchanges the
// code and signs. Then: an unanswered QR page shows the expiry message, and
// the holder's page lists a push request and denies it.
func TestPSCQRFlowInBrowser(t *testing.T) {
	e := bootPSC(t, apptest.Options{})
	b := browsertest.New(t, browsertest.Options{Trust: []*x509.Certificate{e.h.App.CA.Root, e.h.App.CA.Intermediate}, Timeout: 3 * time.Minute})

	got := make(chan url.Values, 4)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r) // favicon.ico
			return
		}
		got <- r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><h1 id="callback">aplicação</h1>`))
	}))
	defer cb.Close()
	redirect := cb.URL + "/callback"
	st, body, _ := e.postJSON("/v0/oauth/application", map[string]any{"name": "Prontuário Exemplo", "comments": "teste", "redirect_uris": []string{redirect}, "email": "dev@example.com"})
	var reg struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := jsonUnmarshal(body, &reg); st != 200 || err != nil {
		t.Fatalf("register: %d %s", st, body)
	}
	conf := &oauth2.Config{
		ClientID: reg.ClientID, ClientSecret: reg.ClientSecret, RedirectURL: redirect, Scopes: []string{"signature_session"},
		Endpoint: oauth2.Endpoint{AuthURL: e.h.APIURL() + "/v0/oauth/authorize", TokenURL: e.h.APIURL() + "/v0/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
	}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("estado-123", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("lifetime", "900"))

	if err := chromedp.Do(b.Ctx, chromedp.Navigate(authURL), chromedp.WaitVisible(chromedp.ID("qrcode"))); err != nil {
		t.Fatal(err)
	}
	src, err := chromedp.Run(b.Ctx, chromedp.AttributeValue(chromedp.ID("qrcode"), "src"))
	if err != nil {
		t.Fatal(err)
	}
	approveURL := decodeQRDataURI(t, src.Value)
	if !strings.HasPrefix(approveURL, e.h.Sandbox.WebURL+"/psc/aprovar/") {
		t.Fatalf("the QR code names %q, not the approval page", approveURL)
	}

	// The holder, in another tab: a wrong password first.
	holder, cancel := chromedp.NewContext(b.Ctx)
	defer cancel()
	if err := chromedp.Do(holder,
		chromedp.Navigate(approveURL),
		chromedp.WaitVisible(chromedp.ID("documento")),
		chromedp.SendKeys(chromedp.ID("documento"), e.sb.HolderCPF),
		chromedp.SendKeys(chromedp.CSS(`input[type=password]`), "senha-errada"),
		chromedp.Click(chromedp.CSS(`button[value=aprovar]`)),
		chromedp.WaitVisible(chromedp.ID("resultado")),
	); err != nil {
		t.Fatal(err)
	}
	if msg, _ := chromedp.Run(holder, chromedp.Text(chromedp.ID("resultado"))); msg != "Senha do certificado incorreta." {
		t.Fatalf("wrong password: %q", msg)
	}
	if err := chromedp.Do(holder,
		chromedp.Click(chromedp.ID("voltar")),
		chromedp.WaitVisible(chromedp.ID("documento")),
		chromedp.SendKeys(chromedp.ID("documento"), e.sb.HolderCPF),
		chromedp.SendKeys(chromedp.CSS(`input[type=password]`), e.sb.HolderPassword),
		chromedp.Click(chromedp.CSS(`button[value=aprovar]`)),
		chromedp.WaitVisible(chromedp.ID("resultado")),
	); err != nil {
		t.Fatal(err)
	}
	if title, _ := chromedp.Run(holder, chromedp.Text(chromedp.CSS("h1"))); title != "Autorização concedida" {
		t.Fatalf("approval result: %q", title)
	}

	// The QR page sends the browser to the application.
	var q url.Values
	select {
	case q = <-got:
	case <-time.After(15 * time.Second):
		t.Fatal("the QR page did not redirect to redirect_uri")
	}
	if q.Get("state") != "estado-123" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}
	httpc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.h.Roots}}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, httpc)
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("x/oauth2 exchange: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.Extra("scope") != "signature_session" || tok.Extra("authorized_identification") != e.sb.HolderCPF {
		t.Fatalf("token %+v scope %v id %v", tok, tok.Extra("scope"), tok.Extra("authorized_identification"))
	}
	if left := time.Until(tok.Expiry); left < 14*time.Minute || left > 16*time.Minute {
		t.Fatalf("expiry in %v, want the 900 s asked", left)
	}
	if _, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("a code was exchanged twice")
	}
	// The reuse revoked the token the code bought (RFC 6749 §4.1.2): sign
	// with another.
	e.wantSigns(tok.AccessToken, 401)
	tok.AccessToken = e.pushToken("signature_session", e.sb.HolderCPF, "900").AccessToken
	sum := sha256.Sum256([]byte("laudo"))
	st, body, alias, sigs := e.sign(tok.AccessToken, map[string]any{"hashes": []any{map[string]any{"id": "1", "hash": base64.StdEncoding.EncodeToString(sum[:]), "hash_algorithm": "2.16.840.1.101.3.4.2.1", "signature_format": "RAW"}}})
	if st != 200 {
		t.Fatalf("sign: %d %s", st, body)
	}
	cert := e.holderCert(tok.AccessToken, alias)
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, sum[:], sigs[0].rawDER); err != nil {
		t.Fatalf("RAW signature: %v", err)
	}

	t.Run("ExpiredQR", func(t *testing.T) {
		authURL := conf.AuthCodeURL("x", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
		if err := chromedp.Do(b.Ctx, chromedp.Navigate(authURL), chromedp.WaitVisible(chromedp.ID("qrcode"))); err != nil {
			t.Fatal(err)
		}
		e.h.App.SandboxClock.Advance(2*time.Minute + time.Second)
		if err := chromedp.Do(b.Ctx, chromedp.WaitVisible(chromedp.ID("expirado"))); err != nil {
			t.Fatal(err)
		}
		if msg, _ := chromedp.Run(b.Ctx, chromedp.Text(chromedp.ID("expirado"))); msg != pschttp.ExpiredMessage {
			t.Fatalf("expiry message %q", msg)
		}
		select {
		case q := <-got:
			t.Fatalf("an expired QR page redirected: %v", q)
		default:
		}
	})

	t.Run("HolderPageDeniesPush", func(t *testing.T) {
		_, challenge := pkce()
		st, body, _ := e.call("GET", e.authorizeQuery(challenge, "single_signature", e.sb.HolderCPF, "", "push://"), "", nil)
		code := strings.TrimPrefix(string(body), "code=")
		if st != 200 {
			t.Fatalf("authorize: %d %s", st, body)
		}
		if err := chromedp.Do(holder,
			chromedp.Navigate(e.h.Sandbox.WebURL+"/psc/titular"),
			chromedp.WaitVisible(chromedp.ID("documento")),
			chromedp.SendKeys(chromedp.ID("documento"), e.sb.HolderCPF),
			chromedp.Click(chromedp.ID("buscar")),
			chromedp.WaitVisible(chromedp.ID("req-"+code)),
		); err != nil {
			t.Fatal(err)
		}
		text, _ := chromedp.Run(holder, chromedp.Text(chromedp.ID("req-"+code)))
		if !strings.Contains(text, "brasa sandbox") || !strings.Contains(text, "a assinatura de um documento") || !strings.Contains(text, "push") {
			t.Fatalf("request as listed: %q", text)
		}
		if err := chromedp.Do(holder, chromedp.Click(chromedp.ID("recusar-"+code)), chromedp.WaitVisible(chromedp.ID("resultado"))); err != nil {
			t.Fatal(err)
		}
		if title, _ := chromedp.Run(holder, chromedp.Text(chromedp.CSS("h1"))); title != "Autorização recusada" {
			t.Fatalf("deny result: %q", title)
		}
		time.Sleep(1100 * time.Millisecond)
		st, body, _ = e.call("GET", "/valid/api/v1/trusted-services/authentications?code="+code, "", nil)
		wantOAuthError(t, "denied push", st, body, 403, "access_denied")
	})
}

// decodeQRDataURI decodes a data:image/png;base64 QR code.
func decodeQRDataURI(t *testing.T, src string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}
