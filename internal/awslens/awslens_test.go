package awslens

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/sharedtest"
)

var realLenses = []struct {
	file      string
	id        string
	questions int
	choices   int
}{
	{"lenses/aws/generative-ai-lens.json", "generative-ai-lens", 29, 80},
	{"lenses/aws/machine-learning-lens.json", "machine-learning-lens", 35, 140},
}

// importYAML imports an AWS file and reloads it through the YAML the CLI writes, so
// the test sees exactly what a user's lens file holds.
func importYAML(tb testing.TB, path string) (*awaf.Lens, []byte) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := ParseImport(path, data, Options{})
	if err != nil {
		tb.Fatalf("import %s: %v", path, err)
	}
	y, err := lens.MarshalYAML(l)
	if err != nil {
		tb.Fatal(err)
	}
	back, err := lens.Parse("imported.yaml", y)
	if err != nil {
		tb.Fatalf("imported lens does not load: %v", err)
	}
	return back, data
}

func TestRoundTripRealLenses(t *testing.T) {
	for _, tc := range realLenses {
		t.Run(tc.id, func(t *testing.T) {
			l, orig := importYAML(t, sharedtest.Dir(t, tc.file))
			if l.ID != tc.id || len(l.Questions) != tc.questions {
				t.Fatalf("lens %s with %d questions, want %s with %d", l.ID, len(l.Questions), tc.id, tc.questions)
			}
			choices := 0
			for _, q := range l.Questions {
				choices += len(q.Choices)
				if last := q.Choices[len(q.Choices)-1]; !last.None || !strings.HasSuffix(last.Metadata[MetaID], "_no") {
					t.Errorf("question %s: last choice %s is not the AWS _no choice", q.ID, last.ID)
				}
			}
			if choices != tc.choices {
				t.Errorf("%d choices, want %d", choices, tc.choices)
			}
			out, err := ExportJSON(l)
			if err != nil {
				t.Fatalf("export: %v", err)
			}
			var want, got any
			if err := json.Unmarshal(orig, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, got) {
				for _, d := range diffJSON("", want, got, 10) {
					t.Error(d)
				}
			}
		})
	}
}

// diffJSON lists up to max differences between two decoded JSON values.
func diffJSON(path string, a, b any, max int) []string {
	var out []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		if len(out) >= max {
			return
		}
		switch av := a.(type) {
		case map[string]any:
			bv, ok := b.(map[string]any)
			if !ok {
				out = append(out, fmt.Sprintf("%s: %T vs %T", path, a, b))
				return
			}
			for k := range av {
				if _, ok := bv[k]; !ok {
					out = append(out, fmt.Sprintf("%s.%s: missing after the round trip", path, k))
				}
			}
			for k := range bv {
				if _, ok := av[k]; !ok {
					out = append(out, fmt.Sprintf("%s.%s: added by the round trip: %v", path, k, bv[k]))
					continue
				}
				walk(path+"."+k, av[k], bv[k])
			}
		case []any:
			bv, ok := b.([]any)
			if !ok || len(av) != len(bv) {
				out = append(out, fmt.Sprintf("%s: list of %d vs %v", path, len(av), b))
				return
			}
			for i := range av {
				walk(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i])
			}
		default:
			if a != b {
				out = append(out, fmt.Sprintf("%s: %q became %q", path, a, b))
			}
		}
	}
	walk(path, a, b)
	return out
}

func TestImportedLensEvaluates(t *testing.T) {
	l, _ := importYAML(t, sharedtest.Dir(t, realLenses[0].file))
	q, ok := l.Question("genops01")
	if !ok {
		t.Fatal("no question genops01")
	}
	cases := []struct {
		name     string
		selected []string
		want     awaf.Risk
	}{
		{"both practices", []string{"genops01_bp01", "genops01_bp02"}, awaf.RiskNone},
		{"one practice", []string{"genops01_bp01"}, awaf.RiskHigh},
		{"none of these", []string{"genops01_no"}, awaf.RiskHigh},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version},
				Answers: []awaf.Answer{{Question: q.ID, Selected: tc.selected}}}
			r, err := assess.Evaluate(l, a)
			if err != nil {
				t.Fatal(err)
			}
			for _, qr := range r.Questions {
				if qr.Question == q.ID && qr.Risk != tc.want {
					t.Errorf("risk %s, want %s", qr.Risk, tc.want)
				}
			}
			if len(r.Pillars) == 0 || r.Overall.Answered != 1 {
				t.Errorf("no pillar scores or answered question: %+v", r.Overall)
			}
		})
	}
}

