package scan

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/rules"
)

// Corpus of the shape that made findings grow with the scan (issue 18): many AI
// accounts per file declared by copy loops, regions and link targets that are not
// known before deployment (parameters without defaults), and links across resources.
// Each group of 10 resources: 4 OpenAI accounts from one loop, a deployment, a private
// endpoint to a known account, one to an unknown target, a diagnostic setting, a search
// service and a storage account.

func aiGroupARM(g int) string {
	acct := fmt.Sprintf("oai%d", g)
	return strings.Join([]string{
		fmt.Sprintf(`{"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[format('%s-{0}', copyIndex())]", "copy": {"name": "acct%d", "count": 4}, "location": "[parameters('location')]", "kind": "OpenAI", "sku": {"name": "S0"}, "properties": {"customSubDomainName": "[format('%s-{0}', copyIndex())]", "disableLocalAuth": %v, "publicNetworkAccess": "[parameters('pna')]"}}`, acct, g, acct, g%3 != 0),
		fmt.Sprintf(`{"type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2024-10-01", "name": "%s-0/chat", "dependsOn": ["acct%d"], "sku": {"name": "GlobalStandard", "capacity": "[parameters('capacity')]"}, "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}}}`, acct, g),
		fmt.Sprintf(`{"type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pe%d", "location": "[parameters('location')]", "properties": {"subnet": {"id": "[parameters('subnetId')]"}, "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "[resourceId('Microsoft.CognitiveServices/accounts', '%s-1')]", "groupIds": ["account"]}}]}}`, g, acct),
		fmt.Sprintf(`{"type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pex%d", "location": "[parameters('location')]", "properties": {"subnet": {"id": "[parameters('subnetId')]"}, "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "[parameters('targetId')]", "groupIds": ["account"]}}]}}`, g),
		fmt.Sprintf(`{"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "diag%d", "scope": "[format('Microsoft.CognitiveServices/accounts/{0}', '%s-2')]", "properties": {"workspaceId": "[parameters('lawId')]", "logs": [{"categoryGroup": "allLogs", "enabled": true}]}}`, g, acct),
		fmt.Sprintf(`{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "srch%d", "location": "[parameters('location')]", "sku": {"name": "standard"}, "properties": {"replicaCount": "[parameters('replicas')]", "publicNetworkAccess": "disabled"}}`, g),
		fmt.Sprintf(`{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "st%d", "location": "[parameters('location')]", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}, "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": %v}}`, g, g%4 == 0),
	}, ",\n    ")
}

// aiARMCorpus gives n resources (a multiple of 10) in files of 50.
func aiARMCorpus(n int) fstest.MapFS { return aiARMFiles(n, perFile) }

