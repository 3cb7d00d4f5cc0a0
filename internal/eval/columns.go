package eval

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
)

// peekRows is how many JSONL rows are read to learn a file's keys before the real read.
const peekRows = 1000

// fileColumns is what a prediction file holds, learnt before it is read in full: the
// CSV header, or every top-level key of the first peekRows JSONL rows.
type fileColumns struct {
	names []string
	has   map[string]bool
	// partial is true when a JSONL file has more rows than were looked at.
	partial bool
}

func (f *fileColumns) add(name string) {
	if !f.has[name] {
		f.has[name] = true
		f.names = append(f.names, name)
	}
}

// peekColumns reads the columns of a prediction file without reading it all.
func peekColumns(path string, format Format) (*fileColumns, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fc := &fileColumns{has: map[string]bool{}}
	switch format {
	case CSV:
		cr := csv.NewReader(bufio.NewReaderSize(fh, 64<<10))
		cr.FieldsPerRecord = -1
		head, err := cr.Read()
		if err == io.EOF {
			return fc, nil
		}
		if err != nil {
			return nil, fmt.Errorf("header: %w", err)
		}
		for _, h := range head {
			fc.add(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		}
	case JSONL:
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 0, 64<<10), maxLine)
		var row Row
		n := 0
		for sc.Scan() {
			text := sc.Bytes()
			if isBlank(text) {
				continue
			}
			if n == peekRows {
				fc.partial = true
				break
			}
			n++
			if row.parseObject(text) != nil {
				continue // a bad row is reported by the real read
			}
			for _, k := range row.keys {
				if !fc.has[string(k)] {
					fc.add(string(k))
				}
			}
		}
		// A read error is reported by the real read, with its line.
	}
	return fc, nil
}

// column is one column the config asks for, with where the config names it.
type column struct {
	role     string // "columns.label", "segments", "drift.columns"
	name     string
	line     int
	explicit bool // named in the config, not a default
}

// ragPlan says which RAG columns a run reads; retrieval-only configs read no answer.
type ragPlan struct {
	question, answer, groundTruth, contexts bool
	retrieval                               bool
}

func (c *Config) ragPlan() ragPlan {
	var p ragPlan
	for _, m := range c.Metrics {
		switch m.Name {
		case "recall_at_k", "mrr", "ndcg_at_k":
			p.retrieval = true
		case "groundedness":
			p.question, p.answer, p.contexts = true, true, true
		case "relevance":
			p.question, p.answer = true, true
		case "groundedness_proxy":
			p.answer, p.contexts = true, true
		case "relevance_proxy":
			p.question, p.answer = true, true
		case "answer_f1":
			p.answer, p.groundTruth = true, true
		}
	}
	return p
}

// columnLine is the config line of columns.<key>, and whether the key was written.
func (c *Config) columnLine(key string) (int, bool) {
	l, ok := c.lines["columns."+key]
	return l, ok
}

