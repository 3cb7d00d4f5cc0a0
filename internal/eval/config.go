package eval

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/eval/metrics"
	"go.yaml.in/yaml/v3"
)

// Task is the kind of model being evaluated.
type Task string

// Tasks.
const (
	Classification Task = "classification"
	Regression     Task = "regression"
	RAG            Task = "rag"
	// Drift compares feature columns of two files and needs no labels or predictions.
	DriftOnly Task = "drift"
)

// Config is an awaf-eval.yaml file.
type Config struct {
	Version int    `yaml:"version"`
	Name    string `yaml:"name"`
	Task    Task   `yaml:"task"`
	// Current is the run being evaluated; Baseline the run it is compared with.
	Current  Source  `yaml:"current"`
	Baseline *Source `yaml:"baseline"`
	Columns  Columns `yaml:"columns"`
	// Positive names the positive class of a binary classifier (default "1" or "true"
	// when the labels are 0/1 or false/true).
	Positive string `yaml:"positive"`
	// Classes declares the class set of a classifier. A label or prediction outside it
	// is an error, or is dropped and counted when UnknownLabels is "drop".
	Classes       []string `yaml:"classes"`
	UnknownLabels string   `yaml:"unknownLabels"` // "error" (default) or "drop"
	// Segments are columns whose values split the rows into groups for per-segment
	// metrics and fairness.
	Segments  []string       `yaml:"segments"`
	Metrics   []MetricSpec   `yaml:"metrics"`
	Fairness  *FairnessSpec  `yaml:"fairness"`
	Drift     *DriftSpec     `yaml:"drift"`
	Bootstrap *BootstrapSpec `yaml:"bootstrap"`
	Judge     *JudgeSpec     `yaml:"judge"`
	Bins      int            `yaml:"calibrationBins"`
	// Import reads the metrics of another tool's result file instead of computing them
	// from predictions; the thresholds in Metrics apply to them.
	Import   *ImportSpec    `yaml:"import"`
	dir      string         // the config's directory: paths are relative to it
	file     string         // the config's path, for messages
	lines    map[string]int // where each key is, by dotted path ("columns.label", "segments.1")
	problems awaf.Problems  // collected while decoding
}

// Source is a prediction file.
type Source struct {
	Path   string `yaml:"path"`
	Format Format `yaml:"format"`
	Line   int    `yaml:"-"`
}

// UnmarshalYAML accepts a bare path as well as {path, format}.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	s.Line = n.Line
	if n.Kind == yaml.ScalarNode {
		s.Path = n.Value
		return nil
	}
	type plain Source
	p := (*plain)(s)
	if err := n.Decode(p); err != nil {
		return err
	}
	s.Line = n.Line
	return nil
}

// Columns names the columns (CSV) or keys (JSONL) to read. Empty names take defaults.
type Columns struct {
	// Classification.
	Label      string `yaml:"label"`      // default "label"
	Prediction string `yaml:"prediction"` // default "prediction"
	Score      string `yaml:"score"`      // P(positive class) for binary; default "score"
	// Probabilities is a JSON object {class: probability} per row (default
	// "probabilities"); in CSV, ProbabilityPrefix+class columns may be used instead.
	Probabilities     string `yaml:"probabilities"`
	ProbabilityPrefix string `yaml:"probabilityPrefix"`
	// Regression.
	Actual    string `yaml:"actual"`    // default "actual"
	Predicted string `yaml:"predicted"` // default "predicted"
	// RAG.
	Question    string `yaml:"question"`    // default "question"
	Answer      string `yaml:"answer"`      // default "answer"
	Contexts    string `yaml:"contexts"`    // default "contexts": strings or {id, text}
	GroundTruth string `yaml:"groundTruth"` // default "ground_truth"
	Relevance   string `yaml:"relevance"`   // default "relevance": grade per context
	RelevantIDs string `yaml:"relevantIds"` // default "relevant_ids"
	// Retrieved is a ranking of plain ids (default "retrieved"); Relevant lists the
	// relevant ids, or maps ids to grades (default "relevant").
	Retrieved string `yaml:"retrieved"`
	Relevant  string `yaml:"relevant"`
}

