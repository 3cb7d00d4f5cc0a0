// Package sharedtest finds the real exchange files kept beside the repository in
// ../shared/testdata, so tests read them from there instead of copying them in.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the path of ../shared/testdata/<rel>. The location may be overridden with
// AWAF_SHARED_TESTDATA. The test is skipped, saying why, when the files are absent.
func Dir(tb testing.TB, rel string) string {
	tb.Helper()
	root := os.Getenv("AWAF_SHARED_TESTDATA")
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			tb.Fatal(err)
		}
		for dir := wd; ; dir = filepath.Dir(dir) {
			cand := filepath.Join(dir, "..", "shared", "testdata")
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				root = cand
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	p := filepath.Join(root, rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared test data %s not found (set AWAF_SHARED_TESTDATA): %v", rel, err)
	}
	return p
}
