package report

import (
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/portfolio"
	"github.com/xuri/excelize/v2"
)

// Portfolio is a report across workloads: the view and when it was made.
type Portfolio struct {
	View      *portfolio.View
	Generated time.Time
	// Title names the portfolio ("Contoso AI workloads"); optional.
	Title string
}

// RenderPortfolio writes the portfolio report in format f: HTML (self-contained and
// print-friendly), Markdown, JSON or XLSX. Microsoft's CSV holds one assessment and is
// refused.
func RenderPortfolio(w io.Writer, f Format, in Portfolio) error {
	if in.View == nil || len(in.View.Rows) == 0 {
		return awaf.Errorf(awaf.EINVALID, "portfolio: no workloads to report")
	}
	switch f {
	case HTML:
		return portfolioHTML().ExecuteTemplate(w, "portfolio.html.tmpl", newPortfolioPage(in))
	case Markdown:
		return portfolioMarkdown().ExecuteTemplate(w, "portfolio.md.tmpl", newPortfolioPage(in))
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(PortfolioDocument{SchemaVersion: "1", Generated: in.Generated, Title: in.Title, View: in.View})
	case XLSX:
		return renderPortfolioXLSX(w, in)
	case CSV:
		return awaf.Errorf(awaf.EINVALID, "csv is Microsoft's single-assessment export: use html, md, json or xlsx for a portfolio")
	}
	_, err := ParseFormat(string(f))
	return err
}

// PortfolioDocument is the JSON portfolio report (docs/report-json.md).
type PortfolioDocument struct {
	SchemaVersion string    `json:"schemaVersion"`
	Generated     time.Time `json:"generated"`
	Title         string    `json:"title,omitempty"`
	*portfolio.View
}

// portfolioPage is what the templates read.
type portfolioPage struct {
	Title     string
	Generated time.Time
	View      *portfolio.View
	Rows      []portfolioRow
	Risks     []portfolioRisk
	Trend     htmltemplate.HTML
	Top10IDs  []string
}

type portfolioRow struct {
	portfolio.Row
	Cells []portfolio.Cell
	Met   int
	Total int
}

type portfolioRisk struct {
	portfolio.CommonRisk
	Share string
}

func newPortfolioPage(in Portfolio) portfolioPage {
	p := portfolioPage{Title: in.Title, Generated: in.Generated, View: in.View}
	if p.Title == "" {
		p.Title = "Well-Architected portfolio"
	}
	for _, r := range in.View.Rows {
		pr := portfolioRow{Row: r}
		for _, pl := range in.View.Pillars {
			c, ok := r.Pillars[pl.ID]
			if !ok {
				c = portfolio.Cell{Band: awaf.BandNotAssessed}
			}
			pr.Cells = append(pr.Cells, c)
		}
		for st, n := range r.Top10 {
			if st != awaf.Top10NotApplicable {
				pr.Total += n
			}
			if st == awaf.Top10Met {
				pr.Met += n
			}
		}
		p.Rows = append(p.Rows, pr)
	}
	for _, cr := range in.View.CommonRisks {
		p.Risks = append(p.Risks, portfolioRisk{CommonRisk: cr, Share: in.View.Share(cr)})
	}
	p.Trend = trendSVG(in.View)
	return p
}

var portfolioFuncs = map[string]any{
	"num":  num,
	"inc":  func(i int) int { return i + 1 },
	"date": dateCell,
	"iso":  func(t time.Time) string { return t.Format(time.RFC3339) },
	"bandClass": func(b awaf.Band) string {
		return "band-" + strings.ReplaceAll(strings.ToLower(string(b)), " ", "-")
	},
	"kinds":    func(ks []awaf.Kind) string { return joinIDs(ks) },
	"pillars":  func(ps []awaf.PillarID) string { return joinIDs(ps) },
	"assessed": func(b awaf.Band) bool { return b != awaf.BandNotAssessed },
}

// The portfolio templates are parsed on first use, like htmlTemplate.
var (
	portfolioHTML = sync.OnceValue(func() *htmltemplate.Template {
		return htmltemplate.Must(htmltemplate.New("portfolio.html.tmpl").Funcs(portfolioFuncs).
			ParseFS(templates, "templates/portfolio.html.tmpl", "templates/style.html.tmpl"))
	})
	portfolioMarkdown = sync.OnceValue(func() *texttemplate.Template {
		return texttemplate.Must(texttemplate.New("portfolio.md.tmpl").Funcs(portfolioFuncs).Funcs(texttemplate.FuncMap{
			"md": mdCell,
		}).ParseFS(templates, "templates/portfolio.md.tmpl"))
	})
)

// TrendSVG is the portfolio's trend chart as inline SVG, for pages that show it
// (the team server's portfolio page); empty with fewer than two month ends.
func TrendSVG(v *portfolio.View) htmltemplate.HTML { return trendSVG(v) }

