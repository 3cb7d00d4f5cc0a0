// Package metrics computes model-evaluation metrics: classification, regression,
// retrieval, a lexical proxy for generative answers, fairness gaps, drift and bootstrap
// confidence intervals.
//
// Every function takes optional per-row weights (nil means 1 for every row). The
// bootstrap uses them: a resample is a vector of Poisson(1) weights over the same rows,
// so no metric has to copy its data to be resampled.
//
// Undefined values are NaN, never a panic or an error: a metric that divides by zero on
// the given rows (ROC AUC with one class only, MAPE with every actual at zero, any metric
// on no rows) returns NaN and the caller reports it as "no value".
package metrics

import "math"

// weight returns w[i], or 1 when w is nil.
func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// nan is the result of a metric with no defined value.
var nan = math.NaN()

func ratio(num, den float64) float64 {
	if den == 0 {
		return nan
	}
	return num / den
}
