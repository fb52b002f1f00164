package sisgru

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// SIAFI passwords are stored as argon2id hashes in the PHC string format
// ($argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, base64 without padding),
// with OWASP's minimum parameters: 19 MiB, two passes, one lane. Unlike
// client secrets (random, 256 bits: an HMAC suffices), passwords are chosen
// by people and need a slow hash.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// HashPassword returns the stored form of password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the stored hash (in
// constant time for a given hash). A malformed hash never matches.
func CheckPassword(hash, password string) bool {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.t, p.m, p.p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

type argonParams struct {
	m, t uint32
	p    uint8
}

func parseHash(hash string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errors.New("sisgru: not an argon2id hash")
	}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, nil, nil, errors.New("sisgru: bad argon2id parameters")
		}
		switch k {
		case "m":
			p.m = uint32(n)
		case "t":
			p.t = uint32(n)
		case "p":
			if n > 255 {
				return p, nil, nil, errors.New("sisgru: bad argon2id parameters")
			}
			p.p = uint8(n)
		}
	}
	// Bounds keep a corrupted row from costing unbounded memory or time.
	if p.m < 8 || p.m > 1<<20 || p.t < 1 || p.t > 16 || p.p < 1 {
		return p, nil, nil, errors.New("sisgru: argon2id parameters out of range")
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, errors.New("sisgru: bad argon2id salt or hash")
	}
	return p, salt, key, nil
}
