package pki

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
)

// MasterKeySize is the size in bytes of a master key: an AES-256 key.
const MasterKeySize = 32

// sealVersion is the first byte of every sealed blob. It names the format:
// version 1 is AES-256-GCM with a random 96-bit nonce.
const sealVersion byte = 1

// sealOverhead is the size a sealed blob adds to its plaintext: the version
// byte, the 12-byte nonce and the 16-byte GCM tag.
const sealOverhead = 1 + 12 + 16

// ErrOpenFailed is returned by [Sealer.Open] and [OpenCA] when sealed data
// cannot be authenticated: it was tampered with or truncated, sealed under
// another master key, or sealed with other associated data.
var ErrOpenFailed = errors.New("pki: cannot open sealed data (tampered, wrong master key or wrong associated data)")

// Sealer encrypts and authenticates small secrets, such as private keys, for
// storage at rest. A sealed blob is
//
//	version (1 byte, 0x01) || nonce (12 bytes) || AES-256-GCM ciphertext and tag
//
// The nonce is always drawn from [crypto/rand.Reader], never from an injected
// reader: a repeated nonce under one key would break GCM, so a deterministic
// source is never appropriate here. A Sealer is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer returns a Sealer keyed by masterKey, which must be exactly
// [MasterKeySize] (32) bytes. The key is copied.
func NewSealer(masterKey []byte) (*Sealer, error) {
	if len(masterKey) != MasterKeySize {
		return nil, fmt.Errorf("pki: master key must be %d bytes, got %d", MasterKeySize, len(masterKey))
	}
	block, err := aes.NewCipher(bytes.Clone(masterKey))
	if err != nil {
		return nil, fmt.Errorf("pki: master key: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("pki: master key: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext and authenticates it together with associatedData,
// which is not stored in the blob: [Sealer.Open] must be given the same
// associated data. Use it to bind a blob to its purpose or owner (for
// example "brasa-ca" or a holder's id) so that blobs cannot be swapped.
func (s *Sealer) Seal(plaintext, associatedData []byte) ([]byte, error) {
	if s == nil || s.aead == nil {
		return nil, errors.New("pki: Seal on a nil Sealer")
	}
	out := make([]byte, 1, len(plaintext)+sealOverhead)
	out[0] = sealVersion
	return s.aead.Seal(out, nil, plaintext, associatedData), nil
}

// Open decrypts a blob made by [Sealer.Seal] with the same associated data.
// It returns an error wrapping [ErrOpenFailed] when the blob does not
// authenticate, and a plain error when its version is unknown.
func (s *Sealer) Open(sealed, associatedData []byte) ([]byte, error) {
	if s == nil || s.aead == nil {
		return nil, errors.New("pki: Open on a nil Sealer")
	}
	if len(sealed) < sealOverhead {
		return nil, fmt.Errorf("%w: blob is %d bytes, shorter than the %d-byte overhead", ErrOpenFailed, len(sealed), sealOverhead)
	}
	if sealed[0] != sealVersion {
		return nil, fmt.Errorf("pki: sealed data has unknown version %d", sealed[0])
	}
	plaintext, err := s.aead.Open(nil, nil, sealed[1:], associatedData)
	if err != nil {
		return nil, ErrOpenFailed
	}
	return plaintext, nil
}

// GenerateMasterKey returns a new random master key of [MasterKeySize]
// bytes read from random (nil means [crypto/rand.Reader]).
func GenerateMasterKey(random io.Reader) ([]byte, error) {
	if random == nil {
		random = rand.Reader
	}
	key := make([]byte, MasterKeySize)
	if _, err := io.ReadFull(random, key); err != nil {
		return nil, fmt.Errorf("pki: generate master key: %w", err)
	}
	return key, nil
}

// ParseMasterKey decodes a master key given as 64 hexadecimal characters
// (surrounding whitespace ignored) or as exactly 32 raw bytes. It suits keys
// passed in an environment variable as well as key files.
func ParseMasterKey(data []byte) ([]byte, error) {
	if len(data) == MasterKeySize {
		return bytes.Clone(data), nil
	}
	text := bytes.TrimSpace(data)
	if len(text) != 2*MasterKeySize {
		return nil, fmt.Errorf("pki: master key must be %d hex characters or %d raw bytes, got %d bytes", 2*MasterKeySize, MasterKeySize, len(data))
	}
	key := make([]byte, MasterKeySize)
	if _, err := hex.Decode(key, text); err != nil {
		return nil, fmt.Errorf("pki: master key is not hexadecimal: %w", err)
	}
	return key, nil
}

// LoadMasterKey reads a master key file written by [WriteMasterKey] (64 hex
// characters, whitespace trimmed) or holding exactly 32 raw bytes.
func LoadMasterKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pki: load master key: %w", err)
	}
	key, err := ParseMasterKey(data)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return key, nil
}

// WriteMasterKey writes key as 64 hex characters and a newline to a new file
// at path with mode 0600. It fails if path already exists, so an existing
// key (and everything sealed under it) is never overwritten.
func WriteMasterKey(path string, key []byte) (err error) {
	if len(key) != MasterKeySize {
		return fmt.Errorf("pki: master key must be %d bytes, got %d", MasterKeySize, len(key))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("pki: write master key: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("pki: write master key: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		return fmt.Errorf("pki: write master key: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("pki: write master key: %w", err)
	}
	return nil
}
