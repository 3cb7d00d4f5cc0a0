package bicep

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
)

// unitsFS is a tree of entry templates, parameter files sharing one template, and
// Bicep and ARM JSON modules that several entries call.
var unitsFS = fstest.MapFS{
	"main.bicep": {Data: []byte(`param location string = 'westeurope'
resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stmain'
  location: location
  properties: {
    minimumTlsVersion: 'TLS1_2'
  }
}
module net 'modules/net.bicep' = {
  name: 'net'
  params: {
    prefix: 'main'
  }
}
module lock 'modules/lock.json' = {
  name: 'lock'
}
`)},
	"modules/net.bicep": {Data: []byte(`param prefix string
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${prefix}-vnet'
  location: 'westeurope'
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.0.0.0/16'
      ]
    }
  }
}
`)},
	"modules/lock.json": {Data: []byte(`{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Authorization/locks",
      "apiVersion": "2020-05-01",
      "name": "nodelete",
      "properties": {"level": "CanNotDelete"}
    }
  ]
}`)},
	"app/app.bicep": {Data: []byte(`resource ws 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'ws'
  location: 'westeurope'
  properties: {
    retentionInDays: 30
  }
}
module net '../modules/net.bicep' = {
  name: 'net'
  params: {
    prefix: 'app'
  }
}
`)},
	"tmpl/tmpl.bicep": {Data: []byte(`param name string
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${name}'
  location: 'westeurope'
  properties: {
    enableRbacAuthorization: true
  }
}
module net '../modules/net.bicep' = {
  name: 'net'
  params: {
    prefix: name
  }
}
`)},
	"env/dev.bicepparam":  {Data: []byte("using '../tmpl/tmpl.bicep'\nparam name = 'dev'\n")},
	"env/prod.bicepparam": {Data: []byte("using '../tmpl/tmpl.bicep'\nparam name = 'prod'\n")},
}

func keepScanner() Scanner { return Scanner{ARM: defaultARM, ARMFiles: arm.ExpandFS} }

// unitKey names a resource: type, name (which the module parameters make differ from
// one caller to the next) and the file declaring it.
func unitKey(r iac.Resource) string {
	name := "?"
	if r.Name != nil && r.Name.Kind == iac.String {
		name = r.Name.Str
	}
	return path.Base(r.Type) + "=" + name + "@" + r.Loc.File
}

// TestKeepUnits checks that the sink sees one call per entry template or parameter
// file, with the resources of the modules it calls, and no resource twice.
func TestKeepUnits(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  [][]string // each unit's keys, sorted; units sorted by first key
	}{
		{"whole tree", []string{"."}, [][]string{
			{"locks=nodelete@modules/lock.json", "storageAccounts=stmain@main.bicep", "virtualNetworks=main-vnet@modules/net.bicep"},
			{"vaults=kv-dev@tmpl/tmpl.bicep", "virtualNetworks=dev-vnet@modules/net.bicep"},
			{"vaults=kv-prod@tmpl/tmpl.bicep", "virtualNetworks=prod-vnet@modules/net.bicep"},
			{"virtualNetworks=app-vnet@modules/net.bicep", "workspaces=ws@app/app.bicep"},
		}},
		{"one entry with its modules", []string{"main.bicep"}, [][]string{
			{"locks=nodelete@modules/lock.json", "storageAccounts=stmain@main.bicep", "virtualNetworks=main-vnet@modules/net.bicep"},
		}},
		{"one parameter file", []string{"env/prod.bicepparam"}, [][]string{
			{"vaults=kv-prod@tmpl/tmpl.bicep", "virtualNetworks=prod-vnet@modules/net.bicep"},
		}},
		{"module scanned with its caller", []string{"app", "modules"}, [][]string{
			{"virtualNetworks=app-vnet@modules/net.bicep", "workspaces=ws@app/app.bicep"},
		}},
		{"parameter files and their template", []string{"env", "tmpl"}, [][]string{
			{"vaults=kv-dev@tmpl/tmpl.bicep", "virtualNetworks=dev-vnet@modules/net.bicep"},
			{"vaults=kv-prod@tmpl/tmpl.bicep", "virtualNetworks=prod-vnet@modules/net.bicep"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var units [][]string
			sink := iac.Sink(func(res []iac.Resource) []iac.Resource {
				var keys []string
				for _, r := range res {
					keys = append(keys, unitKey(r))
				}
				sort.Strings(keys)
				mu.Lock()
				units = append(units, keys)
				mu.Unlock()
				return res
			})
			out, diags, err := keepScanner().Scan(context.Background(), unitsFS, tt.paths, sink)
			if err != nil || len(diags) > 0 {
				t.Fatal(err, diags)
			}
			sort.Slice(units, func(i, j int) bool { return units[i][0] < units[j][0] })
			if !reflect.DeepEqual(units, tt.want) {
				t.Errorf("units:\n got %q\nwant %q", units, tt.want)
			}
			seen := map[string]int{}
			for _, u := range units {
				for _, k := range u {
					seen[k]++
				}
			}
			for k, n := range seen {
				if n > 1 {
					t.Errorf("%s handed to the sink %d times", k, n)
				}
			}
			if len(out) != len(seen) {
				t.Errorf("Scan returned %d resources, the sink saw %d", len(out), len(seen))
			}
			for _, r := range out {
				if seen[unitKey(r)] != 1 {
					t.Errorf("Scan returned %s, which the sink did not see", unitKey(r))
				}
			}
		})
	}
}

