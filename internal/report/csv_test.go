package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/sharedtest"
)

// rawLayout finds the landmarks of an export with nothing but encoding/csv, to check
// ReadMSCSV against an independent reading.
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
func checkExport(t *testing.T, e *MSExport, raw rawLayout) {
	t.Helper()
	if e.Title == "" {
		t.Error("no title")
	}
	bands := map[string]bool{"Critical": true, "Moderate": true, "Excellent": true, "Not assessed": true}
	for _, s := range append([]MSScore{e.Overall}, e.Categories...) {
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

func TestReadMSCSVSamples(t *testing.T) {
	for _, name := range []string{"Azure_Well_Architected_Review_Sample.csv", "Gen_AI_Workload_Security_Assessment_Sample.csv"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(sharedtest.Dir(t, "ms-assessment-csv/"+name))
			if err != nil {
				t.Fatal(err)
			}
			e, err := ReadMSCSV(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			checkExport(t, e, readRaw(t, data))
		})
	}
	// The review sample's own figures, read by eye from the file.
	data, err := os.ReadFile(sharedtest.Dir(t, "ms-assessment-csv/Azure_Well_Architected_Review_Sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := ReadMSCSV(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Title, "Azure Well-Architected Review - ") {
		t.Errorf("title %q", e.Title)
	}
	if e.Overall != (MSScore{Name: msOverall, Band: "Critical", Score: 0, Max: 120, Line: 4}) {
		t.Errorf("overall %+v", e.Overall)
	}
	var names []string
	for _, c := range e.Categories {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "Reliability,Security,Cost Optimization,Operational Excellence,Performance Efficiency" {
		t.Errorf("categories %s", got)
	}
	if len(e.NextSteps) != 3 || !strings.HasPrefix(e.NextSteps[0].URL, "https://learn.microsoft.com/") {
		t.Errorf("next steps %+v", e.NextSteps)
	}
	if r := e.Recommendations[0]; r.Priority != "High" || r.ReportingCategory != "RE:04" || r.Weight != 80 || r.Complete || r.Line != 17 {
		t.Errorf("first recommendation %+v", r)
	}
	q := e.Questions()[0]
	if q.Question != "How do you keep the workload simple and efficient?" || len(q.Options) != 6 || len(q.Selected) != 1 || q.Selected[0] != "None of the above." {
		t.Errorf("first question %+v", q)
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
	e, err := ReadMSCSV(bytes.NewReader(out))
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

func TestReadMSCSVErrors(t *testing.T) {
	const head = "T,,,,,,,,,\n,,,,,,,,,\nRecommendations for your workload\nYour overall results,Moderate,'50/100'\n"
	const recHead = "Category,Link-Text,Link,Priority,ReportingCategory,ReportingSubcategory,Weight,Context,CompleteY/N,Note\n"
	const tail = "-----------\n\nCategory,Question,Answers,Selected Answer,Note\nSecurity,Q?,A,A,\nSecurity,Q?,B,,\n"
	cases := []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"empty", "", []string{"no recommendations table"}},
		{"bad band", "T\nYour overall results,Great,'50/100'\n" + recHead + tail, []string{":2: band \"Great\""}},
		{"bad score", "T\nYour overall results,Moderate,50/100\n" + recHead + tail, []string{":2: score \"50/100\""}},
		{"bad weight and priority", head + recHead + "Security,Do it,https://x,Urgent,SE:01,,ten,,N,\n" + tail,
			[]string{":6: priority \"Urgent\"", ":6: weight \"ten\""}},
		{"bad complete", head + recHead + "Security,Do it,https://x,High,SE:01,,10,,maybe,\n" + tail, []string{":6: CompleteY/N \"maybe\""}},
		{"no separator", head + recHead + "Security,Do it,https://x,High,SE:01,,10,,N,\n", []string{"no \"-----------\" separator"}},
		{"no answers header", head + recHead + "-----------\nSecurity,Q?,A,A,\n", []string{":7: expected the answers header"}},
		{"stray header row", head + "just words\n" + recHead + tail, []string{":5: unexpected row \"just words\""}},
		{"answer without option", head + recHead + tail + "Security,Q?,,,\n", []string{":11: answer row without"}},
		{"malformed quotes", head + recHead + "Security,\"Do it,x\n", []string{"malformed CSV"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadMSCSV(strings.NewReader(c.in))
			if err == nil {
				t.Fatal("no error")
			}
			var ps awaf.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %T is not awaf.Problems", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func FuzzReadMSCSV(f *testing.F) {
	f.Add([]byte("T\nYour overall results,Moderate,'50/100'\nCategory,Link-Text,Link,Priority,ReportingCategory,ReportingSubcategory,Weight,Context,CompleteY/N,Note\n-----------\nCategory,Question,Answers,Selected Answer,Note\nS,Q,A,A,\n"))
	f.Add([]byte("\ufeff\"a\nb\",c\n"))
	if data, err := os.ReadFile("testdata/tiny.csv"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ReadMSCSV(bytes.NewReader(data))
		if err == nil && e == nil {
			t.Fatal("nil export without an error")
		}
		if err != nil && e != nil {
			t.Fatal("export and error both returned")
		}
		if err == nil {
			_ = e.Questions()
		}
	})
}
