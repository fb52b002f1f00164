// Package browsertest starts a headless Chromium for end-to-end tests of
// brasa's web pages, driven through github.com/chromedp/chromedp.
//
// Tests need Debian's chromium package (/usr/bin/chromium). Without it they
// skip, saying how to install it, unless BRASA_REQUIRE_BROWSER is set (CI),
// in which case they fail.
//
// Each call to [New] starts its own browser with a fresh, temporary user data
// directory, so tests share no cookies, cache or downloads. The browser runs
// as root with the sandbox off (containers), with background networking,
// GPU, QUIC, component updates and sync disabled so it talks only to the
// servers a test names.
package browsertest

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// EnvRequire is the variable that turns a missing browser from a skip into a
// failure.
const EnvRequire = "BRASA_REQUIRE_BROWSER"

// skipMessage is what a test says when it skips for want of a browser.
const skipMessage = "install Debian's chromium (apt-get install chromium) or set BRASA_REQUIRE_BROWSER=1 in CI"

// candidates are where Chromium is looked for, in order.
var candidates = []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"}

// Path returns the Chromium executable, or "" when none is installed.
func Path() string {
	for _, p := range candidates {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Options configure [New].
type Options struct {
	// Trust lists certificates whose public keys Chromium accepts in a
	// server's chain in place of a trusted root (the brasa CA's root and
	// issuing intermediate, passed as --ignore-certificate-errors-spki-list).
	Trust []*x509.Certificate
	// IgnoreCertErrors accepts any server certificate; for tests that serve
	// with a CA of their own (httptest).
	IgnoreCertErrors bool
	// Timeout bounds the whole browser session; zero means 2 minutes.
	Timeout time.Duration
}

// Browser is a running headless Chromium with one tab.
type Browser struct {
	// Ctx is the tab's chromedp context: pass it to chromedp.Run and
	// chromedp.Do.
	Ctx context.Context
	// DownloadDir is where the tab's downloads land (see [Browser.Download]).
	DownloadDir string
}

// New starts a headless Chromium for t and returns its tab, ready to use.
// The browser is stopped when t ends. It skips t (or fails it, with
// BRASA_REQUIRE_BROWSER set) when Chromium is not installed.
func New(t testing.TB, o Options) *Browser {
	t.Helper()
	path := Path()
	if path == "" {
		if os.Getenv(EnvRequire) != "" {
			t.Fatalf("browsertest: chromium not found and %s is set: %s", EnvRequire, skipMessage)
		}
		t.Skip("browsertest: chromium not found: " + skipMessage)
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	dir := t.TempDir()
	downloads := filepath.Join(dir, "downloads")
	if err := os.MkdirAll(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider"),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.WindowSize(1280, 900),
	}
	if o.IgnoreCertErrors {
		opts = append(opts, chromedp.IgnoreCertErrors)
	}
	if len(o.Trust) > 0 {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", SPKIList(o.Trust...)))
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(func(string, ...any) {}))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	// Start the browser now (the first Run allocates it) and route the
	// tab's downloads to a directory of ours.
	err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
			DownloadPath:  downloads,
			EventsEnabled: ptr(true),
		})
		return err
	}))
	if err != nil {
		t.Fatalf("browsertest: starting %s: %v", path, err)
	}
	return &Browser{Ctx: tctx, DownloadDir: downloads}
}

// SPKIList returns the value of Chromium's --ignore-certificate-errors-spki-list
// for certs: base64 SHA-256 of each SubjectPublicKeyInfo, comma-separated.
func SPKIList(certs ...*x509.Certificate) string {
	var out []string
	for _, c := range certs {
		sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
		out = append(out, base64.StdEncoding.EncodeToString(sum[:]))
	}
	return strings.Join(out, ",")
}

// Download runs click (an action that makes the page download a file, such
// as chromedp.Click on a link), waits until the download completes and
// returns the path of the downloaded file, named as the server suggested.
func (b *Browser) Download(click chromedp.Action[chromedp.Void]) (string, error) {
	ctx, cancel := context.WithCancel(b.Ctx)
	defer cancel()
	events := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if err := chromedp.Do(b.Ctx, click); err != nil {
		return "", err
	}
	var name, guid string
	for ev, err := range events {
		if err != nil {
			return "", err
		}
		name, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			return "", err
		}
		if ev.GUID != guid {
			continue
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			// Downloads are saved under their GUID; give the file the
			// name the server suggested.
			path := filepath.Join(b.DownloadDir, filepath.Base(name))
			if err := os.Rename(filepath.Join(b.DownloadDir, guid), path); err != nil {
				return "", err
			}
			return path, nil
		case browser.DownloadProgressStateCanceled:
			return "", errors.New("browsertest: download of " + name + " was cancelled")
		}
	}
	return "", errors.New("browsertest: download did not complete")
}

func ptr[T any](v T) *T { return &v }
