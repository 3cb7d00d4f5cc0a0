package eval

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

// importCase writes a config beside a copy of one of testdata/import's result files.
func importCase(t *testing.T, result, cfg string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "import", result))
	if err != nil {
		t.Fatal(err)
	}
	return writeCase(t, map[string]string{"awaf-eval.yaml": cfg, result: string(b)})
}

func TestImportResults(t *testing.T) {
	tests := []struct {
		name, file, cfg string
		want            map[string]float64
		failed          []string
		evidence        []string // choice ids that get evidence
		passedEvidence  map[string]bool
	}{
		{
			name: "azure ai evaluation", file: "aieval.json",
			cfg:            "name: support-bot\nimport: aieval.json\nmetrics:\n  - {name: groundedness.groundedness, min: 4}\n  - {name: relevance.relevance, min: 4}\n  - {name: violence.violence_defect_rate, max: 0}\n  - {name: hate_unfairness.hate_unfairness_defect_rate, max: 0}\n",
			want:           map[string]float64{"groundedness.groundedness": 4, "relevance.relevance": 4.666666666666667, "violence.violence_defect_rate": 0, "hate_unfairness.hate_unfairness_defect_rate": 1.0 / 3},
			failed:         []string{"hate_unfairness.hate_unfairness_defect_rate"},
			evidence:       []string{"et_eval_results_stored", "rg_pipeline_enforced", "ge_quality_metrics", "rg_numeric_thresholds", "ge_safety_metrics", "rg_safety_gate"},
			passedEvidence: map[string]bool{"ge_safety_metrics": true, "rg_safety_gate": false, "rg_numeric_thresholds": false},
		},
		{
			name: "mlflow REST run, last step wins", file: "mlflow-run.json",
			cfg:      "task: classification\nimport: {path: mlflow-run.json, kind: mlflow}\nmetrics:\n  - {name: val_auc, min: 0.8}\n",
			want:     map[string]float64{"val_auc": 0.84},
			evidence: []string{"et_eval_results_stored", "me_task_metrics", "rg_numeric_thresholds"},
		},
		{
			name: "mlflow describe, every metric when none is listed", file: "mlflow-describe.json",
			cfg:      "task: classification\nimport: mlflow-describe.json\n",
			want:     map[string]float64{"precision": 0.91, "recall": 0.77},
			evidence: []string{"et_eval_results_stored", "me_task_metrics"},
		},
		{
			name: "mlflow search_runs CSV, run picked by name", file: "mlflow-runs.csv",
			cfg:  "task: regression\nimport: {path: mlflow-runs.csv, run: ridge-tuned}\nmetrics:\n  - {name: rmse, max: 11}\n  - r2\n",
			want: map[string]float64{"rmse": 10.25, "r2": 0.78},
		},
		{
			name: "junit prompt regression suite", file: "prompts.junit.xml",
			cfg: "import: prompts.junit.xml\nmetrics:\n  - {name: pass_rate, min: 1}\n  - pass_rate.refusals\n  - tests\n",
			// 5 cases, 1 skipped, 1 failed: 3 of 4 run passed.
			want:           map[string]float64{"pass_rate": 0.75, "pass_rate.refusals": 2.0 / 3, "tests": 5},
			failed:         []string{"pass_rate"},
			evidence:       []string{"rg_regression_suite"},
			passedEvidence: map[string]bool{"rg_regression_suite": false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := mustRun(t, importCase(t, tt.file, tt.cfg))
			for id, v := range tt.want {
				approx(t, id, metric(t, rep, id).Value, v)
			}
			var failed []string
			for _, c := range rep.Failed() {
				failed = append(failed, c.Name)
			}
			if strings.Join(failed, ",") != strings.Join(tt.failed, ",") {
				t.Errorf("failed checks %v, want %v", failed, tt.failed)
			}
			if rep.Source == nil || rep.Source.File != tt.file {
				t.Errorf("source = %+v", rep.Source)
			}
			got := map[string]bool{}
			for _, evs := range rep.Evidence() {
				for _, e := range evs {
					got[e.Choice] = e.Passed
				}
			}
			for _, c := range tt.evidence {
				if _, ok := got[c]; !ok {
					t.Errorf("no evidence for %s; got %v", c, got)
				}
			}
			for c, want := range tt.passedEvidence {
				if got[c] != want {
					t.Errorf("evidence %s passed = %v, want %v", c, got[c], want)
				}
			}
		})
	}
}

