package eval

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/awaf/awaf/internal/eval/metrics"
)

// classes maps class labels to indices; the baseline and the current run share one so
// that their confusion matrices line up.
type classes struct {
	names []string
	index map[string]int32
}

func (c *classes) id(name string) int32 {
	if i, ok := c.index[name]; ok {
		return i
	}
	return c.add(name)
}

// idBytes is id without allocating for a class already known.
func (c *classes) idBytes(name []byte) int32 {
	if i, ok := c.index[string(name)]; ok {
		return i
	}
	return c.add(string(name))
}

func (c *classes) add(name string) int32 {
	i := int32(len(c.names))
	c.index[name] = i
	c.names = append(c.names, name)
	return i
}

// scoreMode says where a classifier's probabilities come from.
type scoreMode int

const (
	noScores    scoreMode = iota
	binaryScore           // one score column: P(positive)
	probObject            // a {class: probability} object per row
	probPrefix            // CSV columns <prefix><class>
)

// segColumn is one segment column: the value index of each row.
type segColumn struct {
	name   string
	values []string
	index  map[string]int32
	rows   []int32
}

// missingSegment names the segment of rows that have no value in a segment column.
const missingSegment = "(missing)"

func (s *segColumn) add(v []byte) {
	if len(v) == 0 {
		v = []byte(missingSegment)
	}
	i, ok := s.index[string(v)]
	if !ok {
		i = int32(len(s.values))
		s.index[string(v)] = i
		s.values = append(s.values, string(v))
	}
	s.rows = append(grow(s.rows), i)
}

// featureColumn holds one drift feature. It stays numeric until a value is not a number,
// then becomes categorical.
type featureColumn struct {
	name    string
	nums    []float64
	cats    []string
	numeric bool
}

func (f *featureColumn) add(v string) {
	if f.numeric {
		x, err := strconv.ParseFloat(v, 64)
		if err == nil && x == x && x-x == 0 { // finite
			f.nums = append(grow(f.nums), x)
			return
		}
		f.numeric = false
		f.cats = make([]string, len(f.nums), len(f.nums)+1)
		for i, x := range f.nums {
			f.cats[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		f.nums = nil
	}
	f.cats = append(f.cats, v)
}

// dataset is everything read from one prediction file, column by column.
type dataset struct {
	task     Task
	n        int
	segments []*segColumn
	features []*featureColumn

	// Classification.
	cls       *classes
	truth     []int32
	pred      []int32
	mode      scoreMode
	score     []float64   // binaryScore
	sparse    []classProb // probObject/probPrefix: probabilities, flattened
	sparseEnd []int32     // end offset in sparse of each row
	probs     []float64   // dense n×k, built by finish

	// seen counts each class's labels and predictions, with their first lines.
	seen []classSeen

	// Regression.
	actual, predicted []float64

	// RAG.
	queries []metrics.Query
	rag     []ragRow
	judged  map[string][]float64 // judge scores per metric, per row (NaN: not scored)
	lexical map[string][]float64 // proxy scores per metric, per row
}

type classProb struct {
	class int32
	p     float64
}

type ragRow struct {
	Question, Answer, GroundTruth string
	Contexts                      []string
}

// ragContext is a retrieved context: a plain string, or an object with an id.
type ragContext struct {
	ID   string
	Text string
}

func (c *ragContext) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return jsonUnmarshal(b, &c.Text)
	}
	if len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		c.Text = string(b) // a numeric id
		return nil
	}
	var o struct {
		ID      any    `json:"id"`
		Text    string `json:"text"`
		Content string `json:"content"`
	}
	if err := jsonUnmarshal(b, &o); err != nil {
		return err
	}
	if o.ID != nil {
		c.ID = fmt.Sprint(o.ID)
	}
	c.Text = o.Text
	if c.Text == "" {
		c.Text = o.Content
	}
	return nil
}

