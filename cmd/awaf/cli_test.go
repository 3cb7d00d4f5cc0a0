package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf/internal/sharedtest"
)

// runExit runs the program in-process and returns stdout, everything on stderr
// (including what main prints for the error) and the exit code.
func runExit(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return out.String(), errb.String(), code
}

// commandPaths lists every command of the tree, as the words a user types.
func commandPaths() [][]string {
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
	}
	walk(newRootCmd(&streams{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &bytes.Buffer{}}), nil)
	return paths
}

// TestHelpEveryCommand (issue 11 item 9): for every command, --help and -h print its
// help on stdout, nothing on stderr, exit 0, through the real binary; every help has
// examples and shows no type names or [=true|false] where a placeholder belongs.
func TestHelpEveryCommand(t *testing.T) {
	bare := regexp.MustCompile(`--[a-z-]+ (string|stringArray|float64|int|bool)\b|\[=true\|false\]`)
	paths := commandPaths()
	if len(paths) < 30 {
		t.Fatalf("only %d commands in the tree", len(paths))
	}
	for _, p := range paths {
		// Every command answers a misspelt flag the same way: one line, its help, exit 2.
		t.Run(strings.Join(append(append([]string{"awaf"}, p...), "--no-such-flag"), " "), func(t *testing.T) {
			cmd := exec.Command(awafBin, append(append([]string{}, p...), "--no-such-flag")...)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			cmd.Run()
			want := "awaf: unknown flag --no-such-flag\nsee '" + strings.Join(append([]string{"awaf"}, p...), " ") + " --help'\n"
			if code := cmd.ProcessState.ExitCode(); code != 2 || out.Len() != 0 || errb.String() != want {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out.String(), errb.String(), want)
			}
		})
		for _, flag := range []string{"--help", "-h"} {
			name := strings.Join(append(append([]string{"awaf"}, p...), flag), " ")
			t.Run(name, func(t *testing.T) {
				cmd := exec.Command(awafBin, append(append([]string{}, p...), flag)...)
				var out, errb bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errb
				err := cmd.Run()
				if err != nil || errb.Len() != 0 {
					t.Fatalf("exit %v, stderr %q", err, errb.String())
				}
				help := out.String()
				if !strings.Contains(help, "Usage:") || !strings.Contains(help, "Examples:\n  ") {
					t.Errorf("help lacks usage or examples:\n%s", help)
				}
				if m := bare.FindString(help); m != "" {
					t.Errorf("help shows %q:\n%s", m, help)
				}
			})
		}
	}
}

