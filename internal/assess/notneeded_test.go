package assess_test

import (
	"slices"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

// notNeededLens has a retrieval question whose trimming may be declared not needed,
// a risk rule on a practice that applies only to generative workloads, and a Top 10
// item that two practices support.
const notNeededLens = `id: nn
name: Not needed
version: 1.0.0
pillars: [{id: security, name: Security}, {id: responsible-ai, name: RAI}]
areas: [{id: app, name: App}]
top10: [{id: grounding, title: Grounding data is protected}]
questions:
  - id: retrieval
    title: How is retrieval secured?
    area: app
    pillars: [security]
    choices:
      - {id: gr_trimming, title: Security trimming, weight: 60, effort: medium, pillars: [security], top10: [grounding], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/b"}]}
      - {id: gr_filter, title: Filters, weight: 40, effort: low, pillars: [security], top10: [grounding], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/c"}]}
      - {id: gr_trimming_not_needed, title: "Not needed: every document is public to every user", notNeeded: gr_trimming, guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/d"}]}
      - {id: gr_none, title: None of these, none: true}
    risk:
      - {when: "gr_none || !gr_trimming", risk: high}
      - {when: default, risk: none}
  - id: transparency
    title: Are answers explained?
    area: app
    pillars: [responsible-ai]
    choices:
      - {id: tr_citations, title: Citations, applies: "'generative' in kinds", weight: 50, effort: low, pillars: [responsible-ai], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/e"}]}
      - {id: tr_notice, title: AI notice, weight: 50, effort: low, pillars: [responsible-ai], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/f"}]}
      - {id: tr_none, title: None of these, none: true}
    risk:
      - {when: "tr_citations && tr_notice", risk: none}
      - {when: default, risk: high}
`

func TestNotNeeded(t *testing.T) {
	l, err := lens.Parse("nn.yaml", []byte(notNeededLens))
	if err != nil {
		t.Fatal(err)
	}
	ml := awaf.Profile{Kinds: []awaf.Kind{awaf.KindTraining}}
	gen := awaf.Profile{Kinds: []awaf.Kind{awaf.KindGenerative}}
	tests := []struct {
		name      string
		profile   awaf.Profile
		answer    awaf.Answer
		risk      awaf.Risk
		score     float64
		missing   []string
		notNeeded []string // practices reported not needed
		top10     awaf.Top10Status
	}{
		{
			name:    "trimming missing is high",
			profile: gen, answer: awaf.Answer{Question: "retrieval", Selected: []string{"gr_filter"}},
			risk: awaf.RiskHigh, score: 40, missing: []string{"gr_trimming"}, top10: awaf.Top10Partial,
		},
		{
			name:    "declared not needed with a reason leaves the total and meets the rule",
			profile: gen, answer: awaf.Answer{Question: "retrieval", Selected: []string{"gr_filter", "gr_trimming_not_needed"}, Note: "The index holds the public product manual only."},
			risk: awaf.RiskNone, score: 100, notNeeded: []string{"gr_trimming"}, top10: awaf.Top10Met,
		},
		{
			name:    "declared not needed alone",
			profile: gen, answer: awaf.Answer{Question: "retrieval", Selected: []string{"gr_trimming_not_needed"}, Note: "Public manual."},
			risk: awaf.RiskNone, score: 0, missing: []string{"gr_filter"}, notNeeded: []string{"gr_trimming"}, top10: awaf.Top10Partial,
		},
		{
			name:    "declared not needed without a reason counts nothing",
			profile: gen, answer: awaf.Answer{Question: "retrieval", Selected: []string{"gr_filter", "gr_trimming_not_needed"}},
			risk: awaf.RiskHigh, score: 40, missing: []string{"gr_trimming"}, top10: awaf.Top10Partial,
		},
		{
			name:    "declared not needed next to the practice counts as the practice only",
			profile: gen, answer: awaf.Answer{Question: "retrieval", Selected: []string{"gr_trimming", "gr_trimming_not_needed"}, Note: "both"},
			risk: awaf.RiskNone, score: 60, missing: []string{"gr_filter"}, top10: awaf.Top10Partial,
		},
		{
			name:    "a practice that does not apply to the profile counts as met in rules",
			profile: ml, answer: awaf.Answer{Question: "transparency", Selected: []string{"tr_notice"}},
			risk: awaf.RiskNone, score: 100, top10: awaf.Top10Missing,
		},
		{
			name:    "the same answer on a generative workload is high",
			profile: gen, answer: awaf.Answer{Question: "transparency", Selected: []string{"tr_notice"}},
			risk: awaf.RiskHigh, score: 50, missing: []string{"tr_citations"}, top10: awaf.Top10Missing,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustEval(t, l, &awaf.Assessment{Profile: tt.profile, Answers: []awaf.Answer{tt.answer}})
			q := question(r, tt.answer.Question)
			if q.Risk != tt.risk || q.Score != tt.score || !slices.Equal(q.Missing, tt.missing) {
				t.Errorf("risk %s score %v missing %v; want %s %v %v", q.Risk, q.Score, q.Missing, tt.risk, tt.score, tt.missing)
			}
			var nn []string
			for _, n := range q.NotNeeded {
				nn = append(nn, n.Practice)
				if n.Reason != tt.answer.Note || n.Title == "" || n.Choice == "" {
					t.Errorf("not needed %+v: want the practice's title and the note as reason", n)
				}
			}
			if !slices.Equal(nn, tt.notNeeded) {
				t.Errorf("not needed %v, want %v", nn, tt.notNeeded)
			}
			if got := r.Top10[0].Status; got != tt.top10 {
				t.Errorf("top10 %s (%d/%d), want %s", got, r.Top10[0].Met, r.Top10[0].Total, tt.top10)
			}
			for _, rec := range r.Plan {
				if slices.Contains(nn, rec.Choice) || rec.Choice == "gr_trimming_not_needed" {
					t.Errorf("plan recommends %s", rec.Choice)
				}
			}
		})
	}
}

// TestTop10NotApplicableAnswers: a question the team rules out of scope leaves the
// Top 10 item alone; one set aside for business priorities leaves it not covered.
func TestTop10NotApplicableAnswers(t *testing.T) {
	l, err := lens.Parse("nn.yaml", []byte(notNeededLens))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		reason awaf.NAReason
		want   awaf.Top10Status
	}{
		{awaf.NAOutOfScope, awaf.Top10NotApplicable},
		{awaf.NABusinessPriorities, awaf.Top10Missing},
		{awaf.NAOther, awaf.Top10Missing},
	} {
		a := &awaf.Assessment{Answers: []awaf.Answer{{Question: "retrieval", NotApplicable: &awaf.NotApplicable{Reason: tt.reason}}}}
		if got := mustEval(t, l, a).Top10[0].Status; got != tt.want {
			t.Errorf("%s: top10 %s, want %s", tt.reason, got, tt.want)
		}
	}
}
