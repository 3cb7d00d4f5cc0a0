// Package multilens combines the assessments of one workload under several lenses (the
// built-in AI lens and a team's own, say) into one view: each lens keeps its own
// scores and plan, and the plans merge into one list ordered by priority. Priorities
// can be compared across lenses because assess.Plan computes every one of them with
// the same 0-100 formula from the workload's profile. Combine is a pure function.
package multilens

import (
	"math"
	"sort"
	"strings"

	"github.com/awaf/awaf"
)

// Part is one lens's assessment of the workload, already evaluated.
type Part struct {
	Lens       *awaf.Lens
	Assessment *awaf.Assessment // optional
	Result     *awaf.Result
}

// Options changes what Combine accepts.
type Options struct {
	// MixedWorkloads allows assessments that name different workloads. The combined
	// view then carries the first part's workload.
	MixedWorkloads bool
}

// Combined is several lenses' assessments of one workload, arranged for one report.
type Combined struct {
	Workload awaf.Workload
	// Profile is the first part's; each lens's plan was ranked with its own
	// assessment's profile.
	Profile awaf.Profile
	Parts   []Part
	Lenses  []LensSummary
	// Overall and Pillars are the lenses' figures added up; see combine.
	Overall awaf.Score
	Pillars []awaf.PillarScore
	// Plan is every lens's plan in one list, highest priority first.
	Plan     []Item
	Horizons []Horizon
}

// LensSummary is how the workload does under one lens.
type LensSummary struct {
	Lens    awaf.LensRef
	Name    string
	Overall awaf.Score
	Pillars []awaf.PillarScore
	// Recommendations is the length of the lens's plan.
	Recommendations int
}

// Item is one recommendation of the combined plan. The embedded Recommendation keeps
// its rank within its own lens's plan; Rank is its place in the combined one.
type Item struct {
	Rank      int
	Lens      awaf.LensRef
	LensName  string
	LensIndex int // position of the lens in Combined.Parts
	awaf.Recommendation
}

// Horizon is the part of the combined plan to act on at one time.
type Horizon struct {
	Horizon awaf.Horizon
	Items   []Item
}

// Combine merges the parts, in the order given. It fails when there is nothing to
// combine, a part lacks its lens or result, two parts use the same lens, or (unless
// opt.MixedWorkloads) the assessments name different workloads.
func Combine(parts []Part, opt Options) (*Combined, error) {
	if len(parts) == 0 {
		return nil, awaf.Errorf(awaf.EINVALID, "no assessments to combine")
	}
	seen := map[string]int{}
	for i, p := range parts {
		if p.Lens == nil || p.Result == nil {
			return nil, awaf.Errorf(awaf.EINVALID, "assessment %d: lens and result are required", i+1)
		}
		if j, ok := seen[p.Lens.ID]; ok {
			return nil, awaf.Errorf(awaf.EINVALID, "assessments %d and %d both use lens %q: give one answers file per lens", j+1, i+1, p.Lens.ID)
		}
		seen[p.Lens.ID] = i
		if opt.MixedWorkloads {
			continue
		}
		first, this := parts[0].Result.Workload.Name, p.Result.Workload.Name
		if !SameWorkload(first, this) {
			return nil, awaf.Errorf(awaf.EINVALID, "the assessments are of different workloads: %q (lens %s) and %q (lens %s); combine only one workload's assessments, or allow it explicitly",
				first, parts[0].Lens.ID, this, p.Lens.ID)
		}
	}

	c := &Combined{
		Workload: parts[0].Result.Workload,
		Profile:  parts[0].Result.Profile,
		Parts:    parts,
	}
	overalls := make([]awaf.Score, len(parts))
	for i, p := range parts {
		r := p.Result
		c.Lenses = append(c.Lenses, LensSummary{
			Lens:            awaf.LensRef{ID: p.Lens.ID, Version: p.Lens.Version},
			Name:            lensName(p.Lens),
			Overall:         r.Overall,
			Pillars:         r.Pillars,
			Recommendations: len(r.Plan),
		})
		overalls[i] = r.Overall
	}
	c.Overall = combine(overalls)
	c.Pillars = combinePillars(parts)
	c.Plan = mergePlans(parts)
	c.Horizons = []Horizon{{Horizon: awaf.Now}, {Horizon: awaf.Next}, {Horizon: awaf.Later}}
	for _, it := range c.Plan {
		for i := range c.Horizons {
			if c.Horizons[i].Horizon == it.Horizon {
				c.Horizons[i].Items = append(c.Horizons[i].Items, it)
			}
		}
	}
	return c, nil
}