// reader turns rows into a dataset for the configured task.
type reader struct {
	plan     ragPlan
	judging  bool
	cfg      *Config
	d        *dataset
	needProb bool
	first    bool
	// prefixed probability columns, found from the CSV header on the first row
	prefixCols []string

	// The row being parsed, committed only when every column is good.
	label, predicted []byte
	score            float64
	probKeys         []string
	probVals         []float64
	y, yhat          float64
	q                metrics.Query
	rr               ragRow
	segs             [][]byte
	feats            []string
}

func newReader(cfg *Config, cls *classes, needScores bool) *reader {
	d := &dataset{task: cfg.Task, cls: cls}
	for _, s := range cfg.Segments {
		d.segments = append(d.segments, &segColumn{name: s, index: map[string]int32{}})
	}
	if cfg.Drift != nil {
		for _, f := range cfg.Drift.columns() {
			d.features = append(d.features, &featureColumn{name: f, numeric: true})
		}
	}
	return &reader{cfg: cfg, d: d, needProb: needScores, first: true, plan: cfg.ragPlan(), judging: hasJudged(cfg)}
}

// add reads one row in two steps: parse every column the config asks for, and only
// when all of them are good, commit the row. A bad row leaves no trace, not even a
// class name that would otherwise count in macro averages.
func (r *reader) add(row *Row) error {
	var err error
	switch r.cfg.Task {
	case Classification:
		err = r.parseClass(row)
	case Regression:
		err = r.parseRegression(row)
	case RAG:
		err = r.parseRAG(row)
	}
	if err != nil {
		return err
	}
	r.feats = r.feats[:0]
	for len(r.segs) < len(r.d.segments) {
		r.segs = append(r.segs, nil)
	}
	for i, s := range r.d.segments {
		r.segs[i] = r.segs[i][:0]
		if row.Has(s.name) {
			if r.segs[i], err = row.AppendText(r.segs[i], s.name); err != nil {
				return err
			}
		}
	}
	for _, f := range r.d.features {
		if !row.Has(f.name) {
			return fmt.Errorf("drift feature %q is missing", f.name)
		}
		v, err := row.Text(f.name)
		if err != nil {
			return err
		}
		r.feats = append(r.feats, v)
	}
	switch r.cfg.Task {
	case Classification:
		r.commitClass(row.Line)
	case Regression:
		r.d.actual = append(grow(r.d.actual), r.y)
		r.d.predicted = append(grow(r.d.predicted), r.yhat)
	case RAG:
		r.d.queries = append(r.d.queries, r.q)
		r.d.rag = append(r.d.rag, r.rr)
	}
	for i, s := range r.d.segments {
		s.add(r.segs[i])
	}
	for i, f := range r.d.features {
		f.add(r.feats[i])
	}
	r.d.n++
	return nil
}

func (r *reader) parseClass(row *Row) error {
	col := r.cfg.Columns
	var err error
	if r.label, err = row.AppendText(r.label[:0], col.Label); err != nil {
		return err
	}
	if r.predicted, err = row.AppendText(r.predicted[:0], col.Prediction); err != nil {
		return err
	}
	if r.first {
		r.first = false
		if row.header != nil && col.ProbabilityPrefix != "" && r.prefixCols == nil {
			for h := range row.header {
				if strings.HasPrefix(h, col.ProbabilityPrefix) {
					r.prefixCols = append(r.prefixCols, h)
				}
			}
			slices.Sort(r.prefixCols)
		}
		switch {
		case row.Has(col.Probabilities):
			r.d.mode = probObject
		case len(r.prefixCols) > 0:
			r.d.mode = probPrefix
		case row.Has(col.Score):
			r.d.mode = binaryScore
		}
		if r.needProb && r.d.mode == noScores {
			r.first = true // decide again on the next row
			return fmt.Errorf("no %q or %q: the metrics asked for need scores", col.Score, col.Probabilities)
		}
	}
	r.probKeys, r.probVals = r.probKeys[:0], r.probVals[:0]
	switch r.d.mode {
	case binaryScore:
		s, err := row.Number(col.Score)
		if err != nil {
			return err
		}
		if s < 0 || s > 1 {
			return fmt.Errorf("%q: %g is not a probability in [0, 1]", col.Score, s)
		}
		r.score = s
	case probObject:
		var m map[string]float64
		if err := row.JSON(col.Probabilities, &m); err != nil {
			return err
		}
		if len(m) == 0 {
			return fmt.Errorf("%q is empty", col.Probabilities)
		}
		for k, p := range m {
			if !(p >= 0 && p <= 1) {
				return fmt.Errorf("%q: %s = %g is not a probability in [0, 1]", col.Probabilities, k, p)
			}
			r.probKeys = append(r.probKeys, k)
			r.probVals = append(r.probVals, p)
		}
	case probPrefix:
		for _, h := range r.prefixCols {
			p, err := row.Number(h)
			if err != nil {
				return err
			}
			if p < 0 || p > 1 {
				return fmt.Errorf("%q: %g is not a probability in [0, 1]", h, p)
			}
			r.probKeys = append(r.probKeys, strings.TrimPrefix(h, col.ProbabilityPrefix))
			r.probVals = append(r.probVals, p)
		}
	}
	return nil
}

