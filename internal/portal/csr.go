package portal

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
)

// sealADKey is the associated data of the sealed private keys.
const sealADKey = "brasa-portal-key"

// MinPassphraseLen is the shortest "frase de segurança" accepted. OpenSSL
// refuses fewer than 4 characters; we ask for 8.
const MinPassphraseLen = 8

// CSRRequest is the "Registrar Novo CSR" form (seed 000 Anexo I, Etapa 3).
type CSRRequest struct {
	Documento   string // CPF/CNPJ DO ASSOCIADO (optional when the account is known)
	Cooperativa string // COOPERATIVA *
	Conta       string // CONTA *
	NomeArquivo string // NOME DO ARQUIVO * (".csr" is added)
	Frase       string // FRASE DE SEGURANÇA *: encrypts the private key
	NomeComum   string // NOME COMUM *: {NOME_PARCEIRO} of api-parceiros-{NOME_PARCEIRO}.sicredi.net
	Email       string // ENDEREÇO DE E-MAIL DO ASSOCIADO (optional)
}

// UploadRequest registers a CSR made by hand (seed 000 Anexo IV).
type UploadRequest struct {
	Documento   string
	Cooperativa string
	Conta       string
	NomeArquivo string // optional: the uploaded file's name
	CSR         []byte // PEM or DER
}

// resolveDocumento returns the CPF/CNPJ of a CSR request: the one given, or
// the account's when it exists.
func (s *Service) resolveDocumento(ctx context.Context, p *problems, given, cooperativa, conta string) string {
	doc := NormalizeDocumento(given)
	if doc == "" {
		if acc, err := s.d.Store.Account(ctx, cooperativa, conta); err == nil {
			return acc.Documento
		}
		p.add("documento", "Informe o CPF/CNPJ do associado.")
		return ""
	}
	if !validDocumento(doc) {
		p.add("documento", "CPF/CNPJ inválido: informe 11 (CPF) ou 14 (CNPJ) dígitos com dígitos verificadores válidos.")
	}
	return doc
}

// fileName returns nome with ext, refusing names with anything but letters,
// digits, ".", "_" and "-".
func fileName(p *problems, field, nome, ext string) string {
	nome = strings.TrimSpace(nome)
	nome = strings.TrimSuffix(strings.TrimSuffix(nome, ext), strings.ToUpper(ext))
	if !reNomeArquivo.MatchString(nome) {
		p.add(field, "Informe o nome do arquivo: letras, dígitos, '.', '_' e '-', até 64 caracteres.")
		return ""
	}
	return nome + ext
}

