package sqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/awaf/awaf"
)

// Store implements awaf.Store on a DB.
type Store struct {
	db  DB
	c   boundConn
	d   Dialect
	now func() time.Time
}

var _ awaf.Store = (*Store)(nil)

// New returns a store on db. now is the clock; nil means time.Now.
func New(db DB, d Dialect, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, c: boundConn{db, d}, d: d, now: now}
}

// clock returns now at the precision the database keeps, so that values returned
// from writes equal those read back.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// tx runs fn in a transaction with placeholders rewritten.
func (s *Store) tx(ctx context.Context, fn func(c Conn) error) error {
	return s.db.InTx(ctx, func(c Conn) error { return fn(boundConn{c, s.d}) })
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

func micro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicro(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, ErrNoRows) {
		return awaf.Errorf(awaf.ENOTFOUND, format, args...)
	}
	return err
}

func (s *Store) conflict(err error, format string, args ...any) error {
	if err != nil && s.d.IsUnique != nil && s.d.IsUnique(err) {
		return awaf.Errorf(awaf.ECONFLICT, format, args...)
	}
	return err
}

func jsonText(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// audit appends an event inside the caller's transaction.
func (s *Store) audit(ctx context.Context, c Conn, by awaf.Actor, workloadID int64, action, target string, before, after any) error {
	b, err := jsonText(before)
	if err != nil {
		return err
	}
	a, err := jsonText(after)
	if err != nil {
		return err
	}
	return s.appendAudit(ctx, c, awaf.AuditEvent{
		At: s.clock(), Actor: by, WorkloadID: workloadID, Action: action, Target: target,
		Before: json.RawMessage(b), After: json.RawMessage(a),
	})
}

func (s *Store) appendAudit(ctx context.Context, c Conn, e awaf.AuditEvent) error {
	if e.At.IsZero() {
		e.At = s.clock()
	}
	if e.Action == "" {
		return awaf.Errorf(awaf.EINVALID, "audit event without an action")
	}
	_, err := c.Exec(ctx, `INSERT INTO audit_events
		(at, actor_user_id, actor_token_id, actor_name, workload_id, action, target, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		micro(e.At), e.Actor.UserID, e.Actor.TokenID, e.Actor.Name, e.WorkloadID, e.Action, e.Target,
		string(e.Before), string(e.After))
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// Users.

const userCols = `id, email, name, admin, password_hash, created, disabled`

func scanUser(r interface{ Scan(...any) error }) (*awaf.User, error) {
	var u awaf.User
	var created int64
	if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Admin, &u.PasswordHash, &created, &u.Disabled); err != nil {
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
	return s.tx(ctx, func(c Conn) error {
		if first {
			if s.d.UsersLock != "" {
				if _, err := c.Exec(ctx, s.d.UsersLock); err != nil {
					return err
				}
			}
			var n int
			if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
				return err
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
}

func (s *Store) User(ctx context.Context, id int64) (*awaf.User, error) {
	u, err := scanUser(s.c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	return u, notFound(err, "user %d not found", id)
}

func (s *Store) UserByEmail(ctx context.Context, email string) (*awaf.User, error) {
	email = NormalizeEmail(email)
	u, err := scanUser(s.c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	return u, notFound(err, "user %s not found", email)
}

func (s *Store) Users(ctx context.Context) ([]awaf.User, error) {
	rows, err := s.c.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []awaf.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		us = append(us, *u)
	}
	return us, rows.Err()
}

func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.c.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

func (s *Store) SetPassword(ctx context.Context, by awaf.Actor, userID int64, hash string) error {
	return s.tx(ctx, func(c Conn) error {
		n, err := c.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n == 0 {
			return awaf.Errorf(awaf.ENOTFOUND, "user %d not found", userID)
		}
		if _, err := c.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		// The hash itself stays out of the log.
		return s.audit(ctx, c, by, 0, awaf.AuditPasswordReset, fmt.Sprintf("user:%d", userID), nil, nil)
	})
}

func (s *Store) SetDisabled(ctx context.Context, by awaf.Actor, userID int64, disabled bool) error {
	return s.tx(ctx, func(c Conn) error {
		u, err := scanUser(c.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, userID))
		if err != nil {
			return notFound(err, "user %d not found", userID)
		}
		if disabled && u.Admin && !u.Disabled {
			var others int
			if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE admin = ? AND disabled = ? AND id <> ?`, true, false, userID).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return awaf.Errorf(awaf.EINVALID, "%s is the last enabled administrator", u.Email)
			}
		}
		if _, err := c.Exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, userID); err != nil {
			return err
		}
		action := awaf.AuditUserEnable
		if disabled {
			action = awaf.AuditUserDisable
			if _, err := c.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return err
			}
		}
		return s.audit(ctx, c, by, 0, action, u.Email, nil, nil)
	})
}

