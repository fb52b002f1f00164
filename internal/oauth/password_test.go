package oauth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/oauth"
)

func TestPassword(t *testing.T) {
	h, err := oauth.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q: want the PHC argon2id format", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Error("hash contains the password")
	}
	if err := oauth.VerifyPassword(h, "correct horse"); err != nil {
		t.Errorf("VerifyPassword(right) = %v", err)
	}
	if err := oauth.VerifyPassword(h, "correct horsE"); !errors.Is(err, oauth.ErrPasswordMismatch) {
		t.Errorf("VerifyPassword(wrong) = %v, want ErrPasswordMismatch", err)
	}
	h2, _ := oauth.HashPassword("correct horse")
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=8,t=1,p=1$!!$AA"} {
		if err := oauth.VerifyPassword(bad, "x"); err == nil || errors.Is(err, oauth.ErrPasswordMismatch) {
			t.Errorf("VerifyPassword(%q) = %v, want a malformed-hash error", bad, err)
		}
	}
}
