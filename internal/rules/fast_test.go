package rules

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// TestFastPathMatchesCEL runs every rule fixture through the Go fast path and through
// CEL alone: status, message, location and unresolved inputs must be the same.
func TestFastPathMatchesCEL(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cases := loadCases(t)
	// Each fixture also runs without a profile and with profiles at both ends, so the
	// rules that read the profile meet known and unknown answers.
	profiles := []*awaf.Profile{nil,
		{Criticality: "mission-critical", Sensitivity: "regulated", Exposure: "external"},
		{Criticality: "experimental", Sensitivity: "public", Exposure: "internal"},
		{Criticality: "standard"}}
	fastRules, fastRuns := 0, 0
	for _, rule := range cat.Rules {
		if rule.fastCond != nil {
			fastRules++
		}
		for _, c := range cases[rule.ID] {
			for pi, p := range append([]*awaf.Profile{c.Profile}, profiles...) {
				t.Run(fmt.Sprintf("%s/%s/profile%d", rule.ID, c.Name, pi), func(t *testing.T) {
					fastRuns += sameBothWays(t, rule, c, p)
				})
			}
		}
	}
	// The fast path must actually carry the rules, or this test proves nothing.
	if fastRules < 70 {
		t.Errorf("%d of %d rules take the fast path, want at least 70", fastRules, len(cat.Rules))
	}
	if fastRuns < 600 {
		t.Errorf("the fast path answered %d fixture evaluations, want at least 600", fastRuns)
	}
	t.Logf("%d of %d rules take the fast path; it answered %d fixture evaluations", fastRules, len(cat.Rules), fastRuns)
}

