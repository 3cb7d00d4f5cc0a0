package scan

import (
	"fmt"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/rules"
)

// AreaCoverage counts, for one design area of a lens, the practices (choices other than
// "none of these" and "not needed because ...") that some rule or evaluation metric can
// establish.
type AreaCoverage struct {
	Area    string
	Name    string
	Linked  int
	Choices int
}

// Coverage counts the practices of l that a rule of c or one of evalChoices (the choice
// ids awaf eval records evidence for) links to, per design area and in total (the
// last row, Area ""). A not-needed choice declares that the workload does without a
// practice; it is the team's statement, not something a file can show, so it is not
// counted.
func Coverage(l *awaf.Lens, c *rules.Catalog, evalChoices []string) []AreaCoverage {
	linked := map[string]bool{}
	for _, r := range c.Rules {
		for _, ch := range r.Choices {
			linked[ch] = true
		}
	}
	for _, ch := range evalChoices {
		linked[ch] = true
	}
	var out []AreaCoverage
	idx := map[string]int{}
	for _, a := range l.Areas {
		idx[string(a.ID)] = len(out)
		out = append(out, AreaCoverage{Area: string(a.ID), Name: a.Name})
	}
	total := AreaCoverage{Name: "All areas"}
	for _, q := range l.Questions {
		i, ok := idx[string(q.Area)]
		if !ok {
			idx[string(q.Area)] = len(out)
			i = len(out)
			out = append(out, AreaCoverage{Area: string(q.Area), Name: string(q.Area)})
		}
		for _, ch := range q.Choices {
			if ch.None || ch.NotNeeded != "" {
				continue
			}
			out[i].Choices++
			total.Choices++
			if linked[ch.ID] {
				out[i].Linked++
				total.Linked++
			}
		}
	}
	return append(out, total)
}

// CoverageMarkdown renders the coverage as a table.
func CoverageMarkdown(cov []AreaCoverage) string {
	var b strings.Builder
	b.WriteString("| design area | practices with evidence | practices | share |\n|---|---|---|---|\n")
	for _, a := range cov {
		name := a.Name
		if a.Area == "" {
			name = "**" + name + "**"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d%% |\n", name, a.Linked, a.Choices, pct(a.Linked, a.Choices))
	}
	return b.String()
}

func pct(a, b int) int {
	if b == 0 {
		return 0
	}
	return a * 100 / b
}
