package eval

import (
	"math"

	"github.com/awaf/awaf/internal/eval/metrics"
)

// scorer computes the configured metrics of one dataset for any weight vector: the full
// data (nil), a bootstrap resample (Poisson weights) or a segment (a 0/1 mask). Work that
// does not depend on the weights, like sorting by score, is done once in newScorer.
type scorer struct {
	specs []MetricSpec
	d     *dataset
	k     int
	pos   int // positive class index, -1 when not binary
	bins  int // calibration bins
	// binary views
	posScore []float64
	isPos    []bool
	order    []int32
	// top-label calibration inputs
	conf []float64
	hit  []bool
	// probs is the n×k probability matrix for log loss, built on first use
	probs []float64
	// rowLoss is each row's log loss, which weights do not change
	rowLoss []float64
}

func newScorer(specs []MetricSpec, d *dataset, positive, bins int) *scorer {
	s := &scorer{specs: specs, d: d, pos: positive, bins: bins}
	if d.task != Classification {
		return s
	}
	s.k = len(d.cls.names)
	n := d.n
	if s.pos >= 0 && d.mode != noScores {
		s.posScore = make([]float64, n)
		s.isPos = make([]bool, n)
		for i := range n {
			s.isPos[i] = int(d.truth[i]) == s.pos
			if d.mode == binaryScore {
				s.posScore[i] = d.score[i]
			} else {
				s.posScore[i] = d.probs[i*s.k+s.pos]
			}
		}
		s.order = metrics.ScoreOrder(s.posScore)
	}
	for _, m := range specs {
		if m.Name == "log_loss" && (d.mode == probObject || d.mode == probPrefix || (d.mode == binaryScore && s.pos >= 0)) {
			// built here, before resamples share the scorer across goroutines
			s.rowLoss = metrics.RowLogLoss(d.truth, s.probMatrix(), s.k)
		}
	}
	// A binary score without a known positive class says nothing about which class it
	// favours, so there is no top label to calibrate.
	if d.mode != noScores && (d.mode != binaryScore || s.pos >= 0) {
		s.conf = make([]float64, n)
		s.hit = make([]bool, n)
		for i := range n {
			s.conf[i], s.hit[i] = s.topLabel(i)
		}
	}
	return s
}

// topLabel returns the highest probability of row i and whether its class is the true
// one. With a binary score, P(positive) ≥ 0.5 predicts the positive class.
func (s *scorer) topLabel(i int) (float64, bool) {
	d := s.d
	if d.mode == binaryScore {
		p := d.score[i]
		if p >= 0.5 {
			return p, int(d.truth[i]) == s.pos
		}
		return 1 - p, int(d.truth[i]) != s.pos
	}
	row := d.probs[i*s.k : (i+1)*s.k]
	var sum float64
	best := 0
	for c, p := range row {
		sum += p
		if p > row[best] {
			best = c
		}
	}
	conf := row[best]
	if sum > 0 {
		conf /= sum
	}
	return conf, int(d.truth[i]) == best
}

// probMatrix returns n×k probabilities; a binary score becomes (1−s, s).
func (s *scorer) probMatrix() []float64 {
	if s.d.mode != binaryScore {
		return s.d.probs
	}
	if s.probs != nil {
		return s.probs
	}
	p := make([]float64, s.d.n*s.k)
	for i, x := range s.d.score {
		for c := range s.k {
			if c == s.pos {
				p[i*s.k+c] = x
			} else {
				p[i*s.k+c] = (1 - x) / float64(s.k-1)
			}
		}
	}
	s.probs = p
	return p
}

// subset returns a scorer over the given rows only, in O(n): the parent's score order
// is filtered rather than sorted again. Segments use it, so that every segment costs its
// own rows and not the whole file.
func (s *scorer) subset(rows []int32) *scorer {
	d := s.d
	sd := &dataset{task: d.task, n: len(rows), cls: d.cls, mode: d.mode}
	sub := &scorer{specs: s.specs, d: sd, k: s.k, pos: s.pos, bins: s.bins}
	switch d.task {
	case Classification:
		sd.truth, sd.pred = gather(d.truth, rows), gather(d.pred, rows)
		if d.score != nil {
			sd.score = gather(d.score, rows)
		}
		if d.probs != nil {
			sd.probs = make([]float64, 0, len(rows)*s.k)
			for _, r := range rows {
				sd.probs = append(sd.probs, d.probs[int(r)*s.k:int(r+1)*s.k]...)
			}
		}
		if s.posScore != nil {
			sub.posScore, sub.isPos = gather(s.posScore, rows), gather(s.isPos, rows)
			at := make([]int32, d.n)
			for i := range at {
				at[i] = -1
			}
			for i, r := range rows {
				at[r] = int32(i)
			}
			sub.order = make([]int32, 0, len(rows))
			for _, r := range s.order {
				if at[r] >= 0 {
					sub.order = append(sub.order, at[r])
				}
			}
		}
		if s.conf != nil {
			sub.conf, sub.hit = gather(s.conf, rows), gather(s.hit, rows)
		}
		if s.rowLoss != nil {
			sub.rowLoss = gather(s.rowLoss, rows)
		}
	case Regression:
		sd.actual, sd.predicted = gather(d.actual, rows), gather(d.predicted, rows)
	case RAG:
		sd.queries, sd.rag = gather(d.queries, rows), gather(d.rag, rows)
		sd.lexical, sd.judged = map[string][]float64{}, map[string][]float64{}
		for k, v := range d.lexical {
			sd.lexical[k] = gather(v, rows)
		}
		for k, v := range d.judged {
			sd.judged[k] = gather(v, rows)
		}
	}
	return sub
}

