package eval

import (
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is parsed once, on first use rather than at start-up, which every
// command would pay for; the HTML report tests use it, so a broken template fails the
// tests, not a user's run.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"status":      status,
		"pvalue":      pValue,
		"ci":          ciString,
		"bound":       bound,
		"delta":       deltaString,
		"input":       inputLine,
		"pct":         func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"confusion":   func(r *Report) template.HTML { return confusionSVG(r) },
		"calibration": func(r *Report) template.HTML { return calibrationSVG(r) },
		"scores":      func(r *Report) template.HTML { return scoresSVG(r) },
		"segbars":     func(r *Report, t SegmentTable, i int) template.HTML { return segmentSVG(r, t, i) },
		"charted":     charted,
		"metricID":    func(r *Report, i int) string { return r.Metrics[i].ID },
		"deref":       func(n *Num) Num { return *n },
	}).Parse(htmlSource))
})

func writeHTML(w io.Writer, rep *Report) error {
	return htmlTemplate().Execute(w, rep)
}

// svg accumulates SVG markup; every text it receives goes through esc.
type svg struct{ b strings.Builder }

func (s *svg) f(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func esc(s string) string { return html.EscapeString(s) }

func (s *svg) html() template.HTML { return template.HTML(s.b.String()) } // built from escaped parts only

// heat maps a share in [0, 1] to a blue of matching depth.
func heat(v float64) string {
	v = min(max(v, 0), 1)
	r := int(247 - v*(247-8))
	g := int(251 - v*(251-81))
	b := int(255 - v*(255-156))
	return fmt.Sprintf("#%02x%02x%02x", r, g, b)
}

// confusionSVG draws the confusion matrix, each cell shaded by its share of the row
// (the recall of that true class), with the count written in it.
func confusionSVG(r *Report) template.HTML {
	k := len(r.Confusion)
	if k == 0 {
		return ""
	}
	const cell, left, top = 56, 90, 40
	w, h := left+k*cell+10, top+k*cell+40
	var s svg
	s.f(`<svg class="chart" role="img" aria-label="Confusion matrix" viewBox="0 0 %d %d" width="%d" height="%d">`, w, h, w, h)
	s.f(`<text x="%d" y="14" class="axis" text-anchor="middle">predicted</text>`, left+k*cell/2)
	s.f(`<text x="12" y="%d" class="axis" transform="rotate(-90 12 %d)" text-anchor="middle">true</text>`, top+k*cell/2, top+k*cell/2)
	for j, c := range r.Classes[:k] {
		s.f(`<text x="%d" y="%d" class="tick" text-anchor="middle">%s</text>`, left+j*cell+cell/2, top-6, esc(short(c)))
	}
	for i, row := range r.Confusion {
		var total float64
		for _, v := range row {
			total += v
		}
		s.f(`<text x="%d" y="%d" class="tick" text-anchor="end">%s</text>`, left-6, top+i*cell+cell/2+4, esc(short(r.Classes[i])))
		for j, v := range row {
			share := 0.0
			if total > 0 {
				share = v / total
			}
			fg := "#111"
			if share > 0.55 {
				fg = "#fff"
			}
			s.f(`<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#fff"><title>true %s, predicted %s: %g (%.1f%% of the row)</title></rect>`,
				left+j*cell, top+i*cell, cell, cell, heat(share), esc(r.Classes[i]), esc(r.Classes[j]), v, share*100)
			s.f(`<text x="%d" y="%d" text-anchor="middle" fill="%s" class="cell">%g</text>`, left+j*cell+cell/2, top+i*cell+cell/2+4, fg, v)
		}
	}
	s.f(`</svg>`)
	return s.html()
}

func short(s string) string {
	if len([]rune(s)) > 12 {
		return string([]rune(s)[:11]) + "…"
	}
	return s
}

// plot is a unit square chart area with axes.
type plot struct {
	svg
	w, h, left, top, pw, ph float64
}

func newPlot(label string, w, h float64) *plot {
	p := &plot{w: w, h: h, left: 48, top: 24}
	p.pw, p.ph = w-p.left-14, h-p.top-40
	p.f(`<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %g %g" width="%g" height="%g">`, esc(label), w, h, w, h)
	return p
}

func (p *plot) x(v float64) float64 { return p.left + v*p.pw }
func (p *plot) y(v float64) float64 { return p.top + (1-v)*p.ph }

func (p *plot) axes(xlabel, ylabel string, xlo, xhi, yhi float64) {
	p.f(`<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#bbb"/>`, p.left, p.top, p.pw, p.ph)
	for i := 0; i <= 4; i++ {
		v := float64(i) / 4
		p.f(`<text x="%g" y="%g" class="tick" text-anchor="end">%.2g</text>`, p.left-4, p.y(v)+4, v*yhi)
		p.f(`<text x="%g" y="%g" class="tick" text-anchor="middle">%.3g</text>`, p.x(v), p.top+p.ph+14, xlo+v*(xhi-xlo))
	}
	p.f(`<text x="%g" y="%g" class="axis" text-anchor="middle">%s</text>`, p.left+p.pw/2, p.h-6, esc(xlabel))
	p.f(`<text x="12" y="%g" class="axis" text-anchor="middle" transform="rotate(-90 12 %g)">%s</text>`, p.top+p.ph/2, p.top+p.ph/2, esc(ylabel))
}

func (p *plot) html() template.HTML {
	p.f(`</svg>`)
	return p.svg.html()
}

// calibrationSVG draws the reliability curve: observed rate against mean predicted
// probability per bin, with the diagonal of perfect calibration; bins without rows are
// skipped.
func calibrationSVG(r *Report) template.HTML {
	if len(r.Calibration) == 0 {
		return ""
	}
	p := newPlot("Calibration curve ("+r.CalibrationOf+")", 360, 300)
	p.axes("predicted probability", "observed rate", 0, 1, 1)
	p.f(`<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#999" stroke-dasharray="4 3"/>`, p.x(0), p.y(0), p.x(1), p.y(1))
	var pts []string
	var maxN float64
	for _, b := range r.Calibration {
		maxN = max(maxN, b.Count)
	}
	for _, b := range r.Calibration {
		if b.Count == 0 {
			continue
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.x(b.Confidence), p.y(b.Observed)))
	}
	p.f(`<polyline points="%s" fill="none" stroke="#0b5394" stroke-width="2"/>`, strings.Join(pts, " "))
	for _, b := range r.Calibration {
		if b.Count == 0 {
			continue
		}
		rad := 2.5 + 4*math.Sqrt(b.Count/maxN)
		p.f(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="#0b5394"><title>bin %.2g–%.2g: %g rows, predicted %.3f, observed %.3f</title></circle>`,
			p.x(b.Confidence), p.y(b.Observed), rad, b.Lower, b.Upper, b.Count, b.Confidence, b.Observed)
	}
	return p.html()
}

// scoresSVG overlays the score histograms of the baseline and the current run.
func scoresSVG(r *Report) template.HTML {
	hst := r.Scores
	if hst == nil || len(hst.Current) == 0 {
		return ""
	}
	var top float64
	for _, v := range append(append([]float64{}, hst.Current...), hst.Baseline...) {
		top = max(top, v)
	}
	if top == 0 {
		top = 1
	}
	p := newPlot("Score distribution, baseline and current", 420, 300)
	lo, hi := hst.Edges[0], hst.Edges[len(hst.Edges)-1]
	xlabel := "score"
	if r.Task == Regression {
		xlabel = "prediction"
	}
	p.axes(xlabel, "share of rows", lo, hi, top)
	n := float64(len(hst.Current))
	bw := p.pw / n
	draw := func(v []float64, color string, off float64, who string) {
		for i, x := range v {
			hgt := x / top * p.ph
			p.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %.3g–%.3g: %.1f%%</title></rect>`,
				p.left+float64(i)*bw+off, p.top+p.ph-hgt, bw/2-0.5, hgt, color, who, hst.Edges[i], hst.Edges[i+1], x*100)
		}
	}
	draw(hst.Baseline, "#b7b7b7", 0, "baseline")
	draw(hst.Current, "#0b5394", bw/2, "current")
	if hst.Baseline != nil {
		p.f(`<rect x="%g" y="6" width="10" height="10" fill="#b7b7b7"/><text x="%g" y="15" class="tick">baseline</text>`, p.left, p.left+14)
	}
	p.f(`<rect x="%g" y="6" width="10" height="10" fill="#0b5394"/><text x="%g" y="15" class="tick">current</text>`, p.left+80, p.left+94)
	return p.html()
}

