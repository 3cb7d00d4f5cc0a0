package terraform

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
)

// recorder is a sink that notes the resources of each unit it is handed and keeps
// them all.
type recorder struct {
	mu    sync.Mutex
	units []string
}

func (r *recorder) sink(res []iac.Resource) []iac.Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.units = append(r.units, unitString(res))
	return res
}

// unitString lists a unit's resources as "id@file", in the order given.
func unitString(res []iac.Resource) string {
	parts := make([]string, len(res))
	for i, r := range res {
		parts[i] = r.ID + "@" + r.Loc.File
	}
	return strings.Join(parts, " ")
}

const (
	sinkKV = `resource "azurerm_key_vault" "kv" {
  name                = "kv"
  resource_group_name = "rg"
}
`
	sinkCallKV = `module "kv" { source = "../kv" }
`
	sinkSearch = `resource "azurerm_search_service" "s" {
  name                = "s"
  resource_group_name = "rg"
  sku                 = "standard"
}
`
)

// TestSinkUnits checks that a Terraform root module with its modules is one unit:
// the sink is called once per root module, with the child modules' resources in it,
// and never for a module directory that another one calls.
func TestSinkUnits(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		paths []string
		want  []string
	}{
		{
			name:  "one root",
			files: map[string]string{"main.tf": sinkSearch + sinkKV},
			want:  []string{"azurerm_search_service.s@main.tf azurerm_key_vault.kv@main.tf"},
		},
		{
			name: "a called module is part of its caller",
			files: map[string]string{
				"app/main.tf": sinkSearch + sinkCallKV,
				"kv/main.tf":  sinkKV,
			},
			want: []string{"azurerm_search_service.s@app/main.tf module.kv.azurerm_key_vault.kv@kv/main.tf"},
		},
		{
			name: "a module shared by two roots is read in each",
			files: map[string]string{
				"a/main.tf":  sinkCallKV,
				"b/main.tf":  sinkSearch + sinkCallKV,
				"kv/main.tf": sinkKV,
			},
			want: []string{
				"module.kv.azurerm_key_vault.kv@kv/main.tf",
				"azurerm_search_service.s@b/main.tf module.kv.azurerm_key_vault.kv@kv/main.tf",
			},
		},
		{
			name: "nested modules and count",
			files: map[string]string{
				"root/main.tf":   `module "mid" { source = "./mid" }` + "\n",
				"root/mid/a.tf":  `module "kv" {` + "\n" + `  source = "../../kv"` + "\n  count = 2\n}\n",
				"root/mid/b.tf":  sinkSearch,
				"kv/main.tf":     sinkKV,
				"other/main.tf":  sinkSearch,
				"other/vars.tf":  `variable "x" { default = 1 }` + "\n",
				"empty/main.tf":  `locals { a = 1 }` + "\n",
				"empty/other.tf": "",
			},
			want: []string{
				"azurerm_search_service.s@other/main.tf",
				"module.mid.azurerm_search_service.s@root/mid/b.tf module.mid.module.kv[0].azurerm_key_vault.kv@kv/main.tf module.mid.module.kv[1].azurerm_key_vault.kv@kv/main.tf",
			},
		},
		{
			name: "only the paths given",
			files: map[string]string{
				"a/main.tf":  sinkSearch,
				"b/main.tf":  sinkSearch,
				"kv/main.tf": sinkKV,
			},
			paths: []string{"b", "kv/main.tf"},
			want:  []string{"azurerm_search_service.s@b/main.tf", "azurerm_key_vault.kv@kv/main.tf"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths := tt.paths
			if paths == nil {
				paths = []string{"."}
			}
			rec := &recorder{}
			res, _, err := Scanner{}.Scan(context.Background(), mapFS(tt.files), paths, rec.sink)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rec.units, tt.want) {
				t.Errorf("units:\n%s\nwant:\n%s", strings.Join(rec.units, "\n"), strings.Join(tt.want, "\n"))
			}
			if got, want := unitString(res), strings.Join(tt.want, " "); got != want {
				t.Errorf("Scan returned %s, want %s", got, want)
			}
		})
	}
}