// sameBothWays evaluates one fixture with the fast path and with CEL alone, compares
// the findings, and returns how many evaluations the fast path answered.
func sameBothWays(t *testing.T, rule *Rule, c ruleCase, p *awaf.Profile) int {
	t.Helper()
	res := []iac.Resource{fixture(t, &c.Resource)}
	for i := range c.Workload {
		res = append(res, fixture(t, &c.Workload[i]))
	}
	one := &Catalog{byID: map[string]*Rule{}, byType: map[string][]*Rule{}, related: map[string]bool{}}
	one.add(rule)
	fast, err := one.Evaluate(context.Background(), res, Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	slow, err := one.Evaluate(context.Background(), res, Options{Profile: p, slow: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fast) != len(slow) {
		t.Fatalf("fast path gave %d findings, CEL %d", len(fast), len(slow))
	}
	for i := range fast {
		a, b := fast[i], slow[i]
		if a.Rule != b.Rule || a.Resource != b.Resource || a.Status != b.Status ||
			a.Message != b.Message || a.Loc != b.Loc || !reflect.DeepEqual(a.Unresolved, b.Unresolved) {
			t.Errorf("finding %d differs:\nfast %+v\n CEL %+v", i, a, b)
		}
	}
	g := newGraph(res)
	wreg := &registry{base: workloadBase}
	fc := &fastCtx{g: g, profile: profileView(p, wreg), workload: workloadView(res, allIdx(len(res)), wreg)}
	n := 0
	for i := range res {
		fc.i = i
		if _, _, ok := rule.evalFast(fc, false); ok && rule.Selects(res[i].Type) {
			n++
		}
	}
	return n
}

func TestFastPathShapes(t *testing.T) {
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		expr string
		fast bool
	}{
		{`ieq(get(resource, "properties.publicNetworkAccess", "Enabled"), "Disabled")`, true},
		{`!truthy(get(resource, "properties.allowSharedKeyAccess", true))`, true},
		{`iin(get(resource, "sku.name", ""), ["F0", "Free"]) && get(resource, "sku.name", "") != ""`, true},
		{`get(resource, "properties.siteConfig.minTlsVersion", "1.2") in ["1.2", "1.3"]`, true},
		{`iprefix(get(resource, "Sku.name", ""), "Global") || truthy(get(resource, "kind", false))`, true},
		{`size(get(resource, "tags", {})) > 0`, true},
		{`num(get(resource, "properties.replicaCount", 1)) >= 3.0`, true},
		{`(size(related.privateEndpoints) > 0 || size(get(resource, "properties.privateEndpointConnections", [])) > 0)`, true},
		{`icontains(get(resource, "identity.type", "None"), "UserAssigned") && get(resource, "properties.p", "") != ""`, true},
		{`size(related.diagnosticSettings) > 0`, true},
		{`size(get(resource, "tags", {"a": 1})) > 0`, false},
		{`num(get(resource, "properties.replicaCount", 1)) >= double(profile.replicas)`, false},
		{`ieq(get(related, "parent.kind", ""), "OpenAI")`, false},
		{`ieq(get(resource, "type", ""), "x")`, false},
		{`ieq(get(resource, "properties[0].x", ""), "x")`, false},
		{`truthy(get(resource, "properties.x", 1))`, true},
		{`truthy(get(resource, "properties.x", null))`, false},
		{`iin(get(resource, "kind", ""), [profile.sensitivity])`, false},
		{`workload.contentSafety == true`, true},
		{`workload.contentSafety == "yes"`, false},
		{`size(workload.aiRegions) >= 2 || iin(profile.criticality, ["standard", "experimental"])`, true},
		{`ieq(get(resource, "properties.x", ""), "a") && size(related.metricAlerts) > 0`, true},
		{`related.metricAlerts.exists(a, truthy(get(a, "properties.enabled", true)))`, true},
		{`related.diagnosticSettings.exists(d, get(d, "properties.logs", []).exists(l, truthy(get(l, "enabled", false))))`, true},
		{`get(resource, "properties.contentFilters", []).all(f, !ieq(get(f, "name", ""), "Jailbreak") || truthy(get(f, "blocking", true)))`, true},
		{`get(resource, "properties.rules", []).exists(r, get(r, "value", "") in ["*", "0.0.0.0/0"])`, true},
		{`get(resource, "properties.rules", []).exists_one(r, get(r, "value", "") in ["*"])`, false},
		{`get(resource, "properties.rules", []).map(r, get(r, "value", "")).size() > 0`, false},
		{`related.siblings.exists(s, ieq(s.type, "x"))`, false},
		{`related.privateEndpoints.exists(resource, ieq(get(resource, "type", ""), "x"))`, false},
		{`related.privateEndpoints.exists(p, ieq(get(resource, "kind", ""), "x"))`, true},
		{`related.privateEndpoints.exists(p, ieq(get(p, "properties.x", ""), "x"))`, true},
		{`get(resource, "properties.a", []).exists(x, get(x, "b", []).exists(y, truthy(get(y, "c", false))))`, true},
		{`profile.known == true`, true},
		{`iin(profile.sensitivity, ["public"]) && workload.types.size() > 0`, false},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			_, ast, err := compile(env, tc.expr, true)
			if err != nil {
				t.Fatal(err)
			}
			if got := fastFrom(ast.NativeRep().Expr(), nil) != nil; got != tc.fast {
				t.Errorf("fast path %v, want %v", got, tc.fast)
			}
		})
	}
}

