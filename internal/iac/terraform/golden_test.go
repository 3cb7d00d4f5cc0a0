package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/awaf/awaf/internal/iac"
)

var update = flag.Bool("update", false, "rewrite golden files")

// dump renders resources and diagnostics as stable, reviewable JSON. Every value is
// written with its place: "<json> @line:col", or "?<why> @line:col" for an Unknown,
// so the golden files check locations too.
func dump(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) []byte {
	t.Helper()
	type out struct {
		Resources   []map[string]any `json:"resources"`
		Diagnostics []iac.Diagnostic `json:"diagnostics"`
	}
	o := out{Resources: []map[string]any{}, Diagnostics: diags}
	for _, r := range res {
		m := map[string]any{
			"type": r.Type, "id": r.ID, "source": r.Source,
			"loc": fmt.Sprintf("%s:%d:%d", r.Loc.File, r.Loc.Line, r.Loc.Column),
		}
		for k, v := range map[string]string{"apiVersion": r.APIVersion, "parent": r.Parent} {
			if v != "" {
				m[k] = v
			}
		}
		for k, v := range map[string]*iac.Value{"name": r.Name, "kind": r.Kind, "location": r.Location,
			"sku": r.SKU, "identity": r.Identity, "tags": r.Tags, "properties": r.Properties,
			"zones": r.Zones, "scope": r.Scope, "condition": r.Condition} {
			if v != nil {
				m[k] = located(v, r.Loc.File)
			}
		}
		if len(r.DependsOn) > 0 {
			m["dependsOn"] = r.DependsOn
		}
		var via []string
		for _, l := range r.Via {
			via = append(via, fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column))
		}
		if via != nil {
			m["via"] = via
		}
		o.Resources = append(o.Resources, m)
	}
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func located(v *iac.Value, file string) any {
	at := fmt.Sprintf(" @%d:%d", v.Loc.Line, v.Loc.Column)
	if v.Loc.File != file {
		at = fmt.Sprintf(" @%s:%d:%d", v.Loc.File, v.Loc.Line, v.Loc.Column)
	}
	switch v.Kind {
	case iac.Object:
		m := map[string]any{}
		for _, k := range v.Keys {
			m[k] = located(v.Fields[k], file)
		}
		return m
	case iac.Array:
		items := make([]any, 0, len(v.Items))
		for _, it := range v.Items {
			items = append(items, located(it, file))
		}
		return items
	case iac.Unknown:
		return "?" + v.Why + at
	}
	return v.String() + at
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n%s", file, got)
	}
}

func TestGoldenRAG(t *testing.T) {
	res, diags, err := Scan(context.Background(), os.DirFS("testdata"), []string{"rag"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "rag.json", dump(t, res, diags))
}

func TestGoldenPlan(t *testing.T) {
	res, diags, err := ScanPlan(context.Background(), os.DirFS("testdata"), "plan/rag.plan.json")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.json", dump(t, res, diags))
}
