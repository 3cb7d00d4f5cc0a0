package arm

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// newTestEvaluator gives an evaluator over a small template with parameters and
// variables, as most tests need.
func newTestEvaluator(t *testing.T) *evaluator {
	t.Helper()
	tmpl, err := iac.DecodeJSON("t.json", []byte(`{
	  "parameters": {
	    "name": {"type": "string", "defaultValue": "ai"},
	    "count": {"type": "int", "defaultValue": 3},
	    "tags": {"type": "object", "defaultValue": {"env": "prod", "owner": {"team": "ml"}}},
	    "list": {"type": "array", "defaultValue": ["a", "b", "c"]},
	    "secret": {"type": "securestring"}
	  },
	  "variables": {
	    "prefix": "[concat(parameters('name'), '-')]",
	    "acct": "[concat(variables('prefix'), 'oai')]",
	    "loop": "[variables('loop')]",
	    "copy": [{"name": "disks", "count": 2, "input": {"lun": "[copyIndex('disks')]"}}]
	  },
	  "functions": [{"namespace": "awaf", "members": {"pre": {"parameters": [{"name": "x", "type": "string"}],
	    "output": {"type": "string", "value": "[concat('pre-', parameters('x'))]"}}}}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	ev := &evaluator{file: "t.json", sink: newSink(), symbols: map[string]string{}}
	x := &expander{file: "t.json", sink: ev.sink}
	ev.setFunctions(tmpl.Field("functions"))
	ev.params = x.bindParams(ev, tmpl, nil)
	ev.setVariables(tmpl.Field("variables"))
	return ev
}

func TestExpressions(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"string literal with escaped quote", `['it''s']`, `"it's"`},
		{"parameter default", `[parameters('name')]`, `"ai"`},
		{"parameter name any case", `[parameters('NAME')]`, `"ai"`},
		{"variables chain", `[variables('acct')]`, `"ai-oai"`},
		{"variable copy", `[variables('disks')]`, `[{"lun":0},{"lun":1}]`},
		{"member and index", `[parameters('tags').owner['team']]`, `"ml"`},
		{"array index", `[parameters('list')[1]]`, `"b"`},
		{"concat strings and numbers", `[concat('a', 1, true())]`, `"a1True"`},
		{"concat arrays", `[concat(parameters('list'), createArray('d'))]`, `["a","b","c","d"]`},
		{"format", `[format('{0}-{1:D3}-{{x}}', 'a', 7)]`, `"a-007-{x}"`},
		{"if true", `[if(equals(parameters('count'), 3), 'three', 'other')]`, `"three"`},
		{"if false", `[if(greater(1, 2), 'a', 'b')]`, `"b"`},
		{"not and or", `[and(true(), or(false(), not(false())))]`, `true`},
		{"comparisons", `[createArray(less(1, 2), lessOrEquals(2, 2), greaterOrEquals('a', 'b'))]`, `[true,true,false]`},
		{"empty", `[createArray(empty(''), empty(createArray()), empty(createObject('a', 1)), empty(null()))]`, `[true,true,false,true]`},
		{"contains", `[createArray(contains('abc', 'b'), contains(parameters('list'), 'c'), contains(parameters('tags'), 'ENV'))]`, `[true,true,true]`},
		{"length", `[createArray(length('héllo'), length(parameters('list')), length(parameters('tags')))]`, `[5,3,2]`},
		{"case and trim", `[concat(toLower('AbC'), toUpper('x'), trim('  y '))]`, `"abcXy"`},
		{"replace substring", `[substring(replace('a-b-c', '-', ''), 1, 2)]`, `"bc"`},
		{"split join", `[join(split('a,b;c', createArray(',', ';')), '|')]`, `"a|b|c"`},
		{"first last", `[concat(first(parameters('list')), last('xyz'))]`, `"az"`},
		{"indexOf case-insensitive", `[createArray(indexOf('Hello', 'L'), lastIndexOf('hello', 'l'), indexOf('x', 'y'))]`, `[2,3,-1]`},
		{"startsWith endsWith", `[createArray(startsWith('Microsoft', 'micro'), endsWith('abc', 'B'))]`, `[true,false]`},
		{"string int bool", `[createArray(string(1), int('42'), bool('true'), string(parameters('list')))]`, `["1",42,true,"[\"a\",\"b\",\"c\"]"]`},
		{"json", `[json('{"a": [1, null]}').a]`, `[1,null]`},
		{"createObject", `[createObject('k', 1, 'l', createArray())]`, `{"k":1,"l":[]}`},
		{"array", `[array('x')]`, `["x"]`},
		{"union objects deep", `[union(parameters('tags'), createObject('owner', createObject('cost', 'c1')))]`, `{"env":"prod","owner":{"team":"ml","cost":"c1"}}`},
		{"union arrays", `[union(createArray(1, 2), createArray(2, 3))]`, `[1,2,3]`},
		{"coalesce", `[coalesce(null(), null(), 'x')]`, `"x"`},
		{"take skip", `[concat(take(parameters('list'), 1), skip(parameters('list'), 2))]`, `["a","c"]`},
		{"range", `[range(5, 3)]`, `[5,6,7]`},
		{"min max", `[createArray(min(3, 1, 2), max(createArray(4, 9)))]`, `[1,9]`},
		{"arithmetic", `[createArray(add(1, 2), sub(5, 7), mul(3, 4), div(7, 2), mod(7, 3))]`, `[3,-2,12,3,1]`},
		{"resourceId", `[resourceId('Microsoft.CognitiveServices/accounts/deployments', 'acct', 'gpt')]`, `"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.CognitiveServices/accounts/acct/deployments/gpt"`},
		{"resourceId with group", `[resourceId('other-rg', 'Microsoft.Storage/storageAccounts', 'st')]`, `"/subscriptions/{subscriptionId}/resourceGroups/other-rg/providers/Microsoft.Storage/storageAccounts/st"`},
		{"subscriptionResourceId", `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'abc')]`, `"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/abc"`},
		{"extensionResourceId", `[extensionResourceId(resourceId('Microsoft.Search/searchServices', 's'), 'Microsoft.Insights/diagnosticSettings', 'd')]`, `"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Search/searchServices/s/providers/Microsoft.Insights/diagnosticSettings/d"`},
		{"resourceGroup id", `[resourceGroup().id]`, `"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}"`},
		{"uniqueString stable", `[equals(uniqueString('a', 'b'), uniqueString('a', 'b'))]`, `true`},
		{"uniqueString differs", `[equals(uniqueString('a'), uniqueString('b'))]`, `false`},
		{"user function", `[awaf.pre(parameters('name'))]`, `"pre-ai"`},
		{"map lambda", `[map(parameters('list'), lambda('x', toUpper(lambdaVariables('x'))))]`, `["A","B","C"]`},
		{"filter lambda", `[filter(range(0, 5), lambda('n', greater(lambdaVariables('n'), 2)))]`, `[3,4]`},
		{"reduce lambda", `[reduce(range(1, 4), 0, lambda('acc', 'n', add(lambdaVariables('acc'), lambdaVariables('n'))))]`, `10`},
		{"items", `[items(createObject('b', 2, 'a', 1))]`, `[{"key":"a","value":1},{"key":"b","value":2}]`},
		{"tryGet", `[createArray(tryGet(parameters('tags'), 'owner', 'team'), tryGet(parameters('tags'), 'none'))]`, `["ml",null]`},
		{"parseCidr v4", `[parseCidr('10.144.0.0/20')]`, `{"network":"10.144.0.0","netmask":"255.255.240.0","broadcast":"10.144.15.255","firstUsable":"10.144.0.1","lastUsable":"10.144.15.254","cidr":20}`},
		{"parseCidr v6", `[parseCidr('fdad:3236:5555::/48')]`, `{"network":"fdad:3236:5555::","netmask":"ffff:ffff:ffff::","firstUsable":"fdad:3236:5555::","lastUsable":"fdad:3236:5555:ffff:ffff:ffff:ffff:ffff","cidr":48}`},
		{"cidrSubnet", `[createArray(cidrSubnet('10.144.0.0/20', 24, 3), cidrSubnet('fdad:3236:5555::/48', 52, 1))]`, `["10.144.3.0/24","fdad:3236:5555:1000::/52"]`},
		{"cidrHost", `[createArray(cidrHost('10.144.3.0/24', 0), cidrHost('10.144.3.0/24', 253), cidrHost('fdad:3236:5555:3000::/52', 4))]`, `["10.144.3.1","10.144.3.254","fdad:3236:5555:3000::5"]`},
		{"nested calls and whitespace", `[ concat( 'a' , format( '{0}', add( 1 , 1 ) ) ) ]`, `"a2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newTestEvaluator(t)
			got := ev.exprString(tt.expr, awaf.Location{File: "t.json", Line: 1, Column: 1}, nil)
			if got.String() != tt.want {
				t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
			}
			if len(ev.sink.diags) > 0 {
				t.Errorf("diagnostics: %v", ev.sink.diags)
			}
		})
	}
}

