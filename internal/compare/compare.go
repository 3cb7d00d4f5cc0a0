// Package compare finds what changed between two evaluations of a workload, such as two
// milestones: score deltas and band changes per pillar, design area and overall, risks
// added, resolved or changed per question, recommendations added and resolved, Top 10
// status changes, and questions that only one lens version has. It is pure: two
// results in, one Comparison out, and renderers for text, Markdown and JSON.
package compare

import (
	"math"
	"slices"

	"github.com/awaf/awaf"
)

// Side names one of the two evaluations.
type Side struct {
	Name string       `json:"name"` // a file name, a milestone name, "current answers"
	Lens awaf.LensRef `json:"lens"`
}

// Comparison is everything that changed from Old to New.
type Comparison struct {
	Old     Side         `json:"old"`
	New     Side         `json:"new"`
	Overall ScoreDelta   `json:"overall"`
	Pillars []ScoreDelta `json:"pillars"`
	Areas   []ScoreDelta `json:"areas"`
	// Risks lists questions whose risk changed, in the new lens's question order, then
	// questions only the old lens has.
	Risks []RiskChange `json:"risks"`
	// Added and Resolved are recommendations present in only one of the two plans.
	Added    []RecChange   `json:"recommendationsAdded"`
	Resolved []RecChange   `json:"recommendationsResolved"`
	Top10    []Top10Change `json:"top10"`
	// LensChanged is set when the two sides were scored against different lens ids or
	// versions; OnlyOld and OnlyNew list the questions one lens has and the other lacks.
	LensChanged bool          `json:"lensChanged"`
	OnlyOld     []QuestionRef `json:"questionsOnlyInOld"`
	OnlyNew     []QuestionRef `json:"questionsOnlyInNew"`
}

// ScoreDelta is one score before and after. Delta is New minus Old, rounded to one
// decimal, and zero when either side was not assessed (no applicable question): a
// pillar that appears is not an improvement of 70 points.
type ScoreDelta struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Old         awaf.Score `json:"old"`
	New         awaf.Score `json:"new"`
	Delta       float64    `json:"delta"`
	BandChanged bool       `json:"bandChanged"`
	// Comparable is false when either side has no applicable question.
	Comparable bool `json:"comparable"`
}

// Changed reports whether anything a reader would notice differs.
func (d ScoreDelta) Changed() bool {
	return d.Delta != 0 || d.BandChanged || d.Old.High != d.New.High || d.Old.Medium != d.New.Medium ||
		d.Old.Questions != d.New.Questions || d.Old.Answered != d.New.Answered
}

// RiskKind is what happened to a question's risk.
type RiskKind string

// Kinds of risk change.
const (
	// RiskAdded: a high or medium risk that was not there (the question was fine,
	// unanswered, not applicable, or not in the old lens).
	RiskAdded RiskKind = "added"
	// RiskResolved: a high or medium risk answered away; the question now has none.
	RiskResolved RiskKind = "resolved"
	// RiskChanged: high became medium or medium became high.
	RiskChanged RiskKind = "changed"
	// RiskRemoved: the risk left the assessment without being fixed: the question was
	// marked not applicable, its answer was cleared, or the new lens dropped it.
	RiskRemoved RiskKind = "removed"
)

// RiskChange is one question whose high or medium risk appeared, went or moved.
type RiskChange struct {
	Kind     RiskKind    `json:"kind"`
	Question string      `json:"question"`
	Title    string      `json:"title"`
	Area     awaf.AreaID `json:"area"`
	Old      awaf.Risk   `json:"old,omitempty"` // empty when the old lens lacks the question
	New      awaf.Risk   `json:"new,omitempty"` // empty when the new lens lacks it
	// Reason is the not-applicable reason when the question was marked so.
	Reason awaf.NAReason `json:"reason,omitempty"`
}

// Better reports whether the change lowers the workload's risk.
func (c RiskChange) Better() bool {
	switch c.Kind {
	case RiskResolved, RiskRemoved:
		return true
	case RiskChanged:
		return c.Old == awaf.RiskHigh
	}
	return false
}

// RecChange is a recommendation that one plan has and the other lacks, with why.
type RecChange struct {
	awaf.Recommendation
	// Because says why it appeared or went: "adopted", "not applicable", "unanswered",
	// "profile", "not in lens", "dropped", "newly answered", "risk".
	Because string `json:"because"`
}

