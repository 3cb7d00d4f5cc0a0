package main

// End-to-end tests of issue 11: never lose or clobber work.

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/sharedtest"
)

// copyTo copies src to dir/name and returns the new path and the bytes.
func copyTo(t *testing.T, src, dir, name string) (string, []byte) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, b
}

func mustReadFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAssessCtrlCInProfile (issue 11 items 1 and 7): Ctrl-C at the first profile prompt
// saves nothing and says so; Ctrl-C later in the profile keeps the fields given, and the
// next run does not ask them again. Ctrl-C exits 130.
func TestAssessCtrlCInProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	tm := startTerm(t, "assess", "--answers", path, "--lens", smallLens)
	tm.expect("Workload name")
	tm.cmd.Process.Signal(syscall.SIGINT)
	tm.expect("Nothing was saved")
	if code := tm.wait(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("a file was written although nothing was given")
	}
	if strings.Contains(tm.buf.all.String(), "are saved") {
		t.Errorf("claims a save that did not happen:\n%s", tm.buf.all.String())
	}

	tm = startTerm(t, "assess", "--answers", path, "--lens", smallLens)
	tm.expect("Workload name")
	tm.send("Claims assistant\r")
	tm.expect("Numbers, e.g. 1,3")
	tm.send("1\r")
	tm.expect("Numbers, e.g. 1,3")
	tm.cmd.Process.Signal(syscall.SIGINT)
	tm.expect("saved in " + path)
	if code := tm.wait(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	a, err := answers.Load(path)
	if err != nil || a.Workload.Name != "Claims assistant" || len(a.Profile.Kinds) != 1 {
		t.Fatalf("after Ctrl-C: %+v %v", a, err)
	}

	tm = startTerm(t, "assess", "--answers", path, "--lens", smallLens)
	tm.expect("Which reference-architecture components")
	tm.send("q\r")
	tm.wait()
	if out := tm.buf.all.String(); strings.Contains(out, "Workload name") || strings.Contains(out, "Which kinds") {
		t.Errorf("the saved fields were asked again:\n%s", out)
	}
}

// TestAssessSkipAndReview (issue 11 item 6) in a terminal: a skipped question comes back
// at the end, r reviews, g N jumps.
func TestAssessSkipAndReview(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	writeFile(t, path, `lens: {id: small-lens, version: 0.1.0}
workload: {name: w}
profile: {kinds: [generative], criticality: standard, sensitivity: internal, exposure: internal}
answers: []
`)
	tm := startTerm(t, "assess", "--answers", path, "--lens", smallLens)
	tm.expect("Question 1 of 3")
	tm.send("s\r")
	tm.expect("Question 2 of 3")
	tm.send("1\r")
	tm.expect("Question 3 of 3")
	tm.send("r\r")
	tm.expect("-> (unanswered)")
	tm.expect("-> Content filters on every deployment")
	tm.send("g 2\r")
	tm.expect("Question 2 of 3")
	tm.send("\r") // keep the answer
	tm.expect("Question 3 of 3")
	tm.send("n\r")
	tm.expect("2 of 3 questions in scope are answered; 1 still open:")
	tm.expect("1) How do callers authenticate")
	tm.send("\r")
	tm.expect("Question 1 of 3")
	tm.send("1\r")
	tm.expect("All 3 questions in scope are answered.")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestAssessWrapsAndPages (issue 11 item 7): on a narrow, short terminal guidance is
// wrapped and paged.
func TestAssessWrapsAndPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	writeFile(t, path, `lens: {id: small-lens, version: 0.1.0}
workload: {name: w}
profile: {kinds: [generative], criticality: standard, sensitivity: internal, exposure: internal}
answers: []
`)
	tm := startTermSize(t, &pty.Winsize{Rows: 10, Cols: 40}, "assess", "--answers", path, "--lens", smallLens)
	tm.expect("Question 1 of 3: How do callers\r\n")
	tm.send("?\r")
	tm.expect("more lines: Enter shows the next page")
	tm.send("q\r")
	tm.expect("Question 1 of 3")
	tm.send("q\r")
	tm.wait()
}

