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
	"unicode/utf8"

	"github.com/awaf/awaf"
)

// ErrQuit is returned when the user stops or the input ends; everything answered so
// far has gone through Save.
var ErrQuit = errors.New("stopped")

// ErrInterrupted is returned when ctx is cancelled (Ctrl-C) while a question waits.
// It wraps ErrQuit: the answers given so far have gone through Save.
var ErrInterrupted = fmt.Errorf("interrupted: %w", ErrQuit)

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
	// Width and Height are the terminal's size: text wraps to Width (80 when 0) and
	// long text (guidance, the review) is shown a page of Height lines at a time
	// (all at once when 0).
	Width, Height int

	lines <-chan string
	errs  <-chan error
	saves int
}

// Saved reports whether any Save of this sitting succeeded.
func (s *Session) Saved() bool { return s.saves > 0 }

func (s *Session) save() error {
	if err := s.Save(s.Assessment); err != nil {
		return fmt.Errorf("save answers: %w", err)
	}
	s.saves++
	return nil
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
		// Each field is saved as it is given; a later sitting asks only what is missing.
		if err := s.askProfile(ctx, !s.Profile); err != nil {
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
	skipped := map[string]bool{} // skipped in this sitting: not offered again until the end
	i := s.nextOpen(qs, -1, skipped)
	if i > 0 && i < len(qs) {
		s.printf("Resuming at question %d of %d, the first unanswered one.\n", i+1, len(qs))
	}
	for {
		if i >= len(qs) {
			open := s.unanswered(qs)
			if len(open) == 0 {
				s.printf("\nAll %d questions in scope are answered. Run `awaf report` to see the results.\n", len(qs))
				return nil
			}
			if i, err = s.atEnd(ctx, qs, open); err != nil {
				return err
			}
			clear(skipped)
			continue
		}
		m, err := s.ask(ctx, qs, i)
		if err != nil {
			return err
		}
		switch {
		case m.jump:
			i = m.to
		case m.back:
			i = max(i-1, 0)
		default:
			if m.skip {
				skipped[qs[i].ID] = true
			}
			i = s.nextOpen(qs, i, skipped)
		}
	}
}

// move says where to go after a question: the next open one (skip marks this one
// skipped for the sitting), the previous one, or question to.
type move struct {
	skip, back, jump bool
	to               int
}

// nextOpen gives the first question after i that is unanswered and was not skipped in
// this sitting, or len(qs).
func (s *Session) nextOpen(qs []*awaf.Question, i int, skipped map[string]bool) int {
	for j := i + 1; j < len(qs); j++ {
		if a, ok := s.Assessment.Answer(qs[j].ID); (!ok || !a.Answered()) && !skipped[qs[j].ID] {
			return j
		}
	}
	return len(qs)
}

// unanswered lists the indexes of the questions without an answer.
func (s *Session) unanswered(qs []*awaf.Question) []int {
	var out []int
	for i, q := range qs {
		if a, ok := s.Assessment.Answer(q.ID); !ok || !a.Answered() {
			out = append(out, i)
		}
	}
	return out
}

// atEnd lists the questions still unanswered once the sitting has been through every
// question, and asks where to go.
func (s *Session) atEnd(ctx context.Context, qs []*awaf.Question, open []int) (int, error) {
	s.printf("\n%d of %d questions in scope are answered; %d still open:\n", len(qs)-len(open), len(qs), len(open))
	for _, k := range open {
		s.para(fmt.Sprintf("  %d) ", k+1), qs[k].Title)
	}
	for {
		line, err := s.readLine(ctx, "Enter answers them in turn, g N goes to question N, r reviews, q saves and stops: ")
		if err != nil {
			return 0, err
		}
		lower := strings.ToLower(line)
		switch {
		case lower == "":
			return open[0], nil
		case lower == "q":
			return 0, ErrQuit
		case lower == "r":
			if err := s.review(ctx, qs); err != nil {
				return 0, err
			}
		case strings.HasPrefix(lower, "g"):
			if n, ok := s.goTo(lower, len(qs)); ok {
				return n, nil
			}
		default:
			s.printf("Press Enter, or type g N, r or q.\n")
		}
	}
}

// goTo reads "g N" (or "g") into a 0-based question index.
func (s *Session) goTo(cmd string, n int) (int, bool) {
	arg := strings.TrimSpace(strings.TrimPrefix(cmd, "g"))
	k, err := strconv.Atoi(arg)
	if err != nil || k < 1 || k > n {
		s.printf("Type g and a question number from 1 to %d, e.g. g 3.\n", n)
		return 0, false
	}
	return k - 1, true
}

// review lists every question in scope with its answer so far, a page at a time.
func (s *Session) review(ctx context.Context, qs []*awaf.Question) error {
	var lines []string
	for i, q := range qs {
		lines = append(lines, s.wrap(fmt.Sprintf("%3d) ", i+1), q.Title)...)
		a, ok := s.Assessment.Answer(q.ID)
		var what string
		switch {
		case !ok || !a.Answered():
			what = "(unanswered)"
		case a.NotApplicable != nil:
			what = "not applicable: " + string(a.NotApplicable.Reason)
		default:
			var titles []string
			for _, id := range a.Selected {
				if c, ok := q.Choice(id); ok {
					titles = append(titles, c.Title)
				} else {
					titles = append(titles, id)
				}
			}
			what = strings.Join(titles, "; ")
		}
		lines = append(lines, s.wrap("     -> ", what)...)
	}
	return s.page(ctx, lines)
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

func (s *Session) printf(format string, args ...any) {
	fmt.Fprintf(s.Out, format, args...)
}

// readLine waits for the next line, the end of input, or cancellation.
func (s *Session) readLine(ctx context.Context, prompt string) (string, error) {
	s.printf("%s", prompt)
	select {
	case <-ctx.Done():
		s.printf("\n")
		return "", ErrInterrupted
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

func (s *Session) width() int {
	if s.Width >= 20 {
		return s.Width
	}
	return 80
}

// wrap breaks text into lines that fit the terminal: the first starts with prefix,
// the others are indented to line up under the text.
func (s *Session) wrap(prefix, text string) []string {
	return Wrap(prefix, text, s.width())
}

// para prints text wrapped under prefix.
func (s *Session) para(prefix, text string) {
	for _, l := range s.wrap(prefix, text) {
		s.printf("%s\n", l)
	}
}

// Wrap breaks text into lines of at most width characters (a longer word stands on
// its own line): the first line starts with prefix, the rest with as many spaces.
func Wrap(prefix, text string, width int) []string {
	indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
	var out []string
	line, n := prefix, utf8.RuneCountInString(prefix)
	empty := true
	for _, w := range strings.Fields(text) {
		wn := utf8.RuneCountInString(w)
		if !empty && n+1+wn > width {
			out = append(out, line)
			line, n, empty = indent, len(indent), true
		}
		if !empty {
			line += " "
			n++
		}
		line += w
		n += wn
		empty = false
	}
	return append(out, strings.TrimRight(line, " "))
}

// page prints lines a screen at a time, waiting for Enter between screens, so that
// long text does not scroll the question away; q ends it early.
func (s *Session) page(ctx context.Context, lines []string) error {
	size := s.Height - 2
	if s.Height <= 0 || len(lines) <= size+1 {
		for _, l := range lines {
			s.printf("%s\n", l)
		}
		return nil
	}
	for len(lines) > 0 {
		n := min(size, len(lines))
		if len(lines)-n == 1 {
			n++ // a page for one line is not worth a key press
		}
		for _, l := range lines[:n] {
			s.printf("%s\n", l)
		}
		lines = lines[n:]
		if len(lines) == 0 {
			return nil
		}
		line, err := s.readLine(ctx, fmt.Sprintf("-- %d more lines: Enter shows the next page, q stops --", len(lines)))
		if err != nil {
			return err
		}
		if strings.EqualFold(line, "q") {
			return nil
		}
	}
	return nil
}

const questionHelp = `  numbers   select practices, e.g. 1,3,4 or 1-3
  n         none of these
  p         accept the practices that scan or eval evidence proposes
  ?         guidance for every practice; ?2 for practice 2 only
  na        mark the question not applicable, with a reason
  note      add or replace a note
  s         skip for now (offered again at the end)
  b         back              g N  go to question N
  r         review the answers so far
  q         save and quit
`

// ask asks one question and says where to go next.
func (s *Session) ask(ctx context.Context, qs []*awaf.Question, i int) (move, error) {
	q := qs[i]
	area, _ := s.Lens.Area(q.Area)
	var pillars []string
	for _, p := range q.Pillars {
		if pl, ok := s.Lens.Pillar(p); ok {
			pillars = append(pillars, pl.Name)
		}
	}
	s.printf("\n[%d/%d] %s %3.0f%%  %s · %s\n", i+1, len(qs), bar(i, len(qs), 20), 100*float64(i)/float64(len(qs)), area.Name, strings.Join(pillars, ", "))
	title := fmt.Sprintf("Question %d of %d: ", i+1, len(qs))
	s.para(title, q.Title)
	if q.Description != "" {
		s.para("  ", q.Description)
	}
	choices, err := s.visibleChoices(q)
	if err != nil {
		return move{}, err
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
		s.para(fmt.Sprintf("  [%s] %d) ", mark, n+1), c.Title)
		for _, e := range current.Evidence {
			if e.Choice == c.ID {
				s.para("         ", evidenceLine(e))
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
		s.para(fmt.Sprintf("  [%s] n) ", mark), none.Title)
	}
	if current.NotApplicable != nil {
		s.printf("  (marked not applicable: %s)\n", current.NotApplicable.Reason)
	}
	if current.Note != "" {
		s.para("  Note: ", current.Note)
	}
	if len(proposed) > 0 {
		s.printf("  Evidence proposes %s; type p to accept, or answer as usual.\n", numbers(proposed))
	}
	// After text that may have pushed the question off the screen, name it again.
	remind := func() {
		s.printf("\n")
		s.para(title, q.Title)
	}
	for {
		line, err := s.readLine(ctx, "Select (e.g. 1,3), n, ?, na, note, s, b, g N, r, q: ")
		if err != nil {
			return move{}, err
		}
		lower := strings.ToLower(line)
		switch {
		case lower == "q":
			return move{}, ErrQuit
		case lower == "" && current.Answered():
			return move{}, nil
		case lower == "s":
			return move{skip: !current.Answered()}, nil
		case lower == "b":
			return move{back: true}, nil
		case lower == "r":
			if err := s.review(ctx, qs); err != nil {
				return move{}, err
			}
			remind()
		case lower == "g" || strings.HasPrefix(lower, "g ") || (strings.HasPrefix(lower, "g") && isDigits(lower[1:])):
			if n, ok := s.goTo(lower, len(qs)); ok {
				return move{jump: true, to: n}, nil
			}
		case lower == "":
			s.printf("Type the numbers of the practices in place, or n for none of these; h shows help.\n")
		case lower == "help" || lower == "h":
			s.printf("%s", questionHelp)
		case strings.HasPrefix(lower, "?"):
			if err := s.guidance(ctx, choices, strings.TrimSpace(lower[1:])); err != nil {
				return move{}, err
			}
			remind()
		case lower == "note":
			note, err := s.readLine(ctx, "Note (one line; empty clears it): ")
			if err != nil {
				return move{}, err
			}
			current.Note = note
			if err := s.store(current); err != nil {
				return move{}, err
			}
			s.printf("Note saved.\n")
		case lower == "na":
			reason, err := s.pickOne(ctx, "Why does it not apply?", strs(awaf.NAReasons))
			if err != nil {
				return move{}, err
			}
			current.Selected = nil
			current.NotApplicable = &awaf.NotApplicable{Reason: awaf.NAReason(reason)}
			if current.NotApplicable.Note, err = s.readLine(ctx, "Explain in a few words (optional): "); err != nil {
				return move{}, err
			}
			return move{}, s.store(current)
		case lower == "p":
			if len(proposed) == 0 {
				s.printf("No evidence proposes a practice here.\n")
				continue
			}
			// Accepting adds the proposed practices to what the team already selected;
			// evidence never removes a human answer.
			// A "not needed" choice gives way when evidence shows its practice in place.
			var sel []string
			for _, id := range current.Selected {
				if c, ok := q.Choice(id); ok && !c.None && !slices.ContainsFunc(proposed, func(k int) bool { return choices[k].ID == c.NotNeeded }) {
					sel = append(sel, id)
				}
			}
			for _, k := range proposed {
				sel = append(sel, choices[k].ID)
			}
			current.Selected = sel
			current.NotApplicable = nil
			return move{}, s.store(current)
		case lower == "n":
			if none == nil {
				s.printf("This question has no \"none of these\" answer.\n")
				continue
			}
			current.Selected = []string{none.ID}
			current.NotApplicable = nil
			return move{}, s.store(current)
		default:
			idx, err := parseSelection(lower, len(choices))
			if err != nil {
				s.printf("%v\n", err)
				continue
			}
			var sel []string
			for _, k := range idx {
				sel = append(sel, choices[k].ID)
			}
			note, ok, err := s.notNeededReason(ctx, q, sel, current.Note)
			if err != nil {
				return move{}, err
			}
			if !ok {
				continue
			}
			current.Selected, current.Note = sel, note
			current.NotApplicable = nil
			return move{}, s.store(current)
		}
	}
}

// notNeededReason checks a selection that holds a "not needed" choice: it may not
// come with the practice it stands in for, and it needs its reason, which is asked
// for when the note is empty. ok is false when the selection is to be typed again.
func (s *Session) notNeededReason(ctx context.Context, q *awaf.Question, sel []string, note string) (string, bool, error) {
	for _, id := range sel {
		c, _ := q.Choice(id)
		if c == nil || c.NotNeeded == "" {
			continue
		}
		practice, _ := q.Choice(c.NotNeeded)
		if slices.Contains(sel, c.NotNeeded) {
			s.printf("%q says %q is not needed; select one of the two.\n", c.Title, practice.Title)
			return note, false, nil
		}
		for strings.TrimSpace(note) == "" {
			line, err := s.readLine(ctx, fmt.Sprintf("Why is %q not needed for this workload? (required; empty cancels): ", practice.Title))
			if err != nil {
				return "", false, err
			}
			if strings.TrimSpace(line) == "" {
				s.printf("Not saved: a \"not needed\" answer needs its reason.\n")
				return note, false, nil
			}
			note = strings.TrimSpace(line)
		}
	}
	return note, true, nil
}

func isDigits(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (s *Session) store(a awaf.Answer) error {
	s.Assessment.SetAnswer(a)
	orderAnswers(s.Lens, s.Assessment)
	return s.save()
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

// guidance shows what, why and how to verify each practice (or practice which), a
// page at a time and wrapped to the terminal.
func (s *Session) guidance(ctx context.Context, choices []*awaf.Choice, which string) error {
	var lines []string
	add := func(n int, c *awaf.Choice) {
		lines = append(lines, "")
		lines = append(lines, s.wrap(fmt.Sprintf("  %d) ", n+1), c.Title)...)
		lines = append(lines, s.wrap("     What:   ", c.Guidance.What)...)
		lines = append(lines, s.wrap("     Why:    ", c.Guidance.Why)...)
		lines = append(lines, s.wrap("     Verify: ", c.Guidance.Verify)...)
		for _, l := range c.Links {
			lines = append(lines, "     More:   "+l.URL)
		}
	}
	if which == "" {
		for n, c := range choices {
			add(n, c)
		}
		return s.page(ctx, lines)
	}
	n, err := strconv.Atoi(which)
	if err != nil || n < 1 || n > len(choices) {
		s.printf("No practice %q; use ? or ?1 to ?%d.\n", which, len(choices))
		return nil
	}
	add(n-1, choices[n-1])
	return s.page(ctx, lines)
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
