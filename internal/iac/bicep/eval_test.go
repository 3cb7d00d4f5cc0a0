package bicep

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
)

// evalVar evaluates variable "x" of a template and returns it as JSON, with the
// diagnostics raised on the way.
func evalVar(t *testing.T, src string) (string, []iac.Diagnostic) {
	t.Helper()
	fsys := fstest.MapFS{"main.bicep": {Data: []byte(src)}, "data.json": {Data: []byte(`{"a": {"b": [1, 2]}}`)}, "note.txt": {Data: []byte("hello")}}
	sc := Scanner{}.newState(context.Background(), fsys)
	f, err := sc.parseFile("main.bicep")
	if err != nil {
		t.Fatal(err)
	}
	e := sc.newEnv(f, nil, nil, "")
	sym := e.syms["x"]
	if sym == nil {
		t.Fatalf("no variable x in %q", src)
	}
	return e.symbolValue(sym).String(), sc.diags
}

func TestEvalExpressions(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"interpolation", "param n string = 'chat'\nvar x = 'oai-${n}-${1 + 2}'", `"oai-chat-3"`},
		{"multi-line string", "var x = '''\nline1\n  line2'''", `"line1\n  line2"`},
		{"ternary", "param prod bool = true\nvar x = prod ? 'Disabled' : 'Enabled'", `"Disabled"`},
		{"arithmetic", "var x = [7 / 2, 7 % 2, -3 * 2, 10 - 4 - 3]", `[3,1,-6,3]`},
		{"comparison", "var x = ['a' < 'b', 2 >= 3, 'A' =~ 'a', 'A' !~ 'a', [1] == [1]]", `[true,false,true,false,true]`},
		{"member and index", "var o = { a: { b: [10, 20] } }\nvar x = o.a.b[1]", `20`},
		{"safe access short-circuits the chain", "var o = {}\nvar x = [o.?a.b.c, o.?a[0], o.?a.b ?? 'd']", `[null,null,"d"]`},
		{"safe access and coalesce", "var o = { a: 1 }\nvar x = [o.?missing, o.?missing ?? 'dflt', o[?'a']]", `[null,"dflt",1]`},
		{"string functions", "var x = [toLower('AbC'), toUpper('abc'), replace('a-b-c', '-', ''), substring('abcdef', 1, 3), startsWith('Hello', 'he'), endsWith('Hello', 'LO'), trim('  x  ')]", `["abc","ABC","abc","bcd",true,true,"x"]`},
		{"format", "var x = format('{0}-{1:D3}-{{x}}', 'a', 7)", `"a-007-{x}"`},
		{"split and join", "var x = join(split('a,b;c', [',', ';']), '|')", `"a|b|c"`},
		{"concat", "var x = [concat('a', 'b', 1), concat([1], [2, 3])]", `["ab1",[1,2,3]]`},
		{"contains, length, empty", "var x = [contains('abc', 'b'), contains([1, 2], 3), contains({ k: 1 }, 'k'), length('héllo'), length([1, 2]), empty(''), empty({}), empty(null)]", `[true,false,true,5,2,true,true,true]`},
		{"union of objects is deep", "var x = union({ a: { b: 1, c: 2 } }, { a: { c: 3 }, d: 4 })", `{"a":{"b":1,"c":3},"d":4}`},
		{"union of arrays drops duplicates", "var x = union([1, 2], [2, 3])", `[1,2,3]`},
		{"first, last, skip, take", "var x = [first([1, 2]), last('abc'), skip([1, 2, 3], 1), take('abc', 2)]", `[1,"c",[2,3],"ab"]`},
		{"conversions", "var x = [string(1), string({ a: true }), int('42'), bool('True'), json('{\"k\": [1]}').k[0]]", `["1","{\"a\":true}",42,true,1]`},
		{"range, min, max", "var x = [range(2, 3), min(3, 1, 2), max([4, 9, 2])]", `[[2,3,4],1,9]`},
		{"coalesce", "var x = coalesce(null, null, 'c', 'd')", `"c"`},
		{"items and objectKeys", "var x = [items({ a: 1 }), objectKeys({ b: 2, c: 3 })]", `[[{"key":"a","value":1}],["b","c"]]`},
		{"filter and map", "var xs = [{ n: 'a', on: true }, { n: 'b', on: false }]\nvar x = map(filter(xs, x => x.on), x => toUpper(x.n))", `["A"]`},
		{"reduce, sort, toObject", "var x = [reduce([1, 2, 3], 0, (acc, v) => acc + v), sort([3, 1, 2], (a, b) => a < b), toObject(['a', 'b'], k => k, k => length(k))]", `[6,[1,2,3],{"a":1,"b":1}]`},
		{"for expression in a variable", "var x = [for (n, i) in ['a', 'b']: '${n}${i}']", `["a0","b1"]`},
		{"for with filter", "var x = [for n in range(0, 4): if (n % 2 == 0) { v: n }]", `[{"v":0},{"v":2}]`},
		{"spread", "var a = { k: 1 }\nvar x = { ...a, l: [...[1], 2] }", `{"k":1,"l":[1,2]}`},
		{"user-defined function", "func twice(s string) string => '${s}${s}'\nvar x = twice('ab')", `"abab"`},
		{"user-defined function sees only its parameters", "func id(v int) int => v\nvar x = id(5)", `5`},
		{"parameter without default is unknown", "param sku string\nvar x = 'sku-${sku}'", `{"$unknown":"parameter 'sku' has no value"}`},
		{"nullable parameter is null", "param tag string?\nvar x = tag ?? 'none'", `"none"`},
		{"deployment-time functions are unknown", "var x = [resourceGroup().location, utcNow(), subscription().subscriptionId]", `[{"$unknown":"resourceGroup().location is only known at deployment"},{"$unknown":"utcNow() is the deployment time"},{"$unknown":"subscription().subscriptionId is only known at deployment"}]`},
		{"unknown condition makes the result unknown", "param p bool\nvar x = p ? 'a' : 'b'", `{"$unknown":"parameter 'p' has no value"}`},
		{"unknown condition with equal branches", "param p bool\nvar x = p ? 'same' : 'same'", `"same"`},
		{"short-circuit decides despite unknown", "param p bool\nvar x = [false && p, true || p, p || true]", `[false,true,true]`},
		{"uniqueString is a stable placeholder", "var x = [uniqueString('a', 'b') == uniqueString('a', 'b'), length(uniqueString('a')), uniqueString('a') == uniqueString('b')]", `[true,13,false]`},
		{"guid has the shape of a guid", "var x = length(split(guid('a'), '-'))", `5`},
		{"resourceId", "var x = resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')", `"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet"`},
		{"resourceId in another group", "var x = resourceId('rg2', 'Microsoft.Storage/storageAccounts', 'st')", `"/subscriptions/{subscriptionId}/resourceGroups/rg2/providers/Microsoft.Storage/storageAccounts/st"`},
		{"resource reference", "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'st1'\n}\nvar x = [st.id, st.name, st.type, st.apiVersion]", `["/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/st1","st1","Microsoft.Storage/storageAccounts","2023-05-01"]`},
		{"runtime property of a resource is unknown", "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'st1'\n}\nvar x = st.properties.primaryEndpoints.blob", `{"$unknown":"st.properties is only known after deployment"}`},
		{"listKeys is unknown", "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'st1'\n}\nvar x = st.listKeys().keys[0].value", `{"$unknown":"st.listKeys() is only known at deployment"}`},
		{"looped resource reference", "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = [for n in ['a', 'b']: {\n  name: 'st${n}'\n}]\nvar x = st[1].name", `"stb"`},
		{"existing resource in another group", "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {\n  name: 'kv1'\n  scope: resourceGroup('rg-hub')\n}\nvar x = kv.id", `"/subscriptions/{subscriptionId}/resourceGroups/rg-hub/providers/Microsoft.KeyVault/vaults/kv1"`},
		{"nested resource access", "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'st1'\n  resource blob 'blobServices' = {\n    name: 'default'\n  }\n}\nvar x = st::blob.id", `"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default"`},
		{"sys and az namespaces", "var x = [sys.concat('a', 'b'), az.resourceGroup().id]", `["ab","/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}"]`},
		{"loadTextContent and loadJsonContent", "var x = [loadTextContent('note.txt'), loadJsonContent('data.json').a.b[1]]", `["hello",2]`},
		{"cidr functions", "var x = [cidrSubnet('10.144.0.0/20', 24, 3), cidrHost('10.144.3.0/24', 3), parseCidr('10.144.3.0/24').lastUsable]", `["10.144.3.0/24","10.144.3.4","10.144.3.254"]`},
		{"out-of-order variables", "var x = y + 1\nvar y = 41", `42`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := evalVar(t, tt.src)
			if got != tt.want {
				t.Errorf("x = %s\nwant %s", got, tt.want)
			}
			for _, d := range diags {
				t.Errorf("unexpected diagnostic: %+v", d)
			}
		})
	}
}

