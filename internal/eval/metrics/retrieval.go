package metrics

import (
	"math"
	"slices"
)

// Query is one retrieval result: the relevance grade of each retrieved context in rank
// order (0 = not relevant), and how many relevant contexts exist in all (which may be
// more than were retrieved).
type Query struct {
	Grades        []float64
	TotalRelevant int
	// Ideal holds the grades of every relevant context, when known, for the ideal DCG;
	// when nil the retrieved grades are used.
	Ideal []float64
}

// RecallAt is the share of relevant contexts found in the top k: |relevant ∩ top k| /
// |relevant|. NaN when the query has no relevant context, so such queries drop out of
// the mean.
func RecallAt(q Query, k int) float64 {
	if q.TotalRelevant == 0 {
		return nan
	}
	var hits int
	for i, g := range q.Grades {
		if i >= k {
			break
		}
		if g > 0 {
			hits++
		}
	}
	return float64(hits) / float64(q.TotalRelevant)
}

// ReciprocalRank is 1/rank of the first relevant context, 0 when none was retrieved,
// NaN when the query has no relevant context.
func ReciprocalRank(q Query) float64 {
	if q.TotalRelevant == 0 {
		return nan
	}
	for i, g := range q.Grades {
		if g > 0 {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// NDCGAt is DCG@k / IDCG@k with linear gain, DCG@k = Σ_{i≤k} grade_i / log2(i+1)
// (scikit-learn's ndcg_score). NaN when the ideal DCG is 0 (nothing relevant).
func NDCGAt(q Query, k int) float64 {
	dcg := dcgAt(q.Grades, k)
	ideal := q.Ideal
	if ideal == nil {
		ideal = q.Grades
	}
	ideal = slices.Clone(ideal)
	slices.SortFunc(ideal, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	idcg := dcgAt(ideal, k)
	if idcg == 0 {
		return nan
	}
	return dcg / idcg
}

func dcgAt(g []float64, k int) float64 {
	var s float64
	for i, v := range g {
		if i >= k {
			break
		}
		s += v / math.Log2(float64(i+2))
	}
	return s
}

// Mean is the weighted mean of the defined (non-NaN) values; NaN if there are none.
func Mean(v []float64, w []float64) float64 {
	var s, tw float64
	for i, x := range v {
		if math.IsNaN(x) {
			continue
		}
		wi := weight(w, i)
		s += wi * x
		tw += wi
	}
	return ratio(s, tw)
}
