package lensdiff

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

const v1 = `id: team
name: Team
version: 1.0.0
pillars: [{id: security, name: Security}]
areas: [{id: platform, name: Platform}]
questions:
  - id: secrets
    title: How are secrets kept?
    area: platform
    pillars: [security]
    choices:
      - {id: s_vault, title: Key Vault, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/a"}]}
      - {id: s_rotate, title: Rotation, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/b"}]}
      - {id: s_none, title: None of these, none: true}
  - id: network
    title: Is the network private?
    area: platform
    pillars: [security]
    choices:
      - {id: n_private, title: Private endpoints, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/c"}]}
      - {id: n_none, title: None of these, none: true}
`

// v2 drops network and s_rotate, reweighs s_vault, renames secrets, adds identity.
const v2 = `id: team
name: Team
version: 2.0.0
pillars: [{id: security, name: Security}]
areas: [{id: platform, name: Platform}]
questions:
  - id: secrets
    title: Where are secrets kept?
    area: platform
    pillars: [security]
    choices:
      - {id: s_vault, title: Key Vault, weight: 80, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/a"}]}
      - {id: s_hsm, title: HSM keys, weight: 20, effort: high, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/d"}]}
      - {id: s_none, title: None of these, none: true}
  - id: identity
    title: Are managed identities used?
    area: platform
    pillars: [security]
    choices:
      - {id: i_managed, title: Managed identities, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/e"}]}
      - {id: i_none, title: None of these, none: true}
`

func mustLens(t *testing.T, s string) *awaf.Lens {
	t.Helper()
	l, err := lens.Parse("t.yaml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCompare(t *testing.T) {
	d := Compare(mustLens(t, v1), mustLens(t, v2))
	var got []string
	for _, c := range d.Changes {
		got = append(got, string(c.Kind)+" "+c.Question+"/"+c.Choice+" "+strings.Join(c.Fields, ","))
	}
	want := []string{
		"changed secrets/ title",
		"changed secrets/s_vault weight 50->80",
		"added secrets/s_hsm ",
		"removed secrets/s_rotate ",
		"added identity/ ",
		"added identity/i_managed ",
		"added identity/i_none ",
		"removed network/ ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	q, c := d.Count()
	if q[Added] != 1 || q[Removed] != 1 || q[Changed] != 1 || c[Added] != 3 || c[Removed] != 1 || c[Changed] != 1 {
		t.Errorf("counts %v %v", q, c)
	}
	var text, js bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "lens team 1.0.0 -> team 2.0.0: questions 1 added, 1 removed, 1 changed") ||
		!strings.Contains(text.String(), `  - choice secrets/s_rotate "Rotation"`) {
		t.Errorf("text:\n%s", text.String())
	}
	if err := d.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Diff
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Changes) != len(d.Changes) {
		t.Errorf("json does not read back: %v", err)
	}
	if !Compare(mustLens(t, v1), mustLens(t, v1)).Empty() {
		t.Error("a lens differs from itself")
	}
}

func TestCarry(t *testing.T) {
	old, nw := mustLens(t, v1), mustLens(t, v2)
	cases := []struct {
		name    string
		answers []awaf.Answer
		kept    []awaf.Answer
		dropped []Dropped
	}{
		{"surviving choice kept, lost one dropped",
			[]awaf.Answer{{Question: "secrets", Selected: []string{"s_vault", "s_rotate"}, Note: "n"}},
			[]awaf.Answer{{Question: "secrets", Selected: []string{"s_vault"}, Note: "n"}},
			[]Dropped{{Question: "secrets", Choices: []string{"s_rotate"}, Reason: "the choices are not in the new version"}}},
		{"removed question dropped",
			[]awaf.Answer{{Question: "network", Selected: []string{"n_private"}}},
			nil,
			[]Dropped{{Question: "network", Reason: "the question is not in the new version"}}},
		{"nothing left is dropped",
			[]awaf.Answer{{Question: "secrets", Selected: []string{"s_rotate"}}},
			nil,
			[]Dropped{{Question: "secrets", Choices: []string{"s_rotate"}, Reason: "the choices are not in the new version"}, {Question: "secrets", Reason: "no selected choice survives"}}},
		{"not applicable kept",
			[]awaf.Answer{{Question: "secrets", NotApplicable: &awaf.NotApplicable{Reason: awaf.NAOutOfScope}}},
			[]awaf.Answer{{Question: "secrets", NotApplicable: &awaf.NotApplicable{Reason: awaf.NAOutOfScope}}},
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &awaf.Assessment{Lens: awaf.LensRef{ID: "team", Version: "1.0.0"}, Answers: tc.answers}
			out, u := Carry(a, old, nw)
			if out.Lens.Version != "2.0.0" {
				t.Errorf("lens %v", out.Lens)
			}
			if !reflect.DeepEqual(out.Answers, tc.kept) {
				t.Errorf("kept %+v, want %+v", out.Answers, tc.kept)
			}
			if !reflect.DeepEqual(u.Dropped, tc.dropped) {
				t.Errorf("dropped %+v, want %+v", u.Dropped, tc.dropped)
			}
			if !reflect.DeepEqual(u.NewQuestions, []string{"identity"}) {
				t.Errorf("new questions %v", u.NewQuestions)
			}
			if len(a.Answers) != len(tc.answers) || (len(tc.answers) > 0 && !reflect.DeepEqual(a.Answers[0], tc.answers[0])) {
				t.Error("Carry changed its input")
			}
			// The carried answers fit the new lens.
			if _, err := assessFits(nw, out); err != nil {
				t.Error(err)
			}
		})
	}
}

// assessFits checks answers against a lens the way evaluation does.
func assessFits(l *awaf.Lens, a *awaf.Assessment) (bool, error) {
	for _, ans := range a.Answers {
		q, ok := l.Question(ans.Question)
		if !ok {
			return false, &awaf.Error{Code: awaf.EINVALID, Message: "unknown question " + ans.Question}
		}
		for _, id := range ans.Selected {
			if _, ok := q.Choice(id); !ok {
				return false, &awaf.Error{Code: awaf.EINVALID, Message: "unknown choice " + id}
			}
		}
	}
	return true, nil
}

// TestCheckUpgrade (issue 11 item 3): another lens id is refused; the same id, any
// version, passes.
func TestCheckUpgrade(t *testing.T) {
	to := &awaf.Lens{ID: "azure-review-checklist", Version: "2.0.0"}
	err := CheckUpgrade(awaf.LensRef{ID: "azure-ai-workload", Version: "1.0.0"}, to)
	if awaf.ErrorCode(err) != awaf.ECONFLICT || !strings.Contains(err.Error(), "versions of one lens") {
		t.Errorf("another lens: %v", err)
	}
	if err := CheckUpgrade(awaf.LensRef{ID: "azure-review-checklist", Version: "1.0.0"}, to); err != nil {
		t.Errorf("same lens: %v", err)
	}
}