func (r *reader) commitClass(line int) {
	d := r.d
	switch d.mode {
	case binaryScore:
		d.score = append(grow(d.score), r.score)
	case probObject, probPrefix:
		for i, k := range r.probKeys {
			d.sparse = append(d.sparse, classProb{d.cls.id(k), r.probVals[i]})
		}
		d.sparseEnd = append(d.sparseEnd, int32(len(d.sparse)))
	}
	t, p := d.cls.idBytes(r.label), d.cls.idBytes(r.predicted)
	d.truth = append(grow(d.truth), t)
	d.pred = append(grow(d.pred), p)
	d.see(t, line, true)
	d.see(p, line, false)
}

func (r *reader) parseRegression(row *Row) error {
	var err error
	if r.y, err = row.Number(r.cfg.Columns.Actual); err != nil {
		return err
	}
	r.yhat, err = row.Number(r.cfg.Columns.Predicted)
	return err
}

func (r *reader) parseRAG(row *Row) error {
	col := r.cfg.Columns
	plan := r.plan
	var rr ragRow
	var err error
	if plan.question || row.Has(col.Question) && r.judging {
		if rr.Question, err = row.Text(col.Question); err != nil {
			return err
		}
	}
	if plan.answer {
		if rr.Answer, err = row.Text(col.Answer); err != nil {
			return err
		}
	}
	if row.Has(col.GroundTruth) {
		if rr.GroundTruth, err = row.Text(col.GroundTruth); err != nil {
			return err
		}
	}
	var ctxs []ragContext
	switch {
	case row.Has(col.Retrieved):
		if err := row.JSON(col.Retrieved, &ctxs); err != nil {
			return err
		}
		for i := range ctxs {
			if ctxs[i].ID == "" {
				ctxs[i].ID = ctxs[i].Text // a plain id
			}
		}
	case row.Has(col.Contexts):
		if err := row.JSON(col.Contexts, &ctxs); err != nil {
			return err
		}
	}
	q := metrics.Query{Grades: make([]float64, len(ctxs))}
	switch {
	case row.Has(col.Relevant):
		grades, err := relevantGrades(row, col.Relevant)
		if err != nil {
			return err
		}
		if err := matchIDs(&q, ctxs, grades, col.Retrieved); err != nil {
			return err
		}
	case row.Has(col.Relevance):
		var grades []float64
		if err := row.JSON(col.Relevance, &grades); err != nil {
			return err
		}
		if len(grades) != len(ctxs) {
			return fmt.Errorf("%q has %d grades for %d contexts", col.Relevance, len(grades), len(ctxs))
		}
		for i, g := range grades {
			if g < 0 {
				return fmt.Errorf("%q: grade %g is negative", col.Relevance, g)
			}
			q.Grades[i] = g
			if g > 0 {
				q.TotalRelevant++
			}
		}
	case row.Has(col.RelevantIDs):
		grades, err := relevantGrades(row, col.RelevantIDs)
		if err != nil {
			return err
		}
		if err := matchIDs(&q, ctxs, grades, col.Contexts); err != nil {
			return err
		}
	case plan.retrieval:
		return fmt.Errorf("no %q, %q or %q: retrieval metrics need to know what is relevant", col.Relevant, col.Relevance, col.RelevantIDs)
	}
	rr.Contexts = make([]string, len(ctxs))
	for i, c := range ctxs {
		rr.Contexts[i] = c.Text
	}
	r.q, r.rr = q, rr
	return nil
}

