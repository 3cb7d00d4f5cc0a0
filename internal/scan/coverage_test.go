package scan

import (
	"os"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/eval"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/rules"
)

// minCoverage is the share of the built-in lens's choices (other than "none of these")
// that rules and eval metrics must be able to establish.
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
	t.Logf("coverage: %d of %d choices (%d%%)", total.Linked, total.Choices, pct(total.Linked, total.Choices))
	if total.Linked*100 < minCoverage*total.Choices {
		t.Errorf("only %d of %d choices (%d%%) are linked to a rule or eval metric; the target is %d%%", total.Linked, total.Choices, pct(total.Linked, total.Choices), minCoverage)
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
