package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/sqlite"
	"github.com/awaf/awaf/internal/store/storetest"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// crashed leaves in dir what a server killed after a backup leaves: live.db with a
// -wal holding writes made after backup.db was taken. It returns the two paths.
func crashed(t *testing.T, dir string) (live, backup string) {
	t.Helper()
	ctx := context.Background()
	run := filepath.Join(t.TempDir(), "live.db")
	db, err := sqlite.Open(ctx, run, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 3 {
		storetest.MustUser(t, db, fmt.Sprintf("before%d@example.com", i), false)
	}
	backup = filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		storetest.MustUser(t, db, fmt.Sprintf("after%d@example.com", i), false)
	}
	// While the server still has the database open, its last writes live only in
	// the -wal: a copy of the three files now is what a kill -9 leaves.
	live = filepath.Join(dir, "live.db")
	for _, s := range []string{"", "-wal", "-shm"} {
		copyFile(t, run+s, live+s)
	}
	if fi, err := os.Stat(live + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the crashed database has no -wal to replay (%v); the test would prove nothing", err)
	}
	return live, backup
}

func users(t *testing.T, path string) int {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{NoMigrate: true})
	if err != nil {
		t.Fatalf("open restored database: %v", err)
	}
	defer db.Close()
	n, err := db.CountUsers(context.Background())
	if err != nil {
		t.Fatalf("read restored database: %v", err)
	}
	return n
}

// TestCopyOverCrashedDatabase shows why Restore exists: copying a backup over a
// database whose server was killed lets SQLite replay the old -wal onto the copy,
// so the result is not the backup.
func TestCopyOverCrashedDatabase(t *testing.T) {
	live, backup := crashed(t, t.TempDir())
	copyFile(t, backup, live)
	db, err := sqlite.Open(context.Background(), live, sqlite.Options{NoMigrate: true})
	if err != nil {
		t.Logf("opening the copied backup fails: %v", err)
		return
	}
	defer db.Close()
	n, err := db.CountUsers(context.Background())
	if err == nil && n == 3 {
		t.Fatal("copying the backup over a crashed database gave the backup; the hazard Restore guards against is gone")
	}
	t.Logf("copying the backup over a crashed database gives %d users (the backup has 3), error %v", n, err)
}

func TestRestore(t *testing.T) {
	dir := t.TempDir()
	live, backup := crashed(t, dir)
	backupBefore, _ := os.ReadFile(backup)
	at := time.Date(2026, 12, 7, 3, 4, 5, 0, time.UTC)
	res, err := sqlite.Restore(context.Background(), backup, live, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	if n := users(t, live); n != 3 {
		t.Fatalf("restored database has %d users, want the backup's 3", n)
	}
	aside := live + ".before-restore-20261207T030405Z"
	if len(res.Aside) == 0 || res.Aside[0] != aside {
		t.Fatalf("moved aside %v, want %s first", res.Aside, aside)
	}
	// The old database moved aside is whole: its -wal was folded in before it moved.
	if n := users(t, aside); n != 43 {
		t.Fatalf("the database moved aside has %d users, want 43", n)
	}
	if fi, err := os.Stat(live); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("restored file: %v %v", fi.Mode(), err)
	}
	if after, _ := os.ReadFile(backup); string(after) != string(backupBefore) {
		t.Fatal("Restore changed the backup")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*restoring*"))
	if len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestRestoreWithoutDatabase(t *testing.T) {
	dir := t.TempDir()
	_, backup := crashed(t, dir)
	live := filepath.Join(dir, "new", "awaf.db")
	os.Mkdir(filepath.Dir(live), 0o700)
	res, err := sqlite.Restore(context.Background(), backup, live, nil)
	if err != nil || len(res.Aside) != 0 {
		t.Fatalf("Restore = %+v, %v", res, err)
	}
	if n := users(t, live); n != 3 {
		t.Fatalf("restored %d users, want 3", n)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live, backup := crashed(t, dir)

	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("this is not a database, it is a shopping list\n"), 0o600)
	whole, _ := os.ReadFile(backup)
	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, whole[:len(whole)/2], 0o600)
	other := filepath.Join(dir, "other.db")
	odb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec(`CREATE TABLE notes (body TEXT)`); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	for _, tc := range []struct{ name, backup, want string }{
		{"not SQLite", garbage, awaf.EINVALID},
		{"truncated", truncated, awaf.EINVALID},
		{"not awaf", other, awaf.EINVALID},
		{"the database itself", live, awaf.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sqlite.Restore(ctx, tc.backup, live, nil)
			if awaf.ErrorCode(err) != tc.want {
				t.Fatalf("Restore = %v, want %s", err, tc.want)
			}
			if _, err := os.Stat(live + "-wal"); err != nil {
				t.Fatalf("a refused restore touched the database: %v", err)
			}
		})
	}

	// While a server has the database open, nothing moves.
	db, err := sqlite.Open(ctx, live, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = sqlite.Restore(ctx, backup, live, nil)
	if awaf.ErrorCode(err) != awaf.ECONFLICT {
		t.Fatalf("Restore while the database is open = %v, want a conflict", err)
	}
	if n, _ := db.CountUsers(ctx); n != 43 {
		t.Fatalf("the open database has %d users after a refused restore", n)
	}
}