// TestFastPathMatchesCELOnMixedValues goes beyond the fixtures: every property a fast
// rule reads takes each of a set of awkward values (case variants, strings for bools,
// numbers, objects, lists, nulls, unknowns), in every rule's resource type.
func TestFastPathMatchesCELOnMixedValues(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	loc := func(line int) awafLoc { return awafLoc{File: "mixed.json", Line: line} }
	values := []func(line int) *iac.Value{
		func(int) *iac.Value { return nil },
		func(l int) *iac.Value { return iac.NewNull(loc(l)) },
		func(l int) *iac.Value { return iac.NewBool(true, loc(l)) },
		func(l int) *iac.Value { return iac.NewBool(false, loc(l)) },
		func(l int) *iac.Value { return iac.NewString("True", loc(l)) },
		func(l int) *iac.Value { return iac.NewString("false", loc(l)) },
		func(l int) *iac.Value { return iac.NewString("", loc(l)) },
		func(l int) *iac.Value { return iac.NewString(" 2.5 ", loc(l)) },
		func(l int) *iac.Value { return iac.NewString("é", loc(l)) },
		func(l int) *iac.Value { return iac.NewNumber(3, loc(l)) },
		func(l int) *iac.Value { return iac.NewNumber(2.5, loc(l)) },
		func(l int) *iac.Value { return iac.NewObject(loc(l)) },
		func(l int) *iac.Value { return iac.NewArray(loc(l), iac.NewString("a", loc(l))) },
		func(l int) *iac.Value { return iac.NewUnknown("parameter 'p' has no value", loc(l)) },
	}
	n := 0
	for _, rule := range cat.Rules {
		if rule.fastCond == nil {
			continue
		}
		var gets []*fastGet
		var walk func(e *fastExpr)
		walk = func(e *fastExpr) {
			if e == nil {
				return
			}
			if e.get != nil && e.get.src == srcResource {
				gets = append(gets, e.get)
				// The constants compared with, in two cases, are values worth trying.
				for _, c := range e.consts {
					values = append(values, func(l int) *iac.Value { return iac.NewString(c, loc(l)) },
						func(l int) *iac.Value { return iac.NewString(strings.ToUpper(c), loc(l)) })
				}
			}
			for _, s := range e.sub {
				walk(s)
			}
		}
		walk(rule.fastWhen)
		walk(rule.fastCond)
		one := &Catalog{byID: map[string]*Rule{}, byType: map[string][]*Rule{}, related: map[string]bool{}}
		one.add(rule)
		// Each value in each read property in turn, the others left at the first
		// property's value, and also every property at once.
		for vi := range values {
			for gi := range gets {
				r := iac.Resource{Type: rule.Types[0], Loc: loc(1), ID: "r"}
				for gj, g := range gets {
					v := values[vi](10 + gj)
					if gj != gi && gi%2 == 1 {
						v = values[(vi+gj)%len(values)](10 + gj)
					}
					setFast(&r, g, v)
				}
				res := []iac.Resource{r}
				fast, err1 := one.Evaluate(context.Background(), res, Options{})
				slow, err2 := one.Evaluate(context.Background(), res, Options{slow: true})
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if !reflect.DeepEqual(strip(fast), strip(slow)) {
					t.Errorf("%s on %s:\nfast %+v\n CEL %+v", rule.ID, r.Properties, strip(fast), strip(slow))
				}
				n++
			}
		}
	}
	if n < 500 {
		t.Errorf("only %d combinations tried", n)
	}
}

type awafLoc = awaf.Location

// setFast puts v at the place g reads, building objects on the way.
func setFast(r *iac.Resource, g *fastGet, v *iac.Value) {
	part := map[string]**iac.Value{"name": &r.Name, "kind": &r.Kind, "location": &r.Location, "sku": &r.SKU,
		"identity": &r.Identity, "tags": &r.Tags, "properties": &r.Properties, "zones": &r.Zones, "scope": &r.Scope}[g.head]
	if g.rest == "" {
		*part = v
		return
	}
	if *part == nil || (*part).Kind != iac.Object {
		*part = iac.NewObject(r.Loc)
	}
	cur := *part
	segs := strings.Split(g.rest, ".")
	for _, s := range segs[:len(segs)-1] {
		next := cur.Field(s)
		if next == nil || next.Kind != iac.Object {
			next = iac.NewObject(r.Loc)
			cur.Set(s, next)
		}
		cur = next
	}
	if v != nil {
		cur.Set(segs[len(segs)-1], v)
	}
}

type outcome struct {
	Status     Status
	Message    string
	Loc        awaf.Location
	Unresolved []Unresolved
}

