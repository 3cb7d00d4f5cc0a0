package tmplfunc_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
	"github.com/awaf/awaf/internal/iac/bicep"
	"github.com/awaf/awaf/internal/iac/tmplfunc"
)

// crossCases run each shared function through an ARM JSON expression and through
// the Bicep expression that means the same. Both front ends must give want: a value
// as JSON, "error" (an error diagnostic) or "unknown". ARM-only functions (add,
// greater, createArray, true, ...) are compared with the Bicep operator or literal
// that compiles to them.
//
// Both templates declare u, a string parameter without a value, so u is Unknown.
var crossCases = []struct {
	fn, arm, bicep, want string
}{
	// string.go
	{"base64", `base64('hello')`, `base64('hello')`, `"aGVsbG8="`},
	{"base64ToJson", `base64ToJson('eyJhIjogWzEsIDJdfQ==')`, `base64ToJson('eyJhIjogWzEsIDJdfQ==')`, `{"a":[1,2]}`},
	{"base64ToString", `base64ToString('aGVsbG8=')`, `base64ToString('aGVsbG8=')`, `"hello"`},
	{"base64ToString", `base64ToString('not base64!')`, `base64ToString('not base64!')`, `error`},
	{"concat", `concat('a', 1, true())`, `concat('a', 1, true)`, `"a1True"`},
	{"concat", `concat(createArray(1), createArray(2, 3), null())`, `concat([1], [2, 3], null)`, `[1,2,3]`},
	{"concat", `concat('a', createArray(1))`, `concat('a', [1])`, `error`},
	{"concat", `concat('a', parameters('u'))`, `concat('a', u)`, `unknown`},
	{"endsWith", `endsWith('abc', 'BC')`, `endsWith('abc', 'BC')`, `true`},
	{"format", `format('{0}-{1:D3}-{{x}}-{2,4}', 'a', 7, 'b')`, `format('{0}-{1:D3}-{{x}}-{2,4}', 'a', 7, 'b')`, `"a-007-{x}-   b"`},
	{"format", `format('{0:X}/{1:N2}/{2}', 255, 1.5, false())`, `format('{0:X}/{1:N2}/{2}', 255, json('1.5'), false)`, `"FF/1.50/False"`},
	{"format", `format('{1}', 'a')`, `format('{1}', 'a')`, `error`},
	{"format", `format('{0}', createObject('a', parameters('u')))`, `format('{0}', { a: u })`, `unknown`},
	{"guid", `equals(guid('a', 'b'), guid('a', 'b'))`, `guid('a', 'b') == guid('a', 'b')`, `true`},
	{"guid", `length(guid('a'))`, `length(guid('a'))`, `36`},
	{"indexOf", `createArray(indexOf('Hello', 'L'), indexOf(createArray(1, 2, 2), 2), indexOf('x', 'y'))`, `[indexOf('Hello', 'L'), indexOf([1, 2, 2], 2), indexOf('x', 'y')]`, `[2,1,-1]`},
	{"join", `join(createArray('a', 1, true()), '|')`, `join(['a', 1, true], '|')`, `"a|1|True"`},
	{"join", `join('ab', ',')`, `join('ab', ',')`, `error`},
	{"lastIndexOf", `createArray(lastIndexOf('héllo', 'L'), lastIndexOf(createArray(1, 2, 2), 2))`, `[lastIndexOf('héllo', 'L'), lastIndexOf([1, 2, 2], 2)]`, `[3,2]`},
	{"padLeft", `padLeft(7, 3, '0')`, `padLeft(7, 3, '0')`, `"007"`},
	{"padLeft", `padLeft('abc', 2)`, `padLeft('abc', 2)`, `"abc"`},
	{"padLeft", `padLeft('x', 20000)`, `padLeft('x', 20000)`, `error`},
	{"replace", `replace('a-b-c', '-', '')`, `replace('a-b-c', '-', '')`, `"abc"`},
	{"split", `split('a,b;c', createArray(',', ';'))`, `split('a,b;c', [',', ';'])`, `["a","b","c"]`},
	{"split", `split('a--b', '-')`, `split('a--b', '-')`, `["a","","b"]`},
	{"startsWith", `startsWith('Microsoft', 'micro')`, `startsWith('Microsoft', 'micro')`, `true`},
	{"string", `createArray(string(1), string(1.5), string(true()), string(createArray('a')), string(null()))`, `[string(1), string(json('1.5')), string(true), string(['a']), string(null)]`, `["1","1.5","True","[\"a\"]",""]`},
	{"string", `string(createObject('a', parameters('u')))`, `string({ a: u })`, `unknown`},
	{"substring", `substring('héllo', 1, 3)`, `substring('héllo', 1, 3)`, `"éll"`},
	{"substring", `substring('abc', 2, 5)`, `substring('abc', 2, 5)`, `error`},
	{"toLower", `toLower('AbC')`, `toLower('AbC')`, `"abc"`},
	{"toUpper", `toUpper('AbC')`, `toUpper('AbC')`, `"ABC"`},
	{"trim", `trim('  x y  ')`, `trim('  x y  ')`, `"x y"`},
	{"trim", `trim(1)`, `trim(1)`, `error`},
	{"uniqueString", `createArray(length(uniqueString('a')), equals(uniqueString('a'), uniqueString('b')))`, `[length(uniqueString('a')), uniqueString('a') == uniqueString('b')]`, `[13,false]`},
	{"uniqueString", `startsWith(uniqueString(parameters('u')), 'uniq-')`, `startsWith(uniqueString(u), 'uniq-')`, `true`},
	{"uri", `uri('https://a.example/b/', 'c?d=1')`, `uri('https://a.example/b/', 'c?d=1')`, `"https://a.example/b/c?d=1"`},
	{"uri", `uri('https://a.example/b', 'c')`, `uri('https://a.example/b', 'c')`, `"https://a.example/c"`},
	{"uriComponent", `uriComponent('a b&c')`, `uriComponent('a b&c')`, `"a+b%26c"`},
	{"uriComponentToString", `uriComponentToString('a+b%26c')`, `uriComponentToString('a+b%26c')`, `"a b\u0026c"`},
	// array.go
	{"array", `createArray(array('x'), array(createArray(1)))`, `[array('x'), array([1])]`, `[["x"],[1]]`},
	{"array", `array(parameters('u'))`, `array(u)`, `unknown`},
	{"contains", `createArray(contains('abc', 'b'), contains(createArray(1, 2), 3), contains(createObject('Key', 1), 'key'), contains(null(), 'a'))`, `[contains('abc', 'b'), contains([1, 2], 3), contains({ Key: 1 }, 'key'), contains(null, 'a')]`, `[true,false,true,false]`},
	{"contains", `contains(createArray(parameters('u')), 'a')`, `contains([u], 'a')`, `unknown`},
	{"contains", `contains(1, 1)`, `contains(1, 1)`, `error`},
	{"createArray", `createArray(1, 'a', createArray())`, `[1, 'a', []]`, `[1,"a",[]]`},
	{"empty", `createArray(empty(''), empty(createArray()), empty(createObject()), empty(null()), empty('a'), empty(0))`, `[empty(''), empty([]), empty({}), empty(null), empty('a'), empty(0)]`, `[true,true,true,true,false,false]`},
	{"first", `createArray(first(createArray(1, 2)), first('héllo'), first(createArray()), first(''))`, `[first([1, 2]), first('héllo'), first([]), first('')]`, `[1,"h",null,""]`},
	{"first", `first(1)`, `first(1)`, `error`},
	{"flatten", `flatten(createArray(createArray(1), createArray(), createArray(2, 3)))`, `flatten([[1], [], [2, 3]])`, `[1,2,3]`},
	{"flatten", `flatten(createArray(1, createArray(2)))`, `flatten([1, [2]])`, `error`},
	{"intersection", `intersection(createArray(1, 2, 3, 2), createArray(2, 3, 4), createArray(3, 2))`, `intersection([1, 2, 3, 2], [2, 3, 4], [3, 2])`, `[2,3]`},
	{"intersection", `intersection(createObject('a', 1, 'b', 2), createObject('a', 1, 'b', 3))`, `intersection({ a: 1, b: 2 }, { a: 1, b: 3 })`, `{"a":1}`},
	{"intersection", `intersection(createArray(1), createObject())`, `intersection([1], {})`, `error`},
	{"last", `createArray(last(createArray(1, 2)), last('abc'), last(createArray()))`, `[last([1, 2]), last('abc'), last([])]`, `[2,"c",null]`},
	{"length", `createArray(length('héllo'), length(createArray(1, 2)), length(createObject('a', 1)))`, `[length('héllo'), length([1, 2]), length({ a: 1 })]`, `[5,2,1]`},
	{"length", `length(1)`, `length(1)`, `error`},
	{"length", `length(parameters('u'))`, `length(u)`, `unknown`},
	{"range", `range(5, 3)`, `range(5, 3)`, `[5,6,7]`},
	{"range", `range(0, 10001)`, `range(0, 10001)`, `error`},
	{"skip", `createArray(skip(createArray(1, 2, 3), 1), skip('abc', 5), skip('abc', -1))`, `[skip([1, 2, 3], 1), skip('abc', 5), skip('abc', -1)]`, `[[2,3],"","abc"]`},
	{"take", `createArray(take(createArray(1, 2, 3), 2), take('abc', 5), take('abc', -1))`, `[take([1, 2, 3], 2), take('abc', 5), take('abc', -1)]`, `[[1,2],"abc",""]`},
	{"union", `union(createObject('a', createObject('b', 1, 'c', 2)), createObject('a', createObject('c', 3), 'd', 4))`, `union({ a: { b: 1, c: 2 } }, { a: { c: 3 }, d: 4 })`, `{"a":{"b":1,"c":3},"d":4}`},
	{"union", `union(createArray(1, 2), createArray(2, 3))`, `union([1, 2], [2, 3])`, `[1,2,3]`},
	{"union", `union(createArray(1), 'a')`, `union([1], 'a')`, `error`},
	// object.go
	{"bool", `createArray(bool('True'), bool('false'), bool(0), bool(2))`, `[bool('True'), bool('false'), bool(0), bool(2)]`, `[true,false,false,true]`},
	{"bool", `bool('yes')`, `bool('yes')`, `error`},
	{"coalesce", `coalesce(null(), null(), 'c', 'd')`, `coalesce(null, null, 'c', 'd')`, `"c"`},
	{"coalesce", `coalesce(null())`, `coalesce(null)`, `null`},
	{"createObject", `createObject('a', 1, 'b', createArray(true()))`, `{ a: 1, b: [true] }`, `{"a":1,"b":[true]}`},
	{"equals", `createArray(equals(1, 1), equals('a', 'A'), equals(createArray(1), createArray(1)), equals(createObject('A', 1), createObject('a', 1)))`, `[1 == 1, 'a' == 'A', [1] == [1], { A: 1 } == { a: 1 }]`, `[true,false,true,true]`},
	{"equals", `equals(parameters('u'), 'x')`, `u == 'x'`, `unknown`},
	{"false", `false()`, `false`, `false`},
	{"items", `items(createObject('b', 1, 'A', 2))`, `items({ b: 1, A: 2 })`, `[{"key":"A","value":2},{"key":"b","value":1}]`},
	{"items", `items(createArray())`, `items([])`, `error`},
	{"json", `json('{"a": [1, null, "x"]}')`, `json('{"a": [1, null, "x"]}')`, `{"a":[1,null,"x"]}`},
	{"json", `json('{')`, `json('{')`, `error`},
	{"not", `createArray(not(true()), not(equals(1, 2)))`, `[!true, !(1 == 2)]`, `[false,true]`},
	{"null", `null()`, `null`, `null`},
	{"objectKeys", `objectKeys(createObject('b', 1, 'a', 2))`, `objectKeys({ b: 1, a: 2 })`, `["b","a"]`},
	{"shallowMerge", `shallowMerge(createArray(createObject('a', createObject('x', 1)), createObject('a', createObject('y', 2), 'b', 3)))`, `shallowMerge([{ a: { x: 1 } }, { a: { y: 2 }, b: 3 }])`, `{"a":{"y":2},"b":3}`},
	{"shallowMerge", `shallowMerge(createArray())`, `shallowMerge([])`, `{}`},
	{"true", `true()`, `true`, `true`},
	{"tryGet", `createArray(tryGet(createObject('a', createArray(1, 2)), 'a', 1), tryGet(createObject(), 'x'), tryGet(createArray(1), 5))`, `[tryGet({ a: [1, 2] }, 'a', 1), tryGet({}, 'x'), tryGet([1], 5)]`, `[2,null,null]`},
	// numeric.go
	{"add", `add(2, 3)`, `2 + 3`, `5`},
	{"div", `createArray(div(7, 2), div(-7, 2))`, `[7 / 2, -7 / 2]`, `[3,-3]`},
	{"div", `div(1, 0)`, `1 / 0`, `error`},
	{"float", `float('1.5')`, `json('1.5')`, `1.5`},
	{"greater", `createArray(greater(2, 1), greater('a', 'b'))`, `[2 > 1, 'a' > 'b']`, `[true,false]`},
	{"greater", `greater(1, 'a')`, `1 > 'a'`, `error`},
	{"greaterOrEquals", `createArray(greaterOrEquals(2, 2), greaterOrEquals('a', 'b'))`, `[2 >= 2, 'a' >= 'b']`, `[true,false]`},
	{"int", `createArray(int('42'), int(4.7), int(-4.7))`, `[int('42'), int(json('4.7')), int(json('-4.7'))]`, `[42,4,-4]`},
	{"int", `int('x')`, `int('x')`, `error`},
	{"less", `createArray(less(1, 2), less('b', 'a'))`, `[1 < 2, 'b' < 'a']`, `[true,false]`},
	{"lessOrEquals", `createArray(lessOrEquals(2, 2), lessOrEquals(3, 2))`, `[2 <= 2, 3 <= 2]`, `[true,false]`},
	{"max", `createArray(max(3, 1, 2), max(createArray(4, 9, 2)))`, `[max(3, 1, 2), max([4, 9, 2])]`, `[3,9]`},
	{"max", `max('a')`, `max('a')`, `error`},
	{"min", `createArray(min(3, 1, 2), min(createArray(4, 9, 2)))`, `[min(3, 1, 2), min([4, 9, 2])]`, `[1,2]`},
	{"mod", `createArray(mod(7, 2), mod(-7, 2))`, `[7 % 2, -7 % 2]`, `[1,-1]`},
	{"mod", `mod(1, 0)`, `1 % 0`, `error`},
	{"mul", `mul(-3, 2)`, `-3 * 2`, `-6`},
	{"sub", `sub(10, 4)`, `10 - 4`, `6`},
	// datetime.go
	{"dateTimeAdd", `dateTimeAdd('2024-01-01 00:00:00Z', 'P1Y')`, `dateTimeAdd('2024-01-01 00:00:00Z', 'P1Y')`, `"2024-12-31T00:00:00Z"`},
	{"dateTimeAdd", `dateTimeAdd('2020-04-07T14:53:14Z', 'PT1H', 'u')`, `dateTimeAdd('2020-04-07T14:53:14Z', 'PT1H', 'u')`, `"2020-04-07 15:53:14Z"`},
	{"dateTimeAdd", `dateTimeAdd('soon', 'P1D')`, `dateTimeAdd('soon', 'P1D')`, `error`},
	{"dateTimeFromEpoch", `dateTimeFromEpoch(1586271194)`, `dateTimeFromEpoch(1586271194)`, `"2020-04-07T14:53:14Z"`},
	{"dateTimeFromEpoch", `dateTimeFromEpoch('1')`, `dateTimeFromEpoch('1')`, `error`},
	{"dateTimeToEpoch", `dateTimeToEpoch('2020-04-07T14:53:14Z')`, `dateTimeToEpoch('2020-04-07T14:53:14Z')`, `1586271194`},
	// cidr.go
	{"cidrHost", `createArray(cidrHost('10.0.0.0/24', 0), cidrHost('10.0.0.0/24', 253), cidrHost('fd00::/120', 254))`, `[cidrHost('10.0.0.0/24', 0), cidrHost('10.0.0.0/24', 253), cidrHost('fd00::/120', 254)]`, `["10.0.0.1","10.0.0.254","fd00::ff"]`},
	{"cidrHost", `cidrHost('10.0.0.0/24', 254)`, `cidrHost('10.0.0.0/24', 254)`, `error`}, // the broadcast address
	{"cidrHost", `cidrHost('10.0.0.0/24', -1)`, `cidrHost('10.0.0.0/24', -1)`, `error`},
	{"cidrHost", `cidrHost('fd00::/120', 255)`, `cidrHost('fd00::/120', 255)`, `error`}, // no broadcast in IPv6, but past the end
	{"cidrSubnet", `createArray(cidrSubnet('10.144.0.0/20', 24, 3), cidrSubnet('fd00:fd12:3456:7890::/56', 72, 162))`, `[cidrSubnet('10.144.0.0/20', 24, 3), cidrSubnet('fd00:fd12:3456:7890::/56', 72, 162)]`, `["10.144.3.0/24","fd00:fd12:3456:7800:a200::/72"]`},
	{"cidrSubnet", `cidrSubnet('10.144.0.0/20', 24, 16)`, `cidrSubnet('10.144.0.0/20', 24, 16)`, `error`},
	{"cidrSubnet", `cidrSubnet('10.144.0.0/20', 19, 0)`, `cidrSubnet('10.144.0.0/20', 19, 0)`, `error`},
	{"parseCidr", `parseCidr('10.144.3.7/20')`, `parseCidr('10.144.3.7/20')`, `{"network":"10.144.0.0","netmask":"255.255.240.0","broadcast":"10.144.15.255","firstUsable":"10.144.0.1","lastUsable":"10.144.15.254","cidr":20}`},
	{"parseCidr", `parseCidr('10.0.0.4/31')`, `parseCidr('10.0.0.4/31')`, `{"network":"10.0.0.4","netmask":"255.255.255.254","broadcast":"10.0.0.5","firstUsable":"10.0.0.4","lastUsable":"10.0.0.5","cidr":31}`},
	{"parseCidr", `parseCidr('fdad:3236:5555::/48')`, `parseCidr('fdad:3236:5555::/48')`, `{"network":"fdad:3236:5555::","netmask":"ffff:ffff:ffff::","firstUsable":"fdad:3236:5555::","lastUsable":"fdad:3236:5555:ffff:ffff:ffff:ffff:ffff","cidr":48}`},
	{"parseCidr", `parseCidr('10.0.0.0')`, `parseCidr('10.0.0.0')`, `error`},
	// resourceid.go
	{"resourceId", `resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'default')`, `resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'default')`, `"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"`},
	{"resourceId", `resourceId('sub1', 'rg1', 'Microsoft.Storage/storageAccounts', 'st')`, `resourceId('sub1', 'rg1', 'Microsoft.Storage/storageAccounts', 'st')`, `"/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/st"`},
	{"resourceId", `resourceId(parameters('u'), 'Microsoft.Storage/storageAccounts', 'st')`, `resourceId(u, 'Microsoft.Storage/storageAccounts', 'st')`, `"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/st"`},
	{"resourceId", `resourceId('Microsoft.Storage/storageAccounts', parameters('u'))`, `resourceId('Microsoft.Storage/storageAccounts', u)`, `unknown`},
	{"resourceId", `resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')`, `resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')`, `error`},
	{"subscriptionResourceId", `subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg')`, `subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg')`, `"/subscriptions/{subscriptionId}/providers/Microsoft.Resources/resourceGroups/rg"`},
	{"subscriptionResourceId", `subscriptionResourceId('sub1', 'Microsoft.Resources/resourceGroups', 'rg')`, `subscriptionResourceId('sub1', 'Microsoft.Resources/resourceGroups', 'rg')`, `"/subscriptions/sub1/providers/Microsoft.Resources/resourceGroups/rg"`},
	{"tenantResourceId", `tenantResourceId('Microsoft.Management/managementGroups', 'mg')`, `tenantResourceId('Microsoft.Management/managementGroups', 'mg')`, `"/providers/Microsoft.Management/managementGroups/mg"`},
	{"managementGroupResourceId", `managementGroupResourceId('mg1', 'Microsoft.Authorization/policyDefinitions', 'p')`, `managementGroupResourceId('mg1', 'Microsoft.Authorization/policyDefinitions', 'p')`, `"/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p"`},
	{"extensionResourceId", `extensionResourceId('/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/st', 'Microsoft.Authorization/locks', 'lk')`, `extensionResourceId('/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/st', 'Microsoft.Authorization/locks', 'lk')`, `"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/st/providers/Microsoft.Authorization/locks/lk"`},
}