// RegisterCSR generates an RSA-2048 key pair and a CSR with the subject of
// seed 000 Anexo IV for the form's nome comum and CPF/CNPJ, and registers
// the CSR on the account as CERTIFICADO_ORIGINAL, EM_PROCESSAMENTO. The
// private key is kept encrypted under the passphrase (for "Download Key")
// and sealed under the master key (for "Download Key (sem frase secreta)").
// EInvalid lists every field problem; EForbidden when dev has no approved
// chamado for the CPF/CNPJ.
func (s *Service) RegisterCSR(ctx context.Context, dev *Developer, req CSRRequest) (*File, error) {
	var p problems
	req.Cooperativa, req.Conta = strings.TrimSpace(req.Cooperativa), strings.TrimSpace(req.Conta)
	checkAccount(&p, req.Cooperativa, req.Conta)
	doc := s.resolveDocumento(ctx, &p, req.Documento, req.Cooperativa, req.Conta)
	nome := fileName(&p, "nomeArquivo", req.NomeArquivo, ".csr")
	if n := utf8.RuneCountInString(req.Frase); n < MinPassphraseLen || n > 1024 {
		p.add("frase", fmt.Sprintf("A frase de segurança deve ter de %d a 1024 caracteres; guarde-a: ela protege a chave privada.", MinPassphraseLen))
	}
	nomeComum := strings.ToLower(strings.TrimSpace(req.NomeComum))
	var subject pkix.Name
	if nomeComum == "" {
		p.add("nomeComum", "Informe o nome comum: o nome principal da razão social (ou o nome fantasia do parceiro), em minúsculas.")
	} else if doc != "" {
		var err error
		if subject, err = certdoctor.SicrediSubject(nomeComum, doc); err != nil {
			p.add("nomeComum", "O nome comum vira api-parceiros-NOME.sicredi.net: use só letras minúsculas, dígitos e hífens.")
		}
	}
	email := strings.TrimSpace(req.Email)
	if email != "" && !validEmail(strings.ToLower(email)) {
		p.add("email", "Informe um endereço de e-mail válido, ou deixe o campo em branco.")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	acc, err := s.ensureAccount(ctx, dev, doc, req.Cooperativa, req.Conta)
	if err != nil {
		return nil, err
	}

	key, err := pki.GenerateKey(s.d.Random, pki.RSA2048)
	if err != nil {
		return nil, err
	}
	var emails []string
	if email != "" {
		emails = []string{email}
	}
	csrPEM, err := pki.CreateCSR(key, subject, emails)
	if err != nil {
		return nil, err
	}
	encrypted, err := pki.EncryptPKCS8PEM(key, []byte(req.Frase), s.d.Random)
	if err != nil {
		return nil, err
	}
	plain, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		return nil, err
	}
	sealed, err := s.d.Sealer.Seal(plain, []byte(sealADKey))
	if err != nil {
		return nil, err
	}
	now := s.d.Clock.Now()
	f := &File{
		ID: newID(s.d.Random), Cooperativa: acc.Cooperativa, Conta: acc.Conta, Documento: acc.Documento,
		Nome: nome, Tipo: TipoOriginal, Status: StatusEmProcessamento, Usuario: dev.Email,
		Content: csrPEM, KeyEncrypted: encrypted, KeySealed: sealed, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.d.Store.CreateFile(ctx, f); err != nil {
		return nil, err
	}
	s.Nudge()
	return f, nil
}

// UploadCSR registers a CSR made by hand with OpenSSL (seed 000 Anexo IV)
// after checking it with [certdoctor.CheckCSR], the check `brasa cert
// doctor` makes too: a PKCS#10 request in PEM or DER, a valid signature, an
// RSA key of 2048 bits or more, and the subject Anexo IV prescribes for the
// CPF/CNPJ informed. EInvalid says what is wrong and how to fix it.
func (s *Service) UploadCSR(ctx context.Context, dev *Developer, req UploadRequest) (*File, error) {
	var p problems
	req.Cooperativa, req.Conta = strings.TrimSpace(req.Cooperativa), strings.TrimSpace(req.Conta)
	checkAccount(&p, req.Cooperativa, req.Conta)
	doc := s.resolveDocumento(ctx, &p, req.Documento, req.Cooperativa, req.Conta)
	nome := "REQUISICAO.csr"
	if strings.TrimSpace(req.NomeArquivo) != "" {
		nome = fileName(&p, "arquivo", req.NomeArquivo, ".csr")
	}
	var csr *x509.CertificateRequest
	if len(req.CSR) == 0 {
		p.add("arquivo", "Escolha o arquivo da requisição (.csr).")
	} else {
		// The same check as `brasa cert doctor` makes, so that the
		// integrator can run it before uploading. The subject is compared
		// only with a valid CPF/CNPJ; resolveDocumento reports the others.
		subjectDoc := ""
		if validDocumento(doc) {
			subjectDoc = doc
		}
		var msgs []string
		csr, msgs = certdoctor.CheckCSR(req.CSR, subjectDoc)
		for _, msg := range msgs {
			p.add("arquivo", msg)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	acc, err := s.ensureAccount(ctx, dev, doc, req.Cooperativa, req.Conta)
	if err != nil {
		return nil, err
	}
	now := s.d.Clock.Now()
	f := &File{
		ID: newID(s.d.Random), Cooperativa: acc.Cooperativa, Conta: acc.Conta, Documento: acc.Documento,
		Nome: nome, Tipo: TipoOriginal, Status: StatusEmProcessamento, Usuario: dev.Email,
		Content: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr.Raw}), CreatedAt: now, UpdatedAt: now,
	}
	if err := s.d.Store.CreateFile(ctx, f); err != nil {
		return nil, err
	}
	s.Nudge()
	return f, nil
}

// DownloadKind names what a file download hands out.
type DownloadKind string

// The downloads the file menu (⋮) offers.
const (
	DownloadContent   DownloadKind = "arquivo"         // the CSR, certificate or chain (PEM)
	DownloadKey       DownloadKind = "chave"           // private key, encrypted under the passphrase
	DownloadKeyNoPass DownloadKind = "chave-sem-senha" // private key without passphrase
)

// Download returns the name and content of what kind asks of file id.
// ENotFound when the file or the download does not exist for dev.
func (s *Service) Download(ctx context.Context, dev *Developer, id string, kind DownloadKind) (string, []byte, error) {
	f, err := s.File(ctx, dev, id)
	if err != nil {
		return "", nil, err
	}
	stem := strings.TrimSuffix(f.Nome, ".csr")
	switch kind {
	case DownloadContent:
		return f.Nome, f.Content, nil
	case DownloadKey:
		if f.HasKey() {
			return stem + ".key", f.KeyEncrypted, nil
		}
	case DownloadKeyNoPass:
		if f.HasKey() {
			plain, err := s.d.Sealer.Open(f.KeySealed, []byte(sealADKey))
			if err != nil {
				return "", nil, err
			}
			return stem + "_sem_senha.key", plain, nil
		}
	}
	return "", nil, errs.New(errs.ENotFound, "Este arquivo não tem esse download.")
}

// GenerateCredential creates a Pix credential ("Gerar nova Credencial")
// bound to the validated certificate fileID, for the CPF/CNPJ documento,
// which must be the certificate's holder. Its scopes are those of the
// modalities of dev's approved chamados for that CPF/CNPJ. The recebedor is
// created, with an EVP key and the CPF/CNPJ key, when it does not exist.
// The secret is in the result only: brasa keeps its hash.
func (s *Service) GenerateCredential(ctx context.Context, dev *Developer, fileID, documento string) (*IssuedCredential, error) {
	f, err := s.File(ctx, dev, fileID)
	if err != nil {
		return nil, err
	}
	if f.Tipo != TipoValidado || f.Status != StatusOK {
		return nil, errs.New(errs.EInvalid, "Credenciais são geradas sobre um certificado validado (CERTIFICADO_VALIDADO com status OK).")
	}
	doc := NormalizeDocumento(documento)
	if doc == "" {
		return nil, invalid("documento", "Informe o CPF/CNPJ do associado.")
	}
	if doc != f.Documento {
		return nil, invalid("documento", "O CPF/CNPJ informado não é o do titular deste certificado.")
	}
	cert, err := s.d.Store.CertificateBySerial(ctx, f.Serial)
	if err != nil {
		return nil, err
	}
	if cert.Status != pki.CertActive {
		return nil, errs.New(errs.EInvalid, "Este certificado foi revogado; registre um novo CSR.")
	}
	if !s.d.Clock.Now().Before(cert.NotAfter) {
		return nil, errs.New(errs.EInvalid, "Este certificado expirou; registre um novo CSR.")
	}
	mods, ok, err := s.access(ctx, dev, doc)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, noAccess(doc)
	}
	chave, err := s.ensureRecebedor(ctx, f, cert)
	if err != nil {
		return nil, err
	}
	secret := oauth.NewSecret()
	scopes := Scopes(mods)
	now := s.d.Clock.Now()
	cred := &oauth.Credential{
		ClientID:    oauth.NewClientID(),
		SecretHash:  s.d.Hasher.Hash(secret),
		Kind:        oauth.KindPix,
		Owner:       doc,
		Scopes:      slices.Sorted(slices.Values(scopes)),
		Thumbprints: []string{f.Thumbprint},
		Status:      oauth.CredentialActive,
		CreatedAt:   now,
	}
	link := &PortalCredential{ClientID: cred.ClientID, FileID: f.ID, DeveloperID: dev.ID, CreatedAt: now}
	if err := s.d.Store.CreatePortalCredential(ctx, cred, link); err != nil {
		return nil, err
	}
	return &IssuedCredential{ClientID: cred.ClientID, ClientSecret: secret, Scopes: scopes, Documento: doc, Chave: chave}, nil
}