// segmentSVG draws one metric across the segments of a column as horizontal bars, with
// the segment threshold, if any, as a red dashed line.
func segmentSVG(r *Report, t SegmentTable, i int) template.HTML {
	m := r.Metrics[i]
	if len(t.Rows) == 0 {
		return ""
	}
	var top float64
	for _, row := range t.Rows {
		if !row.Skipped && row.Values[i].Defined() {
			top = max(top, math.Abs(float64(row.Values[i])))
		}
	}
	bound, hasBound := math.NaN(), false
	for _, c := range r.Checks {
		if c.Group == "segments" && strings.HasPrefix(c.Name, m.ID+"[") {
			_, err := fmt.Sscanf(strings.TrimLeft(c.Bound, "≥≤ "), "%g", &bound)
			hasBound = err == nil && bound >= 0
			break
		}
	}
	if hasBound {
		top = max(top, bound)
	}
	if top == 0 || (top <= 1 && m.HigherIsBetter) {
		top = 1
	}
	const left, barH, w = 110.0, 20.0, 440.0
	h := 10 + float64(len(t.Rows))*(barH+6) + 10
	var s svg
	s.f(`<svg class="chart" role="img" aria-label="%s by %s" viewBox="0 0 %g %g" width="%g" height="%g">`, esc(m.ID), esc(t.Column), w, h, w, h)
	pw := w - left - 70
	for j, row := range t.Rows {
		y := 10 + float64(j)*(barH+6)
		s.f(`<text x="%g" y="%g" class="tick" text-anchor="end">%s</text>`, left-6, y+barH/2+4, esc(short(row.Value)))
		if row.Skipped || !row.Values[i].Defined() {
			s.f(`<text x="%g" y="%g" class="tick">n/a (%d rows)</text>`, left+4, y+barH/2+4, row.Rows)
			continue
		}
		bw := math.Abs(float64(row.Values[i])) / top * pw
		s.f(`<rect x="%g" y="%g" width="%.1f" height="%g" fill="#6fa8dc"><title>%s = %s, %d rows</title></rect>`, left, y, bw, barH, esc(row.Value), row.Values[i], row.Rows)
		s.f(`<text x="%.1f" y="%g" class="tick">%s</text>`, left+bw+4, y+barH/2+4, row.Values[i])
	}
	if hasBound {
		x := left + bound/top*pw
		s.f(`<line x1="%.1f" y1="4" x2="%.1f" y2="%g" stroke="#c00" stroke-dasharray="3 2"><title>segment threshold %g</title></line>`, x, x, h-4, bound)
	}
	s.f(`</svg>`)
	return s.html()
}

// charted picks the metrics drawn per segment: those with a segment threshold, or the
// first metric when none has one, to keep the page readable.
func charted(r *Report) []int {
	var out []int
	for i, m := range r.Metrics {
		for _, c := range r.Checks {
			if c.Group == "segments" && strings.HasPrefix(c.Name, m.ID+"[") {
				out = append(out, i)
				break
			}
		}
	}
	if len(out) == 0 && len(r.Metrics) > 0 {
		out = []int{0}
	}
	return out
}
