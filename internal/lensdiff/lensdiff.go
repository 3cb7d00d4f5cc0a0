// Package lensdiff compares two versions of a lens and carries answers from one to the
// other: what was added, removed or changed among questions and choices, and which
// answers survive an upgrade.
package lensdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/awaf/awaf"
)

// Kind is what happened to an item between two lens versions.
type Kind string

// Kinds of change.
const (
	Added   Kind = "added"
	Removed Kind = "removed"
	Changed Kind = "changed"
)

// Change is one difference. Question and Choice name the item (Choice empty for a
// question, both empty for the lens itself); Fields lists what changed.
type Change struct {
	Kind     Kind     `json:"kind"`
	Question string   `json:"question,omitempty"`
	Choice   string   `json:"choice,omitempty"`
	Title    string   `json:"title,omitempty"`
	Fields   []string `json:"fields,omitempty"`
}

// Diff is every change from Old to New, questions in the new lens's order, removed ones
// after.
type Diff struct {
	Old     awaf.LensRef `json:"old"`
	New     awaf.LensRef `json:"new"`
	Changes []Change     `json:"changes"`
}

// Compare lists the changes from old to new.
func Compare(old, new *awaf.Lens) *Diff {
	d := &Diff{Old: ref(old), New: ref(new), Changes: []Change{}}
	var lensFields []string
	field := func(fields *[]string, name string, changed bool) {
		if changed {
			*fields = append(*fields, name)
		}
	}
	field(&lensFields, "id", old.ID != new.ID)
	field(&lensFields, "name", old.Name != new.Name)
	field(&lensFields, "description", old.Description != new.Description)
	field(&lensFields, "pillars", !slices.EqualFunc(old.Pillars, new.Pillars, func(a, b awaf.Pillar) bool { return a.ID == b.ID && a.Name == b.Name }))
	field(&lensFields, "areas", !slices.EqualFunc(old.Areas, new.Areas, func(a, b awaf.Area) bool { return a.ID == b.ID && a.Name == b.Name }))
	field(&lensFields, "top10", !slices.EqualFunc(old.Top10, new.Top10, func(a, b awaf.Top10Item) bool { return a.ID == b.ID && a.Title == b.Title }))
	if len(lensFields) > 0 {
		d.Changes = append(d.Changes, Change{Kind: Changed, Title: new.Name, Fields: lensFields})
	}
	for i := range new.Questions {
		nq := &new.Questions[i]
		oq, ok := old.Question(nq.ID)
		if !ok {
			d.Changes = append(d.Changes, Change{Kind: Added, Question: nq.ID, Title: nq.Title})
			for _, c := range nq.Choices {
				d.Changes = append(d.Changes, Change{Kind: Added, Question: nq.ID, Choice: c.ID, Title: c.Title})
			}
			continue
		}
		if fs := questionFields(oq, nq); len(fs) > 0 {
			d.Changes = append(d.Changes, Change{Kind: Changed, Question: nq.ID, Title: nq.Title, Fields: fs})
		}
		for j := range nq.Choices {
			nc := &nq.Choices[j]
			oc, ok := oq.Choice(nc.ID)
			if !ok {
				d.Changes = append(d.Changes, Change{Kind: Added, Question: nq.ID, Choice: nc.ID, Title: nc.Title})
				continue
			}
			if fs := choiceFields(oc, nc); len(fs) > 0 {
				d.Changes = append(d.Changes, Change{Kind: Changed, Question: nq.ID, Choice: nc.ID, Title: nc.Title, Fields: fs})
			}
		}
		for _, oc := range oq.Choices {
			if _, ok := nq.Choice(oc.ID); !ok {
				d.Changes = append(d.Changes, Change{Kind: Removed, Question: nq.ID, Choice: oc.ID, Title: oc.Title})
			}
		}
	}
	for _, oq := range old.Questions {
		if _, ok := new.Question(oq.ID); !ok {
			d.Changes = append(d.Changes, Change{Kind: Removed, Question: oq.ID, Title: oq.Title})
		}
	}
	return d
}

func ref(l *awaf.Lens) awaf.LensRef { return awaf.LensRef{ID: l.ID, Version: l.Version} }

func questionFields(o, n *awaf.Question) []string {
	var fs []string
	add := func(name string, changed bool) {
		if changed {
			fs = append(fs, name)
		}
	}
	add("title", o.Title != n.Title)
	add("description", o.Description != n.Description)
	add("area", o.Area != n.Area)
	add("pillars", !slices.Equal(o.Pillars, n.Pillars))
	add("applies", o.Applies != n.Applies)
	add("notApplicableReason", o.NotApplicableReason != n.NotApplicableReason)
	add("risk", !slices.EqualFunc(o.RiskRules, n.RiskRules, func(a, b awaf.RiskRule) bool { return a.Condition == b.Condition && a.Risk == b.Risk }))
	add("links", !slices.Equal(o.Links, n.Links))
	add("order", !slices.Equal(choiceIDs(o), choiceIDs(n)) && sameSet(choiceIDs(o), choiceIDs(n)))
	return fs
}

func choiceFields(o, n *awaf.Choice) []string {
	var fs []string
	add := func(name string, changed bool) {
		if changed {
			fs = append(fs, name)
		}
	}
	add("title", o.Title != n.Title)
	add("description", o.Description != n.Description)
	add("none", o.None != n.None)
	if o.Weight != n.Weight {
		fs = append(fs, fmt.Sprintf("weight %d->%d", o.Weight, n.Weight))
	}
	if o.Effort != n.Effort {
		fs = append(fs, fmt.Sprintf("effort %s->%s", o.Effort, n.Effort))
	}
	add("pillars", !slices.Equal(o.Pillars, n.Pillars))
	add("top10", !slices.Equal(o.Top10, n.Top10))
	add("applies", o.Applies != n.Applies)
	add("guidance", o.Guidance != n.Guidance)
	add("links", !slices.Equal(o.Links, n.Links))
	return fs
}

