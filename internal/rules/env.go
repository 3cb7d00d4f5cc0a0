package rules

import (
	"fmt"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/ext"

	"github.com/awaf/awaf/internal/iac"
)

// costLimit bounds the work of one condition on one resource, so a user's rule cannot
// stall a scan.
const costLimit = 100_000

// newEnv builds the CEL environment every condition compiles in. Variables:
//
//	resource  the resource in ARM shape (type, name, kind, location, sku, identity,
//	          tags, properties, zones, scope, parent, id, source)
//	related   resources linked to it: privateEndpoints, diagnosticSettings,
//	          metricAlerts, parent, children, keyVault
//	workload  every resource of the scan: resources (type, name, kind, location, sku)
//	profile   the workload profile when an answers file gave one: criticality,
//	          sensitivity, exposure, kinds, components ("" or [] when not known)
//
// ARM property names and enum values are case-insensitive, so conditions read
// properties with get() and compare with ieq()/iin() rather than == on raw fields.
func newEnv() (*cel.Env, error) {
	dynMap := cel.MapType(cel.StringType, cel.DynType)
	return cel.NewEnv(
		ext.Strings(),
		cel.Variable("resource", dynMap),
		cel.Variable("related", dynMap),
		cel.Variable("workload", dynMap),
		cel.Variable("profile", dynMap),
		cel.Function("get",
			cel.Overload("get_dyn_string_dyn", []*cel.Type{cel.DynType, cel.StringType, cel.DynType}, cel.DynType,
				cel.FunctionBinding(func(args ...ref.Val) ref.Val {
					return getPath(args[0], string(args[1].(types.String)), args[2])
				}))),
		cel.Function("ieq",
			cel.Overload("ieq_dyn_string", []*cel.Type{cel.DynType, cel.StringType}, cel.BoolType,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					s, ok := a.(types.String)
					return types.Bool(ok && strings.EqualFold(string(s), string(b.(types.String))))
				}))),
		cel.Function("iin",
			cel.Overload("iin_dyn_list", []*cel.Type{cel.DynType, cel.ListType(cel.StringType)}, cel.BoolType,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					s, ok := a.(types.String)
					if !ok {
						return types.False
					}
					it := b.(traits.Lister).Iterator()
					for it.HasNext() == types.True {
						if e, ok := it.Next().(types.String); ok && strings.EqualFold(string(s), string(e)) {
							return types.True
						}
					}
					return types.False
				}))),
		cel.Function("iprefix",
			cel.Overload("iprefix_dyn_string", []*cel.Type{cel.DynType, cel.StringType}, cel.BoolType,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					s, ok := a.(types.String)
					return types.Bool(ok && strings.HasPrefix(strings.ToLower(string(s)), strings.ToLower(string(b.(types.String)))))
				}))),
		cel.Function("icontains",
			cel.Overload("icontains_dyn_string", []*cel.Type{cel.DynType, cel.StringType}, cel.BoolType,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					s, ok := a.(types.String)
					return types.Bool(ok && strings.Contains(strings.ToLower(string(s)), strings.ToLower(string(b.(types.String)))))
				}))),
		cel.Function("truthy",
			cel.Overload("truthy_dyn", []*cel.Type{cel.DynType}, cel.BoolType,
				cel.UnaryBinding(func(a ref.Val) ref.Val {
					switch v := a.(type) {
					case types.Bool:
						return v
					case types.String:
						return types.Bool(strings.EqualFold(string(v), "true"))
					}
					return types.False
				}))),
		cel.Function("num",
			cel.Overload("num_dyn", []*cel.Type{cel.DynType}, cel.DoubleType,
				cel.UnaryBinding(func(a ref.Val) ref.Val {
					switch v := a.(type) {
					case types.Int:
						return types.Double(v)
					case types.Uint:
						return types.Double(v)
					case types.Double:
						return v
					case types.String:
						f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
						if err == nil {
							return types.Double(f)
						}
					}
					return types.NewErr("num: %v is not a number", a)
				}))),
		cel.Function("distinct",
			cel.Overload("distinct_list", []*cel.Type{cel.ListType(cel.DynType)}, cel.ListType(cel.DynType),
				cel.UnaryBinding(distinct))),
	)
}