// TestHelpForms (item 9): help reaches the same text every way; help never runs the
// command; an unknown help topic is a usage error with a suggestion.
func TestHelpForms(t *testing.T) {
	viaHelp, _, code := runExit(t, "", "help", "report")
	viaFlag, _, _ := runExit(t, "", "report", "--help")
	if code != 0 || viaHelp != viaFlag || !strings.Contains(viaHelp, "--answers FILE") {
		t.Errorf("awaf help report (exit %d) differs from report --help:\n%s", code, viaHelp)
	}
	out, _, code := runExit(t, "", "lens", "list", "--help")
	if code != 0 || strings.Contains(out, "azure-ai-workload") || !strings.Contains(out, "list the built-in lenses") {
		t.Errorf("lens list --help ran the list (exit %d):\n%s", code, out)
	}
	for _, args := range [][]string{{"lens", "import", "--help"}, {"import", "--help"}, {"help", "lens", "import"}, {"lens"}, {}} {
		out, errOut, code := runExit(t, "", args...)
		if code != 0 || errOut != "" || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	_, errOut, code := runExit(t, "", "help", "reprot")
	if code != 2 || !strings.Contains(errOut, `did you mean "report"?`) {
		t.Errorf("help reprot: exit %d, %q", code, errOut)
	}
}

// TestUsageErrors (item 9): misspelt commands, flags and values get one line with a
// suggestion and a pointer to the command's help, on stderr, exit 2.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
		help string
	}{
		{"command", []string{"scna"}, `unknown command "scna"; did you mean "scan"?`, "awaf"},
		{"subcommand", []string{"lens", "shwo"}, `unknown command "shwo" for awaf lens; did you mean "show"?`, "awaf lens"},
		{"flag", []string{"scan", "--formt", "json"}, `unknown flag --formt; did you mean "--format"?`, "awaf scan"},
		{"scan format", []string{"scan", "--format", "sarf"}, `--format "sarf": want text, json, sarif, md or junit; did you mean "sarif"?`, "awaf scan"},
		{"report format", []string{"report", "--format", "htm"}, `did you mean "html"?`, "awaf report"},
		{"report format far off", []string{"report", "--format", "pdf"}, `--format "pdf": want md, html, json, csv or xlsx`, "awaf report"},
		{"backlog target", []string{"backlog", "--target", "jria"}, `did you mean "jira"?`, "awaf backlog"},
		{"horizon list", []string{"backlog", "--target", "ado", "--horizon", "now,nxet"}, `--horizon "nxet": want now, next or later; did you mean "next"?`, "awaf backlog"},
		{"pillar list", []string{"backlog", "--target", "ado", "--pillar", "Security,reliabilty"}, `--pillar "reliabilty": want security, reliability, cost, operations, performance or responsible-ai; did you mean "reliability"?`, "awaf backlog"},
		{"global flag value", []string{"lens", "list", "--color", "allways"}, `did you mean "always"?`, "awaf lens list"},
		{"compare arguments", []string{"compare", "a.yaml"}, "awaf compare takes two answers files: OLD NEW (got 1 argument)", "awaf compare"},
		{"stray argument", []string{"report", "extra"}, "unexpected arguments: extra", "awaf report"},
		{"completion shell", []string{"completion", "bsh"}, `did you mean "bash"?`, "awaf completion"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runExit(t, "", c.args...)
			if code != 2 || out != "" {
				t.Fatalf("exit %d, stdout %q", code, out)
			}
			want := "awaf: " + c.want
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			if len(lines) != 2 || !strings.Contains(lines[0], c.want) || !strings.HasPrefix(lines[0], "awaf: ") || lines[1] != "see '"+c.help+" --help'" {
				t.Errorf("stderr %q, want one line with %q and see '%s --help'", errOut, want, c.help)
			}
		})
	}
}

// TestEnumCase: enum values are taken in any case and passed on as listed.
func TestEnumCase(t *testing.T) {
	out, errOut, code := runExit(t, "", "lens", "show", "--format", "JSON")
	if code != 0 || !strings.HasPrefix(out, "{") {
		t.Errorf("exit %d, %q, stdout starts %.20q", code, errOut, out)
	}
}

