package rules

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// TestFastPathLoopsMatchCEL drives the rules whose fast path ranges over related
// resources or list items (exists and all) through a grid of awkward inputs: linked
// resources of every shape, lists with unknown, scalar and null items, properties of
// every kind, unknown link targets and exports. The fast path and CEL alone must give
// the same findings, unknowns and their reasons included.
func TestFastPathLoopsMatchCEL(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	loc := func(line int) awaf.Location { return awaf.Location{File: "grid.json", Line: line} }
	awkward := []func(int) *iac.Value{
		func(int) *iac.Value { return nil },
		func(l int) *iac.Value { return iac.NewNull(loc(l)) },
		func(l int) *iac.Value { return iac.NewBool(true, loc(l)) },
		func(l int) *iac.Value { return iac.NewBool(false, loc(l)) },
		func(l int) *iac.Value { return iac.NewString("TRUE", loc(l)) },
		func(l int) *iac.Value { return iac.NewString("", loc(l)) },
		func(l int) *iac.Value { return iac.NewString("/subscriptions/s/x", loc(l)) },
		func(l int) *iac.Value { return iac.NewNumber(1, loc(l)) },
		func(l int) *iac.Value { return iac.NewObject(loc(l)) },
		func(l int) *iac.Value { return iac.NewUnknown("parameter 'p' has no value", loc(l)) },
	}
	obj := func(l int, kv ...any) *iac.Value {
		o := iac.NewObject(loc(l))
		for i := 0; i+1 < len(kv); i += 2 {
			if v, _ := kv[i+1].(*iac.Value); v != nil {
				o.Set(kv[i].(string), v)
			}
		}
		return o
	}
	list := func(l int, items ...*iac.Value) *iac.Value { return iac.NewArray(loc(l), items...) }
	str := func(l int, s string) *iac.Value { return iac.NewString(s, loc(l)) }
	// shapes gives the list values a loop may meet, built around one awkward value.
	shapes := func(l int, item func(l int) *iac.Value) []*iac.Value {
		return []*iac.Value{nil, list(l), list(l, item(l)), list(l, obj(l), item(l+1)),
			list(l, iac.NewUnknown("a copy loop count is not known", loc(l))), str(l, "x"),
			list(l, str(l, "scalar")), iac.NewUnknown("variable 'v' has no value", loc(l))}
	}
	main := func(typ string, source iac.Source) iac.Resource {
		return iac.Resource{Type: typ, ID: "main", Name: str(1, "main"), Kind: str(2, "OpenAI"), Loc: loc(1), Source: source,
			Properties: obj(3, "publicNetworkAccess", str(4, "Disabled"))}
	}
	type world struct {
		name string
		res  []iac.Resource
	}
	var worlds []world
	add := func(name string, res ...iac.Resource) { worlds = append(worlds, world{name, res}) }

	for _, typ := range []string{"Microsoft.CognitiveServices/accounts", "Microsoft.MachineLearningServices/workspaces", "Microsoft.Search/searchServices"} {
		for _, source := range []iac.Source{iac.SourceARM, iac.SourceExport} {
			add(typ+"/no links/"+string(source), main(typ, source))
		}
		add(typ+"/pending diag", main(typ, "arm"), iac.Resource{Type: "Microsoft.Insights/diagnosticSettings", ID: "d", Loc: loc(9),
			Scope: iac.NewUnknown("reference() is not known", loc(9))})
		add(typ+"/pending alert", main(typ, "arm"), iac.Resource{Type: "Microsoft.Insights/metricAlerts", ID: "a", Loc: loc(9),
			Properties: obj(9, "scopes", iac.NewUnknown("parameter 'scopes' has no value", loc(9)))})
		for i, v := range awkward {
			for j, shape := range shapes(20, func(l int) *iac.Value { return obj(l, "enabled", awkward[(i+3)%len(awkward)](l)) }) {
				diag := iac.Resource{Type: "Microsoft.Insights/diagnosticSettings", ID: fmt.Sprintf("d%d", j), Loc: loc(10), Scope: str(10, "main"),
					Properties: obj(11, "workspaceId", v(12), "logs", shape)}
				add(fmt.Sprintf("%s/diag %d/%d", typ, i, j), main(typ, "arm"), diag)
				// A second setting that would pass, after the awkward one.
				good := iac.Resource{Type: "Microsoft.Insights/diagnosticSettings", ID: "good", Loc: loc(30), Scope: str(30, "main"),
					Properties: obj(31, "workspaceId", str(32, "/law"), "logs", list(33, obj(34, "enabled", iac.NewBool(true, loc(34)))))}
				add(fmt.Sprintf("%s/diag+good %d/%d", typ, i, j), main(typ, "arm"), diag, good)
			}
			alert := iac.Resource{Type: "Microsoft.Insights/metricAlerts", ID: "a", Loc: loc(40),
				Properties: obj(41, "scopes", list(42, str(42, "main")), "enabled", v(43))}
			add(fmt.Sprintf("%s/alert %d", typ, i), main(typ, "arm"), alert)
			byType := iac.Resource{Type: "Microsoft.Insights/metricAlerts", ID: "t", Loc: loc(50),
				Properties: obj(51, "targetResourceType", str(51, typ), "enabled", v(52))}
			add(fmt.Sprintf("%s/type alert %d", typ, i), main(typ, "arm"), byType)
			existing := alert
			existing.Existing = true
			add(fmt.Sprintf("%s/existing alert %d", typ, i), main(typ, "arm"), existing)
		}
	}
	// List items of the judged resource itself.
	for i, v := range awkward {
		for j, w := range awkward {
			names := []*iac.Value{str(60, "Jailbreak"), str(60, "protected material code"), str(60, "Hate"), v(60)}
			for k, name := range names {
				for s, shape := range shapes(61, func(l int) *iac.Value { return obj(l, "name", name, "enabled", v(l), "blocking", w(l)) }) {
					r := iac.Resource{Type: "Microsoft.CognitiveServices/accounts/raiPolicies", ID: "p", Name: str(59, "acct/p"), Loc: loc(59),
						Properties: obj(60, "contentFilters", shape)}
					add(fmt.Sprintf("rai %d/%d/%d/%d", i, j, k, s), r)
				}
			}
			for s, shape := range shapes(70, func(l int) *iac.Value { return obj(l, "value", v(l)) }) {
				r := iac.Resource{Type: "Microsoft.Search/searchServices", ID: "s", Loc: loc(69),
					Properties: obj(70, "networkRuleSet", obj(70, "ipRules", shape))}
				add(fmt.Sprintf("search rules %d/%d/%d", i, j, s), r)
			}
			for s, shape := range shapes(80, func(l int) *iac.Value {
				return obj(l, "ruleSetType", v(l), "ruleSetVersion", w(l))
			}) {
				r := iac.Resource{Type: "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", ID: "w", Loc: loc(79),
					Properties: obj(80, "managedRules", obj(80, "managedRuleSets", shape))}
				add(fmt.Sprintf("waf %d/%d/%d", i, j, s), r)
			}
		}
	}
	profiles := []*awaf.Profile{nil, {Criticality: "mission-critical", Sensitivity: "regulated"}}
	compared, loops := 0, 0
	for _, rule := range cat.Rules {
		if !hasLoop(rule.fastCond) && !hasLoop(rule.fastWhen) {
			continue
		}
		loops++
		one := &Catalog{byID: map[string]*Rule{}, byType: map[string][]*Rule{}, related: map[string]bool{}}
		one.add(rule)
		for _, w := range worlds {
			if !rule.Selects(w.res[0].Type) {
				continue
			}
			for _, p := range profiles {
				fast, err1 := one.Evaluate(context.Background(), w.res, Options{Profile: p})
				slow, err2 := one.Evaluate(context.Background(), w.res, Options{Profile: p, slow: true})
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if !reflect.DeepEqual(strip(fast), strip(slow)) {
					t.Errorf("%s on %s:\nfast %+v\n CEL %+v", rule.ID, w.name, strip(fast), strip(slow))
				}
				// And as a scan judges them: unit by unit, keeping projections.
				s := one.Start(Options{Profile: p})
				var kept []iac.Resource
				for i := range w.res {
					kept = append(kept, s.Sink([]iac.Resource{w.res[i]})...) // a copy: the sink may change it
				}
				fs, err := s.Finish(context.Background(), kept)
				late := fs.Slice()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(strip(late), strip(fast)) {
					t.Errorf("%s on %s in a session:\n got %+v\nwant %+v", rule.ID, w.name, strip(late), strip(fast))
				}
				compared++
			}
		}
	}
	if loops < 8 || compared < 5000 {
		t.Errorf("%d loop rules, %d comparisons: the grid no longer reaches the loops", loops, compared)
	}
	t.Logf("%d loop rules, %d comparisons", loops, compared)
}

func hasLoop(e *fastExpr) bool {
	if e == nil {
		return false
	}
	if e.op == fastExists || e.op == fastAll {
		return true
	}
	for _, s := range e.sub {
		if hasLoop(s) {
			return true
		}
	}
	return false
}
