package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/rules"
)

func catalog(t testing.TB) *rules.Catalog {
	t.Helper()
	c, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func realFrontends() Frontends { return DefaultFrontends() }

func fixedNow() time.Time { return time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC) }

// outcomes lists "status rule type name" for every finding, sorted.
func outcomes(r *Result) []string {
	var out []string
	for _, f := range r.Findings.All() {
		out = append(out, fmt.Sprintf("%s %s %s %s", f.Effective(), f.Rule.ID, f.Resource.Type, displayName(f.Resource)))
	}
	sort.Strings(out)
	return out
}

// TestSameFindingsAcrossFormats scans one RAG workload written three times, in ARM
// JSON, Bicep (with a module) and Terraform (with a module): the outcomes must agree.
func TestSameFindingsAcrossFormats(t *testing.T) {
	cat := catalog(t)
	var want []string
	for _, dir := range []string{"arm", "bicep", "terraform"} {
		res, err := Run(context.Background(), os.DirFS("testdata/rag"), []string{dir}, Options{Frontends: realFrontends(), Catalog: cat, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Diagnostics) > 0 {
			t.Errorf("%s: diagnostics %v", dir, res.Diagnostics)
		}
		got := outcomes(res)
		if len(got) < 30 {
			t.Fatalf("%s: only %d findings", dir, len(got))
		}
		if want == nil {
			want = got
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s disagrees with arm:\n got %s\nwant %s", dir, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
		}
	}
	// The cross-resource links must have been followed, not merely reported unknown.
	for _, w := range []string{
		"pass AWAF-AOAI-004 Microsoft.CognitiveServices/accounts contoso-rag-oai",
		"pass AWAF-AOAI-011 Microsoft.CognitiveServices/accounts contoso-rag-oai",
		"fail AWAF-SRCH-006 Microsoft.Search/searchServices contoso-rag-srch",
	} {
		if !slices.Contains(want, w) {
			t.Errorf("missing %q", w)
		}
	}
}

// recorder is a fake front end that remembers which files it was given. It hands
// nothing to the sink, so Finish judges its resources by every rule.
type recorder struct {
	got []string
	res []iac.Resource
}

func (r *recorder) Scan(_ context.Context, _ fs.FS, paths []string, _ iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	r.got = append(r.got, paths...)
	return r.res, nil, nil
}

func TestRunClassifiesFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"infra/main.bicep":                    {Data: []byte("param x string\n")},
		"infra/main.bicepparam":               {Data: []byte("using 'main.bicep'\n")},
		"infra/azuredeploy.json":              {Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}`)},
		"infra/azuredeploy.parameters.json":   {Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}`)},
		"tf/main.tf":                          {Data: []byte("")},
		"tf/prod.tfvars":                      {Data: []byte("")},
		"tf/.terraform/modules/x/main.tf":     {Data: []byte("")},
		"plan.json":                           {Data: []byte(`{"format_version": "1.2", "planned_values": {}}`)},
		"big/plan.json":                       {Data: []byte(`{"format_version": "1.2", "variables": {"blob": {"value": "` + strings.Repeat("x", 3*sniffHead) + `"}}, "planned_values": {}}`)},
		"big/list.json":                       {Data: []byte(`{"items": ["` + strings.Repeat("y", 3*sniffHead) + `"]}`)},
		"export.json":                         {Data: []byte(`{"data": [{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Search/searchServices/s", "type": "microsoft.search/searchservices"}]}`)},
		"package.json":                        {Data: []byte(`{"name": "app"}`)},
		"node_modules/x/azuredeploy.json":     {Data: []byte(`{"$schema": "deploymentTemplate.json"}`)},
		".git/config":                         {Data: []byte("")},
		"README.md":                           {Data: []byte("# hi")},
		"infra/modules/search.bicep":          {Data: []byte("")},
		"infra/nested/deep/storage.tf.json":   {Data: []byte("{}")},
		"infra/terraform.tfvars.json":         {Data: []byte("{}")},
		"infra/azuredeploy.parameters.prod.x": {Data: []byte("")},
	}
	recs := map[Format]*recorder{}
	fe := Frontends{}
	for _, f := range formats {
		recs[f] = &recorder{}
		fe = append(fe, Frontend{Format: f, Scanner: recs[f]})
	}
	res, err := Run(context.Background(), fsys, []string{"."}, Options{Frontends: fe, Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Format][]string{
		FormatARM:       {"infra/azuredeploy.json", "infra/azuredeploy.parameters.json"},
		FormatBicep:     {"infra/main.bicep", "infra/main.bicepparam", "infra/modules/search.bicep"},
		FormatTerraform: {"infra/nested/deep/storage.tf.json", "tf/main.tf"},
		FormatPlan:      {"big/plan.json", "plan.json"},
		FormatExport:    {"export.json"},
	}
	for f, w := range want {
		got := slices.Clone(recs[f].got)
		sort.Strings(got)
		if !slices.Equal(got, w) {
			t.Errorf("%s got %v, want %v", f, got, w)
		}
	}
	if len(res.Diagnostics) != 0 {
		t.Errorf("walking a tree reports no diagnostics for files it does not read: %v", res.Diagnostics)
	}

	// Named explicitly, a var file goes to Terraform and an unknown file is reported.
	recs[FormatTerraform].got = nil
	res, err = Run(context.Background(), fsys, []string{"tf/main.tf", "tf/prod.tfvars", "README.md", "missing.bicep"}, Options{Frontends: fe, Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[FormatTerraform].got, []string{"tf/main.tf", "tf/prod.tfvars"}) {
		t.Errorf("explicit files: %v", recs[FormatTerraform].got)
	}
	if len(res.Diagnostics) != 2 {
		t.Errorf("want diagnostics for README.md and missing.bicep, got %v", res.Diagnostics)
	}
}

// TestBrokenFileDoesNotStopTheScan mixes a broken template with a good one.
func TestBrokenFileDoesNotStopTheScan(t *testing.T) {
	good, err := os.ReadFile("testdata/rag/arm/azuredeploy.json")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"a/broken.json":      {Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [ {"type": }`)},
		"b/azuredeploy.json": {Data: good},
		"c/broken.bicep":     {Data: []byte("resource x 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: \n")},
	}
	res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Resources) < 8 {
		t.Errorf("good template lost: %d resources", len(res.Resources))
	}
	files := map[string]bool{}
	for _, d := range res.Diagnostics {
		if d.Loc.Line == 0 {
			t.Errorf("diagnostic without a line: %+v", d)
		}
		files[d.Loc.File] = true
	}
	if !files["a/broken.json"] || !files["c/broken.bicep"] {
		t.Errorf("want diagnostics for both broken files, got %v", res.Diagnostics)
	}
}

// fixture builds one resource at a place in a file, for suppression tests.
func fixture(file string, line int, typ, name string, props map[string]any) iac.Resource {
	loc := awaf.Location{File: file, Line: line, Column: 1}
	return iac.Resource{Type: typ, Name: iac.NewString(name, loc), Properties: iac.FromGo(props, loc), Loc: loc, ID: name, Source: "bicep"}
}

func TestSuppressions(t *testing.T) {
	src := `// awaf:ignore AWAF-ST-006 scratch data, rebuilt nightly
resource a 'Microsoft.Storage/storageAccounts@2023-05-01' = {
}

// awaf:ignore AWAF-ST-006
resource b 'Microsoft.Storage/storageAccounts@2023-05-01' = {
}

resource c 'Microsoft.Storage/storageAccounts@2023-05-01' = {
}
`
	fsys := fstest.MapFS{"main.bicep": {Data: []byte(src)}}
	stA := fixture("main.bicep", 2, "Microsoft.Storage/storageAccounts", "a", map[string]any{})
	stB := fixture("main.bicep", 6, "Microsoft.Storage/storageAccounts", "b", map[string]any{})
	stC := fixture("main.bicep", 9, "Microsoft.Storage/storageAccounts", "c", map[string]any{})
	meta := fixture("main.bicep", 9, "Microsoft.Storage/storageAccounts", "d", map[string]any{})
	meta.Metadata = iac.FromGo(map[string]any{"awaf:ignore": map[string]any{"AWAF-ST-004": "legacy client needs keys until 2027"}}, meta.Loc)
	rec := &recorder{res: []iac.Resource{stA, stB, stC, meta}}
	base, err := ParseBaseline("baseline.yaml", []byte(`accepted:
  - {rule: AWAF-ST-006, type: microsoft.storage/storageaccounts, name: c, reason: accepted for the pilot, expires: 2026-12-31}
  - {rule: AWAF-ST-004, type: Microsoft.Storage/storageAccounts, name: c, reason: old exception, expires: 2025-01-31}
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), fsys, nil, Options{Frontends: Frontends{{Format: FormatBicep, Scanner: rec}}, Catalog: catalog(t), Baseline: base, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	get := func(name, rule string) *Finding {
		for _, f := range res.Findings.All() {
			if displayName(f.Resource) == name && f.Rule.ID == rule {
				return f
			}
		}
		t.Fatalf("no finding %s on %s", rule, name)
		return nil
	}
	cases := []struct {
		name, rule, kind string
	}{
		{"a", "AWAF-ST-006", "inline"},
		{"b", "AWAF-ST-006", ""}, // no reason: not suppressed
		{"c", "AWAF-ST-006", "baseline"},
		{"c", "AWAF-ST-004", ""}, // expired
		{"d", "AWAF-ST-004", "metadata"},
		{"a", "AWAF-ST-004", ""},
	}
	for _, c := range cases {
		f := get(c.name, c.rule)
		kind := ""
		if f.Suppression != nil {
			kind = f.Suppression.Kind
		}
		if kind != c.kind {
			t.Errorf("%s on %s: suppression %q, want %q", c.rule, c.name, kind, c.kind)
		}
	}
	var msgs []string
	for _, d := range res.Diagnostics {
		msgs = append(msgs, d.Message)
	}
	joined := strings.Join(msgs, "\n")
	if !strings.Contains(joined, "has no reason") || !strings.Contains(joined, "expired on 2025-01-31") {
		t.Errorf("diagnostics: %s", joined)
	}
	for _, f := range res.Gate(rules.High, false) {
		if f.Rule.Severity != rules.High || f.Suppression != nil || f.Status != rules.Fail {
			t.Errorf("gate high let through %s %s on %s", f.Status, f.Rule.ID, displayName(f.Resource))
		}
	}
	gated := map[string]bool{}
	for _, f := range res.Gate(rules.Low, false) {
		gated[displayName(f.Resource)+" "+f.Rule.ID] = true
	}
	if !gated["b AWAF-ST-006"] || gated["a AWAF-ST-006"] || gated["c AWAF-ST-006"] || gated["d AWAF-ST-004"] {
		t.Errorf("gate low: %v", gated)
	}
}

func TestParseBaselineProblems(t *testing.T) {
	_, err := ParseBaseline("b.yaml", []byte("accepted:\n  - {rule: X-1, type: T/x, name: n}\n  - {rule: X-2, type: T/x, name: n, reason: r, expires: soon}\n"))
	var ps awaf.Problems
	if !errorsAs(err, &ps) || len(ps) != 2 || ps[0].Line != 2 || ps[1].Line != 3 {
		t.Fatalf("got %v", err)
	}
}

func errorsAs(err error, ps *awaf.Problems) bool {
	p, ok := err.(awaf.Problems)
	if ok {
		*ps = p
	}
	return ok
}

func ragResult(t *testing.T) *Result {
	t.Helper()
	res, err := Run(context.Background(), os.DirFS("testdata/rag"), []string{"arm"}, Options{Frontends: realFrontends(), Catalog: catalog(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestGoldenOutputs(t *testing.T) {
	res := ragResult(t)
	for _, f := range []struct{ format, file string }{
		{JSON, "rag.json"}, {SARIF, "rag.sarif"}, {Text, "rag.txt"}, {Markdown, "rag.md"}, {JUnit, "rag.junit.xml"},
	} {
		t.Run(f.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, res, f.format, WriteOptions{Version: "test"}); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if f.format == SARIF {
				// Written compact; indented here so that golden diffs are readable.
				var ind bytes.Buffer
				if err := json.Indent(&ind, got, "", "  "); err != nil {
					t.Fatal(err)
				}
				got = ind.Bytes()
			}
			goldenfile.Check(t, "testdata/golden/"+f.file, got)
		})
	}
}

// TestJSONShape checks the documented fields of the JSON output.
func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, ragResult(t), JSON, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources   []map[string]any `json:"resources"`
		Findings    []map[string]any `json:"findings"`
		Diagnostics []map[string]any `json:"diagnostics"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Resources) == 0 || len(doc.Findings) == 0 || doc.Diagnostics == nil {
		t.Fatalf("resources %d findings %d diagnostics %v", len(doc.Resources), len(doc.Findings), doc.Diagnostics)
	}
	for _, k := range []string{"rule", "status", "severity", "pillars", "choices", "resource", "location", "message"} {
		if _, ok := doc.Findings[0][k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	loc := doc.Findings[0]["location"].(map[string]any)
	if loc["file"] == "" || loc["line"] == nil || loc["column"] == nil {
		t.Errorf("location %v", loc)
	}
}

// TestSARIFValid validates the SARIF output against the OASIS SARIF 2.1.0 schema
// (testdata/sarif-schema-2.1.0.json, the schema the SARIF TC publishes) and checks
// what GitHub code scanning needs beyond the schema.
func TestSARIFValid(t *testing.T) {
	res := ragResult(t)
	// A suppressed and an unknown result, so that every kind of result is validated.
	res.Findings = rules.FindingsOf(append(res.Findings.Slice(), *res.Findings.At(0)))
	last := res.Findings.At(res.Findings.Len() - 1)
	last.Status = rules.Fail
	last.Suppression = &Suppression{Kind: "baseline", Reason: "accepted", Loc: awaf.Location{File: "b.yaml", Line: 2}}
	var buf bytes.Buffer
	if err := Write(&buf, res, SARIF, WriteOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	schemaDoc, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer schemaDoc.Close()
	sch, err := jsonschema.UnmarshalJSON(schemaDoc)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", sch); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("SARIF output is not valid: %v", err)
	}

	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(res.Catalog.Rules) {
		t.Errorf("driver lists %d rules, catalog has %d", len(run.Tool.Driver.Rules), len(res.Catalog.Rules))
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.HelpURI == "" || r.Help.Text == "" || r.Help.Markdown == "" || !strings.Contains(r.Help.Markdown, "Remediation") {
			t.Errorf("rule %s lacks help or helpUri", r.ID)
		}
	}
	var sawUnknown, sawSuppressed bool
	for _, r := range run.Results {
		p := r.Locations[0].PhysicalLocation
		if p == nil || p.Region == nil || p.Region.StartLine < 1 || p.Region.StartColumn < 1 {
			t.Errorf("result %s without a region: %+v", r.RuleID, p)
		}
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex of %s points at %s", r.RuleID, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		sawUnknown = sawUnknown || r.Kind == "review"
		sawSuppressed = sawSuppressed || len(r.Suppressions) > 0
	}
	if !sawUnknown || !sawSuppressed {
		t.Errorf("unknown %v suppressed %v", sawUnknown, sawSuppressed)
	}
}

func TestAttachEvidence(t *testing.T) {
	res := ragResult(t)
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	a := &awaf.Assessment{Answers: []awaf.Answer{
		{Question: "platform_identity", Selected: []string{"id_none"}, Evidence: []awaf.Evidence{{Choice: "id_disable_local_auth", Source: "scan", Summary: "old"}}},
	}}
	props := Attach(a, l, res.Outcomes(), fixedNow())
	ans, ok := a.Answer("platform_identity")
	if !ok {
		t.Fatal("no answer")
	}
	if !slices.Equal(ans.Selected, []string{"id_none"}) {
		t.Errorf("a human answer was changed: %v", ans.Selected)
	}
	for _, e := range ans.Evidence {
		if e.Summary == "old" {
			t.Error("earlier scan evidence was kept")
		}
	}
	var local *awaf.Evidence
	for i, e := range ans.Evidence {
		if e.Choice == "id_disable_local_auth" && strings.HasPrefix(e.Summary, "AWAF-AOAI-001 ") {
			local = &ans.Evidence[i]
		}
	}
	if local == nil || !local.Passed || local.Location == nil || local.Location.Line == 0 {
		t.Fatalf("AOAI-001 evidence: %+v", local)
	}
	for _, p := range props {
		if p.Question == "platform_identity" {
			t.Errorf("proposed %s on a question the team answered", p.Choice)
		}
	}
	net, ok := a.Answer("platform_network")
	if !ok || net.Answered() {
		t.Fatalf("platform_network: %+v", net)
	}
	var failed bool
	for _, e := range net.Evidence {
		if e.Choice == "nw_private_endpoints" && !e.Passed {
			failed = true // the search service has no private endpoint
		}
	}
	if !failed {
		t.Errorf("private endpoint evidence should not pass: %+v", net.Evidence)
	}
	for _, p := range props {
		if p.Choice == "nw_private_endpoints" {
			t.Error("proposed a choice whose evidence failed")
		}
	}
}

func TestComponents(t *testing.T) {
	res := ragResult(t)
	got := Components(res.Resources)
	want := []awaf.Component{awaf.CompModelHosting, awaf.CompGroundingIndex, awaf.CompMonitoring, awaf.CompPrivateNetworking, awaf.CompKeyVault}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
