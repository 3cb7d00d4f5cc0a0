package iac_test

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
)

func TestFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"infra/main.json":              {},
		"infra/main.JSON":              {},
		"infra/readme.md":              {},
		"infra/nested/child.json":      {},
		"infra/.git/config.json":       {},
		"infra/node_modules/x/a.json":  {},
		"other/params.parameters.json": {},
		"other/notes.txt":              {},
	}
	tests := []struct {
		name  string
		paths []string
		want  []string
		diags int
	}{
		{"directory, by extension, hidden and node_modules skipped", []string{"infra"},
			[]string{"infra/main.JSON", "infra/main.json", "infra/nested/child.json"}, 0},
		{"a file named directly is kept whatever its extension", []string{"other/notes.txt", "other"},
			[]string{"other/notes.txt", "other/params.parameters.json"}, 0},
		{"repeats collapse", []string{"infra/main.json", "./infra/main.json", "infra/nested"},
			[]string{"infra/main.json", "infra/nested/child.json"}, 0},
		{"a missing path is a diagnostic and the rest carry on", []string{"nope", "other"},
			[]string{"other/params.parameters.json"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := iac.Files(fsys, tt.paths, ".json")
			if !slices.Equal(got, tt.want) || len(diags) != tt.diags {
				t.Errorf("got %v with %d diagnostics, want %v with %d", got, len(diags), tt.want, tt.diags)
			}
		})
	}
}
