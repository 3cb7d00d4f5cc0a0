package scan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
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
	case Text, "":
		return writeText(w, r, opt)
	case JSON:
		return writeJSON(w, r, opt)
	case SARIF:
		return writeSARIF(w, r, opt)
	case Markdown, "markdown":
		return writeMarkdown(w, r, opt)
	case JUnit:
		return writeJUnit(w, r)
	}
	return awaf.Errorf(awaf.EINVALID, "unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

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
	Source   string          `json:"source"`
	Location awaf.Location   `json:"location"`
	Via      []awaf.Location `json:"via,omitempty"`
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
	Status      string             `json:"status"`  // pass, fail, unknown, suppressed
	Outcome     string             `json:"outcome"` // pass, fail, unknown
	Severity    rules.Severity     `json:"severity"`
	Pillars     []awaf.PillarID    `json:"pillars"`
	Choices     []string           `json:"choices"`
	Resource    DocRef             `json:"resource"`
	Location    awaf.Location      `json:"location"`
	Via         []awaf.Location    `json:"via,omitempty"`
	Message     string             `json:"message"`
	Unresolved  []rules.Unresolved `json:"unresolved,omitempty"`
	Suppression *Suppression       `json:"suppression,omitempty"`
	HelpURI     string             `json:"helpUri,omitempty"`
}