// TestSameResultInARMAndBicep is the contract of the shared table: every function is
// covered, and ARM and Bicep agree on each case.
func TestSameResultInARMAndBicep(t *testing.T) {
	covered := map[string]int{}
	for _, tc := range crossCases {
		covered[tc.fn]++
	}
	for _, s := range tmplfunc.Specs() {
		if covered[s.Name] == 0 {
			t.Errorf("function %s has no cross-front-end case", s.Name)
		}
	}
	for name := range covered {
		if s, ok := tmplfunc.Lookup(strings.ToLower(name)); !ok || s.Name != name {
			t.Errorf("case for %s, which is not in the table", name)
		}
	}
	for _, tc := range crossCases {
		t.Run(tc.fn+"/"+tc.arm, func(t *testing.T) {
			a := evalARM(t, tc.arm)
			b := evalBicep(t, tc.bicep)
			if a != tc.want {
				t.Errorf("ARM [%s] = %s, want %s", tc.arm, a, tc.want)
			}
			if b != tc.want {
				t.Errorf("Bicep %s = %s, want %s", tc.bicep, b, tc.want)
			}
		})
	}
	t.Logf("%d cases over %d functions", len(crossCases), len(covered))
}

// outcome renders what a front end made of the expression: "error" when it raised
// an error diagnostic, "unknown" for an Unknown value, the value as JSON otherwise.
func outcome(t *testing.T, res []iac.Resource, diags []iac.Diagnostic) string {
	t.Helper()
	for _, d := range diags {
		if d.Severity == "error" {
			return "error"
		}
	}
	if len(res) != 1 {
		t.Fatalf("%d resources, diagnostics %v", len(res), diags)
	}
	x := res[0].Properties.Field("x")
	if x.IsUnknown() {
		return "unknown"
	}
	v := x.Index(0)
	if v == nil {
		t.Fatalf("properties.x = %s", x)
	}
	if v.IsUnknown() {
		return "unknown"
	}
	return v.String()
}

