package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/sharedtest"
)

func TestLensImportExportAWS(t *testing.T) {
	for _, name := range []string{"generative-ai-lens", "machine-learning-lens"} {
		t.Run(name, func(t *testing.T) {
			src := sharedtest.Dir(t, "lenses/aws/"+name+".json")
			dir := t.TempDir()
			y := filepath.Join(dir, name+".yaml")
			if _, stderr, err := runCmd(t, "", "lens", "import", "aws", src, "-o", y); err != nil {
				t.Fatalf("import: %v\n%s", err, stderr)
			}
			if out, _, err := runCmd(t, "", "lens", "validate", y); err != nil || !strings.Contains(out, "is valid") {
				t.Fatalf("validate: %v %s", err, out)
			}
			j := filepath.Join(dir, name+".json")
			if _, stderr, err := runCmd(t, "", "lens", "export", "aws", y, "-o", j); err != nil {
				t.Fatalf("export: %v\n%s", err, stderr)
			}
			var want, got any
			mustJSON(t, src, &want)
			mustJSON(t, j, &got)
			if !reflect.DeepEqual(want, got) {
				t.Error("AWS -> awaf -> AWS changed the lens")
			}
			// The imported lens is assessed and reported like the built-in one.
			ans := filepath.Join(dir, "awaf.yaml")
			writeFile(t, ans, "lens: {id: "+name+", version: 1.0.0}\nworkload: {name: x}\nprofile: {}\nanswers: []\n")
			out, stderr, err := runCmd(t, "", "report", "--answers", ans, "--lens", y, "--format", "md")
			if err != nil || !strings.Contains(out, "Overall") {
				t.Fatalf("report: %v\n%s\n%s", err, stderr, out)
			}
		})
	}
}

func TestLensExportBuiltinAWS(t *testing.T) {
	out, stderr, err := runCmd(t, "", "lens", "export", "aws", "azure-ai-workload")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var f struct {
		Pillars []struct {
			ID        string
			Questions []struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil || len(f.Pillars) != 9 {
		t.Fatalf("%v: %d pillars, want one per design area", err, len(f.Pillars))
	}
}

func TestLensImportChecklist(t *testing.T) {
	src := sharedtest.Dir(t, "checklists/ai_lz_checklist.en.json")
	dir := t.TempDir()
	y, a := filepath.Join(dir, "ailz.yaml"), filepath.Join(dir, "awaf.yaml")
	// Give two items statuses, as a team would in the spreadsheet.
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), `"guid": "20a734fb-ca83-4ce0-b3a7-935a00b2e9b9",`, `"guid": "20a734fb-ca83-4ce0-b3a7-935a00b2e9b9", "status": "Fulfilled", "comments": "Grounding data is in git",`, 1)
	withStatus := filepath.Join(dir, "ailz.json")
	writeFile(t, withStatus, s)
	if _, stderr, err := runCmd(t, "", "lens", "import", "checklist", withStatus, "-o", y, "--answers", a); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	f, err := answers.LoadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Answers) != 1 || !strings.Contains(f.Answers[0].Note, "Grounding data is in git") {
		t.Errorf("answers %+v", f.Answers)
	}
	if _, stderr, err := runCmd(t, "", "report", "--answers", a, "--lens", y, "--format", "json"); err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
}

func TestImportMSCSV(t *testing.T) {
	for _, name := range []string{"Azure_Well_Architected_Review_Sample", "Gen_AI_Workload_Security_Assessment_Sample"} {
		t.Run(name, func(t *testing.T) {
			src := sharedtest.Dir(t, "ms-assessment-csv/"+name+".csv")
			dir := t.TempDir()
			out := filepath.Join(dir, "awaf.yaml")
			stdout, stderr, err := runCmd(t, "", "import", "ms-csv", src, "-o", out)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if !strings.Contains(stdout, "Critical 0/100") {
				t.Errorf("scores:\n%s", stdout)
			}
			lenses, _ := filepath.Glob(filepath.Join(dir, "*.lens.yaml"))
			if len(lenses) != 1 {
				t.Fatalf("lens files %v, want one", lenses)
			}
			if _, stderr, err := runCmd(t, "", "report", "--answers", out, "--lens", lenses[0], "--format", "csv"); err != nil {
				t.Fatalf("report: %v\n%s", err, stderr)
			}
		})
	}
}

