package arm

import (
	"context"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

func TestReadExports(t *testing.T) {
	src := `{"metadata": {"__bicep_exported_variables!": [{"name": "Region"}, {"name": "cfg"}, {"name": "missing"}]},
	  "definitions": {"t": {"type": "string", "metadata": {"__bicep_export!": true}}, "u": {"type": "int"}},
	  "functions": [{"namespace": "__bicep", "members": {"f": {"output": {"type": "string", "value": "x"}, "metadata": {"__bicep_export!": true}},
	    "g": {"output": {"type": "string", "value": "y"}}}}],
	  "variables": {"region": "westeurope", "cfg": {"name": "[format('{0}-{1}', variables('region'), length(variables('zones')))]"}, "zones": [1, 2, 3]}}`
	ex, diags := ReadExports(context.Background(), "lib.json", []byte(src))
	if len(diags) != 1 || diags[0].Message != `exported variable missing: variable "missing" is not declared` || diags[0].Loc.Line != 1 {
		t.Errorf("diagnostics %+v", diags)
	}
	if v, ok := ex.Variable("region"); !ok || v.Str != "westeurope" {
		t.Errorf("region = %v", v)
	}
	if got := ex.Object(awaf.Location{}).String(); got != `{"Region":"westeurope","cfg":{"name":"westeurope-3"},"missing":{"$unknown":"exported variable missing: variable \"missing\" is not declared"}}` {
		t.Errorf("object = %s", got)
	}
	if !ex.Types["t"] || ex.Types["u"] || !ex.Functions["f"] || ex.Functions["g"] {
		t.Errorf("types %v functions %v", ex.Types, ex.Functions)
	}

	// A template that does not come from Bicep exports nothing.
	ex, diags = ReadExports(context.Background(), "plain.json", []byte(tmpl(`"variables": {"a": 1}, "resources": []`)))
	if len(diags) != 0 || len(ex.Variables)+len(ex.Types)+len(ex.Functions) != 0 {
		t.Errorf("plain template exports %+v, diagnostics %v", ex, diags)
	}
	_, diags = ReadExports(context.Background(), "bad.json", []byte(`[1, 2`))
	if len(diags) != 1 || diags[0].Loc.File != "bad.json" || !strings.Contains(string(diags[0].Severity), "error") {
		t.Errorf("broken file diagnostics %+v", diags)
	}
}
