package lens_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

func TestParseSmall(t *testing.T) {
	l, err := lens.LoadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "small-lens" || l.Version != "0.1.0" || len(l.Questions) != 3 {
		t.Fatalf("got %s %s with %d questions", l.ID, l.Version, len(l.Questions))
	}
	q, _ := l.Question("identity")
	if len(q.RiskRules) != 3 || q.RiskRules[0].Match == nil {
		t.Fatalf("risk rules not compiled: %+v", q.RiskRules)
	}
	// AWS-style conditions evaluate as written, first match wins.
	cases := []struct {
		sel  []string
		want awaf.Risk
	}{
		{[]string{"id_no_keys", "id_managed_identity"}, awaf.RiskNone},
		{[]string{"id_none"}, awaf.RiskHigh},
		{[]string{"id_managed_identity"}, awaf.RiskHigh},
		{[]string{"id_no_keys"}, awaf.RiskMedium},
	}
	for _, c := range cases {
		sel := map[string]bool{}
		for _, s := range c.sel {
			sel[s] = true
		}
		var got awaf.Risk
		for _, r := range q.RiskRules {
			ok, err := r.Match.Match(sel)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				got = r.Risk
				break
			}
		}
		if got != c.want {
			t.Errorf("selected %v: risk %s, want %s", c.sel, got, c.want)
		}
	}
	g, _ := l.Question("grounding")
	for _, tc := range []struct {
		kinds []awaf.Kind
		want  bool
	}{{[]awaf.Kind{awaf.KindTraining}, false}, {[]awaf.Kind{awaf.KindAgents}, true}} {
		ok, err := g.AppliesWhen.Match(awaf.Profile{Kinds: tc.kinds})
		if err != nil || ok != tc.want {
			t.Errorf("applies(%v) = %v, %v; want %v", tc.kinds, ok, err, tc.want)
		}
	}
}

