package terraform

import (
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestEvalDirect checks that the expressions evalDirect takes get the value
// expr.Value gives them with the variables variablesFor builds, and that it leaves
// the others to that path.
func TestEvalDirect(t *testing.T) {
	fsys := fstest.MapFS{"main.tf": {Data: []byte(`
variable "name" { default = "app" }
variable "flag" { default = true }
variable "ratio" { default = 1.5 }
variable "big" { default = 12345678901234567890 }
variable "neg" { default = -0 }
variable "obj" { default = { k = "v", n = 3 } }
variable "list" { default = ["a", "b"] }
variable "unset" {}
locals {
  rg   = "rg-${var.name}"
  tags = { env = "prod" }
}
resource "azurerm_resource_group" "rg" {
  name     = local.rg
  location = "westeurope"
}
resource "azurerm_storage_account" "st" {
  count               = 2
  name                = "st${count.index}"
  resource_group_name = azurerm_resource_group.rg.name
}
resource "azurerm_key_vault" "kv" {
  for_each            = toset(["a", "b"])
  name                = "kv-${each.key}"
  resource_group_name = local.rg
}
`)}}
	// Each side gets an instance of its own, so that neither reads what the
	// other cached.
	newIn := func() *instance {
		s := newScanner(fsys)
		s.limit = maxInstances
		r := s.newRoot(0)
		mod := r.module(".")
		return newInstance(r, mod, "", r.rootVars(mod, nil))
	}
	counted := map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(2)})}
	keyed := map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
		"key": cty.StringVal("chat"), "value": cty.ObjectVal(map[string]cty.Value{"model": cty.StringVal("gpt-4o")})})}
	tests := []struct {
		name   string
		expr   string
		iter   map[string]cty.Value
		direct bool
	}{
		{"literal number", `1.5`, nil, true},
		{"literal bool", `true`, nil, true},
		{"plain string", `"text"`, nil, true},
		{"empty string", `""`, nil, true},
		{"count in template", `"a-${count.index}"`, counted, true},
		{"wrapped count", `"${count.index}"`, counted, true},
		{"each key", `each.key`, keyed, true},
		{"each value attribute", `each.value.model`, keyed, true},
		{"var", `var.name`, nil, true},
		{"var attribute", `var.obj.k`, nil, true},
		{"var index", `var.list[1]`, nil, true},
		{"bool and number in template", `"${var.flag}-${var.ratio}-${var.big}"`, nil, true},
		{"negative zero in template", `"${var.neg}"`, nil, true},
		{"local", `local.rg`, nil, true},
		{"local attribute", `local.tags.env`, nil, true},
		{"local in template", `"x-${local.rg}"`, nil, true},
		{"unset var", `var.unset`, nil, true},
		{"unset var in template", `"x-${var.unset}"`, nil, false},
		{"undeclared var", `var.missing`, nil, false},
		{"undefined local", `local.nope`, nil, true},
		{"missing attribute", `var.obj.zz`, nil, false},
		{"wrapped object", `"${var.obj}"`, nil, true},
		{"object in template", `"x${var.obj}"`, nil, false},
		{"count outside a counted resource", `count.index`, nil, false},
		{"resource argument", `azurerm_resource_group.rg.name`, nil, true},
		{"resource id", `azurerm_resource_group.rg.id`, nil, true},
		{"resource attribute known after apply", `azurerm_resource_group.rg.zz`, nil, true},
		{"whole resource", `azurerm_resource_group.rg`, nil, true},
		{"wrapped resource id", `"${azurerm_resource_group.rg.id}"`, nil, true},
		{"counted resource id", `azurerm_storage_account.st[1].id`, nil, true},
		{"counted resource splat", `azurerm_storage_account.st[*].name`, nil, false},
		{"keyed resource id", `azurerm_key_vault.kv["b"].id`, nil, true},
		{"resource id in template", `"${azurerm_resource_group.rg.id}/x"`, nil, false},
		{"resource id in tuple", `[azurerm_resource_group.rg.id]`, nil, false},
		{"undeclared resource", `azurerm_nope.x.id`, nil, false},
		{"out of range instance", `azurerm_storage_account.st[5].id`, nil, false},
		{"tuple", `["a", var.name, 1, local.tags]`, nil, true},
		{"empty tuple", `[]`, nil, true},
		{"tuple with a call", `["a", upper(var.name)]`, nil, false},
		{"function call", `upper(var.name)`, nil, false},
		{"call in template", `"${upper(var.name)}"`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, diags := hclsyntax.ParseExpression([]byte(tt.expr), "test.tf", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			got, ok := newIn().evalDirect(e, tt.iter)
			if ok != tt.direct {
				t.Fatalf("evalDirect took it: %v, want %v", ok, tt.direct)
			}
			want := newIn().evalInContext(e, tt.iter)
			if ok && !got.RawEquals(want) {
				t.Errorf("evalDirect gives %#v, want %#v", got, want)
			}
		})
	}
}
