package scan

import (
	"encoding/xml"
	"io"

	"github.com/awaf/awaf/internal/rules"
)

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
	for _, f := range r.Findings.All() {
		s, ok := idx[f.Rule.ID]
		if !ok {
			s = len(doc.Suites)
			idx[f.Rule.ID] = s
			doc.Suites = append(doc.Suites, junitSuite{Name: f.Rule.ID + " " + f.Rule.Title})
		}
		tc := junitCase{Name: f.Resource.Type + " " + displayName(f.Resource), Classname: f.Rule.ID, File: f.Loc.File, Line: f.Loc.Line}
		suite := &doc.Suites[s]
		switch f.Effective() {
		case rules.Fail:
			tc.Failure = &junitMessage{Message: f.Message, Type: string(f.Rule.Severity), Text: locString(f.Loc) + "\n" + f.Rule.Remediation.Text}
			suite.Failures++
		case rules.Unknown, rules.Suppressed:
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
