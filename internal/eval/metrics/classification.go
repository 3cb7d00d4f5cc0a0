package metrics

import (
	"math"
	"sort"
)

// Confusion is a confusion matrix: M[t][p] is the (weighted) count of rows whose true
// class is t and predicted class is p.
type Confusion struct {
	K int
	M [][]float64
}

// NewConfusion counts k classes from true and predicted class indices.
func NewConfusion(k int, truth, pred []int32, w []float64) Confusion {
	c := Confusion{K: k, M: make([][]float64, k)}
	flat := make([]float64, k*k)
	for i := range c.M {
		c.M[i] = flat[i*k : (i+1)*k]
	}
	for i := range truth {
		flat[int(truth[i])*k+int(pred[i])] += weight(w, i)
	}
	return c
}

// Total is the total weight of all rows.
func (c Confusion) Total() float64 {
	var s float64
	for _, r := range c.M {
		for _, v := range r {
			s += v
		}
	}
	return s
}

// Accuracy is the share of rows on the diagonal; NaN on no rows.
func (c Confusion) Accuracy() float64 {
	var d float64
	for i := range c.K {
		d += c.M[i][i]
	}
	return ratio(d, c.Total())
}

// Support is the true count of class i.
func (c Confusion) Support(i int) float64 {
	var s float64
	for _, v := range c.M[i] {
		s += v
	}
	return s
}

// Predicted is the predicted count of class i.
func (c Confusion) Predicted(i int) float64 {
	var s float64
	for t := range c.K {
		s += c.M[t][i]
	}
	return s
}

// ClassScores are precision, recall and F1 of one class. A class never predicted has
// precision 0; a class never true has recall 0; F1 is 0 when precision+recall is 0
// (scikit-learn's zero_division=0).
type ClassScores struct {
	Precision, Recall, F1, Support float64
}

// PerClass returns the scores of every class.
func (c Confusion) PerClass() []ClassScores {
	out := make([]ClassScores, c.K)
	for i := range c.K {
		tp := c.M[i][i]
		p := zeroDiv(tp, c.Predicted(i))
		r := zeroDiv(tp, c.Support(i))
		out[i] = ClassScores{Precision: p, Recall: r, F1: zeroDiv(2*p*r, p+r), Support: c.Support(i)}
	}
	return out
}

func zeroDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Average says how per-class scores combine.
type Average string

// Averages of precision, recall and F1.
const (
	Macro    Average = "macro"    // unweighted mean over classes
	Micro    Average = "micro"    // from global TP, FP, FN counts
	Weighted Average = "weighted" // mean weighted by true support
	Binary   Average = "binary"   // the positive class only
)

// PRF returns precision, recall and F1 averaged as avg. For Binary, pos is the index of
// the positive class. Classes in the matrix are those seen in truth or predictions, so
// macro averages over the union, as scikit-learn does. NaN on no rows.
func (c Confusion) PRF(avg Average, pos int) (p, r, f float64) {
	total := c.Total()
	if total == 0 || c.K == 0 {
		return nan, nan, nan
	}
	per := c.PerClass()
	switch avg {
	case Binary:
		if pos < 0 || pos >= c.K {
			return nan, nan, nan
		}
		s := per[pos]
		return s.Precision, s.Recall, s.F1
	case Micro:
		// Single-label: every error is one FP and one FN, so all three equal accuracy.
		var tp float64
		for i := range c.K {
			tp += c.M[i][i]
		}
		p = tp / total
		return p, p, p
	case Weighted:
		for _, s := range per {
			p += s.Precision * s.Support
			r += s.Recall * s.Support
			f += s.F1 * s.Support
		}
		return p / total, r / total, f / total
	default:
		for _, s := range per {
			p += s.Precision
			r += s.Recall
			f += s.F1
		}
		k := float64(c.K)
		return p / k, r / k, f / k
	}
}

