package metrics

import "math"

// GroupRates are the rates of a binary classifier within one group.
type GroupRates struct {
	Rows          float64
	SelectionRate float64 // P(ŷ = positive)
	TPR           float64 // P(ŷ = positive | y = positive); NaN with no positives
	FPR           float64 // P(ŷ = positive | y = negative); NaN with no negatives
}

// NewGroupRates computes the rates from truth and prediction flags.
func NewGroupRates(truth, pred []bool, w []float64) GroupRates {
	var n, sel, p, tp, neg, fp float64
	for i := range truth {
		wi := weight(w, i)
		n += wi
		if pred[i] {
			sel += wi
		}
		if truth[i] {
			p += wi
			if pred[i] {
				tp += wi
			}
		} else {
			neg += wi
			if pred[i] {
				fp += wi
			}
		}
	}
	return GroupRates{Rows: n, SelectionRate: ratio(sel, n), TPR: ratio(tp, p), FPR: ratio(fp, neg)}
}

// Gap is max − min of the defined values; NaN with fewer than two defined values.
func Gap(v []float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	var n int
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		lo, hi = min(lo, x), max(hi, x)
		n++
	}
	if n < 2 {
		return nan
	}
	return hi - lo
}

// DemographicParityDifference is the largest gap in selection rate between groups.
func DemographicParityDifference(groups []GroupRates) float64 {
	v := make([]float64, len(groups))
	for i, g := range groups {
		v[i] = g.SelectionRate
	}
	return Gap(v)
}

// EqualizedOddsDifference is the larger of the TPR gap and the FPR gap between groups
// (fairlearn's definition). Groups without positives drop out of the TPR gap, groups
// without negatives out of the FPR gap.
func EqualizedOddsDifference(groups []GroupRates) float64 {
	tpr := make([]float64, len(groups))
	fpr := make([]float64, len(groups))
	for i, g := range groups {
		tpr[i], fpr[i] = g.TPR, g.FPR
	}
	a, b := Gap(tpr), Gap(fpr)
	switch {
	case math.IsNaN(a):
		return b
	case math.IsNaN(b):
		return a
	}
	return max(a, b)
}
