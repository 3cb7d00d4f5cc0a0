package answers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
)

const example = "../../examples/rag-chat/awaf.yaml"

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// copyExample puts the rag-chat example answers in a temporary directory.
func copyExample(tb testing.TB) (string, []byte) {
	tb.Helper()
	raw := mustRead(tb, example)
	path := filepath.Join(tb.TempDir(), "awaf.yaml")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path, raw
}

// changedLines lists the lines of b that a does not have at the same place, with a
// simple longest-common-subsequence diff: what a reviewer would see.
func changedLines(a, b string) (removed, added []string) {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			removed = append(removed, x[i])
			i++
		default:
			added = append(added, y[j])
			j++
		}
	}
	removed = append(removed, x[i:]...)
	added = append(added, y[j:]...)
	return removed, added
}

// TestWriteRefusesAnotherLens (issue 11 item 2): a file of one lens is never replaced
// by answers to another without Force; the file stays byte for byte.
func TestWriteRefusesAnotherLens(t *testing.T) {
	path, raw := copyExample(t)
	other := &awaf.Assessment{Lens: awaf.LensRef{ID: "azure-review-checklist", Version: "1.0.0"},
		Answers: []awaf.Answer{{Question: "q1", Selected: []string{"c1"}}}}
	for _, mode := range []answers.Mode{answers.Merge, answers.Replace} {
		if err := answers.CheckWrite(path, other, answers.WriteOptions{Mode: mode}); awaf.ErrorCode(err) != awaf.ECONFLICT {
			t.Errorf("CheckWrite: %v", err)
		}
		_, err := answers.Write(path, other, answers.WriteOptions{Mode: mode})
		if awaf.ErrorCode(err) != awaf.ECONFLICT || !strings.Contains(err.Error(), "32 answers to lens azure-ai-workload") || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("mode %d: %v", mode, err)
		}
		if got := mustRead(t, path); string(got) != string(raw) {
			t.Fatalf("mode %d: the file changed", mode)
		}
	}
	w, err := answers.Write(path, other, answers.WriteOptions{Mode: answers.Merge, Force: true})
	if err != nil || !w.Changed {
		t.Fatalf("force: %+v %v", w, err)
	}
	a, err := answers.Load(path)
	if err != nil || a.Lens.ID != "azure-review-checklist" || len(a.Answers) != 1 {
		t.Fatalf("after force: %+v %v", a, err)
	}
}

// TestWriteRefusesAnotherWorkload: merging answers for a differently named workload of
// the same lens is refused too.
func TestWriteRefusesAnotherWorkload(t *testing.T) {
	path, _ := copyExample(t)
	in := &awaf.Assessment{Lens: awaf.LensRef{ID: "azure-ai-workload", Version: "1.1.0"}, Workload: awaf.Workload{Name: "Payroll bot"}}
	if _, err := answers.Write(path, in, answers.WriteOptions{}); awaf.ErrorCode(err) != awaf.ECONFLICT || !strings.Contains(err.Error(), `"Payroll bot"`) {
		t.Fatalf("got %v", err)
	}
	in.Lens.Version = "2.0.0"
	in.Workload.Name = ""
	if _, err := answers.Write(path, in, answers.WriteOptions{}); awaf.ErrorCode(err) != awaf.ECONFLICT || !strings.Contains(err.Error(), "awaf lens upgrade") {
		t.Fatalf("version: %v", err)
	}
}

