package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
)

// The per-rule fixtures of internal/rules/testdata/cases.yaml are ARM-shaped. This
// test writes each of them as an ARM template, a Bicep file and a Terraform
// azapi_resource configuration, runs the real front ends and the rules, and checks
// that every format gives the outcome the fixture states: pass, fail or unknown (an
// !unknown value becomes a parameter or variable without a value).

type unknownVal struct{ why string }

type fixtureCase struct {
	Name     string        `yaml:"name"`
	Want     string        `yaml:"want"`
	Resource yaml.Node     `yaml:"resource"`
	Workload []yaml.Node   `yaml:"workload"`
	Profile  *awaf.Profile `yaml:"profile"`
}

func plain(n *yaml.Node) any {
	if n.Tag == "!unknown" {
		return unknownVal{n.Value}
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		var keys []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plain(n.Content[i+1])
			keys = append(keys, n.Content[i].Value)
		}
		m["\x00order"] = keys
		return m
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = plain(c)
		}
		return out
	}
	var x any
	_ = n.Decode(&x)
	return x
}

func keysOf(m map[string]any) []string { return m["\x00order"].([]string) }

// emitter writes values in one language, turning unknowns into parameters.
type emitter struct {
	params []string
	lang   string // arm, bicep, terraform
}

func (e *emitter) param() string {
	name := fmt.Sprintf("p%d", len(e.params))
	e.params = append(e.params, name)
	return name
}

func (e *emitter) value(x any, indent string) string {
	switch v := x.(type) {
	case unknownVal:
		p := e.param()
		switch e.lang {
		case "arm":
			return fmt.Sprintf(`"[parameters('%s')]"`, p)
		case "bicep":
			return p
		}
		return "var." + p
	case nil:
		return "null"
	case bool, int, float64:
		return fmt.Sprint(v)
	case string:
		switch e.lang {
		case "bicep":
			return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "${", `\${`).Replace(v) + "'"
		case "terraform":
			b, _ := json.Marshal(v)
			return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(string(b))
		}
		if strings.HasPrefix(v, "[") {
			v = "[" + v // ARM escapes a leading bracket by doubling it
		}
		b, _ := json.Marshal(v)
		return string(b)
	case []any:
		var parts []string
		for _, it := range v {
			parts = append(parts, e.value(it, indent+"  "))
		}
		if e.lang == "bicep" {
			if len(parts) == 0 {
				return "[]"
			}
			return "[\n" + indent + "  " + strings.Join(parts, "\n"+indent+"  ") + "\n" + indent + "]"
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		var parts []string
		for _, k := range keysOf(v) {
			val := e.value(v[k], indent+"  ")
			switch e.lang {
			case "arm":
				kb, _ := json.Marshal(k)
				parts = append(parts, string(kb)+": "+val)
			case "bicep":
				parts = append(parts, "'"+k+"': "+val)
			default:
				kb, _ := json.Marshal(k)
				parts = append(parts, string(kb)+" = "+val)
			}
		}
		switch {
		case len(parts) == 0:
			return "{}"
		case e.lang == "arm":
			return "{" + strings.Join(parts, ", ") + "}"
		}
		return "{\n" + indent + "  " + strings.Join(parts, "\n"+indent+"  ") + "\n" + indent + "}"
	}
	panic(fmt.Sprintf("unsupported fixture value %T", x))
}

// translatable reports whether a fixture can be written in every format: symbolic
// names, parent links, existing references and nested diagnostic types are
// format-specific and stay in the model-level tests.
func translatable(rs []map[string]any) bool {
	for _, r := range rs {
		for _, k := range []string{"id", "parent", "existing", "condition"} {
			if _, ok := r[k]; ok {
				return false
			}
		}
		if strings.Contains(strings.ToLower(r["type"].(string)), "/providers/") {
			return false
		}
	}
	return true
}

func writeARM(rs []map[string]any) fstest.MapFS {
	e := &emitter{lang: "arm"}
	var items []string
	for _, r := range rs {
		var parts []string
		parts = append(parts, `"apiVersion": "2024-10-01"`)
		for _, k := range keysOf(r) {
			kb, _ := json.Marshal(k)
			parts = append(parts, string(kb)+": "+e.value(r[k], ""))
		}
		items = append(items, "{"+strings.Join(parts, ", ")+"}")
	}
	var params []string
	for _, p := range e.params {
		params = append(params, fmt.Sprintf(`"%s": {"type": "string"}`, p))
	}
	doc := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
 "parameters": {` + strings.Join(params, ", ") + `},
 "resources": [
  ` + strings.Join(items, ",\n  ") + `
 ]}