// aiARMFiles gives n resources in files of per resources.
func aiARMFiles(n, perFile int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for f := 0; f*perFile < n; f++ {
		var b strings.Builder
		b.WriteString(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": {"location": {"type": "string"}, "pna": {"type": "string"}, "capacity": {"type": "int"}, "replicas": {"type": "int"}, "subnetId": {"type": "string"}, "targetId": {"type": "string"}, "lawId": {"type": "string"}},
  "resources": [
    `)
		for g := f * perFile / 10; g < min(n, (f+1)*perFile)/10; g++ {
			if g > f*perFile/10 {
				b.WriteString(",\n    ")
			}
			b.WriteString(aiGroupARM(g))
		}
		b.WriteString("\n  ]\n}\n")
		fsys[fmt.Sprintf("ai/t%04d/azuredeploy.json", f)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

// TestFindingsBounded checks that a finding's size does not depend on the size of
// the scan: the JSON report stays under 1 KB a finding on average and grows linearly
// with the number of resources (bytes per resource at 1k and 10k within 10%).
func TestFindingsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 11,000 resources")
	}
	for name, corpus := range map[string]func(int) fstest.MapFS{"arm": aiARMCorpus, "terraform": aiTFCorpus} {
		t.Run(name, func(t *testing.T) { findingsBounded(t, corpus) })
	}
}

func findingsBounded(t *testing.T, corpus func(int) fstest.MapFS) {
	perRes := map[int]float64{}
	for _, n := range []int{1000, 10000} {
		res, err := Run(context.Background(), corpus(n), nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Resources) != n {
			t.Fatalf("%d resources, want %d", len(res.Resources), n)
		}
		if len(res.Diagnostics) > 0 {
			t.Fatalf("%d diagnostics, first %+v", len(res.Diagnostics), res.Diagnostics[0])
		}
		c := res.Count()
		if c.Unknown == 0 || c.Fail == 0 {
			t.Fatalf("corpus should give unknowns and failures: %+v", c)
		}
		for _, format := range []string{JSON, SARIF, Text} {
			var b bytes.Buffer
			if err := Write(&b, res, format, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			per := float64(b.Len()) / float64(res.Findings.Len())
			t.Logf("%s n=%d: %d findings, %d bytes, %.0f bytes/finding, %.0f bytes/resource", format, n, res.Findings.Len(), b.Len(), per, float64(b.Len())/float64(n))
			if format == JSON {
				if per >= 1024 {
					t.Errorf("n=%d: %.0f bytes per finding in JSON, want under 1 KB", n, per)
				}
				perRes[n] = float64(b.Len()) / float64(n)
			}
		}
		for _, f := range res.Findings.All() {
			if len(f.Unresolved) > 10 || len(f.Message) > 2000 {
				t.Errorf("%s on %s: %d causes, %d-byte message: %.300s", f.Rule.ID, displayName(f.Resource), len(f.Unresolved), len(f.Message), f.Message)
				break
			}
		}
	}
	if r := perRes[10000] / perRes[1000]; r < 0.9 || r > 1.1 {
		t.Errorf("JSON bytes per resource: %.0f at 1k, %.0f at 10k (ratio %.2f), want within 10%%", perRes[1000], perRes[10000], r)
	}
}

// TestWorkloadScope checks that rules about the workload as a whole are judged once
// per workload: each ARM entry point is one, unless a directory or a single name
// groups them.
func TestWorkloadScope(t *testing.T) {
	fsys := aiARMCorpus(200) // 4 files
	for _, tc := range []struct {
		name      string
		dirs      []string
		one       string
		workloads int
	}{
		{"entry points", nil, "", 4},
		{"--workload ai", []string{"ai"}, "", 1},
		{"--workload ai/t0001", []string{"ai/t0001/"}, "", 4},
		{"answers file", nil, "awaf.yaml", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t), Workloads: tc.dirs, Workload: tc.one})
			if err != nil {
				t.Fatal(err)
			}
			perRule := map[string]map[string]int{}
			names := map[string]bool{}
			for _, f := range res.Findings.All() {
				if f.Workload == "" {
					t.Fatalf("%s on %s has no workload", f.Rule.ID, displayName(f.Resource))
				}
				names[f.Workload] = true
				if f.Rule.Scope == rules.ScopeWorkload {
					if perRule[f.Rule.ID] == nil {
						perRule[f.Rule.ID] = map[string]int{}
					}
					perRule[f.Rule.ID][f.Workload]++
				}
			}
			if len(names) != tc.workloads {
				t.Errorf("%d workloads %v, want %d", len(names), names, tc.workloads)
			}
			for _, id := range []string{"AWAF-AOAI-013", "AWAF-AOAI-015"} {
				if len(perRule[id]) != tc.workloads {
					t.Errorf("%s judged on %d workloads, want %d", id, len(perRule[id]), tc.workloads)
				}
				for w, n := range perRule[id] {
					if n != 1 {
						t.Errorf("%s: %d findings on workload %s, want 1", id, n, w)
					}
				}
			}
		})
	}
}

// aiBicepCorpus is aiARMCorpus in Bicep: a for loop of 4 accounts, a location and a
// private endpoint target that are parameters without defaults.
func aiBicepCorpus(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for f := 0; f*perFile < n; f++ {
		var b strings.Builder
		b.WriteString("param location string\nparam pna string\nparam replicas int\nparam targetId string\nparam subnetId string\n\n")
		for g := f * perFile / 10; g < min(n, (f+1)*perFile)/10; g++ {
			fmt.Fprintf(&b, `resource oai%[1]d 'Microsoft.CognitiveServices/accounts@2024-10-01' = [for i in range(0, 4): {
  name: 'oai%[1]d-${i}'
  location: location
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: 'oai%[1]d-${i}'
    disableLocalAuth: %[2]v
    publicNetworkAccess: pna
  }
}]

resource chat%[1]d 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: oai%[1]d[0]
  name: 'chat'
  sku: {
    name: 'GlobalStandard'
    capacity: 10
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: 'gpt-4o'
      version: '2024-11-20'
    }
  }
}

resource pe%[1]d 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe%[1]d'
  location: location
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'c'
        properties: {
          privateLinkServiceId: oai%[1]d[1].id
          groupIds: [
            'account'
          ]
        }
      }
    ]
  }
}

