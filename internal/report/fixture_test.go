package report

import (
	"time"

	"github.com/awaf/awaf"
)

// generated is the fixed clock every golden file is rendered at.
var generated = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

// tinyLens is a hand-made lens small enough to read in a golden file: three areas,
// four questions, titles with characters every format must escape.
func tinyLens() *awaf.Lens {
	link := func(s string) []awaf.Link {
		return []awaf.Link{{Title: "Docs", URL: "https://learn.microsoft.com/azure/" + s}}
	}
	return &awaf.Lens{
		ID: "tiny", Name: "Tiny <lens>", Version: "0.1.0",
		Pillars: []awaf.Pillar{
			{ID: awaf.Security, Name: "Security"}, {ID: awaf.Reliability, Name: "Reliability"},
			{ID: awaf.Cost, Name: "Cost Optimization"}, {ID: awaf.Operations, Name: "Operational Excellence"},
			{ID: awaf.Performance, Name: "Performance Efficiency"}, {ID: awaf.ResponsibleAI, Name: "Responsible AI"},
		},
		Areas: []awaf.Area{
			{ID: "application-design", Name: "Application design"},
			{ID: "grounding-data", Name: "Grounding data"},
			{ID: "training-data", Name: "Training data"},
		},
		Top10: []awaf.Top10Item{
			{ID: "rai-security", Title: "Security controls in Responsible AI"},
			{ID: "grounding-index", Title: "Grounding index maintenance"},
			{ID: "data-retention", Title: "Data retention"},
		},
		Questions: []awaf.Question{
			{
				ID: "prompt_safety", Title: `How are prompts <script>alert("x")</script> checked?`, Area: "application-design",
				Pillars: []awaf.PillarID{awaf.Security, awaf.ResponsibleAI},
				Choices: []awaf.Choice{
					{ID: "ps_shields", Title: "Prompt shields on every input", Weight: 40, Effort: awaf.EffortLow, Top10: []string{"rai-security"},
						Guidance: awaf.Guidance{What: "Turn on prompt shields.", Why: "Stops jailbreaks.", Verify: "Send a known attack; expect a block."}, Links: link("ai-services/content-safety")},
					{ID: "ps_output", Title: "Output filtering, with a \"block\" | list", Weight: 30, Effort: awaf.EffortMedium, Top10: []string{"rai-security"},
						Guidance: awaf.Guidance{What: "Filter outputs,\nall modalities.", Why: "Harmful content, a, b", Verify: "Check the filter log."}, Links: link("ai-services/openai/content-filter")},
					{ID: "ps_none", Title: "None of these", None: true},
				},
			},
			{
				ID: "grounding_index", Title: "Is the grounding index kept fresh?", Area: "grounding-data",
				Pillars: []awaf.PillarID{awaf.Performance, awaf.Reliability},
				Choices: []awaf.Choice{
					{ID: "gi_refresh", Title: "Index refreshed on a schedule", Weight: 50, Effort: awaf.EffortMedium, Top10: []string{"grounding-index"},
						Guidance: awaf.Guidance{What: "Schedule the indexer.", Why: "Stale answers.", Verify: "Look at the last run."}, Links: link("search/search-indexer-overview")},
					{ID: "gi_metadata", Title: "Metadata excludes stale content", Weight: 50, Effort: awaf.EffortHigh, Top10: []string{"grounding-index"},
						Guidance: awaf.Guidance{What: "Tag documents with dates.", Why: "Old policies mislead.", Verify: "Query for expired documents."}, Links: link("search/search-filters")},
					{ID: "gi_none", Title: "None of these", None: true},
				},
			},
			{
				ID: "cost_model", Title: "Is there a cost model for tokens, index and compute?", Area: "application-design",
				Pillars: []awaf.PillarID{awaf.Cost, awaf.Operations},
				Choices: []awaf.Choice{
					{ID: "cm_model", Title: "A cost model per request", Weight: 60, Effort: awaf.EffortLow},
					{ID: "cm_budget", Title: "Budgets and alerts", Weight: 40, Effort: awaf.EffortLow},
					{ID: "cm_none", Title: "None of these", None: true},
				},
			},
			{
				ID: "training_retention", Title: "Is training data retention reviewed?", Area: "training-data",
				Pillars:             []awaf.PillarID{awaf.Security},
				NotApplicableReason: "Only workloads that train models keep training data.",
				Choices: []awaf.Choice{
					{ID: "tr_review", Title: "Retention reviewed yearly", Weight: 100, Effort: awaf.EffortLow, Top10: []string{"data-retention"}},
					{ID: "tr_none", Title: "None of these", None: true},
				},
			},
			{
				ID: "release_gate", Title: "Do releases pass evaluation thresholds?", Area: "application-design",
				Pillars: []awaf.PillarID{awaf.Operations},
				Choices: []awaf.Choice{
					{ID: "rg_gate", Title: "An evaluation gate in the pipeline", Weight: 100, Effort: awaf.EffortMedium},
					{ID: "rg_none", Title: "None of these", None: true},
				},
			},
		},
	}
}

