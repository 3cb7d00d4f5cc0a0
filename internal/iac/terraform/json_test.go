package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/iac"
)

// TestGoldenMixed reads a module that mixes .tf and .tf.json files, with a JSON local
// module and JSON variable files: values, and their places in the JSON files.
func TestGoldenMixed(t *testing.T) {
	res, diags, err := Scan(context.Background(), os.DirFS("testdata"), []string{"mixed"})
	if err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "golden", "mixed.json"), dump(t, res, diags))
}

// plain renders resources without locations, to compare two syntaxes.
func plain(t *testing.T, res []iac.Resource) string {
	t.Helper()
	var strip func(v *iac.Value) any
	strip = func(v *iac.Value) any {
		if v == nil {
			return nil
		}
		switch v.Kind {
		case iac.Object:
			m := map[string]any{}
			for _, k := range v.Keys {
				m[k] = strip(v.Fields[k])
			}
			return m
		case iac.Array:
			var out []any
			for _, it := range v.Items {
				out = append(out, strip(it))
			}
			return out
		case iac.Unknown:
			return "?" + v.Why
		}
		return v.String()
	}
	var out []map[string]any
	for _, r := range res {
		out = append(out, map[string]any{"id": r.ID, "type": r.Type, "parent": r.Parent, "dependsOn": r.DependsOn,
			"name": strip(r.Name), "kind": strip(r.Kind), "location": strip(r.Location), "sku": strip(r.SKU),
			"identity": strip(r.Identity), "tags": strip(r.Tags), "properties": strip(r.Properties), "condition": strip(r.Condition)})
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestJSONMatchesNative declares the same resources in both syntaxes: the scans must
// agree on every value.
func TestJSONMatchesNative(t *testing.T) {
	tests := []struct {
		name, native, json string
	}{
		{
			name: "nested blocks as object, as array, and dynamic",
			native: `
variable "subnets" { default = ["s1", "s2"] }
resource "azurerm_cognitive_account" "a" {
  name     = "acct"
  kind     = "OpenAI"
  sku_name = "S0"
  network_acls {
    default_action = "Deny"
    ip_rules       = ["1.2.3.4"]
    dynamic "virtual_network_rules" {
      for_each = var.subnets
      content {
        subnet_id = virtual_network_rules.value
      }
    }
  }
  identity {
    type = "SystemAssigned"
  }
  tags = { a = "b" }
}`,
			json: `{
  "variable": {"subnets": {"default": ["s1", "s2"]}},
  "resource": {"azurerm_cognitive_account": {"a": {
    "name": "acct", "kind": "OpenAI", "sku_name": "S0",
    "network_acls": [{
      "default_action": "Deny",
      "ip_rules": ["1.2.3.4"],
      "dynamic": {"virtual_network_rules": {"for_each": "${var.subnets}", "content": {"subnet_id": "${virtual_network_rules.value}"}}}
    }],
    "identity": {"type": "SystemAssigned"},
    "tags": {"a": "b"}
  }}}
}`,
		},
		{
			name: "count, for_each, references and functions",
			native: `
locals {
  names = toset(["x", "y"])
}
resource "azurerm_resource_group" "rg" {
  name     = "rg"
  location = "westeurope"
}
resource "azurerm_key_vault" "kv" {
  for_each            = local.names
  name                = "kv-${each.key}"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
  sku_name            = upper("standard")
  purge_protection_enabled = length(local.names) > 1
  depends_on = [azurerm_resource_group.rg]
}
resource "azurerm_cognitive_account" "c" {
  count    = length(local.names)
  name     = "c${count.index}"
  kind     = "OpenAI"
  sku_name = "S0"
}`,
			json: `{
  "locals": [{"names": "${toset([\"x\", \"y\"])}"}],
  "resource": [
    {"azurerm_resource_group": {"rg": {"name": "rg", "location": "westeurope"}}},
    {"azurerm_key_vault": {"kv": {
      "for_each": "${local.names}",
      "name": "kv-${each.key}",
      "resource_group_name": "${azurerm_resource_group.rg.name}",
      "location": "${azurerm_resource_group.rg.location}",
      "sku_name": "${upper(\"standard\")}",
      "purge_protection_enabled": "${length(local.names) > 1}",
      "depends_on": ["azurerm_resource_group.rg"]
    }}},
    {"azurerm_cognitive_account": {"c": {"count": "${length(local.names)}", "name": "c${count.index}", "kind": "OpenAI", "sku_name": "S0"}}}
  ]
}`,
		},
		{
			name: "private endpoint and diagnostic blocks read as lists",
			native: `
resource "azurerm_private_endpoint" "pe" {
  name = "pe"
  private_service_connection {
    name                           = "c"
    private_connection_resource_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a"
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
}
resource "azurerm_monitor_diagnostic_setting" "d" {
  name               = "d"
  target_resource_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a"
  enabled_log {
    category = "Audit"
  }
  enabled_log {
    category = "RequestResponse"
  }
}`,
			json: `{"resource": {
  "azurerm_private_endpoint": {"pe": {"name": "pe", "private_service_connection": {
    "name": "c",
    "private_connection_resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a",
    "subresource_names": ["account"], "is_manual_connection": false}}},
  "azurerm_monitor_diagnostic_setting": {"d": {"name": "d",
    "target_resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a",
    "enabled_log": [{"category": "Audit"}, {"category": "RequestResponse"}]}}
}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nres, ndiags := mustScan(t, map[string]string{"main.tf": tt.native})
			jres, jdiags := mustScan(t, map[string]string{"main.tf.json": tt.json})
			if len(ndiags) > 0 || len(jdiags) > 0 {
				t.Fatalf("diagnostics: native %+v, json %+v", ndiags, jdiags)
			}
			if len(nres) == 0 {
				t.Fatal("no resources")
			}
			if n, j := plain(t, nres), plain(t, jres); n != j {
				t.Errorf("native and JSON differ:\nnative: %s\njson:   %s", n, j)
			}
			for _, r := range jres {
				if r.Loc.File != "main.tf.json" || r.Loc.Line == 0 || r.Loc.Column == 0 {
					t.Errorf("%s at %+v", r.ID, r.Loc)
				}
			}
		})
	}
}

func TestJSONSyntax(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		paths []string
		id    string
		path  string
		want  string
		diag  string // a diagnostic that must be reported: "severity file:line:col fragment"
	}{
		{
			name: "comment keys are ignored in bodies, kept in object values",
			files: map[string]string{"main.tf.json": `{"//": "x", "resource": {"azurerm_cognitive_account": {"a": {
  "//": "comment", "name": "a", "tags": {"//": "kept"}}}}}`},
			id: "azurerm_cognitive_account.a", path: "tags", want: `{"//":"kept"}`,
		},
		{
			name: "a lone interpolation keeps its type",
			files: map[string]string{"main.tf.json": `{"locals": {"n": "${2 + 3}", "s": "n=${2 + 3}"},
  "resource": {"azurerm_cognitive_account": {"a": {"name": "${local.s}", "tags": {"n": "${local.n}"}}}}}`},
			id: "azurerm_cognitive_account.a", path: "tags.n", want: `5`,
		},
		{
			name: "template with interpolation",
			files: map[string]string{"main.tf.json": `{"locals": {"s": "n=${2 + 3}"},
  "resource": {"azurerm_cognitive_account": {"a": {"name": "${local.s}"}}}}`},
			id: "azurerm_cognitive_account.a", path: "name", want: `"n=5"`,
		},
		{
			name:  "escaped interpolation is literal",
			files: map[string]string{"main.tf.json": `{"resource": {"azurerm_cognitive_account": {"a": {"name": "$${x}"}}}}`},
			id:    "azurerm_cognitive_account.a", path: "name", want: `"${x}"`,
		},
		{
			name: "variable default and description are literal, type is an expression",
			files: map[string]string{"main.tf.json": `{"variable": {"v": {"type": "list(string)", "default": ["${x}"], "description": "${y}"}},
  "resource": {"azurerm_cognitive_account": {"a": {"name": "${var.v[0]}"}}}}`},
			id: "azurerm_cognitive_account.a", path: "name", want: `"${x}"`,
		},
		{
			name: "variable type converts a JSON value",
			files: map[string]string{"main.tf.json": `{"variable": {"n": {"type": "string", "default": 5}},
  "resource": {"azurerm_cognitive_account": {"a": {"name": "${var.n}"}}}}`},
			id: "azurerm_cognitive_account.a", path: "name", want: `"5"`,
		},
		{
			name: "interpolated object keys",
			files: map[string]string{"main.tf.json": `{"locals": {"k": "env"},
  "resource": {"azurerm_cognitive_account": {"a": {"name": "a", "tags": {"${local.k}": "dev"}}}}}`},
			id: "azurerm_cognitive_account.a", path: "tags.env", want: `"dev"`,
		},
		{
			name: "a JSON file refers to a native one and back",
			files: map[string]string{
				"a.tf":      `locals { from_native = "n" }` + "\n" + `resource "azurerm_cognitive_account" "a" { name = local.from_json }`,
				"b.tf.json": `{"locals": {"from_json": "${local.from_native}-j"}}`,
			},
			id: "azurerm_cognitive_account.a", path: "name", want: `"n-j"`,
		},
		{
			name: "explicit .tf.json path reads its directory",
			files: map[string]string{
				"app/main.tf.json": `{"resource": {"azurerm_cognitive_account": {"a": {"name": "${local.n}"}}}}`,
				"app/locals.tf":    `locals { n = "x" }`,
			},
			paths: []string{"app/main.tf.json"},
			id:    "azurerm_cognitive_account.a", path: "name", want: `"x"`,
		},
		{
			name:  "tfvars json files: terraform.tfvars.json, then auto files in name order",
			files: map[string]string{"main.tf.json": `{"variable": {"sku": {}}, "resource": {"azurerm_cognitive_account": {"a": {"sku_name": "${var.sku}"}}}}`, "terraform.tfvars.json": `{"sku": "S1"}`, "a.auto.tfvars.json": `{"sku": "S2"}`, "b.auto.tfvars": `sku = "S3"`},
			id:    "azurerm_cognitive_account.a", path: "sku.name", want: `"S3"`,
		},
		{
			name: "explicit tfvars json is last, and literal",
			files: map[string]string{
				"main.tf.json":          `{"variable": {"sku": {}}, "resource": {"azurerm_cognitive_account": {"a": {"sku_name": "${var.sku}"}}}}`,
				"terraform.tfvars.json": `{"sku": "S1"}`,
				"env/prod.tfvars.json":  `{"sku": "${S9}"}`,
			},
			paths: []string{".", "env/prod.tfvars.json"},
			id:    "azurerm_cognitive_account.a", path: "sku.name", want: `"${S9}"`,
		},
		{
			name: "a null or empty block value means no block",
			files: map[string]string{"main.tf.json": `{"resource": {"azurerm_cognitive_account": {"a": {"name": "a",
  "identity": null, "network_acls": [], "lifecycle": null,
  "provisioner": [{"local-exec": {"command": "echo ${self.id}"}}], "connection": {"type": "ssh"}}}}}`},
			id: "azurerm_cognitive_account.a", path: "identity", want: `<absent>`,
		},
		{
			name: "meta blocks are not arguments",
			files: map[string]string{"main.tf.json": `{"resource": {"azurerm_cognitive_account": {"a": {"name": "a",
  "lifecycle": {"ignore_changes": "all"}, "timeouts": {"create": "1h"}}}}}`},
			id: "azurerm_cognitive_account.a", path: "properties", want: `{}`,
		},
		{
			name:  "syntax error has its place",
			files: map[string]string{"main.tf.json": "{\n  \"resource\": {,}\n}"},
			diag:  "error main.tf.json:2:",
		},
		{
			name:  "a label level that is not an object",
			files: map[string]string{"main.tf.json": "{\n  \"resource\": {\"azurerm_cognitive_account\": \"x\"}\n}"},
			diag:  "error main.tf.json:2:45 JSON object is required",
		},
		{
			name:  "a body that is not an object",
			files: map[string]string{"main.tf.json": "{\n  \"resource\": {\"azurerm_cognitive_account\": {\"a\": 1}}\n}"},
			diag:  "error main.tf.json:2:51 object or an array of objects",
		},
		{
			name:  "unknown top-level block",
			files: map[string]string{"main.tf.json": "{\n  \"resources\": {}\n}"},
			diag:  `warning main.tf.json:2:3 unsupported top-level block "resources"`,
		},
		{
			name:  "bad interpolation",
			files: map[string]string{"main.tf.json": "{\"resource\": {\"azurerm_cognitive_account\": {\"a\": {\n  \"name\": \"${var.\"}}}}"},
			diag:  "error main.tf.json:2:",
		},
		{
			name:  "duplicate argument",
			files: map[string]string{"main.tf.json": "{\"resource\": {\"azurerm_cognitive_account\": {\"a\": {\"name\": \"x\",\n  \"name\": \"y\"}}}}"},
			diag:  `error main.tf.json:2:3 argument "name" is also set at main.tf.json:1:`,
		},
		{
			name:  "duplicate resource across syntaxes",
			files: map[string]string{"a.tf": `resource "azurerm_cognitive_account" "a" {}`, "b.tf.json": `{"resource": {"azurerm_cognitive_account": {"a": {}}}}`},
			diag:  `error b.tf.json:1:45 resource azurerm_cognitive_account.a is also declared at a.tf:1,1-41`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := mustScan(t, tt.files, tt.paths...)
			if tt.diag != "" {
				var got []string
				found := false
				for _, d := range diags {
					s := string(d.Severity) + " " + locString(d.Loc) + " " + d.Message
					got = append(got, s)
					sev, rest, _ := strings.Cut(tt.diag, " ")
					place, frag, _ := strings.Cut(rest, " ")
					if string(d.Severity) == sev && strings.HasPrefix(locString(d.Loc), place) && strings.Contains(d.Message, frag) {
						found = true
					}
				}
				if !found {
					t.Errorf("want diagnostic %q, got %q", tt.diag, got)
				}
				return
			}
			for _, d := range diags {
				t.Errorf("unexpected diagnostic %+v", d)
			}
			checkValue(t, byID(res, tt.id), tt.path, tt.want)
		})
	}
}

// TestJSONValueLocations checks that values point at their JSON line and column.
func TestJSONValueLocations(t *testing.T) {
	src := `{
  "resource": {
    "azurerm_cognitive_account": {
      "a": {
        "name": "acct",
        "network_acls": {
          "default_action": "Deny",
          "ip_rules": ["1.1.1.1", "${\"2.2.2.2\"}"]
        }
      }
    }
  }
}`
	res, diags := mustScan(t, map[string]string{"main.tf.json": src})
	if len(diags) > 0 || len(res) != 1 {
		t.Fatalf("got %s, %+v", ids(res), diags)
	}
	r := res[0]
	if r.Loc.File != "main.tf.json" || r.Loc.Line != 4 || r.Loc.Column != 7 {
		t.Errorf("resource at %+v, want main.tf.json:4:7", r.Loc)
	}
	for path, want := range map[string][2]int{
		"name":                                 {5, 17},
		"properties.networkAcls.defaultAction": {7, 29},
		"properties.networkAcls.ipRules[0].value": {8, 24},
		"properties.networkAcls.ipRules[1].value": {8, 35},
	} {
		v := getPath(&r, path)
		if v == nil || v.Loc.File != "main.tf.json" || v.Loc.Line != want[0] || v.Loc.Column != want[1] {
			t.Errorf("%s at %+v, want %d:%d", path, v, want[0], want[1])
		}
	}
}

func locString(l iacLoc) string {
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

// TestPlanBesideJSONSources puts a plan next to a .tf.json configuration: the
// resource and its arguments point at their JSON lines.
func TestPlanBesideJSONSources(t *testing.T) {
	cfg := `{
  "resource": {
    "azurerm_key_vault": {
      "kv": {
        "name": "kv1",
        "network_acls": {
          "default_action": "Deny"
        }
      }
    }
  }
}`
	plan := `{"format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "azurerm_key_vault.kv", "mode": "managed", "type": "azurerm_key_vault", "name": "kv",
     "values": {"name": "kv1", "network_acls": [{"default_action": "Deny", "bypass": "AzureServices"}]}}]}},
  "configuration": {"root_module": {"resources": [{"address": "azurerm_key_vault.kv", "mode": "managed", "type": "azurerm_key_vault", "name": "kv"}]}}
}`
	res, diags, err := ScanPlan(context.Background(), mapFS(map[string]string{"main.tf.json": cfg, "plan.json": plan}), "plan.json")
	if err != nil || len(diags) > 0 {
		t.Fatalf("err %v, diags %+v", err, diags)
	}
	kv := byID(res, "azurerm_key_vault.kv")
	if kv == nil || locString(kv.Loc) != "main.tf.json:4:7" {
		t.Fatalf("got %s at %+v", ids(res), kv)
	}
	for path, want := range map[string]string{
		"name":                                 "main.tf.json:5:17",
		"properties.networkAcls.defaultAction": "main.tf.json:7:29",
	} {
		if v := getPath(kv, path); v == nil || locString(v.Loc) != want {
			t.Errorf("%s at %s, want %s", path, locString(v.Loc), want)
		}
	}
}
