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

// FuzzScanJSON feeds arbitrary text to the .tf.json reader, as a module file, an
// override file and a local module: it must never panic, whatever the input.
func FuzzScanJSON(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"testdata/mixed/*.json", "testdata/mixed/modules/*/*.json", "testdata/override/*.json"} {
		names, _ := filepath.Glob(pattern)
		for _, name := range names {
			if src, err := os.ReadFile(name); err == nil {
				seeds = append(seeds, string(src))
			}
		}
	}
	for _, s := range seeds {
		f.Add(s, `{"resource": {"azurerm_cognitive_account": {"oai": {"name": "x"}}}}`)
	}
	f.Add(`{"module": {"m": {"source": "./m", "count": "${2}"}}, "resource": {"azurerm_key_vault": {"k": [{"dynamic": {"network_acls": {"for_each": [1], "content": {}}}}]}}}`, `{"locals": {"a": 1}}`)
	f.Add(`{"variable": {"v": {"type": "map(${", "default": {"//": 1}}}, "locals": [{"x": "${var.v}"}, null]}`, `{"variable": {"w": {}}}`)
	f.Add(`[{"resource": {"a": {"b": null}}}, {"data": {"x": {"y": [1]}}}]`, `{"//": [], "output": {"o": {"value": "%{ for x in [1] }${x}%{ endfor }"}}}`)
	f.Fuzz(func(t *testing.T, src, over string) {
		fsys := fstest.MapFS{
			"main.tf.json":       {Data: []byte(src)},
			"x_override.tf.json": {Data: []byte(over)},
			"m/main.tf.json":     {Data: []byte(src)},
		}
		_, _, err := scan(context.Background(), fsys, []string{"."}, 200)
		if err != nil {
			t.Fatal(err)
		}
	})
}