// tinyAssessment answers tinyLens with a mix: a high risk, a medium risk, a met
// question, one out of scope by profile, one marked not applicable, none unanswered
// in the main fixture (see tinyEdge for that).
func tinyAssessment() *awaf.Assessment {
	return &awaf.Assessment{
		Lens:     awaf.LensRef{ID: "tiny", Version: "0.1.0"},
		Workload: awaf.Workload{Name: `Contoso "RAG" chat, <b>v2</b>`, Owner: "AI platform team", Environment: "production"},
		Profile: awaf.Profile{
			Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.BusinessCritical, Sensitivity: awaf.Confidential,
			Exposure: awaf.ExposureExternal, Priorities: []awaf.PillarID{awaf.Security, awaf.ResponsibleAI},
		},
		Answers: []awaf.Answer{
			{Question: "prompt_safety", Selected: []string{"ps_none"}, Note: "Planned for Q3, see ticket \"SEC-1\", owner: a,b"},
			{Question: "grounding_index", Selected: []string{"gi_refresh"}, Note: "Line one\nline two | pipe"},
			{Question: "cost_model", Selected: []string{"cm_model", "cm_budget"}},
			{Question: "release_gate", NotApplicable: &awaf.NotApplicable{Reason: awaf.NAArchitectureConstraints, Note: "No CI yet <ok>"}},
		},
	}
}

func withEvidence(r awaf.Recommendation, e ...awaf.Evidence) awaf.Recommendation {
	r.Evidence = e
	return r
}

