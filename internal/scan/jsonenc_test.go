package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// encodeStd is what json.Encoder writes for v without HTML escaping, without the
// newline.
func encodeStd(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// awkward are strings that JSON escapes in every way it can.
var awkward = []string{
	"", "plain", `q"uo\te`, "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f", "<a & b>",
	"caf\u00e9 \u2028 \u2029 \U0001F600", "bad \xff utf8 \xe2\x82", "\xe2\x28\xa1",
	"ÉTAT İstanbul ΣΑΣ", "100% [x]?#y z",
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendJSONString(nil, s), encodeStd(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

func TestAppendJSONStringRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// Mostly plain ASCII, with the odd byte that needs escaping anywhere in an
	// eight-byte word, as messages and paths are.
	special := []byte{0, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0xe2, 0xff, '\n'}
	for range 40000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			switch k := r.IntN(10); {
			case k < 2:
				b[i] = byte(r.IntN(256))
			case k < 3:
				b[i] = special[r.IntN(len(special))]
			default:
				b[i] = byte(0x20 + r.IntN(0x5f))
			}
		}
		s := string(b)
		if got, want := appendJSONString(nil, s), encodeStd(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
}

// docFindingOf and sarifResultOf build the report items as the reports built them
// before the appenders (encoded by reflection); the appenders must write the same
// bytes.
func docFindingOf(f *Finding) DocFinding {
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

func sarifResultOf(f *Finding, index map[string]int) sarifResult {
	name := displayName(f.Resource)
	res := sarifResult{
		RuleID: f.Rule.ID, RuleIndex: index[f.Rule.ID],
		Kind: "fail", Level: sarifLevel(f.Rule.Severity),
		Message: sarifText{Text: fmt.Sprintf("%s '%s': %s", f.Resource.Type, name, f.Message)},
		PartialFingerprints: map[string]string{
			"awafFinding/v1": strings.ToLower(f.Rule.ID + "|" + f.Resource.Type + "|" + name),
		},
	}
	if f.Status == rules.Unknown {
		res.Kind, res.Level = "review", "none"
	}
	loc := sarifLocation{
		LogicalLocations: []sarifLogicalLoc{{Name: name, FullyQualifiedName: f.Resource.Type + "/" + name, Kind: "resource"}},
		PhysicalLocation: sarifPhysicalLoc(f.Loc),
	}
	if loc.PhysicalLocation == nil {
		loc.PhysicalLocation = sarifPhysicalLoc(f.Resource.Loc)
	}
	res.Locations = []sarifLocation{loc}
	id := 1
	for _, u := range f.Unresolved {
		if p := sarifPhysicalLoc(u.Loc); p != nil && u.Loc != f.Loc {
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{ID: id, PhysicalLocation: p, Message: &sarifText{Text: u.Why}})
			id++
		}
	}
	for _, via := range f.Resource.Via {
		if p := sarifPhysicalLoc(via); p != nil {
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{ID: id, PhysicalLocation: p, Message: &sarifText{Text: "module call that declares the resource"}})
			id++
		}
	}
	if s := f.Suppression; s != nil {
		kind := "inSource"
		if s.Kind == "baseline" {
			kind = "external"
		}
		res.Suppressions = []sarifSupp{{Kind: kind, Status: "accepted", Justification: s.Reason}}
	}
	res.Properties = map[string]any{"workload": f.Workload}
	if f.Rule.Scope == rules.ScopeWorkload {
		res.Properties["scope"] = rules.ScopeWorkload
	}
	if len(f.Rule.Choices) > 0 {
		res.Properties["lensChoices"] = f.Rule.Choices
	}
	return res
}

// awkwardFindings gives findings with every optional part set or left out and
// strings that need escaping, over a few rules and resources.
func awkwardFindings(t *testing.T) []Finding {
	cat := catalog(t)
	pick := func(i int) string { return awkward[i%len(awkward)] }
	locs := []awaf.Location{{}, {File: "a b/c#d.json"}, {File: pick(7), Line: 3}, {File: "x.bicep", Line: 4, Column: 9}, {Line: 2, Column: -1}}
	var out []Finding
	for i := range 400 {
		rule := cat.Rules[i%len(cat.Rules)]
		if i%7 == 0 {
			r := &rules.Rule{ID: rule.ID, Title: pick(i), Severity: rule.Severity}
			if i%14 == 0 {
				r.Scope = rules.ScopeWorkload
				r.Choices = []string{pick(i + 1), "b"}
				r.Links = []string{pick(i + 2)}
			}
			rule = r
		}
		res := &iac.Resource{Type: pick(i + 2), ID: pick(i + 3), Source: iac.Source(pick(i + 4)), Loc: locs[i%len(locs)], Existing: i%5 == 0}
		if i%3 == 0 {
			res.Name = iac.NewString(pick(i+5), awaf.Location{})
		} else if i%3 == 1 {
			res.Name = iac.NewUnknown("name", awaf.Location{})
		}
		if i%4 == 0 {
			res.Via = []awaf.Location{locs[(i+1)%len(locs)], locs[(i+3)%len(locs)]}
		}
		f := Finding{Rule: rule, Status: []rules.Status{rules.Pass, rules.Fail, rules.Unknown}[i%3], Resource: res,
			Loc: locs[(i+2)%len(locs)], Message: pick(i + 6), Workload: pick(i + 8)}
		if i%2 == 0 {
			f.Unresolved = []rules.Unresolved{{Why: pick(i), Loc: locs[i%len(locs)]}, {Why: pick(i + 1), Loc: f.Loc, Count: i, More: locs[:i%3]}}
		}
		if i%6 == 0 {
			f.Suppression = &rules.Suppression{Kind: []string{"inline", "baseline"}[i%2], Reason: pick(i + 9), Expires: pick(i), Loc: locs[i%len(locs)]}
		}
		out = append(out, f)
	}
	return out
}

// TestReportEncodersMatchEncodingJSON holds the JSON and SARIF appenders to the
// bytes encoding/json writes for the same items, on the findings of a real scan and
// on generated awkward ones.
func TestReportEncodersMatchEncodingJSON(t *testing.T) {
	res, err := Run(context.Background(), os.DirFS("testdata/rag"), nil, Options{Frontends: realFrontends(), Catalog: catalog(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	findings := append(res.Findings.Slice(), awkwardFindings(t)...)
	index := map[string]int{}
	for i, r := range catalog(t).Rules {
		index[r.ID] = i
	}
	jenc, senc := newFindingEncoder(), newSARIFEncoder(index)
	for i := range findings {
		f := &findings[i]
		if got, want := jenc.appendFinding(nil, f), encodeStd(t, docFindingOf(f)); !bytes.Equal(got, want) {
			t.Fatalf("finding %d, JSON:\n got %s\nwant %s", i, got, want)
		}
		if f.Status != rules.Pass {
			if got, want := senc.appendResult(nil, f), encodeStd(t, sarifResultOf(f, index)); !bytes.Equal(got, want) {
				t.Fatalf("finding %d, SARIF:\n got %s\nwant %s", i, got, want)
			}
		}
		x := f.Resource
		want := encodeStd(t, DocResource{Type: x.Type, Name: displayName(x), ID: x.ID, Source: x.Source, Location: x.Loc, Via: x.Via, Existing: x.Existing})
		if got := appendResource(nil, x); !bytes.Equal(got, want) {
			t.Fatalf("resource %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