// TestSinkPlanUnits checks that each plan file is one unit.
func TestSinkPlanUnits(t *testing.T) {
	rag, err := os.ReadFile("testdata/plan/rag.plan.json")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"one.json": {Data: []byte(`{"format_version": "1.2", "planned_values": {"root_module": {
  "resources": [{"address": "azurerm_key_vault.kv", "mode": "managed", "type": "azurerm_key_vault", "name": "kv", "values": {"name": "kv1"}}],
  "child_modules": [{"address": "module.m", "resources": [
    {"address": "module.m.azurerm_search_service.s", "mode": "managed", "type": "azurerm_search_service", "name": "s", "values": {"name": "s1"}}]}]}}}`)},
		"rag.json":  {Data: rag},
		"none.json": {Data: []byte(`{"format_version": "1.2", "planned_values": {"root_module": {}}}`)},
	}
	ragRes, _, err := ScanPlan(context.Background(), fsys, "rag.json")
	if err != nil || len(ragRes) < 2 {
		t.Fatalf("rag plan: %d resources, err %v", len(ragRes), err)
	}
	tests := []struct {
		file string
		want []string
	}{
		{"one.json", []string{"azurerm_key_vault.kv@one.json module.m.azurerm_search_service.s@one.json"}},
		{"rag.json", []string{unitString(ragRes)}},
		{"none.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rec := &recorder{}
			res, _, err := PlanScanner{}.Scan(context.Background(), fsys, []string{tt.file}, rec.sink)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rec.units, tt.want) {
				t.Errorf("units:\n%s\nwant:\n%s", strings.Join(rec.units, "\n"), strings.Join(tt.want, "\n"))
			}
			if got, want := unitString(res), strings.Join(tt.want, " "); got != want {
				t.Errorf("ScanPlan returned %s, want %s", got, want)
			}
		})
	}
}

// projector is a sink that keeps a smaller copy of each resource, with no
// properties and a judgement naming the unit and the place in it.
type projector struct {
	mu   sync.Mutex
	kept [][]iac.Resource
}

func (p *projector) sink(res []iac.Resource) []iac.Resource {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]iac.Resource, len(res))
	for i, r := range res {
		r.Properties = nil
		r.Judgement = iac.Judgement{Sink: 1, Unit: uint32(len(p.kept)), Index: uint32(i)}
		out[i] = r
	}
	p.kept = append(p.kept, out)
	return out
}

