package bicep

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestRealCorpus scans a directory of real-world Bicep named by AWAF_TEST_BICEP_CORPUS
// (for example a checkout of a sample workload) and reports what it could not read.
// It is skipped when the variable is unset; it fails on syntax errors, which in
// published templates mean a gap in the parser.
func TestRealCorpus(t *testing.T) {
	dir := os.Getenv("AWAF_TEST_BICEP_CORPUS")
	if dir == "" {
		t.Skip("AWAF_TEST_BICEP_CORPUS not set")
	}
	res, diags, err := New(t.TempDir()).Scan(context.Background(), os.DirFS(dir), []string{"."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d resources, %d diagnostics", len(res), len(diags))
	for _, d := range diags {
		msg := at(d.Loc) + ": " + string(d.Severity) + ": " + d.Message
		if strings.Contains(d.Message, "syntax error") {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// TestRealCorpusParse parses every .bicep and .bicepparam file under
// AWAF_TEST_BICEP_PARSE_CORPUS and fails on each syntax error.
func TestRealCorpusParse(t *testing.T) {
	dir := os.Getenv("AWAF_TEST_BICEP_PARSE_CORPUS")
	if dir == "" {
		t.Skip("AWAF_TEST_BICEP_PARSE_CORPUS not set")
	}
	files, err := collect(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, f := range files {
		data, err := os.ReadFile(dir + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		pf := Parse(f, string(data))
		if len(pf.Errors) > 0 {
			bad++
			t.Errorf("%s:%v", f, pf.Errors[0])
		}
	}
	t.Logf("%d files, %d with syntax errors", len(files), bad)
}
