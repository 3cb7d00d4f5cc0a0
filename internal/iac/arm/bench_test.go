package arm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
)

// generateTemplate writes an AI workload template with n resources declared one by one
// (no copy loops), cycling through OpenAI accounts and model deployments, AI Search,
// storage, Key Vault, ML workspaces and private endpoints, each using parameters,
// variables and functions the way real templates do.
func generateTemplate(n int) []byte {
	var b strings.Builder
	b.WriteString(`{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "prefix": {"type": "string", "defaultValue": "bench"},
    "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
    "private": {"type": "bool", "defaultValue": true},
    "replicas": {"type": "int", "defaultValue": 3}
  },
  "variables": {
    "suffix": "[uniqueString(resourceGroup().id)]",
    "tags": {"workload": "bench", "owner": "[parameters('prefix')]"},
    "network": "[if(parameters('private'), 'Disabled', 'Enabled')]"
  },
  "resources": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		name := fmt.Sprintf(`"[format('{0}-%d-{1}', parameters('prefix'), variables('suffix'))]"`, i)
		switch i % 7 {
		case 0:
			fmt.Fprintf(&b, `
    {"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": %s, "location": "[parameters('location')]",
     "kind": "OpenAI", "sku": {"name": "S0"}, "identity": {"type": "SystemAssigned"}, "tags": "[variables('tags')]",
     "properties": {"publicNetworkAccess": "[variables('network')]", "disableLocalAuth": true, "customSubDomainName": %s,
       "networkAcls": {"defaultAction": "Deny", "ipRules": []}}}`, name, name)
		case 1:
			fmt.Fprintf(&b, `
    {"type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2024-10-01",
     "name": "[format('{0}-%d-{1}/gpt-4o', parameters('prefix'), variables('suffix'))]",
     "dependsOn": ["[resourceId('Microsoft.CognitiveServices/accounts', format('{0}-%d-{1}', parameters('prefix'), variables('suffix')))]"],
     "sku": {"name": "GlobalStandard", "capacity": "[mul(10, 5)]"},
     "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-08-06"}, "raiPolicyName": "Microsoft.DefaultV2"}}`, i-1, i-1)
		case 2:
			fmt.Fprintf(&b, `
    {"type": "Microsoft.Search/searchServices", "apiVersion": "2024-06-01-preview", "name": %s, "location": "[parameters('location')]",
     "sku": {"name": "standard"}, "identity": {"type": "SystemAssigned"},
     "properties": {"replicaCount": "[parameters('replicas')]", "partitionCount": 1, "publicNetworkAccess": "[toLower(variables('network'))]", "disableLocalAuth": true}}`, name)
		case 3:
			fmt.Fprintf(&b, `
    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01",
     "name": "[take(toLower(replace(concat(parameters('prefix'), '%d', variables('suffix')), '-', '')), 24)]", "location": "[parameters('location')]",
     "kind": "StorageV2", "sku": {"name": "Standard_ZRS"},
     "properties": {"minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": true, "allowBlobPublicAccess": false, "allowSharedKeyAccess": false,
       "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"}}}`, i)
		case 4:
			fmt.Fprintf(&b, `
    {"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01", "name": "[format('kv%d{0}', take(variables('suffix'), 8))]", "location": "[parameters('location')]",
     "properties": {"tenantId": "[subscription().tenantId]", "sku": {"family": "A", "name": "standard"}, "enableSoftDelete": true,
       "enablePurgeProtection": true, "enableRbacAuthorization": true, "networkAcls": {"defaultAction": "Deny"}}}`, i)
		case 5:
			fmt.Fprintf(&b, `
    {"type": "Microsoft.MachineLearningServices/workspaces", "apiVersion": "2024-10-01", "name": %s, "location": "[parameters('location')]",
     "kind": "Hub", "identity": {"type": "SystemAssigned"},
     "properties": {"publicNetworkAccess": "[variables('network')]", "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"}}}`, name)
		case 6:
			fmt.Fprintf(&b, `
    {"condition": "[parameters('private')]", "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-01-01", "name": "[format('pe-%d-{0}', variables('suffix'))]",
     "location": "[parameters('location')]",
     "properties": {"subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'pe')]"},
       "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "[resourceId('Microsoft.CognitiveServices/accounts', format('{0}-%d-{1}', parameters('prefix'), variables('suffix')))]", "groupIds": ["account"]}}]}}`, i, i-6)
		}
	}
	b.WriteString("\n  ]\n}\n")
	return []byte(b.String())
}

func TestGeneratedTemplate(t *testing.T) {
	res, diags := Expand(context.Background(), "gen.json", generateTemplate(1000), nil)
	if len(res) != 1000 || len(diags) != 0 {
		t.Fatalf("got %d resources, diagnostics %v", len(res), diags)
	}
	for _, r := range res {
		if r.Name.HasUnknown() || r.Properties == nil {
			t.Fatalf("resource %s %s not fully evaluated", r.Type, r.Name)
		}
	}
}

// BenchmarkExpand measures decode + evaluation of a 1,000-resource template:
//
//	go test -run XXX -bench Expand -benchmem ./internal/iac/arm/
func BenchmarkExpand(b *testing.B) {
	const n = 1000
	data := generateTemplate(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, _ := Expand(context.Background(), "gen.json", data, nil)
		if len(res) != n {
			b.Fatalf("got %d resources", len(res))
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "resources/s")
}

// BenchmarkDecode is the floor: decoding the same file into located values only.
func BenchmarkDecode(b *testing.B) {
	data := generateTemplate(1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := iacDecode(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "resources/s")
}

func iacDecode(data []byte) (any, error) { return iac.DecodeJSON("gen.json", data) }

// BenchmarkStdlibDecode is encoding/json into interface values, for comparison with
// BenchmarkDecode (which also records line and column for every value).
func BenchmarkStdlibDecode(b *testing.B) {
	data := generateTemplate(1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "resources/s")
}

// BenchmarkScan reads 10 templates of 100 resources each through Scan, which expands
// files in parallel:
//
//	go test -run XXX -bench Scan -benchmem ./internal/iac/arm/
func BenchmarkScan(b *testing.B) {
	fsys := fstest.MapFS{}
	for i := 0; i < 10; i++ {
		fsys[fmt.Sprintf("t%02d/azuredeploy.json", i)] = &fstest.MapFile{Data: generateTemplate(100)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, diags, err := Scan(context.Background(), fsys, []string{"."})
		if err != nil || len(res) != 1000 || len(diags) != 0 {
			b.Fatalf("got %d resources, %v, %v", len(res), diags, err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "resources/s")
}
