package arm

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/iac"
)

var update = flag.Bool("update", false, "rewrite golden files")

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

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(al), len(bl))
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
	}{
		{"rag", []string{"testdata/rag"}},
		{"v2", []string{"testdata/v2/main.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags, err := Scan(context.Background(), os.DirFS("."), tt.paths)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".json", summarize(res, diags))
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
