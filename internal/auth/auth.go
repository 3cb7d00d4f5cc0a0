package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf"
)

// ErrLocked is returned when too many sign-ins failed for the account or the client.
// Callers answer 429 and must not say which of the two is locked.
var ErrLocked = errors.New("too many failed sign-ins; try again later")

// ErrBadCredentials is the one answer to an unknown email or a wrong password, so
// that sign-in does not reveal which accounts exist.
var ErrBadCredentials = awaf.Errorf(awaf.EUNAUTH, "wrong email or password")

// TokenPrefix starts every API token so that secret scanners can recognize them.
const TokenPrefix = "awaf_"

// Store is what signing in needs of the server's store: accounts, sessions, tokens,
// the sign-in throttle and the audit log.
type Store interface {
	User(ctx context.Context, id int64) (*awaf.User, error)
	UserByEmail(ctx context.Context, email string) (*awaf.User, error)
	SetPassword(ctx context.Context, by awaf.Actor, userID int64, hash string) error

	CreateSession(ctx context.Context, s *awaf.Session) error
	SessionByHash(ctx context.Context, hash string) (*awaf.Session, error)
	DeleteSession(ctx context.Context, hash string) error

	CreateToken(ctx context.Context, by awaf.Actor, t *awaf.Token) error
	TokenByHash(ctx context.Context, hash string) (*awaf.Token, error)

	ReserveAttempt(ctx context.Context, key string, now time.Time, p awaf.ThrottlePolicy) (*awaf.Attempt, error)
	ReleaseAttempt(ctx context.Context, a *awaf.Attempt) error
	ClearFailures(ctx context.Context, key string) error

	AppendAudit(ctx context.Context, e awaf.AuditEvent) error
}

// Auth signs people and tokens in against a store.
type Auth struct {
	Store  Store
	Now    func() time.Time
	Params Params
	// Throttle for each account and for each client address.
	Throttle awaf.ThrottlePolicy
	// SessionTTL is how long a session lasts from sign-in.
	SessionTTL time.Duration

	once  sync.Once
	dummy string // a hash to verify against for unknown emails
}

// New returns an Auth with defaults: 5 failures in 15 minutes lock for 15 minutes,
// sessions last 12 hours.
func New(store Store, now func() time.Time) *Auth {
	if now == nil {
		now = time.Now
	}
	return &Auth{
		Store: store, Now: now, Params: DefaultParams,
		Throttle:   awaf.ThrottlePolicy{Max: 5, Window: 15 * time.Minute, Lock: 15 * time.Minute},
		SessionTTL: 12 * time.Hour,
	}
}

func (a *Auth) dummyHash() string {
	a.once.Do(func() { a.dummy, _ = HashPassword("not-a-real-password", a.Params) })
	return a.dummy
}

// Warm computes the dummy hash up front so that the first unknown-email sign-in
// takes as long as the rest.
func (a *Auth) Warm() { a.dummyHash() }

// SignIn checks email and password and opens a session. It returns the cookie value,
// which is never stored. client is the caller's address, throttled on its own.
func (a *Auth) SignIn(ctx context.Context, email, password, client string) (*awaf.User, *awaf.Session, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := a.Now()
	// Each attempt is counted for the account and for the client before its password
	// is checked, so that attempts sent all at once cannot all slip in before the
	// first failure is recorded.
	account, err := a.Store.ReserveAttempt(ctx, "email:"+email, now, a.Throttle)
	if err != nil {
		return nil, nil, "", err
	}
	if !account.Allowed {
		return nil, nil, "", ErrLocked
	}
	caller, err := a.Store.ReserveAttempt(ctx, "client:"+client, now, a.Throttle)
	if err != nil {
		return nil, nil, "", err
	}
	if !caller.Allowed {
		// No password was checked: the account's attempt is given back.
		if err := a.Store.ReleaseAttempt(ctx, account); err != nil {
			return nil, nil, "", err
		}
		return nil, nil, "", ErrLocked
	}
	u, err := a.Store.UserByEmail(ctx, email)
	hash := ""
	switch {
	case err == nil:
		hash = u.PasswordHash
	case awaf.ErrorCode(err) == awaf.ENOTFOUND:
		u = nil
	default:
		return nil, nil, "", err
	}
	if hash == "" {
		hash = a.dummyHash()
	}
	ok, verr := VerifyPassword(hash, password)
	// A disabled account is refused like a wrong password, after the same work, so
	// the answer says nothing about which accounts exist or are disabled.
	if u == nil || verr != nil || !ok || u.Disabled {
		// Both attempts stay counted.
		a.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: awaf.Actor{Name: email}, Action: awaf.AuditSignInFailed, Target: client})
		return nil, nil, "", ErrBadCredentials
	}
	// The account's count is cleared; the client only gets this attempt back: one
	// good password must not unlock a client that is guessing at other accounts.
	if err := a.Store.ClearFailures(ctx, account.Key); err != nil {
		return nil, nil, "", err
	}
	if err := a.Store.ReleaseAttempt(ctx, caller); err != nil {
		return nil, nil, "", err
	}
	s, secret, err := a.openSession(ctx, u.ID, now)
	if err != nil {
		return nil, nil, "", err
	}
	err = a.Store.AppendAudit(ctx, awaf.AuditEvent{Actor: awaf.Actor{UserID: u.ID, Name: u.Email}, Action: awaf.AuditSignIn, Target: client})
	return u, s, secret, err
}

