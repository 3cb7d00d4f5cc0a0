package report

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestJSONDocumented checks that docs/report-json.md names every field the JSON report
// writes, so the documented contract cannot fall behind the code.
func TestJSONDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/report-json.md")
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(MustRender(t, JSON, tinyInput()), &rep); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !seen[k] && !strings.Contains(string(doc), "| `"+k+"` |") {
					t.Errorf("field %s.%s is not in a table of docs/report-json.md", path, k)
				}
				seen[k] = true
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("", rep)
	if rep["schemaVersion"] != SchemaVersion {
		t.Errorf("schemaVersion %v", rep["schemaVersion"])
	}
	for _, list := range []string{"pillars", "areas", "questions", "top10", "plan"} {
		if _, ok := rep[list].([]any); !ok {
			t.Errorf("%s is %T, want a list", list, rep[list])
		}
	}
	// The edge case: empty lists are [] and not null.
	var edge map[string]any
	if err := json.Unmarshal(MustRender(t, JSON, tinyEdge()), &edge); err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{"top10", "plan"} {
		if l, ok := edge[list].([]any); !ok || len(l) != 0 {
			t.Errorf("edge %s is %#v, want []", list, edge[list])
		}
	}
}
