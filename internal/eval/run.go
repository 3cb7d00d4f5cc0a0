package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/eval/judge"
	"github.com/awaf/awaf/internal/eval/metrics"
)

// Judge scores RAG rows for "groundedness" or "relevance" on a 1–5 scale;
// *judge.Client is the real one.
type Judge interface {
	Score(ctx context.Context, metric string, item judge.Item) (float64, error)
	Estimate(metrics []string, items []judge.Item) judge.Estimate
	Usage() judge.Usage
	Model() string
}

// Progress reports how far a stage has got; total is 0 when unknown.
type Progress interface {
	Update(stage string, done, total int64)
	Done()
}

// Options are the parts of a run that come from outside the config.
type Options struct {
	// Judge scores LLM-judged metrics; nil leaves them without a value.
	Judge Judge
	// ConfirmJudge sees the estimate before any judge call; an error stops the run.
	ConfirmJudge func(judge.Estimate) error
	// JudgeWorkers is the number of judge calls in flight (default 4).
	JudgeWorkers int
	Progress     Progress
	Now          func() time.Time
	// Workers bounds the goroutines used for the bootstrap; default GOMAXPROCS.
	Workers int
}

type noProgress struct{}

func (noProgress) Update(string, int64, int64) {}
func (noProgress) Done()                       {}

// Run evaluates the config's prediction files and checks every threshold.
func Run(ctx context.Context, cfg *Config, opt Options) (*Report, error) {
	if opt.Progress == nil {
		opt.Progress = noProgress{}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	defer opt.Progress.Done()
	rep := &Report{Name: cfg.Name, Task: cfg.Task, Config: cfg.file, At: opt.Now().UTC().Truncate(time.Second)}
	if cfg.Import != nil {
		if err := runImported(cfg, rep); err != nil {
			return nil, err
		}
		rep.Passed = true
		for _, c := range rep.Checks {
			rep.Passed = rep.Passed && c.Passed
		}
		return rep, nil
	}
	cls := &classes{index: map[string]int32{}}
	needScores := cfg.needScores()
	// Drift on scores does not demand them: without a score column it is skipped.
	if err := cfg.checkInputs(); err != nil {
		return nil, err
	}

	cur, st, err := readFile(ctx, cfg, cfg.Current, "current", cls, needScores, opt.Progress)
	if err != nil {
		return nil, err
	}
	rep.Inputs = append(rep.Inputs, st)
	var base *dataset
	if cfg.Baseline != nil {
		base, st, err = readFile(ctx, cfg, *cfg.Baseline, "baseline", cls, needScores, opt.Progress)
		if err != nil {
			return nil, err
		}
		rep.Inputs = append(rep.Inputs, st)
	}

	pos := -1
	if cfg.Task == Classification {
		srcs := []Source{cfg.Current, {}}
		if cfg.Baseline != nil {
			srcs[1] = *cfg.Baseline
		}
		if err := checkLabels(cfg, cls, rep, []*dataset{cur, base}, srcs); err != nil {
			return nil, err
		}
		m := cls.sort()
		cur.remap(m)
		if base != nil {
			base.remap(m)
		}
		var note string
		pos, note = positiveClass(cfg.Positive, cls)
		if note != "" {
			rep.Notes = append(rep.Notes, note)
		}
		rep.Classes = cls.names
		if pos >= 0 {
			rep.Positive = cls.names[pos]
		}
	}
	for _, d := range []*dataset{cur, base} {
		if d == nil {
			continue
		}
		d.finish()
		if cfg.Task == RAG {
			d.prepareLexical(cfg.Metrics)
		}
	}
	if cfg.Task == RAG && hasJudged(cfg) {
		js, err := runJudge(ctx, cfg, opt, cur, base)
		if err != nil {
			return nil, err
		}
		rep.Judge = js
		if js != nil && js.Failed > 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%d judge calls failed; those rows have no judge score and are left out of the means", js.Failed))
		}
		if opt.Judge == nil {
			rep.Notes = append(rep.Notes, "no LLM judge ran: groundedness and relevance have no value (use the _proxy metrics offline)")
		}
	}
	if cur.n == 0 {
		rep.Notes = append(rep.Notes, "the current run has no usable rows: every metric is n/a")
	}

	sc := newScorer(cfg.Metrics, cur, pos, cfg.Bins)
	vals := sc.compute(nil)
	var bsc *scorer
	var bvals []float64
	if base != nil {
		bsc = newScorer(cfg.Metrics, base, pos, cfg.Bins)
		bvals = bsc.compute(nil)
	}
	for i, m := range cfg.Metrics {
		info := metricCatalog[m.Name]
		mr := MetricResult{ID: m.ID(), Name: m.Name, Title: info.title, Proxy: info.proxy,
			Value: Num(vals[i]), Min: m.Min, Max: m.Max, HigherIsBetter: info.higherBetter}
		if info.needsK {
			mr.Title = strings.Replace(mr.Title, "k", fmt.Sprint(m.K), 1)
		}
		if info.averaged {
			mr.Title += " (" + string(m.Average) + ")"
		}
		if bvals != nil {
			b, dl := Num(bvals[i]), Num(vals[i]-bvals[i])
			mr.Baseline, mr.Delta = &b, &dl
		}
		rep.Metrics = append(rep.Metrics, mr)
	}
	if cfg.Bootstrap.N() > 1 && cur.n > 1 {
		bootstrapAll(ctx, cfg, opt, rep, sc, bsc)
		rep.Bootstrap = cfg.Bootstrap
		if err := ctx.Err(); err != nil {
			return nil, err // interrupted: half the resamples would give a false interval
		}
	}
	for i := range rep.Metrics {
		mr := &rep.Metrics[i]
		if ok, bound, set := within(float64(mr.Value), mr.Min, mr.Max); set {
			mr.Passed = &ok
			rep.Checks = append(rep.Checks, Check{Name: mr.ID, Group: "metrics", Value: mr.Value, Bound: bound, Passed: ok})
		}
	}
	if cfg.Task == Classification {
		rep.Confusion = metrics.NewConfusion(len(cls.names), cur.truth, cur.pred, nil).M
		rep.Calibration, rep.CalibrationOf = sc.reliability()
	}
	segmentsAndFairness(cfg, rep, sc)
	if base != nil && cfg.Drift != nil {
		drift(cfg, rep, sc, bsc)
	}
	rep.Scores = histogram(sc.driftScores(), bscScores(bsc), 20)

	rep.Passed = true
	for _, c := range rep.Checks {
		rep.Passed = rep.Passed && c.Passed
	}
	return rep, nil
}

