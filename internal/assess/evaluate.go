// Package assess turns a lens, a workload profile and its answers into risks, scores,
// Top 10 status and a remediation plan ranked by business impact. Everything here is a
// pure function of its inputs: no I/O, no clock, no randomness.
package assess

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/awaf/awaf"
)

// Evaluate scores an assessment against its lens. It fails when an answer names a
// question or choice the lens does not have, or a condition cannot be evaluated.
func Evaluate(l *awaf.Lens, a *awaf.Assessment) (*awaf.Result, error) {
	r := &awaf.Result{
		Lens:     awaf.LensRef{ID: l.ID, Version: l.Version},
		Workload: a.Workload,
		Profile:  a.Profile,
	}
	answers := make(map[string]*awaf.Answer, len(a.Answers))
	for i := range a.Answers {
		ans := &a.Answers[i]
		q, ok := l.Question(ans.Question)
		if !ok {
			return nil, awaf.Errorf(awaf.EINVALID, "answer to unknown question %q (lens %s %s)", ans.Question, l.ID, l.Version)
		}
		for _, id := range ans.Selected {
			if _, ok := q.Choice(id); !ok {
				return nil, awaf.Errorf(awaf.EINVALID, "question %s has no choice %q", q.ID, id)
			}
		}
		answers[ans.Question] = ans
	}

	evals := make([]questionEval, 0, len(l.Questions))
	for i := range l.Questions {
		q := &l.Questions[i]
		e, err := evalQuestion(q, answers[q.ID], a.Profile)
		if err != nil {
			return nil, err
		}
		evals = append(evals, e)
		r.Questions = append(r.Questions, e.result)
	}

	r.Overall = summarize(evals, func(questionEval) bool { return true }, nil)
	for _, p := range l.Pillars {
		id := p.ID
		s := summarize(evals,
			func(e questionEval) bool { return hasPillar(e.q.Pillars, id) },
			func(c *awaf.Choice) bool { return c.HasPillar(id) })
		r.Pillars = append(r.Pillars, awaf.PillarScore{Pillar: id, Name: p.Name, Score: s})
	}
	for _, ar := range l.Areas {
		id := ar.ID
		s := summarize(evals, func(e questionEval) bool { return e.q.Area == id }, nil)
		r.Areas = append(r.Areas, awaf.AreaScore{Area: id, Name: ar.Name, Score: s})
	}
	r.Top10 = top10(l, evals)
	r.Plan = Plan(l, evals, a.Profile)
	return r, nil
}

// questionEval is the working state of one question: which choices apply and which
// are selected.
type questionEval struct {
	q          *awaf.Question
	result     awaf.QuestionResult
	applicable bool // the question counts in scores
	answered   bool
	// practices are the practices that apply to the profile, those declared not
	// needed included; choices are the ones scored (practices minus those declared
	// not needed).
	practices []*awaf.Choice
	choices   []*awaf.Choice
	selected  map[string]bool
	notNeeded map[string]bool // practices the answer declares not needed, with a reason
	// countsForTop10 is set when the question's practices count in the Top 10 even
	// though the question is not scored: the team marked it not applicable for a
	// reason other than "out of scope", so what the items ask for is not covered.
	countsForTop10 bool
}

func evalQuestion(q *awaf.Question, ans *awaf.Answer, p awaf.Profile) (questionEval, error) {
	e := questionEval{q: q, selected: map[string]bool{}, notNeeded: map[string]bool{}}
	e.result = awaf.QuestionResult{Question: q.ID, Title: q.Title, Area: q.Area, Pillars: q.Pillars}
	if ans != nil {
		e.result.Note = ans.Note
		e.result.Evidence = ans.Evidence
	}
	ok, err := applies(q.AppliesWhen, p)
	if err != nil {
		return e, fmt.Errorf("question %s: %w", q.ID, err)
	}
	if !ok {
		e.result.Risk = awaf.RiskNotApplicable
		e.result.Reason = awaf.NAProfile
		return e, nil
	}
	// met is what the risk rules read: the selected choices, the practices declared
	// not needed, and the practices that do not apply to this profile (a rule such as
	// "tr_citations && ..." must not fail a workload the practice is not for).
	met := map[string]bool{}
	for i := range q.Choices {
		c := &q.Choices[i]
		if !c.IsPractice() {
			continue
		}
		ok, err := applies(c.AppliesWhen, p)
		if err != nil {
			return e, fmt.Errorf("question %s: choice %s: %w", q.ID, c.ID, err)
		}
		if ok {
			e.practices = append(e.practices, c)
		} else {
			met[c.ID] = true
		}
	}
	if ans != nil && ans.NotApplicable != nil {
		e.result.Risk = awaf.RiskNotApplicable
		e.result.Reason = ans.NotApplicable.Reason
		e.countsForTop10 = ans.NotApplicable.Reason != awaf.NAOutOfScope
		return e, nil
	}
	e.applicable = true
	if ans == nil || len(ans.Selected) == 0 {
		e.result.Risk = awaf.RiskUnanswered
		e.choices = e.practices
		for _, c := range e.choices {
			e.result.Missing = append(e.result.Missing, c.ID)
		}
		return e, nil
	}
	e.answered = true
	for _, id := range ans.Selected {
		e.selected[id] = true
		met[id] = true
	}
	// A "not needed" choice takes its practice out of the question when the answer
	// gives the reason and does not also claim the practice; validation refuses the
	// other cases, and evaluation does not reward them.
	if reason := strings.TrimSpace(ans.Note); reason != "" {
		for _, id := range ans.Selected {
			c, ok := q.Choice(id)
			if !ok || c.NotNeeded == "" || e.selected[c.NotNeeded] {
				continue
			}
			practice, ok := q.Choice(c.NotNeeded)
			if !ok || !slices.Contains(e.practices, practice) {
				continue
			}
			e.notNeeded[practice.ID] = true
			met[practice.ID] = true
			e.result.NotNeeded = append(e.result.NotNeeded, awaf.NotNeededResult{Choice: c.ID, Practice: practice.ID, Title: practice.Title, Reason: reason})
		}
	}
	for _, c := range e.practices {
		if !e.notNeeded[c.ID] {
			e.choices = append(e.choices, c)
		}
	}
	e.result.Selected = append([]string(nil), ans.Selected...)
	got, total := 0, 0
	for _, c := range e.choices {
		total += c.Weight
		if e.selected[c.ID] {
			got += c.Weight
		} else {
			e.result.Missing = append(e.result.Missing, c.ID)
		}
	}
	e.result.Score = percent(got, total)
	if total == 0 && len(e.result.NotNeeded) > 0 {
		e.result.Score = 100 // every practice that applies is declared not needed
	}
	e.result.Contradicted = contradicted(ans)
	risk, err := riskOf(q, met, e.result.Score)
	if err != nil {
		return e, err
	}
	e.result.Risk = risk
	return e, nil
}

