package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/lens"
)

// The pace the time estimate in docs/assess.md assumes; it is an estimate, not a
// measurement of people.
const (
	readingWPM       = 200 // words per minute: a slow pace for technical text
	keystrokesPerSec = 3.0 // about 36 words per minute of typing
)

// compact writes 0-based indexes as the shortest selection a user can type: 1-3,5.
func compact(idx []int) string {
	slices.Sort(idx)
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i]+1, idx[j]+1))
		default:
			for k := i; k <= j; k++ {
				parts = append(parts, strconv.Itoa(idx[k]+1))
			}
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

func indexesOf[T comparable](all, want []T) []int {
	var out []int
	for _, w := range want {
		if i := slices.Index(all, w); i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

var (
	questionRe = regexp.MustCompile(`Question (\d+) of (\d+): (.*)`)
	choiceRe   = regexp.MustCompile(`^  \[[ x]\] (\d+|n)\) (.*)$`)
	ansiRe     = regexp.MustCompile(`\x1b\[[0-9;?]*[a-zA-Z]`)
)

// TestKeystrokesForExample (issue 11 item 8) answers the example workload's profile and
// every answer of examples/rag-chat/awaf.yaml through a pseudo-terminal, reading the
// screen as a person would (question titles and practice numbers) and typing the
// fewest keys: ranges such as 1-3, n for none of these. It counts the keys and the
// words shown, checks that the resulting file holds the example's answers, and checks
// that docs/assess.md states the measured count.
func TestKeystrokesForExample(t *testing.T) {
	ex, err := answers.Load("../../examples/rag-chat/awaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := lens.Resolve(ex.Lens.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	// A wide terminal so that no title wraps; this script never pages.
	tm := startTermSize(t, &pty.Winsize{Rows: 60, Cols: 400}, "assess", "--answers", path)
	keys := 0
	send := func(s string) {
		keys += len(s)
		tm.send(s)
	}
	start := time.Now()
	p := ex.Profile
	tm.expect("Workload name")
	send(ex.Workload.Name + "\r")
	tm.expect("Numbers, e.g. 1,3")
	send(compact(indexesOf(awaf.Kinds, p.Kinds)) + "\r")
	tm.expect("Numbers, e.g. 1,3")
	send(compact(indexesOf(awaf.Components, p.Components)) + "\r")
	for _, n := range []int{slices.Index(awaf.Criticalities, p.Criticality), slices.Index(awaf.Sensitivities, p.Sensitivity), slices.Index(awaf.Exposures, p.Exposure)} {
		tm.expect("Number [")
		send(strconv.Itoa(n+1) + "\r")
	}
	tm.expect("Most important first")
	var pillars []awaf.PillarID
	for _, pl := range l.Pillars {
		pillars = append(pillars, pl.ID)
	}
	var order []string
	for _, id := range p.Priorities {
		order = append(order, strconv.Itoa(slices.Index(pillars, id)+1))
	}
	send(strings.Join(order, ",") + "\r")

	asked, skipped := 0, 0
	for {
		block := tm.until("Select (e.g. 1,3)", "questions in scope are answered")
		if !strings.HasSuffix(block, "Select (e.g. 1,3)") {
			break
		}
		m := questionRe.FindStringSubmatch(block)
		if m == nil {
			t.Fatalf("no question in:\n%s", block)
		}
		title := strings.TrimSpace(m[3])
		var q *awaf.Question
		for i := range l.Questions {
			if l.Questions[i].Title == title {
				q = &l.Questions[i]
			}
		}
		if q == nil {
			t.Fatalf("no question titled %q", title)
		}
		number := map[string]string{}
		for _, line := range strings.Split(block, "\n") {
			if c := choiceRe.FindStringSubmatch(strings.TrimRight(line, "\r")); c != nil {
				number[strings.TrimSpace(c[2])] = c[1]
			}
		}
		asked++
		a, ok := ex.Answer(q.ID)
		switch {
		case !ok || !a.Answered():
			send("s\r")
			skipped++
			continue
		case a.NotApplicable != nil:
			send("na\r")
			tm.expect("Number [")
			send(strconv.Itoa(slices.Index(awaf.NAReasons, a.NotApplicable.Reason)+1) + "\r")
			tm.expect("Explain in a few words")
			send("\r")
			continue
		}
		var idx []int
		typed := ""
		for _, id := range a.Selected {
			c, _ := q.Choice(id)
			n := number[c.Title]
			switch {
			case n == "":
				t.Fatalf("question %s: practice %q is not on the screen:\n%s", q.ID, c.Title, block)
			case n == "n":
				typed = "n"
			default:
				k, _ := strconv.Atoi(n)
				idx = append(idx, k-1)
			}
		}
		if typed == "" {
			typed = compact(idx)
		}
		send(typed + "\r")
	}
	if skipped > 0 {
		tm.expect("q saves and stops")
		send("q\r")
	}
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	elapsed := time.Since(start)

	got, err := answers.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ex.Answers {
		g, ok := got.Answer(w.Question)
		if !ok || !slices.Equal(sorted(g.Selected), sorted(w.Selected)) {
			t.Errorf("question %s: typed %v, the example has %v", w.Question, g, w.Selected)
		}
	}
	if got.Workload.Name != ex.Workload.Name || !slices.Equal(got.Profile.Components, p.Components) || !slices.Equal(got.Profile.Priorities, p.Priorities) {
		t.Errorf("profile: %+v %+v", got.Workload, got.Profile)
	}
	words := len(strings.Fields(ansiRe.ReplaceAllString(tm.buf.all.String(), " ")))
	estimate := time.Duration(float64(words)/readingWPM*float64(time.Minute) + float64(keys)/keystrokesPerSec*float64(time.Second))
	t.Logf("%d questions shown (%d skipped as the example leaves them open), %d keystrokes, %d words on screen, scripted run %s; "+
		"estimate at %d words/min reading and %.0f keys/s typing: %s",
		asked, skipped, keys, words, elapsed.Round(time.Millisecond), readingWPM, keystrokesPerSec, estimate.Round(time.Minute))

	doc, err := os.ReadFile("../../docs/assess.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d keystrokes", keys); !strings.Contains(string(doc), want) {
		t.Errorf("docs/assess.md does not state the measured %q; update it", want)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// until waits for the first of marks after the last match and returns the output from
// there up to and including it.
func (tm *ptyTerm) until(marks ...string) string {
	tm.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		rest := tm.buf.all.String()[tm.seen:]
		best, end := -1, 0
		for _, m := range marks {
			if i := strings.Index(rest, m); i >= 0 && (best < 0 || i < best) {
				best, end = i, i+len(m)
			}
		}
		if best >= 0 {
			tm.seen += end
			return rest[:end]
		}
		select {
		case p, ok := <-tm.buf.ch:
			if !ok {
				tm.t.Fatalf("output ended before %q:\n%s", marks, tm.buf.all.String())
			}
			tm.buf.all.Write(p)
		case <-deadline:
			tm.t.Fatalf("timed out waiting for %q:\n%s", marks, tm.buf.all.String()[tm.seen:])
		}
	}
}
