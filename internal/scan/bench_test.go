package scan

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// Corpus generator: N resources of an AI workload (accounts, deployments, search,
// storage, vaults, private endpoints, diagnostic settings, ML workspaces, computes,
// Cosmos DB) spread over files of 50 resources, in ARM JSON, Bicep or Terraform.
// Every tenth resource of a kind gets the insecure variant so that rules fail too.

const perFile = 50

func armResource(i int) string {
	bad := i%10 == 0
	pna := "Disabled"
	if bad {
		pna = "Enabled"
	}
	acct := fmt.Sprintf("oai%d", i-i%10)
	switch i % 10 {
	case 0, 1:
		return fmt.Sprintf(`{"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[format('oai{0}', %d)]", "location": "[parameters('location')]", "kind": "OpenAI", "sku": {"name": "S0"}, "identity": {"type": "SystemAssigned"}, "tags": {"owner": "bench"}, "properties": {"customSubDomainName": "oai%d", "disableLocalAuth": %v, "publicNetworkAccess": "%s"}}`, i, i, !bad, pna)
	case 2:
		return fmt.Sprintf(`{"type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2024-10-01", "name": "%s/chat%d", "sku": {"name": "GlobalStandard", "capacity": 10}, "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}, "raiPolicyName": "Microsoft.DefaultV2"}}`, acct, i)
	case 3:
		return fmt.Sprintf(`{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "srch%d", "location": "[parameters('location')]", "sku": {"name": "standard"}, "properties": {"replicaCount": %d, "publicNetworkAccess": "disabled", "disableLocalAuth": true}}`, i, 1+i%3)
	case 4:
		return fmt.Sprintf(`{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "st%d", "location": "[parameters('location')]", "kind": "StorageV2", "sku": {"name": "Standard_ZRS"}, "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": false, "publicNetworkAccess": "Disabled"}}`, i)
	case 5:
		return fmt.Sprintf(`{"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01", "name": "kv%d", "location": "[parameters('location')]", "properties": {"tenantId": "[subscription().tenantId]", "sku": {"family": "A", "name": "standard"}, "enableRbacAuthorization": true, "enablePurgeProtection": true}}`, i)
	case 6:
		return fmt.Sprintf(`{"type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pe%d", "location": "[parameters('location')]", "properties": {"subnet": {"id": "[parameters('subnetId')]"}, "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "[resourceId('Microsoft.CognitiveServices/accounts', '%s')]", "groupIds": ["account"]}}]}}`, i, acct)
	case 7:
		return fmt.Sprintf(`{"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "diag%d", "scope": "[format('Microsoft.CognitiveServices/accounts/{0}', '%s')]", "properties": {"workspaceId": "[parameters('lawId')]", "logs": [{"categoryGroup": "allLogs", "enabled": true}]}}`, i, acct)
	case 8:
		return fmt.Sprintf(`{"type": "Microsoft.MachineLearningServices/workspaces", "apiVersion": "2024-04-01", "name": "hub%d", "location": "[parameters('location')]", "kind": "Hub", "identity": {"type": "SystemAssigned"}, "properties": {"publicNetworkAccess": "Disabled", "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"}}}`, i)
	default:
		return fmt.Sprintf(`{"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "cosmos%d", "location": "[parameters('location')]", "properties": {"databaseAccountOfferType": "Standard", "disableLocalAuth": true, "publicNetworkAccess": "Disabled", "locations": [{"locationName": "[parameters('location')]"}]}}`, i)
	}
}

