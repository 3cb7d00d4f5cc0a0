package sqldb

import (
	"context"
	"strings"

	"github.com/awaf/awaf"
)

// Uploaded lenses. The server parses and checks a lens before saving it; the store
// only keeps versions apart and records who uploaded what.

func (s *Store) SaveLens(ctx context.Context, by awaf.Actor, l *awaf.StoredLens) error {
	l.ID, l.Version = strings.TrimSpace(l.ID), strings.TrimSpace(l.Version)
	if l.ID == "" || l.Version == "" {
		return awaf.Errorf(awaf.EINVALID, "an uploaded lens needs an id and a version")
	}
	if len(l.Source) == 0 {
		return awaf.Errorf(awaf.EINVALID, "lens %s %s has no source", l.ID, l.Version)
	}
	l.UploadedBy = by.Name
	if l.Uploaded.IsZero() {
		l.Uploaded = s.clock()
	}
	err := s.tx(ctx, func(c Conn) error {
		_, err := c.Exec(ctx, `INSERT INTO lenses (id, version, name, source, uploaded_by, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?)`, l.ID, l.Version, l.Name, string(l.Source), l.UploadedBy, micro(l.Uploaded))
		if err != nil {
			return s.conflict(err, "lens %s version %s is already on this server; upload a new version", l.ID, l.Version)
		}
		after := map[string]any{"id": l.ID, "version": l.Version, "name": l.Name, "bytes": len(l.Source)}
		return s.audit(ctx, c, by, 0, awaf.AuditLensUpload, l.ID+"@"+l.Version, nil, after)
	})
	return wrap(err, "save lens %s %s", l.ID, l.Version)
}

const lensCols = `id, version, name, uploaded_by, uploaded_at`

func scanLens(r scanner, withSource bool) (*awaf.StoredLens, error) {
	var l awaf.StoredLens
	var at int64
	var src string
	dest := []any{&l.ID, &l.Version, &l.Name, &l.UploadedBy, &at}
	if withSource {
		dest = append(dest, &src)
	}
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	l.Uploaded = fromMicro(at)
	if withSource {
		l.Source = []byte(src)
	}
	return &l, nil
}

func (s *Store) Lenses(ctx context.Context) ([]awaf.StoredLens, error) {
	rows, err := s.c.Query(ctx, `SELECT `+lensCols+` FROM lenses ORDER BY id, seq`)
	ls, err := all(rows, err, func(r scanner) (*awaf.StoredLens, error) { return scanLens(r, false) })
	return ls, wrap(err, "list lenses")
}

func (s *Store) Lens(ctx context.Context, id, version string) (*awaf.StoredLens, error) {
	l, err := scanLens(s.c.QueryRow(ctx, `SELECT `+lensCols+`, source FROM lenses WHERE id = ? AND version = ?`, id, version), true)
	return l, wrap(notFound(err, "lens %s version %s not found", id, version), "read lens %s %s", id, version)
}

func (s *Store) LatestLens(ctx context.Context, id string) (*awaf.StoredLens, error) {
	l, err := scanLens(s.c.QueryRow(ctx, `SELECT `+lensCols+` FROM lenses WHERE id = ?
		ORDER BY seq DESC LIMIT 1`, id), false)
	return l, wrap(notFound(err, "no uploaded lens %s", id), "read latest lens %s", id)
}
