package sqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

// Answers.

func scanAnswer(r scanner) (*awaf.StoredAnswer, error) {
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
	as, err := s.answers(ctx, s.c, workloadID)
	return as, wrap(err, "list answers of workload %d", workloadID)
}

func (s *Store) answers(ctx context.Context, c Conn, workloadID int64) ([]awaf.StoredAnswer, error) {
	rows, err := c.Query(ctx, `SELECT `+answerCols+` FROM answers WHERE workload_id = ? ORDER BY question`, workloadID)
	return all(rows, err, scanAnswer)
}

func (s *Store) PutAnswer(ctx context.Context, by awaf.Actor, workloadID int64, ans awaf.Answer, version int64) (*awaf.StoredAnswer, error) {
	var out *awaf.StoredAnswer
	err := s.tx(ctx, func(c Conn) error {
		var err error
		out, err = s.putAnswer(ctx, c, by, workloadID, ans, version)
		return err
	})
	if err != nil {
		return nil, wrap(err, "save answer %d/%s", workloadID, ans.Question)
	}
	return out, nil
}

func (s *Store) PutAnswers(ctx context.Context, by awaf.Actor, workloadID int64, puts []awaf.AnswerPut) ([]awaf.StoredAnswer, error) {
	out := make([]awaf.StoredAnswer, 0, len(puts))
	err := s.tx(ctx, func(c Conn) error {
		for _, p := range puts {
			sa, err := s.putAnswer(ctx, c, by, workloadID, p.Answer, p.Version)
			if err != nil {
				return err
			}
			out = append(out, *sa)
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "save %d answers of workload %d", len(puts), workloadID)
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
		return nil, fmt.Errorf("encode answer: %w", err)
	}
	if err := s.workloadExists(ctx, c, workloadID); err != nil {
		return nil, err
	}
	before, err := scanAnswer(c.QueryRow(ctx, `SELECT `+answerCols+` FROM answers WHERE workload_id = ? AND question = ?`,
		workloadID, ans.Question))
	if err != nil && !errors.Is(err, ErrNoRows) {
		return nil, fmt.Errorf("read answer: %w", err)
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
			return nil, fmt.Errorf("update answer: %w", err)
		}
		if n == 0 {
			return nil, stale
		}
		out = &awaf.StoredAnswer{WorkloadID: workloadID, Answer: ans, Version: before.Version + 1, UpdatedBy: by.Name, Updated: now}
	}
	// The workload's stamp (awaf.Stamp) moves with every save.
	if _, err := c.Exec(ctx, `UPDATE workloads SET answer_saves = answer_saves + 1, answers_updated = ? WHERE id = ?`, micro(now), workloadID); err != nil {
		return nil, fmt.Errorf("stamp workload: %w", err)
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
	return a, wrap(err, "read assessment of workload %d", workloadID)
}

// assessment reads a workload and its answers inside one transaction so that the
// snapshot is consistent.
func (s *Store) assessment(ctx context.Context, c Conn, workloadID int64) (*awaf.Assessment, error) {
	w, err := scanWorkload(c.QueryRow(ctx, `SELECT `+workloadCols+` FROM workloads WHERE id = ?`, workloadID))
	if err != nil {
		return nil, wrap(notFound(err, "workload %d not found", workloadID), "read workload")
	}
	as, err := s.answers(ctx, c, workloadID)
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
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
