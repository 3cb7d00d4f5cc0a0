package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/awaf/awaf/internal/goldenfile"
)

// TestGoldenOverride merges a native and a JSON override file into a module.
func TestGoldenOverride(t *testing.T) {
	res, diags, err := Scan(context.Background(), os.DirFS("testdata"), []string{"override"})
	if err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "golden", "override.json"), dump(t, res, diags))
}

func TestOverride(t *testing.T) {
	const acct = `
resource "azurerm_cognitive_account" "a" {
  name               = "base"
  kind               = "OpenAI"
  sku_name           = "S0"
  local_auth_enabled = true
  network_acls {
    default_action = "Deny"
    ip_rules       = ["1.1.1.1"]
  }
  identity {
    type = "SystemAssigned"
  }
}
`
	tests := []struct {
		name  string
		files map[string]string
		id    string
		path  string
		want  string
	}{
		{
			name:  "an argument replaces the same argument",
			files: map[string]string{"main.tf": acct, "override.tf": `resource "azurerm_cognitive_account" "a" { name = "over" }`},
			id:    "azurerm_cognitive_account.a", path: "name", want: `"over"`,
		},
		{
			name:  "other arguments are kept",
			files: map[string]string{"main.tf": acct, "override.tf": `resource "azurerm_cognitive_account" "a" { name = "over" }`},
			id:    "azurerm_cognitive_account.a", path: "properties.disableLocalAuth", want: `false`,
		},
		{
			name:  "a nested block replaces all blocks of its type",
			files: map[string]string{"main.tf": acct, "override.tf": `resource "azurerm_cognitive_account" "a" {` + "\n" + `network_acls { default_action = "Allow" }` + "\n}"},
			id:    "azurerm_cognitive_account.a", path: "properties.networkAcls", want: `{"defaultAction":"Allow"}`,
		},
		{
			name:  "blocks of other types are kept",
			files: map[string]string{"main.tf": acct, "override.tf": `resource "azurerm_cognitive_account" "a" {` + "\n" + `network_acls { default_action = "Allow" }` + "\n}"},
			id:    "azurerm_cognitive_account.a", path: "identity.type", want: `"SystemAssigned"`,
		},
		{
			name: "several blocks of a type are replaced by the override's",
			files: map[string]string{
				"main.tf": `resource "azurerm_monitor_diagnostic_setting" "d" {
  name = "d"
  enabled_log { category = "a" }
  enabled_log { category = "b" }
  enabled_log { category = "c" }
}`,
				"x_override.tf": `resource "azurerm_monitor_diagnostic_setting" "d" {
  enabled_log { category = "y" }
  enabled_log { category = "z" }
}`,
			},
			id: "azurerm_monitor_diagnostic_setting.d", path: "properties.logs", want: `[{"category":"y","enabled":true},{"category":"z","enabled":true}]`,
		},
		{
			name: "a static block replaces a dynamic one of its type",
			files: map[string]string{
				"main.tf": `resource "azurerm_monitor_diagnostic_setting" "d" {
  name = "d"
  dynamic "enabled_log" {
    for_each = ["a", "b"]
    content { category = enabled_log.value }
  }
}`,
				"override.tf": `resource "azurerm_monitor_diagnostic_setting" "d" {
  enabled_log { category = "only" }
}`,
			},
			id: "azurerm_monitor_diagnostic_setting.d", path: "properties.logs", want: `[{"category":"only","enabled":true}]`,
		},
		{
			name: "a dynamic block replaces static ones of its type",
			files: map[string]string{
				"main.tf": `resource "azurerm_monitor_diagnostic_setting" "d" {
  name = "d"
  enabled_log { category = "a" }
}`,
				"override.tf.json": `{"resource": {"azurerm_monitor_diagnostic_setting": {"d": {
  "dynamic": {"enabled_log": {"for_each": ["x", "y"], "content": {"category": "${enabled_log.value}"}}}}}}}`,
			},
			id: "azurerm_monitor_diagnostic_setting.d", path: "properties.logs", want: `[{"category":"x","enabled":true},{"category":"y","enabled":true}]`,
		},
		{
			name: "override files apply in name order, later wins",
			files: map[string]string{
				"main.tf":       acct,
				"override.tf":   `resource "azurerm_cognitive_account" "a" { name = "third" }`,
				"b_override.tf": `resource "azurerm_cognitive_account" "a" { name = "second" }`,
				"a_override.tf": `resource "azurerm_cognitive_account" "a" { name = "first" }`,
			},
			id: "azurerm_cognitive_account.a", path: "name", want: `"third"`,
		},
		{
			name: "a JSON override file overrides a native block",
			files: map[string]string{
				"main.tf":          acct,
				"override.tf.json": `{"resource": {"azurerm_cognitive_account": {"a": {"sku_name": "S1", "network_acls": {"default_action": "Allow"}}}}}`,
			},
			id: "azurerm_cognitive_account.a", path: "sku.name", want: `"S1"`,
		},
		{
			name: "a native override file overrides a JSON block",
			files: map[string]string{
				"main.tf.json":     `{"resource": {"azurerm_cognitive_account": {"a": {"name": "json", "sku_name": "S0"}}}}`,
				"json_override.tf": `resource "azurerm_cognitive_account" "a" { sku_name = "S2" }`,
			},
			id: "azurerm_cognitive_account.a", path: "sku.name", want: `"S2"`,
		},
		{
			name: "count is replaced",
			files: map[string]string{
				"main.tf":     "resource \"azurerm_cognitive_account\" \"a\" {\n  name  = \"a${count.index}\"\n  count = 1\n}",
				"override.tf": `resource "azurerm_cognitive_account" "a" { count = 3 }`,
			},
			id: "azurerm_cognitive_account.a[2]", path: "name", want: `"a2"`,
		},
		{
			name: "a variable default is replaced",
			files: map[string]string{
				"main.tf":     `variable "sku" { default = "F0" }` + "\n" + `resource "azurerm_cognitive_account" "a" { sku_name = var.sku }`,
				"override.tf": `variable "sku" { default = "S0" }`,
			},
			id: "azurerm_cognitive_account.a", path: "sku.name", want: `"S0"`,
		},
		{
			name: "a variable type is replaced",
			files: map[string]string{
				"main.tf":     `variable "n" { default = 5 }` + "\n" + `resource "azurerm_cognitive_account" "a" { name = var.n }`,
				"override.tf": `variable "n" { type = string }`,
			},
			id: "azurerm_cognitive_account.a", path: "name", want: `"5"`,
		},
		{
			name: "locals are replaced one by one, whatever block holds them",
			files: map[string]string{
				"main.tf": "locals {\n  a = \"x\"\n}\nlocals {\n  b = \"y\"\n}\n" +
					`resource "azurerm_cognitive_account" "a" { name = "${local.a}-${local.b}" }`,
				"override.tf": "locals {\n  b = \"z\"\n}\n",
			},
			id: "azurerm_cognitive_account.a", path: "name", want: `"x-z"`,
		},
		{
			name: "a module input is replaced",
			files: map[string]string{
				"main.tf":     `module "m" {` + "\n" + `source = "./m"` + "\n" + `name = "one"` + "\n}",
				"override.tf": `module "m" { name = "two" }`,
				"m/main.tf":   `variable "name" {}` + "\n" + `resource "azurerm_cognitive_account" "a" { name = var.name }`,
			},
			id: "module.m.azurerm_cognitive_account.a", path: "name", want: `"two"`,
		},
		{
			name: "a module source is replaced",
			files: map[string]string{
				"main.tf":     `module "m" {` + "\n" + `source = "./m1"` + "\n}",
				"override.tf": `module "m" { source = "./m2" }`,
				"m1/main.tf":  `resource "azurerm_cognitive_account" "a" { name = "m1" }`,
				"m2/main.tf":  `resource "azurerm_cognitive_account" "a" { name = "m2" }`,
			},
			id: "module.m.azurerm_cognitive_account.a", path: "name", want: `"m2"`,
		},
		{
			name: "an output value is replaced",
			files: map[string]string{
				"main.tf":       `module "m" {` + "\n" + `source = "./m"` + "\n}\n" + `resource "azurerm_cognitive_account" "a" { name = module.m.n }`,
				"m/main.tf":     `output "n" { value = "one" }`,
				"m/override.tf": `output "n" { value = "two" }`,
			},
			id: "azurerm_cognitive_account.a", path: "name", want: `"two"`,
		},
		{
			name: "a data source argument is replaced",
			files: map[string]string{
				"main.tf": `data "azurerm_resource_group" "rg" { name = "one" }` + "\n" +
					`resource "azurerm_cognitive_account" "a" { name = data.azurerm_resource_group.rg.name }`,
				"override.tf": `data "azurerm_resource_group" "rg" { name = "two" }`,
			},
			id: "azurerm_cognitive_account.a", path: "name", want: `"two"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := mustScan(t, tt.files)
			for _, d := range diags {
				t.Errorf("unexpected diagnostic %+v", d)
			}
			checkValue(t, byID(res, tt.id), tt.path, tt.want)
		})
	}
}

func TestOverrideErrors(t *testing.T) {
	const base = `variable "v" {}
locals { l = 1 }
output "o" { value = 1 }
module "m" { source = "./m" }
data "azurerm_resource_group" "rg" { name = "rg" }
resource "azurerm_cognitive_account" "a" { name = "a" }
`
	tests := []struct {
		name, file, src string
		want            string // "severity line:col fragment"
	}{
		{"resource", "override.tf", "\nresource \"azurerm_cognitive_account\" \"b\" {}", `error 2:1 override of resource "azurerm_cognitive_account.b"`},
		{"resource of another type", "override.tf", `resource "azurerm_key_vault" "a" {}`, `error 1:1 override of resource "azurerm_key_vault.a": no primary`},
		{"data source", "x_override.tf", "\n\ndata \"azurerm_resource_group\" \"other\" {}", `error 3:1 override of data "azurerm_resource_group.other"`},
		{"data source is not a resource", "override.tf", `resource "azurerm_resource_group" "rg" {}`, `error 1:1 override of resource "azurerm_resource_group.rg"`},
		{"variable", "override.tf", `variable "w" {}`, `error 1:1 override of variable "w"`},
		{"local", "override.tf", "locals {\n  l = 2\n  k = 3\n}", `error 3:3 override of local.k`},
		{"output", "override.tf", `output "p" { value = 2 }`, `error 1:1 override of output "p"`},
		{"module", "override.tf", `module "n" { source = "./m" }`, `error 1:1 override of module "n"`},
		{"JSON resource", "override.tf.json", "{\"resource\": {\"azurerm_cognitive_account\": {\n  \"zz\": {}}}}", `error 2:3 override of resource "azurerm_cognitive_account.zz"`},
		{"depends_on is refused", "override.tf", "resource \"azurerm_cognitive_account\" \"a\" {\n  depends_on = [data.azurerm_resource_group.rg]\n}", `error 2:3 depends_on may not be set in an override block`},
		{"labels are checked", "override.tf", `resource "azurerm_cognitive_account" {}`, `error 1:1 resource block needs 2 label(s)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := mustScan(t, map[string]string{"main.tf": base, "m/main.tf": "", tt.file: tt.src})
			if byID(res, "azurerm_cognitive_account.a") == nil {
				t.Errorf("the primary resource was lost: %s", ids(res))
			}
			sev, rest, _ := strings.Cut(tt.want, " ")
			place, frag, _ := strings.Cut(rest, " ")
			var got []string
			found := false
			for _, d := range diags {
				got = append(got, locString(d.Loc)+" "+string(d.Severity)+" "+d.Message)
				if string(d.Severity) == sev && locString(d.Loc) == tt.file+":"+place && strings.Contains(d.Message, frag) {
					found = true
				}
			}
			if !found || len(diags) != 1 {
				t.Errorf("want exactly %s:%s %s %q, got %q", tt.file, place, sev, frag, got)
			}
		})
	}
}