resource pex%[1]d 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pex%[1]d'
  location: location
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'c'
        properties: {
          privateLinkServiceId: targetId
          groupIds: [
            'account'
          ]
        }
      }
    ]
  }
}

resource diag%[1]d 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag%[1]d'
  scope: oai%[1]d[2]
  properties: {
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

resource srch%[1]d 'Microsoft.Search/searchServices@2023-11-01' = {
  name: 'srch%[1]d'
  location: location
  sku: {
    name: 'standard'
  }
  properties: {
    replicaCount: replicas
  }
}

resource st%[1]d 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st%[1]d'
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: %[3]v
  }
}

`, g, g%3 != 0, g%4 == 0)
		}
		fsys[fmt.Sprintf("aibicep/f%04d.bicep", f)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

// aiTFCorpus is aiARMCorpus in Terraform: accounts with count = 4, variables without
// defaults, one root module per 500 resources.
func aiTFCorpus(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for f := 0; f*perFile < n; f++ {
		dir := fmt.Sprintf("aitf/m%03d", f/10)
		if f%10 == 0 {
			fsys[dir+"/variables.tf"] = &fstest.MapFile{Data: []byte("variable \"location\" {}\nvariable \"rg\" {}\nvariable \"subnet_id\" {}\nvariable \"target_id\" {}\nvariable \"law_id\" {}\nvariable \"replicas\" {}\n")}
		}
		var b strings.Builder
		for g := f * perFile / 10; g < min(n, (f+1)*perFile)/10; g++ {
			fmt.Fprintf(&b, `resource "azurerm_cognitive_account" "oai%[1]d" {
  count                         = 4
  name                          = "oai%[1]d-${count.index}"
  location                      = var.location
  resource_group_name           = var.rg
  kind                          = "OpenAI"
  sku_name                      = "S0"
  custom_subdomain_name         = "oai%[1]d-${count.index}"
  local_auth_enabled            = %[2]v
}

resource "azurerm_cognitive_deployment" "chat%[1]d" {
  name                 = "chat%[1]d"
  cognitive_account_id = azurerm_cognitive_account.oai%[1]d[0].id
  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-11-20"
  }
  sku {
    name     = "GlobalStandard"
    capacity = 10
  }
}

resource "azurerm_private_endpoint" "pe%[1]d" {
  name                = "pe%[1]d"
  location            = var.location
  resource_group_name = var.rg
  subnet_id           = var.subnet_id
  private_service_connection {
    name                           = "c"
    private_connection_resource_id = azurerm_cognitive_account.oai%[1]d[1].id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
}

resource "azurerm_private_endpoint" "pex%[1]d" {
  name                = "pex%[1]d"
  location            = var.location
  resource_group_name = var.rg
  subnet_id           = var.subnet_id
  private_service_connection {
    name                           = "c"
    private_connection_resource_id = var.target_id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
}

resource "azurerm_monitor_diagnostic_setting" "diag%[1]d" {
  name                       = "diag%[1]d"
  target_resource_id         = azurerm_cognitive_account.oai%[1]d[2].id
  log_analytics_workspace_id = var.law_id
  enabled_log {
    category_group = "allLogs"
  }
}

resource "azurerm_search_service" "srch%[1]d" {
  name                = "srch%[1]d"
  location            = var.location
  resource_group_name = var.rg
  sku                 = "standard"
  replica_count       = var.replicas
}

resource "azurerm_storage_account" "st%[1]d" {
  name                            = "st%[1]d"
  location                        = var.location
  resource_group_name             = var.rg
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = %[3]v
}

`, g, g%3 == 0, g%4 == 0)
		}
		fsys[fmt.Sprintf("%s/r%04d.tf", dir, f)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

// TestAICorpora makes sure the corpora of the whole-process benchmark read without
// diagnostics into the number of resources asked for, with unknowns and failures.
func TestAICorpora(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{"arm": aiARMCorpus(200), "bicep": aiBicepCorpus(200), "terraform": aiTFCorpus(1000)} {
		want := 200
		if name == "terraform" {
			want = 1000
		}
		res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diagnostics {
			t.Errorf("%s: diagnostic %+v", name, d)
			break
		}
		if len(res.Resources) != want {
			t.Errorf("%s: %d resources, want %d", name, len(res.Resources), want)
		}
		if c := res.Count(); c.Fail == 0 || c.Unknown == 0 || c.Pass == 0 {
			t.Errorf("%s: counts %+v", name, c)
		}
	}
}
