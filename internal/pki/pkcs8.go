package pki

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"io"
)

// PBKDF2Iterations is the PBKDF2 iteration count [EncryptPKCS8PEM] writes.
// OpenSSL 3 writes 2048; 100,000 costs about 30 ms per key on a laptop,
// cheap for keys written once, much dearer for a guesser. Tests may lower
// it; set it before use, never concurrently with EncryptPKCS8PEM.
var PBKDF2Iterations = 100_000

// maxPBKDF2Iterations bounds the iteration count DecryptPKCS8PEM accepts,
// so a crafted file cannot pin a CPU for minutes.
const maxPBKDF2Iterations = 10_000_000

// pkcs8SaltSize is the PBKDF2 salt size EncryptPKCS8PEM writes (RFC 8018
// §4.1 asks for at least 8 bytes; NIST SP 800-132 for 16).
const pkcs8SaltSize = 16

// ErrBadPassphrase is returned by [DecryptPKCS8PEM] when the passphrase does
// not decrypt the key. PBES2 and legacy PEM encryption carry no MAC, so a
// wrong passphrase is detected by the CBC padding or by the decrypted bytes
// not parsing as a key.
var ErrBadPassphrase = errors.New("pki: wrong passphrase for encrypted private key")

// Object identifiers of PKCS#5 v2.1 (RFC 8018) and the ciphers it names.
var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}

	oidHMACWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}

	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

// encryptedPrivateKeyInfo is PKCS#8 EncryptedPrivateKeyInfo (RFC 5208 §6,
// RFC 5958 §3).
type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

// pbes2Params is PBES2-params (RFC 8018 appendix A.4).
type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

// pbkdf2Params is PBKDF2-params (RFC 8018 appendix A.2). Only the
// "specified" (OCTET STRING) salt choice is supported, the only one in use.
// KeyLength is omitted when zero and PRF when empty (hmacWithSHA1), as
// OpenSSL does for KeyLength; OpenSSL 3 always writes PRF.
type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	KeyLength      int                      `asn1:"optional"`
	PRF            pkix.AlgorithmIdentifier `asn1:"optional"`
}

// pbes2Cipher describes a block cipher PBES2 may name.
type pbes2Cipher struct {
	keySize  int
	newBlock func(key []byte) (cipher.Block, error)
}

var pbes2Ciphers = []struct {
	oid asn1.ObjectIdentifier
	pbes2Cipher
}{
	{oidAES128CBC, pbes2Cipher{16, aes.NewCipher}},
	{oidAES192CBC, pbes2Cipher{24, aes.NewCipher}},
	{oidAES256CBC, pbes2Cipher{32, aes.NewCipher}},
	{oidDESEDE3CBC, pbes2Cipher{24, des.NewTripleDESCipher}},
}

var pbkdf2PRFs = []struct {
	oid asn1.ObjectIdentifier
	h   func() hash.Hash
}{
	{oidHMACWithSHA1, sha1.New},
	{oidHMACWithSHA224, sha256.New224},
	{oidHMACWithSHA256, sha256.New},
	{oidHMACWithSHA384, sha512.New384},
	{oidHMACWithSHA512, sha512.New},
}

