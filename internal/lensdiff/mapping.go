package lensdiff

import (
	"slices"
	"strings"

	"github.com/awaf/awaf"
)

// ChoiceRef names one choice of one lens version.
type ChoiceRef struct {
	Question string `json:"question"`
	Choice   string `json:"choice"`
}

func (r ChoiceRef) String() string { return r.Question + "/" + r.Choice }

// Map is the upgrade mapping a lens version declares: which choices and questions of
// earlier versions each of its choices and questions takes over (the `replaces`
// fields). A choice that keeps its id in its question needs no entry; a question that
// replaces another takes over that question's choices that keep their ids.
type Map struct {
	to *awaf.Lens
	// explicit holds, for each old choice a `replaces` names, the new choices naming it.
	explicit map[ChoiceRef][]ChoiceRef
	// questions holds, for each old question a question `replaces` names, the new
	// questions naming it.
	questions map[string][]string
	// unresolved lists the `replaces` entries that name no choice of from.
	unresolved []string
}

// NewMap reads the mapping of to. from, the version answers come from, resolves a bare
// choice id in a choice's `replaces` to the question that had it (the choice's own
// question, or one its question replaces); without from, every such reading counts.
func NewMap(from, to *awaf.Lens) *Map {
	m := &Map{to: to, explicit: map[ChoiceRef][]ChoiceRef{}, questions: map[string][]string{}}
	for qi := range to.Questions {
		nq := &to.Questions[qi]
		for _, r := range nq.Replaces {
			m.questions[r] = append(m.questions[r], nq.ID)
		}
		home := append([]string{nq.ID}, nq.Replaces...)
		for _, nc := range nq.Choices {
			target := ChoiceRef{nq.ID, nc.ID}
			for _, r := range nc.Replaces {
				var olds []ChoiceRef
				if q, c, ok := strings.Cut(r, "/"); ok {
					olds = []ChoiceRef{{q, c}}
				} else {
					for _, q := range home {
						olds = append(olds, ChoiceRef{q, r})
					}
				}
				if from != nil {
					olds = slices.DeleteFunc(olds, func(o ChoiceRef) bool { return !hasChoice(from, o) })
					if len(olds) == 0 {
						m.unresolved = append(m.unresolved, target.String()+" replaces "+r)
						continue
					}
					olds = olds[:1]
				}
				for _, o := range olds {
					if !slices.Contains(m.explicit[o], target) {
						m.explicit[o] = append(m.explicit[o], target)
					}
				}
			}
		}
	}
	return m
}

func hasChoice(l *awaf.Lens, r ChoiceRef) bool {
	q, ok := l.Question(r.Question)
	if !ok {
		return false
	}
	_, ok = q.Choice(r.Choice)
	return ok
}

// Targets lists where a selection of old question q's choice c goes: the same choice
// when the new version still has it in q or in a question that replaces q, and every
// choice whose `replaces` names it.
func (m *Map) Targets(q, c string) []ChoiceRef {
	var out []ChoiceRef
	add := func(r ChoiceRef) {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	for _, nq := range m.Questions(q) {
		if hasChoice(m.to, ChoiceRef{nq, c}) {
			add(ChoiceRef{nq, c})
			break
		}
	}
	for _, t := range m.explicit[ChoiceRef{q, c}] {
		add(t)
	}
	return out
}

// Questions lists the new questions that take over old question q: q itself when the
// new version still has it, then the questions whose `replaces` names it.
func (m *Map) Questions(q string) []string {
	var out []string
	if _, ok := m.to.Question(q); ok {
		out = append(out, q)
	}
	for _, nq := range m.questions[q] {
		if !slices.Contains(out, nq) {
			out = append(out, nq)
		}
	}
	return out
}

// Replaced returns, for every old choice some `replaces` names, the new choices that
// name it.
func (m *Map) Replaced() map[ChoiceRef][]ChoiceRef { return m.explicit }

// Unresolved lists the `replaces` entries ("new_question/new_choice replaces ref")
// that name no choice of the from version NewMap was given.
func (m *Map) Unresolved() []string { return m.unresolved }