func TestUnknownPropagation(t *testing.T) {
	tests := []struct {
		name, expr string
		unknown    bool
		want       string // when known
		why        string // substring of Why when unknown
	}{
		{"parameter without value", `[parameters('secret')]`, true, "", "parameter 'secret' has no value"},
		{"concat of unknown", `[concat('x', parameters('secret'))]`, true, "", "parameter 'secret' has no value"},
		{"format of unknown", `[format('{0}', reference('x').id)]`, true, "", "reference() is known after deployment"},
		{"if unknown condition, different branches", `[if(equals(parameters('secret'), 'a'), 1, 2)]`, true, "", "parameter 'secret'"},
		{"if unknown condition, equal branches", `[if(equals(parameters('secret'), 'a'), 'same', 'same')]`, false, `"same"`, ""},
		{"if known condition ignores unknown branch", `[if(true(), 'a', parameters('secret'))]`, false, `"a"`, ""},
		{"and false beats unknown", `[and(parameters('secret'), false())]`, false, `false`, ""},
		{"or true beats unknown", `[or(parameters('secret'), true())]`, false, `true`, ""},
		{"and true with unknown", `[and(true(), equals(parameters('secret'), 'x'))]`, true, "", "parameter 'secret'"},
		{"coalesce stops at unknown", `[coalesce(null(), parameters('secret'), 'x')]`, true, "", "parameter 'secret'"},
		{"array keeps unknown items", `[length(createArray(parameters('secret'), 1))]`, false, `2`, ""},
		{"contains finds known item", `[contains(createArray(parameters('secret'), 'a'), 'a')]`, false, `true`, ""},
		{"contains cannot rule out", `[contains(createArray(parameters('secret'), 'a'), 'b')]`, true, "", "parameter 'secret'"},
		{"listKeys", `[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st'), '2023-01-01').keys[0].value]`, true, "", "listKeys() is known after deployment"},
		{"resourceGroup location", `[resourceGroup().location]`, true, "", "resourceGroup().location"},
		{"subscription id", `[subscription().subscriptionId]`, true, "", "subscriptionId"},
		{"uniqueString of unknown is a placeholder", `[startsWith(uniqueString(subscription().subscriptionId), 'uniq-')]`, false, `true`, ""},
		{"resourceId with unknown name", `[resourceId('Microsoft.Storage/storageAccounts', parameters('secret'))]`, true, "", "parameter 'secret'"},
		{"member of unknown", `[parameters('secret').x[0]]`, true, "", "parameter 'secret'"},
		{"environment", `[environment().suffixes.storage]`, true, "", "environment()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newTestEvaluator(t)
			got := ev.exprString(tt.expr, awaf.Location{File: "t.json", Line: 1, Column: 1}, nil)
			if got.IsUnknown() != tt.unknown {
				t.Fatalf("%s = %s, unknown=%v want %v", tt.expr, got, got.IsUnknown(), tt.unknown)
			}
			if tt.unknown && !strings.Contains(got.Why, tt.why) {
				t.Errorf("why = %q, want it to mention %q", got.Why, tt.why)
			}
			if !tt.unknown && got.String() != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if len(ev.sink.diags) > 0 {
				t.Errorf("diagnostics: %v", ev.sink.diags)
			}
		})
	}
}