// ensureRecebedor makes sure the certificate holder is a recebedor with an
// EVP key, and returns that key. A new recebedor is named after the
// certificate's nome comum and takes the file's account.
func (s *Service) ensureRecebedor(ctx context.Context, f *File, cert *pki.CertificateRecord) (string, error) {
	now := s.d.Clock.Now()
	_, err := s.d.Store.Recebedor(ctx, f.Documento)
	if errs.Is(err, errs.ENotFound) {
		nome := "ASSOCIADO " + f.Documento
		if c, perr := x509.ParseCertificate(cert.DER); perr == nil {
			if n, ok := strings.CutPrefix(c.Subject.CommonName, "api-parceiros-"); ok {
				nome = strings.ToUpper(strings.ReplaceAll(strings.TrimSuffix(n, ".sicredi.net"), "-", " "))
			}
		}
		r := &pix.Recebedor{Documento: f.Documento, Nome: nome, Cidade: "PORTO ALEGRE", UF: "RS",
			Cooperativa: f.Cooperativa, Conta: f.Conta, CreatedAt: now}
		if err := s.d.Store.CreateRecebedor(ctx, r); err != nil && !errs.Is(err, errs.EConflict) {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	chaves, err := s.d.Store.Chaves(ctx, f.Documento)
	if err != nil {
		return "", err
	}
	for _, c := range chaves {
		if c.Tipo == pix.ChaveEVP {
			return c.Chave, nil
		}
	}
	evp := newEVP(s.d.Random)
	tipo := pix.ChaveCNPJ
	if len(f.Documento) == 11 {
		tipo = pix.ChaveCPF
	}
	for _, c := range []pix.Chave{{Chave: evp, Tipo: pix.ChaveEVP}, {Chave: f.Documento, Tipo: tipo}} {
		c.Documento, c.CreatedAt = f.Documento, now
		if err := s.d.Store.CreateChave(ctx, &c); err != nil && !errs.Is(err, errs.EConflict) {
			return "", err
		}
	}
	return evp, nil
}

func newEVP(r io.Reader) string {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		panic("portal: random source failed: " + err.Error())
	}
	// A random UUID: version 4, variant 10 (RFC 9562 §5.4).
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
