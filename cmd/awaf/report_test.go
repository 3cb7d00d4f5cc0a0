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
		{"unknown format", []string{"--answers", exampleAnswers, "--format", "pdf"}, 2, `unknown report format "pdf"`},
		{"bad gate", []string{"--answers", exampleAnswers, "--fail-on", "low"}, 2, `--fail-on "low"`},
		{"missing answers", []string{"--answers", filepath.Join(dir, "nope.yaml")}, 2, "nope.yaml"},
		{"stray argument", []string{"--answers", exampleAnswers, "extra"}, 2, "unexpected arguments"},
		{"missing lens file", []string{"--answers", exampleAnswers, "--lens", filepath.Join(dir, "lens.yaml")}, 2, "lens.yaml"},
		{"directory missing", []string{"--answers", exampleAnswers, "-o", filepath.Join(dir, "no", "r.md")}, 3, "r.md"},
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
		{"high", exampleAnswers, 1, "6 high-risk questions (gate: --fail-on high)"},
		{"medium", exampleAnswers, 1, "6 high-risk and 23 medium-risk questions (gate: --fail-on medium)"},
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