func TestEvalDiagnostics(t *testing.T) {
	tests := []struct {
		name, src, wantVal, wantDiag string
	}{
		{"self reference", "var x = x", `{"$unknown":"\"x\" refers to itself"}`, `main.bicep:1:1: error: "x" refers to itself`},
		{"undeclared name", "var x = nope", `{"$unknown":"\"nope\" is not declared"}`, `main.bicep:1:9: error: "nope" is not declared`},
		{"unsupported function", "var x = frobnicate(1)", `{"$unknown":"function frobnicate() is not supported by the Bicep reader"}`, `main.bicep:1:9: warning: unsupported construct: function frobnicate()`},
		{"index out of range", "var x = [1][3]", `{"$unknown":"index 3 out of range (length 1)"}`, `main.bicep:1:9: error: index 3 out of range (length 1)`},
		{"type error", "var x = 'a' + 1", `{"$unknown":"operator + needs ints, not string and number"}`, `main.bicep:1:9: error: operator + needs ints, not string and number`},
		{"missing property", "var o = { a: 1 }\nvar x = o.b", `{"$unknown":"property \"b\" is not declared"}`, `main.bicep:2:9: warning: property "b" is not declared in the object`},
		{"recursion limit", "func f(n int) int => f(n)\nvar x = f(1)", `{"$unknown":"function calls nested deeper than 64"}`, `main.bicep:1:22: error: function calls nested deeper than 64`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := evalVar(t, tt.src)
			if got != tt.wantVal {
				t.Errorf("x = %s\nwant %s", got, tt.wantVal)
			}
			var ds []string
			for _, d := range diags {
				ds = append(ds, at(d.Loc)+": "+string(d.Severity)+": "+d.Message)
			}
			if len(ds) == 0 || ds[0] != tt.wantDiag {
				t.Errorf("diagnostics %q\nwant first %q", ds, tt.wantDiag)
			}
		})
	}
}

