package banklyhttp

import (
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/errs"
)

// FuzzDecodeIssue: any body decodes or is a 400 error naming its code; it
// never panics.
func FuzzDecodeIssue(f *testing.F) {
	for _, s := range []string{`{"passphrase":"x","ttlInDays":365}`, `{}`, `null`, `[]`, `{"ttlInDays":1e309}`,
		`{"ttlInDays":-0.5}`, `{"ttlInDays":"3"}`, `{"passphrase":7}`, `{"ttlInDays":9223372036854775807}`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := decodeIssue(strings.NewReader(body))
		if err != nil {
			e := errs.As(err)
			if e == nil || e.Kind != errs.EInvalid || e.Code == "" {
				t.Fatalf("decodeIssue(%q) = %v, want an EInvalid error with a code", body, err)
			}
			return
		}
		if req.TTLInDays != nil && (*req.TTLInDays > 1_000_000 || *req.TTLInDays < -1_000_000) {
			t.Fatalf("decodeIssue(%q): ttl %d escaped the clamp", body, *req.TTLInDays)
		}
	})
}
