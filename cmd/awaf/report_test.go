package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
)

const exampleAnswers = "../../examples/rag-chat/awaf.yaml"

func TestReportFormats(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795858200") // 2026-11-28 09:30 UTC
	dir := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		file  string // written file; empty means stdout
		check func(t *testing.T, out []byte)
	}{
		{"md to stdout by default", nil, "", func(t *testing.T, out []byte) {
			if !bytes.HasPrefix(out, []byte("# Well-Architected review: Contoso claims-help chat")) {
				t.Errorf("markdown starts %q", firstLine(out))
			}
			if !bytes.Contains(out, []byte("generated 28 November 2026 09:30 UTC")) {
				t.Error("SOURCE_DATE_EPOCH not used for the date")
			}
		}},
		{"html to a file", []string{"--format", "html", "-o", filepath.Join(dir, "r.html")}, "r.html", func(t *testing.T, out []byte) {
			if !bytes.HasPrefix(out, []byte("<!DOCTYPE html>")) || !bytes.Contains(out, []byte(`<svg class="radar"`)) {
				t.Error("not the HTML report")
			}
		}},
		{"format from the extension", []string{"-o", filepath.Join(dir, "r.json")}, "r.json", func(t *testing.T, out []byte) {
			var doc struct {
				SchemaVersion string `json:"schemaVersion"`
				Plan          []any  `json:"plan"`
			}
			if err := json.Unmarshal(out, &doc); err != nil || doc.SchemaVersion != "1" || len(doc.Plan) == 0 {
				t.Errorf("json: %v, %+v", err, doc.SchemaVersion)
			}
		}},
		{"csv", []string{"--format=csv"}, "", func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte("\nCategory,Link-Text,Link,Priority,ReportingCategory,ReportingSubcategory,Weight,Context,CompleteY/N,Note\n")) {
				t.Error("no recommendations header")
			}
		}},
		{"xlsx piped", []string{"--format", "xlsx"}, "", func(t *testing.T, out []byte) {
			if !bytes.HasPrefix(out, []byte("PK\x03\x04")) {
				t.Error("not a zip file")
			}
		}},
		{"xlsx to a file", []string{"--output", filepath.Join(dir, "r.xlsx")}, "r.xlsx", func(t *testing.T, out []byte) {
			if !bytes.HasPrefix(out, []byte("PK\x03\x04")) {
				t.Error("not a zip file")
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "", append([]string{"report", "--answers", exampleAnswers}, c.args...)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			out := []byte(stdout)
			if c.file != "" {
				if stdout != "" {
					t.Errorf("stdout not empty with -o: %q", firstLine(out))
				}
				if !strings.Contains(stderr, "wrote "+filepath.Join(dir, c.file)) {
					t.Errorf("stderr %q", stderr)
				}
				if out, err = os.ReadFile(filepath.Join(dir, c.file)); err != nil {
					t.Fatal(err)
				}
			}
			c.check(t, out)
		})
	}
	// Atomic writes leave no temporary files behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown format", []string{"--answers", exampleAnswers, "--format", "pdf"}, 2, `--format "pdf": want md, html, json, csv or xlsx`},
		{"bad gate", []string{"--answers", exampleAnswers, "--fail-on", "low"}, 2, `--fail-on "low"`},
		{"missing answers", []string{"--answers", filepath.Join(dir, "nope.yaml")}, 2, "nope.yaml"},
		{"stray argument", []string{"--answers", exampleAnswers, "extra"}, 2, "unexpected arguments"},
		{"missing lens file", []string{"--answers", exampleAnswers, "--lens", filepath.Join(dir, "lens.yaml")}, 2, "lens.yaml"},
		{"directory missing", []string{"--answers", exampleAnswers, "-o", filepath.Join(dir, "no", "r.md")}, 2, "cannot write " + filepath.Join(dir, "no", "r.md") + ": folder " + filepath.Join(dir, "no") + " does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, err := runCmd(t, "", append([]string{"report"}, c.args...)...)
			var msg bytes.Buffer
			code := exitCode(err, &msg)
			if code != c.code {
				t.Errorf("exit code %d, want %d (err %v)", code, c.code, err)
			}
			if all := stderr + msg.String(); !strings.Contains(all, c.msg) {
				t.Errorf("output %q does not mention %q", all, c.msg)
			}
		})
	}
}