func strip(fs []Finding) []outcome {
	out := make([]outcome, len(fs))
	for i, f := range fs {
		out[i] = outcome{f.Status, f.Message, f.Loc, f.Unresolved}
	}
	return out
}

func allIdx(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// TestFastUnknownMatchesCEL: for every rule whose condition is one comparison of one
// resource property (alone, or beside another operand of || or &&), a resource whose property (or the object holding it, or the whole
// part) is unknown gets the same finding from the fast path (fastUnknown) as from CEL
// alone: status, message, location and causes.
func TestFastUnknownMatchesCEL(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	answered := 0
	for _, rule := range cat.Rules {
		e := rule.fastCond
		for e != nil && e.op == fastNot {
			e = e.sub[0]
		}
		if e != nil && (e.op == fastOr || e.op == fastAnd) && len(e.sub) == 2 {
			// The comparison of a resource property beside a known operand.
			for _, x := range e.sub {
				for x.op == fastNot {
					x = x.sub[0]
				}
				if x.get != nil && x.get.src == srcResource {
					e = x
					break
				}
			}
		}
		if e == nil || e.get == nil || e.get.src != srcResource || e.link != "" || strings.ContainsAny(e.get.rest, "[]") {
			continue
		}
		segs := append([]string{e.get.head}, strings.Split(e.get.rest, ".")...)
		if e.get.rest == "" {
			segs = segs[:1]
		}
		// Unknown at each depth: the part, each object on the way, the property.
		for depth := 1; depth <= len(segs); depth++ {
			unk := &iac.Value{Kind: iac.Unknown, Why: fmt.Sprintf("parameter p%d has no default", depth), Loc: awaf.Location{File: "main.json", Line: 10 + depth, Column: 3}}
			v := unk
			for k := depth - 1; k >= 1; k-- {
				v = &iac.Value{Kind: iac.Object, Keys: []string{segs[k]}, Fields: map[string]*iac.Value{segs[k]: v}, Loc: awaf.Location{File: "main.json", Line: 5 + k}}
			}
			r := iac.Resource{Type: rule.Types[0], Name: iac.NewString("r1", awaf.Location{File: "main.json", Line: 2}),
				Loc: awaf.Location{File: "main.json", Line: 2, Column: 5}}
			switch segs[0] {
			case "properties":
				r.Properties = v
			case "sku":
				r.SKU = v
			case "identity":
				r.Identity = v
			case "tags":
				r.Tags = v
			case "kind":
				r.Kind = v
			case "location":
				r.Location = v
			case "zones":
				r.Zones = v
			default:
				continue
			}
			one := &Catalog{byID: map[string]*Rule{}, byType: map[string][]*Rule{}, related: map[string]bool{}}
			one.add(rule)
			fast, err := one.Evaluate(context.Background(), []iac.Resource{r}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			slow, err := one.Evaluate(context.Background(), []iac.Resource{r}, Options{slow: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(fast) != len(slow) {
				t.Fatalf("%s, unknown at depth %d: fast path gave %d findings, CEL %d", rule.ID, depth, len(fast), len(slow))
			}
			for i := range fast {
				a, b := fast[i], slow[i]
				if a.Status != b.Status || a.Message != b.Message || a.Loc != b.Loc || !reflect.DeepEqual(a.Unresolved, b.Unresolved) {
					t.Errorf("%s, unknown at depth %d:\nfast %+v\n CEL %+v", rule.ID, depth, a, b)
				}
			}
			res := []iac.Resource{r}
			fc := &fastCtx{g: newGraph(res), profile: profileView(nil, &registry{base: profileBase}), workload: map[string]any{}}
			if rule.fastUnknown(fc, false) != nil {
				answered++
			}
		}
	}
	// The shortcut must actually answer, or this test proves nothing.
	if answered < 50 {
		t.Errorf("fastUnknown answered %d evaluations, want at least 50", answered)
	}
	t.Logf("fastUnknown answered %d evaluations", answered)
}