// Workloads.

const workloadCols = `id, name, description, owner, environment, lens_id, lens_version, profile, created, updated, version`

func scanWorkload(r interface{ Scan(...any) error }) (*awaf.WorkloadRecord, error) {
	var w awaf.WorkloadRecord
	var profile string
	var created, updated int64
	if err := r.Scan(&w.ID, &w.Name, &w.Description, &w.Owner, &w.Environment, &w.Lens.ID, &w.Lens.Version,
		&profile, &created, &updated, &w.Version); err != nil {
		return nil, err
	}
	if profile != "" {
		if err := json.Unmarshal([]byte(profile), &w.Profile); err != nil {
			return nil, fmt.Errorf("workload %d profile: %w", w.ID, err)
		}
	}
	w.Created, w.Updated = fromMicro(created), fromMicro(updated)
	return &w, nil
}

func validWorkload(w *awaf.WorkloadRecord) error {
	w.Name = strings.TrimSpace(w.Name)
	if w.Name == "" {
		return awaf.Errorf(awaf.EINVALID, "a workload needs a name")
	}
	if len(w.Name) > 200 {
		return awaf.Errorf(awaf.EINVALID, "workload name is longer than 200 characters")
	}
	return nil
}

func (s *Store) CreateWorkload(ctx context.Context, by awaf.Actor, w *awaf.WorkloadRecord) error {
	if err := validWorkload(w); err != nil {
		return err
	}
	profile, err := jsonText(w.Profile)
	if err != nil {
		return err
	}
	now := s.clock()
	w.Created, w.Updated, w.Version = now, now, 1
	return s.tx(ctx, func(c Conn) error {
		err := c.QueryRow(ctx, `INSERT INTO workloads
			(name, description, owner, environment, lens_id, lens_version, profile, created, updated, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			w.Name, w.Description, w.Owner, w.Environment, w.Lens.ID, w.Lens.Version, profile,
			micro(now), micro(now), w.Version).Scan(&w.ID)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, c, by, w.ID, awaf.AuditWorkloadSave, fmt.Sprintf("workload:%d", w.ID), nil, w); err != nil {
			return err
		}
		if by.UserID != 0 {
			return s.grant(ctx, c, by, w.ID, by.UserID, awaf.RoleOwner)
		}
		return nil
	})
}

func (s *Store) Workload(ctx context.Context, id int64) (*awaf.WorkloadRecord, error) {
	w, err := scanWorkload(s.c.QueryRow(ctx, `SELECT `+workloadCols+` FROM workloads WHERE id = ?`, id))
	return w, notFound(err, "workload %d not found", id)
}

func (s *Store) Workloads(ctx context.Context, userID int64) ([]awaf.WorkloadRecord, error) {
	var rows Rows
	var err error
	if userID == 0 {
		rows, err = s.c.Query(ctx, `SELECT `+workloadCols+` FROM workloads ORDER BY name, id`)
	} else {
		rows, err = s.c.Query(ctx, `SELECT `+workloadCols+` FROM workloads
			WHERE id IN (SELECT workload_id FROM memberships WHERE user_id = ?) ORDER BY name, id`, userID)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ws []awaf.WorkloadRecord
	for rows.Next() {
		w, err := scanWorkload(rows)
		if err != nil {
			return nil, err
		}
		ws = append(ws, *w)
	}
	return ws, rows.Err()
}

func (s *Store) UpdateWorkload(ctx context.Context, by awaf.Actor, w *awaf.WorkloadRecord) error {
	if err := validWorkload(w); err != nil {
		return err
	}
	profile, err := jsonText(w.Profile)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c Conn) error { return s.updateWorkload(ctx, c, by, w, profile) })
}

func (s *Store) updateWorkload(ctx context.Context, c Conn, by awaf.Actor, w *awaf.WorkloadRecord, profile string) error {
	before, err := scanWorkload(c.QueryRow(ctx, `SELECT `+workloadCols+` FROM workloads WHERE id = ?`, w.ID))
	if err != nil {
		return notFound(err, "workload %d not found", w.ID)
	}
	now := s.clock()
	n, err := c.Exec(ctx, `UPDATE workloads SET name = ?, description = ?, owner = ?, environment = ?,
		lens_id = ?, lens_version = ?, profile = ?, updated = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		w.Name, w.Description, w.Owner, w.Environment, w.Lens.ID, w.Lens.Version, profile, micro(now),
		w.ID, w.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		return awaf.Errorf(awaf.ECONFLICT, "workload %d was changed by someone else; reload and try again", w.ID)
	}
	w.Version++
	w.Updated, w.Created = now, before.Created
	return s.audit(ctx, c, by, w.ID, awaf.AuditWorkloadSave, fmt.Sprintf("workload:%d", w.ID), before, w)
}

// Access.

func (s *Store) grant(ctx context.Context, c Conn, by awaf.Actor, workloadID, userID int64, role awaf.Role) error {
	if !role.Valid() {
		return awaf.Errorf(awaf.EINVALID, "unknown role %q", role)
	}
	var email string
	if err := c.QueryRow(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
		return notFound(err, "user %d not found", userID)
	}
	var before *awaf.Membership
	m, err := scanMembership(c.QueryRow(ctx, `SELECT `+membershipCols+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workload_id = ? AND m.user_id = ?`, workloadID, userID))
	switch {
	case err == nil:
		before = m
	case !errors.Is(err, ErrNoRows):
		return err
	}
	if before != nil && before.Role == awaf.RoleOwner && role != awaf.RoleOwner {
		if err := lastOwner(ctx, c, workloadID, before.Email); err != nil {
			return err
		}
	}
	now := s.clock()
	if before == nil {
		_, err = c.Exec(ctx, `INSERT INTO memberships (workload_id, user_id, role, granted_by, granted) VALUES (?, ?, ?, ?, ?)`,
			workloadID, userID, string(role), by.Name, micro(now))
	} else {
		_, err = c.Exec(ctx, `UPDATE memberships SET role = ?, granted_by = ?, granted = ? WHERE workload_id = ? AND user_id = ?`,
			string(role), by.Name, micro(now), workloadID, userID)
	}
	if err != nil {
		return err
	}
	after := awaf.Membership{WorkloadID: workloadID, UserID: userID, Email: email, Role: role, GrantedBy: by.Name, Granted: now}
	return s.audit(ctx, c, by, workloadID, awaf.AuditGrant, "user:"+email, before, after)
}

func (s *Store) Grant(ctx context.Context, by awaf.Actor, workloadID, userID int64, role awaf.Role) error {
	return s.tx(ctx, func(c Conn) error {
		if err := s.workloadExists(ctx, c, workloadID); err != nil {
			return err
		}
		return s.grant(ctx, c, by, workloadID, userID, role)
	})
}

func (s *Store) workloadExists(ctx context.Context, c Conn, id int64) error {
	var n int
	if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM workloads WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return awaf.Errorf(awaf.ENOTFOUND, "workload %d not found", id)
	}
	return nil
}

func (s *Store) Revoke(ctx context.Context, by awaf.Actor, workloadID, userID int64) error {
	return s.tx(ctx, func(c Conn) error {
		before, err := scanMembership(c.QueryRow(ctx, `SELECT `+membershipCols+` FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.workload_id = ? AND m.user_id = ?`, workloadID, userID))
		if err != nil {
			return notFound(err, "user %d has no access to workload %d", userID, workloadID)
		}
		if before.Role == awaf.RoleOwner {
			if err := lastOwner(ctx, c, workloadID, before.Email); err != nil {
				return err
			}
		}
		if _, err := c.Exec(ctx, `DELETE FROM memberships WHERE workload_id = ? AND user_id = ?`, workloadID, userID); err != nil {
			return err
		}
		return s.audit(ctx, c, by, workloadID, awaf.AuditRevoke, "user:"+before.Email, before, nil)
	})
}

// lastOwner refuses to leave a workload without an owner.
func lastOwner(ctx context.Context, c Conn, workloadID int64, email string) error {
	var owners int
	if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE workload_id = ? AND role = 'owner'`, workloadID).Scan(&owners); err != nil {
		return err
	}
	if owners <= 1 {
		return awaf.Errorf(awaf.ECONFLICT, "%s is the last owner of the workload", email)
	}
	return nil
}

const membershipCols = `m.workload_id, m.user_id, u.email, m.role, m.granted_by, m.granted, u.disabled`

func scanMembership(r interface{ Scan(...any) error }) (*awaf.Membership, error) {
	var m awaf.Membership
	var role string
	var granted int64
	if err := r.Scan(&m.WorkloadID, &m.UserID, &m.Email, &role, &m.GrantedBy, &granted, &m.Disabled); err != nil {
		return nil, err
	}
	m.Role, m.Granted = awaf.Role(role), fromMicro(granted)
	return &m, nil
}

func (s *Store) Memberships(ctx context.Context, workloadID int64) ([]awaf.Membership, error) {
	rows, err := s.c.Query(ctx, `SELECT `+membershipCols+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workload_id = ? ORDER BY u.email`, workloadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []awaf.Membership
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, err
		}
		ms = append(ms, *m)
	}
	return ms, rows.Err()
}

func (s *Store) Role(ctx context.Context, workloadID, userID int64) (awaf.Role, error) {
	var role string
	err := s.c.QueryRow(ctx, `SELECT role FROM memberships WHERE workload_id = ? AND user_id = ?`, workloadID, userID).Scan(&role)
	if err != nil {
		return "", notFound(err, "no access to workload %d", workloadID)
	}
	return awaf.Role(role), nil
}

// Tokens.

const tokenCols = `id, workload_id, name, role, hash, prefix, created_by, created, expires, revoked`

func scanToken(r interface{ Scan(...any) error }) (*awaf.Token, error) {
	var t awaf.Token
	var role string
	var created, expires, revoked int64
	if err := r.Scan(&t.ID, &t.WorkloadID, &t.Name, &role, &t.Hash, &t.Prefix, &t.CreatedBy, &created, &expires, &revoked); err != nil {
		return nil, err
	}
	t.Role = awaf.Role(role)
	t.Created, t.Expires, t.Revoked = fromMicro(created), fromMicro(expires), fromMicro(revoked)
	return &t, nil
}

func (s *Store) CreateToken(ctx context.Context, by awaf.Actor, t *awaf.Token) error {
	if !t.Role.Valid() {
		return awaf.Errorf(awaf.EINVALID, "unknown role %q", t.Role)
	}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || t.Hash == "" {
		return awaf.Errorf(awaf.EINVALID, "a token needs a name and a secret")
	}
	t.CreatedBy = by.Name
	t.Created = s.clock()
	return s.tx(ctx, func(c Conn) error {
		if err := s.workloadExists(ctx, c, t.WorkloadID); err != nil {
			return err
		}
		err := c.QueryRow(ctx, `INSERT INTO tokens (workload_id, name, role, hash, prefix, created_by, created, expires, revoked)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`,
			t.WorkloadID, t.Name, string(t.Role), t.Hash, t.Prefix, t.CreatedBy, micro(t.Created), micro(t.Expires)).Scan(&t.ID)
		if err != nil {
			return s.conflict(err, "token already exists")
		}
		return s.audit(ctx, c, by, t.WorkloadID, awaf.AuditTokenCreate, fmt.Sprintf("token:%d", t.ID), nil, t)
	})
}

func (s *Store) TokenByHash(ctx context.Context, hash string) (*awaf.Token, error) {
	t, err := scanToken(s.c.QueryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, hash))
	return t, notFound(err, "token not found")
}

func (s *Store) Tokens(ctx context.Context, workloadID int64) ([]awaf.Token, error) {
	rows, err := s.c.Query(ctx, `SELECT `+tokenCols+` FROM tokens WHERE workload_id = ? ORDER BY id`, workloadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []awaf.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		ts = append(ts, *t)
	}
	return ts, rows.Err()
}

func (s *Store) RevokeToken(ctx context.Context, by awaf.Actor, workloadID, tokenID int64) error {
	return s.tx(ctx, func(c Conn) error {
		before, err := scanToken(c.QueryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE id = ? AND workload_id = ?`, tokenID, workloadID))
		if err != nil {
			return notFound(err, "token %d not found", tokenID)
		}
		if !before.Revoked.IsZero() {
			return nil
		}
		now := s.clock()
		if _, err := c.Exec(ctx, `UPDATE tokens SET revoked = ? WHERE id = ?`, micro(now), tokenID); err != nil {
			return err
		}
		after := *before
		after.Revoked = now
		return s.audit(ctx, c, by, workloadID, awaf.AuditTokenRevoke, fmt.Sprintf("token:%d", tokenID), before, after)
	})
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
	return s.conflict(err, "session already exists")
}

