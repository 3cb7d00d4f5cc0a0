package eval

import (
	"math"
	"testing"
)

// Reference values in this file were computed with scipy 1.10.1, scikit-learn 1.2.1
// and numpy 1.24.2 (Debian bookworm's python3-scipy, python3-sklearn, python3-numpy):
//
//	wasserstein_distance(b, c), ks_2samp(b, c).statistic,
//	chi2_contingency([[5,3,2],[3,3,4]], correction=False),
//	np.quantile(b, [.25,.5,.75], method="linear") for the PSI edges,
//	brier_score_loss(y, p).
//
// The inputs are written out below, so the check can be repeated.

func TestDriftOnlyAgainstScipy(t *testing.T) {
	path := writeCase(t, map[string]string{
		"awaf-eval.yaml": "task: drift\ncurrent: cur.csv\nbaseline: base.csv\ndrift:\n  columns: [x, region]\n  bins: 4\n  wassersteinMax: 1\n  chiSquarePMin: 0.05\n",
		"base.csv":       "x,region\n1,a\n2,a\n3,a\n4,a\n5,a\n6,b\n7,b\n8,b\n9,c\n10,c\n",
		"cur.csv":        "x,region\n2,a\n3,a\n4,a\n5,b\n6,b\n7,b\n8,c\n9,c\n12,c\n15,c\n",
	})
	rep := mustRun(t, path)
	if len(rep.Drift) != 2 {
		t.Fatalf("drift = %+v, want x and region (no scores in a drift-only run)", rep.Drift)
	}
	x, region := rep.Drift[0], rep.Drift[1]
	approx(t, "wasserstein", *x.Wasserstein, 1.6)
	approx(t, "ks", *x.KS, 0.2)
	approx(t, "psi (linear quantiles)", x.PSI, 0.06931471805599454)
	if region.Kind != "categorical" || region.ChiSquareDOF != 2 {
		t.Fatalf("region = %+v", region)
	}
	approx(t, "chi2", *region.ChiSquare, 1.1666666666666665)
	approx(t, "chi2 p", *region.ChiSquareP, 0.5580351457700472)
	// Wasserstein 1.6 > 1 fails; p 0.558 ≥ 0.05 passes.
	var failed []string
	for _, c := range rep.Failed() {
		failed = append(failed, c.Name)
	}
	if len(failed) != 1 || failed[0] != "Wasserstein distance of x" {
		t.Errorf("failed checks = %v, want only the Wasserstein bound", failed)
	}
}

func TestPSIQuantileMethods(t *testing.T) {
	for _, tt := range []struct {
		method string
		want   float64
	}{
		{"linear", 0.06931471805599454},
		// numpy "higher" edges for b: 4, 6, 8 → shares b .3 .2 .2 .3, c .2 .2 .2 .4.
		{"higher", (0.2-0.3)*math.Log(0.2/0.3) + (0.4-0.3)*math.Log(0.4/0.3)},
	} {
		path := writeCase(t, map[string]string{
			"awaf-eval.yaml": "task: drift\ncurrent: cur.csv\nbaseline: base.csv\ndrift:\n  columns: [x]\n  bins: 4\n  quantiles: " + tt.method + "\n",
			"base.csv":       "x\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
			"cur.csv":        "x\n2\n3\n4\n5\n6\n7\n8\n9\n12\n15\n",
		})
		approx(t, tt.method, mustRun(t, path).Drift[0].PSI, tt.want)
	}
}

func TestBrierAndPositiveECE(t *testing.T) {
	var data = "label,prediction,score\n1,1,0.9\n0,0,0.2\n1,1,0.6\n1,0,0.4\n0,0,0.3\n0,1,0.7\n1,1,0.8\n0,0,0.1\n"
	path := writeCase(t, map[string]string{
		"awaf-eval.yaml": "task: classification\ncurrent: p.csv\nbootstrap: {resamples: 0}\nmetrics: [brier, ece, ece_positive, brier_reliability, brier_resolution, brier_uncertainty]\n",
		"p.csv":          data,
	})
	rep := mustRun(t, path)
	approx(t, "brier (sklearn brier_score_loss)", metric(t, rep, "brier").Value, 0.15)
	// One row per calibration bin, so by hand: |obs − conf| summed = 2.6 over 8 rows.
	approx(t, "ece_positive", metric(t, rep, "ece_positive").Value, 0.325)
	// One forecast per bin makes Murphy's decomposition exact: 0.15 − 0.25 + 0.25.
	approx(t, "reliability", metric(t, rep, "brier_reliability").Value, 0.15)
	approx(t, "resolution", metric(t, rep, "brier_resolution").Value, 0.25)
	approx(t, "uncertainty", metric(t, rep, "brier_uncertainty").Value, 0.25)
	if rep.CalibrationOf != CalibrationPositive {
		t.Errorf("calibration curve drawn by %q, want the positive class", rep.CalibrationOf)
	}
	// Top-label ECE differs: the top label of 0.4 is "0" with confidence 0.6, and so on.
	if metric(t, rep, "ece").Value == metric(t, rep, "ece_positive").Value {
		t.Error("ece and ece_positive agree on a case built for them to differ")
	}
}

func TestRetrievalFromPlainRankings(t *testing.T) {
	path := writeCase(t, map[string]string{
		"awaf-eval.yaml": "task: rag\ncurrent: r.jsonl\nbootstrap: {resamples: 0}\nmetrics:\n  - {name: recall_at_k, k: 3}\n  - mrr\n  - {name: ndcg_at_k, k: 3}\n",
		"r.jsonl": `{"query": "q1", "retrieved": ["d1", "d2", "d3"], "relevant": ["d2", "d9"]}` + "\n" +
			`{"query": "q2", "retrieved": ["d1", "d2", "d3"], "relevant": {"d1": 1, "d3": 3, "d7": 2}}` + "\n" +
			`{"query": "q3", "retrieved": [4, 5], "relevant": [5]}` + "\n",
	})
	rep := mustRun(t, path)
	// q1: 1 of 2 relevant in the top 3, first hit at rank 2, nDCG (1/log2 3)/(1 + 1/log2 3).
	// q2: graded: DCG 1 + 3/2 = 2.5 over ideal 3 + 2/log2 3 + 1/2 (sklearn ndcg_score, k=3).
	// q3: numeric ids; the only relevant item at rank 2.
	q1n := (1 / math.Log2(3)) / (1 + 1/math.Log2(3))
	q2n := 2.5 / (3 + 2/math.Log2(3) + 0.5)
	q3n := (1 / math.Log2(3)) / 1
	approx(t, "recall@3", metric(t, rep, "recall@3").Value, (0.5+2.0/3+1)/3)
	approx(t, "mrr", metric(t, rep, "mrr").Value, (0.5+1+0.5)/3)
	approx(t, "ndcg@3", metric(t, rep, "ndcg@3").Value, (q1n+q2n+q3n)/3)
	if rep.Inputs[0].Bad != 0 {
		t.Errorf("bad rows %+v: a retrieval-only file needs no question or answer column", rep.Inputs[0].BadRows)
	}
}
