package lensdiff

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/goldenfile"
)

// m1 and m2 are two versions with an upgrade mapping: m2 merges question keys into
// secrets (question replaces), s_rotate into s_vault (choice replaces, same
// question), renames n_private (moved), moves network/n_audit into the new question
// identity (across questions), and drops n_legacy.
const m1 = `id: team
name: Team
version: 1.0.0
pillars: [{id: security, name: Security}]
areas: [{id: platform, name: Platform}]
questions:
  - id: secrets
    title: Where are secrets kept?
    area: platform
    pillars: [security]
    choices:
      - {id: s_vault, title: Key Vault, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/a"}]}
      - {id: s_rotate, title: Rotation, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/b"}]}
      - {id: s_none, title: None of these, none: true}
  - id: keys
    title: Are vaults protected?
    area: platform
    pillars: [security]
    choices:
      - {id: k_purge, title: Purge protection, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/c"}]}
      - {id: k_none, title: None of these, none: true}
  - id: network
    title: Is the network private?
    area: platform
    pillars: [security]
    choices:
      - {id: n_private, title: Private endpoints, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/d"}]}
      - {id: n_audit, title: Access is audited, weight: 20, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/e"}]}
      - {id: n_legacy, title: Legacy firewall, weight: 10, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/f"}]}
      - {id: n_none, title: None of these, none: true}
`

const m2 = `id: team
name: Team
version: 1.1.0
pillars: [{id: security, name: Security}]
areas: [{id: platform, name: Platform}]
questions:
  - id: secrets
    title: Where are secrets kept, and are the vaults protected?
    area: platform
    pillars: [security]
    replaces: [keys]
    changes: Takes over the vault protection question; rotation is now part of the Key Vault practice.
    choices:
      - {id: s_vault, title: Key Vault with rotation, replaces: [s_rotate], weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/a"}]}
      - {id: k_purge, title: Purge protection, weight: 30, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/c"}]}
      - {id: s_scan, title: Secret scanning, weight: 20, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/g"}]}
      - {id: s_none, title: None of these, none: true}
  - id: network
    title: Is the network private?
    area: platform
    pillars: [security]
    changes: Private endpoints renamed; auditing moved to the identity question.
    choices:
      - {id: n_private_endpoints, title: Private endpoints only, replaces: [n_private], weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/d"}]}
      - {id: n_private_not_needed, title: "Not needed: public data only", notNeeded: n_private_endpoints, guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/h"}]}
      - {id: n_none, title: None of these, none: true}
  - id: identity
    title: Is access tied to identities?
    area: platform
    pillars: [security]
    changes: New question.
    choices:
      - {id: i_audit, title: Access is audited per identity, replaces: [network/n_audit], weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/e"}]}
      - {id: i_managed, title: Managed identities, weight: 50, effort: low, pillars: [security], guidance: {what: w, why: y, verify: v}, links: [{url: "https://example.com/i"}]}
      - {id: i_none, title: None of these, none: true}
`

func TestCompareMapping(t *testing.T) {
	d := Compare(mustLens(t, m1), mustLens(t, m2))
	var got []string
	for _, c := range d.Changes {
		got = append(got, string(c.Kind)+" "+c.Question+"/"+c.Choice+" from="+strings.Join(c.From, ",")+" "+strings.Join(c.Fields, ","))
	}
	want := []string{
		"merged secrets/ from=keys title",
		"merged secrets/s_vault from=secrets/s_rotate title",
		"moved secrets/k_purge from=keys/k_purge weight 50->30",
		"added secrets/s_scan from= ",
		"changed network/ from= ",
		"moved network/n_private_endpoints from=network/n_private title",
		"added network/n_private_not_needed from= ",
		"removed network/n_legacy from= ",
		"added identity/ from= ",
		"moved identity/i_audit from=network/n_audit title,weight 20->50",
		"added identity/i_managed from= ",
		"added identity/i_none from= ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.Changes[0].Note == "" || d.Changes[4].Note == "" {
		t.Error("the questions' changes notes are missing")
	}
	var text, md bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, "testdata/mapping.txt", text.Bytes())
	goldenfile.Check(t, "testdata/mapping.md", md.Bytes())
}

