package bicep

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/iac"
)

// goldenResource is a Resource as the golden files show it: values as plain JSON
// (unknowns as {"$unknown": why}) and places as file:line:col.
type goldenResource struct {
	ID         string     `json:"id"`
	Type       string     `json:"type"`
	APIVersion string     `json:"apiVersion"`
	Name       *iac.Value `json:"name"`
	Kind       *iac.Value `json:"kind,omitempty"`
	Location   *iac.Value `json:"location,omitempty"`
	SKU        *iac.Value `json:"sku,omitempty"`
	Identity   *iac.Value `json:"identity,omitempty"`
	Tags       *iac.Value `json:"tags,omitempty"`
	Properties *iac.Value `json:"properties,omitempty"`
	Zones      *iac.Value `json:"zones,omitempty"`
	Scope      *iac.Value `json:"scope,omitempty"`
	Condition  *iac.Value `json:"condition,omitempty"`
	Metadata   *iac.Value `json:"metadata,omitempty"`
	Parent     string     `json:"parent,omitempty"`
	DependsOn  []string   `json:"dependsOn,omitempty"`
	Existing   bool       `json:"existing,omitempty"`
	Source     string     `json:"source"`
	At         string     `json:"at"`
	Via        []string   `json:"via,omitempty"`
	// NameAt and LocationAt show that values keep where they were written, which for
	// module parameters is the caller's file.
	NameAt     string `json:"nameAt,omitempty"`
	LocationAt string `json:"locationAt,omitempty"`
}

func at(l awaf.Location) string {
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

func golden(res []iac.Resource, diags []iac.Diagnostic) []byte {
	out := struct {
		Resources   []goldenResource `json:"resources"`
		Diagnostics []string         `json:"diagnostics"`
	}{Resources: []goldenResource{}, Diagnostics: []string{}}
	for _, r := range res {
		g := goldenResource{
			ID: r.ID, Type: r.Type, APIVersion: r.APIVersion, Name: r.Name, Kind: r.Kind,
			Location: r.Location, SKU: r.SKU, Identity: r.Identity, Tags: r.Tags,
			Properties: r.Properties, Zones: r.Zones, Scope: r.Scope, Condition: r.Condition,
			Metadata: r.Metadata, Parent: r.Parent, DependsOn: r.DependsOn, Existing: r.Existing,
			Source: string(r.Source), At: at(r.Loc),
		}
		for _, v := range r.Via {
			g.Via = append(g.Via, at(v))
		}
		if r.Name != nil {
			g.NameAt = at(r.Name.Loc)
		}
		if r.Location != nil {
			g.LocationAt = at(r.Location.Loc)
		}
		out.Resources = append(out.Resources, g)
	}
	for _, d := range diags {
		out.Diagnostics = append(out.Diagnostics, fmt.Sprintf("%s: %s: %s", at(d.Loc), d.Severity, d.Message))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

func TestGolden(t *testing.T) {
	cache := os.DirFS(filepath.Join("testdata", "cache"))
	tests := []struct {
		name   string
		dir    string // under testdata; baseline when empty
		paths  []string
		cache  bool
		golden string
	}{
		// The .bicepparam file names main.bicep, which is then read only with its values.
		{"baseline with bicepparam", "", []string{"."}, false, "baseline-bicepparam.json"},
		// main.bicep on its own: defaults, and adminObjectId unknown.
		{"baseline defaults", "", []string{"main.bicep"}, false, "baseline-defaults.json"},
		// The registry module comes from the module cache and is expanded as ARM JSON.
		{"baseline with module cache", "", []string{"main.bicepparam"}, true, "baseline-cache.json"},
		// A parameter file extending a base one; asserts; date functions.
		{"extends, asserts and dates", "features", []string{"."}, false, "features.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Scanner{ARM: defaultARM}
			if tt.cache {
				s.Cache, s.CacheName = cache, "~/.bicep"
			}
			dir := tt.dir
			if dir == "" {
				dir = "baseline"
			}
			fsys := os.DirFS(filepath.Join("testdata", dir))
			res, diags, err := s.Scan(context.Background(), fsys, tt.paths, nil)
			if err != nil {
				t.Fatal(err)
			}
			goldenfile.Check(t, filepath.Join("testdata", "golden", tt.golden), golden(res, diags))
		})
	}
}
