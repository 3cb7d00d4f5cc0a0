package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/sqlite"
)

// logBuffer is written by the server goroutine and read by the test.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *logBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *logBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestUserMigrateBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "awaf.db")
	var out, errb bytes.Buffer
	ms, err := fs.Glob(sqlite.Migrations(), "*.sql")
	if err != nil || len(ms) == 0 {
		t.Fatalf("embedded migrations: %v %v", ms, err)
	}
	if err := run(ctx, []string{"migrate", "--db", dsn}, nil, &out, &errb); err != nil || out.String() != fmt.Sprintf("applied %s\n", plural(len(ms), "migration")) {
		t.Fatalf("migrate: %v %q %q", err, out.String(), errb.String())
	}
	out.Reset()
	if err := run(ctx, []string{"migrate", "--db", dsn}, nil, &out, &errb); err != nil || out.String() != "applied 0 migrations\n" {
		t.Fatalf("second migrate: %v %q", err, out.String())
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
	}{
		{"admin", []string{"user", "add", "ada@example.com", "--admin", "--password-stdin", "--db", dsn}, "correct horse battery\n", 0},
		{"user", []string{"user", "add", "--db", dsn, "--password-stdin", "bob@example.com"}, "another long password", 0},
		{"duplicate", []string{"user", "add", "ADA@example.com", "--password-stdin", "--db", dsn}, "correct horse battery\n", 2},
		{"short password", []string{"user", "add", "eve@example.com", "--password-stdin", "--db", dsn}, "short\n", 2},
		{"no terminal", []string{"user", "add", "eve@example.com", "--db", dsn}, "", 2},
		{"no email", []string{"user", "add", "--db", dsn}, "", 2},
		{"bad db", []string{"user", "add", "x@example.com", "--password-stdin", "--db", "mysql://x"}, "correct horse battery\n", 2},
		{"passwd", []string{"user", "passwd", "bob@example.com", "--password-stdin", "--db", dsn}, "a brand new password\n", 0},
		{"passwd unknown", []string{"user", "passwd", "nobody@example.com", "--password-stdin", "--db", dsn}, "a brand new password\n", 2},
		{"disable", []string{"user", "disable", "bob@example.com", "--db", dsn}, "", 0},
		{"enable", []string{"user", "enable", "bob@example.com", "--db", dsn}, "", 0},
		{"disable the last admin", []string{"user", "disable", "ada@example.com", "--db", dsn}, "", 2},
		{"disable unknown", []string{"user", "disable", "nobody@example.com", "--db", dsn}, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o, e bytes.Buffer
			err := run(ctx, tt.args, strings.NewReader(tt.stdin), &o, &e)
			if got := exitCode(err, &e); got != tt.code {
				t.Fatalf("exit %d, want %d: %v %s", got, tt.code, err, e.String())
			}
		})
	}
	backup := filepath.Join(dir, "copy.db")
	out.Reset()
	if err := run(ctx, []string{"backup", "--db", dsn, backup}, nil, &out, &errb); err != nil {
		t.Fatalf("backup: %v", err)
	}
	db, err := sqlite.Open(ctx, backup, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	us, err := db.Users(ctx)
	if err != nil || len(us) != 2 || !us[0].Admin || us[0].Email != "ada@example.com" {
		t.Fatalf("users in backup = %+v, %v", us, err)
	}
	if err := run(ctx, []string{"backup", "--db", dsn, backup}, nil, &out, &errb); exitCode(err, io.Discard) != 2 {
		t.Fatalf("backup over an existing file: %v", err)
	}
}

// TestServe starts the server in-process, uses it over HTTP and stops it with the
// context, as SIGTERM does.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "awaf.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"user", "add", "ada@example.com", "--admin", "--password-stdin", "--db", dsn},
		strings.NewReader("correct horse battery\n"), &out, &out); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &logBuffer{}
	done := make(chan error, 1)
	tokenFile := filepath.Join(dir, "metrics-token")
	if err := os.WriteFile(tokenFile, []byte("scrape-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-format", "json", "--metrics-token-file", tokenFile}, nil, io.Discard, logs)
	}()
	addrRE := regexp.MustCompile(`"addr":"([^"]+)"`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(logs.String()); m != nil {
			base = "http://" + m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("server did not start: %s", logs.String())
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := c.Get(base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	// The scraper reads /metrics with the token from the file; nobody else anonymously.
	for token, want := range map[string]int{"scrape-0123456789abcdef": 200, "": 401, "wrong-0123456789abcdef": 401} {
		req, _ := http.NewRequest("GET", base+"/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != want {
			t.Fatalf("metrics with token %q: %v %v, want %d", token, res, err, want)
		}
		res.Body.Close()
	}
	res, err = c.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if tok == nil {
		t.Fatalf("sign-in page without a form token: %s", page)
	}
	res, err = c.PostForm(base+"/signin", url.Values{"csrf": {string(tok[1])}, "email": {"ada@example.com"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/workloads" || res.StatusCode != 200 {
		t.Fatalf("after sign-in at %s (%d)", res.Request.URL, res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(35 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Fatalf("logs: %s", logs.String())
	}
	// Everything the server acknowledged is on disk after it stops.
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "awaf.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	es, err := db.AuditEvents(context.Background(), awaf.AuditFilter{})
	if err != nil || len(es) == 0 || es[0].Action != awaf.AuditSignIn {
		t.Fatalf("audit after stop = %+v, %v", es, err)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:secret@db:5432/awaf": "postgres://u:***@db:5432/awaf",
		"postgres://u@db/awaf":             "postgres://u@db/awaf",
		"sqlite:awaf.db":                   "sqlite:awaf.db",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}
