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

// QuantileEdges returns up to n−1 distinct inner bin edges at the baseline's quantiles,
// so that each bin holds about the same share of the baseline. sorted must be sorted.
func QuantileEdges(sorted []float64, n int) []float64 {
	if len(sorted) == 0 || n < 2 {
		return nil
	}
	var edges []float64
	for i := 1; i < n; i++ {
		e := sorted[min(len(sorted)-1, i*len(sorted)/n)]
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
func NumericPSI(baseline, current []float64, bins int) (float64, []PSIBin) {
	if len(baseline) == 0 || len(current) == 0 {
		return nan, nil
	}
	sb := slices.Clone(baseline)
	slices.Sort(sb)
	edges := QuantileEdges(sb, bins)
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
