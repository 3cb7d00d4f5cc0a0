package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/rules"
	"github.com/awaf/awaf/internal/scancache"
	"github.com/awaf/awaf/internal/sharedtest"
)

// A scan through the cache must give, byte for byte, what a scan without it gives:
// every report format, the evidence an answers file gets, the proposed profile.
// These tests scan each corpus without a cache, then with one in every state a
// cache can be in (empty, warm, files changed, deleted or added, another catalog,
// another build, damaged entries, shared by scans running at once, trimmed), and
// compare everything a user can see.

// outputs renders everything a scan gives a user, by name.
func outputs(t testing.TB, res *Result) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Write(&b, res, f, WriteOptions{ShowPass: true, Version: "test"}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[f] = b.String()
	}
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	a := &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version}}
	props := Attach(a, l, res.Outcomes(), fixedNow())
	ev, err := json.Marshal(struct {
		A     *awaf.Assessment
		P     []Proposal
		C     []awaf.Component
		Kinds []KindProposal
		Hints []Hint
	}{a, props, res.Components(), nil, nil})
	if err != nil {
		t.Fatal(err)
	}
	out["answers"] = string(ev)
	kinds, hints := res.ProposeProfile()
	pp, _ := json.Marshal(struct {
		K []KindProposal
		H []Hint
	}{kinds, hints})
	out["profile"] = string(pp)
	return out
}

// sameOutputs fails on the first output that differs, naming where.
func sameOutputs(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, w := got[k], want[k]
		if g == w {
			continue
		}
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		lo := max(0, i-200)
		t.Fatalf("%s: %s output differs at byte %d (%d vs %d bytes):\ngot  ...%s\nwant ...%s", what, k, i, len(g), len(w), g[lo:min(len(g), i+200)], w[lo:min(len(w), i+200)])
	}
}

