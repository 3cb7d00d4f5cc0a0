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
	resource := func(i int) any {
		x := &r.Resources[listed[i]]
		return DocResource{Type: x.Type, Name: displayName(x), ID: x.ID, Source: x.Source, Location: x.Loc, Via: x.Via, Existing: x.Existing}
	}
	finding := func(i int) any {
		f := &r.Findings[i]
		choices := f.Rule.Choices
		if choices == nil {
			choices = []string{}
		}
		return DocFinding{
			Rule: f.Rule.ID, Title: f.Rule.Title, Status: f.Effective(), Outcome: f.Status,
			Severity: f.Rule.Severity, Pillars: f.Rule.Pillars, Choices: choices,
			Resource: DocRef{Type: f.Resource.Type, Name: displayName(f.Resource)}, Workload: f.Workload,
			Location: f.Loc, Via: f.Resource.Via, Message: f.Message, Unresolved: f.Unresolved,
			Suppression: f.Suppression, HelpURI: f.Rule.HelpURI(),
		}
	}
	diag := func(i int) any {
		d := &r.Diagnostics[i]
		return DocDiag{Severity: d.Severity, Message: d.Message, Location: d.Loc}
	}
	return writeJSONLines(w, tool, summary, []docList{
		{"resources", len(listed), resource},
		{"findings", len(r.Findings), finding},
		{"diagnostics", len(r.Diagnostics), diag},
	})
}

// docList is one array of a Document, made an item at a time.
type docList struct {
	name string
	n    int
	item func(i int) any
}

// writeJSONLines writes a Document with one resource, finding or diagnostic per
// line: still one JSON document, readable and diff-friendly, and about three times
// cheaper than indenting every field of tens of thousands of findings. Items are
// made and written one at a time, so the report is never held in memory whole.
func writeJSONLines(w io.Writer, tool DocTool, summary DocSummary, lists []docList) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	enc.SetEscapeHTML(false)
	put := func(v any) error {
		line.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(line.Bytes(), []byte("\n")))
		return err
	}
	fmt.Fprintf(bw, "{\n  \"version\": %d,\n  \"tool\": ", 1)
	if err := put(tool); err != nil {
		return err
	}
	bw.WriteString(",\n  \"summary\": ")
	if err := put(summary); err != nil {
		return err
	}
	bw.WriteString(",\n")
	for k, l := range lists {
		fmt.Fprintf(bw, "  %q: [", l.name)
		for i := 0; i < l.n; i++ {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			if err := put(l.item(i)); err != nil {
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
