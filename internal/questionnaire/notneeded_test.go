package questionnaire_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/questionnaire"
)

const nnLens = `id: nn
name: NN
version: 1.0.0
pillars: [{id: security, name: Security}]
areas: [{id: app, name: App}]
questions:
  - id: retrieval
    title: How is retrieval secured?
    area: app
    pillars: [security]
    choices:
      - {id: gr_trimming, title: Security trimming, weight: 5, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/b"}]}
      - {id: gr_filter, title: Filters, weight: 5, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/c"}]}
      - {id: gr_trimming_not_needed, title: "Not needed: every document is public", notNeeded: gr_trimming, guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/d"}]}
      - {id: gr_none, title: None of these, none: true}
`

// TestNotNeededAsksForReason: picking a "not needed" choice asks why; an empty reason
// or the practice picked with it asks for the selection again.
func TestNotNeededAsksForReason(t *testing.T) {
	l, err := lens.Parse("nn.yaml", []byte(nnLens))
	if err != nil {
		t.Fatal(err)
	}
	a := &awaf.Assessment{Workload: awaf.Workload{Name: "w"}, Profile: awaf.Profile{
		Kinds: []awaf.Kind{awaf.KindGenerative}, Components: []awaf.Component{"orchestrator"}, Criticality: awaf.Standard,
		Sensitivity: awaf.Internal, Exposure: awaf.ExposureInternal, Priorities: []awaf.PillarID{awaf.Security}}}
	input := "1,3\n" + // practice and its not-needed choice: refused
		"2,3\n\n" + // empty reason: not saved
		"2,3\nThe index holds the public manual only.\n"
	var out strings.Builder
	s := &questionnaire.Session{Lens: l, Assessment: a, Save: func(*awaf.Assessment) error { return nil },
		In: strings.NewReader(input), Out: &out}
	if err := s.Run(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got, ok := a.Answer("retrieval")
	if !ok || !slices.Equal(got.Selected, []string{"gr_filter", "gr_trimming_not_needed"}) || got.Note != "The index holds the public manual only." {
		t.Fatalf("answer %+v\n%s", got, out.String())
	}
	for _, w := range []string{`"Not needed: every document is public" says "Security trimming" is not needed; select one of the two.`,
		`Why is "Security trimming" not needed for this workload?`, `Not saved: a "not needed" answer needs its reason.`} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
}
