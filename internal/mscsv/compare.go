package mscsv

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/awaf/awaf"
)

// Agreement sets Microsoft's score for one category of the export beside awaf's for the
// same answers.
type Agreement struct {
	Category  string
	Microsoft Score
	// Awaf is awaf's score (0-100) and band; Found is false when awaf has no
	// category of that name.
	Awaf     float64
	AwafBand awaf.Band
	Found    bool
	// Agree: both within one point (Microsoft's score read as a share of its
	// maximum).
	Agree bool
	// Reason says in one line why the two cannot agree; empty when they agree, or
	// when they differ for a reason awaf does not know (a defect to report).
	Reason string
}

// Reasons the scores of an export and of awaf may differ.
const (
	reasonPartial = "Microsoft's points per answer option are not in the export; %d of %d answered questions here take some options but not all"
	reasonNoRows  = "the export has no answers for this category"
	reasonFollows = "follows the categories that differ"
)

// Compare matches the category scores of the export with awaf's result r for the same
// answers: the design areas of the lens made from the export (one per category), or
// the pillars of the matched lens when r is its result. The last row is the overall
// score.
func (res *Result) Compare(r *awaf.Result) []Agreement {
	stats := res.categoryStats()
	var out []Agreement
	sumMS, sumMax, sumAwaf := 0.0, 0.0, 0.0
	allAgree := true
	// A matched lens is awaf's own (its CSV names pillars, and its weights are the
	// lens's): any difference there is unexplained. A made lens has an area per
	// category and weights the export does not give.
	matched := res.Matched != nil && r.Lens.ID == res.Matched.Lens.ID
	for _, c := range res.Export.Categories {
		a := Agreement{Category: c.Name, Microsoft: c}
		if matched {
			for _, p := range r.Pillars {
				if strings.EqualFold(p.Name, c.Name) {
					a.Awaf, a.AwafBand, a.Found = p.Score.Score, p.Band, true
				}
			}
		} else {
			for _, ar := range r.Areas {
				if strings.EqualFold(ar.Name, c.Name) {
					a.Awaf, a.AwafBand, a.Found = ar.Score.Score, ar.Band, true
				}
			}
		}
		if !c.Assessed() {
			a.Agree = !a.Found || a.AwafBand == awaf.BandNotAssessed || stats[c.Name].answered == 0
			out = append(out, a)
			continue
		}
		a.Agree = a.Found && math.Abs(a.Awaf-c.Percent()) <= 1
		if !a.Agree {
			allAgree = false
			st := stats[c.Name]
			switch {
			case matched:
			case st.rows == 0:
				a.Reason = reasonNoRows
			case st.partial > 0:
				a.Reason = fmt.Sprintf(reasonPartial, st.partial, st.answered)
			}
		}
		sumMS += float64(c.Score)
		sumMax += float64(c.Max)
		sumAwaf += a.Awaf * float64(c.Max) / 100
		out = append(out, a)
	}
	// Microsoft's overall is the sum of its category scores over the sum of their
	// maxima ('61/164' is 487/1310 in the DevOps sample); awaf's categories are
	// rolled up the same way for the comparison.
	o := Agreement{Category: "Overall", Microsoft: res.Export.Overall, Awaf: r.Overall.Score, AwafBand: r.Overall.Band, Found: true}
	switch {
	case matched && o.Microsoft.Assessed():
		o.Agree = math.Abs(r.Overall.Score-o.Microsoft.Percent()) <= 1
	case o.Microsoft.Assessed() && sumMax > 0:
		o.Agree = math.Abs(100*sumAwaf/sumMax-o.Microsoft.Percent()) <= 1
		if !o.Agree && !allAgree {
			o.Reason = reasonFollows
		}
	default:
		o.Agree = true
	}
	return append(out, o)
}

type catStats struct {
	rows, answered, partial int
}

// categoryStats counts, per category of the answers table, the questions answered
// and those whose selection is neither "none" nor every option: only those depend on
// the points Microsoft gives each option.
func (res *Result) categoryStats() map[string]catStats {
	out := map[string]catStats{}
	for _, q := range res.Export.Questions() {
		st := out[q.Category]
		st.rows += len(q.Options)
		practices, picked := 0, 0
		for _, o := range q.Options {
			if !isNoneText(o) {
				practices++
			}
		}
		for _, s := range q.Selected {
			if !isNoneText(s) {
				picked++
			}
		}
		if len(q.Selected) > 0 {
			st.answered++
			if picked > 0 && picked < practices {
				st.partial++
			}
		}
		out[q.Category] = st
	}
	return out
}

// WriteScores prints the comparison as a table: Microsoft's score from the file,
// awaf's, and why they differ where they do.
func WriteScores(w io.Writer, rows []Agreement) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CATEGORY\tMICROSOFT\tAWAF\tNOTE")
	for _, a := range rows {
		ms := a.Microsoft.Band
		if a.Microsoft.Assessed() {
			ms = fmt.Sprintf("%s %d/%d", a.Microsoft.Band, a.Microsoft.Score, a.Microsoft.Max)
		}
		own := "-"
		if a.Found {
			own = fmt.Sprintf("%s %.0f/100", a.AwafBand, a.Awaf)
		}
		note := "agrees"
		switch {
		case !a.Found:
			note = "no such category in awaf's result"
		case !a.Agree && a.Reason != "":
			note = a.Reason
		case !a.Agree:
			note = "differs"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Category, ms, own, note)
	}
	return tw.Flush()
}
