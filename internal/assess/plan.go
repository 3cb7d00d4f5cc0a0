package assess

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/awaf/awaf"
)

// The priority of a recommendation is a product of factors, each in (0, 1], scaled to
// 0-100:
//
//	priority = 100 × risk × weight × effort × impact
//	impact   = criticality × pillar rank × data/exposure context
//
// A product keeps each factor's meaning: halving any one halves the priority, and no
// factor can make up for a question whose risk is none. The tables below are the whole
// policy; tests pin the direction of every factor.
var (
	riskFactor = map[awaf.Risk]float64{
		awaf.RiskHigh:   1.0,
		awaf.RiskMedium: 0.65,
		awaf.RiskNone:   0.3, // a missing practice on a question already rated fine
	}
	effortFactor = map[awaf.Effort]float64{
		awaf.EffortLow:    1.0,
		awaf.EffortMedium: 0.8,
		awaf.EffortHigh:   0.6,
	}
	criticalityFactor = map[awaf.Criticality]float64{
		awaf.MissionCritical:  1.0,
		awaf.BusinessCritical: 0.85,
		awaf.Standard:         0.7,
		awaf.Experimental:     0.5,
		"":                    0.7,
	}
	sensitivityFactor = map[awaf.Sensitivity]float64{
		awaf.Regulated:    1.0,
		awaf.Confidential: 0.9,
		awaf.Internal:     0.75,
		awaf.Public:       0.6,
		"":                0.75,
	}
	exposureFactor = map[awaf.Exposure]float64{
		awaf.ExposureExternal: 1.0,
		awaf.ExposureInternal: 0.8,
		"":                    0.8,
	}
)

// Horizon thresholds on priority.
const (
	nowFrom  = 40.0
	nextFrom = 20.0
)

// neutralContext is the data/exposure factor of pillars that the data's sensitivity
// and the users' exposure do not sharpen (cost, operations, performance).
const neutralContext = 0.8

// weightFactor maps a choice weight (1-100) to (0.4, 1]: weights above 50 are all
// "as important as it gets" within a question.
func weightFactor(w int) float64 {
	return 0.4 + 0.6*math.Min(float64(w), 50)/50
}

// rankFactor maps a pillar's place in the user's priorities to (0.6, 1]: first is 1,
// pillars not listed get 0.6, and the listed ones spread evenly between.
func rankFactor(p awaf.Profile, id awaf.PillarID) float64 {
	rank, of := p.PriorityRank(id)
	if len(p.Priorities) == 0 {
		return 0.8
	}
	return 1 - 0.4*float64(rank)/float64(of-1)
}

// contextFactor is how much the data's sensitivity and the users' exposure sharpen a
// pillar: they matter for security, responsible AI and, by exposure, reliability.
func contextFactor(p awaf.Profile, id awaf.PillarID) float64 {
	switch id {
	case awaf.Security, awaf.ResponsibleAI:
		return sensitivityFactor[p.Sensitivity] * exposureFactor[p.Exposure]
	case awaf.Reliability:
		return exposureFactor[p.Exposure]
	}
	return neutralContext
}

// impact is the business impact multiplier of a choice under a profile, and the
// pillar that gives it.
func impact(p awaf.Profile, c *awaf.Choice) (float64, awaf.PillarID) {
	best, bestID := 0.0, awaf.PillarID("")
	for _, id := range c.Pillars {
		v := rankFactor(p, id) * contextFactor(p, id)
		if v > best {
			best, bestID = v, id
		}
	}
	return criticalityFactor[p.Criticality] * best, bestID
}

// Plan turns every unmet, applicable practice of an answered question into a ranked
// recommendation. Unanswered questions stay out: nothing is known about them yet.
func Plan(l *awaf.Lens, evals []questionEval, p awaf.Profile) []awaf.Recommendation {
	type item struct {
		rec      awaf.Recommendation
		qi, ci   int
		priority float64
	}
	var items []item
	for qi, e := range evals {
		if !e.applicable || !e.answered {
			continue
		}
		for ci, c := range e.choices {
			if e.selected[c.ID] {
				continue
			}
			imp, driver := impact(p, c)
			pr := 100 * riskFactor[e.result.Risk] * weightFactor(c.Weight) * effortFactor[c.Effort] * imp
			pr = math.Round(pr*10) / 10
			rec := awaf.Recommendation{
				Question: e.q.ID,
				Choice:   c.ID,
				Title:    c.Title,
				Area:     e.q.Area,
				Pillars:  c.Pillars,
				Top10:    c.Top10,
				Risk:     e.result.Risk,
				Weight:   c.Weight,
				Effort:   c.Effort,
				Impact:   math.Round(imp*100) / 100,
				Priority: pr,
				Horizon:  horizon(pr),
				Why:      why(l, p, e.result.Risk, c, driver),
				Guidance: c.Guidance,
				Links:    c.Links,
				Evidence: evidenceFor(e.result.Evidence, c.ID),
			}
			items = append(items, item{rec: rec, qi: qi, ci: ci, priority: pr})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.priority != b.priority {
			return a.priority > b.priority
		}
		if a.qi != b.qi {
			return a.qi < b.qi
		}
		return a.ci < b.ci
	})
	out := make([]awaf.Recommendation, len(items))
	for i, it := range items {
		it.rec.Rank = i + 1
		out[i] = it.rec
	}
	return out
}

func horizon(priority float64) awaf.Horizon {
	switch {
	case priority >= nowFrom:
		return awaf.Now
	case priority >= nextFrom:
		return awaf.Next
	}
	return awaf.Later
}

// why writes the one line that explains a recommendation's rank, naming the factors
// that lifted or held it back.
func why(l *awaf.Lens, p awaf.Profile, risk awaf.Risk, c *awaf.Choice, driver awaf.PillarID) string {
	var parts []string
	switch risk {
	case awaf.RiskHigh:
		parts = append(parts, "high-risk question")
	case awaf.RiskMedium:
		parts = append(parts, "medium-risk question")
	default:
		parts = append(parts, "question otherwise in good shape")
	}
	name := string(driver)
	if pl, ok := l.Pillar(driver); ok {
		name = pl.Name
	}
	if rank, _ := p.PriorityRank(driver); rank < len(p.Priorities) {
		parts = append(parts, fmt.Sprintf("%s is your #%d priority", name, rank+1))
	} else {
		parts = append(parts, name)
	}
	parts = append(parts, fmt.Sprintf("weight %d", c.Weight))
	if p.Criticality != "" {
		parts = append(parts, string(p.Criticality)+" workload")
	}
	if driver == awaf.Security || driver == awaf.ResponsibleAI {
		if p.Sensitivity == awaf.Regulated || p.Sensitivity == awaf.Confidential {
			parts = append(parts, string(p.Sensitivity)+" data")
		}
		if p.Exposure == awaf.ExposureExternal {
			parts = append(parts, "external users")
		}
	} else if driver == awaf.Reliability && p.Exposure == awaf.ExposureExternal {
		parts = append(parts, "external users")
	}
	parts = append(parts, string(c.Effort)+" effort")
	return strings.Join(parts, "; ")
}
