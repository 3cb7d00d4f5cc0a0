package assess_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

var poorAnswers = []awaf.Answer{
	{Question: "identity", Selected: []string{"id_retry"}},
	{Question: "grounding", Selected: []string{"gr_none"}},
	{Question: "safety", Selected: []string{"sf_none"}},
}

func rankOf(plan []awaf.Recommendation, choice string) int {
	for _, r := range plan {
		if r.Choice == choice {
			return r.Rank
		}
	}
	return -1
}

func priorityOf(plan []awaf.Recommendation, choice string) float64 {
	for _, r := range plan {
		if r.Choice == choice {
			return r.Priority
		}
	}
	return -1
}

func TestPlanContents(t *testing.T) {
	l := mustSmall(t)
	r := mustEval(t, l, &awaf.Assessment{Profile: genProfile, Answers: poorAnswers})
	var got []string
	for i, rec := range r.Plan {
		got = append(got, rec.Choice)
		if rec.Rank != i+1 {
			t.Errorf("rank %d at position %d", rec.Rank, i)
		}
		if i > 0 && rec.Priority > r.Plan[i-1].Priority {
			t.Errorf("plan not sorted at %d", i)
		}
		if rec.Why == "" || rec.Guidance.What == "" || len(rec.Links) == 0 {
			t.Errorf("%s lacks why, guidance or links", rec.Choice)
		}
		if rec.Horizon != awaf.Now && rec.Horizon != awaf.Next && rec.Horizon != awaf.Later {
			t.Errorf("%s: horizon %q", rec.Choice, rec.Horizon)
		}
	}
	slices.Sort(got)
	want := []string{"gr_alias", "gr_purge", "id_managed_identity", "id_no_keys", "sf_filters", "sf_shields"}
	if !slices.Equal(got, want) {
		t.Errorf("plan holds %v, want %v (selected, N/A-by-profile and none choices excluded)", got, want)
	}
	// Unanswered questions do not flood the plan.
	r = mustEval(t, l, &awaf.Assessment{Profile: genProfile})
	if len(r.Plan) != 0 {
		t.Errorf("unanswered assessment has %d recommendations", len(r.Plan))
	}
}

func TestPlanIsStable(t *testing.T) {
	l := mustSmall(t)
	first := mustEval(t, l, &awaf.Assessment{Profile: genProfile, Answers: poorAnswers}).Plan
	for i := 0; i < 20; i++ {
		again := mustEval(t, l, &awaf.Assessment{Profile: genProfile, Answers: poorAnswers}).Plan
		for j := range first {
			if first[j].Choice != again[j].Choice {
				t.Fatalf("run %d: position %d is %s, was %s", i, j, again[j].Choice, first[j].Choice)
			}
		}
	}
}

// TestProfileMovesTheRanking: the same answers under different profiles move
// recommendations in the direction the profile says.
func TestProfileMovesTheRanking(t *testing.T) {
	l := mustSmall(t)
	plan := func(p awaf.Profile) []awaf.Recommendation {
		return mustEval(t, l, &awaf.Assessment{Profile: p, Answers: poorAnswers}).Plan
	}
	with := func(f func(*awaf.Profile)) awaf.Profile {
		p := genProfile
		p.Priorities = slices.Clone(genProfile.Priorities)
		f(&p)
		return p
	}

	t.Run("cost first lifts the cost practice", func(t *testing.T) {
		secFirst := plan(with(func(p *awaf.Profile) { p.Priorities = []awaf.PillarID{awaf.Security, awaf.Reliability, awaf.Cost} }))
		costFirst := plan(with(func(p *awaf.Profile) { p.Priorities = []awaf.PillarID{awaf.Cost, awaf.Reliability, awaf.Security} }))
		if !(rankOf(costFirst, "gr_purge") < rankOf(secFirst, "gr_purge")) {
			t.Errorf("gr_purge rank %d with cost first, %d with security first", rankOf(costFirst, "gr_purge"), rankOf(secFirst, "gr_purge"))
		}
		if !(rankOf(costFirst, "sf_shields") > rankOf(secFirst, "sf_shields")) {
			t.Errorf("sf_shields rank %d with cost first, %d with security first", rankOf(costFirst, "sf_shields"), rankOf(secFirst, "sf_shields"))
		}
	})
	t.Run("regulated data raises security practices only", func(t *testing.T) {
		pub := plan(with(func(p *awaf.Profile) { p.Sensitivity = awaf.Public }))
		reg := plan(with(func(p *awaf.Profile) { p.Sensitivity = awaf.Regulated }))
		if !(priorityOf(reg, "sf_shields") > priorityOf(pub, "sf_shields")) {
			t.Errorf("sf_shields %v regulated vs %v public", priorityOf(reg, "sf_shields"), priorityOf(pub, "sf_shields"))
		}
		if priorityOf(reg, "gr_purge") != priorityOf(pub, "gr_purge") {
			t.Errorf("a cost practice moved with sensitivity: %v vs %v", priorityOf(reg, "gr_purge"), priorityOf(pub, "gr_purge"))
		}
	})
	t.Run("external exposure raises security", func(t *testing.T) {
		in := plan(with(func(p *awaf.Profile) { p.Exposure = awaf.ExposureInternal }))
		ex := plan(with(func(p *awaf.Profile) { p.Exposure = awaf.ExposureExternal }))
		if !(priorityOf(ex, "id_no_keys") > priorityOf(in, "id_no_keys")) {
			t.Errorf("id_no_keys %v external vs %v internal", priorityOf(ex, "id_no_keys"), priorityOf(in, "id_no_keys"))
		}
	})
	t.Run("criticality scales everything", func(t *testing.T) {
		exp := plan(with(func(p *awaf.Profile) { p.Criticality = awaf.Experimental }))
		mc := plan(with(func(p *awaf.Profile) { p.Criticality = awaf.MissionCritical }))
		for _, rec := range mc {
			if rec.Priority <= priorityOf(exp, rec.Choice) {
				t.Errorf("%s: mission-critical %v <= experimental %v", rec.Choice, rec.Priority, priorityOf(exp, rec.Choice))
			}
		}
		countNow := func(p []awaf.Recommendation) (n int) {
			for _, r := range p {
				if r.Horizon == awaf.Now {
					n++
				}
			}
			return n
		}
		if countNow(mc) <= countNow(exp) {
			t.Errorf("mission-critical has %d Now items, experimental %d", countNow(mc), countNow(exp))
		}
	})
	t.Run("why names the drivers", func(t *testing.T) {
		p := plan(with(func(p *awaf.Profile) { p.Sensitivity = awaf.Regulated }))
		for _, rec := range p {
			if rec.Choice != "id_no_keys" {
				continue
			}
			for _, want := range []string{"high-risk question", "Security is your #1 priority", "regulated data", "external users", "low effort"} {
				if !strings.Contains(rec.Why, want) {
					t.Errorf("why %q lacks %q", rec.Why, want)
				}
			}
		}
	})
}

func TestLowerEffortRanksHigherAtEqualImpact(t *testing.T) {
	l := mustSmall(t)
	r := mustEval(t, l, &awaf.Assessment{Profile: genProfile, Answers: poorAnswers})
	// sf_filters (weight 30, low effort) and sf_shields (weight 20, medium): both
	// security, same question; the cheaper, heavier one must come first.
	if !(rankOf(r.Plan, "sf_filters") < rankOf(r.Plan, "sf_shields")) {
		t.Errorf("sf_filters rank %d, sf_shields %d", rankOf(r.Plan, "sf_filters"), rankOf(r.Plan, "sf_shields"))
	}
}
