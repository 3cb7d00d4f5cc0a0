// Package questionnaire runs the assessment as a conversation in a terminal: the
// workload profile first, then the questions area by area. It reads lines, so it works
// the same in any terminal, over SSH, in a screen reader and under a test driver. It
// saves after every answer through a callback and resumes at the first unanswered
// question.
package questionnaire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
)

// ErrQuit is returned when the user stops; everything answered so far is saved.
var ErrQuit = errors.New("stopped; answers so far are saved")

// Session is one sitting of the questionnaire.
type Session struct {
	Lens       *awaf.Lens
	Assessment *awaf.Assessment
	// Save persists the assessment; it is called after the profile and after every
	// answer.
	Save func(*awaf.Assessment) error
	// Pillar and Area narrow the sitting to one pillar or one design area.
	Pillar awaf.PillarID
	Area   awaf.AreaID
	// Profile forces the profile questions even when the profile is complete.
	Profile bool
	In      io.Reader
	Out     io.Writer

	lines <-chan string
	errs  <-chan error
}

// Run asks until every question in scope is answered, the user quits, the input ends
// or ctx is cancelled (Ctrl-C). Answers are saved as they are given.
func (s *Session) Run(ctx context.Context) error {
	lines := make(chan string)
	errs := make(chan error, 1)
	s.lines, s.errs = lines, errs
	go func() {
		sc := bufio.NewScanner(s.In)
		sc.Buffer(make([]byte, 64*1024), 64*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		err := sc.Err()
		if err == nil {
			err = io.EOF
		}
		errs <- err
	}()

	if s.Profile || !s.Assessment.Profile.Complete() || s.Assessment.Workload.Name == "" {
		if err := s.askProfile(ctx); err != nil {
			return err
		}
		if err := s.Save(s.Assessment); err != nil {
			return err
		}
	}
	qs, err := s.scope()
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		s.printf("No question applies in this scope for this profile.\n")
		return nil
	}
	i := s.firstUnanswered(qs)
	if i > 0 && i < len(qs) {
		s.printf("Resuming at question %d of %d.\n", i+1, len(qs))
	}
	for i < len(qs) {
		step, err := s.ask(ctx, qs, i)
		if err != nil {
			return err
		}
		i += step
		if i < 0 {
			i = 0
		}
	}
	done := 0
	for _, q := range qs {
		if a, ok := s.Assessment.Answer(q.ID); ok && a.Answered() {
			done++
		}
	}
	s.printf("\nAll %d questions in scope are answered (%d). Run `awaf report` to see the results.\n", len(qs), done)
	return nil
}

// scope lists the questions of this sitting in asking order: area by area, in the
// lens's order, keeping those that apply to the profile.
func (s *Session) scope() ([]*awaf.Question, error) {
	var out []*awaf.Question
	for _, area := range s.Lens.Areas {
		if s.Area != "" && area.ID != s.Area {
			continue
		}
		for i := range s.Lens.Questions {
			q := &s.Lens.Questions[i]
			if q.Area != area.ID {
				continue
			}
			if s.Pillar != "" && !slices.Contains(q.Pillars, s.Pillar) {
				continue
			}
			ok, err := applies(q.AppliesWhen, s.Assessment.Profile)
			if err != nil {
				return nil, fmt.Errorf("question %s: %w", q.ID, err)
			}
			if ok {
				out = append(out, q)
			}
		}
	}
	return out, nil
}

func applies(c awaf.ProfileCondition, p awaf.Profile) (bool, error) {
	if c == nil {
		return true, nil
	}
	return c.Match(p)
}

func (s *Session) firstUnanswered(qs []*awaf.Question) int {
	for i, q := range qs {
		if a, ok := s.Assessment.Answer(q.ID); !ok || !a.Answered() {
			return i
		}
	}
	return len(qs)
}

func (s *Session) printf(format string, args ...any) {
	fmt.Fprintf(s.Out, format, args...)
}

// readLine waits for the next line, the end of input, or cancellation.
func (s *Session) readLine(ctx context.Context, prompt string) (string, error) {
	s.printf("%s", prompt)
	select {
	case <-ctx.Done():
		s.printf("\n")
		return "", ErrQuit
	case line := <-s.lines:
		return strings.TrimSpace(line), nil
	case err := <-s.errs:
		s.printf("\n")
		if err == io.EOF {
			return "", ErrQuit
		}
		return "", fmt.Errorf("read input: %w", err)
	}
}

