package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/multilens"
)

// policyExample is the example's second lens: Contoso's own AI policy.
var (
	policyLensFile    = filepath.Join("..", "..", "examples", "rag-chat", "custom-lens.yaml")
	policyAnswersFile = filepath.Join("..", "..", "examples", "rag-chat", "contoso-policy.yaml")
)

// combinedExample is the example workload under the built-in lens and the policy lens,
// through the real pipeline.
func combinedExample(tb testing.TB) Combined {
	tb.Helper()
	ai := exampleInput(tb)
	l, err := lens.LoadFile(policyLensFile)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := answers.LoadFile(policyAnswersFile)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Check(l); err != nil {
		tb.Fatal(err)
	}
	r, err := assess.Evaluate(l, f.Assessment)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := multilens.Combine([]multilens.Part{
		{Lens: ai.Lens, Assessment: ai.Assessment, Result: ai.Result},
		{Lens: l, Assessment: f.Assessment, Result: r},
	}, multilens.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return Combined{Lenses: c, Generated: generated}
}

// tinyCombined puts the tiny fixture beside a copy of itself under another lens whose
// name needs escaping, and the edge fixture's empty plan as a third.
func tinyCombined(tb testing.TB) Combined {
	tb.Helper()
	a := tinyInput()
	policy := tinyLens()
	policy.ID, policy.Name, policy.Version = "tiny-policy", `Policy & "rules" <b>`, "2.0.0"
	pr := tinyResult()
	pr.Lens = awaf.LensRef{ID: policy.ID, Version: policy.Version}
	pr.Plan = pr.Plan[1:] // one fewer, so the lenses differ
	for i := range pr.Plan {
		pr.Plan[i].Rank = i + 1
	}
	edge := tinyEdge()
	edge.Lens.ID = "tiny-edge"
	edge.Result.Workload = a.Result.Workload
	c, err := multilens.Combine([]multilens.Part{
		{Lens: a.Lens, Assessment: a.Assessment, Result: a.Result},
		{Lens: policy, Result: pr},
		{Lens: edge.Lens, Result: edge.Result},
	}, multilens.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return Combined{Lenses: c, Generated: generated}
}

// MustRenderCombined renders in format f or fails the test.
func MustRenderCombined(tb testing.TB, f Format, in Combined) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := RenderCombined(&buf, f, in); err != nil {
		tb.Fatalf("render %s: %v", f, err)
	}
	return buf.Bytes()
}

func TestGoldenCombined(t *testing.T) {
	cases := []struct {
		name string
		in   Combined
	}{
		{"rag-chat-combined", combinedExample(t)},
		{"tiny-combined", tinyCombined(t)},
	}
	for _, c := range cases {
		for _, f := range []Format{Markdown, HTML, JSON, XLSX} {
			t.Run(c.name+"."+string(f), func(t *testing.T) {
				got := MustRenderCombined(t, f, c.in)
				name := c.name + "." + string(f)
				if f == XLSX {
					got, name = dumpXLSX(t, got), name+".txt"
				}
				goldenfile.Check(t, filepath.Join("testdata", name), got)
			})
		}
	}
}

func TestCombinedRefusesCSV(t *testing.T) {
	var buf bytes.Buffer
	err := RenderCombined(&buf, CSV, tinyCombined(t))
	if err == nil || !strings.Contains(err.Error(), "one file per lens") || awaf.ErrorCode(err) != awaf.EINVALID {
		t.Errorf("csv: err = %v", err)
	}
	if buf.Len() > 0 {
		t.Errorf("csv refused but %d bytes written", buf.Len())
	}
	if err := RenderCombined(&buf, Markdown, Combined{}); err == nil {
		t.Error("nothing to combine: no error")
	}
	if err := RenderCombined(&buf, "pdf", tinyCombined(t)); err == nil || !strings.Contains(err.Error(), "pdf") {
		t.Errorf("unknown format: err = %v", err)
	}
}

// TestCombinedJSON checks the contract docs/report-json.md gives: each entry of
// "lenses" is that lens's single-lens document, and each plan item carries its
// combined rank, its lens and its rank there.
func TestCombinedJSON(t *testing.T) {
	in := combinedExample(t)
	var doc struct {
		SchemaVersion string            `json:"schemaVersion"`
		Lens          json.RawMessage   `json:"lens"`
		Lenses        []json.RawMessage `json:"lenses"`
		Plan          []map[string]any  `json:"plan"`
		Pillars       []map[string]any  `json:"pillars"`
	}
	if err := json.Unmarshal(MustRenderCombined(t, JSON, in), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != SchemaVersion || doc.Lens != nil {
		t.Errorf("schemaVersion %q, lens %s: want %q and no lens field", doc.SchemaVersion, doc.Lens, SchemaVersion)
	}
	if len(doc.Lenses) != 2 {
		t.Fatalf("%d lenses", len(doc.Lenses))
	}
	for i, p := range in.Lenses.Parts {
		single := MustRender(t, JSON, Input{Lens: p.Lens, Assessment: p.Assessment, Result: p.Result, Generated: generated})
		var a, b any
		if err := json.Unmarshal(single, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(doc.Lenses[i], &b); err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("lenses[%d] is not the single-lens document of %s", i, p.Lens.ID)
		}
	}
	if len(doc.Plan) != len(in.Lenses.Plan) {
		t.Fatalf("plan has %d items, want %d", len(doc.Plan), len(in.Lenses.Plan))
	}
	perLens := map[string]float64{}
	for i, item := range doc.Plan {
		if item["rank"] != float64(i+1) {
			t.Errorf("plan[%d].rank = %v", i, item["rank"])
		}
		ref, _ := item["lens"].(map[string]any)
		id, _ := ref["id"].(string)
		if id == "" || ref["version"] == "" {
			t.Errorf("plan[%d].lens = %v", i, item["lens"])
		}
		perLens[id]++
		if item["lensRank"] != perLens[id] {
			t.Errorf("plan[%d] is #%v of lens %s, want #%v", i, item["lensRank"], id, perLens[id])
		}
	}
	if perLens["azure-ai-workload"] == 0 || perLens["contoso-ai-policy"] == 0 {
		t.Errorf("plan items per lens: %v", perLens)
	}
	if len(doc.Pillars) != 6 {
		t.Errorf("%d combined pillars, want 6", len(doc.Pillars))
	}
}
