package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/awaf/awaf"
)

// Workloads.

const workloadCols = `id, name, description, owner, environment, lens_id, lens_version, profile, created, updated, version`

func scanWorkload(r scanner) (*awaf.WorkloadRecord, error) {
	var w awaf.WorkloadRecord
	var profile string
	var created, updated int64
	if err := r.Scan(&w.ID, &w.Name, &w.Description, &w.Owner, &w.Environment, &w.Lens.ID, &w.Lens.Version,
		&profile, &created, &updated, &w.Version); err != nil {
		return nil, err
	}
	if profile != "" {
		if err := json.Unmarshal([]byte(profile), &w.Profile); err != nil {
			return nil, fmt.Errorf("workload %d profile: %w", w.ID, err)
		}
	}
	w.Created, w.Updated = fromMicro(created), fromMicro(updated)
	return &w, nil
}

func validWorkload(w *awaf.WorkloadRecord) error {
	w.Name = strings.TrimSpace(w.Name)
	if w.Name == "" {
		return awaf.Errorf(awaf.EINVALID, "a workload needs a name")
	}
	if utf8.RuneCountInString(w.Name) > 200 {
		return awaf.Errorf(awaf.EINVALID, "workload name is longer than 200 characters")
	}
	return nil
}

func (s *Store) CreateWorkload(ctx context.Context, by awaf.Actor, w *awaf.WorkloadRecord) error {
	if err := validWorkload(w); err != nil {
		return err
	}
	profile, err := jsonText(w.Profile)
	if err != nil {
		return fmt.Errorf("encode profile of workload %q: %w", w.Name, err)
	}
	now := s.clock()
	w.Created, w.Updated, w.Version = now, now, 1
	err = s.tx(ctx, func(c Conn) error {
		err := c.QueryRow(ctx, `INSERT INTO workloads
			(name, description, owner, environment, lens_id, lens_version, profile, created, updated, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			w.Name, w.Description, w.Owner, w.Environment, w.Lens.ID, w.Lens.Version, profile,
			micro(now), micro(now), w.Version).Scan(&w.ID)
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		if err := s.audit(ctx, c, by, w.ID, awaf.AuditWorkloadSave, fmt.Sprintf("workload:%d", w.ID), nil, w); err != nil {
			return err
		}
		if by.UserID != 0 {
			return s.grant(ctx, c, by, w.ID, by.UserID, awaf.RoleOwner)
		}
		return nil
	})
	return wrap(err, "create workload %q", w.Name)
}

func (s *Store) Workload(ctx context.Context, id int64) (*awaf.WorkloadRecord, error) {
	w, err := scanWorkload(s.c.QueryRow(ctx, `SELECT `+workloadCols+` FROM workloads WHERE id = ?`, id))
	return w, wrap(notFound(err, "workload %d not found", id), "read workload %d", id)
}

func (s *Store) Workloads(ctx context.Context, userID int64) ([]awaf.WorkloadRecord, error) {
	var rows Rows
	var err error
	if userID == 0 {
		rows, err = s.c.Query(ctx, `SELECT `+workloadCols+` FROM workloads ORDER BY name, id`)
	} else {
		rows, err = s.c.Query(ctx, `SELECT `+workloadCols+` FROM workloads
			WHERE id IN (SELECT workload_id FROM memberships WHERE user_id = ?) ORDER BY name, id`, userID)
	}
	ws, err := all(rows, err, scanWorkload)
	return ws, wrap(err, "list workloads of user %d", userID)
}

func (s *Store) UpdateWorkload(ctx context.Context, by awaf.Actor, w *awaf.WorkloadRecord) error {
	if err := validWorkload(w); err != nil {
		return err
	}
	profile, err := jsonText(w.Profile)
	if err != nil {
		return fmt.Errorf("encode profile of workload %q: %w", w.Name, err)
	}
	err = s.tx(ctx, func(c Conn) error { return s.updateWorkload(ctx, c, by, w, profile) })
	return wrap(err, "update workload %d", w.ID)
}

func (s *Store) updateWorkload(ctx context.Context, c Conn, by awaf.Actor, w *awaf.WorkloadRecord, profile string) error {
	before, err := scanWorkload(c.QueryRow(ctx, `SELECT `+workloadCols+` FROM workloads WHERE id = ?`, w.ID))
	if err != nil {
		return wrap(notFound(err, "workload %d not found", w.ID), "read workload %d", w.ID)
	}
	now := s.clock()
	n, err := c.Exec(ctx, `UPDATE workloads SET name = ?, description = ?, owner = ?, environment = ?,
		lens_id = ?, lens_version = ?, profile = ?, updated = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		w.Name, w.Description, w.Owner, w.Environment, w.Lens.ID, w.Lens.Version, profile, micro(now),
		w.ID, w.Version)
	if err != nil {
		return fmt.Errorf("update workload %d: %w", w.ID, err)
	}
	if n == 0 {
		return awaf.Errorf(awaf.ECONFLICT, "workload %d was changed by someone else; reload and try again", w.ID)
	}
	w.Version++
	w.Updated, w.Created = now, before.Created
	return s.audit(ctx, c, by, w.ID, awaf.AuditWorkloadSave, fmt.Sprintf("workload:%d", w.ID), before, w)
}