func bscScores(s *scorer) []float64 {
	if s == nil {
		return nil
	}
	return s.driftScores()
}

func hasJudged(cfg *Config) bool {
	for _, m := range cfg.Metrics {
		if metricCatalog[m.Name].judge {
			return true
		}
	}
	return false
}

// within checks v against the bounds. NaN never passes: a gate that cannot be
// evaluated is not met.
func within(v float64, lo, hi *float64) (ok bool, bound string, set bool) {
	if lo == nil && hi == nil {
		return false, "", false
	}
	var parts []string
	ok = !math.IsNaN(v)
	if lo != nil {
		parts = append(parts, fmt.Sprintf("≥ %g", *lo))
		ok = ok && v >= *lo
	}
	if hi != nil {
		parts = append(parts, fmt.Sprintf("≤ %g", *hi))
		ok = ok && v <= *hi
	}
	return ok, strings.Join(parts, " and "), true
}

func readFile(ctx context.Context, cfg *Config, src Source, role string, cls *classes, needScores bool, p Progress) (*dataset, InputStats, error) {
	path := cfg.Path(src.Path)
	st := InputStats{File: src.Path, Role: role}
	f, err := os.Open(path)
	if err != nil {
		return nil, st, awaf.Errorf(awaf.ENOTFOUND, "%s prediction file: %v", role, err)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	rd := newReader(cfg, cls, needScores)
	cr := &countingReader{r: f, report: func(n int64) { p.Update("read "+src.Path, n, size) }}
	if err := Scan(ctx, cr, src.Format, &st, rd.add); err != nil {
		return nil, st, awaf.Errorf(awaf.EINVALID, "%s: %v", path, err)
	}
	return rd.d, st, nil
}

// countingReader reports bytes read, every 1 MiB, for the progress bar.
type countingReader struct {
	r      io.Reader
	n, at  int64
	report func(int64)
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if c.n-c.at >= 1<<20 || err != nil {
		c.at = c.n
		c.report(c.n)
	}
	return n, err
}

// knownPairs are label pairs whose positive class goes without saying.
var knownPairs = [][2]string{{"0", "1"}, {"false", "true"}, {"no", "yes"}, {"negative", "positive"}, {"-1", "1"}}

// positiveClass finds the positive class index, adding it to the classes if the labels
// are a known pair of which only the negative was seen (one class only).
func positiveClass(want string, cls *classes) (int, string) {
	if want != "" {
		if _, ok := cls.index[want]; !ok && len(cls.names) > 1 {
			return -1, fmt.Sprintf("positive class %q never appears; binary metrics are n/a", want)
		}
		return int(cls.id(want)), ""
	}
	for _, pair := range knownPairs {
		all := len(cls.names) > 0
		for _, n := range cls.names {
			if n != pair[0] && n != pair[1] {
				all = false
			}
		}
		if all {
			return int(cls.id(pair[1])), ""
		}
	}
	if len(cls.names) == 2 {
		return -1, fmt.Sprintf("two classes %q and %q but no positive class: set positive: to get binary metrics", cls.names[0], cls.names[1])
	}
	return -1, ""
}

// reliability is the calibration curve: by P(positive) for a binary model, else by
// top-label confidence.
func (s *scorer) reliability() ([]metrics.CalibrationBin, string) {
	if s.posScore != nil {
		return metrics.Calibration(s.posScore, s.isPos, s.bins, nil), CalibrationPositive
	}
	if s.conf != nil {
		return metrics.Calibration(s.conf, s.hit, s.bins, nil), CalibrationTopLabel
	}
	return nil, ""
}

// What a calibration curve is drawn by; ece_positive and ece measure the same two.
const (
	CalibrationPositive = "positive class"
	CalibrationTopLabel = "top label"
)

// bootstrapAll fills the interval of every metric and, with a baseline, the interval of
// the difference. Resample b of the current run is stream b of the seed, and of the
// baseline stream b+2³², so results do not depend on the number of workers.
func bootstrapAll(ctx context.Context, cfg *Config, opt Options, rep *Report, cur, base *scorer) {
	B := cfg.Bootstrap.N()
	curV := resample(ctx, cur.sorted(), B, cfg.Bootstrap.Seed, 0, opt, "bootstrap current")
	var baseV [][]float64
	if base != nil && base.d.n > 1 {
		baseV = resample(ctx, base.sorted(), B, cfg.Bootstrap.Seed, 1<<32, opt, "bootstrap baseline")
	}
	col := make([]float64, B)
	for i := range rep.Metrics {
		for b := range B {
			col[b] = curV[b][i]
		}
		if iv, ok := metrics.Percentile(col, cfg.Bootstrap.Level); ok {
			rep.Metrics[i].CI = &iv
		}
		if baseV == nil {
			continue
		}
		for b := range B {
			col[b] = curV[b][i] - baseV[b][i]
		}
		if iv, ok := metrics.Percentile(col, cfg.Bootstrap.Level); ok {
			rep.Metrics[i].DeltaCI = &iv
			changed := !iv.Contains(0)
			rep.Metrics[i].Changed = &changed
		}
	}
}

func resample(ctx context.Context, s *scorer, B int, seed, stream uint64, opt Options, stage string) [][]float64 {
	out := make([][]float64, B)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var mu sync.Mutex
	var done int64
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, B) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := make([]float64, s.d.n)
			for b := range next {
				metrics.NewResampler(seed, stream+uint64(b)).Weights(w)
				out[b] = s.compute(w)
				mu.Lock()
				done++
				opt.Progress.Update(stage, done, int64(B))
				mu.Unlock()
			}
		}()
	}
	for b := range B {
		if ctx.Err() != nil {
			// Cancelled: the remaining resamples stay NaN and drop out of the interval.
			nanRow := make([]float64, len(s.specs))
			for i := range nanRow {
				nanRow[i] = math.NaN()
			}
			for ; b < B; b++ {
				out[b] = nanRow
			}
			break
		}
		next <- b
	}
	close(next)
	wg.Wait()
	return out
}

