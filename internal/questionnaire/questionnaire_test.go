package questionnaire_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/questionnaire"
)

func small(t *testing.T) *awaf.Lens {
	t.Helper()
	l, err := lens.LoadFile("../lens/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// session returns a session over scripted input that records every save.
func session(t *testing.T, a *awaf.Assessment, input string) (*questionnaire.Session, *strings.Builder, *[]awaf.Assessment) {
	t.Helper()
	var out strings.Builder
	var saves []awaf.Assessment
	s := &questionnaire.Session{
		Lens: small(t), Assessment: a,
		Save: func(a *awaf.Assessment) error {
			c := *a
			c.Answers = slices.Clone(a.Answers)
			saves = append(saves, c)
			return nil
		},
		In: strings.NewReader(input), Out: &out,
	}
	return s, &out, &saves
}

const profileInput = "RAG chat\n1,2\n4,6\n2\n3\n2\n1,4\n"

func TestFullSitting(t *testing.T) {
	a := &awaf.Assessment{}
	input := profileInput +
		"?\n" + // guidance for every practice
		"7\n" + // out of range: asked again
		"note\nKeys rotated monthly until disabled\n" +
		"1, 2\n" + // identity
		"n\n" + // safety: none of these
		"na\n3\nIndex owned by another team\n" // grounding: not applicable
	s, out, saves := session(t, a, input)
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := a.Profile
	if a.Workload.Name != "RAG chat" || !slices.Equal(p.Kinds, []awaf.Kind{"generative", "agents"}) ||
		!slices.Equal(p.Components, []awaf.Component{"orchestrator", "grounding-index"}) ||
		p.Criticality != awaf.BusinessCritical || p.Sensitivity != awaf.Confidential || p.Exposure != awaf.ExposureExternal ||
		!slices.Equal(p.Priorities, []awaf.PillarID{awaf.Security, awaf.ResponsibleAI}) {
		t.Errorf("profile: %+v %+v", a.Workload, p)
	}
	want := []awaf.Answer{
		{Question: "identity", Selected: []string{"id_no_keys", "id_managed_identity"}, Note: "Keys rotated monthly until disabled"},
		{Question: "grounding", NotApplicable: &awaf.NotApplicable{Reason: awaf.NAArchitectureConstraints, Note: "Index owned by another team"}},
		{Question: "safety", Selected: []string{"sf_none"}},
	}
	if len(a.Answers) != len(want) {
		t.Fatalf("answers: %+v", a.Answers)
	}
	for i := range want {
		g, w := a.Answers[i], want[i]
		if g.Question != w.Question || !slices.Equal(g.Selected, w.Selected) || g.Note != w.Note ||
			(w.NotApplicable != nil && (g.NotApplicable == nil || *g.NotApplicable != *w.NotApplicable)) {
			t.Errorf("answer %d: got %+v, want %+v", i, g, w)
		}
	}
	// profile + identity + note + safety + grounding
	if len(*saves) != 5 {
		t.Errorf("%d saves, want one after the profile and after every answer", len(*saves))
	}
	text := out.String()
	for _, w := range []string{"Question 1 of 3", "[1/3]", "What:", "Verify:", `"7" is not a practice number from 1 to 3`, "Question 3 of 3", "All 3 questions in scope are answered"} {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	// Areas are asked in lens order: application-design (identity, safety), then grounding.
	if strings.Index(text, "content safety") > strings.Index(text, "grounding index") {
		t.Errorf("questions not asked area by area")
	}
}

func TestResumeAndQuit(t *testing.T) {
	a := &awaf.Assessment{Workload: awaf.Workload{Name: "w"}, Profile: awaf.Profile{
		Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.Standard, Sensitivity: awaf.Internal, Exposure: awaf.ExposureInternal}}
	a.SetAnswer(awaf.Answer{Question: "identity", Selected: []string{"id_retry"}})
	s, out, saves := session(t, a, "b\n\n1\nq\n") // back to the answered one, Enter keeps it
	err := s.Run(context.Background())
	if !errors.Is(err, questionnaire.ErrQuit) {
		t.Fatalf("got %v, want ErrQuit", err)
	}
	if !strings.Contains(out.String(), "Resuming at question 2 of 3") {
		t.Errorf("did not resume at the first unanswered question:\n%s", out)
	}
	if got, _ := a.Answer("safety"); got == nil || !slices.Equal(got.Selected, []string{"sf_filters"}) {
		t.Errorf("safety answer: %+v", got)
	}
	if !strings.Contains(out.String(), "[x] 3) ") {
		t.Errorf("going back does not show the saved selection:\n%s", out)
	}
	if len(*saves) != 1 {
		t.Errorf("%d saves; the complete profile must not be asked or saved again", len(*saves))
	}
}

func TestScopeByAreaAndPillar(t *testing.T) {
	base := awaf.Assessment{Workload: awaf.Workload{Name: "w"}, Profile: awaf.Profile{
		Kinds: []awaf.Kind{awaf.KindTraining}, Criticality: awaf.Standard, Sensitivity: awaf.Internal, Exposure: awaf.ExposureInternal}}
	for _, tt := range []struct {
		name   string
		pillar awaf.PillarID
		area   awaf.AreaID
		want   string
	}{
		{"area", "", "application-design", "All 2 questions in scope"},
		{"pillar", awaf.ResponsibleAI, "", "All 1 questions in scope"},
		{"grounding does not apply to training", "", "grounding-data", "No question applies"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := base
			s, out, _ := session(t, &a, "1\n1\n")
			s.Pillar, s.Area = tt.pillar, tt.area
			if err := s.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

// TestCancelLosesNothing: Ctrl-C (a cancelled context) while waiting for input
// returns at once and keeps the answers already saved.
func TestCancelLosesNothing(t *testing.T) {
	a := &awaf.Assessment{Workload: awaf.Workload{Name: "w"}, Profile: awaf.Profile{
		Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.Standard, Sensitivity: awaf.Internal, Exposure: awaf.ExposureInternal}}
	pr, pw := io.Pipe()
	s, _, saves := session(t, a, "")
	s.In = pr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	if _, err := pw.Write([]byte("1,2,3\n")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(*saves) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, questionnaire.ErrQuit) {
			t.Errorf("got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if len(*saves) != 1 || len((*saves)[0].Answers) != 1 {
		t.Errorf("saves: %+v", *saves)
	}
	pw.Close()
}

// TestEvidenceProposals: evidence shows under its choice, passing evidence on an
// unselected practice is proposed, and p confirms it without dropping the team's own
// selection.
func TestEvidenceProposals(t *testing.T) {
	a := &awaf.Assessment{Workload: awaf.Workload{Name: "w"}, Profile: awaf.Profile{
		Kinds: []awaf.Kind{awaf.KindTraining}, Criticality: awaf.Standard, Sensitivity: awaf.Internal, Exposure: awaf.ExposureInternal}}
	a.SetAnswer(awaf.Answer{Question: "identity", Selected: []string{"id_retry"}, Evidence: []awaf.Evidence{
		{Choice: "id_no_keys", Source: "scan", Passed: true, Summary: "disableLocalAuth is true", Location: &awaf.Location{File: "main.bicep", Line: 7}},
		{Choice: "id_managed_identity", Source: "scan", Passed: false, Summary: "identity is not set"},
	}})
	s, out, _ := session(t, a, "b\np\nq\n")
	s.Area = "application-design"
	if err := s.Run(context.Background()); !errors.Is(err, questionnaire.ErrQuit) {
		t.Fatal(err)
	}
	for _, w := range []string{"scan passes: disableLocalAuth is true (main.bicep:7)", "scan fails: identity is not set", "Evidence proposes 1; type p to accept"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	got, _ := a.Answer("identity")
	if !slices.Equal(got.Selected, []string{"id_retry", "id_no_keys"}) {
		t.Errorf("selected %v, want the team's choice plus the accepted proposal", got.Selected)
	}
}
