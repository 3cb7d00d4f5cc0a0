package auth_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/store/sqlite"
	"github.com/awaf/awaf/internal/store/storetest"
)

var fast = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordRoundTrip(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	h2, _ := auth.HashPassword("correct horse battery", fast)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt is not random")
	}
	for _, tc := range []struct {
		name, password string
		want           bool
	}{
		{"right", "correct horse battery", true},
		{"wrong", "correct horse battery!", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := auth.VerifyPassword(h, tc.password)
			if err != nil || ok != tc.want {
				t.Fatalf("VerifyPassword = %v, %v; want %v", ok, err, tc.want)
			}
		})
	}
	if _, err := auth.HashPassword("short", fast); awaf.ErrorCode(err) != awaf.EINVALID {
		t.Fatalf("short password: %v", err)
	}
}

func TestVerifyRejectsBadHashes(t *testing.T) {
	for name, h := range map[string]string{
		"empty":        "",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":      "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"version":      "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"huge memory":  "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"bad salt":     "$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
		"short key":    "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
		"extra fields": "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA$x",
	} {
		t.Run(name, func(t *testing.T) {
			if ok, err := auth.VerifyPassword(h, "password123"); err == nil || ok {
				t.Fatalf("VerifyPassword(%q) = %v, %v; want an error", h, ok, err)
			}
		})
	}
}

func FuzzVerifyPassword(f *testing.F) {
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, h string) {
		auth.VerifyPassword(h, "password123") // must not panic or run away
	})
}

func setup(t *testing.T) (*auth.Auth, awaf.Store, *storetest.Clock, *awaf.User) {
	t.Helper()
	c := storetest.NewClock()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"), sqlite.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := auth.New(db, c.Now)
	a.Params = fast
	h, _ := auth.HashPassword("correct horse battery", fast)
	u := &awaf.User{Email: "ada@example.com", PasswordHash: h}
	if err := db.CreateUser(context.Background(), awaf.Actor{Name: "test"}, u); err != nil {
		t.Fatal(err)
	}
	return a, db, c, u
}

func TestSignInAndSession(t *testing.T) {
	a, _, c, u := setup(t)
	ctx := context.Background()
	got, s, secret, err := a.SignIn(ctx, " ADA@example.com", "correct horse battery", "192.0.2.1")
	if err != nil || got.ID != u.ID {
		t.Fatalf("SignIn = %+v, %v", got, err)
	}
	if s.Hash == secret || s.Hash != auth.HashSecret(secret) || len(s.CSRF) < 40 {
		t.Fatalf("session stores %+v for secret %q", s, secret)
	}
	if _, su, err := a.Session(ctx, secret); err != nil || su.ID != u.ID {
		t.Fatalf("Session = %v, %v", su, err)
	}
	if _, _, err := a.Session(ctx, secret+"x"); awaf.ErrorCode(err) != awaf.EUNAUTH {
		t.Fatalf("tampered cookie: %v", err)
	}
	c.Advance(13 * time.Hour)
	if _, _, err := a.Session(ctx, secret); awaf.ErrorCode(err) != awaf.EUNAUTH {
		t.Fatalf("expired session: %v", err)
	}
	_, _, secret, _ = a.SignIn(ctx, "ada@example.com", "correct horse battery", "192.0.2.1")
	if err := a.SignOut(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Session(ctx, secret); awaf.ErrorCode(err) != awaf.EUNAUTH {
		t.Fatalf("signed-out session: %v", err)
	}
}

func TestSignInFailuresAreUniform(t *testing.T) {
	a, _, _, _ := setup(t)
	ctx := context.Background()
	_, _, _, errWrong := a.SignIn(ctx, "ada@example.com", "wrong password!", "192.0.2.1")
	_, _, _, errUnknown := a.SignIn(ctx, "eve@example.com", "wrong password!", "192.0.2.2")
	if errWrong == nil || errUnknown == nil || errWrong.Error() != errUnknown.Error() {
		t.Fatalf("wrong password %v vs unknown email %v", errWrong, errUnknown)
	}
}

func TestLockout(t *testing.T) {
	a, db, c, _ := setup(t)
	ctx := context.Background()
	for i := range 5 {
		_, _, _, err := a.SignIn(ctx, "ada@example.com", "guess", "198.51.100."+string(rune('1'+i)))
		if !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	// The right password from a fresh address is refused while the account is locked.
	if _, _, _, err := a.SignIn(ctx, "ada@example.com", "correct horse battery", "192.0.2.9"); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("sign-in while locked: %v", err)
	}
	c.Advance(16 * time.Minute)
	if _, _, _, err := a.SignIn(ctx, "ada@example.com", "correct horse battery", "192.0.2.9"); err != nil {
		t.Fatalf("sign-in after the lock: %v", err)
	}
	// One client guessing across accounts is locked too.
	for i := range 5 {
		a.SignIn(ctx, "user"+string(rune('a'+i))+"@example.com", "guess", "203.0.113.7")
	}
	if _, _, _, err := a.SignIn(ctx, "ada@example.com", "correct horse battery", "203.0.113.7"); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("sign-in from a locked client: %v", err)
	}
	es, _ := db.AuditEvents(ctx, awaf.AuditFilter{})
	failed := 0
	for _, e := range es {
		if e.Action == awaf.AuditSignInFailed {
			failed++
		}
	}
	if failed != 10 {
		t.Fatalf("audit has %d failed sign-ins, want 10", failed)
	}
}

