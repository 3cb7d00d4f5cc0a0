package terraform

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzScan feeds arbitrary text to the .tf reader, as a root module with a local
// module and a tfvars file: it must never panic, whatever the input.
func FuzzScan(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/rag/*.tf")
	more, _ := filepath.Glob("testdata/rag/modules/*/*.tf")
	for _, name := range append(seeds, more...) {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(string(src), `environment = "dev"`)
		}
	}
	f.Add(account, `x = 1`)
	f.Add(`locals { a = local.a }`+"\n"+`resource "azurerm_search_service" "s" { count = local.a }`, ``)
	f.Add(`resource "azapi_resource" "x" { body = jsonencode({ a = [for i in range(3) : i] }) }`, `y = {}`)
	f.Add(`module "m" { source = "./m"
  for_each = toset(["a"])
  v = each.key }`, `v = "x"`)
	f.Add(`variable "v" { type = object({ a = optional(string, "x") }) }`+"\n"+`resource "azurerm_key_vault" "k" { name = var.v.a }`, `v = { a = null }`)
	f.Add(`resource "azurerm_cognitive_account" "a" { dynamic "network_acls" { for_each = [1]
  content { default_action = network_acls.value } } }`, ``)
	f.Fuzz(func(t *testing.T, src, vars string) {
		fsys := fstest.MapFS{
			"main.tf":          {Data: []byte(src)},
			"terraform.tfvars": {Data: []byte(vars)},
			"m/main.tf":        {Data: []byte(src)},
		}
		_, _, err := scan(context.Background(), fsys, []string{"."}, 200)
		if err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzReadPlan feeds arbitrary text to the plan reader.
func FuzzReadPlan(f *testing.F) {
	if src, err := os.ReadFile("testdata/plan/rag.plan.json"); err == nil {
		f.Add(src)
	}
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"a.b","mode":"managed","type":"azurerm_cognitive_account","values":{"network_acls":[1]}}]}},"resource_changes":[{"address":"a.b","change":{"after_unknown":{"network_acls":[true,{"x":true}]}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadPlan("p.json", data)
	})
}