// TestReportCSVRoundTrip: awaf's CSV report imports back to the same answers.
func TestReportCSVRoundTrip(t *testing.T) {
	dir := t.TempDir()
	orig := filepath.Join("..", "..", "examples", "rag-chat", "awaf.yaml")
	csvPath := filepath.Join(dir, "rag.csv")
	if _, stderr, err := runCmd(t, "", "report", "--answers", orig, "--format", "csv", "-o", csvPath); err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
	back := filepath.Join(dir, "back.yaml")
	stdout, stderr, err := runCmd(t, "", "import", "ms-csv", csvPath, "-o", back, "--profile", orig)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	// Every score in the file is awaf's own: each row of the comparison agrees.
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n")[1:] {
		if !strings.HasSuffix(line, "agrees") {
			t.Errorf("score row %q", line)
		}
	}
	a, err := answers.Load(orig)
	if err != nil {
		t.Fatal(err)
	}
	b, err := answers.Load(back)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Answers, b.Answers) {
		t.Errorf("answers changed in the round trip:\n%+v\n%+v", a.Answers, b.Answers)
	}
	if !reflect.DeepEqual(a.Profile, b.Profile) {
		t.Errorf("profile %+v, want %+v", b.Profile, a.Profile)
	}
}

func TestImportBadInputWritesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	writeFile(t, bad, `{"schemaVersion": "2021-11-01", "name": "x", "pillars": [{"id": "p_1", "name": "P", "questions": [`)
	out := filepath.Join(dir, "out.yaml")
	cases := [][]string{
		{"lens", "import", "aws", bad, "-o", out},
		{"lens", "import", "checklist", bad, "-o", out},
		{"import", "ms-csv", bad, "-o", out},
	}
	for _, args := range cases {
		_, _, err := runCmd(t, "", args...)
		if err == nil || !strings.Contains(err.Error(), "bad.json") {
			t.Errorf("%v: error %v, want one naming the file", args, err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v wrote %s", args, out)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
}

func mustJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLensNewDiffUpgrade(t *testing.T) {
	dir := t.TempDir()
	v1 := filepath.Join(dir, "v1.yaml")
	if _, stderr, err := runCmd(t, "", "lens", "new", "team-review", "-o", v1); err != nil {
		t.Fatalf("new: %v\n%s", err, stderr)
	}
	if out, _, err := runCmd(t, "", "lens", "validate", v1); err != nil || !strings.Contains(out, "is valid") {
		t.Fatalf("scaffold does not validate: %v %s", err, out)
	}
	if _, _, err := runCmd(t, "", "lens", "new", "team-review", "-o", v1); err == nil {
		t.Error("new overwrote an existing file without --force")
	}
	// Version 2 drops a practice and raises the version.
	data, err := os.ReadFile(v1)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "version: 0.1.0", "version: 0.2.0", 1)
	i := strings.Index(s, "      - id: sh_rotation")
	j := strings.Index(s, "      # Exactly one")
	s = s[:i] + s[j:]
	v2 := filepath.Join(dir, "v2.yaml")
	writeFile(t, v2, s)

	out, stderr, err := runCmd(t, "", "lens", "diff", v1, v2)
	if err != nil || !strings.Contains(out, "choices 0 added, 1 removed") || !strings.Contains(out, "- choice secrets_handling/sh_rotation") {
		t.Fatalf("diff: %v\n%s%s", err, out, stderr)
	}
	out, _, err = runCmd(t, "", "lens", "diff", v1, v2, "--format", "json")
	var d struct{ Changes []map[string]any }
	if err != nil || json.Unmarshal([]byte(out), &d) != nil || len(d.Changes) == 0 {
		t.Fatalf("json diff: %v %s", err, out)
	}

	ans := filepath.Join(dir, "awaf.yaml")
	writeFile(t, ans, "lens: {id: team-review, version: 0.1.0}\nworkload: {name: x}\nprofile: {kinds: [generative]}\nanswers:\n  - question: secrets_handling\n    selected: [sh_key_vault, sh_rotation]\n    note: kept\n")
	before, _ := os.ReadFile(ans)
	out, stderr, err = runCmd(t, "", "lens", "upgrade", "--answers", ans, "--to", v2, "--from", v1)
	if err != nil {
		t.Fatalf("upgrade: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "1 answer kept, 0 moved, 1 dropped") || !strings.Contains(out, "dropped secrets_handling: sh_rotation") {
		t.Errorf("upgrade report:\n%s", out)
	}
	f, err := answers.LoadFile(ans)
	if err != nil {
		t.Fatal(err)
	}
	if f.Lens.Version != "0.2.0" || len(f.Answers) != 1 || !reflect.DeepEqual(f.Answers[0].Selected, []string{"sh_key_vault"}) || f.Answers[0].Note != "kept" {
		t.Errorf("upgraded answers %+v", f.Assessment)
	}
	ms, _ := filepath.Glob(filepath.Join(dir, "awaf.yaml.milestone-0.1.0-*.yaml"))
	if len(ms) != 1 {
		t.Fatalf("milestones %v", ms)
	}
	if saved, _ := os.ReadFile(ms[0]); string(saved) != string(before) {
		t.Error("the milestone is not the old answers file")
	}
	if _, stderr, err := runCmd(t, "", "report", "--answers", ans, "--lens", v2, "--format", "json"); err != nil {
		t.Fatalf("report after upgrade: %v\n%s", err, stderr)
	}
}