// TestOverrideLifecycle checks that lifecycle merges argument by argument, and that
// the merged body keeps the primary block's place.
func TestOverrideLifecycle(t *testing.T) {
	fsys := mapFS(map[string]string{
		"main.tf":     "resource \"azurerm_key_vault\" \"k\" {\n  name = \"k\"\n  lifecycle {\n    ignore_changes = [tags]\n    prevent_destroy = true\n  }\n}\n",
		"override.tf": "resource \"azurerm_key_vault\" \"k\" {\n  lifecycle {\n    prevent_destroy = false\n    create_before_destroy = true\n  }\n}\n",
	})
	m := loadModule(fsys, ".", nil)
	if len(m.diags) > 0 {
		t.Fatalf("diags %+v", m.diags)
	}
	d := m.byAddr["azurerm_key_vault.k"]
	if d == nil || d.rng.Filename != "main.tf" || d.rng.Start.Line != 1 {
		t.Fatalf("declaration %+v", d)
	}
	var lc []string
	for _, b := range d.body.Blocks {
		if b.Type != "lifecycle" {
			continue
		}
		for _, n := range sortedAttrNames(b.Body) {
			v, _ := b.Body.Attributes[n].Expr.Value(&hcl.EvalContext{})
			s := "ref"
			if v.IsKnown() && v.Type().FriendlyName() == "bool" {
				s = map[bool]string{true: "true", false: "false"}[v.True()]
			}
			lc = append(lc, n+"="+s+"@"+b.Body.Attributes[n].SrcRange.Filename)
		}
	}
	got := strings.Join(lc, " ")
	want := "ignore_changes=ref@main.tf prevent_destroy=false@override.tf create_before_destroy=true@override.tf"
	if got != want {
		t.Errorf("lifecycle = %s\nwant        %s", got, want)
	}
}
