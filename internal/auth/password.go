// Package auth signs people in with local accounts and API tokens. Passwords are
// hashed with argon2id; session cookies and API tokens are random secrets of which
// only a SHA-256 is stored. Failed sign-ins are counted in the store, so that every
// replica enforces the same lockout.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// DefaultParams follow OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane), which
// keeps a sign-in near 30 ms on a small server.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

var b64 = base64.RawStdEncoding

// HashPassword returns the PHC string of an argon2id hash of password:
// $argon2id$v=19$m=...,t=...,p=...$salt$hash.
func HashPassword(password string, p Params) (string, error) {
	if len(password) < MinPasswordLen {
		return "", awaf.Errorf(awaf.EINVALID, "a password needs at least %d characters", MinPasswordLen)
	}
	if len(password) > 1024 {
		return "", awaf.Errorf(awaf.EINVALID, "a password may have at most 1024 characters")
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC string encoded. The
// comparison takes the same time wherever the first difference is.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// parsePHC reads $argon2id$v=19$m=65536,t=3,p=4$salt$hash.
func parsePHC(s string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("password hash: not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("password hash: unsupported version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("password hash: bad parameters %q", parts[3])
	}
	// Bounds keep a tampered row from making verification run for minutes.
	if p.Memory < 8 || p.Memory > 1<<18 || p.Time < 1 || p.Time > 10 || p.Threads < 1 || p.Threads > 16 {
		return p, nil, nil, fmt.Errorf("password hash: parameters out of range %q", parts[3])
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("password hash: bad salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, fmt.Errorf("password hash: bad key")
	}
	return p, salt, key, nil
}

// NewSecret returns a random 32-byte secret, URL-safe.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashSecret is what the store keeps of a session cookie or API token: a hex
// SHA-256. The secrets are random and long, so no salt or stretching is needed.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Equal compares two strings in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
