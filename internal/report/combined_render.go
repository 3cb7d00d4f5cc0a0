package report

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/awaf/awaf"
	"github.com/xuri/excelize/v2"
)

// The combined templates extend the single-lens sets, so they share their functions,
// the score table and the page style; each is parsed on first use.
var (
	combinedMarkdownTemplate = sync.OnceValue(func() *texttemplate.Template {
		return parseMarkdown("templates/report.md.tmpl", "templates/combined.md.tmpl")
	})
	combinedHTMLTemplate = sync.OnceValue(func() *htmltemplate.Template {
		return parseHTML("templates/report.html.tmpl", "templates/style.html.tmpl", "templates/combined.html.tmpl")
	})
)

func renderCombinedMarkdown(w io.Writer, in Combined) error {
	if err := combinedMarkdownTemplate().ExecuteTemplate(w, "combined.md.tmpl", newCombinedView(in)); err != nil {
		return fmt.Errorf("render markdown: %w", err)
	}
	return nil
}

func renderCombinedHTML(w io.Writer, in Combined) error {
	if err := combinedHTMLTemplate().ExecuteTemplate(w, "combined.html.tmpl", newCombinedView(in)); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

// CombinedDocument is the JSON report on several lenses, documented in
// docs/report-json.md. It has "lenses" where the single-lens Document has "lens".
type CombinedDocument struct {
	SchemaVersion string        `json:"schemaVersion"`
	Generated     time.Time     `json:"generated"`
	Workload      awaf.Workload `json:"workload"`
	Profile       awaf.Profile  `json:"profile"`
	// Overall and Pillars are combined across the lenses.
	Overall awaf.Score         `json:"overall"`
	Pillars []awaf.PillarScore `json:"pillars"`
	Plan    []CombinedItem     `json:"plan"`
	// Lenses holds each lens's complete single-lens document, in the order given.
	Lenses []Document `json:"lenses"`
}

// CombinedItem is one recommendation of the combined plan: its place in the combined
// plan, the lens it belongs to and its rank there, then the recommendation's fields.
// The outer Rank hides the embedded one in JSON (the shallower field wins), which is
// why the lens's own rank is copied into LensRank.
type CombinedItem struct {
	Rank     int          `json:"rank"`
	Lens     awaf.LensRef `json:"lens"`
	LensRank int          `json:"lensRank"`
	awaf.Recommendation
}

// NewCombinedDocument builds the combined JSON document. Lists are never null.
func NewCombinedDocument(in Combined) CombinedDocument {
	c := in.Lenses
	d := CombinedDocument{
		SchemaVersion: SchemaVersion,
		Generated:     in.Generated.UTC(),
		Workload:      c.Workload,
		Profile:       c.Profile,
		Overall:       c.Overall,
		Pillars:       nonNil(c.Pillars),
		Plan:          make([]CombinedItem, len(c.Plan)),
		Lenses:        make([]Document, len(c.Parts)),
	}
	d.Profile.Kinds = nonNil(d.Profile.Kinds)
	d.Profile.Components = nonNil(d.Profile.Components)
	d.Profile.Priorities = nonNil(d.Profile.Priorities)
	for i, it := range c.Plan {
		rec := it.Recommendation
		rec.Pillars = nonNil(rec.Pillars)
		rec.Links = nonNil(rec.Links)
		d.Plan[i] = CombinedItem{Rank: it.Rank, Lens: it.Lens, LensRank: it.Recommendation.Rank, Recommendation: rec}
	}
	for i, p := range c.Parts {
		d.Lenses[i] = NewDocument(Input{Lens: p.Lens, Assessment: p.Assessment, Result: p.Result, Generated: in.Generated})
	}
	return d
}

func renderCombinedJSON(w io.Writer, in Combined) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(NewCombinedDocument(in)); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

// combinedPlanColumns are the plan sheet's columns with the lens in front.
var combinedPlanColumns = append([]column{{"Rank", 6, false}, {"Lens", 24, true}, {"Lens id", 22, false}, {"Lens rank", 9, false}}, planColumns[1:]...)

// renderCombinedXLSX writes a workbook with a summary of every lens and the combined
// pillars, and one plan with a lens column, so a team can filter it by lens.
func renderCombinedXLSX(w io.Writer, in Combined) (err error) {
	v := newCombinedView(in)
	f := excelize.NewFile()
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, newFastDeflater)
		return zw
	})
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("render xlsx: %w", cerr)
		}
	}()
	x := &xlsx{f: f}
	x.fail(f.SetSheetName("Sheet1", sheetSummary))
	_, nerr := f.NewSheet(sheetPlan)
	x.fail(nerr)
	x.title = x.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	x.head = x.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"0F2A4A"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	x.wrap = x.style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	x.combinedSummary(v)
	x.combinedPlan(v)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   "Well-Architected review: " + v.Workload.Name,
		Subject: fmt.Sprintf("%d lenses", len(v.Lenses)),
		Creator: "awaf",
		Created: v.Generated.Format(time.RFC3339),
	}); err != nil {
		x.fail(err)
	}
	if x.err != nil {
		return fmt.Errorf("render xlsx: %w", x.err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("render xlsx: %w", err)
	}
	return nil
}