// get returns a column name by its config key.
func (c *Columns) get(key string) string {
	switch key {
	case "retrieved":
		return c.Retrieved
	case "relevant":
		return c.Relevant
	case "relevance":
		return c.Relevance
	case "relevantIds":
		return c.RelevantIDs
	}
	return ""
}

func (c *Columns) defaults() {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.Label, "label")
	def(&c.Prediction, "prediction")
	def(&c.Score, "score")
	def(&c.Probabilities, "probabilities")
	def(&c.Actual, "actual")
	def(&c.Predicted, "predicted")
	def(&c.Question, "question")
	def(&c.Answer, "answer")
	def(&c.Contexts, "contexts")
	def(&c.GroundTruth, "ground_truth")
	def(&c.Relevance, "relevance")
	def(&c.RelevantIDs, "relevant_ids")
	def(&c.Retrieved, "retrieved")
	def(&c.Relevant, "relevant")
}

// MetricSpec asks for one metric and, optionally, a threshold on it.
type MetricSpec struct {
	Name    string          `yaml:"name"`
	Average metrics.Average `yaml:"average"` // precision, recall, f1: macro (default), micro, weighted, binary
	K       int             `yaml:"k"`       // recall_at_k, ndcg_at_k
	// Min and Max are the threshold: the metric must be ≥ Min and ≤ Max.
	Min *float64 `yaml:"min"`
	Max *float64 `yaml:"max"`
	// Segments applies a threshold to every segment of every segment column.
	Segments *Bounds `yaml:"segments"`
	Line     int     `yaml:"-"`
}

// UnmarshalYAML records the line and accepts a bare metric name.
func (m *MetricSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		m.Name, m.Line = n.Value, n.Line
		return nil
	}
	type plain MetricSpec
	if err := n.Decode((*plain)(m)); err != nil {
		return err
	}
	m.Line = n.Line
	return nil
}

// Bounds is a threshold: a value must lie in [Min, Max].
type Bounds struct {
	Min *float64 `yaml:"min"`
	Max *float64 `yaml:"max"`
}

// FairnessSpec configures group fairness checks over Config.Segments.
type FairnessSpec struct {
	// MinRows leaves out segments with fewer rows: their metrics are too noisy to
	// compare. Default 1.
	MinRows int `yaml:"minRows"`
	// MaxGap bounds the largest gap between segments of every configured metric.
	MaxGap *float64 `yaml:"maxGap"`
	// Bounds on demographic parity and equalized odds differences (binary only).
	DemographicParityMax *float64 `yaml:"demographicParityMax"`
	EqualizedOddsMax     *float64 `yaml:"equalizedOddsMax"`
	Line                 int      `yaml:"-"`
}

// DriftSpec configures drift checks between the baseline and the current run.
type DriftSpec struct {
	// Scores compares the model's scores (the positive-class score, the top probability,
	// or the regression prediction). Default true, except for task drift.
	Scores *bool `yaml:"scores"`
	// Columns are compared between the baseline and the current file, each as numbers
	// or, when a value is not a number, as categories. Features is the older name.
	Columns  []string `yaml:"columns"`
	Features []string `yaml:"features"`
	Bins     int      `yaml:"bins"` // PSI bins, default 10
	// Quantiles is how the baseline's quantiles cut numeric PSI bins: "linear"
	// (default, numpy's default) or "higher" (awaf before 1.1, numpy's "higher").
	Quantiles      string   `yaml:"quantiles"`
	PSIMax         *float64 `yaml:"psiMax"`
	KSMax          *float64 `yaml:"ksMax"`          // bound on the KS statistic D
	WassersteinMax *float64 `yaml:"wassersteinMax"` // bound on the earth mover's distance, numeric
	ChiSquarePMin  *float64 `yaml:"chiSquarePMin"`  // categorical: fail when the p-value is below
}

// columns returns every drift column, Columns then Features.
func (d *DriftSpec) columns() []string {
	return append(slices.Clone(d.Columns), d.Features...)
}

// BootstrapSpec configures confidence intervals.
type BootstrapSpec struct {
	// Resamples is 200 when left out; 0 (or -1, the older spelling) turns intervals off.
	Resamples *int    `yaml:"resamples" json:"resamples"`
	Seed      uint64  `yaml:"seed" json:"seed"`   // default 1
	Level     float64 `yaml:"level" json:"level"` // default 0.95
}