// EncryptPKCS8PEM encrypts key as a PKCS#8 "ENCRYPTED PRIVATE KEY" PEM
// block with PBES2 (RFC 8018 §6.2): PBKDF2 with HMAC-SHA256, a 16-byte salt
// and [PBKDF2Iterations] iterations, then AES-256-CBC with a random IV. The
// ASN.1 is what OpenSSL 3 writes (`openssl pkcs8 -topk8 -v2 aes-256-cbc`),
// so `openssl pkey -passin` reads it. random supplies the salt and IV (nil
// means [crypto/rand.Reader]). The passphrase must not be empty.
func EncryptPKCS8PEM(key crypto.Signer, passphrase []byte, random io.Reader) ([]byte, error) {
	if key == nil {
		return nil, errors.New("pki: encrypt private key: nil key")
	}
	if len(passphrase) == 0 {
		return nil, errors.New("pki: encrypt private key: empty passphrase")
	}
	if PBKDF2Iterations < 1 {
		return nil, fmt.Errorf("pki: encrypt private key: PBKDF2Iterations is %d", PBKDF2Iterations)
	}
	if random == nil {
		random = rand.Reader
	}
	plain, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: %w", err)
	}
	salt := make([]byte, pkcs8SaltSize)
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(random, salt); err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: salt: %w", err)
	}
	if _, err := io.ReadFull(random, iv); err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: iv: %w", err)
	}
	iterations := PBKDF2Iterations
	dk, err := pbkdf2.Key(sha256.New, string(passphrase), salt, iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: %w", err)
	}
	block, err := aes.NewCipher(dk)
	if err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: %w", err)
	}
	padded := pkcs7Pad(plain, aes.BlockSize)
	ciphertext := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ciphertext, padded)
	clear(padded)
	clear(plain)

	kdfParams, err := asn1.Marshal(pbkdf2Params{
		Salt:           salt,
		IterationCount: iterations,
		PRF:            pkix.AlgorithmIdentifier{Algorithm: oidHMACWithSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: %w", err)
	}
	ivParam, err := asn1.Marshal(iv)
	if err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: %w", err)
	}
	schemeParams, err := asn1.Marshal(pbes2Params{
		KeyDerivationFunc: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		EncryptionScheme:  pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivParam}},
	})
	if err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: %w", err)
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: schemeParams}},
		EncryptedData: ciphertext,
	})
	if err != nil {
		return nil, fmt.Errorf("pki: encrypt private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemEncryptedPrivateKey, Bytes: der}), nil
}

// DecryptPKCS8PEM decrypts a private key with passphrase. It reads:
//
//   - PKCS#8 "ENCRYPTED PRIVATE KEY" (PEM, or DER) with PBES2: PBKDF2 with
//     hmacWithSHA1, -SHA224, -SHA256, -SHA384 or -SHA512, and AES-128-CBC,
//     AES-192-CBC, AES-256-CBC or DES-EDE3-CBC. This is what OpenSSL 3
//     writes for `openssl genrsa -aes256`, `openssl genrsa -des3` and
//     `openssl pkcs8 -topk8 -v2 ...`;
//   - legacy OpenSSL PEM ("Proc-Type: 4,ENCRYPTED" with "DEK-Info"), as
//     written by OpenSSL 1.x or with `-traditional`;
//   - unencrypted keys, parsed as [ParsePrivateKeyPEM] does, so callers can
//     take a key file that may or may not be protected.
//
// It returns [ErrBadPassphrase] when the passphrase is wrong, and another
// error for unsupported algorithms (PBES1, scrypt) or malformed input.
func DecryptPKCS8PEM(data []byte, passphrase []byte) (crypto.Signer, error) {
	rest := data
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		switch block.Type {
		case pemEncryptedPrivateKey:
			return decryptPKCS8DER(block.Bytes, passphrase)
		case pemPrivateKey, pemRSAPrivateKey, pemECPrivateKey:
			if isLegacyEncrypted(block) {
				return decryptLegacyPEM(block, passphrase)
			}
			return parsePrivateKeyDER(block.Bytes, block.Type)
		}
	}
	if isEncryptedPKCS8DER(data) {
		return decryptPKCS8DER(data, passphrase)
	}
	return ParsePrivateKeyPEM(data)
}

