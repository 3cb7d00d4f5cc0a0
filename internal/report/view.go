package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/awaf/awaf"
)

// view is the result arranged for reading: names resolved, plan grouped by horizon,
// questions split by what needs attention. Markdown, HTML and the workbook share it.
type view struct {
	Lens      lensInfo
	Workload  awaf.Workload
	Profile   awaf.Profile
	Generated time.Time
	Date      string // Generated for people, in UTC

	Overall awaf.Score
	Pillars []scoreRow
	Areas   []scoreRow

	Top10       []awaf.Top10Result
	Top10Counts top10Counts

	Plan     []recView
	Horizons []horizonView

	// Risks holds high-risk questions, then medium-risk ones, in lens order.
	Risks         []questionView
	Unanswered    []questionView
	NotApplicable []questionView
	// Disputed holds questions where failing evidence disputes a selected practice.
	Disputed []questionView
	// Evidenced holds the selected practices that passing scan or eval evidence, and
	// no failing evidence, backs: the answers that came from evidence.
	Evidenced []evidencedView
	// NotNeeded holds the practices the team declared not needed, with the reason.
	NotNeeded []notNeededView

	Radar radar
}

type lensInfo struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// scoreRow is one pillar or design area with its score.
type scoreRow struct {
	ID   string
	Name string
	awaf.Score
	// Assessed is false when no applicable question counts towards the row.
	Assessed bool
}

type top10Counts struct{ Met, Partial, Missing, NotApplicable int }

type recView struct {
	awaf.Recommendation
	QuestionTitle string
	AreaName      string
	PillarNames   string
	Top10Titles   []string // "#2 Security controls in Responsible AI"
}

type horizonView struct {
	Horizon awaf.Horizon
	Title   string
	Blurb   string
	Items   []recView
}

// notNeededView is one practice declared not needed: "not needed: <practice> — <reason>".
type notNeededView struct {
	Question, QuestionTitle string
	awaf.NotNeededResult
}

// evidencedView is one selected practice with the passing evidence behind it.
type evidencedView struct {
	Question, QuestionTitle, Choice, ChoiceTitle string
	Sources                                      []string
	Locations                                    []awaf.Location
}

type questionView struct {
	awaf.QuestionResult
	AreaName    string
	PillarNames string
	Selected    []string // choice titles
	Missing     []string // choice titles
	Disputed    []string // titles of selected choices that failing evidence disputes
	ReasonText  string   // not-applicable reason for people
	NANote      string   // the team's note on why it does not apply
}

// newView resolves ids against the lens and arranges the result.
func newView(in Input) *view {
	l, r := in.Lens, in.Result
	v := &view{
		Lens:      lensInfo{ID: l.ID, Name: l.Name, Version: l.Version},
		Workload:  r.Workload,
		Profile:   r.Profile,
		Generated: in.Generated.UTC(),
		Date:      in.Generated.UTC().Format("2 January 2006 15:04 MST"),
		Overall:   r.Overall,
		Top10:     r.Top10,
	}
	if v.Lens.ID == "" {
		v.Lens.ID, v.Lens.Version = r.Lens.ID, r.Lens.Version
	}
	if v.Lens.Name == "" {
		v.Lens.Name = v.Lens.ID
	}
	for _, p := range r.Pillars {
		v.Pillars = append(v.Pillars, scoreRow{ID: string(p.Pillar), Name: orID(p.Name, string(p.Pillar)), Score: p.Score, Assessed: p.Questions > 0})
	}
	for _, a := range r.Areas {
		v.Areas = append(v.Areas, scoreRow{ID: string(a.Area), Name: orID(a.Name, string(a.Area)), Score: a.Score, Assessed: a.Questions > 0})
	}
	for _, t := range r.Top10 {
		switch t.Status {
		case awaf.Top10Met:
			v.Top10Counts.Met++
		case awaf.Top10Partial:
			v.Top10Counts.Partial++
		case awaf.Top10Missing:
			v.Top10Counts.Missing++
		default:
			v.Top10Counts.NotApplicable++
		}
	}
	v.Horizons = []horizonView{
		{Horizon: awaf.Now, Title: "Now", Blurb: "High impact: start this sprint."},
		{Horizon: awaf.Next, Title: "Next", Blurb: "Plan for the next quarter."},
		{Horizon: awaf.Later, Title: "Later", Blurb: "Worth doing once the above is in place."},
	}
	for _, rec := range r.Plan {
		rv := recView{
			Recommendation: rec,
			QuestionTitle:  questionTitle(l, rec.Question),
			AreaName:       areaName(l, rec.Area),
			PillarNames:    pillarNames(l, rec.Pillars),
			Top10Titles:    top10Titles(l, rec.Top10),
		}
		v.Plan = append(v.Plan, rv)
		for i := range v.Horizons {
			if v.Horizons[i].Horizon == rec.Horizon {
				v.Horizons[i].Items = append(v.Horizons[i].Items, rv)
			}
		}
	}
	var high, medium []questionView
	for _, q := range r.Questions {
		qv := questionView{
			QuestionResult: q,
			AreaName:       areaName(l, q.Area),
			PillarNames:    pillarNames(l, q.Pillars),
			Selected:       choiceTitles(l, q.Question, q.Selected),
			Missing:        choiceTitles(l, q.Question, q.Missing),
			Disputed:       choiceTitles(l, q.Question, q.Contradicted),
		}
		if len(qv.Disputed) > 0 {
			v.Disputed = append(v.Disputed, qv)
		}
		v.Evidenced = append(v.Evidenced, evidenced(l, q)...)
		for _, n := range q.NotNeeded {
			v.NotNeeded = append(v.NotNeeded, notNeededView{Question: q.Question, QuestionTitle: q.Title, NotNeededResult: n})
		}
		switch q.Risk {
		case awaf.RiskHigh:
			high = append(high, qv)
		case awaf.RiskMedium:
			medium = append(medium, qv)
		case awaf.RiskUnanswered:
			v.Unanswered = append(v.Unanswered, qv)
		case awaf.RiskNotApplicable:
			qv.ReasonText = reasonText(l, q)
			if in.Assessment != nil {
				if a, ok := in.Assessment.Answer(q.Question); ok && a.NotApplicable != nil {
					qv.NANote = a.NotApplicable.Note
				}
			}
			v.NotApplicable = append(v.NotApplicable, qv)
		}
	}
	v.Risks = append(high, medium...)
	v.Radar = newRadar(v.Pillars)
	return v
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

func questionTitle(l *awaf.Lens, id string) string {
	if q, ok := l.Question(id); ok {
		return q.Title
	}
	return id
}

func areaName(l *awaf.Lens, id awaf.AreaID) string {
	if a, ok := l.Area(id); ok && a.Name != "" {
		return a.Name
	}
	return string(id)
}

func pillarName(l *awaf.Lens, id awaf.PillarID) string {
	if p, ok := l.Pillar(id); ok && p.Name != "" {
		return p.Name
	}
	return string(id)
}

func pillarNames(l *awaf.Lens, ids []awaf.PillarID) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = pillarName(l, id)
	}
	return strings.Join(names, ", ")
}

