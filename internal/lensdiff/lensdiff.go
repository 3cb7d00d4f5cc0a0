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
	// Moved: the item takes over one item of the old version under another id or in
	// another question (From names it).
	Moved Kind = "moved"
	// Merged: the item takes over several items of the old version, or keeps its id
	// and takes over others too (From names them).
	Merged Kind = "merged"
)

// kinds is the order counts are written in.
var kinds = []Kind{Added, Removed, Changed, Moved, Merged}

// Change is one difference. Question and Choice name the item (Choice empty for a
// question, both empty for the lens itself); Fields lists what changed; From names the
// old items a moved or merged item takes over ("question" or "question/choice"); Note
// is the question's `changes` text, the lens author's release note.
type Change struct {
	Kind     Kind     `json:"kind"`
	Question string   `json:"question,omitempty"`
	Choice   string   `json:"choice,omitempty"`
	Title    string   `json:"title,omitempty"`
	Fields   []string `json:"fields,omitempty"`
	From     []string `json:"from,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// Diff is every change from Old to New, questions in the new lens's order (each
// followed by its choices), removed ones after.
type Diff struct {
	Old     awaf.LensRef `json:"old"`
	New     awaf.LensRef `json:"new"`
	Changes []Change     `json:"changes"`
	// titles holds every question's title (new version, else old) for headings.
	titles map[string]string
}

// Compare lists the changes from old to new. It reads new's upgrade mapping: a
// question or choice that replaces old ones is moved or merged rather than added, and
// the old items it takes over are not listed as removed.
func Compare(old, new *awaf.Lens) *Diff {
	d := &Diff{Old: ref(old), New: ref(new), Changes: []Change{}, titles: map[string]string{}}
	for _, l := range []*awaf.Lens{old, new} {
		for _, q := range l.Questions {
			d.titles[q.ID] = q.Title
		}
	}
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
	m := NewMap(old, new)
	taken := map[ChoiceRef]bool{} // old choices something in new takes over
	takenQ := map[string]bool{}   // old questions something in new takes over
	for o := range m.Replaced() {
		taken[o] = true
	}
	for i := range new.Questions {
		nq := &new.Questions[i]
		oq, kept := old.Question(nq.ID)
		var fromQ []string // old questions (other than its own id) this one takes over
		for _, r := range nq.Replaces {
			if _, ok := old.Question(r); ok && r != nq.ID {
				fromQ = append(fromQ, r)
				takenQ[r] = true
			}
		}
		qc := Change{Kind: Changed, Question: nq.ID, Title: nq.Title, From: fromQ}
		switch {
		case !kept && len(fromQ) == 0:
			qc.Kind = Added
		case !kept && len(fromQ) == 1:
			qc.Kind = Moved
			oq, _ = old.Question(fromQ[0])
		case len(fromQ) > 0:
			qc.Kind = Merged
			if oq == nil {
				oq, _ = old.Question(fromQ[0])
			}
		}
		if oq != nil {
			qc.Fields = questionFields(oq, nq)
			if nq.Changes != "" && nq.Changes != oq.Changes {
				qc.Note = nq.Changes
			}
		} else {
			qc.Note = nq.Changes
		}
		if qc.Kind != Changed || len(qc.Fields) > 0 || qc.Note != "" {
			d.Changes = append(d.Changes, qc)
		}
		// The old questions whose choices keep their ids here.
		homes := slices.Clone(fromQ)
		if kept {
			homes = append([]string{nq.ID}, homes...)
		}
		for j := range nq.Choices {
			nc := &nq.Choices[j]
			var same *awaf.Choice
			var from []string
			for _, h := range homes {
				hq, _ := old.Question(h)
				if oc, ok := hq.Choice(nc.ID); ok {
					if h == nq.ID {
						same = oc
					} else {
						from = append(from, h+"/"+nc.ID)
						taken[ChoiceRef{h, nc.ID}] = true
					}
					break
				}
			}
			for o, ts := range m.Replaced() {
				if slices.Contains(ts, ChoiceRef{nq.ID, nc.ID}) && o != (ChoiceRef{nq.ID, nc.ID}) {
					from = append(from, o.String())
				}
			}
			slices.Sort(from)
			cc := Change{Kind: Changed, Question: nq.ID, Choice: nc.ID, Title: nc.Title, From: from}
			base := same
			switch {
			case same == nil && len(from) == 0:
				cc.Kind = Added
			case same == nil && len(from) == 1:
				cc.Kind = Moved
			case len(from) > 0:
				cc.Kind = Merged
			}
			if base == nil && len(from) > 0 {
				q, c, _ := strings.Cut(from[0], "/")
				oq, _ := old.Question(q)
				base, _ = oq.Choice(c)
			}
			if base != nil {
				cc.Fields = choiceFields(base, nc)
			}
			if cc.Kind != Changed || len(cc.Fields) > 0 {
				d.Changes = append(d.Changes, cc)
			}
		}
		for _, h := range homes {
			hq, _ := old.Question(h)
			for _, oc := range hq.Choices {
				if h != nq.ID {
					continue // reported under its own question below
				}
				if _, ok := nq.Choice(oc.ID); !ok && !taken[ChoiceRef{h, oc.ID}] {
					d.Changes = append(d.Changes, Change{Kind: Removed, Question: nq.ID, Choice: oc.ID, Title: oc.Title})
				}
			}
		}
	}
	for _, oq := range old.Questions {
		if _, ok := new.Question(oq.ID); ok {
			continue
		}
		if !takenQ[oq.ID] {
			d.Changes = append(d.Changes, Change{Kind: Removed, Question: oq.ID, Title: oq.Title})
			continue
		}
		// A question another one took over: list the choices nothing took over.
		for _, oc := range oq.Choices {
			// Its "none of these" goes to the new question's own.
			if !oc.None && !taken[ChoiceRef{oq.ID, oc.ID}] && len(m.Targets(oq.ID, oc.ID)) == 0 {
				d.Changes = append(d.Changes, Change{Kind: Removed, Question: oq.ID, Choice: oc.ID, Title: oc.Title})
			}
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

// WriteText writes the diff as release notes for people: a summary line, then one
// line per change, "+" added, "-" removed, "~" changed, ">" moved, "*" merged,
// choices indented under their question, each question's note (its `changes` text)
// wrapped under it.
func (d *Diff) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "lens %s %s -> %s %s: %s\n", d.Old.ID, d.Old.Version, d.New.ID, d.New.Version, d.summary())
	sign := map[Kind]string{Added: "+", Removed: "-", Changed: "~", Moved: ">", Merged: "*"}
	for _, ch := range d.Changes {
		detail := ""
		if len(ch.From) > 0 {
			detail = " " + string(ch.Kind) + " from " + strings.Join(ch.From, ", ")
		}
		if len(ch.Fields) > 0 {
			detail += ": " + strings.Join(ch.Fields, ", ")
		}
		switch {
		case ch.Question == "":
			fmt.Fprintf(&b, "%s lens%s\n", sign[ch.Kind], detail)
		case ch.Choice == "":
			fmt.Fprintf(&b, "%s question %s %q%s\n", sign[ch.Kind], ch.Question, ch.Title, detail)
		default:
			fmt.Fprintf(&b, "  %s choice %s/%s %q%s\n", sign[ch.Kind], ch.Question, ch.Choice, ch.Title, detail)
		}
		if ch.Note != "" {
			for _, line := range wrap(strings.Join(strings.Fields(ch.Note), " "), 84) {
				fmt.Fprintf(&b, "    %s\n", line)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summary counts the changes: "questions 1 added, 0 removed, ...; choices ...".
func (d *Diff) summary() string {
	q, c := d.Count()
	part := func(n map[Kind]int) string {
		var ps []string
		for _, k := range kinds {
			ps = append(ps, fmt.Sprintf("%d %s", n[k], k))
		}
		return strings.Join(ps, ", ")
	}
	return "questions " + part(q) + "; choices " + part(c)
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// WriteMarkdown writes the diff as release notes in Markdown: the summary, then one
// section per question that changed, with its note and its choices' changes, and the
// questions removed at the end.
func (d *Diff) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s → %s\n\n", md(d.New.ID), md(d.Old.Version), md(d.New.Version))
	if d.Old.ID != d.New.ID {
		fmt.Fprintf(&b, "From lens %s.\n\n", md(d.Old.ID))
	}
	fmt.Fprintf(&b, "%s.\n", strings.ToUpper(d.summary()[:1])+d.summary()[1:])
	var removed []Change
	section := ""
	for _, ch := range d.Changes {
		switch {
		case ch.Question == "":
			fmt.Fprintf(&b, "\nThe lens itself changed: %s.\n", strings.Join(ch.Fields, ", "))
			continue
		case ch.Choice == "" && ch.Kind == Removed:
			removed = append(removed, ch)
			continue
		}
		if ch.Question != section {
			section = ch.Question
			if ch.Choice == "" {
				fmt.Fprintf(&b, "\n## %s (`%s`)\n\n", md(ch.Title), ch.Question)
				what := string(ch.Kind)
				if len(ch.From) > 0 {
					what += " from " + codes(ch.From)
				}
				if len(ch.Fields) > 0 {
					what += "; " + strings.Join(ch.Fields, ", ")
				}
				fmt.Fprintf(&b, "*%s*\n\n", what)
				if ch.Note != "" {
					fmt.Fprintf(&b, "%s\n\n", md(strings.Join(strings.Fields(ch.Note), " ")))
				}
				continue
			}
			if t := d.titles[ch.Question]; t != "" {
				fmt.Fprintf(&b, "\n## %s (`%s`)\n\n", md(t), ch.Question)
			} else {
				fmt.Fprintf(&b, "\n## `%s`\n\n", ch.Question)
			}
		}
		if ch.Choice == "" {
			continue
		}
		line := fmt.Sprintf("- %s: %s (`%s`)", strings.ToUpper(string(ch.Kind)[:1])+string(ch.Kind)[1:], md(ch.Title), ch.Choice)
		if len(ch.From) > 0 {
			line += " from " + codes(ch.From)
		}
		if len(ch.Fields) > 0 {
			line += "; " + strings.Join(ch.Fields, ", ")
		}
		b.WriteString(line + "\n")
	}
	if len(removed) > 0 {
		b.WriteString("\n## Removed questions\n\n")
		for _, ch := range removed {
			fmt.Fprintf(&b, "- %s (`%s`)\n", md(ch.Title), ch.Question)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// md escapes the characters Markdown would read as markup in running text.
func md(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;", "|", "\\|")
	return r.Replace(s)
}

func codes(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "`" + id + "`"
	}
	return strings.Join(out, ", ")
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

// Move is one selection an upgrade carried to another choice id or question.
type Move struct {
	From ChoiceRef `json:"from"`
	To   ChoiceRef `json:"to"`
}

func (m Move) String() string { return m.From.String() + " -> " + m.To.String() }

// Upgrade is the outcome of carrying answers to a new lens version.
type Upgrade struct {
	From, To awaf.LensRef
	Kept     int       // answers carried over, whole or in part
	Moved    []Move    // selections carried to another choice id or question
	Dropped  []Dropped // what was lost, and why
	// NewQuestions are questions added by the new version; they start unanswered.
	NewQuestions []string
	// NewChoices ("question/choice") are choices added to questions the old version
	// had; they start unselected, so the team reviews those questions. Known only
	// when the old version is.
	NewChoices []string
}

// carried collects what the old answers give one question of the new version.
type carried struct {
	q        *awaf.Question
	selected map[string]bool
	evidence []awaf.Evidence
	notes    []string // own note first, then notes of questions merged in
	na       *awaf.NotApplicable
	template *awaf.TemplateRef
	sources  []string // old questions whose selections moved in
	order    int
}

// Carry returns a copy of a moved onto lens to, and reports what it kept, moved and
// dropped. A selection goes to the same choice when to still has it (in its question
// or in a question that replaces it) and to every choice whose `replaces` names it, so
// answers follow merged and moved choices, across questions too; evidence goes with
// its choice. A note stays with its question or the question that replaces it; notes
// of merged questions are kept, each marked with the question it came from. from is
// the lens the answers were given against, when known: it resolves bare choice ids in
// `replaces` and tells new questions and choices from old ones left unanswered.
func Carry(a *awaf.Assessment, from, to *awaf.Lens) (*awaf.Assessment, *Upgrade) {
	out := *a
	out.Lens = ref(to)
	out.Answers = nil
	u := &Upgrade{From: a.Lens, To: ref(to)}
	m := NewMap(from, to)
	acc := map[string]*carried{}
	get := func(qid string) *carried {
		c := acc[qid]
		if c == nil {
			q, _ := to.Question(qid)
			c = &carried{q: q, selected: map[string]bool{}, order: slices.IndexFunc(to.Questions, func(x awaf.Question) bool { return x.ID == qid })}
			acc[qid] = c
		}
		return c
	}
	for _, ans := range a.Answers {
		homes := m.Questions(ans.Question)
		home := ""
		if len(homes) > 0 {
			home = homes[0]
		}
		gave, movedAny := false, false
		var lost []string
		var firstTarget string
		for _, id := range ans.Selected {
			ts := m.Targets(ans.Question, id)
			if len(ts) == 0 && home != "" && from != nil {
				// "None of these" of a question taken over by another goes to its own.
				if oq, ok := from.Question(ans.Question); ok {
					if oc, ok := oq.Choice(id); ok && oc.None {
						if n := noneOf(get(home).q); n != "" {
							ts = []ChoiceRef{{home, n}}
						}
					}
				}
			}
			if len(ts) == 0 {
				lost = append(lost, id)
				continue
			}
			for _, t := range ts {
				c := get(t.Question)
				c.selected[t.Choice] = true
				if t.Question != ans.Question && !slices.Contains(c.sources, ans.Question) {
					c.sources = append(c.sources, ans.Question)
				}
				if t != (ChoiceRef{ans.Question, id}) {
					u.Moved = append(u.Moved, Move{From: ChoiceRef{ans.Question, id}, To: t})
					movedAny = true
				}
				if firstTarget == "" {
					firstTarget = t.Question
				}
			}
			gave = true
		}
		for _, e := range ans.Evidence {
			for _, t := range m.Targets(ans.Question, e.Choice) {
				moved := e
				moved.Choice = t.Choice
				c := get(t.Question)
				c.evidence = append(c.evidence, moved)
			}
		}
		noteHome := home
		if noteHome == "" {
			noteHome = firstTarget
		}
		if ans.Note != "" && noteHome != "" {
			c := get(noteHome)
			if noteHome == ans.Question {
				c.notes = append([]string{ans.Note}, c.notes...)
			} else {
				c.notes = append(c.notes, "(from "+ans.Question+") "+ans.Note)
			}
			gave = true
		}
		if home != "" {
			c := get(home)
			if ans.NotApplicable != nil {
				na := *ans.NotApplicable
				c.na = &na
				gave = true
			}
			if home == ans.Question && !movedAny && len(lost) == 0 {
				c.template = ans.Template // still the template's answer as applied
			}
		}
		switch {
		case home == "" && !gave:
			u.Dropped = append(u.Dropped, Dropped{Question: ans.Question, Reason: "the question is not in the new version"})
			continue
		case len(lost) > 0:
			u.Dropped = append(u.Dropped, Dropped{Question: ans.Question, Choices: lost, Reason: "the choices are not in the new version"})
		}
		if !gave {
			if len(ans.Selected) > 0 {
				u.Dropped = append(u.Dropped, Dropped{Question: ans.Question, Reason: "no selected choice survives"})
			}
			continue
		}
		u.Kept++
	}
	cs := make([]*carried, 0, len(acc))
	for _, c := range acc {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(x, y *carried) int { return x.order - y.order })
	for _, c := range cs {
		ans := awaf.Answer{Question: c.q.ID, Evidence: c.evidence, NotApplicable: c.na, Template: c.template, Note: strings.Join(c.notes, "\n\n")}
		none := ""
		for _, ch := range c.q.Choices {
			if c.selected[ch.ID] {
				ans.Selected = append(ans.Selected, ch.ID)
				if ch.None {
					none = ch.ID
				}
			}
		}
		if none != "" && len(ans.Selected) > 1 {
			ans.Selected = slices.DeleteFunc(ans.Selected, func(id string) bool { return id == none })
			ans.Evidence = slices.DeleteFunc(ans.Evidence, func(e awaf.Evidence) bool { return e.Choice == none })
			u.Dropped = append(u.Dropped, Dropped{Question: c.q.ID, Choices: []string{none}, Reason: "\"none of these\" no longer holds: practices moved in from " + strings.Join(c.sources, ", ")})
		}
		if ans.NotApplicable != nil && len(ans.Selected) > 0 {
			ans.NotApplicable = nil
			u.Dropped = append(u.Dropped, Dropped{Question: c.q.ID, Reason: "the not-applicable mark gave way to practices moved in from " + strings.Join(c.sources, ", ")})
		}
		if len(c.sources) > 0 {
			ans.Template = nil // no longer the template's answer as applied
		}
		if len(ans.Selected) == 0 && ans.NotApplicable == nil && ans.Note == "" {
			continue
		}
		out.Answers = append(out.Answers, ans)
	}
	answered := map[string]bool{}
	for _, ans := range out.Answers {
		answered[ans.Question] = true
	}
	for _, q := range to.Questions {
		isNew := !answered[q.ID]
		if from != nil {
			_, had := from.Question(q.ID)
			for _, r := range q.Replaces {
				_, was := from.Question(r)
				had = had || was
			}
			isNew = !had
		}
		if isNew {
			u.NewQuestions = append(u.NewQuestions, q.ID)
			continue
		}
		if from == nil {
			continue
		}
		for _, c := range q.Choices {
			if c.None || len(c.Replaces) > 0 {
				continue
			}
			old := false
			for _, oq := range append([]string{q.ID}, q.Replaces...) {
				old = old || hasChoice(from, ChoiceRef{oq, c.ID})
			}
			if !old {
				u.NewChoices = append(u.NewChoices, q.ID+"/"+c.ID)
			}
		}
	}
	return &out, u
}

func noneOf(q *awaf.Question) string {
	for _, c := range q.Choices {
		if c.None {
			return c.ID
		}
	}
	return ""
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