// TestWriteMerges: answers of the same lens are merged in: the file's other answers,
// its notes and profile stay; the selections given replace the file's; comments stay.
func TestWriteMerges(t *testing.T) {
	path, raw := copyExample(t)
	in := &awaf.Assessment{
		Lens:    awaf.LensRef{ID: "azure-ai-workload", Version: "1.1.0"},
		Profile: awaf.Profile{Criticality: awaf.Criticality("standard")},
		Answers: []awaf.Answer{
			{Question: "ai_gateway", Selected: []string{"gw_single_entry"}},
			{Question: "model_decay", Note: "Checked monthly."},
			{Question: "brand_new", Selected: []string{"x"}},
		},
	}
	w, err := answers.Write(path, in, answers.WriteOptions{Mode: answers.Merge})
	if err != nil {
		t.Fatal(err)
	}
	if !w.Changed || w.Added != 1 || w.Replaced != 1 {
		t.Errorf("written: %+v", w)
	}
	f, err := answers.Parse(path, mustRead(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Answers) != 34 || f.Profile.Criticality != "business-critical" || f.Workload.Name != "Contoso claims-help chat" {
		t.Errorf("merged: %d answers, %+v", len(f.Answers), f.Profile)
	}
	gw, _ := f.Answer("ai_gateway")
	if len(gw.Selected) != 1 || !strings.HasPrefix(gw.Note, "APIM in front") {
		t.Errorf("ai_gateway: %+v", gw)
	}
	// model_decay is open in the example (1.1.0 moved its one selection to
	// prompt_model_versioning), so the note comes in as an answer of its own.
	md, _ := f.Answer("model_decay")
	if md.Note != "Checked monthly." || len(md.Selected) != 0 {
		t.Errorf("model_decay: %+v", md)
	}
	removed, added := changedLines(string(raw), string(mustRead(t, path)))
	if len(removed) != 1 || len(added) != 5 {
		t.Errorf("diff: -%q\n+%q", removed, added)
	}
	if !strings.HasPrefix(string(mustRead(t, path)), "# Example: Contoso's claims-help chat") {
		t.Error("the header comment went")
	}
}

// TestWriteEditsInPlace (issue 11 item 5): evidence added to two answers changes only
// those lines; comments, flow lists and quoting stay; writing the same content again
// (with fresh timestamps) leaves the file byte for byte as it was.
func TestWriteEditsInPlace(t *testing.T) {
	path, raw := copyExample(t)
	commented := strings.Replace(string(raw), "  - question: ai_gateway\n", "  # APIM reviewed in Q3\n  - question: ai_gateway # owner: platform\n", 1)
	commented = strings.Replace(commented, "\nprofile:\n", "\n\nprofile:\n", 1)
	commented = strings.Replace(commented, "\nanswers:\n", "\n\n\nanswers:\n", 1)
	os.WriteFile(path, []byte(commented), 0o644)
	scan := func(at time.Time) {
		a, err := answers.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		gw, _ := a.Answer("ai_gateway")
		gw.Evidence = []awaf.Evidence{{Choice: "gw_single_entry", Source: "scan", Passed: true, Summary: "APIM fronts every deployment",
			Location: &awaf.Location{File: "infra/main.bicep", Line: 12}, At: at}}
		a.SetAnswer(awaf.Answer{Question: "new_one", Evidence: []awaf.Evidence{{Choice: "n1", Source: "scan", Summary: "s", At: at}}})
		a.Updated = at
		if _, err := answers.Write(path, a, answers.WriteOptions{Mode: answers.Replace}); err != nil {
			t.Fatal(err)
		}
	}
	scan(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	first := mustRead(t, path)
	removed, added := changedLines(commented, string(first))
	if len(removed) != 0 {
		t.Errorf("lines removed: %q", removed)
	}
	// evidence on ai_gateway: 9 lines (evidence:, 4 fields, location: with 2, at); the
	// new answer: question + evidence + 5 fields; updated: 1.
	if len(added) > 20 {
		t.Errorf("%d lines added for two pieces of evidence:\n%s", len(added), strings.Join(added, "\n"))
	}
	for _, keep := range []string{"# APIM reviewed in Q3", "# owner: platform", `note: "APIM in front`, "selected: [gw_single_entry, gw_managed_identity_backend, gw_routing_failover]", "# Score it with"} {
		if !strings.Contains(string(first), keep) {
			t.Errorf("lost %q", keep)
		}
	}
	scan(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	if second := mustRead(t, path); string(second) != string(first) {
		removed, added := changedLines(string(first), string(second))
		t.Errorf("a second run with the same evidence changed the file: -%q +%q", removed, added)
	}
}

// TestWriteRecordsLensFile (issue 11 item 4): the lens file is recorded relative to
// the answers file, slash-separated.
func TestWriteRecordsLensFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "team", "awaf.yaml")
	os.MkdirAll(filepath.Dir(path), 0o755)
	a := &awaf.Assessment{Lens: awaf.LensRef{ID: "x", Version: "1.0.0"}}
	if _, err := answers.Write(path, a, answers.WriteOptions{LensFile: filepath.Join(dir, "lenses", "x.yaml")}); err != nil {
		t.Fatal(err)
	}
	got, err := answers.Load(path)
	if err != nil || got.Lens.File != "../lenses/x.yaml" {
		t.Fatalf("lens.file %q %v", got.Lens.File, err)
	}
}

// TestWriteBrokenFile: a file that does not read as answers is not replaced without
// Force.
func TestWriteBrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "awaf.yaml")
	os.WriteFile(path, []byte("notes I keep here\n- one\n"), 0o644)
	a := &awaf.Assessment{Lens: awaf.LensRef{ID: "x", Version: "1"}}
	if _, err := answers.Write(path, a, answers.WriteOptions{}); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("got %v", err)
	}
	if string(mustRead(t, path)) != "notes I keep here\n- one\n" {
		t.Fatal("changed")
	}
}

