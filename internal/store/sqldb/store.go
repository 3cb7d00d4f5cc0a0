package sqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/awaf/awaf"
)

// Store implements awaf.Store on a DB.
type Store struct {
	db  DB
	c   boundConn
	d   Dialect
	now func() time.Time
}

var _ awaf.Store = (*Store)(nil)

// New returns a store on db. now is the clock; nil means time.Now.
func New(db DB, d Dialect, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, c: boundConn{db, d}, d: d, now: now}
}

// clock returns now at the precision the database keeps, so that values returned
// from writes equal those read back.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// tx runs fn in a transaction with placeholders rewritten.
func (s *Store) tx(ctx context.Context, fn func(c Conn) error) error {
	return s.db.InTx(ctx, func(c Conn) error { return fn(boundConn{c, s.d}) })
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

func micro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicro(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// wrap names the operation a database error came from, so that the server's log says
// what failed. The store's own errors (not found, conflict, invalid) pass through
// unchanged: their messages are for users and their codes map to HTTP statuses.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var ae *awaf.Error
	if errors.As(err, &ae) {
		return err
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// scanner is a row or a result set positioned on a row.
type scanner interface {
	Scan(dest ...any) error
}

// all reads every row of a query with scan.
func all[T any](rows Rows, err error, scan func(scanner) (*T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, ErrNoRows) {
		return awaf.Errorf(awaf.ENOTFOUND, format, args...)
	}
	return err
}

func (s *Store) conflict(err error, format string, args ...any) error {
	if err != nil && s.d.IsUnique != nil && s.d.IsUnique(err) {
		return awaf.Errorf(awaf.ECONFLICT, format, args...)
	}
	return err
}

func jsonText(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
