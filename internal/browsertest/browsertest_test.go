package browsertest_test

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/brasa-dev/brasa/internal/browsertest"
	"github.com/chromedp/chromedp"
)

func TestNewLoadsPageAndDownloads(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/file.txt" {
			w.Header().Set("Content-Disposition", `attachment; filename="file.txt"`)
			w.Write([]byte("conteudo"))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>Olá</title><h1 id="h">Olá, mundo</h1><a id="d" href="/file.txt">baixar</a>`))
	}))
	defer srv.Close()

	b := browsertest.New(t, browsertest.Options{Trust: []*x509.Certificate{srv.Certificate()}})
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.ID("h")))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Olá, mundo"; got != want {
		t.Fatalf("heading = %q, want %q", got, want)
	}
	path, err := b.Download(chromedp.Click(chromedp.ID("d")))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "conteudo" {
		t.Fatalf("downloaded %q (%v), want %q", data, err, "conteudo")
	}
}