// N is the number of resamples; 0 when intervals are off.
func (b *BootstrapSpec) N() int {
	if b == nil || b.Resamples == nil || *b.Resamples < 0 {
		return 0
	}
	return *b.Resamples
}

// JudgeSpec configures the LLM judge for groundedness and relevance.
type JudgeSpec struct {
	// Provider is "azure" (Azure OpenAI) or "openai" (any OpenAI-compatible endpoint).
	Provider   string `yaml:"provider"`
	Endpoint   string `yaml:"endpoint"`
	Deployment string `yaml:"deployment"` // Azure deployment name
	Model      string `yaml:"model"`
	APIVersion string `yaml:"apiVersion"` // Azure, default 2024-10-21
	// APIKeyEnv names the environment variable holding the key; the key never sits in
	// the file.
	APIKeyEnv string `yaml:"apiKeyEnv"`
	// RequestsPerMinute caps the call rate (default 60); Concurrency the calls in flight
	// (default 4).
	RequestsPerMinute int      `yaml:"requestsPerMinute"`
	Concurrency       int      `yaml:"concurrency"`
	Timeout           Duration `yaml:"timeout"`    // per call, default 30s
	MaxRetries        int      `yaml:"maxRetries"` // default 5
	Cache             string   `yaml:"cache"`      // response cache file, default .awaf-eval-cache.jsonl
	// Prices per 1,000 tokens, for the estimate shown before a run.
	InputPer1K  float64 `yaml:"inputPer1k"`
	OutputPer1K float64 `yaml:"outputPer1k"`
	// MaxCost refuses to start when the estimate is higher (0: no limit).
	MaxCost float64 `yaml:"maxCost"`
	Line    int     `yaml:"-"`
}

// Duration is a time.Duration written as "30s".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v <= 0 {
		return fmt.Errorf("line %d: want a positive duration like 30s, got %q", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Dir returns the directory paths in the config are relative to.
func (c *Config) Dir() string { return c.dir }

// File returns the config's path.
func (c *Config) File() string { return c.file }

// Path resolves a path from the config.
func (c *Config) Path(p string) string {
	if filepath.IsAbs(p) || c.dir == "" {
		return p
	}
	return filepath.Join(c.dir, p)
}

// LoadConfig reads and checks an awaf-eval.yaml file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "read eval config: %v", err)
	}
	return ParseConfig(path, b)
}

// The patterns read yaml's error messages; they are compiled on first use, when a
// config has an error, not at start-up of every command.
var (
	lineRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	})
	fieldRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	})
	typeRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile("^cannot unmarshal !!(\\w+) (?:`(.*)` )?into (\\S+)$")
	})
	yamlKind = map[string]string{"str": "text", "int": "a whole number", "float": "a number",
		"bool": "true or false", "seq": "a list", "map": "a mapping", "null": "nothing"}
)

// plainTypeError turns yaml's "cannot unmarshal !!str `accuracy` into []eval.MetricSpec"
// into the config's own words: "want a list, got text "accuracy"".
func plainTypeError(msg string) string {
	m := typeRE().FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	got := yamlKind[m[1]]
	if got == "" {
		got = m[1]
	}
	if m[2] != "" && (m[1] == "str" || m[1] == "int" || m[1] == "float" || m[1] == "bool") {
		got += fmt.Sprintf(" %q", m[2])
	}
	want := "a mapping"
	switch t := m[3]; {
	case strings.HasPrefix(t, "[]"):
		want = "a list"
	case t == "int" || t == "int64" || t == "uint64" || strings.HasSuffix(t, "int"):
		want = "a whole number"
	case t == "float64" || t == "*float64":
		want = "a number"
	case t == "bool" || t == "*bool":
		want = "true or false"
	case t == "string" || t == "eval.Task" || t == "eval.Format" || t == "metrics.Average":
		want = "text"
	}
	return "want " + want + ", got " + got
}

