package sqldb

import (
	"context"

	"github.com/awaf/awaf"
)

// Stamps.

func (s *Store) Stamps(ctx context.Context) ([]awaf.Stamp, error) {
	// putAnswer keeps answer_saves and answers_updated (migration 0005), so this
	// reads one row per workload and no answer.
	rows, err := s.c.Query(ctx, `SELECT id, version, updated, answer_saves, answers_updated FROM workloads ORDER BY id`)
	st, err := all(rows, err, func(r scanner) (*awaf.Stamp, error) {
		var st awaf.Stamp
		var updated, answered int64
		if err := r.Scan(&st.WorkloadID, &st.Version, &updated, &st.AnswerSaves, &answered); err != nil {
			return nil, err
		}
		st.Updated = fromMicro(max(updated, answered))
		return &st, nil
	})
	return st, wrap(err, "list workload stamps")
}

func (s *Store) MilestoneStamps(ctx context.Context) ([]awaf.MilestoneStamp, error) {
	rows, err := s.c.Query(ctx, `SELECT id, workload_id, created FROM milestones ORDER BY workload_id, created, id`)
	ms, err := all(rows, err, func(r scanner) (*awaf.MilestoneStamp, error) {
		var m awaf.MilestoneStamp
		var created int64
		if err := r.Scan(&m.ID, &m.WorkloadID, &created); err != nil {
			return nil, err
		}
		m.Created = fromMicro(created)
		return &m, nil
	})
	return ms, wrap(err, "list milestone stamps")
}

func (s *Store) MemberWorkloadIDs(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := s.c.Query(ctx, `SELECT workload_id FROM memberships WHERE user_id = ? ORDER BY workload_id`, userID)
	ids, err := all(rows, err, func(r scanner) (*int64, error) {
		var id int64
		return &id, r.Scan(&id)
	})
	return ids, wrap(err, "list workload ids of user %d", userID)
}
