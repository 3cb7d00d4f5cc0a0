package mscsv

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/report"
	"github.com/awaf/awaf/internal/sharedtest"
)

func TestRealSamples(t *testing.T) {
	cases := []struct {
		file       string
		lensID     string
		questions  int
		categories int
	}{
		{"ms-assessment-csv/Azure_Well_Architected_Review_Sample.csv", "azure-well-architected-review", 60, 5},
		{"ms-assessment-csv/Gen_AI_Workload_Security_Assessment_Sample.csv", "gen-ai-workload-security-assessment", 46, 3},
	}
	for _, tc := range cases {
		t.Run(tc.lensID, func(t *testing.T) {
			path := sharedtest.Dir(t, tc.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			builtin, err := lens.Builtin()
			if err != nil {
				t.Fatal(err)
			}
			res, err := Import(path, bytes.NewReader(data), Options{Lens: builtin})
			if err != nil {
				t.Fatal(err)
			}
			if res.Matched != nil {
				t.Errorf("%d answers matched the built-in AI lens; its questions are different", len(res.Matched.Answers))
			}
			if res.Lens == nil || res.Lens.ID != tc.lensID {
				t.Fatalf("made lens %+v, want %s", res.Lens, tc.lensID)
			}
			if len(res.Lens.Questions) != tc.questions || len(res.Lens.Areas) != tc.categories {
				t.Errorf("%d questions in %d areas, want %d in %d", len(res.Lens.Questions), len(res.Lens.Areas), tc.questions, tc.categories)
			}
			y, err := lens.MarshalYAML(res.Lens)
			if err != nil {
				t.Fatal(err)
			}
			l, err := lens.Parse("made.yaml", y)
			if err != nil {
				t.Fatalf("made lens does not load: %v", err)
			}
			r, err := assess.Evaluate(l, res.Answers)
			if err != nil {
				t.Fatal(err)
			}
			// Every sample answer is "none of the above", and Microsoft scored every
			// category 0; awaf must agree.
			if r.Overall.Answered != tc.questions || r.Overall.Score != 0 {
				t.Errorf("overall %+v, want %d answered at 0", r.Overall, tc.questions)
			}
			for _, c := range res.Export.Categories {
				if c.Score != 0 || c.Band != string(awaf.BandCritical) {
					t.Errorf("category %s: %s %d", c.Name, c.Band, c.Score)
				}
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
		})
	}
}

// TestRoundTripAwafCSV writes awaf's CSV report of an assessment and reads it back:
// the selections, notes and not-applicable reasons must survive.
func TestRoundTripAwafCSV(t *testing.T) {
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	a := &awaf.Assessment{
		Lens:     awaf.LensRef{ID: l.ID, Version: l.Version},
		Workload: awaf.Workload{Name: "RAG chat"},
		Profile: awaf.Profile{Kinds: awaf.Kinds, Components: awaf.Components, Criticality: awaf.BusinessCritical,
			Sensitivity: awaf.Confidential, Exposure: awaf.Exposures[0]},
	}
	// Answer every question differently: some practices, "none", not applicable.
	for i, q := range l.Questions {
		switch i % 4 {
		case 0:
			a.SetAnswer(awaf.Answer{Question: q.ID, Selected: []string{q.Choices[0].ID, q.Choices[1].ID}, Note: "Reviewed, with a comma, and \"quotes\"."})
		case 1:
			a.SetAnswer(awaf.Answer{Question: q.ID, Selected: []string{q.Choices[len(q.Choices)-1].ID}})
		case 2:
			a.SetAnswer(awaf.Answer{Question: q.ID, NotApplicable: &awaf.NotApplicable{Reason: awaf.NABusinessPriorities, Note: "Decided in the design review"}})
		}
	}
	r, err := assess.Evaluate(l, a)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, report.CSV, report.Input{Lens: l, Assessment: a, Result: r, Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	res, err := Import("report.csv", &buf, Options{Lens: l})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lens != nil {
		t.Errorf("%d questions did not match the lens they came from", len(res.Lens.Questions))
	}
	if res.Matched == nil {
		t.Fatal("nothing matched")
	}
	for _, want := range a.Answers {
		got, ok := res.Matched.Answer(want.Question)
		if !ok {
			t.Errorf("%s: lost", want.Question)
			continue
		}
		if !reflect.DeepEqual(got.Selected, want.Selected) || got.Note != want.Note || !reflect.DeepEqual(got.NotApplicable, want.NotApplicable) {
			t.Errorf("%s: got %+v (na %+v), want %+v (na %+v)", want.Question, *got, got.NotApplicable, want, want.NotApplicable)
		}
	}
	if len(res.Matched.Answers) != len(a.Answers) {
		t.Errorf("%d answers back, want %d", len(res.Matched.Answers), len(a.Answers))
	}
	// The CSV has no profile; with the profile given back, the scores agree.
	res.Matched.Profile = a.Profile
	r2, err := assess.Evaluate(l, res.Matched)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Overall.Score != r.Overall.Score {
		t.Errorf("overall score %v after the round trip, was %v", r2.Overall.Score, r.Overall.Score)
	}
	// awaf's own export: every pillar's score in the file equals the re-evaluated one.
	for _, a := range res.Compare(r2) {
		if !a.Found || !a.Agree || a.Reason != "" {
			t.Errorf("%s: file %d/%d, awaf %.1f, agree %v, reason %q", a.Category, a.Microsoft.Score, a.Microsoft.Max, a.Awaf, a.Agree, a.Reason)
		}
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"empty", "", "bad.csv"},
		{"not the layout", "a,b,c\n1,2,3\n", "bad.csv: no \"Your overall results\""},
		{"unterminated quote", "Title\n,\nYour overall results,Critical,'0/100'\n\"oops,\n", "bad.csv"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import("bad.csv", strings.NewReader(tc.data), Options{})
			var ps awaf.Problems
			located := errors.As(err, &ps) || awaf.ErrorCode(err) == awaf.EINVALID
			if !located || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want problems naming %q", err, tc.want)
			}
		})
	}
}