func TestTokens(t *testing.T) {
	a, db, c, u := setup(t)
	ctx := context.Background()
	w := storetest.MustWorkload(t, db, u, "chat")
	secret, tok, err := a.NewToken(ctx, storetest.ActorOf(u), w.ID, "ci", awaf.RoleContributor, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, auth.TokenPrefix) || strings.Contains(tok.Hash, secret) || !strings.HasPrefix(secret, tok.Prefix) {
		t.Fatalf("secret %q token %+v", secret, tok)
	}
	if got, err := a.Token(ctx, secret); err != nil || got.ID != tok.ID || got.Role != awaf.RoleContributor {
		t.Fatalf("Token = %+v, %v", got, err)
	}
	for name, s := range map[string]string{"no prefix": secret[len(auth.TokenPrefix):], "changed": secret + "A", "empty": ""} {
		if _, err := a.Token(ctx, s); awaf.ErrorCode(err) != awaf.EUNAUTH {
			t.Errorf("%s: %v", name, err)
		}
	}
	c.Advance(2 * time.Hour)
	if _, err := a.Token(ctx, secret); awaf.ErrorCode(err) != awaf.EUNAUTH {
		t.Fatalf("expired token: %v", err)
	}
	secret2, tok2, _ := a.NewToken(ctx, storetest.ActorOf(u), w.ID, "ci2", awaf.RoleReader, 0)
	if err := db.RevokeToken(ctx, storetest.ActorOf(u), w.ID, tok2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Token(ctx, secret2); awaf.ErrorCode(err) != awaf.EUNAUTH {
		t.Fatalf("revoked token: %v", err)
	}
}

// TestLockoutParallel: wrong passwords sent all at once for one account are counted
// before any is checked, so only the policy's Max get a password check and the rest
// are refused as locked.
func TestLockoutParallel(t *testing.T) {
	for _, n := range []int{20, 60} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			a, _, _, _ := setup(t)
			ctx := context.Background()
			var wg sync.WaitGroup
			var mu sync.Mutex
			counts := map[string]int{}
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, _, err := a.SignIn(ctx, "ada@example.com", "guess", fmt.Sprintf("198.51.100.%d", i))
					kind := "other: " + fmt.Sprint(err)
					switch {
					case errors.Is(err, auth.ErrBadCredentials):
						kind = "bad"
					case errors.Is(err, auth.ErrLocked):
						kind = "locked"
					}
					mu.Lock()
					counts[kind]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			if counts["bad"] != a.Throttle.Max || counts["locked"] != n-a.Throttle.Max {
				t.Fatalf("%d parallel wrong passwords: %v, want %d checked and %d locked", n, counts, a.Throttle.Max, n-a.Throttle.Max)
			}
		})
	}
}
