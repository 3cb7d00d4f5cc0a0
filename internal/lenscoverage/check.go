package lenscoverage

import (
	"fmt"
	"strings"

	"github.com/awaf/awaf"
)

// Check holds the catalogues against l and returns awaf.Problems naming every claim
// that does not hold, at the catalogue's file and line: a choice the lens does not
// have, a "none" or "not needed" choice named as covering a practice, or a term that
// appears in neither the choice's title nor its verify text. Guidance prose (what, why)
// does not count: a practice is covered only where a reviewer is asked to check it.
func Check(l *awaf.Lens, cats []*Catalogue) error {
	choices := index(l)
	var problems awaf.Problems
	for _, c := range cats {
		for _, it := range c.Items {
			for _, cv := range it.Covered {
				ref, ok := choices[cv.Choice]
				if !ok {
					problems = append(problems, awaf.Problem{Location: cv.At, Message: fmt.Sprintf("item %s: lens %s %s has no choice %q", it.ID, l.ID, l.Version, cv.Choice)})
					continue
				}
				ch := ref.choice
				if ch.None || ch.NotNeeded != "" {
					problems = append(problems, awaf.Problem{Location: cv.At, Message: fmt.Sprintf("item %s: choice %s is a \"none\" or \"not needed\" answer, not a practice", it.ID, cv.Choice)})
					continue
				}
				text := fold(ch.Title + " \n " + ch.Guidance.Verify)
				for _, t := range cv.Terms {
					if !strings.Contains(text, fold(t)) {
						problems = append(problems, awaf.Problem{Location: cv.At, Message: fmt.Sprintf("item %s: choice %s: %q appears in neither its title nor its verify text", it.ID, cv.Choice, t)})
					}
				}
			}
		}
	}
	if len(problems) > 0 {
		return problems
	}
	return nil
}

// choiceRef is a choice with the question it belongs to.
type choiceRef struct {
	question *awaf.Question
	choice   *awaf.Choice
}

// index maps every choice id of l to its choice. Choice ids are unique across a lens.
func index(l *awaf.Lens) map[string]choiceRef {
	out := map[string]choiceRef{}
	for qi := range l.Questions {
		q := &l.Questions[qi]
		for ci := range q.Choices {
			out[q.Choices[ci].ID] = choiceRef{question: q, choice: &q.Choices[ci]}
		}
	}
	return out
}

// fold lower-cases s and collapses runs of white space, so a term matches across the
// line breaks of folded YAML text.
func fold(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}