// SameWorkload compares workload names as people write them: case and surrounding or
// repeated spaces do not make another workload.
func SameWorkload(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return norm(a) == norm(b)
}

func lensName(l *awaf.Lens) string {
	if l.Name != "" {
		return l.Name
	}
	return l.ID
}

// combine adds up scores of the same thing under several lenses. Risk and question
// counts are sums. The score is the mean of the lens scores weighted by each lens's
// applicable questions,
//
//	score = Σ score_i × questions_i / Σ questions_i
//
// so a lens of 40 questions counts four times as much as one of 10, and a lens that
// does not assess the pillar (0 applicable questions) does not count at all. Weighting
// by questions rather than by choice weights keeps lenses comparable: weights are
// only meaningful within one question of one lens.
func combine(scores []awaf.Score) awaf.Score {
	var s awaf.Score
	sum := 0.0
	for _, x := range scores {
		s.High += x.High
		s.Medium += x.Medium
		s.Questions += x.Questions
		s.Answered += x.Answered
		s.Unanswered += x.Unanswered
		sum += x.Score * float64(x.Questions)
	}
	if s.Questions == 0 {
		s.Band = awaf.BandNotAssessed
		return s
	}
	s.Score = math.Round(sum*10/float64(s.Questions)) / 10
	s.Band = awaf.BandOf(s.Score)
	return s
}

// combinePillars combines each pillar that any lens declares, in the framework's
// pillar order; a pillar's name comes from the first lens that names it.
func combinePillars(parts []Part) []awaf.PillarScore {
	byPillar := map[awaf.PillarID][]awaf.Score{}
	names := map[awaf.PillarID]string{}
	for _, p := range parts {
		for _, ps := range p.Result.Pillars {
			byPillar[ps.Pillar] = append(byPillar[ps.Pillar], ps.Score)
			if names[ps.Pillar] == "" {
				names[ps.Pillar] = ps.Name
			}
		}
	}
	order := append([]awaf.PillarID(nil), awaf.Pillars...)
	known := map[awaf.PillarID]bool{}
	for _, id := range order {
		known[id] = true
	}
	// A pillar outside the framework's six (a hand-built result) goes last, by id.
	var extra []awaf.PillarID
	for id := range byPillar {
		if !known[id] {
			extra = append(extra, id)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i] < extra[j] })
	order = append(order, extra...)

	var out []awaf.PillarScore
	for _, id := range order {
		scores, ok := byPillar[id]
		if !ok {
			continue
		}
		name := names[id]
		if name == "" {
			name = string(id)
		}
		out = append(out, awaf.PillarScore{Pillar: id, Name: name, Score: combine(scores)})
	}
	return out
}

// mergePlans puts every lens's plan in one list: priority first (higher first), then
// the order the lenses were given in, then the rank within the lens. Nothing is
// deduplicated: two lenses asking for alike practices are still two practices, each
// answered and closed under its own lens.
func mergePlans(parts []Part) []Item {
	var items []Item
	for i, p := range parts {
		ref := awaf.LensRef{ID: p.Lens.ID, Version: p.Lens.Version}
		for _, rec := range p.Result.Plan {
			items = append(items, Item{Lens: ref, LensName: lensName(p.Lens), LensIndex: i, Recommendation: rec})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Priority != b.Priority {
			return a.Priority > b.Priority
		}
		if a.LensIndex != b.LensIndex {
			return a.LensIndex < b.LensIndex
		}
		return a.Recommendation.Rank < b.Recommendation.Rank
	})
	for i := range items {
		items[i].Rank = i + 1
	}
	return items
}