// TestCompletion (item 9): scripts for four shells, and completion of lens, pillar and
// area ids, read from the built-in lens or the --lens file.
func TestCompletion(t *testing.T) {
	for shell, marker := range map[string]string{"bash": "complete -o default -F __start_awaf awaf", "zsh": "#compdef awaf", "fish": "complete -c awaf", "powershell": "Register-ArgumentCompleter"} {
		out, errOut, code := runExit(t, "", "completion", shell)
		if code != 0 || !strings.Contains(out, marker) {
			t.Errorf("completion %s: exit %d %q, script lacks %q", shell, code, errOut, marker)
		}
	}
	cases := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"area of the built-in lens", []string{"assess", "--area", ""}, []string{"grounding-data"}, nil},
		{"pillar of a lens file", []string{"assess", "--lens", smallLens, "--pillar", ""}, []string{"security", "responsible-ai"}, []string{"operations"}},
		{"pillars as a list", []string{"backlog", "--pillar", "security,rel"}, []string{"security,reliability"}, nil},
		{"lens ids", []string{"lens", "show", ""}, []string{"azure-ai-workload"}, nil},
		{"scan format", []string{"scan", "--format", "sa"}, []string{"sarif"}, []string{"json"}},
		{"commands", []string{"lens", ""}, []string{"upgrade", "validate"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runExit(t, "", append([]string{"__complete"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			words := map[string]bool{}
			for _, l := range strings.Split(out, "\n") {
				words[strings.SplitN(l, "\t", 2)[0]] = true
			}
			for _, w := range c.want {
				if !words[w] {
					t.Errorf("completions lack %q:\n%s", w, out)
				}
			}
			for _, w := range c.not {
				if words[w] {
					t.Errorf("completions offer %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestErrorVocabulary (item 10): a folder where a file belongs, a missing file, and an
// output in a missing folder read the same in every command: the user's path and what
// was expected, no internal code, exit 2.
func TestErrorVocabulary(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	out := filepath.Join(dir, "no", "such", "out.txt")
	ragCSV := sharedtest.Dir(t, "ms-assessment-csv")
	csvs, _ := filepath.Glob(filepath.Join(ragCSV, "*.csv"))
	if len(csvs) == 0 {
		t.Fatal("no CSV in the shared test data")
	}
	awsLens := sharedtest.Dir(t, "lenses/aws/generative-ai-lens.json")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"report answers", []string{"report", "--answers", folder}, folder + " is a folder: want an answers file"},
		{"backlog answers", []string{"backlog", "--target", "ado", "--answers", folder}, folder + " is a folder: want an answers file"},
		{"compare", []string{"compare", folder, exampleAnswers}, folder + " is a folder: want an answers file"},
		{"assess", []string{"assess", "--answers", folder}, folder + " is a folder: want an answers file"},
		{"push", []string{"push", "--server", "http://127.0.0.1:1", "--token", "t", "--answers", folder}, folder + " is a folder: want an answers file"},
		{"lens upgrade", []string{"lens", "upgrade", "--to", "1.0.0", "--answers", folder}, folder + " is a folder: want an answers file"},
		{"lens validate", []string{"lens", "validate", folder}, folder + " is a folder: want a lens file"},
		{"lens show", []string{"lens", "show", folder}, folder + " is a folder: want a lens file"},
		{"report lens", []string{"report", "--answers", exampleAnswers, "--lens", folder}, folder + " is a folder: want a lens file"},
		{"eval config", []string{"eval", "--config", folder}, folder + " is a folder: want an eval config file"},
		{"scan baseline", []string{"scan", ragARM, "--baseline", folder}, folder + " is a folder: want a baseline file"},
		{"scan rules", []string{"scan", ragARM, "--rules", missing}, missing + " does not exist: want a folder of rule files"},
		{"import csv", []string{"import", "ms-csv", folder}, folder + " is a folder: want a CSV file"},
		{"lens import", []string{"lens", "import", "aws", folder}, folder + " is a folder: want an AWS custom lens"},
		{"missing answers", []string{"report", "--answers", missing}, missing + " does not exist: want an answers file"},
		{"missing config", []string{"eval", "--config", missing}, missing + " does not exist: want an eval config file"},
		{"report output", []string{"report", "--answers", exampleAnswers, "-o", out}, "cannot write " + out + ": folder " + filepath.Dir(out) + " does not exist"},
		{"backlog output", []string{"backlog", "--target", "ado", "--answers", exampleAnswers, "--output", out}, "cannot write " + out},
		{"compare output", []string{"compare", exampleAnswers, exampleAnswers, "-o", out}, "cannot write " + out},
		{"scan output", []string{"scan", ragARM, "-o", out}, "cannot write " + out},
		{"assess new answers", []string{"assess", "--answers", out}, "cannot write " + out},
		{"scan new answers", []string{"scan", ragARM, "--propose", "--answers", out}, "cannot write " + out},
		{"scan baseline output", []string{"scan", ragARM, "--write-baseline", out, "--baseline-reason", "r"}, "cannot write " + out},
		{"eval output", []string{"eval", "--config", filepath.Join(evalExamples, "classification", "awaf-eval.yaml"), "-o", out}, "cannot write " + out},
		{"lens new output", []string{"lens", "new", "team-x", "-o", out}, "cannot write " + out},
		{"lens export output", []string{"lens", "export", "aws", "azure-ai-workload", "-o", out}, "cannot write " + out},
		{"lens import output", []string{"lens", "import", "aws", awsLens, "-o", out}, "cannot write " + out},
		{"import output", []string{"import", "ms-csv", csvs[0], "-o", out}, "cannot write " + out},
		{"output is a folder", []string{"report", "--answers", exampleAnswers, "-o", folder}, "cannot write " + folder + ": it is a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := runExit(t, "", c.args...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, c.want)
			}
			for _, internal := range []string{"not_found:", "invalid:", "conflict:", ".tmp", "internal error"} {
				if strings.Contains(errOut, internal) {
					t.Errorf("stderr shows %q: %q", internal, errOut)
				}
			}
		})
	}
}

// TestFeedback (item 11): every command that writes a file says so in the same words,
// and --output/-o work everywhere a file is written.
func TestFeedback(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	csvs, _ := filepath.Glob(filepath.Join(sharedtest.Dir(t, "ms-assessment-csv"), "*.csv"))
	cases := []struct {
		name, file, what string
		args             []string
	}{
		{"report", "r.md", "md report, ", []string{"report", "--answers", exampleAnswers, "--output", p("r.md")}},
		{"backlog", "b.csv", "recommendations for ado", []string{"backlog", "--target", "ado", "--answers", exampleAnswers, "-o", p("b.csv")}},
		{"compare", "c.md", "md comparison", []string{"compare", exampleAnswers, exampleAnswers, "--format", "md", "--output", p("c.md")}},
		{"scan", "s.json", "json report", []string{"scan", ragARM, "--format", "json", "--fail-on", "none", "--output", p("s.json")}},
		{"eval", "e.html", "html report, 37 threshold checks", []string{"eval", "--config", filepath.Join(evalExamples, "classification", "awaf-eval.yaml"), "--output", p("e.html")}},
		{"lens new", "n.yaml", "lens scaffold team-x", []string{"lens", "new", "team-x", "--output", p("n.yaml")}},
		{"lens export", "x.json", "AWS custom lens", []string{"lens", "export", "aws", "azure-ai-workload", "--output", p("x.json")}},
		{"import", "i.yaml", "to lens", []string{"import", "ms-csv", csvs[0], "--output", p("i.yaml")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := runExit(t, "", c.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if want := "awaf: wrote " + p(c.file) + ": "; !strings.Contains(errOut, want) || !strings.Contains(errOut, c.what) {
				t.Errorf("stderr %q, want %q ... %q", errOut, want, c.what)
			}
		})
	}
	// Counts use the plural helper: a scaffold has one area and one question.
	out, _, code := runExit(t, "", "lens", "validate", p("n.yaml"))
	if code != 0 || !strings.Contains(out, "is valid: 1 question, 4 choices, 1 area, 0 Top 10 items") {
		t.Errorf("lens validate: %q", out)
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n          int
		word, want string
	}{
		{0, "question", "0 questions"}, {1, "question", "1 question"}, {2, "area", "2 areas"},
		{1, "lens", "1 lens"}, {3, "lens", "3 lenses"}, {2, "policy", "2 policies"}, {2, "key", "2 keys"},
	} {
		if got := plural(c.n, c.word); got != c.want {
			t.Errorf("plural(%d, %q) = %q, want %q", c.n, c.word, got, c.want)
		}
	}
}

// TestScanSaysWhatItRead (item 12): what each file was taken for, warnings for broken
// and binary JSON and for a scan of nothing, and input errors winning over findings.
func TestScanSaysWhatItRead(t *testing.T) {
	empty := t.TempDir()
	_, errOut, code := runScanCmd(t, empty)
	if code != 0 || !strings.Contains(errOut, "awaf: warning: nothing was scanned") {
		t.Errorf("empty folder: exit %d, %q", code, errOut)
	}

	dir := t.TempDir()
	tmpl, err := os.ReadFile(filepath.Join(ragARM, "azuredeploy.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "main.json"), string(tmpl))
	writeFile(t, filepath.Join(dir, "package.json"), `{"name": "web"}`)
	writeFile(t, filepath.Join(dir, "broken.json"), "{\n  \"resources\": [\n")
	writeFile(t, filepath.Join(dir, "blob.json"), "\x00\x01\x02binary")
	writeFile(t, filepath.Join(dir, "notes.txt"), "hello")
	_, errOut, code = runScanCmd(t, dir, "--verbose", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"awaf: read " + dir + "/main.json as arm",
		"awaf: skipped " + dir + "/package.json: JSON, but not an ARM template",
		"awaf: skipped " + dir + "/broken.json: not valid JSON (line 2, column",
		"awaf: skipped " + dir + "/blob.json: a binary file, not JSON",
		"awaf: left alone 1 file of other types",
		"awaf: warning: skipped " + dir + "/broken.json: not valid JSON",
		"awaf: warning: skipped " + dir + "/blob.json: a binary file",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// Without --verbose only the warnings remain.
	_, errOut, _ = runScanCmd(t, dir, "--fail-on", "none")
	if strings.Contains(errOut, "package.json") || !strings.Contains(errOut, "broken.json") {
		t.Errorf("quiet scan stderr:\n%s", errOut)
	}
	// A file named on the command line says what it is instead of "JSON but not ...".
	out, _, _ := runScanCmd(t, filepath.Join(dir, "blob.json"), filepath.Join(dir, "broken.json"))
	if !strings.Contains(out, "blob.json is a binary file, not JSON; skipped") || !strings.Contains(out, "broken.json is not valid JSON (line 2") {
		t.Errorf("diagnostics:\n%s", out)
	}
	// A broken template and findings: the input error wins, and the message says both.
	writeFile(t, filepath.Join(dir, "bad.json"), `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [`)
	_, errOut, code = runScanCmd(t, dir)
	if code != 2 || !strings.Contains(errOut, "see the diagnostics; also 14 findings at or above low") {
		t.Errorf("broken template with findings: exit %d, %q", code, errOut)
	}
}

// TestYAMLSyntaxErrorLine (item 14): a YAML syntax error names the line at fault and a
// column, through the real binary.
func TestYAMLSyntaxErrorLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	writeFile(t, path, "lens:\n  id: azure-ai-workload\nworkload:\n  name: x\nanswers:\n  - question: a\n    selected: [b\n  - question: c\n")
	out, err := exec.Command(awafBin, "report", "--answers", path).CombinedOutput()
	if err == nil || !strings.Contains(string(out), path+":7:15: invalid YAML: did not find expected ',' or ']'; the [ here is not closed") {
		t.Errorf("%v:\n%s", err, out)
	}
}

// TestImportRefusesBinary (item 14): a binary file or UTF-16 text to an importer is
// refused with a clear message, and nothing is written.
func TestImportRefusesBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "export.xlsx.csv")
	writeFile(t, bin, "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary")
	utf16 := filepath.Join(dir, "utf16.csv")
	writeFile(t, utf16, "\xff\xfeC\x00a\x00t\x00")
	out := filepath.Join(dir, "awaf.yaml")
	for _, c := range []struct{ file, want string }{
		{bin, bin + " is a binary file, not text: want a CSV file"},
		{utf16, utf16 + " is UTF-16 text: want a CSV file exported from Microsoft's assessment platform in UTF-8"},
	} {
		_, errOut, code := runExit(t, "", "import", "ms-csv", c.file, "-o", out)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, `\x00`) {
			t.Errorf("exit %d, %q", code, errOut)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatal("an answers file was written")
		}
	}
	_, errOut, code := runExit(t, "", "lens", "import", "checklist", bin)
	if code != 2 || !strings.Contains(errOut, "is a binary file, not text: want a review checklist (JSON)") {
		t.Errorf("checklist: exit %d, %q", code, errOut)
	}
}

// TestBackupPostgres (item 14): backup of a PostgreSQL --db is refused at once, naming
// pg_dump, without a connection (192.0.2.1 is a documentation address that never
// answers, so an attempt would hang until the connect timeout).
func TestBackupPostgres(t *testing.T) {
	start := time.Now()
	_, errOut, code := runExit(t, "", "backup", "--db", "postgres://awaf:secret@192.0.2.1:5432/awaf", filepath.Join(t.TempDir(), "b.db"))
	if code != 2 || !strings.Contains(errOut, "pg_dump") || !strings.Contains(errOut, "awaf backup copies SQLite databases only") {
		t.Errorf("exit %d, %q", code, errOut)
	}
	if strings.Contains(errOut, "secret") {
		t.Errorf("the password is printed: %q", errOut)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v: it tried to connect", d)
	}
	_, errOut, code = runExit(t, "", "backup", "--db", "sqlite:"+filepath.Join(t.TempDir(), "none.db"), filepath.Join(t.TempDir(), "b.db"))
	if code != 2 || !strings.Contains(errOut, "does not exist: want an SQLite database") {
		t.Errorf("missing database: exit %d, %q", code, errOut)
	}
}

// TestEnvFlags: AWAF_* variables stand in for flags left off the command line, the
// command line wins, and their values never appear in help (a token, a password).
func TestEnvFlags(t *testing.T) {
	t.Setenv("AWAF_TOKEN", "awaf_secret_token_value")
	t.Setenv("AWAF_DB", "postgres://awaf:hunter2@192.0.2.1/awaf")
	for _, args := range [][]string{{"push", "--help"}, {"serve", "--help"}, {"backup", "--help"}, {"user", "add", "--help"}} {
		out, _, code := runExit(t, "", args...)
		if code != 0 || strings.Contains(out, "secret") || strings.Contains(out, "hunter2") || !strings.Contains(out, "AWAF_") {
			t.Errorf("%v: exit %d, help shows a variable's value or lacks its name:\n%s", args, code, out)
		}
	}
	// backup reads AWAF_DB: PostgreSQL is refused at once, with the password hidden.
	_, errOut, code := runExit(t, "", "backup", filepath.Join(t.TempDir(), "b.db"))
	if code != 2 || !strings.Contains(errOut, "pg_dump") || strings.Contains(errOut, "hunter2") {
		t.Errorf("backup with AWAF_DB: exit %d, %q", code, errOut)
	}
	// The flag wins over the variable.
	_, errOut, code = runExit(t, "", "backup", "--db", "sqlite:"+filepath.Join(t.TempDir(), "none.db"), filepath.Join(t.TempDir(), "b.db"))
	if code != 2 || !strings.Contains(errOut, "none.db does not exist") {
		t.Errorf("--db over AWAF_DB: exit %d, %q", code, errOut)
	}
	t.Setenv("AWAF_SECURE_COOKIES", "perhaps")
	_, errOut, code = runExit(t, "", "serve", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, `AWAF_SECURE_COOKIES="perhaps" (for --secure-cookies)`) {
		t.Errorf("bad AWAF_SECURE_COOKIES: exit %d, %q", code, errOut)
	}
}

// TestLensValueSuggestions (item 9): pillar and area ids, which depend on the lens,
// are checked against it with a suggestion.
func TestLensValueSuggestions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	_, errOut, code := runExit(t, "", "assess", "--answers", path, "--pillar", "securty")
	if code != 2 || !strings.Contains(errOut, `--pillar "securty": lens azure-ai-workload has pillars security, `) || !strings.Contains(errOut, `did you mean "security"?`) {
		t.Errorf("exit %d, %q", code, errOut)
	}
	_, errOut, code = runExit(t, "", "assess", "--answers", path, "--area", "grounding-dat")
	if code != 2 || !strings.Contains(errOut, `did you mean "grounding-data"?`) {
		t.Errorf("exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a refused assess wrote the answers file")
	}
}
