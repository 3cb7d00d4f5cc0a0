package mscsv

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/sharedtest"
)

// RealCSVs lists every CSV under ../shared/testdata/ms-assessment-csv (Microsoft's
// samples and every CSV of WellArchitected-Tools' WARP folder), skipping when absent.
func realCSVs(t *testing.T) []string {
	t.Helper()
	root := sharedtest.Dir(t, "ms-assessment-csv")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".csv") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no CSV files under " + root)
	}
	return files
}

// isDescription tells the category-description files from exports by their name, as
// a person would, independently of the reader's own detection.
func isDescription(path string) bool {
	return strings.HasSuffix(path, "Category Descriptions.csv")
}

// TestEveryRealCSV imports every export into a lens that loads and answers that fit
// it, and compares Microsoft's category scores with awaf's: equal within one point, or
// the reason awaf gives applies. Description files are refused with one line.
func TestEveryRealCSV(t *testing.T) {
	exports := 0
	for _, path := range realCSVs(t) {
		rel := path[strings.Index(path, "ms-assessment-csv"):]
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Import(path, bytes.NewReader(data), Options{})
			if isDescription(path) {
				if awaf.ErrorCode(err) != awaf.EINVALID || strings.Count(err.Error(), "\n") > 0 || !strings.Contains(err.Error(), "category-description file") || !strings.Contains(err.Error(), "expected a CSV exported from an assessment") {
					t.Fatalf("want one line naming a description file, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			exports++
			if res.Lens == nil || res.Answers == nil {
				t.Fatal("no lens made")
			}
			if res.Answers.Lens.File != LensFile(res.Lens.ID) {
				t.Errorf("answers name lens file %q, want %q", res.Answers.Lens.File, LensFile(res.Lens.ID))
			}
			y, err := lens.MarshalYAML(res.Lens)
			if err != nil {
				t.Fatal(err)
			}
			l, err := lens.Parse("made.yaml", y)
			if err != nil {
				t.Fatalf("made lens does not load: %v", err)
			}
			if len(l.Areas) != len(res.Export.Categories) {
				t.Errorf("%d areas for %d categories", len(l.Areas), len(res.Export.Categories))
			}
			r, err := assess.Evaluate(l, res.Answers)
			if err != nil {
				t.Fatal(err)
			}
			rows := res.Compare(r)
			var buf bytes.Buffer
			if err := WriteScores(&buf, rows); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s\n%s", rel, buf.String())
			for _, a := range rows {
				if !a.Found {
					t.Errorf("%s: no awaf category", a.Category)
					continue
				}
				if !a.Agree && a.Reason == "" {
					t.Errorf("%s: Microsoft %d/%d, awaf %.1f, and no reason", a.Category, a.Microsoft.Score, a.Microsoft.Max, a.Awaf)
				}
				if a.Agree && a.Reason != "" {
					t.Errorf("%s: agrees yet gives a reason", a.Category)
				}
			}
			for _, w := range res.Warnings {
				t.Errorf("warning: %s", w)
			}
		})
	}
	t.Logf("%d assessment exports", exports)
}

// TestRecommendationWeights: where an export ties recommendations to answer options by
// code (the Cloud Adoption Security Assessment), the options weigh what Microsoft's
// Weight column gives them. Counted independently with a Python reading of the file:
// 123 unticked options are named, with weights 40 to 80.
func TestRecommendationWeights(t *testing.T) {
	path := sharedtest.Dir(t, "ms-assessment-csv/warp/WARP/devops/Cloud_Adoption_Security_Assessment_Sample.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(path, bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	weighted := 0
	var s15 *awaf.Choice
	for qi := range res.Lens.Questions {
		q := &res.Lens.Questions[qi]
		for ci := range q.Choices {
			c := &q.Choices[ci]
			if c.None {
				continue
			}
			if c.Weight != defaultWeight {
				weighted++
			}
			if strings.HasPrefix(c.Title, "S-1-5:") {
				s15 = c
			}
		}
	}
	if weighted != 123 {
		t.Errorf("%d options carry a recommendation's weight, want 123", weighted)
	}
	if s15 == nil || s15.Weight != 80 {
		t.Errorf("option S-1-5: %+v, want weight 80 (recommendation S-1-5-1)", s15)
	}
}