// TestParseProblems checks that an invalid lens lists every problem, each at its line
// and column, in one error.
func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{
			name: "every problem at once",
			yaml: `id: Bad Id
name: x
version: "1.0"
pillars:
  - {id: security, name: Security}
  - {id: vibes, name: Vibes}
areas:
  - {id: app, name: App}
questions:
  - id: q1
    title: Q
    area: nowhere
    pillars: [security]
    choices:
      - id: c_one
        title: One
        weight: 500
        effort: huge
        pillars: [cost]
        top10: [missing-item]
        guidance: {what: a, why: b}
        links: [{url: "http://insecure.example"}]
      - id: c_none
        title: None
        none: true
    risk:
      - when: c_one && c_tow
        risk: none
      - when: default
        risk: catastrophic
`,
			want: []string{
				`x:1:5: id "Bad Id" must match`,
				`x:3:10: version "1.0" is not a semantic version`,
				`x:6:10: pillars[1]: pillar "vibes" is not one of`,
				`x:10:9: question q1: id must match`,
				`x:12:11: question q1: area "nowhere" is not declared in areas`,
				`x:17:17: question q1: choice c_one: weight 500 is outside 1..100`,
				`x:18:17: question q1: choice c_one: effort "huge" is not one of low, medium, high`,
				`x:19:19: question q1: choice c_one: pillar "cost" is not one of the question's pillars`,
				`x:20:17: question q1: choice c_one: Top 10 item "missing-item" is not declared in top10`,
				`x:21:19: question q1: choice c_one.guidance: "verify" is required`,
				`x:22:23: question q1: choice c_one.links[0].url: expected an https:// address`,
				`x:27:24: question q1: risk rule 1: undeclared reference to 'c_tow'`,
				`x:30:15: question q1: risk rule 2: risk "catastrophic" is not one of high, medium, none`,
			},
		},
		{
			name: "duplicates and unknown keys",
			yaml: `id: dup
name: Dup
version: 1.0.0
colour: blue
pillars: [{id: security, name: S}]
areas: [{id: app, name: A}]
questions:
  - id: q_one
    title: Q
    area: app
    pillars: [security]
    choices:
      - {id: a_one, title: A, weight: 5, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/x"}]}
      - {id: a_one, title: B, none: true}
  - id: q_one
    title: Again
    area: app
    pillars: [security]
    applies: "kinds.size() +"
    choices:
      - {id: b_none, title: None, none: true}
`,
			want: []string{
				`x:4:1: lens: unknown key "colour"`,
				`x:14:9: question q_one: choice "a_one" is declared twice`,
				`x:15:5: question "q_one" is declared twice (first at line 8)`,
				`x:15:5: question q_one: applies: `,
				`x:21:7: question q_one: needs at least one practice besides "none of these"`,
			},
		},
		{
			name: "upgrade mapping and not-needed choices",
			yaml: `id: up
name: Up
version: 1.1.0
pillars: [{id: security, name: S}]
areas: [{id: app, name: A}]
questions:
  - id: q_one
    title: Q
    area: app
    pillars: [security]
    replaces: [Bad-Id]
    changes: Merged two questions.
    choices:
      - {id: a_one, title: A, weight: 5, effort: low, pillars: [security], replaces: [old_q/old_c, "x/y/z"], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/x"}]}
      - {id: a_skip, title: Not needed, notNeeded: a_missing, guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/x"}]}
      - {id: a_self, title: Not needed, notNeeded: a_self, guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/x"}]}
      - {id: a_none, title: None, none: true, notNeeded: a_one}
      - {id: a_weighed, title: Not needed, notNeeded: a_one, weight: 5, effort: low, pillars: [security], top10: [x], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/x"}]}
      - {id: a_bare, title: Not needed, notNeeded: a_one}
`,
			want: []string{
				`x:11:16: question q_one: replaces: "Bad-Id" is not a question id`,
				`x:14:100: question q_one: choice a_one: replaces: "x/y/z" is not a choice id or question_id/choice_id`,
				`x:15:9: question q_one: choice a_skip: notNeeded: "a_missing" is not a choice of this question`,
				`x:16:9: question q_one: choice a_self: notNeeded: "a_self" must name a practice of this question`,
				`question q_one: choice a_none: a "none of these" choice takes no notNeeded`,
				`question q_one: choice a_weighed: a "not needed" choice takes no weight (it stands in for a_one, which has them)`,
				`question q_one: choice a_weighed: a "not needed" choice takes no top10`,
				`x:19:9: question q_one: choice a_bare: "guidance" is required`,
				`x:19:9: question q_one: choice a_bare: "links" is required`,
			},
		},
		{name: "not YAML", yaml: "id: [unclosed\n", want: []string{`x:1:5: invalid YAML: did not find expected ',' or ']'; the [ here is not closed`}},
		{name: "empty", yaml: "", want: []string{`x: invalid YAML: file is empty`}},
		{name: "billion laughs", yaml: "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", want: []string{"aliases and anchors are not allowed"}},
		{name: "too deep", yaml: strings.Repeat("[", 40) + strings.Repeat("]", 40), want: []string{"levels deep"}},
		{name: "too large", yaml: "description: " + strings.Repeat("x", lens.MaxSize), want: []string{"larger than the"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lens.Parse("x", []byte(tt.yaml))
			ps, ok := err.(awaf.Problems)
			if !ok {
				t.Fatalf("want awaf.Problems, got %T %v", err, err)
			}
			got := ps.Error()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			if len(ps) < len(tt.want) {
				t.Errorf("got %d problems, want at least %d:\n%s", len(ps), len(tt.want), got)
			}
		})
	}
}

// TestBuiltin enforces the counts the built-in lens promises.
func TestBuiltin(t *testing.T) {
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "azure-ai-workload" || l.Version != "1.1.0" {
		t.Errorf("built-in lens is %s %s", l.ID, l.Version)
	}
	if len(l.Questions) != 40 {
		t.Errorf("%d questions, want exactly 40", len(l.Questions))
	}
	wantAreas := []awaf.AreaID{"application-design", "application-platform", "training-data", "grounding-data",
		"data-platform", "mlops", "operations", "test-evaluate", "responsible-ai"}
	perArea := map[awaf.AreaID]int{}
	perPillar := map[awaf.PillarID]int{}
	perTop10 := map[string]int{}
	choiceIDs := map[string]string{}
	for _, q := range l.Questions {
		perArea[q.Area]++
		for _, p := range q.Pillars {
			perPillar[p]++
		}
		if len(q.Title) > 128 {
			t.Errorf("question %s: title is %d characters, over AWS's 128", q.ID, len(q.Title))
		}
		for _, c := range q.Choices {
			if prev, dup := choiceIDs[c.ID]; dup {
				t.Errorf("choice %s appears in %s and %s", c.ID, prev, q.ID)
			}
			choiceIDs[c.ID] = q.ID
			if len(c.Title) > 128 {
				t.Errorf("choice %s: title is %d characters, over AWS's 128", c.ID, len(c.Title))
			}
			if c.None {
				continue
			}
			for _, id := range c.Top10 {
				perTop10[id]++
			}
			if c.Guidance.What == "" || c.Guidance.Why == "" || c.Guidance.Verify == "" {
				t.Errorf("choice %s has incomplete guidance", c.ID)
			}
			if len(c.Links) == 0 || !slices.ContainsFunc(c.Links, func(k awaf.Link) bool {
				return strings.HasPrefix(k.URL, "https://learn.microsoft.com/")
			}) {
				t.Errorf("choice %s has no Microsoft Learn link", c.ID)
			}
		}
	}
	got := make([]awaf.AreaID, len(l.Areas))
	for i, a := range l.Areas {
		got[i] = a.ID
	}
	if !slices.Equal(got, wantAreas) {
		t.Errorf("areas %v, want %v", got, wantAreas)
	}
	for _, a := range wantAreas {
		if perArea[a] < 2 {
			t.Errorf("area %s has %d questions, want at least 2", a, perArea[a])
		}
	}
	for _, p := range awaf.Pillars {
		if perPillar[p] < 5 {
			t.Errorf("pillar %s has %d questions, want at least 5", p, perPillar[p])
		}
	}
	if len(l.Top10) != 10 {
		t.Errorf("%d Top 10 items, want 10", len(l.Top10))
	}
	for _, item := range l.Top10 {
		if perTop10[item.ID] < 2 {
			t.Errorf("Top 10 item %s is supported by %d choices, want at least 2", item.ID, perTop10[item.ID])
		}
	}
}

