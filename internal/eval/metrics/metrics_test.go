package metrics

import (
	"math"
	"testing"
)

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.IsNaN(want) {
		if !math.IsNaN(got) {
			t.Errorf("%s = %v, want NaN", name, got)
		}
		return
	}
	if math.IsNaN(got) || math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.12g, want %.12g", name, got, want)
	}
}

// The scikit-learn precision_recall_fscore_support documentation example:
// y_true = [0,1,2,0,1,2], y_pred = [0,2,1,0,0,1].
func TestPRFReference(t *testing.T) {
	c := NewConfusion(3, []int32{0, 1, 2, 0, 1, 2}, []int32{0, 2, 1, 0, 0, 1}, nil)
	tests := []struct {
		avg     Average
		p, r, f float64
	}{
		{Macro, 2.0 / 9, 1.0 / 3, 4.0 / 15},
		{Micro, 1.0 / 3, 1.0 / 3, 1.0 / 3},
		{Weighted, 2.0 / 9, 1.0 / 3, 4.0 / 15},
	}
	for _, tt := range tests {
		t.Run(string(tt.avg), func(t *testing.T) {
			p, r, f := c.PRF(tt.avg, -1)
			near(t, "precision", p, tt.p)
			near(t, "recall", r, tt.r)
			near(t, "f1", f, tt.f)
		})
	}
	near(t, "accuracy", c.Accuracy(), 1.0/3)
}

// Hand count: truth 1,1,1,0,0 pred 1,0,1,1,0: TP=2 FN=1 FP=1 TN=1.
func TestBinaryByHand(t *testing.T) {
	c := NewConfusion(2, []int32{1, 1, 1, 0, 0}, []int32{1, 0, 1, 1, 0}, nil)
	p, r, f := c.PRF(Binary, 1)
	near(t, "precision", p, 2.0/3)
	near(t, "recall", r, 2.0/3)
	near(t, "f1", f, 2.0/3)
	// class 0: P = 1/2, R = 1/2; macro = (2/3 + 1/2)/2
	p, _, _ = c.PRF(Macro, -1)
	near(t, "macro precision", p, (2.0/3+0.5)/2)
	// weights: support 2 for class 0, 3 for class 1
	_, r, _ = c.PRF(Weighted, -1)
	near(t, "weighted recall", r, (0.5*2+2.0/3*3)/5)
	near(t, "accuracy", c.Accuracy(), 3.0/5)
}

func TestConfusionEdges(t *testing.T) {
	t.Run("no rows", func(t *testing.T) {
		c := NewConfusion(2, nil, nil, nil)
		near(t, "accuracy", c.Accuracy(), math.NaN())
		p, _, _ := c.PRF(Macro, -1)
		near(t, "precision", p, math.NaN())
	})
	t.Run("never predicted class", func(t *testing.T) {
		// class 1 exists in truth but is never predicted: precision 0, not NaN.
		c := NewConfusion(2, []int32{0, 1}, []int32{0, 0}, nil)
		pc := c.PerClass()
		near(t, "precision[1]", pc[1].Precision, 0)
		near(t, "f1[1]", pc[1].F1, 0)
		near(t, "precision[0]", pc[0].Precision, 0.5)
	})
	t.Run("one class only", func(t *testing.T) {
		c := NewConfusion(1, []int32{0, 0, 0}, []int32{0, 0, 0}, nil)
		near(t, "accuracy", c.Accuracy(), 1)
		p, r, f := c.PRF(Macro, -1)
		near(t, "p", p, 1)
		near(t, "r", r, 1)
		near(t, "f", f, 1)
	})
	t.Run("weights", func(t *testing.T) {
		c := NewConfusion(2, []int32{0, 1}, []int32{0, 0}, []float64{3, 1})
		near(t, "accuracy", c.Accuracy(), 0.75)
	})
}

func TestRanking(t *testing.T) {
	tests := []struct {
		name    string
		score   []float64
		pos     []bool
		auc, ap float64
	}{
		// scikit-learn roc_auc_score and average_precision_score documentation examples.
		{"sklearn", []float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}, 0.75, 5.0 / 6},
		{"perfect", []float64{0.9, 0.8, 0.2, 0.1}, []bool{true, true, false, false}, 1, 1},
		// inverted: P at recall .5 is 1/3, at recall 1 is 1/2 -> AP = .5/3 + .5/2 = 5/12
		{"inverted", []float64{0.1, 0.2, 0.8, 0.9}, []bool{true, true, false, false}, 0, 5.0 / 12},
		// all tied: AUC 1/2; AP = precision at the only threshold = 1/2
		{"ties", []float64{0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false}, 0.5, 0.5},
		{"one class only", []float64{0.1, 0.9}, []bool{true, true}, math.NaN(), 1},
		{"no positives", []float64{0.1, 0.9}, []bool{false, false}, math.NaN(), math.NaN()},
		{"no rows", nil, nil, math.NaN(), math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ScoreOrder(tt.score)
			near(t, "auc", ROCAUC(tt.score, tt.pos, o, nil), tt.auc)
			near(t, "ap", AveragePrecision(tt.score, tt.pos, o, nil), tt.ap)
		})
	}
}

