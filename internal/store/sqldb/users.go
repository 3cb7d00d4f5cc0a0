package sqldb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/awaf/awaf"
)

// Users and sessions.

const userCols = `id, email, name, admin, password_hash, created, disabled, oidc_issuer, oidc_subject`

func scanUser(r scanner) (*awaf.User, error) {
	var u awaf.User
	var created int64
	if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Admin, &u.PasswordHash, &created, &u.Disabled, &u.OIDCIssuer, &u.OIDCSubject); err != nil {
		return nil, err
	}
	u.Created = fromMicro(created)
	return &u, nil
}

// NormalizeEmail is how emails are compared and stored.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func (s *Store) CreateUser(ctx context.Context, by awaf.Actor, u *awaf.User) error {
	return s.createUser(ctx, by, u, false)
}

func (s *Store) CreateFirstUser(ctx context.Context, by awaf.Actor, u *awaf.User) error {
	return s.createUser(ctx, by, u, true)
}

func (s *Store) createUser(ctx context.Context, by awaf.Actor, u *awaf.User, first bool) error {
	u.Email = NormalizeEmail(u.Email)
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return awaf.Errorf(awaf.EINVALID, "a user needs an email address")
	}
	if u.Created.IsZero() {
		u.Created = s.clock()
	}
	err := s.tx(ctx, func(c Conn) error {
		if first {
			if s.d.UsersLock != "" {
				if _, err := c.Exec(ctx, s.d.UsersLock); err != nil {
					return fmt.Errorf("lock users: %w", err)
				}
			}
			var n int
			if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
				return fmt.Errorf("count users: %w", err)
			}
			if n > 0 {
				return awaf.Errorf(awaf.ECONFLICT, "this server is already set up")
			}
		}
		err := c.QueryRow(ctx, `INSERT INTO users (email, name, admin, password_hash, created)
			VALUES (?, ?, ?, ?, ?) RETURNING id`,
			u.Email, u.Name, u.Admin, u.PasswordHash, micro(u.Created)).Scan(&u.ID)
		if err != nil {
			return s.conflict(err, "user %s already exists", u.Email)
		}
		return s.audit(ctx, c, by, 0, awaf.AuditUserCreate, u.Email, nil, u)
	})
	return wrap(err, "create user %s", u.Email)
}

func (s *Store) User(ctx context.Context, id int64) (*awaf.User, error) {
	u, err := scanUser(s.c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	return u, wrap(notFound(err, "user %d not found", id), "read user %d", id)
}

func (s *Store) UserByEmail(ctx context.Context, email string) (*awaf.User, error) {
	email = NormalizeEmail(email)
	u, err := scanUser(s.c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	return u, wrap(notFound(err, "user %s not found", email), "read user %s", email)
}

func (s *Store) Users(ctx context.Context) ([]awaf.User, error) {
	rows, err := s.c.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY email`)
	us, err := all(rows, err, scanUser)
	return us, wrap(err, "list users")
}

func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.c.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, wrap(err, "count users")
}

func (s *Store) SetPassword(ctx context.Context, by awaf.Actor, userID int64, hash string) error {
	err := s.tx(ctx, func(c Conn) error {
		n, err := c.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n == 0 {
			return awaf.Errorf(awaf.ENOTFOUND, "user %d not found", userID)
		}
		if _, err := c.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		// The hash itself stays out of the log.
		return s.audit(ctx, c, by, 0, awaf.AuditPasswordReset, fmt.Sprintf("user:%d", userID), nil, nil)
	})
	return wrap(err, "set password of user %d", userID)
}

func (s *Store) SetDisabled(ctx context.Context, by awaf.Actor, userID int64, disabled bool) error {
	err := s.tx(ctx, func(c Conn) error {
		u, err := scanUser(c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, userID))
		if err != nil {
			return notFound(err, "user %d not found", userID)
		}
		if disabled && u.Admin && !u.Disabled {
			var others int
			if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE admin = ? AND disabled = ? AND id <> ?`, true, false, userID).Scan(&others); err != nil {
				return fmt.Errorf("count administrators: %w", err)
			}
			if others == 0 {
				return awaf.Errorf(awaf.EINVALID, "%s is the last enabled administrator", u.Email)
			}
		}
		if _, err := c.Exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, userID); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		action := awaf.AuditUserEnable
		if disabled {
			action = awaf.AuditUserDisable
			if _, err := c.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		// The person's live tokens stop working while the account is disabled and
		// work again once it is enabled; the log names them.
		rows, err := c.Query(ctx, `SELECT id FROM tokens WHERE creator_id = ? AND revoked = 0 ORDER BY id`, userID)
		tokens, err := all(rows, err, func(r scanner) (*int64, error) {
			var id int64
			return &id, r.Scan(&id)
		})
		if err != nil {
			return fmt.Errorf("list tokens: %w", err)
		}
		var after any
		if len(tokens) > 0 {
			key := "tokensResumed"
			if disabled {
				key = "tokensSuspended"
			}
			after = map[string]any{key: tokens}
		}
		return s.audit(ctx, c, by, 0, action, u.Email, nil, after)
	})
	return wrap(err, "set disabled=%t on user %d", disabled, userID)
}

