package eval

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"go.yaml.in/yaml/v3"
)

// Kinds of result files awaf eval imports instead of computing metrics itself.
const (
	KindAzureAIEvaluation = "azure-ai-evaluation" // evaluate() output of the Azure AI evaluation SDK
	KindMLflow            = "mlflow"              // an MLflow run: REST or `mlflow runs describe` JSON, or search_runs CSV
	KindJUnit             = "junit"               // JUnit XML of a prompt regression suite
)

// maxImport bounds the size of an imported result file.
const maxImport = 256 << 20

// ImportSpec names a result file produced by another tool.
type ImportSpec struct {
	Path string `yaml:"path"`
	// Kind is azure-ai-evaluation, mlflow or junit; guessed from the file when empty.
	Kind string `yaml:"kind"`
	// Run picks one MLflow run (its id or name) when the file holds several.
	Run  string `yaml:"run"`
	Line int    `yaml:"-"`
}

// UnmarshalYAML accepts a bare path as well as {path, kind, run}.
func (s *ImportSpec) UnmarshalYAML(n *yaml.Node) error {
	s.Line = n.Line
	if n.Kind == yaml.ScalarNode {
		s.Path = n.Value
		return nil
	}
	type plain ImportSpec
	if err := n.Decode((*plain)(s)); err != nil {
		return err
	}
	s.Line = n.Line
	return nil
}

// ResultSource says where an imported report's values came from.
type ResultSource struct {
	Kind string `json:"kind"`
	File string `json:"file"`
}

// imported is what a result file says: aggregate metrics in file order and how many
// rows (or test cases) stand behind them.
type imported struct {
	names  []string
	values map[string]float64
	rows   int
	notes  []string
}

func (im *imported) set(name string, v float64) {
	if _, ok := im.values[name]; !ok {
		im.names = append(im.names, name)
	}
	im.values[name] = v
}

// guessKind tells the kind of a result file from its name and first bytes.
func guessKind(path string, head []byte) (string, error) {
	low := strings.ToLower(path)
	switch {
	case strings.HasSuffix(low, ".xml"):
		return KindJUnit, nil
	case strings.HasSuffix(low, ".csv"):
		return KindMLflow, nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(head, &probe); err != nil {
		return "", fmt.Errorf("cannot tell what kind of results this is (not JSON: %v): set import.kind to azure-ai-evaluation, mlflow or junit", err)
	}
	_, hasRun := probe["run"]
	_, hasRuns := probe["runs"]
	_, hasInfo := probe["info"]
	_, hasData := probe["data"]
	if hasRun || hasRuns || hasInfo && hasData {
		return KindMLflow, nil
	}
	if _, ok := probe["metrics"]; ok {
		return KindAzureAIEvaluation, nil
	}
	return "", errors.New(`cannot tell what kind of results this is: want an evaluate() output ("metrics", "rows"), an MLflow run ("run", "runs" or "info" and "data") or JUnit XML; set import.kind`)
}

// readImported reads a result file of any supported kind.
func readImported(spec ImportSpec, path string) (*imported, string, error) {
	b, err := readBounded(path)
	if err != nil {
		return nil, "", err
	}
	kind := spec.Kind
	if kind == "" {
		if kind, err = guessKind(path, b); err != nil {
			return nil, "", err
		}
	}
	var im *imported
	switch kind {
	case KindAzureAIEvaluation:
		im, err = readAzureEvaluation(b)
	case KindMLflow:
		if strings.HasSuffix(strings.ToLower(path), ".csv") {
			im, err = readMLflowCSV(b, spec.Run)
		} else {
			im, err = readMLflowJSON(b, spec.Run)
		}
	case KindJUnit:
		im, err = readJUnit(b)
	default:
		err = fmt.Errorf("import kind %q is unknown: want azure-ai-evaluation, mlflow or junit", kind)
	}
	return im, kind, err
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxImport+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxImport {
		return nil, fmt.Errorf("larger than %d MiB", maxImport>>20)
	}
	return b, nil
}

// readAzureEvaluation reads evaluate()'s output: {"metrics": {"<evaluator>.<metric>":
// number, ...}, "rows": [...], "studio_url": ...}. Values that are not numbers (a label,
// null for an evaluator that failed) are left out with a note.
func readAzureEvaluation(b []byte) (*imported, error) {
	var doc struct {
		Metrics json.RawMessage   `json:"metrics"`
		Rows    []json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("not an evaluate() result: %v", err)
	}
	if len(doc.Metrics) == 0 {
		return nil, errors.New(`not an evaluate() result: no "metrics" object`)
	}
	names, raw, err := orderedObject(doc.Metrics)
	if err != nil {
		return nil, fmt.Errorf(`"metrics": %v`, err)
	}
	im := &imported{values: map[string]float64{}, rows: len(doc.Rows)}
	var skipped []string
	for _, n := range names {
		var v float64
		if err := json.Unmarshal(raw[n], &v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			skipped = append(skipped, n)
			continue
		}
		im.set(n, v)
	}
	if len(skipped) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("metrics without a numeric value were left out: %s", strings.Join(skipped, ", ")))
	}
	return im, nil
}

