package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/awaf/awaf"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

// Restored tells what Restore did.
type Restored struct {
	// Aside lists the files of the replaced database, moved next to it with a
	// timestamp: the database and any -wal and -shm a stopped server left.
	Aside []string
}

// Restore puts the backup at backup in place of the database at live. Copying a
// backup over a database file is not enough: a server stopped uncleanly leaves a
// -wal file that SQLite would replay onto the copied pages on the next start. So
// Restore
//   - copies the backup next to live and checks the copy (PRAGMA integrity_check, and
//     that it is an awaf database);
//   - refuses while a server has live open (it cannot take SQLite's exclusive lock);
//   - moves live and its -wal and -shm aside, named with the time of the restore;
//   - renames the checked copy to live.
//
// The backup itself is only read. now names the files moved aside; nil is time.Now.
func Restore(ctx context.Context, backup, live string, now func() time.Time) (*Restored, error) {
	if now == nil {
		now = time.Now
	}
	if backup == "" || live == "" {
		return nil, awaf.Errorf(awaf.EINVALID, "restore: want a backup file and a database file")
	}
	if same, err := samePath(backup, live); err != nil {
		return nil, err
	} else if same {
		return nil, awaf.Errorf(awaf.EINVALID, "restore: %s is the database itself", backup)
	}
	tmp, err := copyPrivate(backup, filepath.Dir(live), filepath.Base(live)+".restoring-*")
	if err != nil {
		return nil, err
	}
	defer removeSet(tmp) // a no-op once the copy is renamed into place
	if err := check(ctx, tmp, backup); err != nil {
		return nil, err
	}
	if err := notInUse(ctx, live); err != nil {
		return nil, err
	}
	res := &Restored{}
	stamp := now().UTC().Format("20060102T150405Z")
	aside := live + ".before-restore-" + stamp
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		from, to := live+suffix, aside+suffix
		if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return res, fmt.Errorf("restore: %w", err)
		}
		if _, err := os.Lstat(to); err == nil {
			return res, awaf.Errorf(awaf.ECONFLICT, "restore: %s exists; try again in a second", to)
		}
		if err := os.Rename(from, to); err != nil {
			return res, fmt.Errorf("restore: move %s aside: %w", from, err)
		}
		res.Aside = append(res.Aside, to)
	}
	if err := os.Rename(tmp, live); err != nil {
		return res, fmt.Errorf("restore: install %s: %w", live, err)
	}
	syncDir(filepath.Dir(live))
	return res, nil
}

func samePath(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, fmt.Errorf("restore: %w", err)
	}
	fb, err := os.Stat(b)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("restore: %w", err)
	}
	return os.SameFile(fa, fb), nil
}

// copyPrivate copies src to a new 0600 file in dir, flushed to disk, and returns its
// name.
func copyPrivate(src, dir, pattern string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	name := out.Name()
	err = out.Chmod(0o600)
	if err == nil {
		_, err = io.Copy(out, in)
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", fmt.Errorf("restore: copy %s: %w", src, err)
	}
	return name, nil
}

// check opens the copy of a backup and refuses it unless SQLite finds it intact and
// it holds awaf's schema.
func check(ctx context.Context, path, shownAs string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?"+url.Values{"_pragma": {"busy_timeout(0)"}}.Encode())
	if err != nil {
		return fmt.Errorf("restore: open %s: %w", shownAs, err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return awaf.Errorf(awaf.EINVALID, "restore: %s is not a readable SQLite database: %v", shownAs, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return fmt.Errorf("restore: check %s: %w", shownAs, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("restore: check %s: %w", shownAs, err)
	}
	if err := rows.Err(); err != nil {
		return awaf.Errorf(awaf.EINVALID, "restore: %s is not a readable SQLite database: %v", shownAs, err)
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], fmt.Sprintf("and %d more", len(problems)-5))
		}
		return awaf.Errorf(awaf.EINVALID, "restore: %s fails SQLite's integrity check: %s", shownAs, strings.Join(problems, "; "))
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		return awaf.Errorf(awaf.EINVALID, "restore: %s is not an awaf database (no applied migrations)", shownAs)
	}
	return nil
}

// notInUse refuses while another connection, such as a running server, has the
// database open. In WAL mode every open connection keeps a shared lock, so asking
// for SQLite's exclusive lock without waiting fails exactly when someone else is
// there. Taking the lock also folds a stopped server's -wal into the old file, so
// the copy moved aside is whole.
func notInUse(ctx context.Context, live string) error {
	if _, err := os.Stat(live); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(0)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	db, err := sql.Open("sqlite", "file:"+live+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("restore: open %s: %w", live, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	c, err := db.Conn(ctx)
	if err != nil {
		return lockError(live, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		return lockError(live, err)
	}
	if _, err := c.ExecContext(ctx, `COMMIT`); err != nil {
		return lockError(live, err)
	}
	return nil
}

// lockError tells a database in use from one too damaged to open, which is no
// reason to refuse a restore.
func lockError(live string, err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3lib.SQLITE_BUSY || se.Code()&0xff == sqlite3lib.SQLITE_LOCKED) {
		return awaf.Errorf(awaf.ECONFLICT, "restore: %s is in use (is the server running?); stop it first", live)
	}
	return nil
}

// removeSet removes a database file and the -wal and -shm SQLite may have made for it.
func removeSet(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
