package pki_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/pki"
)

// keyEqual reports whether a and b are the same private key.
func keyEqual(a, b crypto.Signer) bool {
	return a.(interface{ Equal(crypto.PrivateKey) bool }).Equal(b)
}

func TestEncryptPKCS8RoundTrip(t *testing.T) {
	keys := []struct {
		name string
		key  crypto.Signer
	}{
		{"RSA", MustRSAKey(t)},
		{"ECDSA", MustECKey(t)},
	}
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			data, err := pki.EncryptPKCS8PEM(k.key, []byte("senha forte"), rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			block, rest := pem.Decode(data)
			if block == nil || block.Type != "ENCRYPTED PRIVATE KEY" || len(rest) != 0 {
				t.Fatalf("EncryptPKCS8PEM output is not one ENCRYPTED PRIVATE KEY block:\n%s", data)
			}
			if _, err := pki.ParsePrivateKeyPEM(data); !errors.Is(err, pki.ErrEncryptedKey) {
				t.Errorf("ParsePrivateKeyPEM(encrypted) err = %v, want ErrEncryptedKey", err)
			}
			got, err := pki.DecryptPKCS8PEM(data, []byte("senha forte"))
			if err != nil {
				t.Fatal(err)
			}
			if !keyEqual(got, k.key) {
				t.Error("decrypted key differs from the original")
			}
			// DER input is accepted too.
			got, err = pki.DecryptPKCS8PEM(block.Bytes, []byte("senha forte"))
			if err != nil {
				t.Fatalf("DecryptPKCS8PEM(DER): %v", err)
			}
			if !keyEqual(got, k.key) {
				t.Error("decrypted DER key differs from the original")
			}
		})
	}
}

func TestEncryptPKCS8SaltAndIVAreRandom(t *testing.T) {
	key := MustECKey(t)
	a, _ := pki.EncryptPKCS8PEM(key, []byte("x"), nil)
	b, _ := pki.EncryptPKCS8PEM(key, []byte("x"), nil)
	if bytes.Equal(a, b) {
		t.Error("two encryptions of one key are identical")
	}
}

func TestEncryptPKCS8Errors(t *testing.T) {
	if _, err := pki.EncryptPKCS8PEM(MustECKey(t), nil, nil); err == nil {
		t.Error("EncryptPKCS8PEM with an empty passphrase succeeded")
	}
	if _, err := pki.EncryptPKCS8PEM(nil, []byte("x"), nil); err == nil {
		t.Error("EncryptPKCS8PEM(nil key) succeeded")
	}
	if _, err := pki.EncryptPKCS8PEM(MustECKey(t), []byte("x"), bytes.NewReader(nil)); err == nil {
		t.Error("EncryptPKCS8PEM with an empty random source succeeded")
	}
}

func TestEncryptPKCS8DefaultIterations(t *testing.T) {
	old := pki.PBKDF2Iterations
	t.Cleanup(func() { pki.PBKDF2Iterations = old })
	pki.PBKDF2Iterations = 100_000 // the package default

	data, err := pki.EncryptPKCS8PEM(MustECKey(t), []byte("p"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 100000 = 0x0186a0, DER INTEGER 02 03 01 86 a0.
	if !bytes.Contains(PEMBlockDER(t, data), []byte{0x02, 0x03, 0x01, 0x86, 0xa0}) {
		t.Error("iteration count 100000 not found in the PBKDF2 parameters")
	}
	if _, err := pki.DecryptPKCS8PEM(data, []byte("p")); err != nil {
		t.Fatal(err)
	}
}

func TestDecryptPKCS8Fixtures(t *testing.T) {
	rsaKey, ecKey := MustRSAKey(t), MustECKey(t)
	tests := []struct {
		file string
		want crypto.Signer
	}{
		{"rsa-aes256.pem", rsaKey},        // OpenSSL 3 genrsa -aes256: PBES2, HMAC-SHA256, AES-256-CBC
		{"rsa-des3.pem", rsaKey},          // OpenSSL 3 genrsa -des3: PBES2, HMAC-SHA256, DES-EDE3-CBC
		{"ec-aes128-sha1.pem", ecKey},     // PRF omitted: the hmacWithSHA1 default
		{"ec-aes192-sha512.pem", ecKey},   // PBES2, HMAC-SHA512, AES-192-CBC
		{"ec-aes256-sha384.pem", ecKey},   // PBES2, HMAC-SHA384, AES-256-CBC
		{"rsa-legacy-aes256.pem", rsaKey}, // Proc-Type: 4,ENCRYPTED, RSA PRIVATE KEY
		{"ec-legacy-des3.pem", ecKey},     // Proc-Type: 4,ENCRYPTED, EC PRIVATE KEY
		{"rsa.pem", rsaKey},               // unencrypted input is accepted
		{"ec-sec1.pem", ecKey},            // unencrypted SEC 1
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := MustReadFile(t, tt.file)
			got, err := pki.DecryptPKCS8PEM(data, []byte(fixturePass))
			if err != nil {
				t.Fatal(err)
			}
			if !keyEqual(got, tt.want) {
				t.Error("decrypted key differs from the plain fixture")
			}
			if strings.Contains(string(data), "ENCRYPTED") {
				if _, err := pki.DecryptPKCS8PEM(data, []byte("wrong"+fixturePass)); !errors.Is(err, pki.ErrBadPassphrase) {
					t.Errorf("wrong passphrase: err = %v, want ErrBadPassphrase", err)
				}
			}
		})
	}
}