const questionHelp = `  numbers   select practices, e.g. 1,3,4 or 1-3
  n         none of these
  p         accept the practices that scan or eval evidence proposes
  ?         guidance for every practice; ?2 for practice 2 only
  na        mark the question not applicable, with a reason
  note      add or replace a note
  s         skip for now      b  back      q  save and quit
`

// ask asks one question and returns how far to move: 1 forward, -1 back.
func (s *Session) ask(ctx context.Context, qs []*awaf.Question, i int) (int, error) {
	q := qs[i]
	area, _ := s.Lens.Area(q.Area)
	var pillars []string
	for _, p := range q.Pillars {
		if pl, ok := s.Lens.Pillar(p); ok {
			pillars = append(pillars, pl.Name)
		}
	}
	s.printf("\n[%d/%d] %s %3.0f%%  %s · %s\n", i+1, len(qs), bar(i, len(qs), 20), 100*float64(i)/float64(len(qs)), area.Name, strings.Join(pillars, ", "))
	s.printf("Question %d of %d: %s\n", i+1, len(qs), q.Title)
	if q.Description != "" {
		s.printf("  %s\n", q.Description)
	}
	choices, err := s.visibleChoices(q)
	if err != nil {
		return 0, err
	}
	ans, _ := s.Assessment.Answer(q.ID)
	current := awaf.Answer{Question: q.ID}
	if ans != nil {
		current = *ans
		current.Selected = slices.Clone(ans.Selected)
	}
	var proposed []int
	for n, c := range choices {
		mark := " "
		if slices.Contains(current.Selected, c.ID) {
			mark = "x"
		}
		s.printf("  [%s] %d) %s\n", mark, n+1, c.Title)
		for _, e := range current.Evidence {
			if e.Choice == c.ID {
				s.printf("         %s\n", evidenceLine(e))
			}
		}
		if proposedBy(current, c.ID) {
			proposed = append(proposed, n)
		}
	}
	none := noneChoice(q)
	if none != nil {
		mark := " "
		if slices.Contains(current.Selected, none.ID) {
			mark = "x"
		}
		s.printf("  [%s] n) %s\n", mark, none.Title)
	}
	if current.NotApplicable != nil {
		s.printf("  (marked not applicable: %s)\n", current.NotApplicable.Reason)
	}
	if current.Note != "" {
		s.printf("  Note: %s\n", current.Note)
	}
	if len(proposed) > 0 {
		s.printf("  Evidence proposes %s; type p to accept, or answer as usual.\n", numbers(proposed))
	}
	for {
		line, err := s.readLine(ctx, "Select (e.g. 1,3), n, ?, na, note, s, b, q: ")
		if err != nil {
			return 0, err
		}
		lower := strings.ToLower(line)
		switch {
		case lower == "q":
			return 0, ErrQuit
		case lower == "s" || (lower == "" && current.Answered()):
			return 1, nil
		case lower == "b":
			return -1, nil
		case lower == "":
			s.printf("Type the numbers of the practices in place, or n for none of these; ? shows help.\n")
		case lower == "help" || lower == "h":
			s.printf("%s", questionHelp)
		case strings.HasPrefix(lower, "?"):
			s.guidance(choices, strings.TrimSpace(lower[1:]))
		case lower == "note":
			note, err := s.readLine(ctx, "Note (one line; empty clears it): ")
			if err != nil {
				return 0, err
			}
			current.Note = note
			if err := s.store(current); err != nil {
				return 0, err
			}
			s.printf("Note saved.\n")
		case lower == "na":
			reason, err := s.pickOne(ctx, "Why does it not apply?", strs(awaf.NAReasons))
			if err != nil {
				return 0, err
			}
			current.Selected = nil
			current.NotApplicable = &awaf.NotApplicable{Reason: awaf.NAReason(reason)}
			if current.NotApplicable.Note, err = s.readLine(ctx, "Explain in a few words (optional): "); err != nil {
				return 0, err
			}
			return 1, s.store(current)
		case lower == "p":
			if len(proposed) == 0 {
				s.printf("No evidence proposes a practice here.\n")
				continue
			}
			// Accepting adds the proposed practices to what the team already selected;
			// evidence never removes a human answer.
			var sel []string
			for _, id := range current.Selected {
				if c, ok := q.Choice(id); ok && !c.None {
					sel = append(sel, id)
				}
			}
			for _, k := range proposed {
				sel = append(sel, choices[k].ID)
			}
			current.Selected = sel
			current.NotApplicable = nil
			return 1, s.store(current)
		case lower == "n":
			if none == nil {
				s.printf("This question has no \"none of these\" answer.\n")
				continue
			}
			current.Selected = []string{none.ID}
			current.NotApplicable = nil
			return 1, s.store(current)
		default:
			idx, err := parseSelection(lower, len(choices))
			if err != nil {
				s.printf("%v\n", err)
				continue
			}
			current.Selected = nil
			for _, k := range idx {
				current.Selected = append(current.Selected, choices[k].ID)
			}
			current.NotApplicable = nil
			return 1, s.store(current)
		}
	}
}