func TestLogLoss(t *testing.T) {
	// scikit-learn log_loss documentation example, classes ham=0, spam=1.
	probs := []float64{.1, .9, .9, .1, .8, .2, .35, .65}
	near(t, "sklearn", LogLoss([]int32{1, 0, 0, 1}, probs, 2, nil), 0.21616187468057912)
	// Certain and wrong: clipped to -ln(1e-15).
	near(t, "clipped", LogLoss([]int32{0}, []float64{0, 1}, 2, nil), -math.Log(LogLossEps))
	// Rows are normalised: (2, 2) is (0.5, 0.5).
	near(t, "normalised", LogLoss([]int32{0}, []float64{2, 2}, 2, nil), math.Log(2))
	near(t, "no rows", LogLoss(nil, nil, 2, nil), math.NaN())
}

func TestECE(t *testing.T) {
	// Two bins. Bin [0,0.5): conf 0.2, 0.4 hits F,T -> |0.5-0.3| = 0.2 over 2 rows.
	// Bin [0.5,1]: conf 0.9, 1.0 hits T,T -> |1-0.95| = 0.05 over 2 rows.
	bins := Calibration([]float64{0.2, 0.4, 0.9, 1.0}, []bool{false, true, true, true}, 2, nil)
	near(t, "ece", ECE(bins), (2*0.2+2*0.05)/4)
	if bins[1].Count != 2 {
		t.Errorf("confidence 1.0 must fall in the last bin, bins = %+v", bins)
	}
	near(t, "ece empty", ECE(Calibration(nil, nil, 10, nil)), math.NaN())
}

func TestOneVsRestAUC(t *testing.T) {
	// Three classes, perfectly separated by their own probability: every class AUC = 1.
	truth := []int32{0, 1, 2}
	probs := []float64{.8, .1, .1, .1, .8, .1, .1, .1, .8}
	near(t, "ovr", OneVsRestAUC(truth, probs, 3, nil), 1)
}

func TestRegression(t *testing.T) {
	tests := []struct {
		name      string
		actual    []float64
		pred      []float64
		want      Regression
		skippedIs float64
	}{
		// scikit-learn mean_absolute_error / mean_squared_error / r2_score /
		// mean_absolute_percentage_error documentation example.
		{"sklearn", []float64{3, -0.5, 2, 7}, []float64{2.5, 0, 2, 8},
			Regression{MAE: 0.5, RMSE: math.Sqrt(0.375), MAPE: 0.3273809523809524, R2: 0.9486081370449679}, 0},
		{"zero actual left out of MAPE", []float64{0, 2}, []float64{1, 1},
			Regression{MAE: 1, RMSE: 1, MAPE: 0.5, R2: 0}, 1},
		{"constant actual perfect", []float64{2, 2}, []float64{2, 2},
			Regression{MAE: 0, RMSE: 0, MAPE: 0, R2: 1}, 0},
		{"constant actual imperfect", []float64{2, 2}, []float64{1, 3},
			Regression{MAE: 1, RMSE: 1, MAPE: 0.5, R2: 0}, 0},
		{"all zero actual", []float64{0, 0}, []float64{0, 1},
			Regression{MAE: 0.5, RMSE: math.Sqrt(0.5), MAPE: math.NaN(), R2: 0}, 2},
		{"no rows", nil, nil, Regression{MAE: math.NaN(), RMSE: math.NaN(), MAPE: math.NaN(), R2: math.NaN()}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewRegression(tt.actual, tt.pred, nil)
			near(t, "mae", got.MAE, tt.want.MAE)
			near(t, "rmse", got.RMSE, tt.want.RMSE)
			near(t, "mape", got.MAPE, tt.want.MAPE)
			near(t, "r2", got.R2, tt.want.R2)
			near(t, "skipped", got.MAPESkipped, tt.skippedIs)
		})
	}
}

