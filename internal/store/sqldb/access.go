package sqldb

import (
	"context"
	"errors"
	"fmt"

	"github.com/awaf/awaf"
)

// Access.

func (s *Store) grant(ctx context.Context, c Conn, by awaf.Actor, workloadID, userID int64, role awaf.Role) error {
	if !role.Valid() {
		return awaf.Errorf(awaf.EINVALID, "unknown role %q", role)
	}
	var email string
	if err := c.QueryRow(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
		return wrap(notFound(err, "user %d not found", userID), "read user %d", userID)
	}
	var before *awaf.Membership
	m, err := scanMembership(c.QueryRow(ctx, `SELECT `+membershipCols+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workload_id = ? AND m.user_id = ?`, workloadID, userID))
	switch {
	case err == nil:
		before = m
	case !errors.Is(err, ErrNoRows):
		return fmt.Errorf("read membership: %w", err)
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
		return fmt.Errorf("save membership: %w", err)
	}
	after := awaf.Membership{WorkloadID: workloadID, UserID: userID, Email: email, Role: role, GrantedBy: by.Name, Granted: now}
	if err := s.audit(ctx, c, by, workloadID, awaf.AuditGrant, "user:"+email, before, after); err != nil {
		return err
	}
	if before != nil && !role.Allows(before.Role) {
		return s.revokeTokensOf(ctx, c, by, workloadID, userID, role, fmt.Sprintf("%s is now %s", email, role))
	}
	return nil
}

func (s *Store) Grant(ctx context.Context, by awaf.Actor, workloadID, userID int64, role awaf.Role) error {
	err := s.tx(ctx, func(c Conn) error {
		if err := s.workloadExists(ctx, c, workloadID); err != nil {
			return err
		}
		return s.grant(ctx, c, by, workloadID, userID, role)
	})
	return wrap(err, "grant %s on workload %d to user %d", role, workloadID, userID)
}

func (s *Store) workloadExists(ctx context.Context, c Conn, id int64) error {
	var n int
	if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM workloads WHERE id = ?`, id).Scan(&n); err != nil {
		return fmt.Errorf("find workload %d: %w", id, err)
	}
	if n == 0 {
		return awaf.Errorf(awaf.ENOTFOUND, "workload %d not found", id)
	}
	return nil
}

func (s *Store) Revoke(ctx context.Context, by awaf.Actor, workloadID, userID int64) error {
	err := s.tx(ctx, func(c Conn) error {
		before, err := scanMembership(c.QueryRow(ctx, `SELECT `+membershipCols+` FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.workload_id = ? AND m.user_id = ?`, workloadID, userID))
		if err != nil {
			return wrap(notFound(err, "user %d has no access to workload %d", userID, workloadID), "read membership")
		}
		if before.Role == awaf.RoleOwner {
			if err := lastOwner(ctx, c, workloadID, before.Email); err != nil {
				return err
			}
		}
		if _, err := c.Exec(ctx, `DELETE FROM memberships WHERE workload_id = ? AND user_id = ?`, workloadID, userID); err != nil {
			return fmt.Errorf("delete membership: %w", err)
		}
		if err := s.audit(ctx, c, by, workloadID, awaf.AuditRevoke, "user:"+before.Email, before, nil); err != nil {
			return err
		}
		return s.revokeTokensOf(ctx, c, by, workloadID, userID, "", before.Email+" no longer has access")
	})
	return wrap(err, "revoke access of user %d to workload %d", userID, workloadID)
}

// lastOwner refuses to leave a workload without an owner.
func lastOwner(ctx context.Context, c Conn, workloadID int64, email string) error {
	var owners int
	if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE workload_id = ? AND role = 'owner'`, workloadID).Scan(&owners); err != nil {
		return fmt.Errorf("count owners: %w", err)
	}
	if owners <= 1 {
		return awaf.Errorf(awaf.ECONFLICT, "%s is the last owner of the workload", email)
	}
	return nil
}

const membershipCols = `m.workload_id, m.user_id, u.email, m.role, m.granted_by, m.granted, u.disabled`

func scanMembership(r scanner) (*awaf.Membership, error) {
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
	ms, err := all(rows, err, scanMembership)
	return ms, wrap(err, "list members of workload %d", workloadID)
}

func (s *Store) Role(ctx context.Context, workloadID, userID int64) (awaf.Role, error) {
	var role string
	err := s.c.QueryRow(ctx, `SELECT role FROM memberships WHERE workload_id = ? AND user_id = ?`, workloadID, userID).Scan(&role)
	if err != nil {
		return "", wrap(notFound(err, "no access to workload %d", workloadID), "read role of user %d on workload %d", userID, workloadID)
	}
	return awaf.Role(role), nil
}
