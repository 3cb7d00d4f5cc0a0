// Package portfolio is the view across many workloads that a platform team or an
// architecture board reads: each workload's scores by pillar with their bands, its high
// and medium risks, its Top 10 status, lens version and last change; the risks most
// workloads share, which a platform team can fix once for everyone; and the trend of
// the portfolio's scores from month end to month end. Build is a pure function over
// already evaluated results; filters and sorting are applied to the rows it returns.
package portfolio

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/awaf/awaf"
)

// Entry is one workload, evaluated.
type Entry struct {
	ID   int64  // the server's workload id; 0 for files
	Link string // where the workload lives (a server path or a file name)
	// PlanLink is its plan page; a common risk links to the item there, at
	// PlanLink#question-choice. Empty: common risks link to Link.
	PlanLink string
	Result   *awaf.Result
	// Updated is the last change of its answers.
	Updated time.Time
	// LatestLens is the newest version of its lens the caller knows, for "outdated".
	LatestLens string
}

// Row is one workload in the view.
type Row struct {
	ID          int64                       `json:"id,omitempty"`
	Link        string                      `json:"link,omitempty"`
	Name        string                      `json:"name"`
	Owner       string                      `json:"owner,omitempty"`
	Criticality awaf.Criticality            `json:"criticality,omitempty"`
	Kinds       []awaf.Kind                 `json:"kinds,omitempty"`
	Lens        awaf.LensRef                `json:"lens"`
	Outdated    bool                        `json:"outdatedLens,omitempty"`
	Updated     time.Time                   `json:"updated,omitzero"`
	Overall     awaf.Score                  `json:"overall"`
	Pillars     map[awaf.PillarID]Cell      `json:"pillars"`
	Top10       map[awaf.Top10Status]int    `json:"top10"`
	Top10Items  map[string]awaf.Top10Status `json:"top10Items,omitempty"`
}

// Cell is one workload's score on one pillar.
type Cell struct {
	Score float64   `json:"score"`
	Band  awaf.Band `json:"band"`
}

// CommonRisk is a practice several workloads lack at high or medium risk.
type CommonRisk struct {
	Question  string          `json:"question"`
	Choice    string          `json:"choice"`
	Title     string          `json:"title"` // the practice to adopt
	Pillars   []awaf.PillarID `json:"pillars"`
	High      int             `json:"high"` // workloads where its question is a high risk
	Workloads []RiskAt        `json:"workloads"`
}

// RiskAt is one workload where a common risk applies, with its plan item.
type RiskAt struct {
	Name string    `json:"name"`
	ID   int64     `json:"id,omitempty"`
	Link string    `json:"link,omitempty"` // its plan item, or the workload
	Risk awaf.Risk `json:"risk"`
	Rank int       `json:"rank"` // the plan item's rank in that workload's plan
}

// Pillar names a pillar column.
type Pillar struct {
	ID   awaf.PillarID `json:"id"`
	Name string        `json:"name"`
}

// View is the whole portfolio.
type View struct {
	Pillars     []Pillar     `json:"pillars"`
	Rows        []Row        `json:"workloads"`
	CommonRisks []CommonRisk `json:"commonRisks"`
	Trend       []Point      `json:"trend,omitempty"`
	// Average is the mean of the rows' scores, overall and per pillar.
	Average map[string]float64 `json:"average"`
}

// Build arranges evaluated workloads into a view. Rows keep the entries' order.
func Build(entries []Entry) *View {
	parts := make([]*Part, 0, len(entries))
	for _, e := range entries {
		if p := PartOf(e); p != nil {
			parts = append(parts, p)
		}
	}
	return Assemble(parts)
}

// Part is one workload's share of a view: its row, its pillar scores and the plan
// items it contributes to common risks. A server keeps parts between requests and
// makes a new one only for the workload that changed; Assemble then adds them up.
type Part struct {
	Row     Row
	Pillars []Pillar // in the result's order
	Risks   []PartRisk
	// Extra is the caller's, kept with the part (a server's rendered row).
	Extra any
}

// PartRisk is one plan item of a workload at high or medium risk.
type PartRisk struct {
	Question, Choice, Title string
	Pillars                 []awaf.PillarID
	At                      RiskAt
}

