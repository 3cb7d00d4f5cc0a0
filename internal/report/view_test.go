package report

import (
	"math"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

func TestRadar(t *testing.T) {
	row := func(name string, score float64, questions int) scoreRow {
		return scoreRow{Name: name, Score: awaf.Score{Score: score, Questions: questions}, Assessed: questions > 0}
	}
	dist := func(p radarPoint) float64 { return math.Hypot(p.X-radarCX, p.Y-radarCY) }
	cases := []struct {
		name string
		rows []scoreRow
		want []float64 // distance of each point from the centre
	}{
		{"full and empty", []scoreRow{row("A", 100, 1), row("B", 0, 1), row("C", 50, 1)}, []float64{radarRadius, 0, radarRadius / 2}},
		{"six pillars", []scoreRow{row("Security", 62.8, 3), row("Reliability", 64, 3), row("Cost", 47.5, 3), row("Operations", 53, 3), row("Performance Efficiency", 69.5, 3), row("Responsible AI", 52.6, 3)},
			[]float64{0.628 * radarRadius, 0.64 * radarRadius, 0.475 * radarRadius, 0.53 * radarRadius, 0.695 * radarRadius, 0.526 * radarRadius}},
		{"not assessed sits at the centre", []scoreRow{row("A", 80, 1), row("B", 70, 0), row("C", 80, 1)}, []float64{0.8 * radarRadius, 0, 0.8 * radarRadius}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRadar(c.rows)
			if len(r.Points) != len(c.rows) || len(r.Axes) != len(c.rows) || len(r.Rings) != 3 {
				t.Fatalf("%d points, %d axes, %d rings", len(r.Points), len(r.Axes), len(r.Rings))
			}
			if got := len(strings.Fields(r.Polygon)); got != len(c.rows) {
				t.Errorf("polygon has %d points", got)
			}
			for i, p := range r.Points {
				if d := dist(p); math.Abs(d-c.want[i]) > 0.2 {
					t.Errorf("point %d at distance %.1f, want %.1f", i, d, c.want[i])
				}
			}
			if r.Points[0].X != radarCX || r.Points[0].Y > radarCY {
				t.Errorf("first axis should point straight up: %+v", r.Points[0])
			}
			for i, ax := range r.Axes {
				last := ax.Lines[len(ax.Lines)-1]
				if !last.Value {
					t.Errorf("axis %d: last label line %q is not the score", i, last.Text)
				}
				for _, l := range ax.Lines {
					if l.X < 0 || l.X > radarW || l.Y < 0 || l.Y > radarH {
						t.Errorf("axis %d: label %q at (%v, %v) outside the chart", i, l.Text, l.X, l.Y)
					}
				}
			}
			if !strings.Contains(r.Desc, c.rows[0].Name) {
				t.Errorf("description %q does not name the pillars", r.Desc)
			}
		})
	}
	if r := newRadar([]scoreRow{row("A", 1, 1), row("B", 1, 1)}); len(r.Axes) != 0 {
		t.Error("two axes make no radar; the table carries the data")
	}
}

func TestWrapWords(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"Security", "Security"},
		{"Performance Efficiency", "Performance|Efficiency"},
		{"Responsible AI", "Responsible|AI"},
		{"Cost Optimization", "Cost|Optimization"},
		{"Data at rest in transit", "Data at rest|in transit"},
		{"", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := strings.Join(wrapWords(c.in, 12), "|"); got != c.want {
				t.Errorf("wrapWords(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