// DocDiag is one diagnostic of a Document.
type DocDiag struct {
	Severity string        `json:"severity"`
	Message  string        `json:"message"`
	Location awaf.Location `json:"location"`
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

func writeJSON(w io.Writer, r *Result, opt WriteOptions) error {
	tool := DocTool{Name: "awaf", Version: opt.Version, Rules: len(r.Catalog.Rules)}
	summary := DocSummary{Files: len(r.Files), Resources: len(r.Resources), Counts: r.Count(), Diagnostics: len(r.Diagnostics)}
	resource := func(i int) any {
		x := &r.Resources[i]
		return DocResource{Type: x.Type, Name: displayName(x), ID: x.ID, Source: x.Source, Location: x.Loc, Via: x.Via}
	}
	finding := func(i int) any {
		f := &r.Findings[i]
		choices := f.Rule.Choices
		if choices == nil {
			choices = []string{}
		}
		return DocFinding{
			Rule: f.Rule.ID, Title: f.Rule.Title, Status: f.Effective(), Outcome: string(f.Status),
			Severity: f.Rule.Severity, Pillars: f.Rule.Pillars, Choices: choices,
			Resource: DocRef{Type: f.Resource.Type, Name: displayName(f.Resource)},
			Location: f.Loc, Via: f.Resource.Via, Message: f.Message, Unresolved: f.Unresolved,
			Suppression: f.Suppression, HelpURI: f.Rule.HelpURI(),
		}
	}
	diag := func(i int) any {
		d := &r.Diagnostics[i]
		return DocDiag{Severity: d.Severity, Message: d.Message, Location: d.Loc}
	}
	return writeJSONLines(w, tool, summary, []docList{
		{"resources", len(r.Resources), resource},
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

// group collects the findings of each resource, in resource order.
type group struct {
	res      *iac.Resource
	findings []*Finding
}

func groups(r *Result, keep func(*Finding) bool) []group {
	idx := map[*iac.Resource]int{}
	var out []group
	for i := range r.Findings {
		f := &r.Findings[i]
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
	case "fail":
		return 3 - f.Rule.Severity.Rank()
	case "unknown":
		return 4
	case "suppressed":
		return 5
	}
	return 6
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiGreen  = "\x1b[32m"
	ansiDim    = "\x1b[2m"
)

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

func writeText(w io.Writer, r *Result, opt WriteOptions) error {
	paint := func(code, s string) string {
		if !opt.Color {
			return s
		}
		return code + s + ansiReset
	}
	label := func(f *Finding) string {
		switch f.Effective() {
		case "fail":
			code := ansiBlue
			switch f.Rule.Severity {
			case rules.High:
				code = ansiRed
			case rules.Medium:
				code = ansiYellow
			}
			return paint(code, fmt.Sprintf("%-7s %-6s", "FAIL", f.Rule.Severity))
		case "unknown":
			return paint(ansiBlue, fmt.Sprintf("%-14s", "UNKNOWN"))
		case "suppressed":
			return paint(ansiDim, fmt.Sprintf("%-14s", "SUPPRESSED"))
		}
		return paint(ansiGreen, fmt.Sprintf("%-14s", "PASS"))
	}
	var b strings.Builder
	for _, g := range groups(r, func(f *Finding) bool { return opt.ShowPass || f.Status != rules.Pass }) {
		fmt.Fprintf(&b, "%s %s %s\n", paint(ansiBold, g.res.Type), paint(ansiBold, "'"+displayName(g.res)+"'"), paint(ansiDim, locString(g.res.Loc)))
		for _, via := range g.res.Via {
			fmt.Fprintf(&b, "  %s\n", paint(ansiDim, "via "+locString(via)))
		}
		for _, f := range g.findings {
			fmt.Fprintf(&b, "  %s %s  %s\n", label(f), f.Rule.ID, f.Message)
			if f.Loc != g.res.Loc && f.Loc.Line > 0 {
				fmt.Fprintf(&b, "  %14s %s\n", "", paint(ansiDim, "at "+locString(f.Loc)))
			}
			if s := f.Suppression; s != nil {
				fmt.Fprintf(&b, "  %14s %s\n", "", paint(ansiDim, fmt.Sprintf("suppressed (%s, %s): %s", s.Kind, locString(s.Loc), s.Reason)))
			}
			if f.Effective() == "fail" && f.Rule.HelpURI() != "" {
				fmt.Fprintf(&b, "  %14s %s\n", "", paint(ansiDim, f.Rule.HelpURI()))
			}
		}
		b.WriteString("\n")
	}
	if len(r.Diagnostics) > 0 {
		fmt.Fprintf(&b, "%s\n", paint(ansiBold, "Diagnostics"))
		for _, d := range r.Diagnostics {
			fmt.Fprintf(&b, "  %-7s %s: %s\n", d.Severity, locString(d.Loc), d.Message)
		}
		b.WriteString("\n")
	}
	c := r.Count()
	fmt.Fprintf(&b, "%s, %s, %s: %s, %s (%d high, %d medium, %d low), %s, %d suppressed, %s\n",
		count(len(r.Files), "file"), count(len(r.Resources), "resource"), count(len(r.Catalog.Rules), "rule"),
		paint(ansiGreen, fmt.Sprintf("%d pass", c.Pass)), paint(ansiRed, fmt.Sprintf("%d fail", c.Fail)), c.High, c.Medium, c.Low,
		paint(ansiBlue, fmt.Sprintf("%d unknown", c.Unknown)), c.Suppressed, count(len(r.Diagnostics), "diagnostic"))
	_, err := io.WriteString(w, b.String())
	return err
}

// count writes "1 file" or "2 files".
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func writeMarkdown(w io.Writer, r *Result, opt WriteOptions) error {
	var b strings.Builder
	c := r.Count()
	b.WriteString("# awaf scan\n\n")
	fmt.Fprintf(&b, "%s, %s, %s.\n\n", count(len(r.Files), "file"), count(len(r.Resources), "resource"), count(len(r.Catalog.Rules), "rule"))
	b.WriteString("| pass | fail | high | medium | low | unknown | suppressed | diagnostics |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d |\n\n", c.Pass, c.Fail, c.High, c.Medium, c.Low, c.Unknown, c.Suppressed, len(r.Diagnostics))
	for _, g := range groups(r, func(f *Finding) bool { return opt.ShowPass || f.Status != rules.Pass }) {
		fmt.Fprintf(&b, "## %s `%s`\n\n`%s`\n\n", mdEscape(g.res.Type), mdEscape(displayName(g.res)), locString(g.res.Loc))
		b.WriteString("| status | severity | rule | finding | location |\n|---|---|---|---|---|\n")
		for _, f := range g.findings {
			msg := mdEscape(f.Message)
			if s := f.Suppression; s != nil {
				msg += " — suppressed: " + mdEscape(s.Reason)
			}
			rule := f.Rule.ID
			if u := f.Rule.HelpURI(); u != "" {
				rule = fmt.Sprintf("[%s](%s)", f.Rule.ID, u)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` |\n", f.Effective(), f.Rule.Severity, rule, msg, locString(f.Loc))
		}
		b.WriteString("\n")
	}
	if len(r.Diagnostics) > 0 {
		b.WriteString("## Diagnostics\n\n| severity | location | message |\n|---|---|---|\n")
		for _, d := range r.Diagnostics {
			fmt.Fprintf(&b, "| %s | `%s` | %s |\n", d.Severity, locString(d.Loc), mdEscape(d.Message))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// JUnit XML: one test suite per rule, one test case per resource the rule checked.
// Failures are failures, unknowns and suppressed findings are skipped with the reason.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func writeJUnit(w io.Writer, r *Result) error {
	doc := junitSuites{Name: "awaf scan"}
	idx := map[string]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		s, ok := idx[f.Rule.ID]
		if !ok {
			s = len(doc.Suites)
			idx[f.Rule.ID] = s
			doc.Suites = append(doc.Suites, junitSuite{Name: f.Rule.ID + " " + f.Rule.Title})
		}
		tc := junitCase{Name: f.Resource.Type + " " + displayName(f.Resource), Classname: f.Rule.ID, File: f.Loc.File, Line: f.Loc.Line}
		suite := &doc.Suites[s]
		switch f.Effective() {
		case "fail":
			tc.Failure = &junitMessage{Message: f.Message, Type: string(f.Rule.Severity), Text: locString(f.Loc) + "\n" + f.Rule.Remediation.Text}
			suite.Failures++
		case "unknown", "suppressed":
			msg := f.Message
			if f.Suppression != nil {
				msg = "suppressed: " + f.Suppression.Reason
			}
			tc.Skipped = &junitMessage{Message: msg}
			suite.Skipped++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
