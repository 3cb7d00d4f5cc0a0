package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSeal(t *testing.T) {
	key, err := ParseSealKey("q8G0cZ0w3oNfWc0dPq6cS2n8mYk0rVh3xG6uT1pL9aE=")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Seal([]byte("ghp_secret"), "tracker:1")
	b, _ := s.Seal([]byte("ghp_secret"), "tracker:1")
	if a == b || strings.Contains(a, "ghp_secret") {
		t.Fatalf("sealed values %q and %q: want different ciphertexts without the secret", a, b)
	}
	if got, err := s.Open(a, "tracker:1"); err != nil || string(got) != "ghp_secret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := s.Open(a, "tracker:2"); err == nil {
		t.Error("a value opened for another record")
	}
	tampered := a[:len(a)-2] + "AA"
	if _, err := s.Open(tampered, "tracker:1"); err == nil {
		t.Error("a tampered value opened")
	}
	other, _ := NewSealer(make([]byte, 32))
	if _, err := other.Open(a, "tracker:1"); !errors.Is(err, ErrSealedElsewhere) {
		t.Errorf("another key: err = %v", err)
	}
	for _, bad := range []string{"", "short", strings.Repeat("ab", 16)} {
		if _, err := ParseSealKey(bad); err == nil {
			t.Errorf("ParseSealKey(%q) accepted", bad)
		}
	}
	if _, err := ParseSealKey(strings.Repeat("ab", 32)); err != nil {
		t.Errorf("hex key refused: %v", err)
	}
}

func TestLoadSealKeyRefusesOpenFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "seal.key")
	os.WriteFile(p, []byte(strings.Repeat("cd", 32)+"\n"), 0o644)
	if _, err := LoadSealKey(p); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("err = %v, want a refusal of a world-readable key", err)
	}
	os.Chmod(p, 0o600)
	if k, err := LoadSealKey(p); err != nil || len(k) != 32 {
		t.Errorf("LoadSealKey = %d bytes, %v", len(k), err)
	}
}