// ChangePassword replaces u's password when current is right, ends all of u's
// sessions (the store does, with the change) and opens a new one for the caller, whose
// cookie value it returns. A wrong current password counts as a failed sign-in of the
// account, so a stolen session cannot guess it freely.
func (a *Auth) ChangePassword(ctx context.Context, u *awaf.User, current, next string) (*awaf.Session, string, error) {
	now := a.Now()
	key := "email:" + strings.ToLower(u.Email)
	attempt, err := a.Store.ReserveAttempt(ctx, key, now, a.Throttle)
	if err != nil {
		return nil, "", err
	}
	if !attempt.Allowed {
		return nil, "", ErrLocked
	}
	fresh, err := a.Store.User(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	if ok, verr := VerifyPassword(fresh.PasswordHash, current); verr != nil || !ok {
		return nil, "", awaf.Errorf(awaf.EUNAUTH, "the current password is wrong")
	}
	if err := a.Store.ReleaseAttempt(ctx, attempt); err != nil {
		return nil, "", err
	}
	hash, err := HashPassword(next, a.Params)
	if err != nil {
		return nil, "", err
	}
	if err := a.Store.SetPassword(ctx, awaf.Actor{UserID: u.ID, Name: u.Email}, u.ID, hash); err != nil {
		return nil, "", err
	}
	return a.openSession(ctx, u.ID, now)
}

// OpenSession starts a session for a user who has just proved who they are (first-run
// set-up).
func (a *Auth) OpenSession(ctx context.Context, userID int64) (*awaf.Session, string, error) {
	return a.openSession(ctx, userID, a.Now())
}

func (a *Auth) openSession(ctx context.Context, userID int64, now time.Time) (*awaf.Session, string, error) {
	secret, err := NewSecret()
	if err != nil {
		return nil, "", err
	}
	csrf, err := NewSecret()
	if err != nil {
		return nil, "", err
	}
	s := &awaf.Session{Hash: HashSecret(secret), UserID: userID, CSRF: csrf, Created: now, Expires: now.Add(a.SessionTTL)}
	if err := a.Store.CreateSession(ctx, s); err != nil {
		return nil, "", fmt.Errorf("open session: %w", err)
	}
	return s, secret, nil
}

// Session returns the live session and its user for a cookie value.
func (a *Auth) Session(ctx context.Context, secret string) (*awaf.Session, *awaf.User, error) {
	if secret == "" || len(secret) > 100 {
		return nil, nil, awaf.Errorf(awaf.EUNAUTH, "not signed in")
	}
	s, err := a.Store.SessionByHash(ctx, HashSecret(secret))
	if awaf.ErrorCode(err) == awaf.ENOTFOUND {
		return nil, nil, awaf.Errorf(awaf.EUNAUTH, "not signed in")
	} else if err != nil {
		return nil, nil, err
	}
	if !a.Now().Before(s.Expires) {
		a.Store.DeleteSession(ctx, s.Hash)
		return nil, nil, awaf.Errorf(awaf.EUNAUTH, "session expired")
	}
	u, err := a.Store.User(ctx, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		a.Store.DeleteSession(ctx, s.Hash)
		return nil, nil, awaf.Errorf(awaf.EUNAUTH, "this account is disabled")
	}
	return s, u, nil
}

// SignOut ends the session of a cookie value.
func (a *Auth) SignOut(ctx context.Context, secret string) error {
	return a.Store.DeleteSession(ctx, HashSecret(secret))
}

// NewToken makes an API token and returns its secret, the only time it is shown.
func (a *Auth) NewToken(ctx context.Context, by awaf.Actor, workloadID int64, name string, role awaf.Role, ttl time.Duration) (string, *awaf.Token, error) {
	s, err := NewSecret()
	if err != nil {
		return "", nil, err
	}
	secret := TokenPrefix + s
	t := &awaf.Token{WorkloadID: workloadID, Name: name, Role: role, Hash: HashSecret(secret), Prefix: secret[:len(TokenPrefix)+6]}
	if ttl > 0 {
		t.Expires = a.Now().Add(ttl)
	}
	if err := a.Store.CreateToken(ctx, by, t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Token returns the live token for a bearer secret.
func (a *Auth) Token(ctx context.Context, secret string) (*awaf.Token, error) {
	bad := awaf.Errorf(awaf.EUNAUTH, "invalid or revoked token")
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return nil, bad
	}
	h := HashSecret(secret)
	t, err := a.Store.TokenByHash(ctx, h)
	if awaf.ErrorCode(err) == awaf.ENOTFOUND {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if !Equal(t.Hash, h) || !t.Live(a.Now()) {
		return nil, bad
	}
	return t, nil
}