func (s *Store) SetAdmin(ctx context.Context, by awaf.Actor, userID int64, admin bool) error {
	err := s.tx(ctx, func(c Conn) error {
		u, err := scanUser(c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, userID))
		if err != nil {
			return notFound(err, "user %d not found", userID)
		}
		if u.Admin == admin {
			return nil
		}
		if !admin && !u.Disabled {
			var others int
			if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE admin = ? AND disabled = ? AND id <> ?`, true, false, userID).Scan(&others); err != nil {
				return fmt.Errorf("count administrators: %w", err)
			}
			if others == 0 {
				return awaf.Errorf(awaf.EINVALID, "%s is the last enabled administrator", u.Email)
			}
		}
		if _, err := c.Exec(ctx, `UPDATE users SET admin = ? WHERE id = ?`, admin, userID); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		return s.audit(ctx, c, by, 0, awaf.AuditUserAdmin, u.Email, map[string]bool{"admin": u.Admin}, map[string]bool{"admin": admin})
	})
	return wrap(err, "set admin=%t on user %d", admin, userID)
}

func (s *Store) UserByOIDC(ctx context.Context, issuer, subject string) (*awaf.User, error) {
	if subject == "" {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "no user for an empty subject")
	}
	u, err := scanUser(s.c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`, issuer, subject))
	return u, wrap(notFound(err, "no user signs in as %s at %s", subject, issuer), "read user %s at %s", subject, issuer)
}

func (s *Store) SetOIDCIdentity(ctx context.Context, by awaf.Actor, userID int64, issuer, subject string) error {
	if issuer == "" || subject == "" || len(issuer) > 2048 || len(subject) > 255 {
		return awaf.Errorf(awaf.EINVALID, "an identity needs an issuer (up to 2048 bytes) and a subject (up to 255)")
	}
	err := s.tx(ctx, func(c Conn) error {
		u, err := scanUser(c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, userID))
		if err != nil {
			return notFound(err, "user %d not found", userID)
		}
		if u.OIDCIssuer == issuer && u.OIDCSubject == subject {
			return nil
		}
		if u.OIDCSubject != "" {
			return awaf.Errorf(awaf.ECONFLICT, "%s is bound to another company identity", u.Email)
		}
		var other int
		if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`, issuer, subject).Scan(&other); err != nil {
			return fmt.Errorf("look up identity: %w", err)
		}
		if other > 0 {
			return awaf.Errorf(awaf.ECONFLICT, "that company identity is bound to another account")
		}
		if _, err := c.Exec(ctx, `UPDATE users SET oidc_issuer = ?, oidc_subject = ? WHERE id = ?`, issuer, subject, userID); err != nil {
			return s.conflict(err, "that company identity is bound to another account")
		}
		return s.audit(ctx, c, by, 0, awaf.AuditUserOIDC, u.Email, nil, map[string]string{"issuer": issuer, "subject": subject})
	})
	return wrap(err, "bind user %d to a company identity", userID)
}

// Sessions.

func (s *Store) CreateSession(ctx context.Context, se *awaf.Session) error {
	if se.Hash == "" || se.UserID == 0 {
		return awaf.Errorf(awaf.EINVALID, "a session needs a hash and a user")
	}
	if se.Created.IsZero() {
		se.Created = s.clock()
	}
	_, err := s.c.Exec(ctx, `INSERT INTO sessions (hash, user_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)`,
		se.Hash, se.UserID, se.CSRF, micro(se.Created), micro(se.Expires))
	return wrap(s.conflict(err, "session already exists"), "create session for user %d", se.UserID)
}

func (s *Store) SessionByHash(ctx context.Context, hash string) (*awaf.Session, error) {
	var se awaf.Session
	var created, expires int64
	err := s.c.QueryRow(ctx, `SELECT hash, user_id, csrf, created, expires FROM sessions WHERE hash = ?`, hash).
		Scan(&se.Hash, &se.UserID, &se.CSRF, &created, &expires)
	if err != nil {
		return nil, wrap(notFound(err, "session not found"), "read session")
	}
	se.Created, se.Expires = fromMicro(created), fromMicro(expires)
	return &se, nil
}

func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.c.Exec(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
	return wrap(err, "delete session")
}

func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	n, err := s.c.Exec(ctx, `DELETE FROM sessions WHERE expires <= ?`, micro(now))
	return int(n), wrap(err, "delete expired sessions")
}
