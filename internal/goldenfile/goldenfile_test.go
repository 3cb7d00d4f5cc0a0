package goldenfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.fatals = append(r.fatals, fmt.Sprint(args...)) }

func TestCheck(t *testing.T) {
	if Updating() {
		t.Skip("checks the comparison, not -update")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(file, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		path        string
		got         string
		errors      int
		fatals      int
		errorHolds  string
		fatalsHolds string
	}{
		{"same", file, "a\nb\nc\n", 0, 0, "", ""},
		{"one line differs", file, "a\nB\nc\n", 1, 0, "line 2:\n got: B\nwant: b", ""},
		{"longer", file, "a\nb\nc\nd\n", 1, 0, "line 4:\n got: d\nwant: ", ""},
		{"missing file", filepath.Join(dir, "none.txt"), "x", 0, 1, "", "-run '^TestCheck$' -update"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Check(r, c.path, []byte(c.got))
			if len(r.errors) != c.errors || len(r.fatals) != c.fatals {
				t.Fatalf("errors %q, fatals %q; want %d and %d", r.errors, r.fatals, c.errors, c.fatals)
			}
			if c.errorHolds != "" && !strings.Contains(r.errors[0], c.errorHolds) {
				t.Errorf("error %q does not hold %q", r.errors[0], c.errorHolds)
			}
			if c.fatalsHolds != "" && !strings.Contains(r.fatals[0], c.fatalsHolds) {
				t.Errorf("fatal %q does not hold %q", r.fatals[0], c.fatalsHolds)
			}
		})
	}
}

func TestUpdateWrites(t *testing.T) {
	old := *update
	*update = true
	defer func() { *update = old }()
	file := filepath.Join(t.TempDir(), "new", "dir", "out.json")
	Check(t, file, []byte("{}\n"))
	data, err := os.ReadFile(file)
	if err != nil || string(data) != "{}\n" {
		t.Fatalf("wrote %q, %v", data, err)
	}
}