func FuzzImport(f *testing.F) {
	f.Add([]byte("T - x\n,\nYour overall results,Critical,'0/100'\nSecurity,Critical,'0/100'\nCategory,Link-Text,Link,Priority,ReportingCategory,ReportingSubcategory,Weight,Context,CompleteY/N,Note\nSecurity,Do,https://learn.microsoft.com/x,High,SE:01,,80,,N,\n-----------\n,\nCategory,Question,Answers,Selected Answer,Note\nSecurity,Q?,A.,A.,n\nSecurity,Q?,None of the above.,,\n"))
	// Found by the five-minute campaign (docs/fuzzing.md): an answers row without a
	// category made an area without a name, which the lens loader refuses.
	f.Add([]byte("0\nYour overall results,AAAAAAAA,'0/000' ,0000000000000000\nCategory,Link-Text,Link,Priority,ReportingCategory,ReportingSubcategory,Weight,Context,CompleteY/N,Note,000000000000000000000000000\n-----------\nCategory,Question,Answers,Selected Answer,Note\n,0,0"))
	// Found by CI's eight-second run: a link that is not UTF-8 went into the lens as
	// YAML's base64, which the lens loader then read as the address.
	f.Add([]byte("T - x\n,\nYour overall results,Critical,'0/100'\nicalrity,Critical,'0/100'\nCategory,Link-Text,Link,Priority,ReportingCategory,ReportingSubcategory,Weight,Context,CompleteY/N,Note\nSecurity,Do,https://learn.microsoft.com/4e\x1b\xa9x,High,SE:01,,80,,N,\n-----------\n,\nCategory,Question,Answers,Selected Answer,Note\nSecurity,Q?,A.,A.,n\nSecurity,Q?,None of the above.,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Import("fuzz.csv", bytes.NewReader(data), Options{})
		if err != nil || res.Lens == nil {
			return
		}
		y, err := lens.MarshalYAML(res.Lens)
		if err != nil {
			t.Fatal(err)
		}
		l, err := lens.Parse("fuzz.yaml", y)
		if err != nil {
			t.Fatalf("made lens does not load: %v", err)
		}
		if _, err := assess.Evaluate(l, res.Answers); err != nil {
			t.Fatalf("answers do not fit the made lens: %v", err)
		}
	})
}
