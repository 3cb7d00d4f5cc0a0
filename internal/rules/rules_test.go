package rules

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// ruleCase is one fixture of testdata/cases.yaml: a resource (and the rest of the
// workload for cross-resource rules) and the outcome the rule must give. Values
// tagged !unknown become iac Unknown values with the tag's text as the reason.
type ruleCase struct {
	Name     string      `yaml:"name"`
	Want     string      `yaml:"want"` // pass, fail, unknown, skip (when excludes it)
	Resource yaml.Node   `yaml:"resource"`
	Workload []yaml.Node `yaml:"workload"`
	Profile  *awaf.Profile
}

func loadCases(t *testing.T) map[string][]ruleCase {
	t.Helper()
	data, err := os.ReadFile("testdata/cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string][]ruleCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// nodeValue converts a YAML node to an iac Value placed at the node's line.
func nodeValue(t *testing.T, n *yaml.Node) *iac.Value {
	t.Helper()
	loc := awaf.Location{File: "cases.yaml", Line: n.Line, Column: n.Column}
	if n.Tag == "!unknown" {
		return iac.NewUnknown(n.Value, loc)
	}
	switch n.Kind {
	case yaml.MappingNode:
		v := iac.NewObject(loc)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v.Set(n.Content[i].Value, nodeValue(t, n.Content[i+1]))
		}
		return v
	case yaml.SequenceNode:
		items := make([]*iac.Value, len(n.Content))
		for i, c := range n.Content {
			items[i] = nodeValue(t, c)
		}
		return iac.NewArray(loc, items...)
	case yaml.ScalarNode:
		var x any
		if err := n.Decode(&x); err != nil {
			t.Fatal(err)
		}
		switch x := x.(type) {
		case nil:
			return iac.NewNull(loc)
		case bool:
			return iac.NewBool(x, loc)
		case int:
			return iac.NewNumber(float64(x), loc)
		case float64:
			return iac.NewNumber(x, loc)
		case string:
			return iac.NewString(x, loc)
		}
	}
	t.Fatalf("line %d: unsupported YAML node", n.Line)
	return nil
}

// fixture builds a resource from a YAML mapping in ARM shape.
func fixture(t *testing.T, n *yaml.Node) iac.Resource {
	t.Helper()
	v := nodeValue(t, n)
	r := iac.Resource{Loc: v.Loc, Source: "arm"}
	for _, k := range v.Keys {
		f := v.Fields[k]
		switch k {
		case "type":
			r.Type = f.Str
		case "id":
			r.ID = f.Str
		case "parent":
			r.Parent = f.Str
		case "existing":
			r.Existing = f.Bool
		case "name":
			r.Name = f
		case "kind":
			r.Kind = f
		case "location":
			r.Location = f
		case "sku":
			r.SKU = f
		case "identity":
			r.Identity = f
		case "tags":
			r.Tags = f
		case "properties":
			r.Properties = f
		case "scope":
			r.Scope = f
		case "condition":
			r.Condition = f
		default:
			t.Fatalf("line %d: unknown resource key %q", f.Loc.Line, k)
		}
	}
	if r.ID == "" {
		if name, ok := r.NameString(); ok {
			r.ID = name
		}
	}
	return r
}

// TestRuleCases runs every rule on its fixtures: each rule needs at least one
// passing and one failing resource, and every fixture must give its stated outcome.
func TestRuleCases(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cases := loadCases(t)
	for id := range cases {
		if _, ok := cat.Rule(id); !ok {
			t.Errorf("testdata/cases.yaml has cases for %s, which is not a rule", id)
		}
	}
	for _, rule := range cat.Rules {
		t.Run(rule.ID, func(t *testing.T) {
			cs := cases[rule.ID]
			seen := map[string]bool{}
			for _, c := range cs {
				seen[c.Want] = true
			}
			if !seen["pass"] || !seen["fail"] {
				t.Fatalf("%s needs at least one pass and one fail case in testdata/cases.yaml", rule.ID)
			}
			for _, c := range cs {
				t.Run(c.Name, func(t *testing.T) {
					res := []iac.Resource{fixture(t, &c.Resource)}
					for i := range c.Workload {
						res = append(res, fixture(t, &c.Workload[i]))
					}
					one := &Catalog{byID: map[string]*Rule{}, byType: map[string][]*Rule{}, related: map[string]bool{}}
					one.add(rule)
					fs, err := one.Evaluate(context.Background(), res, Options{Profile: c.Profile})
					if err != nil {
						t.Fatal(err)
					}
					got := "skip"
					var f *Finding
					for i := range fs {
						if fs[i].Resource == &res[0] || fs[i].Resource.Loc == res[0].Loc {
							got, f = string(fs[i].Status), &fs[i]
						}
					}
					if got != c.Want {
						msg := ""
						if f != nil {
							msg = f.Message
						}
						t.Fatalf("got %s, want %s (%s)", got, c.Want, msg)
					}
					if got == "unknown" && (len(f.Unresolved) == 0 || !strings.Contains(f.Message, f.Unresolved[0].Why)) {
						t.Errorf("unknown without its reason: %+v", f)
					}
					if got == "fail" && f.Message == "" {
						t.Error("fail without a message")
					}
				})
			}
		})
	}
}

func TestCatalogCoversResearchRows(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[int]bool{}
	for _, r := range cat.Rules {
		if r.Row > 0 {
			rows[r.Row] = true
		}
	}
	var missing []string
	for i := 1; i <= 53; i++ {
		if !rows[i] {
			missing = append(missing, fmt.Sprint(i))
		}
	}
	if len(missing) > 0 {
		t.Errorf("rows of research/iac-checks.md without a rule: %s", strings.Join(missing, ", "))
	}
	if len(cat.Rules) < 60 {
		t.Errorf("catalog has %d rules, want at least 60", len(cat.Rules))
	}
}
