package pki_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/pki"
)

func mustSealer(t *testing.T) *pki.Sealer {
	t.Helper()
	key, err := pki.GenerateMasterKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := pki.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealerRoundTrip(t *testing.T) {
	s := mustSealer(t)
	tests := []struct {
		name      string
		plaintext []byte
		ad        []byte
	}{
		{"empty", nil, nil},
		{"key", []byte("-----BEGIN PRIVATE KEY-----..."), []byte("psc-holder:123")},
		{"large", bytes.Repeat([]byte{0xAB}, 1<<16), []byte("brasa-ca")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := s.Seal(tt.plaintext, tt.ad)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(sealed), len(tt.plaintext)+1+12+16; got != want {
				t.Errorf("sealed length = %d, want %d", got, want)
			}
			if got, want := sealed[0], byte(1); got != want {
				t.Errorf("version byte = %d, want %d", got, want)
			}
			if len(tt.plaintext) > 16 && bytes.Contains(sealed, tt.plaintext[:16]) {
				t.Error("sealed blob contains the plaintext")
			}
			got, err := s.Open(sealed, tt.ad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open = %q, want %q", got, tt.plaintext)
			}
		})
	}
}

func TestSealerNoncesDiffer(t *testing.T) {
	s := mustSealer(t)
	a, _ := s.Seal([]byte("same"), nil)
	b, _ := s.Seal([]byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Error("two seals of the same plaintext are identical; nonce reused")
	}
}

func TestSealerOpenFailures(t *testing.T) {
	s := mustSealer(t)
	sealed, err := s.Seal([]byte("segredo"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	tests := []struct {
		name    string
		sealer  *pki.Sealer
		blob    []byte
		ad      []byte
		wantErr error // nil: any error
	}{
		{"wrong associated data", s, sealed, []byte("other"), pki.ErrOpenFailed},
		{"missing associated data", s, sealed, nil, pki.ErrOpenFailed},
		{"other master key", mustSealer(t), sealed, []byte("ad"), pki.ErrOpenFailed},
		{"flipped nonce", s, flip(3), []byte("ad"), pki.ErrOpenFailed},
		{"flipped ciphertext", s, flip(14), []byte("ad"), pki.ErrOpenFailed},
		{"flipped tag", s, flip(len(sealed) - 1), []byte("ad"), pki.ErrOpenFailed},
		{"truncated", s, sealed[:len(sealed)-1], []byte("ad"), pki.ErrOpenFailed},
		{"too short", s, sealed[:10], []byte("ad"), pki.ErrOpenFailed},
		{"unknown version", s, flip(0), []byte("ad"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.sealer.Open(tt.blob, tt.ad)
			if err == nil {
				t.Fatal("Open succeeded, want error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Open error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestNewSealerKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := pki.NewSealer(make([]byte, n)); err == nil {
			t.Errorf("NewSealer(%d bytes) succeeded, want error", n)
		}
	}
}

func TestMasterKeyFile(t *testing.T) {
	dir := t.TempDir()
	key, err := pki.GenerateMasterKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(key), 32; got != want {
		t.Fatalf("len(GenerateMasterKey) = %d, want %d", got, want)
	}

	path := filepath.Join(dir, "master.key")
	if err := pki.WriteMasterKey(path, key); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("mode = %v, want %v", got, want)
	}
	data, _ := os.ReadFile(path)
	if got, want := strings.TrimSpace(string(data)), hex.EncodeToString(key); got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	got, err := pki.LoadMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, key) {
		t.Error("LoadMasterKey does not return the written key")
	}

	t.Run("no overwrite", func(t *testing.T) {
		other, _ := pki.GenerateMasterKey(nil)
		if err := pki.WriteMasterKey(path, other); !errors.Is(err, os.ErrExist) {
			t.Errorf("WriteMasterKey over an existing file: err = %v, want os.ErrExist", err)
		}
		got, _ := pki.LoadMasterKey(path)
		if !bytes.Equal(got, key) {
			t.Error("existing key was overwritten")
		}
	})

	t.Run("wrong size", func(t *testing.T) {
		if err := pki.WriteMasterKey(filepath.Join(dir, "short.key"), key[:16]); err == nil {
			t.Error("WriteMasterKey(16 bytes) succeeded")
		}
		if _, err := os.Stat(filepath.Join(dir, "short.key")); !errors.Is(err, os.ErrNotExist) {
			t.Error("WriteMasterKey left a file behind after failing")
		}
	})

	tests := []struct {
		name    string
		content []byte
		want    []byte // nil: error
	}{
		{"hex with newline", []byte(hex.EncodeToString(key) + "\n"), key},
		{"hex with spaces", []byte("  " + strings.ToUpper(hex.EncodeToString(key)) + " \r\n"), key},
		{"raw 32 bytes", key, key},
		{"raw 32 bytes ending in whitespace", append(bytes.Clone(key[:31]), '\n'), append(bytes.Clone(key[:31]), '\n')},
		{"short hex", []byte(hex.EncodeToString(key[:31])), nil},
		{"not hex", []byte(strings.Repeat("zz", 32)), nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.WriteFile(p, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := pki.LoadMasterKey(p)
			if tt.want == nil {
				if err == nil {
					t.Errorf("LoadMasterKey succeeded, want error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("LoadMasterKey = %x, want %x", got, tt.want)
			}
		})
	}

	if _, err := pki.LoadMasterKey(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadMasterKey(missing) err = %v, want os.ErrNotExist", err)
	}
}

func TestGenerateMasterKeyReaderError(t *testing.T) {
	if _, err := pki.GenerateMasterKey(bytes.NewReader(make([]byte, 10))); err == nil {
		t.Error("GenerateMasterKey with a short reader succeeded")
	}
}
