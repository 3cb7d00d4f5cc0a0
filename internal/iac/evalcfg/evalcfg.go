// Package evalcfg reads evaluation definitions and results kept in a repository into
// the iac model: `awaf eval` configs (Awaf.Evaluation/configs) and the output files of
// the Azure AI evaluation SDK's evaluate() (Awaf.Evaluation/results, JSON with "metrics"
// and "rows"). Each resource lists the metric names it covers and those with a numeric
// threshold, with locations, so rules can tell quality, safety, retrieval and agent
// evaluations apart.
package evalcfg

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Resource types. Suite gathers every config and result of the scan: which metrics the
// repository's evaluations cover is a property of all of them together.
const (
	Config  = "Awaf.Evaluation/configs"
	Results = "Awaf.Evaluation/results"
	Suite   = "Awaf.Evaluation/suite"
)

// MaxFile bounds one file; SDK result files hold every evaluated row, so they may be
// large, and only their head decides.
const MaxFile = 32 << 20

// SniffYAML tells whether a YAML file is an awaf eval config.
func SniffYAML(name string, head []byte) bool {
	ext := strings.ToLower(path.Ext(name))
	if ext != ".yml" && ext != ".yaml" {
		return false
	}
	return topKey(head, "task") && topKey(head, "metrics") && topKey(head, "current")
}

// SniffJSON tells whether a JSON document is an evaluation SDK result.
func SniffJSON(head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\ufeff")
	return len(h) > 0 && h[0] == '{' && bytes.Contains(h, []byte(`"metrics"`)) && bytes.Contains(h, []byte(`"rows"`))
}

func topKey(head []byte, k string) bool {
	for _, line := range bytes.Split(head, []byte("\n")) {
		if bytes.HasPrefix(line, []byte(k+":")) {
			return true
		}
	}
	return false
}

// Scanner is the reader as an iac.Scanner.
type Scanner struct{}

var _ iac.Scanner = Scanner{}

// Scan hands the resources to sink (nil keeps them all) and returns what it keeps.
func (Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	out, diags, err := iac.ReadEach(ctx, fsys, paths, MaxFile, Read)
	if err != nil {
		return nil, nil, err
	}
	if len(out) > 0 {
		out = append(out, suite(out))
	}
	return sink.Keep(out), diags, nil
}

// suite unites the metric names (first place of each) of the files read.
func suite(files []iac.Resource) iac.Resource {
	start := files[0].Loc
	props := iac.NewObject(start)
	for _, key := range []string{"metricNames", "gatedMetrics"} {
		list := iac.NewArray(start)
		seen := map[string]bool{}
		for _, f := range files {
			for _, m := range f.Properties.Field(key).Items {
				if !seen[m.Str] {
					seen[m.Str] = true
					if len(list.Items) == 0 {
						list.Loc = m.Loc
					}
					list.Items = append(list.Items, m)
				}
			}
		}
		props.Set(key, list)
	}
	fs := iac.NewArray(start)
	for _, f := range files {
		fs.Items = append(fs.Items, iac.NewString(f.Loc.File, f.Loc))
	}
	props.Set("files", fs)
	return iac.Resource{Type: Suite, Name: iac.NewString("evaluation", start), ID: "evaluation", Loc: start, Source: "eval", Properties: props}
}

// Read decodes one file, a config (YAML) or a result (JSON).
func Read(file string, data []byte) (iac.Resource, error) {
	ext := strings.ToLower(path.Ext(file))
	start := awaf.Location{File: file, Line: 1, Column: 1}
	names := iac.NewArray(start)
	gated := iac.NewArray(start)
	add := func(list *iac.Value, name string, loc awaf.Location) {
		if len(list.Items) == 0 {
			list.Loc = loc
		}
		list.Items = append(list.Items, iac.NewString(strings.ToLower(name), loc))
	}
	var doc *iac.Value
	var err error
	typ := Config
	if ext == ".json" {
		typ = Results
		doc, err = iac.DecodeJSON(file, data)
		if err != nil {
			return iac.Resource{}, err
		}
		if doc.Kind != iac.Object || doc.Field("metrics") == nil {
			return iac.Resource{}, fmt.Errorf("%s: an evaluation result needs a \"metrics\" object", file)
		}
		doc = doc.Clone()
		doc.Delete("rows") // per-row outputs are not evidence of the practice, and large
		m := doc.Field("metrics")
		seen := map[string]bool{}
		for _, k := range m.Keys {
			// Keys look like "groundedness.groundedness", "groundedness.gpt_groundedness"
			// or "groundedness.groundedness_threshold"; the evaluator is the first part.
			ev, metric, _ := strings.Cut(k, ".")
			if metric == "" {
				metric = ev
			}
			base := strings.TrimSuffix(strings.TrimSuffix(metric, "_threshold"), "_result")
			base = strings.TrimPrefix(base, "gpt_")
			if !seen[base] {
				seen[base] = true
				add(names, base, m.Fields[k].Loc)
			}
			if strings.HasSuffix(metric, "_threshold") {
				add(gated, base, m.Fields[k].Loc)
			}
		}
	} else {
		doc, err = iac.DecodeYAML(file, data, 0)
		if err != nil {
			return iac.Resource{}, err
		}
		if doc.Kind != iac.Object {
			return iac.Resource{}, fmt.Errorf("%s:%d:%d: expected a mapping", file, doc.Loc.Line, doc.Loc.Column)
		}
		ms := doc.Field("metrics")
		if ms == nil || ms.Kind != iac.Array {
			return iac.Resource{}, fmt.Errorf("%s:%d:%d: expected a metrics list", file, doc.Loc.Line, doc.Loc.Column)
		}
		for _, m := range ms.Items {
			switch m.Kind {
			case iac.String:
				add(names, m.Str, m.Loc)
			case iac.Object:
				n, _, _ := m.Field("name").AsString()
				if n == "" {
					continue
				}
				add(names, n, m.Loc)
				if m.Field("min") != nil || m.Field("max") != nil || m.Field("segments") != nil {
					add(gated, n, m.Loc)
				}
			}
		}
	}
	doc.Set("metricNames", names)
	doc.Set("gatedMetrics", gated)
	name := doc.Field("name")
	if name == nil || name.Kind != iac.String {
		name = iac.NewString(strings.TrimSuffix(path.Base(file), path.Ext(file)), start)
	}
	return iac.Resource{Type: typ, Name: name, ID: file, Loc: doc.Loc, Source: "eval", Properties: doc}, nil
}
