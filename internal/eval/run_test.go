package eval

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
)

func mustRun(t *testing.T, path string) *Report {
	t.Helper()
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestExamplesRun(t *testing.T) {
	for _, name := range []string{"classification", "regression", "rag"} {
		t.Run(name, func(t *testing.T) {
			rep := mustRun(t, filepath.Join("..", "..", "examples", "eval", name, "awaf-eval.yaml"))
			b, _ := json.MarshalIndent(rep, "", " ")
			t.Logf("%s", b)
		})
	}
}