// relevantGrades reads the relevant items of a row: a list of ids (grade 1 each) or an
// object mapping ids to grades (graded relevance, for nDCG with gains).
func relevantGrades(row *Row, key string) (map[string]float64, error) {
	var raw any
	if err := row.JSON(key, &raw); err != nil {
		return nil, err
	}
	out := map[string]float64{}
	switch v := raw.(type) {
	case []any:
		for _, id := range v {
			switch id.(type) {
			case string, float64:
				out[fmt.Sprint(id)] = 1
			default:
				return nil, fmt.Errorf("%q: want ids (text or numbers), got %s", key, jsonKind(id))
			}
		}
	case map[string]any:
		for id, g := range v {
			f, ok := g.(float64)
			if !ok || f < 0 {
				return nil, fmt.Errorf("%q: the grade of %q must be a number ≥ 0", key, id)
			}
			out[id] = f
		}
	default:
		return nil, fmt.Errorf("%q: want a list of ids or an object of id: grade, got %s", key, jsonKind(raw))
	}
	return out, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case float64:
		return "a number"
	case bool:
		return "true or false"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "null"
}

// sort puts the class names in order and returns each old index's new index.
func (c *classes) sort() []int32 {
	old := slices.Clone(c.names)
	slices.Sort(c.names)
	remap := make([]int32, len(old))
	for i, n := range c.names {
		c.index[n] = int32(i)
	}
	for i, n := range old {
		remap[i] = c.index[n]
	}
	return remap
}

// remap renumbers class indices after classes.sort.
func (d *dataset) remap(m []int32) {
	for i := range d.truth {
		d.truth[i] = m[d.truth[i]]
		d.pred[i] = m[d.pred[i]]
	}
	for i := range d.sparse {
		d.sparse[i].class = m[d.sparse[i].class]
	}
}

// grow doubles a full slice's capacity. append alone grows large slices by a quarter,
// which copies a million-row column several times over; doubling copies it at most
// once in total.
func grow[T any](s []T) []T {
	if len(s) == cap(s) {
		return slices.Grow(s, max(len(s), 1024))
	}
	return s
}

// finish builds the dense probability matrix once every class is known.
func (d *dataset) finish() {
	if d.task != Classification {
		return
	}
	k := len(d.cls.names)
	switch d.mode {
	case probObject, probPrefix:
		d.probs = make([]float64, d.n*k)
		var start int32
		for i, end := range d.sparseEnd {
			for _, cp := range d.sparse[start:end] {
				d.probs[i*k+int(cp.class)] = cp.p
			}
			start = end
		}
		d.sparse, d.sparseEnd = nil, nil
	}
}

// matchIDs grades the retrieved contexts of a query by the relevant ids. A context
// without an id is matched by its text, so plain-string rankings work. Every relevant
// id counts towards recall and the ideal ranking, retrieved or not; a context listed
// twice counts once.
func matchIDs(q *metrics.Query, ctxs []ragContext, grades map[string]float64, col string) error {
	q.TotalRelevant = 0
	q.Ideal = q.Ideal[:0]
	for _, g := range grades {
		if g > 0 {
			q.TotalRelevant++
			q.Ideal = append(q.Ideal, g)
		}
	}
	seen := map[string]bool{}
	for i, c := range ctxs {
		id := c.ID
		if id == "" {
			id = c.Text
		}
		if id == "" {
			return fmt.Errorf("%q: item %d has no id", col, i+1)
		}
		if !seen[id] {
			seen[id] = true
			q.Grades[i] = grades[id]
		}
	}
	return nil
}
