package terraform

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

func mustScan(t *testing.T, files map[string]string, paths ...string) ([]iac.Resource, []iac.Diagnostic) {
	t.Helper()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	res, diags, err := Scan(context.Background(), mapFS(files), paths)
	if err != nil {
		t.Fatal(err)
	}
	return res, diags
}

func byID(res []iac.Resource, id string) *iac.Resource {
	for i := range res {
		if res[i].ID == id {
			return &res[i]
		}
	}
	return nil
}

func ids(res []iac.Resource) string {
	var out []string
	for _, r := range res {
		out = append(out, r.ID)
	}
	return strings.Join(out, " ")
}

// want describes one expected value: JSON text of a known value, or "?" plus a
// fragment of the Why for an Unknown.
func checkValue(t *testing.T, r *iac.Resource, path, want string) {
	t.Helper()
	if r == nil {
		t.Fatalf("resource not found")
	}
	got := getPath(r, path)
	switch {
	case want == "<absent>":
		if got != nil {
			t.Errorf("%s = %s, want absent", path, got)
		}
	case got == nil:
		t.Errorf("%s is absent, want %s", path, want)
	case strings.HasPrefix(want, "?"):
		if got.Kind != iac.Unknown || !strings.Contains(got.Why, want[1:]) {
			t.Errorf("%s = %s (why %q), want unknown containing %q", path, got, got.Why, want[1:])
		}
	case got.String() != want:
		t.Errorf("%s = %s, want %s", path, got, want)
	}
}

const account = `
resource "azurerm_cognitive_account" "a" {
  name                = "acct"
  resource_group_name = "rg"
  location            = "swedencentral"
  kind                = "OpenAI"
  sku_name            = "S0"
}
`

