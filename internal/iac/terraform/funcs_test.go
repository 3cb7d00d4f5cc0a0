package terraform

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// evalCall evaluates one expression with the scanner's functions: the value as JSON,
// or "error: " and the diagnostic detail.
func evalCall(t *testing.T, src string) string {
	t.Helper()
	e, diags := hclsyntax.ParseExpression([]byte(src), "test.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse %s: %v", src, diags)
	}
	v, diags := e.Value(&hcl.EvalContext{Functions: functions()})
	if diags.HasErrors() {
		return "error: " + diags[0].Detail
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFunctions checks the functions this package implements itself. want is the
// JSON of the result, or "error: " and a fragment of the error.
func TestFunctions(t *testing.T) {
	tests := []struct{ expr, want string }{
		// cidrsubnet
		{`cidrsubnet("172.16.0.0/12", 4, 2)`, `"172.18.0.0/16"`},
		{`cidrsubnet("10.1.2.0/24", 4, 15)`, `"10.1.2.240/28"`},
		{`cidrsubnet("10.1.2.3/16", 8, 5)`, `"10.1.5.0/24"`},
		{`cidrsubnet("10.0.0.0/8", 0, 0)`, `"10.0.0.0/8"`},
		{`cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)`, `"fd00:fd12:3456:7800:a200::/72"`},
		{`cidrsubnet("2001:db8::/32", 32, 4294967295)`, `"2001:db8:ffff:ffff::/64"`},
		{`cidrsubnet("10.0.0.0/30", 4, 0)`, `error: insufficient address space to extend prefix of 30 by 4`},
		{`cidrsubnet("10.0.0.0/16", 2, 4)`, `error: prefix extension of 2 does not accommodate a subnet numbered 4`},
		{`cidrsubnet("10.0.0.0/16", 2, -1)`, `error: prefix extension of 2 does not accommodate a subnet numbered -1`},
		{`cidrsubnet("2001:db8::/32", 33, 0)`, `error: may not extend prefix by more than 32 bits`},
		{`cidrsubnet("10.0.0.0", 2, 4)`, `error: invalid CIDR expression`},
		{`cidrsubnet("10.0.0.0/33", 2, 4)`, `error: invalid CIDR expression`},
		{`cidrsubnet("10.0.0.0/8", 8, 1.5)`, `error: netnum must be a whole number`},
		// cidrhost
		{`cidrhost("10.12.112.0/20", 16)`, `"10.12.112.16"`},
		{`cidrhost("10.12.112.0/20", 268)`, `"10.12.113.12"`},
		{`cidrhost("10.0.0.0/24", -1)`, `"10.0.0.255"`},
		{`cidrhost("10.0.0.0/24", -256)`, `"10.0.0.0"`},
		{`cidrhost("10.0.0.7/32", 0)`, `"10.0.0.7"`},
		{`cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)`, `"fd00:fd12:3456:7890::22"`},
		{`cidrhost("fd00::/64", -2)`, `"fd00::ffff:ffff:ffff:fffe"`},
		{`cidrhost("10.0.0.0/24", 256)`, `error: prefix of 24 does not accommodate a host numbered 256`},
		{`cidrhost("10.0.0.0/24", -257)`, `error: prefix of 24 does not accommodate a host numbered -257`},
		{`cidrhost("not-a-cidr", 1)`, `error: invalid CIDR expression`},
		// cidrnetmask
		{`cidrnetmask("172.16.0.0/12")`, `"255.240.0.0"`},
		{`cidrnetmask("10.0.0.0/32")`, `"255.255.255.255"`},
		{`cidrnetmask("0.0.0.0/0")`, `"0.0.0.0"`},
		{`cidrnetmask("fd00::/8")`, `error: IPv6 addresses cannot have a netmask`},
		{`cidrnetmask("10.0.0.0")`, `error: invalid CIDR expression`},
		// cidrsubnets
		{`cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)`, `["10.1.0.0/20","10.1.16.0/20","10.1.32.0/24","10.1.48.0/20"]`},
		{`cidrsubnets("10.0.0.0/24", 2, 1)`, `["10.0.0.0/26","10.0.0.128/25"]`},
		{`cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)`, `["fd00:fd12:3456:7800::/72","fd00:fd12:3456:7800:100::/72","fd00:fd12:3456:7800:200::/72","fd00:fd12:3456:7800:300::/88"]`},
		{`cidrsubnets("10.0.0.0/8")`, `[]`},
		{`cidrsubnets("10.0.0.0/30", 1, 1, 1)`, `error: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31`},
		{`cidrsubnets("10.0.0.0/24", 0)`, `error: must extend prefix by at least one bit`},
		{`cidrsubnets("10.0.0.0/24", 9)`, `error: would extend prefix to 33 bits, which is too long for an IPv4 address`},
		{`cidrsubnets("fd00::/8", 121)`, `error: may not extend prefix by more than 32 bits`},
		{`cidrsubnets("fd00::/120", 9)`, `error: would extend prefix to 129 bits, which is too long for an IPv6 address`},
		{`cidrsubnets("bad", 1)`, `error: invalid CIDR expression`},
		// yamlencode and yamldecode
		{`yamlencode({"a" = "b", "c" = "d"})`, `"\"a\": \"b\"\n\"c\": \"d\"\n"`},
		{`yamlencode({"foo" = [1, 2, 3], "bar" = "baz"})`, `"\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n"`},
		{`yamlencode({"foo" = [1, {"a" = "b", "c" = "d"}, 3], "bar" = "baz"})`, `"\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n"`},
		{`yamlencode([true, null, 1.5, "", {}, []])`, `"- true\n- null\n- 1.5\n- \"\"\n- {}\n- []\n"`},
		{`yamlencode("two\nlines")`, `"|-\n  two\n  lines\n"`},
		{`yamldecode("hello: world")`, `{"hello":"world"}`},
		{`yamldecode("a: &x 1\nb: *x")`, `{"a":1,"b":1}`},
		{`yamldecode("- 0x1F\n- 1.5\n- null\n- ~\n- yes\n- 2001-12-14\n- \"7\"\n- 1e3")`, `["0x1F",1.5,null,null,true,"2001-12-14T00:00:00Z","7",1000]`},
		{`yamldecode("{on: 1, \"off\": 2, !!str yes: 3}")`, `{"off":2,"true":1,"yes":3}`},
		{`yamldecode("- !!int 0x1F\n- !!float 2\n- 0b101\n- !!str 1\n- 1_000")`, `[31,2,5,"1",1000]`},
		{`yamldecode("!!bool maybe")`, `error: cannot parse "maybe" as !!bool`},
		{`yamldecode("!!foo x")`, `error: unsupported tag`},
		{`yamldecode("base: &b {x: 1, z: 2}\nd:\n  <<: *b\n  z: 3")`, `{"base":{"x":1,"z":2},"d":{"x":1,"z":3}}`},
		{`yamldecode("1: a\ntrue: b")`, `{"1":"a","true":"b"}`},
		{`yamldecode("")`, `null`},
		{`yamldecode(yamlencode({"a" = [1, "x\ny"]}))`, `{"a":[1,"x\ny"]}`},
		{`yamldecode("a: 1\n---\nb: 2")`, `error: unexpected extra content`},
		{`yamldecode("a: [")`, `error: invalid YAML: line 1`},
		{`yamldecode("a: 1\na: 2")`, `error: `},
		{`yamldecode("[1, 2]: x")`, `error: a mapping key must be a string, number or bool`},
		{`yamldecode("a: .nan")`, `error: NaN`},
		// others
		{`replace("a-b-c", "/-(\\w)/", "+$1")`, `"a+b+c"`},
		{`replace("a/b", "/", "-")`, `"a-b"`},
		{`replace("x", "/(/", "")`, `error: `},
		{`sum([1, 2.5, -1])`, `2.5`},
		{`sum(toset([2, 3]))`, `5`},
		{`sum([])`, `error: cannot sum an empty list`},
		{`sum("x")`, `error: cannot sum noniterable`},
		{`transpose({"a" = ["1", "2"], "b" = ["2", "3"]})`, `{"1":["a"],"2":["a","b"],"3":["b"]}`},
		{`matchkeys(["i-1", "i-2", "i-3"], ["us", "eu", "us"], ["us"])`, `["i-1","i-3"]`},
		{`matchkeys(["a"], ["x", "y"], ["x"])`, `error: length of keys and values should be equal`},
		{`strcontains("hello", "ell")`, `true`},
		{`strcontains("hello", "x")`, `false`},
		{`sha512("hello")`, `"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"`},
		{`base64sha256("hello")`, `"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="`},
		{`base64decode(base64sha512(""))`, `error: not UTF-8`},
		{`uuidv5("dns", "www.terraform.io")`, `"a5008fae-b28c-5ba5-96cd-82b4c53552d6"`},
		{`uuidv5("url", "https://www.terraform.io/")`, `"9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5"`},
		{`uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.terraform.io")`, `"a5008fae-b28c-5ba5-96cd-82b4c53552d6"`},
		{`uuidv5("nope", "x")`, `error: doesn't support namespace`},
		{`timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00+01:00")`, `0`},
		{`timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:01Z")`, `-1`},
		{`timecmp("2017-11-22", "2017-11-22T00:00:01Z")`, `error: not a valid RFC3339 timestamp`},
		{`formatdate("YYYY-MM-DD", "2018-01-02T23:12:01Z")`, `"2018-01-02"`},
		{`timeadd("2017-11-22T00:00:00Z", "10m")`, `"2017-11-22T00:10:00Z"`},
		{`csvdecode("a,b\n1,2")`, `[{"a":"1","b":"2"}]`},
		{`basename("/a/b.txt")`, `"b.txt"`},
		{`dirname("/a/b.txt")`, `"/a"`},
		{`ephemeralasnull("x")`, `"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got := evalCall(t, tt.expr)
			if strings.HasPrefix(tt.want, "error: ") {
				if !strings.HasPrefix(got, "error: ") || !strings.Contains(got, strings.TrimPrefix(tt.want, "error: ")) {
					t.Errorf("got %s, want an error containing %q", got, strings.TrimPrefix(tt.want, "error: "))
				}
				return
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestBase64Gzip decompresses what base64gzip wrote.
func TestBase64Gzip(t *testing.T) {
	var s string
	if err := json.Unmarshal([]byte(evalCall(t, `base64gzip("hello, world")`)), &s); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(r)
	if err != nil || string(back) != "hello, world" {
		t.Errorf("decompressed %q, %v", back, err)
	}
}

// TestFunctionsInScan checks that a function this package added is reached from a
// configuration, and that a still unevaluated one gives an Unknown with its reason.
func TestFunctionsInScan(t *testing.T) {
	res, diags := mustScan(t, map[string]string{"main.tf": `
variable "cidr" { default = "10.20.0.0/16" }
resource "azurerm_subnet" "a" {
  name                 = "a"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = [cidrsubnet(var.cidr, 8, 1)]
}
resource "azurerm_cognitive_account" "b" {
  name = templatestring("x", {})
}`})
	if len(diags) > 0 {
		t.Fatalf("diags %+v", diags)
	}
	checkValue(t, byID(res, "azurerm_subnet.a"), "properties.addressPrefixes", `["10.20.1.0/24"]`)
	checkValue(t, byID(res, "azurerm_cognitive_account.b"), "name", "?templatestring() is not evaluated")
}