// TestBuiltinTopics checks that the topics that AI lenses often miss are asked about.
func TestBuiltinTopics(t *testing.T) {
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, q := range l.Questions {
		text.WriteString(strings.ToLower(q.Title + " " + q.Description + " "))
		for _, c := range q.Choices {
			text.WriteString(strings.ToLower(c.Title + " " + c.Description + " " + c.Guidance.What + " "))
		}
	}
	for _, topic := range [][]string{
		{"prompt injection", "jailbreak"},
		{"excessive agency", "least-privilege tool", "tool call", "tool-call"},
		{"poison"},
		{"quota"},
		{"prompt", "version"},
		{"vector", "cost"},
		{"threshold"},
		{"decommission", "retire"},
	} {
		found := false
		for _, word := range topic {
			if strings.Contains(text.String(), word) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no question or choice covers %v", topic)
		}
	}
}

func TestResolve(t *testing.T) {
	if _, err := lens.Resolve("no-such-lens"); awaf.ErrorCode(err) != awaf.ENOTFOUND {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := lens.Resolve("testdata/small.yaml"); err != nil {
		t.Errorf("file: %v", err)
	}
	if _, err := lens.Resolve("testdata/absent.yaml"); awaf.ErrorCode(err) != awaf.ENOTFOUND {
		t.Errorf("absent file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	small, err := os.ReadFile("testdata/small.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Add([]byte("id: x\nquestions: [{id: q, choices: [{id: c, none: true}], risk: [{when: 'c ||', risk: high}]}]"))
	f.Add([]byte("a: &a [x]\nb: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := lens.Parse("fuzz.yaml", data)
		if err == nil && l == nil {
			t.Fatal("nil lens without an error")
		}
		if err != nil {
			if _, ok := err.(awaf.Problems); !ok {
				t.Fatalf("error is %T, want awaf.Problems", err)
			}
		}
	})
}

// TestMarshalRoundTrip: a lens written by MarshalYAML parses back to the same lens.
func TestMarshalRoundTrip(t *testing.T) {
	l, err := lens.LoadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := lens.MarshalYAML(l)
	if err != nil {
		t.Fatal(err)
	}
	back, err := lens.Parse("written.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	again, err := lens.MarshalYAML(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(out) {
		t.Errorf("second write differs:\n%s\n---\n%s", out, again)
	}
	if len(back.Questions) != len(l.Questions) || back.Questions[0].RiskRules[1].Condition != "id_none || !id_no_keys" {
		t.Errorf("round trip lost content: %+v", back.Questions[0].RiskRules)
	}
}

func TestSlug(t *testing.T) {
	for _, tt := range []struct {
		in   string
		sep  byte
		max  int
		want string
	}{
		{"Security & Compliance (AI)", '-', 64, "security-compliance-ai"},
		{"  Réseau privé  ", '_', 64, "r_seau_priv"},
		{"Data Protection", '_', 6, "data_p"},
		{"Data Protection", '_', 5, "data"},
		{"!!!", '-', 10, ""},
	} {
		if got := lens.Slug(tt.in, tt.sep, tt.max); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