// ParseConfig parses and checks a config; name is used in messages and to resolve
// relative paths. Every problem found is returned together as awaf.Problems.
func ParseConfig(name string, b []byte) (*Config, error) {
	c := &Config{file: name, dir: filepath.Dir(name), lines: map[string]int{}}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err == nil && len(root.Content) > 0 {
		c.recordLines("", root.Content[0])
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		var te *yaml.TypeError
		var msgs []string
		if errors.As(err, &te) {
			msgs = te.Errors
		} else {
			msgs = []string{err.Error()}
		}
		var ps awaf.Problems
		for _, m := range msgs {
			p := awaf.Problem{Location: awaf.Location{File: name}, Message: m}
			if sm := lineRE().FindStringSubmatch(m); sm != nil {
				p.Line, _ = strconv.Atoi(sm[1])
				p.Message = sm[2]
			}
			if fm := fieldRE().FindStringSubmatch(p.Message); fm != nil {
				p.Message = fmt.Sprintf("unknown key %q", fm[1])
			}
			if plain := plainTypeError(p.Message); plain != p.Message {
				p.Message = plain
				if key := c.keyAt(p.Line); key != "" {
					p.Message = key + ": " + plain
				}
			}
			if strings.Contains(m, "EOF") && len(bytes.TrimSpace(b)) == 0 {
				p.Message = "empty file: want a task, a current prediction file and metrics"
			}
			ps = append(ps, p)
		}
		return nil, ps
	}
	c.Columns.defaults()
	c.check()
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	return c, nil
}

// recordLines notes the line of every key and list item, by dotted path.
func (c *Config) recordLines(prefix string, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := prefix + n.Content[i].Value
			c.lines[k] = n.Content[i].Line
			c.recordLines(k+".", n.Content[i+1])
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			k := prefix + strconv.Itoa(i)
			c.lines[k] = item.Line
			c.recordLines(k+".", item)
		}
	}
}

// keyAt returns the longest dotted path of a key on a line, for messages.
func (c *Config) keyAt(line int) string {
	best := ""
	for k, l := range c.lines {
		if l == line && (len(k) > len(best) || len(k) == len(best) && k < best) {
			best = k
		}
	}
	return best
}

