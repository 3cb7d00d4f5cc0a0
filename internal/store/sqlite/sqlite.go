// Package sqlite stores the team server's data in one SQLite file (modernc.org/sqlite,
// no cgo) in WAL mode, so readers do not wait for the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/sqldb"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
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

// Dialect is SQLite's.
var dialect = sqldb.Dialect{
	Name: "sqlite",
	IsUnique: func(err error) bool {
		var se *sqlite3.Error
		if errors.As(err, &se) {
			c := se.Code()
			return c == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY
		}
		return false
	},
}

// DB is a Store on a SQLite file.
type DB struct {
	*sqldb.Store
	sql  *sql.DB
	pin  *sql.Conn
	conn conn
	path string
}

var _ awaf.Store = (*DB)(nil)

// Options tune Open.
type Options struct {
	Now func() time.Time // clock; nil means time.Now
	// NoMigrate leaves the schema alone (for `awaf migrate` to report what it does).
	NoMigrate bool
}

// Open opens (creating if needed) the database file at path and applies migrations.
func Open(ctx context.Context, path string, o Options) (*DB, error) {
	if path == "" {
		return nil, awaf.Errorf(awaf.EINVALID, "sqlite: empty database path")
	}
	// The file holds password hashes and the team's answers: it is made readable by
	// its owner only, and SQLite gives its -wal and -shm files the same mode.
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Every write transaction starts IMMEDIATE so two writers never deadlock upgrading
	// read locks; busy_timeout makes the second writer wait instead of failing.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	sdb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Connections are kept: opening one runs the pragmas again, and database/sql
	// keeps only two idle by default.
	sdb.SetMaxOpenConns(16)
	sdb.SetMaxIdleConns(16)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection stays open for as long as the database is: an open connection
	// holds SQLite's shared lock, which is how Restore tells that a server is using
	// the file even after the pool's idle connections have closed.
	pin, err := sdb.Conn(ctx)
	if err == nil {
		var n int
		err = pin.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master`).Scan(&n)
	}
	if err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{sql: sdb, pin: pin, path: path, conn: conn{db: sdb, writer: &sync.Mutex{}}}
	db.Store = sqldb.New(db.conn, dialect, o.Now)
	if !o.NoMigrate {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Migrate applies pending migrations and returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	return sqldb.Migrate(ctx, db.conn, dialect, Migrations())
}

// Backup writes a consistent copy of the live database to path, which must not
// exist. Writers may keep writing while it runs.
func (db *DB) Backup(ctx context.Context, path string) error {
	if strings.ContainsAny(path, "\x00") {
		return awaf.Errorf(awaf.EINVALID, "backup: bad file name")
	}
	// The copy is made private before anything is written into it; VACUUM INTO
	// fills an empty file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return awaf.Errorf(awaf.ECONFLICT, "backup %s: file exists", path)
	} else if err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	f.Close()
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup %s: %w", path, err)
	}
	return nil
}

// createPrivate creates the database file at path with mode 0600 unless it exists.
func createPrivate(path string) error {
	if strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	} else if err != nil {
		return err
	}
	return f.Close()
}

// Close closes the database.
func (db *DB) Close() error {
	db.pin.Close()
	return db.sql.Close()
}

// conn adapts database/sql to sqldb.DB.
type conn struct {
	db *sql.DB
	// writer lets one write at a time into SQLite from this process. Without it,
	// concurrent writers poll SQLite's busy handler, which sleeps up to 100 ms between
	// tries; queued on a mutex they go in turn with no sleeping. Other processes (a
	// backup, `awaf user add`) still meet busy_timeout.
	writer *sync.Mutex
}

func (c conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	c.writer.Lock()
	defer c.writer.Unlock()
	return execOn(ctx, c.db, q, args...)
}

func (c conn) Query(ctx context.Context, q string, args ...any) (sqldb.Rows, error) {
	return queryOn(ctx, c.db, q, args...)
}

func (c conn) QueryRow(ctx context.Context, q string, args ...any) sqldb.Row {
	return row{c.db.QueryRowContext(ctx, q, args...)}
}

func (c conn) Ping(ctx context.Context) error { return c.db.PingContext(ctx) }
func (c conn) Close() error                   { return c.db.Close() }

func (c conn) InTx(ctx context.Context, fn func(sqldb.Conn) error) error {
	c.writer.Lock()
	defer c.writer.Unlock()
	return c.inTx(ctx, nil, fn)
}

// ReadTx starts a deferred transaction: the driver begins IMMEDIATE only for
// transactions that may write.
func (c conn) ReadTx(ctx context.Context, fn func(sqldb.Conn) error) error {
	return c.inTx(ctx, &sql.TxOptions{ReadOnly: true}, fn)
}

func (c conn) inTx(ctx context.Context, opts *sql.TxOptions, fn func(sqldb.Conn) error) error {
	tx, err := c.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(txConn{tx}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func execOn(ctx context.Context, e execer, q string, args ...any) (int64, error) {
	res, err := e.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func queryOn(ctx context.Context, e execer, q string, args ...any) (sqldb.Rows, error) {
	rs, err := e.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows{rs}, nil
}

type txConn struct{ tx *sql.Tx }

func (c txConn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return execOn(ctx, c.tx, q, args...)
}

func (c txConn) Query(ctx context.Context, q string, args ...any) (sqldb.Rows, error) {
	return queryOn(ctx, c.tx, q, args...)
}

func (c txConn) QueryRow(ctx context.Context, q string, args ...any) sqldb.Row {
	return row{c.tx.QueryRowContext(ctx, q, args...)}
}

type rows struct{ *sql.Rows }

func (r rows) Close() { r.Rows.Close() }

type row struct{ r *sql.Row }

func (r row) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return sqldb.ErrNoRows
	}
	return err
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// ExecRaw runs a statement outside the Store's methods; tests use it to show what the
// schema itself refuses.
func (db *DB) ExecRaw(ctx context.Context, stmt string) error {
	_, err := db.sql.ExecContext(ctx, stmt)
	return err
}
