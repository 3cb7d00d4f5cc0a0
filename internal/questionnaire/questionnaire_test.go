package questionnaire_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
	const about = "Asks how callers prove who they are; it applies to every workload."
	s.Lens.Questions[0].Description = about
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The description is shown with the guidance (?), once, not inline with every question.
	if n := strings.Count(out.String(), about); n != 1 {
		t.Errorf("the description is shown %d times, want once (under ?)", n)
	}
	if !strings.Contains(out.String(), "About: "+about) {
		t.Errorf("guidance lacks the question's description")
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
	// 7 profile fields + identity + note + safety + grounding
	if len(*saves) != 11 {
		t.Errorf("%d saves, want one after every profile field and after every answer", len(*saves))
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

func completeProfile() *awaf.Assessment {
	return &awaf.Assessment{Workload: awaf.Workload{Name: "w"}, Profile: awaf.Profile{
		Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.Standard, Sensitivity: awaf.Internal, Exposure: awaf.ExposureInternal}}
}

// TestProfileSavedFieldByField (issue 11 item 1): a profile left half way is saved up to
// the last field given, Saved says so, and the next sitting asks only what is missing.
func TestProfileSavedFieldByField(t *testing.T) {
	a := &awaf.Assessment{}
	s, _, saves := session(t, a, "Claims bot\n1\n") // name and kinds, then the input ends
	if err := s.Run(context.Background()); !errors.Is(err, questionnaire.ErrQuit) {
		t.Fatalf("got %v", err)
	}
	if len(*saves) != 2 || !s.Saved() {
		t.Fatalf("%d saves, Saved %t", len(*saves), s.Saved())
	}
	last := (*saves)[1]
	if last.Workload.Name != "Claims bot" || len(last.Profile.Kinds) != 1 {
		t.Errorf("saved %+v", last)
	}
	s, out, _ := session(t, a, "\n2\n3\n2\n\nq\n")
	if err := s.Run(context.Background()); !errors.Is(err, questionnaire.ErrQuit) {
		t.Fatalf("second sitting: %v", err)
	}
	if strings.Contains(out.String(), "Workload name") || strings.Contains(out.String(), "Which kinds") {
		t.Errorf("the second sitting asked again for what was saved:\n%s", out)
	}
	if a.Profile.Exposure != awaf.ExposureExternal || !a.Profile.Complete() {
		t.Errorf("profile %+v", a.Profile)
	}

	// Nothing given, nothing saved: Saved reports it.
	s, _, saves = session(t, &awaf.Assessment{}, "")
	s.Run(context.Background())
	if s.Saved() || len(*saves) != 0 {
		t.Errorf("Saved %t after no input", s.Saved())
	}
}

// TestSkippedOfferedAtEnd (issue 11 item 6): a skipped question comes back at the end,
// which lists it, and the closing line counts only what is answered.
func TestSkippedOfferedAtEnd(t *testing.T) {
	a := completeProfile()
	s, out, _ := session(t, a, "s\n1\n1\n\n2\n")
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, w := range []string{"2 of 3 questions in scope are answered; 1 still open:", "  1) How do callers authenticate", "All 3 questions in scope are answered."} {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q:\n%s", w, text)
		}
	}
	if got, _ := a.Answer("identity"); got == nil || !slices.Equal(got.Selected, []string{"id_managed_identity"}) {
		t.Errorf("identity: %+v", got)
	}
	// q at the end stops with the question still open.
	a = completeProfile()
	s, out, _ = session(t, a, "s\n1\n1\nq\n")
	if err := s.Run(context.Background()); !errors.Is(err, questionnaire.ErrQuit) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(out.String(), "All 3 questions") {
		t.Errorf("claims all answered:\n%s", out)
	}
}

// TestResumeStopsAfterGap (issue 11 item 6): resuming goes to the first unanswered
// question and, once it is answered, does not walk through the answered ones.
func TestResumeStopsAfterGap(t *testing.T) {
	a := completeProfile()
	a.SetAnswer(awaf.Answer{Question: "identity", Selected: []string{"id_retry"}})
	a.SetAnswer(awaf.Answer{Question: "grounding", Selected: []string{"gr_alias"}})
	s, out, _ := session(t, a, "1\n")
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, "Resuming at question 2 of 3") || strings.Contains(text, "Question 3 of 3") || !strings.Contains(text, "All 3 questions in scope are answered.") {
		t.Errorf("output:\n%s", text)
	}
}

// TestGoToAndReview (issue 11 item 6): g N jumps to a question, r lists the answers so
// far.
func TestGoToAndReview(t *testing.T) {
	a := completeProfile()
	a.SetAnswer(awaf.Answer{Question: "identity", Selected: []string{"id_retry"}})
	s, out, _ := session(t, a, "g 3\nr\ng9\nq\n")
	if err := s.Run(context.Background()); !errors.Is(err, questionnaire.ErrQuit) {
		t.Fatalf("got %v", err)
	}
	text := out.String()
	for _, w := range []string{"Question 3 of 3: How is the grounding index kept current?", "-> Clients retry throttled calls with backoff", "-> (unanswered)",
		"Type g and a question number from 1 to 3"} {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q:\n%s", w, text)
		}
	}
}

// TestGuidancePagedAndWrapped (issue 11 item 7): guidance wraps to the terminal width,
// waits between pages, and names the question again afterwards.
func TestGuidancePagedAndWrapped(t *testing.T) {
	a := completeProfile()
	s, out, _ := session(t, a, "?\n\n\n\nq\n")
	s.Width, s.Height = 40, 8
	if err := s.Run(context.Background()); !errors.Is(err, questionnaire.ErrQuit) {
		t.Fatalf("got %v", err)
	}
	text := out.String()
	if !strings.Contains(text, "more lines: Enter shows the next page") {
		t.Errorf("guidance not paged:\n%s", text)
	}
	for _, l := range strings.Split(text, "\n") {
		// prompts are not wrapped; everything else fits
		if utf8.RuneCountInString(l) > 40 && !strings.Contains(l, "Select (e.g.") && !strings.Contains(l, "more lines") && !strings.Contains(l, "https://") && !strings.HasPrefix(l, "[1/") {
			t.Errorf("line wider than 40: %q", l)
		}
	}
	if strings.Count(text, "Question 1 of 3: How do callers") != 2 {
		t.Errorf("the question is not named again after the guidance:\n%s", text)
	}
}

func TestWrap(t *testing.T) {
	for _, tt := range []struct {
		prefix, text string
		width        int
		want         []string
	}{
		{"  1) ", "Key-based access is disabled on every account", 20, []string{"  1) Key-based", "     access is", "     disabled on", "     every account"}},
		{"", "short", 80, []string{"short"}},
		{"> ", "averyveryverylongword x", 10, []string{"> averyveryverylongword", "  x"}},
		{"x ", "", 10, []string{"x"}},
	} {
		if got := questionnaire.Wrap(tt.prefix, tt.text, tt.width); !slices.Equal(got, tt.want) {
			t.Errorf("Wrap(%q, %q, %d) = %q, want %q", tt.prefix, tt.text, tt.width, got, tt.want)
		}
	}
}
