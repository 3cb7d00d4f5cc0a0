package arm

import (
	"context"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// TestNullParameterTakesDefault: a parameter given as null falls back to its default,
// as ARM does; Bicep registry modules pass optional values through this way.
func TestNullParameterTakesDefault(t *testing.T) {
	tmpl := []byte(`{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"sku": {"type": "string", "defaultValue": "S1"}},
  "resources": [{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01",
    "name": "s", "location": "westeurope", "sku": {"name": "[parameters('sku')]"}}]
}`)
	for _, tt := range []struct {
		name  string
		given *iac.Value
		want  string
	}{
		{"null takes the default", iac.NewNull(awaf.Location{}), "S1"},
		{"a value wins", iac.NewString("basic", awaf.Location{}), "basic"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := Expand(context.Background(), "t.json", tmpl, map[string]*iac.Value{"sku": tt.given})
			if len(diags) > 0 || len(res) != 1 {
				t.Fatalf("%v %v", res, diags)
			}
			got, known, ok := res[0].SKU.Get("name").AsString()
			if !ok || !known || got != tt.want {
				t.Errorf("sku.name = %q (known %v ok %v), want %q", got, known, ok, tt.want)
			}
		})
	}
}