func TestEvaluation(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		paths []string
		id    string
		path  string
		want  string
	}{
		{
			name: "variable default",
			files: map[string]string{"main.tf": `
variable "sku" { default = "S0" }
resource "azurerm_cognitive_account" "a" {
  name     = "a"
  sku_name = var.sku
}`},
			id: "azurerm_cognitive_account.a", path: "sku.name", want: `"S0"`,
		},
		{
			name: "variable without default is unknown",
			files: map[string]string{"main.tf": `
variable "sku" {}
resource "azurerm_cognitive_account" "a" {
  name     = "a"
  sku_name = var.sku
}`},
			id: "azurerm_cognitive_account.a", path: "sku.name", want: `?variable "sku" has no default`,
		},
		{
			name: "terraform.tfvars beats default, auto.tfvars beats terraform.tfvars",
			files: map[string]string{
				"main.tf":          `variable "sku" { default = "F0" }` + "\n" + `resource "azurerm_cognitive_account" "a" { sku_name = var.sku }`,
				"terraform.tfvars": `sku = "S1"`,
				"a.auto.tfvars":    `sku = "S2"`,
			},
			id: "azurerm_cognitive_account.a", path: "sku.name", want: `"S2"`,
		},
		{
			name: "explicit var file comes last",
			files: map[string]string{
				"main.tf":          `variable "sku" { default = "F0" }` + "\n" + `resource "azurerm_cognitive_account" "a" { sku_name = var.sku }`,
				"terraform.tfvars": `sku = "S1"`,
				"env/prod.tfvars":  `sku = "S3"`,
			},
			paths: []string{"main.tf", "env/prod.tfvars"},
			id:    "azurerm_cognitive_account.a", path: "sku.name", want: `"S3"`,
		},
		{
			name: "tfvars json",
			files: map[string]string{
				"main.tf":               `variable "sku" {}` + "\n" + `resource "azurerm_cognitive_account" "a" { sku_name = var.sku }`,
				"terraform.tfvars.json": `{"sku": "S4"}`,
			},
			id: "azurerm_cognitive_account.a", path: "sku.name", want: `"S4"`,
		},
		{
			name: "locals in dependency order across files",
			files: map[string]string{
				"a.tf": `locals { name = "${local.prefix}-oai" }`,
				"b.tf": `locals { prefix = upper(var.env) }` + "\n" + `variable "env" { default = "dev" }`,
				"c.tf": `resource "azurerm_cognitive_account" "a" { name = local.name }`,
			},
			id: "azurerm_cognitive_account.a", path: "name", want: `"DEV-oai"`,
		},
		{
			name:  "local cycle is unknown",
			files: map[string]string{"main.tf": "locals {\n  a = local.b\n  b = local.a\n}\n" + `resource "azurerm_cognitive_account" "a" { name = local.a }`},
			id:    "azurerm_cognitive_account.a", path: "name", want: `?cycle`,
		},
		{
			name: "functions",
			files: map[string]string{"main.tf": `
locals { tags = merge({ a = "1" }, { b = lower("X") }) }
resource "azurerm_cognitive_account" "a" {
  name = format("%s-%02d", join("-", concat(["a"], ["b"])), length(local.tags))
  tags = merge(local.tags, { c = coalesce("", "z"), d = lookup(local.tags, "zz", "dflt"), e = tostring(3) })
}`},
			id: "azurerm_cognitive_account.a", path: "tags", want: `{"a":"1","b":"x","c":"z","d":"dflt","e":"3"}`,
		},
		{
			name:  "format and join",
			files: map[string]string{"main.tf": `resource "azurerm_cognitive_account" "a" { name = format("%s-%02d", join("-", concat(["a"], ["b"])), 7) }`},
			id:    "azurerm_cognitive_account.a", path: "name", want: `"a-b-07"`,
		},
		{
			name: "for expression and splat",
			files: map[string]string{"main.tf": `
variable "subnets" { default = { a = "10.0.1.0/24", b = "10.0.2.0/24" } }
resource "azurerm_search_service" "s" {
  count = 2
  name  = "srch-${count.index}"
}
resource "azurerm_cognitive_account" "a" {
  name = "a"
  fqdns = concat([for k, v in var.subnets : "${k}=${v}"], azurerm_search_service.s[*].name)
  network_acls {
    default_action = "Deny"
    ip_rules       = azurerm_search_service.s[*].endpoint
  }
}`},
			id: "azurerm_cognitive_account.a", path: "properties.allowedFqdnList", want: `["a=10.0.1.0/24","b=10.0.2.0/24","srch-0","srch-1"]`,
		},
		{
			name: "computed attribute through a splat is unknown",
			files: map[string]string{"main.tf": `
resource "azurerm_search_service" "s" {
  count = 2
  name  = "srch-${count.index}"
}
resource "azurerm_cognitive_account" "a" {
  name = "a"
  network_acls {
    default_action = "Deny"
    ip_rules       = azurerm_search_service.s[*].endpoint
  }
}`},
			id: "azurerm_cognitive_account.a", path: "properties.networkAcls.ipRules", want: `?known only after apply`,
		},
		{
			name:  "try and can",
			files: map[string]string{"main.tf": `resource "azurerm_cognitive_account" "a" { name = try({}.missing, "fallback") }`},
			id:    "azurerm_cognitive_account.a", path: "name", want: `"fallback"`,
		},
		{
			name:  "impure function is unknown",
			files: map[string]string{"main.tf": `resource "azurerm_cognitive_account" "a" { name = "x-${uuid()}" }`},
			id:    "azurerm_cognitive_account.a", path: "name", want: `?uuid() gives a new value`,
		},
		{
			name: "more pure functions",
			files: map[string]string{"main.tf": `resource "azurerm_cognitive_account" "a" {
  name = join(",", [base64encode("ai"), substr(sha256("x"), 0, 8), tostring(one(["only"])), tostring(alltrue([true, true])), tostring(anytrue([false])), strrev("abc")])
}`},
			id: "azurerm_cognitive_account.a", path: "name", want: `"YWk=,2d711642,only,true,false,cba"`,
		},
		{
			name: "reference to another resource's argument passes through",
			files: map[string]string{"main.tf": `
resource "azurerm_resource_group" "rg" {
  name     = "rg-1"
  location = "westeurope"
}
resource "azurerm_cognitive_account" "a" {
  name     = "a"
  location = azurerm_resource_group.rg.location
}`},
			id: "azurerm_cognitive_account.a", path: "location", want: `"westeurope"`,
		},
		{
			name: "computed attribute of another resource is unknown",
			files: map[string]string{"main.tf": account + `
resource "azurerm_linux_web_app" "w" {
  name = "w"
  site_config { minimum_tls_version = azurerm_cognitive_account.a.endpoint }
}`},
			id: "azurerm_linux_web_app.w", path: "properties.siteConfig.minTlsVersion", want: `?azurerm_cognitive_account.a.endpoint is known only after apply`,
		},
		{
			name: "id of another resource is a stable ARM id",
			files: map[string]string{"main.tf": account + `
resource "azurerm_private_endpoint" "pe" {
  name = "pe"
  private_service_connection {
    name = "c"
    private_connection_resource_id = azurerm_cognitive_account.a.id
    is_manual_connection = false
  }
}`},
			id: "azurerm_private_endpoint.pe", path: "properties.privateLinkServiceConnections[0].properties.privateLinkServiceId",
			want: `"/subscriptions/{subscriptionId}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct"`,
		},
		{
			name: "data source is unknown",
			files: map[string]string{"main.tf": `
data "azurerm_client_config" "c" {}
resource "azurerm_key_vault" "kv" {
  name      = "kv"
  tenant_id = data.azurerm_client_config.c.tenant_id
}`},
			id: "azurerm_key_vault.kv", path: "properties.tenantId", want: `?data source data.azurerm_client_config.c`,
		},
		{
			name: "id of an existing resource looked up by name",
			files: map[string]string{"main.tf": `
data "azurerm_log_analytics_workspace" "law" {
  name                = "law-shared"
  resource_group_name = "rg-monitor"
}
resource "azurerm_monitor_diagnostic_setting" "d" {
  name                       = "d"
  target_resource_id         = "/x"
  log_analytics_workspace_id = data.azurerm_log_analytics_workspace.law.id
}`},
			id: "azurerm_monitor_diagnostic_setting.d", path: "properties.workspaceId",
			want: `"/subscriptions/{subscriptionId}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-shared"`,
		},
		{
			name: "count gives one resource per index",
			files: map[string]string{"main.tf": `
resource "azurerm_search_service" "s" {
  count = 2
  name  = "srch-${count.index}"
}`},
			id: "azurerm_search_service.s[1]", path: "name", want: `"srch-1"`,
		},
		{
			name: "for_each over a set",
			files: map[string]string{"main.tf": `
resource "azurerm_search_service" "s" {
  for_each = toset(["b", "a"])
  name     = "srch-${each.value}"
}`},
			id: `azurerm_search_service.s["a"]`, path: "name", want: `"srch-a"`,
		},
		{
			name: "unresolvable count gives one instance with an unknown condition",
			files: map[string]string{"main.tf": `
variable "n" {}
resource "azurerm_search_service" "s" {
  count = var.n
  name  = "srch"
}`},
			id: `azurerm_search_service.s[*]`, path: "condition", want: `?variable "n" has no default`,
		},
		{
			name: "dynamic block",
			files: map[string]string{"main.tf": `
variable "subnets" { default = ["s1", "s2"] }
resource "azurerm_cognitive_account" "a" {
  name = "a"
  network_acls {
    default_action = "Deny"
    dynamic "virtual_network_rules" {
      for_each = var.subnets
      content { subnet_id = virtual_network_rules.value }
    }
  }
}`},
			id: "azurerm_cognitive_account.a", path: "properties.networkAcls.virtualNetworkRules[1].id", want: `"s2"`,
		},
		{
			name: "variable type conversion with optional defaults",
			files: map[string]string{"main.tf": `
variable "d" {
  type    = object({ sku = optional(string, "GlobalStandard"), cap = optional(number, 5) })
  default = {}
}
resource "azurerm_cognitive_deployment" "d" {
  name = "x"
  sku {
    name     = var.d.sku
    capacity = var.d.cap
  }
}`},
			id: "azurerm_cognitive_deployment.d", path: "sku", want: `{"name":"GlobalStandard","capacity":5}`,
		},
		{
			name: "azapi body in jsonencode",
			files: map[string]string{"main.tf": `
resource "azapi_resource" "acct" {
  type      = "Microsoft.CognitiveServices/accounts@2024-10-01"
  name      = "oai"
  parent_id = "/subscriptions/x/resourceGroups/rg"
  body = jsonencode({
    kind       = "OpenAI"
    properties = { disableLocalAuth = true }
  })
}`},
			id: "azapi_resource.acct", path: "properties.disableLocalAuth", want: `true`,
		},
		{
			name: "azapi child resource takes the parent's name",
			files: map[string]string{"main.tf": `
resource "azapi_resource" "acct" {
  type      = "Microsoft.CognitiveServices/accounts@2024-10-01"
  name      = "oai"
  parent_id = "/subscriptions/x/resourceGroups/rg"
  body      = { kind = "OpenAI" }
}
resource "azapi_resource" "dep" {
  type      = "Microsoft.CognitiveServices/accounts/deployments@2024-10-01"
  name      = "gpt"
  parent_id = azapi_resource.acct.id
  body      = { properties = { raiPolicyName = "strict" } }
}`},
			id: "azapi_resource.dep", path: "name", want: `"oai/gpt"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := mustScan(t, tt.files, tt.paths...)
			for _, d := range diags {
				if d.Severity == "error" {
					t.Errorf("unexpected error: %+v", d)
				}
			}
			r := byID(res, tt.id)
			if r == nil {
				t.Fatalf("no resource %s; got %s", tt.id, ids(res))
			}
			checkValue(t, r, tt.path, tt.want)
		})
	}
}

func TestCountZeroDropsResource(t *testing.T) {
	res, _ := mustScan(t, map[string]string{"main.tf": `
variable "on" { default = false }
resource "azurerm_search_service" "s" {
  count = var.on ? 1 : 0
  name  = "s"
}`})
	if len(res) != 0 {
		t.Fatalf("got %s, want no resources", ids(res))
	}
}

func TestModules(t *testing.T) {
	files := map[string]string{
		"main.tf": `
module "oai" {
  source   = "./mod"
  for_each = { east = "eastus2", west = "westus3" }
  name     = "oai-${each.key}"
  location = each.value
}
module "remote" {
  source = "git::https://example.com/mod.git"
}
resource "azurerm_monitor_metric_alert" "m" {
  name   = "alert"
  scopes = [module.oai["east"].id]
}`,
		"mod/main.tf": `
variable "name" {}
variable "location" {}
variable "public" { default = false }
resource "azurerm_cognitive_account" "a" {
  name                          = var.name
  location                      = var.location
  resource_group_name           = "rg"
  public_network_access_enabled = var.public
}
output "id" { value = azurerm_cognitive_account.a.id }`,
	}
	res, diags := mustScan(t, files)
	r := byID(res, `module.oai["west"].azurerm_cognitive_account.a`)
	if r == nil {
		t.Fatalf("no module resource; got %s", ids(res))
	}
	checkValue(t, r, "location", `"westus3"`)
	checkValue(t, r, "properties.publicNetworkAccess", `"Disabled"`)
	if r.Loc.File != "mod/main.tf" || r.Loc.Line != 5 {
		t.Errorf("Loc = %+v, want mod/main.tf:5", r.Loc)
	}
	if len(r.Via) != 1 || r.Via[0].File != "main.tf" || r.Via[0].Line != 2 {
		t.Errorf("Via = %+v, want the call at main.tf:2", r.Via)
	}
	checkValue(t, byID(res, "azurerm_monitor_metric_alert.m"), "properties.scopes[0]",
		`"/subscriptions/{subscriptionId}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/oai-east"`)
	if len(res) != 3 {
		t.Errorf("got %s, want 3 resources (the module directory is not a root of its own)", ids(res))
	}
	var remote bool
	for _, d := range diags {
		if strings.Contains(d.Message, "unresolved remote module") && d.Loc.File == "main.tf" && d.Loc.Line == 9 {
			remote = true
		}
	}
	if !remote {
		t.Errorf("no remote module diagnostic at main.tf:9; got %+v", diags)
	}
}

func TestModuleCycle(t *testing.T) {
	files := map[string]string{
		"main.tf":   `module "a" { source = "./a" }`,
		"a/main.tf": `module "b" { source = "../b" }` + "\n" + account,
		"b/main.tf": `module "a" { source = "../a" }`,
	}
	res, diags := mustScan(t, files, "main.tf")
	if byID(res, "module.a.azurerm_cognitive_account.a") == nil {
		t.Errorf("resources before the cycle are lost: %s", ids(res))
	}
	var cycle bool
	for _, d := range diags {
		cycle = cycle || strings.Contains(d.Message, "cycle")
	}
	if !cycle {
		t.Errorf("no cycle diagnostic: %+v", diags)
	}
}

func TestInstalledRemoteModule(t *testing.T) {
	files := map[string]string{
		"main.tf": `module "reg" {
  source  = "Azure/avm-res-cognitiveservices-account/azurerm"
  version = "0.7.0"
  name    = "from-registry"
}`,
		".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"reg","Source":"registry.terraform.io/Azure/avm-res-cognitiveservices-account/azurerm","Version":"0.7.0","Dir":".terraform/modules/reg"}]}`,
		".terraform/modules/reg/main.tf":  `variable "name" {}` + "\n" + `resource "azurerm_cognitive_account" "this" { name = var.name }`,
	}
	res, diags := mustScan(t, files)
	checkValue(t, byID(res, "module.reg.azurerm_cognitive_account.this"), "name", `"from-registry"`)
	for _, d := range diags {
		if strings.Contains(d.Message, "unresolved") {
			t.Errorf("unexpected %s", d.Message)
		}
	}
}

