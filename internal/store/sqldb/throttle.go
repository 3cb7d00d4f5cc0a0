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

func (s *Store) AddFailure(ctx context.Context, key string, now time.Time, p awaf.ThrottlePolicy) (*awaf.Throttle, error) {
	t := awaf.Throttle{Key: key}
	err := s.tx(ctx, func(c Conn) error {
		// One statement counts the failure, so that concurrent failures on several
		// replicas all count: a window that has run out starts again at one.
		var start, locked int64
		err := c.QueryRow(ctx, `INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until) VALUES (?, 1, ?, 0)
			ON CONFLICT (throttle_key) DO UPDATE SET
				failures = CASE WHEN login_throttle.window_start <= ? THEN 1 ELSE login_throttle.failures + 1 END,
				window_start = CASE WHEN login_throttle.window_start <= ? THEN ? ELSE login_throttle.window_start END
			RETURNING failures, window_start, locked_until`,
			key, micro(now), micro(now.Add(-p.Window)), micro(now.Add(-p.Window)), micro(now)).Scan(&t.Failures, &start, &locked)
		if err != nil {
			return err
		}
		t.WindowStart, t.LockedUntil = fromMicro(start), fromMicro(locked)
		if p.Max > 0 && t.Failures >= p.Max {
			t.LockedUntil = now.Add(p.Lock)
			// The count starts again so that, once the lock ends, a further run of
			// failures is needed to lock again.
			t.Failures, t.WindowStart = 0, now
			_, err = c.Exec(ctx, `UPDATE login_throttle SET locked_until = ?, failures = 0, window_start = ? WHERE throttle_key = ?`,
				micro(t.LockedUntil), micro(now), key)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("count failed sign-in for %s: %w", key, err)
	}
	return &t, nil
}

func (s *Store) ClearFailures(ctx context.Context, key string) error {
	_, err := s.c.Exec(ctx, `DELETE FROM login_throttle WHERE throttle_key = ?`, key)
	return wrap(err, "clear failed sign-ins for %s", key)
}