func TestImportProblems(t *testing.T) {
	tests := []struct{ name, file, cfg, want string }{
		{"metric not in the file", "aieval.json", "import: aieval.json\nmetrics: [{name: fluency.fluency, min: 3}]\n", `metric "fluency.fluency" is not in aieval.json; it has "groundedness.groundedness"`},
		{"several runs without a choice", "mlflow-runs.csv", "task: regression\nimport: mlflow-runs.csv\n", "holds 2 runs (a1, b2): set import.run"},
		{"unknown run", "mlflow-run.json", "import: {path: mlflow-run.json, run: nope}\n", `no run "nope"`},
		{"not junit", "aieval.json", "import: {path: aieval.json, kind: junit}\n", "aieval.json: no test cases: want JUnit XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := runErr(t, importCase(t, tt.file, tt.cfg))
			if !strings.Contains(ps.Error(), tt.want) {
				t.Errorf("problems %v do not mention %q", ps, tt.want)
			}
		})
	}
	t.Run("computed-run keys refused", func(t *testing.T) {
		_, err := ParseConfig("awaf-eval.yaml", []byte("import: r.json\ncurrent: p.csv\nsegments: [g]\n"))
		var ps awaf.Problems
		if !errors.As(err, &ps) || len(ps) != 2 || !strings.Contains(ps[0].Message, "current does not apply to imported results") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestGuessKind(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"aieval.json", KindAzureAIEvaluation}, {"mlflow-run.json", KindMLflow}, {"mlflow-describe.json", KindMLflow},
		{"mlflow-runs.csv", KindMLflow}, {"prompts.junit.xml", KindJUnit},
	} {
		b, _ := os.ReadFile(filepath.Join("testdata", "import", tt.file))
		if got, err := guessKind(tt.file, b); got != tt.want || err != nil {
			t.Errorf("%s: %q, %v; want %s", tt.file, got, err, tt.want)
		}
	}
	if _, err := guessKind("x.json", []byte(`{"accuracy": 1}`)); err == nil {
		t.Error("a JSON object of unknown shape was given a kind")
	}
}

func FuzzImportResults(f *testing.F) {
	for _, name := range []string{"aieval.json", "mlflow-run.json", "mlflow-describe.json", "prompts.junit.xml"} {
		b, _ := os.ReadFile(filepath.Join("testdata", "import", name))
		f.Add(name, b)
	}
	f.Add("r.csv", []byte("run_id,metrics.a\nx,1\n"))
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		// The name only picks the kind of file; an extension made of arbitrary bytes
		// (a NUL, say) is not a file name the system accepts.
		ext := ".json"
		for _, e := range []string{".csv", ".xml"} {
			if strings.HasSuffix(name, e) {
				ext = e
			}
		}
		dir := t.TempDir()
		p := filepath.Join(dir, "r"+ext)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		im, _, err := readImported(ImportSpec{}, p)
		if err != nil {
			return
		}
		if len(im.names) != len(im.values) {
			t.Fatalf("%d names for %d values", len(im.names), len(im.values))
		}
	})
}

// The run as a whole: an imported report renders in every format.
func TestImportedRenders(t *testing.T) {
	rep := mustRun(t, importCase(t, "aieval.json", "import: aieval.json\n"))
	for _, f := range Formats {
		if f == "junit" {
			continue // JUnit lists threshold checks only, and this config has none
		}
		var b strings.Builder
		if err := Write(&b, rep, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.Contains(b.String(), "violence.violence_defect_rate") {
			t.Errorf("%s report does not show the imported metric", f)
		}
	}
}
