package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awafBin is the real binary, built once for the end-to-end tests.
var awafBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "awaf-bin-")
	if err != nil {
		panic(err)
	}
	awafBin = filepath.Join(dir, "awaf")
	out, err := exec.Command("go", "build", "-o", awafBin, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCmd runs the program in-process.
func runCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestVersionAndHelp(t *testing.T) {
	out, _, err := runCmd(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "awaf ") {
		t.Errorf("version: %q %v", out, err)
	}
	out, _, err = runCmd(t, "", "--help")
	if err != nil || !strings.Contains(out, "assess") || !strings.Contains(out, "report") {
		t.Errorf("help: %q %v", out, err)
	}
	_, errOut, err := runCmd(t, "", "frobnicate")
	if exitCode(err, &bytes.Buffer{}) != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %q %v", errOut, err)
	}
}

func TestLensCommands(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"validate good", []string{"lens", "validate", "../../internal/lens/testdata/small.yaml"}, 0, []string{"lens small-lens 0.1.0 is valid: 3 questions"}},
		{"show json", []string{"lens", "show", "../../internal/lens/testdata/small.yaml", "--format", "json"}, 0,
			[]string{`"id": "identity"`, `"area": "application-design"`, `"weight": 40`, `"top10": [`}},
		{"show yaml", []string{"lens", "show", "--format=yaml", "../../internal/lens/testdata/small.yaml"}, 0, []string{"id: small-lens", "when: id_none || !id_no_keys"}},
		{"show unknown id", []string{"lens", "show", "nope"}, 2, nil},
		{"validate missing", []string{"lens", "validate", "nope.yaml"}, 2, nil},
		{"bad subcommand", []string{"lens", "explode"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCmd(t, "", tt.args...)
			if got := exitCode(err, &bytes.Buffer{}); got != tt.code {
				t.Fatalf("exit %d, want %d (%v)", got, tt.code, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%.600s", w, out)
				}
			}
		})
	}
}

func TestLensValidateListsEveryProblem(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	data, _ := os.ReadFile("../../internal/lens/testdata/small.yaml")
	broken := strings.Replace(strings.Replace(string(data), "effort: low", "effort: trivial", 1), "when: default", "when: id_bogus", 1)
	os.WriteFile(bad, []byte(broken), 0o644)
	cmd := exec.Command(awafBin, "lens", "validate", bad)
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 2 {
		t.Fatalf("exit %d: %s %v", cmd.ProcessState.ExitCode(), out, err)
	}
	for _, w := range []string{"2 problems:", bad + ":26:17:", `effort "trivial"`, "undeclared reference to 'id_bogus'"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}
