// Package sqldb implements awaf.Store once, over a small interface that the SQLite
// and PostgreSQL packages provide. Queries are written with ? placeholders and
// rewritten by the dialect; times are stored as Unix microseconds and JSON as text, so
// the same statements run on both databases.
package sqldb

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// ErrNoRows is what Row.Scan returns when a query found nothing, whatever the driver.
var ErrNoRows = errors.New("no rows")

// Conn runs statements, on a pool or inside a transaction.
type Conn interface {
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Rows iterates a result set.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is a single-row result; Scan returns ErrNoRows when there is none.
type Row interface {
	Scan(dest ...any) error
}

// DB is a database handle the store runs on.
type DB interface {
	Conn
	// InTx runs fn in a transaction that commits when fn returns nil.
	InTx(ctx context.Context, fn func(Conn) error) error
	// ReadTx runs fn in a read-only transaction: a consistent snapshot that does not
	// wait for, or hold up, writers.
	ReadTx(ctx context.Context, fn func(Conn) error) error
	Ping(ctx context.Context) error
	Close() error
}

// Dialect holds what differs between the databases.
type Dialect struct {
	Name string
	// Numbered rewrites ? placeholders to $1, $2, ... (PostgreSQL).
	Numbered bool
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(error) bool
	// MigrationLock, when set, runs first in every migration transaction so that
	// replicas starting together apply each migration once.
	MigrationLock string
	// UsersLock, when set, runs first in CreateFirstUser's transaction so that two
	// concurrent set-ups cannot both see an empty table. SQLite needs none: its
	// write transactions already run one at a time.
	UsersLock string
	// ForUpdate, when set, ends a SELECT that reads a row the transaction then
	// writes, so that concurrent transactions take the row in turn (PostgreSQL).
	// SQLite needs none: its write transactions run one at a time.
	ForUpdate string
}

func (d Dialect) bind(q string) string {
	if !d.Numbered {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// boundConn rewrites placeholders before handing statements to the driver.
type boundConn struct {
	c Conn
	d Dialect
}

func (b boundConn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return b.c.Exec(ctx, b.d.bind(q), args...)
}

func (b boundConn) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	return b.c.Query(ctx, b.d.bind(q), args...)
}

func (b boundConn) QueryRow(ctx context.Context, q string, args ...any) Row {
	return b.c.QueryRow(ctx, b.d.bind(q), args...)
}
