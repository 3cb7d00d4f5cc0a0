package mscsv

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
func checkExport(t *testing.T, e *Export, raw rawLayout) {
	t.Helper()
	if e.Title == "" {
		t.Error("no title")
	}
	for _, s := range append([]Score{e.Overall}, e.Categories...) {
		if !bandPattern().MatchString(s.Band) {
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

func TestReadSamples(t *testing.T) {
	for _, name := range []string{"Azure_Well_Architected_Review_Sample.csv", "Gen_AI_Workload_Security_Assessment_Sample.csv"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(sharedtest.Dir(t, "ms-assessment-csv/"+name))
			if err != nil {
				t.Fatal(err)
			}
			e, err := Read(bytes.NewReader(data))
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
	e, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Title, "Azure Well-Architected Review - ") {
		t.Errorf("title %q", e.Title)
	}
	if e.Overall != (Score{Name: msOverall, Band: "Critical", Score: 0, Max: 120, Line: 4}) {
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

func TestReadErrors(t *testing.T) {
	const head = "T,,,,,,,,,\n,,,,,,,,,\nRecommendations for your workload\nYour overall results,Moderate,'50/100'\n"
	const recHead = "Category,Link-Text,Link,Priority,ReportingCategory,ReportingSubcategory,Weight,Context,CompleteY/N,Note\n"
	const tail = "-----------\n\nCategory,Question,Answers,Selected Answer,Note\nSecurity,Q?,A,A,\nSecurity,Q?,B,,\n"
	cases := []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"empty", "", []string{"no recommendations table"}},
		{"bad band", "T\nYour overall results,4 stars,'50/100'\n" + recHead + tail, []string{":2: band \"4 stars\""}},
		{"description file", "Pillar,Category,Caption,Description\nCost Optimization,Cost Model,Cost Model,Words\n", []string{":1: this is a category-description file", "expected a CSV exported from an assessment"}},
		{"not an export", "Name,Value\na,b\nc,d\n", []string{":1: no \"Your overall results\" score line"}},
		{"bad score", "T\nYour overall results,Moderate,50/100\n" + recHead + tail, []string{":2: score \"50/100\""}},
		{"bad weight and priority", head + recHead + "Security,Do it,https://x,Urgent,SE:01,,ten,,N,\n" + tail,
			[]string{":6: priority \"Urgent\"", ":6: weight \"ten\""}},
		{"bad complete", head + recHead + "Security,Do it,https://x,High,SE:01,,10,,maybe,\n" + tail, []string{":6: CompleteY/N \"maybe\""}},
		{"no separator", head + recHead + "Security,Do it,https://x,High,SE:01,,10,,N,\n", []string{"no \"-----------\" separator"}},
		{"no answers header", head + recHead + "-----------\nSecurity,Q?,A,A,\n", []string{":7: expected the answers header"}},
		{"stray header row", head + "just words\n" + recHead + tail, []string{":5: unexpected row \"just words\""}},
		{"answer without option", head + recHead + tail + "Security,Q?,,,\n", []string{":11: answer row without"}},
		{"malformed quotes", head + recHead + "Security,\"Do it,x\n", []string{"malformed CSV"}},
		{"not UTF-8", head + recHead + "Security,Do it,https://x/\x1b\xa9,High,SE:01,,10,,N,\n" + tail,
			[]string{":6:16: field 3 is not UTF-8 text; save the export as UTF-8"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.in))
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
		e, err := Read(bytes.NewReader(data))
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
