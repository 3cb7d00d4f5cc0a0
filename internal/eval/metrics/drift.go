package metrics

import (
	"math"
	"slices"
	"sort"
)

// PSIFloor replaces an empty bin's share so that ln(c/b) stays finite.
const PSIFloor = 1e-4

// PSIBin is one bin of a population stability comparison.
type PSIBin struct {
	Label    string  `json:"label"`
	Baseline float64 `json:"baseline"` // share of the baseline
	Current  float64 `json:"current"`  // share of the current run
}

// PSI is the population stability index of two shares: Σ (c − b) · ln(c / b), with
// empty shares raised to PSIFloor. Common reading: < 0.1 stable, 0.1–0.25 moderate
// shift, > 0.25 large shift.
func PSI(bins []PSIBin) float64 {
	if len(bins) == 0 {
		return nan
	}
	var s float64
	for _, b := range bins {
		c, p := max(b.Current, PSIFloor), max(b.Baseline, PSIFloor)
		s += (c - p) * math.Log(c/p)
	}
	return s
}

// Quantile methods for the baseline's bin edges, named as numpy names them.
const (
	QuantileLinear = "linear" // numpy's default: interpolate between the two nearest values
	QuantileHigher = "higher" // the upper of the two nearest values
)

// quantile returns the q-quantile of sorted values by method, as numpy.quantile does:
// the position is q·(n−1).
func quantile(sorted []float64, q float64, method string) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(int(math.Ceil(pos)), len(sorted)-1)
	if method == QuantileHigher {
		return sorted[hi]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// QuantileEdges returns up to n−1 distinct inner bin edges at the baseline's i/n
// quantiles (by method), so that each bin holds about the same share of the baseline.
// sorted must be sorted.
func QuantileEdges(sorted []float64, n int, method string) []float64 {
	if len(sorted) == 0 || n < 2 {
		return nil
	}
	var edges []float64
	for i := 1; i < n; i++ {
		e := quantile(sorted, float64(i)/float64(n), method)
		if len(edges) == 0 || e > edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	// An edge at the minimum would leave the first bin empty by construction.
	if len(edges) > 0 && edges[0] == sorted[0] {
		edges = edges[1:]
	}
	return edges
}

// NumericPSI bins both samples by the baseline's quantile edges (a value equal to an
// edge falls in the upper bin) and compares the shares. NaN when either sample is empty.
func NumericPSI(baseline, current []float64, bins int, method string) (float64, []PSIBin) {
	if len(baseline) == 0 || len(current) == 0 {
		return nan, nil
	}
	sb := slices.Clone(baseline)
	slices.Sort(sb)
	edges := QuantileEdges(sb, bins, method)
	count := func(v []float64) []float64 {
		c := make([]float64, len(edges)+1)
		for _, x := range v {
			c[sort.SearchFloat64s(edges, math.Nextafter(x, math.Inf(1)))]++
		}
		for i := range c {
			c[i] /= float64(len(v))
		}
		return c
	}
	b, c := count(baseline), count(current)
	out := make([]PSIBin, len(b))
	for i := range out {
		out[i] = PSIBin{Label: binLabel(edges, i), Baseline: b[i], Current: c[i]}
	}
	return PSI(out), out
}

// Wasserstein is the first Wasserstein (earth mover's) distance between two samples:
// the area between their empirical CDFs, ∫ |F_b(x) − F_c(x)| dx, in the units of the
// values (scipy.stats.wasserstein_distance). NaN when either sample is empty.
func Wasserstein(baseline, current []float64) float64 {
	if len(baseline) == 0 || len(current) == 0 {
		return nan
	}
	a, b := slices.Clone(baseline), slices.Clone(current)
	slices.Sort(a)
	slices.Sort(b)
	n, m := float64(len(a)), float64(len(b))
	var i, j int
	var area, prev float64
	first := true
	for i < len(a) || j < len(b) {
		var x float64
		switch {
		case j >= len(b) || i < len(a) && a[i] <= b[j]:
			x = a[i]
		default:
			x = b[j]
		}
		if !first {
			area += math.Abs(float64(i)/n-float64(j)/m) * (x - prev)
		}
		first = false
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		prev = x
	}
	return area
}

// ChiSquare tests whether two samples of categories come from one distribution: the
// Pearson statistic of their 2×k table of counts, Σ (O − E)² / E, with k − 1 degrees of
// freedom over the categories seen, and its p-value. No continuity correction is
// applied (scipy's chi2_contingency with correction=False). NaN when either sample is
// empty or only one category was seen.
func ChiSquare(bins []PSIBin, nb, nc int) (stat, p float64, dof int) {
	if nb == 0 || nc == 0 || len(bins) < 2 {
		return nan, nan, 0
	}
	total := float64(nb + nc)
	for _, bin := range bins {
		ob, oc := bin.Baseline*float64(nb), bin.Current*float64(nc)
		col := ob + oc
		if col == 0 {
			continue
		}
		eb, ec := col*float64(nb)/total, col*float64(nc)/total
		stat += (ob-eb)*(ob-eb)/eb + (oc-ec)*(oc-ec)/ec
		dof++
	}
	dof--
	if dof < 1 {
		return nan, nan, 0
	}
	return stat, ChiSquareSurvival(stat, float64(dof)), dof
}

// ChiSquareSurvival is P(X ≥ x) for a chi-square variable with k degrees of freedom:
// the regularised upper incomplete gamma function Q(k/2, x/2).
func ChiSquareSurvival(x, k float64) float64 {
	if x <= 0 {
		return 1
	}
	return gammaQ(k/2, x/2)
}

// gammaQ is the regularised upper incomplete gamma function Q(a, x), from its power
// series when x < a + 1 and its continued fraction (modified Lentz) otherwise.
func gammaQ(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 1000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-16 {
				break
			}
		}
		return max(0, 1-front*sum)
	}
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		delta := d * c
		h *= delta
		if math.Abs(delta-1) < 1e-16 {
			break
		}
	}
	return min(1, front*h)
}