func TestReportFailOn(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		gate, answers string
		code          int
		msg           string
	}{
		{"high", exampleAnswers, 1, "5 high-risk questions (gate: --fail-on high)"},
		{"medium", exampleAnswers, 1, "5 high-risk and 24 medium-risk questions (gate: --fail-on medium)"},
		{"", exampleAnswers, 0, ""},
		{"high", writeAnswers(t, dir, "clean.yaml"), 0, ""},
		{"medium", writeAnswers(t, dir, "clean.yaml"), 0, ""},
	}
	for _, c := range cases {
		t.Run(c.gate+" "+filepath.Base(c.answers), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.md")
			args := []string{"report", "--answers", c.answers, "-o", out}
			if c.gate != "" {
				args = append(args, "--fail-on", c.gate)
			}
			_, _, err := runCmd(t, "", args...)
			var msg bytes.Buffer
			if code := exitCode(err, &msg); code != c.code || !strings.Contains(msg.String(), c.msg) {
				t.Errorf("exit %d %q, want %d %q", code, msg.String(), c.code, c.msg)
			}
			if _, err := os.Stat(out); err != nil {
				t.Errorf("the report must be written before the gate fails: %v", err)
			}
		})
	}
}

// writeAnswers writes the example's profile with every question marked out of scope,
// so no risk is left for a gate to fail on.
func writeAnswers(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	data, err := os.ReadFile(exampleAnswers)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "answers:") {
			break
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("answers:\n")
	for _, q := range questionIDs(t, data) {
		b.WriteString("  - question: " + q + "\n    notApplicable:\n      reason: out-of-scope\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func questionIDs(t *testing.T, answersFile []byte) []string {
	t.Helper()
	var ids []string
	for _, line := range strings.Split(string(answersFile), "\n") {
		if id, ok := strings.CutPrefix(strings.TrimSpace(line), "- question: "); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Fatal("no questions in the example")
	}
	return ids
}

// TestReportXLSXRefusesTerminal runs the binary with a pseudo-terminal as stdout:
// a workbook must not be sprayed over it.
func TestReportXLSXRefusesTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	cmd := exec.Command(awafBin, "report", "--answers", exampleAnswers, "--format", "xlsx")
	cmd.Stdout = tty
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	tty.Close()
	go io.Copy(io.Discard, ptmx)
	if code := cmd.ProcessState.ExitCode(); code != 2 {
		t.Errorf("exit code %d (%v), want 2", code, err)
	}
	if !strings.Contains(stderr.String(), "binary format; write it to a file with -o") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return s
}

const (
	policyAnswers = "../../examples/rag-chat/contoso-policy.yaml"
	policyLens    = "../../examples/rag-chat/custom-lens.yaml"
)

// TestReportCombined scores the example under the built-in lens and the example's own
// policy lens in one report.
func TestReportCombined(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795858200")
	dir := t.TempDir()
	two := []string{"report", "--answers", exampleAnswers, "--answers", policyAnswers, "--lens", policyLens}
	cases := []struct {
		name  string
		args  []string
		file  string
		check func(t *testing.T, out []byte)
	}{
		{"md", two, "", func(t *testing.T, out []byte) {
			for _, want := range []string{
				"# Well-Architected review: Contoso claims-help chat\n\n2 lenses · generated 28 November 2026 09:30 UTC",
				"**All lenses: 58.1/100, Moderate** · 6 high and 27 medium risks · 38 of 38 applicable questions answered",
				"| 2 | Contoso AI policy (`contoso-ai-policy`) | 1.2.0 | 52 | Moderate | 1 | 3 | 5/5 | 6 |",
				"| Rank | Lens | Lens # | Recommendation |",
				"| 1 | Contoso AI policy | 1 | AI incidents are reported to the review board within five working days",
			} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("markdown lacks %q", want)
				}
			}
		}},
		{"lens before answers, matched by id", []string{"report", "--lens", policyLens, "--answers", policyAnswers, "--answers", exampleAnswers, "--format", "json"}, "", func(t *testing.T, out []byte) {
			var doc struct {
				Lenses []struct {
					Lens struct{ ID string } `json:"lens"`
				} `json:"lenses"`
				Plan []struct {
					Rank     int    `json:"rank"`
					LensRank int    `json:"lensRank"`
					Title    string `json:"title"`
				} `json:"plan"`
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Lenses) != 2 || doc.Lenses[0].Lens.ID != "contoso-ai-policy" || doc.Lenses[1].Lens.ID != "azure-ai-workload" {
				t.Errorf("lenses %+v, want the answers' order", doc.Lenses)
			}
			if len(doc.Plan) != 90 || doc.Plan[0].Rank != 1 || doc.Plan[0].LensRank != 1 {
				t.Errorf("plan of %d items, first %+v", len(doc.Plan), doc.Plan[0])
			}
		}},
		{"html to a file", append(two, "-o", filepath.Join(dir, "both.html")), "both.html", func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte(`<table id="lens-table">`)) || bytes.Count(out, []byte(`data-lens="contoso-ai-policy"`)) != 6 {
				t.Error("not the combined HTML report with six policy items")
			}
		}},
		{"xlsx to a file", append(two, "-o", filepath.Join(dir, "both.xlsx")), "both.xlsx", func(t *testing.T, out []byte) {
			if !bytes.HasPrefix(out, []byte("PK\x03\x04")) {
				t.Error("not a zip file")
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "", c.args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			out := []byte(stdout)
			if c.file != "" {
				want := "awaf: wrote " + filepath.Join(dir, c.file) + ": " + strings.TrimPrefix(filepath.Ext(c.file), ".") + " report, 2 lenses, 58.1/100 Moderate across them, 6 high and 27 medium risks, 90 recommendations"
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr %q, want %q", stderr, want)
				}
				if out, err = os.ReadFile(filepath.Join(dir, c.file)); err != nil {
					t.Fatal(err)
				}
			}
			c.check(t, out)
		})
	}
}

