package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

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
		return nil, wrap(err, "create milestone %q of workload %d", name, workloadID)
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
		return nil, fmt.Errorf("encode assessment: %w", err)
	}
	if err := c.QueryRow(ctx, `INSERT INTO milestones (workload_id, name, created_by, created, assessment)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, workloadID, name, m.CreatedBy, micro(m.Created), body).Scan(&m.ID); err != nil {
		return nil, fmt.Errorf("insert milestone: %w", err)
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
		return nil, fmt.Errorf("upgrade lens of workload %d: encode profile: %w", w.ID, err)
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
		return nil, wrap(err, "upgrade lens of workload %d to %s %s", w.ID, w.Lens.ID, w.Lens.Version)
	}
	return m, nil
}

const milestoneCols = `id, workload_id, name, created_by, created, assessment`

func scanMilestone(r scanner) (*awaf.Milestone, error) {
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
	return m, wrap(notFound(err, "milestone %d not found", id), "read milestone %d", id)
}

func (s *Store) Milestones(ctx context.Context, workloadID int64) ([]awaf.Milestone, error) {
	rows, err := s.c.Query(ctx, `SELECT `+milestoneCols+` FROM milestones WHERE workload_id = ? ORDER BY created DESC, id DESC`, workloadID)
	ms, err := all(rows, err, scanMilestone)
	return ms, wrap(err, "list milestones of workload %d", workloadID)
}
