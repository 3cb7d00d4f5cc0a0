package terraform

import (
	"context"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/iac"
)

// TestPlanKeepsUnmappedTypes: a plan's resources of types the mapping table does not
// know are kept under their Terraform type, with one note per type.
func TestPlanKeepsUnmappedTypes(t *testing.T) {
	plan := `{"format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "azurerm_key_vault_secret.a", "mode": "managed", "type": "azurerm_key_vault_secret", "name": "a", "values": {"name": "a"}},
    {"address": "azurerm_key_vault_secret.b", "mode": "managed", "type": "azurerm_key_vault_secret", "name": "b", "values": {"name": "b"}},
    {"address": "azurerm_storage_share.s", "mode": "managed", "type": "azurerm_storage_share", "name": "s", "values": {"name": "share"}},
    {"address": "azurerm_key_vault.kv", "mode": "managed", "type": "azurerm_key_vault", "name": "kv", "values": {"name": "kv1"}}]}}
}`
	res, diags, err := ScanPlan(context.Background(), mapFS(map[string]string{"plan.json": plan}), "plan.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); got != "azurerm_key_vault_secret.a azurerm_key_vault_secret.b azurerm_storage_share.s azurerm_key_vault.kv" {
		t.Errorf("resources %s", got)
	}
	if r := byID(res, "azurerm_storage_share.s"); r == nil || r.Type != "azurerm_storage_share" || r.Name.String() != `"share"` {
		t.Errorf("unmapped resource = %+v", r)
	}
	var notes []string
	for _, d := range diags {
		if d.Severity != iac.DiagInfo || !strings.Contains(d.Message, "no rules read this type yet") {
			t.Errorf("unexpected diagnostic %+v", d)
		}
		notes = append(notes, d.Message)
	}
	if len(notes) != 2 {
		t.Errorf("want one note per unmapped type, got %q", notes)
	}
}
