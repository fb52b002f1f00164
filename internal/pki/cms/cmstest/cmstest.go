// Package cmstest checks CMS signatures in tests, independently of the code
// that made them: it parses a SignedData with encoding/asn1 to read the
// signer's attributes (openssl does not check that signingCertificateV2
// names the signer), and runs openssl's own verifiers.
package cmstest

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Info is what a test needs of a SignedData's single SignerInfo.
type Info struct {
	Certificates   []*x509.Certificate
	Content        []byte // encapsulated content, when attached
	Attributes     map[string][]byte
	MessageDigest  []byte
	SigningTime    time.Time
	PolicyOID      asn1.ObjectIdentifier
	Signature      []byte
	TimestampToken []byte // DER ContentInfo, when present
	// CertHash, Issuer and Serial are from signingCertificateV2's first
	// ESSCertIDv2.
	CertHash []byte
	Issuer   []byte
	Serial   *big.Int
}

// Parse reads a DER ContentInfo holding a SignedData.
func Parse(der []byte) (*Info, error) {
	var ci struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue `asn1:"explicit,tag:0"`
	}
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, fmt.Errorf("content info: %w", err)
	}
	var sd struct {
		Version    int
		DigestAlgs asn1.RawValue
		Encap      struct {
			Type    asn1.ObjectIdentifier
			Content asn1.RawValue `asn1:"optional,explicit,tag:0"`
		}
		Certs       asn1.RawValue   `asn1:"optional,tag:0"`
		SignerInfos []asn1.RawValue `asn1:"set"`
	}
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("signed data: %w", err)
	}
	info := &Info{Attributes: map[string][]byte{}}
	if len(sd.Encap.Content.Bytes) > 0 {
		if _, err := asn1.Unmarshal(sd.Encap.Content.Bytes, &info.Content); err != nil {
			return nil, err
		}
	}
	certs, err := x509.ParseCertificates(sd.Certs.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certificates: %w", err)
	}
	info.Certificates = certs
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("%d signer infos", len(sd.SignerInfos))
	}
	var si struct {
		Version   int
		SID       asn1.RawValue
		DigestAlg asn1.RawValue
		Signed    asn1.RawValue `asn1:"tag:0"`
		SigAlg    asn1.RawValue
		Signature []byte
		Unsigned  asn1.RawValue `asn1:"optional,tag:1"`
	}
	if _, err := asn1.Unmarshal(sd.SignerInfos[0].FullBytes, &si); err != nil {
		return nil, fmt.Errorf("signer info: %w", err)
	}
	info.Signature = si.Signature
	attrs, err := attributes(si.Signed.Bytes)
	if err != nil {
		return nil, err
	}
	info.Attributes = attrs
	if v, ok := attrs["1.2.840.113549.1.9.4"]; ok {
		_, _ = asn1.Unmarshal(v, &info.MessageDigest)
	}
	if v, ok := attrs["1.2.840.113549.1.9.5"]; ok {
		_, _ = asn1.Unmarshal(v, &info.SigningTime)
	}
	if v, ok := attrs["1.2.840.113549.1.9.16.2.15"]; ok {
		var p struct {
			OID  asn1.ObjectIdentifier
			Rest asn1.RawValue
		}
		if _, err := asn1.Unmarshal(v, &p); err == nil {
			info.PolicyOID = p.OID
		}
	}
	if v, ok := attrs["1.2.840.113549.1.9.16.2.47"]; ok {
		var scv2 struct {
			Certs []struct {
				Hash         []byte
				IssuerSerial struct {
					Names  asn1.RawValue
					Serial *big.Int
				} `asn1:"optional"`
			}
		}
		if _, err := asn1.Unmarshal(v, &scv2); err != nil {
			return nil, fmt.Errorf("signingCertificateV2: %w", err)
		}
		if len(scv2.Certs) > 0 {
			c := scv2.Certs[0]
			info.CertHash, info.Serial = c.Hash, c.IssuerSerial.Serial
			var gn asn1.RawValue
			if _, err := asn1.Unmarshal(c.IssuerSerial.Names.Bytes, &gn); err == nil && gn.Tag == 4 {
				info.Issuer = gn.Bytes
			}
		}
	}
	if len(si.Unsigned.Bytes) > 0 {
		un, err := attributes(si.Unsigned.Bytes)
		if err != nil {
			return nil, err
		}
		info.TimestampToken = un["1.2.840.113549.1.9.16.2.14"]
	}
	return info, nil
}

