package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/portfolio"
)

// portfolioFiles are the example portfolio's answers files, one workload each.
var portfolioFiles = []string{"claims-chat.yaml", "hr-assistant.yaml", "fraud-scoring.yaml"}

// examplePortfolio runs the real pipeline on the example portfolio: each file
// evaluated against the built-in lens, the view built, the trend from their dates.
func examplePortfolio(tb testing.TB) Portfolio {
	tb.Helper()
	var entries []portfolio.Entry
	var snaps []portfolio.Snapshot
	for _, name := range portfolioFiles {
		path := filepath.Join("..", "..", "examples", "portfolio", name)
		f, err := answers.LoadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		l, err := lens.BuiltinByID(f.Lens.ID)
		if err != nil {
			tb.Fatal(err)
		}
		if err := f.Check(l); err != nil {
			tb.Fatal(err)
		}
		r, err := assess.Evaluate(l, f.Assessment)
		if err != nil {
			tb.Fatal(err)
		}
		entries = append(entries, portfolio.Entry{Link: name, Result: r, Updated: f.Updated, LatestLens: l.Version})
		snaps = append(snaps, portfolio.SnapshotOf(r.Workload.Name, f.Updated, r))
	}
	v := portfolio.Build(entries)
	v.Trend = portfolio.Trend(snaps)
	return Portfolio{View: v, Generated: generated, Title: "Contoso AI workloads"}
}

// hostilePortfolio has names that need escaping in every format and a workload on an
// outdated lens with nothing assessed.
func hostilePortfolio(tb testing.TB) Portfolio {
	tb.Helper()
	a := tinyResult()
	a.Workload.Name, a.Workload.Owner = `<script>alert(1)</script> & "chat"`, "=HYPERLINK(\"x\")|owner"
	b := tinyResult()
	b.Workload.Name = "second | *bold* [link](javascript:x)"
	b.Lens.Version = "0.0.9"
	empty := tinyEdge().Result
	empty.Workload.Name = "nothing assessed"
	v := portfolio.Build([]portfolio.Entry{
		{ID: 7, Link: "/w/7", Result: a, LatestLens: a.Lens.Version},
		{ID: 8, Link: "/w/8?x=<y>", PlanLink: "/w/8/plan", Result: b, LatestLens: a.Lens.Version},
		{ID: 9, Link: "/w/9", Result: empty},
	})
	return Portfolio{View: v, Generated: generated, Title: `Team <b>"A"</b>`}
}

// MustRenderPortfolio renders in format f or fails the test.
func MustRenderPortfolio(tb testing.TB, f Format, in Portfolio) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := RenderPortfolio(&buf, f, in); err != nil {
		tb.Fatalf("render %s: %v", f, err)
	}
	return buf.Bytes()
}

func TestGoldenPortfolio(t *testing.T) {
	cases := []struct {
		name string
		in   Portfolio
	}{
		{"portfolio", examplePortfolio(t)},
		{"portfolio-hostile", hostilePortfolio(t)},
	}
	for _, c := range cases {
		for _, f := range []Format{Markdown, HTML, JSON, XLSX} {
			t.Run(c.name+"."+string(f), func(t *testing.T) {
				got := MustRenderPortfolio(t, f, c.in)
				name := c.name + "." + string(f)
				if f == XLSX {
					got, name = dumpXLSX(t, got), name+".txt"
				}
				goldenfile.Check(t, filepath.Join("testdata", name), got)
			})
		}
	}
}

func TestPortfolioExample(t *testing.T) {
	in := examplePortfolio(t)
	v := in.View
	if len(v.Rows) != 3 || len(v.CommonRisks) == 0 || len(v.Trend) != 3 {
		t.Fatalf("%d rows, %d common risks, %d months of trend: want 3, some, 3 (September to November)", len(v.Rows), len(v.CommonRisks), len(v.Trend))
	}
	html := string(MustRenderPortfolio(t, HTML, in))
	if !strings.Contains(html, `<svg class="trend"`) {
		t.Error("html has no trend chart")
	}
	for _, want := range []string{"Contoso AI workloads", "HR policy assistant", v.Share(v.CommonRisks[0])} {
		if !strings.Contains(html, htmlEscape(want)) {
			t.Errorf("html lacks %q", want)
		}
	}
	// Self-contained: nothing is fetched when the file is opened or printed.
	for _, ext := range []string{"<script src", "<link ", "@import", "url(http"} {
		if strings.Contains(html, ext) {
			t.Errorf("html refers to an outside resource: %q", ext)
		}
	}
	if !strings.Contains(html, "@media print") {
		t.Error("html has no print styles")
	}
	var doc struct {
		SchemaVersion string `json:"schemaVersion"`
		Workloads     []struct {
			Name    string                    `json:"name"`
			Pillars map[string]map[string]any `json:"pillars"`
		} `json:"workloads"`
		CommonRisks []struct {
			Workloads []struct {
				Rank int `json:"rank"`
			} `json:"workloads"`
		} `json:"commonRisks"`
	}
	if err := json.Unmarshal(MustRenderPortfolio(t, JSON, in), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != "1" || len(doc.Workloads) != 3 || len(doc.Workloads[0].Pillars) != 6 || doc.CommonRisks[0].Workloads[0].Rank == 0 {
		t.Errorf("json: %+v", doc)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

func TestPortfolioEscapes(t *testing.T) {
	in := hostilePortfolio(t)
	html := string(MustRenderPortfolio(t, HTML, in))
	for _, bad := range []string{"<script>alert", "<b>\"A\"", `href="javascript:`} {
		if strings.Contains(html, bad) {
			t.Errorf("html contains %q unescaped", bad)
		}
	}
	md := string(MustRenderPortfolio(t, Markdown, in))
	if strings.Contains(md, "second | *bold*") || strings.Contains(md, "<script>") {
		t.Errorf("markdown cells not escaped:\n%s", md)
	}
	xl := string(dumpXLSX(t, MustRenderPortfolio(t, XLSX, in)))
	if strings.Contains(xl, "\t=HYPERLINK") || !strings.Contains(xl, "'=HYPERLINK") {
		t.Errorf("a formula-like owner reaches the sheet as a formula:\n%s", xl)
	}
}

func TestPortfolioRefuses(t *testing.T) {
	cases := []struct {
		name string
		f    Format
		in   Portfolio
		want string
	}{
		{"csv", CSV, examplePortfolio(t), "single-assessment"},
		{"no workloads", HTML, Portfolio{View: portfolio.Build(nil)}, "no workloads"},
		{"unknown format", Format("pdf"), examplePortfolio(t), "pdf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := RenderPortfolio(&buf, c.f, c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) || awaf.ErrorCode(err) != awaf.EINVALID {
				t.Errorf("err = %v, want EINVALID mentioning %q", err, c.want)
			}
			if buf.Len() > 0 {
				t.Errorf("%d bytes written", buf.Len())
			}
		})
	}
}

func BenchmarkRenderPortfolio(b *testing.B) {
	in := examplePortfolio(b)
	for _, f := range []Format{Markdown, HTML, JSON, XLSX} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := RenderPortfolio(&bytes.Buffer{}, f, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
