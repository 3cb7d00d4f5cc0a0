package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/lens"
)

// awaf runs the built binary and returns its standard output and error.
func awafRun(t *testing.T, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(awafBin, args...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("awaf %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

// TestLensDiffBuiltinVersions: an earlier built-in version is named id@version, and the
// diff against the current one reads in text, Markdown and JSON.
func TestLensDiffBuiltinVersions(t *testing.T) {
	cur, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := awafRun(t, "lens", "diff", "azure-ai-workload@1.0.0", "azure-ai-workload")
	if want := "lens azure-ai-workload 1.0.0 -> azure-ai-workload " + cur.Version + ": questions "; !strings.HasPrefix(out, want) {
		t.Errorf("text diff starts %q, want %q", firstLine([]byte(out)), want)
	}
	md, _ := awafRun(t, "lens", "diff", "azure-ai-workload@1.0.0", "azure-ai-workload", "--format", "markdown")
	if !strings.HasPrefix(md, "# azure-ai-workload 1.0.0 → "+cur.Version+"\n") {
		t.Errorf("markdown diff starts %q", firstLine([]byte(md)))
	}
	js, _ := awafRun(t, "lens", "diff", "azure-ai-workload@1.0.0", "azure-ai-workload@"+cur.Version, "--format", "json")
	var d struct{ Old, New struct{ Version string } }
	if err := json.Unmarshal([]byte(js), &d); err != nil || d.Old.Version != "1.0.0" || d.New.Version != cur.Version {
		t.Errorf("json diff: %v %+v", err, d)
	}
	cmd := exec.Command(awafBin, "lens", "diff", "azure-ai-workload@0.9.0", "azure-ai-workload")
	if b, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(b), "has no version 0.9.0") {
		t.Errorf("unknown version: %v %s", err, b)
	}
}

// TestLensUpgradeBuiltinMapping: answers on the built-in 1.0.0 upgrade to a next
// version that renames a choice (replaces) and adds one. The old version is the
// embedded 1.0.0, so no question counts as new and the new choice is named; the
// renamed choice's selection and evidence follow it.
func TestLensUpgradeBuiltinMapping(t *testing.T) {
	old, err := lens.BuiltinVersion(lens.BuiltinID, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../internal/lens/history/azure-ai-workload-1.0.0.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A practice no risk rule names, so renaming it needs no other edit.
	var q, first = old.Questions[0], ""
	for _, oq := range old.Questions {
		for _, c := range oq.Choices {
			if first == "" && !c.None && strings.Count(string(src), c.ID) == 1 {
				q, first = oq, c.ID
			}
		}
	}
	if first == "" {
		t.Fatal("every choice of 1.0.0 is named in a risk rule")
	}
	s := strings.Replace(string(src), "version: 1.0.0", "version: 1.0.1", 1)
	s = strings.Replace(s, "      - id: "+first+"\n", "      - id: "+first+"_v2\n        replaces: ["+first+"]\n", 1)
	dir := t.TempDir()
	next := filepath.Join(dir, "next.yaml")
	writeFile(t, next, s)
	ans := filepath.Join(dir, "awaf.yaml")
	writeFile(t, ans, `lens: {id: azure-ai-workload, version: 1.0.0}
workload: {name: upgrade test}
profile: {kinds: [generative]}
answers:
  - question: `+q.ID+`
    selected: [`+first+`]
    note: kept with its choice
    evidence:
      - {choice: `+first+`, source: scan, passed: true, summary: found it}
`)
	out, _ := awafRun(t, "lens", "upgrade", "--answers", ans, "--to", next)
	for _, w := range []string{
		"lens azure-ai-workload 1.0.0 -> azure-ai-workload 1.0.1: 1 answer kept, 1 moved, 0 dropped, 0 new questions, 0 new choices",
		"moved " + q.ID + "/" + first + " -> " + q.ID + "/" + first + "_v2",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("upgrade output lacks %q:\n%s", w, out)
		}
	}
	f, err := answers.LoadFile(ans)
	if err != nil {
		t.Fatal(err)
	}
	a := f.Answers[0]
	if f.Lens.Version != "1.0.1" || a.Selected[0] != first+"_v2" || a.Note != "kept with its choice" || len(a.Evidence) != 1 || a.Evidence[0].Choice != first+"_v2" {
		t.Errorf("upgraded answers: %+v %+v", f.Lens, a)
	}
}
