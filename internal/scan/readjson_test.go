package scan

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/rules"
)

// TestReadJSONRoundTrip writes a real scan (with suppressions, unknowns and
// diagnostics) as JSON and reads it back: every resource, finding and diagnostic must
// come back as the Result had it.
func TestReadJSONRoundTrip(t *testing.T) {
	res, err := Run(context.Background(), os.DirFS("testdata/rag"), []string{"terraform"}, Options{Frontends: realFrontends(), Catalog: catalog(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	// A suppression and a diagnostic, so that every part of the document is used.
	res.Findings.At(0).Suppression = &Suppression{Kind: "baseline", Reason: "accepted until the cut-over", Expires: "2027-01-31"}
	res.Diagnostics = append(res.Diagnostics, res.Diagnostics...)
	var buf bytes.Buffer
	if err := Write(&buf, res, JSON, WriteOptions{Version: "1.2.3"}); err != nil {
		t.Fatal(err)
	}
	doc, err := ReadJSON(bytes.NewReader(buf.Bytes()), 0)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || doc.Tool.Name != "awaf" || doc.Tool.Version != "1.2.3" || doc.Tool.Rules != len(res.Catalog.Rules) {
		t.Errorf("header %+v %+v", doc.Version, doc.Tool)
	}
	if doc.Summary.Counts != res.Count() || doc.Summary.Files != len(res.Files) || doc.Summary.Resources != len(res.Resources) {
		t.Errorf("summary %+v, want counts %+v", doc.Summary, res.Count())
	}
	if len(doc.Resources) != len(res.Resources) || len(doc.Findings) != res.Findings.Len() || len(doc.Diagnostics) != len(res.Diagnostics) {
		t.Fatalf("read %d resources, %d findings, %d diagnostics; wrote %d, %d, %d",
			len(doc.Resources), len(doc.Findings), len(doc.Diagnostics), len(res.Resources), res.Findings.Len(), len(res.Diagnostics))
	}

	for i, f := range doc.Findings {
		w := res.Findings.At(i)
		if f.Rule != w.Rule.ID || f.Status != w.Effective() || f.Outcome != w.Status || f.Message != w.Message ||
			f.Location != w.Loc || f.Severity != w.Rule.Severity || f.Resource.Type != w.Resource.Type || len(f.Unresolved) != len(w.Unresolved) {
			t.Errorf("findings[%d] = %+v, want %+v", i, f, *w)
		}
		for j := range f.Unresolved {
			if !reflect.DeepEqual(f.Unresolved[j], w.Unresolved[j]) {
				t.Errorf("findings[%d].unresolved[%d] = %+v, want %+v", i, j, f.Unresolved[j], w.Unresolved[j])
			}
		}

		if (f.Suppression == nil) != (w.Suppression == nil) || (f.Suppression != nil && *f.Suppression != *w.Suppression) {
			t.Errorf("findings[%d].suppression = %+v, want %+v", i, f.Suppression, w.Suppression)
		}
	}
	for i, r := range doc.Resources {
		if r.Type != res.Resources[i].Type || r.Location != res.Resources[i].Loc || r.Source != res.Resources[i].Source {
			t.Errorf("resources[%d] = %+v", i, r)
		}
	}
	for i, d := range doc.Diagnostics {
		if d.Message != res.Diagnostics[i].Message || d.Location != res.Diagnostics[i].Loc {
			t.Errorf("diagnostics[%d] = %+v", i, d)
		}
	}
	if doc.Findings[0].Suppression == nil {
		t.Error("the suppression did not survive")
	}

}

func TestReadJSONErrors(t *testing.T) {
	good := `{"version": 1, "tool": {"name": "awaf", "rules": 3}, "summary": {}, "resources": [], "findings": [
    {"rule": "AWAF-X-1", "status": "fail", "outcome": "fail", "severity": "high"}
  ], "diagnostics": []}`
	cases := []struct {
		name, doc string
		limit     int64
		want      string // "" means it must read
	}{
		{"good", good, 0, ""},
		{"later fields ignored", strings.Replace(good, `"summary": {}`, `"summary": {}, "extra": [1, 2]`, 1), 0, ""},
		{"byte order mark", "\ufeff" + good, 0, ""},
		{"empty", "  \n", 0, "empty"},
		{"syntax error names line and column", strings.Replace(good, `"status": "fail",`, `"status": "fail",,`, 1), 0, "line 2, column 43"},
		{"truncated", good[:60], 0, "ends early"},
		{"wrong type names the field", strings.Replace(good, `"rules": 3`, `"rules": "3"`, 1), 0, "tool.rules holds a JSON string"},
		{"no version", `{"tool": {"name": "awaf"}}`, 0, "version is missing"},
		{"later version", strings.Replace(good, `"version": 1`, `"version": 2`, 1), 0, "version 2"},
		{"another tool", strings.Replace(good, `"awaf"`, `"trivy"`, 1), 0, `tool.name "trivy"`},
		{"bad status", strings.Replace(good, `"status": "fail"`, `"status": "maybe"`, 1), 0, `findings[0].status "maybe"`},
		{"bad outcome", strings.Replace(good, `"outcome": "fail"`, `"outcome": "suppressed"`, 1), 0, `findings[0].outcome`},
		{"bad severity", strings.Replace(good, `"high"`, `"critical"`, 1), 0, `findings[0].severity "critical"`},
		{"no rule", strings.Replace(good, `"rule": "AWAF-X-1", `, ``, 1), 0, `findings[0].rule is missing`},
		{"suppressed without why", strings.Replace(good, `"status": "fail"`, `"status": "suppressed"`, 1), 0, `suppressed without a suppression`},
		{"trailing data", good + "\n{}", 0, "line 4, column 1: data after the end"},
		{"over the limit", good, 100, "over the 100-byte limit"},
		{"not an object", `[1, 2]`, 0, "holds a JSON array"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := ReadJSON(strings.NewReader(tc.doc), tc.limit)
			if tc.want == "" {
				if err != nil || doc == nil || len(doc.Findings) != 1 {
					t.Fatalf("ReadJSON: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("read %+v, want an error with %q", doc, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`{"version": 1, "tool": {"name": "awaf"}, "findings": [{"rule": "A", "status": "pass"}]}`))
	f.Add([]byte(`{"version": 1, "tool": {"name": "awaf"}, "findings": [{"rule": "A", "status": "suppressed", "suppression": {"kind": "inline"}}]}`))
	f.Add([]byte("{\n\"version\": 1,"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ReadJSON(bytes.NewReader(data), 1<<20)
		if err == nil && (doc == nil || doc.Version != 1) {
			t.Fatalf("accepted %q as %+v", data, doc)
		}
	})
}

// TestOutcomesRoundTrip checks that a scan's JSON report, read back, gives Attach
// what the scan itself gives: the same outcome for every finding, choices and all.
func TestOutcomesRoundTrip(t *testing.T) {
	res, err := Run(context.Background(), os.DirFS("testdata/rag"), []string{"arm", "terraform"}, Options{Frontends: realFrontends(), Catalog: catalog(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	res.Findings.At(0).Suppression = &Suppression{Kind: "baseline", Reason: "accepted"}
	var buf bytes.Buffer
	if err := Write(&buf, res, JSON, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	doc, err := ReadJSON(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	want, got := res.Outcomes(), doc.Outcomes()
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%d outcomes from the report, %d from the scan", len(got), len(want))
	}
	statuses := map[rules.Status]int{}
	for i := range want {
		w, g := want[i], got[i]
		if len(w.Choices) == 0 {
			w.Choices = []string{} // the report writes no choices as []
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("outcome %d from the report %+v, from the scan %+v", i, g, w)
		}
		statuses[w.Status]++
	}
	if statuses[rules.Pass] == 0 || statuses[rules.Fail] == 0 || statuses[rules.Suppressed] != 1 {
		t.Errorf("statuses %v: want passes, failures and one suppressed", statuses)
	}
}

// TestDocumentOutcomeStatus checks the status Document.Outcomes gives a finding: the
// outcome, unless it was suppressed; the status when a hand-written report has no
// outcome.
func TestDocumentOutcomeStatus(t *testing.T) {
	cases := []struct {
		status, outcome, want rules.Status
	}{
		{rules.Fail, rules.Fail, rules.Fail},
		{rules.Suppressed, rules.Fail, rules.Suppressed},
		{rules.Suppressed, "", rules.Suppressed},
		{rules.Pass, "", rules.Pass},
		{rules.Unknown, "", rules.Unknown},
	}
	for _, c := range cases {
		doc := &Document{Findings: []DocFinding{{Rule: "R", Status: c.status, Outcome: c.outcome}}}
		if got := doc.Outcomes()[0].Status; got != c.want {
			t.Errorf("status %q, outcome %q: %q, want %q", c.status, c.outcome, got, c.want)
		}
	}
}