func armCorpus(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for f := 0; f*perFile < n; f++ {
		var b strings.Builder
		b.WriteString(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": {"location": {"type": "string", "defaultValue": "swedencentral"}, "subnetId": {"type": "string", "defaultValue": "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/pe"}, "lawId": {"type": "string", "defaultValue": "/subscriptions/s/resourceGroups/m/providers/Microsoft.OperationalInsights/workspaces/law"}},
  "resources": [
`)
		for i := f * perFile; i < min(n, (f+1)*perFile); i++ {
			if i > f*perFile {
				b.WriteString(",\n")
			}
			b.WriteString("    " + armResource(i))
		}
		b.WriteString("\n  ]\n}\n")
		fsys[fmt.Sprintf("arm/t%04d/azuredeploy.json", f)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

func tfResource(i int) string {
	bad := i%10 == 0
	acct := fmt.Sprintf("oai%d", i-i%10)
	switch i % 10 {
	case 0, 1:
		return fmt.Sprintf(`resource "azurerm_cognitive_account" "oai%d" {
  name                          = "oai%d"
  location                      = var.location
  resource_group_name           = var.rg
  kind                          = "OpenAI"
  sku_name                      = "S0"
  custom_subdomain_name         = "oai%d"
  local_auth_enabled            = %v
  public_network_access_enabled = %v
  tags                          = { owner = "bench" }
  identity {
    type = "SystemAssigned"
  }
}
`, i, i, i, bad, bad)
	case 2:
		return fmt.Sprintf(`resource "azurerm_cognitive_deployment" "chat%d" {
  name                 = "chat%d"
  cognitive_account_id = azurerm_cognitive_account.%s.id
  rai_policy_name      = "Microsoft.DefaultV2"
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
`, i, i, acct)
	case 3:
		return fmt.Sprintf(`resource "azurerm_search_service" "srch%d" {
  name                          = "srch%d"
  location                      = var.location
  resource_group_name           = var.rg
  sku                           = "standard"
  replica_count                 = %d
  public_network_access_enabled = false
  local_authentication_enabled  = false
}
`, i, i, 1+i%3)
	case 4:
		return fmt.Sprintf(`resource "azurerm_storage_account" "st%d" {
  name                            = "st%d"
  location                        = var.location
  resource_group_name             = var.rg
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false
}
`, i, i)
	case 5:
		return fmt.Sprintf(`resource "azurerm_key_vault" "kv%d" {
  name                      = "kv%d"
  location                  = var.location
  resource_group_name       = var.rg
  tenant_id                 = "00000000-0000-0000-0000-000000000000"
  sku_name                  = "standard"
  enable_rbac_authorization = true
  purge_protection_enabled  = true
}
`, i, i)
	case 6:
		return fmt.Sprintf(`resource "azurerm_private_endpoint" "pe%d" {
  name                = "pe%d"
  location            = var.location
  resource_group_name = var.rg
  subnet_id           = var.subnet_id
  private_service_connection {
    name                           = "c"
    private_connection_resource_id = azurerm_cognitive_account.%s.id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
}
`, i, i, acct)
	case 7:
		return fmt.Sprintf(`resource "azurerm_monitor_diagnostic_setting" "diag%d" {
  name                       = "diag%d"
  target_resource_id         = azurerm_cognitive_account.%s.id
  log_analytics_workspace_id = var.law_id
  enabled_log {
    category_group = "allLogs"
  }
}
`, i, i, acct)
	case 8:
		return fmt.Sprintf(`resource "azurerm_machine_learning_workspace" "hub%d" {
  name                          = "hub%d"
  location                      = var.location
  resource_group_name           = var.rg
  kind                          = "Hub"
  application_insights_id       = var.appi_id
  key_vault_id                  = var.kv_id
  storage_account_id            = var.st_id
  public_network_access_enabled = false
  identity {
    type = "SystemAssigned"
  }
  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }
}
`, i, i)
	default:
		return fmt.Sprintf(`resource "azurerm_cosmosdb_account" "cosmos%d" {
  name                          = "cosmos%d"
  location                      = var.location
  resource_group_name           = var.rg
  offer_type                    = "Standard"
  local_authentication_disabled = true
  public_network_access_enabled = false
  consistency_policy {
    consistency_level = "Session"
  }
  geo_location {
    location          = var.location
    failover_priority = 0
  }
}
`, i, i)
	}
}

const tfVars = `variable "location" {
  default = "swedencentral"
}
variable "rg" {
  default = "rg-bench"
}
variable "subnet_id" {
  default = "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/pe"
}
variable "law_id" {
  default = "/subscriptions/s/resourceGroups/m/providers/Microsoft.OperationalInsights/workspaces/law"
}
variable "appi_id" {
  default = "/subscriptions/s/resourceGroups/m/providers/Microsoft.Insights/components/appi"
}
variable "kv_id" {
  default = "/subscriptions/s/resourceGroups/m/providers/Microsoft.KeyVault/vaults/kv"
}
variable "st_id" {
  default = "/subscriptions/s/resourceGroups/m/providers/Microsoft.Storage/storageAccounts/st"
}
`

// tfCorpus puts each group of 500 resources in its own root module (directory), so
// that references stay within a module as they would in real configurations.
func tfCorpus(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for f := 0; f*perFile < n; f++ {
		dir := fmt.Sprintf("tf/m%03d", f/10)
		if f%10 == 0 {
			fsys[dir+"/variables.tf"] = &fstest.MapFile{Data: []byte(tfVars)}
		}
		var b strings.Builder
		// Accounts referenced from this file are declared in it: start at a multiple of 10.
		for i := f * perFile; i < min(n, (f+1)*perFile); i++ {
			b.WriteString(tfResource(i))
			b.WriteString("\n")
		}
		fsys[fmt.Sprintf("%s/r%04d.tf", dir, f)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

func bicepCorpus(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for f := 0; f*perFile < n; f++ {
		var b strings.Builder
		b.WriteString("param location string = 'swedencentral'\n\n")
		for i := f * perFile; i < min(n, (f+1)*perFile); i++ {
			bad := i%10 == 0
			pna := "Disabled"
			if bad {
				pna = "Enabled"
			}
			switch i % 5 {
			case 0, 1:
				fmt.Fprintf(&b, "resource oai%d 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'oai%d'\n  location: location\n  kind: 'OpenAI'\n  sku: {\n    name: 'S0'\n  }\n  identity: {\n    type: 'SystemAssigned'\n  }\n  properties: {\n    customSubDomainName: 'oai%d'\n    disableLocalAuth: %v\n    publicNetworkAccess: '%s'\n  }\n}\n\n", i, i, i, !bad, pna)
			case 2:
				fmt.Fprintf(&b, "resource chat%d 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {\n  parent: oai%d\n  name: 'chat'\n  sku: {\n    name: 'GlobalStandard'\n    capacity: 10\n  }\n  properties: {\n    model: {\n      format: 'OpenAI'\n      name: 'gpt-4o'\n      version: '2024-11-20'\n    }\n    raiPolicyName: 'Microsoft.DefaultV2'\n  }\n}\n\n", i, i-1)
			case 3:
				fmt.Fprintf(&b, "resource srch%d 'Microsoft.Search/searchServices@2023-11-01' = {\n  name: 'srch%d'\n  location: location\n  sku: {\n    name: 'standard'\n  }\n  properties: {\n    replicaCount: %d\n    publicNetworkAccess: 'disabled'\n  }\n}\n\n", i, i, 1+i%3)
			default:
				fmt.Fprintf(&b, "resource pe%d 'Microsoft.Network/privateEndpoints@2024-05-01' = {\n  name: 'pe%d'\n  location: location\n  properties: {\n    subnet: {\n      id: '/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/pe'\n    }\n    privateLinkServiceConnections: [\n      {\n        name: 'c'\n        properties: {\n          privateLinkServiceId: oai%d.id\n          groupIds: [\n            'account'\n          ]\n        }\n      }\n    ]\n  }\n}\n\n", i, i, i-4)
			}
		}
		fsys[fmt.Sprintf("bicep/f%04d.bicep", f)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

// TestCorpora makes sure the generated corpora read without diagnostics and produce
// the number of resources asked for, so that the benchmarks measure real work.
func TestCorpora(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{"arm": armCorpus(200), "terraform": tfCorpus(200), "bicep": bicepCorpus(200)} {
		res, err := Run(context.Background(), fsys, nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Diagnostics) > 0 {
			t.Errorf("%s: %d diagnostics, first %+v", name, len(res.Diagnostics), res.Diagnostics[0])
		}
		if len(res.Resources) != 200 {
			t.Errorf("%s: %d resources, want 200", name, len(res.Resources))
		}
		c := res.Count()
		if c.Fail == 0 || c.Pass == 0 {
			t.Errorf("%s: counts %+v", name, c)
		}
	}
}

func benchScan(b *testing.B, fsys fstest.MapFS, n int, parseOnly bool) {
	cat := catalog(b)
	fe := realFrontends()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range b.N {
		if parseOnly {
			var paths []string
			for p := range fsys {
				paths = append(paths, p)
			}
			var err error
			switch {
			case strings.HasPrefix(paths[0], "arm/"):
				_, _, err = fe.Scanner(FormatARM).Scan(ctx, fsys, []string{"arm"}, nil)
			case strings.HasPrefix(paths[0], "tf/"):
				_, _, err = fe.Scanner(FormatTerraform).Scan(ctx, fsys, []string{"tf"}, nil)
			default:
				_, _, err = fe.Scanner(FormatBicep).Scan(ctx, fsys, []string{"bicep"}, nil)
			}
			if err != nil {
				b.Fatal(err)
			}
			continue
		}
		res, err := Run(ctx, fsys, nil, Options{Frontends: fe, Catalog: cat})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Resources) != n {
			b.Fatalf("%d resources, want %d", len(res.Resources), n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/time.Since(start).Seconds(), "resources/s")
	b.ReportMetric(float64(n)*float64(b.N)/cpuSince(cpu0), "resources/cpu-s")
}

// cpuTime is the process's user+system CPU time. The machine is shared, so wall-clock
// throughput depends on what else runs; CPU time does not.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func cpuSince(t0 float64) float64 { return max(cpuTime()-t0, 1e-9) }

func BenchmarkScanARM1k(b *testing.B)        { benchScan(b, armCorpus(1000), 1000, false) }
func BenchmarkScanARM10k(b *testing.B)       { benchScan(b, armCorpus(10000), 10000, false) }
func BenchmarkParseARM10k(b *testing.B)      { benchScan(b, armCorpus(10000), 10000, true) }
func BenchmarkScanTerraform1k(b *testing.B)  { benchScan(b, tfCorpus(1000), 1000, false) }
func BenchmarkScanTerraform10k(b *testing.B) { benchScan(b, tfCorpus(10000), 10000, false) }
func BenchmarkParseTerraform10k(b *testing.B) {
	benchScan(b, tfCorpus(10000), 10000, true)
}
func BenchmarkScanBicep1k(b *testing.B)   { benchScan(b, bicepCorpus(1000), 1000, false) }
func BenchmarkScanBicep10k(b *testing.B)  { benchScan(b, bicepCorpus(10000), 10000, false) }
func BenchmarkParseBicep10k(b *testing.B) { benchScan(b, bicepCorpus(10000), 10000, true) }

// benchRatio alternates a bare parse and a full scan of the same corpus in one loop
// and reports scan time over parse time, on the wall clock and in CPU time. The
// alternation makes both sides see the same machine: on a shared machine a figure
// from two separate benchmarks moves by a third between runs.
func benchRatio(b *testing.B, fsys fstest.MapFS, n int, parse iac.Scanner, dir string) {
	cat := catalog(b)
	fe := realFrontends()
	ctx := context.Background()
	var parseWall, scanWall time.Duration
	var parseCPU, scanCPU float64
	b.ResetTimer()
	for range b.N {
		// Each side starts from a collected heap, so neither pays for the other's
		// garbage.
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		res, _, err := parse.Scan(ctx, fsys, []string{dir}, nil)
		if err != nil || len(res) != n {
			b.Fatalf("parse: %d resources, %v", len(res), err)
		}
		parseWall += time.Since(t0)
		parseCPU += cpuTime() - c0
		res = nil
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		t1, c1 := time.Now(), cpuTime()
		out, err := Run(ctx, fsys, nil, Options{Frontends: fe, Catalog: cat})
		if err != nil || len(out.Resources) != n {
			b.Fatalf("scan: %v", err)
		}
		scanWall += time.Since(t1)
		scanCPU += cpuTime() - c1
	}
	b.ReportMetric(float64(scanWall)/float64(parseWall), "scan/parse-wall")
	b.ReportMetric(scanCPU/max(parseCPU, 1e-9), "scan/parse-cpu")
	b.ReportMetric(float64(n)*float64(b.N)/scanWall.Seconds(), "scan-resources/s")
}

func BenchmarkRatioARM10k(b *testing.B) {
	benchRatio(b, armCorpus(10000), 10000, realFrontends().Scanner(FormatARM), "arm")
}

func BenchmarkRatioBicep10k(b *testing.B) {
	benchRatio(b, bicepCorpus(10000), 10000, realFrontends().Scanner(FormatBicep), "bicep")
}

func BenchmarkRatioTerraform10k(b *testing.B) {
	benchRatio(b, tfCorpus(10000), 10000, realFrontends().Scanner(FormatTerraform), "tf")
}

// BenchmarkRulesOnly10k evaluates the catalog on 10,000 resources already read, to
// separate rule evaluation from parsing.
func BenchmarkRulesOnly10k(b *testing.B) {
	cat := catalog(b)
	res, _, err := realFrontends().Scanner(FormatARM).Scan(context.Background(), armCorpus(10000), []string{"arm"}, nil)
	if err != nil || len(res) != 10000 {
		b.Fatalf("%d resources, %v", len(res), err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range b.N {
		if _, err := cat.Evaluate(context.Background(), res, rules.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(10000*float64(b.N)/time.Since(start).Seconds(), "resources/s")
	b.ReportMetric(10000*float64(b.N)/cpuSince(cpu0), "resources/cpu-s")
}

// TestWriteCorpus writes the generated corpora to disk for timing the binary:
//
//	AWAF_CORPUS_DIR=/tmp/corpus AWAF_CORPUS_N=10000 go test ./internal/scan -run TestWriteCorpus
//	awaf scan /tmp/corpus/arm --format json -o /dev/null --fail-on none
//
// With AWAF_CORPUS_SET=ai it writes the corpora of linear_test.go instead.
func TestWriteCorpus(t *testing.T) {
	dir := os.Getenv("AWAF_CORPUS_DIR")
	if dir == "" {
		t.Skip("AWAF_CORPUS_DIR not set")
	}
	n, err := strconv.Atoi(os.Getenv("AWAF_CORPUS_N"))
	if err != nil || n <= 0 {
		n = 1000
	}
	sets := []fstest.MapFS{armCorpus(n), tfCorpus(n), bicepCorpus(n)}
	if os.Getenv("AWAF_CORPUS_SET") == "ai" {
		// The whole-process benchmark's corpora (scripts/bench.sh): ai/, aibicep/, aitf/.
		sets = []fstest.MapFS{aiARMCorpus(n), aiBicepCorpus(n), aiTFCorpus(n)}
	}
	if os.Getenv("AWAF_CORPUS_SET") == "ai-single" {
		sets = []fstest.MapFS{aiARMFiles(n, n)} // one ARM file of n resources: ai/t0000
	}
	for _, fsys := range sets {
		for name, f := range fsys {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// BenchmarkWriteJSON10k renders the JSON report of a 10,000-resource scan.
func BenchmarkWriteJSON10k(b *testing.B) {
	res, err := Run(context.Background(), armCorpus(10000), nil, Options{Frontends: realFrontends(), Catalog: catalog(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := Write(io.Discard, res, JSON, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteReports renders each report of a scan of the whole-process corpus
// (AI accounts from copy loops, unresolved values; 10,000 ARM resources, 79,400
// findings), for the cost of the output alone.
func BenchmarkWriteReports(b *testing.B) {
	res, err := Run(context.Background(), aiARMCorpus(10000), nil, Options{Frontends: realFrontends(), Catalog: catalog(b)})
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{JSON, SARIF, Text} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if err := Write(io.Discard, res, format, WriteOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(res.Findings.Len()), "ns/finding")
		})
	}
}
