package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(exampleAnswers)
	if err != nil {
		t.Fatal(err)
	}
	improved := bytes.Replace(data, []byte("selected: [gr_hybrid_semantic, gr_relevance_threshold, gr_query_rewrite]"),
		[]byte("selected: [gr_hybrid_semantic, gr_relevance_threshold, gr_query_rewrite, gr_security_trimming]"), 1)
	if bytes.Equal(improved, data) {
		t.Fatal("the example changed; update this test's edit")
	}
	newer := filepath.Join(dir, "new.yaml")
	if err := os.WriteFile(newer, improved, 0o644); err != nil {
		t.Fatal(err)
	}

	out, stderr, err := runCmd(t, "", "compare", exampleAnswers, newer)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(out, "Recommendations resolved (1)") || !strings.Contains(out, "gr_security_trimming") {
		t.Errorf("text:\n%s", out)
	}

	out, _, err = runCmd(t, "", "compare", "--format", "json", exampleAnswers, newer)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Overall struct{ Delta float64 }
		Risks   []struct{ Kind, Question string }
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Overall.Delta <= 0 || len(c.Risks) != 1 || c.Risks[0].Question != "grounding_retrieval" {
		t.Errorf("json %+v, %v", c, err)
	}

	// The reverse is a regression, and the gate says so.
	_, _, err = runCmd(t, "", "compare", "--fail-on-regression", newer, exampleAnswers)
	var msg bytes.Buffer
	if code := exitCode(err, &msg); code != 1 || !strings.Contains(msg.String(), "regression") {
		t.Errorf("gate: exit %d, %q", code, msg.String())
	}

	out, _, err = runCmd(t, "", "compare", "--format", "md", exampleAnswers, exampleAnswers)
	if err != nil || !strings.Contains(out, "No changes.") {
		t.Errorf("identical: %v\n%s", err, out)
	}

	if _, _, err := runCmd(t, "", "compare", exampleAnswers); exitCode(err, &bytes.Buffer{}) != 2 {
		t.Errorf("one file: %v", err)
	}
}
