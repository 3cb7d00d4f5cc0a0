package scan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// Document is the JSON report, version 1, as Write renders it and ReadJSON reads it.
// Documented in docs/scan.md; fields are only ever added.
type Document struct {
	Version     int           `json:"version"`
	Tool        DocTool       `json:"tool"`
	Summary     DocSummary    `json:"summary"`
	Resources   []DocResource `json:"resources"`
	Findings    []DocFinding  `json:"findings"`
	Diagnostics []DocDiag     `json:"diagnostics"`
}

// DocTool names the program that wrote a Document.
type DocTool struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Rules   int    `json:"rules"`
}

// DocSummary counts what a scan read and found.
type DocSummary struct {
	Files     int `json:"files"`
	Resources int `json:"resources"`
	Counts
	Diagnostics int `json:"diagnostics"`
}

// DocResource is one resource of a Document.
type DocResource struct {
	Type     string          `json:"type"`
	Name     string          `json:"name"`
	ID       string          `json:"id,omitempty"`
	Source   iac.Source      `json:"source"`
	Location awaf.Location   `json:"location"`
	Via      []awaf.Location `json:"via,omitempty"`
	// Existing marks a declaration of a resource deployed elsewhere that matched
	// no declared resource of the scan; one that matched is not listed apart.
	Existing bool `json:"existing,omitempty"`
}

// DocRef names the resource of a finding.
type DocRef struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// DocFinding is one rule outcome of a Document.
type DocFinding struct {
	Rule        string             `json:"rule"`
	Title       string             `json:"title"`
	Status      rules.Status       `json:"status"`  // pass, fail, unknown, suppressed
	Outcome     rules.Status       `json:"outcome"` // pass, fail, unknown
	Severity    rules.Severity     `json:"severity"`
	Pillars     []awaf.PillarID    `json:"pillars"`
	Choices     []string           `json:"choices"`
	Resource    DocRef             `json:"resource"`
	Workload    string             `json:"workload"`
	Location    awaf.Location      `json:"location"`
	Via         []awaf.Location    `json:"via,omitempty"`
	Message     string             `json:"message"`
	Unresolved  []rules.Unresolved `json:"unresolved,omitempty"`
	Suppression *Suppression       `json:"suppression,omitempty"`
	HelpURI     string             `json:"helpUri,omitempty"`
}

// DocDiag is one diagnostic of a Document.
type DocDiag struct {
	Severity iac.Severity  `json:"severity"`
	Message  string        `json:"message"`
	Location awaf.Location `json:"location"`
}

func writeJSON(w io.Writer, r *Result, opt WriteOptions) error {
	tool := DocTool{Name: "awaf", Version: opt.Version, Rules: len(r.Catalog.Rules)}
	listed := r.listed()
	summary := DocSummary{Files: len(r.Files), Resources: len(listed), Counts: r.Count(), Diagnostics: len(r.Diagnostics)}
	resource := func(dst []byte, i int) ([]byte, error) {
		return appendResource(dst, &r.Resources[listed[i]]), nil
	}
	// Findings are made in batches side by side, each maker with an encoder of its own.
	findings := func() batchFunc {
		enc := newFindingEncoder()
		return func(dst []byte, lo, hi int) ([]byte, error) {
			for i, f := range r.Findings.Between(lo, hi) {
				dst = enc.appendFinding(lineStart(dst, i), f)
			}
			return dst, nil
		}
	}
	diag := func(dst []byte, i int) ([]byte, error) {
		d := &r.Diagnostics[i]
		return appendEncoded(dst, DocDiag{Severity: d.Severity, Message: d.Message, Location: d.Loc})
	}
	return writeJSONLines(w, tool, summary, []docList{
		{name: "resources", n: len(listed), item: resource},
		{name: "findings", n: r.Findings.Len(), batch: findings},
		{name: "diagnostics", n: len(r.Diagnostics), item: diag},
	})
}

// appendEncoded appends v as json.Encoder writes it without HTML escaping, for the
// items too rare to have an appender of their own.
func appendEncoded(dst []byte, v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...), nil
}

// An itemFunc appends item i of a list to dst.
type itemFunc func(dst []byte, i int) ([]byte, error)

// docList is one array of a Document, made an item at a time, or in batches side by
// side (writeSideBySide) by the batchFuncs batch makes.
type docList struct {
	name  string
	n     int
	item  itemFunc
	batch func() batchFunc
}

// writeJSONLines writes a Document with one resource, finding or diagnostic per
// line: still one JSON document, readable and diff-friendly, and about three times
// cheaper than indenting every field of tens of thousands of findings. Items are
// made and written one at a time, so the report is never held in memory whole.
func writeJSONLines(w io.Writer, tool DocTool, summary DocSummary, lists []docList) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "{\n  \"version\": %d,\n  \"tool\": ", 1)
	line, err := appendEncoded(nil, tool)
	if err != nil {
		return err
	}
	bw.Write(line)
	bw.WriteString(",\n  \"summary\": ")
	if line, err = appendEncoded(line[:0], summary); err != nil {
		return err
	}
	bw.Write(line)
	bw.WriteString(",\n")
	for k, l := range lists {
		fmt.Fprintf(bw, "  %q: [", l.name)
		if l.batch != nil {
			if err := writeSideBySide(bw, l.n, l.batch, 0); err != nil {
				return err
			}
		}
		for i := 0; i < l.n && l.batch == nil; i++ {
			if line, err = l.item(lineStart(line[:0], i), i); err != nil {
				return err
			}
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
		if l.n > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]")
		if k < len(lists)-1 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// lineStart appends what comes before item i of an array: a comma after the item
// before, a new line and the indent.
func lineStart(dst []byte, i int) []byte {
	if i > 0 {
		dst = append(dst, ',')
	}
	return append(dst, "\n    "...)
}