func TestPillarMapping(t *testing.T) {
	cases := []struct {
		id, name string
		want     []awaf.PillarID
	}{
		{"operationalExcellence", "Operational Excellence", []awaf.PillarID{awaf.Operations}},
		{"genai_operational_excellence", "", []awaf.PillarID{awaf.Operations}},
		{"security", "Security", []awaf.PillarID{awaf.Security}},
		{"reliability", "Reliability", []awaf.PillarID{awaf.Reliability}},
		{"performance", "Performance Efficiency", []awaf.PillarID{awaf.Performance}},
		{"costOptimization", "Cost Optimization", []awaf.PillarID{awaf.Cost}},
		{"sustainability", "Sustainability", []awaf.PillarID{awaf.Cost, awaf.Performance}},
		{"rai_fairness", "Fairness", []awaf.PillarID{awaf.ResponsibleAI}},
		{"mlops", "ML ops", []awaf.PillarID{awaf.Operations}},
		{"pillar_1", "Pillar 1", []awaf.PillarID{awaf.Operations}},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			got, _ := MapPillar(tc.id, tc.name)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("MapPillar(%q, %q) = %v, want %v", tc.id, tc.name, got, tc.want)
			}
		})
	}
}

const minimal = `{
  "schemaVersion": "2021-11-01",
  "name": "Company Policy ABC",
  "description": "Checks policy ABC.",
  "_version": 3,
  "pillars": [
    {
      "id": "pillar_id_1",
      "name": "Pillar 1",
      "questions": [
        {
          "id": "QQ1",
          "title": "First question",
          "helpfulResource": {"displayText": "Read this.", "url": "https://example.com/q1"},
          "choices": [
            {"id": "QQ1_no", "title": "None of these", "helpfulResource": {"displayText": "Nothing applies."}},
            {"id": "choice1", "title": "Best practice 1", "description": "Do the first thing.",
             "helpfulResource": {"displayText": "Why it helps.", "url": "https://example.com/hr"},
             "improvementPlan": {"displayText": "How to improve."}},
            {"id": "Choice2", "title": "Best practice 2",
             "helpfulResource": {"displayText": "Why two helps."},
             "improvementPlan": {"displayText": "Improve two.", "url": "https://example.com/ip2"},
             "additionalResources": [{"type": "HELPFUL_RESOURCE", "content": [{"displayText": "More", "url": "https://example.com/more"}]}]}
          ],
          "riskRules": [
            {"condition": "choice1 && Choice2", "risk": "NO_RISK"},
            {"condition": "QQ1_no || (!choice1)", "risk": "HIGH_RISK"},
            {"condition": "default", "risk": "MEDIUM_RISK"}
          ]
        },
        {
          "id": "for",
          "title": "A question whose id is a CEL word, without a none choice",
          "choices": [
            {"id": "true", "title": "Yes", "helpfulResource": {"displayText": "h"}, "improvementPlan": {"displayText": "i", "url": "http://example.com/plain"}}
          ],
          "riskRules": [{"condition": "true", "risk": "NO_RISK"}, {"condition": "default", "risk": "HIGH_RISK"}]
        }
      ]
    }
  ]
}`

