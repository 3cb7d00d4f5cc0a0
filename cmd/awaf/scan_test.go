package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/awaf/awaf/internal/answers"
)

const ragARM = "../../internal/scan/testdata/rag/arm"

func runScanCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"scan"}, args...), strings.NewReader(""), &out, &errb)
	code := exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestScanExitCodes(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"failures at low", []string{ragARM}, 1},
		{"one high failure", []string{ragARM, "--fail-on", "high"}, 1},
		{"gate off", []string{"--fail-on", "none", ragARM}, 0},
		{"bad format", []string{ragARM, "--format", "yaml"}, 2},
		{"bad severity", []string{ragARM, "--fail-on", "critical"}, 2},
		{"propose without answers", []string{ragARM, "--propose"}, 2},
		{"missing path", []string{"no/such/dir"}, 2},
		{"a good and a missing path", []string{ragARM, "no/such/dir", "--fail-on", "none"}, 2},
		{"input errors beat failures", []string{ragARM, "no/such/dir"}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := runScanCmd(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
		})
	}
}

func TestScanFormats(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"json", "sarif", "md", "junit", "text"} {
		out := filepath.Join(dir, "out."+f)
		_, errs, code := runScanCmd(t, ragARM, "--format", f, "-o", out, "--fail-on", "none")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, errs)
		}
		data, err := os.ReadFile(out)
		if err != nil || len(data) == 0 {
			t.Fatalf("%s: %v", f, err)
		}
		if f == "text" && bytes.Contains(data, []byte("\x1b[")) {
			t.Error("colour written to a file")
		}
		if f == "json" {
			var doc map[string]any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"resources", "findings", "diagnostics"} {
				if _, ok := doc[k]; !ok {
					t.Errorf("json lacks %s", k)
				}
			}
		}
	}
}

// TestScanProposesAnswers runs the whole scan-to-answers flow: the profile decides the
// profile-dependent rules, evidence lands in the answers file, a human answer is left
// alone, components fill the empty profile, and proposals are listed.
func TestScanProposesAnswers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	const file = `lens:
  id: azure-ai-workload
  version: 1.0.0
workload:
  name: contoso rag
profile:
  kinds: [generative]
  components: []
  criticality: standard
  sensitivity: internal
  exposure: internal
  priorities: [security]
answers:
  - question: platform_identity
    selected: [id_none]
`
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runScanCmd(t, ragARM, "--answers", path, "--propose", "--format", "json", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "proposed from evidence") || !strings.Contains(errs, "scan evidence recorded") {
		t.Errorf("stderr: %s", errs)
	}
	// With the profile, the residency and multi-region rules decide instead of unknown.
	var doc struct {
		Findings []struct {
			Rule, Status string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.Findings {
		if (f.Rule == "AWAF-DEPLOY-006" || f.Rule == "AWAF-AOAI-015") && f.Status != "pass" {
			t.Errorf("%s is %s with an internal, standard profile", f.Rule, f.Status)
		}
	}
	a, err := answers.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Profile.Components) == 0 {
		t.Error("components were not proposed")
	}
	id, ok := a.Answer("platform_identity")
	if !ok || len(id.Selected) != 1 || id.Selected[0] != "id_none" {
		t.Errorf("human answer changed: %+v", id)
	}
	if len(id.Evidence) == 0 {
		t.Error("no evidence on platform_identity")
	}
	net, ok := a.Answer("platform_network")
	if !ok || len(net.Evidence) == 0 || net.Answered() {
		t.Errorf("platform_network: %+v", net)
	}
	// A second scan replaces the scan evidence instead of piling it up.
	if _, errs, code := runScanCmd(t, ragARM, "--answers", path, "--fail-on", "none"); code != 0 {
		t.Fatalf("rescan: %s", errs)
	}
	b, err := answers.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	id2, _ := b.Answer("platform_identity")
	if len(id2.Evidence) != len(id.Evidence) {
		t.Errorf("evidence grew from %d to %d", len(id.Evidence), len(id2.Evidence))
	}
}

func TestScanBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.yaml")
	if _, errs, code := runScanCmd(t, ragARM, "--write-baseline", base, "--baseline-reason", "accepted for the pilot", "--fail-on", "none"); code != 0 {
		t.Fatalf("write: %s", errs)
	}
	out, errs, code := runScanCmd(t, ragARM, "--baseline", base, "--format", "json")
	if code != 0 {
		t.Fatalf("with the baseline every failure is accepted; exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"status":"suppressed"`) || !strings.Contains(out, "accepted for the pilot") {
		t.Error("suppressed findings must stay visible in JSON")
	}
	if _, _, code := runScanCmd(t, ragARM, "--write-baseline", base); code != 2 {
		t.Error("--write-baseline without a reason must be a usage error")
	}
}

func TestScanRulesDir(t *testing.T) {
	dir := t.TempDir()
	rule := `rules:
  - id: ACME-TAG-001
    title: Search services carry a cost centre tag
    severity: low
    pillars: [cost]
    types: [Microsoft.Search/searchServices]
    condition: get(resource, "tags.costCenter", "") != ""
    default: {value: none, meaning: no cost centre}
    rationale: Chargeback needs it.
    remediation: {text: Add a costCenter tag.}
    links: [https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources]
`
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, _ := runScanCmd(t, ragARM, "--rules", dir, "--format", "json")
	if !strings.Contains(out, `"rule":"ACME-TAG-001"`) {
		t.Fatalf("user rule not run: %s", errs)
	}
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(strings.Replace(rule, "!= \"\"", "!= ", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runScanCmd(t, ragARM, "--rules", dir)
	if code != 2 || !strings.Contains(errs, "acme.yaml:2") {
		t.Errorf("a broken user rule must be an input error naming file and line; exit %d: %q", code, errs)
	}
}

func TestScanHelp(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"scan", "-h"}, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "--fail-on") || errb.Len() != 0 {
		t.Errorf("help on stdout: %q, stderr: %q", out.String(), errb.String())
	}
}

