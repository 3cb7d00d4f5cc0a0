package terraform

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/memtest"
)

// rootsCorpus generates n root modules under roots/, each with a few azurerm
// resources, variables, locals, a local child module of its own and a call to one
// module shared by every root. It returns the file system and the resource count.
func rootsCorpus(n int) (fstest.MapFS, int) {
	fsys := fstest.MapFS{}
	fsys["shared/kv/main.tf"] = &fstest.MapFile{Data: []byte(`
variable "name" {}
variable "rg" {}
resource "azurerm_key_vault" "kv" {
  name                     = var.name
  resource_group_name      = var.rg
  location                 = "swedencentral"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "standard"
  purge_protection_enabled = true
}
output "id" { value = azurerm_key_vault.kv.id }
`)}
	for i := range n {
		dir := fmt.Sprintf("roots/r%04d", i)
		fsys[dir+"/main.tf"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(`
variable "env" { default = "prod" }
variable "deployments" {
  default = {
    chat  = { model = "gpt-4o", version = "2024-11-20" }
    embed = { model = "text-embedding-3-large", version = "1" }
  }
}
locals {
  rg   = "rg-%[1]d-${var.env}"
  tags = { env = var.env, root = "%[1]d" }
}

resource "azurerm_cognitive_account" "oai" {
  name                          = "oai-%[1]d"
  resource_group_name           = local.rg
  location                      = "swedencentral"
  kind                          = "OpenAI"
  sku_name                      = "S0"
  local_auth_enabled            = false
  public_network_access_enabled = false
  network_acls {
    default_action = "Deny"
  }
  tags = local.tags
}

resource "azurerm_cognitive_deployment" "dep" {
  for_each             = var.deployments
  name                 = each.key
  cognitive_account_id = azurerm_cognitive_account.oai.id
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

resource "azurerm_search_service" "srch" {
  name                          = "srch-%[1]d"
  resource_group_name           = local.rg
  location                      = "swedencentral"
  sku                           = "standard"
  replica_count                 = 3
  public_network_access_enabled = false
}

module "store" {
  source = "./store"
  name   = "st%[1]d"
  rg     = local.rg
}

module "kv" {
  source = "../../shared/kv"
  name   = "kv-%[1]d"
  rg     = local.rg
}
`, i))}
		fsys[dir+"/store/main.tf"] = &fstest.MapFile{Data: []byte(`
variable "name" {}
variable "rg" {}
resource "azurerm_storage_account" "st" {
  name                     = var.name
  resource_group_name      = var.rg
  location                 = "swedencentral"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}
`)}
	}
	// Per root: account, two deployments, search, storage, key vault.
	return fsys, 6 * n
}

// TestScanMemory reports the heap a scan of many root modules needs when the sink
// keeps only a projection of each resource: the heap before the scan (the generated
// files), the peak while scanning and what stays live at the end. It runs once with
// the default hold of parsed modules and once holding none while roots are found. Run: AWAF_MEMTEST=1 go test -run TestScanMemory -v ./internal/iac/terraform/
func TestScanMemory(t *testing.T) {
	if os.Getenv("AWAF_MEMTEST") == "" {
		t.Skip("set AWAF_MEMTEST=1 to measure memory")
	}
	for _, tt := range []struct {
		n    int
		held int64 // source bytes of parsed modules held while roots are found
	}{{100, maxHeldBytes}, {1000, maxHeldBytes}, {1000, 0}} {
		n := tt.n
		t.Run(fmt.Sprintf("%d/held%d", n, tt.held), func(t *testing.T) {
			fsys, want := rootsCorpus(n)
			sink := iac.Sink(func(res []iac.Resource) []iac.Resource {
				out := make([]iac.Resource, len(res))
				for i, r := range res {
					r.Properties, r.Judgement = nil, iac.Judgement{Sink: 1}
					out[i] = r
				}
				return out
			})

			var res []iac.Resource
			var diags []iac.Diagnostic
			var err error
			start := time.Now()
			u := memtest.Measure(func() {
				s := newScanner(fsys)
				s.limit, s.held, s.sink = maxInstances, tt.held, sink
				res, diags, err = s.run(context.Background(), []string{"."})
			})
			elapsed := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != want || len(diags) != 0 {
				t.Fatalf("got %d resources and %d diagnostics, want %d and none (%v)", len(res), len(diags), want, diags)
			}
			mib := func(b uint64) float64 { return float64(b) / (1 << 20) }
			t.Logf("%d roots, %d resources, %d bytes of parsed modules held at first, in %v: peak %.1f MiB, held after GC %.1f MiB (above the heap before)",
				n, len(res), tt.held, elapsed.Round(time.Millisecond), mib(u.Peak), mib(u.Held))
			runtime.KeepAlive(res)
			runtime.KeepAlive(fsys)
		})
	}
}
