// Package awaf holds the domain of the Azure Well-Architected assessment for AI
// workloads: lenses and their questions, workload profiles, answers, the results of
// evaluation, and the application error type. It imports only the standard library;
// every other package depends on it, never the other way round.
package awaf

import (
	"fmt"
	"strings"
)

// PillarID names one of the six columns the assessment scores by.
type PillarID string

// The pillars of the framework, Responsible AI included as a sixth column.
const (
	Security      PillarID = "security"
	Reliability   PillarID = "reliability"
	Cost          PillarID = "cost"
	Operations    PillarID = "operations"
	Performance   PillarID = "performance"
	ResponsibleAI PillarID = "responsible-ai"
)

// Pillars lists every pillar in the framework's usual order.
var Pillars = []PillarID{Security, Reliability, Cost, Operations, Performance, ResponsibleAI}

// AreaID names an AI design area (application design, grounding data, ...).
type AreaID string

// Effort is how much work a practice takes to put in place.
type Effort string

// Efforts, cheapest first.
const (
	EffortLow    Effort = "low"
	EffortMedium Effort = "medium"
	EffortHigh   Effort = "high"
)

// Location points at a place in a source file. Line and Column start at 1; zero means
// unknown.
type Location struct {
	File   string `yaml:"file,omitempty" json:"file,omitempty"`
	Line   int    `yaml:"line,omitempty" json:"line,omitempty"`
	Column int    `yaml:"column,omitempty" json:"column,omitempty"`
}

// Lens is a body of questions that an assessment answers: the built-in Azure AI
// workload lens, or one a team wrote or imported.
type Lens struct {
	ID          string
	Name        string
	Version     string // semver, without a leading "v"
	Description string
	Pillars     []Pillar
	Areas       []Area
	Top10       []Top10Item
	Questions   []Question
	// Metadata keeps facts from an imported source that the format has no field for,
	// such as the original AWS pillar id, so an export can restore them.
	Metadata map[string]string
	Source   Location
}

// Pillar describes a pillar as a lens presents it.
type Pillar struct {
	ID          PillarID
	Name        string
	Description string
	Metadata    map[string]string
}

// Area describes a design area.
type Area struct {
	ID          AreaID
	Name        string
	Description string
	Links       []Link
}

// Top10Item is one entry of the framework's design checklist.
type Top10Item struct {
	ID          string
	Title       string
	Description string
	Links       []Link
}

// Question asks which practices a workload follows in one topic.
type Question struct {
	ID          string
	Title       string
	Description string
	Area        AreaID
	Pillars     []PillarID
	// Applies is a CEL expression over the workload profile; empty means always.
	Applies string
	// AppliesWhen is Applies compiled; nil means always.
	AppliesWhen ProfileCondition
	// NotApplicableReason explains, in the reader's words, why the question is skipped
	// when Applies is false.
	NotApplicableReason string
	// Changes says, for readers of release notes, what this version changed in the
	// question and why; empty when nothing changed.
	Changes string
	// Replaces lists ids of questions of earlier versions whose answers this question
	// takes over when answers are upgraded.
	Replaces  []string
	Choices   []Choice
	RiskRules []RiskRule
	Links     []Link
	Metadata  map[string]string
	Source    Location
}

// Choice is one practice a question offers, or the "none of these" answer.
type Choice struct {
	ID          string
	Title       string
	Description string
	// None marks the "none of these" answer: it carries no weight and excludes the
	// other choices.
	None bool
	// NotNeeded names the choice of the same question whose practice this choice
	// declares unnecessary for the workload ("not needed because ..."). The two
	// exclude each other, and an answer selecting it must give its reason in the note.
	NotNeeded string
	// Replaces lists choices of earlier versions whose selections this choice takes
	// over on upgrade: "choice_id" in the same question or "question_id/choice_id".
	Replaces []string
	Weight   int // 1 to 100; how much the practice matters within its question
	Effort   Effort
	Pillars  []PillarID
	Top10    []string
	// Applies narrows the choice to some profiles, like Question.Applies.
	Applies     string
	AppliesWhen ProfileCondition
	Guidance    Guidance
	Links       []Link
	Metadata    map[string]string
	Source      Location
}

// Guidance tells a team how to adopt a practice.
type Guidance struct {
	What   string `json:"what"`
	Why    string `json:"why"`
	Verify string `json:"verify"`
}

// Link points to documentation for depth.
type Link struct {
	Title string `json:"title,omitempty"`
	URL   string `json:"url"`
}

// RiskRule maps the selected choices of a question to a risk. Rules are tried in
// order; the first that matches decides.
type RiskRule struct {
	Condition string // CEL over choice ids, or "default"
	Risk      Risk
	Match     ChoiceCondition // compiled Condition
	Source    Location
}

// ChoiceCondition is a compiled risk-rule condition over the selected choice ids.
type ChoiceCondition interface {
	Match(selected map[string]bool) (bool, error)
}

// ProfileCondition is a compiled applicability condition over a workload profile.
type ProfileCondition interface {
	Match(p Profile) (bool, error)
}

// Question returns the question with the given id.
func (l *Lens) Question(id string) (*Question, bool) {
	for i := range l.Questions {
		if l.Questions[i].ID == id {
			return &l.Questions[i], true
		}
	}
	return nil, false
}

// Area returns the area with the given id.
func (l *Lens) Area(id AreaID) (*Area, bool) {
	for i := range l.Areas {
		if l.Areas[i].ID == id {
			return &l.Areas[i], true
		}
	}
	return nil, false
}

// Pillar returns the pillar with the given id.
func (l *Lens) Pillar(id PillarID) (*Pillar, bool) {
	for i := range l.Pillars {
		if l.Pillars[i].ID == id {
			return &l.Pillars[i], true
		}
	}
	return nil, false
}

// Choice returns the choice with the given id.
func (q *Question) Choice(id string) (*Choice, bool) {
	for i := range q.Choices {
		if q.Choices[i].ID == id {
			return &q.Choices[i], true
		}
	}
	return nil, false
}

// HasPillar reports whether the choice serves p.
func (c *Choice) HasPillar(p PillarID) bool {
	for _, x := range c.Pillars {
		if x == p {
			return true
		}
	}
	return false
}

// IsPractice reports whether the choice is a practice a team can adopt: neither "none
// of these" nor a "not needed" declaration.
func (c *Choice) IsPractice() bool { return !c.None && c.NotNeeded == "" }

// SelectionProblems lists what is wrong, for the lens, with selecting ids on q with
// the given note: a "not needed" choice selected together with the practice it stands
// in for, or selected without its reason in the note. Unknown ids and "none of these"
// are checked by the callers, which know where the answer came from.
func (q *Question) SelectionProblems(ids []string, note string) []string {
	var out []string
	picked := make(map[string]bool, len(ids))
	for _, id := range ids {
		picked[id] = true
	}
	for _, id := range ids {
		c, ok := q.Choice(id)
		if !ok || c.NotNeeded == "" {
			continue
		}
		if picked[c.NotNeeded] {
			out = append(out, fmt.Sprintf("question %s: %s says %s is not needed, so the two cannot both be selected", q.ID, c.ID, c.NotNeeded))
		}
		if strings.TrimSpace(note) == "" {
			out = append(out, fmt.Sprintf("question %s: %s (not needed) needs its reason in the answer's note: why %s does not apply to this workload", q.ID, c.ID, c.NotNeeded))
		}
	}
	return out
}
