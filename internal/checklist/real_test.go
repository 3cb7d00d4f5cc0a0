package checklist

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/sharedtest"
)

// realChecklists finds every English checklist of Azure/review-checklists: in a
// checkout named by AWAF_REVIEW_CHECKLISTS, or in ../shared/testdata/checklists/all.
// The test skips when neither is there.
func realChecklists(t *testing.T) []string {
	t.Helper()
	root := os.Getenv("AWAF_REVIEW_CHECKLISTS")
	if root == "" {
		root = sharedtest.Dir(t, "checklists/all")
	}
	var files []string
	for _, dir := range []string{"checklists", "checklists-ext"} {
		m, err := filepath.Glob(filepath.Join(root, dir, "*.en.json"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no checklists/*.en.json or checklists-ext/*.en.json under %s", root)
	}
	sort.Strings(files)
	return files
}

// TestEveryRealChecklist imports every English checklist, of both shapes, with no
// option: each gives a lens that loads, holds a practice for every item with a text,
// and a guid per practice.
func TestEveryRealChecklist(t *testing.T) {
	files := realChecklists(t)
	var report []string
	for _, path := range files {
		name := filepath.Join(filepath.Base(filepath.Dir(path)), filepath.Base(path))
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, l := loadLens(t, name, data)
			skipped := 0
			for _, w := range f.Warnings {
				if w.Kind == WarnNoText {
					skipped++
				}
			}
			practices, guids := 0, map[string]bool{}
			for _, q := range l.Questions {
				for _, c := range q.Choices {
					if !c.None {
						practices++
						guids[c.Metadata[MetaGUID]] = true
					}
				}
			}
			if practices != len(f.Items) || len(guids) != practices {
				t.Errorf("%d practices with %d guids for %d items", practices, len(guids), len(f.Items))
			}
			if _, err := Assessment(f, l); err != nil {
				t.Error(err)
			}
			y, err := lens.MarshalYAML(l)
			if err != nil {
				t.Fatal(err)
			}
			if len(y) > lens.MaxSize {
				t.Errorf("lens is %d bytes, over the %d-byte limit", len(y), lens.MaxSize)
			}
			report = append(report, fmt.Sprintf("%-55s %-13s items %4d skipped %3d warnings %4d kinds %d", name, f.Shape, len(f.Items), skipped, len(f.Warnings), len(Summary(f.Warnings))))
		})
	}
	t.Logf("%d checklists:\n%s", len(files), strings.Join(report, "\n"))
}
