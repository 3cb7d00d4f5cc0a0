package compare

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
)

var exampleFile = filepath.Join("..", "..", "examples", "rag-chat", "awaf.yaml")

func example(tb testing.TB) (*awaf.Lens, *awaf.Assessment) {
	tb.Helper()
	f, err := answers.LoadFile(exampleFile)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := lens.BuiltinByID(f.Lens.ID)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Check(l); err != nil {
		tb.Fatal(err)
	}
	return l, f.Assessment
}

func evaluate(tb testing.TB, l *awaf.Lens, a *awaf.Assessment) *awaf.Result {
	tb.Helper()
	r, err := assess.Evaluate(l, a)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// clone copies an assessment deeply enough that edits to answers do not leak.
func clone(a *awaf.Assessment) *awaf.Assessment {
	c := *a
	c.Answers = make([]awaf.Answer, len(a.Answers))
	for i, ans := range a.Answers {
		ans.Selected = slices.Clone(ans.Selected)
		c.Answers[i] = ans
	}
	return &c
}

// firstWithRisk returns the first question of r with the given risk.
func firstWithRisk(tb testing.TB, r *awaf.Result, risk awaf.Risk) awaf.QuestionResult {
	tb.Helper()
	for _, q := range r.Questions {
		if q.Risk == risk {
			return q
		}
	}
	tb.Fatalf("the example has no %s-risk question", risk)
	return awaf.QuestionResult{}
}

// practices are a question's applicable choices other than "none of these".
func practices(l *awaf.Lens, qid string) []string {
	q, _ := l.Question(qid)
	var ids []string
	for _, c := range q.Choices {
		if !c.None {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func noneChoice(l *awaf.Lens, qid string) string {
	q, _ := l.Question(qid)
	for _, c := range q.Choices {
		if c.None {
			return c.ID
		}
	}
	return ""
}

func riskOf(c *Comparison, qid string) (RiskChange, bool) {
	i := slices.IndexFunc(c.Risks, func(r RiskChange) bool { return r.Question == qid })
	if i < 0 {
		return RiskChange{}, false
	}
	return c.Risks[i], true
}

func TestCompare(t *testing.T) {
	l, base := example(t)
	baseResult := evaluate(t, l, base)
	high := firstWithRisk(t, baseResult, awaf.RiskHigh)
	fine := firstWithRisk(t, baseResult, awaf.RiskNone)

	tests := []struct {
		name  string
		edit  func(a *awaf.Assessment)
		check func(t *testing.T, c *Comparison)
	}{
		{
			name: "identical inputs give an empty comparison",
			edit: func(*awaf.Assessment) {},
			check: func(t *testing.T, c *Comparison) {
				if !c.Empty() || c.Regressed() {
					t.Fatalf("not empty: %+v", c)
				}
				if len(c.Pillars) != len(baseResult.Pillars) || len(c.Areas) != len(baseResult.Areas) {
					t.Error("the score tables should still list every pillar and area")
				}
			},
		},
		{
			name: "improving an answer resolves the risk and raises the score",
			edit: func(a *awaf.Assessment) {
				a.SetAnswer(awaf.Answer{Question: high.Question, Selected: practices(l, high.Question)})
			},
			check: func(t *testing.T, c *Comparison) {
				r, ok := riskOf(c, high.Question)
				if !ok || r.Kind != RiskResolved || r.Old != awaf.RiskHigh || r.New != awaf.RiskNone || !r.Better() {
					t.Fatalf("risk change %+v, %v; want resolved high -> none", r, ok)
				}
				if c.Overall.Delta <= 0 || c.Overall.New.High != c.Overall.Old.High-1 {
					t.Errorf("overall %+v: want a higher score and one high risk fewer", c.Overall)
				}
				if len(c.Resolved) == 0 || len(c.Added) != 0 {
					t.Fatalf("recommendations resolved %d, added %d", len(c.Resolved), len(c.Added))
				}
				for _, rec := range c.Resolved {
					if rec.Question != high.Question || rec.Because != "adopted" {
						t.Errorf("resolved %s/%s because %q", rec.Question, rec.Choice, rec.Because)
					}
				}
				if c.Regressed() || c.Empty() {
					t.Error("an improvement is neither a regression nor nothing")
				}
				raised := false
				for _, p := range c.Pillars {
					if p.Delta < 0 {
						t.Errorf("pillar %s fell by %v after adding practices", p.ID, p.Delta)
					}
					raised = raised || p.Delta > 0
				}
				if !raised {
					t.Error("no pillar rose")
				}
			},
		},
		{
			name: "marking N/A removes the risk",
			edit: func(a *awaf.Assessment) {
				a.SetAnswer(awaf.Answer{Question: high.Question, NotApplicable: &awaf.NotApplicable{Reason: awaf.NAOutOfScope, Note: "moved to the platform team"}})
			},
			check: func(t *testing.T, c *Comparison) {
				r, ok := riskOf(c, high.Question)
				if !ok || r.Kind != RiskRemoved || r.New != awaf.RiskNotApplicable || r.Reason != awaf.NAOutOfScope {
					t.Fatalf("risk change %+v, %v; want removed, not applicable, out-of-scope", r, ok)
				}
				if c.Overall.New.Questions != c.Overall.Old.Questions-1 {
					t.Errorf("questions %d -> %d: N/A should leave the denominator", c.Overall.Old.Questions, c.Overall.New.Questions)
				}
				if len(c.Resolved) == 0 {
					t.Fatal("no recommendation left the plan")
				}
				for _, rec := range c.Resolved {
					if rec.Because != "not applicable" {
						t.Errorf("resolved %s because %q", rec.Choice, rec.Because)
					}
				}
			},
		},
		{
			name: "dropping every practice adds a risk and a regression",
			edit: func(a *awaf.Assessment) {
				a.SetAnswer(awaf.Answer{Question: fine.Question, Selected: []string{noneChoice(l, fine.Question)}})
			},
			check: func(t *testing.T, c *Comparison) {
				r, ok := riskOf(c, fine.Question)
				if !ok || r.Kind != RiskAdded || r.Old != awaf.RiskNone || r.Better() {
					t.Fatalf("risk change %+v, %v; want added", r, ok)
				}
				if !c.Regressed() || c.Overall.Delta >= 0 {
					t.Errorf("regressed %v, delta %v", c.Regressed(), c.Overall.Delta)
				}
				if len(c.Added) == 0 {
					t.Fatal("no recommendation added")
				}
				for _, rec := range c.Added {
					if rec.Because != "dropped" {
						t.Errorf("added %s because %q", rec.Choice, rec.Because)
					}
				}
			},
		},
		{
			name: "clearing an answer removes the risk as unanswered",
			edit: func(a *awaf.Assessment) {
				a.Answers = slices.DeleteFunc(a.Answers, func(x awaf.Answer) bool { return x.Question == high.Question })
			},
			check: func(t *testing.T, c *Comparison) {
				r, ok := riskOf(c, high.Question)
				if !ok || r.Kind != RiskRemoved || r.New != awaf.RiskUnanswered {
					t.Fatalf("risk change %+v, %v", r, ok)
				}
				if c.Resolved[0].Because != "unanswered" {
					t.Errorf("because %q", c.Resolved[0].Because)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := clone(base)
			tt.edit(a)
			c := Compare("before", baseResult, "after", evaluate(t, l, a))
			tt.check(t, c)
			// Every format renders every case.
			for _, f := range []Format{Text, Markdown, JSON} {
				var buf bytes.Buffer
				if err := Render(&buf, f, c); err != nil || buf.Len() == 0 {
					t.Errorf("render %s: %v", f, err)
				}
			}
		})
	}
}

// TestRiskChanged finds an answer that moves a high-risk question to medium, so the
// "changed" kind is tested on the real lens's rules, not a made-up one.
func TestRiskChanged(t *testing.T) {
	l, base := example(t)
	baseResult := evaluate(t, l, base)
	for _, q := range baseResult.Questions {
		if q.Risk != awaf.RiskHigh {
			continue
		}
		for _, choice := range practices(l, q.Question) {
			if slices.Contains(q.Selected, choice) {
				continue
			}
			a := clone(base)
			sel := append(slices.DeleteFunc(slices.Clone(q.Selected), func(s string) bool { return s == noneChoice(l, q.Question) }), choice)
			a.SetAnswer(awaf.Answer{Question: q.Question, Selected: sel})
			after := evaluate(t, l, a)
			c := Compare("before", baseResult, "after", after)
			r, ok := riskOf(c, q.Question)
			if !ok || r.New != awaf.RiskMedium {
				continue
			}
			if r.Kind != RiskChanged || r.Old != awaf.RiskHigh || !r.Better() {
				t.Fatalf("high -> medium reported as %+v", r)
			}
			if c.Overall.New.High != c.Overall.Old.High-1 || c.Overall.New.Medium != c.Overall.Old.Medium+1 {
				t.Errorf("counts %+v", c.Overall)
			}
			// And back: medium -> high is a regression.
			back := Compare("after", after, "before", baseResult)
			if r, _ := riskOf(back, q.Question); r.Kind != RiskChanged || r.Better() || !back.Regressed() {
				t.Errorf("medium -> high reported as %+v, regressed %v", r, back.Regressed())
			}
			return
		}
	}
	t.Skip("no single practice moves a high-risk question of the example to medium")
}

// TestLensVersions compares against a lens version that dropped one question and
// added another.
func TestLensVersions(t *testing.T) {
	l, base := example(t)
	before := evaluate(t, l, base)
	high := firstWithRisk(t, before, awaf.RiskHigh)

	l2 := *l
	l2.Version = "1.2.0"
	l2.Questions = slices.DeleteFunc(slices.Clone(l.Questions), func(q awaf.Question) bool { return q.ID == high.Question })
	extra := l.Questions[0]
	extra.ID, extra.Title = "new_question", "A question only the new version asks"
	l2.Questions = append(l2.Questions, extra)
	a := clone(base)
	a.Answers = slices.DeleteFunc(a.Answers, func(x awaf.Answer) bool { return x.Question == high.Question })
	a.Lens.Version = "1.2.0"
	after := evaluate(t, &l2, a)

	c := Compare("v1", before, "v1.1", after)
	if !c.LensChanged {
		t.Error("lens change not noted")
	}
	if len(c.OnlyOld) != 1 || c.OnlyOld[0].Question != high.Question {
		t.Errorf("only in old: %+v", c.OnlyOld)
	}
	if len(c.OnlyNew) != 1 || c.OnlyNew[0].Question != "new_question" {
		t.Errorf("only in new: %+v", c.OnlyNew)
	}
	if r, ok := riskOf(c, high.Question); !ok || r.Kind != RiskRemoved || r.New != "" {
		t.Errorf("dropped question's risk: %+v, %v", r, ok)
	}
	for _, rec := range c.Resolved {
		if rec.Question == high.Question && rec.Because != "not in lens" {
			t.Errorf("because %q", rec.Because)
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, Text, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "only in old") || !strings.Contains(buf.String(), "1.1.0 -> azure-ai-workload 1.2.0") {
		t.Errorf("text does not note the lens versions:\n%s", buf.String())
	}
}

func TestDeltaNotAssessed(t *testing.T) {
	d := delta("x", "X", awaf.Score{Band: awaf.BandNotAssessed}, awaf.Score{Score: 70, Band: awaf.BandExcellent, Questions: 2})
	if d.Comparable || d.Delta != 0 || !d.BandChanged || !d.Changed() {
		t.Errorf("%+v", d)
	}
	d = delta("x", "X", awaf.Score{Score: 30, Band: awaf.BandCritical, Questions: 3}, awaf.Score{Score: 33.3, Band: awaf.BandModerate, Questions: 3})
	if !d.Comparable || d.Delta != 3.3 || !d.BandChanged {
		t.Errorf("%+v", d)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "md": Markdown, "Markdown": Markdown, "json": JSON} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("html"); awaf.ErrorCode(err) != awaf.EINVALID {
		t.Errorf("html: %v", err)
	}
}

// TestGolden renders a realistic milestone pair: the example, then the example after
// the team fixed its first high risk and marked another question not applicable.
func TestGolden(t *testing.T) {
	l, base := example(t)
	before := evaluate(t, l, base)
	a := clone(base)
	var highs []string
	for _, q := range before.Questions {
		if q.Risk == awaf.RiskHigh {
			highs = append(highs, q.Question)
		}
	}
	a.SetAnswer(awaf.Answer{Question: highs[0], Selected: practices(l, highs[0])})
	a.SetAnswer(awaf.Answer{Question: highs[1], NotApplicable: &awaf.NotApplicable{Reason: awaf.NAArchitectureConstraints}})
	c := Compare("milestone-q2.yaml", before, "milestone-q3.yaml", evaluate(t, l, a))
	for _, f := range []Format{Text, Markdown, JSON} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, f, c); err != nil {
				t.Fatal(err)
			}
			goldenfile.Check(t, filepath.Join("testdata", "milestones."+string(f)), buf.Bytes())
		})
	}
	// The JSON is the Comparison itself: it reads back.
	var buf bytes.Buffer
	if err := Render(&buf, JSON, c); err != nil {
		t.Fatal(err)
	}
	var back Comparison
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Risks) != len(c.Risks) || back.Overall.Delta != c.Overall.Delta {
		t.Errorf("JSON round trip lost data")
	}
}

func TestHostileText(t *testing.T) {
	r := &awaf.Result{Questions: []awaf.QuestionResult{{Question: "q", Title: "a | b\n# heading <script>", Risk: awaf.RiskHigh}}}
	c := Compare("old\nname", &awaf.Result{}, "new", r)
	var buf bytes.Buffer
	if err := Render(&buf, Markdown, c); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<script>") || strings.Contains(out, "\n# heading") || !strings.Contains(out, `a \| b`) {
		t.Errorf("markdown not escaped:\n%s", out)
	}
}

func BenchmarkCompare(b *testing.B) {
	l, base := example(b)
	before := evaluate(b, l, base)
	a := clone(base)
	high := firstWithRisk(b, before, awaf.RiskHigh)
	a.SetAnswer(awaf.Answer{Question: high.Question, Selected: practices(l, high.Question)})
	after := evaluate(b, l, a)
	for b.Loop() {
		c := Compare("a", before, "b", after)
		if err := Render(io.Discard, Markdown, c); err != nil {
			b.Fatal(err)
		}
	}
}
