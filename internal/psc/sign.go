package psc

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki/cms"
)

// Signature formats (seed §3.2; RAW_DATA is the seed's other name of RAW).
const (
	FormatRAW             = "RAW"
	FormatRAWData         = "RAW_DATA"
	FormatRAWDigestedData = "RAW_DIGESTED_DATA"
	FormatCMS             = "CMS"
	FormatCAdESADRB       = "CAdES_AD_RB"
	FormatCAdESADRT       = "CAdES_AD_RT"
	FormatPAdESADRB       = "PAdES_AD_RB"
	FormatPAdESADRT       = "PAdES_AD_RT"
)

// Padding methods.
const (
	PaddingPKCS1 = "PKCS1V1_5"
	PaddingPSS   = "PSS"
	PaddingNone  = "NONE"
)

// HashRequest is one element of the signature request's hashes.
type HashRequest struct {
	ID               string
	Alias            string
	Hash             string // base64 (hex accepted)
	HashAlgorithm    string // OID
	SignatureFormat  string
	PaddingMethod    string
	PDFSignaturePage bool
	// Content is the decoded base64_content; nil when absent.
	Content []byte
}

// SignRequest is the body of POST /v0/oauth/signature.
type SignRequest struct {
	CertificateAlias string
	Hashes           []HashRequest
}

// Signature is one result: Raw (raw_signature) for hashes, File
// (file_base64_signed) for content, as pieces to concatenate (a signed PDF is
// the original followed by its incremental update, never copied into one
// buffer).
type Signature struct {
	ID   string
	Raw  []byte
	File [][]byte
}

// SignResult is the answer of POST /v0/oauth/signature.
type SignResult struct {
	CertificateAlias string
	Signatures       []Signature
}

// prepared is a validated hash request.
type prepared struct {
	HashRequest
	hash   crypto.Hash
	digest []byte // the hash (RAW, CMS, CAdES) or DigestInfo (RAW_DIGESTED_DATA)
	format string
}

// Sign signs the request's hashes with the token holder's key (seed §3.2).
// Checks, in order: the token's scope signs (authentication_session and
// client tokens do not: access_denied); at most 20 hashes (429, the seed's
// limit), exactly one for single_signature; every hash well-formed; the
// holder's 100 calls and the application's 5,000 signatures per minute
// (429); a single_signature or multi_signature token is then spent, even if
// signing fails.
func (s *Service) Sign(ctx context.Context, t *Token, r SignRequest) (*SignResult, error) {
	if t.Documento == "" || t.Scope == ScopeAuthentication || !t.Scope.Valid() {
		return nil, Error(CodeAccessDenied, "O escopo do token não permite assinar")
	}
	switch {
	case len(r.Hashes) == 0:
		return nil, Error(CodeInvalidRequest, "hashes é obrigatório")
	case len(r.Hashes) > MaxDocuments:
		return nil, tooMany(time.Second)
	case t.Scope == ScopeSingle && len(r.Hashes) != 1:
		return nil, Error(CodeInvalidRequest, "single_signature assina exatamente um hash")
	}
	items := make([]prepared, len(r.Hashes))
	for i, h := range r.Hashes {
		p, err := prepare(i, h)
		if err != nil {
			return nil, err
		}
		items[i] = p
	}
	now := s.Clock.Now()
	if err := s.limits2(ctx, now, time.Minute,
		[]Increment{{"sign-calls:" + t.Documento, 1}, {"signatures:" + t.ClientID, int64(len(items))}},
		[]int64{s.limits.SignCallsPerMinute, s.limits.SignaturesPerMinuteApp}); err != nil {
		return nil, err
	}
	c, key, cert, err := s.signingKey(ctx, t.Documento, r.CertificateAlias)
	if err != nil {
		return nil, err
	}
	if t.Scope.OneUse() {
		if err := s.Store.UsePSCToken(ctx, t.ID, now); err != nil {
			if errs.Is(err, errs.EConflict) {
				return nil, Error(CodeInvalidToken, "access_token já utilizado")
			}
			return nil, err
		}
	}
	res := &SignResult{CertificateAlias: c.Alias, Signatures: make([]Signature, len(items))}
	for i, p := range items {
		sig, err := s.signOne(p, key, cert, now)
		if err != nil {
			return nil, err
		}
		res.Signatures[i] = sig
	}
	return res, nil
}