// scanFiles scans an in-memory tree and returns resources by id plus diagnostics as text.
func scanFiles(t *testing.T, files map[string]string, paths ...string) ([]iac.Resource, []string) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	res, diags, err := Scanner{ARM: defaultARM, ARMFiles: arm.ExpandFS}.Scan(context.Background(), fsys, paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ds []string
	for _, d := range diags {
		ds = append(ds, at(d.Loc)+": "+string(d.Severity)+": "+d.Message)
	}
	return res, ds
}

func names(res []iac.Resource) string {
	var out []string
	for _, r := range res {
		n, ok := r.NameString()
		if !ok {
			n = "?" + r.ID
		}
		out = append(out, n)
	}
	return strings.Join(out, ",")
}

func TestScanResources(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		wantNames string
		wantDiags []string // substrings, one per diagnostic, in order
		check     func(t *testing.T, res []iac.Resource)
	}{
		{
			name: "false condition drops, unknown condition keeps and marks",
			files: map[string]string{"main.bicep": `param on bool
resource a 'Microsoft.Search/searchServices@2023-11-01' = if (false) {
  name: 'a'
}
resource b 'Microsoft.Search/searchServices@2023-11-01' = if (on) {
  name: 'b'
}
resource c 'Microsoft.Search/searchServices@2023-11-01' = if (true) {
  name: 'c'
}`},
			wantNames: "b,c",
			check: func(t *testing.T, res []iac.Resource) {
				if c := res[0].Condition; !c.IsUnknown() || c.Why != "parameter 'on' has no value" {
					t.Errorf("b condition = %v", c)
				}
				if res[1].Condition != nil {
					t.Errorf("c condition = %v, want nil", res[1].Condition)
				}
			},
		},
		{
			name: "loop over a known array, with per-item condition",
			files: map[string]string{"main.bicep": `var ds = [
  { name: 'gpt', on: true }
  { name: 'old', on: false }
  { name: 'emb', on: true }
]
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
}
resource dep 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [for (d, i) in ds: if (d.on) {
  parent: acct
  name: d.name
  properties: {
    raiPolicyName: 'policy-${i}'
  }
}]`},
			wantNames: "oai,oai/gpt,oai/emb",
			check: func(t *testing.T, res []iac.Resource) {
				if got := res[2].Properties.Get("raiPolicyName").Str; got != "policy-2" {
					t.Errorf("raiPolicyName = %q", got)
				}
				if res[1].Parent != res[0].ID {
					t.Errorf("parent = %q, want %q", res[1].Parent, res[0].ID)
				}
			},
		},
		{
			name: "loop over an unknown collection gives one resource and a diagnostic",
			files: map[string]string{"main.bicep": `param ds array
resource dep 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [for d in ds: {
  name: 'oai/${d}'
  properties: { raiPolicyName: 'strict' }
}]`},
			wantNames: "?dep[0]",
			wantDiags: []string{"main.bicep:2:78: warning: loop of dep runs over a collection not known before deployment (parameter 'ds' has no value)"},
			check: func(t *testing.T, res []iac.Resource) {
				if got := res[0].Properties.Get("raiPolicyName").Str; got != "strict" {
					t.Errorf("raiPolicyName = %q", got)
				}
				if !res[0].Name.IsUnknown() {
					t.Errorf("name = %v, want unknown", res[0].Name)
				}
			},
		},
		{
			name: "nested children get full names and types, existing is flagged",
			files: map[string]string{"main.bicep": `resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv1'
}
resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st1'
  resource blob 'blobServices' = {
    name: 'default'
    resource docs 'containers@2023-01-01' = {
      name: 'docs'
      properties: { note: kv.name }
    }
  }
}`},
			wantNames: "kv1,st1,st1/default,st1/default/docs",
			check: func(t *testing.T, res []iac.Resource) {
				if !res[0].Existing || res[1].Existing {
					t.Errorf("existing flags = %v %v", res[0].Existing, res[1].Existing)
				}
				if res[3].Type != "Microsoft.Storage/storageAccounts/blobServices/containers" || res[3].APIVersion != "2023-01-01" || res[2].APIVersion != "2023-05-01" {
					t.Errorf("types: %s@%s, %s@%s", res[2].Type, res[2].APIVersion, res[3].Type, res[3].APIVersion)
				}
				if res[3].Parent != res[2].ID {
					t.Errorf("parent = %q", res[3].Parent)
				}
			},
		},
		{
			name: "extension resource scope, dependsOn and @metadata",
			files: map[string]string{"main.bicep": `resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
}
@metadata({ suppress: 'AWAF001: lab account' })
resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: acct
  dependsOn: [
    acct
  ]
  properties: {}
}`},
			wantNames: "oai,logs",
			check: func(t *testing.T, res []iac.Resource) {
				if res[1].Scope.String() != `"`+res[0].ID+`"` {
					t.Errorf("scope = %v", res[1].Scope)
				}
				if len(res[1].DependsOn) != 1 || res[1].DependsOn[0] != res[0].ID {
					t.Errorf("dependsOn = %v", res[1].DependsOn)
				}
				if got := res[1].Metadata.Get("suppress").Str; got != "AWAF001: lab account" {
					t.Errorf("metadata = %v", res[1].Metadata)
				}
				if !strings.HasSuffix(res[1].ID, "/accounts/oai/providers/Microsoft.Insights/diagnosticSettings/logs") {
					t.Errorf("id = %s", res[1].ID)
				}
			},
		},
		{
			name: "module parameters flow in, resources report both places, outputs flow out",
			files: map[string]string{
				"main.bicep": `param env string = 'prod'
module acct 'mods/acct.bicep' = {
  name: 'acct'
  params: {
    name: 'oai-${env}'
    localAuth: env != 'prod'
  }
}
resource pe 'Microsoft.Network/privateEndpoints@2024-01-01' = {
  name: 'pe'
  properties: {
    privateLinkServiceConnections: [
      { name: 'c', properties: { privateLinkServiceId: acct.outputs.id } }
    ]
  }
}`,
				"mods/acct.bicep": `param name string
param localAuth bool
resource a 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  properties: {
    disableLocalAuth: !localAuth
  }
}
output id string = a.id`,
			},
			wantNames: "oai-prod,pe",
			check: func(t *testing.T, res []iac.Resource) {
				r := res[0]
				if at(r.Loc) != "mods/acct.bicep:3:1" || len(r.Via) != 1 || at(r.Via[0]) != "main.bicep:2:1" {
					t.Errorf("loc %s via %v", at(r.Loc), r.Via)
				}
				if at(r.Name.Loc) != "main.bicep:5:11" {
					t.Errorf("name comes from %s, want the caller's value", at(r.Name.Loc))
				}
				if !r.Properties.Get("disableLocalAuth").Truthy() {
					t.Errorf("disableLocalAuth = %v", r.Properties.Get("disableLocalAuth"))
				}
				link := res[1].Properties.Get("privateLinkServiceConnections[0].properties.privateLinkServiceId")
				if link.Str != r.ID {
					t.Errorf("privateLinkServiceId = %v, want %s", link, r.ID)
				}
			},
		},
		{
			name: "conditional module marks its resources, looped module repeats them",
			files: map[string]string{
				"main.bicep": `param deploy bool
module m 'm.bicep' = if (deploy) {
  name: 'm'
  params: { n: 'one' }
}
module ms 'm.bicep' = [for n in ['two', 'three']: {
  name: n
  params: { n: n }
}]`,
				"m.bicep": "param n string\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: n\n}",
			},
			wantNames: "one,two,three",
			check: func(t *testing.T, res []iac.Resource) {
				if !res[0].Condition.IsUnknown() || res[1].Condition != nil {
					t.Errorf("conditions %v %v", res[0].Condition, res[1].Condition)
				}
			},
		},
		{
			name: "a null module parameter takes the default",
			files: map[string]string{
				"main.bicep": "var cfg = {}\nmodule m 'm.bicep' = {\n  name: 'm'\n  params: {\n    sku: cfg.?sku\n    tier: cfg.?tier\n  }\n}",
				"m.bicep":    "param sku string = 'standard'\nparam tier string?\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'srch'\n  sku: { name: sku, tier: tier }\n}",
			},
			wantNames: "srch",
			check: func(t *testing.T, res []iac.Resource) {
				if got := res[0].SKU.String(); got != `{"name":"standard","tier":null}` {
					t.Errorf("sku = %s", got)
				}
			},
		},
		{
			name: "module cycle is detected",
			files: map[string]string{
				"a.bicep": "module b 'b.bicep' = {\n  name: 'b'\n}\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'sa'\n}",
				"b.bicep": "module a 'a.bicep' = {\n  name: 'a'\n}",
			},
			wantNames: "sa",
			wantDiags: []string{"b.bicep:1:10: error: module cycle: a.bicep -> b.bicep -> a.bicep"},
		},
		{
			name:      "missing local module",
			files:     map[string]string{"main.bicep": "module m 'nope.bicep' = {\n  name: 'm'\n}"},
			wantDiags: []string{"main.bicep:1:10: error: module nope.bicep: open nope.bicep: file does not exist"},
		},
		{
			name:      "registry module without cache",
			files:     map[string]string{"main.bicep": "module m 'br:contoso.azurecr.io/bicep/kv:1.0' = {\n  name: 'm'\n}\nmodule t 'ts:0000/rg/spec:1.0' = {\n  name: 't'\n}"},
			wantDiags: []string{"main.bicep:1:10: warning: unresolved registry module br:contoso.azurecr.io/bicep/kv:1.0", "main.bicep:4:10: warning: unresolved registry module ts:0000/rg/spec:1.0"},
		},
		{
			name: "bicepparam supplies values",
			files: map[string]string{
				"main.bicep":      "param sku string = 'free'\nparam replicas int\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'srch'\n  sku: { name: sku }\n  properties: { replicaCount: replicas }\n}",
				"main.bicepparam": "using 'main.bicep'\nvar base = 2\nparam replicas = base + 1\nparam sku = 'standard'",
			},
			wantNames: "srch",
			check: func(t *testing.T, res []iac.Resource) {
				if got := res[0].Properties.Get("replicaCount").Number; got != 3 {
					t.Errorf("replicaCount = %v", got)
				}
				if got := res[0].SKU.Get("name").Str; got != "standard" {
					t.Errorf("sku = %v", got)
				}
			},
		},
		{
			name: "undeclared parameters are reported",
			files: map[string]string{
				"main.bicep":      "param sku string\nmodule m 'm.bicep' = {\n  name: 'm'\n  params: { zz: 1, aa: 2 }\n}",
				"m.bicep":         "param p int = 1",
				"main.bicepparam": "using 'main.bicep'\nparam sku = 'S0'\nparam extra = true",
			},
			wantDiags: []string{
				"main.bicepparam:3:15: warning: main.bicepparam passes parameter 'extra' that main.bicep does not declare",
				"main.bicep:4:24: warning: module m passes parameter 'aa' that m.bicep does not declare",
				"main.bicep:4:17: warning: module m passes parameter 'zz' that m.bicep does not declare",
			},
		},
		{
			name: "parameters JSON beside the template",
			files: map[string]string{
				"main.bicep":           "param replicas int\nparam secret string\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'srch'\n  properties: { replicaCount: replicas, key: secret }\n}",
				"main.parameters.json": `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {"replicas": {"value": 3}, "secret": {"reference": {"keyVault": {"id": "x"}, "secretName": "s"}}}}`,
			},
			wantNames: "srch",
			check: func(t *testing.T, res []iac.Resource) {
				if got := res[0].Properties.Get("replicaCount").Number; got != 3 {
					t.Errorf("replicaCount = %v", got)
				}
				if k := res[0].Properties.Get("key"); !k.IsUnknown() {
					t.Errorf("key = %v, want unknown", k)
				}
			},
		},
		{
			name: "azd placeholders are unknown, strings for bool and int parameters convert",
			files: map[string]string{
				"main.bicep":           "param name string\nparam cap int\nparam on bool\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'srch'\n  properties: { n: name, cap: cap, on: on }\n}",
				"main.parameters.json": `{"parameters": {"name": {"value": "${AZURE_ENV_NAME}"}, "cap": {"value": "30"}, "on": {"value": "${ON=true}"}}}`,
			},
			wantNames: "srch",
			check: func(t *testing.T, res []iac.Resource) {
				p := res[0].Properties
				if got := p.Get("n"); !got.IsUnknown() || got.Why != "set from environment variable AZURE_ENV_NAME when deployed" {
					t.Errorf("n = %v", got)
				}
				if got := p.Get("cap"); got.Kind != iac.Number || got.Number != 30 {
					t.Errorf("cap = %v", got)
				}
				if got := p.Get("on"); got.Why != `set from environment variable ON when deployed (default "true")` {
					t.Errorf("on = %v", got)
				}
			},
		},
		{
			name: "a broken file is a diagnostic and the others are still read",
			files: map[string]string{
				"bad.bicep":  "resource r 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'broken'\n  sku: {\n}\n",
				"good.bicep": "resource r 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'good'\n}",
			},
			// The broken declaration is cut short by the error: it is named, not judged.
			wantNames: "good",
			wantDiags: []string{"bad.bicep:5:1: error: syntax error: expected \"}\"", "bad.bicep:1:1: warning: resource r is not checked: its declaration has a syntax error"},
		},
		{
			name: "module scope moves ids, resource references pass into modules",
			files: map[string]string{
				"main.bicep": `resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
}
module diag 'diag.bicep' = {
  name: 'diag'
  scope: resourceGroup('rg-logs')
  params: {
    target: acct
  }
}`,
				"diag.bicep": `param target resource 'Microsoft.CognitiveServices/accounts@2024-10-01'
resource ws 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'logs-${target.name}'
  properties: {
    source: target.id
    endpoint: target.properties.endpoint
  }
}`,
			},
			wantNames: "oai,logs-oai",
			check: func(t *testing.T, res []iac.Resource) {
				if !strings.HasPrefix(res[1].ID, "/subscriptions/{subscriptionId}/resourceGroups/rg-logs/providers/") {
					t.Errorf("id = %s", res[1].ID)
				}
				if got := res[1].Properties.Get("source").Str; got != res[0].ID {
					t.Errorf("source = %q", got)
				}
				if ep := res[1].Properties.Get("endpoint"); !ep.IsUnknown() || ep.Why != "acct.properties is only known after deployment" {
					t.Errorf("endpoint = %v", ep)
				}
			},
		},
		{
			name: "child of a conditional parent inherits the condition",
			files: map[string]string{"main.bicep": `param on bool
resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = if (on) {
  name: 'st'
  resource blob 'blobServices' = {
    name: 'default'
  }
}
resource off 'Microsoft.Storage/storageAccounts@2023-05-01' = if (!true) {
  name: 'off'
  resource blob 'blobServices' = {
    name: 'default'
  }
}`},
			wantNames: "st,st/default",
			check: func(t *testing.T, res []iac.Resource) {
				if !res[1].Condition.IsUnknown() {
					t.Errorf("child condition = %v", res[1].Condition)
				}
			},
		},
		{
			name: "registry aliases from bicepconfig.json, local ARM JSON module",
			files: map[string]string{
				"bicepconfig.json": `{
  // aliases for the team registry
  "moduleAliases": {
    "br": { "team": { "registry": "contoso.azurecr.io", "modulePath": "bicep/modules" } },
    "ts": { "specs": { "subscription": "0000", "resourceGroup": "rg-specs" } }
  }
}`,
				"main.bicep": `module a 'br/team:search:1.0' = {
  name: 'a'
}
module b 'ts/specs:vault:2.0' = {
  name: 'b'
}
module c 'br/nope:x:1' = {
  name: 'c'
}
module d 'arm/sa.json' = {
  name: 'd'
  params: {
    name: 'stjson'
  }
}`,
				"arm/sa.json": `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": {"name": {"type": "string"}},
  "resources": [{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "[parameters('name')]", "properties": {"allowBlobPublicAccess": false}}]}`,
			},
			wantNames: "stjson",
			wantDiags: []string{
				"main.bicep:1:10: warning: unresolved registry module br/team:search:1.0: no local Bicep module cache",
				"main.bicep:4:10: warning: unresolved registry module ts/specs:vault:2.0: no local Bicep module cache",
				"main.bicep:7:10: warning: unresolved registry module br/nope:x:1: unknown registry alias 'nope'",
			},
			check: func(t *testing.T, res []iac.Resource) {
				if len(res[0].Via) != 1 || at(res[0].Via[0]) != "main.bicep:10:1" || res[0].Loc.File != "arm/sa.json" {
					t.Errorf("loc %v via %v", res[0].Loc, res[0].Via)
				}
			},
		},
		{
			name: "registry imports are reported where used",
			files: map[string]string{
				"main.bicep": "import { lockType, prefixFor } from 'br/public:avm/utl/types/avm-common-types:0.6.0'\nparam lock lockType?\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: prefixFor('x')\n}",
			},
			wantNames: "?s",
			wantDiags: []string{"main.bicep:1:1: warning: unresolved registry module br/public:avm/utl/types/avm-common-types:0.6.0: prefixFor is imported from it and not read"},
		},
		{
			name: "imports of functions and variables",
			files: map[string]string{
				"main.bicep": "import { prefix, mk as make } from 'lib.bicep'\nimport * as lib from 'lib.bicep'\nresource s 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: make(prefix)\n  properties: { other: lib.mk('z') }\n}",
				"lib.bicep":  "@export()\nvar prefix = 'srch'\n@export()\nfunc mk(p string) string => '${p}-1'",
			},
			wantNames: "srch-1",
			check: func(t *testing.T, res []iac.Resource) {
				if got := res[0].Properties.Get("other").Str; got != "z-1" {
					t.Errorf("other = %q", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := scanFiles(t, tt.files)
			if got := names(res); got != tt.wantNames {
				t.Errorf("resources %s, want %s", got, tt.wantNames)
			}
			if len(diags) != len(tt.wantDiags) {
				t.Errorf("diagnostics:\n%s\nwant %d", strings.Join(diags, "\n"), len(tt.wantDiags))
			} else {
				for i := range diags {
					if !strings.HasPrefix(diags[i], tt.wantDiags[i]) {
						t.Errorf("diagnostic %d\n got %s\nwant %s", i, diags[i], tt.wantDiags[i])
					}
				}
			}
			if tt.check != nil && len(res) > 0 && !t.Failed() {
				tt.check(t, res)
			}
		})
	}
}

func TestCachePaths(t *testing.T) {
	tests := []struct {
		ref  string
		want string
	}{
		{"br:contoso.azurecr.io/bicep/modules/kv:1.2.3", "br/contoso.azurecr.io/bicep$modules$kv/1.2.3$/main.json"},
		{"br/public:avm/res/search/search-service:0.9.0", "br/mcr.microsoft.com/bicep$avm$res$search$search-service/0.9.0$/main.json"},
		{"ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0", "ts/00000000-0000-0000-0000-000000000000/rg/spec/1.0/main.json"},
	}
	sc := Scanner{}.newState(context.Background(), fstest.MapFS{})
	e := sc.newEnv(&File{Path: "main.bicep"}, nil, nil, "")
	for _, tt := range tests {
		got, why := e.cachePaths(tt.ref)
		if why != "" || len(got) == 0 || got[0] != tt.want {
			t.Errorf("cachePaths(%q) = %v %q, want %s", tt.ref, got, why, tt.want)
		}
	}
}

func TestScanCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fsys := fstest.MapFS{"main.bicep": {Data: []byte("var x = 1")}}
	if _, _, err := (Scanner{}).Scan(ctx, fsys, []string{"."}, nil); err == nil {
		t.Fatal("want an error from a cancelled scan")
	}
}
