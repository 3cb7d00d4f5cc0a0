package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
)

const evalExamples = "../../examples/eval"

func TestEvalGate(t *testing.T) {
	cfg := filepath.Join(evalExamples, "classification", "awaf-eval.yaml")
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"report only", []string{"eval", "--config", cfg}, 0, "FAIL accuracy"},
		{"gate", []string{"eval", "--config", cfg, "--fail-on-threshold"}, 1, "5 failed"},
		{"passing gate", []string{"eval", "--config", filepath.Join(evalExamples, "regression", "awaf-eval.yaml"), "--fail-on-threshold"}, 0, "0 failed"},
		{"junit", []string{"eval", "--config", cfg, "--format", "junit"}, 0, `<testsuites name="awaf eval: churn-classifier" tests="37" failures="5">`},
		{"bad format", []string{"eval", "--config", cfg, "--format", "pdf"}, 2, ""},
		{"missing config", []string{"eval", "--config", "nope.yaml"}, 2, ""},
		{"stray argument", []string{"eval", "x"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := runCmd(t, "", tt.args...)
			if got := exitCode(err, &bytes.Buffer{}); got != tt.code {
				t.Fatalf("exit code %d, want %d (err %v, stderr %s)", got, tt.code, err, errOut)
			}
			if !strings.Contains(out, tt.out) {
				t.Errorf("output does not contain %q:\n%s", tt.out, out)
			}
		})
	}
}

func TestEvalOutputFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(evalExamples, "rag", "awaf-eval.yaml")
	for _, f := range []string{"html", "junit", "json", "md"} {
		path := filepath.Join(dir, "report."+f)
		if _, errOut, err := runCmd(t, "", "eval", "--config", cfg, "--format", f, "-o", path); err != nil {
			t.Fatalf("%s: %v %s", f, err, errOut)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch f {
		case "html":
			// Self-contained: no scripts, style sheets or images from elsewhere.
			for _, bad := range []string{"<script", "<link", "src=", "http://", "https://"} {
				if bytes.Contains(b, []byte(bad)) {
					t.Errorf("html report contains %q", bad)
				}
			}
			if !bytes.Contains(b, []byte("proxy")) {
				t.Error("html report does not label the proxy metrics")
			}
		case "junit":
			var v struct {
				Tests int `xml:"tests,attr"`
			}
			if err := xml.Unmarshal(b, &v); err != nil || v.Tests != 3 {
				t.Errorf("junit: %v, tests %d", err, v.Tests)
			}
		}
	}
}

func TestEvalFormatFromFileName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eval.xml")
	if _, errOut, err := runCmd(t, "", "eval", "--config", filepath.Join(evalExamples, "rag", "awaf-eval.yaml"), "-o", path); err != nil {
		t.Fatalf("%v %s", err, errOut)
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, []byte("<?xml")) || !bytes.Contains(b, []byte("<testsuites")) {
		t.Errorf("-o eval.xml did not write junit: %.80s", b)
	}
}