// prepare validates one hash request.
func prepare(i int, h HashRequest) (prepared, error) {
	field := func(name string) string { return fmt.Sprintf("hashes[%d].%s", i, name) }
	p := prepared{HashRequest: h, format: h.SignatureFormat}
	if p.format == "" {
		p.format = FormatRAW
	}
	if p.format == FormatRAWData {
		p.format = FormatRAW
	}
	switch p.format {
	case FormatRAW, FormatRAWDigestedData, FormatCMS, FormatCAdESADRB, FormatCAdESADRT, FormatPAdESADRB, FormatPAdESADRT:
	default:
		return p, Error(CodeInvalidRequest, "%s não suportado: %q", field("signature_format"), h.SignatureFormat)
	}
	switch h.PaddingMethod {
	case "", PaddingPKCS1:
	case PaddingPSS, PaddingNone:
		if p.format != FormatRAW && !(p.format == FormatCMS && h.PaddingMethod == PaddingPSS) {
			return p, Error(CodeInvalidRequest, "%s %s só se aplica a RAW", field("padding_method"), h.PaddingMethod)
		}
	default:
		return p, Error(CodeInvalidRequest, "%s deve ser NONE, PKCS1V1_5 ou PSS", field("padding_method"))
	}
	alg := h.HashAlgorithm
	if alg == "" {
		alg = cms.OIDSHA256.String()
	}
	var ok bool
	if p.hash, ok = cms.HashByOID(alg); !ok {
		return p, Error(CodeInvalidRequest, "%s não suportado: %q (SHA-256, SHA-384 ou SHA-512)", field("hash_algorithm"), h.HashAlgorithm)
	}
	if len(h.Content) > MaxContent {
		return p, Error(CodeInvalidRequest, "%s excede 7 MB", field("base64_content"))
	}
	if strings.HasPrefix(p.format, "PAdES") {
		if h.Content == nil {
			return p, Error(CodeInvalidRequest, "%s é obrigatório para %s", field("base64_content"), p.format)
		}
		if !bytes.HasPrefix(h.Content, []byte("%PDF-")) {
			return p, Error(CodeInvalidRequest, "%s não é um PDF", field("base64_content"))
		}
		p.hash = crypto.SHA256
		return p, nil
	}
	var digest []byte
	if h.Hash != "" {
		var err error
		if digest, err = decodeHash(h.Hash); err != nil {
			return p, Error(CodeInvalidRequest, "%s deve estar em base64 (ou hexadecimal)", field("hash"))
		}
	}
	if h.Content != nil && p.format != FormatRAWDigestedData {
		hh := p.hash.New()
		hh.Write(h.Content)
		sum := hh.Sum(nil)
		if digest != nil && !bytes.Equal(digest, sum) {
			return p, Error(CodeInvalidRequest, "%s não é o hash de base64_content", field("hash"))
		}
		digest = sum
	}
	if digest == nil {
		return p, Error(CodeInvalidRequest, "%s é obrigatório", field("hash"))
	}
	switch {
	case p.format == FormatRAWDigestedData:
		if err := checkDigestInfo(digest, p.hash); err != nil {
			return p, Error(CodeInvalidRequest, "%s deve ser um DigestInfo DER (%v) para RAW_DIGESTED_DATA", field("hash"), err)
		}
	case h.PaddingMethod == PaddingNone:
		if len(digest) != 256 {
			return p, Error(CodeInvalidRequest, "%s com padding NONE deve ter 256 bytes", field("hash"))
		}
	case len(digest) != p.hash.Size():
		return p, Error(CodeInvalidRequest, "%s tem %d bytes; %v tem %d", field("hash"), len(digest), p.hash, p.hash.Size())
	}
	p.digest = digest
	return p, nil
}