// orderedObject returns the keys of a JSON object in file order, and their values.
func orderedObject(b json.RawMessage) ([]string, map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, nil, errors.New("want an object")
	}
	var names []string
	vals := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if _, dup := vals[k]; !dup {
			names = append(names, k)
		}
		vals[k] = v
	}
	return names, vals, nil
}

// mlflowRun is one run as MLflow's REST API and `mlflow runs describe` write it. The
// REST shape lists metrics as [{key, value, step, timestamp}]; describe writes
// {name: value}.
type mlflowRun struct {
	Info struct {
		RunID   string `json:"run_id"`
		RunName string `json:"run_name"`
		Status  string `json:"status"`
	} `json:"info"`
	Data struct {
		Metrics json.RawMessage `json:"metrics"`
	} `json:"data"`
}

type mlflowMetric struct {
	Key       string  `json:"key"`
	Value     float64 `json:"value"`
	Step      int64   `json:"step"`
	Timestamp int64   `json:"timestamp"`
}

func readMLflowJSON(b []byte, want string) (*imported, error) {
	var doc struct {
		Run  *mlflowRun  `json:"run"`
		Runs []mlflowRun `json:"runs"`
		mlflowRun
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("not an MLflow run: %v", err)
	}
	runs := doc.Runs
	switch {
	case doc.Run != nil:
		runs = []mlflowRun{*doc.Run}
	case len(runs) == 0 && len(doc.Data.Metrics) > 0:
		runs = []mlflowRun{doc.mlflowRun}
	}
	if len(runs) == 0 {
		return nil, errors.New(`not an MLflow run: want "run", "runs" or "info" and "data"`)
	}
	run, err := pickRun(runs, want, func(r mlflowRun) (string, string) { return r.Info.RunID, r.Info.RunName })
	if err != nil {
		return nil, err
	}
	im := &imported{values: map[string]float64{}}
	m := run.Data.Metrics
	switch {
	case len(m) == 0:
	case m[0] == '[':
		var list []mlflowMetric
		if err := json.Unmarshal(m, &list); err != nil {
			return nil, fmt.Errorf(`"data.metrics": %v`, err)
		}
		// A metric logged at several steps: the last step wins, then the latest time.
		latest := map[string]mlflowMetric{}
		for _, x := range list {
			if old, ok := latest[x.Key]; !ok || x.Step > old.Step || x.Step == old.Step && x.Timestamp >= old.Timestamp {
				if !ok {
					im.names = append(im.names, x.Key)
				}
				latest[x.Key] = x
			}
		}
		for _, k := range im.names {
			im.values[k] = latest[k].Value
		}
	case m[0] == '{':
		names, raw, err := orderedObject(m)
		if err != nil {
			return nil, fmt.Errorf(`"data.metrics": %v`, err)
		}
		for _, n := range names {
			var v float64
			if err := json.Unmarshal(raw[n], &v); err == nil {
				im.set(n, v)
			}
		}
	default:
		return nil, errors.New(`"data.metrics": want a list or an object`)
	}
	if run.Info.Status != "" && run.Info.Status != "FINISHED" {
		im.notes = append(im.notes, fmt.Sprintf("MLflow run %s has status %s, not FINISHED", run.Info.RunID, run.Info.Status))
	}
	return im, nil
}

