package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// copyTree copies the files under src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestScanCache runs awaf scan --cache as a user does: every format's report, the
// exit code and the answers file are those of a scan without the cache, cold and warm,
// after a file changed and with a damaged entry (a warning, nothing else).
func TestScanCache(t *testing.T) {
	tree := t.TempDir()
	copyTree(t, "../../internal/scan/testdata/rag", tree)
	cache := filepath.Join(t.TempDir(), "cache")
	t.Chdir(tree)
	stamp := regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
	scanBoth := func(what string, args ...string) {
		t.Helper()
		want, wantErr, wantCode := runScanCmd(t, args...)
		got, gotErr, gotCode := runScanCmd(t, append(args, "--cache", cache)...)
		if got != want || gotCode != wantCode {
			t.Fatalf("%s %v: with the cache exit %d and %d bytes, without %d and %d bytes", what, args, gotCode, len(got), wantCode, len(want))
		}
		if strings.Contains(gotErr, "warning") && !strings.Contains(wantErr, "warning") {
			t.Errorf("%s %v: warnings with the cache: %s", what, args, gotErr)
		}
	}
	for _, f := range []string{"text", "json", "sarif", "md", "junit"} {
		scanBoth("cold", ".", "--format", f, "--show-pass")
		scanBoth("warm", ".", "--format", f, "--show-pass")
	}
	_, errOut, _ := runScanCmd(t, ".", "--fail-on", "none", "--cache", cache, "--verbose")
	if !strings.Contains(errOut, "awaf: cache "+cache+": 3 groups reused, 0 groups read; cross-resource findings of 3 groups reused, 0 judged again\n") {
		t.Errorf("verbose: %s", errOut)
	}

	// A changed file: only its group is read again.
	p := filepath.Join("bicep", "main.bicep")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(data, []byte("\n// changed\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	scanBoth("one file changed", ".", "--format", "json")
	_, errOut, _ = runScanCmd(t, ".", "--fail-on", "none", "--cache", cache, "--verbose")
	if !strings.Contains(errOut, "3 groups reused, 0 groups read") {
		t.Errorf("after the change was stored: %s", errOut)
	}

	// The answers file gets the same evidence (timestamps aside).
	answersOf := func(cached bool) string {
		t.Helper()
		name := filepath.Join(t.TempDir(), "awaf.yaml")
		args := []string{".", "--fail-on", "none", "--answers", name, "--propose"}
		if cached {
			args = append(args, "--cache", cache)
		}
		if _, errOut, code := runScanCmd(t, args...); code != 0 {
			t.Fatalf("answers: exit %d: %s", code, errOut)
		}
		out, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return stamp.ReplaceAllString(string(out), "TIME")
	}
	if a, b := answersOf(false), answersOf(true); a != b {
		t.Errorf("answers differ with the cache:\n%s\n---\n%s", b, a)
	}

	// Damaged entries: a warning each, the same report.
	entries, _ := filepath.Glob(filepath.Join(cache, "*.awc"))
	if len(entries) == 0 {
		t.Fatal("no entries")
	}
	for _, e := range entries {
		if err := os.WriteFile(e, []byte("damaged"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, _, wantCode := runScanCmd(t, ".", "--format", "json")
	got, errOut, gotCode := runScanCmd(t, ".", "--format", "json", "--cache", cache)
	if got != want || gotCode != wantCode || !strings.Contains(errOut, "is damaged") {
		t.Errorf("damaged entries: exit %d (want %d), same report %v, stderr %s", gotCode, wantCode, got == want, errOut)
	}

	if _, errOut, code := runScanCmd(t, ".", "--cache", cache, "--cache-max-mb", "0"); code != 2 || !strings.Contains(errOut, "--cache-max-mb") {
		t.Errorf("--cache-max-mb 0: exit %d, %s", code, errOut)
	}
	if err := os.WriteFile("file", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runScanCmd(t, ".", "--cache", "file"); code == 0 || !strings.Contains(errOut, "cache directory file") {
		t.Errorf("--cache on a file: exit %d, %s", code, errOut)
	}
}
