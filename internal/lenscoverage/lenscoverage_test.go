package lenscoverage

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
)

// TestBuiltinCovered holds every embedded catalogue against the built-in lens.
func TestBuiltinCovered(t *testing.T) {
	l, cats := builtin(t)
	err := Check(l, cats)
	if err == nil {
		return
	}
	var ps awaf.Problems
	if !errors.As(err, &ps) {
		t.Fatal(err)
	}
	for _, p := range ps {
		t.Error(p)
	}
}

// TestCoverageDoc keeps docs/lens-coverage.md equal to what Render makes of the
// built-in lens and the embedded catalogues.
func TestCoverageDoc(t *testing.T) {
	l, cats := builtin(t)
	goldenfile.Check(t, "../../docs/lens-coverage.md", Render(l, cats))
}

// TestCataloguesComplete asks every catalogue item for a practice of its own and every
// catalogue for at least one covered item, so an empty or all-omitted file cannot pass.
func TestCataloguesComplete(t *testing.T) {
	_, cats := builtin(t)
	if len(cats) == 0 {
		t.Fatal("no catalogues embedded")
	}
	for _, c := range cats {
		covered := 0
		practices := map[string]string{}
		for _, it := range c.Items {
			if len(it.Covered) > 0 {
				covered++
			}
			if prev, ok := practices[strings.ToLower(it.Practice)]; ok {
				t.Errorf("%s:%d: item %s repeats the practice text of item %s", it.At.File, it.At.Line, it.ID, prev)
			}
			practices[strings.ToLower(it.Practice)] = it.ID
		}
		if covered == 0 {
			t.Errorf("%s: no item is covered", c.File)
		}
	}
}

func builtin(t *testing.T) (*awaf.Lens, []*Catalogue) {
	t.Helper()
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cats, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return l, cats
}

// small is a lens with one question, enough to hold claims against.
func small() *awaf.Lens {
	return &awaf.Lens{ID: "small", Version: "0.1.0", Questions: []awaf.Question{{
		ID: "secrets",
		Choices: []awaf.Choice{
			{ID: "kv_purge", Title: "Every Key Vault has purge protection",
				Guidance: awaf.Guidance{What: "Turn on soft delete", Why: "Deleted keys come back", Verify: "enablePurgeProtection is TRUE\non each vault"}},
			{ID: "kv_not_needed", Title: "Not needed: no secrets", NotNeeded: "kv_purge"},
			{ID: "kv_none", Title: "None of these", None: true},
		},
	}}}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name    string
		covered string
		want    []string // one problem each, as "line: message part"
	}{
		{"term in title", "{choice: kv_purge, terms: [PURGE protection]}", nil},
		{"term in verify across a line break", "{choice: kv_purge, terms: [is true on each vault]}", nil},
		{"unknown choice", "{choice: kv_rotate, terms: [rotation]}", []string{`6: item X-1: lens small 0.1.0 has no choice "kv_rotate"`}},
		{"term only in guidance prose", "{choice: kv_purge, terms: [soft delete]}", []string{`6: item X-1: choice kv_purge: "soft delete" appears in neither its title nor its verify text`}},
		{"two terms missing", "{choice: kv_purge, terms: [rotation, vault, expiry]}", []string{`6: item X-1: choice kv_purge: "rotation"`, `6: item X-1: choice kv_purge: "expiry"`}},
		{"none choice", "{choice: kv_none, terms: [none]}", []string{`6: item X-1: choice kv_none is a "none" or "not needed" answer`}},
		{"not-needed choice", "{choice: kv_not_needed, terms: [not needed]}", []string{`6: item X-1: choice kv_not_needed is a "none" or "not needed" answer`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := "catalogue: x\ntitle: X\nurl: https://example.org/x\nitems:\n  - {id: X-1, source: S, practice: P, covered: [\n      " + tc.covered + "]}\n"
			c, err := Parse("x.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			assertProblems(t, Check(small(), []*Catalogue{c}), tc.want)
		})
	}
}

