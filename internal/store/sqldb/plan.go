package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

// Remediation plan.

const planCols = `workload_id, question, choice, owner, status, reason, version, updated_by, updated`

func scanPlanItem(r scanner) (*awaf.RemediationItem, error) {
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
	its, err := all(rows, err, scanPlanItem)
	return its, wrap(err, "list plan items of workload %d", workloadID)
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
			return fmt.Errorf("read plan item: %w", err)
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
				return fmt.Errorf("update plan item: %w", err)
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
		return nil, wrap(err, "save plan item %d/%s/%s", it.WorkloadID, it.Question, it.Choice)
	}
	return out, nil
}
