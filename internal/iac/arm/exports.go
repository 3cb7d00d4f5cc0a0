package arm

import (
	"context"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Exports is what an ARM JSON template compiled from Bicep offers to a Bicep
// "import ... from 'file.json'": the variables, types and functions its Bicep source
// marked @export(). The compiler records them in the template's metadata:
// "__bicep_exported_variables!" lists the variables, and "__bicep_export!": true marks
// each exported type definition and function.
type Exports struct {
	// Variables holds the exported variables, evaluated, by name as written.
	Variables map[string]*iac.Value
	// Order lists the exported variable names as the template lists them.
	Order []string
	// Types and Functions name the exported types and user-defined functions.
	Types     map[string]bool
	Functions map[string]bool
}

// Exported markers in the metadata of templates compiled from Bicep.
const (
	exportedVariablesKey = "__bicep_exported_variables!"
	exportedKey          = "__bicep_export!"
)

// ReadExports reads the exports of a template. Exported variables must be compile-time
// constants in Bicep, so they evaluate without parameters; what still cannot be known
// stays Unknown. A template without the markers exports nothing.
func ReadExports(ctx context.Context, file string, data []byte) (Exports, []iac.Diagnostic) {
	ex := Exports{Variables: map[string]*iac.Value{}, Types: map[string]bool{}, Functions: map[string]bool{}}
	root, err := iac.DecodeJSON(file, data)
	if err != nil {
		return ex, []iac.Diagnostic{iac.DiagnosticFromError(file, err)}
	}
	x := &expander{ctx: ctx, file: file, sink: newSink()}
	if root.Kind != iac.Object {
		x.sink.errorf(root.Loc, "expected a template object, found %s", root.Kind)
		return ex, x.sink.diags
	}
	if defs := root.Field("definitions"); defs != nil && defs.Kind == iac.Object {
		for _, name := range defs.Keys {
			if defs.Fields[name].Get("metadata." + exportedKey).Truthy() {
				ex.Types[name] = true
			}
		}
	}
	if fns := root.Field("functions"); fns != nil && fns.Kind == iac.Array {
		for _, ns := range fns.Items {
			members := ns.Field("members")
			if members == nil || members.Kind != iac.Object {
				continue
			}
			for _, name := range members.Keys {
				if members.Fields[name].Get("metadata." + exportedKey).Truthy() {
					ex.Functions[name] = true
				}
			}
		}
	}
	list := root.Field("metadata").Field(exportedVariablesKey)
	if list == nil {
		return ex, x.sink.diags
	}
	if list.Kind != iac.Array {
		x.sink.errorf(list.Loc, "%s must be an array, found %s", exportedVariablesKey, list.Kind)
		return ex, x.sink.diags
	}
	ev := &evaluator{file: file, sink: x.sink, symbols: map[string]string{}, deployments: map[string]*iac.Value{}}
	ev.setFunctions(root.Field("functions"))
	ev.params = x.bindParams(ev, root, nil)
	ev.setVariables(root.Field("variables"))
	for _, entry := range list.Items {
		name, ok := plainString(entry.Field("name"))
		if !ok || name == "" {
			x.sink.errorf(entry.Loc, "an exported variable needs a \"name\"")
			continue
		}
		v, err := ev.variable(name, entry.Loc)
		if err != nil {
			x.sink.errorf(entry.Loc, "exported variable %s: %v", name, err)
			v = iac.NewUnknown("exported variable "+name+": "+err.Error(), entry.Loc)
		}
		if _, dup := ex.Variables[name]; !dup {
			ex.Order = append(ex.Order, name)
		}
		ex.Variables[name] = v
	}
	return ex, x.sink.diags
}

// Variable finds an exported variable by name, as ARM does: in any case.
func (ex Exports) Variable(name string) (*iac.Value, bool) {
	if v, ok := ex.Variables[name]; ok {
		return v, true
	}
	for k, v := range ex.Variables {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// Object gives the exported variables as one object, as "import * as ns" shows them.
func (ex Exports) Object(at awaf.Location) *iac.Value {
	o := iac.NewObject(at)
	for _, k := range ex.Order {
		o.Set(k, ex.Variables[k])
	}
	return o
}