func choiceIDs(q *awaf.Question) []string {
	ids := make([]string, len(q.Choices))
	for i, c := range q.Choices {
		ids[i] = c.ID
	}
	return ids
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// Count returns how many questions and choices were added, removed and changed.
func (d *Diff) Count() (questions, choices map[Kind]int) {
	questions, choices = map[Kind]int{}, map[Kind]int{}
	for _, c := range d.Changes {
		switch {
		case c.Choice != "":
			choices[c.Kind]++
		case c.Question != "":
			questions[c.Kind]++
		}
	}
	return questions, choices
}

// Empty reports whether the lenses have the same questions and choices.
func (d *Diff) Empty() bool { return len(d.Changes) == 0 }

// WriteText writes the diff for people: one line per change, "+" added, "-" removed,
// "~" changed, choices indented under their question.
func (d *Diff) WriteText(w io.Writer) error {
	q, c := d.Count()
	var b strings.Builder
	fmt.Fprintf(&b, "lens %s %s -> %s %s: questions %d added, %d removed, %d changed; choices %d added, %d removed, %d changed\n",
		d.Old.ID, d.Old.Version, d.New.ID, d.New.Version, q[Added], q[Removed], q[Changed], c[Added], c[Removed], c[Changed])
	sign := map[Kind]string{Added: "+", Removed: "-", Changed: "~"}
	for _, ch := range d.Changes {
		detail := ""
		if len(ch.Fields) > 0 {
			detail = ": " + strings.Join(ch.Fields, ", ")
		}
		switch {
		case ch.Question == "":
			fmt.Fprintf(&b, "%s lens%s\n", sign[ch.Kind], detail)
		case ch.Choice == "":
			fmt.Fprintf(&b, "%s question %s %q%s\n", sign[ch.Kind], ch.Question, ch.Title, detail)
		default:
			fmt.Fprintf(&b, "  %s choice %s/%s %q%s\n", sign[ch.Kind], ch.Question, ch.Choice, ch.Title, detail)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the diff as indented JSON.
func (d *Diff) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("encode diff: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Dropped is an answer, or part of one, that an upgrade could not carry over.
type Dropped struct {
	Question string   `json:"question"`
	Choices  []string `json:"choices,omitempty"` // empty: the whole answer
	Reason   string   `json:"reason"`
}

// Upgrade is the outcome of carrying answers to a new lens version.
type Upgrade struct {
	From, To     awaf.LensRef
	Kept         int       // answers carried over, whole or in part
	Dropped      []Dropped // what was lost, and why
	NewQuestions []string  // questions added by the new version; they start unanswered
}

// Carry returns a copy of a with the answers whose question and choice ids exist in to,
// and reports what it dropped. Notes stay with their question; an answer left with no
// selection, no not-applicable mark and no note is dropped. from is the lens the
// answers were given against, when known; it tells new questions from old ones left
// unanswered.
func Carry(a *awaf.Assessment, from, to *awaf.Lens) (*awaf.Assessment, *Upgrade) {
	out := *a
	out.Lens = ref(to)
	out.Answers = nil
	u := &Upgrade{From: a.Lens, To: ref(to)}
	answered := map[string]bool{}
	for _, ans := range a.Answers {
		q, ok := to.Question(ans.Question)
		if !ok {
			u.Dropped = append(u.Dropped, Dropped{Question: ans.Question, Reason: "the question is not in the new version"})
			continue
		}
		kept := ans
		kept.Selected = nil
		var lost []string
		for _, id := range ans.Selected {
			if _, ok := q.Choice(id); ok {
				kept.Selected = append(kept.Selected, id)
			} else {
				lost = append(lost, id)
			}
		}
		kept.Evidence = nil
		for _, e := range ans.Evidence {
			if _, ok := q.Choice(e.Choice); ok {
				kept.Evidence = append(kept.Evidence, e)
			}
		}
		if len(lost) > 0 {
			u.Dropped = append(u.Dropped, Dropped{Question: ans.Question, Choices: lost, Reason: "the choices are not in the new version"})
		}
		if len(kept.Selected) == 0 && len(ans.Selected) > 0 && kept.NotApplicable == nil {
			if kept.Note == "" {
				u.Dropped = append(u.Dropped, Dropped{Question: ans.Question, Reason: "no selected choice survives"})
				continue
			}
		}
		out.Answers = append(out.Answers, kept)
		answered[ans.Question] = true
		u.Kept++
	}
	for _, q := range to.Questions {
		isNew := !answered[q.ID]
		if from != nil {
			_, had := from.Question(q.ID)
			isNew = !had
		}
		if isNew {
			u.NewQuestions = append(u.NewQuestions, q.ID)
		}
	}
	return &out, u
}

// CheckUpgrade refuses an upgrade that is not one: answers move between versions of
// one lens. Answers to another lens id would lose every answer (its questions are
// different), so that needs a new answers file instead.
func CheckUpgrade(cur awaf.LensRef, to *awaf.Lens) error {
	if cur.ID != "" && cur.ID != to.ID {
		return awaf.Errorf(awaf.ECONFLICT, "the answers are for lens %s and %s is lens %s: an upgrade moves answers between versions of one lens; "+
			"to assess against lens %s, start a new answers file (awaf assess --answers other.yaml --lens %s)", cur.ID, orID(to), to.ID, to.ID, orID(to))
	}
	return nil
}

func orID(l *awaf.Lens) string {
	if l.Source.File != "" {
		return l.Source.File
	}
	return l.ID
}