func TestRoundTripEdgeCases(t *testing.T) {
	l, err := ParseImport("min.json", []byte(minimal), Options{})
	if err != nil {
		t.Fatal(err)
	}
	y, err := lens.MarshalYAML(l)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := lens.Parse("min.yaml", y)
	if err != nil {
		t.Fatalf("does not load: %v\n%s", err, y)
	}
	q := l2.Questions[1]
	if q.ID != "for_id" || q.Choices[0].ID != "true_id" || q.RiskRules[0].Condition != "true_id" {
		t.Errorf("reserved words not renamed: %s %s %q", q.ID, q.Choices[0].ID, q.RiskRules[0].Condition)
	}
	out, err := ExportJSON(l2)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal([]byte(minimal), &want)
	_ = json.Unmarshal(out, &got)
	if !reflect.DeepEqual(want, got) {
		for _, d := range diffJSON("", want, got, 20) {
			t.Error(d)
		}
		t.Logf("%s", out)
	}
}

func TestExportAddedQuestionJoinsItsPillar(t *testing.T) {
	l, err := ParseImport("min.json", []byte(minimal), Options{})
	if err != nil {
		t.Fatal(err)
	}
	q := l.Questions[0]
	q.ID, q.Metadata = "team_question", nil
	cs := make([]awaf.Choice, len(q.Choices))
	for i, c := range q.Choices {
		c.Metadata = nil
		cs[i] = c
	}
	q.Choices = cs
	q.RiskRules = nil
	l.Questions = append(l.Questions, q)
	f, err := Export(l)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Pillars) != 1 || len(f.Pillars[0].Questions) != 3 {
		t.Fatalf("%d pillars; want the added question in pillar_id_1", len(f.Pillars))
	}
	added := f.Pillars[0].Questions[2]
	var ids []string
	for _, c := range added.Choices {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, ",") != "choice1,choice2,qq1_no" || len(added.RiskRules) != 3 {
		t.Errorf("choices %v, rules %+v", ids, added.RiskRules)
	}
}