func (s *Session) store(a awaf.Answer) error {
	s.Assessment.SetAnswer(a)
	orderAnswers(s.Lens, s.Assessment)
	if err := s.Save(s.Assessment); err != nil {
		return fmt.Errorf("save answers: %w", err)
	}
	return nil
}

// orderAnswers keeps answers in the lens's question order so that files diff well.
func orderAnswers(l *awaf.Lens, a *awaf.Assessment) {
	pos := map[string]int{}
	for i, q := range l.Questions {
		pos[q.ID] = i
	}
	slices.SortStableFunc(a.Answers, func(x, y awaf.Answer) int { return pos[x.Question] - pos[y.Question] })
}

func (s *Session) visibleChoices(q *awaf.Question) ([]*awaf.Choice, error) {
	var out []*awaf.Choice
	for i := range q.Choices {
		c := &q.Choices[i]
		if c.None {
			continue
		}
		ok, err := applies(c.AppliesWhen, s.Assessment.Profile)
		if err != nil {
			return nil, fmt.Errorf("question %s: choice %s: %w", q.ID, c.ID, err)
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func noneChoice(q *awaf.Question) *awaf.Choice {
	for i := range q.Choices {
		if q.Choices[i].None {
			return &q.Choices[i]
		}
	}
	return nil
}

func (s *Session) guidance(choices []*awaf.Choice, which string) {
	show := func(n int, c *awaf.Choice) {
		s.printf("\n  %d) %s\n", n+1, c.Title)
		s.printf("     What:   %s\n", c.Guidance.What)
		s.printf("     Why:    %s\n", c.Guidance.Why)
		s.printf("     Verify: %s\n", c.Guidance.Verify)
		for _, l := range c.Links {
			s.printf("     More:   %s\n", l.URL)
		}
	}
	if which == "" {
		for n, c := range choices {
			show(n, c)
		}
		return
	}
	n, err := strconv.Atoi(which)
	if err != nil || n < 1 || n > len(choices) {
		s.printf("No practice %q; use ? or ?1 to ?%d.\n", which, len(choices))
		return
	}
	show(n-1, choices[n-1])
}

// parseSelection reads "1,3", "1 3" or "2-4" into 0-based indexes, sorted and unique.
func parseSelection(s string, n int) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		lo, hi := f, f
		if a, b, ok := strings.Cut(f, "-"); ok {
			lo, hi = a, b
		}
		from, err1 := strconv.Atoi(lo)
		to, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || from < 1 || to > n || from > to {
			return nil, fmt.Errorf("%q is not a practice number from 1 to %d (type h for help)", f, n)
		}
		for k := from; k <= to; k++ {
			if !seen[k-1] {
				seen[k-1] = true
				out = append(out, k-1)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("nothing selected (type h for help)")
	}
	slices.Sort(out)
	return out, nil
}

// proposedBy reports whether passing evidence backs a choice the team has not selected:
// a proposal the team confirms with p.
func proposedBy(a awaf.Answer, choice string) bool {
	if slices.Contains(a.Selected, choice) {
		return false
	}
	passed := false
	for _, e := range a.Evidence {
		if e.Choice == choice {
			if !e.Passed {
				return false
			}
			passed = true
		}
	}
	return passed
}

// evidenceLine describes one piece of evidence under its choice.
func evidenceLine(e awaf.Evidence) string {
	verdict := "fails"
	if e.Passed {
		verdict = "passes"
	}
	line := fmt.Sprintf("%s %s: %s", e.Source, verdict, e.Summary)
	if e.Location != nil && e.Location.File != "" {
		line += fmt.Sprintf(" (%s", e.Location.File)
		if e.Location.Line > 0 {
			line += fmt.Sprintf(":%d", e.Location.Line)
		}
		line += ")"
	}
	return line
}

// numbers lists 0-based indexes as the 1-based numbers users type.
func numbers(idx []int) string {
	s := make([]string, len(idx))
	for i, k := range idx {
		s[i] = strconv.Itoa(k + 1)
	}
	return strings.Join(s, ",")
}

// bar draws a progress bar of width cells.
func bar(done, total, width int) string {
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	return strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