func binLabel(edges []float64, i int) string {
	lo, hi := "−∞", "+∞"
	if i > 0 {
		lo = fmtFloat(edges[i-1])
	}
	if i < len(edges) {
		hi = fmtFloat(edges[i])
	}
	return "[" + lo + ", " + hi + ")"
}

// CategoricalPSI compares the shares of each category. NaN when either sample is empty.
func CategoricalPSI(baseline, current []string) (float64, []PSIBin) {
	if len(baseline) == 0 || len(current) == 0 {
		return nan, nil
	}
	idx := map[string]int{}
	var out []PSIBin
	add := func(v []string, cur bool) {
		for _, x := range v {
			i, ok := idx[x]
			if !ok {
				i = len(out)
				idx[x] = i
				out = append(out, PSIBin{Label: x})
			}
			if cur {
				out[i].Current++
			} else {
				out[i].Baseline++
			}
		}
	}
	add(baseline, false)
	add(current, true)
	for i := range out {
		out[i].Baseline /= float64(len(baseline))
		out[i].Current /= float64(len(current))
	}
	slices.SortFunc(out, func(a, b PSIBin) int {
		switch {
		case a.Label < b.Label:
			return -1
		case a.Label > b.Label:
			return 1
		}
		return 0
	})
	return PSI(out), out
}

// KS is the two-sample Kolmogorov–Smirnov statistic D = sup |F_b(x) − F_c(x)| and its
// asymptotic p-value Q_KS(λ), λ = (√nₑ + 0.12 + 0.11/√nₑ)·D, nₑ = n·m/(n+m),
// Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}. NaN when either sample is empty.
func KS(baseline, current []float64) (d, p float64) {
	if len(baseline) == 0 || len(current) == 0 {
		return nan, nan
	}
	a, b := slices.Clone(baseline), slices.Clone(current)
	slices.Sort(a)
	slices.Sort(b)
	n, m := float64(len(a)), float64(len(b))
	var i, j int
	for i < len(a) && j < len(b) {
		x := min(a[i], b[j])
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		d = max(d, math.Abs(float64(i)/n-float64(j)/m))
	}
	en := math.Sqrt(n * m / (n + m))
	return d, ksProb((en + 0.12 + 0.11/en) * d)
}

// ksProb is the Kolmogorov distribution's survival function Q_KS(λ).
func ksProb(lambda float64) float64 {
	if lambda < 1e-3 {
		return 1
	}
	var sum, sign float64 = 0, 1
	for j := 1; j <= 100; j++ {
		term := sign * 2 * math.Exp(-2*float64(j*j)*lambda*lambda)
		sum += term
		if math.Abs(term) < 1e-12*math.Abs(sum) || math.Abs(term) < 1e-300 {
			return min(max(sum, 0), 1)
		}
		sign = -sign
	}
	return 1 // the series did not converge: λ is tiny, the samples agree
}