func TestExportBuiltin(t *testing.T) {
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	out, err := ExportJSON(l)
	var ps awaf.Problems
	if errors.As(err, &ps) {
		// The built-in lens is written for awaf; only AWS's length limits may stop it,
		// and each problem must name the item and the limit.
		for _, p := range ps {
			if !strings.Contains(p.Message, "limit of") {
				t.Errorf("unexpected problem: %s", p)
			}
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	// What comes back must import again, with the same questions and conditions.
	back, err := ParseImport("builtin.json", out, Options{ID: "azure-ai-workload-aws"})
	if err != nil {
		t.Fatalf("exported built-in does not import: %v", err)
	}
	if len(back.Questions) != len(l.Questions) {
		t.Errorf("%d questions back, want %d", len(back.Questions), len(l.Questions))
	}
}

func TestExportLimits(t *testing.T) {
	base := func(t *testing.T) *awaf.Lens {
		l, err := ParseImport("min.json", []byte(minimal), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	cases := []struct {
		name   string
		change func(l *awaf.Lens)
		want   string
	}{
		{"long title", func(l *awaf.Lens) { l.Questions[0].Title = strings.Repeat("x", 129) }, "question QQ1: title is 129 characters, more than AWS's limit of 128"},
		{"long lens description", func(l *awaf.Lens) { l.Description = strings.Repeat("d", 2049) }, "description is 2049 characters, more than AWS's limit of 2048"},
		{"bad id", func(l *awaf.Lens) { l.Questions[0].Metadata[MetaID] = "q-1" }, `question q-1: id "q-1" does not match AWS's pattern`},
		{"too many choices", func(l *awaf.Lens) {
			q := &l.Questions[0]
			for i := 0; i < 15; i++ {
				c := q.Choices[0]
				c.ID, c.Metadata = fmt.Sprintf("extra_%d", i), nil
				q.Choices = append([]awaf.Choice{c}, q.Choices...)
			}
		}, "question QQ1: 18 choices; AWS allows 1 to 15"},
		{"too many questions", func(l *awaf.Lens) {
			for i := 0; i < 20; i++ {
				q := l.Questions[1]
				q.Metadata = map[string]string{MetaID: fmt.Sprintf("QX%d", i), MetaPillarID: "pillar_id_1"}
				l.Questions = append(l.Questions, q)
			}
		}, "pillar pillar_id_1: 22 questions, more than AWS's limit of 20 per pillar"},
		{"unsupported condition", func(l *awaf.Lens) { l.Questions[0].RiskRules[0].Condition = "choice1 == choice2" }, "is not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := base(t)
			tc.change(l)
			_, err := ExportJSON(l)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestExportFileSizeLimit(t *testing.T) {
	l, err := ParseImport("min.json", []byte(minimal), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 9; i++ {
		for j := 0; j < 20; j++ {
			q := l.Questions[0]
			q.Description = strings.Repeat("y", 2000)
			q.Metadata = map[string]string{MetaID: fmt.Sprintf("P%dQ%d", i, j), MetaPillarID: fmt.Sprintf("pillar_%d", i), MetaPillarName: "P"}
			cs := make([]awaf.Choice, len(q.Choices))
			copy(cs, q.Choices)
			for k := range cs {
				cs[k].Description = strings.Repeat("z", 2000)
			}
			q.Choices = cs
			l.Questions = append(l.Questions, q)
		}
	}
	_, err = ExportJSON(l)
	if err == nil || !strings.Contains(err.Error(), "more than AWS's limit of 500000") {
		t.Fatalf("error %v, want the file size limit", err)
	}
}

func TestBadInput(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)
	cases := []struct {
		name, data, want string
	}{
		{"empty", "", "file is empty"},
		{"not json", "schemaVersion: 1", "min.json:1:1: invalid JSON"},
		{"truncated", minimal[:400], "truncated"},
		{"trailing", minimal + "{}", "unexpected data after the end"},
		{"deep", deep, "nesting is deeper than"},
		{"duplicate key", `{"name": "a", "name": "b", "schemaVersion": "x", "pillars": []}`, `min.json:1:15: document: duplicate key "name"`},
		{"wrong type", `{"name": 5, "schemaVersion": "x", "pillars": [{"id": "abc", "name": "P", "questions": []}]}`, "min.json:1:10: name: expected a string, found a number"},
		{"missing keys", `{"schemaVersion": "x", "pillars": [{"id": "abc"}]}`, `pillars[0]: "name" is required`},
		{"duplicate ids", strings.Replace(minimal, `"id": "Choice2"`, `"id": "choice1"`, 1), `choice "choice1" is declared twice`},
		{"unknown condition id", strings.Replace(minimal, `choice1 && Choice2`, `choice1 && Choice3`, 1), `names "Choice3", which is not a choice of this question`},
		{"bad risk", strings.Replace(minimal, `"NO_RISK"`, `"LOW_RISK"`, 1), `risk "LOW_RISK" is not one of`},
		{"bad id", strings.Replace(minimal, `"id": "QQ1"`, `"id": "Q-11"`, 1), `does not match`},
		{"huge string", `{"schemaVersion":"x","name":"` + strings.Repeat("n", maxImportSize) + `","pillars":[]}`, "larger than the"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ParseImport("min.json", []byte(tc.data), Options{})
			if err == nil {
				t.Fatalf("imported %v; want an error", l.ID)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzImport(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(`{"schemaVersion":"2021-11-01","name":"x","pillars":[{"id":"p_1","name":"P","questions":[{"id":"q_1","title":"t","choices":[{"id":"c_1","title":"c"}],"riskRules":[{"condition":"!c_1","risk":"HIGH_RISK"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseImport("fuzz.json", data, Options{})
		if err != nil {
			var ps awaf.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error is not a located problem list: %v", err)
			}
			return
		}
		// Whatever imports must load as an awaf lens and export again.
		y, err := lens.MarshalYAML(l)
		if err != nil {
			t.Fatal(err)
		}
		back, err := lens.Parse("fuzz.yaml", y)
		if err != nil {
			if bytes.Contains(y, []byte("\x00")) {
				return
			}
			t.Fatalf("imported lens does not load: %v", err)
		}
		if _, err := Export(back); err != nil {
			var ps awaf.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("export error is not a problem list: %v", err)
			}
		}
	})
}

// TestRoundTripAwafLens (issue 11 item 13): an awaf lens exported to AWS and imported
// back keeps its id, version, areas, question and choice ids, pillars, weights and
// efforts, through the file's "_awaf" key; without the key the import derives them.
func TestRoundTripAwafLens(t *testing.T) {
	l, err := lens.LoadFile("../lens/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	notNeeded, err := lens.Parse("nn.yaml", []byte(`id: not-needed
name: Not needed
version: 1.0.0
pillars: [{id: security, name: Security}]
areas: [{id: app, name: App}]
questions:
  - id: retrieval
    title: How is retrieval secured?
    area: app
    pillars: [security]
    choices:
      - {id: gr_trimming, title: Security trimming, weight: 60, effort: medium, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/b/c"}]}
      - {id: gr_trimming_not_needed, title: "Not needed: every document is public", notNeeded: gr_trimming, guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/d/e"}]}
      - {id: gr_none, title: None of these, none: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*awaf.Lens{l, builtin, notNeeded} {
		t.Run(l.ID, func(t *testing.T) {
			out, err := ExportJSON(l)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseImport("x.json", out, Options{})
			if err != nil {
				t.Fatal(err)
			}
			y, err := lens.MarshalYAML(back)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := lens.Parse("back.yaml", y); err != nil {
				t.Fatalf("the imported lens does not validate: %v", err)
			}
			if back.ID != l.ID || back.Version != l.Version {
				t.Errorf("lens %s %s came back as %s %s", l.ID, l.Version, back.ID, back.Version)
			}
			if len(back.Questions) != len(l.Questions) {
				t.Fatalf("%d questions back, want %d", len(back.Questions), len(l.Questions))
			}
			for _, q := range l.Questions {
				// AWS groups questions by pillar, so order may change; ids may not.
				b, ok := back.Question(q.ID)
				if !ok {
					t.Errorf("question %s lost", q.ID)
					continue
				}
				if b.ID != q.ID || b.Area != q.Area || !slices.Equal(b.Pillars, q.Pillars) {
					t.Errorf("question %s (area %s, %v) came back as %s (area %s, %v)", q.ID, q.Area, q.Pillars, b.ID, b.Area, b.Pillars)
				}
				for _, c := range q.Choices {
					bc, ok := b.Choice(c.ID)
					if !ok {
						t.Errorf("question %s: choice %s lost", q.ID, c.ID)
						continue
					}
					if bc.NotNeeded != c.NotNeeded {
						t.Errorf("choice %s: notNeeded %q came back as %q", c.ID, c.NotNeeded, bc.NotNeeded)
					}
					if !c.None && (bc.Weight != c.Weight || bc.Effort != c.Effort || !slices.Equal(bc.Pillars, c.Pillars)) {
						t.Errorf("choice %s: weight %d effort %s %v came back as %d %s %v", c.ID, c.Weight, c.Effort, c.Pillars, bc.Weight, bc.Effort, bc.Pillars)
					}
				}
			}
			// --id and --version on the command line win over the file.
			again, err := ParseImport("x.json", out, Options{ID: "renamed", Version: "9.9.9"})
			if err != nil || again.ID != "renamed" || again.Version != "9.9.9" {
				t.Errorf("options: %v %v", again, err)
			}
		})
	}
}

// TestAwafKeyBroken: a "_awaf" value that does not decode is a located problem.
func TestAwafKeyBroken(t *testing.T) {
	data := []byte(`{"schemaVersion":"2021-11-01","name":"Tiny lens","_awaf":{"id":7},"pillars":[{"id":"ops","name":"Operations","questions":[{"id":"q01","title":"Q?","choices":[{"id":"q01_a","title":"A"},{"id":"q01_no","title":"None of these"}],"riskRules":[{"condition":"default","risk":"HIGH_RISK"}]}]}]}`)
	_, err := ParseImport("t.json", data, Options{})
	if err == nil || !strings.Contains(err.Error(), "t.json:1:") || !strings.Contains(err.Error(), "_awaf") {
		t.Fatalf("got %v", err)
	}
}
