package report

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/sheetcell"
	"github.com/xuri/excelize/v2"
)

// Sheet names of the workbook.
const (
	sheetSummary = "Summary"
	sheetPlan    = "Plan"
	sheetAnswers = "Answers"
)

// column is one column of a table sheet: its header and width in characters.
type column struct {
	Head  string
	Width float64
	Wrap  bool
}

var (
	planColumns = []column{
		{"Rank", 6, false}, {"Horizon", 9, false}, {"Priority", 9, false}, {"Recommendation", 48, true},
		{"Question", 40, true}, {"Question id", 22, false}, {"Choice id", 22, false}, {"Design area", 20, false},
		{"Pillars", 22, true}, {"Top 10", 18, true}, {"Risk", 9, false}, {"Weight", 8, false},
		{"Effort", 8, false}, {"Impact", 8, false}, {"Why this rank", 50, true}, {"What to do", 50, true},
		{"Why it matters", 50, true}, {"How to verify", 50, true}, {"Links", 50, true},
	}
	answerColumns = []column{
		{"Question id", 22, false}, {"Question", 48, true}, {"Design area", 20, false}, {"Pillars", 22, true},
		{"Risk", 14, false}, {"Score", 8, false}, {"Selected", 50, true}, {"Missing", 50, true},
		{"Note", 40, true}, {"Not applicable reason", 36, true}, {"Not needed", 50, true},
	}
)

