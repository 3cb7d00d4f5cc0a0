package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Sealer encrypts secrets the server must be able to read back, such as the tokens of
// backlog tracker connections, with AES-256-GCM under a key that lives outside the
// database (a file or an environment variable). A stolen database or backup alone
// gives away no token. Each sealed value is bound to what it belongs to (the
// additional data, "tracker:42"), so a value copied onto another record does not open.
type Sealer struct {
	aead  cipher.AEAD
	keyID string
}

// sealVersion prefixes every sealed value, so the format can change later.
const sealVersion = "v1"

// NewSealer takes a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("seal key: want 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key)
	return &Sealer{aead: aead, keyID: hex.EncodeToString(sum[:4])}, nil
}

// ParseSealKey reads a key written as 64 hex digits or as standard base64 of 32 bytes
// (as `openssl rand -base64 32` prints it), surrounding space ignored.
func ParseSealKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, errors.New("seal key: want 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)")
}

// LoadSealKey reads a key file, refusing one that other users can read.
func LoadSealKey(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("seal key %s: readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	return ParseSealKey(string(b))
}

// Seal encrypts a secret for the record named by context.
func (s *Sealer) Seal(secret []byte, context string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := s.aead.Seal(nonce, nonce, secret, []byte(context))
	return sealVersion + ":" + s.keyID + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// ErrSealedElsewhere means a value was sealed under another key: the server was given
// a different key than the one the secret was stored with.
var ErrSealedElsewhere = errors.New("sealed with another key: start the server with the key the secret was stored with, or enter the secret again")

// Open decrypts a sealed secret of the record named by context.
func (s *Sealer) Open(sealed, context string) ([]byte, error) {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != sealVersion {
		return nil, errors.New("not a sealed value")
	}
	if parts[1] != s.keyID {
		return nil, ErrSealedElsewhere
	}
	ct, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || len(ct) < s.aead.NonceSize()+s.aead.Overhead() {
		return nil, errors.New("sealed value is damaged")
	}
	n := s.aead.NonceSize()
	out, err := s.aead.Open(nil, ct[:n], ct[n:], []byte(context))
	if err != nil {
		return nil, errors.New("sealed value does not open: damaged, or it belongs to another record")
	}
	return out, nil
}
