package assess_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
)

func mustSmall(tb testing.TB) *awaf.Lens {
	tb.Helper()
	l, err := lens.LoadFile("../lens/testdata/small.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

var genProfile = awaf.Profile{
	Kinds:       []awaf.Kind{awaf.KindGenerative},
	Criticality: awaf.BusinessCritical,
	Sensitivity: awaf.Confidential,
	Exposure:    awaf.ExposureExternal,
	Priorities:  []awaf.PillarID{awaf.Security, awaf.Reliability},
}

func mustEval(tb testing.TB, l *awaf.Lens, a *awaf.Assessment) *awaf.Result {
	tb.Helper()
	r, err := assess.Evaluate(l, a)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func question(r *awaf.Result, id string) awaf.QuestionResult {
	for _, q := range r.Questions {
		if q.Question == id {
			return q
		}
	}
	panic("no question " + id)
}

func pillar(r *awaf.Result, id awaf.PillarID) awaf.Score {
	for _, p := range r.Pillars {
		if p.Pillar == id {
			return p.Score
		}
	}
	panic("no pillar")
}

func TestEvaluateQuestions(t *testing.T) {
	l := mustSmall(t)
	tests := []struct {
		name    string
		profile awaf.Profile
		answers []awaf.Answer
		id      string
		risk    awaf.Risk
		score   float64
		reason  awaf.NAReason
		missing []string
	}{
		{name: "unanswered", profile: genProfile, id: "identity", risk: awaf.RiskUnanswered, missing: []string{"id_no_keys", "id_managed_identity", "id_retry"}},
		{name: "none of these", profile: genProfile, answers: []awaf.Answer{{Question: "identity", Selected: []string{"id_none"}}},
			id: "identity", risk: awaf.RiskHigh, score: 0, missing: []string{"id_no_keys", "id_managed_identity", "id_retry"}},
		{name: "rule: none when both key practices", profile: genProfile,
			answers: []awaf.Answer{{Question: "identity", Selected: []string{"id_no_keys", "id_managed_identity"}}},
			id:      "identity", risk: awaf.RiskNone, score: 87.5, missing: []string{"id_retry"}},
		{name: "rule: high without the first practice", profile: genProfile,
			answers: []awaf.Answer{{Question: "identity", Selected: []string{"id_managed_identity", "id_retry"}}},
			id:      "identity", risk: awaf.RiskHigh, score: 50, missing: []string{"id_no_keys"}},
		{name: "rule: default", profile: genProfile,
			answers: []awaf.Answer{{Question: "identity", Selected: []string{"id_no_keys"}}},
			id:      "identity", risk: awaf.RiskMedium, score: 50, missing: []string{"id_managed_identity", "id_retry"}},
		{name: "no rules: score decides", profile: genProfile,
			answers: []awaf.Answer{{Question: "safety", Selected: []string{"sf_filters"}}},
			id:      "safety", risk: awaf.RiskMedium, score: 60, missing: []string{"sf_shields"}},
		{name: "not applicable by profile", profile: awaf.Profile{Kinds: []awaf.Kind{awaf.KindTraining}},
			answers: []awaf.Answer{{Question: "grounding", Selected: []string{"gr_alias"}}},
			id:      "grounding", risk: awaf.RiskNotApplicable, reason: awaf.NAProfile},
		{name: "not applicable by choice", profile: genProfile,
			answers: []awaf.Answer{{Question: "grounding", NotApplicable: &awaf.NotApplicable{Reason: awaf.NABusinessPriorities}}},
			id:      "grounding", risk: awaf.RiskNotApplicable, reason: awaf.NABusinessPriorities},
		{name: "choice applicability narrows the denominator", profile: genProfile,
			answers: []awaf.Answer{{Question: "grounding", Selected: []string{"gr_alias", "gr_purge"}}},
			id:      "grounding", risk: awaf.RiskNone, score: 100},
		{name: "agents bring the agent-only practice in", profile: awaf.Profile{Kinds: []awaf.Kind{awaf.KindAgents}},
			answers: []awaf.Answer{{Question: "grounding", Selected: []string{"gr_alias", "gr_purge"}}},
			id:      "grounding", risk: awaf.RiskMedium, score: 83.3, missing: []string{"gr_agents"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustEval(t, l, &awaf.Assessment{Profile: tt.profile, Answers: tt.answers})
			q := question(r, tt.id)
			if q.Risk != tt.risk || q.Score != tt.score || q.Reason != tt.reason || !slices.Equal(q.Missing, tt.missing) {
				t.Errorf("got risk %s score %v reason %q missing %v; want %s %v %q %v",
					q.Risk, q.Score, q.Reason, q.Missing, tt.risk, tt.score, tt.reason, tt.missing)
			}
		})
	}
}

func TestEvaluateRejectsUnknownIDs(t *testing.T) {
	l := mustSmall(t)
	for _, ans := range []awaf.Answer{
		{Question: "nope", Selected: []string{"x"}},
		{Question: "identity", Selected: []string{"gr_alias"}},
	} {
		_, err := assess.Evaluate(l, &awaf.Assessment{Answers: []awaf.Answer{ans}})
		if awaf.ErrorCode(err) != awaf.EINVALID {
			t.Errorf("%+v: got %v, want an invalid-input error", ans, err)
		}
	}
}

func TestScoresAndBands(t *testing.T) {
	l := mustSmall(t)
	a := &awaf.Assessment{Profile: genProfile, Answers: []awaf.Answer{
		{Question: "identity", Selected: []string{"id_no_keys", "id_managed_identity"}},
		{Question: "grounding", Selected: []string{"gr_none"}},
		{Question: "safety", Selected: []string{"sf_filters", "sf_shields"}},
	}}
	r := mustEval(t, l, a)
	// overall: identity 70/80, grounding 0/50, safety 50/50 -> 120/180
	if r.Overall.Score != 66.7 || r.Overall.Band != awaf.BandModerate {
		t.Errorf("overall %v %s, want 66.7 Moderate", r.Overall.Score, r.Overall.Band)
	}
	// security counts only choices serving security: 40+30+30+20 of 40+30+30+20
	if s := pillar(r, awaf.Security); s.Score != 100 || s.Band != awaf.BandExcellent {
		t.Errorf("security %+v", s)
	}
	// reliability: id_retry 0/10, gr_alias 0/30 -> 0, one high risk (grounding)
	if s := pillar(r, awaf.Reliability); s.Score != 0 || s.Band != awaf.BandCritical || s.High != 1 {
		t.Errorf("reliability %+v", s)
	}
	for _, tt := range []struct {
		score float64
		band  awaf.Band
	}{{0, awaf.BandCritical}, {32.9, awaf.BandCritical}, {33, awaf.BandModerate}, {66.9, awaf.BandModerate}, {67, awaf.BandExcellent}, {100, awaf.BandExcellent}} {
		if got := awaf.BandOf(tt.score); got != tt.band {
			t.Errorf("BandOf(%v) = %s, want %s", tt.score, got, tt.band)
		}
	}
	wantTop := map[string]awaf.Top10Status{"rai-security-controls": awaf.Top10Met, "grounding-index": awaf.Top10Missing}
	for _, tr := range r.Top10 {
		if tr.Status != wantTop[tr.ID] {
			t.Errorf("top10 %s: %s, want %s", tr.ID, tr.Status, wantTop[tr.ID])
		}
	}
}

// TestSelectingNeverLowersAScore checks the monotonic property on random answer sets:
// adding any practice to any answer never lowers the overall, pillar or area scores.
func TestSelectingNeverLowersAScore(t *testing.T) {
	l := mustSmall(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		base := &awaf.Assessment{Profile: genProfile}
		for _, q := range l.Questions {
			var sel []string
			for _, c := range q.Choices {
				if !c.None && rng.IntN(2) == 0 {
					sel = append(sel, c.ID)
				}
			}
			if len(sel) > 0 || rng.IntN(2) == 0 {
				base.Answers = append(base.Answers, awaf.Answer{Question: q.ID, Selected: sel})
			}
		}
		before := mustEval(t, l, base)
		q := l.Questions[rng.IntN(len(l.Questions))]
		c := q.Choices[rng.IntN(len(q.Choices)-1)]
		after := clone(base)
		ans, _ := after.Answer(q.ID)
		if ans == nil {
			after.Answers = append(after.Answers, awaf.Answer{Question: q.ID})
			ans = &after.Answers[len(after.Answers)-1]
		}
		if !slices.Contains(ans.Selected, c.ID) {
			ans.Selected = append(ans.Selected, c.ID)
		}
		res := mustEval(t, l, after)
		if res.Overall.Score < before.Overall.Score {
			t.Fatalf("trial %d: selecting %s lowered overall %v -> %v", trial, c.ID, before.Overall.Score, res.Overall.Score)
		}
		for i := range res.Pillars {
			if res.Pillars[i].Score.Score < before.Pillars[i].Score.Score {
				t.Fatalf("trial %d: selecting %s lowered %s", trial, c.ID, res.Pillars[i].Pillar)
			}
		}
		for i := range res.Areas {
			if res.Areas[i].Score.Score < before.Areas[i].Score.Score {
				t.Fatalf("trial %d: selecting %s lowered %s", trial, c.ID, res.Areas[i].Area)
			}
		}
	}
}

func clone(a *awaf.Assessment) *awaf.Assessment {
	b := *a
	b.Answers = nil
	for _, ans := range a.Answers {
		ans.Selected = slices.Clone(ans.Selected)
		b.Answers = append(b.Answers, ans)
	}
	return &b
}

// TestNotApplicableLeavesTheDenominator: marking a poorly answered question N/A raises
// the overall score to what the other questions alone give.
func TestNotApplicableLeavesTheDenominator(t *testing.T) {
	l := mustSmall(t)
	a := &awaf.Assessment{Profile: genProfile, Answers: []awaf.Answer{
		{Question: "identity", Selected: []string{"id_no_keys", "id_managed_identity", "id_retry"}},
		{Question: "grounding", Selected: []string{"gr_none"}},
		{Question: "safety", Selected: []string{"sf_filters", "sf_shields"}},
	}}
	with := mustEval(t, l, a)
	a.Answers[1] = awaf.Answer{Question: "grounding", NotApplicable: &awaf.NotApplicable{Reason: awaf.NAOutOfScope}}
	without := mustEval(t, l, a)
	if with.Overall.Score >= 100 || without.Overall.Score != 100 {
		t.Errorf("overall with grounding %v, N/A %v; want <100 then 100", with.Overall.Score, without.Overall.Score)
	}
	if without.Overall.Questions != 2 || with.Overall.Questions != 3 {
		t.Errorf("applicable counts %d and %d", with.Overall.Questions, without.Overall.Questions)
	}
	if s := pillar(without, awaf.Cost); s.Questions != 0 || s.Score != 0 || s.Band != awaf.BandNotAssessed {
		t.Errorf("cost with its only question N/A: %+v", s)
	}
}

// TestEvidenceFlowsToResults: evidence recorded on answers reaches the question
// results and the plan, and failing evidence on a selected practice is flagged.
func TestEvidenceFlowsToResults(t *testing.T) {
	l := mustSmall(t)
	fail := awaf.Evidence{Choice: "id_no_keys", Source: "scan", Passed: false, Summary: "disableLocalAuth is false", Location: &awaf.Location{File: "main.bicep", Line: 12}}
	pass := awaf.Evidence{Choice: "id_managed_identity", Source: "scan", Passed: true, Summary: "identity is SystemAssigned"}
	miss := awaf.Evidence{Choice: "id_retry", Source: "eval", Passed: false, Summary: "no retry policy in the client config"}
	r := mustEval(t, l, &awaf.Assessment{Profile: genProfile, Answers: []awaf.Answer{
		{Question: "identity", Selected: []string{"id_no_keys", "id_managed_identity"}, Evidence: []awaf.Evidence{fail, pass, miss}},
	}})
	q := question(r, "identity")
	if len(q.Evidence) != 3 || !slices.Equal(q.Contradicted, []string{"id_no_keys"}) {
		t.Errorf("question evidence %d, contradicted %v", len(q.Evidence), q.Contradicted)
	}
	for _, rec := range r.Plan {
		if rec.Choice == "id_retry" && (len(rec.Evidence) != 1 || rec.Evidence[0].Summary != miss.Summary) {
			t.Errorf("plan item evidence: %+v", rec.Evidence)
		}
	}
}
