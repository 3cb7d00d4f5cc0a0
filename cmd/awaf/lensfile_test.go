package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/answers"
)

// TestLensFileRecorded: answers opened with --lens FILE remember the file, relative to
// themselves, so that later commands (report, backlog, compare, combined reports) find
// the lens without --lens, wherever they are run from.
func TestLensFileRecorded(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	example, err := filepath.Abs(exampleAnswers)
	must(err)
	copyFile := func(from, to string) {
		t.Helper()
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		must(os.MkdirAll(filepath.Dir(to), 0o755))
		must(os.WriteFile(to, data, 0o644))
	}
	lensPath := filepath.Join(dir, "lenses", "policy.yaml")
	answersPath := filepath.Join(dir, "team", "awaf.yaml")
	copyFile(policyLens, lensPath)
	copyFile(policyAnswers, answersPath)

	report := func(args ...string) error {
		return run(context.Background(), append([]string{"report", "--answers", answersPath, "--format", "md"}, args...), nil, io.Discard, io.Discard)
	}
	if err := report(); err == nil {
		t.Fatal("a custom lens was found before any command recorded its file")
	}
	a, l, err := openAssessment(answersPath, lensPath, false)
	if err != nil {
		t.Fatal(err)
	}
	if a.Lens.File != "../lenses/policy.yaml" {
		t.Fatalf("recorded lens file %q, want ../lenses/policy.yaml", a.Lens.File)
	}
	must(answers.Save(answersPath, a))
	if data, _ := os.ReadFile(answersPath); !bytes.Contains(data, []byte("file: ../lenses/policy.yaml")) {
		t.Fatalf("answers file does not record the lens file:\n%s", data)
	}
	if err := report(); err != nil {
		t.Fatalf("report without --lens after the file was recorded: %v", err)
	}
	// From another working directory, and combined with the built-in example.
	t.Chdir(t.TempDir())
	var out bytes.Buffer
	if err := run(context.Background(), []string{"report", "--answers", answersPath, "--answers", example, "--format", "md"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("combined report without --lens: %v", err)
	}
	if !strings.Contains(out.String(), l.Name) {
		t.Errorf("combined report lacks lens %q", l.Name)
	}
	// A built-in id given with --lens records no file.
	if got := lensFileFor(answersPath, "azure-ai-workload"); got != "" {
		t.Errorf("built-in id recorded as file %q", got)
	}
	// A recorded file that is gone is an error naming it.
	must(os.Remove(lensPath))
	if err := report(); err == nil || !strings.Contains(err.Error(), "policy.yaml") {
		t.Errorf("missing lens file: %v", err)
	}
}