func TestReportCombinedErrors(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.yaml")
	data, err := os.ReadFile(policyAnswers)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, bytes.Replace(data, []byte("name: Contoso claims-help chat"), []byte("name: HR assistant"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	lensData, err := os.ReadFile(policyLens)
	if err != nil {
		t.Fatal(err)
	}
	hrLens := filepath.Join(dir, "hr-lens.yaml")
	if err := os.WriteFile(hrLens, bytes.Replace(lensData, []byte("id: contoso-ai-policy"), []byte("id: contoso-hr-policy"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	noLensID := filepath.Join(dir, "nolens.yaml")
	if err := os.WriteFile(noLensID, bytes.Replace(data, []byte("lens:\n  id: contoso-ai-policy\n  version: 1.2.0\n"), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"csv refused", []string{"--answers", exampleAnswers, "--answers", policyAnswers, "--lens", policyLens, "--format", "csv"}, 2,
			"csv is Microsoft's single-assessment export and holds one lens: run awaf report once per answers file, e.g. awaf report --answers ../../examples/rag-chat/awaf.yaml --format csv -o awaf.csv"},
		{"custom lens not given", []string{"--answers", exampleAnswers, "--answers", policyAnswers}, 2,
			`contoso-policy.yaml names lens "contoso-ai-policy", which is not built in and no --lens has: pass its file with --lens`},
		{"different workloads", []string{"--answers", exampleAnswers, "--answers", other, "--lens", policyLens}, 2,
			`is about workload "Contoso claims-help chat" but ` + other + ` about "HR assistant"`},
		{"same lens twice", []string{"--answers", exampleAnswers, "--answers", exampleAnswers}, 2, `both use lens "azure-ai-workload"`},
		{"unused lens", []string{"--answers", exampleAnswers, "--answers", policyAnswers, "--lens", policyLens, "--lens", hrLens}, 2,
			`--lens ` + hrLens + ` (lens "contoso-hr-policy") matches no answers file`},
		{"same lens file twice", []string{"--answers", exampleAnswers, "--answers", policyAnswers, "--lens", policyLens, "--lens", "../../examples/rag-chat/custom-lens.yaml"}, 2,
			`are both lens "contoso-ai-policy"`},
		{"bad file among several", []string{"--answers", exampleAnswers, "--answers", filepath.Join(dir, "missing.yaml")}, 2, "missing.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "", append([]string{"report"}, c.args...)...)
			var msg bytes.Buffer
			code := exitCode(err, &msg)
			if code != c.code {
				t.Errorf("exit code %d, want %d (err %v)", code, c.code, err)
			}
			if all := stderr + msg.String(); !strings.Contains(all, c.msg) {
				t.Errorf("output %q does not mention %q", all, c.msg)
			}
			if stdout != "" {
				t.Errorf("a refused report wrote %d bytes", len(stdout))
			}
		})
	}

	// --mixed-workloads combines them anyway, under the first file's workload; an
	// answers file without a lens id takes the --lens in its position.
	stdout, stderr, err := runCmd(t, "", "report", "--answers", exampleAnswers, "--answers", other, "--lens", policyLens, "--mixed-workloads")
	if err != nil || !strings.HasPrefix(stdout, "# Well-Architected review: Contoso claims-help chat\n\n2 lenses") {
		t.Errorf("--mixed-workloads: %v %s\n%s", err, stderr, firstLine([]byte(stdout)))
	}
	stdout, stderr, err = runCmd(t, "", "report", "--answers", exampleAnswers, "--answers", noLensID, "--lens", "azure-ai-workload", "--lens", policyLens)
	if err != nil || !strings.Contains(stdout, "Contoso AI policy (`contoso-ai-policy`)") {
		t.Errorf("positional --lens: %v %s", err, stderr)
	}

	// A different profile is allowed, with a note: priorities were ranked by each file's.
	standard := filepath.Join(dir, "standard.yaml")
	if err := os.WriteFile(standard, bytes.Replace(data, []byte("criticality: business-critical"), []byte("criticality: standard"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err = runCmd(t, "", "report", "--answers", exampleAnswers, "--answers", standard, "--lens", policyLens)
	if err != nil || !strings.Contains(stderr, "give different workload profiles") {
		t.Errorf("profile note: %v, stderr %q", err, stderr)
	}
	if _, stderr, _ = runCmd(t, "", "report", "--answers", exampleAnswers, "--answers", policyAnswers, "--lens", policyLens); stderr != "" {
		t.Errorf("same profiles, yet stderr %q", stderr)
	}
}

// TestReportCombinedFailOn gates on the risks of every lens together.
func TestReportCombinedFailOn(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.md")
	_, _, err := runCmd(t, "", "report", "--answers", exampleAnswers, "--answers", policyAnswers, "--lens", policyLens, "-o", out, "--fail-on", "high")
	var msg bytes.Buffer
	if code := exitCode(err, &msg); code != 1 || !strings.Contains(msg.String(), "6 high-risk questions") {
		t.Errorf("exit %d %q, want 1 and the 5 + 1 high risks of both lenses", code, msg.String())
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("the report must be written before the gate fails: %v", err)
	}
}
