package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/awaf/awaf"
)

// audit appends an event inside the caller's transaction.
func (s *Store) audit(ctx context.Context, c Conn, by awaf.Actor, workloadID int64, action, target string, before, after any) error {
	b, err := jsonText(before)
	if err != nil {
		return fmt.Errorf("audit %s: encode before: %w", action, err)
	}
	a, err := jsonText(after)
	if err != nil {
		return fmt.Errorf("audit %s: encode after: %w", action, err)
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
		return fmt.Errorf("append audit %s %s: %w", e.Action, e.Target, err)
	}
	return nil
}

// The audit log.

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
	es, err := all(rows, err, scanAuditEvent)
	return es, wrap(err, "list audit events")
}

func scanAuditEvent(r scanner) (*awaf.AuditEvent, error) {
	var e awaf.AuditEvent
	var at int64
	var before, after string
	if err := r.Scan(&e.ID, &at, &e.Actor.UserID, &e.Actor.TokenID, &e.Actor.Name, &e.WorkloadID, &e.Action, &e.Target, &before, &after); err != nil {
		return nil, err
	}
	e.At = fromMicro(at)
	if before != "" {
		e.Before = json.RawMessage(before)
	}
	if after != "" {
		e.After = json.RawMessage(after)
	}
	return &e, nil
}