func segmentsAndFairness(cfg *Config, rep *Report, sc *scorer) {
	d := sc.d
	minRows := 1
	if cfg.Fairness != nil {
		minRows = cfg.Fairness.MinRows
	}
	for _, seg := range d.segments {
		table := SegmentTable{Column: seg.name}
		var groups []metrics.GroupRates
		var groupRows []GroupRates
		members := make([][]int32, len(seg.values))
		for i, v := range seg.rows {
			members[v] = append(members[v], int32(i))
		}
		// Segments are listed in name order so reports are stable.
		order := make([]int32, len(seg.values))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int { return strings.Compare(seg.values[a], seg.values[b]) })
		for _, v := range order {
			rows := members[v]
			sr := SegmentResult{Value: seg.values[v], Rows: len(rows)}
			if len(rows) < minRows {
				sr.Skipped = true
				table.Rows = append(table.Rows, sr)
				continue
			}
			sub := sc.subset(rows)
			vals := sub.compute(nil)
			for i, x := range vals {
				sr.Values = append(sr.Values, Num(x))
				if sr.ByMetric == nil {
					sr.ByMetric = map[string]Num{}
				}
				sr.ByMetric[cfg.Metrics[i].ID()] = Num(x)
				m := cfg.Metrics[i]
				if m.Segments == nil {
					continue
				}
				if ok, bound, set := within(x, m.Segments.Min, m.Segments.Max); set {
					rep.Checks = append(rep.Checks, Check{
						Name: fmt.Sprintf("%s[%s=%s]", m.ID(), seg.name, seg.values[v]), Group: "segments",
						Value: Num(x), Bound: bound, Passed: ok})
				}
			}
			table.Rows = append(table.Rows, sr)
			if d.task == Classification && sc.pos >= 0 {
				truth := make([]bool, len(rows))
				pred := make([]bool, len(rows))
				for i := range rows {
					truth[i] = int(sub.d.truth[i]) == sc.pos
					pred[i] = int(sub.d.pred[i]) == sc.pos
				}
				g := metrics.NewGroupRates(truth, pred, nil)
				groups = append(groups, g)
				groupRows = append(groupRows, GroupRates{Value: seg.values[v], Rows: len(rows),
					SelectionRate: Num(g.SelectionRate), TPR: Num(g.TPR), FPR: Num(g.FPR)})
			}
		}
		rep.Segments = append(rep.Segments, table)
		if cfg.Fairness == nil {
			continue
		}
		fr := FairnessResult{Column: seg.name, Groups: groupRows}
		for i := range cfg.Metrics {
			var col []float64
			for _, sr := range table.Rows {
				if !sr.Skipped {
					col = append(col, float64(sr.Values[i]))
				}
			}
			gap := Num(metrics.Gap(col))
			fr.Gaps = append(fr.Gaps, gap)
			if fr.GapByMetric == nil {
				fr.GapByMetric = map[string]Num{}
			}
			fr.GapByMetric[cfg.Metrics[i].ID()] = gap
			if cfg.Fairness.MaxGap != nil {
				ok, bound, _ := within(float64(gap), nil, cfg.Fairness.MaxGap)
				rep.Checks = append(rep.Checks, Check{Name: fmt.Sprintf("%s gap across %s", cfg.Metrics[i].ID(), seg.name),
					Group: "fairness", Value: gap, Bound: bound, Passed: ok})
			}
		}
		if groups != nil {
			dpd := Num(metrics.DemographicParityDifference(groups))
			eod := Num(metrics.EqualizedOddsDifference(groups))
			fr.DemographicParity, fr.EqualizedOdds = &dpd, &eod
			if ok, bound, set := within(float64(dpd), nil, cfg.Fairness.DemographicParityMax); set {
				rep.Checks = append(rep.Checks, Check{Name: "demographic parity difference across " + seg.name,
					Group: "fairness", Value: dpd, Bound: bound, Passed: ok})
			}
			if ok, bound, set := within(float64(eod), nil, cfg.Fairness.EqualizedOddsMax); set {
				rep.Checks = append(rep.Checks, Check{Name: "equalized odds difference across " + seg.name,
					Group: "fairness", Value: eod, Bound: bound, Passed: ok})
			}
		} else if cfg.Fairness.DemographicParityMax != nil || cfg.Fairness.EqualizedOddsMax != nil {
			rep.Notes = append(rep.Notes, "demographic parity and equalized odds need a binary classifier with a positive class")
		}
		rep.Fairness = append(rep.Fairness, fr)
	}
}

