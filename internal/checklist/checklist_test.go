package checklist

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/sharedtest"
)

func mustRead(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(sharedtest.Dir(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// loadLens imports a checklist and reloads it through YAML, as the CLI writes it.
func loadLens(tb testing.TB, name string, data []byte) (*File, *awaf.Lens) {
	tb.Helper()
	f, err := Parse(name, data)
	if err != nil {
		tb.Fatalf("parse: %v", err)
	}
	_, y, _, err := LensYAML(f, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	back, err := lens.Parse(name+".yaml", y)
	if err != nil {
		tb.Fatalf("imported lens does not load: %v", err)
	}
	return f, back
}

func TestImportAILandingZone(t *testing.T) {
	f, l := loadLens(t, "ai_lz.json", mustRead(t, "checklists/ai_lz_checklist.en.json"))
	if len(f.Items) != 177 {
		t.Fatalf("%d items, want 177", len(f.Items))
	}
	if l.ID != "ai-landing-zone" || l.Name != "AI Landing Zone" {
		t.Errorf("lens %s %q", l.ID, l.Name)
	}
	perPillar := map[awaf.PillarID]int{}
	severity := map[int]int{}
	graphs, guids := 0, map[string]bool{}
	practices := 0
	for _, q := range l.Questions {
		for _, c := range q.Choices {
			if c.None {
				continue
			}
			practices++
			perPillar[c.Pillars[0]]++
			severity[c.Weight]++
			if c.Metadata[MetaGraph] != "" {
				graphs++
			}
			guids[c.Metadata[MetaGUID]] = true
		}
		if q.Area == "" || len(q.RiskRules) == 0 {
			t.Errorf("question %s: area %q, %d rules", q.ID, q.Area, len(q.RiskRules))
		}
	}
	want := map[awaf.PillarID]int{awaf.Security: 77, awaf.Operations: 43, awaf.Reliability: 26, awaf.Cost: 20, awaf.Performance: 11}
	for p, n := range want {
		if perPillar[p] != n {
			t.Errorf("pillar %s: %d practices, want %d", p, perPillar[p], n)
		}
	}
	if practices != 177 || len(guids) != 177 {
		t.Errorf("%d practices, %d guids; want 177 each", practices, len(guids))
	}
	if severity[50] != 83 || severity[25] != 83 || severity[10] != 11 {
		t.Errorf("weights by severity: %v", severity)
	}
	if graphs != 7 {
		t.Errorf("%d graph queries kept, want 7", graphs)
	}
	// Categories become areas; a trailing space in a category name must not split it.
	if len(l.Areas) != 7 {
		t.Errorf("%d areas, want the 7 categories", len(l.Areas))
	}
}

// The Azure OpenAI service guide is the other shape: items with a pillar and a type,
// no category, subcategory or severity. It imports without warnings, grouped by
// service and pillar, and states no severity the file does not give.
func TestServiceGuide(t *testing.T) {
	f, l := loadLens(t, "aoai.json", mustRead(t, "checklists/azureopenai_sg_checklist.en.json"))
	if f.Shape != ShapeServiceGuide || len(f.Items) != 13 || len(f.Warnings) != 0 {
		t.Errorf("shape %q, %d items, warnings %v; want a service guide of 13 items, no warnings", f.Shape, len(f.Items), Summary(f.Warnings))
	}
	if it := f.Items[0]; it.Category != "" || it.Subcategory != "" || it.Severity != "" {
		t.Errorf("unknowns filled in: %+v", it)
	}
	if len(l.Areas) != 1 || l.Areas[0].Name != "Azure Openai" { // the file's spelling
		t.Errorf("areas %+v, want the service", l.Areas)
	}
	for _, q := range l.Questions {
		if q.Metadata[MetaCategory] != "" {
			t.Errorf("question %s claims category %q", q.ID, q.Metadata[MetaCategory])
		}
		for _, c := range q.Choices {
			if c.None {
				continue
			}
			if strings.Contains(c.Guidance.Why, "rates this item") || c.Metadata[MetaSeverity] != "" {
				t.Errorf("choice %s states a severity: %q", c.ID, c.Guidance.Why)
			}
		}
	}
}

// TestDepartures: what the schema forbids and published files do anyway is imported
// with one warning each, summarised by kind.
func TestDepartures(t *testing.T) {
	data := `{"items":[
 {"category":"C","subcategory":"S","text":"One","guid":"g-1","severity":"High","owner":"me"},
 {"category":"C","subcategory":"S","text":"Two","guid":"g-1","severity":"High"},
 {"category":"C","subcategory":"S","text":"Three","guid":"g-1","severity":"Urgent"},
 {"category":"C","subcategory":"","text":" ","guid":"g-2","severity":"Low"},
 {"category":"C","text":"Four","guid":"g-3","cost":"1"}
]}`
	f, l := loadLens(t, "d.json", []byte(data))
	var guids []string
	for _, it := range f.Items {
		guids = append(guids, it.GUID)
	}
	if got := strings.Join(guids, ","); got != "g-1,g-1-2,g-1-3,g-3" {
		t.Errorf("guids %s", got)
	}
	if f.Items[2].Severity != "" || f.Items[3].Subcategory != "" || f.Items[3].Severity != "" {
		t.Errorf("unknowns filled in: %+v %+v", f.Items[2], f.Items[3])
	}
	want := []string{
		`d.json:2:88: items[0]: key "owner" is not in the checklist schema; ignored`,
		`d.json:3:56: items[1]: guid g-1 is used twice (first by items[0]); this one is called g-1-2 (2 times: duplicate guid)`,
		`d.json:4:75: items[2].severity "Urgent" is not one of High, Medium, Low; it stays unknown`,
		`d.json:5:2: items[3] has no text; it is left out`,
		`d.json:6:52: items[4].cost: expected a whole number, found a string; ignored`,
		`d.json:6:2: items[4] has no subcategory; its subcategory stays unknown`,
		`d.json:6:2: items[4] has no severity; its severity stays unknown`,
	}
	if got := strings.Join(Summary(f.Warnings), "\n"); got != strings.Join(want, "\n") {
		t.Errorf("summary:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	choices := 0
	for _, q := range l.Questions {
		choices += len(q.Choices) - 1
	}
	if choices != 4 {
		t.Errorf("%d practices, want the 4 items with text", choices)
	}
}

// TestSchemaAgrees runs the published schema next to Parse: whatever the schema
// rejects, Parse reports, as an error or a warning.
func TestSchemaAgrees(t *testing.T) {
	schemaPath := sharedtest.Dir(t, "checklists/checklist.schema.json")
	sf, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	doc, err := jsonschema.UnmarshalJSON(sf)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("checklist.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("checklist.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	item := `{"category":"C","subcategory":"S","text":"Do it","guid":"g-1","severity":"High"%s}`
	cases := []struct {
		name string
		data string
		ok   bool
	}{
		{"real ai landing zone", string(mustRead(t, "checklists/ai_lz_checklist.en.json")), true},
		{"real openai service guide", string(mustRead(t, "checklists/azureopenai_sg_checklist.en.json")), false},
		{"minimal", `{"items":[` + strings.Replace(item, "%s", "", 1) + `]}`, true},
		{"unknown item key", `{"items":[` + strings.Replace(item, "%s", `,"owner":"me"`, 1) + `]}`, false},
		{"missing guid", `{"items":[{"category":"C","subcategory":"S","text":"t","severity":"High"}]}`, false},
		{"integer as string", `{"items":[` + strings.Replace(item, "%s", `,"cost":"1"`, 1) + `]}`, false},
		{"amm not boolean", `{"items":[` + strings.Replace(item, "%s", `,"amm":"yes"`, 1) + `]}`, false},
		{"topics not strings", `{"items":[` + strings.Replace(item, "%s", `,"topics":[1]`, 1) + `]}`, false},
		{"category without name", `{"items":[` + strings.Replace(item, "%s", "", 1) + `],"categories":[{}]}`, false},
		{"metadata unknown key", `{"items":[` + strings.Replace(item, "%s", "", 1) + `],"metadata":{"name":"n","owner":"x"}}`, false},
		{"items not a list", `{"items":{}}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			schemaOK := sch.Validate(inst) == nil
			f, perr := Parse("c.json", []byte(tc.data))
			if schemaOK != tc.ok {
				t.Errorf("schema says valid=%v, the case expects %v", schemaOK, tc.ok)
			}
			clean := perr == nil && len(f.Warnings) == 0
			if f != nil && f.Shape == ShapeServiceGuide {
				return // the other shape, which the schema does not describe
			}
			if clean != tc.ok {
				t.Errorf("Parse error %v, warnings %v; want clean=%v", perr, f, tc.ok)
			}
		})
	}
}

func TestSchemaFile(t *testing.T) {
	s, err := LoadSchema(sharedtest.Dir(t, "checklists/checklist.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	good := strings.Replace(string(mustRead(t, "checklists/ai_lz_checklist.en.json")), `"id": "AI.1",`, `"id": "AI.1", "status": "Open", "comments": "c",`, 1)
	if err := s.Validate("ai.json", []byte(good)); err != nil {
		t.Errorf("the AI landing zone checklist with a status fails the schema: %v", err)
	}
	err = s.Validate("aoai.json", mustRead(t, "checklists/azureopenai_sg_checklist.en.json"))
	if err == nil || !strings.Contains(err.Error(), "aoai.json:4:9: schema: items[0]: missing properties 'category', 'subcategory', 'severity'") {
		t.Errorf("error %v", err)
	}
	if _, err := LoadSchema("no-such-schema.json"); awaf.ErrorCode(err) != awaf.ENOTFOUND {
		t.Errorf("missing schema: %v", err)
	}
}

func TestStatusesToAnswers(t *testing.T) {
	data := `{"items":[
 {"category":"Security","subcategory":"Identity","text":"Use managed identities","guid":"g1","id":"S.1","severity":"High","waf":"Security","status":"%s"},
 {"category":"Security","subcategory":"Identity","text":"Rotate keys","guid":"g2","id":"S.2","severity":"Medium","waf":"Security","status":"%s","comments":"%s"}
]}`
	cases := []struct {
		name         string
		s1, s2, note string
		selected     []string
		na           awaf.NAReason
		risk         awaf.Risk
	}{
		{"both fulfilled", Fulfilled, Fulfilled, "", []string{"s_1", "s_2"}, "", awaf.RiskNone},
		{"high fulfilled", Fulfilled, Open, "", []string{"s_1"}, "", awaf.RiskMedium},
		{"medium fulfilled", Open, Fulfilled, "", []string{"s_2"}, "", awaf.RiskHigh},
		{"open", Open, NotVerified, "", []string{"security_identity_none"}, "", awaf.RiskHigh},
		{"not verified", NotVerified, "", "", nil, "", awaf.RiskUnanswered},
		{"not required", NotRequired, NotRequired, "", nil, awaf.NABusinessPriorities, awaf.RiskNotApplicable},
		{"n/a mixed", NA, NotRequired, "", nil, awaf.NAOutOfScope, awaf.RiskNotApplicable},
		{"fulfilled and n/a with comment", Fulfilled, NA, "uses no keys", []string{"s_1"}, "", awaf.RiskMedium},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(strings.Replace(strings.Replace(data, "%s", tc.s1, 1), "%s", tc.s2, 1), "%s", tc.note, 1)
			f, l := loadLens(t, "s.json", []byte(doc))
			a, err := Assessment(f, l)
			if err != nil {
				t.Fatal(err)
			}
			r, err := assess.Evaluate(l, a)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Questions[0].Risk; got != tc.risk {
				t.Errorf("risk %s, want %s", got, tc.risk)
			}
			ans, ok := a.Answer("security_identity")
			switch {
			case tc.selected == nil && tc.na == "":
				if ok && ans.Answered() {
					t.Errorf("answered %+v, want unanswered", ans)
				}
			case tc.na != "":
				if !ok || ans.NotApplicable == nil || ans.NotApplicable.Reason != tc.na {
					t.Errorf("answer %+v, want not applicable for %s", ans, tc.na)
				}
			default:
				if !ok || strings.Join(ans.Selected, ",") != strings.Join(tc.selected, ",") {
					t.Errorf("answer %+v, want %v", ans, tc.selected)
				}
			}
			if tc.note != "" && (!ok || !strings.Contains(ans.Note, tc.note) || !strings.Contains(ans.Note, "S.2: N/A")) {
				t.Errorf("note %q lacks the comment and the N/A item", ans.Note)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	item := `{"category":"C","subcategory":"S","text":"Do it","guid":"g-1","severity":"High"}`
	cases := []struct{ name, data, want string }{
		{"empty", "", "file is empty"},
		{"truncated", `{"items":[` + item[:30], "truncated"},
		{"not an object", `[1,2]`, "expected a JSON object with items"},
		{"no items", `{"metadata":{"name":"x"}}`, `no "items"`},
		{"empty list", `{"items":[]}`, "the checklist has no items"},
		{"no texts", `{"items":[{"guid":"a"},{"guid":"b","text":" "}]}`, "none of the 2 items has a text"},
		{"duplicate key", `{"items":[{"category":"C","category":"D"}]}`, `duplicate key "category"`},
		{"deep", strings.Repeat("[", 50) + strings.Repeat("]", 50), "nesting is deeper"},
		{"huge", `{"items":[],"x":"` + strings.Repeat("a", MaxSize) + `"}`, "larger than the"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.json", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"items":[{"category":"C","subcategory":"S","text":"Do it","guid":"g-1","severity":"High","status":"Open"}],"metadata":{"name":"n"}}`))
	f.Add([]byte(`{"items":[{"category":"1","subcategory":"default","text":"t","guid":"g","id":"true","severity":"low","waf":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cf, err := Parse("fuzz.json", data)
		if err != nil {
			var ps awaf.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("not a problem list: %v", err)
			}
			return
		}
		l, err := Lens(cf, Options{ID: "fuzz"})
		if err != nil {
			return
		}
		y, err := lens.MarshalYAML(l)
		if err != nil {
			t.Fatal(err)
		}
		back, err := lens.Parse("fuzz.yaml", y)
		if err != nil {
			if bytes.ContainsAny(y, "\x00") {
				return
			}
			t.Fatalf("lens from a valid checklist does not load: %v", err)
		}
		if _, err := Assessment(cf, back); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCompact: a checklist whose lens would pass the lens size limit is built compact
// and fits; a small one is not.
func TestCompact(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	long := strings.Repeat("Keep the workload's configuration under review. ", 8)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"category":"C%d","subcategory":"S%d","text":"%d %s","guid":"g-%d","severity":"High","waf":"Security","service":"Storage"}`, i%40, i%7, i, long, i)
	}
	b.WriteString(`]}`)
	f, err := Parse("big.json", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	l, y, compact, err := LensYAML(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !compact || len(y) > lens.MaxSize {
		t.Fatalf("compact %v, %d bytes (limit %d)", compact, len(y), lens.MaxSize)
	}
	c := l.Questions[0].Choices[0]
	if c.Guidance.What != titleSaysWhat || c.Metadata[MetaSeverity] != "" || !strings.Contains(c.Guidance.Why, "high") {
		t.Errorf("compact choice %+v", c)
	}
	if _, err := lens.Parse("big.yaml", y); err != nil {
		t.Fatal(err)
	}
	if _, _, compact, _ := LensYAML(&File{Items: f.Items[:10]}, Options{ID: "small"}); compact {
		t.Error("a small checklist was made compact")
	}
}
