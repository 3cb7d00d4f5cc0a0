package arm

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// TestAzdTemplatesRead: two patterns of the templates azd repositories commit
// (get-started-with-ai-agents infra/main.json) that were read as errors: parameter
// files holding "${VAR=default}" placeholders, and a nested deployment parameter
// written as one expression that gives the whole {"value": ...} object.
func TestAzdTemplatesRead(t *testing.T) {
	nested := `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
	  "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
	    "parameters": {"n": "[if(parameters('use'), createObject('value', 'kv-a'), createObject('value', 'kv-b'))]"},
	    "template": {` + schema + `, "parameters": {"n": {"type": "string"}},
	      "resources": [{"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01", "name": "[parameters('n')]"}]}}}`
	fsys := fstest.MapFS{
		"infra/main.json": {Data: []byte(tmpl(`"parameters": {"use": {"type": "bool", "defaultValue": false}, "fixed": {"type": "bool"}},
		  "resources": [` + nested + `, {"condition": "[parameters('use')]", "type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "s"}]`))},
		"infra/main.parameters.json": {Data: []byte("{" + paramSchema + `, "parameters": {"use": {"value": "${USE_SEARCH=false}"}, "fixed": {"value": true}}}`)},
	}
	res, diags, err := Scan(context.Background(), fsys, []string{"infra"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diags {
		t.Errorf("diagnostic %s %s:%d: %s", d.Severity, d.Loc.File, d.Loc.Line, d.Message)
	}
	if len(res) != 2 {
		t.Fatalf("got %d resources, want the vault and the search service", len(res))
	}
	for _, r := range res {
		switch r.Type {
		case "Microsoft.KeyVault/vaults":
			// Which name depends on the azd variable: unknown, never guessed.
			if !r.Name.IsUnknown() || !strings.Contains(r.Name.Why, "USE_SEARCH") {
				t.Errorf("vault name = %s (%s), want unknown from USE_SEARCH", r.Name, r.Name.Why)
			}
		case "Microsoft.Search/searchServices":
			if !r.Condition.IsUnknown() || !strings.Contains(r.Condition.Why, "USE_SEARCH") {
				t.Errorf("search condition = %v, want unknown from USE_SEARCH", r.Condition)
			}
		}
	}
}
