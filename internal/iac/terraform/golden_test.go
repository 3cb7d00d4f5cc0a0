package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/iac"
)

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

func TestGoldenRAG(t *testing.T) {
	res, diags, err := Scan(context.Background(), os.DirFS("testdata"), []string{"rag"})
	if err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "golden", "rag.json"), dump(t, res, diags))
}

func TestGoldenPlan(t *testing.T) {
	res, diags, err := ScanPlan(context.Background(), os.DirFS("testdata"), "plan/rag.plan.json")
	if err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "golden", "plan.json"), dump(t, res, diags))
}

// TestSourceAndPlanAgree reads the rag configuration and the plan made from it: every
// known value the source gives must be in the plan with the same value (the plan may
// hold more: provider defaults and computed attributes).
func TestSourceAndPlanAgree(t *testing.T) {
	src, _, err := Scan(context.Background(), os.DirFS("testdata"), []string{"rag"})
	if err != nil {
		t.Fatal(err)
	}
	plan, _, err := ScanPlan(context.Background(), os.DirFS("testdata"), "plan/rag.plan.json")
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, p := range plan {
		s := byID(src, p.ID)
		if s == nil {
			t.Errorf("%s is in the plan but not in the source scan", p.ID)
			continue
		}
		compared++
		if s.Type != p.Type || s.Parent != p.Parent {
			t.Errorf("%s: type/parent %s/%s vs %s/%s", p.ID, s.Type, s.Parent, p.Type, p.Parent)
		}
		for _, part := range []string{"name", "kind", "location", "sku", "identity", "tags", "properties"} {
			agree(t, p.ID+" "+part, getPath(s, part), getPath(&p, part))
		}
	}
	if compared < 7 {
		t.Errorf("compared %d resources, want all 7 of the plan", compared)
	}
}

func agree(t *testing.T, where string, s, p *iac.Value) {
	t.Helper()
	if s == nil || s.Kind == iac.Unknown {
		return
	}
	if p == nil {
		t.Errorf("%s: %s in the source, absent in the plan", where, s)
		return
	}
	switch s.Kind {
	case iac.Object:
		for _, k := range s.Keys {
			agree(t, where+"."+k, s.Fields[k], p.Field(k))
		}
	case iac.Array:
		if p.Kind != iac.Array || len(p.Items) != len(s.Items) {
			t.Errorf("%s: %s in the source, %s in the plan", where, s, p)
			return
		}
		for i := range s.Items {
			agree(t, fmt.Sprintf("%s[%d]", where, i), s.Items[i], p.Items[i])
		}
	default:
		if eq, known := iac.Equal(s, p); known && !eq {
			t.Errorf("%s: %s in the source, %s in the plan", where, s, p)
		}
	}
}
