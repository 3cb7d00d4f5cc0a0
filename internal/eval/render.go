package eval

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Formats lists the output formats of Write.
var Formats = []string{"text", "json", "md", "html", "junit"}

// Write renders the report in one of Formats.
func Write(w io.Writer, rep *Report, format string) error {
	switch format {
	case "text", "":
		return writeText(w, rep)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "md", "markdown":
		return writeMarkdown(w, rep)
	case "html":
		return writeHTML(w, rep)
	case "junit":
		return writeJUnit(w, rep)
	}
	return fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

func ciString(r MetricResult) string {
	if r.CI == nil {
		return ""
	}
	return fmt.Sprintf("[%s, %s]", Num(r.CI.Lower), Num(r.CI.Upper))
}

func bound(r MetricResult) string {
	_, b, _ := within(0, r.Min, r.Max)
	return b
}

func status(p *bool) string {
	switch {
	case p == nil:
		return ""
	case *p:
		return "pass"
	}
	return "FAIL"
}

func deltaString(r MetricResult) string {
	if r.Delta == nil {
		return ""
	}
	s := signed(*r.Delta)
	if r.Changed != nil && *r.Changed {
		s += " *"
	}
	return s
}

// pValue writes tiny p-values as "< 0.0001" rather than a misleading 0.0000.
// driftCell is one drift row's optional statistics as text, empty where they do not
// apply to the column's kind.
type driftCell struct{ ks, ksP, w, chi, chiP string }

func driftCells(d DriftResult) driftCell {
	str := func(n *Num) string {
		if n == nil {
			return ""
		}
		return n.String()
	}
	c := driftCell{ks: str(d.KS), ksP: pValue(d.KSP), w: str(d.Wasserstein), chi: str(d.ChiSquare), chiP: pValue(d.ChiSquareP)}
	if d.ChiSquare != nil && d.ChiSquareDOF > 0 {
		c.chi += fmt.Sprintf(" (df %d)", d.ChiSquareDOF)
	}
	return c
}

func pValue(n *Num) string {
	switch {
	case n == nil:
		return ""
	case n.Defined() && float64(*n) < 0.0001:
		return "< 0.0001"
	}
	return n.String()
}

func signed(n Num) string {
	if !n.Defined() {
		return "n/a"
	}
	return fmt.Sprintf("%+.4f", float64(n))
}

func inputLine(in InputStats) string {
	s := fmt.Sprintf("%s %s: %d rows", in.Role, in.File, in.Rows)
	if in.Bad > 0 {
		s += fmt.Sprintf(", %d bad", in.Bad)
	}
	return s
}

func writeText(w io.Writer, rep *Report) error {
	ew := &errWriter{w: w}
	title := rep.Name
	if title == "" {
		title = rep.Config
	}
	ew.printf("awaf eval: %s (%s)\n", title, rep.Task)
	for _, in := range rep.Inputs {
		ew.printf("  %s\n", inputLine(in))
		for _, b := range in.BadRows {
			ew.printf("    line %d: %s\n", b.Line, b.Reason)
		}
		if in.Bad > len(in.BadRows) {
			ew.printf("    … and %d more\n", in.Bad-len(in.BadRows))
		}
	}
	ew.printf("\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	level := ""
	if rep.Bootstrap != nil {
		level = fmt.Sprintf("%g%% ", rep.Bootstrap.Level*100)
	}
	fmt.Fprintf(tw, "METRIC\tVALUE\t%sCI\tBASELINE\tCHANGE\tTHRESHOLD\tRESULT\n", level)
	for _, m := range rep.Metrics {
		name := m.ID
		if m.Proxy {
			name += " (proxy)"
		}
		base := ""
		if m.Baseline != nil {
			base = m.Baseline.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, m.Value, ciString(m), base, deltaString(m), bound(m), status(m.Passed))
	}
	tw.Flush()
	if hasChanged(rep) {
		ew.printf("  * the change is outside the bootstrap interval of the difference\n")
	}
	if hasProxy(rep) {
		ew.printf("  proxy: lexical word overlap standing in for an LLM judge, not a judgement of meaning\n")
	}
	for _, st := range rep.Segments {
		ew.printf("\nSegments by %s\n", st.Column)
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "VALUE\tROWS")
		for _, m := range rep.Metrics {
			fmt.Fprintf(tw, "\t%s", m.ID)
		}
		fmt.Fprintln(tw)
		for _, r := range st.Rows {
			fmt.Fprintf(tw, "%s\t%d", r.Value, r.Rows)
			if r.Skipped {
				fmt.Fprintf(tw, "\t(too few rows)")
			}
			for _, v := range r.Values {
				fmt.Fprintf(tw, "\t%s", v)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
	}
	for _, f := range rep.Fairness {
		ew.printf("\nFairness across %s: largest gap per metric\n", f.Column)
		for i, g := range f.Gaps {
			ew.printf("  %-22s %s\n", rep.Metrics[i].ID, g)
		}
		if f.DemographicParity != nil {
			ew.printf("  %-22s %s\n  %-22s %s\n", "demographic parity", *f.DemographicParity, "equalized odds", *f.EqualizedOdds)
		}
	}
	if len(rep.Drift) > 0 {
		ew.printf("\nDrift, baseline → current\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "FEATURE\tKIND\tPSI\tKS D\tKS p\tWASSERSTEIN\tCHI²\tCHI² p\n")
		for _, d := range rep.Drift {
			c := driftCells(d)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Feature, d.Kind, d.PSI, c.ks, c.ksP, c.w, c.chi, c.chiP)
		}
		tw.Flush()
	}
	if j := rep.Judge; j != nil {
		ew.printf("\nJudge %s: %d judgements sent (%d requests, %d retries), %d cached, %d failed, %d+%d tokens, cost %.4f\n",
			j.Model, j.Calls, j.Attempts, j.Retries, j.CacheHits, j.Failed, j.InputTokens, j.OutputTokens, j.Cost)
		if j.LastError != "" {
			ew.printf("  last failure: %s\n", j.LastError)
		}
	}
	for _, n := range rep.Notes {
		ew.printf("\nnote: %s\n", n)
	}
	failed := rep.Failed()
	ew.printf("\n%d checks, %d failed", len(rep.Checks), len(failed))
	if len(failed) > 0 {
		ew.printf(":\n")
		for _, c := range failed {
			ew.printf("  FAIL %s = %s, want %s\n", c.Name, c.Value, c.Bound)
		}
	} else {
		ew.printf("\n")
	}
	return ew.err
}

func hasChanged(rep *Report) bool {
	for _, m := range rep.Metrics {
		if m.Changed != nil && *m.Changed {
			return true
		}
	}
	return false
}

func hasProxy(rep *Report) bool {
	for _, m := range rep.Metrics {
		if m.Proxy {
			return true
		}
	}
	return false
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func mdEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func writeMarkdown(w io.Writer, rep *Report) error {
	ew := &errWriter{w: w}
	title := rep.Name
	if title == "" {
		title = rep.Config
	}
	verdict := "passed"
	if !rep.Passed {
		verdict = "failed"
	}
	ew.printf("# Evaluation: %s\n\nTask: %s. Result: **%s** (%d checks, %d failed).\n\n", mdEscape(title), rep.Task, verdict, len(rep.Checks), len(rep.Failed()))
	for _, in := range rep.Inputs {
		ew.printf("- %s\n", mdEscape(inputLine(in)))
		for _, b := range in.BadRows {
			ew.printf("  - line %d: %s\n", b.Line, mdEscape(b.Reason))
		}
	}
	ew.printf("\n## Metrics\n\n| Metric | Value | CI | Baseline | Change | Threshold | Result |\n|---|---:|---|---:|---:|---|---|\n")
	for _, m := range rep.Metrics {
		title := m.Title
		base := ""
		if m.Baseline != nil {
			base = m.Baseline.String()
		}
		ew.printf("| %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(title), m.Value, ciString(m), base, mdEscape(deltaString(m)), bound(m), status(m.Passed))
	}
	if hasChanged(rep) {
		ew.printf("\n\\* the change is outside the bootstrap interval of the difference.\n")
	}
	if hasProxy(rep) {
		ew.printf("\n*Proxy*: lexical word overlap standing in for an LLM judge; it does not judge meaning.\n")
	}
	for _, st := range rep.Segments {
		ew.printf("\n## Segments by %s\n\n| %s | Rows |", mdEscape(st.Column), mdEscape(st.Column))
		for _, m := range rep.Metrics {
			ew.printf(" %s |", m.ID)
		}
		ew.printf("\n|---|---:|%s\n", strings.Repeat("---:|", len(rep.Metrics)))
		for _, r := range st.Rows {
			ew.printf("| %s | %d |", mdEscape(r.Value), r.Rows)
			for i := range rep.Metrics {
				v := "(too few rows)"
				if !r.Skipped {
					v = r.Values[i].String()
				}
				ew.printf(" %s |", v)
			}
			ew.printf("\n")
		}
	}
	for _, f := range rep.Fairness {
		ew.printf("\n## Fairness across %s\n\n| Measure | Value |\n|---|---:|\n", mdEscape(f.Column))
		for i, g := range f.Gaps {
			ew.printf("| largest %s gap | %s |\n", rep.Metrics[i].ID, g)
		}
		if f.DemographicParity != nil {
			ew.printf("| demographic parity difference | %s |\n| equalized odds difference | %s |\n", *f.DemographicParity, *f.EqualizedOdds)
		}
	}
	if len(rep.Drift) > 0 {
		ew.printf("\n## Drift (baseline → current)\n\n| Feature | Kind | PSI | KS D | KS p | Wasserstein | χ² | χ² p |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
		for _, d := range rep.Drift {
			c := driftCells(d)
			ew.printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(d.Feature), d.Kind, d.PSI, c.ks, c.ksP, c.w, c.chi, c.chiP)
		}
	}
	if len(rep.Checks) > 0 {
		ew.printf("\n## Checks\n\n| Check | Value | Want | Result |\n|---|---:|---|---|\n")
		for _, c := range rep.Checks {
			ok := c.Passed
			ew.printf("| %s | %s | %s | %s |\n", mdEscape(c.Name), c.Value, c.Bound, status(&ok))
		}
	}
	for _, n := range rep.Notes {
		ew.printf("\n> note: %s\n", mdEscape(n))
	}
	return ew.err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes one test suite per check group, one test case per check, so CI
// systems list each failed gate on its own.
func writeJUnit(w io.Writer, rep *Report) error {
	name := "awaf eval"
	if rep.Name != "" {
		name += ": " + rep.Name
	}
	out := junitSuites{Name: name}
	idx := map[string]int{}
	for _, c := range rep.Checks {
		i, ok := idx[c.Group]
		if !ok {
			i = len(out.Suites)
			idx[c.Group] = i
			out.Suites = append(out.Suites, junitSuite{Name: name + " " + c.Group})
		}
		s := &out.Suites[i]
		tc := junitCase{Name: c.Name + " " + c.Bound, Classname: "awaf.eval." + c.Group}
		if !c.Passed {
			msg := fmt.Sprintf("%s = %s, want %s", c.Name, c.Value, c.Bound)
			tc.Failure = &junitFailure{Message: msg, Type: "threshold", Text: msg}
			s.Failures++
			out.Failures++
		}
		s.Tests++
		out.Tests++
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
