package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/answers"
)

// TestTemplateLifecycle: a platform team makes a template from one workload's answers,
// another workload previews and applies it (forcing over its own answers), the team
// publishes version 2, and list offers it until the workload applies it; the answers
// the workload changed by hand since are kept.
func TestTemplateLifecycle(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(name string) string {
		b, err := os.ReadFile(filepath.Join("../../examples/portfolio", name))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	claims, hr := copyFile("claims-chat.yaml"), copyFile("hr-assistant.yaml")
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		stdout, stderr, err := runCmd(t, "", args...)
		var msg bytes.Buffer
		if code := exitCode(err, &msg); code != want {
			t.Fatalf("awaf %s: exit %d, want %d: %v %s %s", strings.Join(args, " "), code, want, err, stderr, msg.String())
		}
		return stdout, stderr + msg.String()
	}
	_, stderr := run(0, "template", "create", "zone", "--from", claims, "--question", "platform_network", "--question", "platform_identity", "--question", "ai_gateway")
	tpl := filepath.Join(dir, "zone.template.yaml")
	if !strings.Contains(stderr, "wrote "+tpl+": template zone version 1, 3 answers") {
		t.Fatalf("create: %s", stderr)
	}
	_, stderr = run(2, "template", "create", "zone", "--from", claims, "--question", "platform_network")
	if !strings.Contains(stderr, "exists") {
		t.Errorf("second create over the file: %s", stderr)
	}
	_, stderr = run(2, "template", "create", "x", "--from", claims, "--question", "no_such_question")
	if !strings.Contains(stderr, "no_such_question") {
		t.Errorf("unanswered question: %s", stderr)
	}

	before, _ := os.ReadFile(hr)
	out, stderr := run(0, "template", "apply", tpl, "--answers", hr, "--dry-run")
	if after, _ := os.ReadFile(hr); !bytes.Equal(before, after) || !strings.Contains(stderr, "dry run") || strings.Count(out, "kept") != 3 {
		t.Fatalf("dry run changed the file or said %q / %q", out, stderr)
	}
	_, stderr = run(0, "template", "apply", tpl, "--answers", hr, "--force")
	if !strings.Contains(stderr, "3 replaced") {
		t.Fatalf("forced apply: %s", stderr)
	}
	a, err := answers.Load(hr)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"platform_network", "platform_identity", "ai_gateway"} {
		if ans, _ := a.Answer(q); ans.Template == nil || ans.Template.Name != "zone" || ans.Template.Version != 1 {
			t.Errorf("%s not marked with zone version 1: %+v", q, ans)
		}
	}

	// Version 2 drops WAF ingress from the network answer; meanwhile the workload
	// changed its gateway answer by hand (which removes the mark).
	b, _ := os.ReadFile(tpl)
	v2 := strings.Replace(strings.Replace(string(b), "version: 1\n", "version: 2\n", 1), ", nw_waf_ingress]", "]", 1)
	if err := os.WriteFile(tpl, []byte(v2), 0o644); err != nil {
		t.Fatal(err)
	}
	gw, _ := a.Answer("ai_gateway")
	gw.Template, gw.Selected = nil, []string{"gw_single_entry"}
	if err := answers.Save(hr, a); err != nil {
		t.Fatal(err)
	}
	out, _ = run(0, "template", "list", "--answers", hr)
	if !strings.Contains(out, "zone\tversion 2\t3 answers") || !strings.Contains(out, "applied: version 1; version 2 available") {
		t.Errorf("list: %q", out)
	}
	out, stderr = run(0, "template", "apply", tpl, "--answers", hr)
	if !strings.Contains(out, "update    platform_network: version 1 to 2") || !strings.Contains(out, "kept      ai_gateway") || !strings.Contains(stderr, "2 updated") {
		t.Errorf("apply v2:\n%s%s", out, stderr)
	}
	a, _ = answers.Load(hr)
	if nw, _ := a.Answer("platform_network"); len(nw.Selected) != 2 || nw.Template.Version != 2 {
		t.Errorf("network after v2: %+v", nw)
	}
	if gw, _ := a.Answer("ai_gateway"); gw.Template != nil || len(gw.Selected) != 1 {
		t.Errorf("the hand-changed gateway answer was touched: %+v", gw)
	}
	if _, stderr := run(0, "report", "--answers", hr); stderr != "" {
		t.Errorf("the answers file does not report cleanly after templates: %s", stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.template.yaml"), []byte("template:\n  name: b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr := run(1, "template", "list", dir); !strings.Contains(stderr, "broken.template.yaml") {
		t.Errorf("a broken template is not named: %s", stderr)
	}
}
