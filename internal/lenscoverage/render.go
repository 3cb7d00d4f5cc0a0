package lenscoverage

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

// Render writes the traceability matrix of l against the catalogues as Markdown: the
// totals per catalogue, one table per catalogue, and for every Top 10 item of the lens
// the choices that support it with the catalogue items they cover. A choice the lens
// does not have is shown by its id alone (Check reports it).
func Render(l *awaf.Lens, cats []*Catalogue) []byte {
	choices := index(l)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Lens coverage: %s %s\n\n", l.ID, l.Version)
	b.WriteString("<!-- Generated from internal/lenscoverage/catalogues; do not edit. Regenerate with\n")
	b.WriteString("     go test ./internal/lenscoverage -run TestCoverageDoc -update -->\n\n")
	b.WriteString("Every practice of the public catalogues below is either asked for by a choice of the lens or\n")
	b.WriteString("left out with a reason. A practice counts as covered only when the choice's title or its\n")
	b.WriteString("verify text names it (the words after each choice); guidance prose alone does not count.\n")
	b.WriteString("`go test ./internal/lenscoverage` fails when a named choice is missing or no longer says so.\n")
	b.WriteString("The catalogue files and their format: [internal/lenscoverage/catalogues](../internal/lenscoverage/catalogues/README.md).\n\n")

	b.WriteString("## Totals\n\n")
	b.WriteString("| catalogue | practices | covered | left out with a reason |\n|---|---:|---:|---:|\n")
	var all, allCovered int
	for _, c := range cats {
		covered := 0
		for _, it := range c.Items {
			if len(it.Covered) > 0 {
				covered++
			}
		}
		all += len(c.Items)
		allCovered += covered
		fmt.Fprintf(&b, "| [%s](#%s) | %d | %d | %d |\n", cell(c.Title), anchor(c.Title), len(c.Items), covered, len(c.Items)-covered)
	}
	fmt.Fprintf(&b, "| all | %d | %d | %d |\n", all, allCovered, all-allCovered)

	// byChoice lists, per choice id, the catalogue items it covers; an item id that two
	// catalogues share is qualified by its catalogue.
	byChoice := map[string][]string{}
	seen := map[string]int{}
	for _, c := range cats {
		for _, it := range c.Items {
			seen[it.ID]++
		}
	}
	for _, c := range cats {
		fmt.Fprintf(&b, "\n## %s\n\n", c.Title)
		fmt.Fprintf(&b, "Source: <%s> (file `%s.yaml`).\n\n", c.URL, c.ID)
		b.WriteString("| item | catalogue entry | practice | covered by, or why left out |\n|---|---|---|---|\n")
		for _, it := range c.Items {
			var by string
			if len(it.Covered) == 0 {
				by = "left out: " + cell(it.Omitted)
			} else {
				var refs []string
				for _, cv := range it.Covered {
					name := it.ID
					if seen[it.ID] > 1 {
						name = c.ID + "/" + it.ID
					}
					byChoice[cv.Choice] = append(byChoice[cv.Choice], name)
					refs = append(refs, fmt.Sprintf("%s (%s)", ref(choices, cv.Choice), cell(strings.Join(cv.Terms, "; "))))
				}
				by = strings.Join(refs, "<br>")
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(it.ID), cell(it.Source), cell(it.Practice), by)
		}
	}

	b.WriteString("\n## Top 10 items of the lens\n\n")
	b.WriteString("For each item of the lens's Top 10, the choices that count towards it and the catalogue\n")
	b.WriteString("practices those choices cover.\n")
	for _, t := range l.Top10 {
		fmt.Fprintf(&b, "\n### %s (`%s`)\n\n", t.Title, t.ID)
		if t.Description != "" {
			fmt.Fprintf(&b, "%s\n\n", oneLine(t.Description))
		}
		b.WriteString("| choice | title | catalogue practices |\n|---|---|---|\n")
		for _, q := range l.Questions {
			for _, ch := range q.Choices {
				for _, id := range ch.Top10 {
					if id != t.ID {
						continue
					}
					items := strings.Join(byChoice[ch.ID], ", ")
					if items == "" {
						items = "–"
					}
					fmt.Fprintf(&b, "| `%s/%s` | %s | %s |\n", q.ID, ch.ID, cell(ch.Title), cell(items))
				}
			}
		}
	}
	return b.Bytes()
}

// ref names a choice as question/choice, or by its id alone when the lens lacks it.
func ref(choices map[string]choiceRef, id string) string {
	if r, ok := choices[id]; ok {
		return fmt.Sprintf("`%s/%s`", r.question.ID, id)
	}
	return fmt.Sprintf("`%s` (not in the lens)", id)
}

// cell makes s safe for one Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// anchor is the heading id GitHub gives a title.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}