func (s *Store) SessionByHash(ctx context.Context, hash string) (*awaf.Session, error) {
	var se awaf.Session
	var created, expires int64
	err := s.c.QueryRow(ctx, `SELECT hash, user_id, csrf, created, expires FROM sessions WHERE hash = ?`, hash).
		Scan(&se.Hash, &se.UserID, &se.CSRF, &created, &expires)
	if err != nil {
		return nil, notFound(err, "session not found")
	}
	se.Created, se.Expires = fromMicro(created), fromMicro(expires)
	return &se, nil
}

func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.c.Exec(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
	return err
}

func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	n, err := s.c.Exec(ctx, `DELETE FROM sessions WHERE expires <= ?`, micro(now))
	return int(n), err
}

// Answers.

func scanAnswer(r interface{ Scan(...any) error }) (*awaf.StoredAnswer, error) {
	var a awaf.StoredAnswer
	var body string
	var updated int64
	if err := r.Scan(&a.WorkloadID, &a.Question, &body, &a.Version, &a.UpdatedBy, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(body), &a.Answer); err != nil {
		return nil, fmt.Errorf("answer %s: %w", a.Question, err)
	}
	a.Updated = fromMicro(updated)
	return &a, nil
}

const answerCols = `workload_id, question, body, version, updated_by, updated`