// pickRun chooses the wanted run, or the only one.
func pickRun[T any](runs []T, want string, id func(T) (string, string)) (T, error) {
	var zero T
	if want == "" {
		if len(runs) == 1 {
			return runs[0], nil
		}
		var ids []string
		for _, r := range runs {
			i, _ := id(r)
			ids = append(ids, i)
		}
		return zero, fmt.Errorf("the file holds %d runs (%s): set import.run to one id or name", len(runs), strings.Join(ids, ", "))
	}
	for _, r := range runs {
		if i, n := id(r); i == want || n == want {
			return r, nil
		}
	}
	return zero, fmt.Errorf("no run %q in the file", want)
}

// readMLflowCSV reads mlflow.search_runs(...).to_csv(): a row per run, metrics in
// "metrics.<name>" columns.
func readMLflowCSV(b []byte, want string) (*imported, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) < 2 {
		return nil, errors.New("no runs: want a header and a row per run")
	}
	head := recs[0]
	col := func(name string) int { return slices.Index(head, name) }
	idCol, nameCol := col("run_id"), col("tags.mlflow.runName")
	type row []string
	runs := make([]row, 0, len(recs)-1)
	for _, r := range recs[1:] {
		runs = append(runs, r)
	}
	run, err := pickRun(runs, want, func(r row) (string, string) {
		var i, n string
		if idCol >= 0 && idCol < len(r) {
			i = r[idCol]
		}
		if nameCol >= 0 && nameCol < len(r) {
			n = r[nameCol]
		}
		return i, n
	})
	if err != nil {
		return nil, err
	}
	im := &imported{values: map[string]float64{}}
	for i, h := range head {
		name, ok := strings.CutPrefix(h, "metrics.")
		if !ok || i >= len(run) || run[i] == "" {
			continue
		}
		v, err := strconv.ParseFloat(run[i], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		im.set(name, v)
	}
	if len(im.names) == 0 {
		return nil, errors.New(`no "metrics.<name>" columns with values: want the CSV of mlflow.search_runs`)
	}
	return im, nil
}