// trendSVG draws the portfolio's overall score and each pillar at month ends as lines.
func trendSVG(v *portfolio.View) htmltemplate.HTML {
	if len(v.Trend) < 2 {
		return ""
	}
	const w, h, left, right, top, bottom = 640.0, 260.0, 40.0, 150.0, 16.0, 36.0
	pw, ph := w-left-right, h-top-bottom
	x := func(i int) float64 { return left + pw*float64(i)/float64(len(v.Trend)-1) }
	y := func(s float64) float64 { return top + ph*(1-s/100) }
	var b strings.Builder
	e := htmltemplate.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="trend" viewBox="0 0 %g %g" role="img" aria-label="Portfolio scores at each month end"><title>Portfolio scores at each month end</title>`, w, h)
	for _, g := range []float64{0, 33, 67, 100} {
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#d0d7de"/><text x="%g" y="%.1f" font-size="10" text-anchor="end" fill="#57606a">%g</text>`,
			left, y(g), left+pw, y(g), left-4, y(g)+3, g)
	}
	for i, p := range v.Trend {
		if i == 0 || i == len(v.Trend)-1 || len(v.Trend) <= 12 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="10" text-anchor="middle" fill="#57606a">%s</text>`, x(i), h-bottom+14, p.MonthEnd.Format("2006-01"))
		}
	}
	colours := []string{"#1b1f24", "#0b5cad", "#b42318", "#1a7f37", "#9a5b00", "#6639ba", "#0e7490"}
	series := []struct {
		name string
		val  func(portfolio.Point) (float64, bool)
	}{{"overall", func(p portfolio.Point) (float64, bool) { return p.Overall, p.Workloads > 0 }}}
	for _, pl := range v.Pillars {
		id := pl.ID
		series = append(series, struct {
			name string
			val  func(portfolio.Point) (float64, bool)
		}{pl.Name, func(p portfolio.Point) (float64, bool) { s, ok := p.Pillars[id]; return s, ok }})
	}
	for si, s := range series {
		c := colours[si%len(colours)]
		var pts []string
		for i, p := range v.Trend {
			if val, ok := s.val(p); ok {
				pts = append(pts, strconv.FormatFloat(math.Round(x(i)*10)/10, 'f', -1, 64)+","+strconv.FormatFloat(math.Round(y(val)*10)/10, 'f', -1, 64))
			}
		}
		width := "1.5"
		if si == 0 {
			width = "3"
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="%s" points="%s"><title>%s</title></polyline>`, c, width, strings.Join(pts, " "), e(s.name))
		fmt.Fprintf(&b, `<rect x="%g" y="%d" width="10" height="10" fill="%s"/><text x="%g" y="%d" font-size="11" fill="#1b1f24">%s</text>`,
			left+pw+12, int(top)+si*16, c, left+pw+26, int(top)+si*16+9, e(s.name))
	}
	b.WriteString(`</svg>`)
	return htmltemplate.HTML(b.String()) // every text inside was escaped above
}

func renderPortfolioXLSX(w io.Writer, in Portfolio) error {
	f := excelize.NewFile()
	defer f.Close()
	v := in.View
	heat := "Workloads"
	f.SetSheetName("Sheet1", heat)
	head := []any{"Workload", "Owner", "Criticality", "Kinds", "Lens", "Lens version", "Outdated", "Updated", "Overall", "Band", "High risks", "Medium risks", "Top 10 met"}
	for _, p := range v.Pillars {
		head = append(head, p.Name)
	}
	rows := [][]any{head}
	for _, r := range newPortfolioPage(in).Rows {
		row := []any{r.Name, r.Owner, string(r.Criticality), joinIDs(r.Kinds), r.Lens.ID, r.Lens.Version,
			r.Outdated, dateCell(r.Updated), r.Overall.Score, string(r.Overall.Band), r.Overall.High, r.Overall.Medium, fmt.Sprintf("%d of %d", r.Met, r.Total)}
		for _, c := range r.Cells {
			if c.Band == awaf.BandNotAssessed {
				row = append(row, "")
			} else {
				row = append(row, c.Score)
			}
		}
		rows = append(rows, row)
	}
	if err := writeSheet(f, heat, rows); err != nil {
		return err
	}
	risks := "Common risks"
	if _, err := f.NewSheet(risks); err != nil {
		return err
	}
	rr := [][]any{{"Practice to adopt", "Question", "Choice", "Workloads", "Of", "High", "Affected workloads (plan rank)"}}
	for _, cr := range v.CommonRisks {
		var at []string
		for _, wl := range cr.Workloads {
			at = append(at, fmt.Sprintf("%s (#%d, %s)", wl.Name, wl.Rank, wl.Risk))
		}
		rr = append(rr, []any{cr.Title, cr.Question, cr.Choice, len(cr.Workloads), len(v.Rows), cr.High, strings.Join(at, "; ")})
	}
	if err := writeSheet(f, risks, rr); err != nil {
		return err
	}
	if len(v.Trend) > 0 {
		trend := "Trend"
		if _, err := f.NewSheet(trend); err != nil {
			return err
		}
		th := []any{"Month end", "Workloads", "Overall"}
		for _, p := range v.Pillars {
			th = append(th, p.Name)
		}
		tr := [][]any{th}
		for _, p := range v.Trend {
			row := []any{p.MonthEnd.Format("2006-01-02"), p.Workloads, p.Overall}
			for _, pl := range v.Pillars {
				row = append(row, p.Pillars[pl.ID])
			}
			tr = append(tr, row)
		}
		if err := writeSheet(f, trend, tr); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}

func dateCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func writeSheet(f *excelize.File, sheet string, rows [][]any) error {
	for i, r := range rows {
		for j, v := range r {
			r[j] = textCell(v) // ids and choices come from uploaded lenses too
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	return nil
}
