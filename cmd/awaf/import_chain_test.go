package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/sharedtest"
)

// runBin runs the real binary in dir and returns its output and exit code.
func runBin(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(awafBin, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// afterImport is what every import must allow next, with no flag naming the lens:
// a report, and a non-interactive assess that finds the lens and only says what is
// left to answer.
func afterImport(t *testing.T, dir, answersFile string) {
	t.Helper()
	f, err := answers.LoadFile(filepath.Join(dir, answersFile))
	if err != nil {
		t.Fatal(err)
	}
	if f.Lens.File == "" {
		t.Fatalf("%s names no lens file", answersFile)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Lens.File))); err != nil {
		t.Fatalf("lens file %s recorded in the answers: %v", f.Lens.File, err)
	}
	out, stderr, code := runBin(t, dir, "report", "--answers", answersFile, "--format", "md")
	if code != 0 || !strings.Contains(out, "**Overall:") {
		t.Fatalf("report: exit %d\n%s\n%s", code, stderr, out)
	}
	out, stderr, code = runBin(t, dir, "assess", "--answers", answersFile)
	done := code == 0 && strings.Contains(out, "applicable questions are answered")
	asks := code != 0 && strings.Contains(stderr, "applicable questions unanswered")
	if !done && !asks {
		t.Fatalf("assess: exit %d\n%s\n%s", code, stderr, out)
	}
}

// TestImportChainMSCSV: every CSV export in the shared test data (Microsoft's samples
// and every CSV of WellArchitected-Tools' WARP folder) goes import -> report ->
// assess; every description file is refused in one line and leaves nothing behind.
func TestImportChainMSCSV(t *testing.T) {
	root := sharedtest.Dir(t, "ms-assessment-csv")
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".csv") {
			files = append(files, p)
		}
		return err
	})
	sort.Strings(files)
	if len(files) == 0 {
		t.Skip("no CSV files")
	}
	for _, src := range files {
		rel, _ := filepath.Rel(root, src)
		t.Run(rel, func(t *testing.T) {
			dir := t.TempDir()
			stdout, stderr, code := runBin(t, dir, "import", "ms-csv", src, "-o", "a.yaml")
			if strings.HasSuffix(src, "Category Descriptions.csv") {
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				if code == 0 || len(lines) != 1 || !strings.Contains(stderr, "category-description file") {
					t.Errorf("exit %d, want one line naming a description file:\n%s", code, stderr)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("files left behind: %v", entries)
				}
				return
			}
			if code != 0 {
				t.Fatalf("import: exit %d\n%s", code, stderr)
			}
			if !strings.Contains(stdout, "CATEGORY") || !strings.Contains(stdout, "MICROSOFT") {
				t.Errorf("no score table:\n%s", stdout)
			}
			if !strings.Contains(stderr, "report it with: awaf report --answers a.yaml\n") {
				t.Errorf("hint:\n%s", stderr)
			}
			afterImport(t, dir, "a.yaml")
		})
	}
}

// TestImportChainChecklists: every English checklist of Azure/review-checklists
// (AWAF_REVIEW_CHECKLISTS, or the copy in the shared test data) imports with no flag
// and goes on to report and assess.
func TestImportChainChecklists(t *testing.T) {
	root := os.Getenv("AWAF_REVIEW_CHECKLISTS")
	if root == "" {
		root = sharedtest.Dir(t, "checklists/all")
	}
	var files []string
	for _, d := range []string{"checklists", "checklists-ext"} {
		m, _ := filepath.Glob(filepath.Join(root, d, "*.en.json"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no checklists under " + root)
	}
	for _, src := range files {
		rel, _ := filepath.Rel(root, src)
		t.Run(rel, func(t *testing.T) {
			dir := t.TempDir()
			// The lens in a folder of its own: the answers name it relative to them.
			if err := os.Mkdir(filepath.Join(dir, "lens"), 0o755); err != nil {
				t.Fatal(err)
			}
			_, stderr, code := runBin(t, dir, "lens", "import", "checklist", src, "-o", "lens/checklist.yaml", "--answers", "awaf.yaml")
			if code != 0 {
				t.Fatalf("import: exit %d\n%s", code, stderr)
			}
			// One line per kind of warning, however many there are.
			kinds := map[string]bool{}
			for _, line := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(line, "awaf: warning: ") {
					if i := strings.LastIndex(line, " times: "); i > 0 {
						k := line[i+len(" times: "):]
						k, _, _ = strings.Cut(k, ";")
						k = strings.TrimSuffix(k, ")")
						if kinds[k] {
							t.Errorf("kind %q printed twice", k)
						}
						kinds[k] = true
					}
				}
			}
			if strings.Count(stderr, "warning: ") > 10 {
				t.Errorf("%d warning lines", strings.Count(stderr, "warning: "))
			}
			afterImport(t, dir, "awaf.yaml")
		})
	}
}

// TestImportChainAWS: both AWS lenses go import -> answers -> report -> assess.
func TestImportChainAWS(t *testing.T) {
	for _, name := range []string{"generative-ai-lens", "machine-learning-lens"} {
		t.Run(name, func(t *testing.T) {
			src := sharedtest.Dir(t, "lenses/aws/"+name+".json")
			dir := t.TempDir()
			_, stderr, code := runBin(t, dir, "lens", "import", "aws", src, "-o", name+".yaml", "--answers", "awaf.yaml")
			if code != 0 {
				t.Fatalf("import: exit %d\n%s", code, stderr)
			}
			afterImport(t, dir, "awaf.yaml")
		})
	}
}
