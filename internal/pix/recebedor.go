package pix

import (
	"regexp"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
)

// Recebedor is the holder of an account at the PSP who receives Pix: a person
// (CPF) or a company (CNPJ). Every credential belongs to one Recebedor and
// reaches only its resources. Documento is the CPF (11 digits) or CNPJ (14
// characters, alphanumeric since API 2.9.0) and is the recebedor's key.
type Recebedor struct {
	Documento    string
	Nome         string // legal name; the BR Code carries its first 25 characters
	NomeFantasia string
	Logradouro   string
	Cidade       string // BR Code field 60 (at most 15 characters are used)
	UF           string
	CEP          string
	Cooperativa  string // Sicredi's cooperative number (seed 000 §7), e.g. "0116"
	Conta        string // account number within the cooperative, e.g. "471406"
	CreatedAt    time.Time
}

// IsPJ reports whether the recebedor is a company (has a CNPJ).
func (r *Recebedor) IsPJ() bool { return len(r.Documento) == 14 }

// Validate reports every problem of r at once.
func (r *Recebedor) Validate() error {
	var v []errs.Violation
	if !ValidCPF(r.Documento) && !ValidCNPJ(r.Documento) {
		v = append(v, errs.Violation{Property: "documento", Reason: "CPF ou CNPJ inválido", Value: r.Documento})
	}
	if strings.TrimSpace(r.Nome) == "" || len(r.Nome) > 200 {
		v = append(v, errs.Violation{Property: "nome", Reason: "nome é obrigatório e tem no máximo 200 caracteres"})
	}
	if strings.TrimSpace(r.Cidade) == "" {
		v = append(v, errs.Violation{Property: "cidade", Reason: "cidade é obrigatória"})
	}
	if len(v) > 0 {
		return &errs.Error{Kind: errs.EInvalid, Message: "recebedor inválido", Violations: v}
	}
	return nil
}

// ChaveTipo is the kind of a Pix key (DICT): CPF, CNPJ, e-mail, phone or a
// random key (EVP).
type ChaveTipo string

// The DICT key kinds.
const (
	ChaveCPF      ChaveTipo = "CPF"
	ChaveCNPJ     ChaveTipo = "CNPJ"
	ChaveEmail    ChaveTipo = "EMAIL"
	ChaveTelefone ChaveTipo = "TELEFONE"
	ChaveEVP      ChaveTipo = "EVP"
)

// Chave is a Pix key registered to a recebedor. A key belongs to exactly one
// recebedor.
type Chave struct {
	Chave     string
	Tipo      ChaveTipo
	Documento string // the owner's CPF/CNPJ
	CreatedAt time.Time
}

// MaxChave is the spec's limit on a chave's length.
const MaxChave = 77

var (
	reTelefone = regexp.MustCompile(`^\+55[1-9][0-9]{10}$`) // +55, DDD, 9 digits (mobile)
	reEmail    = regexp.MustCompile(`^[a-z0-9.!#$&'*+/=?^_{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$`)
	reEVP      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// ParseChave reports the kind of key s is, following DICT's formats: CPF (11
// digits, valid check digits), CNPJ (14 characters, valid check digits),
// e-mail (lowercase, at most 77 characters), phone in E.164 with +55, or EVP
// (a lowercase UUID). It returns an EInvalid error for anything else.
func ParseChave(s string) (ChaveTipo, error) {
	switch {
	case len(s) == 0 || len(s) > MaxChave:
	case ValidCPF(s):
		return ChaveCPF, nil
	case ValidCNPJ(s):
		return ChaveCNPJ, nil
	case reTelefone.MatchString(s):
		return ChaveTelefone, nil
	case reEVP.MatchString(s):
		return ChaveEVP, nil
	case reEmail.MatchString(s):
		return ChaveEmail, nil
	}
	return "", errs.Invalid("chave", "chave Pix em formato inválido")
}

// ValidCPF reports whether s is 11 digits with correct check digits, and not a
// run of one repeated digit.
func ValidCPF(s string) bool {
	if len(s) != 11 {
		return false
	}
	same := true
	for i := 0; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if s[i] != s[0] {
			same = false
		}
	}
	if same {
		return false
	}
	for n := 9; n <= 10; n++ {
		sum := 0
		for i := 0; i < n; i++ {
			sum += int(s[i]-'0') * (n + 1 - i)
		}
		d := sum * 10 % 11 % 10
		if d != int(s[n]-'0') {
			return false
		}
	}
	return true
}

// ValidCNPJ reports whether s is a CNPJ with correct check digits: 12
// characters of [0-9A-Z] (alphanumeric CNPJ, API 2.9.0 and RFB's 2026 rule:
// each character counts as its ASCII code minus 48) then 2 check digits.
func ValidCNPJ(s string) bool {
	if len(s) != 14 {
		return false
	}
	same := true
	for i := 0; i < 14; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && !(i < 12 && c >= 'A' && c <= 'Z') {
			return false
		}
		if c != s[0] {
			same = false
		}
	}
	if same {
		return false
	}
	for n := 12; n <= 13; n++ {
		sum, w := 0, n-7
		for i := 0; i < n; i++ {
			sum += int(s[i]-'0') * w
			w--
			if w < 2 {
				w = 9
			}
		}
		d := 11 - sum%11
		if d >= 10 {
			d = 0
		}
		if d != int(s[n]-'0') {
			return false
		}
	}
	return true
}

var (
	reCPF  = regexp.MustCompile(`^\d{11}$`)
	reCNPJ = regexp.MustCompile(`^[0-9A-Z]{14}$`)
)