`
	return fstest.MapFS{"case/azuredeploy.json": {Data: []byte(doc)}}
}

func writeBicep(rs []map[string]any) (fstest.MapFS, bool) {
	e := &emitter{lang: "bicep"}
	var b strings.Builder
	for i, r := range rs {
		if _, ok := r["scope"]; ok {
			return nil, false // Bicep scopes are symbols, not strings
		}
		fmt.Fprintf(&b, "resource r%d '%s@2024-10-01' = {\n", i, r["type"])
		for _, k := range keysOf(r) {
			if k == "type" {
				continue
			}
			fmt.Fprintf(&b, "  %s: %s\n", k, e.value(r[k], "  "))
		}
		b.WriteString("}\n\n")
	}
	var head strings.Builder
	for _, p := range e.params {
		fmt.Fprintf(&head, "param %s object\n", p)
	}
	return fstest.MapFS{"case/main.bicep": {Data: []byte(head.String() + "\n" + b.String())}}, true
}

func writeTerraform(rs []map[string]any) fstest.MapFS {
	e := &emitter{lang: "terraform"}
	var b strings.Builder
	const rg = "/subscriptions/s/resourceGroups/rg"
	for i, r := range rs {
		typ := r["type"].(string)
		name, _ := r["name"].(string)
		parent := rg
		if strings.Count(typ, "/") >= 2 {
			segs := strings.Split(typ, "/")
			names := strings.Split(name, "/")
			parent = rg + "/providers/" + segs[0] + "/" + segs[1] + "/" + names[0]
			for j := 2; j < len(segs)-1 && j-1 < len(names)-1; j++ {
				parent += "/" + segs[j] + "/" + names[j-1]
			}
			name = names[len(names)-1]
		}
		parentExpr := e.value(parent, "  ")
		if s, ok := r["scope"]; ok {
			parentExpr = e.value(s, "  ")
		}
		fmt.Fprintf(&b, "resource \"azapi_resource\" \"r%d\" {\n  type      = %q\n  name      = %s\n  parent_id = %s\n", i, typ+"@2024-10-01", e.value(name, "  "), parentExpr)
		body := map[string]any{}
		var order []string
		for _, k := range keysOf(r) {
			switch k {
			case "type", "name", "scope":
			case "location", "tags":
				fmt.Fprintf(&b, "  %s = %s\n", k, e.value(r[k], "  "))
			default:
				body[k] = r[k]
				order = append(order, k)
			}
		}
		body["\x00order"] = order
		fmt.Fprintf(&b, "  body = %s\n}\n\n", e.value(body, "  "))
	}
	var head strings.Builder
	for _, p := range e.params {
		fmt.Fprintf(&head, "variable %q {}\n", p)
	}
	return fstest.MapFS{"case/main.tf": {Data: []byte(head.String() + "\n" + b.String())}}
}

func TestRuleCasesInEveryFormat(t *testing.T) {
	data, err := os.ReadFile("../rules/testdata/cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string][]fixtureCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	cat := catalog(t)
	ids := make([]string, 0, len(cases))
	for id := range cases {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	run, skipped := 0, 0
	for _, id := range ids {
		for _, c := range cases[id] {
			rs := []map[string]any{plain(&c.Resource).(map[string]any)}
			for i := range c.Workload {
				rs = append(rs, plain(&c.Workload[i]).(map[string]any))
			}
			if !translatable(rs) {
				skipped++
				continue
			}
			formats := map[string]fstest.MapFS{"arm": writeARM(rs), "terraform": writeTerraform(rs)}
			if fsys, ok := writeBicep(rs); ok {
				formats["bicep"] = fsys
			}
			for format, fsys := range formats {
				t.Run(id+"/"+c.Name+"/"+format, func(t *testing.T) {
					run++
					res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: cat, Profile: c.Profile})
					if err != nil {
						t.Fatal(err)
					}
					for _, d := range res.Diagnostics {
						if d.Severity == "error" {
							t.Fatalf("diagnostic: %s: %s", locString(d.Loc), d.Message)
						}
					}
					want := strings.ToLower(rs[0]["type"].(string) + "|" + fmt.Sprint(rs[0]["name"]))
					got := "skip"
					for _, f := range res.Findings.All() {
						if f.Rule.ID == id && strings.ToLower(f.Resource.Type+"|"+displayName(f.Resource)) == want {
							got = string(f.Status)
						}
					}
					if got != c.Want {
						src := ""
						for _, f := range fsys {
							src = string(f.Data)
						}
						t.Errorf("got %s, want %s\n%s", got, c.Want, src)
					}
				})
			}
		}
	}
	if run < 300 {
		t.Errorf("only %d format runs (%d cases skipped)", run, skipped)
	}
}
