package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

// API tokens.

const tokenCols = `id, workload_id, name, role, hash, prefix, created_by, created, expires, revoked`

func scanToken(r scanner) (*awaf.Token, error) {
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
	err := s.tx(ctx, func(c Conn) error {
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
	return wrap(err, "create token %q on workload %d", t.Name, t.WorkloadID)
}

func (s *Store) TokenByHash(ctx context.Context, hash string) (*awaf.Token, error) {
	t, err := scanToken(s.c.QueryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, hash))
	return t, wrap(notFound(err, "token not found"), "read token")
}

func (s *Store) Tokens(ctx context.Context, workloadID int64) ([]awaf.Token, error) {
	rows, err := s.c.Query(ctx, `SELECT `+tokenCols+` FROM tokens WHERE workload_id = ? ORDER BY id`, workloadID)
	ts, err := all(rows, err, scanToken)
	return ts, wrap(err, "list tokens of workload %d", workloadID)
}

func (s *Store) RevokeToken(ctx context.Context, by awaf.Actor, workloadID, tokenID int64) error {
	err := s.tx(ctx, func(c Conn) error {
		before, err := scanToken(c.QueryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE id = ? AND workload_id = ?`, tokenID, workloadID))
		if err != nil {
			return wrap(notFound(err, "token %d not found", tokenID), "read token %d", tokenID)
		}
		if !before.Revoked.IsZero() {
			return nil
		}
		now := s.clock()
		if _, err := c.Exec(ctx, `UPDATE tokens SET revoked = ? WHERE id = ?`, micro(now), tokenID); err != nil {
			return fmt.Errorf("update token: %w", err)
		}
		after := *before
		after.Revoked = now
		return s.audit(ctx, c, by, workloadID, awaf.AuditTokenRevoke, fmt.Sprintf("token:%d", tokenID), before, after)
	})
	return wrap(err, "revoke token %d on workload %d", tokenID, workloadID)
}