// ScoreOrder returns row indices sorted by score, highest first. ROC and PR curves sweep
// it; compute it once and reuse it across bootstrap resamples and segments. It is an
// LSD radix sort on the scores' bits (four 16-bit passes), which is several times
// faster than a comparison sort on a million rows; equal scores keep row order.
func ScoreOrder(score []float64) []int32 {
	n := len(score)
	keys := make([]uint64, n)
	idx := make([]int32, n)
	for i, s := range score {
		keys[i] = ^sortableBits(s) // descending
		idx[i] = int32(i)
	}
	if n < 256 {
		sort.Stable(byKey{keys, idx})
		return idx
	}
	keys2 := make([]uint64, n)
	idx2 := make([]int32, n)
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&0xffff]++
		}
		if count[(keys[0]>>shift)&0xffff] == n {
			continue // every key has the same digit here
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for i, k := range keys {
			d := (k >> shift) & 0xffff
			keys2[count[d]] = k
			idx2[count[d]] = idx[i]
			count[d]++
		}
		keys, keys2 = keys2, keys
		idx, idx2 = idx2, idx
	}
	return idx
}

// sortableBits maps a float to a uint64 with the same order (negative zero as zero).
func sortableBits(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

type byKey struct {
	k []uint64
	i []int32
}

func (b byKey) Len() int           { return len(b.k) }
func (b byKey) Less(x, y int) bool { return b.k[x] < b.k[y] }
func (b byKey) Swap(x, y int) {
	b.k[x], b.k[y] = b.k[y], b.k[x]
	b.i[x], b.i[y] = b.i[y], b.i[x]
}

// ROCAUC is the area under the ROC curve of a binary score (trapezoids, ties swept
// together). pos[i] tells whether row i is positive; order comes from ScoreOrder.
// NaN when the rows hold one class only.
func ROCAUC(score []float64, pos []bool, order []int32, w []float64) float64 {
	var tp, fp, area float64
	for i := 0; i < len(order); {
		s := score[order[i]]
		var dtp, dfp float64
		for ; i < len(order) && score[order[i]] == s; i++ {
			j := int(order[i])
			if pos[j] {
				dtp += weight(w, j)
			} else {
				dfp += weight(w, j)
			}
		}
		area += dfp * (tp + dtp/2)
		tp += dtp
		fp += dfp
	}
	if tp == 0 || fp == 0 {
		return nan
	}
	return area / (tp * fp)
}

// AveragePrecision is the area under the precision-recall curve as a step sum,
// Σ (R_n − R_{n−1}) P_n over distinct score thresholds (scikit-learn's
// average_precision_score, reported as PR AUC). NaN when no row is positive.
func AveragePrecision(score []float64, pos []bool, order []int32, w []float64) float64 {
	var totalPos float64
	for i := range pos {
		if pos[i] {
			totalPos += weight(w, i)
		}
	}
	if totalPos == 0 {
		return nan
	}
	var tp, fp, ap, prevR float64
	for i := 0; i < len(order); {
		s := score[order[i]]
		for ; i < len(order) && score[order[i]] == s; i++ {
			j := int(order[i])
			if pos[j] {
				tp += weight(w, j)
			} else {
				fp += weight(w, j)
			}
		}
		if tp+fp == 0 {
			continue
		}
		r := tp / totalPos
		ap += (r - prevR) * tp / (tp + fp)
		prevR = r
	}
	return ap
}

// LogLossEps clips probabilities away from 0 and 1 so log loss stays finite.
const LogLossEps = 1e-15

// LogLoss is the mean negative log-likelihood of the true class. probs holds k
// probabilities per row (row-major); each row is normalised to sum 1 first. NaN on no
// rows.
func LogLoss(truth []int32, probs []float64, k int, w []float64) float64 {
	return Mean(RowLogLoss(truth, probs, k), w)
}

// RowLogLoss is each row's −ln p(true class), normalised and clipped as in LogLoss.
// It does not depend on weights, so the bootstrap computes it once and takes weighted
// means of it.
func RowLogLoss(truth []int32, probs []float64, k int) []float64 {
	out := make([]float64, len(truth))
	for i := range truth {
		row := probs[i*k : (i+1)*k]
		var s float64
		for _, v := range row {
			s += v
		}
		p := row[truth[i]]
		if s > 0 {
			p /= s
		}
		out[i] = -math.Log(min(max(p, LogLossEps), 1-LogLossEps))
	}
	return out
}

// CalibrationBin is one bin of a reliability diagram.
type CalibrationBin struct {
	Lower      float64 `json:"lower"`      // bin edges
	Upper      float64 `json:"upper"`      //
	Count      float64 `json:"count"`      // rows in the bin
	Confidence float64 `json:"confidence"` // mean predicted probability
	Observed   float64 `json:"observed"`   // observed frequency (accuracy, or share of positives)
}

// Calibration bins confidence into `bins` equal-width bins over [0, 1] and compares the
// mean confidence with the observed rate of hit[i]. Used two ways: top-label (confidence =
// highest probability, hit = top class is right) for ECE, and positive-class (confidence
// = P(positive), hit = row is positive) for the reliability curve.
func Calibration(conf []float64, hit []bool, bins int, w []float64) []CalibrationBin {
	out := make([]CalibrationBin, bins)
	for b := range out {
		out[b].Lower = float64(b) / float64(bins)
		out[b].Upper = float64(b+1) / float64(bins)
	}
	for i, c := range conf {
		b := min(int(c*float64(bins)), bins-1)
		b = max(b, 0)
		wi := weight(w, i)
		out[b].Count += wi
		out[b].Confidence += wi * c
		if hit[i] {
			out[b].Observed += wi
		}
	}
	for b := range out {
		if out[b].Count > 0 {
			out[b].Confidence /= out[b].Count
			out[b].Observed /= out[b].Count
		}
	}
	return out
}

// ECE is the expected calibration error: Σ_b (n_b / n) |observed_b − confidence_b| over
// top-label calibration bins. NaN on no rows.
func ECE(bins []CalibrationBin) float64 {
	var n, e float64
	for _, b := range bins {
		n += b.Count
		e += b.Count * math.Abs(b.Observed-b.Confidence)
	}
	return ratio(e, n)
}

// OneVsRestAUC is the macro mean over classes of ROC AUC of each class's probability
// against the rest (scikit-learn's multi_class="ovr", average="macro"). Classes whose
// AUC is undefined (never or always true) are left out; NaN if none remain.
func OneVsRestAUC(truth []int32, probs []float64, k int, w []float64) float64 {
	var sum float64
	var n int
	score := make([]float64, len(truth))
	pos := make([]bool, len(truth))
	for c := range k {
		for i := range truth {
			score[i] = probs[i*k+c]
			pos[i] = int(truth[i]) == c
		}
		a := ROCAUC(score, pos, ScoreOrder(score), w)
		if !math.IsNaN(a) {
			sum += a
			n++
		}
	}
	return ratio(sum, float64(n))
}

// Brier is the mean squared difference between P(positive) and the outcome (1 for a
// positive row, 0 otherwise): scikit-learn's brier_score_loss. NaN without rows.
func Brier(pos []float64, isPos []bool, w []float64) float64 {
	var s, n float64
	for i, p := range pos {
		wi := weight(w, i)
		y := 0.0
		if isPos[i] {
			y = 1
		}
		s += wi * (p - y) * (p - y)
		n += wi
	}
	return ratio(s, n)
}

// MulticlassBrier is Brier's original score for k classes: the mean over rows of
// Σ_c (p_c − [c is the true class])², each row's probabilities normalised to sum 1. It
// runs from 0 to 2.
func MulticlassBrier(truth []int32, probs []float64, k int, w []float64) float64 {
	var s, n float64
	for i, t := range truth {
		row := probs[i*k : (i+1)*k]
		var sum float64
		for _, p := range row {
			sum += p
		}
		if sum <= 0 {
			continue
		}
		var e float64
		for c, p := range row {
			y := 0.0
			if c == int(t) {
				y = 1
			}
			e += (p/sum - y) * (p/sum - y)
		}
		wi := weight(w, i)
		s += wi * e
		n += wi
	}
	return ratio(s, n)
}

// BrierParts is Murphy's decomposition of the Brier score over forecast bins:
// score ≈ reliability − resolution + uncertainty (exact when the forecasts within a bin
// are equal). Reliability is the calibration error (lower is better), resolution how
// far the bins' outcome rates spread from the overall rate (higher is better), and
// uncertainty the base rate's own variance ō(1 − ō).
type BrierParts struct {
	Reliability, Resolution, Uncertainty float64
}

// BrierDecomposition computes the parts from positive-class calibration bins.
func BrierDecomposition(bins []CalibrationBin) BrierParts {
	var n, o float64
	for _, b := range bins {
		n += b.Count
		o += b.Count * b.Observed
	}
	if n == 0 {
		return BrierParts{nan, nan, nan}
	}
	o /= n
	var rel, res float64
	for _, b := range bins {
		rel += b.Count * (b.Confidence - b.Observed) * (b.Confidence - b.Observed)
		res += b.Count * (b.Observed - o) * (b.Observed - o)
	}
	return BrierParts{Reliability: rel / n, Resolution: res / n, Uncertainty: o * (1 - o)}
}