func drift(cfg *Config, rep *Report, cur, base *scorer) {
	add := func(name string, b, c []float64, bc, cc []string) {
		dr := DriftResult{Feature: name}
		if bc == nil && cc == nil {
			dr.Kind = "numeric"
			psi, bins := metrics.NumericPSI(b, c, cfg.Drift.Bins, cfg.Drift.Quantiles)
			d, p := metrics.KS(b, c)
			dr.PSI, dr.Bins = Num(psi), bins
			ks, kp, w := Num(d), Num(p), Num(metrics.Wasserstein(b, c))
			dr.KS, dr.KSP, dr.Wasserstein = &ks, &kp, &w
		} else {
			dr.Kind = "categorical"
			if bc == nil {
				bc = formatAll(b)
			}
			if cc == nil {
				cc = formatAll(c)
			}
			psi, bins := metrics.CategoricalPSI(bc, cc)
			dr.PSI, dr.Bins = Num(psi), bins
			stat, p, dof := metrics.ChiSquare(bins, len(bc), len(cc))
			x, xp := Num(stat), Num(p)
			dr.ChiSquare, dr.ChiSquareP, dr.ChiSquareDOF = &x, &xp, dof
		}
		if ok, bound, set := within(float64(dr.PSI), nil, cfg.Drift.PSIMax); set {
			rep.Checks = append(rep.Checks, Check{Name: "PSI of " + name, Group: "drift", Value: dr.PSI, Bound: bound, Passed: ok})
		}
		if dr.KS != nil {
			if ok, bound, set := within(float64(*dr.KS), nil, cfg.Drift.KSMax); set {
				rep.Checks = append(rep.Checks, Check{Name: "KS statistic of " + name, Group: "drift", Value: *dr.KS, Bound: bound, Passed: ok})
			}
		}
		if dr.Wasserstein != nil {
			if ok, bound, set := within(float64(*dr.Wasserstein), nil, cfg.Drift.WassersteinMax); set {
				rep.Checks = append(rep.Checks, Check{Name: "Wasserstein distance of " + name, Group: "drift", Value: *dr.Wasserstein, Bound: bound, Passed: ok})
			}
		}
		if dr.ChiSquareP != nil {
			if ok, bound, set := within(float64(*dr.ChiSquareP), cfg.Drift.ChiSquarePMin, nil); set {
				rep.Checks = append(rep.Checks, Check{Name: "chi-square p-value of " + name, Group: "drift", Value: *dr.ChiSquareP, Bound: bound, Passed: ok})
			}
		}
		rep.Drift = append(rep.Drift, dr)
	}
	if *cfg.Drift.Scores {
		if b, c := base.driftScores(), cur.driftScores(); b != nil && c != nil {
			add("scores", b, c, nil, nil)
		}
	}
	for i, f := range cur.d.features {
		bf := base.d.features[i]
		if f.numeric && bf.numeric {
			add(f.name, bf.nums, f.nums, nil, nil)
		} else {
			add(f.name, bf.nums, f.nums, bf.cats, f.cats)
		}
	}
}

func formatAll(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// histogram bins both score samples over their common range.
func histogram(cur, base []float64, bins int) *Histogram {
	if len(cur) == 0 {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range [][]float64{cur, base} {
		for _, x := range v {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	h := &Histogram{}
	for i := range bins + 1 {
		h.Edges = append(h.Edges, lo+(hi-lo)*float64(i)/float64(bins))
	}
	share := func(v []float64) []float64 {
		if len(v) == 0 {
			return nil
		}
		out := make([]float64, bins)
		for _, x := range v {
			out[min(int((x-lo)/(hi-lo)*float64(bins)), bins-1)]++
		}
		for i := range out {
			out[i] /= float64(len(v))
		}
		return out
	}
	h.Current, h.Baseline = share(cur), share(base)
	return h
}
