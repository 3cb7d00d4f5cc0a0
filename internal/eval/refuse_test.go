package eval

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/eval/metrics"
)

// runErr runs a config and returns its error, failing when it succeeds.
func runErr(t *testing.T, path string) awaf.Problems {
	t.Helper()
	cfg, err := LoadConfig(path)
	if err != nil {
		var ps awaf.Problems
		if errors.As(err, &ps) {
			return ps
		}
		t.Fatal(err)
	}
	_, err = Run(context.Background(), cfg, Options{Now: fixedNow})
	var ps awaf.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Run: err = %v, want the problems listed", err)
	}
	return ps
}

func TestMissingColumnsRefused(t *testing.T) {
	csv := "label,prediction,probability,region\n1,1,0.9,eu\n0,0,0.2,us\n"
	jsonl := `{"label":1,"prediction":1,"probability":0.9,"region":"eu"}` + "\n"
	tests := []struct {
		name string
		cfg  string
		data string
		file string
		// every problem expected, as (line, text) pairs
		want [][2]string
	}{
		{"explicit score column absent", "task: classification\ncurrent: p.csv\ncolumns:\n  score: prob\nmetrics: [roc_auc]\n", csv, "p.csv",
			[][2]string{{"4", `has no column "prob" (set as columns.score)`}}},
		{"default score absent", "task: classification\ncurrent: p.csv\nmetrics: [accuracy, roc_auc]\n", csv, "p.csv",
			[][2]string{{"3", `has no scores`}}},
		{"misspelt segment", "task: classification\ncurrent: p.csv\ncolumns: {score: probability}\nsegments: [regoin]\nmetrics: [accuracy]\n", csv, "p.csv",
			[][2]string{{"4", `has no column "regoin" (listed in segments)`}}},
		{"default label absent in JSONL", "task: classification\ncurrent: p.jsonl\ncolumns: {label: truth}\nmetrics: [accuracy]\n", jsonl, "p.jsonl",
			[][2]string{{"3", `has no column "truth"`}}},
		{"regression on a classification file", "task: regression\ncurrent: p.csv\nmetrics: [mae]\n", csv, "p.csv",
			[][2]string{{"0", `no column "actual" (the default for columns.actual`}, {"0", `no column "predicted"`}}},
		{"drift column absent", "task: drift\ncurrent: p.csv\nbaseline: p.csv\ndrift:\n  columns: [region, income]\n", csv, "p.csv",
			[][2]string{{"5", `current file p.csv has no column "income"`}, {"5", `baseline file p.csv has no column "income"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCase(t, map[string]string{"awaf-eval.yaml": tt.cfg, tt.file: tt.data})
			ps := runErr(t, path)
			if len(ps) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(tt.want), ps)
			}
			for i, w := range tt.want {
				if got := fmt.Sprint(ps[i].Line); w[0] != "0" && got != w[0] {
					t.Errorf("problem %d on line %s, want %s: %s", i, got, w[0], ps[i].Message)
				}
				if !strings.Contains(ps[i].Message, w[1]) {
					t.Errorf("problem %d = %q, want it to mention %q", i, ps[i].Message, w[1])
				}
				if !strings.Contains(ps[i].Message, `it has "label", "prediction", "probability", "region"`) {
					t.Errorf("problem %d does not list the file's columns: %q", i, ps[i].Message)
				}
			}
		})
	}
}

func TestFailOnMissingColumnBeforeAnyRowIsRead(t *testing.T) {
	// Every row would be bad with a misnamed score column; the run must stop instead of
	// reporting a confident n/a.
	var b strings.Builder
	b.WriteString("label,prediction,probability\n")
	for i := range 500 {
		fmt.Fprintf(&b, "%d,%d,0.%d\n", i%2, i%2, i%10)
	}
	path := writeCase(t, map[string]string{"awaf-eval.yaml": "task: classification\ncurrent: p.csv\ncolumns: {score: score_col}\nmetrics: [{name: roc_auc, min: 0.5}]\n", "p.csv": b.String()})
	ps := runErr(t, path)
	if len(ps) != 1 || ps[0].Line != 3 {
		t.Fatalf("problems = %v, want one on line 3", ps)
	}
}

func TestUnknownLabels(t *testing.T) {
	binary := "label,prediction,score\n" + strings.Repeat("1,1,0.8\n0,0,0.3\n1,0,0.4\n0,1,0.6\n", 10) + "2,1,0.7\n"
	multi := "label,prediction\n" + strings.Repeat("cat,cat\ndog,dog\nbird,cat\n", 5) + "Cat,cat\ncat ,dog\ncow,bird\n"
	t.Run("stray label in a binary file is an error with its line", func(t *testing.T) {
		path := writeCase(t, map[string]string{"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nmetrics: [accuracy, roc_auc]\n", "p.csv": binary})
		ps := runErr(t, path)
		if len(ps) != 1 || !strings.Contains(ps[0].Message, `class "2" is not one of "0", "1"`) || !strings.Contains(ps[0].Message, "p.csv line 42") {
			t.Fatalf("problems = %v", ps)
		}
	})
	t.Run("drop counts the rows and keeps the binary task", func(t *testing.T) {
		path := writeCase(t, map[string]string{"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nunknownLabels: drop\nmetrics: [accuracy, roc_auc]\n", "p.csv": binary})
		rep := mustRun(t, path)
		if rep.Inputs[0].Dropped != 1 || rep.Inputs[0].Rows != 41 {
			t.Errorf("inputs = %+v, want 1 dropped of 41 read", rep.Inputs[0])
		}
		if !metric(t, rep, "roc_auc").Value.Defined() {
			t.Error("ROC AUC is n/a after dropping the stray label")
		}
		if len(rep.Classes) != 2 {
			t.Errorf("classes = %v, want 2", rep.Classes)
		}
		// The kept rows alone: 20 right of 40.
		approx(t, "accuracy", metric(t, rep, "accuracy").Value, 0.5)
		if !strings.Contains(strings.Join(rep.Notes, "\n"), `dropped the rows with class "2"`) {
			t.Errorf("notes = %v", rep.Notes)
		}
	})
	t.Run("near-duplicate labels without classes are refused", func(t *testing.T) {
		path := writeCase(t, map[string]string{"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nmetrics: [f1]\n", "p.csv": multi})
		ps := runErr(t, path)
		if len(ps) != 1 || !strings.Contains(ps[0].Message, `labels "Cat", "cat ", "cat" differ only in case or spaces`) {
			t.Fatalf("problems = %v", ps)
		}
	})
	t.Run("declared classes name every offender", func(t *testing.T) {
		path := writeCase(t, map[string]string{"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nclasses: [cat, dog, bird]\nmetrics: [f1]\n", "p.csv": multi})
		ps := runErr(t, path)
		var msgs []string
		for _, p := range ps {
			msgs = append(msgs, p.Message)
			if p.Line != 3 {
				t.Errorf("problem on line %d, want the classes line 3: %s", p.Line, p.Message)
			}
		}
		all := strings.Join(msgs, "\n")
		for _, w := range []string{`class "Cat"`, `class "cat "`, `class "cow"`} {
			if !strings.Contains(all, w) {
				t.Errorf("problems do not name %s:\n%s", w, all)
			}
		}
	})
	t.Run("declared classes with drop give the clean macro F1", func(t *testing.T) {
		path := writeCase(t, map[string]string{"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nclasses: [cat, dog, bird]\nunknownLabels: drop\nmetrics: [f1]\n", "p.csv": multi})
		rep := mustRun(t, path)
		// Kept: 5×(cat,cat), 5×(dog,dog), 5×(bird,cat). cat: P=5/10, R=1 → F1 2/3;
		// dog: 1; bird: 0. Macro = (2/3 + 1 + 0)/3.
		approx(t, "f1_macro", metric(t, rep, "f1_macro").Value, (2.0/3+1)/3)
		if rep.Inputs[0].Dropped != 3 {
			t.Errorf("dropped = %d, want 3", rep.Inputs[0].Dropped)
		}
	})
}

func TestThresholdOnUndefinedMetricFails(t *testing.T) {
	// One class only: ROC AUC is undefined, so its gate cannot be shown to hold.
	path := writeCase(t, map[string]string{"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nmetrics: [{name: roc_auc, min: 0.5}]\n",
		"p.csv": "label,prediction,score\n1,1,0.9\n1,1,0.8\n"})
	rep := mustRun(t, path)
	if rep.Passed || len(rep.Failed()) != 1 {
		t.Fatalf("passed = %v, failed = %v; an n/a metric with a threshold must fail", rep.Passed, rep.Failed())
	}
}

func TestBootstrapStreamsIndependent(t *testing.T) {
	const n = 64
	same := 0
	for b := range 200 {
		w1, w2 := make([]float64, n), make([]float64, n)
		for c := range 50 {
			metrics.NewResampler(42, uint64(b)).Weights(w1)
			metrics.NewResampler(43, uint64(c)).Weights(w2)
			if fmt.Sprint(w1) == fmt.Sprint(w2) {
				same++
			}
		}
	}
	if same != 0 {
		t.Errorf("seeds 42 and 43 share %d resamples, want none", same)
	}
}

func TestResamplesZeroTurnsIntervalsOff(t *testing.T) {
	path := writeCase(t, map[string]string{"awaf-eval.yaml": "task: regression\ncurrent: p.csv\nbootstrap: {resamples: 0}\nmetrics: [mae]\n",
		"p.csv": "actual,predicted\n1,2\n2,2\n3,5\n"})
	rep := mustRun(t, path)
	if rep.Metrics[0].CI != nil {
		t.Errorf("resamples: 0 still gave an interval %+v", rep.Metrics[0].CI)
	}
}
