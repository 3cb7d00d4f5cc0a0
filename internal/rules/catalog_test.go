package rules

import (
	"testing"

	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
)

// TestBuiltin loads every embedded rule file; any problem fails the build.
func TestBuiltin(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rules) == 0 {
		t.Fatal("no rules")
	}
}

// TestChoicesExistInBuiltinLens keeps the rule-to-choice mapping in step with the
// built-in lens: every choice a rule names must be a choice of that lens.
func TestChoicesExistInBuiltinLens(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	choices := map[string]bool{}
	for _, q := range l.Questions {
		for _, ch := range q.Choices {
			choices[ch.ID] = true
		}
	}
	mapped := 0
	for _, r := range c.Rules {
		// A rule may name no choice: a hygiene check whose pass does not establish any
		// practice of the lens (a paid SKU, a custom subdomain) proposes nothing.
		for _, id := range r.Choices {
			if !choices[id] {
				t.Errorf("%s names choice %q, which the built-in lens %s does not have", r.ID, id, l.ID)
			}
			mapped++
		}
	}
	if mapped == 0 {
		t.Fatal("no rule maps to a lens choice")
	}
}

// TestRulesDoc fails when docs/rules.md is not the catalog's current rendering.
func TestRulesDoc(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	got := append(c.Markdown(), '\n')
	goldenfile.Check(t, "../../docs/rules.md", got)
}

// FuzzParseRules feeds arbitrary bytes to the rule file parser (user rules come from
// --rules DIR): it must report problems, never panic.
func FuzzParseRules(f *testing.F) {
	for _, name := range []string{"cognitive.yaml", "platform.yaml"} {
		data, err := builtinFS.ReadFile("catalog/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("rules:\n  - id: X-1\n    condition: get(resource, \"a\", 1) > \n"))
	f.Add([]byte("rules: {}\n"))
	env, err := newEnv()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, ps := parseFile(env, "fuzz.yaml", data, true)
		for _, p := range ps {
			if p.File != "fuzz.yaml" {
				t.Errorf("problem without the file name: %v", p)
			}
		}
		for _, r := range rs {
			if prg, err := r.condition.get(); prg == nil || err != nil {
				t.Errorf("rule %s accepted without a compiled condition: %v", r.ID, err)
			}
		}
	})
}

// The built-in catalog only parses its rules when it loads and builds their programs
// when CEL first needs them; every one must still type-check as a boolean and build,
// as a user's rule must when it is loaded.
func TestBuiltinProgramsCompile(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range c.Rules {
		if p, err := r.condition.get(); err != nil || p == nil {
			t.Errorf("%s: condition: %v", r.ID, err)
		}
		if _, _, err := compile(env, r.Condition, true); err != nil {
			t.Errorf("%s: condition: %v", r.ID, err)
		}
		if r.When == "" {
			continue
		}
		if _, _, err := compile(env, r.When, true); err != nil {
			t.Errorf("%s: when: %v", r.ID, err)
		}
		if p, err := r.gated.get(); err != nil || p == nil {
			t.Errorf("%s: when and condition together: %v", r.ID, err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no built-in rule has a when")
	}
}