// TestAssessScopeFlags (issue 11 item 7): --area bogus lists the areas, --pillar bogus
// the pillars, and --pillar with --area is refused.
func TestAssessScopeFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--area", "bogus"}, []string{`--area "bogus": lens small-lens has design areas`, "application-design", "grounding-data"}},
		{[]string{"--pillar", "bogus"}, []string{`--pillar "bogus": lens small-lens has pillars`, "security", "responsible-ai"}},
		{[]string{"--pillar", "security", "--area", "grounding-data"}, []string{"--pillar", "--area", "not both"}},
	} {
		_, stderr, err := runCmd(t, "", append([]string{"assess", "--answers", path, "--lens", smallLens}, tt.args...)...)
		if err == nil || exitCode(err, &strings.Builder{}) != 2 {
			t.Errorf("%v: %v, want exit 2", tt.args, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error()+stderr, w) {
				t.Errorf("%v: %q lacks %q", tt.args, err.Error()+stderr, w)
			}
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a refused assess wrote the answers file")
	}
}

// TestImportRefusesToClobber (issue 11 item 2): import ms-csv without -o and lens import
// checklist --answers never replace an answers file of another lens; --force does.
func TestImportRefusesToClobber(t *testing.T) {
	dir := t.TempDir()
	ans, orig := copyTo(t, exampleAnswers, dir, "awaf.yaml")
	csv := sharedtest.Dir(t, "ms-assessment-csv/Azure_Well_Architected_Review_Sample.csv")
	t.Chdir(dir)
	_, _, err := runCmd(t, "", "import", "ms-csv", csv)
	if awaf.ErrorCode(err) != awaf.ECONFLICT || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("ms-csv: %v", err)
	}
	if mustReadFile(t, ans) != string(orig) {
		t.Fatal("ms-csv changed the answers file")
	}
	if lenses, _ := filepath.Glob(filepath.Join(dir, "*.lens.yaml")); len(lenses) != 0 {
		t.Errorf("a refused import still wrote %v", lenses)
	}

	src := sharedtest.Dir(t, "checklists/ai_lz_checklist.en.json")
	data := strings.Replace(mustReadFile(t, src), `"guid": "20a734fb-ca83-4ce0-b3a7-935a00b2e9b9",`, `"guid": "20a734fb-ca83-4ce0-b3a7-935a00b2e9b9", "status": "Fulfilled",`, 1)
	withStatus := filepath.Join(dir, "ailz.json")
	writeFile(t, withStatus, data)
	_, _, err = runCmd(t, "", "lens", "import", "checklist", withStatus, "-o", "ailz.yaml", "--answers", "awaf.yaml")
	if awaf.ErrorCode(err) != awaf.ECONFLICT || !strings.Contains(err.Error(), "32 answers to lens azure-ai-workload") {
		t.Fatalf("checklist: %v", err)
	}
	if mustReadFile(t, ans) != string(orig) {
		t.Fatal("checklist import changed the answers file")
	}
	if _, err := os.Stat(filepath.Join(dir, "ailz.yaml")); err == nil {
		t.Error("a refused import still wrote the lens")
	}
	if _, stderr, err := runCmd(t, "", "lens", "import", "checklist", withStatus, "-o", "ailz.yaml", "--answers", "awaf.yaml", "--force"); err != nil {
		t.Fatalf("--force: %v\n%s", err, stderr)
	}
	// A second import of the same checklist merges into the file it wrote.
	if _, stderr, err := runCmd(t, "", "lens", "import", "checklist", withStatus, "-o", "ailz.yaml", "--answers", "awaf.yaml"); err != nil {
		t.Fatalf("same lens again: %v\n%s", err, stderr)
	}
}

