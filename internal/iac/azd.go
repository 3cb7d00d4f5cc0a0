package iac

import (
	"fmt"
	"regexp"
)

// envVar matches the "${NAME}" and "${NAME=default}" placeholders that the Azure
// Developer CLI (azd) fills in parameter files from its environment.
var envVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(=[^}]*)?\}`)

// EnvPlaceholders replaces strings holding azd placeholders with Unknowns: their value
// comes from the environment of whoever deploys.
func EnvPlaceholders(v *Value) *Value {
	switch v.Kind {
	case String:
		m := envVar.FindStringSubmatch(v.Str)
		if m == nil {
			return v
		}
		why := fmt.Sprintf("set from environment variable %s when deployed", m[1])
		if m[2] != "" {
			why += fmt.Sprintf(" (default %q)", m[2][1:])
		}
		return NewUnknown(why, v.Loc)
	case Array:
		out := NewArray(v.Loc)
		for _, it := range v.Items {
			out.Items = append(out.Items, EnvPlaceholders(it))
		}
		return out
	case Object:
		out := NewObject(v.Loc)
		for _, k := range v.Keys {
			out.Set(k, EnvPlaceholders(v.Fields[k]))
		}
		return out
	}
	return v
}
