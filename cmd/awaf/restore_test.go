package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf/internal/store/sqlite"
)

// binary runs the real awaf binary and returns its output and exit code.
func binary(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(awafBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

// startServer runs `awaf serve` on dsn as its own process and waits until it listens.
func startServer(t *testing.T, dsn string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(awafBin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-format", "json")
	logs := &logBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addrRE := regexp.MustCompile(`"addr":"([^"]+)"`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(logs.String()); m != nil {
			return cmd, "http://" + m[1]
		}
	}
	t.Fatalf("server did not start: %s", logs.String())
	return nil, ""
}

// TestRestoreAfterKill follows docs/server.md through the real binary: a server is
// killed after a backup and later writes, `awaf restore` refuses while a server runs,
// then puts the backup in place, and the server starts on exactly the backup.
func TestRestoreAfterKill(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "awaf.db")
	dsn := "sqlite:" + live
	backup := filepath.Join(dir, "backup.db")
	addUser := func(email string) (string, int) {
		_, errOut, code := binary(t, "correct horse battery\n", "user", "add", email, "--password-stdin", "--db", dsn)
		return errOut, code
	}
	server, _ := startServer(t, dsn)
	for i := range 3 {
		if errOut, code := addUser(fmt.Sprintf("kept%d@example.com", i)); code != 0 {
			t.Fatalf("user add: %d %s", code, errOut)
		}
	}
	if _, errOut, code := binary(t, "", "backup", "--db", dsn, backup); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	for i := range 5 {
		if errOut, code := addUser(fmt.Sprintf("lost%d@example.com", i)); code != 0 {
			t.Fatalf("user add: %d %s", code, errOut)
		}
	}

	// While the server runs, restore refuses and moves nothing.
	_, errOut, code := binary(t, "", "restore", backup, "--db", dsn)
	if code != 2 || !strings.Contains(errOut, "in use") {
		t.Fatalf("restore while the server runs: exit %d: %s", code, errOut)
	}
	server.Process.Kill()
	server.Wait()
	if fi, err := os.Stat(live + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the killed server left no -wal (%v); the test would prove nothing", err)
	}

	_, errOut, code = binary(t, "", "restore", backup, "--db", dsn)
	if code != 0 {
		t.Fatalf("restore: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "awaf: wrote "+live+": restored from "+backup) || !strings.Contains(errOut, "awaf: moved aside "+live+".before-restore-") {
		t.Fatalf("restore said:\n%s", errOut)
	}

	// The server starts on exactly the backup.
	_, base := startServer(t, dsn)
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz after restore: %v %v", res, err)
	}
	res.Body.Close()
	db, err := sqlite.Open(context.Background(), live, sqlite.Options{NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	us, err := db.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, u := range us {
		emails = append(emails, u.Email)
	}
	if got := strings.Join(emails, " "); got != "kept0@example.com kept1@example.com kept2@example.com" {
		t.Fatalf("users after restore: %s", got)
	}

	// A bad backup is refused with the reason.
	os.WriteFile(filepath.Join(dir, "bad.db"), []byte("not a database"), 0o600)
	if _, errOut, code := binary(t, "", "restore", filepath.Join(dir, "bad.db"), "--db", dsn); code != 2 || !strings.Contains(errOut, "bad.db") {
		t.Fatalf("restore of a bad backup: exit %d: %s", code, errOut)
	}
}
