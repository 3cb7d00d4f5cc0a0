package terraform

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/awaf/awaf/internal/iac"
)

// corpus generates a Terraform root module with about n resources of an AI workload,
// spread over files of 100 resources, using variables, locals, for_each and references
// the way real configurations do. It returns the file system and the exact resource
// count.
func corpus(n int) (fstest.MapFS, int) {
	fsys := fstest.MapFS{}
	fsys["variables.tf"] = &fstest.MapFile{Data: []byte(`
variable "env" { default = "prod" }
variable "location" { default = "swedencentral" }
variable "deployments" {
  default = {
    chat  = { model = "gpt-4o", version = "2024-11-20" }
    embed = { model = "text-embedding-3-large", version = "1" }
  }
}
locals {
  tags = { env = var.env, workload = "bench" }
  rg   = "rg-bench-${var.env}"
}
`)}
	count := 0
	var b strings.Builder
	file := 0
	flush := func() {
		if b.Len() > 0 {
			fsys[fmt.Sprintf("res%03d.tf", file)] = &fstest.MapFile{Data: []byte(b.String())}
			file++
			b.Reset()
		}
	}
	for i := 0; count < n; i++ {
		// One group: account (1), deployments (2), private endpoint (1), search (1),
		// storage (1), key vault (1), diagnostic setting (1) = 8 resources.
		fmt.Fprintf(&b, `
resource "azurerm_cognitive_account" "oai%[1]d" {
  name                          = "oai-%[1]d-${var.env}"
  resource_group_name           = local.rg
  location                      = var.location
  kind                          = "OpenAI"
  sku_name                      = "S0"
  local_auth_enabled            = false
  public_network_access_enabled = false
  network_acls {
    default_action = "Deny"
  }
  identity {
    type = "SystemAssigned"
  }
  tags = local.tags
}

resource "azurerm_cognitive_deployment" "dep%[1]d" {
  for_each             = var.deployments
  name                 = each.key
  cognitive_account_id = azurerm_cognitive_account.oai%[1]d.id
  rai_policy_name      = "Microsoft.DefaultV2"
  model {
    format  = "OpenAI"
    name    = each.value.model
    version = each.value.version
  }
  sku {
    name     = "GlobalStandard"
    capacity = 10
  }
}

resource "azurerm_private_endpoint" "pe%[1]d" {
  name                = "pe-oai-%[1]d"
  resource_group_name = local.rg
  location            = var.location
  subnet_id           = "/subscriptions/0000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/pe"
  private_service_connection {
    name                           = "oai"
    private_connection_resource_id = azurerm_cognitive_account.oai%[1]d.id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
}

resource "azurerm_search_service" "srch%[1]d" {
  name                          = "srch-%[1]d"
  resource_group_name           = local.rg
  location                      = var.location
  sku                           = var.env == "prod" ? "standard" : "basic"
  replica_count                 = 3
  public_network_access_enabled = false
  local_authentication_enabled  = false
}

resource "azurerm_storage_account" "st%[1]d" {
  name                     = "stbench%[1]d"
  resource_group_name      = local.rg
  location                 = var.location
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }
}

resource "azurerm_key_vault" "kv%[1]d" {
  name                     = "kv-bench-%[1]d"
  resource_group_name      = local.rg
  location                 = var.location
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "standard"
  purge_protection_enabled = true
}

resource "azurerm_monitor_diagnostic_setting" "diag%[1]d" {
  name                       = "diag"
  target_resource_id         = azurerm_cognitive_account.oai%[1]d.id
  log_analytics_workspace_id = "/subscriptions/0000/resourceGroups/mon/providers/Microsoft.OperationalInsights/workspaces/law"
  enabled_log {
    category_group = "allLogs"
  }
}
`, i)
		count += 8
		if (i+1)%12 == 0 {
			flush()
		}
	}
	flush()
	return fsys, count
}

func TestCorpus(t *testing.T) {
	fsys, n := corpus(1000)
	res, diags := mustScanFS(t, fsys)
	if len(res) != n {
		t.Errorf("got %d resources, want %d", len(res), n)
	}
	for _, d := range diags {
		t.Errorf("unexpected %+v", d)
	}
}

func mustScanFS(t testing.TB, fsys fs.FS) ([]iac.Resource, []iac.Diagnostic) {
	res, diags, err := Scan(context.Background(), fsys, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	return res, diags
}

// BenchmarkScan measures the whole front end (parse, evaluate, map) on ~1,000
// resources. Run: go test -run '^$' -bench . -benchmem ./internal/iac/terraform/
func BenchmarkScan(b *testing.B) {
	fsys, n := corpus(1000)
	benchScan(b, fsys, n)
}

// benchScan scans fsys, which holds n resources, once per iteration.
func benchScan(b *testing.B, fsys fs.FS, n int) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		res, _, err := Scan(context.Background(), fsys, []string{"."})
		if err != nil || len(res) != n {
			b.Fatalf("got %d resources, err %v", len(res), err)
		}
	}
	reportRates(b, n, cpuTime()-cpu)
}

// BenchmarkParseOnly reads and parses the same files with hclsyntax and does nothing
// else: the floor BenchmarkScan is compared with.
func BenchmarkParseOnly(b *testing.B) {
	fsys, n := corpus(1000)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		entries, _ := fs.ReadDir(fsys, ".")
		for _, e := range entries {
			src, _ := fs.ReadFile(fsys, e.Name())
			if _, diags := hclsyntax.ParseConfig(src, e.Name(), hcl.InitialPos); diags.HasErrors() {
				b.Fatal(diags)
			}
		}
	}
	reportRates(b, n, cpuTime()-cpu)
}

// reportRates reports resources per wall-clock second and per CPU second; the
// second is steadier when other processes share the machine.
func reportRates(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	if cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "resources/cpu-s")
	}
}

// BenchmarkScanDir measures the front end on a corpus on disk, such as one
// TestWriteCorpus in internal/scan writes (its aitf directory); it is skipped unless
// AWAF_TF_BENCH_DIR names one.
//
//	AWAF_TF_BENCH_DIR=/tmp/corp/c10000/aitf go test -run '^$' -bench ScanDir ./internal/iac/terraform/
func BenchmarkScanDir(b *testing.B) {
	dir := os.Getenv("AWAF_TF_BENCH_DIR")
	if dir == "" {
		b.Skip("AWAF_TF_BENCH_DIR is not set")
	}
	fsys := os.DirFS(dir)
	res, _, err := Scan(context.Background(), fsys, []string{"."})
	if err != nil {
		b.Fatal(err)
	}
	benchScan(b, fsys, len(res))
}