func TestRetrieval(t *testing.T) {
	// scikit-learn ndcg_score documentation example: true relevance [10,0,0,1,5] ranked
	// by scores [.1,.2,.3,4,70], i.e. retrieved grades in rank order 5,1,0,0,10.
	q := Query{Grades: []float64{5, 1, 0, 0, 10}, TotalRelevant: 3}
	near(t, "ndcg", NDCGAt(q, 5), 0.6956940443813076)
	near(t, "ndcg@4", NDCGAt(q, 4), 0.4123818817534531)
	near(t, "ndcg@1", NDCGAt(q, 1), 0.5)

	tests := []struct {
		name          string
		q             Query
		k             int
		recall, rr, n float64
	}{
		{"first hit at rank 2", Query{Grades: []float64{0, 1, 0, 1}, TotalRelevant: 3}, 2, 1.0 / 3, 0.5,
			(1 / math.Log2(3)) / (1 + 1/math.Log2(3))},
		{"no hit retrieved", Query{Grades: []float64{0, 0}, TotalRelevant: 2, Ideal: []float64{1, 1}}, 2, 0, 0, 0},
		{"nothing relevant", Query{Grades: []float64{0, 0}}, 2, math.NaN(), math.NaN(), math.NaN()},
		{"empty retrieval", Query{TotalRelevant: 1, Ideal: []float64{1}}, 3, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			near(t, "recall", RecallAt(tt.q, tt.k), tt.recall)
			near(t, "rr", ReciprocalRank(tt.q), tt.rr)
			near(t, "ndcg", NDCGAt(tt.q, tt.k), tt.n)
		})
	}
	near(t, "mean skips NaN", Mean([]float64{1, math.NaN(), 0}, nil), 0.5)
	near(t, "mean none", Mean([]float64{math.NaN()}, nil), math.NaN())
}

func TestLexical(t *testing.T) {
	// "Paris is the capital" -> tokens paris, capital; both in context.
	near(t, "grounded", GroundednessProxy("Paris is the capital.", []string{"The capital of France is Paris"}), 1)
	near(t, "half", GroundednessProxy("Paris Berlin", []string{"paris"}), 0.5)
	near(t, "no words", GroundednessProxy("the", []string{"x"}), math.NaN())
	near(t, "relevance", RelevanceProxy("What is the capital of France?", "Paris is the capital"), 0.5)
	// answer: paris, france (2); truth: paris (1); common 1 -> P=1/2 R=1 F1=2/3.
	near(t, "f1", TokenF1("Paris, France", "Paris"), 2.0/3)
	near(t, "f1 both empty", TokenF1("", "the"), 1)
	near(t, "f1 one empty", TokenF1("x", ""), 0)
}

func TestDrift(t *testing.T) {
	t.Run("KS", func(t *testing.T) {
		// Hand computed (plain python): D = 0.5, p = 0.3670013850902251.
		d, p := KS([]float64{1, 2, 3, 4, 5}, []float64{3, 4, 5, 6, 7, 8})
		near(t, "d", d, 0.5)
		if math.Abs(p-0.3670013850902251) > 1e-9 {
			t.Errorf("p = %v", p)
		}
		d, _ = KS([]float64{1, 2}, []float64{1, 2})
		near(t, "same", d, 0)
		d, _ = KS(nil, []float64{1})
		near(t, "empty", d, math.NaN())
	})
	t.Run("PSI", func(t *testing.T) {
		// Shares (0.5, 0.5) -> (0.25, 0.75):
		// (0.25-0.5)ln(0.5) + (0.75-0.5)ln(1.5) = 0.25 ln 3.
		got := PSI([]PSIBin{{Baseline: 0.5, Current: 0.25}, {Baseline: 0.5, Current: 0.75}})
		near(t, "psi", got, 0.25*math.Log(3))
		// An empty bin is floored, not infinite.
		got = PSI([]PSIBin{{Baseline: 1, Current: 0.5}, {Baseline: 0, Current: 0.5}})
		want := (0.5-1)*math.Log(0.5) + (0.5-PSIFloor)*math.Log(0.5/PSIFloor)
		near(t, "floor", got, want)
	})
	t.Run("numeric PSI same sample", func(t *testing.T) {
		v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		got, bins := NumericPSI(v, v, 5, QuantileHigher)
		near(t, "psi", got, 0)
		if len(bins) != 5 {
			t.Errorf("bins = %d, want 5: %+v", len(bins), bins)
		}
	})
	t.Run("numeric PSI by hand", func(t *testing.T) {
		// Baseline 1..4 into 2 bins: edge at 3 -> bins (<3) and (>=3), shares .5/.5.
		// Current 1,1,1,4 -> .75/.25: PSI = .25 ln 1.5 + (-.25) ln .5 = .25 ln 3.
		got, _ := NumericPSI([]float64{1, 2, 3, 4}, []float64{1, 1, 1, 4}, 2, QuantileHigher)
		near(t, "psi", got, 0.25*math.Log(3))
	})
	t.Run("categorical", func(t *testing.T) {
		got, bins := CategoricalPSI([]string{"a", "b"}, []string{"a", "a", "a", "b"})
		near(t, "psi", got, 0.25*math.Log(3))
		if bins[0].Label != "a" {
			t.Errorf("bins not sorted: %+v", bins)
		}
	})
}