func TestExpressionErrors(t *testing.T) {
	tests := []struct {
		name, expr, msg string
		line, col       int
	}{
		{"unterminated string", `[concat('a)]`, "invalid expression: unterminated string literal: expected a closing '", 9, 13},
		{"missing paren", `[concat('a', 'b']`, "invalid expression: expected ',' or ')' in the arguments of concat, found end of expression", 9, 21},
		{"bare identifier", `[foo]`, "invalid expression: expected '(' after function name \"foo\", found end of expression", 9, 9},
		{"trailing junk", `[concat('a') x]`, "invalid expression: expected end of expression, found \"x\"", 9, 18},
		{"unknown function", `[nosuch(1)]`, "[nosuch(1)]: function nosuch is not supported; the value is treated as unknown", 9, 4},
		{"undeclared parameter", `[parameters('nope')]`, "[parameters('nope')]: parameter \"nope\" is not declared", 9, 4},
		{"self-referencing variable", `[variables('loop')]`, "[variables('loop')]: variable \"loop\" refers to itself", 12, 14},
		{"missing property", `[parameters('tags').nope]`, "[parameters('tags').nope]: the object has no property \"nope\"", 9, 4},
		{"index out of range", `[parameters('list')[5]]`, "[parameters('list')[5]]: index 5 is out of range for an array of 3", 9, 4},
		{"wrong arity", `[equals(1)]`, "[equals(1)]: equals expects 2 argument(s), got 1", 9, 4},
		{"cidrHost past the last usable address", `[cidrHost('10.0.0.0/24', 254)]`, "[cidrHost('10.0.0.0/24', 254)]: cidrHost: host 254 is outside 10.0.0.0/24", 9, 4},
		{"cidrSubnet bad prefix", `[cidrSubnet('10.0.0.0/24', 16, 0)]`, "[cidrSubnet('10.0.0.0/24', 16, 0)]: cidrSubnet: new prefix /16 must be between /24 and /32", 9, 4},
		{"copyIndex outside loop", `[copyIndex()]`, "[copyIndex()]: copyIndex() used outside a copy loop", 9, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newTestEvaluator(t)
			got := ev.exprString(tt.expr, awaf.Location{File: "t.json", Line: 9, Column: 4}, nil)
			if !got.IsUnknown() {
				t.Errorf("result %s, want Unknown", got)
			}
			var found bool
			for _, d := range ev.sink.diags {
				if d.Message == tt.msg && d.Loc.Line == tt.line && d.Loc.Column == tt.col && (d.Severity == "error") != strings.Contains(d.Message, "not supported") {
					found = true
				}
			}
			if !found {
				t.Errorf("diagnostics %+v, want %q at %d:%d", ev.sink.diags, tt.msg, tt.line, tt.col)
			}
		})
	}
}

