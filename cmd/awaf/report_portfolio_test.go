package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// portfolioArgs names the example portfolio's three answers files.
var portfolioArgs = []string{"--portfolio",
	"--answers", "../../examples/portfolio/claims-chat.yaml",
	"--answers", "../../examples/portfolio/hr-assistant.yaml",
	"--answers", "../../examples/portfolio/fraud-scoring.yaml"}

// TestReportPortfolioBinary runs the real binary: the Markdown it prints is the
// report package's golden file for the same three files, and every other format is
// written where -o says.
func TestReportPortfolioBinary(t *testing.T) {
	dir := t.TempDir()
	run := func(extra ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(awafBin, append(append([]string{"report"}, portfolioArgs...), extra...)...)
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1795858200")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("awaf report %v: %v\n%s", extra, err, errOut.String())
		}
		return out.String(), errOut.String()
	}
	md, _ := run("--title", "Contoso AI workloads")
	want, err := os.ReadFile("../../internal/report/testdata/portfolio.md")
	if err != nil {
		t.Fatal(err)
	}
	if md != string(want) {
		t.Errorf("markdown differs from internal/report/testdata/portfolio.md:\n%s", md)
	}
	for _, name := range []string{"p.html", "p.json", "p.xlsx"} {
		_, stderr := run("-o", filepath.Join(dir, name))
		if !strings.Contains(stderr, "wrote "+filepath.Join(dir, name)) || !strings.Contains(stderr, "portfolio report, 3 workloads, 47.2/100 on average") {
			t.Errorf("%s: stderr %q", name, stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "p.html":
			if !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) || !bytes.Contains(b, []byte(`<svg class="trend"`)) {
				t.Error("not the portfolio HTML with its trend")
			}
		case "p.json":
			var doc struct {
				Workloads   []struct{ Link string } `json:"workloads"`
				CommonRisks []any                   `json:"commonRisks"`
				Trend       []any                   `json:"trend"`
			}
			if err := json.Unmarshal(b, &doc); err != nil || len(doc.Workloads) != 3 || len(doc.Trend) != 3 || len(doc.CommonRisks) == 0 {
				t.Errorf("json: %v %+v", err, doc)
			}
			if doc.Workloads[0].Link != "../../examples/portfolio/claims-chat.yaml" {
				t.Errorf("a workload links to %q, want its answers file", doc.Workloads[0].Link)
			}
		case "p.xlsx":
			if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
				t.Error("not a zip file")
			}
		}
	}
}

func TestReportPortfolio(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795858200")
	dir := t.TempDir()
	dup := filepath.Join(dir, "copy.yaml")
	b, err := os.ReadFile("../../examples/portfolio/claims-chat.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dup, b, 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("lens: {id: azure-ai-workload}\nworkload: {name: x}\nanswers:\n  - question: no_such\n    selected: [a]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		out  []string // in stdout, or in stderr and the error when code != 0
	}{
		{"sorted by security, highest first", append(cloneArgs(portfolioArgs), "--sort", "security", "--desc"), 0,
			[]string{"| Contoso claims-help chat |", "| Claims fraud scoring |"}},
		{"gate: any workload with a high risk", append(cloneArgs(portfolioArgs), "--fail-on", "high"), 1, []string{"18 high-risk questions (gate: --fail-on high)"}},
		{"csv refused", append(cloneArgs(portfolioArgs), "--format", "csv"), 2, []string{"write a portfolio as md, html, json or xlsx"}},
		{"unknown sort", append(cloneArgs(portfolioArgs), "--sort", "colour"), 2, []string{`sort by "colour"`}},
		{"sort without portfolio", []string{"--answers", exampleAnswers, "--sort", "name"}, 2, []string{"--title, --sort and --desc go with --portfolio"}},
		{"one workload twice", append(cloneArgs(portfolioArgs), "--answers", dup), 2, []string{"claims-chat.yaml and " + dup + ` are both workload "Contoso claims-help chat"`}},
		{"a broken file names itself", append(cloneArgs(portfolioArgs), "--answers", broken), 2, []string{"broken.yaml", "no_such"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "", append([]string{"report"}, c.args...)...)
			var msg bytes.Buffer
			code := exitCode(err, &msg)
			if code != c.code {
				t.Errorf("exit code %d, want %d (err %v, stderr %s)", code, c.code, err, stderr)
			}
			all := stdout + stderr + msg.String()
			for _, w := range c.out {
				if !strings.Contains(all, w) {
					t.Errorf("output does not mention %q:\n%s", w, firstLines(all, 12))
				}
			}
			if c.name == "sorted by security, highest first" {
				if strings.Index(stdout, "| Contoso claims-help chat |") > strings.Index(stdout, "| Claims fraud scoring |") {
					t.Error("claims chat (security 62.8) is not above fraud scoring (41.6)")
				}
			}
		})
	}
}

func cloneArgs(s []string) []string { return append([]string(nil), s...) }

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, "\n")
}