// PartOf is e's part of a view; nil without a result.
func PartOf(e Entry) *Part {
	r := e.Result
	if r == nil {
		return nil
	}
	p := &Part{}
	row := Row{ID: e.ID, Link: e.Link, Name: r.Workload.Name, Owner: r.Workload.Owner,
		Criticality: r.Profile.Criticality, Kinds: r.Profile.Kinds, Lens: r.Lens, Updated: e.Updated,
		Overall: r.Overall, Pillars: map[awaf.PillarID]Cell{}, Top10: map[awaf.Top10Status]int{},
		Top10Items: map[string]awaf.Top10Status{}}
	row.Outdated = e.LatestLens != "" && e.LatestLens != r.Lens.Version
	for _, pl := range r.Pillars {
		p.Pillars = append(p.Pillars, Pillar{ID: pl.Pillar, Name: pl.Name})
		row.Pillars[pl.Pillar] = Cell{Score: pl.Score.Score, Band: pl.Band}
	}
	for _, t := range r.Top10 {
		row.Top10[t.Status]++
		row.Top10Items[t.ID] = t.Status
	}
	qrisk := make(map[string]awaf.Risk, len(r.Questions))
	for _, q := range r.Questions {
		qrisk[q.Question] = q.Risk
	}
	for _, rec := range r.Plan {
		risk := qrisk[rec.Question]
		if risk != awaf.RiskHigh && risk != awaf.RiskMedium {
			continue
		}
		link := e.Link
		if e.PlanLink != "" {
			link = e.PlanLink + "#" + rec.Question + "-" + rec.Choice
		}
		p.Risks = append(p.Risks, PartRisk{Question: rec.Question, Choice: rec.Choice, Title: rec.Title, Pillars: rec.Pillars,
			At: RiskAt{Name: row.Name, ID: e.ID, Link: link, Risk: risk, Rank: rec.Rank}})
	}
	p.Row = row
	return p
}

// Assemble adds parts up into a view: rows in the parts' order, averages, and the
// risks at least two of them share. Parts are not changed.
func Assemble(parts []*Part) *View {
	v := &View{Average: map[string]float64{}, Rows: make([]Row, 0, len(parts))}
	seen := map[awaf.PillarID]bool{}
	type riskKey struct{ q, c string }
	risks := map[riskKey]*CommonRisk{}
	var riskOrder []riskKey
	sums, counts := map[string]float64{}, map[string]int{}
	for _, p := range parts {
		row := p.Row
		if row.Overall.Band != awaf.BandNotAssessed {
			sums["overall"] += row.Overall.Score
			counts["overall"]++
		}
		for _, pl := range p.Pillars {
			if !seen[pl.ID] {
				seen[pl.ID] = true
				v.Pillars = append(v.Pillars, pl)
			}
			if c := row.Pillars[pl.ID]; c.Band != awaf.BandNotAssessed {
				sums[string(pl.ID)] += c.Score
				counts[string(pl.ID)]++
			}
		}
		for _, pr := range p.Risks {
			k := riskKey{pr.Question, pr.Choice}
			cr := risks[k]
			if cr == nil {
				cr = &CommonRisk{Question: pr.Question, Choice: pr.Choice, Title: pr.Title, Pillars: pr.Pillars}
				risks[k] = cr
				riskOrder = append(riskOrder, k)
			}
			if pr.At.Risk == awaf.RiskHigh {
				cr.High++
			}
			cr.Workloads = append(cr.Workloads, pr.At)
		}
		v.Rows = append(v.Rows, row)
	}
	if len(v.Rows) == 0 {
		v.Rows = nil
	}
	for k, s := range sums {
		v.Average[k] = round1(s / float64(counts[k]))
	}
	for _, k := range riskOrder {
		if cr := risks[k]; len(cr.Workloads) >= 2 {
			v.CommonRisks = append(v.CommonRisks, *cr)
		}
	}
	// The risks most workloads share first; among equals, the ones that are high more
	// often, then a stable order.
	slices.SortStableFunc(v.CommonRisks, func(a, b CommonRisk) int {
		return cmp.Or(cmp.Compare(len(b.Workloads), len(a.Workloads)), cmp.Compare(b.High, a.High),
			cmp.Compare(a.Question, b.Question), cmp.Compare(a.Choice, b.Choice))
	})
	return v
}