func TestLiteralEscape(t *testing.T) {
	ev := newTestEvaluator(t)
	v := ev.tree(iac.NewString("[[not an expression]", awaf.Location{}), nil)
	if v.String() != `"[not an expression]"` {
		t.Errorf("got %s", v)
	}
}

func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{
		`concat('a', parameters('b'))`, `parameters('x').y[0]['z']`, `if(equals(1, 2), 'a''b', -3)`,
		`ns.fn(1)`, `resourceId('Microsoft.X/y', 'n')`, `map(range(0, 3), lambda('i', lambdaVariables('i')))`, `'`, `a(`, `)(`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := parseExpr(src)
		if err != nil {
			ee, ok := err.(*exprError)
			if !ok || ee.Offset < 0 || ee.Offset > len(src) {
				t.Fatalf("error %v has no offset inside the input", err)
			}
			return
		}
		if n == nil {
			t.Fatal("nil node without error")
		}
		// Whatever parses must evaluate without panicking.
		ev := newTestEvaluator(t)
		ev.exprString("["+src+"]", awaf.Location{File: "f", Line: 1, Column: 1}, nil)
	})
}

func TestDoublingIsBounded(t *testing.T) {
	var vars []string
	vars = append(vars, `"v0": "abcdefghijklmnopqrstuvwxyz0123456789"`)
	for i := 1; i < 40; i++ {
		vars = append(vars, fmt.Sprintf(`"v%d": "[concat(variables('v%d'), variables('v%d'))]"`, i, i-1, i-1))
	}
	src := tmpl(`"variables": {` + strings.Join(vars, ",") + `}, "resources": [{"type": "Microsoft.Web/sites", "name": "x", "properties": {"p": "[variables('v39')]"}}]`)
	res, diags := Expand(context.Background(), "main.json", []byte(src), nil)
	if len(res) != 1 || !res[0].Properties.Get("p").IsUnknown() || len(diags) == 0 {
		t.Fatalf("got %v %v", res, diags)
	}
}

func TestWorkIsBounded(t *testing.T) {
	ev := newTestEvaluator(t)
	ev.sink.steps = maxSteps - 5000 // as if most of the budget were spent already
	got := ev.exprString("[length(map(range(0, 100), lambda('a', map(range(0, 100), lambda('b', add(lambdaVariables('b'), 1))))))]", awaf.Location{File: "t.json", Line: 1, Column: 1}, nil)
	if !got.IsUnknown() || len(ev.sink.diags) != 1 || !strings.Contains(ev.sink.diags[0].Message, "evaluation stopped") {
		t.Fatalf("got %s %v", got, ev.sink.diags)
	}
}
