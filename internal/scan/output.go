package scan

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// Output formats.
const (
	Text     = "text"
	JSON     = "json"
	SARIF    = "sarif"
	Markdown = "md"
	JUnit    = "junit"
)

// Formats lists the output formats.
var Formats = []string{Text, JSON, SARIF, Markdown, JUnit}

// WriteOptions tune rendering.
type WriteOptions struct {
	Color    bool   // ANSI colours (text)
	ShowPass bool   // list passing checks too (text, md)
	Version  string // tool version (json, sarif)
}

// Write renders the result in one format.
func Write(w io.Writer, r *Result, format string, opt WriteOptions) error {
	switch format {
	case Text, "", JSON, SARIF:
		// The large reports are made on one core and written on the other.
		a := newAsyncWriter(w)
		var err error
		switch format {
		case JSON:
			err = writeJSON(a, r, opt)
		case SARIF:
			err = writeSARIF(a, r, opt)
		default:
			err = writeText(a, r, opt)
		}
		if cerr := a.Close(); err == nil {
			err = cerr
		}
		return err
	case Markdown, "markdown":
		return writeMarkdown(w, r, opt)
	case JUnit:
		return writeJUnit(w, r)
	}
	return awaf.Errorf(awaf.EINVALID, "unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// listed gives the indexes of the resources a report lists: all but the existing
// declarations that refer to a declared resource of the scan (iac.Twins).
func (r *Result) listed() []int {
	twins := iac.Twins(r.Resources)
	out := make([]int, 0, len(r.Resources)-len(twins))
	for i := range r.Resources {
		if _, ok := twins[i]; !ok {
			out = append(out, i)
		}
	}
	return out
}

func displayName(r *iac.Resource) string {
	if n, ok := r.NameString(); ok {
		return n
	}
	if r.Name.IsUnknown() {
		if r.ID != "" {
			return r.ID + " (name not known before deployment)"
		}
		return "(name not known before deployment)"
	}
	return r.ID
}

// group collects the findings of each resource, in resource order.
type group struct {
	res      *iac.Resource
	findings []*Finding
}

func groups(r *Result, keep func(*Finding) bool) []group {
	idx := map[*iac.Resource]int{}
	var out []group
	for _, f := range r.Findings.All() {
		if !keep(f) {
			continue
		}
		g, ok := idx[f.Resource]
		if !ok {
			g = len(out)
			idx[f.Resource] = g
			out = append(out, group{res: f.Resource})
		}
		out[g].findings = append(out[g].findings, f)
	}
	for _, g := range out {
		sort.SliceStable(g.findings, func(i, j int) bool {
			return statusRank(g.findings[i]) < statusRank(g.findings[j])
		})
	}
	return out
}

// statusRank orders a resource's findings: failures by severity, unknowns,
// suppressed, passes.
func statusRank(f *Finding) int {
	switch f.Effective() {
	case rules.Fail:
		return 3 - f.Rule.Severity.Rank()
	case rules.Unknown:
		return 4
	case rules.Suppressed:
		return 5
	}
	return 6
}

func locString(l awaf.Location) string {
	switch {
	case l.File == "":
		return "(no location)"
	case l.Line == 0:
		return l.File
	case l.Column == 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}