// TestScanOutputToDevice writes the report to a named pipe: -o must write into a
// device or pipe in place (as with -o /dev/null), never rename a file over it.
func TestScanOutputToDevice(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte)
	go func() {
		data, _ := os.ReadFile(fifo)
		got <- data
	}()
	if _, errs, code := runScanCmd(t, ragARM, "--format", "json", "-o", fifo, "--fail-on", "none"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data := <-got
	if !json.Valid(data) {
		t.Errorf("pipe got %d bytes of invalid JSON", len(data))
	}
	st, err := os.Lstat(fifo)
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", st.Mode(), err)
	}
}

// TestScanStartsAnswersFile: --propose on a missing answers file starts one that
// answers.Load (and so awaf assess and awaf report) accepts.
func TestScanStartsAnswersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	if _, errs, code := runScanCmd(t, ragARM, "--answers", path, "--propose", "--fail-on", "none", "--format", "json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	a, err := answers.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.Lens.ID == "" || len(a.Profile.Components) == 0 || len(a.Answers) == 0 {
		t.Errorf("new answers file: %+v", a)
	}
	for _, ans := range a.Answers {
		if ans.Answered() {
			t.Errorf("a scan answered %s by itself", ans.Question)
		}
	}
	if _, _, code := runScanCmd(t, ragARM, "--answers", filepath.Join(t.TempDir(), "missing.yaml")); code != 2 {
		t.Error("a missing answers file without --propose is an input error")
	}
}

// TestScanProgressNotOnFiles checks that --progress auto writes nothing to a standard
// error that is a file or a pipe, whatever the scan's length.
func TestScanProgressNotOnFiles(t *testing.T) {
	dir := t.TempDir()
	file, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	for _, tc := range []struct {
		name string
		w    *os.File
	}{{"file", file}, {"pipe", pw}} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"scan", "--fail-on", "none", "--progress", "auto", ragARM}, strings.NewReader(""), &out, tc.w)
			if err != nil {
				t.Fatal(err)
			}
			if out.Len() == 0 {
				t.Fatal("no report")
			}
		})
	}
	pw.Close()
	piped, _ := io.ReadAll(pr)
	written, _ := os.ReadFile(file.Name())
	for name, got := range map[string][]byte{"file": written, "pipe": piped} {
		if len(got) != 0 {
			t.Errorf("stderr as a %s got %q, want nothing", name, got)
		}
	}
}

func TestScanProgressFlag(t *testing.T) {
	_, errOut, code := runScanCmd(t, ragARM, "--progress", "sometimes")
	if code != 2 || !strings.Contains(errOut, "--progress") {
		t.Errorf("exit %d, stderr %q: want a usage error naming --progress", code, errOut)
	}
	_, errOut, code = runScanCmd(t, ragARM, "--progress", "never", "--fail-on", "none")
	if code != 0 || strings.ContainsAny(errOut, "\r\x1b") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestWantProgress checks the --progress modes against a real terminal, a file and a
// pipe: auto draws on the terminal only.
func TestWantProgress(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	var buf bytes.Buffer
	cases := []struct {
		name string
		mode string
		w    io.Writer
		want bool
	}{
		{"auto on a terminal", "auto", tty, true},
		{"auto on a file", "auto", file, false},
		{"auto on a pipe", "auto", pw, false},
		{"auto on a buffer", "auto", &buf, false},
		{"never on a terminal", "never", tty, false},
		{"always on a file", "always", file, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := wantProgress(tc.mode, tc.w); got != tc.want {
				t.Errorf("wantProgress(%q) = %v, want %v", tc.mode, got, tc.want)
			}
		})
	}
}

// TestScanTwiceLeavesAnswersAlone: scanning unchanged templates again leaves the
// answers file byte for byte as it was (no new evidence times, no new "updated");
// changed evidence is written.
func TestScanTwiceLeavesAnswersAlone(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "main.bicep")
	src := "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: 'kv1'\n  location: 'eastus'\n  properties: { tenantId: 't', sku: { family: 'A', name: 'standard' } }\n}\n"
	if err := os.WriteFile(tmpl, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "awaf.yaml")
	scanOnce := func() []byte {
		t.Helper()
		if _, errs, code := runScanCmd(t, tmpl, "--answers", path, "--propose", "--fail-on", "none"); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	first := scanOnce()
	time.Sleep(1100 * time.Millisecond) // times are kept to the second
	if again := scanOnce(); !bytes.Equal(first, again) {
		t.Errorf("a second scan of the same templates changed the answers file:\n%s", firstDiffLine(first, again))
	}
	if err := os.WriteFile(tmpl, []byte(strings.Replace(src, "tenantId: 't',", "tenantId: 't', enablePurgeProtection: true,", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if changed := scanOnce(); bytes.Equal(first, changed) {
		t.Error("changed evidence was not written")
	}
}

func firstDiffLine(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: %q became %q", i+1, al[i], bl[i])
		}
	}
	return "lengths differ"
}