// checkColumns compares what the config reads with what a file holds and returns every
// column that is missing, each with the config line that asks for it and the columns
// the file has. It also settles the retrieval layout of a RAG file.
func (c *Config) checkColumns(src Source, role string, fc *fileColumns) awaf.Problems {
	var ps awaf.Problems
	path := src.Path
	have := func() string {
		if len(fc.names) == 0 {
			return "it has none"
		}
		s := "it has " + quoteList(fc.names)
		if fc.partial {
			s += fmt.Sprintf(" (in its first %d rows)", peekRows)
		}
		return s
	}
	missing := func(col column, why string) {
		msg := fmt.Sprintf("%s file %s has no column %q", role, path, col.name)
		switch {
		case col.role == "segments" || col.role == "drift.columns":
			msg += fmt.Sprintf(" (listed in %s)", col.role)
		case col.explicit:
			msg += fmt.Sprintf(" (set as %s)", col.role)
		default:
			msg += fmt.Sprintf(" (the default for %s; set %s to your column's name)", col.role, col.role)
		}
		if why != "" {
			msg += ", " + why
		}
		msg += "; " + have()
		ps = append(ps, awaf.Problem{Location: awaf.Location{File: c.file, Line: col.line}, Message: msg})
	}
	col := func(key, name string) column {
		l, ok := c.columnLine(key)
		if !ok {
			l = c.lines["columns"]
		}
		return column{role: "columns." + key, name: name, line: l, explicit: ok}
	}
	need := func(key, name, why string) {
		if !fc.has[name] {
			missing(col(key, name), why)
		}
	}
	// Every column written under columns: must exist when the task reads it.
	explicitOnly := func(key, name string) {
		if _, ok := c.columnLine(key); ok && !fc.has[name] {
			missing(col(key, name), "")
		}
	}
	cols := c.Columns
	switch c.Task {
	case Classification:
		need("label", cols.Label, "")
		need("prediction", cols.Prediction, "")
		before := len(ps)
		explicitOnly("score", cols.Score)
		explicitOnly("probabilities", cols.Probabilities)
		if len(ps) == before && c.needScores() && !fc.has[cols.Score] && !fc.has[cols.Probabilities] && !c.hasPrefixColumns(fc) {
			msg := fmt.Sprintf("%s file %s has no scores: the metrics asked for (roc_auc, pr_auc, log_loss, ece, brier) need a %q column, a %q column", role, path, cols.Score, cols.Probabilities)
			if cols.ProbabilityPrefix != "" {
				msg += fmt.Sprintf(" or columns starting with %q", cols.ProbabilityPrefix)
			}
			msg += " (set columns.score or columns.probabilities); " + have()
			ps = append(ps, awaf.Problem{Location: awaf.Location{File: c.file, Line: c.lines["metrics"]}, Message: msg})
		}
		if cols.ProbabilityPrefix != "" && !c.hasPrefixColumns(fc) {
			missing(col("probabilityPrefix", cols.ProbabilityPrefix+"…"), "")
		}
	case Regression:
		need("actual", cols.Actual, "")
		need("predicted", cols.Predicted, "")
	case RAG:
		p := c.ragPlan()
		if p.question {
			need("question", cols.Question, "needed by the judged or proxy relevance metrics")
		}
		if p.answer {
			need("answer", cols.Answer, "needed by the answer metrics")
		}
		if p.groundTruth {
			need("groundTruth", cols.GroundTruth, "needed by answer_f1")
		}
		if p.contexts && !fc.has[cols.Contexts] {
			missing(col("contexts", cols.Contexts), "needed by groundedness")
		}
		if p.retrieval {
			if !fc.has[cols.Retrieved] && !fc.has[cols.Contexts] {
				msg := fmt.Sprintf("%s file %s has no ranking: retrieval metrics need a %q column (ids) or a %q column (set columns.retrieved or columns.contexts); %s", role, path, cols.Retrieved, cols.Contexts, have())
				ps = append(ps, awaf.Problem{Location: awaf.Location{File: c.file, Line: c.lines["metrics"]}, Message: msg})
			}
			if !fc.has[cols.Relevant] && !fc.has[cols.Relevance] && !fc.has[cols.RelevantIDs] {
				msg := fmt.Sprintf("%s file %s says nothing about relevance: retrieval metrics need a %q column (ids, or {id: grade}), %q (grades per context) or %q; %s", role, path, cols.Relevant, cols.Relevance, cols.RelevantIDs, have())
				ps = append(ps, awaf.Problem{Location: awaf.Location{File: c.file, Line: c.lines["metrics"]}, Message: msg})
			}
		}
		for _, k := range []string{"retrieved", "relevant", "relevance", "relevantIds"} {
			explicitOnly(k, cols.get(k))
		}
	}
	for i, s := range c.Segments {
		if !fc.has[s] {
			missing(column{role: "segments", name: s, line: c.line("segments." + strconv.Itoa(i))}, "")
		}
	}
	if c.Drift != nil {
		for i, f := range c.Drift.Columns {
			if !fc.has[f] {
				missing(column{role: "drift.columns", name: f, line: c.line("drift.columns." + strconv.Itoa(i))}, "")
			}
		}
		for i, f := range c.Drift.Features {
			if !fc.has[f] {
				missing(column{role: "drift.features", name: f, line: c.line("drift.features." + strconv.Itoa(i))}, "")
			}
		}
	}
	return ps
}

func (c *Config) hasPrefixColumns(fc *fileColumns) bool {
	if c.Columns.ProbabilityPrefix == "" {
		return false
	}
	for _, n := range fc.names {
		if strings.HasPrefix(n, c.Columns.ProbabilityPrefix) {
			return true
		}
	}
	return false
}

// needScores reports whether a metric needs probabilities or a score.
func (c *Config) needScores() bool {
	for _, m := range c.Metrics {
		switch m.Name {
		case "roc_auc", "pr_auc", "log_loss", "ece", "ece_positive", "brier", "brier_reliability", "brier_resolution", "brier_uncertainty":
			return true
		}
	}
	return false
}

func quoteList(names []string) string {
	const most = 20
	q := make([]string, 0, min(len(names), most))
	for _, n := range names[:min(len(names), most)] {
		q = append(q, strconv.Quote(n))
	}
	s := strings.Join(q, ", ")
	if len(names) > most {
		s += fmt.Sprintf(" and %d more", len(names)-most)
	}
	return s
}

// checkInputs looks at every input file's columns before any is read in full, and
// returns all problems of all files together.
func (c *Config) checkInputs() error {
	var ps awaf.Problems
	check := func(src Source, role string) {
		fc, err := peekColumns(c.Path(src.Path), src.Format)
		if err != nil {
			if os.IsNotExist(err) {
				ps = append(ps, awaf.Problem{Location: awaf.Location{File: c.file, Line: src.Line},
					Message: fmt.Sprintf("%s prediction file %s does not exist", role, src.Path)})
				return
			}
			ps = append(ps, awaf.Problem{Location: awaf.Location{File: c.Path(src.Path)}, Message: err.Error()})
			return
		}
		ps = append(ps, c.checkColumns(src, role, fc)...)
	}
	check(c.Current, "current")
	if c.Baseline != nil {
		check(*c.Baseline, "baseline")
	}
	if len(ps) > 0 {
		slices.SortStableFunc(ps, func(a, b awaf.Problem) int { return a.Line - b.Line })
		return ps
	}
	return nil
}