// attributes reads a SET OF Attribute's content into OID → first value.
func attributes(b []byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	for len(b) > 0 {
		var a struct {
			Type   asn1.ObjectIdentifier
			Values []asn1.RawValue `asn1:"set"`
		}
		rest, err := asn1.Unmarshal(b, &a)
		if err != nil {
			return nil, fmt.Errorf("attribute: %w", err)
		}
		if len(a.Values) != 1 {
			return nil, fmt.Errorf("attribute %v has %d values", a.Type, len(a.Values))
		}
		if _, dup := out[a.Type.String()]; dup {
			return nil, fmt.Errorf("attribute %v repeated", a.Type)
		}
		out[a.Type.String()] = a.Values[0].FullBytes
		b = rest
	}
	return out, nil
}

// MustParse is Parse failing t.
func MustParse(tb testing.TB, der []byte) *Info {
	tb.Helper()
	info, err := Parse(der)
	if err != nil {
		tb.Fatal(err)
	}
	return info
}

// CheckSigningCertificateV2 reports an error unless signingCertificateV2
// names cert: its SHA-256, its issuer and its serial number.
func (i *Info) CheckSigningCertificateV2(cert *x509.Certificate) error {
	sum := sha256.Sum256(cert.Raw)
	switch {
	case i.CertHash == nil:
		return errors.New("no signingCertificateV2 attribute")
	case !bytes.Equal(i.CertHash, sum[:]):
		return errors.New("signingCertificateV2 hash does not name the signer's certificate")
	case !bytes.Equal(i.Issuer, cert.RawIssuer):
		return errors.New("signingCertificateV2 issuer is not the signer's issuer")
	case i.Serial == nil || i.Serial.Cmp(cert.SerialNumber) != 0:
		return errors.New("signingCertificateV2 serial is not the signer's")
	}
	return nil
}

// OpenSSLVerify runs `openssl cms -verify -binary` on der (DER), against
// content when detached (nil: attached), trusting the root at rootPEM. It
// returns openssl's output (the content on success) and an error when the
// signature does not verify.
func OpenSSLVerify(tb testing.TB, rootPEM string, der, content []byte) ([]byte, error) {
	tb.Helper()
	dir := tb.TempDir()
	sig := filepath.Join(dir, "sig.p7s")
	if err := os.WriteFile(sig, der, 0o600); err != nil {
		tb.Fatal(err)
	}
	args := []string{"cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-CAfile", rootPEM, "-out", filepath.Join(dir, "out")}
	if content != nil {
		data := filepath.Join(dir, "data.bin")
		if err := os.WriteFile(data, content, 0o600); err != nil {
			tb.Fatal(err)
		}
		args = append(args, "-content", data)
	}
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		return out, err
	}
	return os.ReadFile(filepath.Join(dir, "out"))
}

// OpenSSLVerifyTimestamp runs `openssl ts -verify` on a TimeStampToken for
// the SHA-256 digest, trusting rootPEM (the issuing CA comes from the
// token).
func OpenSSLVerifyTimestamp(tb testing.TB, rootPEM string, token, digest []byte) ([]byte, error) {
	tb.Helper()
	dir := tb.TempDir()
	p := filepath.Join(dir, "token.der")
	if err := os.WriteFile(p, token, 0o600); err != nil {
		tb.Fatal(err)
	}
	return exec.Command("openssl", "ts", "-verify", "-token_in", "-in", p, "-digest", fmt.Sprintf("%x", digest), "-CAfile", rootPEM).CombinedOutput()
}
