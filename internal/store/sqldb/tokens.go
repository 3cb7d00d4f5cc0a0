package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

// API tokens. A token acts for the person who made it (creator_id): it works only
// while that person is enabled and holds at least the token's role on its workload.
// Each read works out whether that still holds, so that the check never depends on a
// revocation having been written.

// tokenSelect reads tokens with their creator's standing: the creator's state and
// role on the token's workload.
const tokenSelect = `SELECT t.id, t.workload_id, t.name, t.role, t.hash, t.prefix, t.created_by, t.created,
	t.expires, t.revoked, t.creator_id,
	CASE WHEN t.creator_id = 0 THEN 'system' WHEN u.id IS NULL THEN 'missing' WHEN u.disabled THEN 'disabled'
		WHEN u.admin THEN 'admin' ELSE 'member' END,
	COALESCE(m.role, '')
	FROM tokens t LEFT JOIN users u ON u.id = t.creator_id
	LEFT JOIN memberships m ON m.workload_id = t.workload_id AND m.user_id = t.creator_id`

func scanToken(r scanner) (*awaf.Token, error) {
	var t awaf.Token
	var role, state, held string
	var created, expires, revoked int64
	if err := r.Scan(&t.ID, &t.WorkloadID, &t.Name, &role, &t.Hash, &t.Prefix, &t.CreatedBy, &created, &expires, &revoked,
		&t.CreatorID, &state, &held); err != nil {
		return nil, err
	}
	t.Role = awaf.Role(role)
	t.Created, t.Expires, t.Revoked = fromMicro(created), fromMicro(expires), fromMicro(revoked)
	t.Suspended = suspension(t.Role, state, awaf.Role(held))
	return &t, nil
}

// suspension says why a token of role does not work now, given its creator's state
// and the role the creator holds on the workload; "" when it works.
func suspension(role awaf.Role, state string, held awaf.Role) string {
	switch {
	case state == "system", state == "admin":
		return ""
	case state == "missing":
		return "its creator's account no longer exists"
	case state == "disabled":
		return "its creator's account is disabled"
	case held == "":
		return "its creator no longer has access to the workload"
	case !held.Allows(role):
		return fmt.Sprintf("its creator is now %s", held)
	}
	return ""
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
	t.CreatorID, t.Suspended = by.UserID, ""
	err := s.tx(ctx, func(c Conn) error {
		if err := s.workloadExists(ctx, c, t.WorkloadID); err != nil {
			return err
		}
		if t.CreatorID == 0 && by.TokenID != 0 {
			// A token made with a token acts for the same person.
			if err := c.QueryRow(ctx, `SELECT creator_id FROM tokens WHERE id = ?`, by.TokenID).Scan(&t.CreatorID); err != nil {
				return wrap(notFound(err, "token %d not found", by.TokenID), "read creating token %d", by.TokenID)
			}
		}
		if t.CreatorID != 0 {
			var state, held string
			err := c.QueryRow(ctx, `SELECT CASE WHEN u.disabled THEN 'disabled' WHEN u.admin THEN 'admin' ELSE 'member' END,
				COALESCE(m.role, '') FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.workload_id = ?
				WHERE u.id = ?`, t.WorkloadID, t.CreatorID).Scan(&state, &held)
			if errors.Is(err, ErrNoRows) {
				state = "missing"
			} else if err != nil {
				return fmt.Errorf("read creator %d: %w", t.CreatorID, err)
			}
			if why := suspension(t.Role, state, awaf.Role(held)); why != "" {
				return awaf.Errorf(awaf.EFORBIDDEN, "cannot make a %s token: %s", t.Role, strings.TrimPrefix(why, "its creator"))
			}
		}
		err := c.QueryRow(ctx, `INSERT INTO tokens (workload_id, name, role, hash, prefix, created_by, created, expires, revoked, creator_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id`,
			t.WorkloadID, t.Name, string(t.Role), t.Hash, t.Prefix, t.CreatedBy, micro(t.Created), micro(t.Expires), t.CreatorID).Scan(&t.ID)
		if err != nil {
			return s.conflict(err, "token already exists")
		}
		return s.audit(ctx, c, by, t.WorkloadID, awaf.AuditTokenCreate, fmt.Sprintf("token:%d", t.ID), nil, t)
	})
	return wrap(err, "create token %q on workload %d", t.Name, t.WorkloadID)
}

func (s *Store) TokenByHash(ctx context.Context, hash string) (*awaf.Token, error) {
	t, err := scanToken(s.c.QueryRow(ctx, tokenSelect+` WHERE t.hash = ?`, hash))
	return t, wrap(notFound(err, "token not found"), "read token")
}

func (s *Store) Tokens(ctx context.Context, workloadID int64) ([]awaf.Token, error) {
	rows, err := s.c.Query(ctx, tokenSelect+` WHERE t.workload_id = ? ORDER BY t.id`, workloadID)
	ts, err := all(rows, err, scanToken)
	return ts, wrap(err, "list tokens of workload %d", workloadID)
}

func (s *Store) RevokeToken(ctx context.Context, by awaf.Actor, workloadID, tokenID int64) error {
	err := s.tx(ctx, func(c Conn) error {
		before, err := scanToken(c.QueryRow(ctx, tokenSelect+` WHERE t.id = ? AND t.workload_id = ?`, tokenID, workloadID))
		if err != nil {
			return wrap(notFound(err, "token %d not found", tokenID), "read token %d", tokenID)
		}
		if !before.Revoked.IsZero() {
			return nil
		}
		return s.revokeToken(ctx, c, by, before, "")
	})
	return wrap(err, "revoke token %d on workload %d", tokenID, workloadID)
}

// revokeToken revokes a live token and records why (reason "" when a person chose to).
func (s *Store) revokeToken(ctx context.Context, c Conn, by awaf.Actor, before *awaf.Token, reason string) error {
	now := s.clock()
	if _, err := c.Exec(ctx, `UPDATE tokens SET revoked = ? WHERE id = ?`, micro(now), before.ID); err != nil {
		return fmt.Errorf("update token %d: %w", before.ID, err)
	}
	after := struct {
		awaf.Token
		Reason string `json:"reason,omitempty"`
	}{*before, reason}
	after.Revoked = now
	return s.audit(ctx, c, by, before.WorkloadID, awaf.AuditTokenRevoke, fmt.Sprintf("token:%d", before.ID), before, after)
}

// revokeTokensOf revokes the live tokens userID made on the workload that the role it
// now holds there ("" for none) does not cover.
func (s *Store) revokeTokensOf(ctx context.Context, c Conn, by awaf.Actor, workloadID, userID int64, role awaf.Role, reason string) error {
	rows, err := c.Query(ctx, tokenSelect+` WHERE t.workload_id = ? AND t.creator_id = ? AND t.revoked = 0 ORDER BY t.id`, workloadID, userID)
	ts, err := all(rows, err, scanToken)
	if err != nil {
		return fmt.Errorf("list tokens of user %d: %w", userID, err)
	}
	for i := range ts {
		if role.Allows(ts[i].Role) {
			continue
		}
		if err := s.revokeToken(ctx, c, by, &ts[i], reason); err != nil {
			return err
		}
	}
	return nil
}