func TestBrokenFileDoesNotStopOthers(t *testing.T) {
	files := map[string]string{
		"a/main.tf": `resource "azurerm_cognitive_account" "a" {` + "\n  name = \n}",
		"b/main.tf": account,
	}
	res, diags := mustScan(t, files)
	if byID(res, "azurerm_cognitive_account.a") == nil {
		t.Fatalf("b/main.tf was not read: %s", ids(res))
	}
	var located, skipped bool
	for _, d := range diags {
		located = located || (d.Loc.File == "a/main.tf" && d.Loc.Line > 0 && d.Severity == "error")
		skipped = skipped || strings.Contains(d.Message, "azurerm_cognitive_account.a is not checked")
	}
	if !located || !skipped {
		t.Fatalf("want an error with a location in a/main.tf and a warning naming the skipped resource, got %+v", diags)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := Scan(ctx, mapFS(map[string]string{"main.tf": account}), []string{"."})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestValueLocations(t *testing.T) {
	res, _ := mustScan(t, map[string]string{"main.tf": `resource "azurerm_cognitive_account" "a" {
  name = "a"
  network_acls {
    default_action = "Deny"
  }
  tags = {
    env = "prod"
  }
}`})
	r := byID(res, "azurerm_cognitive_account.a")
	for path, line := range map[string]int{"properties.networkAcls.defaultAction": 4, "env": 7} {
		var v *iac.Value
		if path == "env" {
			v = r.Tags.Get("env")
		} else {
			v = r.Properties.Get(strings.TrimPrefix(path, "properties."))
		}
		if v == nil || v.Loc.Line != line || v.Loc.File != "main.tf" || v.Loc.Column == 0 {
			t.Errorf("%s at %+v, want main.tf:%d", path, v, line)
		}
	}
}

func TestIsPlan(t *testing.T) {
	for in, want := range map[string]bool{
		`{"format_version":"1.2","planned_values":{}}`: true,
		`{"format_version":"1.0","values":{}}`:         false,
		`{"$schema":"x","resources":[]}`:               false,
		`not json`:                                     false,
	} {
		if got := IsPlan([]byte(in)); got != want {
			t.Errorf("IsPlan(%s) = %v", in, got)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	_, diags := ReadPlan("p.json", []byte("{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {,}\n}"))
	if len(diags) != 1 || diags[0].Loc.Line != 3 {
		t.Errorf("want one error on line 3, got %+v", diags)
	}
	_, diags = ReadPlan("p.json", []byte(`{"format_version":"9.0","planned_values":{}}`))
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "format version") {
		t.Errorf("want a format version error, got %+v", diags)
	}
}

// getPath reads a path from a resource as if it were one ARM JSON object.
func getPath(r *iac.Resource, path string) *iac.Value {
	root := iac.NewObject(r.Loc)
	for k, v := range map[string]*iac.Value{"name": r.Name, "kind": r.Kind, "location": r.Location,
		"sku": r.SKU, "identity": r.Identity, "tags": r.Tags, "properties": r.Properties,
		"zones": r.Zones, "scope": r.Scope, "condition": r.Condition} {
		if v != nil {
			root.Set(k, v)
		}
	}
	return root.Get(path)
}

func TestInstanceBudget(t *testing.T) {
	fsys := mapFS(map[string]string{
		"main.tf":   "module \"m\" {\n  source = \"./m\"\n  count  = 50\n}\n",
		"m/main.tf": "resource \"azurerm_key_vault\" \"k\" {\n  count = 50\n  name  = \"kv\"\n}\n",
	})
	res, diags, err := scan(context.Background(), fsys, []string{"."}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) > 1100 || len(res) < 900 {
		t.Errorf("got %d resources, want about the budget of 1000", len(res))
	}
	var warned bool
	for _, d := range diags {
		warned = warned || strings.Contains(d.Message, "more than 1000 instances")
	}
	if !warned {
		t.Errorf("no budget warning: %+v", diags)
	}
}

func TestUnresolvedModuleCount(t *testing.T) {
	res, diags := mustScan(t, map[string]string{
		"main.tf":     "variable \"n\" {}\nmodule \"m\" {\n  source = \"./m\"\n  count  = var.n\n}\n",
		"m/main.tf":   account,
		"override.tf": "resource \"azurerm_cognitive_account\" \"a\" {}\n",
	})
	// The root's override file names a resource of the child module: Terraform
	// refuses it, and so does the scan, without losing the module's resources.
	var overrideErr bool
	for _, d := range diags {
		overrideErr = overrideErr || (d.Severity == "error" && locString(d.Loc) == "override.tf:1:1" && strings.Contains(d.Message, "no primary"))
	}
	if !overrideErr {
		t.Errorf("want an override error at override.tf:1:1, got %+v", diags)
	}
	r := byID(res, "module.m[*].azurerm_cognitive_account.a")
	if r == nil {
		t.Fatalf("got %s", ids(res))
	}
	checkValue(t, r, "condition", `?variable "n" has no default`)
	checkValue(t, r, "name", `"acct"`)
}

func TestPlanShapes(t *testing.T) {
	plan := `{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "azapi_resource.dep", "mode": "managed", "type": "azapi_resource", "name": "dep",
     "values": {"type": "Microsoft.CognitiveServices/accounts/deployments@2024-10-01", "name": "gpt",
       "parent_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/oai",
       "body": "{\"properties\":{\"raiPolicyName\":\"strict\"},\"sku\":{\"name\":\"ProvisionedManaged\"}}"}},
    {"address": "azurerm_key_vault.kv", "mode": "managed", "type": "azurerm_key_vault", "name": "kv",
     "values": {"name": "kv1", "purge_protection_enabled": true}},
    {"address": "data.azurerm_client_config.c", "mode": "data", "type": "azurerm_client_config", "name": "c", "values": {}}
  ]}},
  "resource_changes": [
    {"address": "azurerm_key_vault.kv", "change": {"actions": ["create"], "after_unknown": {"network_acls": true, "tenant_id": true}}}
  ]
}`
	res, diags := ReadPlan("p.json", []byte(plan))
	if len(diags) > 0 {
		t.Fatalf("unexpected %+v", diags)
	}
	if len(res) != 2 {
		t.Fatalf("got %s, want the two managed resources", ids(res))
	}
	dep := byID(res, "azapi_resource.dep")
	checkValue(t, dep, "name", `"oai/gpt"`)
	checkValue(t, dep, "properties.raiPolicyName", `"strict"`)
	checkValue(t, dep, "sku.name", `"ProvisionedManaged"`)
	if dep.APIVersion != "2024-10-01" || dep.Source != PlanSource || dep.Loc.Line != 4 {
		t.Errorf("apiVersion %q source %q loc %+v", dep.APIVersion, dep.Source, dep.Loc)
	}
	kv := byID(res, "azurerm_key_vault.kv")
	checkValue(t, kv, "properties.networkAcls.defaultAction", "?azurerm_key_vault.kv.network_acls is known only after apply")
	checkValue(t, kv, "properties.tenantId", "?known only after apply")
	checkValue(t, kv, "properties.enablePurgeProtection", "true")
}

// TestPlanBesideSources puts the plan next to the configuration it came from: the
// resources then point at their .tf declarations.
func TestPlanBesideSources(t *testing.T) {
	fsys := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("testdata"), "rag", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join("testdata", p))
		fsys[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := os.ReadFile("testdata/plan/rag.plan.json")
	if err != nil {
		t.Fatal(err)
	}
	fsys["rag/tfplan.json"] = &fstest.MapFile{Data: plan}
	res, diags, err := ScanPlan(context.Background(), fsys, "rag/tfplan.json")
	if err != nil || len(diags) > 0 {
		t.Fatalf("err %v, diags %+v", err, diags)
	}
	acct := byID(res, "module.openai.azurerm_cognitive_account.this")
	if acct.Loc != (awaf.Location{File: "rag/modules/openai/main.tf", Line: 18, Column: 1}) {
		t.Errorf("Loc = %+v", acct.Loc)
	}
	if len(acct.Via) != 1 || acct.Via[0] != (awaf.Location{File: "rag/main.tf", Line: 27, Column: 1}) {
		t.Errorf("Via = %+v", acct.Via)
	}
	for path, line := range map[string]int{
		"properties.disableLocalAuth":              25, // local_auth_enabled
		"properties.networkAcls.defaultAction":     29, // inside network_acls
		"properties.restrictOutboundNetworkAccess": 18, // filled in by the provider
	} {
		if v := getPath(acct, path); v == nil || v.Loc.File != "rag/modules/openai/main.tf" || v.Loc.Line != line {
			t.Errorf("%s at %+v, want line %d", path, v.Loc, line)
		}
	}
	if st := byID(res, "azurerm_storage_account.docs"); st.Loc.File != "rag/main.tf" || len(st.Via) != 0 {
		t.Errorf("storage at %+v via %+v", st.Loc, st.Via)
	}
}

func TestNestingLimit(t *testing.T) {
	deep := "locals {\n  a = " + strings.Repeat("[", 100000) + "\n}\n"
	res, diags := mustScan(t, map[string]string{"a/main.tf": deep, "b/main.tf": account})
	if byID(res, "azurerm_cognitive_account.a") == nil {
		t.Errorf("b/main.tf was not read")
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "nest deeper") || diags[0].Loc.Line != 2 {
		t.Errorf("want one nesting error on line 2, got %+v", diags)
	}
	// Brackets inside strings and comments do not count.
	ok := "# " + strings.Repeat("[", 300) + "\nlocals {\n  a = \"" + strings.Repeat("{", 300) + "\"\n}\n" + account
	res, diags = mustScan(t, map[string]string{"main.tf": ok})
	if byID(res, "azurerm_cognitive_account.a") == nil || len(diags) != 0 {
		t.Errorf("strings and comments counted: %+v", diags)
	}
}
