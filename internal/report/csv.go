package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/sheetcell"
)

// The layout of Microsoft's assessment export, as the Azure Well-Architected Review
// writes it: a header block of scores, a recommendations table, a separator, and an
// answers table with one row per answer option. Every row has the same number of
// fields, padded with empty ones.
const (
	msColumns          = 10
	msOverall          = "Your overall results"
	msRecommendations  = "Recommendations for your workload"
	msNextSteps        = "Next Steps"
	msNotAssessed      = string(awaf.BandNotAssessed)
	msSeparator        = "-----------"
	msTitleDateLayout  = "Jan 2, 2006 - 3:04:05 PM"
	msCompleteNo       = "N"
	msCompleteYes      = "Y"
	msNextStepsMaximum = 3
)

var (
	msRecommendationHeader = []string{"Category", "Link-Text", "Link", "Priority", "ReportingCategory", "ReportingSubcategory", "Weight", "Context", "CompleteY/N", "Note"}
	msAnswerHeader         = []string{"Category", "Question", "Answers", "Selected Answer", "Note"}
)

// renderCSV writes the assessment in Microsoft's export layout, so spreadsheets and
// scripts built for the Azure Well-Architected Review read it. See docs/report-json.md
// for how awaf's fields map to its columns.
func renderCSV(w io.Writer, in Input) error {
	l, r := in.Lens, in.Result
	cw := csv.NewWriter(w)
	row := func(fields ...string) {
		padded := make([]string, max(msColumns, len(fields)))
		for i, f := range fields {
			padded[i] = sheetcell.Text(f) // notes and lens text may start like a formula
		}
		_ = cw.Write(padded) // the error sticks in cw and is read by Flush below
	}
	// separator is the layout's own line of dashes, which is not a formula and must
	// stay as the reader expects it.
	separator := func() {
		padded := make([]string, msColumns)
		padded[0] = msSeparator
		_ = cw.Write(padded)
	}
	name := l.Name
	if name == "" {
		name = l.ID
	}
	row(name + " - " + in.Generated.UTC().Format(msTitleDateLayout))
	row()
	row(msRecommendations)
	row(msOverall, string(r.Overall.Band), msScore(r.Overall.Score))
	for _, p := range r.Pillars {
		if p.Questions == 0 {
			row(orID(p.Name, string(p.Pillar)), msNotAssessed)
			continue
		}
		row(orID(p.Name, string(p.Pillar)), string(p.Band), msScore(p.Score.Score))
	}
	row()
	row(msNextSteps)
	steps := 0
	for _, rec := range r.Plan {
		if steps == msNextStepsMaximum {
			break
		}
		if len(rec.Links) > 0 {
			row(rec.Title, rec.Links[0].URL)
			steps++
		}
	}
	row()
	row(msRecommendationHeader...)
	notes := map[string]string{}
	for _, q := range r.Questions {
		notes[q.Question] = q.Note
	}
	for _, rec := range r.Plan {
		link := ""
		if len(rec.Links) > 0 {
			link = rec.Links[0].URL
		}
		category := ""
		if len(rec.Pillars) > 0 {
			category = pillarName(l, rec.Pillars[0])
		}
		row(category, rec.Title, link, msPriority(rec), string(rec.Area), rec.Question,
			strconv.Itoa(int(math.Round(rec.Priority))), rec.Why, msCompleteNo, notes[rec.Question])
	}
	separator()
	row()
	row(msAnswerHeader...)
	results := map[string]awaf.QuestionResult{}
	for _, q := range r.Questions {
		results[q.Question] = q
	}
	for _, q := range l.Questions {
		category := ""
		if len(q.Pillars) > 0 {
			category = pillarName(l, q.Pillars[0])
		}
		res, ok := results[q.ID]
		selected := map[string]bool{}
		for _, id := range res.Selected {
			selected[id] = true
		}
		note := res.Note
		if ok && res.Risk == awaf.RiskNotApplicable {
			note = "Not applicable: " + reasonText(l, res)
			if in.Assessment != nil {
				if a, found := in.Assessment.Answer(q.ID); found && a.NotApplicable != nil && a.NotApplicable.Note != "" {
					note += ". " + a.NotApplicable.Note
				}
			}
			if res.Note != "" {
				note += ". " + res.Note
			}
		}
		for i, c := range q.Choices {
			sel := ""
			if selected[c.ID] {
				sel = c.Title
			}
			n := ""
			if i == 0 {
				n = note
			}
			row(category, q.Title, c.Title, sel, n)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	return nil
}

// msScore prints a score the way the export does: quoted with apostrophes so
// spreadsheets keep it as text instead of reading a date or a fraction.
func msScore(score float64) string {
	return fmt.Sprintf("'%d/100'", int(math.Round(score)))
}

// msPriority maps a recommendation to the export's three priorities: by horizon, or by
// risk for a plan without horizons.
func msPriority(rec awaf.Recommendation) string {
	switch rec.Horizon {
	case awaf.Now:
		return "High"
	case awaf.Next:
		return "Medium"
	case awaf.Later:
		return "Low"
	}
	switch rec.Risk {
	case awaf.RiskHigh:
		return "High"
	case awaf.RiskMedium:
		return "Medium"
	}
	return "Low"
}
