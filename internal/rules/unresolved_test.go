package rules

import (
	"testing"

	"github.com/awaf/awaf"
)

// TestUnresolvedString checks the text of a cause with its count and places.
func TestUnresolvedString(t *testing.T) {
	a := awaf.Location{File: "a.json", Line: 98, Column: 3}
	b := awaf.Location{File: "b.json", Line: 293}
	none := awaf.Location{File: "c.json"} // no line: not a place
	for _, tc := range []struct {
		u    Unresolved
		want string
	}{
		{Unresolved{Why: "x is unknown"}, "x is unknown"},
		{Unresolved{Why: "x is unknown", Loc: a}, "x is unknown at a.json:98"},
		{Unresolved{Why: "x is unknown", Loc: none, More: []awaf.Location{b}}, "x is unknown at b.json:293"},
		{Unresolved{Why: "x", Count: 1199, Loc: a, More: []awaf.Location{none, b}}, "x: 1,199 values, e.g. a.json:98, b.json:293"},
		{Unresolved{Why: "x", Count: 2}, "x: 2 values"},
		{Unresolved{Why: "x", Count: 1234567, Loc: none, More: []awaf.Location{b}}, "x: 1,234,567 values, e.g. b.json:293"},
	} {
		if got := tc.u.String(); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.u, got, tc.want)
		}
	}
}