// renderXLSX writes a workbook with a summary, the plan and the answers, for teams who
// track remediation in Excel. Numbers are stored as numbers so they sort and filter.
func renderXLSX(w io.Writer, in Input) (err error) {
	v := newView(in)
	f := excelize.NewFile()
	// The fastest deflate level: the workbook is a little larger and written several
	// times faster, which matters for `awaf report` in CI.
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
	x.init()
	x.summary(v)
	x.plan(v)
	x.answers(in, v)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   "Well-Architected review: " + v.Workload.Name,
		Subject: v.Lens.Name + " " + v.Lens.Version,
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

// fastDeflaters reuses compressors across the parts of a workbook and across
// workbooks: a new one costs more than compressing a sheet. archive/zip pools its own
// default compressors the same way.
var fastDeflaters sync.Pool

type pooledDeflater struct{ *flate.Writer }

func (d pooledDeflater) Close() error {
	err := d.Writer.Close()
	fastDeflaters.Put(d.Writer)
	return err
}

func newFastDeflater(w io.Writer) (io.WriteCloser, error) {
	if fw, ok := fastDeflaters.Get().(*flate.Writer); ok {
		fw.Reset(w)
		return pooledDeflater{fw}, nil
	}
	fw, err := flate.NewWriter(w, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	return pooledDeflater{fw}, nil
}

// xlsx keeps the first error of a run of excelize calls, so the sheet code reads as a
// list of cells rather than a ladder of checks.
type xlsx struct {
	f                       *excelize.File
	err                     error
	bold, head, wrap, title int
}

func (x *xlsx) fail(err error) {
	if x.err == nil && err != nil {
		x.err = err
	}
}

func (x *xlsx) style(s *excelize.Style) int {
	id, err := x.f.NewStyle(s)
	x.fail(err)
	return id
}

func (x *xlsx) init() {
	x.fail(x.f.SetSheetName("Sheet1", sheetSummary))
	for _, s := range []string{sheetPlan, sheetAnswers} {
		_, err := x.f.NewSheet(s)
		x.fail(err)
	}
	x.title = x.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	x.bold = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.head = x.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"0F2A4A"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	x.wrap = x.style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
}

func (x *xlsx) row(sheet string, r int, values ...any) {
	for i, v := range values {
		values[i] = textCell(v)
	}
	cell, err := excelize.CoordinatesToCellName(1, r)
	x.fail(err)
	x.fail(x.f.SetSheetRow(sheet, cell, &values))
}

func (x *xlsx) styleRow(sheet string, r, cols, style int) {
	from, err1 := excelize.CoordinatesToCellName(1, r)
	to, err2 := excelize.CoordinatesToCellName(cols, r)
	x.fail(err1)
	x.fail(err2)
	x.fail(x.f.SetCellStyle(sheet, from, to, style))
}

func (x *xlsx) summary(v *view) {
	s := sheetSummary
	r := 1
	x.row(s, r, "Well-Architected review: "+v.Workload.Name)
	x.styleRow(s, r, 1, x.title)
	r++
	x.row(s, r, "Lens", v.Lens.Name, v.Lens.ID, v.Lens.Version)
	r++
	x.row(s, r, "Generated", v.Date)
	r++
	x.row(s, r, "Profile", joinIDs(v.Profile.Kinds), string(v.Profile.Criticality), string(v.Profile.Sensitivity), string(v.Profile.Exposure), joinIDs(v.Profile.Priorities))
	r += 2
	scoreHead := []any{"", "Score", "Band", "High risks", "Medium risks", "Answered", "Questions"}
	x.row(s, r, scoreHead...)
	x.styleRow(s, r, len(scoreHead), x.head)
	r++
	x.row(s, r, "Overall", v.Overall.Score, string(v.Overall.Band), v.Overall.High, v.Overall.Medium, v.Overall.Answered, v.Overall.Questions)
	r += 2
	for _, table := range []struct {
		head string
		rows []scoreRow
	}{{"Pillar", v.Pillars}, {"Design area", v.Areas}} {
		scoreHead[0] = table.head
		x.row(s, r, scoreHead...)
		x.styleRow(s, r, len(scoreHead), x.head)
		r++
		for _, p := range table.rows {
			if p.Assessed {
				x.row(s, r, p.Name, p.Score.Score, string(p.Band), p.High, p.Medium, p.Answered, p.Questions)
			} else {
				x.row(s, r, p.Name, nil, msNotAssessed, p.High, p.Medium, p.Answered, p.Questions)
			}
			r++
		}
		r++
	}
	x.row(s, r, "Top 10 item", "Status", "Practices in place", "Applicable practices")
	x.styleRow(s, r, 4, x.head)
	r++
	for i, t := range v.Top10 {
		x.row(s, r, fmt.Sprintf("%d. %s", i+1, t.Title), string(t.Status), t.Met, t.Total)
		r++
	}
	x.fail(x.f.SetColWidth(s, "A", "A", 44))
	x.fail(x.f.SetColWidth(s, "B", "G", 14))
}

// textCell neutralizes a text value that would start like a formula, as every CSV
// export does (sheetcell.Text); numbers and other values pass as they are. Excel
// stores strings as text, but a sheet saved again as CSV, or copied into another
// program, would run them.
func textCell(v any) any {
	if s, ok := v.(string); ok {
		return sheetcell.Text(s)
	}
	return v
}

// table writes a sheet of rows under a header as an Excel table: filter buttons, banded
// rows, a frozen header. The stream writer keeps this fast for long plans.
func (x *xlsx) table(sheet string, cols []column, rows [][]any) {
	sw, err := x.f.NewStreamWriter(sheet)
	if err != nil {
		x.fail(err)
		return
	}
	for i, c := range cols {
		x.fail(sw.SetColWidth(i+1, i+1, c.Width))
	}
	x.fail(sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: x.head, Value: c.Head}
	}
	x.fail(sw.SetRow("A1", head))
	cells := make([]any, len(cols))
	for i, r := range rows {
		for j, v := range r {
			v = textCell(v)
			if cols[j].Wrap {
				v = excelize.Cell{StyleID: x.wrap, Value: v}
			}
			cells[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		x.fail(err)
		x.fail(sw.SetRow(cell, cells))
	}
	last, err := excelize.CoordinatesToCellName(len(cols), max(len(rows)+1, 2))
	x.fail(err)
	x.fail(sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: sheet, StyleName: "TableStyleLight9"}))
	x.fail(sw.Flush())
}

func (x *xlsx) plan(v *view) {
	rows := make([][]any, 0, len(v.Plan))
	for _, r := range v.Plan {
		links := make([]string, len(r.Links))
		for i, l := range r.Links {
			links[i] = l.URL
		}
		rows = append(rows, []any{
			r.Rank, horizonTitle(r.Horizon), r.Priority, r.Title, r.QuestionTitle, r.Question, r.Choice,
			r.AreaName, r.PillarNames, strings.Join(r.Top10, ", "), riskTitle(r.Risk), r.Weight,
			string(r.Effort), r.Impact, r.Why, r.Guidance.What, r.Guidance.Why, r.Guidance.Verify,
			strings.Join(links, "\n"),
		})
	}
	x.table(sheetPlan, planColumns, rows)
}

func (x *xlsx) answers(in Input, v *view) {
	l := in.Lens
	rows := make([][]any, 0, len(in.Result.Questions))
	for _, q := range in.Result.Questions {
		reason := ""
		if q.Risk == awaf.RiskNotApplicable {
			reason = reasonText(l, q)
			if in.Assessment != nil {
				if a, ok := in.Assessment.Answer(q.Question); ok && a.NotApplicable != nil && a.NotApplicable.Note != "" {
					reason += ": " + a.NotApplicable.Note
				}
			}
		}
		var score any = q.Score
		if q.Risk == awaf.RiskNotApplicable || q.Risk == awaf.RiskUnanswered {
			score = nil
		}
		rows = append(rows, []any{
			q.Question, q.Title, areaName(l, q.Area), pillarNames(l, q.Pillars), riskTitle(q.Risk), score,
			strings.Join(choiceTitles(l, q.Question, q.Selected), "\n"),
			strings.Join(choiceTitles(l, q.Question, q.Missing), "\n"),
			q.Note, reason, notNeededText(q.NotNeeded),
		})
	}
	x.table(sheetAnswers, answerColumns, rows)
}

// notNeededText lists the practices an answer declares not needed, one a line:
// "not needed: <practice> — <reason>".
func notNeededText(ns []awaf.NotNeededResult) string {
	lines := make([]string, len(ns))
	for i, n := range ns {
		lines[i] = "not needed: " + n.Title + " — " + n.Reason
	}
	return strings.Join(lines, "\n")
}