func tinyResult() *awaf.Result {
	a := tinyAssessment()
	ps := func(ids ...awaf.PillarID) []awaf.PillarID { return ids }
	score := func(s float64, high, medium, q, answered int) awaf.Score {
		return awaf.Score{Score: s, Band: awaf.BandOf(s), High: high, Medium: medium, Questions: q, Answered: answered, Unanswered: q - answered}
	}
	l := tinyLens()
	rec := func(rank int, q, c string, risk awaf.Risk, h awaf.Horizon, prio float64, why string) awaf.Recommendation {
		lq, _ := l.Question(q)
		lc, _ := lq.Choice(c)
		return awaf.Recommendation{
			Rank: rank, Question: q, Choice: c, Title: lc.Title, Area: lq.Area, Pillars: lq.Pillars, Top10: lc.Top10,
			Risk: risk, Weight: lc.Weight, Effort: lc.Effort, Impact: 1.3, Priority: prio, Horizon: h, Why: why,
			Guidance: lc.Guidance, Links: lc.Links,
		}
	}
	return &awaf.Result{
		Lens: a.Lens, Workload: a.Workload, Profile: a.Profile,
		Overall: score(50, 1, 1, 3, 3),
		Pillars: []awaf.PillarScore{
			{Pillar: awaf.Security, Name: "Security", Score: score(0, 1, 0, 1, 1)},
			{Pillar: awaf.Reliability, Name: "Reliability", Score: score(50, 0, 1, 1, 1)},
			{Pillar: awaf.Cost, Name: "Cost Optimization", Score: score(100, 0, 0, 1, 1)},
			{Pillar: awaf.Operations, Name: "Operational Excellence", Score: score(100, 0, 0, 1, 1)},
			{Pillar: awaf.Performance, Name: "Performance Efficiency", Score: score(50, 0, 1, 1, 1)},
			{Pillar: awaf.ResponsibleAI, Name: "Responsible AI", Score: score(0, 1, 0, 1, 1)},
		},
		Areas: []awaf.AreaScore{
			{Area: "application-design", Name: "Application design", Score: score(50, 1, 0, 2, 2)},
			{Area: "grounding-data", Name: "Grounding data", Score: score(50, 0, 1, 1, 1)},
			{Area: "training-data", Name: "Training data", Score: awaf.Score{Band: awaf.BandNotAssessed}},
		},
		Questions: []awaf.QuestionResult{
			{Question: "prompt_safety", Title: l.Questions[0].Title, Area: "application-design", Pillars: ps(awaf.Security, awaf.ResponsibleAI),
				Risk: awaf.RiskHigh, Score: 0, Note: a.Answers[0].Note, Selected: []string{"ps_none"}, Missing: []string{"ps_shields", "ps_output"}},
			{Question: "grounding_index", Title: l.Questions[1].Title, Area: "grounding-data", Pillars: ps(awaf.Performance, awaf.Reliability),
				Risk: awaf.RiskMedium, Score: 50, Note: a.Answers[1].Note, Selected: []string{"gi_refresh"}, Missing: []string{"gi_metadata"}},
			{Question: "cost_model", Title: l.Questions[2].Title, Area: "application-design", Pillars: ps(awaf.Cost, awaf.Operations),
				Risk: awaf.RiskNone, Score: 100, Selected: []string{"cm_model", "cm_budget"},
				Evidence: []awaf.Evidence{
					{Choice: "cm_budget", Source: "scan", Passed: false, Summary: "no Microsoft.Consumption/budgets <resource> in the templates", Location: &awaf.Location{File: "infra/main.bicep", Line: 3, Column: 1}},
					{Choice: "cm_model", Source: "scan", Passed: true, Summary: "cost tags on every resource"},
				},
				Contradicted: []string{"cm_budget"},
				NotNeeded: []awaf.NotNeededResult{{Choice: "cm_reserved_not_needed", Practice: "cm_reserved", Title: "Reserved capacity for steady load",
					Reason: "Traffic is < 5 requests a minute & bursty; pay-as-you-go is cheaper"}}},
			{Question: "training_retention", Title: l.Questions[3].Title, Area: "training-data", Pillars: ps(awaf.Security),
				Risk: awaf.RiskNotApplicable, Reason: awaf.NAProfile},
			{Question: "release_gate", Title: l.Questions[4].Title, Area: "application-design", Pillars: ps(awaf.Operations),
				Risk: awaf.RiskNotApplicable, Reason: awaf.NAArchitectureConstraints},
		},
		Top10: []awaf.Top10Result{
			{ID: "rai-security", Title: "Security controls in Responsible AI", Status: awaf.Top10Missing, Met: 0, Total: 2},
			{ID: "grounding-index", Title: "Grounding index maintenance", Status: awaf.Top10Partial, Met: 1, Total: 2},
			{ID: "data-retention", Title: "Data retention", Status: awaf.Top10NotApplicable, Met: 0, Total: 0},
		},
		Plan: []awaf.Recommendation{
			withEvidence(rec(1, "prompt_safety", "ps_shields", awaf.RiskHigh, awaf.Now, 91.5, "High risk, weight 40, security is your first priority, low effort"),
				awaf.Evidence{Choice: "ps_shields", Source: "scan", Summary: "raiPolicyName is not set on deployment 'gpt-4o' & others", Location: &awaf.Location{File: "infra/openai.bicep", Line: 42, Column: 5}}),
			rec(2, "prompt_safety", "ps_output", awaf.RiskHigh, awaf.Now, 80.2, `High risk, "responsible AI" ranks 2nd, medium effort`),
			rec(3, "grounding_index", "gi_metadata", awaf.RiskMedium, awaf.Later, 31, "Medium risk, performance not in your priorities, high effort"),
		},
	}
}

// tinyEdge is the awkward case: nothing answered, so every question is unanswered and
// the plan is empty, and a pillar list too short for a radar.
func tinyEdge() Input {
	l := tinyLens()
	r := &awaf.Result{
		Lens:     awaf.LensRef{ID: "tiny", Version: "0.1.0"},
		Workload: awaf.Workload{Name: "Empty, | new & <unanswered>"},
		Overall:  awaf.Score{Band: awaf.BandCritical, Questions: 2, Unanswered: 2},
		Pillars: []awaf.PillarScore{
			{Pillar: awaf.Security, Name: "Security", Score: awaf.Score{Band: awaf.BandCritical, Questions: 1, Unanswered: 1}},
			{Pillar: awaf.Cost, Name: "Cost Optimization", Score: awaf.Score{Band: awaf.BandNotAssessed}},
		},
		Areas: []awaf.AreaScore{{Area: "application-design", Name: "Application design", Score: awaf.Score{Band: awaf.BandCritical, Questions: 2, Unanswered: 2}}},
		Questions: []awaf.QuestionResult{
			{Question: "prompt_safety", Title: l.Questions[0].Title, Area: "application-design", Pillars: l.Questions[0].Pillars, Risk: awaf.RiskUnanswered},
			{Question: "release_gate", Title: l.Questions[4].Title, Area: "application-design", Pillars: l.Questions[4].Pillars, Risk: awaf.RiskUnanswered},
		},
	}
	return Input{Lens: l, Result: r, Generated: generated}
}

func tinyInput() Input {
	return Input{Lens: tinyLens(), Assessment: tinyAssessment(), Result: tinyResult(), Generated: generated}
}