// contradicted lists the selected choices that some failing evidence disputes, in
// selection order.
func contradicted(ans *awaf.Answer) []string {
	var out []string
	for _, id := range ans.Selected {
		for _, e := range ans.Evidence {
			if e.Choice == id && !e.Passed {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// evidenceFor returns the evidence recorded on one choice.
func evidenceFor(all []awaf.Evidence, choice string) []awaf.Evidence {
	var out []awaf.Evidence
	for _, e := range all {
		if e.Choice == choice {
			out = append(out, e)
		}
	}
	return out
}

func applies(c awaf.ProfileCondition, p awaf.Profile) (bool, error) {
	if c == nil {
		return true, nil
	}
	return c.Match(p)
}

// riskOf runs the question's rules in order; the first match decides. Without rules,
// or when none matches, the score decides.
func riskOf(q *awaf.Question, selected map[string]bool, score float64) (awaf.Risk, error) {
	for i, rule := range q.RiskRules {
		if rule.Match == nil {
			return "", fmt.Errorf("question %s: risk rule %d is not compiled", q.ID, i+1)
		}
		ok, err := rule.Match.Match(selected)
		if err != nil {
			return "", fmt.Errorf("question %s: risk rule %d: %w", q.ID, i+1, err)
		}
		if ok {
			return rule.Risk, nil
		}
	}
	switch {
	case score >= 100:
		return awaf.RiskNone, nil
	case score >= 50:
		return awaf.RiskMedium, nil
	}
	return awaf.RiskHigh, nil
}

// summarize scores the questions that in selects. When choiceIn is set, only the
// choices it accepts count: that is how a pillar is scored from the practices that
// serve it. Unanswered applicable questions count as zero, so answering can only add.
func summarize(evals []questionEval, in func(questionEval) bool, choiceIn func(*awaf.Choice) bool) awaf.Score {
	var s awaf.Score
	got, total := 0, 0
	for _, e := range evals {
		if !in(e) || !e.applicable {
			continue
		}
		s.Questions++
		if e.answered {
			s.Answered++
		} else {
			s.Unanswered++
		}
		switch e.result.Risk {
		case awaf.RiskHigh:
			s.High++
		case awaf.RiskMedium:
			s.Medium++
		}
		for _, c := range e.choices {
			if choiceIn != nil && !choiceIn(c) {
				continue
			}
			total += c.Weight
			if e.selected[c.ID] {
				got += c.Weight
			}
		}
	}
	s.Score = percent(got, total)
	s.Band = awaf.BandOf(s.Score)
	if s.Questions == 0 {
		s.Band = awaf.BandNotAssessed
	}
	return s
}

// percent returns got/total as a percentage with one decimal; nothing to score is 0.
func percent(got, total int) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(got)*1000/float64(total)) / 10
}

func hasPillar(ps []awaf.PillarID, id awaf.PillarID) bool {
	for _, p := range ps {
		if p == id {
			return true
		}
	}
	return false
}

// top10 rates each checklist item by the practices that support it. An item is met
// only when every supporting practice that applies to the workload is in place or
// declared not needed with a reason. Practices of unanswered questions, and of
// questions the team marked not applicable for any reason but "out of scope", count as
// not in place: nothing says the item is covered. Questions the profile rules out, or
// that the team marked out of scope, and practices that do not apply to the profile,
// do not count.
func top10(l *awaf.Lens, evals []questionEval) []awaf.Top10Result {
	out := make([]awaf.Top10Result, 0, len(l.Top10))
	for _, item := range l.Top10 {
		t := awaf.Top10Result{ID: item.ID, Title: item.Title}
		for _, e := range evals {
			if !e.applicable && !e.countsForTop10 {
				continue
			}
			for _, c := range e.practices {
				if !slices.Contains(c.Top10, item.ID) {
					continue
				}
				t.Total++
				switch {
				case e.notNeeded[c.ID]:
					t.Met++
					t.NotNeeded++
				case e.selected[c.ID]:
					t.Met++
				}
			}
		}
		switch {
		case t.Total == 0:
			t.Status = awaf.Top10NotApplicable
		case t.Met == t.Total:
			t.Status = awaf.Top10Met
		case t.Met > 0:
			t.Status = awaf.Top10Partial
		default:
			t.Status = awaf.Top10Missing
		}
		out = append(out, t)
	}
	return out
}
