// Package goldenfile holds the tests' golden files: the expected output a test
// compares with byte for byte, refreshed with the one -update flag that every test
// binary importing this package gets:
//
//	go test ./internal/scan -run TestGoldenOutputs -update
//
// Only tests import it.
package goldenfile

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the tests produce")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with the golden file at path (relative to the test's package
// directory, as go test runs there). With -update it writes got to the file,
// creating its directory, and passes. A difference fails the test with the first
// line that differs.
func Check(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -run '%s' -update to create it)", err, runPattern(tb))
		return
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the golden file (run go test -run '%s' -update and review the diff)\n%s", path, runPattern(tb), FirstDiff(got, want))
	}
}

// FirstDiff describes the first line where got and want differ, enough to see what
// moved.
func FirstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, gl, wl)
		}
	}
	return "no line differs"
}

// runPattern is a -run pattern for the top-level test of tb.
func runPattern(tb testing.TB) string {
	name, _, _ := strings.Cut(tb.Name(), "/")
	return "^" + name + "$"
}
