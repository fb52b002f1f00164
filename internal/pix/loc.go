package pix

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// MaxLocation is the spec's limit on a location (BR Code field 26-25 holds
// it without the scheme).
const MaxLocation = 77

// LocationPaths are the payload host's path prefixes: cob payloads at
// /qr/v2/{token}, cobv payloads at /qr/v2/cobv/{token} (cobv locations must
// contain "cobv", bacen/pix-api#193).
const (
	LocationPathCob  = "/qr/v2/"
	LocationPathCobV = "/qr/v2/cobv/"
)

// NewLocationToken returns a random capability token: 32 hex digits (128
// bits), so locations cannot be guessed.
func NewLocationToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("pix: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// LocationFor returns the location (without scheme) of token on the web
// host of webURL for charges of tipo. It fails when the result would exceed
// MaxLocation: the web URL is too long to serve Pix payloads.
func LocationFor(webURL string, tipo TipoCob, token string) (string, error) {
	host := strings.TrimPrefix(strings.TrimPrefix(webURL, "https://"), "http://")
	host = strings.TrimRight(host, "/")
	path := LocationPathCob
	if tipo == TipoCobVencimento {
		path = LocationPathCobV
	}
	loc := host + path + token
	if len(loc) > MaxLocation {
		return "", fmt.Errorf("pix: location %q is %d characters, over the spec's %d: use a shorter web URL", loc, len(loc), MaxLocation)
	}
	return loc, nil
}
