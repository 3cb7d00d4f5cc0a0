package sqldb

import (
	"context"

	"github.com/awaf/awaf"
)

// Stamps.

func (s *Store) Stamps(ctx context.Context) ([]awaf.Stamp, error) {
	rows, err := s.c.Query(ctx, `SELECT w.id, w.version, w.updated, COUNT(a.question),
		CAST(COALESCE(SUM(a.version), 0) AS BIGINT), COALESCE(MAX(a.updated), 0)
		FROM workloads w LEFT JOIN answers a ON a.workload_id = w.id
		GROUP BY w.id, w.version, w.updated ORDER BY w.id`)
	st, err := all(rows, err, func(r scanner) (*awaf.Stamp, error) {
		var st awaf.Stamp
		var updated, answered int64
		if err := r.Scan(&st.WorkloadID, &st.Version, &updated, &st.Answers, &st.AnswerVersions, &answered); err != nil {
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