// Share is the sentence a common risk reads as: "7 of 12 workloads lack: …".
func (v *View) Share(cr CommonRisk) string {
	return fmt.Sprintf("%d of %d workloads lack: %s", len(cr.Workloads), len(v.Rows), cr.Title)
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// Filter keeps rows; empty fields keep everything.
type Filter struct {
	Owner       string
	Criticality awaf.Criticality
	Kind        awaf.Kind
	Outdated    bool // only workloads on an older lens version
}

// Keep reports whether a row passes the filter.
func (f Filter) Keep(r Row) bool {
	switch {
	case f.Owner != "" && !strings.EqualFold(f.Owner, r.Owner):
		return false
	case f.Criticality != "" && f.Criticality != r.Criticality:
		return false
	case f.Kind != "" && !slices.Contains(r.Kinds, f.Kind):
		return false
	case f.Outdated && !r.Outdated:
		return false
	}
	return true
}

// Apply filters the rows and drops common risks left with fewer than two workloads.
func (v *View) Apply(f Filter) *View {
	out := &View{Pillars: v.Pillars, Trend: v.Trend, Average: v.Average}
	if f == (Filter{}) {
		// Nothing filtered: the rows are copied so that sorting them leaves v alone;
		// the common risks are shared, as neither Apply nor Sort changes them.
		out.Rows, out.CommonRisks = slices.Clone(v.Rows), v.CommonRisks
		return out
	}
	// Workloads are told apart by id and name: files have no id, and two servers'
	// workloads may share a name.
	type key struct {
		id   int64
		name string
	}
	kept := map[key]bool{}
	for _, r := range v.Rows {
		if f.Keep(r) {
			out.Rows = append(out.Rows, r)
			kept[key{r.ID, r.Name}] = true
		}
	}
	for _, cr := range v.CommonRisks {
		var at []RiskAt
		for _, w := range cr.Workloads {
			if kept[key{w.ID, w.Name}] {
				at = append(at, w)
			}
		}
		if len(at) >= 2 {
			cr.Workloads = at
			cr.High = 0
			for _, w := range at {
				if w.Risk == awaf.RiskHigh {
					cr.High++
				}
			}
			out.CommonRisks = append(out.CommonRisks, cr)
		}
	}
	return out
}

// SortKeys are the columns rows sort by: name, owner, criticality, overall, high,
// medium, updated, or a pillar id.
func (v *View) Sort(key string, desc bool) error {
	var by func(a, b Row) int
	switch key {
	case "", "name":
		by = func(a, b Row) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }
	case "owner":
		by = func(a, b Row) int { return cmp.Compare(a.Owner, b.Owner) }
	case "criticality":
		by = func(a, b Row) int {
			return cmp.Compare(slices.Index(awaf.Criticalities, a.Criticality), slices.Index(awaf.Criticalities, b.Criticality))
		}
	case "overall", "score":
		by = func(a, b Row) int { return cmp.Compare(a.Overall.Score, b.Overall.Score) }
	case "high":
		by = func(a, b Row) int { return cmp.Compare(a.Overall.High, b.Overall.High) }
	case "medium":
		by = func(a, b Row) int { return cmp.Compare(a.Overall.Medium, b.Overall.Medium) }
	case "updated":
		by = func(a, b Row) int { return a.Updated.Compare(b.Updated) }
	default:
		found := false
		for _, p := range v.Pillars {
			found = found || string(p.ID) == key
		}
		if !found {
			return fmt.Errorf("sort by %q: want name, owner, criticality, overall, high, medium, updated or a pillar", key)
		}
		id := awaf.PillarID(key)
		by = func(a, b Row) int { return cmp.Compare(a.Pillars[id].Score, b.Pillars[id].Score) }
	}
	slices.SortStableFunc(v.Rows, func(a, b Row) int {
		if desc {
			return by(b, a)
		}
		return by(a, b)
	})
	return nil
}

// Snapshot is one workload's scores at a moment (a milestone or the current answers).
type Snapshot struct {
	Workload string
	At       time.Time
	Overall  float64
	Pillars  map[awaf.PillarID]float64
}

// Point is the portfolio at one month end: the mean over workloads of each one's latest
// snapshot up to then.
type Point struct {
	MonthEnd  time.Time                 `json:"monthEnd"`
	Workloads int                       `json:"workloads"`
	Overall   float64                   `json:"overall"`
	Pillars   map[awaf.PillarID]float64 `json:"pillars"`
}

// Trend gives the portfolio at each month end from the first snapshot to the last
// (UTC), carrying each workload's latest score forward; months before a workload's
// first snapshot leave it out.
func Trend(snaps []Snapshot) []Point {
	if len(snaps) == 0 {
		return nil
	}
	s := slices.Clone(snaps)
	slices.SortStableFunc(s, func(a, b Snapshot) int { return a.At.Compare(b.At) })
	first, last := s[0].At.UTC(), s[len(s)-1].At.UTC()
	monthEnd := func(t time.Time) time.Time {
		return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
	}
	latest := map[string]Snapshot{}
	var out []Point
	i := 0
	for end := monthEnd(first); ; end = monthEnd(end.Add(time.Nanosecond)) {
		for i < len(s) && !s[i].At.After(end) {
			latest[s[i].Workload] = s[i]
			i++
		}
		p := Point{MonthEnd: end.Truncate(time.Second), Workloads: len(latest), Pillars: map[awaf.PillarID]float64{}}
		count := map[awaf.PillarID]int{}
		for _, sn := range latest {
			p.Overall += sn.Overall
			for id, sc := range sn.Pillars {
				p.Pillars[id] += sc
				count[id]++
			}
		}
		if p.Workloads > 0 {
			p.Overall = round1(p.Overall / float64(p.Workloads))
		}
		for id := range p.Pillars {
			p.Pillars[id] = round1(p.Pillars[id] / float64(count[id]))
		}
		out = append(out, p)
		if !end.Before(last) {
			break
		}
	}
	return out
}

// SnapshotOf is a workload's scores from one evaluated result, taken at at.
func SnapshotOf(workload string, at time.Time, r *awaf.Result) Snapshot {
	s := Snapshot{Workload: workload, At: at, Overall: r.Overall.Score, Pillars: map[awaf.PillarID]float64{}}
	for _, p := range r.Pillars {
		if p.Band != awaf.BandNotAssessed {
			s.Pillars[p.Pillar] = p.Score.Score
		}
	}
	return s
}
