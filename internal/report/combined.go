package report

import (
	"fmt"
	"io"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/multilens"
)

// Combined is everything a report on one workload under several lenses shows.
type Combined struct {
	Lenses *multilens.Combined
	// Generated is the time printed on the report; injected so output is stable.
	Generated time.Time
}

// RenderCombined writes the combined report in format f to w: the lenses side by
// side and one plan across them. Microsoft's CSV holds one assessment only, so it is
// refused with a message that says how to get one file per lens.
func RenderCombined(w io.Writer, f Format, in Combined) error {
	if in.Lenses == nil || len(in.Lenses.Parts) == 0 {
		return fmt.Errorf("render %s: nothing to combine", f)
	}
	switch f {
	case Markdown:
		return renderCombinedMarkdown(w, in)
	case HTML:
		return renderCombinedHTML(w, in)
	case JSON:
		return renderCombinedJSON(w, in)
	case XLSX:
		return renderCombinedXLSX(w, in)
	case CSV:
		return awaf.Errorf(awaf.EINVALID, "csv is Microsoft's single-assessment export and holds one lens: write one file per lens (awaf report --answers FILE --format csv -o LENS.csv), or use md, html, json or xlsx for the combined report")
	}
	_, err := ParseFormat(string(f))
	return err
}

// combinedView is the combined result arranged for reading, as view is for one lens.
type combinedView struct {
	Workload  awaf.Workload
	Profile   awaf.Profile
	Generated time.Time
	Date      string

	Lenses  []lensRow
	Overall awaf.Score
	// Pillars are the combined pillar scores, each with the lenses' own scores.
	Pillars  []combinedPillar
	Plan     []combinedRec
	Horizons []combinedHorizon
	// Unanswered counts applicable questions left open across the lenses.
	Unanswered int
}

// lensRow is one lens of the combined report.
type lensRow struct {
	N int // 1-based position
	lensInfo
	Overall         awaf.Score
	Recommendations int
	Now             int // recommendations in the Now horizon
}

type combinedPillar struct {
	scoreRow
	// PerLens has one cell per lens, in lens order.
	PerLens []lensCell
}

type lensCell struct {
	Assessed bool
	Score    float64
	Band     awaf.Band
}

// combinedRec is one recommendation of the combined plan. Rank is its place in the
// combined plan and shadows the rank within its lens, kept in LensRank.
type combinedRec struct {
	recView
	Rank     int
	LensRank int
	Lens     lensInfo
}

type combinedHorizon struct {
	Horizon awaf.Horizon
	Title   string
	Blurb   string
	Items   []combinedRec
}

func newCombinedView(in Combined) *combinedView {
	c := in.Lenses
	v := &combinedView{
		Workload:  c.Workload,
		Profile:   c.Profile,
		Generated: in.Generated.UTC(),
		Date:      in.Generated.UTC().Format("2 January 2006 15:04 MST"),
		Overall:   c.Overall,
	}
	for i, p := range c.Parts {
		row := lensRow{N: i + 1, lensInfo: lensInfo{ID: p.Lens.ID, Name: orID(p.Lens.Name, p.Lens.ID), Version: p.Lens.Version},
			Overall: p.Result.Overall, Recommendations: len(p.Result.Plan)}
		for _, rec := range p.Result.Plan {
			if rec.Horizon == awaf.Now {
				row.Now++
			}
		}
		v.Lenses = append(v.Lenses, row)
		v.Unanswered += p.Result.Overall.Unanswered
	}
	for _, ps := range c.Pillars {
		row := combinedPillar{scoreRow: scoreRow{ID: string(ps.Pillar), Name: orID(ps.Name, string(ps.Pillar)), Score: ps.Score, Assessed: ps.Questions > 0}}
		for _, p := range c.Parts {
			cell := lensCell{}
			for _, lp := range p.Result.Pillars {
				if lp.Pillar == ps.Pillar && lp.Questions > 0 {
					cell = lensCell{Assessed: true, Score: lp.Score.Score, Band: lp.Band}
				}
			}
			row.PerLens = append(row.PerLens, cell)
		}
		v.Pillars = append(v.Pillars, row)
	}
	v.Horizons = []combinedHorizon{
		{Horizon: awaf.Now, Title: "Now", Blurb: "High impact: start this sprint."},
		{Horizon: awaf.Next, Title: "Next", Blurb: "Plan for the next quarter."},
		{Horizon: awaf.Later, Title: "Later", Blurb: "Worth doing once the above is in place."},
	}
	for _, it := range c.Plan {
		l := c.Parts[it.LensIndex].Lens
		rv := combinedRec{
			recView: recView{
				Recommendation: it.Recommendation,
				QuestionTitle:  questionTitle(l, it.Question),
				AreaName:       areaName(l, it.Area),
				PillarNames:    pillarNames(l, it.Pillars),
				Top10Titles:    top10Titles(l, it.Top10),
			},
			Rank:     it.Rank,
			LensRank: it.Recommendation.Rank,
			Lens:     v.Lenses[it.LensIndex].lensInfo,
		}
		v.Plan = append(v.Plan, rv)
		for i := range v.Horizons {
			if v.Horizons[i].Horizon == it.Horizon {
				v.Horizons[i].Items = append(v.Horizons[i].Items, rv)
			}
		}
	}
	return v
}