func top10Titles(l *awaf.Lens, ids []string) []string {
	var out []string
	for _, id := range ids {
		title := id
		for i, t := range l.Top10 {
			if t.ID == id {
				title = fmt.Sprintf("#%d %s", i+1, t.Title)
			}
		}
		out = append(out, title)
	}
	return out
}

func choiceTitle(l *awaf.Lens, question, choice string) string {
	if q, ok := l.Question(question); ok {
		if c, ok := q.Choice(choice); ok {
			return c.Title
		}
	}
	return choice
}

func choiceTitles(l *awaf.Lens, question string, ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = choiceTitle(l, question, id)
	}
	return out
}

// reasonText says in words why a question is not applicable.
func reasonText(l *awaf.Lens, q awaf.QuestionResult) string {
	switch q.Reason {
	case awaf.NAProfile:
		if lq, ok := l.Question(q.Question); ok && lq.NotApplicableReason != "" {
			return "Does not apply to this workload profile: " + lq.NotApplicableReason
		}
		return "Does not apply to this workload profile"
	case awaf.NAOutOfScope:
		return "Out of scope"
	case awaf.NABusinessPriorities:
		return "Business priorities"
	case awaf.NAArchitectureConstraints:
		return "Architecture constraints"
	case awaf.NAOther, "":
		return "Other"
	}
	return string(q.Reason)
}

// horizonTitle is the display name of a horizon.
func horizonTitle(h awaf.Horizon) string {
	switch h {
	case awaf.Now:
		return "Now"
	case awaf.Next:
		return "Next"
	case awaf.Later:
		return "Later"
	}
	return string(h)
}

// riskTitle is the display name of a risk.
func riskTitle(r awaf.Risk) string {
	switch r {
	case awaf.RiskHigh:
		return "High"
	case awaf.RiskMedium:
		return "Medium"
	case awaf.RiskNone:
		return "None"
	case awaf.RiskUnanswered:
		return "Unanswered"
	case awaf.RiskNotApplicable:
		return "Not applicable"
	}
	return string(r)
}

// num prints a score with at most one decimal, without a trailing ".0".
func num(f float64) string {
	f = math.Round(f*10) / 10
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.1f", f)
}

// radar is the geometry of the pillar spider chart, computed here so the template
// only places numbers.
type radar struct {
	W, H    float64 // the viewBox
	CX, CY  float64 // the centre
	Axes    []radarAxis
	Rings   []radarRing
	Polygon string // points of the score polygon
	Points  []radarPoint
	Desc    string // the chart in words, for assistive technology
}

