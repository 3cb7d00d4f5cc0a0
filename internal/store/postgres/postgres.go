// Package postgres stores the team server's data in PostgreSQL through a pgx pool, so
// that several replicas can serve one team.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/sqldb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded schema migrations.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}

var dialect = sqldb.Dialect{
	Name:     "postgres",
	Numbered: true,
	IsUnique: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	},
	// Replicas starting together take turns; the key is arbitrary but fixed.
	MigrationLock: `SELECT pg_advisory_xact_lock(7461726166)`,
	UsersLock:     `LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`,
	ForUpdate:     ` FOR UPDATE`,
}

// DB is a Store on PostgreSQL.
type DB struct {
	*sqldb.Store
	pool *pgxpool.Pool
}

var _ awaf.Store = (*DB)(nil)

// Options tune Open.
type Options struct {
	Now       func() time.Time // clock; nil means time.Now
	NoMigrate bool
}

// Open connects to the database at url (postgres://...) and applies migrations.
func Open(ctx context.Context, url string, o Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "postgres: bad connection URL: %v", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	db := &DB{pool: pool}
	db.Store = sqldb.New(conn{pool}, dialect, o.Now)
	if !o.NoMigrate {
		if _, err := db.Migrate(ctx); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return db, nil
}

// Migrate applies pending migrations and returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	return sqldb.Migrate(ctx, conn{db.pool}, dialect, Migrations())
}

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type conn struct{ pool *pgxpool.Pool }

func (c conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return execOn(ctx, c.pool, q, args...)
}

func (c conn) Query(ctx context.Context, q string, args ...any) (sqldb.Rows, error) {
	return c.pool.Query(ctx, q, args...)
}

func (c conn) QueryRow(ctx context.Context, q string, args ...any) sqldb.Row {
	return row{c.pool.QueryRow(ctx, q, args...)}
}

func (c conn) Ping(ctx context.Context) error { return c.pool.Ping(ctx) }

func (c conn) Close() error {
	c.pool.Close()
	return nil
}

func (c conn) InTx(ctx context.Context, fn func(sqldb.Conn) error) error {
	return pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error { return fn(txConn{tx}) })
}

// ReadTx reads from one snapshot (REPEATABLE READ), so the workload and its answers
// agree.
func (c conn) ReadTx(ctx context.Context, fn func(sqldb.Conn) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, c.pool, opts, func(tx pgx.Tx) error { return fn(txConn{tx}) })
}

type txConn struct{ tx pgx.Tx }

func (c txConn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return execOn(ctx, c.tx, q, args...)
}

func (c txConn) Query(ctx context.Context, q string, args ...any) (sqldb.Rows, error) {
	return c.tx.Query(ctx, q, args...)
}

func (c txConn) QueryRow(ctx context.Context, q string, args ...any) sqldb.Row {
	return row{c.tx.QueryRow(ctx, q, args...)}
}

func execOn(ctx context.Context, q querier, sql string, args ...any) (int64, error) {
	tag, err := q.Exec(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

type row struct{ r pgx.Row }

func (r row) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sqldb.ErrNoRows
	}
	return err
}

// ExecRaw runs a statement outside the Store's methods; tests use it to show what the
// schema itself refuses.
func (db *DB) ExecRaw(ctx context.Context, stmt string) error {
	_, err := db.pool.Exec(ctx, stmt)
	return err
}
