package arm

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/iac"
)

// summary is a resource as the golden files show it.
type summary struct {
	Type       string     `json:"type"`
	Name       *iac.Value `json:"name"`
	ID         string     `json:"id"`
	Parent     string     `json:"parent,omitempty"`
	At         string     `json:"at"`
	Via        []string   `json:"via,omitempty"`
	Condition  *iac.Value `json:"condition,omitempty"`
	Existing   bool       `json:"existing,omitempty"`
	Scope      *iac.Value `json:"scope,omitempty"`
	DependsOn  []string   `json:"dependsOn,omitempty"`
	Kind       *iac.Value `json:"kind,omitempty"`
	Location   *iac.Value `json:"location,omitempty"`
	SKU        *iac.Value `json:"sku,omitempty"`
	Identity   *iac.Value `json:"identity,omitempty"`
	Tags       *iac.Value `json:"tags,omitempty"`
	Properties *iac.Value `json:"properties,omitempty"`
}

func summarize(res []iac.Resource, diags []iac.Diagnostic) []byte {
	out := struct {
		Resources   []summary `json:"resources"`
		Diagnostics []string  `json:"diagnostics"`
	}{Resources: []summary{}, Diagnostics: []string{}}
	for _, r := range res {
		s := summary{
			Type: r.Type, Name: r.Name, ID: r.ID, Parent: r.Parent,
			At:        fmt.Sprintf("%s:%d:%d", r.Loc.File, r.Loc.Line, r.Loc.Column),
			Condition: r.Condition, Existing: r.Existing, Scope: r.Scope, DependsOn: r.DependsOn,
			Kind: r.Kind, Location: r.Location, SKU: r.SKU, Identity: r.Identity, Tags: r.Tags, Properties: r.Properties,
		}
		for _, v := range r.Via {
			s.Via = append(s.Via, fmt.Sprintf("%s:%d:%d", v.File, v.Line, v.Column))
		}
		out.Resources = append(out.Resources, s)
	}
	for _, d := range diags {
		out.Diagnostics = append(out.Diagnostics, fmt.Sprintf("%s:%d:%d: %s: %s", d.Loc.File, d.Loc.Line, d.Loc.Column, d.Severity, d.Message))
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return append(b, '\n')
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
	}{
		{"rag", []string{"testdata/rag"}},
		{"v2", []string{"testdata/v2/main.json"}},
		// Linked templates by relativePath, two levels deep; a uri link is reported.
		{"linked", []string{"testdata/linked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags, err := Scan(context.Background(), os.DirFS("."), tt.paths)
			if err != nil {
				t.Fatal(err)
			}
			goldenfile.Check(t, filepath.Join("testdata", "golden", tt.name+".json"), summarize(res, diags))
		})
	}
}

func FuzzExpand(f *testing.F) {
	for _, p := range []string{"testdata/rag/azuredeploy.json", "testdata/v2/main.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"resources": [{"type": "a.b/c", "name": "[string(copyIndex())]", "copy": {"name": "x", "count": 2}, "resources": [{"type": "d", "name": "e"}]}]}`))
	f.Add([]byte(`{"functions": [{"namespace": "n", "members": {"f": {"parameters": [], "output": {"value": "[n.f()]"}}}}], "variables": {"v": "[n.f()]"}, "resources": [{"type": "a.b/c", "name": "[variables('v')]"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, diags := Expand(context.Background(), "fuzz.json", data, nil)
		for _, r := range res {
			if r.Type == "" || r.Name == nil || r.Loc.File != "fuzz.json" || r.Loc.Line < 1 {
				t.Fatalf("bad resource %+v", r)
			}
		}
		for _, d := range diags {
			if d.Loc.File != "fuzz.json" {
				t.Fatalf("diagnostic without file: %+v", d)
			}
		}
	})
}

// TestModuleAsBicepUsesIt evaluates a Bicep-generated-style registry module with
// parameter values passed in, as the Bicep front end does for modules from the cache.
func TestModuleAsBicepUsesIt(t *testing.T) {
	data, err := os.ReadFile("testdata/module/main.json")
	if err != nil {
		t.Fatal(err)
	}
	caller := awaf.Location{File: "main.bicep", Line: 12, Column: 3}
	deps, _ := iac.DecodeJSON("main.bicep", []byte(`[{"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-08-06"}, "raiPolicyName": "strict"},
		{"name": "embed", "model": {"format": "OpenAI", "name": "text-embedding-3-small", "version": "1"}, "sku": {"name": "GlobalStandard", "capacity": 5}}]`))
	params := map[string]*iac.Value{
		"name":             iac.NewString("team-oai", caller),
		"kind":             iac.NewString("OpenAI", caller),
		"deployments":      deps,
		"privateEndpoints": iac.NewArray(caller, iac.NewObject(caller)),
		"managedIdentities": func() *iac.Value {
			o := iac.NewObject(caller)
			o.Set("systemAssigned", iac.NewBool(true, caller))
			return o
		}(),
		"diagnosticSettings": iac.NewArray(caller, func() *iac.Value {
			o := iac.NewObject(caller)
			o.Set("workspaceResourceId", iac.NewUnknown("param 'law' has no value", caller))
			return o
		}()),
	}
	r := Evaluate(context.Background(), "testdata/module/main.json", data, params)
	goldenfile.Check(t, filepath.Join("testdata", "golden", "module.json"), summarize(r.Resources, r.Diagnostics))
	if got := r.Outputs.Get("resourceId.value").String(); !strings.HasSuffix(got, `/accounts/team-oai"`) {
		t.Errorf("resourceId output = %s", got)
	}
	if !r.Outputs.Get("endpoint.value").IsUnknown() || !r.Outputs.Get("systemAssignedMIPrincipalId.value").IsUnknown() {
		t.Errorf("outputs = %s", r.Outputs)
	}
}

// TestEveryValueHasALocation walks every value of every resource the test templates
// give and checks it points into a file.
func TestEveryValueHasALocation(t *testing.T) {
	res, _, err := Scan(context.Background(), os.DirFS("."), []string{"testdata/rag", "testdata/v2", "testdata/module"})
	if err != nil {
		t.Fatal(err)
	}
	var walk func(where string, v *iac.Value)
	walk = func(where string, v *iac.Value) {
		if v == nil {
			return
		}
		if v.Loc.File == "" || v.Loc.Line < 1 || v.Loc.Column < 1 {
			t.Errorf("%s: value %s has no location (%+v)", where, v, v.Loc)
		}
		for i, it := range v.Items {
			walk(fmt.Sprintf("%s[%d]", where, i), it)
		}
		for _, k := range v.Keys {
			walk(where+"."+k, v.Fields[k])
		}
	}
	for _, r := range res {
		if r.Loc.File == "" || r.Loc.Line < 1 {
			t.Errorf("resource %s has no location", r.ID)
		}
		for name, v := range map[string]*iac.Value{"name": r.Name, "kind": r.Kind, "location": r.Location, "sku": r.SKU,
			"identity": r.Identity, "tags": r.Tags, "properties": r.Properties, "scope": r.Scope, "condition": r.Condition} {
			walk(r.ID+" "+name, v)
		}
	}
}
