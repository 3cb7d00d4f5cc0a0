// Package assess turns a lens, a workload profile and its answers into risks, scores,
// Top 10 status and a remediation plan ranked by business impact. Everything here is a
// pure function of its inputs: no I/O, no clock, no randomness.
package assess

import (
	"fmt"
	"math"

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
	choices    []*awaf.Choice // applicable practices, "none of these" excluded
	selected   map[string]bool
}

func evalQuestion(q *awaf.Question, ans *awaf.Answer, p awaf.Profile) (questionEval, error) {
	e := questionEval{q: q, selected: map[string]bool{}}
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
	if ans != nil && ans.NotApplicable != nil {
		e.result.Risk = awaf.RiskNotApplicable
		e.result.Reason = ans.NotApplicable.Reason
		return e, nil
	}
	e.applicable = true
	for i := range q.Choices {
		c := &q.Choices[i]
		if c.None {
			continue
		}
		ok, err := applies(c.AppliesWhen, p)
		if err != nil {
			return e, fmt.Errorf("question %s: choice %s: %w", q.ID, c.ID, err)
		}
		if ok {
			e.choices = append(e.choices, c)
		}
	}
	if ans == nil || len(ans.Selected) == 0 {
		e.result.Risk = awaf.RiskUnanswered
		for _, c := range e.choices {
			e.result.Missing = append(e.result.Missing, c.ID)
		}
		return e, nil
	}
	e.answered = true
	for _, id := range ans.Selected {
		e.selected[id] = true
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
	e.result.Contradicted = contradicted(ans)
	risk, err := riskOf(q, e.selected, e.result.Score)
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

// top10 rates each checklist item by the applicable practices that support it.
func top10(l *awaf.Lens, evals []questionEval) []awaf.Top10Result {
	out := make([]awaf.Top10Result, 0, len(l.Top10))
	for _, item := range l.Top10 {
		t := awaf.Top10Result{ID: item.ID, Title: item.Title}
		for _, e := range evals {
			if !e.applicable {
				continue
			}
			for _, c := range e.choices {
				for _, id := range c.Top10 {
					if id != item.ID {
						continue
					}
					t.Total++
					if e.selected[c.ID] {
						t.Met++
					}
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