func (x *xlsx) combinedSummary(v *combinedView) {
	s := sheetSummary
	r := 1
	x.row(s, r, "Well-Architected review: "+v.Workload.Name)
	x.styleRow(s, r, 1, x.title)
	r++
	x.row(s, r, "Generated", v.Date)
	r++
	x.row(s, r, "Profile", joinIDs(v.Profile.Kinds), string(v.Profile.Criticality), string(v.Profile.Sensitivity), string(v.Profile.Exposure), joinIDs(v.Profile.Priorities))
	r += 2
	head := []any{"Lens", "Lens id", "Version", "Score", "Band", "High risks", "Medium risks", "Answered", "Questions", "Recommendations"}
	x.row(s, r, head...)
	x.styleRow(s, r, len(head), x.head)
	r++
	for _, l := range v.Lenses {
		var score any = l.Overall.Score
		if l.Overall.Questions == 0 {
			score = nil
		}
		x.row(s, r, l.Name, l.ID, l.Version, score, string(l.Overall.Band), l.Overall.High, l.Overall.Medium, l.Overall.Answered, l.Overall.Questions, l.Recommendations)
		r++
	}
	x.row(s, r, "All lenses", "", "", v.Overall.Score, string(v.Overall.Band), v.Overall.High, v.Overall.Medium, v.Overall.Answered, v.Overall.Questions, len(v.Plan))
	r += 2
	head = []any{"Pillar", "Combined score", "Band", "High risks", "Medium risks", "Answered", "Questions"}
	for _, l := range v.Lenses {
		head = append(head, l.Name)
	}
	x.row(s, r, head...)
	x.styleRow(s, r, len(head), x.head)
	r++
	for _, p := range v.Pillars {
		row := []any{p.Name, nil, msNotAssessed, p.High, p.Medium, p.Answered, p.Questions}
		if p.Assessed {
			row[1], row[2] = p.Score.Score, string(p.Band)
		}
		for _, c := range p.PerLens {
			if c.Assessed {
				row = append(row, c.Score)
			} else {
				row = append(row, nil)
			}
		}
		x.row(s, r, row...)
		r++
	}
	r++
	x.row(s, r, "Combined scores are the lens scores averaged, each lens weighted by its applicable questions; risk and question counts are added up.")
	x.fail(x.f.SetColWidth(s, "A", "A", 36))
	x.fail(x.f.SetColWidth(s, "B", "B", 22))
	x.fail(x.f.SetColWidth(s, "C", "Z", 14))
}

func (x *xlsx) combinedPlan(v *combinedView) {
	rows := make([][]any, 0, len(v.Plan))
	for _, r := range v.Plan {
		links := make([]string, len(r.Links))
		for i, l := range r.Links {
			links[i] = l.URL
		}
		rows = append(rows, []any{
			r.Rank, r.Lens.Name, r.Lens.ID, r.LensRank, horizonTitle(r.Horizon), r.Priority, r.Title, r.QuestionTitle, r.Question, r.Choice,
			r.AreaName, r.PillarNames, strings.Join(r.Top10, ", "), riskTitle(r.Risk), r.Weight,
			string(r.Effort), r.Impact, r.Why, r.Guidance.What, r.Guidance.Why, r.Guidance.Verify,
			strings.Join(links, "\n"),
		})
	}
	x.table(sheetPlan, combinedPlanColumns, rows)
}