// TestSinkKeepsWhatItReturns checks that the front end holds and returns what the
// sink keeps, judgements included, and nothing of what it was handed.
func TestSinkKeepsWhatItReturns(t *testing.T) {
	tests := []struct {
		name string
		scan func(sink iac.Sink) ([]iac.Resource, error)
	}{
		{"rag", func(sink iac.Sink) ([]iac.Resource, error) {
			res, _, err := Scanner{}.Scan(context.Background(), os.DirFS("testdata"), []string{"rag"}, sink)
			return res, err
		}},
		{"every testdata module", func(sink iac.Sink) ([]iac.Resource, error) {
			res, _, err := Scanner{}.Scan(context.Background(), os.DirFS("testdata"), []string{"rag", "mixed", "override"}, sink)
			return res, err
		}},
		{"roots", func(sink iac.Sink) ([]iac.Resource, error) {
			fsys, _ := rootsCorpus(5)
			res, _, err := Scanner{}.Scan(context.Background(), fsys, []string{"."}, sink)
			return res, err
		}},
		{"plan", func(sink iac.Sink) ([]iac.Resource, error) {
			res, _, err := PlanScanner{}.Scan(context.Background(), os.DirFS("testdata"), []string{"plan/rag.plan.json"}, sink)
			return res, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &projector{}
			res, err := tt.scan(p.sink)
			if err != nil {
				t.Fatal(err)
			}
			var want []iac.Resource
			for _, unit := range p.kept {
				want = append(want, unit...)
			}
			if len(want) == 0 {
				t.Fatal("the sink was not called")
			}
			if !reflect.DeepEqual(res, want) {
				t.Errorf("returned %d resources (%s), want the %d the sink kept (%s)", len(res), unitString(res), len(want), unitString(want))
			}
			for i, r := range res {
				if r.Properties != nil || !r.Judgement.Judged() {
					t.Errorf("resource %d (%s): properties %v, judgement %v", i, r.ID, r.Properties, r.Judgement)
				}
			}
			plain, err := tt.scan(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(plain) != len(res) {
				t.Fatalf("without a sink: %d resources, with one %d", len(plain), len(res))
			}
			for i := range plain {
				if plain[i].ID != res[i].ID || plain[i].Properties == nil || plain[i].Judgement.Judged() {
					t.Errorf("without a sink, resource %d is %s (judgement %v), with one %s", i, plain[i].ID, plain[i].Judgement, res[i].ID)
				}
			}
		})
	}
}

// TestReleaseKeepsOutput reads the same inputs holding every parsed module and
// holding none while roots are found (so every module is parsed again), with and
// without a sink that keeps everything: resources and diagnostics must not change.
func TestReleaseKeepsOutput(t *testing.T) {
	roots, _ := rootsCorpus(4)
	roots["roots/r0001/broken.tf"] = &fstest.MapFile{Data: []byte("resource \"azurerm_key_vault\" {\n")}
	roots["shared/kv/extra.tf"] = &fstest.MapFile{Data: []byte("bogus \"x\" {}\n")}
	roots["roots/r0002/main.tf"] = &fstest.MapFile{Data: []byte(`module "a" { source = "../../shared/kv"` + "\n" + `name = "a"` + "\n" + `rg = "r"` + "\n" + `nope = 1` + "\n}\n" +
		`module "gone" { source = "./nowhere" }` + "\n")}
	tests := []struct {
		name  string
		fsys  fs.FS
		paths []string
	}{
		{"testdata", os.DirFS("testdata"), []string{"rag", "mixed", "override", "plan"}},
		{"roots", roots, []string{"."}},
		{"roots by directory", roots, []string{"roots", "shared"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := func(held int64, sink bool, workers, limit int) ([]iac.Resource, []iac.Diagnostic) {
				s := newScanner(tt.fsys)
				s.limit, s.held, s.workers = limit, held, workers
				if sink {
					s.sink = func(res []iac.Resource) []iac.Resource { return res }
				}
				res, diags, err := s.run(context.Background(), tt.paths)
				if err != nil {
					t.Fatal(err)
				}
				return res, diags
			}
			res, diags := run(maxHeldBytes, false, 1, maxInstances)
			if len(res) == 0 {
				t.Fatal("no resources")
			}
			want := string(dump(t, res, diags))
			for _, v := range []struct {
				held    int64
				sink    bool
				workers int
			}{{maxHeldBytes, true, 1}, {0, false, 1}, {0, true, 1}, {1500, false, 1},
				{maxHeldBytes, false, 2}, {maxHeldBytes, true, 4}, {0, true, 3}, {1500, false, 8}} {
				res, diags := run(v.held, v.sink, v.workers, maxInstances)
				if got := string(dump(t, res, diags)); got != want {
					t.Errorf("held %d, sink %v, %d workers: output differs:\n%s\nwant:\n%s", v.held, v.sink, v.workers, got, want)
				}
			}
			// A small instance budget runs out part way: roots read side by side
			// must spend it as roots read in order do.
			for _, limit := range []int{0, 1, 3, 5, 8, 13} {
				res, diags := run(maxHeldBytes, true, 1, limit)
				want := string(dump(t, res, diags))
				for _, workers := range []int{2, 3, 8} {
					res, diags := run(maxHeldBytes, true, workers, limit)
					if got := string(dump(t, res, diags)); got != want {
						t.Errorf("limit %d, %d workers: output differs:\n%s\nwant:\n%s", limit, workers, got, want)
					}
				}
			}
		})
	}
}

// TestReleaseDropsFinishedModules checks what a scan holds after each root module:
// no module instances, and parsed modules only while a later root module calls them.
func TestReleaseDropsFinishedModules(t *testing.T) {
	fsys, _ := rootsCorpus(3)
	s := newScanner(fsys)
	s.limit = maxInstances
	s.workers = 1 // the sink sees the roots one at a time
	var held []string
	s.sink = func(res []iac.Resource) []iac.Resource {
		held = append(held, strings.Join(sortedKeys(s.modules), ","))
		return res
	}
	if _, _, err := s.run(context.Background(), []string{"."}); err != nil {
		t.Fatal(err)
	}
	// The roots and the shared module are parsed while the roots are found (they call
	// modules); a store module calls none, so it is parsed when its root reads it.
	want := []string{
		"roots/r0000,roots/r0000/store,roots/r0001,roots/r0002,shared/kv",
		"roots/r0001,roots/r0001/store,roots/r0002,shared/kv",
		"roots/r0002,roots/r0002/store,shared/kv",
	}
	if !slices.Equal(held, want) {
		t.Errorf("parsed modules while each root was judged:\n%s\nwant:\n%s", strings.Join(held, "\n"), strings.Join(want, "\n"))
	}
	if len(s.modules) != 0 {
		t.Errorf("after the scan: %d modules held", len(s.modules))
	}
}

// TestCancelledWhileReading cancels the scan from the sink, with roots read one at
// a time and side by side: the scan ends with the context's error.
func TestCancelledWhileReading(t *testing.T) {
	fsys, _ := rootsCorpus(8)
	for _, workers := range []int{1, 2, 4} {
		ctx, cancel := context.WithCancel(context.Background())
		s := newScanner(fsys)
		s.limit, s.workers = maxInstances, workers
		s.sink = func(res []iac.Resource) []iac.Resource {
			cancel()
			return res
		}
		res, _, err := s.run(ctx, []string{"."})
		if !errors.Is(err, context.Canceled) || res != nil {
			t.Errorf("%d workers: err = %v and %d resources, want context.Canceled and none", workers, err, len(res))
		}
	}
}

// TestManyRootsLinear scans trees of root modules that call no module, past the
// source held parsed while the roots are found: what the scan allocates per root
// must not grow with the tree. (Every module past the bound was parsed twice, so 80
// roots allocated 5 times what 20 did, not 4.)
func TestManyRootsLinear(t *testing.T) {
	corpus := func(n int) fstest.MapFS {
		fsys := fstest.MapFS{}
		for i := range n {
			var b strings.Builder
			for j := range 20 {
				fmt.Fprintf(&b, "resource \"azurerm_storage_account\" \"st%d\" {\n  name = \"st%d%d\"\n  location = var.location\n  min_tls_version = \"TLS1_2\"\n}\n\n", j, i, j)
			}
			b.WriteString("variable \"location\" {\n  default = \"westeurope\"\n}\n")
			fsys[fmt.Sprintf("r%03d/main.tf", i)] = &fstest.MapFile{Data: []byte(b.String())}
		}
		return fsys
	}
	perRoot := func(n int) float64 {
		fsys := corpus(n)
		var best uint64
		for range 3 {
			s := newScanner(fsys)
			s.limit, s.held, s.workers = maxInstances, 16<<10, 1 // about 8 roots' source held
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			res, _, err := s.run(context.Background(), []string{"."})
			runtime.ReadMemStats(&after)
			if err != nil || len(res) != 20*n {
				t.Fatalf("%d roots: %d resources, %v", n, len(res), err)
			}
			if a := after.TotalAlloc - before.TotalAlloc; best == 0 || a < best {
				best = a
			}
		}
		return float64(best) / float64(n)
	}
	small, large := perRoot(10), perRoot(80)
	t.Logf("bytes allocated per root: %.0f with 10 roots, %.0f with 80", small, large)
	if large > 1.15*small {
		t.Errorf("80 roots allocate %.0f bytes per root, 10 roots %.0f: more than 15%% apart", large, small)
	}
}