// getPath follows a dotted path ("properties.networkAcls.defaultAction", "a.b[0].c")
// through maps and lists, matching map keys case-insensitively as ARM does. A missing
// step or a null gives dflt. An unknown on the way is returned as it is, so the
// condition's outcome becomes unknown rather than a guess.
func getPath(root ref.Val, path string, dflt ref.Val) ref.Val {
	cur := root
	for path != "" {
		if types.IsUnknownOrError(cur) {
			return cur
		}
		// A view over a resource value walks the rest of the path in place.
		var v *iac.Value
		var reg *registry
		switch x := cur.(type) {
		case *objectView:
			v, reg = x.v, x.reg
		case *arrayView:
			v, reg = x.v, x.reg
		}
		if v != nil {
			v = v.Get(path)
			if v == nil || v.Kind == iac.Null {
				return dflt
			}
			return reg.val(v)
		}
		if path[0] == '[' {
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return types.NewErr("get: bad path %q", path)
			}
			n, err := strconv.Atoi(path[1:end])
			if err != nil {
				return types.NewErr("get: bad index in %q", path)
			}
			path = strings.TrimPrefix(path[end+1:], ".")
			l, ok := cur.(traits.Lister)
			if !ok {
				return dflt
			}
			if size := int(l.Size().(types.Int)); n < 0 || n >= size {
				return dflt
			}
			cur = l.Get(types.Int(n))
			continue
		}
		var seg string
		if cut := strings.IndexAny(path, ".["); cut < 0 {
			seg, path = path, ""
		} else {
			seg = path[:cut]
			if path[cut] == '.' {
				path = path[cut+1:]
			} else {
				path = path[cut:]
			}
		}
		next, ok := field(cur, seg)
		if !ok {
			return dflt
		}
		cur = next
	}
	if cur == nil || cur == types.NullValue {
		return dflt
	}
	return cur
}

// field looks a key up in a CEL map, exactly first and then case-insensitively.
func field(v ref.Val, key string) (ref.Val, bool) {
	if nm, ok := v.Value().(map[string]any); ok {
		x, found := nm[key]
		if !found {
			for k, val := range nm {
				if strings.EqualFold(k, key) {
					x, found = val, true
					break
				}
			}
		}
		if !found || x == nil {
			return nil, false
		}
		return types.DefaultTypeAdapter.NativeToValue(x), true
	}
	m, ok := v.(traits.Mapper)
	if !ok {
		return nil, false
	}
	if x, found := m.Find(types.String(key)); found {
		return x, true
	}
	it := m.Iterator()
	for it.HasNext() == types.True {
		k := it.Next()
		if s, ok := k.(types.String); ok && strings.EqualFold(string(s), key) {
			return m.Get(k), true
		}
	}
	return nil, false
}

// distinct keeps the first of each value, strings compared case-insensitively. Any
// unknown element makes the result unknown, since it may or may not repeat another.
func distinct(a ref.Val) ref.Val {
	l, ok := a.(traits.Lister)
	if !ok {
		return types.NewErr("distinct: want a list, got %s", a.Type())
	}
	seen := map[string]bool{}
	var out []ref.Val
	var unk *types.Unknown
	it := l.Iterator()
	for it.HasNext() == types.True {
		e := it.Next()
		if u, ok := e.(*types.Unknown); ok {
			unk = types.MergeUnknowns(unk, u)
			continue
		}
		key := fmt.Sprint(e.Value())
		if s, ok := e.(types.String); ok {
			key = "s:" + strings.ToLower(string(s))
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, e)
		}
	}
	if unk != nil {
		return unk
	}
	return types.DefaultTypeAdapter.NativeToValue(out)
}
