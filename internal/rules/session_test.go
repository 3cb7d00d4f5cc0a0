package rules

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// TestSessionMatchesEvaluate judges every rule fixture, with the whole catalog, in one
// go (Evaluate) and in a Session that sees the resources as they are read, unit by
// unit, and keeps only projections of them: the findings must be the same, in the
// same order, pointing at the same resources.
func TestSessionMatchesEvaluate(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cases := loadCases(t)
	profiles := []*awaf.Profile{nil, {Criticality: "mission-critical", Sensitivity: "regulated", Exposure: "external"}}
	compared, findings, projected := 0, 0, 0
	for id, cs := range cases {
		for _, c := range cs {
			for pi, p := range append([]*awaf.Profile{c.Profile}, profiles...) {
				for _, perUnit := range []bool{false, true} {
					name := fmt.Sprintf("%s/%s/profile%d/unit-per-resource=%v", id, c.Name, pi, perUnit)
					res := []iac.Resource{fixture(t, &c.Resource)}
					for i := range c.Workload {
						res = append(res, fixture(t, &c.Workload[i]))
					}
					want, err := cat.Evaluate(context.Background(), res, Options{Profile: p})
					if err != nil {
						t.Fatal(err)
					}
					s := cat.Start(Options{Profile: p})
					var kept []iac.Resource
					// A sink may change what it is given in place: give it copies.
					if perUnit {
						for i := range res {
							kept = append(kept, s.Sink([]iac.Resource{res[i]})...)
						}
					} else {
						kept = s.Sink(slices.Clone(res))
					}
					for i := range kept {
						if kept[i].Properties != res[i].Properties {
							projected++
						}
					}
					fs, err := s.Finish(context.Background(), kept)
					got := fs.Slice()
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != len(want) {
						t.Errorf("%s: %d findings in the session, %d from Evaluate", name, len(got), len(want))
						continue
					}
					for i := range got {
						a, b := got[i], want[i]
						ai, bi := indexOf(kept, a.Resource), indexOf(res, b.Resource)
						if a.Rule != b.Rule || ai != bi || ai < 0 || a.Status != b.Status || a.Message != b.Message ||
							a.Loc != b.Loc || !reflect.DeepEqual(a.Unresolved, b.Unresolved) {
							t.Errorf("%s: finding %d differs:\nsession  %s %s %s %v\nevaluate %s %s %s %v", name, i,
								a.Rule.ID, a.Status, a.Message, a.Unresolved, b.Rule.ID, b.Status, b.Message, b.Unresolved)
						}
					}
					compared++
					findings += len(got)
				}
			}
		}
	}
	if compared < 500 || findings < 2000 || projected < 100 {
		t.Errorf("only %d evaluations, %d findings, %d projected resources compared", compared, findings, projected)
	}
	t.Logf("%d evaluations, %d findings, %d projected resources", compared, findings, projected)
}

func indexOf(res []iac.Resource, r *iac.Resource) int {
	for i := range res {
		if &res[i] == r {
			return i
		}
	}
	return -1
}

// TestSessionReadsOnlyItsOwnNotes gives a session resources read in full whose notes
// it did not make (another session's, or its own number with a unit it never saw):
// it must judge them by every rule, as Evaluate does.
func TestSessionReadsOnlyItsOwnNotes(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var res []iac.Resource
	for _, cs := range loadCases(t) {
		for _, c := range cs {
			res = append(res, fixture(t, &c.Resource))
		}
	}
	want, err := cat.Evaluate(context.Background(), res, Options{})
	if err != nil || len(want) == 0 {
		t.Fatalf("%d findings from Evaluate, %v", len(want), err)
	}
	// The sessions under test judge one unit of their own first: a resource of
	// another type than res[0], so that reading its record for res[0] would show.
	own := slices.IndexFunc(res, func(r iac.Resource) bool { return r.Type != res[0].Type })
	if own < 0 {
		t.Fatal("the fixtures have one resource type")
	}
	other := cat.Start(Options{})
	other.Sink(slices.Clone(res)) // notes on its own copies, units it keeps
	cases := []struct {
		name string
		note func(s *Session, i int) iac.Judgement
	}{
		{"another session's", func(_ *Session, i int) iac.Judgement {
			return iac.Judgement{Sink: other.id, Unit: 0, Index: uint32(i)}
		}},
		{"a unit it never saw", func(s *Session, i int) iac.Judgement {
			return iac.Judgement{Sink: s.id, Unit: 3, Index: uint32(i)}
		}},
		{"a place past its unit", func(s *Session, i int) iac.Judgement {
			return iac.Judgement{Sink: s.id, Unit: 0, Index: uint32(len(res) + i)}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := cat.Start(Options{})
			s.Sink([]iac.Resource{res[own]})
			in := slices.Clone(res)
			for i := range in {
				in[i].Judgement = c.note(s, i)
			}
			fs, err := s.Finish(context.Background(), in)
			got := fs.Slice()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d findings, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i].Rule != want[i].Rule || got[i].Status != want[i].Status || got[i].Message != want[i].Message {
					t.Fatalf("finding %d: %s %s %q, want %s %s %q", i, got[i].Rule.ID, got[i].Status, got[i].Message,
						want[i].Rule.ID, want[i].Status, want[i].Message)
				}
			}
		})
	}
}
