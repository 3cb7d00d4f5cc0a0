package sqldb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awaf/awaf"
)

// Throttling.

func (s *Store) Throttle(ctx context.Context, key string) (*awaf.Throttle, error) {
	t := awaf.Throttle{Key: key}
	var start, locked int64
	err := s.c.QueryRow(ctx, `SELECT failures, window_start, locked_until FROM login_throttle WHERE throttle_key = ?`, key).
		Scan(&t.Failures, &start, &locked)
	if errors.Is(err, ErrNoRows) {
		return &t, nil
	} else if err != nil {
		return nil, fmt.Errorf("read sign-in throttle %s: %w", key, err)
	}
	t.WindowStart, t.LockedUntil = fromMicro(start), fromMicro(locked)
	return &t, nil
}

// ReserveAttempt counts an attempt before its password is checked (see
// awaf.ThrottleStore). The row is read and written in one transaction that holds it:
// SQLite runs write transactions one at a time, PostgreSQL locks the row FOR UPDATE.
func (s *Store) ReserveAttempt(ctx context.Context, key string, now time.Time, p awaf.ThrottlePolicy) (*awaf.Attempt, error) {
	a := &awaf.Attempt{Key: key}
	err := s.tx(ctx, func(c Conn) error {
		if _, err := c.Exec(ctx, `INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until)
			VALUES (?, 0, ?, 0) ON CONFLICT (throttle_key) DO NOTHING`, key, micro(now)); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		var failures int
		var start, locked int64
		if err := c.QueryRow(ctx, `SELECT failures, window_start, locked_until FROM login_throttle
			WHERE throttle_key = ?`+s.d.ForUpdate, key).Scan(&failures, &start, &locked); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if now.Before(fromMicro(locked)) {
			a.LockedUntil = fromMicro(locked)
			return nil
		}
		a.Allowed = true
		// A window that has run out starts again with this attempt.
		if !fromMicro(start).After(now.Add(-p.Window)) {
			failures, start = 0, micro(now)
		}
		failures++
		a.Failures, a.WindowStart = failures, fromMicro(start)
		if p.Max > 0 && failures >= p.Max {
			// The count starts again so that, once the lock ends, a further run of
			// attempts is needed to lock again.
			a.Locking, a.LockedUntil = true, now.Add(p.Lock)
			failures, start, locked = 0, micro(now), micro(a.LockedUntil)
		}
		if _, err := c.Exec(ctx, `UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = ?
			WHERE throttle_key = ?`, failures, start, locked, key); err != nil {
			return fmt.Errorf("update: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reserve sign-in attempt for %s: %w", key, err)
	}
	return a, nil
}

// ReleaseAttempt gives back an attempt that succeeded (see awaf.ThrottleStore).
func (s *Store) ReleaseAttempt(ctx context.Context, a *awaf.Attempt) error {
	if a == nil || !a.Allowed {
		return nil
	}
	err := s.tx(ctx, func(c Conn) error {
		var failures int
		var locked int64
		err := c.QueryRow(ctx, `SELECT failures, locked_until FROM login_throttle WHERE throttle_key = ?`+s.d.ForUpdate, a.Key).
			Scan(&failures, &locked)
		if errors.Is(err, ErrNoRows) {
			return nil // cleared meanwhile
		} else if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if a.Locking && locked == micro(a.LockedUntil) {
			// This attempt set the lock: lift it and put the count back as it was
			// before the attempt.
			_, err = c.Exec(ctx, `UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = 0 WHERE throttle_key = ?`,
				a.Failures-1, micro(a.WindowStart), a.Key)
		} else if failures > 0 {
			_, err = c.Exec(ctx, `UPDATE login_throttle SET failures = failures - 1 WHERE throttle_key = ?`, a.Key)
		}
		if err != nil {
			return fmt.Errorf("update: %w", err)
		}
		// A key with nothing counted and no lock is not kept, so that signing in from
		// ever new addresses does not grow the table.
		if _, err := c.Exec(ctx, `DELETE FROM login_throttle WHERE throttle_key = ? AND failures = 0 AND locked_until = 0`, a.Key); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		return nil
	})
	return wrap(err, "release sign-in attempt for %s", a.Key)
}

func (s *Store) ClearFailures(ctx context.Context, key string) error {
	_, err := s.c.Exec(ctx, `DELETE FROM login_throttle WHERE throttle_key = ?`, key)
	return wrap(err, "clear failed sign-ins for %s", key)
}
