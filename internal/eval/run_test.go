package eval

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf/internal/goldenfile"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }

// writeCase writes a config and its data files to a temporary directory.
func writeCase(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "awaf-eval.yaml")
}

func mustRun(t *testing.T, path string) *Report {
	t.Helper()
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), cfg, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func metric(t *testing.T, rep *Report, id string) MetricResult {
	t.Helper()
	for _, m := range rep.Metrics {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no metric %s", id)
	return MetricResult{}
}

func approx(t *testing.T, name string, got Num, want float64) {
	t.Helper()
	if math.IsNaN(want) {
		if got.Defined() {
			t.Errorf("%s = %v, want n/a", name, got)
		}
		return
	}
	if !got.Defined() || math.Abs(float64(got)-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", name, float64(got), want)
	}
}

// A binary classifier small enough to check by hand; the numbers are worked out in the
// comments.
func TestRunClassificationByHand(t *testing.T) {
	path := writeCase(t, map[string]string{
		"awaf-eval.yaml": `task: classification
current: p.jsonl
segments: [g]
metrics:
  - accuracy
  - {name: f1, average: binary}
  - roc_auc
  - log_loss
  - {name: precision, average: macro, segments: {min: 0.4}}
fairness: {demographicParityMax: 0.5, equalizedOddsMax: 0.5}
bootstrap: {resamples: -1}
`,
		"p.jsonl": `{"label": 1, "prediction": 1, "score": 0.9, "g": "a"}
{"label": 1, "prediction": 0, "score": 0.4, "g": "a"}
{"label": 0, "prediction": 0, "score": 0.2, "g": "b"}
{"prediction": 1, "score": 0.5, "g": "b"}
{"label": 0, "prediction": 1, "score": 0.6, "g": "b"}
{"label": 1, "prediction": 1, "score": 0.7, "g": "b"}
{"label": 0, "prediction": 0, "score": 0.1}
`,
	})
	rep := mustRun(t, path)
	if in := rep.Inputs[0]; in.Rows != 6 || in.Bad != 1 || in.BadRows[0].Line != 4 {
		t.Errorf("inputs = %+v, want 6 rows and line 4 bad", in)
	}
	// TP 2, FN 1, FP 1, TN 2.
	approx(t, "accuracy", metric(t, rep, "accuracy").Value, 4.0/6)
	approx(t, "f1", metric(t, rep, "f1_binary").Value, 2.0/3)
	// Positive scores .9 .4 .7 against negative .2 .6 .1: 3 + 2 + 3 of 9 pairs ranked right.
	approx(t, "roc_auc", metric(t, rep, "roc_auc").Value, 8.0/9)
	ll := -(math.Log(.9) + math.Log(.4) + math.Log(.8) + math.Log(.4) + math.Log(.7) + math.Log(.9)) / 6
	approx(t, "log_loss", metric(t, rep, "log_loss").Value, ll)
	if rep.Positive != "1" || strings.Join(rep.Classes, ",") != "0,1" {
		t.Errorf("classes %v positive %q", rep.Classes, rep.Positive)
	}
	// Segments, in name order: (missing) has row 7; a rows 1-2; b rows 3,5,6.
	seg := rep.Segments[0]
	if len(seg.Rows) != 3 || seg.Rows[0].Value != missingSegment || seg.Rows[1].Rows != 2 || seg.Rows[2].Rows != 3 {
		t.Fatalf("segments = %+v", seg.Rows)
	}
	approx(t, "accuracy[a]", seg.Rows[1].Values[0], 0.5)
	approx(t, "accuracy[b]", seg.Rows[2].Values[0], 2.0/3)
	// Segment a has no negatives: AUC undefined.
	approx(t, "roc_auc[a]", seg.Rows[1].Values[2], math.NaN())
	fr := rep.Fairness[0]
	// Selection rates 0, 1/2, 2/3.
	approx(t, "dpd", *fr.DemographicParity, 2.0/3)
	// TPR: a 1/2, b 1, missing n/a -> gap 1/2; FPR: a n/a, b 1/2, missing 0 -> gap 1/2.
	approx(t, "eod", *fr.EqualizedOdds, 0.5)
	// Macro precision in (missing): class 0 precision 1, class 1 never predicted nor
	// true -> 0; mean 1/2, passes the segment bound 0.4.
	failed := map[string]bool{}
	for _, c := range rep.Failed() {
		failed[c.Name] = true
	}
	if !failed["demographic parity difference across g"] || failed["equalized odds difference across g"] {
		t.Errorf("failed checks = %v", failed)
	}
	if rep.Passed {
		t.Error("report passed with a failed check")
	}
}

func TestRunEdgeCases(t *testing.T) {
	t.Run("one class only", func(t *testing.T) {
		rep := mustRun(t, writeCase(t, map[string]string{
			"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nmetrics: [accuracy, {name: roc_auc, min: 0.5}, pr_auc, {name: f1, average: binary}]\n",
			"p.csv":          "label,prediction,score\n0,0,0.1\n0,0,0.3\n0,1,0.6\n",
		}))
		approx(t, "accuracy", metric(t, rep, "accuracy").Value, 2.0/3)
		approx(t, "roc_auc", metric(t, rep, "roc_auc").Value, math.NaN())
		approx(t, "pr_auc", metric(t, rep, "pr_auc").Value, math.NaN())
		// No positives: precision 0 (one false positive), recall 0 -> F1 0.
		approx(t, "f1", metric(t, rep, "f1_binary").Value, 0)
		if rep.Passed || rep.Failed()[0].Name != "roc_auc" {
			t.Errorf("a gate on an undefined metric must fail: %+v", rep.Checks)
		}
	})
	t.Run("two classes without a positive class", func(t *testing.T) {
		rep := mustRun(t, writeCase(t, map[string]string{
			"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nmetrics: [accuracy, roc_auc, ece, {name: f1, average: binary}]\nbootstrap: {resamples: -1}\n",
			"p.csv":          "label,prediction,score\ncat,cat,0.1\ndog,dog,0.9\n",
		}))
		approx(t, "accuracy", metric(t, rep, "accuracy").Value, 1)
		approx(t, "roc_auc", metric(t, rep, "roc_auc").Value, math.NaN())
		approx(t, "ece", metric(t, rep, "ece").Value, math.NaN())
		approx(t, "f1", metric(t, rep, "f1_binary").Value, math.NaN())
		if len(rep.Notes) == 0 || !strings.Contains(rep.Notes[0], "set positive") {
			t.Errorf("notes = %v", rep.Notes)
		}
		// With positive: set, the same file is binary.
		rep = mustRun(t, writeCase(t, map[string]string{
			"awaf-eval.yaml": "task: classification\ncurrent: p.csv\npositive: dog\nmetrics: [roc_auc]\nbootstrap: {resamples: -1}\n",
			"p.csv":          "label,prediction,score\ncat,cat,0.1\ndog,dog,0.9\n",
		}))
		approx(t, "roc_auc with positive", metric(t, rep, "roc_auc").Value, 1)
	})
	t.Run("no usable rows", func(t *testing.T) {
		rep := mustRun(t, writeCase(t, map[string]string{
			"awaf-eval.yaml": "task: regression\ncurrent: p.csv\nmetrics: [mae, r2]\n",
			"p.csv":          "actual,predicted\nx,1\n",
		}))
		approx(t, "mae", metric(t, rep, "mae").Value, math.NaN())
		if len(rep.Notes) == 0 || rep.Inputs[0].Bad != 1 {
			t.Errorf("notes %v inputs %+v", rep.Notes, rep.Inputs)
		}
	})
	t.Run("regression sklearn example", func(t *testing.T) {
		rep := mustRun(t, writeCase(t, map[string]string{
			"awaf-eval.yaml": "task: regression\ncurrent: p.csv\nmetrics: [mae, rmse, mape, r2]\nbootstrap: {resamples: 50}\n",
			"p.csv":          "actual,predicted\n3,2.5\n-0.5,0\n2,2\n7,8\n",
		}))
		approx(t, "mae", metric(t, rep, "mae").Value, 0.5)
		approx(t, "rmse", metric(t, rep, "rmse").Value, math.Sqrt(0.375))
		approx(t, "mape", metric(t, rep, "mape").Value, 0.3273809523809524)
		approx(t, "r2", metric(t, rep, "r2").Value, 0.9486081370449679)
		if ci := metric(t, rep, "mae").CI; ci == nil || ci.Lower > 0.5 || ci.Upper < 0.5 {
			t.Errorf("mae interval %+v should contain the estimate", ci)
		}
	})
	t.Run("multiclass probabilities", func(t *testing.T) {
		rep := mustRun(t, writeCase(t, map[string]string{
			"awaf-eval.yaml": "task: classification\ncurrent: p.jsonl\nmetrics: [log_loss, roc_auc, ece, {name: f1, average: micro}]\nbootstrap: {resamples: -1}\n",
			"p.jsonl": `{"label": "cat", "prediction": "cat", "probabilities": {"cat": 0.8, "dog": 0.1, "fox": 0.1}}
{"label": "dog", "prediction": "dog", "probabilities": {"cat": 0.1, "dog": 0.8, "fox": 0.1}}
{"label": "fox", "prediction": "fox", "probabilities": {"cat": 0.1, "dog": 0.1, "fox": 0.8}}
{"label": "fox", "prediction": "cat", "probabilities": {"cat": 0.5, "fox": 0.5, "dog": 2}}
`,
		}))
		if rep.Inputs[0].Bad != 1 {
			t.Errorf("a probability of 2 must make a bad row: %+v", rep.Inputs[0])
		}
		approx(t, "log_loss", metric(t, rep, "log_loss").Value, -math.Log(0.8))
		approx(t, "roc_auc", metric(t, rep, "roc_auc").Value, 1)
		approx(t, "ece", metric(t, rep, "ece").Value, 0.2) // confidence .8, accuracy 1
		approx(t, "f1 micro", metric(t, rep, "f1_micro").Value, 1)
		if len(rep.Classes) != 3 {
			t.Errorf("the bad row must not add classes: %v", rep.Classes)
		}
	})
	t.Run("rag retrieval by hand", func(t *testing.T) {
		rep := mustRun(t, writeCase(t, map[string]string{
			"awaf-eval.yaml": "task: rag\ncurrent: r.jsonl\nmetrics: [{name: recall_at_k, k: 1}, mrr, {name: ndcg_at_k, k: 2}, groundedness_proxy]\nbootstrap: {resamples: -1}\n",
			"r.jsonl": `{"question": "q1", "answer": "paris", "contexts": ["Paris is in France", "Rome"], "relevance": [0, 1]}
{"question": "q2", "answer": "rome", "contexts": [{"id": "d1", "text": "x"}, {"id": "d2", "text": "Rome"}], "relevant_ids": ["d2", "d9"]}
{"question": "q3", "answer": "none", "contexts": [], "relevance": []}
`,
		}))
		// q1: first relevant at rank 2 -> recall@1 0, RR 1/2, nDCG@2 = (1/log2 3)/1.
		// q2: relevant d2 at rank 2 of 2 relevant -> recall@1 0, RR 1/2, nDCG@2 =
		//     (1/log2 3)/(1 + 1/log2 3). q3: nothing relevant, drops out.
		approx(t, "recall@1", metric(t, rep, "recall@1").Value, 0)
		approx(t, "mrr", metric(t, rep, "mrr").Value, 0.5)
		l3 := 1 / math.Log2(3)
		approx(t, "ndcg@2", metric(t, rep, "ndcg@2").Value, (l3+l3/(1+l3))/2)
		// "paris" is in q1's context, "rome" in q2's, "none" in nothing.
		approx(t, "groundedness_proxy", metric(t, rep, "groundedness_proxy").Value, 2.0/3)
	})
}

func TestBootstrapDeterministic(t *testing.T) {
	path := filepath.Join("..", "..", "examples", "eval", "regression", "awaf-eval.yaml")
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Run(context.Background(), cfg, Options{Now: fixedNow, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), cfg, Options{Now: fixedNow, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Metrics {
		if *a.Metrics[i].CI != *b.Metrics[i].CI {
			t.Errorf("%s: interval %+v with 1 worker, %+v with 3", a.Metrics[i].ID, a.Metrics[i].CI, b.Metrics[i].CI)
		}
	}
}

// The example reports are golden files: go test ./internal/eval -run Golden -update.
func TestGolden(t *testing.T) {
	for _, name := range []string{"classification", "regression", "rag"} {
		rep := mustRun(t, filepath.Join("..", "..", "examples", "eval", name, "awaf-eval.yaml"))
		for _, format := range Formats {
			t.Run(name+"."+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, rep, format); err != nil {
					t.Fatal(err)
				}
				goldenfile.Check(t, filepath.Join("testdata", "golden", name+"."+format), buf.Bytes())
			})
		}
	}
}

// Labels and segment values come from user files: the HTML report must escape them,
// in tables and inside the SVG charts alike.
func TestHTMLEscapes(t *testing.T) {
	rep := mustRun(t, writeCase(t, map[string]string{
		"awaf-eval.yaml": "task: classification\ncurrent: p.jsonl\nsegments: [g]\nmetrics: [accuracy]\nbootstrap: {resamples: -1}\n",
		"p.jsonl": `{"label": "<img src=x>", "prediction": "<img src=x>", "score": 0.2, "g": "<script>alert(1)</script>"}
{"label": "b&c", "prediction": "<img src=x>", "score": 0.7, "g": "x"}
`,
	}))
	var buf bytes.Buffer
	if err := Write(&buf, rep, "html"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img", "<script>alert", "b&c"} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("html holds unescaped %q", bad)
		}
	}
	if !strings.Contains(buf.String(), "&lt;img src=x&gt;") {
		t.Error("escaped label missing")
	}
}

func TestRunCancelled(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join("..", "..", "examples", "eval", "classification", "awaf-eval.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, cfg, Options{}); err == nil {
		t.Error("a cancelled run must not return a report")
	}
}

func TestRunProbabilityPrefix(t *testing.T) {
	rep := mustRun(t, writeCase(t, map[string]string{
		"awaf-eval.yaml": "task: classification\ncurrent: p.csv\ncolumns: {probabilityPrefix: p_}\nmetrics: [log_loss, roc_auc]\nbootstrap: {resamples: -1}\n",
		"p.csv":          "label,prediction,p_a,p_b,p_c\na,a,0.8,0.1,0.1\nb,b,0.1,0.8,0.1\nc,c,0.1,0.1,0.8\nc,a,x,0.1,0.8\n",
	}))
	approx(t, "log_loss", metric(t, rep, "log_loss").Value, -math.Log(0.8))
	approx(t, "roc_auc", metric(t, rep, "roc_auc").Value, 1)
	if rep.Inputs[0].Bad != 1 || rep.Inputs[0].BadRows[0].Line != 5 {
		t.Errorf("inputs %+v", rep.Inputs[0])
	}
}
