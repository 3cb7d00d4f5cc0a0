package eval

import (
	"errors"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig("dir/awaf-eval.yaml", []byte(`
task: classification
current: preds.jsonl
metrics:
  - accuracy
  - name: f1
    min: 0.8
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Current.Format != JSONL || cfg.Path(cfg.Current.Path) != "dir/preds.jsonl" {
		t.Errorf("current = %+v, path %s", cfg.Current, cfg.Path(cfg.Current.Path))
	}
	if cfg.Metrics[1].ID() != "f1_macro" || cfg.Metrics[1].Line != 6 {
		t.Errorf("metric = %+v, id %s", cfg.Metrics[1], cfg.Metrics[1].ID())
	}
	if cfg.Bootstrap.N() != 200 || cfg.Bootstrap.Level != 0.95 || cfg.Bins != 10 {
		t.Errorf("bootstrap = %+v bins %d", cfg.Bootstrap, cfg.Bins)
	}
	if cfg.Columns.Label != "label" || cfg.Columns.GroundTruth != "ground_truth" {
		t.Errorf("columns = %+v", cfg.Columns)
	}
}

func TestParseConfigProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		line int
		want string
	}{
		{"empty", ``, 0, "empty file"},
		{"unknown key", "task: regression\ncurrent: a.csv\nmetrics: [mae]\ncolour: red\n", 4, `unknown key "colour"`},
		{"unknown task", "task: ranking\ncurrent: a.csv\nmetrics: [mae]\n", 1, `task "ranking" is unknown`},
		{"no task", "current: a.csv\nmetrics: [mae]\n", 0, "task is missing"},
		{"no current", "task: regression\nmetrics: [mae]\n", 0, "current is missing"},
		{"unknown format", "task: regression\ncurrent: a.parquet\nmetrics: [mae]\n", 2, "cannot tell the format"},
		{"unknown metric", "task: regression\ncurrent: a.csv\nmetrics:\n  - mae\n  - name: maee\n", 5, `metric "maee" is unknown`},
		{"wrong task", "task: regression\ncurrent: a.csv\nmetrics:\n  - accuracy\n", 4, "does not apply to task regression"},
		{"missing k", "task: rag\ncurrent: a.jsonl\nmetrics:\n  - name: recall_at_k\n", 4, "needs k"},
		{"min above max", "task: regression\ncurrent: a.csv\nmetrics:\n  - {name: mae, min: 3, max: 1}\n", 4, "min 3 is above max 1"},
		{"bad average", "task: classification\ncurrent: a.csv\nmetrics:\n  - {name: f1, average: mean}\n", 4, `average "mean" is unknown`},
		{"duplicate", "task: regression\ncurrent: a.csv\nmetrics: [mae, mae]\n", 3, "already listed"},
		{"judge without config", "task: rag\ncurrent: a.jsonl\nmetrics: [groundedness]\n", 3, "add a judge section"},
		{"drift without baseline", "task: regression\ncurrent: a.csv\nmetrics: [mae]\ndrift: {psiMax: 0.2}\n", 4, "add baseline"},
		{"fairness without segments", "task: regression\ncurrent: a.csv\nmetrics: [mae]\nfairness: {maxGap: 1}\n", 4, "needs segment columns"},
		{"bad type", "task: regression\ncurrent: a.csv\nmetrics: [mae]\nbootstrap: {resamples: lots}\n", 4, `want a whole number, got text "lots"`},
		{"metrics as text", "task: classification\ncurrent: a.csv\nmetrics: accuracy\n", 3, `metrics: want a list, got text "accuracy"`},
		{"one resample", "task: regression\ncurrent: a.csv\nmetrics: [mae]\nbootstrap:\n  resamples: 1\n", 5, "resamples 1 gives no interval"},
		{"unknown labels policy", "task: classification\ncurrent: a.csv\nmetrics: [accuracy]\nunknownLabels: ignore\n", 4, `unknownLabels "ignore" is unknown`},
		{"class twice", "task: classification\ncurrent: a.csv\nmetrics: [accuracy]\nclasses:\n  - cat\n  - cat\n", 6, `class "cat" is listed twice`},
		{"positive not a class", "task: classification\ncurrent: a.csv\nmetrics: [accuracy]\nclasses: [a, b]\npositive: c\n", 5, "not one of classes"},
		{"drift task without columns", "task: drift\ncurrent: a.csv\nbaseline: b.csv\n", 1, "add drift: {columns"},
		{"drift quantiles", "task: drift\ncurrent: a.csv\nbaseline: b.csv\ndrift:\n  columns: [x]\n  quantiles: nearest\n", 6, `quantiles "nearest" is unknown`},
		{"bad duration", "task: rag\ncurrent: a.jsonl\nmetrics: [groundedness]\njudge: {provider: openai, model: m, endpoint: http://x, timeout: soon}\n", 4, "duration"},
		{"judge provider", "task: rag\ncurrent: a.jsonl\nmetrics: [groundedness]\njudge: {provider: bard, endpoint: http://x}\n", 4, `provider "bard"`},
		{"syntax", "task: [\n", 0, "yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("awaf-eval.yaml", []byte(tt.yaml))
			var ps awaf.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v, want awaf.Problems", err)
			}
			for _, p := range ps {
				if strings.Contains(p.String(), tt.want) {
					if tt.line > 0 && p.Line != tt.line {
						t.Errorf("problem %q on line %d, want line %d", p.Message, p.Line, tt.line)
					}
					if p.File != "awaf-eval.yaml" {
						t.Errorf("problem without the file name: %v", p)
					}
					return
				}
			}
			t.Errorf("problems %v do not mention %q", ps, tt.want)
		})
	}
}

func TestExampleConfigsParse(t *testing.T) {
	for _, p := range []string{"classification/awaf-eval.yaml", "regression/awaf-eval.yaml", "rag/awaf-eval.yaml", "rag/awaf-eval-judge.yaml"} {
		if _, err := LoadConfig("../../examples/eval/" + p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("task: classification\ncurrent: a.jsonl\nmetrics: [accuracy, {name: f1, min: 0.5}]\n"))
	f.Add([]byte("task: rag\ncurrent: a.jsonl\nmetrics: [{name: ndcg_at_k, k: 3}]\njudge: {provider: azure, endpoint: https://x, deployment: d}\n"))
	f.Add([]byte("task: regression\ncurrent: {path: a, format: csv}\nsegments: [x]\nmetrics: [mae]\nfairness: {}\ndrift: {bins: 3}\nbaseline: b.csv\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := ParseConfig("f.yaml", b)
		if err == nil && cfg.Import != nil && cfg.Import.Path == "" {
			t.Fatalf("accepted an import without a path: %+v", cfg)
		}
		if err == nil && cfg.Import == nil && (cfg.Task == "" || len(cfg.Metrics) == 0 && cfg.Task != DriftOnly || cfg.Current.Path == "") {
			t.Fatalf("accepted an incomplete config: %+v", cfg)
		}
		var ps awaf.Problems
		if err != nil && !errors.As(err, &ps) {
			t.Fatalf("error is not awaf.Problems: %v", err)
		}
	})
}