func evalARM(t *testing.T, expr string) string {
	t.Helper()
	q, _ := json.Marshal("[" + expr + "]")
	src := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
	  "contentVersion": "1.0.0.0",
	  "parameters": {"u": {"type": "string"}},
	  "resources": [{"type": "Microsoft.Test/things", "apiVersion": "2020-01-01", "name": "t",
	    "properties": {"x": [` + string(q) + `]}}]}`
	res, diags := arm.Expand(context.Background(), "t.json", []byte(src), nil)
	return outcome(t, res, diags)
}

func evalBicep(t *testing.T, expr string) string {
	t.Helper()
	src := "param u string\n\nresource t 'Microsoft.Test/things@2020-01-01' = {\n  name: 't'\n  properties: {\n    x: [\n      " + expr + "\n    ]\n  }\n}\n"
	fsys := fstest.MapFS{"main.bicep": {Data: []byte(src)}}
	res, diags, err := bicep.Scan(context.Background(), fsys, []string{"main.bicep"})
	if err != nil {
		t.Fatal(err)
	}
	return outcome(t, res, diags)
}

// argPool holds arguments as ARM and Bicep write them, of every kind, known and not.
var argPool = [][2]string{
	{`'abc'`, `'abc'`}, {`''`, `''`}, {`'A,b;c'`, `'A,b;c'`}, {`1`, `1`}, {`0`, `0`}, {`-1`, `-1`},
	{`254`, `254`}, {`24`, `24`}, {`'2'`, `'2'`}, {`true()`, `true`}, {`null()`, `null`},
	{`createArray(1, 'a')`, `[1, 'a']`}, {`createArray()`, `[]`},
	{`createArray(createArray(1), createArray(2))`, `[[1], [2]]`},
	{`createObject('a', 1, 'B', createObject('c', 2))`, `{ a: 1, B: { c: 2 } }`},
	{`parameters('u')`, `u`}, {`'10.0.0.0/24'`, `'10.0.0.0/24'`}, {`'fd00::/64'`, `'fd00::/64'`},
	{`'Microsoft.Network/virtualNetworks/subnets'`, `'Microsoft.Network/virtualNetworks/subnets'`},
	{`'2020-04-07T14:53:14Z'`, `'2020-04-07T14:53:14Z'`}, {`'P1D'`, `'P1D'`}, {`'{0}-{1:D3}'`, `'{0}-{1:D3}'`},
	{`'eyJhIjoxfQ=='`, `'eyJhIjoxfQ=='`}, {`'http://a/b/'`, `'http://a/b/'`},
	{`concat('a', parameters('u'))`, `concat('a', u)`}, {`createArray(parameters('u'))`, `[u]`},
	{`createObject('k', parameters('u'))`, `{ k: u }`}, {`json('2.5')`, `json('2.5')`},
}

// TestGeneratedCallsAgree calls every function Bicep shares with ARM with no
// argument, with each pool argument, and with a fixed sample of argument pairs,
// well-formed or not, and requires the same outcome from both front ends.
func TestGeneratedCallsAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of scans")
	}
	calls := 0
	for _, s := range tmplfunc.Specs() {
		if !s.Bicep {
			continue
		}
		var arg [][][2]string
		arg = append(arg, nil)
		for _, a := range argPool {
			arg = append(arg, [][2]string{a})
		}
		for i := 0; i < len(argPool)*len(argPool); i += 7 {
			arg = append(arg, [][2]string{argPool[i/len(argPool)], argPool[i%len(argPool)]})
		}
		for _, args := range arg {
			var a, b []string
			for _, x := range args {
				a, b = append(a, x[0]), append(b, x[1])
			}
			armExpr := s.Name + "(" + strings.Join(a, ", ") + ")"
			bicepExpr := s.Name + "(" + strings.Join(b, ", ") + ")"
			if ra, rb := evalARM(t, armExpr), evalBicep(t, bicepExpr); ra != rb {
				t.Errorf("%s\n  ARM   [%s] = %s\n  Bicep %s = %s", s.Name, armExpr, ra, bicepExpr, rb)
			}
			calls++
		}
	}
	t.Logf("%d generated calls agree", calls)
}
