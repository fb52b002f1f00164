package pix

import (
	"crypto/rand"
	"regexp"

	"github.com/brasa-dev/brasa/internal/errs"
)

var (
	reTxIDCriacao = regexp.MustCompile(`^[a-zA-Z0-9]{26,35}$`)
	reTxIDPix     = regexp.MustCompile(`^[a-zA-Z0-9]{1,35}$`)
)

// ValidTxIDCriacao reports whether txid may name a new charge: 26 to 35
// letters and digits (spec: TxId, "[a-zA-Z0-9]{26,35}").
func ValidTxIDCriacao(txid string) bool { return reTxIDCriacao.MatchString(txid) }

// ValidTxIDPix reports whether txid may appear on a Pix: 1 to 35 letters and
// digits (static QR codes carry up to 25).
func ValidTxIDPix(txid string) bool { return reTxIDPix.MatchString(txid) }

// CheckTxID returns an EInvalid error (propriedade "txid") unless txid may
// name a new charge.
func CheckTxID(txid string) error {
	if !ValidTxIDCriacao(txid) {
		return errs.Invalid("txid", "O campo txid não respeita o schema: de 26 a 35 caracteres [a-zA-Z0-9]")
	}
	return nil
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// NewTxID returns a PSP-generated txid (POST /cob): 32 random letters and
// digits.
func NewTxID() string { return randomAlnum(32) }

// randomAlnum returns n characters of [a-zA-Z0-9] drawn uniformly.
func randomAlnum(n int) string {
	out := make([]byte, n)
	buf := make([]byte, n+n/2)
	for i := 0; i < n; {
		if _, err := rand.Read(buf); err != nil {
			panic("pix: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if int(b) < 248 { // 248 = 4*62: no modulo bias
				out[i] = alnum[int(b)%62]
				i++
				if i == n {
					break
				}
			}
		}
	}
	return string(out)
}