// Top10Change is a Top 10 item whose status moved.
type Top10Change struct {
	ID    string           `json:"id"`
	Title string           `json:"title"`
	Old   awaf.Top10Status `json:"old,omitempty"`
	New   awaf.Top10Status `json:"new,omitempty"`
}

// QuestionRef names a question.
type QuestionRef struct {
	Question string      `json:"question"`
	Title    string      `json:"title"`
	Area     awaf.AreaID `json:"area"`
}

// Empty reports whether nothing changed: no score, risk, plan, Top 10 or lens
// difference.
func (c *Comparison) Empty() bool {
	if c.Overall.Changed() || c.LensChanged {
		return false
	}
	for _, ds := range [][]ScoreDelta{c.Pillars, c.Areas} {
		for _, d := range ds {
			if d.Changed() {
				return false
			}
		}
	}
	return len(c.Risks) == 0 && len(c.Added) == 0 && len(c.Resolved) == 0 && len(c.Top10) == 0 &&
		len(c.OnlyOld) == 0 && len(c.OnlyNew) == 0
}

// Regressed reports whether New is worse than Old on the things a CI gate watches: the
// overall score fell, or a risk was added or raised.
func (c *Comparison) Regressed() bool {
	if c.Overall.Comparable && c.Overall.Delta < 0 {
		return true
	}
	for _, r := range c.Risks {
		if !r.Better() {
			return true
		}
	}
	return false
}

// Compare compares two results. Names label the sides in reports.
func Compare(oldName string, old *awaf.Result, newName string, new *awaf.Result) *Comparison {
	c := &Comparison{
		Old:         Side{Name: oldName, Lens: old.Lens},
		New:         Side{Name: newName, Lens: new.Lens},
		Overall:     delta("overall", "Overall", old.Overall, new.Overall),
		LensChanged: old.Lens != new.Lens,
		Pillars:     []ScoreDelta{},
		Areas:       []ScoreDelta{},
		Risks:       []RiskChange{},
		Added:       []RecChange{},
		Resolved:    []RecChange{},
		Top10:       []Top10Change{},
		OnlyOld:     []QuestionRef{},
		OnlyNew:     []QuestionRef{},
	}
	c.Pillars = pillars(old.Pillars, new.Pillars)
	c.Areas = areas(old.Areas, new.Areas)
	c.compareQuestions(old, new)
	c.comparePlans(old, new)
	c.compareTop10(old.Top10, new.Top10)
	return c
}

func delta(id, name string, old, new awaf.Score) ScoreDelta {
	d := ScoreDelta{ID: id, Name: name, Old: old, New: new, BandChanged: old.Band != new.Band}
	d.Comparable = old.Questions > 0 && new.Questions > 0 && old.Band != awaf.BandNotAssessed && new.Band != awaf.BandNotAssessed
	if d.Comparable {
		d.Delta = math.Round((new.Score-old.Score)*10) / 10
	}
	return d
}

// notAssessed is the score of a pillar or area one side does not have at all.
var notAssessed = awaf.Score{Band: awaf.BandNotAssessed}

// pillars pairs pillar scores by id, in the new side's order, then any only the old has.
func pillars(old, new []awaf.PillarScore) []ScoreDelta {
	out := []ScoreDelta{}
	seen := map[awaf.PillarID]bool{}
	for _, n := range new {
		o := notAssessed
		if i := slices.IndexFunc(old, func(p awaf.PillarScore) bool { return p.Pillar == n.Pillar }); i >= 0 {
			o = old[i].Score
		}
		seen[n.Pillar] = true
		out = append(out, delta(string(n.Pillar), n.Name, o, n.Score))
	}
	for _, o := range old {
		if !seen[o.Pillar] {
			out = append(out, delta(string(o.Pillar), o.Name, o.Score, notAssessed))
		}
	}
	return out
}

func areas(old, new []awaf.AreaScore) []ScoreDelta {
	out := []ScoreDelta{}
	seen := map[awaf.AreaID]bool{}
	for _, n := range new {
		o := notAssessed
		if i := slices.IndexFunc(old, func(a awaf.AreaScore) bool { return a.Area == n.Area }); i >= 0 {
			o = old[i].Score
		}
		seen[n.Area] = true
		out = append(out, delta(string(n.Area), n.Name, o, n.Score))
	}
	for _, o := range old {
		if !seen[o.Area] {
			out = append(out, delta(string(o.Area), o.Name, o.Score, notAssessed))
		}
	}
	return out
}

func serious(r awaf.Risk) bool { return r == awaf.RiskHigh || r == awaf.RiskMedium }

