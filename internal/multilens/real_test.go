package multilens_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/awslens"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/multilens"
	"github.com/awaf/awaf/internal/sharedtest"
)

const example = "../../examples/rag-chat"

// TestCombineRealLenses runs the whole pipeline on three lenses of the example
// workload: the built-in AI lens, the example's custom policy lens, and AWS's
// Generative AI lens imported from the shared test data and answered here.
func TestCombineRealLenses(t *testing.T) {
	builtin := evaluate(t, filepath.Join(example, "awaf.yaml"), "")
	policy := evaluate(t, filepath.Join(example, "contoso-policy.yaml"), filepath.Join(example, "custom-lens.yaml"))

	data, err := os.ReadFile(sharedtest.Dir(t, "lenses/aws/generative-ai-lens.json"))
	if err != nil {
		t.Fatal(err)
	}
	imported, err := awslens.ParseImport("generative-ai-lens.json", data, awslens.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Load the imported lens back from YAML, as `awaf report --lens` would, so its
	// conditions are compiled.
	y, err := lens.MarshalYAML(imported)
	if err != nil {
		t.Fatal(err)
	}
	genai, err := lens.Parse("genai.yaml", y)
	if err != nil {
		t.Fatal(err)
	}
	// Answer every question: the first practice on even questions, "none" on odd ones.
	a := &awaf.Assessment{Lens: awaf.LensRef{ID: genai.ID, Version: genai.Version}, Workload: builtin.Result.Workload, Profile: builtin.Result.Profile}
	for i, q := range genai.Questions {
		pick := q.Choices[0].ID
		if i%2 == 1 {
			for _, c := range q.Choices {
				if c.None {
					pick = c.ID
				}
			}
		}
		a.Answers = append(a.Answers, awaf.Answer{Question: q.ID, Selected: []string{pick}})
	}
	r, err := assess.Evaluate(genai, a)
	if err != nil {
		t.Fatal(err)
	}
	parts := []multilens.Part{builtin, policy, {Lens: genai, Assessment: a, Result: r}}

	c, err := multilens.Combine(parts, multilens.Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range parts {
		total += len(p.Result.Plan)
		if len(p.Result.Plan) == 0 {
			t.Errorf("lens %s has no plan; the test needs one from every lens", p.Lens.ID)
		}
	}
	if len(c.Plan) != total {
		t.Fatalf("combined plan has %d items, the lenses %d", len(c.Plan), total)
	}
	lastRank := map[int]int{}
	for i, it := range c.Plan {
		if i > 0 && it.Priority > c.Plan[i-1].Priority {
			t.Errorf("rank %d (%g) is above rank %d (%g)", it.Rank, it.Priority, c.Plan[i-1].Rank, c.Plan[i-1].Priority)
		}
		if it.Recommendation.Rank != lastRank[it.LensIndex]+1 {
			t.Errorf("lens %s: its rank %d follows %d; the merge must keep each lens's order", it.Lens.ID, it.Recommendation.Rank, lastRank[it.LensIndex])
		}
		lastRank[it.LensIndex] = it.Recommendation.Rank
	}
	questions := 0
	for _, p := range parts {
		questions += p.Result.Overall.Questions
	}
	if c.Overall.Questions != questions {
		t.Errorf("overall counts %d questions, the lenses %d", c.Overall.Questions, questions)
	}
	for _, ps := range c.Pillars {
		q, high := 0, 0
		for _, p := range parts {
			for _, lp := range p.Result.Pillars {
				if lp.Pillar == ps.Pillar {
					q += lp.Questions
					high += lp.High
				}
			}
		}
		if ps.Questions != q || ps.High != high {
			t.Errorf("pillar %s: %d questions and %d high risks, the lenses %d and %d", ps.Pillar, ps.Questions, ps.High, q, high)
		}
		if ps.Score.Score < 0 || ps.Score.Score > 100 {
			t.Errorf("pillar %s: score %g", ps.Pillar, ps.Score.Score)
		}
	}
	t.Logf("overall %+v; plan %d items (%d now)", c.Overall, len(c.Plan), len(c.Horizons[0].Items))
}

func evaluate(t *testing.T, answersPath, lensRef string) multilens.Part {
	t.Helper()
	f, err := answers.LoadFile(answersPath)
	if err != nil {
		t.Fatal(err)
	}
	if lensRef == "" {
		lensRef = f.Lens.ID
	}
	l, err := lens.Resolve(lensRef)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Check(l); err != nil {
		t.Fatal(err)
	}
	r, err := assess.Evaluate(l, f.Assessment)
	if err != nil {
		t.Fatal(err)
	}
	return multilens.Part{Lens: l, Assessment: f.Assessment, Result: r}
}