// TestKeepProjection checks that Scan returns what the sink keeps, in the order it
// returns without a sink: properties dropped, judgements carried along, the rest
// unchanged; and that the resource limit applies to the kept resources.
func TestKeepProjection(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		max   int
		want  int
	}{
		{"whole tree", []string{"."}, 0, 9},
		{"one entry", []string{"main.bicep"}, 0, 3},
		{"limit", []string{"."}, 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var kept [][]iac.Resource
			sink := iac.Sink(func(res []iac.Resource) []iac.Resource {
				mu.Lock()
				defer mu.Unlock()
				out := make([]iac.Resource, len(res))
				for i, r := range res {
					r.Properties = nil
					r.Judgement = iac.Judgement{Sink: 1, Unit: uint32(len(kept)), Index: uint32(i)}
					out[i] = r
				}
				kept = append(kept, slices.Clone(out))
				return out
			})
			s := keepScanner()
			s.MaxResources = tt.max
			plain, plainDiags, err := s.Scan(context.Background(), unitsFS, tt.paths, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, diags, err := s.Scan(context.Background(), unitsFS, tt.paths, sink)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(diags, plainDiags) {
				t.Errorf("diagnostics with the sink %v, without %v", diags, plainDiags)
			}
			if tt.max > 0 && (len(diags) != 1 || !strings.Contains(diags[0].Message, fmt.Sprintf("more than %d resources", tt.max))) {
				t.Errorf("diagnostics %v, want the resource limit", diags)
			}
			if len(got) != tt.want || len(plain) != tt.want {
				t.Fatalf("%d resources with the sink, %d without, want %d", len(got), len(plain), tt.want)
			}
			total := 0
			for _, u := range kept {
				total += len(u)
			}
			if tt.max == 0 && total != len(got) {
				t.Errorf("the sink kept %d resources, Scan returned %d", total, len(got))
			}
			used := map[iac.Judgement]bool{}
			for i, r := range got {
				m := r.Judgement
				if !m.Judged() {
					t.Fatalf("resource %d (%s) has judgement %v", i, r.ID, r.Judgement)
				}
				if used[m] {
					t.Errorf("judgement %v returned twice", m)
				}
				used[m] = true
				if r.Properties != nil {
					t.Errorf("%s has properties", r.ID)
				}
				if !reflect.DeepEqual(r, kept[m.Unit][m.Index]) {
					t.Errorf("resource %d differs from what the sink kept:\n got %+v\nwant %+v", i, r, kept[m.Unit][m.Index])
				}
				want := plain[i]
				if want.Properties == nil {
					t.Errorf("%s has no properties without the sink", want.ID)
				}
				want.Properties, r.Judgement = nil, iac.Judgement{}
				if !reflect.DeepEqual(r, want) {
					t.Errorf("resource %d with the sink\n %+v\nwithout\n %+v", i, r, want)
				}
			}
		})
	}
}

// TestKeepGolden checks that sinks that keep everything, as given or as copies,
// leave the golden outputs as they are.
func TestKeepGolden(t *testing.T) {
	sinks := map[string]iac.Sink{
		"as given": func(res []iac.Resource) []iac.Resource { return res },
		"copies":   func(res []iac.Resource) []iac.Resource { return slices.Clone(res) },
	}
	cases := []struct {
		dir    string
		paths  []string
		golden string
	}{
		{"baseline", []string{"."}, "baseline-bicepparam.json"},
		{"baseline", []string{"main.bicep"}, "baseline-defaults.json"},
		{"features", []string{"."}, "features.json"},
	}
	for name, sink := range sinks {
		for _, c := range cases {
			t.Run(name+"/"+c.golden, func(t *testing.T) {
				res, diags, err := Scanner{ARM: defaultARM}.Scan(context.Background(), os.DirFS(filepath.Join("testdata", c.dir)), c.paths, sink)
				if err != nil {
					t.Fatal(err)
				}
				want, err := os.ReadFile(filepath.Join("testdata", "golden", c.golden))
				if err != nil {
					t.Fatal(err)
				}
				if got := golden(res, diags); !bytes.Equal(got, want) {
					t.Errorf("%s differs with the sink:\n%s", c.golden, got)
				}
			})
		}
	}
}

// TestTreesReleased checks that, whatever trees are held from the first read, the
// output is the same and no tree is left held once every job is done.
func TestTreesReleased(t *testing.T) {
	fss := []struct {
		name  string
		fsys  fstest.MapFS
		paths []string
	}{
		{"units", unitsFS, []string{"."}},
		{"units from one file", unitsFS, []string{"main.bicep"}},
		{"units outside the paths", unitsFS, []string{"app", "env"}},
		{"baseline", dirFS(t, "baseline"), []string{"."}},
		{"features", dirFS(t, "features"), []string{"."}},
	}
	for _, c := range fss {
		want, wantDiags, err := keepScanner().Scan(context.Background(), c.fsys, c.paths, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, hold := range []int64{0, 400, holdBytes} {
			t.Run(fmt.Sprintf("%s/hold %d", c.name, hold), func(t *testing.T) {
				sc := keepScanner().newState(context.Background(), c.fsys)
				sc.hold = hold
				got, diags, err := sc.scan(c.paths)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(diags, wantDiags) {
					t.Errorf("output differs:\n%s\nwant\n%s", golden(got, diags), golden(want, wantDiags))
				}
				if len(sc.files) == 0 {
					t.Fatal("no file read")
				}
				for p, fe := range sc.files {
					if fe.file != nil || fe.jobs != 0 {
						t.Errorf("%s: tree held after the scan (jobs %d)", p, fe.jobs)
					}
				}
			})
		}
	}
}

// dirFS loads a directory of testdata into memory.
func dirFS(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	root := filepath.Join("testdata", dir)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}