func (c *Comparison) compareQuestions(old, new *awaf.Result) {
	oldQ := map[string]awaf.QuestionResult{}
	for _, q := range old.Questions {
		oldQ[q.Question] = q
	}
	newQ := map[string]bool{}
	for _, n := range new.Questions {
		newQ[n.Question] = true
		o, ok := oldQ[n.Question]
		if !ok {
			c.OnlyNew = append(c.OnlyNew, QuestionRef{Question: n.Question, Title: n.Title, Area: n.Area})
		}
		change := RiskChange{Question: n.Question, Title: n.Title, Area: n.Area, Old: o.Risk, New: n.Risk}
		switch {
		case serious(n.Risk) && !serious(o.Risk):
			change.Kind = RiskAdded
		case serious(o.Risk) && n.Risk == awaf.RiskNone:
			change.Kind = RiskResolved
		case serious(o.Risk) && !serious(n.Risk):
			change.Kind, change.Reason = RiskRemoved, n.Reason
		case serious(o.Risk) && o.Risk != n.Risk:
			change.Kind = RiskChanged
		default:
			continue
		}
		c.Risks = append(c.Risks, change)
	}
	for _, o := range old.Questions {
		if newQ[o.Question] {
			continue
		}
		c.OnlyOld = append(c.OnlyOld, QuestionRef{Question: o.Question, Title: o.Title, Area: o.Area})
		if serious(o.Risk) {
			c.Risks = append(c.Risks, RiskChange{Kind: RiskRemoved, Question: o.Question, Title: o.Title, Area: o.Area, Old: o.Risk})
		}
	}
}

type recKey struct{ question, choice string }

func (c *Comparison) comparePlans(old, new *awaf.Result) {
	inOld := map[recKey]bool{}
	for _, r := range old.Plan {
		inOld[recKey{r.Question, r.Choice}] = true
	}
	inNew := map[recKey]bool{}
	for _, r := range new.Plan {
		k := recKey{r.Question, r.Choice}
		inNew[k] = true
		if !inOld[k] {
			c.Added = append(c.Added, RecChange{Recommendation: r, Because: whyAdded(old, r)})
		}
	}
	for _, r := range old.Plan {
		if !inNew[recKey{r.Question, r.Choice}] {
			c.Resolved = append(c.Resolved, RecChange{Recommendation: r, Because: whyResolved(new, r)})
		}
	}
}

func question(r *awaf.Result, id string) (awaf.QuestionResult, bool) {
	i := slices.IndexFunc(r.Questions, func(q awaf.QuestionResult) bool { return q.Question == id })
	if i < 0 {
		return awaf.QuestionResult{}, false
	}
	return r.Questions[i], true
}

// whyResolved says why a practice left the plan, from the new side's answer.
func whyResolved(new *awaf.Result, rec awaf.Recommendation) string {
	q, ok := question(new, rec.Question)
	switch {
	case !ok:
		return "not in lens"
	case q.Risk == awaf.RiskNotApplicable:
		return "not applicable"
	case q.Risk == awaf.RiskUnanswered:
		return "unanswered"
	case slices.Contains(q.Selected, rec.Choice):
		return "adopted"
	}
	return "profile" // answered, not selected, yet not recommended: the choice no longer applies
}

// whyAdded says why a practice joined the plan, from the old side's answer.
func whyAdded(old *awaf.Result, rec awaf.Recommendation) string {
	q, ok := question(old, rec.Question)
	switch {
	case !ok:
		return "not in lens"
	case q.Risk == awaf.RiskNotApplicable:
		return "now applicable"
	case q.Risk == awaf.RiskUnanswered:
		return "newly answered"
	case slices.Contains(q.Selected, rec.Choice):
		return "dropped"
	}
	return "profile"
}

func (c *Comparison) compareTop10(old, new []awaf.Top10Result) {
	oldS := map[string]awaf.Top10Status{}
	for _, t := range old {
		oldS[t.ID] = t.Status
	}
	seen := map[string]bool{}
	for _, n := range new {
		seen[n.ID] = true
		if o := oldS[n.ID]; o != n.Status {
			c.Top10 = append(c.Top10, Top10Change{ID: n.ID, Title: n.Title, Old: o, New: n.Status})
		}
	}
	for _, o := range old {
		if !seen[o.ID] {
			c.Top10 = append(c.Top10, Top10Change{ID: o.ID, Title: o.Title, Old: o.Status})
		}
	}
}
