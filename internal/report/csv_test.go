package report

import (
	"bytes"
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/mscsv"
	"github.com/awaf/awaf/internal/sharedtest"
)

// rawLayout finds the landmarks of an export with nothing but encoding/csv, to check
// the reader in mscsv against an independent reading.
type rawLayout struct {
	widths          map[int]bool
	recHeader       int // record index of the recommendations header
	separator       int
	answerHeader    int
	records         int
	selectedAnswers int
}

func readRaw(t *testing.T, data []byte) rawLayout {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	l := rawLayout{widths: map[int]bool{}, recHeader: -1, separator: -1, answerHeader: -1, records: len(recs)}
	for i, rec := range recs {
		l.widths[len(rec)] = true
		switch {
		case rec[0] == "Category" && rec[1] == "Link-Text":
			l.recHeader = i
		case rec[0] == "-----------":
			l.separator = i
		case rec[0] == "Category" && rec[1] == "Question":
			l.answerHeader = i
		case l.answerHeader >= 0 && len(rec) > 3 && rec[3] != "":
			l.selectedAnswers++
		}
	}
	if l.recHeader < 0 || l.separator < 0 || l.answerHeader < 0 {
		t.Fatalf("landmarks missing: %+v", l)
	}
	return l
}

// checkExport checks what every export in Microsoft's layout shares, whoever wrote it.
func checkExport(t *testing.T, e *mscsv.Export, raw rawLayout) {
	t.Helper()
	if e.Title == "" {
		t.Error("no title")
	}
	bands := map[string]bool{"Critical": true, "Moderate": true, "Excellent": true, "Not assessed": true}
	for _, s := range append([]mscsv.Score{e.Overall}, e.Categories...) {
		if !bands[s.Band] {
			t.Errorf("line %d: band %q", s.Line, s.Band)
		}
		if s.Assessed() && (s.Max <= 0 || s.Score < 0 || s.Score > s.Max) {
			t.Errorf("line %d: score %d/%d", s.Line, s.Score, s.Max)
		}
	}
	if len(e.Categories) == 0 {
		t.Error("no category score lines")
	}
	if got, want := len(e.Recommendations), raw.separator-raw.recHeader-1; got != want {
		t.Errorf("%d recommendations, the raw file has %d rows between header and separator", got, want)
	}
	for _, r := range e.Recommendations {
		if r.Category == "" || r.LinkText == "" || r.Weight < 0 || r.Weight > 100 {
			t.Errorf("line %d: recommendation %+v", r.Line, r)
		}
	}
	if got, want := len(e.Answers), raw.records-raw.answerHeader-1; got != want {
		t.Errorf("%d answer rows, the raw file has %d after the header", got, want)
	}
	selected := 0
	for _, q := range e.Questions() {
		if len(q.Options) < 2 {
			t.Errorf("line %d: question %q has %d options", q.Line, q.Question, len(q.Options))
		}
		selected += len(q.Selected)
	}
	if selected != raw.selectedAnswers {
		t.Errorf("%d selected answers, the raw file has %d", selected, raw.selectedAnswers)
	}
}

// TestCSVMatchesSample renders the fixture and reads it back with the same reader and
// the same checks as Microsoft's sample, plus what the fixture says it must hold.
func TestCSVMatchesSample(t *testing.T) {
	sample, err := os.ReadFile(sharedtest.Dir(t, "ms-assessment-csv/Azure_Well_Architected_Review_Sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sampleRaw := readRaw(t, sample)
	in := tinyInput()
	out := MustRender(t, CSV, in)
	raw := readRaw(t, out)
	if len(raw.widths) != 1 || !raw.widths[msColumns] || !sampleRaw.widths[msColumns] {
		t.Errorf("row widths %v, sample %v; want every row %d fields", raw.widths, sampleRaw.widths, msColumns)
	}
	e, err := mscsv.Read(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	checkExport(t, e, raw)
	r := in.Result
	if !strings.HasPrefix(e.Title, in.Lens.Name+" - Nov 28, 2026") {
		t.Errorf("title %q", e.Title)
	}
	if e.Overall.Band != string(r.Overall.Band) || e.Overall.Max != 100 || float64(e.Overall.Score) != r.Overall.Score {
		t.Errorf("overall %+v, result %+v", e.Overall, r.Overall)
	}
	if len(e.Categories) != len(r.Pillars) {
		t.Fatalf("%d category lines for %d pillars", len(e.Categories), len(r.Pillars))
	}
	for i, c := range e.Categories {
		if c.Name != r.Pillars[i].Name || c.Band != string(r.Pillars[i].Band) || c.Max != 100 || float64(c.Score) != r.Pillars[i].Score.Score {
			t.Errorf("category %d: %+v, pillar %+v", i, c, r.Pillars[i])
		}
	}
	if len(e.Recommendations) != len(r.Plan) {
		t.Fatalf("%d recommendations for a plan of %d", len(e.Recommendations), len(r.Plan))
	}
	for i, rec := range e.Recommendations {
		p := r.Plan[i]
		if rec.LinkText != p.Title || rec.ReportingSubcategory != p.Question || rec.ReportingCategory != string(p.Area) || rec.Priority != msPriority(p) || rec.Complete {
			t.Errorf("recommendation %d: %+v, plan %+v", i, rec, p)
		}
	}
	if rec := e.Recommendations[0]; rec.Note != in.Assessment.Answers[0].Note {
		t.Errorf("note %q did not survive quoting", rec.Note)
	}
	choices := 0
	for _, q := range in.Lens.Questions {
		choices += len(q.Choices)
	}
	if len(e.Answers) != choices {
		t.Errorf("%d answer rows for %d choices", len(e.Answers), choices)
	}
	qs := e.Questions()
	if len(qs) != len(in.Lens.Questions) {
		t.Fatalf("%d questions, lens has %d", len(qs), len(in.Lens.Questions))
	}
	for i, q := range qs {
		want := choiceTitles(in.Lens, r.Questions[i].Question, r.Questions[i].Selected)
		if strings.Join(q.Selected, "\n") != strings.Join(want, "\n") {
			t.Errorf("question %q: selected %q, want %q", q.Question, q.Selected, want)
		}
	}
}