func TestFairness(t *testing.T) {
	// Group A: truth 1,1,0,0 pred 1,0,1,0: sel .5 TPR .5 FPR .5
	// Group B: truth 1,1,0,0 pred 1,1,0,0: sel .5 TPR 1  FPR 0
	a := NewGroupRates([]bool{true, true, false, false}, []bool{true, false, true, false}, nil)
	b := NewGroupRates([]bool{true, true, false, false}, []bool{true, true, false, false}, nil)
	near(t, "dpd", DemographicParityDifference([]GroupRates{a, b}), 0)
	near(t, "eod", EqualizedOddsDifference([]GroupRates{a, b}), 0.5)
	// Group C has no positives: drops out of the TPR gap only.
	c := NewGroupRates([]bool{false, false}, []bool{true, true}, nil)
	near(t, "c tpr", c.TPR, math.NaN())
	near(t, "dpd with c", DemographicParityDifference([]GroupRates{a, b, c}), 0.5)
	near(t, "eod with c", EqualizedOddsDifference([]GroupRates{a, b, c}), 1)
	near(t, "one group", DemographicParityDifference([]GroupRates{a}), math.NaN())
}

func TestBootstrap(t *testing.T) {
	r := NewResampler(42, 0)
	w := make([]float64, 100000)
	r.Weights(w)
	var s float64
	for _, x := range w {
		s += x
	}
	if m := s / float64(len(w)); math.Abs(m-1) > 0.02 {
		t.Errorf("mean Poisson weight = %v, want about 1", m)
	}
	// Same seed, same draws.
	w2 := make([]float64, 100000)
	NewResampler(42, 0).Weights(w2)
	for i := range w {
		if w[i] != w2[i] {
			t.Fatal("same seed gave different weights")
		}
	}
	iv, ok := Percentile([]float64{5, 1, 3, 2, 4, math.NaN()}, 0.5)
	if !ok || iv.Lower != 2 || iv.Upper != 4 {
		t.Errorf("interval = %+v, %v; want [2, 4]", iv, ok)
	}
	if _, ok := Percentile([]float64{1}, 0.95); ok {
		t.Error("one value must give no interval")
	}
}

func TestScoreOrder(t *testing.T) {
	for _, n := range []int{0, 1, 5, 300, 5000} {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64((i*7919)%1013) / 1013
			if i%5 == 0 {
				v[i] = -v[i] // negatives sort too
			}
		}
		if n > 3 {
			v[1], v[2] = math.Copysign(0, -1), 0
		}
		o := ScoreOrder(v)
		if len(o) != n {
			t.Fatalf("n=%d: len %d", n, len(o))
		}
		seen := map[int32]bool{}
		for i := range o {
			seen[o[i]] = true
			if i > 0 && v[o[i-1]] < v[o[i]] {
				t.Fatalf("n=%d: not descending at %d: %v < %v", n, i, v[o[i-1]], v[o[i]])
			}
			if i > 0 && v[o[i-1]] == v[o[i]] && o[i-1] > o[i] {
				t.Fatalf("n=%d: ties not stable at %d", n, i)
			}
		}
		if len(seen) != n {
			t.Fatalf("n=%d: not a permutation", n)
		}
	}
}

// The Poisson bootstrap interval of an accuracy must match the normal approximation
// p ± 1.96·√(p(1−p)/n) on a large sample.
func TestBootstrapIntervalWidth(t *testing.T) {
	const n, B = 10000, 400
	truth := make([]int32, n)
	pred := make([]int32, n)
	for i := range n {
		if i%5 == 0 { // 80% right
			pred[i] = 1
		}
	}
	vals := make([]float64, B)
	w := make([]float64, n)
	for b := range B {
		NewResampler(7, uint64(b)).Weights(w)
		vals[b] = NewConfusion(2, truth, pred, w).Accuracy()
	}
	iv, ok := Percentile(vals, 0.95)
	half := 1.96 * math.Sqrt(0.8*0.2/n)
	if !ok || math.Abs((iv.Upper-iv.Lower)/2-half) > 0.15*half || !iv.Contains(0.8) {
		t.Errorf("interval %+v, want 0.8 ± %.4f", iv, half)
	}
}

// scikit-learn calibration_curve documentation example, n_bins=3: prob_true
// [0, 0.5, 1], prob_pred [0.2, 0.525, 0.85].
func TestCalibrationCurveReference(t *testing.T) {
	score := []float64{0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1}
	pos := []bool{false, false, false, false, true, true, true, true, true}
	bins := Calibration(score, pos, 3, nil)
	wantTrue := []float64{0, 0.5, 1}
	wantPred := []float64{0.2, 0.525, 0.85}
	for i, b := range bins {
		near(t, "observed", b.Observed, wantTrue[i])
		near(t, "confidence", b.Confidence, wantPred[i])
	}
}