func TestParseProblems(t *testing.T) {
	head := "catalogue: x\ntitle: X\nurl: https://example.org/x\nitems:\n"
	cases := []struct {
		name, file, src string
		want            []string
	}{
		{"valid", "x.yaml", head + "  - {id: A, source: S, practice: P, omitted: provider's duty}\n", nil},
		{"both covered and omitted", "x.yaml", head + "  - {id: A, source: S, practice: P, omitted: r, covered: [{choice: c, terms: [t]}]}\n",
			[]string{"5: item A: has both covered and omitted"}},
		{"neither covered nor omitted", "x.yaml", head + "  - id: A\n    source: S\n    practice: P\n",
			[]string{"5: item A: has neither covered nor omitted"}},
		{"duplicate id", "x.yaml", head + "  - {id: A, source: S, practice: P, omitted: r}\n  - {id: A, source: S, practice: Q, omitted: r}\n",
			[]string{"6: item A: duplicate id (first at line 5)"}},
		{"empty terms", "x.yaml", head + "  - {id: A, source: S, practice: P, covered: [{choice: c, terms: []}]}\n",
			[]string{"5: item A: terms must not be empty"}},
		{"unknown key", "x.yaml", head + "  - {id: A, source: S, practice: P, omitted: r, note: n}\n",
			[]string{`5: item 1: unknown key "note"`}},
		{"missing practice", "x.yaml", head + "  - {id: A, source: S, omitted: r}\n",
			[]string{`5: item 1: "practice" is required`}},
		{"id differs from file", "y.yaml", head + "  - {id: A, source: S, practice: P, omitted: r}\n",
			[]string{`1: catalogue id "x" differs from the file name y.yaml`}},
		{"not https", "x.yaml", strings.Replace(head, "https:", "http:", 1) + "  - {id: A, source: S, practice: P, omitted: r}\n",
			[]string{`3: url: expected an https:// address`}},
		{"invalid YAML", "x.yaml", head + "  - id: A\n    omitted: reason: with a colon\n",
			[]string{"6: invalid YAML: mapping values are not allowed in this context"}},
		{"choice twice", "x.yaml", head + "  - {id: A, source: S, practice: P, covered: [{choice: c, terms: [t]}, {choice: c, terms: [u]}]}\n",
			[]string{"5: item A: choice c listed twice"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.file, []byte(tc.src))
			assertProblems(t, err, tc.want)
		})
	}
}

func TestLoadFS(t *testing.T) {
	body := "title: X\nurl: https://example.org/x\nitems:\n  - {id: A, source: S, practice: P, omitted: r}\n"
	fsys := fstest.MapFS{
		"c/a.yaml":    {Data: []byte("catalogue: a\n" + body)},
		"c/b.yaml":    {Data: []byte("catalogue: b\n" + body)},
		"c/README.md": {Data: []byte("not a catalogue")},
	}
	cats, err := LoadFS(fsys, "c")
	if err != nil || len(cats) != 2 || cats[0].ID != "a" || cats[1].ID != "b" {
		t.Fatalf("LoadFS = %v, %v; want catalogues a and b", cats, err)
	}
	fsys["c/b.yaml"] = &fstest.MapFile{Data: []byte("catalogue: a\n" + body)}
	_, err = LoadFS(fsys, "c")
	assertProblems(t, err, []string{`1: catalogue id "a" differs from the file name b.yaml`})
}

// assertProblems checks that err holds exactly one problem per want, each in order
// starting with "line: message" (the file name and column are left out).
func assertProblems(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected problems: %v", err)
		}
		return
	}
	var ps awaf.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("got %v, want problems %q", err, want)
	}
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for i, p := range ps {
		got := fmt.Sprintf("%d: %s", p.Line, p.Message)
		if !strings.HasPrefix(got, want[i]) {
			t.Errorf("problem %d = %q, want it to contain %q", i+1, got, want[i])
		}
	}
}

func TestRenderSmall(t *testing.T) {
	parse := func(id, items string) *Catalogue {
		c, err := Parse(id+".yaml", []byte("catalogue: "+id+"\ntitle: Cat "+id+"\nurl: https://example.org/"+id+"\nitems:\n"+items))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := parse("a", "  - {id: A1, source: S, practice: P a|b, covered: [{choice: kv_purge, terms: [purge protection]}]}\n"+
		"  - {id: A2, source: S, practice: Q, omitted: not ours}\n")
	b := parse("b", "  - {id: A1, source: S, practice: R, covered: [{choice: kv_gone, terms: [x]}]}\n")
	l := small()
	l.Top10 = []awaf.Top10Item{{ID: "secrets-top", Title: "Secrets"}}
	l.Questions[0].Choices[0].Top10 = []string{"secrets-top"}
	got := string(Render(l, []*Catalogue{a, b}))
	for _, want := range []string{
		"| [Cat a](#cat-a) | 2 | 1 | 1 |\n",
		"| [Cat b](#cat-b) | 1 | 1 | 0 |\n",
		"| all | 3 | 2 | 1 |\n",
		"| A1 | S | P a\\|b | `secrets/kv_purge` (purge protection) |\n",
		"| A2 | S | Q | left out: not ours |\n",
		"`kv_gone` (not in the lens)",
		"| `secrets/kv_purge` | Every Key Vault has purge protection | a/A1 |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Render output lacks %q:\n%s", want, got)
		}
	}
}