// TestWritersRecordLensFile (issue 11 item 4): answers written by lens import checklist,
// import ms-csv and lens upgrade --to FILE name their lens file, so report needs no
// --lens.
func TestWritersRecordLensFile(t *testing.T) {
	dir := t.TempDir()
	src := sharedtest.Dir(t, "checklists/ai_lz_checklist.en.json")
	data := strings.Replace(mustReadFile(t, src), `"guid": "20a734fb-ca83-4ce0-b3a7-935a00b2e9b9",`, `"guid": "20a734fb-ca83-4ce0-b3a7-935a00b2e9b9", "status": "Fulfilled",`, 1)
	withStatus := filepath.Join(dir, "ailz.json")
	writeFile(t, withStatus, data)
	os.MkdirAll(filepath.Join(dir, "lenses"), 0o755)
	lensPath, ans := filepath.Join(dir, "lenses", "ailz.yaml"), filepath.Join(dir, "team", "awaf.yaml")
	os.MkdirAll(filepath.Dir(ans), 0o755)
	if _, stderr, err := runCmd(t, "", "lens", "import", "checklist", withStatus, "-o", lensPath, "--answers", ans); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if a, err := answers.Load(ans); err != nil || a.Lens.File != "../lenses/ailz.yaml" {
		t.Fatalf("checklist: lens.file %q %v", a.Lens.File, err)
	}
	if _, stderr, err := runCmd(t, "", "report", "--answers", ans, "--format", "json"); err != nil {
		t.Fatalf("report after checklist import: %v\n%s", err, stderr)
	}
	// Without -o the lens goes to standard output and cannot be named: said so.
	if _, stderr, err := runCmd(t, "", "lens", "import", "checklist", withStatus, "--answers", filepath.Join(dir, "x.yaml")); err != nil || !strings.Contains(stderr, "cannot name it") {
		t.Errorf("--answers without -o: %v %s", err, stderr)
	}

	// The upgrade to a new version of the lens file records the new file.
	v2 := filepath.Join(dir, "lenses", "ailz-v2.yaml")
	writeFile(t, v2, strings.Replace(mustReadFile(t, lensPath), "version: 1.0.0", "version: 1.1.0", 1))
	if _, stderr, err := runCmd(t, "", "lens", "upgrade", "--answers", ans, "--to", v2); err != nil {
		t.Fatalf("upgrade: %v\n%s", err, stderr)
	}
	if a, err := answers.Load(ans); err != nil || a.Lens.File != "../lenses/ailz-v2.yaml" || a.Lens.Version != "1.1.0" || len(a.Answers) != 1 {
		t.Fatalf("upgrade: %+v %v", a, err)
	}
	if _, stderr, err := runCmd(t, "", "report", "--answers", ans, "--format", "json"); err != nil {
		t.Fatalf("report after upgrade: %v\n%s", err, stderr)
	}

	csv := sharedtest.Dir(t, "ms-assessment-csv/Gen_AI_Workload_Security_Assessment_Sample.csv")
	out := filepath.Join(dir, "csv", "awaf.yaml")
	os.MkdirAll(filepath.Dir(out), 0o755)
	if _, stderr, err := runCmd(t, "", "import", "ms-csv", csv, "-o", out); err != nil {
		t.Fatalf("ms-csv: %v\n%s", err, stderr)
	}
	if a, err := answers.Load(out); err != nil || a.Lens.File == "" || strings.Contains(a.Lens.File, "/") {
		t.Fatalf("ms-csv: lens.file %q %v", a.Lens.File, err)
	}
	if _, stderr, err := runCmd(t, "", "report", "--answers", out, "--format", "json"); err != nil {
		t.Fatalf("report after ms-csv: %v\n%s", err, stderr)
	}
}

// TestLensUpgradeRefusesAnotherLens (issue 11 item 3): --to a lens with another id is
// refused and the answers stay.
func TestLensUpgradeRefusesAnotherLens(t *testing.T) {
	dir := t.TempDir()
	ans, orig := copyTo(t, exampleAnswers, dir, "awaf.yaml")
	_, _, err := runCmd(t, "", "lens", "upgrade", "--answers", ans, "--to", smallLens)
	if awaf.ErrorCode(err) != awaf.ECONFLICT || !strings.Contains(err.Error(), "versions of one lens") {
		t.Fatalf("got %v", err)
	}
	if mustReadFile(t, ans) != string(orig) {
		t.Fatal("the answers changed")
	}
	if ms, _ := filepath.Glob(filepath.Join(dir, "*milestone*")); len(ms) != 0 {
		t.Errorf("a refused upgrade wrote %v", ms)
	}
}