func cacheScan(t testing.TB, fsys fs.FS, cat *rules.Catalog, c *scancache.Cache, profile *awaf.Profile) *Result {
	t.Helper()
	res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: cat, Cache: c, Now: fixedNow, Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// dirFS reads a directory of the repository into a map.
func dirFS(t testing.TB, dir, prefix string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[prefix+filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// linkedARM has templates that link to templates in other directories (groups that
// the cache must join), two templates in one directory with a shared parameter
// file, and a template alone with azuredeploy.parameters.json.
func linkedARM() fstest.MapFS {
	tmpl := func(resources string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": {"location": {"type": "string", "defaultValue": "westeurope"}, "local": {"type": "bool", "defaultValue": false}},
  "resources": [` + resources + `]}
`)}
	}
	acct := func(name string) string {
		return fmt.Sprintf(`{"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "%s", "location": "[parameters('location')]", "kind": "OpenAI", "sku": {"name": "S0"}, "properties": {"disableLocalAuth": "[parameters('local')]", "publicNetworkAccess": "Disabled"}}`, name)
	}
	link := func(name, rel string) string {
		return fmt.Sprintf(`{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "%s", "properties": {"mode": "Incremental", "templateLink": {"relativePath": "%s"}, "parameters": {"location": {"value": "eastus"}}}}`, name, rel)
	}
	params := &fstest.MapFile{Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {"local": {"value": true}}}`)}
	return fstest.MapFS{
		"a/main/azuredeploy.json":                 tmpl(acct("a-main") + "," + link("shared", "../shared/ai.json")),
		"a/shared/ai.json":                        tmpl(acct("shared-ai")),
		"b/one.json":                              tmpl(acct("b-one")),
		"b/two.json":                              tmpl(acct("b-two")),
		"b/azuredeploy.parameters.json":           params,
		"c/azuredeploy.json":                      tmpl(acct("c-alone")),
		"c/azuredeploy.parameters.json":           params,
		"d/x/deep.json":                           tmpl(acct("d-deep") + "," + link("up", "../../z/leaf.json")),
		"z/leaf.json":                             tmpl(acct("z-leaf")),
		"z/broken.json":                           {Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [`)},
		"z/policy/apim.bicep":                     {Data: []byte("resource p 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {\n  name: 'svc/api/policy'\n  properties: {\n    format: 'rawxml'\n    value: '<policies><inbound><base /></inbound></policies>'\n  }\n}\n")},
		"z/tf/main.tf":                            {Data: []byte("resource \"azurerm_cognitive_account\" \"a\" {\n  name = \"tf-a\"\n  location = \"westeurope\"\n  resource_group_name = \"rg\"\n  kind = \"OpenAI\"\n  sku_name = \"S0\"\n}\n")},
		"z/tf/unmapped.tf":                        {Data: []byte("resource \"azurerm_storage_share\" \"s\" {\n  name = \"share\"\n}\n")},
		"z/prompts/chat.prompty":                  {Data: []byte("---\nname: a\nmodel:\n  parameters:\n    max_tokens: 200\n---\nsystem:\nHelp.\n")},
		"z/export/resources.json":                 {Data: []byte(`[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/exp", "type": "Microsoft.CognitiveServices/accounts", "name": "exp", "kind": "OpenAI", "location": "eastus", "properties": {"disableLocalAuth": true}}]`)},
		"z/plan/.keep":                            {Data: []byte("")},
		"z/ignored/readme.md":                     {Data: []byte("# not scanned\n")},
		"a/shared/not-a-template.parameters.json": params,
		// Bicep: two entry files share a module (their groups are joined), one
		// stands alone, one has a syntax error, one reads a parameters file.
		"bi/one.bicep":               {Data: []byte("module s 'mod/shared.bicep' = {\n  name: 's1'\n  params: {\n    name: 'one'\n  }\n}\n")},
		"bi/two.bicep":               {Data: []byte("module s 'mod/shared.bicep' = {\n  name: 's2'\n  params: {\n    name: 'two'\n  }\n}\n")},
		"bi/mod/shared.bicep":        {Data: []byte("param name string\nresource a 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: name\n  location: 'westeurope'\n  kind: 'OpenAI'\n  sku: {\n    name: 'S0'\n  }\n  properties: {\n    disableLocalAuth: false\n  }\n}\n")},
		"bi/x-alone.bicep":           {Data: []byte("param loc string\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'srch'\n  location: loc\n  sku: {\n    name: 'basic'\n  }\n}\n")},
		"bi/x-alone.parameters.json": {Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {"loc": {"value": "eastus"}}}`)},
		"bi/y-broken.bicep":          {Data: []byte("resource x 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: \n")},
		// Terraform: two roots with a type no rule reads (noted once), two roots
		// that call one module.
		"z/tf2/main.tf":  {Data: []byte("resource \"azurerm_storage_share\" \"s2\" {\n  name = \"share2\"\n}\n")},
		"z/tf3/main.tf":  {Data: []byte("module \"m\" {\n  source = \"../tfmod\"\n  name = \"three\"\n}\n")},
		"z/tf4/main.tf":  {Data: []byte("module \"m\" {\n  source = \"../tfmod\"\n  name = \"four\"\n}\n")},
		"z/tfmod/mod.tf": {Data: []byte("variable \"name\" {}\nresource \"azurerm_search_service\" \"s\" {\n  name = var.name\n  location = \"westeurope\"\n  resource_group_name = \"rg\"\n  sku = \"basic\"\n}\n")},
	}
}

// cacheCorpora are the inputs every cache test runs over: the repository's test
// data, the real repositories in ../shared/testdata (skipped when absent) and
// generated corpora.
func cacheCorpora() map[string]func(t testing.TB) fstest.MapFS {
	return map[string]func(t testing.TB) fstest.MapFS{
		"testdata": func(t testing.TB) fstest.MapFS { return dirFS(t, "testdata/rag", "rag/") },
		"contoso-chat": func(t testing.TB) fstest.MapFS {
			return dirFS(t, sharedtest.Dir(t, "repos/contoso-chat"), "")
		},
		"get-started-with-ai-agents": func(t testing.TB) fstest.MapFS {
			return dirFS(t, sharedtest.Dir(t, "repos/get-started-with-ai-agents"), "")
		},
		"linked": func(testing.TB) fstest.MapFS { return linkedARM() },
		"bicepparam": func(testing.TB) fstest.MapFS {
			// A parameter file is evaluated before every entry file: one group.
			return fstest.MapFS{
				"a.bicep":      {Data: []byte("param sku string = 'S0'\nresource a 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'a'\n  location: 'westeurope'\n  kind: 'OpenAI'\n  sku: {\n    name: sku\n  }\n}\n")},
				"b.bicep":      {Data: []byte("resource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'srch'\n  location: 'westeurope'\n  sku: {\n    name: 'basic'\n  }\n}\n")},
				"c.bicep":      {Data: []byte("resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'st'\n  location: 'westeurope'\n  kind: 'StorageV2'\n  sku: {\n    name: 'Standard_LRS'\n  }\n}\n")},
				"d.bicep":      {Data: []byte("resource k 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: 'kv'\n  location: 'westeurope'\n  properties: {\n    tenantId: subscription().tenantId\n    sku: {\n      family: 'A'\n      name: 'standard'\n    }\n  }\n}\n")},
				"p.bicepparam": {Data: []byte("using 'q.bicep'\nparam sku = 'S1'\n")},
				"q.bicep":      {Data: []byte("param sku string = 'S0'\nresource q 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'q'\n  location: 'westeurope'\n  kind: 'OpenAI'\n  sku: {\n    name: sku\n  }\n}\n")},
			}
		},
		"ai-arm":    func(testing.TB) fstest.MapFS { return aiARMCorpus(200) },
		"ai-bicep":  func(testing.TB) fstest.MapFS { return aiBicepCorpus(100) },
		"ai-tf":     func(testing.TB) fstest.MapFS { return aiTFCorpus(100) },
		"arm-mixed": func(testing.TB) fstest.MapFS { return merged(armCorpus(100), bicepCorpus(50), tfCorpus(50)) },
		// One template over 1 MB reaches the sink in chunks (internal/iac.DecodeJSONDeferred):
		// its entry must hold every chunk.
		"ai-arm-large-file": func(t testing.TB) fstest.MapFS {
			m := merged(aiARMFiles(5000, 5000), bicepCorpus(20))
			if n := len(m["ai/t0000/azuredeploy.json"].Data); n < 1<<20 {
				t.Fatalf("the large template is %d bytes, under the 1 MB that makes it stream", n)
			}
			return m
		},
	}
}

func merged(fss ...fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for _, f := range fss {
		maps.Copy(out, f)
	}
	return out
}

func clone(m fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		c := *v
		c.Data = bytes.Clone(v.Data)
		out[k] = &c
	}
	return out
}

// firstOf gives the first file (by name) whose name has the suffix.
func firstOf(m fstest.MapFS, suffix string) string {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if strings.HasSuffix(k, suffix) {
			return k
		}
	}
	return ""
}

// change gives the corpus with one scanned file's content changed: a resource name
// or value altered where one is found, else a line added. The file is the first
// (by name) with the first of the suffixes the corpus has.
func change(m fstest.MapFS, suffixes ...string) fstest.MapFS {
	out := clone(m)
	if len(suffixes) == 0 {
		suffixes = []string{".json", ".bicep", ".tf", ".prompty"}
	}
	for _, suffix := range suffixes {
		if k := firstOf(out, suffix); k != "" && !strings.HasSuffix(k, "parameters.json") {
			d := out[k].Data
			switch {
			case bytes.Contains(d, []byte(`"S0"`)):
				out[k].Data = bytes.Replace(d, []byte(`"S0"`), []byte(`"S1"`), 1)
			case bytes.Contains(d, []byte(`'S0'`)):
				out[k].Data = bytes.Replace(d, []byte(`'S0'`), []byte(`'S1'`), 1)
			case bytes.Contains(d, []byte(`"Disabled"`)):
				out[k].Data = bytes.Replace(d, []byte(`"Disabled"`), []byte(`"Enabled"`), 1)
			default:
				out[k].Data = append(bytes.Clone(d), '\n')
			}
			return out
		}
	}
	return out
}

func removeOne(m fstest.MapFS) fstest.MapFS {
	out := clone(m)
	keys := slices.Sorted(maps.Keys(out))
	delete(out, keys[len(keys)/2])
	return out
}

// addOne adds a template, a Bicep file and a Terraform file the corpus did not have.
func addOne(m fstest.MapFS) fstest.MapFS {
	out := clone(m)
	out["zz-new/azuredeploy.json"] = &fstest.MapFile{Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "new-srch", "location": "westeurope", "sku": {"name": "basic"}, "properties": {"replicaCount": 1}}]}`)}
	return out
}

