package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

// Tracker connections and work item links (backlog sync).

const connCols = `id, workload_id, kind, base_url, project, work_item_type, account, sealed_token, created_by, created`

func scanConnection(r scanner) (*awaf.TrackerConnection, error) {
	var c awaf.TrackerConnection
	var created int64
	if err := r.Scan(&c.ID, &c.WorkloadID, &c.Kind, &c.BaseURL, &c.Project, &c.WorkItemType, &c.User, &c.SealedToken, &c.CreatedBy, &created); err != nil {
		return nil, err
	}
	c.Created = fromMicro(created)
	return &c, nil
}

// connectionAudit is what the audit log says about a connection: never the token.
func connectionAudit(c *awaf.TrackerConnection) map[string]any {
	return map[string]any{"id": c.ID, "kind": c.Kind, "baseUrl": c.BaseURL, "project": c.Project}
}

func (s *Store) CreateConnection(ctx context.Context, by awaf.Actor, tc *awaf.TrackerConnection) error {
	switch {
	case tc.Kind != "ado" && tc.Kind != "github" && tc.Kind != "jira":
		return awaf.Errorf(awaf.EINVALID, "unknown tracker %q: want ado, github or jira", tc.Kind)
	case strings.TrimSpace(tc.BaseURL) == "" || strings.TrimSpace(tc.Project) == "":
		return awaf.Errorf(awaf.EINVALID, "a connection needs a base URL and a project")
	case tc.SealedToken == "":
		return awaf.Errorf(awaf.EINVALID, "a connection needs a token")
	}
	tc.CreatedBy, tc.Created = by.Name, s.clock()
	err := s.tx(ctx, func(c Conn) error {
		if err := s.workloadExists(ctx, c, tc.WorkloadID); err != nil {
			return err
		}
		err := c.QueryRow(ctx, `INSERT INTO tracker_connections
			(workload_id, kind, base_url, project, work_item_type, account, sealed_token, created_by, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			tc.WorkloadID, tc.Kind, tc.BaseURL, tc.Project, tc.WorkItemType, tc.User, tc.SealedToken, tc.CreatedBy, micro(tc.Created)).Scan(&tc.ID)
		if err != nil {
			return fmt.Errorf("insert connection: %w", err)
		}
		return s.audit(ctx, c, by, tc.WorkloadID, awaf.AuditTrackerConnect, fmt.Sprintf("connection:%d", tc.ID), nil, connectionAudit(tc))
	})
	return wrap(err, "create connection")
}

func (s *Store) Connection(ctx context.Context, workloadID, id int64) (*awaf.TrackerConnection, error) {
	tc, err := scanConnection(s.c.QueryRow(ctx, `SELECT `+connCols+` FROM tracker_connections WHERE workload_id = ? AND id = ?`, workloadID, id))
	return tc, wrap(notFound(err, "connection %d not found", id), "read connection %d", id)
}

func (s *Store) Connections(ctx context.Context, workloadID int64) ([]awaf.TrackerConnection, error) {
	q, args := `SELECT `+connCols+` FROM tracker_connections ORDER BY workload_id, id`, []any{}
	if workloadID != 0 {
		q, args = `SELECT `+connCols+` FROM tracker_connections WHERE workload_id = ? ORDER BY id`, []any{workloadID}
	}
	rows, err := s.c.Query(ctx, q, args...)
	cs, err := all(rows, err, scanConnection)
	return cs, wrap(err, "list connections")
}

func (s *Store) DeleteConnection(ctx context.Context, by awaf.Actor, workloadID, id int64) error {
	err := s.tx(ctx, func(c Conn) error {
		before, err := scanConnection(c.QueryRow(ctx, `SELECT `+connCols+` FROM tracker_connections WHERE workload_id = ? AND id = ?`, workloadID, id))
		if err != nil {
			return notFound(err, "connection %d not found", id)
		}
		if _, err := c.Exec(ctx, `DELETE FROM work_item_links WHERE connection_id = ?`, id); err != nil {
			return fmt.Errorf("delete links: %w", err)
		}
		if _, err := c.Exec(ctx, `DELETE FROM tracker_connections WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete connection: %w", err)
		}
		return s.audit(ctx, c, by, workloadID, awaf.AuditTrackerDisconnect, fmt.Sprintf("connection:%d", id), connectionAudit(before), nil)
	})
	return wrap(err, "delete connection %d", id)
}

const linkCols = `workload_id, question, choice, connection_id, item_id, url, synced_state, synced_status, conflict, pushed, synced`

func scanLink(r scanner) (*awaf.WorkItemLink, error) {
	var l awaf.WorkItemLink
	var status string
	var pushed, synced int64
	if err := r.Scan(&l.WorkloadID, &l.Question, &l.Choice, &l.ConnectionID, &l.ItemID, &l.URL, &l.SyncedState, &status, &l.Conflict, &pushed, &synced); err != nil {
		return nil, err
	}
	l.SyncedStatus, l.Pushed, l.Synced = awaf.PlanStatus(status), fromMicro(pushed), fromMicro(synced)
	return &l, nil
}

func (s *Store) PutWorkItemLink(ctx context.Context, by awaf.Actor, action string, l awaf.WorkItemLink) error {
	if l.Question == "" || l.Choice == "" || l.ItemID == "" {
		return awaf.Errorf(awaf.EINVALID, "a work item link needs a plan item and a work item id")
	}
	if l.Pushed.IsZero() {
		l.Pushed = s.clock()
	}
	err := s.tx(ctx, func(c Conn) error {
		var n int
		if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM tracker_connections WHERE workload_id = ? AND id = ?`, l.WorkloadID, l.ConnectionID).Scan(&n); err != nil {
			return fmt.Errorf("find connection: %w", err)
		}
		if n == 0 {
			return awaf.Errorf(awaf.ENOTFOUND, "connection %d not found", l.ConnectionID)
		}
		before, err := scanLink(c.QueryRow(ctx, `SELECT `+linkCols+` FROM work_item_links WHERE workload_id = ? AND question = ? AND choice = ?`,
			l.WorkloadID, l.Question, l.Choice))
		if err != nil && !errors.Is(err, ErrNoRows) {
			return fmt.Errorf("read link: %w", err)
		}
		if _, err := c.Exec(ctx, `DELETE FROM work_item_links WHERE workload_id = ? AND question = ? AND choice = ?`, l.WorkloadID, l.Question, l.Choice); err != nil {
			return fmt.Errorf("replace link: %w", err)
		}
		if _, err := c.Exec(ctx, `INSERT INTO work_item_links (`+linkCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.WorkloadID, l.Question, l.Choice, l.ConnectionID, l.ItemID, l.URL, l.SyncedState, string(l.SyncedStatus), l.Conflict,
			micro(l.Pushed), micro(l.Synced)); err != nil {
			return fmt.Errorf("insert link: %w", err)
		}
		var prev any
		if before != nil {
			prev = before
		}
		return s.audit(ctx, c, by, l.WorkloadID, action, l.Question+"/"+l.Choice, prev, l)
	})
	return wrap(err, "save work item link %s/%s", l.Question, l.Choice)
}

func (s *Store) WorkItemLinks(ctx context.Context, workloadID int64) ([]awaf.WorkItemLink, error) {
	rows, err := s.c.Query(ctx, `SELECT `+linkCols+` FROM work_item_links WHERE workload_id = ? ORDER BY question, choice`, workloadID)
	ls, err := all(rows, err, scanLink)
	return ls, wrap(err, "list work item links of workload %d", workloadID)
}