func TestEvalAnswersEvidence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	b, err := os.ReadFile(filepath.Join(evalExamples, "awaf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, b, 0o644)
	for range 2 { // a rerun replaces its own evidence
		if _, errOut, err := runCmd(t, "", "eval", "--config", filepath.Join(evalExamples, "classification", "awaf-eval.yaml"), "--answers", path); err != nil {
			t.Fatalf("%v %s", err, errOut)
		}
	}
	a, err := answers.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ans, ok := a.Answer("ml_evaluation")
	if !ok || len(ans.Selected) != 2 {
		t.Fatalf("the team's answer changed: %+v", ans)
	}
	got := map[string]bool{}
	for _, e := range ans.Evidence {
		if e.Source != "eval" {
			t.Errorf("evidence source %q", e.Source)
		}
		if got[e.Choice] {
			t.Errorf("evidence for %s twice", e.Choice)
		}
		got[e.Choice] = true
	}
	for _, c := range []string{"me_task_metrics", "me_baseline_compare", "me_fairness"} {
		if !got[c] {
			t.Errorf("no evidence for %s: %+v", c, ans.Evidence)
		}
	}
	// release_gates holds two pieces of evidence: the run was automated
	// (rg_pipeline_enforced, passed) and its thresholds were checked
	// (rg_numeric_thresholds, failed: two checks missed).
	gates, _ := a.Answer("release_gates")
	byChoice := map[string]awaf.Evidence{}
	for _, e := range gates.Evidence {
		byChoice[e.Choice] = e
	}
	if len(gates.Evidence) != 2 || !byChoice["rg_pipeline_enforced"].Passed || byChoice["rg_numeric_thresholds"].Passed || byChoice["rg_numeric_thresholds"].Choice == "" {
		t.Errorf("release gate evidence must record the automated run and the failed gate: %+v", gates.Evidence)
	}
}

// The judge runs against a local server speaking the chat completions API; it never
// touches the internet.
func TestEvalJudge(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if n == 1 {
			w.Header().Set("retry-after-ms", "10")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if r.Header.Get("Authorization") != "Bearer sk-test" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"choices":[{"message":{"content":"{\"score\": 4}"}}],"usage":{"prompt_tokens":50,"completion_tokens":10}}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	data, _ := os.ReadFile(filepath.Join(evalExamples, "rag", "current.jsonl"))
	os.WriteFile(filepath.Join(dir, "current.jsonl"), data, 0o644)
	cfg := filepath.Join(dir, "awaf-eval.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`task: rag
current: current.jsonl
metrics:
  - {name: groundedness, min: 4}
  - relevance
judge:
  provider: openai
  endpoint: %s/v1
  model: judge-test
  apiKeyEnv: AWAF_TEST_JUDGE_KEY
  requestsPerMinute: 6000
  inputPer1k: 1
  outputPer1k: 2
  maxCost: 0.01
`, srv.URL)), 0o644)
	t.Setenv("AWAF_TEST_JUDGE_KEY", "sk-test")

	_, errOut, err := runCmd(t, "", "eval", "--config", cfg, "--estimate")
	if err != nil || !strings.Contains(errOut, "20 calls to make (0 cached)") || calls.Load() != 0 {
		t.Fatalf("estimate: %v, %q, %d calls", err, errOut, calls.Load())
	}
	_, errOut, err = runCmd(t, "", "eval", "--config", cfg)
	if exitCode(err, &bytes.Buffer{}) != 2 || !strings.Contains(err.Error(), "maxCost") {
		t.Fatalf("over budget: %v %s", err, errOut)
	}
	out, errOut, err := runCmd(t, "", "eval", "--config", cfg, "--yes", "--fail-on-threshold")
	if err != nil {
		t.Fatalf("%v %s", err, errOut)
	}
	if !strings.Contains(out, "groundedness  4.0000") || calls.Load() != 21 {
		t.Errorf("calls %d, output:\n%s", calls.Load(), out)
	}
	// Second run: every score comes from the cache.
	_, errOut, err = runCmd(t, "", "eval", "--config", cfg)
	if err != nil || calls.Load() != 21 || !strings.Contains(errOut, "0 calls to make (20 cached)") {
		t.Errorf("cached rerun: %v, %d calls, %s", err, calls.Load(), errOut)
	}
	t.Setenv("AWAF_TEST_JUDGE_KEY", "")
	if _, _, err := runCmd(t, "", "eval", "--config", cfg); err == nil || !strings.Contains(err.Error(), "AWAF_TEST_JUDGE_KEY") {
		t.Errorf("missing key: %v", err)
	}
	if _, errOut, err := runCmd(t, "", "eval", "--config", cfg, "--estimate"); err != nil || !strings.Contains(errOut, "(20 cached)") {
		t.Errorf("an estimate needs no key: %v %s", err, errOut)
	}
	out, _, err = runCmd(t, "", "eval", "--config", cfg, "--no-judge")
	if err != nil || !strings.Contains(out, "groundedness  n/a") {
		t.Errorf("--no-judge: %v\n%s", err, out)
	}
}

func TestEvalAnswersErrors(t *testing.T) {
	cfg := filepath.Join(evalExamples, "regression", "awaf-eval.yaml")
	other := filepath.Join(t.TempDir(), "other.yaml")
	os.WriteFile(other, []byte("lens: {id: my-lens, version: 1.0.0}\nworkload: {name: x}\nprofile: {}\nanswers: []\n"), 0o644)
	for name, path := range map[string]string{"missing": filepath.Join(t.TempDir(), "nope.yaml"), "other lens": other} {
		t.Run(name, func(t *testing.T) {
			_, _, err := runCmd(t, "", "eval", "--config", cfg, "--answers", path)
			if exitCode(err, &bytes.Buffer{}) != 2 {
				t.Errorf("err %v, want an input error", err)
			}
		})
	}
}
