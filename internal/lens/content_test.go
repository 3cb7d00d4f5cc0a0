package lens_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/lensdiff"
)

// Content tests of the built-in lens from 1.1.0 on (issue 17).

func builtin(t *testing.T) *awaf.Lens {
	t.Helper()
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// sharedLinkAllowed lists single links that two or more choices may share, each with
// the reason (the page is about each of those practices, section by section).
var sharedLinkAllowed = map[string]string{}

// specificLink reports why a link is not a page about one practice, or "" when it is:
// an https://learn.microsoft.com/ address without a locale, deeper than a product's
// landing page (learn.microsoft.com/azure/<product>, or learn.microsoft.com/<product>
// for the products documented outside azure/, such as purview), and not the AI workload guide's
// landing or area pages (azure/well-architected/ai and azure/well-architected/ai/<area>)
// unless it names the section about the practice (#anchor).
func specificLink(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host != "learn.microsoft.com" {
		return "not an https://learn.microsoft.com/ address"
	}
	segs := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
	if len(segs) > 0 && len(segs[0]) == 5 && segs[0][2] == '-' {
		return "has a locale (" + segs[0] + "); write Learn addresses without one"
	}
	if len(segs) <= 1 || (segs[0] == "azure" && len(segs) <= 2) {
		return "is a product landing page"
	}
	if len(segs) <= 4 && segs[0] == "azure" && segs[1] == "well-architected" && segs[2] == "ai" && u.Fragment == "" {
		return "is a page of the whole AI workload guide or one of its areas, not about the practice (link the section about it, with #anchor, or a product page)"
	}
	return ""
}

func TestSpecificLink(t *testing.T) {
	for raw, want := range map[string]string{
		"https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview":             "",
		"https://learn.microsoft.com/azure/ai-foundry/openai/how-to/content-filters#configure": "",
		"https://learn.microsoft.com/azure/key-vault":                                          "is a product landing page",
		"https://learn.microsoft.com/purview":                                                  "is a product landing page",
		"https://learn.microsoft.com/purview/compliance-manager-regulations-list":              "",
		"https://learn.microsoft.com/azure/well-architected/ai/application-design":             "is a page of the whole",
		"https://learn.microsoft.com/azure/well-architected/ai/application-design#grounding":   "",
		"https://learn.microsoft.com/en-us/azure/key-vault/general/overview":                   "has a locale",
		"https://example.com/azure/key-vault/general/overview":                                 "not an https://learn",
	} {
		if got := specificLink(raw); (want == "") != (got == "") || !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
}

// TestBuiltinLinks: every choice but "none of these" links to the Learn page about its
// practice, and no two choices have the same single link unless allowed above.
func TestBuiltinLinks(t *testing.T) {
	l := builtin(t)
	single := map[string][]string{}
	for _, q := range l.Questions {
		for _, c := range q.Choices {
			if c.None {
				continue
			}
			var why []string
			ok := false
			for _, k := range c.Links {
				if w := specificLink(k.URL); w == "" {
					ok = true
				} else {
					why = append(why, k.URL+" "+w)
				}
			}
			if !ok {
				t.Errorf("%s/%s has no link to the page about its practice: %s", q.ID, c.ID, strings.Join(why, "; "))
			}
			if len(c.Links) == 1 {
				single[c.Links[0].URL] = append(single[c.Links[0].URL], q.ID+"/"+c.ID)
			}
		}
	}
	for u, ids := range single {
		if len(ids) > 1 && sharedLinkAllowed[u] == "" {
			t.Errorf("%s share the single link %s: link each to its own practice's page or section, or allow it in sharedLinkAllowed with a reason", strings.Join(ids, ", "), u)
		}
	}
	for u := range sharedLinkAllowed {
		if len(single[u]) < 2 {
			t.Errorf("sharedLinkAllowed lists %s, which no two choices share any more", u)
		}
	}
}

// TestBuiltinQuestionText: every question says what it covers and what this version
// changed in it.
func TestBuiltinQuestionText(t *testing.T) {
	l := builtin(t)
	for _, q := range l.Questions {
		if strings.TrimSpace(q.Description) == "" {
			t.Errorf("question %s has no description", q.ID)
		}
		if strings.TrimSpace(q.Changes) == "" {
			t.Errorf("question %s has no changes note (say what %s changed in it, if only links)", q.ID, l.Version)
		}
	}
}

// droppedFrom100 lists the 1.0.0 choices ("question/choice") whose answers an upgrade
// may lose, each with the reason; every other 1.0.0 choice keeps its id or is taken
// over by exactly one choice's replaces.
var droppedFrom100 = map[string]string{}

// TestBuiltinUpgradeMapping: answers on 1.0.0 lose nothing on upgrade that is not
// listed above.
func TestBuiltinUpgradeMapping(t *testing.T) {
	l := builtin(t)
	old, err := lens.BuiltinVersion(l.ID, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	m := lensdiff.NewMap(old, l)
	for _, u := range m.Unresolved() {
		t.Errorf("%s: names no choice of 1.0.0", u)
	}
	for _, q := range l.Questions {
		for _, r := range q.Replaces {
			if _, ok := old.Question(r); !ok {
				t.Errorf("question %s replaces %s, which 1.0.0 does not have", q.ID, r)
			}
		}
	}
	replaced := m.Replaced()
	for _, oq := range old.Questions {
		homes := m.Questions(oq.ID)
		_, keptQ := l.Question(oq.ID)
		for _, oc := range oq.Choices {
			ref := lensdiff.ChoiceRef{Question: oq.ID, Choice: oc.ID}
			if n := len(replaced[ref]); n > 1 {
				t.Errorf("%s is taken over by %d choices (%v); name it in exactly one replaces", ref, n, replaced[ref])
			}
			carried := len(m.Targets(oq.ID, oc.ID)) > 0
			if oc.None {
				// A question taken over by another gives its "none" to that one's.
				carried = carried || len(homes) == 0 || !keptQ
			}
			reason, dropped := droppedFrom100[ref.String()]
			switch {
			case !carried && !dropped:
				t.Errorf("%s keeps no id and no replaces names it: answers selecting it would be lost (map it, or list it in droppedFrom100 with a reason)", ref)
			case carried && dropped:
				t.Errorf("%s is listed as dropped (%s) but is carried over", ref, reason)
			}
		}
	}
}

// TestBuiltinTop10Support lists, per Top 10 item, the practices that support it (the
// golden file is the review copy), and checks each item has at least two.
func TestBuiltinTop10Support(t *testing.T) {
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Top 10 support in %s %s: the practices each item counts. An item is met when every\n", l.ID, l.Version)
	b.WriteString("# one that applies to the workload is selected or declared not needed with a reason.\n")
	for _, item := range l.Top10 {
		var lines []string
		for _, q := range l.Questions {
			for _, c := range q.Choices {
				for _, id := range c.Top10 {
					if id != item.ID {
						continue
					}
					line := fmt.Sprintf("  %s/%s: %s", q.ID, c.ID, c.Title)
					var app []string
					for _, a := range []string{q.Applies, c.Applies} {
						if a != "" {
							app = append(app, a)
						}
					}
					if len(app) > 0 {
						line += " [applies: " + strings.Join(app, " && ") + "]"
					}
					lines = append(lines, line)
				}
			}
		}
		fmt.Fprintf(&b, "\n%s: %s (%d)\n%s\n", item.ID, item.Title, len(lines), strings.Join(lines, "\n"))
		if len(lines) < 2 {
			t.Errorf("Top 10 item %s is supported by %d practices, want at least 2", item.ID, len(lines))
		}
	}
	goldenfile.Check(t, "testdata/builtin-top10.txt", []byte(b.String()))
}