// sorted returns the scorer with its rows in score order, so that the ROC and PR sweeps
// of every bootstrap resample read memory in sequence instead of jumping around it.
// Resamples weight rows independently, so the order of rows does not change results.
func (s *scorer) sorted() *scorer {
	if s.order == nil {
		return s
	}
	sub := s.subset(s.order)
	return sub
}

func gather[T any](v []T, rows []int32) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = v[r]
	}
	return out
}

// compute returns one value per spec (NaN where undefined).
func (s *scorer) compute(w []float64) []float64 {
	out := make([]float64, len(s.specs))
	d := s.d
	switch d.task {
	case Classification:
		cm := metrics.NewConfusion(s.k, d.truth, d.pred, w)
		for i, m := range s.specs {
			switch m.Name {
			case "accuracy":
				out[i] = cm.Accuracy()
			case "precision", "recall", "f1":
				if m.Average == metrics.Binary && s.pos < 0 {
					out[i] = math.NaN()
					continue
				}
				p, r, f := cm.PRF(m.Average, s.pos)
				out[i] = map[string]float64{"precision": p, "recall": r, "f1": f}[m.Name]
			case "roc_auc":
				switch {
				case d.mode == noScores:
					out[i] = math.NaN()
				case s.order != nil && s.k == 2:
					out[i] = metrics.ROCAUC(s.posScore, s.isPos, s.order, w)
				case d.mode == binaryScore:
					out[i] = math.NaN()
				default:
					out[i] = metrics.OneVsRestAUC(d.truth, d.probs, s.k, w)
				}
			case "pr_auc":
				if s.order == nil || s.k != 2 {
					out[i] = math.NaN()
					continue
				}
				out[i] = metrics.AveragePrecision(s.posScore, s.isPos, s.order, w)
			case "log_loss":
				if d.mode == noScores || (d.mode == binaryScore && s.pos < 0) {
					out[i] = math.NaN()
					continue
				}
				if s.rowLoss == nil {
					s.rowLoss = metrics.RowLogLoss(d.truth, s.probMatrix(), s.k)
				}
				out[i] = metrics.Mean(s.rowLoss, w)
			case "ece":
				if s.conf == nil {
					out[i] = math.NaN()
					continue
				}
				out[i] = metrics.ECE(metrics.Calibration(s.conf, s.hit, s.bins, w))
			case "ece_positive":
				if s.posScore == nil {
					out[i] = math.NaN()
					continue
				}
				out[i] = metrics.ECE(metrics.Calibration(s.posScore, s.isPos, s.bins, w))
			case "brier":
				switch {
				case s.posScore != nil && s.k == 2:
					out[i] = metrics.Brier(s.posScore, s.isPos, w)
				case d.probs != nil:
					out[i] = metrics.MulticlassBrier(d.truth, d.probs, s.k, w)
				default:
					out[i] = math.NaN()
				}
			case "brier_reliability", "brier_resolution", "brier_uncertainty":
				if s.posScore == nil {
					out[i] = math.NaN()
					continue
				}
				p := metrics.BrierDecomposition(metrics.Calibration(s.posScore, s.isPos, s.bins, w))
				out[i] = map[string]float64{"brier_reliability": p.Reliability, "brier_resolution": p.Resolution, "brier_uncertainty": p.Uncertainty}[m.Name]
			}
		}
	case Regression:
		r := metrics.NewRegression(d.actual, d.predicted, w)
		for i, m := range s.specs {
			out[i] = map[string]float64{"mae": r.MAE, "rmse": r.RMSE, "mape": r.MAPE, "r2": r.R2}[m.Name]
		}
	case RAG:
		for i, m := range s.specs {
			out[i] = s.ragMetric(m, w)
		}
	}
	return out
}

func (s *scorer) ragMetric(m MetricSpec, w []float64) float64 {
	d := s.d
	var v []float64
	switch m.Name {
	case "recall_at_k", "mrr", "ndcg_at_k":
		v = make([]float64, len(d.queries))
		for i, q := range d.queries {
			if w != nil && w[i] == 0 {
				continue
			}
			switch m.Name {
			case "recall_at_k":
				v[i] = metrics.RecallAt(q, m.K)
			case "mrr":
				v[i] = metrics.ReciprocalRank(q)
			default:
				v[i] = metrics.NDCGAt(q, m.K)
			}
		}
	case "groundedness", "relevance":
		v = d.judged[m.Name]
	default:
		v = d.lexical[m.Name]
	}
	if v == nil {
		return math.NaN()
	}
	return metrics.Mean(v, w)
}

// prepareLexical computes the proxy scores once per row.
func (d *dataset) prepareLexical(specs []MetricSpec) {
	d.lexical = map[string][]float64{}
	for _, m := range specs {
		var f func(r ragRow) float64
		switch m.Name {
		case "groundedness_proxy":
			f = func(r ragRow) float64 { return metrics.GroundednessProxy(r.Answer, r.Contexts) }
		case "relevance_proxy":
			f = func(r ragRow) float64 { return metrics.RelevanceProxy(r.Question, r.Answer) }
		case "answer_f1":
			f = func(r ragRow) float64 {
				if r.GroundTruth == "" {
					return math.NaN()
				}
				return metrics.TokenF1(r.Answer, r.GroundTruth)
			}
		default:
			continue
		}
		v := make([]float64, len(d.rag))
		for i, r := range d.rag {
			v[i] = f(r)
		}
		d.lexical[m.Name] = v
	}
}

// driftScores returns the values whose distribution drift compares: the positive-class
// score, else the top probability, else the regression prediction.
func (s *scorer) driftScores() []float64 {
	switch {
	case s.posScore != nil:
		return s.posScore
	case s.conf != nil:
		return s.conf
	case s.d.task == Regression:
		return s.d.predicted
	}
	return nil
}
