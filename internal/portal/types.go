package portal

import (
	"slices"
	"time"

	"github.com/brasa-dev/brasa/internal/oauth"
)

// Developer is a person with a portal account ("Criar Conta").
type Developer struct {
	ID           string
	Email        string // lowercased; unique
	Name         string
	PasswordHash string // argon2id PHC string (oauth.HashPassword)
	CreatedAt    time.Time
}

// Session is a logged-in browser. TokenHash is the SHA-256 of the cookie's
// token: a database leak does not hand out sessions.
type Session struct {
	TokenHash   []byte
	DeveloperID string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// ChamadoTipo is the kind of a support ticket.
type ChamadoTipo string

// The ticket types. Only "Acesso à API Pix" exists (seed 000 Anexo I, Etapa 2).
const (
	TipoAcessoAPIPix ChamadoTipo = "ACESSO_API_PIX"
)

// Label is how the type reads in the portal.
func (t ChamadoTipo) Label() string {
	if t == TipoAcessoAPIPix {
		return "Acesso à API Pix"
	}
	return string(t)
}

// ChamadoStatus is where a ticket stands.
type ChamadoStatus string

// The ticket states.
const (
	ChamadoAberto   ChamadoStatus = "ABERTO"   // waiting for an operator
	ChamadoAprovado ChamadoStatus = "APROVADO" // access granted
	ChamadoRecusado ChamadoStatus = "RECUSADO"
)

// Chamado is a developer's request for access to an associado's files: the
// CNPJ of the associado and the ID da adesão (the number of the integration
// request the cooperativa opened, seed 000 §7.2).
type Chamado struct {
	ID          string
	DeveloperID string
	Tipo        ChamadoTipo
	CNPJ        string // digits (or the alphanumeric CNPJ), no punctuation
	IDAdesao    string
	Status      ChamadoStatus
	// Modalidades are the contract's modalities, set on approval; they
	// decide the scopes of the credentials generated for this CNPJ.
	Modalidades []Modalidade
	CreatedAt   time.Time
	DecidedAt   time.Time // zero while ABERTO
}

// Modalidade is a way of receiving Pix through the API that an associado
// contracts with the cooperativa (seed 000 Anexo III, "Modalidades de
// recebimento via API Pix e respectivos escopos").
type Modalidade string

// The modalities.
const (
	ModalidadeCobranca           Modalidade = "cob"  // Cobrança Imediata: cob.write, cob.read
	ModalidadeCobrancaVencimento Modalidade = "cobv" // Cobrança com Vencimento: cobv.*, lotecobv.*
)

// AllModalidades are every modality, in the order the seed lists them.
var AllModalidades = []Modalidade{ModalidadeCobranca, ModalidadeCobrancaVencimento}

// Label is how the modality reads in the portal.
func (m Modalidade) Label() string {
	switch m {
	case ModalidadeCobranca:
		return "Cobrança Imediata"
	case ModalidadeCobrancaVencimento:
		return "Cobrança com Vencimento"
	}
	return string(m)
}

// Scopes returns the scopes a contract with modalidades grants: each
// modality's own, plus the Pix, webhook and location scopes every contract
// gets (oauth.PixScopes order, no duplicates).
func Scopes(modalidades []Modalidade) []string {
	want := map[string]bool{}
	for _, s := range slices.Concat(oauth.ScopesPixRecebidos, oauth.ScopesWebhook, oauth.ScopesLocation) {
		want[s] = true
	}
	for _, m := range modalidades {
		switch m {
		case ModalidadeCobranca:
			for _, s := range oauth.ScopesCobranca {
				want[s] = true
			}
		case ModalidadeCobrancaVencimento:
			for _, s := range oauth.ScopesCobrancaVencimento {
				want[s] = true
			}
		}
	}
	var out []string
	for _, s := range oauth.PixScopes {
		if want[s] {
			out = append(out, s)
		}
	}
	return out
}

// ParseModalidade returns the modality named s ("cob" or "cobv").
func ParseModalidade(s string) (Modalidade, bool) {
	m := Modalidade(s)
	return m, slices.Contains(AllModalidades, m)
}

// Account is an associado's account (cooperativa + conta) whose files a
// developer handles. It belongs to one CPF/CNPJ, fixed by the first CSR
// registered for it (or by an existing recebedor).
type Account struct {
	Cooperativa string
	Conta       string
	Documento   string
	CreatedAt   time.Time
}

// FileTipo is the type column of the file list (seed 000 Anexo I, Etapa 3).
type FileTipo string

// The file types.
const (
	TipoOriginal FileTipo = "CERTIFICADO_ORIGINAL" // a CSR
	TipoValidado FileTipo = "CERTIFICADO_VALIDADO" // the certificate the CA signed
	TipoCadeia   FileTipo = "CERTIFICADO_CADEIA"   // the full chain
)

// FileStatus is the status column of the file list.
type FileStatus string

// The file states.
const (
	StatusEmProcessamento FileStatus = "EM_PROCESSAMENTO" // the CA has not signed the CSR yet
	StatusOK              FileStatus = "OK"
	StatusRecusado        FileStatus = "RECUSADO" // the CA refused the CSR (see File.Message)
)

// File is one row of an account's file list.
type File struct {
	ID          string
	Cooperativa string
	Conta       string
	Documento   string
	Nome        string // "Nome do Arquivo": APLICACAO.csr, certificado.cer ...
	Tipo        FileTipo
	Status      FileStatus
	Usuario     string // "Usuário": the developer's e-mail
	OriginID    string // the CSR a validated certificate or chain came from
	Serial      string // validated certificates: the certificate's hex serial
	Thumbprint  string // validated certificates: x5t#S256
	Message     string // why a CSR was refused
	Content     []byte // PEM: CSR, certificate or chain
	// KeyEncrypted is the private key as encrypted PKCS#8 PEM under the
	// developer's passphrase, for CSRs brasa generated; nil otherwise.
	KeyEncrypted []byte
	// KeySealed is the unencrypted private key PEM sealed under the master
	// key, for CSRs brasa generated; nil otherwise.
	KeySealed []byte
	CreatedAt time.Time // "Data de Importação"
	UpdatedAt time.Time // "Data de Atualização"
}

// HasKey reports whether brasa generated the file's private key (so both key
// downloads are offered).
func (f *File) HasKey() bool { return len(f.KeySealed) > 0 }

// PortalCredential records a credential generated in the portal on a
// validated certificate.
type PortalCredential struct {
	ClientID    string
	FileID      string
	DeveloperID string
	CreatedAt   time.Time
}

// IssuedCredential is what "Gerar nova Credencial" shows once.
type IssuedCredential struct {
	ClientID     string
	ClientSecret string
	Scopes       []string
	Documento    string
	// Chave is a Pix key (EVP) of the recebedor, to create charges with.
	Chave string
}