// decryptPKCS8DER decrypts a DER EncryptedPrivateKeyInfo encrypted with
// PBES2.
func decryptPKCS8DER(der []byte, passphrase []byte) (crypto.Signer, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, fmt.Errorf("pki: parse encrypted private key: %w", err)
	} else if len(rest) > 0 {
		return nil, errors.New("pki: parse encrypted private key: trailing data")
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("pki: encrypted private key uses %v; only PBES2 (%v) is supported", info.Algorithm.Algorithm, oidPBES2)
	}
	var params pbes2Params
	if err := unmarshalExact(info.Algorithm.Parameters.FullBytes, &params); err != nil {
		return nil, fmt.Errorf("pki: parse PBES2 parameters: %w", err)
	}

	// Encryption scheme: the cipher and its IV.
	var bc *pbes2Cipher
	for i := range pbes2Ciphers {
		if pbes2Ciphers[i].oid.Equal(params.EncryptionScheme.Algorithm) {
			bc = &pbes2Ciphers[i].pbes2Cipher
		}
	}
	if bc == nil {
		return nil, fmt.Errorf("pki: PBES2 cipher %v is not supported (want AES-CBC or DES-EDE3-CBC)", params.EncryptionScheme.Algorithm)
	}
	var iv []byte
	if err := unmarshalExact(params.EncryptionScheme.Parameters.FullBytes, &iv); err != nil {
		return nil, fmt.Errorf("pki: parse PBES2 IV: %w", err)
	}

	// Key derivation: PBKDF2 and its PRF.
	if !params.KeyDerivationFunc.Algorithm.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("pki: PBES2 key derivation %v is not supported (want PBKDF2)", params.KeyDerivationFunc.Algorithm)
	}
	var kdf pbkdf2Params
	if err := unmarshalExact(params.KeyDerivationFunc.Parameters.FullBytes, &kdf); err != nil {
		return nil, fmt.Errorf("pki: parse PBKDF2 parameters: %w", err)
	}
	if kdf.IterationCount < 1 || kdf.IterationCount > maxPBKDF2Iterations {
		return nil, fmt.Errorf("pki: PBKDF2 iteration count %d out of range [1, %d]", kdf.IterationCount, maxPBKDF2Iterations)
	}
	if kdf.KeyLength != 0 && kdf.KeyLength != bc.keySize {
		return nil, fmt.Errorf("pki: PBKDF2 key length %d does not match the cipher's %d", kdf.KeyLength, bc.keySize)
	}
	prf := sha1.New // RFC 8018 appendix A.2: DEFAULT algid-hmacWithSHA1
	if len(kdf.PRF.Algorithm) > 0 {
		prf = nil
		for _, p := range pbkdf2PRFs {
			if p.oid.Equal(kdf.PRF.Algorithm) {
				prf = p.h
			}
		}
		if prf == nil {
			return nil, fmt.Errorf("pki: PBKDF2 PRF %v is not supported", kdf.PRF.Algorithm)
		}
	}

	dk, err := pbkdf2.Key(prf, string(passphrase), kdf.Salt, kdf.IterationCount, bc.keySize)
	if err != nil {
		return nil, fmt.Errorf("pki: derive key: %w", err)
	}
	block, err := bc.newBlock(dk)
	if err != nil {
		return nil, fmt.Errorf("pki: encrypted private key cipher: %w", err)
	}
	if len(iv) != block.BlockSize() {
		return nil, fmt.Errorf("pki: PBES2 IV is %d bytes, want %d", len(iv), block.BlockSize())
	}
	ct := info.EncryptedData
	if len(ct) == 0 || len(ct)%block.BlockSize() != 0 {
		return nil, fmt.Errorf("pki: encrypted private key is %d bytes, not a positive multiple of the block size", len(ct))
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
	defer clear(plain)
	unpadded, ok := pkcs7Unpad(plain, block.BlockSize())
	if !ok {
		return nil, ErrBadPassphrase
	}
	key, err := x509.ParsePKCS8PrivateKey(unpadded)
	if err != nil {
		// Right padding by chance (about 1 in 256) but garbage inside.
		return nil, ErrBadPassphrase
	}
	return asSigner(key)
}

// decryptLegacyPEM decrypts an RFC 1421-style encrypted PEM block.
func decryptLegacyPEM(block *pem.Block, passphrase []byte) (crypto.Signer, error) {
	// x509.DecryptPEMBlock is deprecated because the format is weak (an
	// MD5-based KDF, no MAC). Integrators still hold keys written that way
	// by OpenSSL 1.x, so we read them; we never write them.
	der, err := x509.DecryptPEMBlock(block, passphrase) //nolint:staticcheck // SA1019: reading legacy keys, see above.
	if errors.Is(err, x509.IncorrectPasswordError) {
		return nil, ErrBadPassphrase
	}
	if err != nil {
		return nil, fmt.Errorf("pki: decrypt legacy PEM key: %w", err)
	}
	defer clear(der)
	key, err := parsePrivateKeyDER(der, block.Type)
	if err != nil {
		// No MAC: a wrong passphrase with lucky padding yields garbage.
		return nil, ErrBadPassphrase
	}
	return key, nil
}

// unmarshalExact parses DER into v and rejects trailing bytes.
func unmarshalExact(der []byte, v any) error {
	rest, err := asn1.Unmarshal(der, v)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return errors.New("trailing data")
	}
	return nil
}

// pkcs7Pad appends PKCS#7 padding (RFC 5652 §6.3) up to a multiple of size.
func pkcs7Pad(b []byte, size int) []byte {
	n := size - len(b)%size
	out := make([]byte, len(b), len(b)+n)
	copy(out, b)
	return append(out, bytes.Repeat([]byte{byte(n)}, n)...)
}

// pkcs7Unpad strips PKCS#7 padding and reports whether it was well formed.
// Timing does not matter here: there is no oracle to query, the caller
// holds both the ciphertext and the passphrase.
func pkcs7Unpad(b []byte, size int) ([]byte, bool) {
	if len(b) == 0 || len(b)%size != 0 {
		return nil, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > size {
		return nil, false
	}
	if !bytes.Equal(b[len(b)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, false
	}
	return b[:len(b)-n], true
}
