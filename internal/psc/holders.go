package psc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
)

// HolderSpec describes a holder for [Service.CreateHolder].
type HolderSpec struct {
	Documento string // CPF or CNPJ
	Name      string // person's name or razão social, without accents
	Email     string
	Password  string // the certificate password, at least 6 characters
	// BirthDate (ddmmaaaa) of the person, or of a company's responsible
	// person, whose CPF and name ResponsibleCPF and ResponsibleName are.
	BirthDate       string
	ResponsibleCPF  string
	ResponsibleName string
}

// CRLPath and CAIssuerPath are where the web listener serves the issuing
// CA's CRL and certificate, named in cloud certificates.
const (
	CRLPath      = "/psc/lcr/brasa-ac.crl"
	CRLPath2     = "/psc/lcr2/brasa-ac.crl" // ICP-Brasil certificates name two CRL points
	CAIssuerPath = "/psc/ac/brasa-ac.der"
	CPSPath      = "/psc/dpc"
)

// CreateHolder creates a holder with a cloud certificate ("e-CPF A3 em
// nuvem" or "e-CNPJ A3 em nuvem") on a fresh RSA-2048 key issued by the brasa
// CA with the ICP-Brasil profile; the key is sealed under the master key and
// the password kept as an argon2id hash.
func (s *Service) CreateHolder(ctx context.Context, spec HolderSpec) (*Holder, *Certificate, error) {
	doc := onlyDigits(spec.Documento)
	typ := TypeOf(doc)
	if typ == "" {
		return nil, nil, errs.New(errs.EInvalid, "psc: documento must be a CPF (11 digits) or a CNPJ (14)")
	}
	if len(spec.Password) < 6 {
		return nil, nil, errs.New(errs.EInvalid, "psc: the certificate password needs at least 6 characters")
	}
	if strings.TrimSpace(spec.Name) == "" {
		return nil, nil, errs.New(errs.EInvalid, "psc: name is required")
	}
	if typ == CNPJ && TypeOf(onlyDigits(spec.ResponsibleCPF)) != CPF {
		return nil, nil, errs.New(errs.EInvalid, "psc: a company holder needs its responsible person's CPF")
	}
	if _, err := s.Store.PSCHolder(ctx, doc); err == nil {
		return nil, nil, &errs.Error{Kind: errs.EConflict, Message: "psc: holder exists"}
	} else if !errs.Is(err, errs.ENotFound) {
		return nil, nil, err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	req := pki.ICPBrasilRequest{
		PublicKey: key.Public(), Name: spec.Name, CPF: doc, BirthDate: spec.BirthDate, Email: spec.Email,
		IssuerName: "AC brasa", ProductOU: "RFB e-CPF A3", RACNPJ: "12345678000195", Identification: "videoconferencia",
		CRLURLs: []string{s.WebURL + CRLPath, s.WebURL + CRLPath2}, CAIssuerURL: s.WebURL + CAIssuerPath, CPSURL: s.WebURL + CPSPath,
		Validity: CertificateValidity,
	}
	label := "e-CPF A3 em nuvem"
	if typ == CNPJ {
		req.CPF, req.CNPJ, req.ResponsibleName, req.ProductOU = onlyDigits(spec.ResponsibleCPF), doc, spec.ResponsibleName, "RFB e-CNPJ A3"
		label = "e-CNPJ A3 em nuvem"
	}
	cert, err := s.CA.IssueICPBrasil(req)
	if err != nil {
		return nil, nil, errs.Wrap(errs.EInvalid, err, "psc: "+err.Error())
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	alias := newUUID()
	sealed, err := s.Sealer.Seal(pkcs8, keyAD(alias))
	if err != nil {
		return nil, nil, err
	}
	hash, err := oauth.HashPassword(spec.Password)
	if err != nil {
		return nil, nil, err
	}
	now := s.Clock.Now()
	h := &Holder{Documento: doc, Type: typ, Name: strings.ToUpper(strings.TrimSpace(spec.Name)), Email: spec.Email, PasswordHash: hash, CreatedAt: now}
	c := Certificate{Alias: alias, Documento: doc, Label: label, CertDER: cert.Raw, SealedKey: sealed, NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, CreatedAt: now}
	if err := s.Store.CreatePSCHolder(ctx, h, []Certificate{c}); err != nil {
		return nil, nil, err
	}
	return h, &c, nil
}

// keyAD binds a sealed key to its certificate alias.
func keyAD(alias string) []byte { return []byte("brasa-psc-key/" + alias) }

// cachedKey is an opened holder key kept in memory for a short time: opening
// and parsing a key per signature would cost more than a fast signature.
type cachedKey struct {
	c       *Certificate
	key     *rsa.PrivateKey
	cert    *x509.Certificate
	expires time.Time
}

// keyCacheTTL is how long an opened key stays in memory.
const keyCacheTTL = time.Minute

// signingKey returns the holder's certificate to sign with: alias, or the
// holder's first valid certificate when alias is empty.
// The choice (documento, alias) → certificate and opened key is cached
// together for a minute, so a session's signatures cost no database read.
func (s *Service) signingKey(ctx context.Context, documento, alias string) (*Certificate, *rsa.PrivateKey, *x509.Certificate, error) {
	now := s.Clock.Now()
	cacheKey := documento + "/" + alias
	s.keysMu.Lock()
	ck, ok := s.keys[cacheKey]
	s.keysMu.Unlock()
	if ok && now.Before(ck.expires) && !now.After(ck.c.NotAfter) {
		return ck.c, ck.key, ck.cert, nil
	}
	certs, err := s.Store.PSCCertificates(ctx, documento)
	if err != nil {
		return nil, nil, nil, err
	}
	var c *Certificate
	for i := range certs {
		if alias != "" && certs[i].Alias != alias {
			continue
		}
		if now.Before(certs[i].NotBefore) || now.After(certs[i].NotAfter) {
			continue
		}
		c = &certs[i]
		break
	}
	if c == nil {
		if alias != "" {
			return nil, nil, nil, Error(CodeInvalidRequest, "certificate_alias não pertence ao titular ou não está válido")
		}
		return nil, nil, nil, Error(CodeAccessDenied, "O titular não tem certificado válido")
	}
	der, err := s.Sealer.Open(c.SealedKey, keyAD(c.Alias))
	if err != nil {
		return nil, nil, nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, nil, nil, err
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, nil, errors.New("psc: holder key is not RSA")
	}
	cert, err := x509.ParseCertificate(c.CertDER)
	if err != nil {
		return nil, nil, nil, err
	}
	s.keysMu.Lock()
	if len(s.keys) > 10000 {
		clear(s.keys)
	}
	s.keys[cacheKey] = cachedKey{c: c, key: key, cert: cert, expires: now.Add(keyCacheTTL)}
	s.keysMu.Unlock()
	return c, key, cert, nil
}

// CertificateInfo is a certificate as certificate-discovery shows it.
type CertificateInfo struct {
	Alias string
	PEM   string // with \r\n line ends, as the seed's example
}

// Certificates lists the token holder's valid certificates, or only alias
// (GET /v0/oauth/certificate-discovery); an expired certificate is never
// offered.
func (s *Service) Certificates(ctx context.Context, t *Token, alias string) ([]CertificateInfo, error) {
	if t.Documento == "" {
		return nil, Error(CodeAccessDenied, "O token não foi autorizado por um titular")
	}
	certs, err := s.Store.PSCCertificates(ctx, t.Documento)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var out []CertificateInfo
	for _, c := range certs {
		if alias != "" && c.Alias != alias {
			continue
		}
		if !c.ValidAt(now) { // as user-discovery: only certificates in their normative validity
			continue
		}
		p := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.CertDER})
		out = append(out, CertificateInfo{Alias: c.Alias, PEM: strings.ReplaceAll(string(p), "\n", "\r\n")})
	}
	return out, nil
}

// ValidAt reports whether c is within its validity at t.
func (c *Certificate) ValidAt(t time.Time) bool {
	return !t.Before(c.NotBefore) && !t.After(c.NotAfter)
}

// hasValidCertificate refuses, with access_denied, a holder documento none
// of whose certificates is valid now: the holder could authorize nothing
// that signs.
func (s *Service) hasValidCertificate(ctx context.Context, documento string) error {
	certs, err := s.Store.PSCCertificates(ctx, documento)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	for i := range certs {
		if certs[i].ValidAt(now) {
			return nil
		}
	}
	return Error(CodeAccessDenied, "O titular não tem certificado válido (expirado ou ainda não válido)")
}
