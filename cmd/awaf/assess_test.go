package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/awaf/awaf/internal/answers"
)

const smallLens = "../../internal/lens/testdata/small.yaml"

// ptyTerm drives the real binary through a pseudo-terminal, as a person would.
type ptyTerm struct {
	t    *testing.T
	f    *os.File
	cmd  *exec.Cmd
	buf  *syncBuffer
	seen int
}

type syncBuffer struct {
	ch  chan []byte
	all bytes.Buffer
}

func startTerm(t *testing.T, args ...string) *ptyTerm {
	t.Helper()
	return startTermSize(t, nil, args...)
}

// startTermSize starts the binary on a terminal of the given size (nil: the pty's
// default, which reports 0x0).
func startTermSize(t *testing.T, size *pty.Winsize, args ...string) *ptyTerm {
	t.Helper()
	cmd := exec.Command(awafBin, args...)
	f, err := pty.StartWithSize(cmd, size)
	if err != nil {
		t.Fatal(err)
	}
	b := &syncBuffer{ch: make(chan []byte, 64)}
	go func() {
		r := bufio.NewReader(f)
		for {
			p := make([]byte, 4096)
			n, err := r.Read(p)
			if n > 0 {
				b.ch <- p[:n]
			}
			if err != nil {
				close(b.ch)
				return
			}
		}
	}()
	t.Cleanup(func() { cmd.Process.Kill(); f.Close() })
	return &ptyTerm{t: t, f: f, cmd: cmd, buf: b}
}

// expect waits until the output since the last match contains s.
func (tm *ptyTerm) expect(s string) {
	tm.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		if i := strings.Index(tm.buf.all.String()[tm.seen:], s); i >= 0 {
			tm.seen += i + len(s)
			return
		}
		select {
		case p, ok := <-tm.buf.ch:
			if !ok {
				tm.t.Fatalf("output ended before %q:\n%s", s, tm.buf.all.String())
			}
			tm.buf.all.Write(p)
		case <-deadline:
			tm.t.Fatalf("timed out waiting for %q:\n%s", s, tm.buf.all.String())
		}
	}
}

func (tm *ptyTerm) send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.f, s); err != nil {
		tm.t.Fatal(err)
	}
}

func (tm *ptyTerm) wait() int {
	tm.t.Helper()
	go func() {
		for p := range tm.buf.ch {
			_ = p
		}
	}()
	// A binary that waits for input the test never sends is killed, not waited on
	// for the whole test timeout.
	timer := time.AfterFunc(30*time.Second, func() {
		tm.t.Errorf("the program did not exit; killed")
		tm.cmd.Process.Kill()
	})
	defer timer.Stop()
	err := tm.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return 0
}

// TestAssessInTerminal answers the profile and a question through a pty, stops with
// q, resumes, and finishes; the answers file holds everything.
func TestAssessInTerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	tm := startTerm(t, "assess", "--answers", path, "--lens", smallLens)
	tm.expect("Workload name")
	tm.send("Claims assistant\r")
	tm.expect("Numbers, e.g. 1,3")
	tm.send("1\r")
	tm.expect("Numbers, e.g. 1,3")
	tm.send("5\r")
	tm.expect("Number [")
	tm.send("1\r")
	tm.expect("Number [")
	tm.send("4\r")
	tm.expect("Number [")
	tm.send("2\r")
	tm.expect("Most important first")
	tm.send("1,2\r")
	tm.expect("[1/3]")
	tm.expect("Question 1 of 3")
	tm.send("?1\r")
	tm.expect("Verify:")
	tm.send("1,2\r")
	tm.expect("Question 2 of 3")
	tm.send("q\r")
	tm.expect("Your answers are saved")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	a, err := answers.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.Workload.Name != "Claims assistant" || a.Profile.Criticality != "mission-critical" || len(a.Answers) != 1 {
		t.Fatalf("saved: %+v", a)
	}

	tm = startTerm(t, "assess", "--answers", path, "--lens", smallLens)
	tm.expect("Resuming at question 2 of 3")
	tm.send("n\r")
	tm.expect("Question 3 of 3")
	tm.send("1\r")
	tm.expect("All 3 questions in scope are answered")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	a, err = answers.Load(path)
	if err != nil || len(a.Answers) != 3 {
		t.Fatalf("after resume: %+v %v", a, err)
	}
}

// TestAssessCtrlC: an interrupt while a question waits exits promptly and keeps every
// answer given before it.
func TestAssessCtrlC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	os.WriteFile(path, []byte(`lens: {id: small-lens, version: 0.1.0}
workload: {name: w}
profile: {kinds: [generative], criticality: standard, sensitivity: internal, exposure: internal}
answers: []
`), 0o644)
	tm := startTerm(t, "assess", "--answers", path, "--lens", smallLens)
	tm.expect("Question 1 of 3")
	tm.send("3\r")
	tm.expect("Question 2 of 3")
	if err := tm.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	tm.expect("Your answers are saved")
	tm.wait()
	a, err := answers.Load(path)
	if err != nil || len(a.Answers) != 1 || a.Answers[0].Selected[0] != "id_retry" {
		t.Fatalf("after Ctrl-C: %+v %v", a, err)
	}
}

// TestAssessNotATerminal: without a terminal, assess refuses unless nothing is left
// to ask.
func TestAssessNotATerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	base := `lens: {id: small-lens, version: 0.1.0}
workload: {name: w}
profile: {kinds: [training], criticality: standard, sensitivity: internal, exposure: internal}
answers:
  - {question: identity, selected: [id_retry]}
`
	os.WriteFile(path, []byte(base), 0o644)
	_, _, err := runCmd(t, "", "assess", "--answers", path, "--lens", smallLens)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 applicable questions unanswered") {
		t.Fatalf("incomplete: %v", err)
	}
	os.WriteFile(path, []byte(base+"  - {question: safety, selected: [sf_none]}\n"), 0o644)
	out, _, err := runCmd(t, "", "assess", "--answers", path, "--lens", smallLens)
	if err != nil || !strings.Contains(out, "all 2 applicable questions are answered") {
		t.Fatalf("complete: %q %v", out, err)
	}
}