// TestScanAnswersSmallDiff (issue 11 item 5): scan --answers on a copy of the example
// adds evidence lines and changes nothing else: the header comments and every line of
// the file stay; a second scan leaves the file byte for byte; evidence paths are
// relative to the answers file.
func TestScanAnswersSmallDiff(t *testing.T) {
	dir := t.TempDir()
	ans, orig := copyTo(t, exampleAnswers, dir, "awaf.yaml")
	if _, errs, code := runScanCmd(t, ragARM, "--answers", ans, "--fail-on", "none"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	first := mustReadFile(t, ans)
	removed, added := lineDiff(string(orig), first)
	if len(removed) > 1 { // the updated: line may be the one changed line
		t.Errorf("scan removed or rewrote %d lines: %q", len(removed), removed)
	}
	for _, l := range removed {
		if !strings.HasPrefix(l, "updated:") {
			t.Errorf("scan changed %q", l)
		}
	}
	if len(added) == 0 {
		t.Fatal("no evidence recorded")
	}
	for _, l := range added {
		trim := strings.TrimSpace(l)
		ok := false
		for _, p := range []string{"evidence:", "- choice:", "source:", "passed:", "summary:", "location:", "file:", "line:", "column:", "at:", "updated:", "- question:"} {
			ok = ok || strings.HasPrefix(trim, p)
		}
		if !ok {
			t.Errorf("unexpected added line %q", l)
		}
	}
	if !strings.HasPrefix(first, "# Example: Contoso's claims-help chat") {
		t.Error("header comment lost")
	}
	a, err := answers.Load(ans)
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(dir, ragARM)
	found := false
	for _, x := range a.Answers {
		for _, e := range x.Evidence {
			if e.Location != nil {
				found = true
				if !strings.HasPrefix(e.Location.File, filepath.ToSlash(rel)) {
					t.Errorf("evidence path %q is not relative to the answers file (want under %s)", e.Location.File, rel)
				}
			}
		}
	}
	if !found {
		t.Error("no evidence with a location")
	}
	t.Logf("scan --answers: %d lines added, %d changed, on a %d-line file", len(added), len(removed), strings.Count(string(orig), "\n"))
	if _, errs, code := runScanCmd(t, ragARM, "--answers", ans, "--fail-on", "none"); code != 0 {
		t.Fatalf("second scan: exit %d: %s", code, errs)
	}
	if second := mustReadFile(t, ans); second != first {
		r, a := lineDiff(first, second)
		t.Errorf("the second scan changed the file: -%q +%q", r, a)
	}
}

// lineDiff lists the lines removed from a and added in b (longest common subsequence).
func lineDiff(a, b string) (removed, added []string) {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			removed = append(removed, x[i])
			i++
		default:
			added = append(added, y[j])
			j++
		}
	}
	return append(removed, x[i:]...), append(added, y[j:]...)
}

// TestLensAWSRoundTripKeepsIdentity (issue 11 item 13): lens export aws then lens import
// aws gives back the lens id, version and weights.
func TestLensAWSRoundTripKeepsIdentity(t *testing.T) {
	dir := t.TempDir()
	j, y := filepath.Join(dir, "small.json"), filepath.Join(dir, "small.yaml")
	if _, stderr, err := runCmd(t, "", "lens", "export", "aws", smallLens, "-o", j); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	_, stderr, err := runCmd(t, "", "lens", "import", "aws", j, "-o", y)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "lens small-lens 0.1.0") {
		t.Errorf("import: %s", stderr)
	}
	back := mustReadFile(t, y)
	for _, w := range []string{"id: small-lens", "version: 0.1.0", "weight: 40", "effort: high", "id: id_none"} {
		if !strings.Contains(back, w) {
			t.Errorf("the imported lens lacks %q", w)
		}
	}
}