// decodeHash reads base64 (standard or URL, padded or not) or hex.
func decodeHash(s string) ([]byte, error) {
	s = strings.Join(strings.Fields(s), "")
	if len(s)%2 == 0 && isHex(s) && (len(s) == 64 || len(s) == 96 || len(s) == 128) {
		return hex.DecodeString(s)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	if isHex(s) {
		return hex.DecodeString(s)
	}
	return nil, errors.New("not base64 nor hex")
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// checkDigestInfo checks b is a DigestInfo of h.
func checkDigestInfo(b []byte, h crypto.Hash) error {
	var di struct {
		Alg struct {
			OID    asn1.ObjectIdentifier
			Params asn1.RawValue `asn1:"optional"`
		}
		Digest []byte
	}
	rest, err := asn1.Unmarshal(b, &di)
	if err != nil || len(rest) > 0 {
		return errors.New("DER inválido")
	}
	want, _ := cms.HashOID(h)
	if !di.Alg.OID.Equal(want) || len(di.Digest) != h.Size() {
		return fmt.Errorf("algoritmo %v ou tamanho incorreto", di.Alg.OID)
	}
	return nil
}

// signOne produces one signature.
func (s *Service) signOne(p prepared, key *rsa.PrivateKey, cert *x509.Certificate, now time.Time) (Signature, error) {
	out := Signature{ID: p.ID}
	chain := []*x509.Certificate{s.CA.Intermediate}
	var err error
	switch p.format {
	case FormatRAW:
		switch p.PaddingMethod {
		case PaddingPSS:
			out.Raw, err = rsa.SignPSS(rand.Reader, key, p.hash, p.digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		case PaddingNone:
			out.Raw, err = rawRSA(key, p.digest)
		default:
			out.Raw, err = rsa.SignPKCS1v15(nil, key, p.hash, p.digest)
		}
	case FormatRAWDigestedData:
		out.Raw, err = rsa.SignPKCS1v15(nil, key, crypto.Hash(0), p.digest)
	case FormatCMS, FormatCAdESADRB, FormatCAdESADRT:
		o := cms.Options{Signer: key, Certificate: cert, Chain: chain, Hash: p.hash, Digest: p.digest, PSS: p.PaddingMethod == PaddingPSS}
		switch p.format {
		case FormatCMS:
			o.SigningTime = now
		case FormatCAdESADRB:
			o.SigningTime, o.Policy = now, cms.PolicyCAdESADRB
		case FormatCAdESADRT:
			if s.TSA == nil {
				return out, Error(CodeInvalidRequest, "CAdES_AD_RT indisponível: sem autoridade de carimbo do tempo")
			}
			o.SigningTime, o.Policy, o.Timestamp = now, cms.PolicyCAdESADRT, s.TSA.Timestamper()
		}
		if p.Content != nil {
			o.Content, o.Attached = p.Content, true
		}
		var der []byte
		if der, err = cms.Sign(o); err == nil {
			if p.Content != nil {
				out.File = [][]byte{der}
			} else {
				out.Raw = der
			}
		}
	case FormatPAdESADRB, FormatPAdESADRT:
		policy, ts := cms.PolicyPAdESADRB, (func([]byte) ([]byte, error))(nil)
		if p.format == FormatPAdESADRT {
			if s.TSA == nil {
				return out, Error(CodeInvalidRequest, "PAdES_AD_RT indisponível: sem autoridade de carimbo do tempo")
			}
			policy, ts = cms.PolicyPAdESADRT, s.TSA.Timestamper()
		}
		name := cert.Subject.CommonName
		if i := strings.LastIndexByte(name, ':'); i > 0 {
			name = name[:i]
		}
		var inc []byte
		inc, err = cms.SignPDF(p.Content, cms.PDFOptions{
			Name: name, Reason: "Assinatura digital ICP-Brasil", Location: "brasa PSC", SigningTime: now,
			Visible: p.PDFSignaturePage, RT: ts != nil,
			Stamp: []string{
				"Assinado digitalmente por " + name,
				"Certificado: " + cert.Subject.CommonName,
				"Data: " + now.In(brasilia).Format("02/01/2006 15:04:05") + " (Brasilia)",
				"Politica: " + policy.Name + " (ICP-Brasil)",
			},
		}, func(digest []byte) ([]byte, error) {
			return cms.Sign(cms.Options{Signer: key, Certificate: cert, Chain: chain, Hash: crypto.SHA256, Digest: digest, Policy: policy, Timestamp: ts})
		})
		if err == nil {
			out.File = [][]byte{p.Content, inc}
		}
		if errors.Is(err, cms.ErrBadPDF) {
			return out, Error(CodeInvalidRequest, "base64_content: %v", err)
		}
	}
	if err != nil {
		return out, fmt.Errorf("psc: signing %s: %w", p.format, err)
	}
	return out, nil
}

// rawRSA is textbook RSA over a modulus-sized block (padding NONE: the
// application padded it).
func rawRSA(key *rsa.PrivateKey, block []byte) ([]byte, error) {
	m := new(big.Int).SetBytes(block)
	if m.Cmp(key.N) >= 0 {
		return nil, Error(CodeInvalidRequest, "hash com padding NONE deve ser menor que o módulo")
	}
	c := new(big.Int).Exp(m, key.D, key.N)
	out := make([]byte, key.Size())
	return c.FillBytes(out), nil
}

// brasilia is the zone of the visible stamp's time.
var brasilia = func() *time.Location {
	if l, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		return l
	}
	return time.FixedZone("BRT", -3*3600)
}()
