package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Interval is a two-sided confidence interval.
type Interval struct {
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	Level float64 `json:"level"` // e.g. 0.95
}

// Contains reports whether x lies in the interval (inclusive).
func (iv Interval) Contains(x float64) bool { return x >= iv.Lower && x <= iv.Upper }

// Resampler draws bootstrap resamples as Poisson(1) weight vectors (the Poisson
// bootstrap: each row appears k times with probability e⁻¹/k!, which approximates
// drawing n rows with replacement without sorting or copying the data). The PCG seed
// makes every run with the same seed give the same intervals.
type Resampler struct {
	rng *rand.Rand
	cdf [16]uint64 // P(X ≤ k) scaled to 2⁶⁴, compared with raw random bits
}

// NewResampler returns the resampler of one bootstrap stream: resample number stream of
// a run seeded with seed. Both numbers go through a 64-bit mixer before they seed the
// generator, so nearby seeds (42 and 43) and nearby streams share no resamples; adding
// the stream to the seed, as awaf once did, made seed 43 repeat 199 of seed 42's 200.
func NewResampler(seed, stream uint64) *Resampler {
	r := &Resampler{rng: rand.New(rand.NewPCG(mix64(seed), mix64(stream^0x9e3779b97f4a7c15)))}
	p := math.Exp(-1)
	c := p
	for k := range r.cdf {
		r.cdf[k] = uint64(min(c, 1-0x1p-53) * 0x1p64)
		p /= float64(k + 1)
		c += p
	}
	return r
}

// Weights fills w with Poisson(1) counts (at most 15; P(X > 15) ≈ 1e−13).
func (r *Resampler) Weights(w []float64) {
	for i := range w {
		u := r.rng.Uint64()
		k := 0
		for k < len(r.cdf)-1 && u > r.cdf[k] {
			k++
		}
		w[i] = float64(k)
	}
}

// Percentile returns the interval between the (1−level)/2 and (1+level)/2 quantiles of
// the defined values in v (the percentile bootstrap). ok is false when fewer than two
// values are defined.
func Percentile(v []float64, level float64) (Interval, bool) {
	d := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) {
			d = append(d, x)
		}
	}
	if len(d) < 2 {
		return Interval{}, false
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		pos := p * float64(len(d)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(d)-1)
		return d[lo] + (pos-float64(lo))*(d[hi]-d[lo])
	}
	a := (1 - level) / 2
	return Interval{Lower: q(a), Upper: q(1 - a), Level: level}, true
}

// mix64 is the SplitMix64 finaliser: a bijection on 64 bits whose outputs for nearby
// inputs look unrelated.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