func (s *Store) Answers(ctx context.Context, workloadID int64) ([]awaf.StoredAnswer, error) {
	return s.answers(ctx, s.c, workloadID)
}

func (s *Store) answers(ctx context.Context, c Conn, workloadID int64) ([]awaf.StoredAnswer, error) {
	rows, err := c.Query(ctx, `SELECT `+answerCols+` FROM answers WHERE workload_id = ? ORDER BY question`, workloadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []awaf.StoredAnswer
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, err
		}
		as = append(as, *a)
	}
	return as, rows.Err()
}

func (s *Store) PutAnswer(ctx context.Context, by awaf.Actor, workloadID int64, ans awaf.Answer, version int64) (*awaf.StoredAnswer, error) {
	var out *awaf.StoredAnswer
	err := s.tx(ctx, func(c Conn) error {
		var err error
		out, err = s.putAnswer(ctx, c, by, workloadID, ans, version)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) putAnswer(ctx context.Context, c Conn, by awaf.Actor, workloadID int64, ans awaf.Answer, version int64) (*awaf.StoredAnswer, error) {
	ans.Question = strings.TrimSpace(ans.Question)
	if ans.Question == "" {
		return nil, awaf.Errorf(awaf.EINVALID, "an answer needs a question id")
	}
	body, err := jsonText(ans)
	if err != nil {
		return nil, err
	}
	if err := s.workloadExists(ctx, c, workloadID); err != nil {
		return nil, err
	}
	before, err := scanAnswer(c.QueryRow(ctx, `SELECT `+answerCols+` FROM answers WHERE workload_id = ? AND question = ?`,
		workloadID, ans.Question))
	if err != nil && !errors.Is(err, ErrNoRows) {
		return nil, err
	}
	now := s.clock()
	stale := awaf.Errorf(awaf.ECONFLICT, "the answer to %s was changed by someone else; reload to see it", ans.Question)
	var out *awaf.StoredAnswer
	if before == nil {
		if version != 0 && version != awaf.AnyVersion {
			return nil, stale
		}
		if _, err := c.Exec(ctx, `INSERT INTO answers (`+answerCols+`) VALUES (?, ?, ?, 1, ?, ?)`,
			workloadID, ans.Question, body, by.Name, micro(now)); err != nil {
			return nil, s.conflict(err, "the answer to %s was changed by someone else; reload to see it", ans.Question)
		}
		out = &awaf.StoredAnswer{WorkloadID: workloadID, Answer: ans, Version: 1, UpdatedBy: by.Name, Updated: now}
	} else {
		if version != awaf.AnyVersion && version != before.Version {
			return nil, stale
		}
		n, err := c.Exec(ctx, `UPDATE answers SET body = ?, version = version + 1, updated_by = ?, updated = ?
			WHERE workload_id = ? AND question = ? AND version = ?`,
			body, by.Name, micro(now), workloadID, ans.Question, before.Version)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, stale
		}
		out = &awaf.StoredAnswer{WorkloadID: workloadID, Answer: ans, Version: before.Version + 1, UpdatedBy: by.Name, Updated: now}
	}
	var prev any
	if before != nil {
		prev = before.Answer
	}
	return out, s.audit(ctx, c, by, workloadID, awaf.AuditAnswer, "question:"+ans.Question, prev, ans)
}

func (s *Store) Assessment(ctx context.Context, workloadID int64) (*awaf.Assessment, error) {
	var a *awaf.Assessment
	err := s.db.ReadTx(ctx, func(c Conn) error {
		c = boundConn{c, s.d}
		var err error
		a, err = s.assessment(ctx, c, workloadID)
		return err
	})
	return a, err
}

// assessment reads a workload and its answers inside one transaction so that the
// snapshot is consistent.
func (s *Store) assessment(ctx context.Context, c Conn, workloadID int64) (*awaf.Assessment, error) {
	w, err := scanWorkload(c.QueryRow(ctx, `SELECT `+workloadCols+` FROM workloads WHERE id = ?`, workloadID))
	if err != nil {
		return nil, notFound(err, "workload %d not found", workloadID)
	}
	as, err := s.answers(ctx, c, workloadID)
	if err != nil {
		return nil, err
	}
	a := &awaf.Assessment{Lens: w.Lens, Workload: w.Workload, Profile: w.Profile, Updated: w.Updated}
	for _, sa := range as {
		a.Answers = append(a.Answers, sa.Answer)
		if sa.Updated.After(a.Updated) {
			a.Updated = sa.Updated
		}
	}
	return a, nil
}

// Milestones.

func (s *Store) CreateMilestone(ctx context.Context, by awaf.Actor, workloadID int64, name string) (*awaf.Milestone, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, awaf.Errorf(awaf.EINVALID, "a milestone needs a name")
	}
	var m *awaf.Milestone
	err := s.tx(ctx, func(c Conn) error {
		var err error
		m, err = s.createMilestone(ctx, c, by, workloadID, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Store) createMilestone(ctx context.Context, c Conn, by awaf.Actor, workloadID int64, name string) (*awaf.Milestone, error) {
	m := &awaf.Milestone{WorkloadID: workloadID, Name: name, CreatedBy: by.Name, Created: s.clock()}
	a, err := s.assessment(ctx, c, workloadID)
	if err != nil {
		return nil, err
	}
	m.Assessment = *a
	body, err := jsonText(a)
	if err != nil {
		return nil, err
	}
	if err := c.QueryRow(ctx, `INSERT INTO milestones (workload_id, name, created_by, created, assessment)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, workloadID, name, m.CreatedBy, micro(m.Created), body).Scan(&m.ID); err != nil {
		return nil, err
	}
	summary := map[string]any{"id": m.ID, "name": name, "answers": len(a.Answers)}
	return m, s.audit(ctx, c, by, workloadID, awaf.AuditMilestone, fmt.Sprintf("milestone:%d", m.ID), nil, summary)
}

// UpgradeLens moves a workload to another lens in one transaction (see awaf.Store).
func (s *Store) UpgradeLens(ctx context.Context, by awaf.Actor, w *awaf.WorkloadRecord, milestone string, puts []awaf.AnswerPut) (*awaf.Milestone, error) {
	milestone = strings.TrimSpace(milestone)
	if milestone == "" {
		return nil, awaf.Errorf(awaf.EINVALID, "a milestone needs a name")
	}
	if err := validWorkload(w); err != nil {
		return nil, err
	}
	profile, err := jsonText(w.Profile)
	if err != nil {
		return nil, err
	}
	saved := *w
	var m *awaf.Milestone
	err = s.tx(ctx, func(c Conn) error {
		var err error
		if m, err = s.createMilestone(ctx, c, by, w.ID, milestone); err != nil {
			return err
		}
		for _, p := range puts {
			if _, err := s.putAnswer(ctx, c, by, w.ID, p.Answer, p.Version); err != nil {
				return err
			}
		}
		return s.updateWorkload(ctx, c, by, w, profile)
	})
	if err != nil {
		*w = saved // nothing was changed
		return nil, err
	}
	return m, nil
}

const milestoneCols = `id, workload_id, name, created_by, created, assessment`

func scanMilestone(r interface{ Scan(...any) error }) (*awaf.Milestone, error) {
	var m awaf.Milestone
	var created int64
	var body string
	if err := r.Scan(&m.ID, &m.WorkloadID, &m.Name, &m.CreatedBy, &created, &body); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(body), &m.Assessment); err != nil {
		return nil, fmt.Errorf("milestone %d: %w", m.ID, err)
	}
	m.Created = fromMicro(created)
	return &m, nil
}

func (s *Store) Milestone(ctx context.Context, workloadID, id int64) (*awaf.Milestone, error) {
	m, err := scanMilestone(s.c.QueryRow(ctx, `SELECT `+milestoneCols+` FROM milestones WHERE workload_id = ? AND id = ?`, workloadID, id))
	return m, notFound(err, "milestone %d not found", id)
}

func (s *Store) Milestones(ctx context.Context, workloadID int64) ([]awaf.Milestone, error) {
	rows, err := s.c.Query(ctx, `SELECT `+milestoneCols+` FROM milestones WHERE workload_id = ? ORDER BY created DESC, id DESC`, workloadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []awaf.Milestone
	for rows.Next() {
		m, err := scanMilestone(rows)
		if err != nil {
			return nil, err
		}
		ms = append(ms, *m)
	}
	return ms, rows.Err()
}

// Remediation plan.

const planCols = `workload_id, question, choice, owner, status, reason, version, updated_by, updated`

func scanPlanItem(r interface{ Scan(...any) error }) (*awaf.RemediationItem, error) {
	var it awaf.RemediationItem
	var status string
	var updated int64
	if err := r.Scan(&it.WorkloadID, &it.Question, &it.Choice, &it.Owner, &status, &it.Reason, &it.Version, &it.UpdatedBy, &updated); err != nil {
		return nil, err
	}
	it.Status, it.Updated = awaf.PlanStatus(status), fromMicro(updated)
	return &it, nil
}

func (s *Store) PlanItems(ctx context.Context, workloadID int64) ([]awaf.RemediationItem, error) {
	rows, err := s.c.Query(ctx, `SELECT `+planCols+` FROM plan_items WHERE workload_id = ? ORDER BY question, choice`, workloadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var its []awaf.RemediationItem
	for rows.Next() {
		it, err := scanPlanItem(rows)
		if err != nil {
			return nil, err
		}
		its = append(its, *it)
	}
	return its, rows.Err()
}

func (s *Store) PutPlanItem(ctx context.Context, by awaf.Actor, it awaf.RemediationItem, version int64) (*awaf.RemediationItem, error) {
	if err := it.Validate(); err != nil {
		return nil, err
	}
	if it.Status != awaf.PlanAcceptedRisk {
		it.Reason = strings.TrimSpace(it.Reason)
	}
	var out *awaf.RemediationItem
	err := s.tx(ctx, func(c Conn) error {
		if err := s.workloadExists(ctx, c, it.WorkloadID); err != nil {
			return err
		}
		before, err := scanPlanItem(c.QueryRow(ctx, `SELECT `+planCols+` FROM plan_items WHERE workload_id = ? AND question = ? AND choice = ?`,
			it.WorkloadID, it.Question, it.Choice))
		if err != nil && !errors.Is(err, ErrNoRows) {
			return err
		}
		stale := awaf.Errorf(awaf.ECONFLICT, "plan item %s/%s was changed by someone else; reload to see it", it.Question, it.Choice)
		now := s.clock()
		it.UpdatedBy, it.Updated = by.Name, now
		if before == nil {
			if version != 0 && version != awaf.AnyVersion {
				return stale
			}
			it.Version = 1
			_, err = c.Exec(ctx, `INSERT INTO plan_items (`+planCols+`) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
				it.WorkloadID, it.Question, it.Choice, it.Owner, string(it.Status), it.Reason, by.Name, micro(now))
			if err != nil {
				return s.conflict(err, "plan item %s/%s was changed by someone else; reload to see it", it.Question, it.Choice)
			}
		} else {
			if version != awaf.AnyVersion && version != before.Version {
				return stale
			}
			n, err := c.Exec(ctx, `UPDATE plan_items SET owner = ?, status = ?, reason = ?, version = version + 1, updated_by = ?, updated = ?
				WHERE workload_id = ? AND question = ? AND choice = ? AND version = ?`,
				it.Owner, string(it.Status), it.Reason, by.Name, micro(now), it.WorkloadID, it.Question, it.Choice, before.Version)
			if err != nil {
				return err
			}
			if n == 0 {
				return stale
			}
			it.Version = before.Version + 1
		}
		out = &it
		var prev any
		if before != nil {
			prev = before
		}
		return s.audit(ctx, c, by, it.WorkloadID, awaf.AuditPlanItem, "plan:"+it.Question+"/"+it.Choice, prev, it)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Audit.

func (s *Store) AppendAudit(ctx context.Context, e awaf.AuditEvent) error {
	return s.appendAudit(ctx, s.c, e)
}

func (s *Store) AuditEvents(ctx context.Context, f awaf.AuditFilter) ([]awaf.AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 200
	}
	q := `SELECT id, at, actor_user_id, actor_token_id, actor_name, workload_id, action, target, before_json, after_json
		FROM audit_events WHERE 1 = 1`
	var args []any
	if f.WorkloadID != 0 {
		q += ` AND workload_id = ?`
		args = append(args, f.WorkloadID)
	}
	if f.BeforeID != 0 {
		q += ` AND id < ?`
		args = append(args, f.BeforeID)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.c.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []awaf.AuditEvent
	for rows.Next() {
		var e awaf.AuditEvent
		var at int64
		var before, after string
		if err := rows.Scan(&e.ID, &at, &e.Actor.UserID, &e.Actor.TokenID, &e.Actor.Name, &e.WorkloadID, &e.Action, &e.Target, &before, &after); err != nil {
			return nil, err
		}
		e.At = fromMicro(at)
		if before != "" {
			e.Before = json.RawMessage(before)
		}
		if after != "" {
			e.After = json.RawMessage(after)
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// Throttling.

func (s *Store) Throttle(ctx context.Context, key string) (*awaf.Throttle, error) {
	t := awaf.Throttle{Key: key}
	var start, locked int64
	err := s.c.QueryRow(ctx, `SELECT failures, window_start, locked_until FROM login_throttle WHERE throttle_key = ?`, key).
		Scan(&t.Failures, &start, &locked)
	if errors.Is(err, ErrNoRows) {
		return &t, nil
	} else if err != nil {
		return nil, err
	}
	t.WindowStart, t.LockedUntil = fromMicro(start), fromMicro(locked)
	return &t, nil
}

func (s *Store) AddFailure(ctx context.Context, key string, now time.Time, p awaf.ThrottlePolicy) (*awaf.Throttle, error) {
	t := awaf.Throttle{Key: key}
	err := s.tx(ctx, func(c Conn) error {
		// One statement counts the failure, so that concurrent failures on several
		// replicas all count: a window that has run out starts again at one.
		var start, locked int64
		err := c.QueryRow(ctx, `INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until) VALUES (?, 1, ?, 0)
			ON CONFLICT (throttle_key) DO UPDATE SET
				failures = CASE WHEN login_throttle.window_start <= ? THEN 1 ELSE login_throttle.failures + 1 END,
				window_start = CASE WHEN login_throttle.window_start <= ? THEN ? ELSE login_throttle.window_start END
			RETURNING failures, window_start, locked_until`,
			key, micro(now), micro(now.Add(-p.Window)), micro(now.Add(-p.Window)), micro(now)).Scan(&t.Failures, &start, &locked)
		if err != nil {
			return err
		}
		t.WindowStart, t.LockedUntil = fromMicro(start), fromMicro(locked)
		if p.Max > 0 && t.Failures >= p.Max {
			t.LockedUntil = now.Add(p.Lock)
			// The count starts again so that, once the lock ends, a further run of
			// failures is needed to lock again.
			t.Failures, t.WindowStart = 0, now
			_, err = c.Exec(ctx, `UPDATE login_throttle SET locked_until = ?, failures = 0, window_start = ? WHERE throttle_key = ?`,
				micro(t.LockedUntil), micro(now), key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func (s *Store) ClearFailures(ctx context.Context, key string) error {
	_, err := s.c.Exec(ctx, `DELETE FROM login_throttle WHERE throttle_key = ?`, key)
	return err
}
