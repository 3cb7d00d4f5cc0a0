package answers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/lens"
)

const good = `lens: {id: small-lens, version: 0.1.0}
workload: {name: Support chat}
profile:
  kinds: [generative]
  components: [model-hosting]
  criticality: standard
  sensitivity: internal
  exposure: internal
  priorities: [security, cost]
answers:
  - question: identity
    selected: [id_no_keys, id_retry]
    note: "Keys off since March"
  - question: grounding
    notApplicable: {reason: out-of-scope, note: no index}
`

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"unknown key", "lens: {id: x}\nworkload: {name: w}\nprofil: {}\n", []string{"a.yaml:3: field profil not found"}},
		{"bad yaml", "answers: [\n", []string{"a.yaml:1:10: invalid YAML: did not find expected node content; the [ here is not closed"}},
		{"empty", "", []string{"file is empty"}},
		{"wrong type", "answers: {question: x}\n", []string{"a.yaml:1:", "cannot unmarshal"}},
		{"bad profile values", "profile:\n  kinds: [genai]\n  criticality: huge\n  priorities: [security, security]\n",
			[]string{`a.yaml:2:11: profile.kinds: "genai" is not one of`, `a.yaml:3:16: profile.criticality: "huge"`, `a.yaml:4:26: profile.priorities: "security" is not a pillar, or is listed twice`}},
		{"answered twice and bad N/A", "answers:\n  - question: q\n    selected: [a]\n  - question: q\n    notApplicable: {reason: lazy}\n    selected: [b]\n",
			[]string{"a.yaml:4:5: question q is answered twice", `a.yaml:5:20: question q: not-applicable reason "lazy"`, "also has selected choices"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := answers.Parse("a.yaml", []byte(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestCheckAgainstLens(t *testing.T) {
	l, err := lens.LoadFile("../lens/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := answers.Parse("a.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Check(l); err != nil {
		t.Fatalf("good file: %v", err)
	}
	bad := `lens: {id: other-lens}
answers:
  - question: identity
    selected: [id_no_keys, id_nope]
  - question: safety
    selected: [sf_none, sf_filters]
  - question: vanished
    selected: [x]
`
	f, err = answers.Parse("a.yaml", []byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	err = f.Check(l)
	for _, w := range []string{
		`a.yaml:1:12: answers are for lens "other-lens", not "small-lens"`,
		`a.yaml:4:28: question identity has no choice "id_nope"`,
		`a.yaml:6:15: question safety: "none of these" cannot be selected with other choices`,
		`a.yaml:7:15: unknown question "vanished"`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

func TestSaveRoundTripAndAtomicity(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "awaf.yaml")
	f, err := answers.Parse("a.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if err := answers.Save(path, f.Assessment); err != nil {
		t.Fatal(err)
	}
	back, err := answers.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Workload.Name != "Support chat" || len(back.Answers) != 2 || back.Answers[0].Note != "Keys off since March" ||
		back.Answers[1].NotApplicable.Reason != awaf.NAOutOfScope || back.Profile.Priorities[1] != awaf.Cost {
		t.Errorf("round trip: %+v", back)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "selected: [id_no_keys, id_retry]") {
		t.Errorf("selections are not written on one line for diffs:\n%s", data)
	}
	// A failed write leaves the old file whole and no temporary files behind.
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if os.Getuid() != 0 { // root ignores directory permissions
		if err := answers.Save(path, &awaf.Assessment{}); err == nil {
			t.Error("save into a read-only directory succeeded")
		}
		if again, _ := os.ReadFile(path); string(again) != string(data) {
			t.Error("failed save changed the file")
		}
	}
	os.Chmod(dir, 0o700)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("leftover files: %v", entries)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("answers: [{question: a, selected: [b, c]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := answers.Parse("fuzz.yaml", data)
		if err == nil && a == nil {
			t.Fatal("nil file without error")
		}
	})
}

func TestCheckNotNeeded(t *testing.T) {
	l, err := lens.Parse("nn.yaml", []byte(`id: nn
name: NN
version: 1.0.0
pillars: [{id: security, name: S}]
areas: [{id: app, name: A}]
questions:
  - id: retrieval
    title: Q
    area: app
    pillars: [security]
    choices:
      - {id: gr_trimming, title: Trimming, weight: 5, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/b"}]}
      - {id: gr_trimming_not_needed, title: Not needed, notNeeded: gr_trimming, guidance: {what: w, why: y, verify: v}, links: [{url: "https://learn.microsoft.com/a/c"}]}
      - {id: gr_none, title: None, none: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, answers string
		want          []string
	}{
		{"reason given", "answers:\n  - question: retrieval\n    selected: [gr_trimming_not_needed]\n    note: Public manual only.\n", nil},
		{"no reason", "answers:\n  - question: retrieval\n    selected: [gr_trimming_not_needed]\n",
			[]string{`a.yaml:3:15: question retrieval: gr_trimming_not_needed (not needed) needs its reason in the answer's note: why gr_trimming does not apply to this workload`}},
		{"with its practice", "answers:\n  - question: retrieval\n    selected: [gr_trimming, gr_trimming_not_needed]\n    note: both\n",
			[]string{`a.yaml:3:15: question retrieval: gr_trimming_not_needed says gr_trimming is not needed, so the two cannot both be selected`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := answers.Parse("a.yaml", []byte(tt.answers))
			if err != nil {
				t.Fatal(err)
			}
			err = f.Check(l)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
