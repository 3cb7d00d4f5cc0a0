package lens_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf/internal/lens"
)

// TestSchemaAgreesWithLoader checks the published JSON Schema against real lenses: the
// built-in ones and the test lens must pass it, and a lens the loader rejects for its
// shape must fail it too, so editors and awaf agree.
func TestSchemaAgreesWithLoader(t *testing.T) {
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("../../docs/lens.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("builtin/*.yaml")
	files = append(files, "testdata/small.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s fails the schema: %v", f, err)
		}
	}
	for _, bad := range []string{
		"id: x\n",
		"id: ok-id\nname: n\nversion: 1.0.0\npillars: [{id: vibes, name: V}]\nareas: [{id: ab, name: A}]\nquestions: []\n",
		strings.Replace(mustRead(t, "testdata/small.yaml"), "effort: low", "effort: trivial", 1),
		strings.Replace(mustRead(t, "testdata/small.yaml"), "        none: true", "        none: true\n        weight: 3", 1),
	} {
		var doc any
		if err := yaml.Unmarshal([]byte(bad), &doc); err != nil {
			t.Fatal(err)
		}
		if sch.Validate(doc) == nil {
			t.Errorf("schema accepts a bad lens:\n%.200s", bad)
		}
		if _, err := lens.Parse("bad.yaml", []byte(bad)); err == nil {
			t.Errorf("loader accepts a bad lens:\n%.200s", bad)
		}
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
