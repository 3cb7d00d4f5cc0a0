package reviewtemplate

import (
	"reflect"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/lens"
)

func zone(version int) *Template {
	return &Template{Name: "ai-landing-zone", Version: version, Lens: awaf.LensRef{ID: "azure-ai-workload", Version: "1.0.0"},
		Answers: []awaf.Answer{
			{Question: "platform_network", Selected: []string{"nw_public_access_disabled", "nw_private_endpoints"}, Note: "hub firewall"},
			{Question: "ai_gateway", Selected: []string{"gw_single_entry"}},
			{Question: "load_testing", NotApplicable: &awaf.NotApplicable{Reason: awaf.NAOutOfScope, Note: "platform"}},
		}}
}

func TestPlanAndApply(t *testing.T) {
	mark := func(v int) *awaf.TemplateRef { return &awaf.TemplateRef{Name: "ai-landing-zone", Version: v} }
	cases := []struct {
		name     string
		existing []awaf.Answer
		version  int
		force    bool
		want     []Action
		changed  int
	}{
		{"empty workload", nil, 1, false, []Action{Add, Add, Add}, 3},
		{"own answers differ: kept", []awaf.Answer{{Question: "platform_network", Selected: []string{"nw_waf_ingress"}}}, 1, false, []Action{Kept, Add, Add}, 2},
		{"own answers differ, forced", []awaf.Answer{{Question: "platform_network", Selected: []string{"nw_waf_ingress"}}}, 1, true, []Action{Overwrite, Add, Add}, 3},
		{"same answer given by hand now follows the template", []awaf.Answer{{Question: "ai_gateway", Selected: []string{"gw_single_entry"}}}, 1, false, []Action{Add, Update, Add}, 3},
		{"applied at this version: nothing to do", []awaf.Answer{
			{Question: "platform_network", Selected: []string{"nw_private_endpoints", "nw_public_access_disabled"}, Note: "hub firewall", Template: mark(2)},
			{Question: "ai_gateway", Selected: []string{"gw_single_entry"}, Template: mark(2)},
			{Question: "load_testing", NotApplicable: &awaf.NotApplicable{Reason: awaf.NAOutOfScope, Note: "platform"}, Template: mark(2)},
		}, 2, false, []Action{Same, Same, Same}, 0},
		{"an older version is updated, a hand-changed one kept", []awaf.Answer{
			{Question: "platform_network", Selected: []string{"nw_private_endpoints"}, Template: mark(1)},
			{Question: "ai_gateway", Selected: []string{"gw_routing_failover"}},
		}, 2, false, []Action{Update, Kept, Add}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &awaf.Assessment{Answers: c.existing}
			before := len(a.Answers)
			plan := Plan(zone(c.version), a, c.force)
			var got []Action
			for _, ch := range plan {
				got = append(got, ch.Action)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("plan %v, want %v", got, c.want)
			}
			if len(a.Answers) != before {
				t.Fatal("Plan changed the assessment")
			}
			if n := Apply(a, plan); n != c.changed {
				t.Errorf("Apply changed %d answers, want %d", n, c.changed)
			}
			for i, ch := range plan {
				ans, _ := a.Answer(ch.Question)
				switch ch.Action {
				case Kept:
					if ans.Template != nil || !reflect.DeepEqual(ans.Selected, c.existing[slicesIndex(c.existing, ch.Question)].Selected) {
						t.Errorf("%s: a kept answer changed: %+v", ch.Question, ans)
					}
				default:
					if ans.Template == nil || *ans.Template != *mark(c.version) || !reflect.DeepEqual(ans.Selected, zone(c.version).Answers[i].Selected) && ch.Action != Same {
						t.Errorf("%s (%s): %+v, want the template's answer marked version %d", ch.Question, ch.Action, ans, c.version)
					}
				}
			}
		})
	}
}

func slicesIndex(as []awaf.Answer, q string) int {
	for i, a := range as {
		if a.Question == q {
			return i
		}
	}
	return -1
}

func TestParse(t *testing.T) {
	good, err := zone(3).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("zone.yaml", good)
	if err != nil || !reflect.DeepEqual(back, zone(3)) {
		t.Fatalf("round trip: %v\n%+v", err, back)
	}
	cases := []struct{ name, src, want string }{
		{"empty", "", "file is empty"},
		{"an answers file", "lens: {id: x}\nanswers: []\n", "field lens not found"},
		{"no version", "template:\n  name: z\n  answers:\n    - question: q\n      selected: [c]\n", "template.version: want a positive whole number"},
		{"twice", "template:\n  name: z\n  version: 1\n  answers:\n    - question: q\n      selected: [c]\n    - question: q\n      selected: [d]\n", "question q is answered twice"},
		{"selects nothing", "template:\n  name: z\n  version: 1\n  answers:\n    - question: q\n", "selects nothing"},
		{"bad reason", "template:\n  name: z\n  version: 1\n  answers:\n    - question: q\n      notApplicable: {reason: lazy}\n", `reason "lazy"`},
		{"bad yaml", "template:\n  name: [z\n", "zone.yaml:"},
		{"too big", "#" + strings.Repeat("x", MaxSize), "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("zone.yaml", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestFromAnswersAndCheck(t *testing.T) {
	f, err := answers.LoadFile("../../examples/rag-chat/awaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tp, err := FromAnswers("zone", f.Assessment, []string{"platform_network", "platform_identity", "ai_gateway"})
	if err != nil {
		t.Fatal(err)
	}
	if tp.Version != 1 || len(tp.Answers) != 3 || tp.Answers[2].Note == "" || tp.Lens.ID != "azure-ai-workload" {
		t.Errorf("template %+v", tp)
	}
	tp.Answers[0].Selected[0] = "changed"
	if ans, _ := f.Answer("platform_network"); ans.Selected[0] == "changed" {
		t.Error("the template shares its selections with the workload's answers")
	}
	l, err := lens.BuiltinByID("azure-ai-workload")
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.Check("zone.yaml", l); err == nil || !strings.Contains(err.Error(), "question platform_network has no choice changed") {
		t.Errorf("check: %v", err)
	}
	if _, err := FromAnswers("zone", f.Assessment, []string{"platform_network", "no_such", "also_missing"}); err == nil || !strings.Contains(err.Error(), "no_such, also_missing") {
		t.Errorf("missing questions: %v", err)
	}
	uses := Uses(&awaf.Assessment{Answers: []awaf.Answer{{Template: &awaf.TemplateRef{Name: "a", Version: 2}}, {Template: &awaf.TemplateRef{Name: "a", Version: 1}}, {}}})
	if !reflect.DeepEqual(uses, map[string][]int{"a": {1, 2}}) {
		t.Errorf("uses %v", uses)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := zone(1).Marshal()
	f.Add(b)
	f.Add([]byte("template:\n  name: z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tp, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		out, err := tp.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse("f.yaml", out); err != nil {
			t.Fatalf("a valid template does not read back: %v", err)
		}
	})
}
