package psc

import (
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"
)

func TestDecodeHashAcceptsBase64VariantsAndHex(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	for _, in := range []string{
		base64.StdEncoding.EncodeToString(sum[:]),
		base64.RawStdEncoding.EncodeToString(sum[:]),
		base64.URLEncoding.EncodeToString(sum[:]),
		base64.RawURLEncoding.EncodeToString(sum[:]),
		hex.EncodeToString(sum[:]),
		"  " + base64.StdEncoding.EncodeToString(sum[:])[:20] + "\r\n" + base64.StdEncoding.EncodeToString(sum[:])[20:],
	} {
		p, err := prepare(0, HashRequest{Hash: in})
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if string(p.digest) != string(sum[:]) {
			t.Fatalf("%q decoded to %x", in, p.digest)
		}
	}
	if _, err := prepare(0, HashRequest{Hash: "not base64!"}); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestPrepareDefaultsAndChecks(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	p, err := prepare(0, HashRequest{Hash: b64, SignatureFormat: "RAW_DATA"})
	if err != nil || p.format != FormatRAW || p.hash != crypto.SHA256 {
		t.Fatalf("RAW_DATA: %+v %v", p, err)
	}
	for name, h := range map[string]HashRequest{
		"sha512 with a 32-byte hash": {Hash: b64, HashAlgorithm: "2.16.840.1.101.3.4.2.3"},
		"PSS for CAdES":              {Hash: b64, SignatureFormat: "CAdES_AD_RB", PaddingMethod: "PSS"},
		"hash not of content":        {Hash: b64, Content: []byte("y")},
		"NONE with 32 bytes":         {Hash: b64, PaddingMethod: "NONE"},
	} {
		if _, err := prepare(0, h); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if p, err := prepare(0, HashRequest{Content: []byte("x")}); err != nil || string(p.digest) != string(sum[:]) {
		t.Fatalf("content only: %v", err)
	}
}

func TestWindowAndLifetimeCaps(t *testing.T) {
	at := time.Unix(1_000_000_123, 0)
	if window(at, time.Minute) != 1_000_000_080 || window(at, time.Second) != 1_000_000_123 {
		t.Fatal("window")
	}
	if capLifetime(40*24*time.Hour, CPF) != MaxLifetimePF || capLifetime(40*24*time.Hour, CNPJ) != MaxLifetimePJ || capLifetime(time.Hour, CPF) != time.Hour {
		t.Fatal("caps")
	}
	if TypeOf("12345678909") != CPF || TypeOf("12345678000195") != CNPJ || TypeOf("1234567890a") != "" || TypeOf("") != "" {
		t.Fatal("TypeOf")
	}
	if onlyDigits("123.456.789-09") != "12345678909" || onlyDigits("12.345.678/0001-95") != "12345678000195" {
		t.Fatal("onlyDigits")
	}
}

func TestSealedValuesRefuseTampering(t *testing.T) {
	s := &Service{Deps: Deps{Key: make([]byte, 32)}}
	v := s.seal(purposeToken, "abc")
	if id, ok := s.unseal(purposeToken, v); !ok || id != "abc" {
		t.Fatal("round trip")
	}
	if _, ok := s.unseal(purposeCode, v); ok {
		t.Fatal("a token accepted as a code")
	}
	if _, ok := s.unseal(purposeToken, "abd"+v[3:]); ok {
		t.Fatal("another id accepted with the MAC of abc")
	}
}