// line returns the line of a dotted path, or of its nearest recorded parent.
func (c *Config) line(path string) int {
	for path != "" {
		if l, ok := c.lines[path]; ok {
			return l
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

func (c *Config) problem(line int, format string, args ...any) {
	c.problems = append(c.problems, awaf.Problem{
		Location: awaf.Location{File: c.file, Line: line},
		Message:  fmt.Sprintf(format, args...),
	})
}

// metricInfo says which task a metric belongs to and which way is better.
type metricInfo struct {
	tasks        []Task
	higherBetter bool
	needsK       bool
	averaged     bool
	judge        bool
	proxy        bool
	title        string
}

// metricCatalog lists every metric the config may name.
var metricCatalog = map[string]metricInfo{
	"accuracy":           {tasks: []Task{Classification}, higherBetter: true, title: "Accuracy"},
	"precision":          {tasks: []Task{Classification}, higherBetter: true, averaged: true, title: "Precision"},
	"recall":             {tasks: []Task{Classification}, higherBetter: true, averaged: true, title: "Recall"},
	"f1":                 {tasks: []Task{Classification}, higherBetter: true, averaged: true, title: "F1"},
	"roc_auc":            {tasks: []Task{Classification}, higherBetter: true, title: "ROC AUC"},
	"pr_auc":             {tasks: []Task{Classification}, higherBetter: true, title: "PR AUC (average precision)"},
	"log_loss":           {tasks: []Task{Classification}, title: "Log loss"},
	"ece":                {tasks: []Task{Classification}, title: "Expected calibration error (top label)"},
	"ece_positive":       {tasks: []Task{Classification}, title: "Expected calibration error (positive class)"},
	"brier":              {tasks: []Task{Classification}, title: "Brier score"},
	"brier_reliability":  {tasks: []Task{Classification}, title: "Brier reliability (calibration part)"},
	"brier_resolution":   {tasks: []Task{Classification}, higherBetter: true, title: "Brier resolution"},
	"brier_uncertainty":  {tasks: []Task{Classification}, title: "Brier uncertainty (base rate)"},
	"mae":                {tasks: []Task{Regression}, title: "MAE"},
	"rmse":               {tasks: []Task{Regression}, title: "RMSE"},
	"mape":               {tasks: []Task{Regression}, title: "MAPE"},
	"r2":                 {tasks: []Task{Regression}, higherBetter: true, title: "R²"},
	"recall_at_k":        {tasks: []Task{RAG}, higherBetter: true, needsK: true, title: "Recall@k"},
	"mrr":                {tasks: []Task{RAG}, higherBetter: true, title: "MRR"},
	"ndcg_at_k":          {tasks: []Task{RAG}, higherBetter: true, needsK: true, title: "nDCG@k"},
	"groundedness":       {tasks: []Task{RAG}, higherBetter: true, judge: true, title: "Groundedness (LLM judge, 1–5)"},
	"relevance":          {tasks: []Task{RAG}, higherBetter: true, judge: true, title: "Relevance (LLM judge, 1–5)"},
	"groundedness_proxy": {tasks: []Task{RAG}, higherBetter: true, proxy: true, title: "Groundedness (lexical proxy)"},
	"relevance_proxy":    {tasks: []Task{RAG}, higherBetter: true, proxy: true, title: "Relevance (lexical proxy)"},
	"answer_f1":          {tasks: []Task{RAG}, higherBetter: true, title: "Answer token F1"},
}

// ID is the metric's name in reports: "f1_macro", "recall@5", "ndcg@10".
func (m MetricSpec) ID() string {
	switch {
	case m.Name == "recall_at_k":
		return fmt.Sprintf("recall@%d", m.K)
	case m.Name == "ndcg_at_k":
		return fmt.Sprintf("ndcg@%d", m.K)
	case metricCatalog[m.Name].averaged:
		return m.Name + "_" + string(m.Average)
	}
	return m.Name
}

func (c *Config) check() {
	if c.Version != 0 && c.Version != 1 {
		c.problem(c.lines["version"], "version %d is not supported (want 1)", c.Version)
	}
	if c.Import != nil {
		c.checkImport()
		return
	}
	switch c.Task {
	case Classification, Regression, RAG, DriftOnly:
	case "":
		c.problem(0, "task is missing: want classification, regression, rag or drift")
	default:
		c.problem(c.lines["task"], "task %q is unknown: want classification, regression, rag or drift", c.Task)
	}
	if len(c.Classes) > 0 {
		if c.Task != Classification {
			c.problem(c.lines["classes"], "classes applies to task classification only")
		}
		seen := map[string]bool{}
		for i, cl := range c.Classes {
			if seen[cl] {
				c.problem(c.line("classes."+strconv.Itoa(i)), "class %q is listed twice", cl)
			}
			seen[cl] = true
		}
		if c.Positive != "" && !seen[c.Positive] {
			c.problem(c.lines["positive"], "positive class %q is not one of classes", c.Positive)
		}
	}
	switch c.UnknownLabels {
	case "", "error", "drop":
	default:
		c.problem(c.lines["unknownLabels"], "unknownLabels %q is unknown: want error or drop", c.UnknownLabels)
	}
	c.checkSource(&c.Current, "current")
	if c.Current.Path == "" {
		c.problem(0, "current is missing: want the path of the prediction file to evaluate")
	}
	if c.Baseline != nil {
		c.checkSource(c.Baseline, "baseline")
	}
	if len(c.Metrics) == 0 && c.Task != DriftOnly {
		c.problem(c.lines["metrics"], "metrics is empty: name at least one metric")
	}
	if c.Task == DriftOnly && (c.Drift == nil || len(c.Drift.columns()) == 0) {
		c.problem(c.lines["task"], "task drift compares columns: add drift: {columns: [column, ...]}")
	}
	c.checkMetrics()
	if c.Fairness != nil {
		if len(c.Segments) == 0 {
			c.problem(c.lines["fairness"], "fairness needs segment columns: add segments: [column, ...]")
		}
		if c.Task != Classification && (c.Fairness.DemographicParityMax != nil || c.Fairness.EqualizedOddsMax != nil) {
			c.problem(c.lines["fairness"], "demographic parity and equalized odds apply to classification only")
		}
		if c.Fairness.MinRows <= 0 {
			c.Fairness.MinRows = 1
		}
	}
	c.checkDrift()
	c.checkBootstrap()
	if c.Bins == 0 {
		c.Bins = 10
	}
	if c.Bins < 2 || c.Bins > 100 {
		c.problem(c.lines["calibrationBins"], "calibrationBins %d out of range 2..100", c.Bins)
	}
	if j := c.Judge; j != nil {
		c.checkJudge(j)
	}
}

// checkMetrics checks every metric against the catalogue and the task.
func (c *Config) checkMetrics() {
	seen := map[string]int{}
	for i := range c.Metrics {
		m := &c.Metrics[i]
		info, ok := metricCatalog[m.Name]
		if !ok {
			c.problem(m.Line, "metric %q is unknown: want one of %s", m.Name, strings.Join(metricNames(), ", "))
			continue
		}
		if c.Task != "" && !slices.Contains(info.tasks, c.Task) {
			c.problem(m.Line, "metric %q does not apply to task %s", m.Name, c.Task)
		}
		if info.averaged {
			switch m.Average {
			case "":
				m.Average = "macro"
			case "macro", "micro", "weighted", "binary":
			default:
				c.problem(m.Line, "average %q is unknown: want macro, micro, weighted or binary", m.Average)
			}
		} else if m.Average != "" {
			c.problem(m.Line, "average does not apply to %s", m.Name)
		}
		if info.needsK && m.K <= 0 {
			c.problem(m.Line, "%s needs k, a positive number of contexts", m.Name)
		}
		if !info.needsK && m.K != 0 {
			c.problem(m.Line, "k does not apply to %s", m.Name)
		}
		if m.Min != nil && m.Max != nil && *m.Min > *m.Max {
			c.problem(m.Line, "min %g is above max %g", *m.Min, *m.Max)
		}
		if m.Segments != nil && len(c.Segments) == 0 {
			c.problem(m.Line, "a segment threshold needs segment columns: add segments: [column, ...]")
		}
		if info.judge && c.Judge == nil {
			c.problem(m.Line, "%s is scored by an LLM judge: add a judge section, or use %s_proxy", m.Name, m.Name)
		}
		if prev, dup := seen[m.ID()]; dup {
			c.problem(m.Line, "metric %s is already listed on line %d", m.ID(), prev)
		}
		seen[m.ID()] = m.Line
	}
}

// checkDrift fills the drift defaults and checks its settings.
func (c *Config) checkDrift() {
	if c.Drift == nil {
		return
	}
	if c.Baseline == nil {
		c.problem(c.lines["drift"], "drift compares with a baseline: add baseline: <prediction file>")
	}
	if c.Drift.Bins == 0 {
		c.Drift.Bins = 10
	}
	if c.Drift.Bins < 2 || c.Drift.Bins > 1000 {
		c.problem(c.lines["drift"], "drift bins %d out of range 2..1000", c.Drift.Bins)
	}
	if c.Drift.Scores == nil {
		t := c.Task != DriftOnly
		c.Drift.Scores = &t
	}
	switch c.Drift.Quantiles {
	case "":
		c.Drift.Quantiles = "linear"
	case "linear", "higher":
	default:
		c.problem(c.line("drift.quantiles"), "drift quantiles %q is unknown: want linear or higher", c.Drift.Quantiles)
	}
	seen := map[string]bool{}
	for _, col := range c.Drift.columns() {
		if seen[col] {
			c.problem(c.line("drift"), "drift column %q is listed twice", col)
		}
		seen[col] = true
	}
	if c.Drift.ChiSquarePMin != nil && (*c.Drift.ChiSquarePMin <= 0 || *c.Drift.ChiSquarePMin >= 1) {
		c.problem(c.line("drift.chiSquarePMin"), "chiSquarePMin %g must be between 0 and 1", *c.Drift.ChiSquarePMin)
	}
}

// checkBootstrap fills the interval defaults and checks them.
func (c *Config) checkBootstrap() {
	if c.Bootstrap == nil {
		c.Bootstrap = &BootstrapSpec{}
	}
	if c.Bootstrap.Resamples == nil {
		n := 200
		c.Bootstrap.Resamples = &n
	}
	switch n := *c.Bootstrap.Resamples; {
	case n > 100000:
		c.problem(c.line("bootstrap.resamples"), "bootstrap resamples %d is above 100000", n)
	case n == 1:
		c.problem(c.line("bootstrap.resamples"), "bootstrap resamples 1 gives no interval: want 0 (off) or at least 2")
	case n < -1:
		c.problem(c.line("bootstrap.resamples"), "bootstrap resamples %d is negative: want 0 (off) or a count", n)
	}
	if c.Bootstrap.Seed == 0 {
		c.Bootstrap.Seed = 1
	}
	if c.Bootstrap.Level == 0 {
		c.Bootstrap.Level = 0.95
	}
	if c.Bootstrap.Level <= 0 || c.Bootstrap.Level >= 1 {
		c.problem(c.lines["bootstrap"], "bootstrap level %g must be between 0 and 1", c.Bootstrap.Level)
	}
}

// checkImport checks a config that imports another tool's results: metric names are
// that tool's, and what only computed runs have does not apply.
func (c *Config) checkImport() {
	im := c.Import
	if im.Path == "" {
		c.problem(c.lines["import"], "import needs path: the result file to read")
	}
	switch im.Kind {
	case "", KindAzureAIEvaluation, KindMLflow, KindJUnit:
	default:
		c.problem(c.line("import.kind"), "import kind %q is unknown: want azure-ai-evaluation, mlflow or junit", im.Kind)
	}
	switch c.Task {
	case "", Classification, Regression, RAG:
	default:
		c.problem(c.lines["task"], "task %q is unknown for imported results: want classification, regression or rag", c.Task)
	}
	for _, key := range []string{"current", "baseline", "segments", "fairness", "drift", "judge", "classes", "columns"} {
		if l, ok := c.lines[key]; ok {
			c.problem(l, "%s does not apply to imported results (import reads the metrics another tool computed)", key)
		}
	}
	seen := map[string]int{}
	for _, m := range c.Metrics {
		switch {
		case m.Name == "":
			c.problem(m.Line, "metric needs a name: the result file's own metric name")
		case m.Average != "" || m.K != 0 || m.Segments != nil:
			c.problem(m.Line, "metric %q: average, k and segments do not apply to imported results", m.Name)
		case m.Min != nil && m.Max != nil && *m.Min > *m.Max:
			c.problem(m.Line, "min %g is above max %g", *m.Min, *m.Max)
		}
		if prev, dup := seen[m.Name]; dup {
			c.problem(m.Line, "metric %s is already listed on line %d", m.Name, prev)
		}
		seen[m.Name] = m.Line
	}
	if c.Bootstrap == nil {
		c.Bootstrap = &BootstrapSpec{}
	}
}

func (c *Config) checkSource(s *Source, role string) {
	if s.Path == "" {
		return
	}
	if s.Format == "" {
		f, ok := FormatOf(s.Path)
		if !ok {
			c.problem(s.Line, "%s %s: cannot tell the format from the name: add format: jsonl or csv", role, s.Path)
			return
		}
		s.Format = f
	}
	if s.Format != JSONL && s.Format != CSV {
		c.problem(s.Line, "%s format %q is unknown: want jsonl or csv", role, s.Format)
	}
}

func (c *Config) checkJudge(j *JudgeSpec) {
	line := c.lines["judge"]
	switch j.Provider {
	case "azure":
		if j.Deployment == "" {
			c.problem(line, "judge: an azure provider needs deployment")
		}
		if j.APIVersion == "" {
			j.APIVersion = "2024-10-21"
		}
	case "openai":
		if j.Model == "" {
			c.problem(line, "judge: an openai provider needs model")
		}
	default:
		c.problem(line, "judge provider %q is unknown: want azure or openai", j.Provider)
	}
	if !strings.HasPrefix(j.Endpoint, "https://") && !strings.HasPrefix(j.Endpoint, "http://") {
		c.problem(line, "judge endpoint %q: want an http(s) URL", j.Endpoint)
	}
	if j.RequestsPerMinute == 0 {
		j.RequestsPerMinute = 60
	}
	if j.Concurrency == 0 {
		j.Concurrency = 4
	}
	if j.Timeout == 0 {
		j.Timeout = Duration(30 * time.Second)
	}
	if j.MaxRetries == 0 {
		j.MaxRetries = 5
	}
	if j.Cache == "" {
		j.Cache = ".awaf-eval-cache.jsonl"
	}
	if j.RequestsPerMinute < 0 || j.Concurrency < 0 || j.MaxRetries < 0 {
		c.problem(line, "judge: requestsPerMinute, concurrency and maxRetries must be positive")
	}
}

func metricNames() []string {
	var n []string
	for k := range metricCatalog {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}