// readJUnit counts the test cases of a JUnit XML report (a <testsuites> or a single
// <testsuite>, suites nested or not). Each suite gives pass_rate.<suite> and the whole
// file pass_rate, tests, failed and skipped; pass rate is passed / (tests − skipped).
func readJUnit(b []byte) (*imported, error) {
	dec := xml.NewDecoder(bufio.NewReader(bytes.NewReader(b)))
	type counts struct{ tests, failed, skipped int }
	var total counts
	var order []string
	per := map[string]*counts{}
	var suites []string
	var inCase bool
	var caseFailed, caseSkipped bool
	depth := 0
	seenRoot := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > 64 {
				return nil, errors.New("elements nested more than 64 deep")
			}
			switch t.Name.Local {
			case "testsuites":
				seenRoot = true
			case "testsuite":
				seenRoot = true
				name := attr(t, "name")
				if name == "" {
					name = fmt.Sprintf("suite %d", len(order)+1)
				}
				suites = append(suites, name)
				if per[name] == nil {
					per[name] = &counts{}
					order = append(order, name)
				}
			case "testcase":
				if !seenRoot {
					seenRoot = true
				}
				inCase, caseFailed, caseSkipped = true, false, false
			case "failure", "error":
				if inCase {
					caseFailed = true
				}
			case "skipped":
				if inCase {
					caseSkipped = true
				}
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "testsuite":
				if len(suites) > 0 {
					suites = suites[:len(suites)-1]
				}
			case "testcase":
				inCase = false
				var c *counts
				if len(suites) > 0 {
					c = per[suites[len(suites)-1]]
				}
				for _, x := range []*counts{&total, c} {
					if x == nil {
						continue
					}
					x.tests++
					switch {
					case caseSkipped:
						x.skipped++
					case caseFailed:
						x.failed++
					}
				}
			}
		}
	}
	if !seenRoot || total.tests == 0 {
		return nil, errors.New("no test cases: want JUnit XML with <testsuite> and <testcase> elements")
	}
	rate := func(c counts) float64 {
		if run := c.tests - c.skipped; run > 0 {
			return float64(run-c.failed) / float64(run)
		}
		return math.NaN()
	}
	im := &imported{values: map[string]float64{}, rows: total.tests}
	im.set("pass_rate", rate(total))
	im.set("tests", float64(total.tests))
	im.set("failed", float64(total.failed))
	im.set("skipped", float64(total.skipped))
	if len(order) > 1 {
		for _, s := range order {
			im.set("pass_rate."+s, rate(*per[s]))
		}
	}
	return im, nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// lowerIsBetter guesses the direction of an imported metric from its name, for
// display only: thresholds say what the team wants.
func lowerIsBetter(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"defect_rate", "loss", "error", "failed", "mae", "rmse", "mape", "latency", "attack_success"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// runImported builds a report from a result file: its metrics, with the config's
// thresholds checked on them.
func runImported(cfg *Config, rep *Report) error {
	spec := *cfg.Import
	path := cfg.Path(spec.Path)
	im, kind, err := readImported(spec, path)
	if err != nil {
		if os.IsNotExist(err) {
			return awaf.Problems{{Location: awaf.Location{File: cfg.file, Line: spec.Line}, Message: fmt.Sprintf("imported result file %s does not exist", spec.Path)}}
		}
		return awaf.Problems{{Location: awaf.Location{File: path}, Message: err.Error()}}
	}
	rep.Source = &ResultSource{Kind: kind, File: spec.Path}
	if rep.Task == "" {
		switch kind {
		case KindAzureAIEvaluation, KindJUnit:
			rep.Task = RAG // generative quality and safety, or a prompt regression suite
		}
	}
	rep.Inputs = append(rep.Inputs, InputStats{File: spec.Path, Role: "current", Rows: im.rows})
	rep.Notes = append(rep.Notes, im.notes...)
	var missing awaf.Problems
	specs := cfg.Metrics
	if len(specs) == 0 {
		for _, n := range im.names {
			specs = append(specs, MetricSpec{Name: n})
		}
	}
	for _, m := range specs {
		v, ok := im.values[m.Name]
		if !ok {
			missing = append(missing, awaf.Problem{Location: awaf.Location{File: cfg.file, Line: m.Line},
				Message: fmt.Sprintf("metric %q is not in %s; it has %s", m.Name, spec.Path, quoteList(im.names))})
			continue
		}
		mr := MetricResult{ID: m.Name, Name: m.Name, Title: m.Name, Value: Num(v), Min: m.Min, Max: m.Max, HigherIsBetter: !lowerIsBetter(m.Name)}
		if ok, bound, set := within(v, m.Min, m.Max); set {
			mr.Passed = &ok
			rep.Checks = append(rep.Checks, Check{Name: m.Name, Group: "metrics", Value: Num(v), Bound: bound, Passed: ok})
		}
		rep.Metrics = append(rep.Metrics, mr)
	}
	if len(missing) > 0 {
		return missing
	}
	return nil
}
