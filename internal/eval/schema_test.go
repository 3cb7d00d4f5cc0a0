package eval

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestReportSchema checks the published schema against every JSON report the golden
// tests produce, and checks that it rejects reports of the wrong shape, so the schema
// can neither fall behind the code nor accept anything.
func TestReportSchema(t *testing.T) {
	sch, err := jsonschema.NewCompiler().Compile("../../docs/eval-report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/golden/*.json")
	if len(files) < 3 {
		t.Fatalf("only %d golden JSON reports", len(files))
	}
	for _, f := range files {
		doc := readJSON(t, f)
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s fails docs/eval-report.schema.json: %v", f, err)
		}
	}
	good, _ := os.ReadFile(files[0])
	for name, bad := range map[string]string{
		"segment values as an array": `"values": {`,
		"unknown top-level key":      `"task":`,
	} {
		var mutated string
		switch name {
		case "segment values as an array":
			if !strings.Contains(string(good), bad) {
				continue
			}
			mutated = strings.Replace(string(good), `"values": {`, `"values": [1], "x": {`, 1)
		default:
			mutated = strings.Replace(string(good), bad, `"colour": "red", "task":`, 1)
		}
		var doc any
		if err := json.Unmarshal([]byte(mutated), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sch.Validate(doc) == nil {
			t.Errorf("schema accepts a report with %s", name)
		}
	}
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}
