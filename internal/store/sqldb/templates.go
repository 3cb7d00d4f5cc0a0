package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

// Review templates. The server parses and checks a template before saving it; the
// store keeps versions apart, keeps the owner of a name, and records who saved what.

func (s *Store) SaveTemplate(ctx context.Context, by awaf.Actor, t *awaf.StoredTemplate) error {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || t.Version < 1 {
		return awaf.Errorf(awaf.EINVALID, "a template needs a name and a positive version")
	}
	if len(t.Source) == 0 {
		return awaf.Errorf(awaf.EINVALID, "template %s version %d has no source", t.Name, t.Version)
	}
	t.CreatedBy = by.Name
	if t.Created.IsZero() {
		t.Created = s.clock()
	}
	err := s.tx(ctx, func(c Conn) error {
		// A later version keeps the owner of the first.
		var ownerID int64
		var owner string
		err := c.QueryRow(ctx, `SELECT owner_id, owner FROM review_templates WHERE name = ? ORDER BY version LIMIT 1`, t.Name).Scan(&ownerID, &owner)
		switch {
		case err == nil:
			t.OwnerID, t.Owner = ownerID, owner
		case !errors.Is(err, ErrNoRows):
			return fmt.Errorf("read template owner: %w", err)
		}
		if _, err := c.Exec(ctx, `INSERT INTO review_templates (name, version, owner_id, owner, questions, source, created_by, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.Name, t.Version, t.OwnerID, t.Owner, t.Questions, string(t.Source), t.CreatedBy, micro(t.Created)); err != nil {
			return s.conflict(err, "template %s version %d exists; save a higher version", t.Name, t.Version)
		}
		after := map[string]any{"name": t.Name, "version": t.Version, "owner": t.Owner, "questions": t.Questions, "bytes": len(t.Source)}
		return s.audit(ctx, c, by, 0, awaf.AuditTemplateSave, fmt.Sprintf("template:%s@%d", t.Name, t.Version), nil, after)
	})
	return wrap(err, "save template %s %d", t.Name, t.Version)
}

const templateCols = `name, version, owner_id, owner, questions, created_by, created`

func scanTemplate(r scanner, withSource bool) (*awaf.StoredTemplate, error) {
	var t awaf.StoredTemplate
	var at int64
	var src string
	dest := []any{&t.Name, &t.Version, &t.OwnerID, &t.Owner, &t.Questions, &t.CreatedBy, &at}
	if withSource {
		dest = append(dest, &src)
	}
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	t.Created = fromMicro(at)
	if withSource {
		t.Source = []byte(src)
	}
	return &t, nil
}

func (s *Store) Templates(ctx context.Context) ([]awaf.StoredTemplate, error) {
	rows, err := s.c.Query(ctx, `SELECT `+templateCols+` FROM review_templates t
		WHERE version = (SELECT MAX(version) FROM review_templates u WHERE u.name = t.name) ORDER BY name`)
	ts, err := all(rows, err, func(r scanner) (*awaf.StoredTemplate, error) { return scanTemplate(r, false) })
	return ts, wrap(err, "list templates")
}

func (s *Store) Template(ctx context.Context, name string, version int) (*awaf.StoredTemplate, error) {
	t, err := scanTemplate(s.c.QueryRow(ctx, `SELECT `+templateCols+`, source FROM review_templates WHERE name = ? AND version = ?`, name, version), true)
	return t, wrap(notFound(err, "template %s version %d not found", name, version), "read template %s %d", name, version)
}

func (s *Store) LatestTemplate(ctx context.Context, name string) (*awaf.StoredTemplate, error) {
	t, err := scanTemplate(s.c.QueryRow(ctx, `SELECT `+templateCols+`, source FROM review_templates WHERE name = ?
		ORDER BY version DESC LIMIT 1`, name), true)
	return t, wrap(notFound(err, "no template %s", name), "read latest template %s", name)
}