func TestCacheSameResult(t *testing.T) {
	cat := catalog(t)
	profile := &awaf.Profile{Criticality: awaf.MissionCritical, Sensitivity: awaf.Confidential}
	for name, load := range cacheCorpora() {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && strings.HasPrefix(name, "ai-") || testing.Short() && name == "arm-mixed" {
				t.Skip("generated corpus; run without -short")
			}
			corpus := load(t)
			dir := t.TempDir()
			var warnings []string
			var mu sync.Mutex
			open := func(build string) *scancache.Cache {
				c, err := scancache.Open(dir, scancache.Options{Build: build, Warn: func(m string) { mu.Lock(); warnings = append(warnings, m); mu.Unlock() }})
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			// What a scan without the cache gives, once per input.
			type input struct {
				fsys    uintptr
				cat     *rules.Catalog
				profile *awaf.Profile
			}
			wants := map[input]map[string]string{}
			check := func(what string, fsys fstest.MapFS, cat *rules.Catalog, c *scancache.Cache, p *awaf.Profile) {
				t.Helper()
				in := input{reflect.ValueOf(fsys).Pointer(), cat, p}
				want := wants[in]
				if want == nil {
					want = outputs(t, cacheScan(t, fsys, cat, nil, p))
					wants[in] = want
				}
				sameOutputs(t, what, outputs(t, cacheScan(t, fsys, cat, c, p)), want)
			}

			c := open("build-1")
			check("cold", corpus, cat, c, nil)
			_, coldRead := c.Stats()
			if coldRead == 0 {
				t.Fatal("a cold scan read no group")
			}
			c = open("build-1")
			check("warm", corpus, cat, c, nil)
			if used, read := c.Stats(); read != 0 || used == 0 {
				t.Errorf("warm scan: %d groups from the cache, %d read; want all from the cache", used, read)
			}
			changed := change(corpus)
			check("one file changed", changed, cat, open("build-1"), nil)
			check("back to the first content", corpus, cat, open("build-1"), nil)
			for _, suffix := range []string{".bicep", "shared.bicep", ".tf", "mod.tf", "leaf.json"} {
				if firstOf(corpus, suffix) != "" {
					check("one "+suffix+" file changed", change(corpus, suffix), cat, open("build-1"), nil)
				}
			}
			check("one file deleted", removeOne(corpus), cat, open("build-1"), nil)
			check("one file added", addOne(corpus), cat, open("build-1"), nil)
			check("with a profile", corpus, cat, open("build-1"), profile)

			// Another catalog: nothing judged under the old one may come back.
			other := withRule(t)
			c = open("build-1")
			check("another catalog", corpus, other, c, nil)
			if used, _ := c.Stats(); used != 0 {
				t.Errorf("another catalog: %d groups from the cache, want none", used)
			}
			c = open("build-2")
			check("another build", corpus, cat, c, nil)
			if used, _ := c.Stats(); used != 0 {
				t.Errorf("another build: %d groups from the cache, want none", used)
			}

			// Damaged entries: each one ignored with a warning, the result unchanged.
			for _, damage := range []struct {
				name string
				fn   func([]byte) []byte
			}{
				{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
				{"one byte flipped", func(b []byte) []byte {
					b = bytes.Clone(b)
					if len(b) > 0 {
						b[len(b)/2] ^= 0x40
					}
					return b
				}},
				{"empty", func([]byte) []byte { return nil }},
				{"another format version", func(b []byte) []byte {
					b = bytes.Clone(b)
					if len(b) > 8 {
						b[8]++
					}
					return b
				}},
			} {
				check("before "+damage.name, corpus, cat, open("build-1"), nil)
				entries, _ := filepath.Glob(filepath.Join(dir, "*.awc"))
				if len(entries) == 0 {
					t.Fatal("no entries written")
				}
				for _, e := range entries {
					data, err := os.ReadFile(e)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(e, damage.fn(data), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				mu.Lock()
				warnings = nil
				mu.Unlock()
				c = open("build-1")
				check(damage.name, corpus, cat, c, nil)
				mu.Lock()
				n := len(warnings)
				mu.Unlock()
				if n == 0 {
					t.Errorf("%s entries: no warning", damage.name)
				}
				if used, _ := c.Stats(); used != 0 {
					t.Errorf("%s entries: %d used", damage.name, used)
				}
			}

			// Scans sharing the directory at once, on two versions of the files.
			want := wants[input{reflect.ValueOf(corpus).Pointer(), cat, nil}]
			wantChanged := wants[input{reflect.ValueOf(changed).Pointer(), cat, nil}]
			var wg sync.WaitGroup
			results := make([]map[string]string, 6)
			for i := range results {
				wg.Go(func() {
					fsys := corpus
					if i%2 == 1 {
						fsys = changed
					}
					results[i] = outputs(t, cacheScan(t, fsys, cat, open("build-1"), nil))
				})
			}
			wg.Wait()
			for i, r := range results {
				w := want
				if i%2 == 1 {
					w = wantChanged
				}
				sameOutputs(t, fmt.Sprintf("concurrent scan %d", i), r, w)
			}
		})
	}
}

// withRule gives the built-in catalog with one more rule, loaded as --rules loads
// one: a changed catalog.
func withRule(t testing.TB) *rules.Catalog {
	t.Helper()
	base, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	extra := fstest.MapFS{"extra.yaml": {Data: []byte(`rules:
  - id: TEAM-001
    title: AI accounts are on the S1 tier
    severity: low
    pillars: [cost]
    types: [Microsoft.CognitiveServices/accounts]
    condition: get(resource, "sku.name", "") == "S1"
    path: sku.name
    default:
      value: none
      meaning: the tier is always given
    rationale: A team rule for the test.
    remediation:
      text: Use S1.
    links:
      - https://learn.microsoft.com/azure/ai-services/openai/quotas-limits
`)}}
	cat, err := rules.LoadDir(extra, ".", base)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestCacheTrim: the directory never grows past its bound; the most recently used
// entries stay.
func TestCacheTrim(t *testing.T) {
	cat := catalog(t)
	dir := t.TempDir()
	corpus := aiARMCorpus(500) // 10 groups
	c := openCache(t, dir)
	cacheScan(t, corpus, cat, c, nil)
	full, err := c.Size()
	if err != nil || full == 0 {
		t.Fatalf("size %d, %v", full, err)
	}
	bound := full / 2
	old := time.Now().Add(-time.Hour)
	entries, _ := filepath.Glob(filepath.Join(dir, "*.awc"))
	for _, e := range entries {
		_ = os.Chtimes(e, old, old)
	}
	c, err = scancache.Open(dir, scancache.Options{Build: "b", MaxBytes: bound})
	if err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, "scan under a bound", outputs(t, cacheScan(t, corpus, cat, c, nil)), outputs(t, cacheScan(t, corpus, cat, nil, nil)))
	if err := c.Trim(); err != nil {
		t.Fatal(err)
	}
	size, _ := c.Size()
	if size > bound {
		t.Errorf("after Trim the entries take %d bytes, bound %d", size, bound)
	}
	if size == 0 {
		t.Error("Trim removed every entry")
	}
}

// TestCacheReadsOnlyWhatChanged: with one file changed, the scan reads its group
// only: one ARM template, one pair of Bicep files, one Terraform root module.
func TestCacheReadsOnlyWhatChanged(t *testing.T) {
	cat := catalog(t)
	for _, tt := range []struct {
		name         string
		corpus       fstest.MapFS
		suffix       string
		groups, read int64
	}{
		{"arm", aiARMCorpus(500), ".json", 10, 1},
		{"bicep", aiBicepCorpus(500), ".bicep", 4, 1}, // 10 files in 4 runs
		{"terraform", aiTFCorpus(1500), ".tf", 3, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := openCache(t, dir)
			cacheScan(t, tt.corpus, cat, c, nil)
			if used, read := c.Stats(); used != 0 || read != tt.groups {
				t.Errorf("cold: %d used, %d read; want %d read", used, read, tt.groups)
			}
			c = openCache(t, dir)
			changed := change(tt.corpus, tt.suffix)
			got := outputs(t, cacheScan(t, changed, cat, c, nil))
			if used, read := c.Stats(); used != tt.groups-tt.read || read != tt.read {
				t.Errorf("one file changed: %d used, %d read; want %d, %d", used, read, tt.groups-tt.read, tt.read)
			}
			sameOutputs(t, "one file changed", got, outputs(t, cacheScan(t, changed, cat, nil, nil)))
		})
	}
}

// TestCacheKnowsResult fails when Result gains a field: what unitSink notes in a
// group's Result must reach the scan's through absorb and be kept in the cache entry
// (cache.go), or a cached scan would lose it.
func TestCacheKnowsResult(t *testing.T) {
	rt := reflect.TypeOf(Result{})
	var names []string
	for i := range rt.NumField() {
		names = append(names, rt.Field(i).Name)
	}
	if got, want := strings.Join(names, " "), "Files Resources Findings Diagnostics Catalog mu components profile"; got != want {
		t.Errorf("Result has fields %s, the cache knows %s: teach absorb and the entry (cache.go) the new ones", got, want)
	}
}

// openCache opens the scan cache in dir as the tests' one build.
func openCache(t *testing.T, dir string) *scancache.Cache {
	t.Helper()
	c, err := scancache.Open(dir, scancache.Options{Build: "b"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