// FuzzEdit: editing any answers file that parses towards any other gives a file that
// parses to exactly the wanted assessment.
func FuzzEdit(f *testing.F) {
	f.Add([]byte(good), []byte(string(mustRead(f, example))))
	f.Add(mustRead(f, example), []byte(good))
	f.Add([]byte("# c\nlens: {id: small-lens}\nanswers: []\n"), []byte(good))
	f.Fuzz(func(t *testing.T, from, to []byte) {
		old, err := answers.Parse("from.yaml", from)
		if err != nil {
			return
		}
		want, err := answers.Parse("to.yaml", to)
		if err != nil {
			return
		}
		_ = old
		out, err := answers.Edit(from, want.Assessment)
		if err != nil {
			t.Fatalf("edit: %v", err)
		}
		got, err := answers.Parse("out.yaml", out)
		if err != nil {
			t.Fatalf("edited file does not parse: %v\n%s", err, out)
		}
		g, _ := answers.Encode(got.Assessment)
		w, _ := answers.Encode(want.Assessment)
		if string(g) != string(w) {
			t.Fatalf("edited file says\n%s\nwant\n%s", g, w)
		}
	})
}

// TestEditNewFileStaysPlain: a file awaf created with empty profile fields ("") gets
// plain values when they are filled, not quoted ones; quotes a user wrote stay.
func TestEditNewFileStaysPlain(t *testing.T) {
	a := &awaf.Assessment{Workload: awaf.Workload{Name: "x"}}
	raw, err := answers.Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	a.Profile.Criticality = "business-critical"
	out, err := answers.Edit(raw, a)
	if err != nil || !strings.Contains(string(out), "\n  criticality: business-critical\n") {
		t.Errorf("%s %v", out, err)
	}
	out, err = answers.Edit([]byte("workload: {name: 'x'}\n"), &awaf.Assessment{Workload: awaf.Workload{Name: "y"}})
	if err != nil || !strings.Contains(string(out), "name: 'y'") {
		t.Errorf("%s %v", out, err)
	}
}

// TestEditAddsNoEmptyKeys: a hand-written short profile keeps its shape when the file
// is rewritten with nothing new in it (lens upgrade, merge): the fields it leaves out
// are not added back as empty values.
func TestEditAddsNoEmptyKeys(t *testing.T) {
	raw := []byte("lens: {id: azure-ai-workload, version: 1.0.0}\nworkload: {name: x}\nprofile: {kinds: [generative]}\nanswers: []\n")
	a, err := answers.Parse("awaf.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	a.Lens.Version = "1.1.0"
	out, err := answers.Edit(raw, a.Assessment)
	want := "lens: {id: azure-ai-workload, version: 1.1.0}\nworkload: {name: x}\nprofile: {kinds: [generative]}\nanswers: []\n"
	if err != nil || string(out) != want {
		t.Errorf("got\n%s(%v), want\n%s", out, err, want)
	}
	a.Profile.Criticality = "standard"
	out, _ = answers.Edit(raw, a.Assessment)
	if !strings.Contains(string(out), "criticality: standard") || strings.Contains(string(out), "components") {
		t.Errorf("a filled field is added, an empty one is not:\n%s", out)
	}
}
