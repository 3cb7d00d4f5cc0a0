package eval

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/awaf/awaf/internal/eval/metrics"
)

// Num is a metric value; NaN means "no value" and is written as null in JSON.
type Num float64

// MarshalJSON writes NaN and infinities as null.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// Defined reports whether the value is a number.
func (n Num) Defined() bool { return !math.IsNaN(float64(n)) && !math.IsInf(float64(n), 0) }

// String formats the value with 4 decimals, or "n/a".
func (n Num) String() string {
	if !n.Defined() {
		return "n/a"
	}
	return strconv.FormatFloat(float64(n), 'f', 4, 64)
}

// Report is the result of one evaluation run.
type Report struct {
	Name   string    `json:"name,omitempty"`
	Task   Task      `json:"task"`
	Config string    `json:"config"`
	At     time.Time `json:"at"`
	// Source is set when the values were imported from another tool's results.
	Source   *ResultSource  `json:"source,omitempty"`
	Inputs   []InputStats   `json:"inputs"`
	Classes  []string       `json:"classes,omitempty"`
	Positive string         `json:"positive,omitempty"`
	Metrics  []MetricResult `json:"metrics"`
	// Segments has one entry per segment column.
	Segments []SegmentTable   `json:"segments,omitempty"`
	Fairness []FairnessResult `json:"fairness,omitempty"`
	Drift    []DriftResult    `json:"drift,omitempty"`
	// Confusion is the current run's matrix, Confusion[true][predicted], in Classes order.
	Confusion   [][]float64              `json:"confusion,omitempty"`
	Calibration []metrics.CalibrationBin `json:"calibration,omitempty"`
	// CalibrationOf says what the curve is drawn by: "positive class" (P(positive)
	// against the share of positives, as ece_positive) or "top label" (the highest
	// probability against accuracy, as ece).
	CalibrationOf string `json:"calibrationOf,omitempty"`
	// Scores compares the score distributions of the baseline and the current run.
	Scores    *Histogram     `json:"scores,omitempty"`
	Bootstrap *BootstrapSpec `json:"bootstrap,omitempty"`
	Judge     *JudgeSummary  `json:"judge,omitempty"`
	Checks    []Check        `json:"checks"`
	Notes     []string       `json:"notes,omitempty"`
	Passed    bool           `json:"passed"`
}

// MetricResult is one metric of the current run, with its interval, the baseline and
// the threshold check.
type MetricResult struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Title string `json:"title"`
	// Proxy marks a lexical stand-in for an LLM-judged metric.
	Proxy bool              `json:"proxy,omitempty"`
	Value Num               `json:"value"`
	CI    *metrics.Interval `json:"ci,omitempty"`
	// Baseline comparison: the baseline's value, current − baseline, the interval of
	// that difference, and whether 0 lies outside it.
	Baseline       *Num              `json:"baseline,omitempty"`
	Delta          *Num              `json:"delta,omitempty"`
	DeltaCI        *metrics.Interval `json:"deltaCi,omitempty"`
	Changed        *bool             `json:"changed,omitempty"`
	Min            *float64          `json:"min,omitempty"`
	Max            *float64          `json:"max,omitempty"`
	Passed         *bool             `json:"passed,omitempty"`
	HigherIsBetter bool              `json:"higherIsBetter"`
}

// SegmentTable holds the metrics of every value of one segment column.
type SegmentTable struct {
	Column string          `json:"column"`
	Rows   []SegmentResult `json:"rows"`
}

// SegmentResult is the metrics of one segment. Values line up with Report.Metrics for
// the renderers; the JSON report keys them by metric id (ByMetric).
type SegmentResult struct {
	Value    string         `json:"value"`
	Rows     int            `json:"rows"`
	Values   []Num          `json:"-"`
	ByMetric map[string]Num `json:"values,omitempty"`
	Skipped  bool           `json:"skipped,omitempty"` // fewer rows than fairness.minRows
}

// FairnessResult is the gaps between the segments of one column.
type FairnessResult struct {
	Column string `json:"column"`
	// Gaps is max − min over segments, per metric, lined up with Report.Metrics;
	// GapByMetric keys the same by metric id for the JSON report.
	Gaps        []Num          `json:"-"`
	GapByMetric map[string]Num `json:"gaps"`
	// Binary classification only.
	DemographicParity *Num         `json:"demographicParityDifference,omitempty"`
	EqualizedOdds     *Num         `json:"equalizedOddsDifference,omitempty"`
	Groups            []GroupRates `json:"groups,omitempty"`
}

// GroupRates are a segment's selection rate, TPR and FPR.
type GroupRates struct {
	Value         string `json:"value"`
	Rows          int    `json:"rows"`
	SelectionRate Num    `json:"selectionRate"`
	TPR           Num    `json:"tpr"`
	FPR           Num    `json:"fpr"`
}

// DriftResult compares one feature (or the scores) between baseline and current.
type DriftResult struct {
	Feature string `json:"feature"`
	Kind    string `json:"kind"` // numeric or categorical
	PSI     Num    `json:"psi"`
	KS      *Num   `json:"ks,omitempty"` // numeric only
	KSP     *Num   `json:"ksPValue,omitempty"`
	// Wasserstein is the earth mover's distance, in the column's units (numeric only).
	Wasserstein *Num `json:"wasserstein,omitempty"`
	// Chi-square test of homogeneity (categorical only).
	ChiSquare    *Num             `json:"chiSquare,omitempty"`
	ChiSquareP   *Num             `json:"chiSquarePValue,omitempty"`
	ChiSquareDOF int              `json:"chiSquareDof,omitempty"`
	Bins         []metrics.PSIBin `json:"bins,omitempty"`
}

// Histogram holds two distributions over the same bins.
type Histogram struct {
	Edges    []float64 `json:"edges"`
	Baseline []float64 `json:"baseline,omitempty"` // shares
	Current  []float64 `json:"current"`
}

// JudgeSummary records how the LLM judge ran.
type JudgeSummary struct {
	Model string `json:"model"`
	// Calls counts judgements sent (cache misses); Attempts the HTTP requests with
	// retries; Failed the judgements that got no score, the last with LastError.
	Calls        int     `json:"calls"`
	Attempts     int     `json:"attempts"`
	Retries      int     `json:"retries"`
	CacheHits    int     `json:"cacheHits"`
	Failed       int     `json:"failed"`
	LastError    string  `json:"lastError,omitempty"`
	InputTokens  int     `json:"inputTokens"`
	OutputTokens int     `json:"outputTokens"`
	Cost         float64 `json:"estimatedCost"`
}

// Check is one threshold test; the run passes when every check does.
type Check struct {
	Name   string `json:"name"`
	Group  string `json:"group"` // metrics, segments, fairness, drift
	Value  Num    `json:"value"`
	Bound  string `json:"bound"` // "≥ 0.8"
	Passed bool   `json:"passed"`
}

// Failed returns the checks that did not pass.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}
