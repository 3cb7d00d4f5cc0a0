package scan

import (
	"os"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/eval"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/rules"
)

// minCoverage is the share of the built-in lens's practices (choices other than "none of
// these" and not-needed declarations) that rules and eval metrics must be able to
// establish.
const minCoverage = 50

func evalChoices() []string {
	var out []string
	for _, t := range eval.EvidenceTargets {
		out = append(out, t.Choice)
	}
	return out
}

// TestCoverage counts, from the lens and the rule catalogue, the choices some rule or
// eval metric links to, fails below the target, and keeps the table in
// docs/evidence.md current (refresh with -update).
func TestCoverage(t *testing.T) {
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cov := Coverage(l, c, evalChoices())
	total := cov[len(cov)-1]
	t.Logf("coverage: %d of %d practices (%d%%)", total.Linked, total.Choices, pct(total.Linked, total.Choices))
	if total.Linked*100 < minCoverage*total.Choices {
		t.Errorf("only %d of %d practices (%d%%) are linked to a rule or eval metric; the target is %d%%", total.Linked, total.Choices, pct(total.Linked, total.Choices), minCoverage)
	}
	table := CoverageMarkdown(cov)
	const doc = "../../docs/evidence.md"
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- coverage:begin -->\n", "<!-- coverage:end -->"
	s := string(data)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no coverage markers", doc)
	}
	want := s[:i+len(begin)] + table + s[j:]
	if goldenfile.Updating() {
		if err := os.WriteFile(doc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != s {
		t.Errorf("%s coverage table is stale: run go test ./internal/scan -run TestCoverage -update", doc)
	}
}

// TestCoverageCountsPractices checks that "none of these" and not-needed choices stay
// out of both columns, and that a choice counts as linked through a rule or an eval
// metric.
func TestCoverageCountsPractices(t *testing.T) {
	l := &awaf.Lens{
		Areas: []awaf.Area{{ID: "a", Name: "Area A"}},
		Questions: []awaf.Question{{ID: "q", Area: "a", Choices: []awaf.Choice{
			{ID: "q_rule"},
			{ID: "q_eval"},
			{ID: "q_open"},
			{ID: "q_rule_not_needed", NotNeeded: "q_rule"},
			{ID: "q_none", None: true},
		}}},
	}
	c := catalog(t)
	var linked string
	for _, r := range c.Rules {
		if len(r.Choices) > 0 {
			linked = r.Choices[0]
			break
		}
	}
	l.Questions[0].Choices[0].ID = linked
	l.Questions[0].Choices[3].NotNeeded = linked
	cov := Coverage(l, c, []string{"q_eval", "q_rule_not_needed", "q_none"})
	if len(cov) != 2 {
		t.Fatalf("got %d rows, want the area and the total: %+v", len(cov), cov)
	}
	for _, row := range cov {
		if row.Linked != 2 || row.Choices != 3 {
			t.Errorf("%s: %d of %d linked, want 2 of 3 (the rule's and the eval metric's practice, not the not-needed or none choice)", row.Name, row.Linked, row.Choices)
		}
	}
}