type radarAxis struct {
	X2, Y2 float64 // outer end of the axis
	Anchor string  // text-anchor of the label
	Lines  []radarLine
}

// radarLine is one line of an axis label: words of the pillar name, then the score.
type radarLine struct {
	X, Y  float64
	Text  string
	Value bool // the score line
}

type radarRing struct {
	Value          int
	Points         string
	LabelX, LabelY float64
}

type radarPoint struct{ X, Y float64 }

const (
	radarW      = 460.0
	radarH      = 400.0
	radarCX     = radarW / 2
	radarCY     = radarH / 2
	radarRadius = 120.0
)

// newRadar places n pillar axes clockwise from the top. Unassessed pillars sit at 0.
func newRadar(ps []scoreRow) radar {
	var r radar
	n := len(ps)
	if n < 3 {
		return r
	}
	at := func(i int, value float64) (float64, float64) {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		d := radarRadius * value / 100
		return round1(radarCX + d*math.Cos(a)), round1(radarCY + d*math.Sin(a))
	}
	for _, ring := range []int{33, 67, 100} {
		pts := make([]string, n)
		for i := range n {
			x, y := at(i, float64(ring))
			pts[i] = fmt.Sprintf("%s,%s", num(x), num(y))
		}
		_, ly := at(0, float64(ring))
		r.Rings = append(r.Rings, radarRing{Value: ring, Points: strings.Join(pts, " "), LabelX: radarCX + 4, LabelY: ly - 3})
	}
	pts := make([]string, n)
	var desc []string
	for i, p := range ps {
		x2, y2 := at(i, 100)
		lx, ly := at(i, 100+16*100/radarRadius)
		ax := radarAxis{X2: x2, Y2: y2}
		switch {
		case math.Abs(lx-radarCX) < 1:
			ax.Anchor = "middle"
		case lx > radarCX:
			ax.Anchor = "start"
		default:
			ax.Anchor = "end"
		}
		score := num(p.Score.Score)
		if !p.Assessed {
			score = "n/a"
		}
		texts := append(wrapWords(p.Name, 12), score)
		// Stack the lines so the block sits outside the ring: above the top axis,
		// below the bottom one, centred beside the others.
		const lineHeight = 15.0
		lines := float64(len(texts))
		var y float64
		switch {
		case ax.Anchor == "middle" && ly < radarCY:
			y = ly - (lines-1)*lineHeight
		case ax.Anchor == "middle":
			y = ly + 10
		default:
			y = ly - (lines-1)*lineHeight/2 + 4
		}
		for j, t := range texts {
			ax.Lines = append(ax.Lines, radarLine{X: lx, Y: round1(y + float64(j)*lineHeight), Text: t, Value: j == len(texts)-1})
		}
		r.Axes = append(r.Axes, ax)
		value := p.Score.Score
		if !p.Assessed {
			value = 0
		}
		x, y := at(i, value)
		r.Points = append(r.Points, radarPoint{X: x, Y: y})
		pts[i] = fmt.Sprintf("%s,%s", num(x), num(y))
		if p.Assessed {
			desc = append(desc, fmt.Sprintf("%s %s (%s)", p.Name, num(p.Score.Score), p.Band))
		} else {
			desc = append(desc, p.Name+" not assessed")
		}
	}
	r.W, r.H, r.CX, r.CY = radarW, radarH, radarCX, radarCY
	r.Polygon = strings.Join(pts, " ")
	r.Desc = "Pillar scores out of 100: " + strings.Join(desc, "; ") + "."
	return r
}

// wrapWords breaks a label into lines of about width characters, at spaces.
func wrapWords(s string, width int) []string {
	var lines []string
	for _, w := range strings.Fields(s) {
		if n := len(lines); n > 0 && len(lines[n-1])+1+len(w) <= width {
			lines[n-1] += " " + w
			continue
		}
		lines = append(lines, w)
	}
	if len(lines) == 0 {
		lines = []string{s}
	}
	return lines
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// evidenced lists the selected choices of q that passing evidence, and no failing
// evidence, supports.
func evidenced(l *awaf.Lens, q awaf.QuestionResult) []evidencedView {
	var out []evidencedView
	for _, c := range q.Selected {
		ev := evidencedView{Question: q.Question, QuestionTitle: q.Title, Choice: c}
		failed := false
		for _, e := range q.Evidence {
			if e.Choice != c {
				continue
			}
			if !e.Passed {
				failed = true
				break
			}
			if !slices.Contains(ev.Sources, e.Source) {
				ev.Sources = append(ev.Sources, e.Source)
			}
			if e.Location != nil && len(ev.Locations) < 3 {
				ev.Locations = append(ev.Locations, *e.Location)
			}
		}
		if failed || len(ev.Sources) == 0 {
			continue
		}
		if t := choiceTitles(l, q.Question, []string{c}); len(t) == 1 {
			ev.ChoiceTitle = t[0]
		}
		out = append(out, ev)
	}
	return out
}