func TestCarryMapping(t *testing.T) {
	old, nw := mustLens(t, m1), mustLens(t, m2)
	ev := func(choice string) awaf.Evidence {
		return awaf.Evidence{Choice: choice, Source: "scan", Passed: true, Summary: "found it"}
	}
	cases := []struct {
		name    string
		answers []awaf.Answer
		want    []awaf.Answer
		moved   []string
		dropped []Dropped
		kept    int
	}{
		{
			name: "merged choice and merged question, evidence and notes follow",
			answers: []awaf.Answer{
				{Question: "secrets", Selected: []string{"s_rotate", "s_vault"}, Note: "Rotated yearly.", Evidence: []awaf.Evidence{ev("s_rotate")}},
				{Question: "keys", Selected: []string{"k_purge"}, Note: "Purge protection on both vaults.", Evidence: []awaf.Evidence{ev("k_purge")}},
			},
			want: []awaf.Answer{{Question: "secrets", Selected: []string{"s_vault", "k_purge"},
				Note:     "Rotated yearly.\n\n(from keys) Purge protection on both vaults.",
				Evidence: []awaf.Evidence{ev("s_vault"), ev("k_purge")}}},
			moved: []string{"secrets/s_rotate -> secrets/s_vault", "keys/k_purge -> secrets/k_purge"},
			kept:  2,
		},
		{
			name: "renamed, moved across questions, dropped",
			answers: []awaf.Answer{
				{Question: "network", Selected: []string{"n_private", "n_audit", "n_legacy"}, Evidence: []awaf.Evidence{ev("n_audit")},
					Template: &awaf.TemplateRef{Name: "zone", Version: 1}}, // no longer the template's answer
			},
			want: []awaf.Answer{
				{Question: "network", Selected: []string{"n_private_endpoints"}},
				{Question: "identity", Selected: []string{"i_audit"}, Evidence: []awaf.Evidence{ev("i_audit")}},
			},
			moved:   []string{"network/n_private -> network/n_private_endpoints", "network/n_audit -> identity/i_audit"},
			dropped: []Dropped{{Question: "network", Choices: []string{"n_legacy"}, Reason: "the choices are not in the new version"}},
			kept:    1,
		},
		{
			name: "none of these gives way to practices merged in",
			answers: []awaf.Answer{
				{Question: "secrets", Selected: []string{"s_none"}},
				{Question: "keys", Selected: []string{"k_purge"}},
			},
			want:    []awaf.Answer{{Question: "secrets", Selected: []string{"k_purge"}}},
			moved:   []string{"keys/k_purge -> secrets/k_purge"},
			dropped: []Dropped{{Question: "secrets", Choices: []string{"s_none"}, Reason: `"none of these" no longer holds: practices moved in from keys`}},
			kept:    2,
		},
		{
			name:    "none of a merged question maps to the new question's none",
			answers: []awaf.Answer{{Question: "keys", Selected: []string{"k_none"}}},
			want:    []awaf.Answer{{Question: "secrets", Selected: []string{"s_none"}}},
			moved:   []string{"keys/k_none -> secrets/s_none"},
			kept:    1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &awaf.Assessment{Lens: awaf.LensRef{ID: "team", Version: "1.0.0"}, Answers: tc.answers}
			out, u := Carry(a, old, nw)
			if !reflect.DeepEqual(out.Answers, tc.want) {
				t.Errorf("answers\n%+v\nwant\n%+v", out.Answers, tc.want)
			}
			var moved []string
			for _, m := range u.Moved {
				moved = append(moved, m.String())
			}
			if !reflect.DeepEqual(moved, tc.moved) {
				t.Errorf("moved %v, want %v", moved, tc.moved)
			}
			if !reflect.DeepEqual(u.Dropped, tc.dropped) {
				t.Errorf("dropped %+v, want %+v", u.Dropped, tc.dropped)
			}
			if u.Kept != tc.kept {
				t.Errorf("kept %d, want %d", u.Kept, tc.kept)
			}
			if !reflect.DeepEqual(u.NewQuestions, []string{"identity"}) || !reflect.DeepEqual(u.NewChoices, []string{"secrets/s_scan", "network/n_private_not_needed"}) {
				t.Errorf("new questions %v, new choices %v", u.NewQuestions, u.NewChoices)
			}
			if _, err := assessFits(nw, out); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestMapUnresolved(t *testing.T) {
	bad := strings.Replace(m2, "replaces: [network/n_audit]", "replaces: [network/n_gone]", 1)
	m := NewMap(mustLens(t, m1), mustLens(t, bad))
	if got := m.Unresolved(); !reflect.DeepEqual(got, []string{"identity/i_audit replaces network/n_gone"}) {
		t.Errorf("unresolved %v", got)
	}
}

// TestMarkdownChoiceOnly: a question whose only changes are in its choices is headed by
// its title.
func TestMarkdownChoiceOnly(t *testing.T) {
	changed := strings.Replace(strings.Replace(v1, "version: 1.0.0", "version: 1.0.1", 1), "title: Rotation, weight: 50", "title: Rotation, weight: 40", 1)
	var b bytes.Buffer
	if err := Compare(mustLens(t, v1), mustLens(t, changed)).WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# team 1.0.0 → 1.0.1\n", "## How are secrets kept? (`secrets`)\n", "- Changed: Rotation (`s_rotate`); weight 50->40\n"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("markdown lacks %q:\n%s", w, b.String())
		}
	}
}