// TestDecryptPKCS8WrongPassphrase tries many wrong passphrases: about 1 in
// 256 passes the CBC padding check and must still be reported as a wrong
// passphrase, not as a parse error.
func TestDecryptPKCS8WrongPassphrase(t *testing.T) {
	old := pki.PBKDF2Iterations
	t.Cleanup(func() { pki.PBKDF2Iterations = old })
	pki.PBKDF2Iterations = 1

	data, err := pki.EncryptPKCS8PEM(MustECKey(t), []byte("certa"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1500 {
		_, err := pki.DecryptPKCS8PEM(data, fmt.Appendf(nil, "errada-%d", i))
		if !errors.Is(err, pki.ErrBadPassphrase) {
			t.Fatalf("passphrase %d: err = %v, want ErrBadPassphrase", i, err)
		}
	}
}

func TestDecryptPKCS8Unsupported(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"PBES1", MustReadFile(t, "ec-pbes1.pem")},
		{"scrypt", MustReadFile(t, "ec-scrypt.pem")},
		{"garbage block", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30, 0x00}})},
		{"not a key", []byte("hello")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pki.DecryptPKCS8PEM(tt.data, []byte(fixturePass))
			if err == nil {
				t.Fatal("DecryptPKCS8PEM succeeded, want error")
			}
			if errors.Is(err, pki.ErrBadPassphrase) {
				t.Errorf("err = %v: an unsupported format must not read as a wrong passphrase", err)
			}
		})
	}
}

// TestEncryptPKCS8OpenSSLReads checks that `openssl pkey` decrypts our
// encrypted keys and finds the same key.
func TestEncryptPKCS8OpenSSLReads(t *testing.T) {
	RequireOpenSSL(t)
	dir := t.TempDir()
	for _, k := range []struct {
		name string
		key  crypto.Signer
	}{{"RSA", MustRSAKey(t)}, {"ECDSA", MustECKey(t)}} {
		t.Run(k.name, func(t *testing.T) {
			data, err := pki.EncryptPKCS8PEM(k.key, []byte("s3nh@ com espaço"), nil)
			if err != nil {
				t.Fatal(err)
			}
			name := WriteFile(t, dir, k.name+".pem", data)
			out := OpenSSL(t, dir, "pkey", "-in", name, "-passin", "pass:s3nh@ com espaço", "-pubout", "-outform", "DER")
			if want := PublicKeyDER(t, k.key.Public()); !bytes.Equal(out, want) {
				t.Error("openssl reads a different key")
			}
			// And a wrong passphrase makes openssl fail, so it did decrypt.
			cmdErr := OpenSSLFails(t, dir, "pkey", "-in", name, "-passin", "pass:wrong", "-noout")
			if !cmdErr {
				t.Error("openssl accepted a wrong passphrase")
			}
		})
	}
}

// TestDecryptPKCS8FromOpenSSL decrypts keys OpenSSL generates now.
func TestDecryptPKCS8FromOpenSSL(t *testing.T) {
	RequireOpenSSL(t)
	dir := t.TempDir()
	plain, err := pki.MarshalPrivateKeyPEM(MustECKey(t))
	if err != nil {
		t.Fatal(err)
	}
	WriteFile(t, dir, "plain.pem", plain)
	tests := []struct {
		name string
		args []string
	}{
		{"genrsa -aes256", []string{"genrsa", "-aes256", "-passout", "pass:" + fixturePass, "-out", "out.pem", "2048"}},
		{"genrsa -des3", []string{"genrsa", "-des3", "-passout", "pass:" + fixturePass, "-out", "out.pem", "2048"}},
		{"pkcs8 -topk8 -v2 aes-256-cbc", []string{"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "plain.pem", "-passout", "pass:" + fixturePass, "-out", "out.pem"}},
		{"genrsa -traditional -aes128", []string{"genrsa", "-traditional", "-aes128", "-passout", "pass:" + fixturePass, "-out", "out.pem", "2048"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(filepath.Join(dir, "out.pem"))
			OpenSSL(t, dir, tt.args...)
			data, err := os.ReadFile(filepath.Join(dir, "out.pem"))
			if err != nil {
				t.Fatal(err)
			}
			key, err := pki.DecryptPKCS8PEM(data, []byte(fixturePass))
			if err != nil {
				t.Fatal(err)
			}
			out := OpenSSL(t, dir, "pkey", "-in", "out.pem", "-passin", "pass:"+fixturePass, "-pubout", "-outform", "DER")
			if !bytes.Equal(PublicKeyDER(t, key.Public()), out) {
				t.Error("decrypted key differs from what openssl reads")
			}
			if _, err := pki.DecryptPKCS8PEM(data, []byte("nope")); !errors.Is(err, pki.ErrBadPassphrase) {
				t.Errorf("wrong passphrase: err = %v, want ErrBadPassphrase", err)
			}
		})
	}
}
