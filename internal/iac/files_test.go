package iac_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf"
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

func TestReadEach(t *testing.T) {
	fsys := fstest.MapFS{
		"b.txt":   {Data: []byte("bee")},
		"a.txt":   {Data: []byte("ay")},
		"big.txt": {Data: []byte("0123456789")},
		"bad.txt": {Data: []byte("refuse me")},
	}
	read := func(p string, data []byte) (iac.Resource, error) {
		if string(data) == "refuse me" {
			return iac.Resource{}, fmt.Errorf("%s: not a thing", p)
		}
		return iac.Resource{ID: p, Name: iac.NewString(string(data), awaf.Location{File: p})}, nil
	}
	out, diags, err := iac.ReadEach(context.Background(), fsys, []string{"b.txt", "missing.txt", "big.txt", "a.txt", "bad.txt"}, 9, read)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range out {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "a.txt,b.txt" {
		t.Errorf("read %v, want a.txt,b.txt in order", ids)
	}
	want := map[string]iac.Severity{"bad.txt": iac.DiagError, "big.txt": iac.DiagWarning, "missing.txt": iac.DiagError}
	if len(diags) != len(want) {
		t.Fatalf("diagnostics %+v", diags)
	}
	for _, d := range diags {
		if want[d.Loc.File] != d.Severity {
			t.Errorf("%s: severity %q, want %q (%s)", d.Loc.File, d.Severity, want[d.Loc.File], d.Message)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := iac.ReadEach(ctx, fsys, []string{"a.txt"}, 9, read); err == nil {
		t.Error("a cancelled read carried on")
	}
}
